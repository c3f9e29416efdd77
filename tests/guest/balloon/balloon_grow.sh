# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The Dynamic Memory policy with a workload that grows past what the guest
# booted with.  QEMU maps 1152 MiB, the guest boots with 640 (startup=640),
# and the host may hot-add up to 1024 MiB (its region ends at the last
# block boundary below the firmware's tables).  Idle, the guest is
# ballooned toward its demand plus the 80% buffer.  Then stress-ng
# steps up with three workers, together enough to take demand plus the
# buffer past startup and at least three quarters of what the guest has
# available then (the debug kernel keeps far more for itself than the
# stock one), started 8 s apart, each holding its memory until all end.
# The policy, from the guest's own pressure reports, first gives the
# balloon back and then hot-adds memory; no OOM kill, and every worker
# ends well.  Once they end, the host balloons the guest back down to
# demand plus the buffer.  The time series (host target, guest demand,
# what it has, the RAM file's allocated MiB, one line a report) is
# printed, and `make bench` plots it.
# tags: 6.12 debug
# mem: 1152M
# append: mem=640M memhp_default_state=online init_on_free=1
# hvsim: --device balloon:dynamic=1,startup=640,buffer=80
# timeout: 400

# shellcheck source=tests/guest/balloon/balloon.bash
. "$HVLIS_TOP/tests/guest/balloon/balloon.bash"

hv_load_stack
dm_load
[ "$(hval memory.hot_add_room_mb memory status)" = 384 ] ||
	fail "the host offers $(hval memory.hot_add_room_mb memory status) MiB to hot-add, not 384"

# ---- idle: ballooned toward the minimum ----
wait_for 90 "[ \"\$(hval memory.ballooned_mb memory status)\" -gt 0 ] && dm_settled" ||
	fail "the host did not balloon an idle guest: $(hostctl memory status | tr '\n' ' ')"
note "idle: $(hval memory.ballooned_mb memory status) MiB ballooned, target $(hval memory.target_mb memory status) MiB"

# ---- the workload grows: the balloon comes back, then memory is added ----
# enough that demand plus the buffer passes startup by 64 MiB, at least a
# quarter of what is available now
demand=$(( $(hval memory.committed_pages memory status) / 256 - $(hval memory.ballooned_mb memory status) ))
step=$(( (704 * 10 / 18 - demand + 2) / 3 ))
[ "$step" -ge $(( $(meminfo MemAvailable) / 4096 )) ] || step=$(( $(meminfo MemAvailable) / 4096 ))
note "demand $demand MiB; three workers of $step MiB"
grow_workload "$step" 3 8 >/tmp/grow.log 2>&1 &
wpid=$!
wait_for 120 "[ \"\$(hval memory.hot_added_mb memory status)\" -gt 0 ]" ||
	fail "the host added no memory: $(hostctl memory status | tr '\n' ' ')"
wait "$wpid" || fail "the workload failed: $(cat /tmp/grow.log)"
peak=$(hval memory.hot_added_mb memory status)
note "workload done: $peak MiB hot-added, $(hval memory.ballooned_mb memory status) MiB ballooned, MemTotal $(meminfo MemTotal) kB"
# the balloon was empty by the first report that saw memory added
first=$(hostctl memory history | awk '/hot_added_mb=[1-9]/ { print; exit }')
case $first in
*" ballooned_mb=0 "*) ;;
*) fail "memory was added while the balloon held some: $first" ;;
esac
! dmesg | grep -qi 'out of memory\|oom-kill' || fail "the OOM killer ran"

# ---- it ended: back down toward demand + buffer ----
wait_for 120 "[ \"\$(hval memory.ballooned_mb memory status)\" -gt 0 ] && dm_settled" ||
	fail "the host did not balloon the guest back: $(hval memory.ballooned_mb memory status) MiB"
have=$(( 640 + $(hval memory.hot_added_mb memory status) - $(hval memory.ballooned_mb memory status) ))
target=$(hval memory.target_mb memory status)
note "after: the guest has $have MiB, target $target MiB"
[ $((have - target)) -le 16 ] && [ $((target - have)) -le 16 ] ||
	fail "the guest has $have MiB, the target is $target MiB"

# the time series for the log and for `make bench`
hostctl memory history | sed -n 's/^memory\.sample /series /p'
[ "$(hval memory.bad memory status)" = 0 ] || fail "the host counted bad messages"
[ "$(hval memory.ranges_bad memory status)" = 0 ] || fail "the host refused ranges"
check_dmesg_clean
