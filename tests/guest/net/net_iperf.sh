# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Bulk TCP over the synthetic NIC to the host's namespace: iperf3 moves
# 1 GiB each way, and a 1 GiB random stream sent each way arrives with the
# same SHA-256 (guest -> host through the send path, host -> guest through
# the receive buffer).  On the debug kernel 32 MiB each (stress_count):
# 22,000 frames each way through both paths.
# Guest memory 1 GiB on the debug kernel too (its default is 512 MiB):
# TCP's buffer limits scale with memory, and there the network scenarios
# ran up to 40% longer at 512 MiB.
# tags: 6.12 slow debug
# mem: 1G
# netns: yes
# hvsim: --device net:tap=hvtap0
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# host: iperf3 -s -D -p 5201 --logfile /dev/null
# timeout: 900

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
ping -c 2 -W 2 10.0.0.1 >/dev/null || fail "no ping to the host"
mib=$(stress_count 1024 32)

for dir in "" -R; do
	# the receiver's largest TCP receive buffer (see below)
	if [ -z "$dir" ]; then rmem=$(host cat /proc/sys/net/ipv4/tcp_rmem); else
		rmem=$(cat /proc/sys/net/ipv4/tcp_rmem); fi
	# shellcheck disable=SC2086 # $dir is no word or one
	iperf_client /tmp/iperf.json -c 10.0.0.1 -n "${mib}M" $dir || fail "iperf3 $dir failed"
	# The receiver's report stops when the sender says it is done, so what
	# still sits in the receiving socket is not counted: at most its
	# receive buffer, tcp_rmem's maximum (one run here came 1.07 MiB
	# short).  The SHA-256 transfers below check that nothing is lost.
	read -r sent got mbit < <(jq -r '.end | "\(.sum_sent.bytes) \(.sum_received.bytes) \(.sum_received.bits_per_second / 1e6 | floor)"' /tmp/iperf.json) ||
		fail "iperf3 $dir: no sums in its report"
	note "iperf3 ${dir:-guest->host}: $sent bytes sent, $got received, $mbit Mbit/s"
	[ "$sent" -ge $((mib << 20)) ] && [ "$got" -ge $(((mib << 20) - ${rmem##*[[:space:]]})) ] ||
		fail "iperf3 $dir moved less than $mib MiB"
done

# guest -> host: a random stream of $mib MiB, hashed on both ends
host "(socat -u TCP-LISTEN:5001,reuseaddr - | sha256sum >@RUN@/g2h.sum) >/dev/null 2>&1 &"
wait_for 10 'host_tcp_listening 5001' || fail "the host's receiver does not listen"
head -c "${mib}M" /dev/urandom | tee >(sha256sum >/tmp/g2h.sum) |
	socat -u - TCP:10.0.0.1:5001 || fail "sending to the host failed"
sleep 1
want=$(cut -d' ' -f1 /tmp/g2h.sum)
wait_for 30 'host test -s @RUN@/g2h.sum' ||
	fail "the host's checksum did not appear"
got=$(host cat @RUN@/g2h.sum | cut -d' ' -f1)
note "guest -> host sha256 sent $want received $got"
[ "$want" = "$got" ] || fail "guest -> host stream arrived different"

# host -> guest: the same the other way
host "head -c ${mib}M /dev/urandom >@RUN@/h2g.bin && sha256sum <@RUN@/h2g.bin >@RUN@/h2g.sum"
host "(socat -u OPEN:@RUN@/h2g.bin TCP-LISTEN:5002,reuseaddr) >/dev/null 2>&1 &"
wait_for 10 'host_tcp_listening 5002' || fail "the host's sender does not listen"
got=$(socat -u TCP:10.0.0.1:5002 - | sha256sum | cut -d' ' -f1)
want=$(host cat @RUN@/h2g.sum | cut -d' ' -f1)
host rm -f @RUN@/h2g.bin
note "host -> guest sha256 sent $want received $got"
[ "$want" = "$got" ] || fail "host -> guest stream arrived different"
check_dmesg_clean
