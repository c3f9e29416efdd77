# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A disk grown from the host's CLI grows in the guest without a reboot
# (lsblk sees the new size) and resize2fs puts the space to use.
# tags: 6.12 quick
# image: disk0.img 512M
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# timeout: 300

hv_load_storage
inst=$(hv_instance scsi)
dev=$(hv_disk "$inst" 0) || fail "no disk"
mkfs.ext4 -q -F "$dev"
mkdir -p /mnt/d
mount "$dev" /mnt/d
echo hello >/mnt/d/keep
before=$(lsblk -bno SIZE "$dev")
hostctl disk resize "$inst" 0 1G >/dev/null || fail "resize refused"
# the capacity-change unit attention arrives with the next command
wait_for 10 "sync; dd if=$dev of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null; [ \$(lsblk -bno SIZE $dev) -eq 1073741824 ]" ||
	fail "size still $(lsblk -bno SIZE "$dev") after the resize"
note "$dev: $before -> $(lsblk -bno SIZE "$dev") bytes"
resize2fs "$dev"
blocks=$(df -B1 --output=size /mnt/d | tail -n 1)
note "filesystem size now $blocks bytes"
[ "$blocks" -gt 900000000 ] || fail "resize2fs did not grow the filesystem"
[ "$(cat /mnt/d/keep)" = hello ] || fail "data lost"
umount /mnt/d
check_dmesg_clean
