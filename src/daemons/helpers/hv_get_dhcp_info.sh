#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_get_dhcp_info IFACE: prints "Enabled" if IFACE gets its IPv4
# address by DHCP, "Disabled" if not (the upstream helper's interface,
# read by hv_kvp_daemon for GET_IP_INFO).  Asks whichever of
# NetworkManager, systemd-networkd and ifupdown manages the interface.
root=${HV_HELPER_ROOT:-}

case $1 in
'' | -* | *[!A-Za-z0-9_.:@+-]*) echo "usage: $0 IFACE" >&2; exit 2 ;;
esac
[ ${#1} -le 15 ] || { echo "$0: interface name too long" >&2; exit 2; }
if=$1
# the name in a regular expression: "." and "+" literal
ifre=$(printf '%s' "$if" | sed 's/[.+]/\\&/g')

say() {
	if [ "$1" = yes ]; then echo Enabled; else echo Disabled; fi
	exit 0
}

# NetworkManager: the method of the connection active on the device
if command -v nmcli >/dev/null 2>&1 &&
	[ "$(nmcli -t -f RUNNING general 2>/dev/null)" = running ]; then
	conn=$(nmcli -g GENERAL.CONNECTION device show "$if" 2>/dev/null)
	if [ -n "$conn" ]; then
		[ "$(nmcli -g ipv4.method connection show "$conn" 2>/dev/null)" = auto ] &&
			say yes
		say no
	fi
fi

# systemd-networkd: a DHCPv4 lease for the link
if [ -d "$root/run/systemd/netif/links" ] && [ -r "$root/sys/class/net/$if/ifindex" ]; then
	idx=$(cat "$root/sys/class/net/$if/ifindex")
	if [ -f "$root/run/systemd/netif/links/$idx" ] &&
		! grep -q '^ADMIN_STATE=unmanaged' "$root/run/systemd/netif/links/$idx"; then
		[ -f "$root/run/systemd/netif/leases/$idx" ] && say yes
		say no
	fi
fi

# ifupdown: an "iface IFACE inet dhcp" stanza
for f in "$root/etc/network/interfaces" "$root"/etc/network/interfaces.d/*; do
	[ -f "$f" ] || continue
	if grep -Eq "^[[:space:]]*iface[[:space:]]+${ifre}[[:space:]]+inet[[:space:]]" "$f"; then
		grep -Eq "^[[:space:]]*iface[[:space:]]+${ifre}[[:space:]]+inet[[:space:]]+dhcp" "$f" &&
			say yes
		say no
	fi
done

# anything else: a DHCP client running for it
if command -v pgrep >/dev/null 2>&1 &&
	pgrep -f "(dhclient|dhcpcd|udhcpc).*[[:space:]]${ifre}([[:space:]]|\$)" >/dev/null 2>&1; then
	say yes
fi
say no
