# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# hv_utils against hvsim's shutdown, timesync and heartbeat devices: each
# negotiates its newest version, and an old host (framework and heartbeat
# 1.0 only) gets 1.0 while a host offering no version we know gets none.
# The host's heartbeat count rises while the guest runs and stops while
# QEMU is stopped.  A guest clock one hour wrong is set right by the
# host's "time sync"; the "hyperv" PTP clock reads the host's clock within
# 100 ms.  Hibernation is refused (hv_vmbus cannot hibernate).
# tags: 6.12 debug
# hvsim: --device shutdown --device timesync:interval=1000 --device heartbeat:interval=200 --device heartbeat:instance=0b1d0000-0001-4e75-a1c0-000000000001,fw=1.0,versions=1.0,interval=200 --device heartbeat:instance=0b1d0000-0002-4e75-a1c0-000000000002,versions=9.9
# qemu: -pidfile @RUN@/qemu.pid
# timeout: 300

old=0b1d0000-0001-4e75-a1c0-000000000001
none=0b1d0000-0002-4e75-a1c0-000000000002

hv_load_stack
hv_load hv_utils

wait_for 30 ic_ready heartbeat || fail "heartbeat never ready: $(hostctl heartbeat | tr '\n' ' ')"
wait_for 30 ic_ready heartbeat "$old" || fail "old heartbeat never ready"
wait_for 30 "[ \"\$(hval heartbeat.state heartbeat $none)\" = failed ]" ||
	fail "a host with no common version: $(hostctl heartbeat $none | tr '\n' ' ')"
wait_for 30 "[ \"\$(hval timesync.state time status)\" = ready ]" || fail "timesync never ready"
wait_for 30 "[ \"\$(hval shutdown.state shutdown status)\" = ready ]" || fail "shutdown never ready"

check_version() {	# check_version WANT KEY COMMAND...
	local want=$1 got
	shift
	got=$(hval "$@") || fail "hostctl ${*:2} failed"
	note "$1: $got"
	[ "$got" = "$want" ] || fail "$1 is $got, not $want"
}
check_version 3.0 heartbeat.version heartbeat
check_version 3.0 heartbeat.framework heartbeat
check_version 1.0 heartbeat.version heartbeat "$old"
check_version 1.0 heartbeat.framework heartbeat "$old"
check_version 4.0 timesync.version time status
check_version 3.2 shutdown.version shutdown status
dmesg | grep -q 'Heartbeat IC version 3.0' || fail "no 'Heartbeat IC version 3.0' in dmesg"
dmesg | grep -q 'Heartbeat IC version 1.0' || fail "no 'Heartbeat IC version 1.0' in dmesg"
dmesg | grep -q 'Heartbeat IC: no common version' || fail "no 'no common version' in dmesg"

# Heartbeat: answers keep coming while the guest runs ...
a1=$(hval heartbeat.answered heartbeat)
sleep 2
a2=$(hval heartbeat.answered heartbeat)
note "heartbeat answers: $a1, 2 s later $a2"
[ $((a2 - a1)) -ge 3 ] || fail "heartbeat answers rose by $((a2 - a1)) in 2 s at 200 ms"
[ "$(hval heartbeat.bad_answers heartbeat)" = 0 ] || fail "bad heartbeat answers"
# ... and stop while QEMU is stopped: the host reads its count before and
# after 2 s with the guest's vCPUs stopped.
hvsim_ctl="$HVLIS_TOP/tests/hvsim/hvsim ctl --ctl @RUN@/ctl"
answered="$hvsim_ctl heartbeat | sed -n s/^heartbeat.answered=//p"
hb=$(hostctl host "pid=\$(cat @RUN@/qemu.pid); kill -STOP \$pid; sleep 0.5; b=\$($answered); sleep 2; a=\$($answered); kill -CONT \$pid; echo \$b \$a") ||
	fail "stopping QEMU failed: $hb"
note "heartbeat answers with QEMU stopped: $hb"
read -r before after <<<"$hb"
[ "$before" = "$after" ] || fail "heartbeat answered while QEMU was stopped: $hb"
wait_for 10 "[ \$(hval heartbeat.answered heartbeat) -gt $after ]" ||
	fail "no heartbeat answer after QEMU continued"

# Time: a clock an hour behind is set by "time sync".  (Backwards, since
# the relay's read timeout would count a jump forward as elapsed time.)
hostctl time set now >/dev/null || fail "time set now"
date -s "@$(($(date +%s) - 3600))" >/dev/null
skew() {	# guest clock - host clock, in ms
	local host ours
	host=$(hval timesync.host_unix_ns time status) || return 1
	ours=$(date +%s%N)
	echo $(((ours - host) / 1000000))
}
note "skew after setting the clock back: $(skew) ms"
out=$(hostctl time sync) || fail "time sync failed: $out"
wait_for 10 "s=\$(skew); [ \${s#-} -lt 2000 ]" || fail "clock not set by time sync: skew $(skew) ms"
note "skew after time sync: $(skew) ms"
[ "$(hval timesync.bad_answers time status)" = 0 ] || fail "the guest refused a time sample"

# The PTP clock: a read of it lies within 100 ms of the host's clock,
# read between two reads of the PTP clock.
ptp=
for c in /sys/class/ptp/ptp*; do
	[ "$(cat "$c/clock_name")" = hyperv ] && ptp=/dev/$(basename "$c")
done
[ -n "$ptp" ] || fail "no PTP clock named hyperv"
phc() { phc_ctl "$ptp" get | sed -n 's/.*clock time is \([0-9]*\)\.\([0-9]*\).*/\1\2/p'; }
p1=$(phc); h=$(hval timesync.host_unix_ns time status); p2=$(phc)
note "$ptp: $p1, host $h, $ptp $p2"
[ -n "$p1" ] && [ -n "$p2" ] && [ -n "$h" ] || fail "could not read $ptp or the host clock"
[ $((h - p1)) -gt -100000000 ] && [ $((p2 - h)) -gt -100000000 ] ||
	fail "$ptp is more than 100 ms off the host's clock: $p1 $h $p2"

# Hibernation is refused; the request still gets its answer.
hostctl shutdown --hibernate >/dev/null || fail "shutdown --hibernate not sent"
wait_for 10 "[ \"\$(hval shutdown.status shutdown status)\" = 0x80004005 ]" ||
	fail "hibernate: status $(hval shutdown.status shutdown status), want 0x80004005 (E_FAIL)"

# Unbinding and loading again negotiates afresh.
rmmod hv_utils || fail "rmmod hv_utils"
hv_load hv_utils
wait_for 30 ic_ready heartbeat || fail "heartbeat not ready after reload"
[ "$(hval heartbeat.bad_answers heartbeat)" = 0 ] || fail "bad heartbeat answers after reload"
check_dmesg_clean
