#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# hv_vss_daemon's freezer and watchdog on a scratch ext4 image, loop-
# mounted in a private mount namespace (daemons/vss_freeze_driver.c):
# freeze, thaw, the watchdog's timeout, the daemon dying frozen, a failed
# freeze rolled back.  Needs root and loop devices; skipped without them.
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$(id -u)" != 0 ] || ! command -v mkfs.ext4 >/dev/null || ! unshare -m true 2>/dev/null; then
	echo "ok - vss freezer # SKIP needs root, mkfs.ext4 and unshare -m"
	exit 0
fi
if ! gcc -std=gnu11 -Wall -Wextra -Werror -I"$top/src/include" -o "$tmp/driver" \
	"$top/tests/unit/daemons/vss_freeze_driver.c" >"$tmp/log" 2>&1; then
	echo "not ok - vss freezer: build"
	sed 's/^/# /' "$tmp/log"
	exit 0
fi
truncate -s 32M "$tmp/img" && mkfs.ext4 -q -F "$tmp/img" && mkdir "$tmp/ext4" "$tmp/tmpfs" || {
	echo "not ok - vss freezer: scratch image"
	exit 0
}
# shellcheck disable=SC2016 # $1 is the inner shell's
unshare -m sh -c 'mount -o loop "$1/img" "$1/ext4" || exit 3
	mount -t tmpfs hv_vss_test "$1/tmpfs" || exit 3
	timeout 60 "$1/driver" "$1/mountinfo" "$1/ext4" "$1/tmpfs"
	rc=$?
	fsfreeze -u "$1/ext4" 2>/dev/null
	umount "$1/ext4" "$1/tmpfs"
	exit $rc' sh "$tmp"
rc=$?
[ $rc = 3 ] && echo "ok - vss freezer # SKIP no loop device"
[ $rc = 0 ] || [ $rc = 3 ] || echo "not ok - vss freezer: exit status $rc"
