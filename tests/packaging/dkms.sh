#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install (or remove) this tree as a DKMS module set: copy it to
# /usr/src/hyperv-lis-<version>, then dkms add, build and install for KVER
# (default: the running kernel if its headers are installed, otherwise
# every kernel that has headers installed).
#
# Usage: dkms.sh install|remove     (KVER=<kernel release> to pick one)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
ver=$(cat "$top/VERSION")
name=hyperv-lis
src=/usr/src/$name-$ver

[ "$(id -u)" = 0 ] || { echo "dkms.sh: must run as root" >&2; exit 1; }

kernels() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
	elif [ -e "/lib/modules/$(uname -r)/build" ]; then
		uname -r
	else
		for d in /lib/modules/*/build; do
			[ -e "$d" ] && basename "$(dirname "$d")"
		done
	fi
}

remove() {
	if dkms status -m "$name" -v "$ver" 2>/dev/null | grep -q .; then
		dkms remove -m "$name" -v "$ver" --all
	fi
	rm -rf "$src"
}

case ${1:-} in
install)
	remove
	mkdir -p "$src"
	# Only the files DKMS needs: the description, its initramfs script and
	# the kernel sources (the same set as the deb and rpm ship).
	(cd "$top" && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='src/compat/generated' --exclude='src/daemons' \
		dkms.conf VERSION src packaging/dkms-initramfs.sh) | tar -xf - -C "$src"
	sed -i "s/#MODULE_VERSION#/$ver/" "$src/dkms.conf"
	dkms add -m "$name" -v "$ver"
	ks=$(kernels)
	[ -n "$ks" ] || { echo "dkms.sh: no kernel headers installed" >&2; exit 1; }
	for k in $ks; do
		dkms build -m "$name" -v "$ver" -k "$k"
		dkms install -m "$name" -v "$ver" -k "$k" --force
	done
	;;
remove)
	remove
	;;
*)
	echo "usage: dkms.sh install|remove" >&2
	exit 2
	;;
esac
