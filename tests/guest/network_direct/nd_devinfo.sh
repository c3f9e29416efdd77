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
# exit, their files and adapter on the host go with them; unloading the
# driver unbinds it and closes the channel.
# tags: compat debug
# hvsim: --device net --device nd
# timeout: 240

hv_load_net
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
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

rmmod hv_network_direct || fail "rmmod hv_network_direct"
[ ! -e /sys/class/infiniband/mlx4_0 ] || fail "mlx4_0 still there"
[ "$(hval nd.state nd status)" = closed ] || fail "the host is still $(hval nd.state nd status)"
check_dmesg_clean
