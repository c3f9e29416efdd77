# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Free page reporting with real reclaim.  The guest runs with
# init_on_free=1, so from boot on all its free memory is allocated in the
# guest-RAM file.  hvsim offers the cold memory discard hint (balloon
# option discard=1); hv_balloon registers with the kernel's page_reporting
# core, which hands it free 2 MiB and larger blocks, and hvsim punches
# each reported block out of the file: the file shrinks by most of the
# guest's free memory with no balloon and no change to MemTotal.  Pages
# reported and then allocated again hold what the guest writes (two
# copies of random data, together more than the free memory not reported,
# compare equal) and are back in the file; freed again, they are reported
# again.  Unloading the module stops
# reporting cleanly.
# tags: compat debug
# mem: 1G
# append: init_on_free=1
# hvsim: --device balloon:discard=1
# timeout: 300

# shellcheck source=tests/guest/balloon/balloon.bash
. "$HVLIS_TOP/tests/guest/balloon/balloon.bash"

# mib BYTES
mib() {
	echo $(($1 >> 20))
}

hv_load_stack
total0=$(meminfo MemTotal)
alloc0=$(ram_alloc)
free0=$(meminfo MemFree)
note "MemTotal $total0 kB, MemFree $free0 kB; RAM file allocated $(mib "$alloc0") MiB"
[ "$(mib "$alloc0")" -ge 900 ] || fail "init_on_free=1 should have allocated the RAM file"

dm_load
dmesg | grep -q 'free page reporting enabled' || fail "reporting was not enabled"
[ "$(debugfs_val free_page_reporting)" = on ] || fail "debugfs: reporting $(debugfs_val free_page_reporting)"
[ "$(hval memory.free_page_hints memory status)" = on ] || fail "the host does not offer the hint"

# ---- the free memory leaves the RAM file ----
# at least half of what was free at boot, reported 2 s apart in batches
want=$(( alloc0 - (free0 << 10) / 2 ))
wait_for 90 "[ \"\$(ram_alloc)\" -le $want ]" ||
	fail "the RAM file is still $(mib "$(ram_alloc)") MiB (want <= $(mib $want)); $(debugfs_val pages_reported) pages reported"
# reporting goes on in passes 2 s apart: wait until a pass finds nothing
settled_reports() {
	local a
	a=$(debugfs_val pages_reported)
	sleep 5
	[ "$(debugfs_val pages_reported)" = "$a" ]
}
wait_for 60 settled_reports || fail "reporting never settled"
alloc1=$(ram_alloc)
rep=$(debugfs_val pages_reported)
hinted=$(hval memory.hinted_pages memory status)
note "after reporting: RAM file $(mib "$alloc1") MiB; $rep pages reported, host dropped $hinted, in $(debugfs_val page_reports) reports"
[ "$rep" = "$hinted" ] || fail "the guest reported $rep pages, the host dropped $hinted"
[ "$(meminfo MemTotal)" = "$total0" ] || fail "MemTotal changed: $(meminfo MemTotal) kB"
[ "$(debugfs_val page_report_failures)" = 0 ] || fail "reports failed"
[ "$(hval memory.hints_refused memory status)" = 0 ] || fail "the host refused hints"
[ "$(hostctl status | awk '$1 == "ext.discard_errors" { print $2 }')" = 0 ] ||
	fail "the host could not punch holes"

# ---- reported pages in use again: what is written is read back ----
# The allocator hands out reported pages last (the core queues them at
# the tail of the free lists), so new data first fills the free memory
# not reported (blocks under 2 MiB), which is in the file already: all
# of the RAM file but what the guest uses and what was reported.
unrep=$(( alloc1 - (1024 << 20) + ($(meminfo MemFree) << 10) ))
[ "$unrep" -ge 0 ] || unrep=0
each=$(( (unrep >> 21) + 48 ))
note "about $(mib "$unrep") MiB free and not reported: two files of $each MiB"
mkdir -p /mnt/t && mount -t tmpfs -o size=900m tmpfs /mnt/t || fail "tmpfs"
head -c "${each}M" /dev/urandom >/mnt/t/a || fail "writing $each MiB"
cp /mnt/t/a /mnt/t/b || fail "copy"
[ "$(sha256sum </mnt/t/a)" = "$(sha256sum </mnt/t/b)" ] || fail "the copies differ"
alloc2=$(ram_alloc)
note "with $((2 * each)) MiB in tmpfs: RAM file $(mib "$alloc2") MiB"
# all past the unreported memory came from reported pages, back in the file
[ $((alloc2 - alloc1)) -ge $(( ((2 * each) << 20) - unrep - (32 << 20) )) ] ||
	fail "the RAM file grew by $(mib $((alloc2 - alloc1))) MiB only"

# ---- freed again: reported again ----
rm /mnt/t/a /mnt/t/b && umount /mnt/t
wait_for 90 "[ \"\$(ram_alloc)\" -le $((alloc1 + (64 << 20))) ]" ||
	fail "the freed tmpfs pages were not reported: RAM file $(mib "$(ram_alloc)") MiB"
note "freed: RAM file $(mib "$(ram_alloc)") MiB; $(debugfs_val pages_reported) pages reported"

rmmod hv_balloon || fail "rmmod hv_balloon"
[ "$(hval memory.bad memory status)" = 0 ] || fail "the host counted bad messages"
check_dmesg_clean
