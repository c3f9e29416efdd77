#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The daemons' systemd units (systemd/) and udev rules (udev/), checked
# without booting anything.  One TAP line each:
#  - per unit, `systemd-analyze security --offline=yes` of ours next to
#    Debian's unit of the same name (hyperv-daemons, /lib/systemd/system):
#    ours must not expose more ("exposure 2.1 (Debian's 6.1)");
#  - `systemd-analyze verify` of the three units, in a temporary root: a copy
#    of this machine's unit directory (the targets they order against) plus
#    empty executables as /usr/sbin/hv_*_daemon, because verify fails a unit
#    whose ExecStart= binary is missing and the daemons may not be built or
#    installed here.  verify only warns (exit 0) about unknown keys and bad
#    values, so any line naming our units fails too;
#  - the names that must agree across files: each unit's BindsTo=/After=
#    device unit is what systemd derives from the sysfs path of the misc
#    device (systemd-escape), its ConditionPathExists= and ExecStart= are
#    the right node and daemon, and the udev rule wants that unit for that
#    device;
#  - the udev rules through udev's own parser.  systemd 252 has no `udevadm
#    verify` (254 does), so `udevadm test` runs on the loopback interface in
#    a private mount namespace where every rules directory shows only our
#    file, /run is an empty tmpfs and /sys is read-only: the rules are parsed
#    (a bad key or operator is reported as FILE:LINE), none of them matches
#    lo, and nothing on the machine changes.  Whether they match the real
#    devices is not tested here.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
units="hv-kvp-daemon hv-vss-daemon hv-fcopy-daemon"
debian_dir=/lib/systemd/system
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - units: $*"; }
not_ok() { echo "not ok - units: $*"; fails=$((fails + 1)); }

exposure() {	# exposure FILE: the overall exposure level, e.g. 2.1
	systemd-analyze security --offline=yes "$1" 2>&1 |
		sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'
}

# --- Exposure, ours and Debian's ---
for u in $units; do
	ours=$(exposure "systemd/$u.service")
	if [ -z "$ours" ]; then
		not_ok "$u.service exposure: systemd-analyze security --offline=yes gave no rating"
		continue
	fi
	if [ ! -f "$debian_dir/$u.service" ]; then
		ok "$u.service exposure $ours # SKIP no Debian unit to compare with (hyperv-daemons, tests/deps.sh)"
		continue
	fi
	theirs=$(exposure "$debian_dir/$u.service")
	if [ -z "$theirs" ]; then
		not_ok "$u.service exposure $ours: no rating for Debian's $debian_dir/$u.service"
	elif awk -v a="$ours" -v b="$theirs" 'BEGIN { exit !(a <= b) }'; then
		ok "$u.service exposure $ours (Debian's $theirs)"
	else
		not_ok "$u.service exposure $ours is worse than Debian's $theirs"
	fi
done

# --- systemd-analyze verify in a temporary root ---
root=$tmp/root
mkdir -p "$root/lib/systemd" "$root/usr/sbin"
cp -a "$debian_dir" "$root/lib/systemd/"
for u in $units; do
	cp "systemd/$u.service" "$root/lib/systemd/system/"
	d=${u%-daemon}
	printf '#!/bin/sh\n' >"$root/usr/sbin/${d//-/_}_daemon"
	chmod 755 "$root/usr/sbin/${d//-/_}_daemon"
done
bad=
for u in $units; do
	out=$(systemd-analyze verify --root="$root" "$u.service" 2>&1)
	rc=$?
	msgs=$(echo "$out" | grep -F "$u")
	[ $rc -eq 0 ] && [ -z "$msgs" ] || bad+="$u.service (exit $rc): ${msgs:-$out}"$'\n'
done
if [ -z "$bad" ]; then
	ok "systemd-analyze verify: 3 units clean"
else
	not_ok "systemd-analyze verify"
	printf '%s' "$bad" | sed 's/^/# /'
fi

# --- Names that must agree between the units, the kernel and udev ---
rules=udev/70-hyperv-lis.rules
bad=
for u in $units; do
	f=systemd/$u.service
	d=${u#hv-}
	d=${d%-daemon}	# kvp, vss, fcopy
	dev=$(systemd-escape --path --suffix=device "/sys/devices/virtual/misc/vmbus!hv_$d")
	for key in BindsTo After; do
		grep -qxF "$key=$dev" "$f" || bad+="$f: no \"$key=$dev\""$'\n'
	done
	grep -qxF "ConditionPathExists=/dev/vmbus/hv_$d" "$f" ||
		bad+="$f: no \"ConditionPathExists=/dev/vmbus/hv_$d\""$'\n'
	grep -qxF "DeviceAllow=/dev/vmbus/hv_$d rw" "$f" ||
		bad+="$f: no \"DeviceAllow=/dev/vmbus/hv_$d rw\""$'\n'
	grep -qxF "ExecStart=/usr/sbin/hv_${d}_daemon -n" "$f" ||
		bad+="$f: no \"ExecStart=/usr/sbin/hv_${d}_daemon -n\""$'\n'
	grep -qF "KERNEL==\"vmbus/hv_$d\", TAG+=\"systemd\", ENV{SYSTEMD_WANTS}+=\"$u.service\"" "$rules" ||
		bad+="$rules: no rule wanting $u.service for vmbus/hv_$d"$'\n'
done
if [ -z "$bad" ]; then
	ok "device units, nodes, daemons and udev wants agree for 3 units"
else
	not_ok "device units, nodes, daemons and udev wants disagree"
	printf '%s' "$bad" | sed 's/^/# /'
fi

# --- udev's parser over our rules ---
if ! command -v udevadm >/dev/null; then
	ok "udev rules parse # SKIP udevadm not installed (package udev, tests/deps.sh)"
elif [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	ok "udev rules parse # SKIP needs root and unshare(1) for a private mount namespace"
else
	mkdir "$tmp/rules"
	cp "$rules" "$tmp/rules/"
	out=$(unshare --mount --propagation private sh -ec '
		mount -t tmpfs none /run
		mount -o remount,bind,ro /sys
		for d in /etc/udev/rules.d /usr/local/lib/udev/rules.d \
			/usr/lib/udev/rules.d /lib/udev/rules.d; do
			[ ! -d "$d" ] || mount --bind "$1" "$d"
		done
		udevadm test --action=add /sys/class/net/lo' sh "$tmp/rules" 2>&1)
	rc=$?
	name=$(basename "$rules")
	errs=$(echo "$out" | grep -F "$name:")
	if [ $rc -ne 0 ]; then
		not_ok "udev rules parse: udevadm test exited $rc"
		echo "$out" | tail -n 10 | sed 's/^/# /'
	elif ! echo "$out" | grep -q "Reading rules file: .*/$name\$"; then
		not_ok "udev rules parse: udevadm did not read $name"
		echo "$out" | tail -n 10 | sed 's/^/# /'
	elif [ -n "$errs" ]; then
		not_ok "udev rules parse: udevadm complains about $name"
		echo "$out" | grep -F "$name:" | sed 's/^/# /'
	else
		ok "udev rules parse: $name clean ($(udevadm --version | head -n 1), udevadm test)"
	fi
fi

[ $fails -eq 0 ]
