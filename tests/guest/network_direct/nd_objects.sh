# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The verbs objects of Endure, made and freed by an unchanged rdma-core
# tool.  Debian's ibv_rc_pingpong runs as server and as client on the
# guest's RDMA NIC: each allocates a PD, registers a buffer (its pages
# pinned and their frames handed to the host in a GPA-direct packet),
# creates a CQ and an RC QP (libmlx4's queue buffers and doorbell records
# pinned and named to the host as GPA ranges), moves the QP to INIT and
# posts receives, and the two swap their QP numbers over TCP.  iWARP QPs
# reach RTS only through the connection manager, so both stop there
# ("Failed to modify QP to RTS", as on any iWARP NIC); what they made is
# checked on the host while they wait, and is gone, host side too, when
# they exit.
# tags: compat debug
# hvsim: --device net --device nd
# timeout: 240

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
# both ends are this guest: its own address goes over lo
ip link set lo up || fail "lo"
modprobe ib_uverbs || fail "modprobe ib_uverbs"
hv_load hv_network_direct
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' ||
	fail "no mlx4_0: $(dmesg | grep -i network_direct | tail -3)"
before=$(hval nd.objects_created nd status)
# pages pinned and not yet unpinned, kernel-wide
pinned() {
	awk '$1 == "nr_foll_pin_acquired" { a = $2 } $1 == "nr_foll_pin_released" { r = $2 } END { print a - r }' /proc/vmstat
}
pins=$(pinned)

# the server makes its objects, then waits for the client on TCP
ibv_rc_pingpong -d mlx4_0 -g 0 -n 1 >/tmp/server.log 2>&1 &
spid=$!
wait_for 30 'ss -ltn | grep -q ":18515 "' ||
	fail "the server is not listening: $(cat /tmp/server.log)"
for k in adapters pds mrs cqs qps; do
	[ "$(hval nd.$k nd status)" = 1 ] ||
		fail "the host has $(hval nd.$k nd status) $k while the server waits"
done
[ "$(pinned)" -gt "$pins" ] || fail "the server's queues and buffer are not pinned"
crc=0
ibv_rc_pingpong -d mlx4_0 -g 0 -n 1 10.0.0.2 >/tmp/client.log 2>&1 || crc=$?
src=0
timeout 30 tail --pid="$spid" -f /dev/null || kill "$spid"
wait "$spid" || src=$?
note "server (rc $src): $(tr '\n' ' ' </tmp/server.log)"
note "client (rc $crc): $(tr '\n' ' ' </tmp/client.log)"
# each got as far as an iWARP QP goes without the connection manager
grep -q 'local address: .*QPN' /tmp/server.log || fail "the server made no QP"
grep -q 'local address: .*QPN' /tmp/client.log || fail "the client made no QP"
grep -q 'Failed to modify QP to RTS' /tmp/server.log /tmp/client.log ||
	fail "neither stopped at RTS"
! grep -q 'Couldn.t \(allocate PD\|register MR\|create CQ\|create QP\)\|Failed to modify QP to INIT\|Failed to modify QP to RTR' \
	/tmp/server.log /tmp/client.log || fail "an object was refused"

# both exited: everything they made is gone on the host
made=$(( $(hval nd.objects_created nd status) - before ))
[ "$made" -ge 10 ] || fail "only $made host objects were made"
for k in files adapters pds mrs cqs qps; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "$(hval nd.$k nd status) host $k left"
done
[ "$(hval nd.ioctls_failed nd status)" = 0 ] || fail "IOCTLs failed on the host"
[ "$(hval nd.bad nd status)" = 0 ] || fail "the host refused messages"
# and no page stays pinned
[ "$(pinned)" = "$pins" ] || fail "$(( $(pinned) - pins )) pages still pinned"
check_dmesg_clean
