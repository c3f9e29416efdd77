#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: every tests/bench/*.sh in a guest on hvsim (SERIES, default
# 6.1).  They print numbers side by side; nothing here passes or fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
series=${SERIES:-6.1}
cd "$top"
tests/deps.sh
tests/kernels/fetch.sh "$series" >/dev/null
tests/kernels/build.sh "$series" >/dev/null
make -s user
for b in tests/bench/*.sh; do
	[ "$b" = tests/bench/run.sh ] && continue
	echo "# $b on $series"
	tests/qemu/boot.sh --series "$series" --scenario "$b" | sed -n 's/^# //p'
done
