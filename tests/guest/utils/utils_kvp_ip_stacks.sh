# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# KVP IP injection through the two network managers utils_kvp_ip.sh does
# not run: systemd-networkd, then NetworkManager (Debian's, from the
# machine's root; tests/deps.sh installs network-manager), each active under
# systemd as PID 1, with our kvp daemon started by udev in its hardened
# unit and our hv_set_ifconfig finding the active manager by itself.  For
# each, the host injects an address, gateway and DNS server; the manager's
# own file holds them, the manager applied them (the NIC's address and
# default route, the DNS server in the manager's view of the link), the
# host pings the new address and reads it back (GET_IP_INFO, and pool 2's
# NetworkAddressIPv4).
# tags: 6.12
# init: systemd
# netns: yes
# hvsim: --device kvp --device net:tap=hvtap0,mac=00:15:5d:12:34:56
# host: ip addr add 10.0.0.1/24 dev hvtap0 && ip link set hvtap0 up
# timeout: 400

[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm), not systemd"
command -v nmcli >/dev/null || fail "network-manager is not installed on the host (tests/deps.sh)"
mac=00:15:5D:12:34:56
hv_install_glue
hv_load_net
hv_load hv_utils
wait_for 30 "systemctl is-active -q hv-kvp-daemon.service" ||
	fail "the KVP daemon did not start: $(systemctl status --no-pager hv-kvp-daemon.service | tail -n 5)"
nic=$(hv_nic) || fail "no synthetic NIC appeared"
guid=$(cat "/sys/class/net/$nic/device/device_id")
ip link set "$nic" up
wait_for 30 "hostctl kvp status | grep -q '^kvp.state=ready'" ||
	fail "KVP never ready: $(hostctl kvp status | tr '\n' ' ')"
# D-Bus: nmcli and networkctl reach their managers through it
systemctl start dbus.socket dbus.service || fail "dbus did not start"

# inject ADDR DNS: the host sets ADDR/24 via 10.0.0.1 with DNS server DNS;
# the kernel's view must follow, the host must reach ADDR and read it back
# shellcheck disable=SC2154 # $r: kvp_op's result (tests/guest/lib.sh)
inject() {
	local addr=$1 dns=$2 v4
	kvp_op ip set "$guid" "$addr" 255.255.255.0 10.0.0.1 "$dns"
	note "set $addr: $r"
	case $r in *"status=0x0 "*) ;; *)
		fail "ip set $addr: $r; the daemon: $(journalctl -q -u hv-kvp-daemon -n 5 --no-pager | tr '\n' ' ')" ;;
	esac
	if ! wait_for 30 "ip -4 addr show dev $nic | grep -q 'inet ${addr//./\\.}/24 '"; then
		journalctl -q --no-pager -u hv-kvp-daemon -u systemd-networkd -u NetworkManager | tail -n 30
		networkctl status "$nic" --no-pager 2>&1 | head -n 20
		ls -l /etc/systemd/network /etc/NetworkManager/system-connections /etc/network/interfaces.d 2>&1
		fail "$nic does not have $addr/24: $(ip -4 addr show dev "$nic" | tr '\n' ' ')"
	fi
	wait_for 30 "ip route show default | grep -q '^default via 10\.0\.0\.1 dev $nic'" ||
		fail "no default route via 10.0.0.1: $(ip route | tr '\n' ' ')"
	wait_for 20 "host ping -c 1 -W 1 $addr >/dev/null" || fail "the host cannot reach $addr"
	kvp_op ip get "$mac"
	note "get: $r"
	case $r in *"status=0x0 "*"addr="*"$addr;"*) ;; *) fail "ip get after setting $addr: $r" ;; esac
	kvp_op info
	v4=$(kvp_rec NetworkAddressIPv4)
	case ";$v4;" in *";$addr;"*) ;; *) fail "pool 2 NetworkAddressIPv4 '$v4' lacks $addr" ;; esac
	note "pool 2 NetworkAddressIPv4=$v4"
}

# ---- systemd-networkd ----
systemctl start systemd-networkd.service || fail "systemd-networkd did not start"
inject 10.0.0.5 10.0.0.53
f=/etc/systemd/network/05-hyperv-$nic.network
sed 's/^/  /' "$f"
grep -qx 'Address=10.0.0.5/24' "$f" || fail "no Address=10.0.0.5/24 in $f"
grep -qx 'DNS=10.0.0.53' "$f" || fail "no DNS=10.0.0.53 in $f"
# networkd's state of the link names the server it was given
idx=$(cat "/sys/class/net/$nic/ifindex")
wait_for 10 "grep -q '^DNS=10.0.0.53' /run/systemd/netif/links/$idx" ||
	fail "networkd's link state has no DNS=10.0.0.53: $(tr '\n' ' ' <"/run/systemd/netif/links/$idx")"
networkctl status "$nic" --no-pager 2>/dev/null | grep -E 'State|Address|DNS' | sed 's/^/  /' || true

# ---- NetworkManager (networkd stopped, its address and file gone) ----
systemctl stop systemd-networkd.service systemd-networkd.socket
rm -f "$f"
ip addr flush dev "$nic"
systemctl start NetworkManager.service || fail "NetworkManager did not start"
wait_for 30 "[ \"\$(nmcli -t -f RUNNING general 2>/dev/null)\" = running ]" || fail "NetworkManager is not running"
inject 10.0.0.6 10.0.0.54
f=/etc/NetworkManager/system-connections/hyperv-$nic.nmconnection
sed 's/^/  /' "$f"
grep -qx 'address1=10.0.0.6/24' "$f" || fail "no address1=10.0.0.6/24 in $f"
grep -qx 'dns=10.0.0.54;' "$f" || fail "no dns=10.0.0.54; in $f"
con=$(nmcli -g GENERAL.CONNECTION device show "$nic")
[ "$con" = "hyperv-$nic" ] || fail "$nic's connection is '$con', not hyperv-$nic"
dns=$(nmcli -g IP4.DNS device show "$nic")
[ "$dns" = 10.0.0.54 ] || fail "NetworkManager's DNS for $nic is '$dns'"
note "NetworkManager: $nic on $con, DNS $dns"
check_dmesg_clean
