# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Two guests on hvsim's internal switch (two hvsim processes sharing one
# switch directory, no TAP at all): they ping each other and move data
# over TCP.  The peer guest runs tests/guest/net/peer/net_switch.sh.
# tags: 6.12 asan
# hvsim: --device net:switch=@RUN@/sw,mac=00:15:5d:00:01:01
# peer: tests/guest/net/peer/net_switch.sh
# smp: 1
# timeout: 400

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.9.1/24
wait_for 180 'ping -c 1 -W 1 10.0.9.2 >/dev/null 2>&1' || fail "the peer guest never answered"
ping -c 5 -i 0.2 -W 2 10.0.9.2 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "ping to the peer lost packets"
# the peer answers pings only once its iperf3 server listens
# a stalled data path fails in 30 s with both ends' view, not at the timeout
if ! iperf_client /tmp/iperf.json -c 10.0.9.2 -n 50M --snd-timeout 30000; then
	hostctl channels
	ethtool -S "$nic" | grep -v ': 0$'
	fail "iperf3 to the peer"
fi
jq -r '.end.sum_received | "to the peer: \(.bytes) bytes, \(.bits_per_second / 1e6 | floor) Mbit/s"' /tmp/iperf.json
hostctl net list
check_dmesg_clean
