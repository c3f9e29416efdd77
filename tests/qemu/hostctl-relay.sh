#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host end of the guest's "hostctl" serial line (ttyS2): each line from the
# guest is one hvsim control command, run as `hvsim ctl WORDS...` (no shell
# evaluation).  The reply is the command's output, then a line "\x04 rc=N".
# This is how a scenario acts as the Hyper-V administrator while it runs.
top=$(cd "$(dirname "$0")/../.." && pwd)
while IFS= read -r line; do
	line=${line%$'\r'}
	[ -n "$line" ] || continue
	read -r -a words <<<"$line"
	out=$("$top/tests/hvsim/hvsim" ctl --ctl "$HVSIM_CTL" "${words[@]}" 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	printf '\004 rc=%d\n' "$rc"
done
