#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug guest kernel (KASAN, KFENCE, UBSAN, lockdep, debug
# objects, kmemleak, SLUB debugging; tests/kernels/debug.config says what
# and why) from Debian's linux-source-6.12, and install it in the kernel
# cache as series "debug", laid out as fetch.sh lays out a Debian kernel, so
# that `tests/kernels/build.sh debug` and `tests/qemu/boot.sh --series debug`
# use it like any other.
#
# Usage: debug.sh [--force]
# Prints one line, "debug <kernelrelease> <dir> (...)"; the build's own
# output goes to <dir>/build.log, and only a failure shows its end.
#
# The build is cached under a key: the linux-source-6.12 package version,
# the checksum of debug.config, the base config and this script's version
# (bump script_version when the way the kernel is built changes).  Same
# key, nothing to do; another key, the kernel is built again (in the same
# tree when the source version is the same, so kbuild redoes only what the
# config change touches).  --force rebuilds regardless.
#
# Layout ($HVLIS_CACHE, default ~/.cache/hyperv-lis):
#   src/linux-source-6.12_<version>/   the unpacked source, never built in
#   kernels/debug/build/               the build tree (make O=...): KDIR
#   kernels/debug/root/boot/           vmlinuz, config, System.map
#   kernels/debug/root/lib/modules/<release>/   modules, modules.dep
#   kernels/debug/{KDIR,VMLINUZ,RELEASE}        as fetch.sh writes them
#   kernels/debug/KEY, build.log
#
# Why tinyconfig as the base (measured on 2 cores, 6.12.118, gcc 12, the
# same fragment over both): tinyconfig, 1471 objects, 14 min 6 s;
# defconfig + kvm_guest.config, 2922 objects, 27 min 11 s, over the 20
# minutes the debug lane may take.  The guests boot in 20 s to the
# scenario (stock 6.12: 5 s) and scenarios run 3-4 times slower.
set -euo pipefail

script_version=1
base=tinyconfig
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug.config
cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
dest=$cache/kernels/debug
log=$dest/build.log
force=0

case ${1:-} in
"") ;;
--force) force=1 ;;
*) echo "usage: debug.sh [--force]" >&2; exit 2 ;;
esac

die() {
	echo "debug.sh: $*" >&2
	exit 1
}

# A build variable from the caller's environment would change what is built
# without changing the key.
unset ARCH CROSS_COMPILE KBUILD_OUTPUT KCONFIG_CONFIG KCFLAGS KCPPFLAGS LOCALVERSION

ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (tests/deps.sh installs it)"
[ -f "$tarball" ] || die "$tarball is missing; reinstall $pkg"
key="$pkg $ver config $(cksum <"$frag" | cut -d' ' -f1) base $base script $script_version"

mkdir -p "$dest"
# One build at a time; a second caller waits, then finds the kernel built.
exec 9>"$cache/kernels/debug.lock"
flock 9

if [ $force = 0 ] && [ "$(cat "$dest/KEY" 2>/dev/null)" = "$key" ] &&
	[ -f "$(cat "$dest/VMLINUZ" 2>/dev/null)" ]; then
	echo "debug $(cat "$dest/RELEASE") $dest (cached)"
	exit 0
fi

# From here on the kernel is missing: boot.sh and build.sh refuse a series
# without VMLINUZ/KDIR rather than use a half-built one.  The initramfs goes
# too, since its stamp does not see which drivers are modules.
rm -f "$dest/KEY" "$dest/KDIR" "$dest/VMLINUZ" "$dest/RELEASE" \
	"$dest"/initramfs.cpio.gz*
rm -rf "$dest/root"
start=$SECONDS
: >"$log"

# The source, once per package version; older versions go.
src=$cache/src/${pkg}_$ver
if [ ! -f "$src/Makefile" ]; then
	mkdir -p "$cache/src"
	rm -rf "$src.tmp"
	mkdir "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" || die "cannot unpack $tarball"
	mv "$src.tmp/$pkg" "$src"
	rmdir "$src.tmp"
fi
for old in "$cache/src/${pkg}"_*; do
	[ "$old" = "$src" ] || rm -rf "$old"
done

# The build tree: kept across config changes, not across source versions.
obj=$dest/build
if [ "$(cat "$obj/.hvlis-source" 2>/dev/null)" != "$src" ]; then
	rm -rf "$obj"
	mkdir -p "$obj"
	echo "$src" >"$obj/.hvlis-source"
fi

kmake() {
	make -C "$src" O="$obj" "$@" >>"$log" 2>&1
}

fail() {
	echo "debug.sh: $* failed; the end of $log:" >&2
	tail -n 40 "$log" | sed 's/^/  /' >&2
	exit 1
}

# The config: the base (ARCH=x86_64 so that tinyconfig's allnoconfig does
# not pick a 32-bit kernel), the fragment over it, Kconfig's defaults for
# the rest; then every line of the fragment must have survived.
kmake ARCH=x86_64 "$base" || fail "make $base"
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" >>"$log" 2>&1 ||
	fail "merge_config.sh"
kmake olddefconfig || fail "make olddefconfig"
bad=$(sed -nE 's/^(CONFIG_[A-Za-z0-9_]+=.*)$/\1/p; s/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1=n/p' "$frag" |
	while IFS= read -r want; do
		sym=${want%%=*}
		have=$(grep -E "^$sym=" "$obj/.config" || echo "$sym=n")
		[ "$have" = "$want" ] || echo "  $want (got ${have#*=})"
	done)
[ -z "$bad" ] || die "Kconfig did not take these lines of $frag (a dependency is missing):
$bad"

jobs=$(nproc)
kmake -j"$jobs" || fail "the kernel build"
rel=$(make -s -C "$src" O="$obj" kernelrelease 2>>"$log") || fail "make kernelrelease"

# Install: modules (modules_install also copies modules.builtin, which
# modprobe reads to accept `modprobe sd_mod` for a built-in driver), then
# depmod as fetch.sh runs it, then the image beside them.
kmake INSTALL_MOD_PATH="$dest/root" modules_install || fail "make modules_install"
/sbin/depmod -b "$dest/root" "$rel" >>"$log" 2>&1 || fail "depmod"
mkdir -p "$dest/root/boot"
cp "$obj/arch/x86/boot/bzImage" "$dest/root/boot/vmlinuz-$rel"
cp "$obj/.config" "$dest/root/boot/config-$rel"
cp "$obj/System.map" "$dest/root/boot/System.map-$rel"

echo "$obj" >"$dest/KDIR"
echo "$dest/root/boot/vmlinuz-$rel" >"$dest/VMLINUZ"
echo "$rel" >"$dest/RELEASE"
echo "$key" >"$dest/KEY"
secs=$((SECONDS - start))
warnings=$(grep -c 'warning:' "$log" || true)
printf 'debug %s %s (built in %dm%02ds on %d CPUs, %s compiler warnings, log %s)\n' \
	"$rel" "$dest" $((secs / 60)) $((secs % 60)) "$jobs" "$warnings" "$log"
