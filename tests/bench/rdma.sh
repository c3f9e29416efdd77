# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Benchmark, not a test: Endure's RDMA bandwidth, perftest's ib_write_bw,
# ib_read_bw and ib_send_bw over rdma_cm (-R) between two processes of
# this guest, beside this guest's memcpy bandwidth measured in the same
# run (hv_echo_test's memcpy_kbps).  The data never passes the guest's
# CPU: hvsim's software adapter copies it between the two registered
# regions, so the ratio says how the host's copy and the completion path
# compare with what the guest could copy itself.  perftest's MB are 2^20
# bytes; the ratio is of bytes per second.  `make bench` runs it.
# hvsim: --device echo --device net --device nd
# smp: 2
# timeout: 900

hv_load_net
hv_load hv_echo_test
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
ip link set lo up
modprobe ib_uverbs
modprobe rdma_ucm
hv_load hv_network_direct
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' || fail "no mlx4_0"
dev=$(for d in /sys/bus/vmbus/devices/*; do [ -e "$d/memcpy_kbps" ] && echo "$d"; done)
[ -n "$dev" ] || fail "no echo device"
mem=$(cat "$dev/memcpy_kbps")
port=18800
printf '%-30s %12s %12s %14s\n' "perftest -R" "MB/s (2^20)" "msgs/s" "bytes / memcpy"
for run in "ib_write_bw 4096 5000" "ib_write_bw 65536 1000" "ib_write_bw 1048576 100" \
	   "ib_read_bw 65536 1000" "ib_send_bw 65536 1000"; do
	read -r t size iters <<<"$run"
	port=$((port + 1))
	"$t" -R -d mlx4_0 -p "$port" -s "$size" -n "$iters" -F >/tmp/server.log 2>&1 &
	spid=$!
	sleep 1
	timeout 300 "$t" -R -d mlx4_0 -p "$port" -s "$size" -n "$iters" -F 10.0.0.2 \
		>/tmp/client.log 2>&1 || fail "$t $size: $(tail -n 3 /tmp/client.log)"
	wait "$spid" || true
	# #bytes #iterations BW-peak BW-average MsgRate(Mpps)
	read -r _ _ _ avg mpps < <(awk -v s="$size" '$1 == s { print; exit }' /tmp/client.log)
	[ -n "${avg:-}" ] || fail "$t $size: no result line"
	printf '%-30s %12.1f %12.0f %14.4f\n' "$t ${size}B x $iters" "$avg" \
		"$(echo "$mpps * 1000000" | bc)" \
		"$(echo "scale=6; $avg * 1048576 / 1000 / $mem" | bc)"
done
printf '%-30s %12.1f\n' "memcpy (same guest)" "$(echo "scale=1; $mem * 1000 / 1048576" | bc)"
