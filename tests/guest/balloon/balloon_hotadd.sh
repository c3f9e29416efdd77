# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Hot-add: QEMU maps 1152 MiB, the guest boots with mem=768M, and the host
# (startup=768) gives it [768, 1024) MiB, the region up to the last block
# boundary below the firmware's tables at the top of RAM.  init_on_free=1 makes the kernel zero
# every page it frees, onlined ones too, so the guest-RAM file on the host
# shows exactly which pages the guest took into use.  The first 64 MiB
# add one 128 MiB memory block and online only those 64 MiB (MemTotal
# +64 MiB, the file +64 MiB); the next 64 MiB come from the part held
# back, with no new block; 128 MiB more add the second block, and a
# program allocates and touches more than the guest booted with.  A host that
# offers a range outside its region, or a region over the guest's boot
# memory, is refused with nothing added.  Memory once added stays, so the
# module can no longer be unloaded.  Hotplug behaves differently between
# kernels (how the memory map of added memory starts out), hence compat.
# tags: compat debug
# mem: 1152M
# append: mem=768M memhp_default_state=online init_on_free=1
# hvsim: --device balloon:startup=768
# timeout: 300

# shellcheck source=tests/guest/balloon/balloon.bash
. "$HVLIS_TOP/tests/guest/balloon/balloon.bash"
ram_alloc_mb() {
	echo $(( $(ram_alloc) >> 20 ))
}
blocks() {
	ls -d /sys/devices/system/memory/memory[0-9]* | wc -l
}
# hotadd MIB: the host offers MIB MiB; waits for the answer
hotadd() {
	hostctl memory hotadd "$1" >/dev/null || fail "memory hotadd $1"
	wait_for 60 host_idle ||
		fail "the hot-add of $1 MiB did not end: $(hostctl memory status | tr '\n' ' ')"
}

hv_load_stack
dm_load
[ "$(hval memory.hot_add_room_mb memory status)" = 256 ] ||
	fail "the host offers $(hval memory.hot_add_room_mb memory status) MiB, not 256"
total0=$(meminfo MemTotal)
avail0=$(( $(meminfo MemAvailable) / 1024 ))
blocks0=$(blocks)
a0=$(ram_alloc_mb)
note "MemTotal $total0 kB, $blocks0 memory blocks, RAM file $a0 MiB"

# ---- 64 MiB: a new block, half of it online ----
hotadd 64
[ "$(hval memory.hot_add_last_pages memory status)" = 16384 ] ||
	fail "the guest added $(hval memory.hot_add_last_pages memory status) pages of 16384"
[ "$(blocks)" = $((blocks0 + 1)) ] || fail "$(blocks) memory blocks, $blocks0 before"
[ $(( ($(meminfo MemTotal) - total0) >> 10 )) = 64 ] ||
	fail "MemTotal grew by $(( ($(meminfo MemTotal) - total0) >> 10 )) MiB, not 64"
[ "$(debugfs_val pages_onlined)" = 16384 ] || fail "debugfs: $(debugfs_val pages_onlined) onlined"
a1=$(ram_alloc_mb)
note "after 64 MiB: MemTotal $(meminfo MemTotal) kB, RAM file $a1 MiB"
# the zeroed pages are the 64 MiB onlined, not the 64 held back (slack:
# what the guest itself allocated meanwhile)
[ $((a1 - a0)) -ge 60 ] && [ $((a1 - a0)) -le 90 ] ||
	fail "the RAM file grew by $((a1 - a0)) MiB for 64 MiB onlined"

# ---- 64 MiB more: the held-back half, no new block ----
hotadd 64
[ "$(blocks)" = $((blocks0 + 1)) ] || fail "a block was added for held-back pages"
[ $(( ($(meminfo MemTotal) - total0) >> 10 )) = 128 ] ||
	fail "MemTotal grew by $(( ($(meminfo MemTotal) - total0) >> 10 )) MiB, not 128"

# ---- 128 MiB: the second block; then nothing is left ----
hotadd 128
[ "$(blocks)" = $((blocks0 + 2)) ] || fail "$(blocks) memory blocks, not $((blocks0 + 2))"
[ $(( ($(meminfo MemTotal) - total0) >> 10 )) = 256 ] ||
	fail "MemTotal grew by $(( ($(meminfo MemTotal) - total0) >> 10 )) MiB, not 256"
[ "$(hval memory.hot_added_mb memory status)" = 256 ] || fail "the host counts less"
[ "$(hval memory.hot_add_room_mb memory status)" = 0 ] || fail "room left"
a2=$(ram_alloc_mb)
note "after 256 MiB: MemTotal $(meminfo MemTotal) kB, RAM file $a2 MiB"
[ $((a2 - a0)) -ge 250 ] || fail "the RAM file grew by $((a2 - a0)) MiB only"

# a program takes all of it: more than the guest booted with is free now
n=$(( $(meminfo MemAvailable) / 1024 - 64 ))
[ "$n" -gt $((avail0 + 128)) ] ||
	fail "only $n MiB to allocate with 256 MiB added, $avail0 MiB available before"
python3 -c '
import sys
b = bytearray(int(sys.argv[1]) << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
print("touched", len(b) >> 20, "MiB")
' "$n" || fail "allocating and touching $n MiB failed"

# ---- a hostile host: refused, nothing added ----
# a range outside its region (pfns of 4 KiB: 0x30000 is 768 MiB)
hostctl memory hotadd-range 0x50000 256 0x48000 0x8000 >/dev/null || fail "hotadd-range"
wait_for 20 host_idle || fail "no answer"
# a range just past the region the guest has (1024 MiB on)
hostctl memory hotadd-range 0x40000 256 0x30000 0x10000 >/dev/null || fail "hotadd-range"
wait_for 20 host_idle || fail "no answer"
# a region over the guest's boot memory
hostctl memory hotadd-range 0x1000 256 0 0x8000 >/dev/null || fail "hotadd-range"
wait_for 20 host_idle || fail "no answer"
[ "$(debugfs_val hot_add_refused)" = 3 ] || fail "debugfs: $(debugfs_val hot_add_refused) refused"
[ "$(hval memory.hot_add_last_pages memory status)" = 0 ] || fail "a forged range was added"
[ $(( ($(meminfo MemTotal) - total0) >> 10 )) = 256 ] || fail "MemTotal changed"
dmesg | grep -q 'hot-add of pages .* refused' || fail "no line about the refusal"

# ---- pinned ----
! rmmod hv_balloon 2>/dev/null || fail "hv_balloon unloaded with hot-added memory"
[ "$(hval memory.bad memory status)" = 0 ] || fail "the host counted bad messages"
check_dmesg_clean
