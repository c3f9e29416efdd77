# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The heartbeat stops when the guest panics.  hv_utils answers the host's
# heartbeat (every 200 ms here) while the guest runs; then the guest panics
# (sysrq c) and, told to stay halted instead of rebooting, keeps its vCPUs
# in the panic loop.  A job on the host waits for the panic on the console,
# reads the answer count twice, 3 s apart, writes both down and stops QEMU.
# The host judges: the counts are equal (host-check), and the panic path
# sent UNLOAD as upstream's does (host-after), so the host knew the guest
# was gone rather than slow.  On Hyper-V the host's view is the same: no
# heartbeat answers after a guest crash.
# tags: 6.1
# ends: panic
# hvsim: --device heartbeat:interval=200
# qemu: -pidfile @RUN@/qemu.pid
# host-after: ^vmbus.unloads 1$
# host-check: read -r b a <@RUN@/hb-panic && [ "$b" -gt 0 ] && [ "$b" = "$a" ]
# timeout: 120

hv_load_stack
hv_load hv_utils
wait_for 30 ic_ready heartbeat || fail "heartbeat never ready: $(hostctl heartbeat | tr '\n' ' ')"
a1=$(hval heartbeat.answered heartbeat)
sleep 2
a2=$(hval heartbeat.answered heartbeat)
note "heartbeat answers while running: $a1, 2 s later $a2"
[ $((a2 - a1)) -ge 3 ] || fail "heartbeat answers rose by $((a2 - a1)) in 2 s at 200 ms"

# Nothing wrong so far (after the panic nobody can look).
check_dmesg_clean

# The host job: at most 60 s for the panic to show, then the two counts
# (nothing written without a panic, so the host-check fails), then QEMU
# goes.  It must outlive this request, hence the redirections and "&";
# one line, as the relay reads commands by the line.  It ends as well
# when QEMU is gone (a guest that stopped some other way).
answered="$HVLIS_TOP/tests/hvsim/hvsim ctl --ctl @RUN@/ctl heartbeat | sed -n s/^heartbeat.answered=//p"
panicked="grep -q 'Kernel panic - not syncing: sysrq triggered crash' @RUN@/console.log"
job="q=\$(cat @RUN@/qemu.pid);"
job+=" for i in \$(seq 600); do $panicked && break; kill -0 \$q 2>/dev/null || exit 0; sleep 0.1; done;"
job+=" if $panicked; then sleep 0.5; b=\$($answered); sleep 3; a=\$($answered); echo \$b \$a >@RUN@/hb-panic; fi;"
job+=" kill \$q"
hostctl host "( $job ) </dev/null >/dev/null 2>&1 &" >/dev/null || fail "cannot start the host job"

# panic=0: stay in the panic loop (boot.sh's panic=-1 would reboot, and
# QEMU's -no-reboot would end the run before the host looked)
echo 0 >/proc/sys/kernel/panic
note "panicking the guest"
sync
echo c >/proc/sysrq-trigger
fail "sysrq c returned"
