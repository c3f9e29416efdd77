# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# With 2 CPUs the controller gets sub-channels and I/O flows on more than
# one channel: fio on both CPUs raises interrupts on several channels.
# tags: 6.12
# image: disk0.img 512M
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# smp: 2
# timeout: 300

hv_load_storage
inst=$(hv_instance scsi)
dev=$(hv_disk "$inst" 0) || fail "no disk"
chans=/sys/bus/vmbus/devices/$inst/channels
wait_for 10 '[ "$(ls "$chans" | wc -l)" -ge 2 ]' || fail "no sub-channels: $(ls "$chans")"
note "channels: $(ls "$chans" | tr '\n' ' '); hw queues: $(ls "/sys/block/${dev#/dev/}/mq" | wc -l)"
declare -A before
for c in "$chans"/*; do before[$c]=$(cat "$c/interrupts"); done
fio --name=mq --filename="$dev" --direct=1 --ioengine=libaio --iodepth=16 \
	--rw=randread --bs=4k --size=256M --numjobs=2 --cpus_allowed_policy=split \
	--cpus_allowed=0,1 --runtime=10 --time_based --group_reporting >/dev/null ||
	fail "fio failed"
busy=0
for c in "$chans"/*; do
	n=$(( $(cat "$c/interrupts") - ${before[$c]} ))
	note "channel $(basename "$c") (cpu $(cat "$c/cpu")): $n interrupts"
	[ "$n" -gt 100 ] && busy=$((busy + 1))
done
[ "$busy" -ge 2 ] || fail "I/O used only $busy channel(s)"
check_dmesg_clean
