# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The administrator pulls the virtual cable: `hvsim ctl net link 0 down`
# becomes an RNDIS media-disconnect indication and the guest's carrier
# drops (ping fails); "up" brings carrier and traffic back.  Then a MAC
# change the host allows works end to end, and one it refuses fails
# cleanly and leaves the old address.
# tags: 6.12 quick
# netns: yes
# hvsim: --device net:tap=hvtap0
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# timeout: 240

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
ping -c 2 -W 2 10.0.0.1 >/dev/null || fail "no ping to the host"
changes0=$(cat "/sys/class/net/$nic/carrier_changes")

for round in 1 2 3; do
	hostctl net link 0 down >/dev/null
	wait_for 10 '[ "$(cat "/sys/class/net/$nic/carrier")" = 0 ]' ||
		fail "round $round: carrier stayed up after link down"
	if ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1; then
		fail "round $round: ping worked with the link down"
	fi
	hostctl net link 0 up >/dev/null
	wait_for 10 '[ "$(cat "/sys/class/net/$nic/carrier")" = 1 ]' ||
		fail "round $round: carrier stayed down after link up"
	wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' ||
		fail "round $round: no ping after link up"
done
changes=$(( $(cat "/sys/class/net/$nic/carrier_changes") - changes0 ))
note "carrier changes: $changes"
[ "$changes" -ge 6 ] || fail "expected at least 6 carrier changes, saw $changes"

# MAC change: allowed by the host
ip link set "$nic" address 00:15:5d:aa:bb:cc || fail "MAC change refused"
[ "$(cat "/sys/class/net/$nic/address")" = 00:15:5d:aa:bb:cc ] || fail "MAC not changed"
host ip neigh flush dev hvtap0
ping -c 2 -W 2 10.0.0.1 >/dev/null || fail "no ping after the MAC change"
host ip neigh show dev hvtap0 | tee /tmp/neigh
grep -q 00:15:5d:aa:bb:cc /tmp/neigh || fail "the host does not see the new MAC"
# ... and refused by it
hostctl net macpolicy 0 deny >/dev/null
if ip link set "$nic" address 00:15:5d:dd:ee:ff 2>/dev/null; then
	fail "the MAC changed although the host refused it"
fi
[ "$(cat "/sys/class/net/$nic/address")" = 00:15:5d:aa:bb:cc ] || fail "MAC is not the old one"
ping -c 2 -W 2 10.0.0.1 >/dev/null || fail "no ping after the refused MAC change"
check_dmesg_clean
