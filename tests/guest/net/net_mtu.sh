# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Jumbo frames: MTU 9000 on the guest and on the host's TAP; a
# don't-fragment 8972-byte ping crosses both ways in one frame, the host
# sees the guest's NVSP MTU, and TCP still moves data.  Back to 1500, big
# DF pings fail again.
# tags: 6.12
# netns: yes
# hvsim: --device net:tap=hvtap0
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 mtu 9000 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# timeout: 300

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
ip link set "$nic" mtu 9000 || fail "MTU 9000 refused"
nic_up "$nic" 10.0.0.2/24
[ "$(cat "/sys/class/net/$nic/mtu")" = 9000 ] || fail "MTU is not 9000"
mtu=$(net_stat 0 mtu)
note "host: guest MTU $mtu"
[ "$mtu" -ge 9000 ] || fail "the host did not learn MTU 9000"

ping -c 3 -M "do" -s 8972 -W 2 10.0.0.1 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "8972-byte DF ping guest -> host"
host ping -c 3 -M "do" -s 8972 -W 2 10.0.0.2 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "8972-byte DF ping host -> guest"
iperf_client /tmp/iperf.json -c 10.0.0.1 -n 200M || fail "iperf3 at MTU 9000"
iperf_client /tmp/iperf.json -c 10.0.0.1 -n 200M -R || fail "iperf3 -R at MTU 9000"

ip link set "$nic" mtu 1500 || fail "back to MTU 1500 refused"
wait_for 10 '[ "$(cat "/sys/class/net/$nic/carrier")" = 1 ]' || fail "no carrier at 1500"
wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || fail "no ping at MTU 1500"
if ping -c 1 -M "do" -s 8972 -W 1 10.0.0.1 >/dev/null 2>&1; then
	fail "a jumbo DF ping went out at MTU 1500"
fi
check_dmesg_clean
