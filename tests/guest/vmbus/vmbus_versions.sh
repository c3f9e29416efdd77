# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Version negotiation lands on each of 5.3, 5.0, 4.0, 3.0 and 2.4 when the
# host caps it there: the guest starts at its highest (5.3) and walks down.
# A host capped below 5.0 is an old host without connection id 4: it fails
# each 5.x INITIATE_CONTACT at the post (INVALID_CONNECTION_ID) and the
# guest moves on, as upstream does.  Each rmmod of the transport sends
# UNLOAD, except to a 2.4 host (which cannot reconnect, so none is sent
# and rmmod does not wait for an answer that never comes).
# tags: 6.12
# hvsim: --device heartbeat --device echo
# timeout: 180

hv_load hv_vmbus
for v in 5.3 5.0 4.0 3.0 2.4; do
	hostctl set max-version "$v" >/dev/null || fail "hvsim refused max-version $v"
	nconn=$(vmbus_stat vmbus.posts_unknown_conn) || fail "no host counters"
	dmesg -C
	insmod "$(hv_module_path hv_vmbus_sim)" || fail "transport did not connect at $v"
	got=$(dmesg | sed -n 's/.*hv_vmbus: Vmbus version:\([0-9.]*\).*/\1/p' | tail -n 1)
	host=$(hostctl version)
	note "cap $v: guest says $got, host says $host"
	[ "$got" = "$v" ] || fail "guest negotiated '$got' under a $v cap"
	[ "$host" = "$v" ] || fail "host reports '$host' under a $v cap"
	refused=$(($(vmbus_stat vmbus.posts_unknown_conn) - nconn))
	case $v in
	5.*) want=0 ;;
	*) want=4 ;;	# 5.3, 5.2, 5.1 and 5.0 on connection id 4
	esac
	[ "$refused" -eq "$want" ] ||
		fail "cap $v: $refused posts to a missing connection id, want $want"
	wait_for 10 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq 2 ]' ||
		fail "devices missing at $v: $(ls /sys/bus/vmbus/devices)"
	unloads=$(vmbus_stat vmbus.unloads)
	start=$(date +%s)
	rmmod hv_vmbus_sim || fail "rmmod hv_vmbus_sim at $v"
	took=$(($(date +%s) - start))
	sent=$(($(vmbus_stat vmbus.unloads) - unloads))
	note "cap $v: rmmod took ${took} s, $sent UNLOAD"
	[ "$v" = 2.4 ] && want=0 || want=1
	[ "$sent" -eq "$want" ] || fail "cap $v: $sent UNLOADs at rmmod, want $want"
	[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq 0 ] || fail "devices left after rmmod"
done
[ "$(vmbus_stat vmbus.unloads_ignored)" -eq 0 ] || fail "UNLOAD sent to the 2.4 host"
check_dmesg_clean
