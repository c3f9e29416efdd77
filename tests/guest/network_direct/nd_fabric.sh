# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# RDMA between two guests, each on its own hvsim: the hvsims share the
# internal switch (ARP) and the ND fabric (--device nd:fabric=DIR), and
# each moves memory into its own guest only, checking the other host's
# keys and ranges against its own registrations.  Against the peer guest
# (peer/nd_fabric.sh): rping with 1000 verified pings (100 on the debug
# kernel), perftest ib_write_bw, ib_read_bw and ib_send_bw over rdma_cm
# with the bytes counted by this host, the peer's rping to a server here,
# and a client killed with SIGKILL mid-transfer, after which no host
# object or pinned page is left here and the peer serves the next rping.
# tags: compat debug
# hvsim: --device net:switch=@RUN@/sw,mac=00:15:5d:00:01:01 --device nd:mac=00:15:5d:00:01:01,fabric=@RUN@/ndf
# peer: tests/guest/network_direct/peer/nd_fabric.sh
# smp: 1
# timeout: 900

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.9.1/24
modprobe ib_uverbs || fail "modprobe ib_uverbs"
modprobe rdma_ucm || fail "modprobe rdma_ucm"
hv_load hv_network_direct
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' ||
	fail "no mlx4_0: $(dmesg | grep -i network_direct | tail -3)"
[ "$(hval nd.fabric nd status)" != none ] || fail "no fabric"
wait_for 180 'ping -c 1 -W 1 10.0.9.2 >/dev/null 2>&1' || fail "the peer guest never answered"
pins=$(pinned)
# a client, again until the peer's server listens
retry() {
	for _ in $(seq 60); do
		"$@" && return 0
		sleep 1
	done
	return 1
}

pings=$(stress_count 1000 10)
retry rping -c -a 10.0.9.2 -p 7180 -C "$pings" -S 4096 -V -v >/tmp/client.log 2>&1 ||
	fail "rping to the peer: $(tail -n 3 /tmp/client.log)"
[ "$(grep -c '^ping data: rdma-ping-' /tmp/client.log)" = "$pings" ] ||
	fail "$(grep -c '^ping data: rdma-ping-' /tmp/client.log) of $pings pings came back"
note "rping to the peer: $pings pings; $(hostctl nd status | grep -E '^nd\.fabric_' | tr '\n' ' ')"

iters=$(stress_count 200 4)
port=18900
for t in ib_write_bw ib_read_bw ib_send_bw; do
	port=$((port + 1))
	b0=$(hval nd.bytes nd status)
	retry "$t" -R -d mlx4_0 -p "$port" -s 65536 -n "$iters" -F 10.0.9.2 \
		>/tmp/client.log 2>&1 || fail "$t: $(tail -n 3 /tmp/client.log)"
	line=$(awk -v n="$iters" '$1 == 65536 && $2 == n { print; exit }' /tmp/client.log)
	[ -n "$line" ] || fail "$t: no result line: $(tail -n 4 /tmp/client.log)"
	moved=$(( $(hval nd.bytes nd status) - b0 ))
	note "$t: $(echo "$line" | tr -s ' ') (this host moved $moved bytes)"
	# WRITE and SEND: this host sent them; READ: it received them
	[ "$moved" -ge $((iters * 65536)) ] || fail "$t: this host moved $moved bytes"
done

# the peer's client to a server here
rc=0
timeout 120 rping -s -a 10.0.9.1 -p 7181 -C 100 -S 1024 -V >/tmp/server.log 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "the peer's rping to this guest: rc $rc: $(tail -n 3 /tmp/server.log)"
note "the peer's rping to this guest: 100 pings served"

# killed mid-transfer
retry rping -c -a 10.0.9.2 -p 7183 -C 1000000 -S 65000 >/dev/null 2>&1 &
cpid=$!
w0=$(hval nd.wqes nd status)
wait_for 120 "[ \"\$(hval nd.wqes nd status)\" -gt $((w0 + 60)) ]" ||
	fail "the killed pair moved nothing"
# the retrying shell first, so that it cannot connect again
kill -9 "$cpid" 2>/dev/null || true
pkill -9 -x rping || true
wait "$cpid" 2>/dev/null || true
wait_for 30 '[ "$(hval nd.files nd status)" = 0 ]' ||
	fail "$(hval nd.files nd status) host files left after kill -9"
note "killed after $(( $(hval nd.wqes nd status) - w0 )) WQEs"
for k in adapters pds mrs cqs qps listeners connectors; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "$(hval nd.$k nd status) host $k left"
done
[ "$(pinned)" = "$pins" ] || fail "$(( $(pinned) - pins )) pages still pinned"

# and the peer serves the next one
retry rping -c -a 10.0.9.2 -p 7184 -C 10 -S 1024 -V -v >/tmp/client.log 2>&1 ||
	fail "rping after the kill: $(tail -n 3 /tmp/client.log)"
for k in wqes_bad wqe_errors fabric_bad; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "nd.$k = $(hval nd.$k nd status)"
done
check_dmesg_clean
