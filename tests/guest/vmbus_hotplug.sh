# SPDX-License-Identifier: GPL-2.0-only
# Hot offer and rescind from the host's control CLI add and remove devices,
# 100 times, without leaking: after the cycles, kmalloc slab objects are
# where they were after the first ten (a leak of one object per cycle would
# show as 90).  A rescind of a device whose driver has its channels open
# (the echo test driver) must not hang or warn either.
# hvsim: --device heartbeat
# timeout: 600

hv_load_stack
hv_load hv_echo_test
kmalloc_objs() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^kmalloc-/ {s += $2} END {print s}' /proc/slabinfo
}
base=$(ls /sys/bus/vmbus/devices | wc -l)
for i in $(seq 1 100); do
	out=$(hostctl offer echo) || fail "offer $i: $out"
	wait_for 5 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq $((base + 1)) ]' ||
		fail "cycle $i: offered device did not appear"
	dev=$(for d in /sys/bus/vmbus/devices/*; do
		[ -e "$d/echo_run" ] && echo "$d"; done)
	[ -n "$dev" ] || fail "cycle $i: echo driver did not bind"
	echo "100 1 256 1" >"$dev/echo_run" || fail "cycle $i: echo run failed"
	hostctl rescind "$(cat "$dev/id")" >/dev/null || fail "rescind $i"
	wait_for 5 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq $base ]' ||
		fail "cycle $i: rescinded device did not go away"
	[ "$i" -eq 10 ] && at10=$(kmalloc_objs)
done
at100=$(kmalloc_objs)
note "kmalloc objects after 10 cycles: $at10, after 100: $at100"
[ $((at100 - at10)) -lt 90 ] || fail "slab objects grew by $((at100 - at10)) over 90 cycles"
check_dmesg_clean
