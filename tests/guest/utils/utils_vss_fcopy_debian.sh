# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Backup (VSS) and file copy with Debian's own hv_vss_daemon and
# hv_fcopy_daemon (package hyperv-daemons, unchanged) on /dev/vmbus/hv_vss
# and /dev/vmbus/hv_fcopy, an ext4 file system on a storvsc disk as the
# target.  Backup: without a daemon the host's check fails at once; during
# a freeze a write blocks and completes after the thaw; a daemon killed
# mid-freeze leaves nothing frozen (hv_utils thaws).  File copy: 64 MiB
# arrive with the same SHA-256 in a directory the copy creates; an
# existing file is refused without --overwrite and replaced with it; an
# unwritable directory and a full file system are reported to the host and
# leave no partial file.
# tags: compat debug
# image: disk0.img 512M
# hvsim: --device scsi:disk0=@RUN@/disk0.img --device vss --device fcopy
# timeout: 600

vssd=/usr/sbin/hv_vss_daemon
fcopyd=/usr/sbin/hv_fcopy_daemon
[ -x $vssd ] && [ -x $fcopyd ] || fail "$vssd or $fcopyd is missing (package hyperv-daemons)"

hv_load_storage
hv_load hv_utils
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

$vssd -n >/tmp/vssd.log 2>&1 &
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
dmesg | grep -q 'VSS: thawed [1-9]' || fail "no thaw message: $(dmesg | grep VSS | tail -n 3)"
hostctl backup thaw >/dev/null
backup_done
[ "$(bstat last)" = failed:thaw:0x80004005 ] || fail "thaw without a daemon: $(bstat last)"
note "daemon killed mid-freeze: thawed by hv_utils; the host's thaw: $(bstat last)"
touch /mnt/d/writable || fail "the file system is not writable"

# ---- file copy ----
src=$(hostctl host "head -c 64M /dev/urandom >@RUN@/src.bin && sha256sum <@RUN@/src.bin") ||
	fail "no source file on the host"
src=${src%% *}
hostctl copy @RUN@/src.bin /mnt/d/x.bin >/dev/null
copy_done
[ "$(cstat last)" = failed:start:0x80004005 ] || fail "copy without a daemon: $(cstat last)"

$fcopyd -n >/tmp/fcopyd.log 2>&1 &
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
note "64 MiB copied in $(((t1 - t0) / 1000000)) ms, SHA-256 equal"

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
rmmod hv_utils || fail "rmmod hv_utils"
check_dmesg_clean
