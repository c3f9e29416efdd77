# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The synthetic NIC on a TAP device in the run's own network namespace:
# the guest gets the MAC hvsim assigned, carrier, and ping works both ways
# (guest -> host and host -> guest, which also needs ARP both ways).
# tags: 6.12 quick asan
# netns: yes
# hvsim: --device net:tap=hvtap0,mac=00:15:5d:12:34:56
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# timeout: 240

hv_load_net
for p in ring_size debug; do
	[ -e /sys/module/hv_netvsc/parameters/$p ] || fail "no module parameter $p"
done
nic=$(hv_nic) || fail "no synthetic NIC appeared"
note "NIC: $nic ($(cat "/sys/class/net/$nic/device/device_id"))"
[ "$(cat "/sys/class/net/$nic/address")" = 00:15:5d:12:34:56 ] ||
	fail "MAC is $(cat "/sys/class/net/$nic/address"), hvsim gave 00:15:5d:12:34:56"
hostctl net list | tee /tmp/list
grep -q 'mac 00:15:5d:12:34:56' /tmp/list || fail "hvsim lists another MAC"
nic_up "$nic" 10.0.0.2/24
ethtool "$nic" | grep -E 'Speed|Link detected' | tee /tmp/eth
grep -q 'Link detected: yes' /tmp/eth || fail "ethtool: no link"

ping -c 5 -i 0.2 -W 2 10.0.0.1 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "guest -> host ping lost packets"
host ping -c 5 -i 0.2 -W 2 10.0.0.2 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "host -> guest ping lost packets"
# a 1400-byte ping goes out through a page buffer or a send section alike
ping -c 3 -s 1400 -W 2 10.0.0.1 | grep -q ' 0% packet loss' || fail "large ping"

# hv_netvsc's tracepoints (system "netvsc", upstream's names): a data
# packet handed to the host, and an RNDIS SET (the packet filter) with
# its completion
t=/sys/kernel/tracing
[ -d "$t/events" ] || mount -t tracefs nodev "$t" || fail "no tracefs"
[ -d "$t/events/netvsc" ] || fail "hv_netvsc registered no netvsc events"
echo >"$t/trace"
echo 1 >"$t/events/netvsc/enable"
ping -c 2 -i 0.2 -W 2 10.0.0.1 >/dev/null || fail "ping while tracing"
ip link set "$nic" promisc on
wait_for 5 'grep -q "rndis_recv: dev=$nic .*type=0x80000005" "$t/trace"' ||
	fail "no RNDIS SET completion traced: $(grep -c rndis_ "$t/trace") rndis events"
ip link set "$nic" promisc off
echo 0 >"$t/events/netvsc/enable"
for e in "nvsp_send_pkt: dev=$nic qid=[0-9]+ type=DATA" "rndis_send: dev=$nic q=0 req=0x[0-9a-f]+ type=0x5 "; do
	line=$(grep -E -m 1 "$e" "$t/trace") || fail "no '$e' in the trace"
	line=${line#"${line%%[! ]*}"}
	echo "${line:0:160}"
done

rx=$(net_stat 0 rx_frames)
tx=$(net_stat 0 tx_frames)
note "host counters: tx_frames $tx rx_frames $rx"
[ "$tx" -ge 13 ] && [ "$rx" -ge 13 ] || fail "host saw too few frames"
check_dmesg_clean
