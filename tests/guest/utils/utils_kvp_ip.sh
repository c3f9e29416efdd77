# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# KVP IP injection with our daemon and our helper scripts: the host reads
# the NIC's configuration (GET_IP_INFO, the adapter named by its MAC in
# upper case, as upstream's daemon matches it) and injects a static one
# (SET_IP_INFO, the adapter named by its VMBus device GUID as sysfs shows
# it), which the guest really applies: the address, the default route,
# the DNS server in the backend's file, and the host pings the new
# address.  Hostile values from the host change nothing: KVP values with
# shell syntax and quotes land in .kvp_pool_0 verbatim, address lists and
# adapters with shell syntax are refused before anything is written or run.
#
# The backend is ifupdown, as our hv_set_ifconfig finds it by itself.  The
# daemon runs its helpers with a fixed environment (PATH and LC_ALL only,
# src/daemons/helper.c), so HV_NET_BACKEND and the other test variables
# of the scenario never reach them; in this guest nothing else is there to
# be found (no NetworkManager, no systemd, so no systemd-networkd), and
# ifupdown (tests/deps.sh installs it on the host, whose root the guest
# runs on) applies a static address with plain ip(8) commands and no
# daemon.  Without resolvconf it does not touch /etc/resolv.conf: the DNS
# server is checked in its interfaces.d file.  The guest's root is the
# host's under an overlay, so nothing written here reaches the machine.
# tags: 6.12 debug
# netns: yes
# hvsim: --device kvp --device net:tap=hvtap0,mac=00:15:5d:12:34:56
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# timeout: 300

kvpd=$HVLIS_TOP/src/daemons/hv_kvp_daemon
helpers=$HVLIS_TOP/src/daemons/helpers
libexec=/usr/libexec/hypervkvpd
state=/var/lib/hyperv
ifdir=/etc/network/interfaces.d
mac=00:15:5D:12:34:56

[ -x "$kvpd" ] || fail "$kvpd is missing"
if ! command -v ifup >/dev/null || [ ! -f /etc/network/interfaces ]; then
	fail "ifupdown is not installed on the host (tests/deps.sh installs it)"
fi
grep -q '^[[:space:]]*source.*/etc/network/interfaces.d' /etc/network/interfaces ||
	fail "/etc/network/interfaces does not read $ifdir"

hv_load_net
hv_load hv_utils
nic=$(hv_nic) || fail "no synthetic NIC appeared"
nic_up "$nic" 10.0.0.2/24
guid=$(cat "/sys/class/net/$nic/device/device_id")
note "NIC $nic, device $guid"

# Our helpers under their real names where the daemon looks for them
# (Debian's hyperv-daemons put theirs there on the host).
tmp=$(mktemp -d /tmp/kvp-helpers.XXXXXX)
for h in hv_get_dns_info hv_get_dhcp_info hv_set_ifconfig; do
	install -m 0755 "$helpers/$h.sh" "$tmp/$h"
done
mkdir -p "$libexec"
mount --bind "$tmp" "$libexec"
cmp -s "$libexec/hv_set_ifconfig" "$helpers/hv_set_ifconfig.sh" ||
	fail "$libexec is not our helpers"

wait_for 30 "hostctl kvp status | grep -q '^kvp.state=ready'" ||
	fail "KVP never ready: $(hostctl kvp status | tr '\n' ' ')"


# field NAME: the value of NAME= in the result line $r
# shellcheck disable=SC2154 # $r: kvp_op's result (tests/guest/lib.sh)
field() {
	printf '%s\n' "$r" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"
}

# subnet_of ADDR: the subnet at ADDR's position in the answer's lists
subnet_of() {
	local -a a s
	local i
	IFS=';' read -r -a a <<<"$(field addr)"
	IFS=';' read -r -a s <<<"$(field subnet)"
	for i in "${!a[@]}"; do
		[ "${a[$i]}" != "$1" ] || { echo "${s[$i]:-}"; return 0; }
	done
	return 1
}

# the daemon's host name resolves locally: no DNS query leaves the guest
echo "127.0.1.1 $(hostname).kvp.test $(hostname)" >>/etc/hosts
mkdir -p "$state"
"$kvpd" -n >/tmp/kvpd.log 2>&1 &
kpid=$!
wait_for 20 "dmesg | grep -q 'KVP: daemon registered'" ||
	fail "the daemon did not register: $(cat /tmp/kvpd.log)"

# ---- GET_IP_INFO: what the NIC has now ----
kvp_op ip get "$mac"
note "get: $r"
case $r in *"status=0x0 adapter=$mac "*) ;; *) fail "ip get: $r" ;; esac
sn=$(subnet_of 10.0.0.2) || fail "ip get: no 10.0.0.2 in $(field addr)"
[ "$sn" = 255.255.255.0 ] || fail "ip get: 10.0.0.2 has subnet '$sn'"
[ "$(field dhcp)" = 0 ] || fail "ip get: dhcp=$(field dhcp)"
case $(field family) in ipv4 | ipv4+ipv6) ;; *) fail "ip get: family $(field family)" ;; esac

# ---- SET_IP_INFO: a static configuration, applied ----
kvp_op ip set "$guid" 10.0.0.5 255.255.255.0 10.0.0.1 10.0.0.53
note "set: $r"
case $r in *"status=0x0 "*) ;; *) fail "ip set: $r; the daemon: $(tail -n 5 /tmp/kvpd.log | tr '\n' ' ')" ;; esac
# the helper's time, against the host's 30 s
note "the daemon: $(grep 'SET_IP_INFO' /tmp/kvpd.log | tail -n 1)"
ip -4 addr show dev "$nic" | tee /tmp/addr
grep -q 'inet 10\.0\.0\.5/24 ' /tmp/addr || fail "$nic does not have 10.0.0.5/24"
ip route | tee /tmp/route
grep -q "^default via 10\.0\.0\.1 dev $nic" /tmp/route || fail "no default route via 10.0.0.1"
for kv in IPADDR0=10.0.0.5 NETMASK0=255.255.255.0 GATEWAY=10.0.0.1 DNS1=10.0.0.53; do
	grep -qx "$kv" "$state/ifcfg-$nic" || fail "no $kv in $state/ifcfg-$nic"
done
sed 's/^/  /' "$ifdir/hyperv-$nic"
grep -Eq '^[[:space:]]*address 10\.0\.0\.5/24$' "$ifdir/hyperv-$nic" || fail "no address in $ifdir/hyperv-$nic"
grep -Eq '^[[:space:]]*dns-nameservers +10\.0\.0\.53$' "$ifdir/hyperv-$nic" ||
	fail "the DNS server is not in $ifdir/hyperv-$nic"
if grep -q '^nameserver 10\.0\.0\.53' /etc/resolv.conf; then
	note "/etc/resolv.conf names 10.0.0.53 too"
else
	note "/etc/resolv.conf unchanged (ifupdown without resolvconf)"
fi
wait_for 20 "host ping -c 1 -W 1 10.0.0.5 >/dev/null" || fail "the host cannot reach 10.0.0.5"
host ping -c 3 -W 2 10.0.0.5 | tail -n 2 | tee /tmp/ping
grep -q ' 0% packet loss' /tmp/ping || fail "host -> 10.0.0.5 lost packets"

# the host reads the new configuration back
kvp_op ip get "$mac"
note "get: $r"
sn=$(subnet_of 10.0.0.5) || fail "ip get after set: no 10.0.0.5 in $(field addr)"
[ "$sn" = 255.255.255.0 ] || fail "ip get after set: 10.0.0.5 has subnet '$sn'"
case $(field gateway) in *10.0.0.1\;*) ;; *) fail "ip get after set: gateway $(field gateway)" ;; esac
[ "$(field dhcp)" = 0 ] || fail "ip get after set: dhcp=$(field dhcp)"

# pool 2, as Hyper-V Manager's networking tab reads it: the guest's
# addresses in NetworkAddressIPv4/IPv6 (the daemon's enumeration)
kvp_op info
v4=$(kvp_rec NetworkAddressIPv4)
v6=$(kvp_rec NetworkAddressIPv6)
note "pool 2: NetworkAddressIPv4=$v4 NetworkAddressIPv6=$v6"
case ";$v4;" in *";10.0.0.5;"*) ;; *) fail "NetworkAddressIPv4 '$v4' lacks 10.0.0.5" ;; esac
case ";$v4;" in *";127.0.0.1;"*) fail "NetworkAddressIPv4 '$v4' names the loopback" ;; esac
ll=$(ip -6 addr show dev "$nic" scope link | sed -n 's/.*inet6 \([^/]*\)\/.*/\1/p' | head -n 1)
[ -z "$ll" ] || case ";$v6;" in *";$ll;"*) ;; *) fail "NetworkAddressIPv6 '$v6' lacks $ll" ;; esac

# ---- hostile values ----
# KVP values are data: stored and given back as they came.
# shellcheck disable=SC2016 # the $(...) is the point: it must never run
v1='$(touch${IFS}/tmp/pwned)'
v2="it's\"quoted\"\`x\`"
kvp_op set 0 x "$v1"
case $r in *"status=0x0 "*) ;; *) fail "set x: $r" ;; esac
kvp_op set 0 y "$v2"
case $r in *"status=0x0 "*) ;; *) fail "set y: $r" ;; esac
tr '\0' '\n' <"$state/.kvp_pool_0" | grep -Fxq -- "$v1" || fail "x is not in .kvp_pool_0 verbatim"
tr '\0' '\n' <"$state/.kvp_pool_0" | grep -Fxq -- "$v2" || fail "y is not in .kvp_pool_0 verbatim"
kvp_op get 0 x
case $r in *" value=$v1") ;; *) fail "get x: $r" ;; esac
kvp_op get 0 y
case $r in *" value=$v2") ;; *) fail "get y: $r" ;; esac

# Address lists and adapters with shell syntax: refused (HV_INVALIDARG,
# HV_GUID_NOTFOUND) before a file is written or a helper runs.
before_state=$(ls -A "$state")
before_if=$(ls -A "$ifdir")
sum_ifcfg=$(sha256sum <"$state/ifcfg-$nic")
sum_if=$(sha256sum <"$ifdir/hyperv-$nic")
# shellcheck disable=SC2016 # none of these may ever be expanded
for args in \
	'10.0.0.9;$(touch${IFS}/tmp/pwned) 255.255.255.0;255.255.255.0 10.0.0.1 10.0.0.53' \
	'10.0.0.9`touch${IFS}/tmp/pwned` 255.255.255.0 10.0.0.1 10.0.0.53' \
	'10.0.0.9|touch${IFS}/tmp/pwned 255.255.255.0 10.0.0.1 10.0.0.53' \
	'10.0.0.9 255.255.255.0;$(touch${IFS}/tmp/pwned) 10.0.0.1 10.0.0.53' \
	'10.0.0.9 255.255.255.0 10.0.0.1&&touch${IFS}/tmp/pwned 10.0.0.53' \
	'10.0.0.9 255.255.255.0 10.0.0.1 10.0.0.53;$(touch${IFS}/tmp/pwned)' \
	'10.0.0.9 255.255.255.0 - 10.0.0.53>/tmp/pwned'; do
	# shellcheck disable=SC2086 # four words, split on purpose
	kvp_op ip set "$guid" $args
	case $r in *"status=0x80070057 "*) ;; *) fail "ip set $args: $r" ;; esac
done
# shellcheck disable=SC2016
kvp_op ip set '$(touch${IFS}/tmp/pwned)' 10.0.0.9 255.255.255.0 10.0.0.1 10.0.0.53
case $r in *"status=0x80041002 "*) ;; *) fail "ip set to a hostile adapter: $r" ;; esac
note "hostile lists and adapter refused: $r"

[ ! -e /tmp/pwned ] || fail "/tmp/pwned exists: a host value was run"
kill -0 "$kpid" 2>/dev/null || fail "the daemon died: $(tail -n 5 /tmp/kvpd.log)"
[ "$(ls -A "$state")" = "$before_state" ] || fail "$state changed: $(ls -A "$state" | tr '\n' ' ')"
[ "$(ls -A "$ifdir")" = "$before_if" ] || fail "$ifdir changed: $(ls -A "$ifdir" | tr '\n' ' ')"
[ "$(sha256sum <"$state/ifcfg-$nic")" = "$sum_ifcfg" ] || fail "$state/ifcfg-$nic changed"
[ "$(sha256sum <"$ifdir/hyperv-$nic")" = "$sum_if" ] || fail "$ifdir/hyperv-$nic changed"
ip -4 addr show dev "$nic" >/tmp/addr
grep -q 'inet 10\.0\.0\.5/24 ' /tmp/addr || fail "10.0.0.5 is gone: $(cat /tmp/addr)"
! grep -q '10\.0\.0\.9' /tmp/addr || fail "10.0.0.9 was configured: $(cat /tmp/addr)"
[ "$(hostctl kvp status | sed -n 's/^kvp.bad_answers=//p')" = 0 ] || fail "bad answers"

kill "$kpid"
wait "$kpid" 2>/dev/null || true
umount "$libexec"
rm -rf "$tmp"
rmmod hv_utils || fail "rmmod hv_utils"
check_dmesg_clean
