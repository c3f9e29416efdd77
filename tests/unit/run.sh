#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# User-space unit tests: every tests/unit/test_*.c (built with ASan/UBSan),
# every tests/unit/test_*.sh, and hvsim's own tests.  TAP lines out.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
# shellcheck disable=SC2054 # -fsanitize=a,b is one option
cflags=(-std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined
	-fno-sanitize-recover=all -I"$top/src/include")

for t in "$top"/tests/unit/test_*.c; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .c)
	if ! gcc "${cflags[@]}" "$t" -o "$bin/$name" >"$bin/$name.log" 2>&1; then
		echo "not ok - $name: does not build"
		sed 's/^/# /' "$bin/$name.log"
		continue
	fi
	"$bin/$name" || echo "not ok - $name: exit status $?"
done
for t in "$top"/tests/unit/test_*.sh; do
	[ -e "$t" ] || continue
	bash "$t" || echo "not ok - $(basename "$t"): exit status $?"
done
if [ -f "$top/tests/hvsim/Makefile" ]; then
	make -s -C "$top/tests/hvsim" test 2>&1 || echo "not ok - hvsim unit tests: exit status $?"
fi
