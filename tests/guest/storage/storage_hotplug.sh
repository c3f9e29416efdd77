# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# LUN hot-add from the host's CLI appears as a block device within 5 s; a
# LUN removed while fio writes to it disappears with I/O errors, and no
# hang, oops or warning.
# tags: 6.12 quick asan debug
# image: disk0.img 256M
# image: disk1.img 256M
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# timeout: 300

hv_load_storage
inst=$(hv_instance scsi)
hv_disk "$inst" 0 >/dev/null || fail "no LUN 0"
hostctl disk add "$inst" 1 @RUN@/disk1.img >/dev/null || fail "disk add refused"
start=$(date +%s.%N)
dev=$(hv_disk "$inst" 1 5) || fail "LUN 1 did not appear within 5 s"
note "LUN 1 is $dev after $(echo "$(date +%s.%N) - $start" | bc) s"

fio --name=w --filename="$dev" --direct=1 --ioengine=libaio --iodepth=8 \
	--rw=randwrite --bs=4k --time_based --runtime=60 --output=/tmp/fio.out 2>/tmp/fio.err &
fio_pid=$!
sleep 3
hostctl disk remove "$inst" 1 >/dev/null || fail "disk remove refused"
# fio must end (with errors) well before its 60 s
for _ in $(seq 300); do kill -0 $fio_pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $fio_pid 2>/dev/null; then
	kill -9 $fio_pid
	fail "fio hangs on the removed LUN"
fi
wait $fio_pid && fail "fio saw no I/O error on the removed LUN"
wait_for 10 "[ ! -e $dev ]" || fail "$dev still exists after removal"
note "$(grep -c 'io_u error' /tmp/fio.err) fio I/O errors"
hv_disk "$inst" 0 1 >/dev/null || fail "LUN 0 went away too"
check_dmesg_clean
