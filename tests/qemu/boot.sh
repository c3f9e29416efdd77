#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a cached Debian kernel under QEMU (TCG) on hvsim, the simulated
# Hyper-V host, and run one guest scenario, a shell or the demo.
#
#   boot.sh --series 6.1 --scenario tests/guest/NAME.sh   one scenario; prints
#                                                         its TAP line(s)
#   boot.sh --series 6.1 --shell                          interactive shell
#   boot.sh --series 6.1 --demo                           short demo, no terminal
# Options: --smp N --mem SIZE --timeout SECONDS --hvsim-args "..." --keep
#          --asan (run hvsim's ASan/UBSan build; any report fails the run)
#          --no-hvsim (boot without the simulated host, for harness checks)
# A scenario can set defaults in its header: "# smp: 2", "# mem: 1G",
# "# timeout: 120", "# hvsim: <hvsim arguments>", and checks of the host
# after the guest has stopped: "# host-after: REGEX" lines, each of which
# must match a line of `hvsim ctl vmbus` (e.g. "^vmbus.unloads 1$").
# Disk images: "# image: NAME SIZE" creates a sparse file NAME in the run
# directory before boot; "@RUN@" in "# hvsim:" and "# qemu:" (extra QEMU
# arguments, e.g. a virtio-blk disk over the same image) names that
# directory.
#
# Exit status: 0 when the scenario passed.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
series=6.1
mode=scenario
scenario=
smp=
mem=
timeout=
hvsim_args=
keep=0
use_hvsim=1
hvsim_bin=$top/tests/hvsim/hvsim
tag=

while [ $# -gt 0 ]; do
	case $1 in
	--series) series=$2; shift ;;
	--scenario) scenario=$2; shift ;;
	--shell) mode=shell ;;
	--demo) mode=demo ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--hvsim-args) hvsim_args=$2; shift ;;
	--keep) keep=1 ;;
	--no-hvsim) use_hvsim=0 ;;
	--asan) hvsim_bin=$top/tests/hvsim/build/asan/hvsim; tag=" [hvsim asan]" ;;
	*) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

[ $mode != demo ] || scenario=tests/guest/demo.sh
if [ $mode != shell ]; then
	[ -f "$top/$scenario" ] || { echo "boot.sh: no scenario '$scenario'" >&2; exit 2; }
	header() { sed -n "s/^# $1: *//p" "$top/$scenario" | head -n 1; }
	smp=${smp:-$(header smp)}
	mem=${mem:-$(header mem)}
	timeout=${timeout:-$(header timeout)}
	hvsim_args=${hvsim_args:-$(header hvsim)}
	qemu_extra=$(header qemu)
fi
smp=${smp:-2}
mem=${mem:-1G}
timeout=${timeout:-180}
name=$(basename "${scenario:-shell}" .sh)
qemu_extra=${qemu_extra:-}

kd=$cache/kernels/$series
[ -f "$kd/VMLINUZ" ] || { echo "boot.sh: kernel $series not fetched (tests/kernels/fetch.sh)" >&2; exit 2; }
[ -f "$top/build/$series/src/vmbus/hv_vmbus.ko" ] ||
	{ echo "boot.sh: modules for $series not built (tests/kernels/build.sh $series)" >&2; exit 2; }

run=$(mktemp -d /dev/shm/hvlis-run.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ $keep = 1 ]; then echo "# run directory kept: $run" >&2; else rm -rf "$run"; fi
}
trap cleanup EXIT

"$top/tests/qemu/mkinitramfs.sh" "$series" "$cache/kernels/$series/initramfs.cpio.gz"
if [ -n "$scenario" ]; then
	while read -r img size; do
		case $img in */* | .* | "") echo "boot.sh: bad image name '$img'" >&2; exit 2 ;; esac
		truncate -s "$size" "$run/$img"
	done < <(sed -n 's/^# image: *//p' "$top/$scenario")
fi
hvsim_args=${hvsim_args//@RUN@/$run}
qemu_extra=${qemu_extra//@RUN@/$run}
memb=$(numfmt --from=iec "$mem")

start_hvsim() {
	# shellcheck disable=SC2086 # hvsim_args is a list of words
	"$hvsim_bin" --socket "$run/hvsim.sock" --ram "$run/guest.ram" \
		--ram-size "$memb" --cpus "$smp" --ctl "$run/ctl" \
		--log "$run/hvsim.log" $hvsim_args >"$run/hvsim.out" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q '^hvsim: ready' "$run/hvsim.out" 2>/dev/null && return 0
		kill -0 "${pids[0]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "not ok - $series $name # hvsim did not start"
	sed 's/^/# /' "$run/hvsim.out"
	exit 1
}

# hvsim first: it serves the ivshmem socket QEMU connects to.
hvsim_dev=()
if [ $use_hvsim = 1 ]; then
	start_hvsim
	export HVSIM_CTL=$run/ctl
	hvsim_dev=(-chardev "socket,id=hv,path=$run/hvsim.sock"
		-device "ivshmem-doorbell,chardev=hv,vectors=$smp")
	# ttyS2 in the guest: hvsim control commands (tests/guest/lib.sh hostctl)
	socat "UNIX-LISTEN:$run/hostctl.sock" \
		"EXEC:$top/tests/qemu/hostctl-relay.sh" 2>>"$run/hvsim.out" &
	pids+=($!)
	for _ in $(seq 50); do [ -S "$run/hostctl.sock" ] && break; sleep 0.02; done
	hvsim_dev+=(-chardev "socket,id=hostctl,path=$run/hostctl.sock"
		-device "isa-serial,chardev=hostctl,index=2")
fi

append="console=ttyS0 panic=-1 oops=panic loglevel=4 rdinit=/init"
append+=" hvlis.top=$top hvlis.cache=$cache hvlis.series=$series"
append+=" hvlis.mode=$mode hvlis.scenario=$scenario"
qemu=(qemu-system-x86_64 -M q35,memory-backend=ram -cpu max -m "$mem" -smp "$smp"
	-object "memory-backend-file,id=ram,size=$mem,mem-path=$run/guest.ram,share=on"
	-nodefaults -display none -no-reboot
	-kernel "$(cat "$kd/VMLINUZ")" -initrd "$kd/initramfs.cpio.gz" -append "$append"
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
	"${hvsim_dev[@]}")
# shellcheck disable=SC2206 # extra arguments are words
qemu+=($qemu_extra)

if [ $mode = shell ]; then
	"${qemu[@]}" -serial mon:stdio -serial "file:$run/results"
	exit 0
fi

start=$(date +%s.%N)
set +e
timeout --foreground -k 5 "$timeout" "${qemu[@]}" \
	-serial "file:$run/console.log" -serial "file:$run/results" </dev/null
qrc=$?
set -e
secs=$(echo "$(date +%s.%N) - $start" | bc)

tr -d '\r' <"$run/results" >"$run/results.txt"
if [ $use_hvsim = 1 ] && [ -n "$scenario" ]; then
	"$hvsim_bin" ctl --ctl "$run/ctl" vmbus >"$run/vmbus-after" 2>&1 || true
	while IFS= read -r re; do
		if ! grep -qE "$re" "$run/vmbus-after"; then
			sed -i 's/^ok - /not ok - /' "$run/results.txt"
			echo "# host after the guest stopped: no line matches '$re'" >>"$run/results.txt"
			sed 's/^/#   /' "$run/vmbus-after" >>"$run/results.txt"
		fi
	done < <(sed -n 's/^# host-after: *//p' "$top/$scenario")
fi
if [ $use_hvsim = 1 ]; then
	# stop hvsim cleanly, so that leak checks of sanitizer builds run
	"$hvsim_bin" ctl --ctl "$run/ctl" quit >/dev/null 2>&1 || true
	for _ in $(seq 100); do kill -0 "${pids[0]}" 2>/dev/null || break; sleep 0.05; done
fi
# The host side must have stayed clean too (sanitizer builds report here).
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$run/hvsim.out" 2>/dev/null; then
	sed -i 's/^ok - /not ok - /' "$run/results.txt"
	echo "# hvsim sanitizer report:" >>"$run/results.txt"
	head -n 30 "$run/hvsim.out" | sed 's/^/# /' >>"$run/results.txt"
fi
sed -i "s/^\(\(not \)\?ok - .*\)$/\1$tag/" "$run/results.txt"
cat "$run/results.txt"
if grep -q '^ok - ' "$run/results.txt"; then
	printf '# %s %s: %.1f s\n' "$series" "$name" "$secs"
	exit 0
fi
if ! grep -q '^not ok' "$run/results.txt"; then
	why="no result"
	[ $qrc -ne 124 ] || why="timed out after ${timeout}s"
	echo "not ok - $series $name # $why"
fi
echo "# console (last 40 lines):"
tail -n 40 "$run/console.log" | sed 's/^/# /'
echo "# hvsim (last 20 lines):"
tail -n 20 "$run/hvsim.out" "$run/hvsim.log" 2>/dev/null | sed 's/^/# /'
exit 1
