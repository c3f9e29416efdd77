#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The compat probes refuse kernels they cannot serve with one clear sentence:
# built-in hv_vmbus (CONFIG_HYPERV=y), no Hyper-V support, no configured tree.
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

expect_refusal() {	# expect_refusal NAME CONFIG-LINE PATTERN
	n=$((n + 1))
	local kdir=$tmp/k$n msg rc
	mkdir -p "$kdir/include/config"
	[ "$2" = none ] || echo "$2" >"$kdir/include/config/auto.conf"
	msg=$("$top/src/compat/probe.sh" "$kdir" "$tmp/out$n" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && [ "$(echo "$msg" | wc -l)" -eq 1 ] && echo "$msg" | grep -q "$3"; then
		echo "ok - compat refuses $1"
	else
		echo "not ok - compat refuses $1 (exit $rc): $msg"
	fi
}

expect_refusal "CONFIG_HYPERV=y" "CONFIG_HYPERV=y" "built in (CONFIG_HYPERV=y)"
expect_refusal "no CONFIG_HYPERV" "CONFIG_SMP=y" "without Hyper-V support"
expect_refusal "an unconfigured tree" none "not a configured kernel build directory"
