# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# RDMA over Endure with Debian's unchanged rdma-core: rping (librdmacm's
# example) as server and client on the guest's RDMA address.  The
# connection goes through iw_cm and the host's listener and connector
# (CONNECT, GET_CONNECTION_REQUEST, ACCEPT, COMPLETE_CONNECT); each of the
# 1000 pings is a SEND of the buffer's address, an RDMA READ of it by the
# server, a SEND back, an RDMA WRITE of it and a last SEND, all moved by
# the host's model of the adapter between the two processes' registered
# memory, every completion an event on a comp channel (CQ_NOTIFY); rping
# -V verifies each buffer it reads back.  Then disconnect and exit: no
# host object, connection or pinned page is left.  Then Debian's perftest,
# also over rdma_cm (-R): ib_write_bw, ib_read_bw and ib_send_bw, 64 KiB
# messages; perftest signals only every hundredth WQE, so the host's
# completions must retire the unsignalled ones by index, and ib_send_bw
# keeps the receive queue full; each must report its bandwidth line, and
# the host must have moved at least iterations x size bytes for it.  A
# last pair of rpings, of 65000-byte buffers, is killed (SIGKILL) while
# they move data, and no host object or pinned page is left either.
# tags: compat
# hvsim: --device net --device nd
# timeout: 400

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
pins=$(pinned)

# 1000 pings; 100 on the debug kernel
pings=$(stress_count 1000 10)
rping -s -a 10.0.0.2 -p 7174 -C "$pings" -S 4096 -V >/tmp/server.log 2>&1 &
spid=$!
wait_for 20 '[ "$(hval nd.listeners nd status)" = 1 ]' ||
	fail "the server is not listening: $(cat /tmp/server.log)"
crc=0
timeout 240 rping -c -a 10.0.0.2 -p 7174 -C "$pings" -S 4096 -V -v \
	>/tmp/client.log 2>&1 || crc=$?
timeout 30 tail --pid="$spid" -f /dev/null || kill "$spid"
src=0
wait "$spid" || src=$?
note "client (rc $crc): $(head -c 48 /tmp/client.log)... $(wc -l </tmp/client.log) lines"
[ "$crc" = 0 ] || fail "rping client failed (rc $crc): $(tail -n 5 /tmp/client.log)"
[ "$src" = 0 ] || fail "rping server failed (rc $src): $(tail -n 5 /tmp/server.log)"
[ "$(grep -c '^ping data: rdma-ping-' /tmp/client.log)" = "$pings" ] ||
	fail "$(grep -c '^ping data: rdma-ping-' /tmp/client.log) of $pings pings came back"
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

# ---- perftest over rdma_cm: write, read and send bandwidth ----
# fewer iterations on the debug kernel, whose checks catch a fault the first time
iters=$(stress_count 200 4)
size=65536
port=18600
for t in ib_write_bw ib_read_bw ib_send_bw; do
	port=$((port + 1))
	b0=$(hval nd.bytes nd status)
	"$t" -R -d mlx4_0 -p "$port" -s "$size" -n "$iters" -F >/tmp/server.log 2>&1 &
	spid=$!
	wait_for 20 '[ "$(hval nd.listeners nd status)" = 1 ]' ||
		fail "$t: the server is not listening: $(cat /tmp/server.log)"
	crc=0
	timeout 240 "$t" -R -d mlx4_0 -p "$port" -s "$size" -n "$iters" -F \
		10.0.0.2 >/tmp/client.log 2>&1 || crc=$?
	timeout 30 tail --pid="$spid" -f /dev/null || kill "$spid"
	src=0
	wait "$spid" || src=$?
	[ "$crc" = 0 ] && [ "$src" = 0 ] ||
		fail "$t: client rc $crc, server rc $src: $(tail -n 4 /tmp/client.log) / $(tail -n 4 /tmp/server.log)"
	line=$(awk -v s="$size" '$1 == s && $2 == '"$iters"' { print; exit }' /tmp/client.log)
	[ -n "$line" ] || fail "$t: no result line: $(tail -n 6 /tmp/client.log)"
	moved=$(( $(hval nd.bytes nd status) - b0 ))
	note "$t: $(echo "$line" | tr -s ' ') (host moved $moved bytes)"
		[ "$moved" -ge $((iters * size)) ] || fail "$t: the host moved $moved bytes"
done
for k in wqe_errors wqes_bad cq_overflows bad; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "nd.$k = $(hval nd.$k nd status)"
done

# killed mid-transfer: both processes' host objects and pinned pages go
rping -s -a 10.0.0.2 -p 7175 -C 1000000 -S 65000 >/dev/null 2>&1 &
spid=$!
wait_for 20 '[ "$(hval nd.listeners nd status)" = 1 ]' ||
	fail "no second server: $(hval nd.listeners nd status) listeners, $(hval nd.files nd status) files"
rping -c -a 10.0.0.2 -p 7175 -C 1000000 -S 65000 >/dev/null 2>&1 &
cpid=$!
w0=$(hval nd.wqes nd status)
wait_for 60 "[ \"\$(hval nd.wqes nd status)\" -gt $((w0 + 60)) ]" ||
	fail "the second pair moved nothing"
kill -9 "$cpid" "$spid"
wait "$cpid" "$spid" 2>/dev/null || true
wait_for 30 '[ "$(hval nd.files nd status)" = 0 ]' ||
	fail "$(hval nd.files nd status) host files left after kill -9"
note "killed after $(( $(hval nd.wqes nd status) - w0 )) WQEs"
for k in adapters pds mrs cqs qps listeners connectors; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "$(hval nd.$k nd status) host $k left after kill -9"
done
[ "$(pinned)" = "$pins" ] || fail "$(( $(pinned) - pins )) pages still pinned after kill -9"
[ "$(hval nd.wqes_bad nd status)" = 0 ] || fail "the host saw bad WQEs"
check_dmesg_clean
