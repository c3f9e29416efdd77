# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Endure's device as rdma-core sees it.  hvsim offers a synthetic NIC and
# the NetworkDirect device, and names that NIC (00:15:5d:00:00:01) as the
# RDMA one.  Once the NIC has an address, hv_network_direct binds it (the
# host accepts only that MAC) and registers mlx4_0: Debian's ibv_devices
# and ibv_devinfo, unchanged, pick the mlx4 provider for it, open a user
# context (two host files and an adapter whose UAR page libmlx4 maps) and
# show a ConnectX-3 (vendor 0x15b3, part 4099) on an iWARP port that is
# active on the NIC; rdma(8) shows the link on that netdev.  When the tools
# exit, their files and adapter on the host go with them.  Then Debian's
# ibv_rc_pingpong runs as server and as client: each allocates a PD,
# registers a buffer (its pages pinned and their frames handed to the
# host in a GPA-direct packet), creates a CQ and an RC QP (libmlx4's queue
# buffers and doorbell records pinned and named to the host as GPA
# ranges), moves the QP to INIT and posts receives, and the two swap QP
# numbers over TCP.  iWARP QPs reach RTS only through the connection
# manager, so both stop there ("Failed to modify QP to RTS", as on any
# iWARP NIC); what they made is checked on the host while they wait, and
# is gone, host side too, with no page left pinned, when they exit.
# Verbs the device does not have fail cleanly: ibv_srq_pingpong cannot
# create its SRQ and ibv_ud_pingpong its UD QP (EOPNOTSUPP), and nothing
# they made is left.  Unloading the driver unbinds it and closes the
# channel.
# tags: compat debug
# hvsim: --device net --device nd
# timeout: 240

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
# server and client below are this guest: its own address goes over lo
ip link set lo up || fail "lo"
modprobe ib_uverbs || fail "modprobe ib_uverbs"
hv_load hv_network_direct
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' ||
	fail "no mlx4_0: $(dmesg | grep -i network_direct | tail -3)"
[ "$(hval nd.state nd status)" = bound ] || fail "the host is $(hval nd.state nd status)"
[ "$(hval nd.ip nd status)" = 10.0.0.2 ] || fail "bound to $(hval nd.ip nd status)"

ibv_devices | grep -q '^ *mlx4_0 ' || fail "ibv_devices: $(ibv_devices)"
info=$(ibv_devinfo -d mlx4_0 -v) || fail "ibv_devinfo failed: $info"
note "$(printf '%s\n' "$info" | grep -E 'transport|fw_ver|vendor_id|vendor_part_id|state|link_layer|max_qp_wr|max_cqe' | tr -s '\t ' ' ')"
field() {
	printf '%s\n' "$info" | awk -v k="$1:" '$1 == k { print $2; exit }'
}
[ "$(field transport)" = iWARP ] || fail "transport $(field transport)"
[ "$(field vendor_id)" = 0x15b3 ] || fail "vendor_id $(field vendor_id)"
[ "$(field vendor_part_id)" = 4099 ] || fail "vendor_part_id $(field vendor_part_id)"
[ "$(field fw_ver)" = 2.42.5000 ] || fail "fw_ver $(field fw_ver)"
[ "$(field state)" = PORT_ACTIVE ] || fail "port state $(field state)"
[ "$(field link_layer)" = Ethernet ] || fail "link_layer $(field link_layer)"
[ "$(field max_qp_wr)" = 16384 ] || fail "max_qp_wr $(field max_qp_wr)"
link=$(rdma link show mlx4_0/1) || fail "rdma link show"
note "$link"
case $link in
*"state ACTIVE"*"netdev $nic"*) ;;
*) fail "rdma link: $link" ;;
esac

# the tools are gone: so are their host files and adapters
[ "$(hval nd.files nd status)" = 0 ] || fail "$(hval nd.files nd status) host files left"
[ "$(hval nd.adapters nd status)" = 0 ] || fail "$(hval nd.adapters nd status) adapters left"
[ "$(hval nd.objects_created nd status)" -ge 2 ] || fail "no adapter was ever opened"
[ "$(hval nd.ioctls_failed nd status)" = 0 ] || fail "IOCTLs failed on the host"
[ "$(hval nd.bad nd status)" = 0 ] || fail "the host refused messages"

# ---- the verbs objects, made and freed by ibv_rc_pingpong ----
before=$(hval nd.objects_created nd status)
# pages pinned and not yet unpinned, kernel-wide
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

# what the device does not do: an SRQ, a UD QP
rc=0
timeout 20 ibv_srq_pingpong -d mlx4_0 -g 0 -p 18520 >/tmp/srq.log 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "Couldn't create SRQ" /tmp/srq.log ||
	fail "ibv_srq_pingpong (rc $rc): $(tr '\n' ' ' </tmp/srq.log)"
rc=0
timeout 20 ibv_ud_pingpong -d mlx4_0 -g 0 -p 18521 >/tmp/ud.log 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "Couldn't create QP" /tmp/ud.log ||
	fail "ibv_ud_pingpong (rc $rc): $(tr '\n' ' ' </tmp/ud.log)"
note "unsupported: $(head -n 1 /tmp/srq.log); $(head -n 1 /tmp/ud.log)"

# all exited: everything they made is gone on the host
made=$(( $(hval nd.objects_created nd status) - before ))
[ "$made" -ge 10 ] || fail "only $made host objects were made"
for k in files adapters pds mrs cqs qps; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "$(hval nd.$k nd status) host $k left"
done
[ "$(hval nd.ioctls_failed nd status)" = 0 ] || fail "IOCTLs failed on the host"
[ "$(hval nd.bad nd status)" = 0 ] || fail "the host refused messages"
# and no page stays pinned
[ "$(pinned)" = "$pins" ] || fail "$(( $(pinned) - pins )) pages still pinned"
rmmod hv_network_direct || fail "rmmod hv_network_direct"
[ ! -e /sys/class/infiniband/mlx4_0 ] || fail "mlx4_0 still there"
[ "$(hval nd.state nd status)" = closed ] || fail "the host is still $(hval nd.state nd status)"
check_dmesg_clean
