# SPDX-License-Identifier: GPL-2.0-only
# Our hv_vmbus and its hvsim transport load on this kernel, and the loaded
# module is our build (same srcversion and path), not the distribution's.
# smp: 2
# timeout: 120

hv_load hv_vmbus hv_vmbus_sim
for m in hv_vmbus hv_vmbus_sim; do
	want=$(modinfo -F srcversion "$(hv_module_path $m)")
	have=$(cat /sys/module/$m/srcversion)
	note "$m: srcversion $have (built: $want)"
	[ "$have" = "$want" ] || fail "$m loaded is not our build"
	[ -f "/lib/modules/$(uname -r)/kernel/drivers/hv/$m.ko.xz" ] ||
		[ -f "/lib/modules/$(uname -r)/kernel/drivers/hv/$m.ko" ] ||
		[ $m = hv_vmbus_sim ] ||
		fail "the distribution has no $m, so this check proves nothing"
	[ "$(modinfo -F srcversion $m 2>/dev/null)" != "$have" ] ||
		[ $m = hv_vmbus_sim ] || fail "distribution $m has the same srcversion"
done
# The hvsim transport found the device and connected to the host.
wait_for 10 '[ -e /sys/bus/pci/drivers/hv_vmbus_sim/0000:* ]' ||
	fail "hv_vmbus_sim did not bind the ivshmem device"
dmesg | grep -q 'connected to hvsim' || fail "no hvsim connection"
grep -q '^vmbus$' <(ls /sys/bus) || fail "no vmbus bus type"
check_dmesg_clean
