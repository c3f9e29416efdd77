#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a cached Debian kernel under QEMU (TCG) on hvsim, the simulated
# Hyper-V host, and run one guest scenario, a shell or the demo.
#
#   boot.sh --series 6.1 --scenario tests/guest/vmbus/vmbus_echo.sh
#                        one scenario; prints its TAP line(s)
#   boot.sh --series 6.1 --shell     interactive shell (hv_vmbus loaded)
#   boot.sh --series 6.1 --shell --scenario FILE
#                        FILE's header sets up the host and its body the
#                        guest, then a shell (make run: tests/qemu/demo.sh)
#   boot.sh --series 6.1 --demo      tests/qemu/demo.sh, no terminal
# Options: --smp N --mem SIZE --timeout SECONDS --hvsim-args "..." --keep
#          --asan (run hvsim's ASan/UBSan build; any report fails the run)
#          --no-hvsim (boot without the simulated host, for harness checks)
#          --kernel FILE --initrd FILE [--append "WORDS"]  boot a system of
#                      its own (tests/packaging/install.sh: a disk image
#                      with systemd), not the harness: no 9p root, no
#                      guest.sh; the scenario file gives only the header
#                      (hvsim devices, size, time limit) and the system
#                      writes TAP lines to ttyS1 itself
#
# Scenarios live in folders that mirror src/ (tests/guest/vmbus/,
# storage/, net/; harness/ tests the harness itself); a file's name is its
# TAP name (tests/guest/vmbus/vmbus_echo.sh reports "vmbus_echo") and is
# unique.  Second guests ("# peer:") live in a peer/ folder beside them.
# The harness's shared helpers are tests/guest/lib.sh (sourced before
# every scenario) and tests/qemu/headers.sh (this header parser).
#
# Header: the scenario's leading comment block.  A line there that starts
# with a lowercase word and a colon is a header line "# key: value"; an
# unknown key, a malformed line or an unknown tag is an error (exit 2), so
# prose lines never start with "word:" (tests/qemu/headers.sh).  Keys:
#   tags: WORDS     what check.sh does with the scenario:
#       6.1, 6.12   the one stock kernel it runs on in `make check`
#       compat      both stock kernels: its driver code differs between
#                   them through compat probes (src/compat/probes)
#       quick       also part of `make check-quick` (on 6.1; keep it short)
#       asan        also run once against hvsim's ASan/UBSan build
#       debug       its 6.12 run is on the debug kernel (series "debug":
#                   6.12 with KASAN, KFENCE, UBSAN, lockdep, debug objects,
#                   kmemleak; tests/kernels/debug.sh) with hvsim's ASan
#                   build; any kernel bug report or kmemleak suspect fails
#                   it there (tests/qemu/guest.sh); needs 6.12 or compat
#       slow        takes minutes, never quick (for CI planning)
#     Every scenario under tests/guest/ has exactly one kernel tag;
#     `make check-all` runs every scenario on 6.1 and 6.12 regardless.
#   smp: N, mem: SIZE, timeout: SECONDS   VM size and time limit
#   hvsim: ARGS     hvsim's arguments (its devices)
#   host-after: REGEX   (repeatable) after the guest has stopped, a line of
#                   `hvsim ctl vmbus` must match (e.g. "^vmbus.unloads 1$")
#   image: NAME SIZE    (repeatable) a sparse file NAME in the run
#                   directory, made before boot
#   qemu: ARGS      extra QEMU arguments (e.g. a virtio-blk disk over the
#                   same image)
#   append: ARGS    extra kernel command-line words (e.g. crashkernel=)
#   init: systemd   boot the host's systemd as PID 1 (from the same root,
#                   with our udev rules and units in its /etc), the
#                   scenario running as a service; the guest is powered off
#                   through systemd, so file systems are unmounted cleanly
#   host-check: CMD (repeatable) after the guest has stopped, CMD runs on
#                   the host (bash -c, @RUN@ is the run directory) and must
#                   succeed (e.g. dumpe2fs of a disk image: clean)
#   ends: panic     the scenario ends by panicking the guest with sysrq c,
#                   so it writes no result: it passes if the console shows
#                   that panic (not another: an oops panics too, under
#                   oops=panic), QEMU exited cleanly (a host job the
#                   scenario started judges what happened after the panic
#                   and stops QEMU) and every host-after and host-check
#                   line holds; returning is a failure
# "@RUN@" in "# hvsim:", "# qemu:", "# host:" and "# host-check:" names the run directory.
# Networks: "# netns: yes" (or --netns) runs hvsim, QEMU and the hostctl
# relay in a network namespace of the run's own, so TAP devices and host
# addresses never touch the machine's network; "# host: CMD" lines
# (repeatable) run in it (bash -c) once hvsim is up, before QEMU starts
# (make TAPs, addresses, bridges, servers).  "# peer: FILE" boots a second
# guest with its own hvsim (FILE's "# hvsim:" header; @RUN@ still names the
# first run's directory, so "switch=@RUN@/sw" joins both to one internal
# switch) in the same namespace; it is stopped when the first guest ends
# and its output is shown as comments ("# peer: ...").
# Environment for experiments: HVLIS_HVSIM=PATH runs another hvsim build
# (A/B runs), HVLIS_QEMU_ARGS="..." adds QEMU options.
#
# Exit status: 0 when the scenario passed, 2 for a usage or header error.
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
hvsim_bin=${HVLIS_HVSIM:-$top/tests/hvsim/hvsim}
tag=
netns=
peer=
own_kernel=
own_initrd=
own_append=

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
	--kernel) own_kernel=$2; shift ;;
	--initrd) own_initrd=$2; shift ;;
	--append) own_append=$2; shift ;;
	--netns) netns=yes ;;
	--asan) hvsim_bin=$top/tests/hvsim/build/asan/hvsim; tag=" [hvsim asan]" ;;
	*) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

[ $mode != demo ] || scenario=tests/qemu/demo.sh
[ $mode != scenario ] || [ -n "$scenario" ] ||
	{ echo "boot.sh: --scenario FILE, --shell or --demo" >&2; exit 2; }
. "$top/tests/qemu/headers.sh"
hdrs=
peer_hdrs=
if [ -n "$scenario" ]; then
	[ -f "$top/$scenario" ] || { echo "boot.sh: no scenario '$scenario'" >&2; exit 2; }
	hdrs=$(hdr_read "$top/$scenario") || { echo "boot.sh: $scenario: bad header" >&2; exit 2; }
	header() { hdr_get "$hdrs" "$1" | head -n 1; }
	smp=${smp:-$(header smp)}
	mem=${mem:-$(header mem)}
	timeout=${timeout:-$(header timeout)}
	hvsim_args=${hvsim_args:-$(header hvsim)}
	qemu_extra=$(header qemu)
	kernel_extra=$(header append)
	netns=${netns:-$(header netns)}
	peer=$(header peer)
	init=$(header init)
	case $init in
	'' | systemd) ;;
	*) echo "boot.sh: $scenario: init: systemd is the one choice" >&2; exit 2 ;;
	esac
	[ -z "$init" ] ||
		kernel_extra+="${kernel_extra:+ }hvlis.init=$init"
	if [ -n "$peer" ]; then
		[ -f "$top/$peer" ] || { echo "boot.sh: no peer scenario '$peer'" >&2; exit 2; }
		peer_hdrs=$(hdr_read "$top/$peer") || { echo "boot.sh: $peer: bad header" >&2; exit 2; }
	fi
fi
smp=${smp:-2}
# The debug kernel's default is smaller: each kmemleak scan reads every
# struct page and takes twice as long at 1 GiB (5.5 s against 3 s under
# TCG), and two follow every debug scenario.
if [ "$series" = debug ]; then mem=${mem:-512M}; else mem=${mem:-1G}; fi
timeout=${timeout:-180}
# The debug kernel boots in 20 s instead of 5 and runs the scenarios 3-4
# times slower (KASAN checks every access, lockdep every lock), plus the
# kmemleak scans after the scenario: its time limits are 4 times longer.
[ "$series" != debug ] || timeout=$((timeout * 4))
name=$(basename "${scenario:-shell}" .sh)
qemu_extra=${qemu_extra:-}
kernel_extra=${kernel_extra:-}${own_append:+ $own_append}

kd=$cache/kernels/$series
if [ -n "$own_kernel" ]; then
	[ -f "$own_kernel" ] && [ -f "$own_initrd" ] ||
		{ echo "boot.sh: --kernel and --initrd name files" >&2; exit 2; }
else
	[ -f "$kd/VMLINUZ" ] || { echo "boot.sh: kernel $series not fetched (tests/kernels/fetch.sh)" >&2; exit 2; }
	[ -f "$top/build/$series/src/vmbus/hv_vmbus.ko" ] ||
		{ echo "boot.sh: modules for $series not built (tests/kernels/build.sh $series)" >&2; exit 2; }
fi

run=$(mktemp -d /dev/shm/hvlis-run.XXXXXX)
pids=()
ns=
nsexec=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ -n "$ns" ]; then
		# anything a "host:" line left running in the namespace goes too
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	fi
	if [ "$keep" = 1 ]; then echo "# run directory kept: $run" >&2; else rm -rf "$run"; fi
}
trap cleanup EXIT
# a killed run (timeout, ^C) still removes its namespace and files
trap 'exit 143' INT TERM HUP

if [ -n "$netns" ]; then
	ns=hvlis-${run##*.}
	ip netns add "$ns" || { echo "boot.sh: cannot make network namespace $ns" >&2; exit 2; }
	ip -n "$ns" link set lo up
	nsexec=(ip netns exec "$ns")
fi

[ -n "$own_kernel" ] ||
	"$top/tests/qemu/mkinitramfs.sh" "$series" "$cache/kernels/$series/initramfs.cpio.gz"
if [ -n "$scenario" ]; then
	while read -r img size; do
		case $img in */* | .* | "") echo "boot.sh: bad image name '$img'" >&2; exit 2 ;; esac
		truncate -s "$size" "$run/$img"
	done < <(hdr_get "$hdrs" image)
fi
hvsim_args=${hvsim_args//@RUN@/$run}
qemu_extra=${qemu_extra//@RUN@/$run}

# start_hvsim DIR SMP MEM ARGS: hvsim for one guest, its files in DIR
start_hvsim() {
	local dir=$1 n=$2 memb
	memb=$(numfmt --from=iec "$3")
	# shellcheck disable=SC2086 # the arguments are a list of words
	"${nsexec[@]}" "$hvsim_bin" --socket "$dir/hvsim.sock" --ram "$dir/guest.ram" \
		--ram-size "$memb" --cpus "$n" --ctl "$dir/ctl" \
		--log "$dir/hvsim.log" $4 >"$dir/hvsim.out" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q '^hvsim: ready' "$dir/hvsim.out" 2>/dev/null && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "not ok - $series $name # hvsim did not start"
	sed 's/^/# /' "$dir/hvsim.out"
	exit 1
}

# qemu_cmd DIR SMP MEM SCENARIO [APPEND]: fill the array qemu with a guest's QEMU
# command line, hvsim's devices and the hostctl relay (ttyS2) included
qemu_cmd() {
	local dir=$1 n=$2 m=$3 sc=$4 extra=${5:-} append
	local dev=()
	if [ $use_hvsim = 1 ]; then
		dev=(-chardev "socket,id=hv,path=$dir/hvsim.sock"
			-device "ivshmem-doorbell,chardev=hv,vectors=$n")
		# ttyS2 in the guest: hvsim control commands (tests/guest/lib.sh hostctl)
		HVSIM_CTL=$dir/ctl HVLIS_RUN=$run "${nsexec[@]}" socat \
			"UNIX-LISTEN:$dir/hostctl.sock" \
			"EXEC:$top/tests/qemu/hostctl-relay.sh" 2>>"$dir/hvsim.out" &
		pids+=($!)
		for _ in $(seq 50); do [ -S "$dir/hostctl.sock" ] && break; sleep 0.02; done
		# Its own IRQ: COM3's default is COM1's IRQ 4, and QEMU does not
		# OR two ISA devices' lines, so the console's UART lowering the
		# line could hide an interrupt of this one.  IRQ 5 is free on
		# q35.
		dev+=(-chardev "socket,id=hostctl,path=$dir/hostctl.sock"
			-device "isa-serial,chardev=hostctl,index=2,irq=5")
	fi
	# tsc=unstable: otherwise the kernel marks sched_clock stable about a
	# second into boot by patching a static branch while the other vCPU
	# may be running it, and under QEMU's multi-threaded TCG that vCPU
	# now and then faults in the half-patched instruction (RIP one byte
	# into the site, as after the patch's int3): a panic in
	# sched_clock_idle_wakeup_event, once in about 550 boots here.  With the TSC unstable from the start nothing is
	# patched; the clocksource is the HPET, no slower in these tests.
	# nohz=off: the same fault in enqueue_timer about a second into boot,
	# when the first CPU's switch to tickless mode turns on the
	# timers_nohz_active branch (kernel/time/timer.c) that the other vCPU
	# runs; with periodic ticks it is never turned on (4% fewer echo
	# packets a second, measured).  Single-threaded TCG would end the whole
	# class of faults, but starves the echo device's 4 channels into
	# timeouts.
	append="console=ttyS0 panic=-1 tsc=unstable nohz=off"
	# shellcheck disable=SC2054 # commas inside QEMU options
	qemu=("${nsexec[@]}" qemu-system-x86_64 -M q35,memory-backend=ram -cpu max
		-m "$m" -smp "$n"
		-object "memory-backend-file,id=ram,size=$m,mem-path=$dir/guest.ram,share=on"
		-nodefaults -display none -no-reboot)
	if [ -n "$own_kernel" ]; then
		qemu+=(-kernel "$own_kernel" -initrd "$own_initrd"
			-append "$append${extra:+ $extra}")
	else
		append+=" oops=panic loglevel=4 rdinit=/init"
		append+=" hvlis.top=$top hvlis.cache=$cache hvlis.series=$series"
		append+=" hvlis.mode=$mode hvlis.scenario=$sc${extra:+ $extra}"
		# shellcheck disable=SC2054 # commas inside QEMU options
		qemu+=(-kernel "$(cat "$kd/VMLINUZ")" -initrd "$kd/initramfs.cpio.gz"
			-append "$append"
			-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap)
	fi
	qemu+=("${dev[@]}")
	# shellcheck disable=SC2206
	qemu+=(${HVLIS_QEMU_ARGS:-})
}

# hvsim first: it serves the ivshmem socket QEMU connects to.
if [ $use_hvsim = 1 ]; then
	start_hvsim "$run" "$smp" "$mem" "$hvsim_args"
	export HVSIM_CTL=$run/ctl
fi
if [ -n "$scenario" ]; then
	while IFS= read -r cmd; do
		cmd=${cmd//@RUN@/$run}
		if ! out=$("${nsexec[@]}" bash -c "$cmd" 2>&1); then
			echo "not ok - $series $name # host setup failed: $cmd"
			printf '%s\n' "$out" | sed 's/^/# /'
			exit 1
		fi
	done < <(hdr_get "$hdrs" host)
fi

# The peer guest: one vCPU, its own hvsim and run directory.
if [ -n "$peer" ]; then
	mkdir "$run/peer"
	peer_args=$(hdr_get "$peer_hdrs" hvsim | head -n 1)
	start_hvsim "$run/peer" 1 512M "${peer_args//@RUN@/$run}"
	qemu_cmd "$run/peer" 1 512M "$peer"
	"${qemu[@]}" -serial "file:$run/peer/console.log" \
		-serial "file:$run/peer/results" </dev/null >/dev/null 2>&1 &
	pids+=($!)
fi

qemu_cmd "$run" "$smp" "$mem" "$scenario" "$kernel_extra"
# shellcheck disable=SC2206 # extra arguments are words
qemu+=($qemu_extra)
if [ $mode = shell ]; then
	"${qemu[@]}" -serial mon:stdio -serial "file:$run/results"
	exit 0
fi

start=$(date +%s.%N)
set +e
# QEMU's own messages go to a file (shown on failure), so that an expected
# one ("terminating on signal 15" when a scenario's host job stops it)
# does not land among the TAP lines.
timeout --foreground -k 5 "$timeout" "${qemu[@]}" \
	-serial "file:$run/console.log" -serial "file:$run/results" </dev/null 2>"$run/qemu.err"
qrc=$?
set -e
secs=$(echo "$(date +%s.%N) - $start" | bc)

tr -d '\r' <"$run/results" >"$run/results.txt"
# the guest reported, but never stopped: that is a failure too
if [ $qrc -eq 124 ] && grep -q '^ok - ' "$run/results.txt"; then
	sed -i 's/^ok - /not ok - /' "$run/results.txt"
	echo "# the guest did not stop within ${timeout}s after its report" >>"$run/results.txt"
fi
if [ -n "$scenario" ] && [ "$(header ends)" = panic ]; then
	if grep -q '^ok - ' "$run/results.txt"; then
		sed -i 's/^ok - /not ok - /' "$run/results.txt"
		echo "# the scenario returned; it was to end in a panic" >>"$run/results.txt"
	elif ! grep -q '^not ok - ' "$run/results.txt" && [ $qrc -eq 0 ] &&
		grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$run/console.log"; then
		echo "ok - $series $name" >>"$run/results.txt"
	fi
fi
if [ $use_hvsim = 1 ] && [ -n "$scenario" ]; then
	"$hvsim_bin" ctl --ctl "$run/ctl" vmbus >"$run/vmbus-after" 2>&1 || true
	while IFS= read -r re; do
		if ! grep -qE "$re" "$run/vmbus-after"; then
			sed -i 's/^ok - /not ok - /' "$run/results.txt"
			echo "# host after the guest stopped: no line matches '$re'" >>"$run/results.txt"
			sed 's/^/#   /' "$run/vmbus-after" >>"$run/results.txt"
		fi
	done < <(hdr_get "$hdrs" host-after)
	while IFS= read -r cmd; do
		cmd=${cmd//@RUN@/$run}
		if ! out=$(bash -c "$cmd" 2>&1); then
			sed -i 's/^ok - /not ok - /' "$run/results.txt"
			echo "# host check after the guest stopped failed: $cmd" >>"$run/results.txt"
			printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /' >>"$run/results.txt"
		fi
	done < <(hdr_get "$hdrs" host-check)
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
if [ -n "$peer" ]; then
	tr -d '\r' <"$run/peer/results" 2>/dev/null | sed 's/^/# peer: /' >>"$run/results.txt"
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
if [ -s "$run/qemu.err" ]; then
	echo "# QEMU's messages:"
	tail -n 20 "$run/qemu.err" | sed 's/^/# /'
fi
echo "# hvsim (last 20 lines):"
tail -n 20 "$run/hvsim.out" "$run/hvsim.log" 2>/dev/null | sed 's/^/# /'
exit 1
