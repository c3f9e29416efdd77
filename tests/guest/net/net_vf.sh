# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Transparent SR-IOV with a stand-in VF: a virtio-net NIC with the
# synthetic NIC's MAC, on a TAP bridged with hvsim's on the host.  When the
# host announces a VF and the VF's netdev registers, netvsc enslaves it and
# switches the data path (the host sees the switch), traffic flows through
# the VF; when the VF goes away it switches back.  A ping running through
# all of it loses (almost) nothing.
# tags: 6.12
# netns: yes
# hvsim: --device net:tap=hvtap0,mac=00:15:5d:77:00:01
# host: ip tuntap add vf0 mode tap && ip link add br0 type bridge
# host: ip link set hvtap0 master br0 && ip link set vf0 master br0
# host: ip addr add 10.0.0.1/24 dev br0 && ip link set br0 up
# host: ip link set hvtap0 up && ip link set vf0 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# qemu: -netdev tap,id=vf,ifname=vf0,script=no,downscript=no -device virtio-net-pci,netdev=vf,mac=00:15:5d:77:00:01
# timeout: 400

# the VF driver stays unloaded until the host has announced the VF
modprobe -r virtio_net 2>/dev/null || true
hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || fail "no ping before the VF"
[ "$(net_stat 0 datapath)" = synthetic ] || fail "data path is not synthetic at start"

ping -i 0.1 -c 400 -W 1 10.0.0.1 >/tmp/ping.log 2>&1 &
pinger=$!

for round in 1 2; do
	hostctl net vf 0 add >/dev/null || fail "net vf add"
	modprobe virtio_net || fail "modprobe virtio_net"
	vf=
	for d in /sys/class/net/*; do
		[ "$(basename "$d")" = "$nic" ] && continue
		[ "$(cat "$d/address")" = 00:15:5d:77:00:01 ] && vf=$(basename "$d")
	done
	[ -n "$vf" ] || fail "round $round: the stand-in VF has no netdev"
	wait_for 10 '[ "$(basename "$(readlink /sys/class/net/$vf/master)")" = "$nic" ]' ||
		fail "round $round: $vf was not enslaved to $nic"
	wait_for 10 '[ "$(net_stat 0 datapath)" = vf ]' ||
		fail "round $round: the host did not switch the data path to the VF"
	syn0=$(net_stat 0 tx_frames)
	vf0=$(nic_stat "$nic" vf_tx_packets)
	iperf_client /tmp/iperf.json -c 10.0.0.1 -n 20M || fail "round $round: iperf3 over the VF"
	iperf_client /tmp/iperf.json -c 10.0.0.1 -n 20M -R || fail "round $round: iperf3 -R over the VF"
	syn=$(( $(net_stat 0 tx_frames) - syn0 ))
	vft=$(( $(nic_stat "$nic" vf_tx_packets) - vf0 ))
	note "round $round: VF $vf; sent via VF +$vft, via synthetic +$syn"
	[ "$vft" -gt 1000 ] || fail "round $round: traffic did not go through the VF"
	[ "$syn" -lt 100 ] || fail "round $round: traffic still went through netvsp"

	modprobe -r virtio_net || fail "rmmod virtio_net"
	wait_for 10 '[ "$(net_stat 0 datapath)" = synthetic ]' ||
		fail "round $round: the data path did not come back"
	hostctl net vf 0 remove >/dev/null || fail "net vf remove"
	iperf_client /tmp/iperf.json -c 10.0.0.1 -n 10M || fail "round $round: iperf3 after the VF left"
done
wait $pinger || true
tail -n 2 /tmp/ping.log
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' /tmp/ping.log)
[ -n "$loss" ] || fail "ping did not finish"
awk -v l="$loss" 'BEGIN { exit !(l <= 5) }' || fail "ping lost $loss% across the switches"
note "switches seen by the host: $(net_stat 0 datapath_switches)"
[ "$(net_stat 0 datapath_switches)" -ge 4 ] || fail "expected 4 data path switches"
check_dmesg_clean
