#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fuzz the daemons' parsing code with libFuzzer (Debian's clang,
# -fsanitize=fuzzer,address,undefined): tests/fuzz/run.sh [SECONDS]
# builds each fuzz_*.c target here with the daemon sources it tests, runs
# it for SECONDS (default 20) from the seeds in corpus/<target>/ (the
# corpus it grows is thrown away), and prints one TAP line per target:
#   ok - fuzz kvp_msg: 123456 runs, 0 crashes
# A crash, a sanitizer report or a failed check prints "not ok" with the
# end of the log and keeps the crashing input under $HVLIS_FUZZ_KEEP (a
# directory, if set).  Installs clang through tests/deps.sh if missing.
set -uo pipefail

secs=${1:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/fuzz
src=$top/src/daemons
command -v clang >/dev/null || "$top/tests/deps.sh" || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# target: the daemon sources it links (besides common.c)
declare -A sources=(
	[kvp_msg]="kvp_msg.c kvp_pool.c kvp_ip.c kvp_osinfo.c helper.c"
	[kvp_pool]="kvp_pool.c"
	[vss_msg]="vss_msg.c vss_freeze.c"
	[fcopy]="fcopy.c"
	[os_release]="kvp_osinfo.c"
)
# shellcheck disable=SC2054 # -fsanitize=a,b is one option
cflags=(-g -O1 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE
	-Wno-c2x-extensions	# the hvlis headers' one-argument static_assert
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I"$top/src/include" -I"$src" -I"$here")

# fuzz_one TARGET: build and run it; prints its TAP line and comments
fuzz_one() {
	local t=$1 files f seeds rc runs crashes
	files=("$here/fuzz_$t.c" "$src/common.c")
	for f in ${sources[$t]}; do files+=("$src/$f"); done
	if ! clang "${cflags[@]}" "${files[@]}" -o "$work/$t" >"$work/$t.build" 2>&1; then
		echo "not ok - fuzz $t: does not build"
		tail -n 20 "$work/$t.build" | sed 's/^/# /'
		return
	fi
	mkdir -p "$work/$t.corpus" "$work/$t.crash"
	seeds=$here/corpus/$t
	[ -d "$seeds" ] || seeds=
	(cd "$work/$t.crash" && "$work/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -max_len=16384 \
		"$work/$t.corpus" ${seeds:+"$seeds"}) >"$work/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -n 1)
	crashes=$(find "$work/$t.crash" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' |
		wc -l)
	if [ $rc = 0 ] && [ "$crashes" = 0 ] && [ -n "$runs" ]; then
		echo "ok - fuzz $t: $runs runs, 0 crashes"
	else
		echo "not ok - fuzz $t: ${runs:-?} runs, $crashes crashes (exit $rc)"
		grep -m 1 -A 12 'ERROR\|==ABORTING\|deadly signal' "$work/$t.log" | sed 's/^/# /'
		tail -n 5 "$work/$t.log" | sed 's/^/# /'
		if [ -n "${HVLIS_FUZZ_KEEP:-}" ]; then
			mkdir -p "$HVLIS_FUZZ_KEEP" && cp "$work/$t.crash"/* "$HVLIS_FUZZ_KEEP"/ 2>/dev/null
			echo "# inputs kept in $HVLIS_FUZZ_KEEP"
		fi
	fi
}

# One target per CPU at a time (each runs single-threaded), each one's
# output printed in the fixed order once it is done.
targets=(kvp_msg kvp_pool vss_msg fcopy os_release)
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
	for t in "${targets[@]:i:jobs}"; do
		fuzz_one "$t" >"$work/$t.tap" 2>&1 &
	done
	wait
	for t in "${targets[@]:i:jobs}"; do cat "$work/$t.tap"; done
done
