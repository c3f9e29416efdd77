# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Hibernation while hv_vmbus is connected: swap on a storvsc disk (LUN 1)
# and a file system with a file on another (LUN 0), the NIC up and
# passing traffic, then "echo disk > /sys/power/state".  hyperv-lis cannot
# yet reopen its channels after resume, so hv_vmbus's PM notifier refuses
# before anything is frozen: the write fails with EOPNOTSUPP, the log says
# why in one sentence, no UNLOAD went to the host, and afterwards the file
# reads back, new data goes to disk and the swap, and the NIC still
# passes traffic both ways.  Suspend to idle is not refused (needs nothing
# from VMBus) and is not run here: QEMU wakes no idle guest on its own.
# tags: 6.1
# netns: yes
# image: disk0.img 128M
# image: swap.img 128M
# hvsim: --device scsi:disk0=@RUN@/disk0.img,disk1=@RUN@/swap.img --device net:tap=hvtap0,mac=00:15:5d:12:34:57
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# timeout: 300

[ -e /sys/power/state ] && grep -qw disk /sys/power/state ||
	fail "this kernel cannot hibernate (no 'disk' in /sys/power/state)"
hv_load_storage
hv_load hv_netvsc
inst=$(hv_instance scsi)
dev=$(hv_disk "$inst" 0) || fail "no disk at LUN 0"
swapdev=$(hv_disk "$inst" 1) || fail "no disk at LUN 1"
mkswap -q "$swapdev" >/dev/null || fail "mkswap $swapdev"
swapon "$swapdev" || fail "swapon $swapdev"
mkfs.ext4 -q -F "$dev"
mkdir -p /mnt/d
mount "$dev" /mnt/d
head -c 8M /dev/urandom >/mnt/d/before
sha256sum </mnt/d/before >/tmp/sum
sync
nic=$(hv_nic) || fail "no synthetic NIC"
nic_up "$nic" 10.0.0.2/24
ping -c 3 -i 0.2 -W 2 10.0.0.1 >/dev/null || fail "no traffic before hibernation"
unloads=$(vmbus_stat vmbus.unloads)

dmesg -C
if echo disk >/sys/power/state 2>/tmp/err; then
	fail "hibernation went ahead and came back: the PM notifier did not refuse"
fi
note "echo disk: $(cat /tmp/err)"
grep -q 'Operation not supported' /tmp/err || fail "refused with another error: $(cat /tmp/err)"
dmesg | grep 'hibernation refused' | tee /tmp/why
[ "$(wc -l </tmp/why)" -eq 1 ] || fail "want one refusal sentence: $(dmesg | tail -n 5)"
[ "$(vmbus_stat vmbus.unloads)" -eq "$unloads" ] || fail "the refusal sent UNLOAD"

# the system is still fine: the file, new writes, swap, traffic
sha256sum </mnt/d/before | cmp -s - /tmp/sum || fail "the file written before changed"
head -c 4M /dev/urandom >/mnt/d/after
sync
umount /mnt/d
echo 3 >/proc/sys/vm/drop_caches
mount "$dev" /mnt/d || fail "remount after the refusal"
sha256sum </mnt/d/before | cmp -s - /tmp/sum || fail "the file changed across remount"
[ "$(stat -c %s /mnt/d/after)" -eq 4194304 ] || fail "the file written after is short"
umount /mnt/d
grep -q "^$swapdev " /proc/swaps || fail "swap is gone: $(cat /proc/swaps)"
swapoff "$swapdev" || fail "swapoff $swapdev"
ping -c 5 -i 0.2 -W 2 10.0.0.1 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "guest -> host traffic after the refusal"
# the whole output first: grep -q would stop reading at the loss line and
# the ping's last line would then die of SIGPIPE, failing the pipe
host ping -c 3 -i 0.2 -W 2 10.0.0.2 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "host -> guest traffic after the refusal"
check_dmesg_clean
