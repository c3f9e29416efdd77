# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Endure set up the way WALinuxAgent does it (azurelinuxagent/pa/rdma/
# rdma.py).  The host publishes the ND driver version in KVP pool 0
# (NdDriverVersion), which the KVP daemon keeps in
# /var/lib/hyperv/.kvp_pool_0 as 512-byte keys and 2048-byte values; the
# agent reads it there, writes the RDMA NIC's MAC and address from the
# VM's shared configuration to /dev/hvnd_rdma in its exact format, and
# only then gives the interface that address.  The driver binds on the
# written line alone (mlx4_0 appears on that NIC before it has an
# address), and once the address is up the port is active.  A line that
# does not parse is refused.
# tags: compat
# hvsim: --device net --device nd --device kvp
# timeout: 180

kvpd=$HVLIS_TOP/src/daemons/hv_kvp_daemon
[ -x "$kvpd" ] || fail "$kvpd is missing"
hv_load_net
hv_load hv_utils
nic=$(hv_nic) || fail "no synthetic NIC appeared"
mac=$(cat "/sys/class/net/$nic/address")
modprobe ib_uverbs || fail "modprobe ib_uverbs"

# the host's version, where the agent looks for it
mkdir -p /var/lib/hyperv
"$kvpd" -n >/tmp/kvpd.log 2>&1 &
kpid=$!
wait_for 20 "dmesg | grep -q 'KVP: daemon registered'" ||
	fail "the KVP daemon did not register: $(cat /tmp/kvpd.log)"
kvp_op set 0 NdDriverVersion 142
# shellcheck disable=SC2154 # $r: kvp_op's result (tests/guest/lib.sh)
case $r in *status=0x0\ *) ;; *) fail "kvp set: $r" ;; esac
# as the agent reads it: 2560-byte records, the value at byte 512
pool=/var/lib/hyperv/.kvp_pool_0
off=$(grep -boa NdDriverVersion "$pool" | head -n 1 | cut -d: -f1)
[ -n "$off" ] && [ $((off % 2560)) = 0 ] || fail "no NdDriverVersion record in $pool"
ver=$(dd if="$pool" bs=1 skip=$((off + 512)) count=2048 2>/dev/null | tr -d '\0')
[ "$ver" = 142 ] || fail "NdDriverVersion in .kvp_pool_0 is '$ver'"
kill "$kpid"

hv_load hv_network_direct
[ -c /dev/hvnd_rdma ] || fail "no /dev/hvnd_rdma"
# a line that does not parse
if printf 'rdmaMacAddress="%s"' "$mac" >/dev/hvnd_rdma 2>/dev/null; then
	fail "a line without the address was taken"
fi
# no address on the NIC yet: nothing to bind
sleep 2
[ ! -e /sys/class/infiniband/mlx4_0 ] || fail "mlx4_0 before the agent's line"
# exactly what the agent writes (upper-case MAC, no newline)
printf 'rdmaMacAddress="%s" rdmaIPv4Address="%s"' \
	"$(echo "$mac" | tr a-f A-F)" 10.0.0.2 >/dev/hvnd_rdma ||
	fail "the agent's line was refused"
wait_for 20 '[ -e /sys/class/infiniband/mlx4_0 ]' ||
	fail "no mlx4_0 after the agent's line: $(dmesg | grep -i network_direct | tail -3)"
[ "$(hval nd.ip nd status)" = 10.0.0.2 ] || fail "bound to $(hval nd.ip nd status)"
rdma link show mlx4_0/1 | grep -q "netdev $nic" || fail "rdma link: $(rdma link show mlx4_0/1)"
# the agent then brings the NIC up with that address (a /16, as it does)
nic_up "$nic" 10.0.0.2/16
wait_for 20 'ibv_devinfo -d mlx4_0 | grep -q PORT_ACTIVE' ||
	fail "port not active: $(ibv_devinfo -d mlx4_0 | grep state)"
note "$(dmesg | grep 'agent names' | tail -n 1)"
check_dmesg_clean
