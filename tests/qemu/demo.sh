# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The short demo "make run" shows when there is no terminal: load the stack
# on hvsim and show what the guest sees.
# smp: 2
# timeout: 120

note "kernel: $(uname -r)"
hv_load_stack
note "loaded: $(lsmod | awk '/^hv_/ {print $1}' | tr '\n' ' ')"
dmesg | grep -E 'hv_vmbus|hvsim' || true
if command -v "$HVLIS_TOP/src/daemons/lsvmbus" >/dev/null; then
	"$HVLIS_TOP/src/daemons/lsvmbus" -vv
fi
