# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The checks of utils_daemons.sh and utils_daemons_debian.sh: the KVP, VSS
# and file-copy daemons named by $kvpd, $vssd and $fcopyd against hvsim's
# kvp, vss and fcopy hosts, an ext4 file system on a storvsc disk as the
# target of backups and copies.  Sourced by those scenarios after their
# header; leaves hv_utils loaded and the daemons stopped.
#
# KVP: the host reads what the guest reports of itself (FQDN, OS build =
# kernel release, architecture, integration services version), sets a key
# that lands in /var/lib/hyperv/.kvp_pool_0, reads and deletes it again,
# and reads a record another writer appended to .kvp_pool_1 (as
# cloud-init's KVP reporting does).  Without a daemon a request fails at
# once; a daemon that was killed is replaced and works.
# Backup: without a daemon the host's check fails at once; during a freeze
# a write blocks and completes after the thaw; a daemon killed mid-freeze
# leaves nothing frozen.
# File copy: 64 MiB (8 on the debug kernel) arrive with the same SHA-256 in a directory the copy
# creates; an existing file is refused without --overwrite and replaced
# with it; an unwritable directory and a full file system are reported to
# the host and leave no partial file.

for d in "$kvpd" "$vssd" "$fcopyd"; do
	[ -x "$d" ] || fail "$d is missing"
done
hv_load_storage
hv_load hv_utils

# ---- KVP ----
wait_for 30 "hostctl kvp status | grep -q '^kvp.state=ready'" ||
	fail "KVP never ready: $(hostctl kvp status | tr '\n' ' ')"
dmesg | grep -q 'KVP IC version 4.0' || fail "no 'KVP IC version 4.0' in dmesg"


# No daemon yet: the request fails at once (E_FAIL), the channel goes on.
kvp_op get 0 nothing
note "without a daemon: $r"
case $r in *status=0x80004005*) ;; *) fail "without a daemon: $r" ;; esac

mkdir -p /var/lib/hyperv
# the daemon's FQDN is getaddrinfo()'s canonical name of the host name
# (the guest's /etc is an overlay: the host's file is not changed)
echo "127.0.1.1 $(hostname).kvp.test $(hostname)" >>/etc/hosts
"$kvpd" -n >/tmp/kvpd.log 2>&1 &
kpid=$!
wait_for 20 "dmesg | grep -q 'KVP: daemon registered'" || fail "the daemon did not register: $(cat /tmp/kvpd.log)"

# What the guest says about itself (pool 2, ENUMERATE until the end).
kvp_op info
note "info: $r"
info=$(hostctl kvp results | grep '^kvp.record pool=2')
printf '%s\n' "$info" | sed 's/^/  /'
[ "$(kvp_rec OSBuildNumber)" = "$(uname -r)" ] || fail "OSBuildNumber is '$(kvp_rec OSBuildNumber)', not $(uname -r)"
[ "$(kvp_rec ProcessorArchitecture)" = "$(uname -m)" ] || fail "ProcessorArchitecture is '$(kvp_rec ProcessorArchitecture)'"
[ "$(kvp_rec FullyQualifiedDomainName)" = "$(hostname).kvp.test" ] ||
	fail "FullyQualifiedDomainName is '$(kvp_rec FullyQualifiedDomainName)', not $(hostname).kvp.test"
[ "$(kvp_rec OSName)" = "$(. /etc/os-release && echo "$NAME")" ] || fail "OSName is '$(kvp_rec OSName)'" 
[ -n "$(kvp_rec IntegrationServicesVersion)" ] || fail "no IntegrationServicesVersion"
case $r in *records=10*) ;; *) fail "info: want 10 records: $r" ;; esac

# A key from the host lands in pool 0, comes back, and goes away.
kvp_op set 0 HostKey value-from-the-host
case $r in *status=0x0\ *) ;; *) fail "set: $r" ;; esac
grep -aq value-from-the-host /var/lib/hyperv/.kvp_pool_0 || fail "HostKey is not in .kvp_pool_0"
kvp_op get 0 HostKey
case $r in *"value=value-from-the-host") ;; *) fail "get: $r" ;; esac
kvp_op delete 0 HostKey
case $r in *status=0x0\ *) ;; *) fail "delete: $r" ;; esac
! grep -aq value-from-the-host /var/lib/hyperv/.kvp_pool_0 || fail "HostKey is still in .kvp_pool_0"
kvp_op get 0 HostKey
case $r in *status=0x0\ *) fail "get after delete: $r" ;; esac

# Another writer appends a record (512-byte key, 2048-byte value) to pool 1.
{ printf '%s' GuestKey; head -c $((512 - 8)) /dev/zero
  printf '%s' 'written-by-another'; head -c $((2048 - 18)) /dev/zero; } >>/var/lib/hyperv/.kvp_pool_1
kvp_op get 1 GuestKey
case $r in *"value=written-by-another") ;; *) fail "get of the appended record: $r" ;; esac
kvp_op list 1
hostctl kvp results | grep -q '^kvp.record pool=1 index=0 key=GuestKey value=written-by-another$' ||
	fail "list 1 does not show GuestKey: $r"

# A killed daemon: requests fail until another one registers.
kill -9 $kpid
wait $kpid 2>/dev/null || true
kvp_op get 1 GuestKey
case $r in *status=0x80004005*) ;; *) fail "after kill -9: $r" ;; esac
"$kvpd" -n >>/tmp/kvpd.log 2>&1 &
kpid=$!
wait_for 20 "[ \$(dmesg | grep -c 'KVP: daemon registered') -ge 2 ]" || fail "the second daemon did not register"
kvp_op get 1 GuestKey
case $r in *"value=written-by-another") ;; *) fail "get with the second daemon: $r" ;; esac
kill $kpid
wait $kpid 2>/dev/null || true
[ "$(hostctl kvp status | sed -n 's/^kvp.bad_answers=//p')" = 0 ] || fail "bad answers"

dev=$(hv_disk "$(hv_instance scsi)" 0) || fail "no disk"
mkfs.ext4 -q -F "$dev"
mkdir -p /mnt/d
mount "$dev" /mnt/d
wait_for 30 "hostctl backup status | grep -q '^vss.state=ready'" ||
	fail "VSS never ready: $(hostctl backup status | tr '\n' ' ')"
wait_for 30 "hostctl copy status | grep -q '^fcopy.state=ready'" ||
	fail "file copy never ready: $(hostctl copy status | tr '\n' ' ')"
dmesg | grep -q 'VSS IC version 5.0' || fail "no 'VSS IC version 5.0' in dmesg"
dmesg | grep -q 'FCopy IC version 1.1' || fail "no 'FCopy IC version 1.1' in dmesg"

# bstat KEY: one value of "backup status"; cstat KEY: of "copy status"
bstat() { hostctl backup status | sed -n "s/^backup\.$1=//p"; }
cstat() { hostctl copy status | sed -n "s/^copy\.$1=//p"; }
# backup_done: wait until the backup sequence is over
backup_done() {
	wait_for 60 "[ \"\$(bstat state)\" = idle ]" ||
		fail "the backup did not end: $(hostctl backup status | tr '\n' ' ')"
}
copy_done() {
	wait_for $((120 * hv_slowdown)) "[ \"\$(cstat state)\" = idle ]" ||
		fail "the copy did not end: $(hostctl copy status | tr '\n' ' ')"
}
# a writer to the file system in the background: $writer is its pid
start_writer() {
	(echo "written during the freeze" >"/mnt/d/$1") &
	writer=$!
}
# is_blocked: the writer has not finished after 2 s
is_blocked() {
	sleep 2
	kill -0 "$writer" 2>/dev/null
}

# ---- backup ----
hostctl backup start >/dev/null
backup_done
[ "$(bstat last)" = failed:hot-backup:0x80004005 ] || fail "backup without a daemon: $(bstat last)"
note "without a daemon: $(bstat last)"

"$vssd" -n >/tmp/vssd.log 2>&1 &
vpid=$!
wait_for 20 "dmesg | grep -q 'VSS: daemon registered'" || fail "the VSS daemon did not register: $(cat /tmp/vssd.log)"

# a whole backup: the host holds the freeze until "backup thaw"
hostctl backup start --manual >/dev/null
wait_for 30 "[ \"\$(bstat state)\" = frozen ]" || fail "not frozen: $(hostctl backup status | tr '\n' ' ')"
start_writer during-freeze
is_blocked || fail "a write completed while the file system was frozen"
hostctl backup thaw >/dev/null
backup_done
[ "$(bstat last)" = ok ] || fail "backup: $(bstat last)"
wait_for 10 "! kill -0 $writer 2>/dev/null" || fail "the write did not complete after the thaw"
wait "$writer" || fail "the write during the freeze failed"
grep -q 'during the freeze' /mnt/d/during-freeze || fail "the file written during the freeze is wrong"
note "backup: $(bstat last), frozen for $(bstat frozen_ms) ms; the blocked write completed after the thaw"

# a timed backup (the host thaws after 500 ms by itself)
hostctl backup start --hold 500 >/dev/null
backup_done
[ "$(bstat last)" = ok ] || fail "timed backup: $(bstat last)"

# the daemon killed during a freeze: hv_utils thaws everything
hostctl backup start --manual >/dev/null
wait_for 30 "[ \"\$(bstat state)\" = frozen ]" || fail "not frozen (2)"
start_writer after-kill
is_blocked || fail "a write completed while the file system was frozen (2)"
kill -9 $vpid
wait $vpid 2>/dev/null || true
wait_for 20 "! kill -0 $writer 2>/dev/null" || fail "the file system stayed frozen after the daemon was killed"
hostctl backup thaw >/dev/null
backup_done
[ "$(bstat last)" = failed:thaw:0x80004005 ] || fail "thaw without a daemon: $(bstat last)"
note "daemon killed mid-freeze: thawed ($(dmesg | grep -o 'VSS: thawed.*' | tail -n 1)); the host's thaw: $(bstat last)"
touch /mnt/d/writable || fail "the file system is not writable"

# ---- file copy ----
# 64 MiB; 8 on the debug kernel, where 16 took 16 s and volume adds nothing
mib=$(stress_count 64)
src=$(hostctl host "head -c ${mib}M /dev/urandom >@RUN@/src.bin && sha256sum <@RUN@/src.bin") ||
	fail "no source file on the host"
src=${src%% *}
hostctl copy @RUN@/src.bin /mnt/d/x.bin >/dev/null
copy_done
[ "$(cstat last)" = failed:start:0x80004005 ] || fail "copy without a daemon: $(cstat last)"

"$fcopyd" -n >/tmp/fcopyd.log 2>&1 &
fpid=$!
wait_for 20 "dmesg | grep -q 'FCopy: daemon registered'" || fail "the fcopy daemon did not register: $(cat /tmp/fcopyd.log)"

# a missing directory without --create-path: refused
hostctl copy @RUN@/src.bin /mnt/d/new/dir/x.bin >/dev/null
copy_done
case $(cstat last) in failed:start:*) ;; *) fail "copy into a missing directory: $(cstat last)" ;; esac
[ ! -e /mnt/d/new ] || fail "a directory was made without --create-path"

t0=$(date +%s%N)
hostctl copy @RUN@/src.bin /mnt/d/new/dir/x.bin --create-path >/dev/null
copy_done
t1=$(date +%s%N)
[ "$(cstat last)" = ok ] || fail "copy: $(cstat last); the daemon said: $(tail -n 5 /tmp/fcopyd.log | tr "\n" " ")"
[ "$(sha256sum </mnt/d/new/dir/x.bin | cut -d' ' -f1)" = "$src" ] || fail "the copied file differs"
note "$mib MiB copied in $(((t1 - t0) / 1000000)) ms, SHA-256 equal"

hostctl host "head -c 1M /dev/urandom >@RUN@/src2.bin" >/dev/null
hostctl copy @RUN@/src2.bin /mnt/d/new/dir/x.bin >/dev/null
copy_done
[ "$(cstat last)" = failed:start:0x80070050 ] || fail "copy over an existing file: $(cstat last)"
[ "$(sha256sum </mnt/d/new/dir/x.bin | cut -d' ' -f1)" = "$src" ] || fail "the existing file was changed"
hostctl copy @RUN@/src2.bin /mnt/d/new/dir/x.bin --overwrite >/dev/null
copy_done
[ "$(cstat last)" = ok ] || fail "copy --overwrite: $(cstat last)"
[ "$(stat -c %s /mnt/d/new/dir/x.bin)" = 1048576 ] || fail "--overwrite did not replace the file"

# an unwritable directory (immutable: not even root may add a file)
mkdir /mnt/d/locked
chattr +i /mnt/d/locked
hostctl copy @RUN@/src2.bin /mnt/d/locked/x.bin >/dev/null
copy_done
case $(cstat last) in failed:start:*) ;; *) fail "copy into an immutable directory: $(cstat last)" ;; esac
chattr -i /mnt/d/locked
[ -z "$(ls -A /mnt/d/locked)" ] || fail "a file appeared in the immutable directory"

# a full file system: the write fails, the host cancels, nothing is left
mkdir -p /mnt/small
mount -t tmpfs -o size=4m tmpfs /mnt/small
hostctl copy @RUN@/src.bin /mnt/small/x.bin >/dev/null
copy_done
note "copy to a full file system: $(cstat last)"
case $(cstat last) in failed:write:*) ;; *) fail "copy to a full file system: $(cstat last)" ;; esac
[ -z "$(ls -A /mnt/small)" ] || fail "a partial file was left: $(ls -l /mnt/small)"
umount /mnt/small

kill $fpid
wait $fpid 2>/dev/null || true
umount /mnt/d
[ "$(hostctl backup status | sed -n 's/^vss.bad_answers=//p')" = 0 ] || fail "VSS: bad answers"
[ "$(hostctl copy status | sed -n 's/^fcopy.bad_answers=//p')" = 0 ] || fail "fcopy: bad answers"
