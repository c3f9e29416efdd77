#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build every module for each cached Debian kernel with W=1 and sparse
# (C=1) in one pass.  One TAP line per kernel; any compiler or sparse
# warning fails that line.  The debug kernel gets W=1 only: it is the
# 6.12 source sparse has already read, and sparse adds 12 s a kernel.
#
# Usage: matrix.sh [SERIES ...]   (default: 5.10 6.1 6.12; "debug" is the
# debug kernel, tests/kernels/debug.sh)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series_list=("$@")
[ ${#series_list[@]} -gt 0 ] || series_list=(5.10 6.1 6.12)
rc=0
# kbuild runs one compiler (and sparse) per file: keep every CPU busy
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

report() {	# report NAME LOG BUILD_STATUS
	local warnings
	warnings=$(grep -ciE '(warning|error):' "$2")
	if [ "$3" -eq 0 ] && [ "$warnings" -eq 0 ]; then
		echo "ok - $1: 0 warnings"
	else
		echo "not ok - $1: build status $3, $warnings warnings"
		grep -iE -A3 '(warning|error):' "$2" | head -n 40 | sed 's/^/# /'
		[ "$3" -eq 0 ] || tail -n 20 "$2" | sed 's/^/# /'
		rc=1
	fi
}

for s in "${series_list[@]}"; do
	log=$(mktemp)
	rel=$(cat "${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}/kernels/$s/RELEASE" 2>/dev/null)
	# One pass over a clean tree: W=1 compiles every file and C=1 runs
	# sparse on every file it compiles, so both judge everything at the
	# cost of one build (a second C=2 pass used to take a third of the
	# matrix's time).
	rm -rf "$top/build/$s"
	if [ "$s" = debug ]; then
		"$top/tests/kernels/build.sh" "$s" -j"$jobs" W=1 >"$log" 2>&1
		report "matrix $s ($rel) W=1" "$log" $?
	else
		"$top/tests/kernels/build.sh" "$s" -j"$jobs" W=1 C=1 >"$log" 2>&1
		report "matrix $s ($rel) W=1 C=1 (gcc and sparse)" "$log" $?
	fi
	rm -f "$log"
done
exit $rc
