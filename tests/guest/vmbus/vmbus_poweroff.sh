# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Power-off sends no UNLOAD (upstream sends it on kexec, crash and module
# unload only; Azure can take most of a minute to answer), even with a driver
# holding a channel open: the host must have seen none after the guest stopped.
# tags: 6.12 quick
# hvsim: --device echo --device heartbeat
# host-after: ^vmbus\.unloads 0$
# timeout: 60

hv_load_stack
hv_load hv_echo_test
[ -n "$(find /sys/bus/vmbus/drivers/hv_echo_test/ -maxdepth 1 -name '*-*')" ] ||
	fail "echo driver not bound"
# the harness powers the guest off when this scenario returns
