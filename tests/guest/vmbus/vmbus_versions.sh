# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Version negotiation lands on each of 5.3, 5.0, 4.0, 3.0 and 2.4 when the
# host caps it there: the guest starts at its highest (5.3) and walks down.
# Each reconnect also exercises UNLOAD (rmmod of the transport) and a fresh
# INITIATE_CONTACT.
# tags: 6.1
# hvsim: --device heartbeat --device echo
# timeout: 180

hv_load hv_vmbus
for v in 5.3 5.0 4.0 3.0 2.4; do
	hostctl set max-version "$v" >/dev/null || fail "hvsim refused max-version $v"
	dmesg -C
	insmod "$(hv_module_path hv_vmbus_sim)" || fail "transport did not connect at $v"
	got=$(dmesg | sed -n 's/.*hv_vmbus: Vmbus version:\([0-9.]*\).*/\1/p' | tail -n 1)
	host=$(hostctl version)
	note "cap $v: guest says $got, host says $host"
	[ "$got" = "$v" ] || fail "guest negotiated '$got' under a $v cap"
	[ "$host" = "$v" ] || fail "host reports '$host' under a $v cap"
	wait_for 10 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq 2 ]' ||
		fail "devices missing at $v: $(ls /sys/bus/vmbus/devices)"
	rmmod hv_vmbus_sim || fail "rmmod hv_vmbus_sim at $v"
	[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq 0 ] || fail "devices left after rmmod"
done
check_dmesg_clean
