# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A hostile host lies about a ring: the write index of the guest's inbound
# ring is set out of range, then unaligned, and the guest is interrupted.
# The guest reads nothing from the ring while it lies (rate-limited
# message, no out-of-bounds read, no oops), and traffic resumes once the
# host writes an honest index again.
# tags: 6.1
# hvsim: --device echo
# timeout: 120

hv_load_stack
hv_load hv_echo_test
dev=$(for d in /sys/bus/vmbus/devices/*; do if [ -e "$d/echo_run" ]; then echo "$d"; fi; done)
[ -n "$dev" ] || fail "no echo device"
relid=$(cat "$dev/id")
echo "1000 1 256 1" >"$dev/echo_run" || fail "echo before"
dmesg -C
for bad in 4000000000 4097; do
	hostctl ring corrupt "$relid" write-index "$bad" >/dev/null || fail "hvsim refused"
	wait_for 5 "dmesg | grep -q 'host corrupted the write index ($bad)'" ||
		fail "no complaint about write index $bad"
	note "$(dmesg | grep -m1 "write index ($bad)")"
	[ "$(cat "$dev/channels/$relid/read_avail")" -eq 0 ] ||
		fail "the guest sees data behind index $bad"
done
hostctl ring restore "$relid" >/dev/null || fail "restore refused"
echo "2000 1 1024 1" >"$dev/echo_run" || fail "echo after the lies: $(cat "$dev/echo_result")"
note "echo afterwards: $(cat "$dev/echo_result")"
check_dmesg_clean
