#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch Debian kernel images and headers for the build matrix and the guest
# harness, and unpack them into a cache folder.  Nothing is installed and the
# machine's apt sources are left alone: a private apt configuration (its own
# sources list, lists and archive cache) names the suites we need.
#
# Usage: fetch.sh [5.10|6.1|6.12 ...]     (default: all three)
# Prints, per kernel, "<series> <kernelrelease> <dir>".
#
# Layout of the cache ($HVLIS_CACHE, default ~/.cache/hyperv-lis):
#   kernels/<series>/root/      the unpacked packages (usr/src, usr/lib, lib/modules, boot)
#   kernels/<series>/KDIR       path of the headers tree to build against
#   kernels/<series>/VMLINUZ    path of the kernel image
#   kernels/<series>/RELEASE    the kernel release (uname -r of that kernel)
set -euo pipefail

cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
apt_dir=$cache/apt
mirror=${HVLIS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
secmirror=${HVLIS_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

series_list=("$@")
[ ${#series_list[@]} -gt 0 ] || series_list=(5.10 6.1 6.12)

apt_opts=(
	-o "Dir::Etc::SourceList=$apt_dir/sources.list"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o "Dir::State::Status=$apt_dir/status"
	-o "APT::Sandbox::User=root"
	-o "Acquire::Languages=none"
	-o "APT::Architecture=amd64"
	-o "APT::Architectures::=amd64"
)

apt_setup() {
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	touch "$apt_dir/status"
	cat >"$apt_dir/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bullseye main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $secmirror bullseye-security main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $secmirror bookworm-security main
EOF
	# Refresh the private lists at most once a day.
	local stamp=$apt_dir/updated
	if [ -z "$(find "$stamp" -mtime -1 2>/dev/null)" ]; then
		apt-get "${apt_opts[@]}" -qq update >&2
		touch "$stamp"
	fi
}

# Newest ABI for a series, from the package names the private lists know.
#   5.10 -> 5.10.0-NN   6.1 -> 6.1.0-NN   6.12 -> 6.12.NN+deb12
newest_abi() {
	local re
	case $1 in
	5.10) re='^linux-headers-(5\.10\.0-[0-9]+)-amd64$' ;;
	6.1) re='^linux-headers-(6\.1\.0-[0-9]+)-amd64$' ;;
	6.12) re='^linux-headers-(6\.12\.[0-9]+\+deb12)-amd64$' ;;
	*) echo "fetch.sh: unknown kernel series '$1'" >&2; return 1 ;;
	esac
	apt-cache "${apt_opts[@]}" pkgnames linux-headers- |
		sed -nE "s/$re/\\1/p" | sort -V | tail -n 1
}

# The kbuild package (host tools: fixdep, modpost, ...) the headers depend on.
kbuild_pkg() {
	apt-cache "${apt_opts[@]}" depends "linux-headers-$1-amd64" |
		sed -nE 's/^ *Depends: (linux-kbuild-[^ ]+).*/\1/p' | head -n 1
}

fetch_one() {
	local series=$1 abi kdir_pkgs img dest root rel
	dest=$cache/kernels/$series
	abi=$(newest_abi "$series")
	[ -n "$abi" ] || { echo "fetch.sh: no $series kernel in the archive" >&2; return 1; }
	rel=$abi-amd64
	if [ "$(cat "$dest/RELEASE" 2>/dev/null)" = "$rel" ] && [ -f "$(cat "$dest/VMLINUZ")" ]; then
		echo "$series $rel $dest"
		return 0
	fi
	# The unsigned image carries the same vmlinuz and modules as the signed one.
	img=linux-image-$rel-unsigned
	apt-cache "${apt_opts[@]}" show "$img" >/dev/null 2>&1 || img=linux-image-$rel
	kdir_pkgs=("linux-headers-$rel" "linux-headers-$abi-common" "$(kbuild_pkg "$abi")")

	rm -rf "$dest.new"
	mkdir -p "$dest.new/debs" "$dest.new/root"
	(cd "$dest.new/debs" && apt-get "${apt_opts[@]}" -qq download "$img" "${kdir_pkgs[@]}" >&2)
	for deb in "$dest.new"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dest.new/root"
	done
	rm -rf "$dest.new/debs"

	root=$dest/root
	# The headers' Makefile (and a few generated files) name absolute
	# /usr/src/... and /usr/lib/... paths; point them into the cache.
	grep -rlsI -e '/usr/src/linux-headers-' -e '/usr/lib/linux-kbuild-' \
		"$dest.new/root/usr/src" --include=Makefile --include='*.cmd' --include=Kbuild \
		--include='auto.conf*' --include='.kernelvariables' |
		while read -r f; do
			sed -i -e "s#/usr/src/linux-headers-#$root/usr/src/linux-headers-#g" \
				-e "s#/usr/lib/linux-kbuild-#$root/usr/lib/linux-kbuild-#g" "$f"
		done
	# Absolute symlinks (e.g. scripts -> /usr/lib/linux-kbuild-x/scripts).
	find "$dest.new/root" -type l | while read -r l; do
		t=$(readlink "$l")
		case $t in /*) ln -sfn "$root$t" "$l" ;; esac
	done
	# Module dependency lists are made at install time, which we skip.
	/sbin/depmod -b "$dest.new/root" "$rel"
	rm -rf "$dest"
	mv "$dest.new" "$dest"
	echo "$root/usr/src/linux-headers-$rel" >"$dest/KDIR"
	ls "$root"/boot/vmlinuz-* >"$dest/VMLINUZ"
	echo "$rel" >"$dest/RELEASE"
	echo "$series $rel $dest"
}

apt_setup
for s in "${series_list[@]}"; do
	fetch_one "$s"
done
