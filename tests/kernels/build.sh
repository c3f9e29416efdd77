#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build every module for one cached Debian kernel (see fetch.sh) in its own
# build directory, build/<series>/, laid out as DKMS lays out a package
# (src/ as a tree of symlinks, VERSION beside it), so that builds for several
# kernels never share objects.
#
# Usage: build.sh SERIES [make arguments, e.g. W=1 C=2]
# Prints the build log on stderr; exits non-zero on a failed build.
set -eu

series=${1:?usage: build.sh SERIES [make args]}
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
kdir=$(cat "$cache/kernels/$series/KDIR" 2>/dev/null) ||
	{ echo "build.sh: kernel $series not fetched; run tests/kernels/fetch.sh $series" >&2; exit 1; }

out=$top/build/$series
mkdir -p "$out/src"
# Refresh the symlink tree: new files appear, removed ones disappear.
find "$out" -type l ! -exec test -e {} \; -delete
cp -asf "$top/src/." "$out/src/"
mkdir -p "$out/kmod"
cp -asf "$top/tests/kmod/." "$out/kmod/"
ln -sf "$top/VERSION" "$out/VERSION"
# Our modules, then the test-only ones (tests/kmod) that use their exports.
make -C "$out/src" KDIR="$kdir" TEST_KMOD="$out/kmod" test-modules "$@"
