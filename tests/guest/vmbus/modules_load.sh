# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Our hv_vmbus and its hvsim transport load on this kernel, and the loaded
# module is our build (same srcversion and path), not the distribution's.
# tags: 6.12 quick
# smp: 2
# timeout: 120

hv_load hv_vmbus hv_vmbus_sim
for m in hv_vmbus hv_vmbus_sim; do
	want=$(modinfo -F srcversion "$(hv_module_path $m)")
	have=$(cat /sys/module/$m/srcversion)
	note "$m: version $(cat /sys/module/$m/version), srcversion $have (built: $want)"
	[ -n "$want" ] && [ "$have" = "$want" ] || fail "$m loaded is not our build"
	[ "$(cat /sys/module/$m/version)" = "$(cat "$HVLIS_TOP/VERSION")" ] ||
		fail "$m does not carry our version"
	[ -f "/lib/modules/$(uname -r)/kernel/drivers/hv/$m.ko.xz" ] ||
		[ -f "/lib/modules/$(uname -r)/kernel/drivers/hv/$m.ko" ] ||
		[ $m = hv_vmbus_sim ] ||
		fail "the distribution has no $m, so this check proves nothing"
	[ "$(modinfo -F srcversion $m 2>/dev/null)" != "$have" ] ||
		[ $m = hv_vmbus_sim ] || fail "distribution $m has the same srcversion"
done
# The hvsim transport found the device, said HELLO and set up the SynIC
# of every CPU: only then does it hand the bus a backend.
dmesg | grep -q 'hv_vmbus: connecting through the sim backend, 2 CPUs' ||
	fail "the sim backend did not come up"
[ -d /sys/bus/vmbus ] || fail "no vmbus bus type"
check_dmesg_clean
