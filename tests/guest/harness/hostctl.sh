# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The harness's control line: a scenario runs hvsim control commands on the
# host and sees their output and status (what later scenarios use to add
# and remove devices while the guest runs).
# tags: 6.12 quick
# timeout: 60

out=$(hostctl status) || fail "hostctl status failed"
echo "$out" | head -n 5
echo "$out" | grep -q '^connected ' || fail "no 'connected' line in hvsim status"
if hostctl no-such-command >/dev/null; then
	fail "an unknown command reported success"
fi
# Read the whole answer before looking at it: a reader that stops early
# (grep -q) kills hostctl mid-answer, and the rest would be read as the
# next command's answer.
help=$(hostctl help) || fail "help failed"
echo "$help" | grep -q 'irq' || fail "help does not list irq"
# The relay's own commands: sparse images in the run directory.
hostctl mkimage test.img 64M || fail "mkimage failed"
info=$(hostctl imageinfo test.img) || fail "imageinfo failed"
note "test.img: $info"
[ "$(echo "$info" | awk '{print $2}')" = 67108864 ] || fail "image size: $info"
[ "$(echo "$info" | awk '{print $4}')" -lt 1048576 ] || fail "image not sparse: $info"
if hostctl mkimage ../escape.img 1M >/dev/null; then
	fail "an image name with a path was accepted"
fi
