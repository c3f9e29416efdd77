#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The three daemons end to end against a fake /dev/vmbus device
# (daemons/fake_dev.c, daemons/daemons_e2e.py): handshake, requests,
# answers, re-registration after a reset.  Needs root for a private
# mount namespace with a tmpfs on /var/lib/hyperv (the KVP pools' fixed
# path); skipped without it.
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/unit/daemons
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	echo "ok - daemon e2e # SKIP needs root and unshare -m"
	exit 0
fi
if ! make -s -C "$top/src/daemons" >"$tmp/log" 2>&1 ||
	! gcc -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -o "$tmp/fake_dev.so" \
		"$here/fake_dev.c" -ldl >>"$tmp/log" 2>&1; then
	echo "not ok - daemon e2e: build"
	sed 's/^/# /' "$tmp/log"
	exit 0
fi
# shellcheck disable=SC2016 # $1..$4 are the inner shell's
unshare -m sh -c 'mkdir -p /var/lib/hyperv && mount -t tmpfs -o mode=0755 hv_e2e /var/lib/hyperv &&
	exec timeout 120 python3 "$1" "$2" "$3" "$4"' sh \
	"$here/daemons_e2e.py" "$top/src/daemons" "$tmp/fake_dev.so" "$tmp" ||
	echo "not ok - daemon e2e: exit status $?"
