# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# 802.1Q between two guests on hvsim's internal switch (this machine's
# host kernel has no 8021q, so the other end of the VLAN is a second
# guest, tests/guest/net/peer/net_vlan.sh).  VLAN 5 interfaces on both ping
# and move data over TCP next to untagged traffic.  With VLAN offload on,
# the tag travels in the 802.1Q per-packet info (this guest's host counts
# tx_vlan/rx_vlan); with it off, the guest's stack puts the tag in the
# frame itself and traffic still passes.
# tags: 6.12
# hvsim: --device net:switch=@RUN@/sw,mac=00:15:5d:00:05:01
# peer: tests/guest/net/peer/net_vlan.sh
# smp: 1
# timeout: 400

hv_load_net
modprobe 8021q || fail "no 8021q module"
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.9.1/24
ip link add link "$nic" name "$nic.5" type vlan id 5
nic_up "$nic.5" 10.0.5.1/24
wait_for 180 'ping -c 1 -W 1 10.0.5.2 >/dev/null 2>&1' || fail "the peer never answered on VLAN 5"

tx0=$(net_stat 0 tx_vlan)
rx0=$(net_stat 0 rx_vlan)
ping -c 5 -i 0.2 -W 2 10.0.5.2 | grep -q ' 0% packet loss' || fail "ping over VLAN 5"
ping -c 3 -W 2 10.0.9.2 | grep -q ' 0% packet loss' || fail "untagged ping beside VLAN 5"
# the peer answers pings only once its iperf3 server listens
iperf_client /tmp/iperf.json -c 10.0.5.2 -n 20M || fail "iperf3 over VLAN 5"
iperf_client /tmp/iperf.json -c 10.0.5.2 -n 20M -R || fail "iperf3 -R over VLAN 5"
tx=$(( $(net_stat 0 tx_vlan) - tx0 ))
rx=$(( $(net_stat 0 rx_vlan) - rx0 ))
note "tagged frames through the 802.1Q PPI: tx +$tx rx +$rx"
[ "$tx" -gt 5 ] && [ "$rx" -gt 5 ] || fail "the tag did not travel as per-packet info"

ethtool -K "$nic" txvlan off rxvlan off || fail "ethtool -K txvlan/rxvlan off"
tx0=$(net_stat 0 tx_vlan)
ping -c 5 -i 0.2 -W 2 10.0.5.2 | grep -q ' 0% packet loss' || fail "ping over VLAN 5, offload off"
iperf_client /tmp/iperf.json -c 10.0.5.2 -n 10M || fail "iperf3 over VLAN 5, offload off"
iperf_client /tmp/iperf.json -c 10.0.5.2 -n 10M -R || fail "iperf3 -R over VLAN 5, offload off"
[ "$(net_stat 0 tx_vlan)" = "$tx0" ] || fail "the tag still went as per-packet info"
check_dmesg_clean
