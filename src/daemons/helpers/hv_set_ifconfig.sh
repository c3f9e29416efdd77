#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_set_ifconfig IFCFG [NMCONNECTION]: apply the IP configuration the
# Hyper-V host injected (KVP SET_IP_INFO).  hv_kvp_daemon writes IFCFG,
# /var/lib/hyperv/ifcfg-IFACE, in the upstream daemon's ifcfg format:
#   HWADDR= DEVICE= BOOTPROTO=dhcp|none IPADDR0.. NETMASK0.. GATEWAY
#   GATEWAY1.. IPV6ADDR IPV6ADDR_1.. IPV6NETMASK.. IPV6_DEFAULTGW.. DNS1..
# (tools/hv/hv_kvp_daemon.c, kvp_set_ip_info()).  The keyfile it also
# passes is not used: everything is taken from IFCFG, so this works with
# any daemon that writes that format.
#
# The configuration goes to whichever network manager is active, as a
# file of its own that persists across reboots:
#   NetworkManager   /etc/NetworkManager/system-connections/hyperv-IFACE.nmconnection
#   systemd-networkd /etc/systemd/network/05-hyperv-IFACE.network
#   ifupdown         /etc/network/interfaces.d/hyperv-IFACE
# and is applied at once.  Every value is checked before it is used;
# the file is read, never sourced.  Exit status 0 on success.
#
# For tests: HV_HELPER_ROOT prefixes every path written or read,
# HV_NET_BACKEND=nm|networkd|ifupdown picks the backend, and
# HV_NO_APPLY=1 writes the file without applying it.
set -u
root=${HV_HELPER_ROOT:-}
prog=hv_set_ifconfig

die() {
	echo "$prog: $*" >&2
	exit 1
}

if [ $# -lt 1 ] || [ ! -r "$1" ]; then
	die "usage: $prog IFCFG [NMCONNECTION]"
fi

# The checked contents: KEY=VALUE lines whose value fits the key.
cfg=
while IFS= read -r line || [ -n "$line" ]; do
	key=${line%%=*}
	val=${line#*=}
	[ "$key" != "$line" ] || continue
	case $key in
	DEVICE)
		case $val in '' | -* | *[!A-Za-z0-9_.:@+-]*) die "bad DEVICE" ;; esac
		[ ${#val} -le 15 ] || die "bad DEVICE" ;;
	HWADDR)
		case $val in *[!0-9A-Fa-f:]* | '') die "bad HWADDR" ;; esac ;;
	BOOTPROTO)
		case $val in dhcp | none) ;; *) die "bad BOOTPROTO" ;; esac ;;
	IPADDR[0-9]* | NETMASK[0-9]* | GATEWAY | GATEWAY[0-9]* | DNS[0-9]* | \
	IPV6ADDR | IPV6ADDR_[0-9]* | IPV6NETMASK | IPV6NETMASK_[0-9]* | \
	IPV6_DEFAULTGW | IPV6_DEFAULTGW_[0-9]*)
		case $val in '' | *[!0-9A-Fa-f.:]*) die "bad $key" ;; esac
		[ ${#val} -le 45 ] || die "bad $key" ;;
	*)
		continue ;;	# other keys (a distribution's): not ours
	esac
	cfg="$cfg$key=$val
"
done <"$1"

# The lookups below are shell built-ins only: a process costs a quarter
# of a second on a slow guest (a debug kernel under emulation), and the
# host gives the whole request 30 s, most of which the network stack's own
# tools take.
nl='
'

get() {	# get KEY: its value in $v, or nothing
	v=
	set -f
	old_ifs=$IFS
	IFS=$nl
	for l in $cfg; do
		case $l in "$1="*) v=${l#*=}; break ;; esac
	done
	IFS=$old_ifs
	set +f
}

plen4() {	# plen4 MASK: the prefix length of a contiguous dotted mask, in $n
	n=0
	k=0	# octets seen
	old_ifs=$IFS
	IFS=.
	set -f
	for o in $1; do
		# after an octet below 255 only zeros may follow
		[ $n = $((k * 8)) ] || [ "$o" = 0 ] || die "bad netmask $1"
		case $o in
		255) n=$((n + 8)) ;; 254) n=$((n + 7)) ;; 252) n=$((n + 6)) ;;
		248) n=$((n + 5)) ;; 240) n=$((n + 4)) ;; 224) n=$((n + 3)) ;;
		192) n=$((n + 2)) ;; 128) n=$((n + 1)) ;; 0) ;;
		*) die "bad netmask $1" ;;
		esac
		k=$((k + 1))
	done
	[ $k = 4 ] || die "bad netmask $1"
	set +f
	IFS=$old_ifs
}

get DEVICE; dev=$v
get HWADDR; hw=$v
[ -n "$dev" ] || die "no DEVICE in $1"
dhcp=no
get BOOTPROTO; [ "$v" = dhcp ] && dhcp=yes

# addresses as ADDR/PLEN, one a line; gateways and DNS servers
v4=
i=0
while get "IPADDR$i" && [ -n "$v" ]; do
	a=$v
	get "NETMASK$i"
	plen4 "${v:-255.255.255.255}"
	v4="$v4$a/$n
"
	i=$((i + 1))
done
v6=
i=0
while :; do
	if [ $i = 0 ]; then get IPV6ADDR; else get "IPV6ADDR_$i"; fi
	[ -n "$v" ] || break
	a=$v
	if [ $i = 0 ]; then get IPV6NETMASK; else get "IPV6NETMASK_$i"; fi
	case ${v:-64} in *[!0-9]*) die "bad IPv6 prefix $v" ;; esac
	v6="$v6$a/${v:-64}
"
	i=$((i + 1))
done
get GATEWAY; gw4=$v
get IPV6_DEFAULTGW; gw6=$v
dns4=
dns6=
i=1
while get "DNS$i" && [ -n "$v" ]; do
	case $v in *:*) dns6="$dns6 $v" ;; *) dns4="$dns4 $v" ;; esac
	i=$((i + 1))
done

# Which manager runs: each asked over D-Bus, NetworkManager only where its
# run-time directory exists (it makes /run/NetworkManager when it starts;
# networkd's /run/systemd/netif is made at every boot by tmpfiles, so it
# only rules out a machine without systemd).  The question costs seconds on
# a slow machine (3 s for nmcli, 2 s for systemctl under a debug kernel),
# and the host waits 30 s for the answer.  Not pidof: the daemon's unit
# hides other processes (ProtectProc=).
backend=${HV_NET_BACKEND:-}
if [ -z "$backend" ]; then
	if [ -d /run/NetworkManager ] && command -v nmcli >/dev/null 2>&1 &&
		[ "$(nmcli -t -f RUNNING general 2>/dev/null)" = running ]; then
		backend='nm'
	elif [ -d /run/systemd/netif ] && command -v systemctl >/dev/null 2>&1 &&
		systemctl is-active --quiet systemd-networkd 2>/dev/null; then
		backend=networkd
	elif command -v ifup >/dev/null 2>&1 && [ -f "$root/etc/network/interfaces" ]; then
		backend=ifupdown
	else
		die "no NetworkManager, systemd-networkd or ifupdown to configure $dev with"
	fi
fi

# write FILE UMASK: standard input into FILE, atomically.  NetworkManager
# ignores a keyfile that others can read (umask 077); systemd-networkd
# reads its files as the user systemd-network, so those must be readable
# by all (umask 022), as must ifupdown's.
write() {
	mkdir -p "${1%/*}" || die "cannot create ${1%/*}"
	# a .tmp left by a helper killed mid-write would keep its mode
	rm -f "$1.tmp"
	if ! (umask "$2" && cat >"$1.tmp") || ! mv -f "$1.tmp" "$1"; then
		rm -f "$1.tmp"
		die "cannot write $1"
	fi
}

lines() {	# lines PREFIX LIST: each word of LIST after PREFIX
	for w in $2; do printf '%s%s\n' "$1" "$w"; done
}

semis() {	# semis KEY LIST: KEY=a;b; as NetworkManager writes lists
	[ -n "$2" ] || return 0
	printf '%s' "$1"
	for w in $2; do printf '%s;' "$w"; done
	echo
}


case $backend in
nm)
	f=$root/etc/NetworkManager/system-connections/hyperv-$dev.nmconnection
	{
		printf '[connection]\nid=hyperv-%s\ntype=ethernet\ninterface-name=%s\n' "$dev" "$dev"
		printf 'autoconnect=true\nautoconnect-priority=50\n'
		[ -n "$hw" ] && printf '\n[ethernet]\nmac-address=%s\n' "$hw"
		printf '\n[ipv4]\n'
		n=0
		for a in $v4; do n=$((n + 1)); printf 'address%d=%s\n' "$n" "$a"; done
		if [ $dhcp = yes ]; then echo method=auto
		elif [ $n -gt 0 ]; then echo method=manual
		else echo method=disabled; fi
		[ -n "$gw4" ] && printf 'gateway=%s\n' "$gw4"
		semis dns= "$dns4"
		printf '\n[ipv6]\n'
		n=0
		for a in $v6; do n=$((n + 1)); printf 'address%d=%s\n' "$n" "$a"; done
		if [ $n -gt 0 ]; then echo method=manual; else echo method=auto; fi
		[ -n "$gw6" ] && printf 'gateway=%s\n' "$gw6"
		semis dns= "$dns6"
	} | write "$f" 077
	[ "${HV_NO_APPLY:-}" = 1 ] && exit 0
	nmcli connection load "$f" >/dev/null 2>&1 || nmcli connection reload ||
		die "NetworkManager did not load $f"
	nmcli connection up id "hyperv-$dev" >/dev/null || die "nmcli connection up hyperv-$dev failed"
	;;
networkd)
	f=$root/etc/systemd/network/05-hyperv-$dev.network
	{
		printf '# written by %s: Hyper-V IP injection (KVP)\n[Match]\nName=%s\n' "$prog" "$dev"
		[ -n "$hw" ] && printf 'MACAddress=%s\n' "$hw"
		printf '\n[Network]\n'
		if [ $dhcp = yes ]; then echo DHCP=ipv4; else echo DHCP=no; fi
		lines Address= "$v4 $v6"
		[ -n "$gw4" ] && printf 'Gateway=%s\n' "$gw4"
		[ -n "$gw6" ] && printf 'Gateway=%s\n' "$gw6"
		lines DNS= "$dns4 $dns6"
	} | write "$f" 022
	[ "${HV_NO_APPLY:-}" = 1 ] && exit 0
	networkctl reload || die "networkctl reload failed"
	networkctl reconfigure "$dev" || die "networkctl reconfigure $dev failed"
	# networkctl succeeds even when networkd could not read the file:
	# the link's state file (/run/systemd/netif/links/IFINDEX; its
	# NETWORK_FILE= line, compared whole) must name it within 5 s, or the
	# host is told it failed
	read -r idx <"/sys/class/net/$dev/ifindex" || die "no interface $dev"
	i=0
	until grep -qxF "NETWORK_FILE=$f" "/run/systemd/netif/links/$idx" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 10 ] || die "systemd-networkd did not take $f for $dev"
		sleep 0.5
	done
	;;
ifupdown)
	f=$root/etc/network/interfaces.d/hyperv-$dev
	if [ -f "$root/etc/network/interfaces" ] &&
		awk -v d="$dev" '$1 == "iface" && $2 == d { f = 1 } END { exit !f }' \
			"$root/etc/network/interfaces"; then
		die "$dev is configured in /etc/network/interfaces: not overriding it"
	fi
	{
		printf '# written by %s: Hyper-V IP injection (KVP)\nauto %s\n' "$prog" "$dev"
		if [ $dhcp = yes ]; then
			printf 'iface %s inet dhcp\n' "$dev"
		elif [ -n "$v4" ]; then
			printf 'iface %s inet static\n' "$dev"
			lines '	address ' "$v4"
			[ -n "$gw4" ] && printf '\tgateway %s\n' "$gw4"
		fi
		[ -n "$dns4$dns6" ] && printf '\tdns-nameservers%s%s\n' "$dns4" "$dns6"
		if [ -n "$v6" ]; then
			printf 'iface %s inet6 static\n' "$dev"
			lines '	address ' "$v6"
			[ -n "$gw6" ] && printf '\tgateway %s\n' "$gw6"
		fi
	} | write "$f" 022
	[ "${HV_NO_APPLY:-}" = 1 ] && exit 0
	# down first only if ifupdown has it up (a second injection), as
	# ifdown runs every if-down.d hook even for an interface it never
	# configured
	if ifquery --state "$dev" >/dev/null 2>&1; then
		ifdown --force "$dev" >/dev/null 2>&1
	fi
	ifup "$dev" || die "ifup $dev failed"
	;;
*)
	die "unknown backend $backend"
	;;
esac
exit 0
