#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Packaging tests.  First the deb and rpm packages and their repositories,
# built and looked at (build.sh, about a minute); then the apt repository
# used as a user uses it, in a clean bookworm system that is then booted
# from a storvsc disk, before and after a kernel update (install.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/tests/packaging/build.sh" "$tmp/repo"
if [ -d "$tmp/repo/apt" ]; then
	"$top/tests/packaging/install.sh" "$tmp/repo"
else
	echo "not ok - packaging: no repository to install from"
fi
