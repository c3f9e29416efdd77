#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the guest, in the host's root (overlay over 9p).  Runs one
# scenario (hvlis.mode=scenario), a shell (shell) or the demo (demo), sends
# results to the second serial port (ttyS1) and powers the VM off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}
export HVLIS_BUILD=$HVLIS_TOP/build/$HVLIS_SERIES
results=/dev/ttyS1
stty -F $results raw -echo 2>/dev/null

poweroff_now() {
	sync
	if [ "${HVLIS_INIT:-}" = systemd ]; then
		# a clean shutdown (a no-op when the scenario started one)
		systemctl poweroff --no-block 2>/dev/null
		sleep 120
	fi
	echo o >/proc/sysrq-trigger
	sleep 30
}
# Under systemd (a scenario's "# init: systemd") a shutdown the scenario
# caused stops this service: finish the report first (only this process
# gets SIGTERM, KillMode=process).
[ "${HVLIS_INIT:-}" != systemd ] || trap 'echo "# guest.sh: the system is stopping" >$results' TERM

case $HVLIS_MODE in
shell)
	cd "$HVLIS_TOP" || exit
	# shellcheck source=tests/guest/lib.sh
	. "$HVLIS_TOP/tests/guest/lib.sh"
	if [ -n "$HVLIS_SCENARIO" ]; then
		# the set-up boot.sh was given (make run: tests/qemu/demo.sh)
		bash -c "set -eu; . tests/guest/lib.sh; . $HVLIS_SCENARIO" ||
			echo "the set-up ($HVLIS_SCENARIO) failed; see above and dmesg"
	else
		(hv_load_stack) || echo "the drivers did not load; see dmesg"
		echo "hyperv-lis guest ($(uname -r)); our modules: $HVLIS_BUILD"
		echo "Leave with 'exit' (or Ctrl-A X)."
	fi
	printf '. %s/tests/guest/lib.sh\nPATH=%s/src/daemons:$PATH\nPS1="hvlis-guest:\\w# "\n' \
		"$HVLIS_TOP" "$HVLIS_TOP" >/tmp/hvlis.rc
	setsid -c /bin/bash --rcfile /tmp/hvlis.rc -i </dev/ttyS0 >/dev/ttyS0 2>&1
	poweroff_now
	;;
esac

name=${HVLIS_SCENARIO##*/}
name=${name%.sh}
cd "$HVLIS_TOP" || exit
# Hold the kernel's packet-timestamp static key on for the whole run.
# Every ping asks for timestamps and so turns it on and off again, which
# patches __netif_receive_skb_core while the other vCPU runs it; under
# QEMU's multi-threaded TCG that vCPU now and then faults one byte into
# the half-patched jump (seen once in ~300 boots, in net_hostile).  With
# one socket keeping it on from the start, pings no longer patch code.
# (perl, not python: it starts in a tenth of the time, 3.7 s under the
# debug kernel for python.)  SO_TIMESTAMP is 29 on x86 and arm64.  It
# starts while this script reads lib.sh (2-3 s on the debug kernel), and
# is waited for just before the scenario.
perl -MSocket -e 'socket(my $s, PF_INET, SOCK_DGRAM, 0) or die "socket: $!";
setsockopt($s, SOL_SOCKET, 29, 1) or die "setsockopt: $!";
$| = 1; print "ready\n"; sleep(1 << 30)' >/tmp/tstamp.ready 2>&1 &
# shellcheck source=tests/guest/lib.sh
. "$HVLIS_TOP/tests/guest/lib.sh"
# The debug kernel's leak and bug reports count against the scenario only
# for what happened while it ran (see after_scenario).
debug_kernel=0
[ "$HVLIS_SERIES" != debug ] || debug_kernel=1
[ $debug_kernel = 0 ] || kmemleak_mark

# after_scenario: on the debug kernel, any kernel bug report (KASAN, KFENCE,
# UBSAN, lockdep, debug objects, SLUB, WARN, BUG) since boot and any leak
# kmemleak finds fail the scenario, even one whose body never looked; the
# reports go to the results, where check.sh's summary shows them.
after_scenario() {
	local reports leaks
	[ $debug_kernel = 1 ] || return 0
	[ -z "${HVLIS_TRACE:-}" ] || echo "trace: bug reports and kmemleak"
	reports=$(kernel_bug_reports) || true
	leaks=$(kmemleak_reports 2>&1) || true
	[ -z "$reports" ] && [ -z "$leaks" ] && return 0
	if [ -n "$reports" ]; then
		echo "FAIL: the debug kernel reported a bug; its reports:"
		# a report's context: the lines after each match
		dmesg | grep -E -A 25 -e "$kernel_bug_re" | head -n 200
	fi
	if [ -n "$leaks" ]; then
		echo "FAIL: kmemleak reports leaked objects:"
		printf '%s\n' "$leaks" | head -n 200
	fi
	return 1
}

# comment_lines: each line as a TAP comment; with hvlis.trace=1 on the
# kernel command line (boot.sh --append) prefixed by the guest's uptime, to
# see where a scenario spends its time.
comment_lines() {
	if [ -n "${HVLIS_TRACE:-}" ]; then
		local l up
		while IFS= read -r l; do
			read -r up _ </proc/uptime
			printf '# [%8s] %s\n' "$up" "$l"
		done
	else
		sed -u 's/^/# /'
	fi
}

# Every line the scenario prints reaches the host as a TAP comment; its exit
# status becomes the scenario's one TAP line.  It runs in a subshell of
# this one, which has lib.sh already: a new bash reading lib.sh again
# cost 1.8 s on the debug kernel.
wait_for 5 'grep -q ready /tmp/tstamp.ready 2>/dev/null' ||
	echo "# the timestamp holder did not start: $(cat /tmp/tstamp.ready)" >$results
(
	set -o pipefail
	(
		# pipefail is only for this subshell's own status: the scenarios
		# are written for plain "set -eu", where "dmesg | grep -q x" is
		# not failed by dmesg dying of SIGPIPE after grep found x
		set -eu +o pipefail
		[ -z "${HVLIS_TRACE:-}" ] || echo "trace: the scenario starts"
		# shellcheck disable=SC1090 # the scenario is named at run time
		. "$HVLIS_SCENARIO"
	) 2>&1 | comment_lines >$results
)
rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 77 ]; then
	after_scenario 2>&1 | comment_lines >$results
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
fi
if [ $rc -eq 0 ]; then
	echo "ok - $HVLIS_SERIES $name" >$results
elif [ $rc -eq 77 ]; then
	echo "ok - $HVLIS_SERIES $name # SKIP" >$results
else
	dmesg | tail -n 40 | sed 's/^/# dmesg: /' >$results
	echo "not ok - $HVLIS_SERIES $name (exit $rc)" >$results
fi
poweroff_now
