# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The host's Dynamic Memory policy driven by the guest's own pressure
# reports (hvsim: dynamic, memory buffer 50%, the default minimum of 512
# MiB).  An idle guest of 1 GiB is ballooned down to its demand
# (num_committed, which counts Committed_AS, upstream's floor and the
# balloon) plus the buffer, or the minimum, in steps; MemTotal follows.
# A workload that commits 320 MiB more makes the host give memory back
# while it runs, and it finishes without an OOM kill; once it ends the
# host takes the memory again.  (The buffer is 50%, not Hyper-V's 20:
# this guest's root is 9p, whose page cache and 256 KiB buffers are not
# in Committed_AS, and a guest squeezed to 1.2 times that fails reads.)  A minimum set on the host holds
# the guest above it.  The host's history of the run (a line a report)
# is printed for `make bench` to plot.
# tags: 6.1
# hvsim: --device balloon:dynamic=1,buffer=50
# timeout: 300

# shellcheck source=tests/guest/balloon/balloon.bash
. "$HVLIS_TOP/tests/guest/balloon/balloon.bash"
ballooned() {
	hval memory.ballooned_mb memory status
}

hv_load_stack
total0=$(meminfo MemTotal)
dm_load

# ---- idle: down to demand + 50%, or the minimum ----
wait_for 60 "[ \"\$(ballooned)\" -gt 0 ] && dm_settled" ||
	fail "the host did not balloon an idle guest: $(hostctl memory status | tr '\n' ' ')"
idle=$(ballooned)
target=$(hval memory.target_mb memory status)
note "idle: ${idle} MiB ballooned, target ${target} MiB, MemTotal $(meminfo MemTotal) kB (was $total0)"
[ "$idle" -ge 128 ] || fail "only $idle MiB ballooned from an idle guest"
[ $(( (total0 - $(meminfo MemTotal)) >> 10 )) -eq "$idle" ] ||
	fail "MemTotal fell by $(( (total0 - $(meminfo MemTotal)) >> 10 )) MiB, the host holds $idle"
# what the guest has is the target, within the policy's 16 MiB slack
have=$(( 1024 - idle ))
[ $((have - target)) -le 16 ] && [ $((target - have)) -le 16 ] ||
	fail "the guest has $have MiB, the target is $target MiB"

# ---- a workload commits 320 MiB: memory comes back while it runs ----
# (committed at once, touched over a few seconds, as a program that
# grows: the host answers the reports, not the page faults)
python3 -c '
import sys, time
b = bytearray(320 << 20)
time.sleep(2)
for c in range(0, len(b), 16 << 20):
    for i in range(c, c + (16 << 20), 4096):
        b[i] = 1
    time.sleep(0.1)
print("allocated", flush=True)
time.sleep(float(sys.argv[1]))
' 5 >/tmp/work.log 2>&1 &
wpid=$!
wait_for 60 "[ \"\$(ballooned)\" -le $((idle - 256)) ]" ||
	fail "the host gave back too little: $(ballooned) MiB still ballooned, $idle before"
busy=$(ballooned)
note "busy: $busy MiB ballooned, target $(hval memory.target_mb memory status) MiB"
wait "$wpid" || fail "the workload failed: $(cat /tmp/work.log)"
grep -q allocated /tmp/work.log || fail "the workload never allocated"
! dmesg | grep -qi 'out of memory\|oom-kill' || fail "the OOM killer ran"

# ---- it ended: the host takes the memory again ----
wait_for 60 "[ \"\$(ballooned)\" -ge $((idle - 32)) ] && dm_settled" ||
	fail "the host did not balloon again: $(ballooned) MiB"
note "after: $(ballooned) MiB ballooned"

# the time series, one line a report: the guest's committed memory, the
# host's target, the balloon and the RAM file's allocated MiB
hostctl memory history | sed -n 's/^memory\.sample /series /p'

# ---- a minimum: the guest is given back what lies below it ----
hostctl memory min 900 >/dev/null || fail "memory min 900"
wait_for 60 "[ \"\$(ballooned)\" -le 140 ] && dm_settled" ||
	fail "the minimum of 900 MiB did not hold: $(ballooned) MiB ballooned"
[ "$(hval memory.bad memory status)" = 0 ] || fail "the host counted bad messages"
[ "$(hval memory.ranges_bad memory status)" = 0 ] || fail "the host refused ranges"
rmmod hv_balloon || fail "rmmod hv_balloon"
[ "$(meminfo MemTotal)" = "$total0" ] || fail "MemTotal $(meminfo MemTotal) kB after the unload"
check_dmesg_clean
