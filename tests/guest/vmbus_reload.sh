# SPDX-License-Identifier: GPL-2.0-only
# rmmod and insmod of hv_vmbus 20 times in a row: every time the bus
# reconnects (UNLOAD, then a fresh negotiation) and the devices come back.
# hvsim: --device all
# timeout: 300

for i in $(seq 1 20); do
	hv_load_stack
	n=$(ls /sys/bus/vmbus/devices | wc -l)
	[ "$n" -ge 16 ] || fail "round $i: only $n devices"
	rmmod hv_vmbus_sim || fail "round $i: rmmod hv_vmbus_sim"
	rmmod hv_vmbus || fail "round $i: rmmod hv_vmbus"
done
note "20 rounds, $n devices each"
check_dmesg_clean
