#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The clean Debian bookworm system tests/packaging/install.sh installs our
# packages into: mmdebstrap's minbase with systemd, udev, initramfs-tools,
# a compiler, and the 6.1 kernel the guest harness uses (image and
# headers), plus, downloaded only, dkms and the 6.12 kernel, so the test's
# "apt-get install" and its kernel update come from the apt cache of the
# base instead of the network.  Nothing of ours is in it.
#
# Cached in $cache/chroot/bookworm and built again only when the kernel
# releases or this script change (the .KEY file beside it), about 3.5
# minutes and 1.2 GB.  Prints the directory.
#
# Usage: chroot-base.sh
set -euo pipefail

cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
mirror=${HVLIS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
secmirror=${HVLIS_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
k61=$(cat "$cache/kernels/6.1/RELEASE")
k612=$(cat "$cache/kernels/6.12/RELEASE")
dir=$cache/chroot/bookworm
key="$k61 $k612 $(cksum <"$0")"

mkdir -p "$cache/chroot"
exec 9>"$cache/chroot.lock"
flock 9
if [ -d "$dir" ] && [ "$(cat "$dir.KEY" 2>/dev/null)" = "$key" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir" "$dir.new" "$dir.KEY"
# The archive's kernel packages are named by release: the 6.1 one is the
# guest harness's (tests/kernels/fetch.sh picks the newest of each series).
pkgs=systemd-sysv,udev,kmod,initramfs-tools,zstd,e2fsprogs,gcc,make,libc6-dev,openssl
pkgs=$pkgs,linux-image-$k61,linux-headers-$k61
# --download-only: the .debs stay in /var/cache/apt/archives of the base,
# the test's apt-get finds them there; the lists stay too (apt-get update
# in the test then only fetches our repository's).
if ! mmdebstrap --variant=minbase --include="$pkgs" \
	--customize-hook='chroot "$1" apt-get clean' \
	--customize-hook="chroot \"\$1\" apt-get install -y -qq --download-only dkms linux-image-$k612 linux-headers-$k612" \
	--skip=cleanup/apt/lists --skip=cleanup/apt/cache \
	bookworm "$dir.new" \
	"deb $mirror bookworm main" \
	"deb $mirror bookworm-updates main" \
	"deb $secmirror bookworm-security main" >"$cache/chroot/mmdebstrap.log" 2>&1; then
	tail -n 20 "$cache/chroot/mmdebstrap.log" >&2
	rm -rf "$dir.new"
	exit 1
fi
mv "$dir.new" "$dir"
echo "$key" >"$dir.KEY"
echo "$dir"
