# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A 1 GiB disk on the synthetic SCSI controller holds real data: sg3-utils
# see what storvsp serves (INQUIRY, VPD pages, capacity), ext4 keeps files
# across unmount and remount (checksums), and fio's crc32c verify of random
# reads and writes over 256 MiB (32 MiB on the debug kernel: stress_count)
# passes.
# tags: 6.12 asan debug
# image: disk0.img 1G
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# smp: 2
# timeout: 600

hv_load_storage
inst=$(hv_instance scsi)
dev=$(hv_disk "$inst" 0) || fail "no disk on the SCSI controller $inst"
note "disk: $dev"

sg_inq "$dev" | tee /tmp/inq
grep -q 'Vendor identification: Msft' /tmp/inq || fail "INQUIRY vendor"
grep -q 'Product identification: Virtual Disk' /tmp/inq || fail "INQUIRY product"
sg_vpd -p sv "$dev" | grep -q 'Block limits' || fail "VPD 0x00 lacks block limits"
sg_vpd -p bl "$dev" | tee /tmp/bl | grep -q 'Maximum unmap LBA count' || fail "VPD 0xb0"
sg_vpd -p lbpv "$dev" | grep -q 'Unmap command supported (LBPU): 1' || fail "VPD 0xb2 LBPU"
sg_vpd -p bdc "$dev" | grep -q 'Non-rotating medium' || fail "VPD 0xb1 rotation"
sg_vpd -p di "$dev" | tee /tmp/di
grep -A1 'designator type: NAA' /tmp/di | grep -q '0x6' ||
	fail "VPD 0x83 has no NAA 6 designator"
sg_readcap --16 "$dev" | tee /tmp/cap
grep -q 'Last LBA=2097151' /tmp/cap || fail "capacity is not 1 GiB of 512-byte blocks"
grep -q 'Logical block length=512' /tmp/cap || fail "block length"
grep -qi 'lbpme=1' /tmp/cap || fail "no thin provisioning (LBPME)"

mkfs.ext4 -q -F "$dev"
mkdir -p /mnt/d
mount "$dev" /mnt/d
for i in 1 2 3; do
	head -c $((i * 7 * 1048576 + 4093)) /dev/urandom >/mnt/d/f$i
done
(cd /mnt/d && sha256sum f1 f2 f3) >/tmp/sums
umount /mnt/d
echo 3 >/proc/sys/vm/drop_caches
mount "$dev" /mnt/d
(cd /mnt/d && sha256sum -c /tmp/sums) || fail "files changed across remount"
umount /mnt/d

fio --name=verify --filename="$dev" --direct=1 --ioengine=libaio --iodepth=16 \
	--rw=randrw --bs=4k --size="$(stress_count 256)M" --verify=crc32c --do_verify=1 \
	--verify_fatal=1 --output-format=terse --terse-version=3 >/tmp/fio ||
	fail "fio verify failed: $(tail -n 5 /tmp/fio)"
note "fio randrw with crc32c verify: ok"
check_dmesg_clean
