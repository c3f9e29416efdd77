# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A hostile ND host: hvsim's "nd inject" sends COMPLETEs for IRPs the
# guest never posted, one larger than any IOCTL's output, one cut short,
# and an answer to no request, all while an rping pair is connected and
# its CQ_NOTIFY IRPs are pending; the pair finishes and verifies every
# ping.  Then it spoils one answer at a time: PD_CREATE's (the buffer cut
# off, another IOCTL's code, an error in the packet header), where only
# that verb fails in that process (ibv_rc_pingpong), and ADAPTER_OPEN's
# (a UAR page outside the guest's MMIO window), where opening the device
# does; the guest says why (rate-limited), the host frees the process's
# files when it exits, and rping works after.  No host object, connection
# or pinned page is left, and the kernel log has no warning.
# tags: 6.12 asan debug
# hvsim: --device net --device nd
# timeout: 400

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
ip link set lo up || fail "lo"
modprobe ib_uverbs || fail "modprobe ib_uverbs"
modprobe rdma_ucm || fail "modprobe rdma_ucm"
hv_load hv_network_direct
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' ||
	fail "no mlx4_0: $(dmesg | grep -i network_direct | tail -3)"
# how often the kernel log says $1
said() {
	dmesg | grep -c -- "$1" || true
}
pins=$(pinned)

# ---- unsolicited messages while a connection runs ----
pings=$(stress_count 400 4)
rping -s -a 10.0.0.2 -p 7176 -C "$pings" -S 1024 -V >/tmp/server.log 2>&1 &
spid=$!
wait_for 20 '[ "$(hval nd.listeners nd status)" = 1 ]' ||
	fail "the server is not listening: $(cat /tmp/server.log)"
rping -c -a 10.0.0.2 -p 7176 -C "$pings" -S 1024 -V -v >/tmp/client.log 2>&1 &
cpid=$!
wait_for 20 '[ "$(hval nd.connections nd status)" = 1 ]' || fail "no connection"
for k in complete-unknown complete-huge complete-short answer-unknown; do
	hostctl nd inject "$k" >/dev/null || fail "nd inject $k"
done
crc=0
wait "$cpid" || crc=$?
src=0
wait "$spid" || src=$?
[ "$crc" = 0 ] && [ "$src" = 0 ] ||
	fail "rping: client rc $crc, server rc $src: $(tail -n 3 /tmp/client.log)"
[ "$(grep -c '^ping data: rdma-ping-' /tmp/client.log)" = "$pings" ] ||
	fail "$(grep -c '^ping data: rdma-ping-' /tmp/client.log) of $pings pings came back"
note "rping: $pings pings with four stray messages among them"
wait_for 10 '[ "$(said "for no pending IRP")" -ge 1 ]' ||
	fail "a COMPLETE for no IRP was taken: $(dmesg | tail -n 3)"
[ "$(said "dropped a COMPLETE of 4")" -ge 1 ] || fail "the 4 KiB COMPLETE was taken"
[ "$(said "that answers no request")" -ge 2 ] ||
	fail "$(said "that answers no request") of 2 stray packets refused"

# ---- one spoiled answer at a time ----
# each spoils the next PD_CREATE's answer: ibv_rc_pingpong's first verb
# after opening the device
check_pd() {
	local kind=$1 why=$2 n rc=0
	n=$(said "$why")
	hostctl nd inject "$kind" >/dev/null || fail "nd inject $kind"
	timeout 20 ibv_rc_pingpong -d mlx4_0 -g 0 -p 18700 >/tmp/pp.log 2>&1 || rc=$?
	grep -q "Couldn't allocate PD" /tmp/pp.log ||
		fail "$kind: the PD was allocated (rc $rc): $(tail -n 2 /tmp/pp.log)"
	[ "$(said "$why")" -gt "$n" ] ||
		fail "$kind: the guest did not say '$why': $(dmesg | tail -n 2)"
	wait_for 10 '[ "$(hval nd.files nd status)" = 0 ]' ||
		fail "$kind: $(hval nd.files nd status) host files left"
	note "$kind: PD_CREATE refused, the process's host objects freed"
}
check_pd answer-short "bytes answered"
check_pd answer-code "answer is not one"
check_pd answer-status "answer is not one"
injected=7
# A UAR outside the window fails the device's opening (alloc_ucontext).
# Not on the debug kernel: there 6.12's ioctl GET_CONTEXT drops a failed
# ucontext without rdma_restrack_put() (uverbs_std_types_device.c, which
# the write path does not forget), and kmemleak reports the process's
# task_struct, whose reference restrack took.
if [ "$HVLIS_SERIES" != debug ]; then
	n=$(said "adapter is not usable")
	hostctl nd inject adapter-uar >/dev/null || fail "nd inject adapter-uar"
	! ibv_devinfo -d mlx4_0 >/tmp/devinfo.log 2>&1 ||
		! grep -q 'PORT_ACTIVE' /tmp/devinfo.log ||
		fail "adapter-uar: ibv_devinfo opened the device"
	[ "$(said "adapter is not usable")" -gt "$n" ] ||
		fail "adapter-uar: the guest did not refuse the UAR"
	wait_for 10 '[ "$(hval nd.files nd status)" = 0 ]' ||
		fail "adapter-uar: $(hval nd.files nd status) host files left"
	injected=8
	note "adapter-uar: opening the device refused"
fi

# and the device works as before
rping -s -a 10.0.0.2 -p 7177 -C 5 -S 1024 -V >/tmp/server.log 2>&1 &
spid=$!
wait_for 20 '[ "$(hval nd.listeners nd status)" = 1 ]' || fail "no second server"
crc=0
timeout 120 rping -c -a 10.0.0.2 -p 7177 -C 5 -S 1024 -V -v >/tmp/client.log 2>&1 || crc=$?
src=0
wait "$spid" || src=$?
[ "$crc" = 0 ] && [ "$src" = 0 ] &&
	[ "$(grep -c '^ping data: rdma-ping-' /tmp/client.log)" = 5 ] ||
	fail "rping after the injections: client rc $crc, server rc $src"
ibv_devinfo -d mlx4_0 | grep -q PORT_ACTIVE || fail "ibv_devinfo after the injections"

[ "$(hval nd.injected nd status)" = "$injected" ] ||
	fail "$(hval nd.injected nd status) of $injected injected"
for k in files adapters pds mrs cqs qps listeners connectors; do
	[ "$(hval nd.$k nd status)" = 0 ] || fail "$(hval nd.$k nd status) host $k left"
done
[ "$(pinned)" = "$pins" ] || fail "$(( $(pinned) - pins )) pages still pinned"
check_dmesg_clean
