# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Benchmark, not a test: echo throughput over VMBus (packets/s and MB/s for
# small and large packets, one and four channels) beside this guest's
# memcpy bandwidth, measured in the same run.  `make bench` runs it.
# hvsim: --device echo
# smp: 2
# timeout: 600

hv_load_stack
hv_load hv_echo_test
dev=$(for d in /sys/bus/vmbus/devices/*; do [ -e "$d/echo_run" ] && echo "$d"; done)
[ -n "$dev" ] || fail "no echo device"
mem=$(cat "$dev/memcpy_kbps")
printf '%-28s %12s %10s %14s\n' "echo run" "packets/s" "MB/s" "MB/s / memcpy"
for args in "200000 64 64 1" "200000 64 64 4" "20000 4096 4096 1" "20000 4096 4096 4" \
	    "2000 65536 65536 1"; do
	echo "$args" >"$dev/echo_run" || fail "echo run $args: $(cat "$dev/echo_result")"
	r=$(cat "$dev/echo_result")
	pps=$(echo "$r" | sed -n 's/.* pps=\([0-9]*\).*/\1/p')
	kbps=$(echo "$r" | sed -n 's/.* kbps=\([0-9]*\).*/\1/p')
	read -r n sz _ ch <<<"$args"
	printf '%-28s %12s %10.1f %14.4f\n' "${sz}B x $n, $ch ch" "$pps" \
		"$(echo "scale=1; $kbps / 1000" | bc)" "$(echo "scale=6; $kbps / $mem" | bc)"
done
printf '%-28s %12s %10.1f\n' "memcpy (same guest)" "-" "$(echo "scale=1; $mem / 1000" | bc)"
