#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Packaging tests.  First the deb and rpm packages and their repositories,
# built and looked at, never installed (build.sh, about half a minute).
# Then DKMS: add/build/install the tree against the installed Debian 6.1
# headers (linux-headers-amd64), check the modules land under updates/ and
# win depmod's search, then remove them again.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/tests/packaging/build.sh"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

k=$(for d in /lib/modules/6.1.*/build; do [ -e "$d" ] && basename "$(dirname "$d")"; done | sort -V | tail -n 1)
if [ -z "$k" ]; then
	echo "not ok - dkms install: no linux-headers-6.1 installed"
	exit 0
fi

if KVER=$k "$top/tests/packaging/dkms.sh" install >"$log" 2>&1; then
	echo "ok - dkms add/build/install for $k"
else
	echo "not ok - dkms add/build/install for $k"
	tail -n 30 "$log" | sed 's/^/# /'
fi

mods=$(awk -F'"' '/^BUILT_MODULE_NAME/ {print $2}' "$top/dkms.conf")
bad=
for m in $mods; do
	f=$(ls /lib/modules/"$k"/updates/*/"$m".ko* /lib/modules/"$k"/updates/"$m".ko* 2>/dev/null | head -n 1)
	# depmod must resolve the name to our copy, not kernel/drivers/hv.
	resolved=$(modinfo -k "$k" -F filename "$m" 2>/dev/null)
	if [ -z "$f" ] || [ "$resolved" != "$f" ]; then
		bad="$bad $m(found '${f:-none}', modinfo '$resolved')"
	fi
done
if [ -z "$bad" ]; then
	echo "ok - dkms modules under updates/ win for $k: ${mods//$'\n'/ }"
else
	echo "not ok - dkms modules not under updates/:$bad"
fi
if [ -n "$(ls /lib/modules/"$k"/updates/*/hv_vmbus_sim.ko* 2>/dev/null)" ]; then
	echo "not ok - dkms installed the test-only hv_vmbus_sim"
else
	echo "ok - dkms leaves the test-only hv_vmbus_sim out"
fi

if "$top/tests/packaging/dkms.sh" remove >"$log" 2>&1 &&
	[ -z "$(ls /lib/modules/"$k"/updates/*/hv_vmbus.ko* 2>/dev/null)" ]; then
	echo "ok - dkms remove cleans up"
else
	echo "not ok - dkms remove"
	tail -n 20 "$log" | sed 's/^/# /'
fi
