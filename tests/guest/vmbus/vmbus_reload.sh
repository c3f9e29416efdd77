# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# rmmod and insmod of hv_vmbus 20 times in a row, twice on the debug
# kernel (stress_count): every time the bus reconnects (UNLOAD, then a
# fresh negotiation) and the devices come back.
# On both stock kernels (compat): the bus type and its match and uevent
# callbacks are const on 6.12 only (HAVE_CONST_BUS_TYPE,
# HAVE_BUS_MATCH_CONST_DRV, HAVE_BUS_UEVENT_CONST_DEV), where a reworked
# driver core registers them; every round registers and removes the bus.
# tags: compat debug
# hvsim: --device all
# timeout: 300

rounds=$(stress_count 20)
for i in $(seq 1 "$rounds"); do
	hv_load_stack
	n=$(ls /sys/bus/vmbus/devices | wc -l)
	[ "$n" -ge 16 ] || fail "round $i: only $n devices"
	rmmod hv_vmbus_sim || fail "round $i: rmmod hv_vmbus_sim"
	rmmod hv_vmbus || fail "round $i: rmmod hv_vmbus"
done
note "$rounds rounds, $n devices each"
check_dmesg_clean
