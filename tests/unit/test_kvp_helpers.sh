#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The KVP daemon's helper scripts (src/daemons/helpers) on a fake root:
# hv_set_ifconfig turns an upstream-format ifcfg file into each network
# manager's file, refuses hostile values without writing anything;
# hv_get_dhcp_info reads ifupdown's stanzas and refuses a bad name;
# hv_get_dns_info prints resolv.conf's servers.
top=$(cd "$(dirname "$0")/../.." && pwd)
h=$top/src/daemons/helpers
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {	# ok NAME COMMAND...: one TAP line
	if "${@:2}" >"$tmp/out" 2>&1; then
		echo "ok - helpers: $1"
	else
		echo "not ok - helpers: $1"
		sed 's/^/# /' "$tmp/out"
	fi
}

cat >"$tmp/ifcfg-eth0" <<'X'
HWADDR=00:15:5D:01:02:03
DEVICE=eth0
BOOTPROTO=none
IPADDR0=10.0.0.5
IPV6ADDR=fd00:0000:0000:0000:0000:0000:0000:0005
IPADDR1=10.0.1.5
NETMASK0=255.255.255.0
IPV6NETMASK=64
NETMASK1=255.255.0.0
GATEWAY=10.0.0.1
DNS1=8.8.8.8
X
mkdir -p "$tmp/root/etc/network"
touch "$tmp/root/etc/network/interfaces"
set_if() {	# set_if BACKEND FILE
	HV_HELPER_ROOT=$tmp/root HV_NET_BACKEND=$1 HV_NO_APPLY=1 sh "$h/hv_set_ifconfig.sh" "$2"
}

nm_file=$tmp/root/etc/NetworkManager/system-connections/hyperv-eth0.nmconnection
nd_file=$tmp/root/etc/systemd/network/05-hyperv-eth0.network
if_file=$tmp/root/etc/network/interfaces.d/hyperv-eth0
check_nm() {
	set_if nm "$tmp/ifcfg-eth0" && grep -qx 'address2=10.0.1.5/16' "$nm_file" &&
		grep -qx 'address1=fd00:0000:0000:0000:0000:0000:0000:0005/64' "$nm_file" &&
		grep -qx 'method=manual' "$nm_file" && grep -qx 'dns=8.8.8.8;' "$nm_file" &&
		[ "$(stat -c %a "$nm_file")" = 600 ]
}
check_networkd() {
	set_if networkd "$tmp/ifcfg-eth0" && grep -qx 'Address=10.0.0.5/24' "$nd_file" &&
		grep -qx 'MACAddress=00:15:5D:01:02:03' "$nd_file" && grep -qx 'DHCP=no' "$nd_file" &&
		[ "$(stat -c %a "$nd_file")" = 644 ]	# networkd reads as systemd-network
}
check_ifupdown() {
	set_if ifupdown "$tmp/ifcfg-eth0" && grep -qx 'iface eth0 inet static' "$if_file" &&
		grep -qx '	address 10.0.1.5/16' "$if_file" && grep -qx 'iface eth0 inet6 static' "$if_file"
}
check_hostile() {
	local bad
	rm -rf "$tmp/root/etc/NetworkManager"
	for bad in 'DEVICE=eth0;reboot' 'DEVICE=$(id)' 'IPADDR0=10.0.0.1 x' 'DNS1=`id`' \
		'BOOTPROTO=static' 'GATEWAY=1.2.3.4"' 'NETMASK0=255.255.3.0' \
		'NETMASK0=255.0.255.0' 'NETMASK0=255.255.255'; do
		{ grep -v "^${bad%%=*}=" "$tmp/ifcfg-eth0"; echo "$bad"; } >"$tmp/bad"
		if set_if nm "$tmp/bad" 2>/dev/null || [ -e "$nm_file" ]; then
			echo "accepted: $bad"
			return 1
		fi
	done
}
check_dhcp() {
	printf 'auto eth1\niface eth1 inet dhcp\niface eth2 inet static\n' \
		>"$tmp/root/etc/network/interfaces"
	[ "$(HV_HELPER_ROOT=$tmp/root PATH=/usr/bin:/bin sh "$h/hv_get_dhcp_info.sh" eth1)" = Enabled ] &&
		[ "$(HV_HELPER_ROOT=$tmp/root PATH=/usr/bin:/bin sh "$h/hv_get_dhcp_info.sh" eth2)" = Disabled ] &&
		! sh "$h/hv_get_dhcp_info.sh" 'eth0;id' 2>/dev/null
}
check_dns() {
	mkdir -p "$tmp/root/etc"
	printf '# x\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch x\n' >"$tmp/root/etc/resolv.conf"
	[ "$(HV_HELPER_ROOT=$tmp/root sh "$h/hv_get_dns_info.sh" | tr '\n' ' ')" = '192.0.2.53 2001:db8::53 ' ]
}
ok "hv_set_ifconfig writes a NetworkManager keyfile (0600)" check_nm
ok "hv_set_ifconfig writes a systemd-networkd .network file (0644)" check_networkd
ok "hv_set_ifconfig writes an ifupdown interfaces.d stanza" check_ifupdown
ok "hv_set_ifconfig refuses hostile values and writes nothing" check_hostile
ok "hv_get_dhcp_info reads ifupdown, refuses a bad name" check_dhcp
ok "hv_get_dns_info prints resolv.conf's servers" check_dns
