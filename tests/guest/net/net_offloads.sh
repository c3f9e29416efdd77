# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Offloads: ethtool -k shows checksum, TSO, LRO (RSC), VLAN and hash
# offloads on, and toggling each with ethtool -K changes what crosses the
# wire, as hvsim's counters see it: the host segments LSO packets only
# while TSO is on, fills in TCP checksums only while TX checksumming is
# on, marks received checksums good only while RX checksumming is on, and
# coalesces received segments only while LRO is on.
# tags: 6.12 asan
# netns: yes
# hvsim: --device net:tap=hvtap0
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# timeout: 400

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
ping -c 2 -W 2 10.0.0.1 >/dev/null || fail "no ping to the host"

ethtool -k "$nic" >/tmp/k
for f in rx-checksumming tx-checksumming tcp-segmentation-offload \
	large-receive-offload receive-hashing \
	tx-vlan-offload rx-vlan-offload; do
	grep "^$f:" /tmp/k
	grep -q "^$f: on" /tmp/k || fail "$f is not on"
done

# delta of host counter $1 over one iperf3 run ($2: -R for host -> guest)
delta() {
	local before after
	before=$(net_stat 0 "$1")
	# shellcheck disable=SC2086 # $2 is no word or one
	iperf_client /tmp/iperf.json -c 10.0.0.1 -n 20M $2 >&2 || fail "iperf3 $2 failed" >&2
	after=$(net_stat 0 "$1")
	echo $((after - before))
}
# expect COUNTER DIRECTION on|off: the counter moved (on) or stayed (off)
expect() {
	local d
	d=$(delta "$1" "$2")
	note "$1 ${2:-guest->host}: +$d (offload $3)"
	if [ "$3" = on ]; then
		[ "$d" -gt 0 ] || fail "$1 did not move with the offload on"
	else
		[ "$d" -eq 0 ] || fail "$1 moved by $d with the offload off"
	fi
}

expect tx_lso_packets "" on
expect tx_csum_tcp "" on
ethtool -K "$nic" tso off
expect tx_lso_packets "" off
expect tx_csum_tcp "" on
ethtool -K "$nic" tx off
grep -q "^tx-checksumming: off" <(ethtool -k "$nic") || fail "tx checksumming still on"
expect tx_csum_tcp "" off
ethtool -K "$nic" tx on tso on
expect tx_lso_packets "" on

expect rx_csum_ok -R on
ethtool -K "$nic" rx off
wait_for 5 'hostctl net stats 0 | grep -q "^offload_rx_csum4 off"' ||
	fail "the host still has RX checksum offload on"
expect rx_csum_ok -R off
ethtool -K "$nic" rx on
expect rx_csum_ok -R on

expect rx_rsc_packets -R on
ethtool -K "$nic" lro off
expect rx_rsc_packets -R off
ethtool -K "$nic" lro on
expect rx_rsc_packets -R on
# received data is intact whatever the host coalesced
iperf_client /tmp/iperf.json -c 10.0.0.1 -n 50M -R || fail "iperf3 -R with LRO"
check_dmesg_clean
