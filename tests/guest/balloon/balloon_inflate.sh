# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Ballooning with real reclaim.  The guest runs with init_on_free=1: every
# page it frees is zeroed, from boot on, so all of its free memory is
# allocated in the guest-RAM file on the host, and what the balloon takes
# must come out of that file.  The host asks for 256 MiB: MemTotal drops
# by 256 MiB, the host counts 65536 pages given, and the RAM file's
# allocated bytes drop by at least 250 MiB (hvsim punches the pages out
# of it).  Given back (unballoon), the pages are the guest's again:
# MemTotal is what it was, and the guest's zeroing of them as it frees
# them allocates them in the file again.  A request beyond what the guest
# can spare above upstream's floor is answered partly, with no OOM kill.
# A host that returns pages the guest never gave is refused, and
# unloading the module gives the guest its ballooned pages back.
# tags: 6.12 debug
# mem: 1G
# append: init_on_free=1
# hvsim: --device balloon
# timeout: 300

# shellcheck source=tests/guest/balloon/balloon.bash
. "$HVLIS_TOP/tests/guest/balloon/balloon.bash"

hv_load_stack
dm_load
total0=$(meminfo MemTotal)

alloc1=$(ram_alloc)
note "MemTotal $total0 kB; RAM file allocated $((alloc1 >> 20)) MiB"

# ---- 256 MiB to the host ----
hostctl memory balloon 256 >/dev/null || fail "memory balloon 256"
wait_for 60 host_idle || fail "the balloon request did not end: $(hostctl memory status)"
total1=$(meminfo MemTotal)
alloc2=$(ram_alloc)
note "after: MemTotal $total1 kB, RAM file $((alloc2 >> 20)) MiB"
[ "$(hval memory.ballooned_pages memory status)" = 65536 ] ||
	fail "the host has $(hval memory.ballooned_pages memory status) pages, not 65536"
[ "$(debugfs_val pages_ballooned)" = 65536 ] ||
	fail "debugfs: $(debugfs_val pages_ballooned) pages ballooned"
[ $((total0 - total1)) -eq 262144 ] || fail "MemTotal fell by $((total0 - total1)) kB"
[ $((alloc1 - alloc2)) -ge $((250 << 20)) ] ||
	fail "the RAM file shrank by $(( (alloc1 - alloc2) >> 20 )) MiB only"
[ "$(hval memory.ranges_bad memory status)" = 0 ] || fail "the host refused ranges"
[ "$(hval memory.discard_errors memory status)" = 0 ] || fail "holes not punched"

# ---- and back: the pages work again ----
hostctl memory unballoon all >/dev/null || fail "memory unballoon all"
wait_for 60 host_idle || fail "the unballoon did not end: $(hostctl memory status)"
[ "$(meminfo MemTotal)" = "$total0" ] || fail "MemTotal $(meminfo MemTotal) kB after unballoon"
[ "$(debugfs_val pages_ballooned)" = 0 ] || fail "pages still ballooned"
alloc3=$(ram_alloc)
note "RAM file $((alloc3 >> 20)) MiB"
[ $((alloc3 - alloc2)) -ge $((250 << 20)) ] || fail "the returned pages were not zeroed"

# ---- more than the guest can spare: answered partly ----
hostctl memory balloon 900 >/dev/null || fail "memory balloon 900"
wait_for 60 host_idle || fail "the 900 MiB request did not end"
got=$(hval memory.last_received_pages memory status)
note "asked 230400 pages, got $got; MemAvailable $(meminfo MemAvailable) kB"
[ "$got" -gt 0 ] && [ "$got" -lt 230400 ] || fail "got $got pages of 230400"
[ "$(debugfs_val pages_refused)" -gt 0 ] || fail "debugfs counts no refused pages"
! dmesg | grep -q -i 'out of memory\|oom-kill' || fail "the OOM killer ran"
grep -q 'can be spared above the floor' <(dmesg) || fail "no line about the floor"

# ---- a host returning pages the guest never gave: refused ----
before=$(meminfo MemTotal)
hostctl memory unballoon-range 0x100 16 >/dev/null || fail "unballoon-range"
wait_for 20 host_idle || fail "no answer to the forged unballoon"
[ "$(debugfs_val ranges_refused)" = 1 ] || fail "ranges_refused $(debugfs_val ranges_refused)"
[ "$(meminfo MemTotal)" = "$before" ] || fail "a forged range changed MemTotal"

# ---- unload with pages in the balloon: the guest gets them back ----
rmmod hv_balloon || fail "rmmod hv_balloon"
[ "$(meminfo MemTotal)" = "$total0" ] ||
	fail "MemTotal $(meminfo MemTotal) kB after the unload, $total0 before"
dmesg | grep -q 'ballooned memory given back' || fail "no line about the pages given back"
[ "$(hval memory.ballooned_pages memory status)" = 0 ] || fail "the host still counts pages"
[ "$(hval memory.bad memory status)" = 0 ] || fail "the host counted bad messages"
check_dmesg_clean
