# SPDX-License-Identifier: GPL-2.0-only
# The harness's control line: a scenario runs hvsim control commands on the
# host and sees their output and status (what later scenarios use to add
# and remove devices while the guest runs).
# timeout: 60

out=$(hostctl status) || fail "hostctl status failed"
echo "$out" | head -n 5
echo "$out" | grep -q '^connected ' || fail "no 'connected' line in hvsim status"
if hostctl no-such-command >/dev/null; then
	fail "an unknown command reported success"
fi
hostctl help | grep -q 'irq' || fail "help does not list irq"
