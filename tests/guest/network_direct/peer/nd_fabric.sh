# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The second guest of nd_fabric.sh, on its own hvsim: the two hvsims
# share the internal switch (ARP, which rdma_cm resolves addresses by) and
# the ND fabric.  It serves, one after another, what the first guest runs
# against it, and connects to the first guest's server once.
# hvsim: --device net:switch=@RUN@/sw,mac=00:15:5d:00:01:02 --device nd:mac=00:15:5d:00:01:02,fabric=@RUN@/ndf

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.9.2/24
modprobe ib_uverbs || fail "modprobe ib_uverbs"
modprobe rdma_ucm || fail "modprobe rdma_ucm"
hv_load hv_network_direct
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' || fail "no mlx4_0"
pings=$(stress_count 1000 10)
iters=$(stress_count 200 4)
rc=0
rping -s -a 10.0.9.2 -p 7180 -C "$pings" -S 4096 -V >/tmp/s1.log 2>&1 || rc=$?
note "rping server: rc $rc"
port=18900
for t in ib_write_bw ib_read_bw ib_send_bw; do
	port=$((port + 1))
	rc=0
	"$t" -R -d mlx4_0 -p "$port" -s 65536 -n "$iters" -F >/tmp/s2.log 2>&1 || rc=$?
	note "$t server: rc $rc"
done
# the first guest's server, once it listens
rc=1
for _ in $(seq 60); do
	rc=0
	rping -c -a 10.0.9.1 -p 7181 -C 100 -S 1024 -V -v >/tmp/c1.log 2>&1 && break
	rc=1
	sleep 1
done
note "rping to the first guest: rc $rc, $(grep -c '^ping data' /tmp/c1.log) pings"
# the pair the first guest kills; then one more
rping -s -a 10.0.9.2 -p 7183 -C 1000000 -S 65000 >/dev/null 2>&1 || true
rc=0
rping -s -a 10.0.9.2 -p 7184 -C 10 -S 1024 -V >/tmp/s3.log 2>&1 || rc=$?
note "last rping server: rc $rc"
note "$(hostctl nd status | grep -E '^nd\.(files|qps|connectors|connections|fabric)' | tr '\n' ' ')"
sleep 600
