# SPDX-License-Identifier: GPL-2.0-only
# The host takes the NIC away under load (rescind while iperf3 runs both
# ways) and offers it again, three times: the netdev goes away without a
# hang or oops, the iperf3 clients can be killed (nothing is stuck in the
# driver), and the new NIC works.
# netns: yes
# hvsim: --device net:tap=hvtap0
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# host: iperf3 -s -D -p 5202 --logfile /dev/null
# timeout: 400

hv_load_net
for round in 1 2 3; do
	nic=$(hv_nic) || fail "round $round: no synthetic NIC"
	nic_up "$nic" 10.0.0.2/24
	wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || fail "round $round: no ping"
	iperf3 -c 10.0.0.1 -p 5201 -t 60 >/dev/null 2>&1 &
	a=$!
	iperf3 -c 10.0.0.1 -p 5202 -t 60 -R >/dev/null 2>&1 &
	b=$!
	sleep 3
	inst=$(hv_instance net)
	hostctl rescind "$inst" >/dev/null || fail "round $round: rescind"
	wait_for 20 '! [ -e /sys/class/net/$nic ]' || fail "round $round: $nic is still there"
	# TCP over a vanished interface just retransmits, so the clients
	# are killed; a process stuck in the driver would not die
	kill -9 $a $b 2>/dev/null || true
	for p in $a $b; do
		wait_for 10 '! kill -0 $p 2>/dev/null' || fail "round $round: iperf3 cannot be killed"
		wait $p 2>/dev/null || true
	done
	note "round $round: $nic removed under load"
	hostctl offer net tap=hvtap0 >/dev/null || fail "round $round: offer"
done
nic=$(hv_nic) || fail "no NIC after the last offer"
nic_up "$nic" 10.0.0.2/24
wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || fail "no ping on the last NIC"
iperf3 -c 10.0.0.1 -p 5201 -n 20M -J >/dev/null || fail "iperf3 on the last NIC"
check_dmesg_clean
