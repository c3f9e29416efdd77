#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the disk image tests/packaging/install.sh boots (installed
# there as /usr/local/sbin/hvlis-image-check, started by
# hvlis-image-check.service once multi-user.target is reached): a system
# with our packages installed by apt, booted by its own kernel and
# initramfs from a root file system on a storvsc disk.  It writes one TAP
# line per check to the second serial port (the harness's result port)
# and powers the system off.
#   - systemd reached "running" (no unit failed)
#   - the kernel is the one the test booted (hvlis_expect= on the command line)
#   - / is on a disk of a VMBus device bound to hv_storvsc
#   - hv_vmbus, hv_storvsc and hv_utils are loaded and are the files
#     under updates/ that DKMS installed (same srcversion), so the
#     initramfs held ours and not the distribution's
#   - the KVP, VSS and file-copy daemons run, started by udev through
#     their units when hv_utils made their devices
#   - Endure: once the NIC has the address the host's ND service knows,
#     hv_network_direct (ours, loaded by udev) registers mlx4_0; our udev
#     rule describes it as iWARP, so rdma-core's rules load the iWARP and
#     user-verbs modules, and ibv_devices (rdma-core's libmlx4) lists it
# install.sh reads this header for the VM: the devices, its size and its
# time limit (tests/qemu/boot.sh --kernel).
# hvsim: --device kvp --device vss --device fcopy --device shutdown --device timesync --device net --device nd
# mem: 1G
# timeout: 300
out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null
tap() {
	local name=$1
	shift
	if "$@" >/run/hvlis-check.log 2>&1; then
		echo "ok - image $want: $name" >$out
	else
		echo "not ok - image $want: $name" >$out
		sed 's/^/# /' /run/hvlis-check.log | head -n 20 >$out
	fi
}
want=$(sed -n 's/.*hvlis_expect=\([^ ]*\).*/\1/p' /proc/cmdline)

running() {
	local state
	state=$(systemctl is-system-running --wait)
	echo "state: $state"
	[ "$state" = running ] || { systemctl --failed --no-legend; return 1; }
}
tap "systemd reached 'running'" running

tap "booted the kernel under test" [ "$(uname -r)" = "$want" ]

root_on_storvsc() {
	local src blk d
	src=$(findmnt -no SOURCE /)
	blk=$(readlink -f "/sys/class/block/$(basename "$src")")
	echo "/ is $src: $blk"
	for d in /sys/bus/vmbus/drivers/hv_storvsc/*-*; do
		case $blk in "$(readlink -f "$d")"/*) return 0 ;; esac
	done
	return 1
}
tap "/ is on a storvsc disk" root_on_storvsc

ours() {
	local m f
	for m in hv_vmbus hv_storvsc hv_utils; do
		f=$(modinfo -n "$m")
		echo "$m: $f, loaded $(cat "/sys/module/$m/srcversion"), file $(modinfo -F srcversion "$m")"
		case $f in */updates/*) ;; *) return 1 ;; esac
		[ "$(cat "/sys/module/$m/srcversion")" = "$(modinfo -F srcversion "$m")" ] || return 1
	done
}
tap "hv_vmbus, hv_storvsc and hv_utils loaded are DKMS's under updates/" ours

daemons() {
	local u
	for u in hv-kvp-daemon hv-vss-daemon hv-fcopy-daemon; do
		systemctl is-active "$u.service" || return 1
	done
}
tap "the KVP, VSS and file-copy daemons run" daemons

# no network configuration in the image: the address hvsim's ND host has
rdma() {
	local nic i
	nic=$(ls /sys/bus/vmbus/drivers/hv_netvsc/*/net/)
	ip link set "$nic" up && ip addr add 10.0.0.2/24 dev "$nic" || return 1
	for i in $(seq 100); do
		[ -e /sys/class/infiniband/mlx4_0 ] && break
		sleep 0.2
	done
	udevadm settle
	echo "hv_network_direct: $(modinfo -n hv_network_direct)"
	case $(modinfo -n hv_network_direct) in */updates/*) ;; *) return 1 ;; esac
	udevadm info /sys/class/infiniband/mlx4_0 | grep -x 'E: ID_RDMA_IWARP=1' || return 1
	# systemd runs the jobs udev asked for after the event
	for i in $(seq 100); do
		[ -d /sys/module/ib_uverbs ] && [ -d /sys/module/rdma_ucm ] &&
			[ -d /sys/module/iw_cm ] && break
		sleep 0.2
	done
	for i in rdma-hw.target rdma-load-modules@iwarp.service rdma-load-modules@rdma.service; do
		echo "$i: $(systemctl is-active "$i")"
	done
	for i in ib_uverbs rdma_ucm iw_cm; do
		[ -d "/sys/module/$i" ] || { echo "$i not loaded"; return 1; }
	done
	ibv_devices | grep -w mlx4_0
}
tap "Endure: mlx4_0 on the NIC, described as iWARP, rdma-core's modules loaded, ibv_devices lists it" rdma

systemctl poweroff
