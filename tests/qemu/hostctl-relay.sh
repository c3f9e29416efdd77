#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host end of the guest's "hostctl" serial line (ttyS2): each line from the
# guest is one hvsim control command, run as `hvsim ctl WORDS...` (no shell
# evaluation).  The reply is the command's output, then a line "\x04 rc=N".
# This is how a scenario acts as the Hyper-V administrator while it runs.
# "@RUN@" in a word names the run directory (where disk images live), and
# one command is the relay's own: "mkimage NAME SIZE" makes a sparse image
# file there, "imageinfo NAME" prints its size and allocated bytes.
# "host CMD..." runs the rest of the line with bash on the host, in the
# run's network namespace when it has one (start iperf3 servers, read the
# TAP's counters); @RUN@ there is the first guest's run directory.  Start
# servers in the background with their output redirected, or the relay
# waits for them.
top=$(cd "$(dirname "$0")/../.." && pwd)
while IFS= read -r line; do
	line=${line%$'\r'}
	[ -n "$line" ] || continue
	read -r -a words <<<"$line"
	run=$(dirname "$HVSIM_CTL")
	words=("${words[@]//@RUN@/$run}")
	case ${words[0]} in
	host)
		cmd=${line#*host}
		out=$(bash -c "${cmd//@RUN@/${HVLIS_RUN:-$run}}" 2>&1 </dev/null)
		rc=$?
		;;
	mkimage | imageinfo)
		if ! [[ ${words[1]:-} =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]]; then
			out="error: bad image name"
			rc=1
		elif [ "${words[0]}" = mkimage ]; then
			out=$(truncate -s "${words[2]:-0}" "$run/${words[1]}" 2>&1)
			rc=$?
		else
			out=$(stat -c 'size %s allocated %b' "$run/${words[1]}" 2>&1 |
				awk '{print $1, $2, $3, $4 * 512}')
			rc=$?
		fi
		;;
	*)
		out=$("$top/tests/hvsim/hvsim" ctl --ctl "$HVSIM_CTL" "${words[@]}" 2>&1)
		rc=$?
		;;
	esac
	[ -z "$out" ] || printf '%s\n' "$out"
	printf '\004 rc=%d\n' "$rc"
done
