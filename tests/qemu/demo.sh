# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# What `make run` boots (tests/run-vm.sh), not a test.  The header sets up
# the host: a NIC on a TAP device in the run's own network namespace (host
# end 10.0.0.1/24), a 1 GiB SCSI disk over a sparse image in the run
# directory, and one device of every class hvsim knows (those without a
# host model are stubs, and this project has no driver for them yet).  The
# body loads hv_vmbus, hv_storvsc and hv_netvsc, brings the NIC up as
# 10.0.0.2/24 and prints what to try: before the shell on a terminal, and
# with the answers when there is none (the demo).
# netns: yes
# image: disk0.img 1G
# hvsim: --device net:tap=hvtap0,mac=00:15:5d:00:00:01 --device scsi:disk0=@RUN@/disk0.img --device all
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# smp: 2
# timeout: 180

export PATH=$HVLIS_TOP/src/daemons:$PATH
hv_load_storage
hv_load_net
disk=$(hv_disk "$(hv_instance scsi)" 0) || fail "the SCSI disk did not appear"
# the NIC on the TAP, by its MAC ("all" adds a second NIC with no wire)
nic=
for _ in $(seq 100); do
	for n in $(hv_nics); do
		[ "$(cat "/sys/class/net/$n/address")" = 00:15:5d:00:00:01 ] && nic=$n
	done
	[ -n "$nic" ] && break
	sleep 0.1
done
[ -n "$nic" ] || fail "the NIC did not appear"
nic_up "$nic" 10.0.0.2/24
wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || note "(no answer from 10.0.0.1 yet)"

cat <<EOF

hyperv-lis guest: Debian $HVLIS_SERIES ($(uname -r)) on hvsim, the simulated Hyper-V host
loaded:  $(lsmod | awk '/^hv_/ { print $1 }' | sort | xargs)
disk:    $disk, $(lsblk -dno SIZE "$disk" | tr -d ' ') on the SCSI controller (a sparse image on the host)
NIC:     $nic, 10.0.0.2/24; the host end is hvtap0, 10.0.0.1/24
devices: $(find /sys/bus/vmbus/devices -mindepth 1 -maxdepth 1 | wc -l) on VMBus, one of every class; only storage and network have drivers yet
Try:
  lsvmbus -vv             the VMBus devices and their channels
  lsblk                   the disk
  ping -c 3 10.0.0.1      the host, through hv_netvsc
  hostctl disk list       hvsim's view of the disks (hostctl plays the Hyper-V administrator)
  hostctl net stats 0     hvsim's counters of the NIC
  hostctl help            every host command
  exit                    power the VM off
EOF

[ "$HVLIS_MODE" = demo ] || exit 0
show() {	# show 'COMMAND': a command line and its output, as in the shell
	echo
	echo "hvlis-guest# $1"
	eval "$1" 2>&1 || echo "(exit status $?)"
}
show 'lsvmbus'
show "lsblk $disk"
show "ip -br addr show dev $nic"
show 'ping -c 3 -i 0.2 10.0.0.1'
show 'hostctl disk list'
show 'hostctl net stats 0 | head -n 14'
