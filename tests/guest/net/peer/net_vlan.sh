# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The second guest of net_vlan.sh: VLAN 5 and untagged addresses on the
# internal switch, an iperf3 server, until the first guest is done.
# hvsim: --device net:switch=@RUN@/sw,mac=00:15:5d:00:05:02

hv_load_net
modprobe 8021q || fail "no 8021q module"
nic=$(hv_nic) || fail "no synthetic NIC appeared"
# the server listens before the addresses exist: the first guest takes an
# answered ping as "the peer is ready" and starts iperf3 at once
iperf_server 5201
nic_up "$nic" 10.0.9.2/24
ip link add link "$nic" name "$nic.5" type vlan id 5
nic_up "$nic.5" 10.0.5.2/24
note "peer up on $nic and $nic.5"
sleep 600
