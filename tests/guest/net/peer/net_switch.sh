# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The second guest of net_switch.sh: answers pings and serves iperf3 on
# the internal switch until the first guest is done (boot.sh stops it).
# hvsim: --device net:switch=@RUN@/sw,mac=00:15:5d:00:01:02

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
# the server listens before the address exists: the first guest takes an
# answered ping as "the peer is ready" and starts iperf3 at once
iperf_server 5201
nic_up "$nic" 10.0.9.2/24
note "peer up on $nic"
sleep 600
