# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The other two controller classes: an IDE controller's disk (the boot disk
# of generation-1 VMs) and a Fibre Channel adapter whose FC host carries
# the port and node names the host reports.  Data written to each reads
# back.
# tags: 6.1
# image: ide.img 128M
# image: fc.img 128M
# hvsim: --device ide:disk=@RUN@/ide.img --device fc:disk0=@RUN@/fc.img,wwpn=c003ff1122334455,wwnn=c003ff99aabbccdd
# timeout: 300

hv_load_storage
ide=$(hv_disk "$(hv_instance ide)" 0) || fail "no IDE disk"
fc=$(hv_disk "$(hv_instance fc)" 0) || fail "no FC disk"
note "IDE disk $ide, FC disk $fc"
for d in "$ide" "$fc"; do
	head -c 4M /dev/urandom >/tmp/pat
	dd if=/tmp/pat of="$d" bs=1M oflag=direct 2>/dev/null || fail "write to $d"
	cmp <(dd if="$d" bs=1M count=4 iflag=direct 2>/dev/null) /tmp/pat ||
		fail "$d returned other data"
done
host=$(ls /sys/class/fc_host 2>/dev/null | head -n 1)
[ -n "$host" ] || fail "no fc_host for the FC adapter"
note "$host: port_name $(cat "/sys/class/fc_host/$host/port_name"), node_name $(cat "/sys/class/fc_host/$host/node_name")"
[ "$(cat "/sys/class/fc_host/$host/port_name")" = 0xc003ff1122334455 ] || fail "FC port name"
[ "$(cat "/sys/class/fc_host/$host/node_name")" = 0xc003ff99aabbccdd ] || fail "FC node name"
check_dmesg_clean
