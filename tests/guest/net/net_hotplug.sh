# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The host takes the NIC away under load (rescind while iperf3 runs both
# ways) and offers it again, three times (once on the debug kernel, where
# one round takes over 40 s: stress_count): the netdev goes away without a
# hang or oops, the iperf3 clients can be killed (nothing is stuck in the
# driver), and the new NIC works.  Each round has its own pair of iperf3
# servers, since a server whose client vanished with the NIC stays busy
# until its 120 s receive timeout, and a busy server would leave no load.
# Guest memory 1 GiB on the debug kernel too (its default is 512 MiB):
# TCP's buffer limits scale with memory, and there the network scenarios
# ran up to 40% longer at 512 MiB.
# tags: 6.12 asan debug
# mem: 1G
# netns: yes
# hvsim: --device net:tap=hvtap0
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# timeout: 400

hv_load_net
for round in $(seq "$(stress_count 3)"); do
	nic=$(hv_nic) || fail "round $round: no synthetic NIC"
	nic_up "$nic" 10.0.0.2/24
	wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || fail "round $round: no ping"
	tx=/sys/class/net/$nic/statistics/tx_bytes
	rx=/sys/class/net/$nic/statistics/rx_bytes
	tx0=$(cat "$tx")
	rx0=$(cat "$rx")
	for port in $((5210 + 2 * round)) $((5211 + 2 * round)); do
		host iperf3 -s -D -1 -p $port --logfile /dev/null || fail "host iperf3 -s -p $port"
		wait_for 10 'host_tcp_listening $port' || fail "host iperf3 -s -p $port does not listen"
	done
	iperf3 -c 10.0.0.1 -p $((5210 + 2 * round)) -t 60 >/tmp/iperf-a.txt 2>&1 &
	a=$!
	iperf3 -c 10.0.0.1 -p $((5211 + 2 * round)) -t 60 -R >/tmp/iperf-b.txt 2>&1 &
	b=$!
	# under load: both directions have moved a few MB
	wait_for 30 '[ $(($(cat $tx) - tx0)) -gt 4000000 ] && [ $(($(cat $rx) - rx0)) -gt 4000000 ]' ||
		fail "round $round: no load before the rescind: $(cat /tmp/iperf-a.txt /tmp/iperf-b.txt)"
	load="tx +$((($(cat "$tx") - tx0) >> 20)) MiB, rx +$((($(cat "$rx") - rx0) >> 20)) MiB"
	inst=$(hv_instance net)
	hostctl rescind "$inst" >/dev/null || fail "round $round: rescind"
	wait_for 20 '! [ -e /sys/class/net/$nic ]' || fail "round $round: $nic is still there"
	# TCP over a vanished interface just retransmits, so the clients
	# are killed; a process stuck in the driver would not die
	kill -9 $a $b 2>/dev/null || true
	for p in $a $b; do
		wait_for 10 '! kill -0 $p 2>/dev/null' || fail "round $round: iperf3 cannot be killed"
		wait "$p" 2>/dev/null || true
	done
	note "round $round: $nic removed under load ($load before the rescind)"
	hostctl offer net tap=hvtap0 >/dev/null || fail "round $round: offer"
done
nic=$(hv_nic) || fail "no NIC after the last offer"
nic_up "$nic" 10.0.0.2/24
wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || fail "no ping on the last NIC"
iperf_client /tmp/iperf.json -c 10.0.0.1 -p 5201 -n 20M || fail "iperf3 on the last NIC"
check_dmesg_clean
