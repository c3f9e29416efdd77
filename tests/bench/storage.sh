# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Benchmark, not a test: fio 4k random-read IOPS and 1 MiB sequential-read
# MB/s on storvsc and on virtio-blk over the same image file, in the same
# guest run, with their ratio.  `make bench` runs it.
# image: disk0.img 1G
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# qemu: -drive file=@RUN@/disk0.img,if=none,id=vd0,format=raw,cache=none,aio=threads -device virtio-blk-pci,drive=vd0
# smp: 2
# timeout: 900

hv_load_storage
modprobe virtio_blk
sv=$(hv_disk "$(hv_instance scsi)" 0) || fail "no storvsc disk"
wait_for 10 '[ -e /dev/vda ]' || fail "no virtio-blk disk"
# fill the image once so both read the same real blocks
dd if=/dev/urandom of="$sv" bs=1M count=512 oflag=direct 2>/dev/null

run() {	# run DEV RW BS -> "IOPS KB/s"
	fio --name=b --filename="$1" --direct=1 --ioengine=libaio --iodepth=32 \
		--rw="$2" --bs="$3" --size=512M --runtime=15 --time_based \
		--output-format=terse --terse-version=3 | awk -F';' '{print $8, $7}'
}
printf '%-22s %14s %14s %8s\n' "fio" "storvsc" "virtio-blk" "ratio"
read -r s_iops _ <<<"$(run "$sv" randread 4k)"
read -r v_iops _ <<<"$(run /dev/vda randread 4k)"
printf '%-22s %14s %14s %8.2f\n' "4k randread IOPS" "$s_iops" "$v_iops" \
	"$(echo "scale=4; $s_iops / $v_iops" | bc)"
read -r _ s_bw <<<"$(run "$sv" read 1M)"
read -r _ v_bw <<<"$(run /dev/vda read 1M)"
printf '%-22s %14.1f %14.1f %8.2f\n' "1M read MB/s" "$(echo "scale=1; $s_bw / 1024" | bc)" \
	"$(echo "scale=1; $v_bw / 1024" | bc)" "$(echo "scale=4; $s_bw / $v_bw" | bc)"
