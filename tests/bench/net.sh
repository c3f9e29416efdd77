# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# netvsc vs virtio-net in the same guest run, both to the same host
# namespace (netvsc over hvsim's TAP, virtio-net over QEMU's), iperf3
# with 1, 2, 4 and 8 streams each way.  Prints Gbit/s and the ratio; not a
# pass/fail test (TCG numbers say little about real hardware, the ratio a
# little more).
# netns: yes
# hvsim: --device net:tap=hvtap0,channels=8
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# host: ip tuntap add vtap0 mode tap && ip addr add 10.0.1.1/24 dev vtap0
# host: ip link set vtap0 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# qemu: -netdev tap,id=vn,ifname=vtap0,script=no,downscript=no -device virtio-net-pci,netdev=vn,mac=52:54:00:00:01:02
# smp: 2
# timeout: 900

hv_load_net
modprobe virtio_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
ethtool -L "$nic" combined 2 || true
nic_up "$nic" 10.0.0.2/24
vnic=
for d in /sys/class/net/*; do
	[ "$(cat "$d/address")" = 52:54:00:00:01:02 ] && vnic=$(basename "$d")
done
[ -n "$vnic" ] || fail "no virtio-net NIC"
nic_up "$vnic" 10.0.1.2/24
wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null && ping -c 1 -W 1 10.0.1.1 >/dev/null' ||
	fail "no ping"

gbps() {	# gbps HOST STREAMS [-R]: receiver Gbit/s, or what iperf3 said
	# shellcheck disable=SC2086 # $3 is no word or one
	iperf_client /tmp/bench.json -c "$1" -P "$2" -t 5 $3 >/tmp/bench.err ||
		{ echo 0; cat /tmp/bench.err >&2; return 0; }
	python3 -c '
import json, sys
print("%.2f" % (json.load(open("/tmp/bench.json"))["end"]["sum_received"]["bits_per_second"] / 1e9))'
}
printf '%-8s %-7s %12s %12s %7s\n' streams dir netvsc virtio-net ratio
for p in 1 2 4 8; do
	for dir in tx rx; do
		r=
		[ $dir = rx ] && r=-R
		a=$(gbps 10.0.0.1 $p "$r")
		b=$(gbps 10.0.1.1 $p "$r")
		printf '%-8s %-7s %9s Gb/s %7s Gb/s %7s\n' $p $dir "$a" "$b" \
			"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
	done
done
