#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: every tests/bench/*.sh in a guest on hvsim (SERIES, default
# 6.1).  They print numbers side by side; nothing here passes or fails.
# Then the Dynamic Memory policy scenario, whose time series is plotted
# (build/bench/memory.png, the numbers in memory.txt and memory.dat).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
series=${SERIES:-6.1}
cd "$top"
tests/deps.sh
tests/kernels/fetch.sh "$series" >/dev/null
tests/kernels/build.sh "$series" >/dev/null
make -s user
out=$top/build/bench
mkdir -p "$out"
for b in tests/bench/*.sh; do
	case $b in tests/bench/run.sh | tests/bench/plot_*.sh) continue ;; esac
	echo "# $b on $series"
	tests/qemu/boot.sh --series "$series" --scenario "$b" | sed -n 's/^# //p'
done

# Dynamic Memory: the policy scenario's time series, as text and as a PNG
echo "# tests/guest/balloon/balloon_grow.sh on $series"
tests/qemu/boot.sh --series "$series" --scenario tests/guest/balloon/balloon_grow.sh |
	sed -n 's/^# //p' | tee "$out/memory.txt" | grep -v '^series '
echo "time series: $out/memory.txt, chart: $(tests/bench/plot_memory.sh "$out/memory.txt" "$out/memory.png")"
