# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The VMBus data path end to end against hvsim's echo device: 1,000,000
# packets (125,000 on the debug kernel: stress_count in tests/guest/lib.sh)
# come back in order and intact over a primary channel and three
# sub-channels spread over both CPUs, packets up to half the ring wrap it
# many times, GPADLs from 4 KiB to 16 MiB are created and read by the host,
# MMIO ranges come from the host's MMIO space,
# and a channel moved to the other CPU (MODIFYCHANNEL) interrupts there.
# tags: 6.12 asan debug
# hvsim: --device echo
# smp: 2
# timeout: 600

hv_load_stack
hv_load hv_echo_test
dev=$(hv_echo_dev) || fail "no echo device"
[ -e "$dev/echo_run" ] || fail "hv_echo_test did not bind $dev"

# Both ends' view of every ring, for a run that failed or stalled.
rings() {
	hostctl channels
	for c in "$dev"/channels/*; do
		note "guest relid $(basename "$c"): out_mask $(cat "$c/out_mask") in_mask $(cat "$c/in_mask") read_avail $(cat "$c/read_avail") write_avail $(cat "$c/write_avail") interrupts $(cat "$c/interrupts") events $(cat "$c/events")"
	done
}

run() {	# run PACKETS MIN MAX CHANNELS
	if ! echo "$*" >"$dev/echo_run"; then
		rings
		fail "echo run $*: $(cat "$dev/echo_result")"
	fi
	note "echo run $*: $(cat "$dev/echo_result")"
}

run "$(stress_count 1000000)" 1 128 4
run 3000 1 65536 4
run 20000 1 4096 1

for size in 4096 65536 1048576 16777216; do
	echo "$size" >"$dev/echo_gpadl" || fail "gpadl $size: $(cat "$dev/echo_result")"
	note "gpadl $size: $(cat "$dev/echo_result")"
done

# MMIO space from the host (the MMIO part of hvsim's BAR2 in sim mode)
echo 2097152 >"$dev/echo_mmio" || fail "mmio: $(cat "$dev/echo_result")"
note "$(cat "$dev/echo_result")"

# Channels and their CPUs: both CPUs must carry channel interrupts.
note "channel_vp_mapping: $(tr '\n' ' ' <"$dev/channel_vp_mapping")"
[ "$(ls "$dev/channels" | wc -l)" -eq 4 ] || fail "expected 4 channels"
declare -A cpu_intr
for c in "$dev"/channels/*; do
	cpu=$(cat "$c/cpu")
	n=$(cat "$c/interrupts")
	note "channel $(basename "$c"): cpu $cpu interrupts $n events $(cat "$c/events")"
	cpu_intr[$cpu]=$(( ${cpu_intr[$cpu]:-0} + n ))
done
[ "${cpu_intr[0]:-0}" -gt 0 ] && [ "${cpu_intr[1]:-0}" -gt 0 ] ||
	fail "interrupts not on both CPUs: cpu0 ${cpu_intr[0]:-0}, cpu1 ${cpu_intr[1]:-0}"

# Move the primary channel to the other CPU; its interrupts follow.
relid=$(cat "$dev/id")
c=$dev/channels/$relid
old=$(cat "$c/cpu")
new=$((1 - old))
echo "$new" >"$c/cpu" || fail "cannot move channel $relid to cpu $new"
[ "$(cat "$c/cpu")" = "$new" ] || fail "cpu attribute did not change"
before=$(grep -E "hv_vmbus_sim" /proc/interrupts | awk -v col=$((new + 2)) '{s += $col} END {print s}')
run 20000 1 64 1
after=$(grep -E "hv_vmbus_sim" /proc/interrupts | awk -v col=$((new + 2)) '{s += $col} END {print s}')
note "interrupts on cpu $new: $before -> $after"
[ "$after" -gt "$before" ] || fail "no interrupts on cpu $new after the move"
check_dmesg_clean
