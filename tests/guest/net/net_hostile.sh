# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A hostile host on the synthetic NIC: hvsim's "net inject" sends one
# malformed message of each kind (transfer-page ranges outside the receive
# buffer or wrapping, a lying range count, RNDIS lengths and offsets
# outside the message, broken PPI chains, orphan and unfinished RSC
# fragments, a runt frame, unknown and truncated NVSP messages, forged and
# repeated completions, RNDIS answers nobody asked for or with their value
# outside the message, a bogus status buffer, bad send indirection tables,
# a huge VF serial, more sub-channels than asked for).  For each the guest
# complains (rate-limited) or counts an error, and ping still works; then
# the messages really are rate-limited, nothing leaks (host slots come
# back, no skbs pile up), iperf3 works both ways and the log is clean.
# On the debug kernel the repeated injections and iperf3 transfers are an
# eighth as long (stress_count).
# Guest memory 1 GiB on the debug kernel too (its default is 512 MiB):
# TCP's buffer limits scale with memory, and there the network scenarios
# ran up to 40% longer at 512 MiB.
# tags: 6.12 asan debug
# mem: 1G
# netns: yes
# smp: 2
# hvsim: --device net:tap=hvtap0,mac=00:15:5d:12:34:57
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# timeout: 600

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
wait_for 10 'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1' || fail "no ping to the host"
queues=$(ls -d /sys/class/net/"$nic"/queues/rx-* | wc -l)
note "NIC $nic up, $queues queues"

# one message per kind must reach the log: no rate limit while we look
sysctl -qw net.core.message_cost=0

st() { cat "/sys/class/net/$nic/statistics/$1"; }
pingok() {
	ping -c 2 -i 0.2 -W 2 10.0.0.1 >/dev/null 2>&1 ||
		ping -c 3 -i 0.2 -W 2 10.0.0.1 >/dev/null 2>&1
}
inject() {
	hostctl net inject 0 "$1" >/tmp/inj 2>&1 || fail "$1: hvsim refused: $(cat /tmp/inj)"
}
# kind, then either "log:REGEX" (a line from hv_netvsc) or "stat:NAME"
# (a netdev counter that must grow)
check() {
	local kind=$1 sig=$2 before=0 got=
	dmesg -C
	case $sig in stat:*) before=$(st "${sig#stat:}") ;; esac
	inject "$kind"
	case $sig in
	log:*)
		wait_for 5 'dmesg | grep -E -q "hv_netvsc.*${sig#log:}"' ||
			fail "$kind: no complaint matching '${sig#log:}': $(dmesg | tail -n 3)"
		got=$(dmesg | grep -E "hv_netvsc.*${sig#log:}" | head -n 1 | sed 's/^\[[^]]*\] //')
		;;
	stat:*)
		wait_for 5 '[ "$(st ${sig#stat:})" -gt "$before" ]' ||
			fail "$kind: ${sig#stat:} stayed at $before"
		got="${sig#stat:} $before -> $(st "${sig#stat:}")"
		;;
	esac
	pingok || fail "$kind: ping failed afterwards"
	note "$kind: $got; ping ok"
}

# a data packet the host completed, for comp-again
ping -c 1 -W 2 10.0.0.1 >/dev/null
skb0=$(awk '$1 == "skbuff_head_cache" { print $2 }' /proc/slabinfo)

check range-past	'log:ranges malformed'
check range-wrap	'log:ranges malformed'
check range-count	'log:malformed receive packet'
check msg-len		'log:ranges malformed'
check data-off		'log:ranges malformed'
check data-len		'log:ranges malformed'
check ppi-zero		'log:ranges malformed'
check ppi-size		'log:ranges malformed'
check ppi-off		'log:ranges malformed'
check rsc-middle	'stat:rx_frame_errors'
check rsc-open		'stat:rx_frame_errors'
check runt		'log:dropping a frame of 10 bytes'
check nvsp-type		'log:ignoring NVSP message 30583'
check nvsp-short	'log:ignoring NVSP message 128 \(8 bytes\)'
check comp-unknown	'log:completion 0x1234000003ff for no packet'
check comp-again	'log:completion 0x[0-9a-f]+ for no packet'
check query-id		'log:RNDIS answer 0x80000004 id 3735928559 matches no request'
check set-id		'log:RNDIS answer 0x80000005 id 3735928560 matches no request'
check status-len	'log:status 0x40010013: buffer .* outside the message'
check table-zero	'log:send table of 0 entries'
check table-big		'log:send table of 200 entries'
check table-off		'log:send table outside the message'
check table-queue	'log:send table names queue 1000'
check vf-serial		'log:VF slot 4294967295 added'
hostctl net vf 0 remove >/dev/null || fail "net vf remove"

# armed kinds: the next answer to a request is the bad one; an MTU change
# makes the guest build a new session (RNDIS queries, sub-channels)
dmesg -C
inject query-info
ip link set "$nic" mtu 1400 || fail "query-info: MTU change failed"
wait_for 10 'dmesg | grep -q "outside the answer"' || fail "query-info: no complaint"
wait_for 10 'pingok' || fail "query-info: ping failed afterwards"
note "query-info: $(dmesg | grep -m1 'outside the answer' | sed 's/^\[[^]]*\] //'); ping ok"
if [ "$queues" -gt 1 ]; then
	dmesg -C
	inject subch-extra
	ip link set "$nic" mtu 1500 || fail "subch-extra: MTU change failed"
	wait_for 10 'dmesg | grep -q "no sub-channels"' || fail "subch-extra: no complaint"
	wait_for 10 'pingok' || fail "subch-extra: ping failed afterwards"
	note "subch-extra: $(dmesg | grep -m1 'no sub-channels' | sed 's/^\[[^]]*\] //'); $(ls -d /sys/class/net/"$nic"/queues/rx-* | wc -l) queue(s); ping ok"
	# and the next session gets its queues again
	ip link set "$nic" mtu 1400 && ip link set "$nic" mtu 1500
	wait_for 10 'pingok' || fail "ping failed after the session came back"
	q=$(ls -d /sys/class/net/"$nic"/queues/rx-* | wc -l)
	[ "$q" -eq "$queues" ] || fail "$q queues after subch-extra, $queues before"
else
	ip link set "$nic" mtu 1500
	note "subch-extra: skipped (one queue)"
fi
wait_for 10 'pingok' || fail "no ping after the armed kinds"

# the default rate limit holds a flood down
sysctl -qw net.core.message_cost=5
dmesg -C
for _ in $(seq 40); do inject range-past; done
n=$(dmesg | grep -c 'ranges malformed' || true)
note "flood: 40 bad packets, $n messages logged"
[ "$n" -le 20 ] || fail "40 bad packets gave $n messages: not rate-limited"

# nothing kept: every injected packet completed, no skbs piling up
rounds=$(stress_count 50)
for _ in $(seq "$rounds"); do
	for k in runt rsc-open rsc-middle data-len ppi-zero; do inject $k; done
done
pingok || fail "ping failed after $((rounds * 5)) more injections"
wait_for 10 '[ "$(net_stat 0 rx_inflight)" -le 2 ]' ||
	fail "the guest kept $(net_stat 0 rx_inflight) receive packets"
skb1=$(awk '$1 == "skbuff_head_cache" { print $2 }' /proc/slabinfo)
note "skbuff_head_cache: $skb0 active before, $skb1 after; host injected $(net_stat 0 injected), rx_inflight $(net_stat 0 rx_inflight)"
[ "$skb1" -le $((skb0 + 512)) ] || fail "skbs leak: $skb0 -> $skb1"

for dir in "" -R; do
	# shellcheck disable=SC2086 # $dir is no word or one
	iperf_client /tmp/iperf.json -c 10.0.0.1 -n "$(stress_count 48)M" $dir || fail "iperf3 $dir failed"
	note "iperf3 ${dir:-guest->host}: $(iperf_bps </tmp/iperf.json | awk '{ printf "%.0f Mbit/s", $1 / 1e6 }')"
done
ip -s -s link show "$nic" | sed -n '/RX errors/,+1p' | sed 's/^/  /'
check_dmesg_clean
