# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# fstrim on a mounted ext4 reaches the host as UNMAP and punches holes in
# the image file: its allocated bytes shrink.
# tags: 6.1
# image: disk0.img 1G
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# timeout: 300

hv_load_storage
dev=$(hv_disk "$(hv_instance scsi)" 0) || fail "no disk"
[ "$(cat "/sys/block/${dev#/dev/}/queue/discard_max_bytes")" -gt 0 ] ||
	fail "the disk does not take discards"
mkfs.ext4 -q -F -E nodiscard "$dev"
mkdir -p /mnt/d
mount "$dev" /mnt/d
head -c 200M /dev/urandom >/mnt/d/big
sync
rm /mnt/d/big
sync
before=$(hostctl imageinfo disk0.img | awk '{print $4}')
fstrim -v /mnt/d
sync
after=$(hostctl imageinfo disk0.img | awk '{print $4}')
note "image allocated: $before bytes before fstrim, $after after"
[ "$after" -lt $((before - 150 * 1048576)) ] || fail "fstrim did not free the space on the host"
umount /mnt/d
check_dmesg_clean
