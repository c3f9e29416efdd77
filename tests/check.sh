#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The one test command: `make check` (full) and `make check-quick` (quick).
# Installs dependencies, fetches the test kernels, builds, then runs: unit
# tests, style checks, the kernel build matrix, guest scenarios on 6.1 and
# 6.12 under hvsim, and the packaging tests.  Every test prints one TAP line;
# the run ends with "N passed, N failed, N skipped".
set -uo pipefail

mode=${1:-full}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Dependencies and kernels are set-up, not tests: failing them stops the run.
tests/deps.sh || exit 1
if [ "$mode" = quick ]; then
	kernels=(6.1)
	guest_kernels=(6.1)
else
	kernels=(5.10 6.1 6.12)
	guest_kernels=(6.1 6.12)
fi
tests/kernels/fetch.sh "${kernels[@]}" >/dev/null || exit 1

tap_cmd() {	# tap_cmd NAME COMMAND...: one TAP line for a command's success
	if "${@:2}" >"$out/log" 2>&1; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		tail -n 30 "$out/log" | sed 's/^/# /'
	fi
}

step() {	# step NAME COMMAND...: run, show, and keep its TAP lines
	echo "# --- $1"
	"${@:2}" 2>&1 | tee -a "$out/tap"
}

step "user space" tap_cmd "user-space build (-Werror)" make -s user
step "hvsim asan build" tap_cmd "hvsim ASan/UBSan build" make -s -C tests/hvsim asan
step "unit tests" tests/unit/run.sh
step "style" tests/style.sh
step "build matrix" tests/matrix.sh "${kernels[@]}"
for k in "${guest_kernels[@]}"; do
	for t in tests/guest/*.sh; do
		case $(basename "$t") in lib.sh | tmp_*) continue ;; esac
		step "guest $k $(basename "$t" .sh)" tests/qemu/boot.sh --series "$k" --scenario "$t"
	done
done
# The host side under ASan/UBSan: its data paths and hot-plug, on 6.1.
for t in tests/guest/vmbus_echo.sh tests/guest/vmbus_hotplug.sh \
	tests/guest/storage_disk.sh tests/guest/storage_hotplug.sh \
	tests/guest/net_ping.sh tests/guest/net_offloads.sh \
	tests/guest/net_hotplug.sh tests/guest/net_switch.sh \
	tests/guest/net_hostile.sh; do
	step "guest 6.1 $(basename "$t" .sh) (hvsim asan)" \
		tests/qemu/boot.sh --series 6.1 --scenario "$t" --asan
done
if [ "$mode" = full ]; then
	step "packaging" tests/packaging/run.sh
fi

# The summary repeats, for each failure, why: its FAIL line, the scenario's
# last notes before it, the last kernel lines of our modules and any panic
# lines after it (CI may show only the end).
awk '
	function add(line) { failed = failed "\n#     " line }
	/^ok .*# SKIP/ { s++; next }
	/^ok/ { p++; cur = ""; why = ""; n = m = 0; next }
	/^not ok/ {
		f++; cur = $0
		failed = failed "\n#   " $0
		if (why != "") add(why)
		for (i = (n > 6 ? n - 6 : 0); i < n; i++)
			if (ctx[i % 6] != why) add(ctx[i % 6])
		for (i = (m > 4 ? m - 4 : 0); i < m; i++) add(kern[i % 4])
		why = ""; n = m = 0; next
	}
	/^# FAIL:/ { why = $0 }
	/^# --- / { cur = ""; why = ""; n = m = 0; next }
	cur != "" && /(Kernel panic|BUG:|Oops|RIP:|timed out|Call Trace)/ &&
	    shown[cur]++ < 6 { add($0) }
	/^# dmesg:/ {
		if (/hv_|netvsc|storvsc|vmbus/) { kern[m % 4] = $0; m++ }
		next
	}
	{ ctx[n % 6] = $0; n++ }
	END {
		if (f) print "# failed:" failed
		printf "%d passed, %d failed, %d skipped\n", p, f, s
		exit f ? 1 : 0
	}' "$out/tap"
