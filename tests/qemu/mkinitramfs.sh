#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the guest's initramfs for one cached kernel: static busybox, our init,
# and just the modules needed to reach the host's root over 9p (virtio-pci,
# 9p, overlayfs), uncompressed, with a load order resolved from modules.dep.
#
# Usage: mkinitramfs.sh SERIES OUTPUT.cpio.gz
set -euo pipefail

series=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
kdir=$cache/kernels/$series
rel=$(cat "$kdir/RELEASE")
moddir=$kdir/root/lib/modules/$rel
wanted="virtio_pci 9pnet_virtio 9p overlay"

# Rebuild only when an input changed.
stamp="$rel $(cksum <"$here/init") $(cksum </bin/busybox) $wanted"
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,mnt,modules,newroot}
cp /bin/busybox "$work/bin/busybox"
cp "$here/init" "$work/init"
chmod +x "$work/init"

# modules.dep: "path: dep1 dep2 ..." with every (transitive) dependency,
# which modprobe loads last-listed first.
order=()
add_module() {
	local name=$1 line path i deps
	line=$(awk -v n="$name" -F: '{
		f = $1; sub(/.*\//, "", f); sub(/\.ko(\.[a-z]+)?$/, "", f);
		gsub(/-/, "_", f); if (f == n) { print; exit } }' "$moddir/modules.dep")
	[ -n "$line" ] || return 0	# built into this kernel
	path=${line%%:*}
	read -r -a deps <<<"${line#*:}"
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
		add_path "${deps[i]}"
	done
	add_path "$path"
}
add_path() {
	local p=$1 base
	base=$(basename "$p")
	base=${base%%.ko*}.ko
	for o in "${order[@]}"; do [ "$o" = "$base" ] && return 0; done
	case $p in
	*.xz) xz -dc "$moddir/$p" >"$work/modules/$base" ;;
	*.zst) zstd -qdc "$moddir/$p" >"$work/modules/$base" ;;
	*.gz) gzip -dc "$moddir/$p" >"$work/modules/$base" ;;
	*) cp "$moddir/$p" "$work/modules/$base" ;;
	esac
	order+=("$base")
}
for m in $wanted; do
	add_module "${m//-/_}"
done
printf '%s\n' "${order[@]}" >"$work/modules/order"

# Two boots of one kernel may start together (check.sh runs scenarios in
# parallel): each writes its own file and renames it into place, so a boot
# never reads a half-written initramfs.
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$stamp" >"$out.stamp.$$"
mv "$out.stamp.$$" "$out.stamp"
