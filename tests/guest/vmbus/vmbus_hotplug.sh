# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Hot offer and rescind from the host's control CLI add and remove devices,
# 100 times (12 on the debug kernel: stress_count), without leaking: the
# slab caches that hold every channel and device (hv_vmbus_channel,
# hv_vmbus_device) count exactly as many objects
# after the cycles as before them, and unloading the bus afterwards finds
# nothing left in them (kmem_cache_destroy would complain in dmesg).  Each
# cycle's device is bound to the echo test driver and carries traffic when
# it is rescinded, so removal of open channels is exercised too.
# tags: 6.12 asan debug
# hvsim: --device heartbeat
# timeout: 600

hv_load_stack
hv_load hv_echo_test
# In-use objects of one cache, after flushing its per-CPU slabs (whose free
# objects /proc/slabinfo would otherwise count as in use).
objs() {
	echo 1 >"/sys/kernel/slab/$1/shrink" 2>/dev/null || true
	awk -v c="$1" '$1 == c {print $2}' /proc/slabinfo
}
[ -n "$(objs hv_vmbus_channel)" ] || fail "no hv_vmbus_channel cache in /proc/slabinfo"
chan0=$(objs hv_vmbus_channel)
dev0=$(objs hv_vmbus_device)
# shellcheck disable=SC2034 # base: in the wait_for condition
base=$(ls /sys/bus/vmbus/devices | wc -l)
cycles=$(stress_count 100)
for i in $(seq 1 "$cycles"); do
	out=$(hostctl offer echo) || fail "offer $i: $out"
	wait_for 5 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq $((base + 1)) ]' ||
		fail "cycle $i: offered device did not appear"
	dev=$(for d in /sys/bus/vmbus/devices/*; do
		if [ -e "$d/echo_run" ]; then echo "$d"; fi; done)
	[ -n "$dev" ] || fail "cycle $i: echo driver did not bind"
	# the rescinded device left sysfs before its last reference went (the
	# removal work drops it after the channel's teardown): wait for it
	wait_for 5 '[ "$(objs hv_vmbus_device)" -eq $((dev0 + 1)) ]' ||
		fail "cycle $i: $(objs hv_vmbus_device) devices in the cache, not $((dev0 + 1))"
	echo "100 1 256 1" >"$dev/echo_run" || fail "cycle $i: echo run failed"
	# the host takes the device back while the driver holds it open
	hostctl rescind "$(cat "$dev/id")" >/dev/null || fail "rescind $i"
	wait_for 5 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq $base ]' ||
		fail "cycle $i: rescinded device did not go away"
done
wait_for 5 '[ "$(objs hv_vmbus_channel)" -eq $chan0 ] && [ "$(objs hv_vmbus_device)" -eq $dev0 ]' || true
chan1=$(objs hv_vmbus_channel)
dev1=$(objs hv_vmbus_device)
note "hv_vmbus_channel objects: $chan0 before, $chan1 after $cycles cycles"
note "hv_vmbus_device objects: $dev0 before, $dev1 after $cycles cycles"
[ "$chan1" -eq "$chan0" ] || fail "channels leaked: $chan0 -> $chan1"
[ "$dev1" -eq "$dev0" ] || fail "devices leaked: $dev0 -> $dev1"
rmmod hv_echo_test hv_vmbus_sim hv_vmbus || fail "cannot unload the stack"
check_dmesg_clean
dmesg | grep -i 'still has objects' && fail "a cache was destroyed with objects in it"
true
