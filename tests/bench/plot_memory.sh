#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# plot_memory.sh LOG PNG: the Dynamic Memory time series a scenario printed
# ("series ms=... committed_mb=... target_mb=... guest_mb=... ballooned_mb=...
# hot_added_mb=... ram_file_mb=...", one line a status report, from
# `hvsim ctl memory history`) as a PNG: the host's target, the guest's
# demand (its committed memory less the balloon, which the guest counts as
# committed), what the guest has, and the RAM file's allocated MiB over
# time.  Also writes the columns next to it as PNG's name with .dat.
set -euo pipefail
log=${1:?usage: plot_memory.sh LOG PNG}
png=${2:?usage: plot_memory.sh LOG PNG}
dat=${png%.png}.dat

sed -n 's/^\(# \)\{0,1\}series //p' "$log" |
	awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%.1f %s %s %s %s %s %s\n", v["ms"] / 1000, v["committed_mb"],
		       v["target_mb"], v["guest_mb"], v["ballooned_mb"],
		       v["hot_added_mb"], v["ram_file_mb"]
	}' >"$dat"
[ -s "$dat" ] || { echo "plot_memory.sh: no series lines in $log" >&2; exit 1; }

gnuplot <<GP
set terminal pngcairo size 900,500 noenhanced
set output "$png"
set title "Dynamic Memory: the host's policy, what the guest has and the RAM file"
set xlabel "seconds since the handshake"
set ylabel "MiB"
set key inside left top box opaque
set grid
plot "$dat" using 1:3 with lines lw 2 title "host target", \
     "$dat" using 1:(\$2 - \$5) with lines lw 2 title "guest demand", \
     "$dat" using 1:4 with steps lw 2 title "guest has", \
     "$dat" using 1:7 with lines lw 1 dt 2 title "RAM file allocated"
GP
echo "$png"
