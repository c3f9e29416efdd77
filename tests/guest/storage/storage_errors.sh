# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Errors the host injects reach the guest as I/O errors.  Completions
# delayed past the SCSI timeout are kept (the host still owns the buffers,
# as upstream storvsc reasons) and a host reset issued meanwhile waits for
# them; afterwards the disk works and a verify pass finds every
# acknowledged write intact.
# On both stock kernels (compat): the SCSI timeout handler differs
# between 6.1 and 6.12 (HAVE_SCSI_TIMEOUT_ACTION).
# tags: compat debug
# image: disk0.img 256M
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# timeout: 600

hv_load_storage
inst=$(hv_instance scsi)
dev=$(hv_disk "$inst" 0) || fail "no disk"
blk=${dev#/dev/}

# 1. injected medium errors come back to fio as I/O errors
hostctl disk error "$inst" 0 on 20 >/dev/null || fail "error injection refused"
if fio --name=err --filename="$dev" --direct=1 --ioengine=libaio --rw=read \
	--bs=4k --size=64k --output=/tmp/err.out 2>/tmp/err.log; then
	fail "fio read without error despite injected errors"
fi
# a medium error reaches user space as ENODATA ("critical medium error")
grep -q 'io_u error.*No data available' /tmp/err.log ||
	fail "fio saw no medium error: $(cat /tmp/err.log)"
note "$(grep -m1 'io_u error' /tmp/err.log)"
hostctl disk error "$inst" 0 off >/dev/null

# 2. a verified write pass, then delays longer than the timeout: writes in
# flight time out, the driver recovers, and what was acknowledged stays.
echo 5 >"/sys/block/$blk/device/timeout"
fio --name=seed --filename="$dev" --direct=1 --ioengine=libaio --iodepth=8 \
	--rw=write --bs=64k --size=64M --verify=crc32c --do_verify=0 \
	--output=/tmp/seed.out || fail "seed write failed"
hostctl disk delay "$inst" 0 8000 >/dev/null || fail "delay refused"
dd if=/dev/zero of="$dev" bs=4k count=8 seek=40000 oflag=direct 2>/dev/null &
dd_pid=$!
sleep 6
# past the 5 s timeout: reset the host while the write is still held
sg_reset -H "$dev" || fail "host reset failed"
hostctl disk delay "$inst" 0 0 >/dev/null
wait_for 60 "! kill -0 $dd_pid 2>/dev/null" || fail "I/O stuck after the delay ended"
wait $dd_pid || fail "the delayed write failed"
dmesg | grep -iE 'storvsc|reset' | tail -n 5
# the device is usable again and the seed data verifies
fio --name=seed --filename="$dev" --direct=1 --ioengine=libaio --iodepth=8 \
	--rw=write --bs=64k --size=64M --verify=crc32c --verify_only \
	--verify_fatal=1 --output=/tmp/verify.out || fail "acknowledged writes lost: $(tail -n 5 /tmp/verify.out)"
note "verify after recovery: ok"
