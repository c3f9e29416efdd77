# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# RDMA over Endure with Debian's unchanged rdma-core: rping (librdmacm's
# example) as server and client on the guest's RDMA address.  The
# connection goes through iw_cm and the host's listener and connector
# (CONNECT, GET_CONNECTION_REQUEST, ACCEPT, COMPLETE_CONNECT); each of the
# 20 pings is a SEND of the buffer's address, an RDMA READ of it by the
# server, a SEND back, an RDMA WRITE of it and a last SEND, all moved by
# the host's model of the adapter between the two processes' registered
# memory, every completion an event on a comp channel (CQ_NOTIFY); rping
# -V verifies each buffer it reads back.  Then disconnect and exit: no
# host object, connection or pinned page is left.
# tags: compat debug
# hvsim: --device net --device nd
# timeout: 300

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
# both ends are this guest: its own address goes over lo
ip link set lo up || fail "lo"
modprobe ib_uverbs || fail "modprobe ib_uverbs"
modprobe rdma_ucm || fail "modprobe rdma_ucm"
hv_load hv_network_direct
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' ||
	fail "no mlx4_0: $(dmesg | grep -i network_direct | tail -3)"
pinned() {
	awk '$1 == "nr_foll_pin_acquired" { a = $2 } $1 == "nr_foll_pin_released" { r = $2 } END { print a - r }' /proc/vmstat
}
pins=$(pinned)

rping -s -a 10.0.0.2 -p 7174 -C 20 -S 4096 -V >/tmp/server.log 2>&1 &
spid=$!
wait_for 20 '[ "$(hval nd.listeners nd status)" = 1 ]' ||
	fail "the server is not listening: $(cat /tmp/server.log)"
crc=0
timeout 240 rping -c -a 10.0.0.2 -p 7174 -C 20 -S 4096 -V -v \
	>/tmp/client.log 2>&1 || crc=$?
timeout 30 tail --pid="$spid" -f /dev/null || kill "$spid"
src=0
wait "$spid" || src=$?
note "client (rc $crc): $(head -c 48 /tmp/client.log)... $(wc -l </tmp/client.log) lines"
[ "$crc" = 0 ] || fail "rping client failed (rc $crc): $(tail -n 5 /tmp/client.log)"
[ "$src" = 0 ] || fail "rping server failed (rc $src): $(tail -n 5 /tmp/server.log)"
[ "$(grep -c '^ping data: rdma-ping-' /tmp/client.log)" = 20 ] ||
	fail "$(grep -c '^ping data: rdma-ping-' /tmp/client.log) of 20 pings came back"
st=$(hostctl nd status) || fail "nd status"
note "$(echo "$st" | grep -E '^nd\.(connections|disconnects|wqes|bytes|cqes|cq_events|completes)=' | tr '\n' ' ')"
[ "$(hval nd.connections nd status)" = 1 ] || fail "$(hval nd.connections nd status) connections"
[ "$(hval nd.wqes nd status)" -ge 100 ] || fail "only $(hval nd.wqes nd status) WQEs moved"
[ "$(hval nd.cq_events nd status)" -gt 0 ] || fail "no completion event"
for k in wqe_errors wqes_bad cq_overflows ioctls_failed bad; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "nd.$k = $(hval nd.$k nd status)"
done
for k in files adapters pds mrs cqs qps listeners connectors; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "$(hval nd.$k nd status) host $k left"
done
[ "$(pinned)" = "$pins" ] || fail "$(( $(pinned) - pins )) pages still pinned"
check_dmesg_clean
