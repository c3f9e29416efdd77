# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# CPU offline and online while traffic runs, on a 5.2 host (which does not
# acknowledge MODIFYCHANNEL).  A CPU that channels are bound to may not go
# offline (EBUSY, as upstream's hv_synic_cleanup()); once they are moved
# to CPU 0 it may, after any event bits still in its page are handled
# (upstream's hv_synic_event_pending()), and the echo traffic running over
# 4 channels meanwhile loses nothing.  Online again, channels go back.
# tags: 6.12 debug
# hvsim: --device echo --max-version 5.2
# smp: 2
# timeout: 300

hv_load_stack
hv_load hv_echo_test
dev=$(hv_echo_dev) || fail "no echo device"
cpu1=/sys/devices/system/cpu/cpu1/online
[ -w "$cpu1" ] || fail "CPU 1 cannot go offline in this kernel"

# 4 channels, at least one of them on CPU 1
echo "1000 1 128 4" >"$dev/echo_run" || fail "echo run: $(cat "$dev/echo_result")"
[ "$(ls "$dev/channels" | wc -l)" -eq 4 ] || fail "want 4 channels: $(ls "$dev/channels")"
first=$(ls "$dev/channels" | head -n 1)
echo 1 >"$dev/channels/$first/cpu" || fail "cannot bind channel $first to CPU 1"
on1() {	# the relids of the channels bound to CPU 1
	local c
	for c in "$dev"/channels/*; do
		if [ "$(cat "$c/cpu")" = 1 ]; then basename "$c"; fi
	done
}
moved=$(on1)
note "channels on CPU 1: ${moved//$'\n'/ }"

n=$(stress_count 400000)
echo "$n 1 128 4" >"$dev/echo_run" &
run=$!
sleep 1
if echo 0 >"$cpu1" 2>/dev/null; then
	fail "CPU 1 went offline with channels $moved bound to it"
fi
for r in $moved; do
	echo 0 >"$dev/channels/$r/cpu" || fail "cannot move channel $r to CPU 0"
done
[ -z "$(on1)" ] || fail "channels still on CPU 1: $(on1)"
echo 0 >"$cpu1" || fail "CPU 1 stays online with no channel on it"
note "CPU 1 offline while traffic runs"
wait "$run" || fail "echo traffic across the offline: $(cat "$dev/echo_result")"
note "echo during the offline: $(cat "$dev/echo_result")"
echo 1 >"$cpu1" || fail "CPU 1 does not come back"
for r in $moved; do
	echo 1 >"$dev/channels/$r/cpu" || fail "cannot move channel $r back to CPU 1"
done
before=$(cat "$dev/channels/$first/interrupts")
echo "20000 1 128 4" >"$dev/echo_run" || fail "echo after online: $(cat "$dev/echo_result")"
after=$(cat "$dev/channels/$first/interrupts")
note "after online: $(cat "$dev/echo_result"); channel $first: $((after - before)) interrupts on CPU 1"
[ "$after" -gt "$before" ] || fail "channel $first silent on CPU 1 after online"
check_dmesg_clean
