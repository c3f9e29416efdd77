# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Dynamic Memory as far as it goes today: hv_balloon's handshake with the
# host, protocol 2.0 with hvsim's default DM host and 0.3 with one that
# knows no newer (after 2.0 and 1.0 were refused); its capability report
# (balloon and hot-add, aligned to the memory block size); then a status
# report a second, held back for pressure_report_delay reports, whose
# numbers are the guest's own: num_avail is MemAvailable and
# num_committed is Committed_AS plus upstream's floor, in 4 KiB pages.
# The debugfs file shows the version; unloading stops the reports and
# closes the channel, and loading again against the new host works.
# tags: 6.12 debug
# hvsim: --device balloon

hv_load_stack
insmod "$(hv_module_path hv_balloon)" pressure_report_delay=5 ||
	fail "insmod hv_balloon"
wait_for 10 "[ \"\$(hval memory.state memory status)\" = ready ]" ||
	fail "no handshake: $(hostctl memory status)"
# the delay: no report for the first five seconds
[ "$(hval memory.reports memory status)" = 0 ] ||
	fail "a report came before pressure_report_delay ran out"
[ "$(hval memory.version memory status)" = 2.0 ] || fail "not protocol 2.0"
[ "$(hval memory.caps memory status)" = "balloon hot_add" ] ||
	fail "capabilities: $(hval memory.caps memory status)"
block=134217728
[ ! -e /sys/devices/system/memory/block_size_bytes ] ||
	block=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
[ "$(hval memory.hot_add_align_mb memory status)" = $((block >> 20)) ] ||
	fail "alignment $(hval memory.hot_add_align_mb memory status) MiB, blocks of $((block >> 20)) MiB"
grep -q '^host_version *: 2\.0$' /sys/kernel/debug/hv-balloon ||
	fail "debugfs: $(cat /sys/kernel/debug/hv-balloon)"

wait_for 20 "[ \"\$(hval memory.reports memory status)\" -ge 3 ]" ||
	fail "fewer than 3 status reports: $(hostctl memory status)"
# The last report against the guest's own numbers now, within 5%: the
# floor is compute_balloon_floor() of hv_balloon.c over MemTotal.
hostctl memory status >/tmp/st
awk -v st=/tmp/st '
	BEGIN {
		while ((getline l < st) > 0) {
			split(l, kv, "=")
			h[kv[1]] = kv[2]
		}
	}
	/^MemTotal:/ { total = $2 / 4 }
	/^MemAvailable:/ { avail = $2 / 4 }
	/^Committed_AS:/ { committed = $2 / 4 }
	function close_to(got, want) { return got > want * 0.95 && got < want * 1.05 }
	END {
		mb = 256	# 4 KiB pages in a MiB
		if (total < 128 * mb) floor = 8 * mb + total / 2
		else if (total < 512 * mb) floor = 40 * mb + total / 4
		else if (total < 2048 * mb) floor = 104 * mb + total / 8
		else if (total < 8192 * mb) floor = 232 * mb + total / 16
		else floor = 488 * mb + total / 32
		printf "avail %d pages, guest %d; committed %d, guest %d + floor %d\n",
			h["memory.avail_pages"], avail,
			h["memory.committed_pages"], committed, floor
		if (!close_to(h["memory.avail_pages"], avail)) exit 1
		if (!close_to(h["memory.committed_pages"], committed + floor)) exit 1
	}' /proc/meminfo || fail "the report does not match /proc/meminfo"
[ "$(hval memory.bad memory status)" = 0 ] || fail "the host counted bad messages"

rmmod hv_balloon || fail "rmmod hv_balloon"
[ "$(hval memory.state memory status)" = closed ] || fail "the channel is still open"
n=$(hval memory.reports memory status)
sleep 2
[ "$(hval memory.reports memory status)" = "$n" ] || fail "reports after the unload"

# A host that knows only 0.3: the guest walks 2.0, 1.0, then 0.3.
inst=$(hv_instance balloon)
hostctl rescind "$inst" >/dev/null || fail "rescind"
wait_for 10 "[ ! -e /sys/bus/vmbus/devices/$inst ]" || fail "the device stayed"
hostctl offer balloon version=0.3 >/dev/null || fail "offer"
insmod "$(hv_module_path hv_balloon)" || fail "insmod hv_balloon again"
wait_for 10 "[ \"\$(hval memory.state memory status)\" = ready ]" ||
	fail "no handshake with the 0.3 host: $(hostctl memory status)"
[ "$(hval memory.version memory status)" = 0.3 ] || fail "not protocol 0.3"
[ "$(hval memory.versions_refused memory status)" = 2 ] || fail "not 2.0 and 1.0 first"
dmesg | grep -q 'Dynamic Memory protocol 0\.3' || fail "no line about protocol 0.3"
rmmod hv_balloon || fail "rmmod hv_balloon"
check_dmesg_clean
