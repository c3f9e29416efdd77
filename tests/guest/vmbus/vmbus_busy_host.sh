# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A busy host fails every message post for a while ("set post-busy": 3 s
# of INSUFFICIENT_BUFFERS, then 3 s of INVALID_CONNECTION_ID, which hosts
# answer when posts come too fast).  The guest backs off as upstream does
# (a delay doubling up to about 2 s, 100 tries), so a 16 MiB GPADL and the
# opens of 8 sub-channels made meanwhile still succeed; 100 tries of 1-2 ms
# gave up after 0.2 s.
# tags: 6.12 debug
# hvsim: --device echo
# smp: 2
# timeout: 240

hv_load_stack
hv_load hv_echo_test
dev=$(hv_echo_dev) || fail "no echo device"
[ -e "$dev/echo_gpadl" ] || fail "hv_echo_test did not bind $dev"

busy() {	# busy STATUS: the host fails posts for 3 s from now
	before=$(vmbus_stat vmbus.posts_failed) || fail "no host counters"
	hostctl set post-busy 3000 "$1" >/dev/null || fail "hvsim: set post-busy $1"
	start=$(date +%s%N)
}

done_busy() {	# done_busy WHAT: it must have waited and retried
	local ms=$((($(date +%s%N) - start) / 1000000))
	local failed=$(($(vmbus_stat vmbus.posts_failed) - before))
	note "$1: $ms ms, $failed posts failed meanwhile"
	[ "$failed" -gt 0 ] || fail "$1: no post met the busy host"
	[ "$ms" -ge 2500 ] || fail "$1: done in $ms ms while the host was busy for 3 s"
}

busy insufficient-buffers
echo 16777216 >"$dev/echo_gpadl" || fail "16 MiB GPADL: $(cat "$dev/echo_result")"
done_busy "16 MiB GPADL ($(cat "$dev/echo_result"))"

busy invalid-connection-id
echo "9000 1 128 9" >"$dev/echo_run" || fail "9 channels: $(cat "$dev/echo_result")"
done_busy "8 sub-channels opened, echo on 9 channels ($(cat "$dev/echo_result"))"
n=$(ls "$dev/channels" | wc -l)
[ "$n" -eq 9 ] || fail "$n channels open, want 9"
check_dmesg_clean
