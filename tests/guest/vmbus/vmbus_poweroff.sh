# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Power-off (as reboot and kexec) sends UNLOAD to the host once the devices
# below the bus have shut down, with a driver still holding a channel open:
# the host must have seen exactly one UNLOAD after the guest stopped.
# tags: 6.12 quick
# hvsim: --device echo --device heartbeat
# host-after: ^vmbus\.unloads 1$
# timeout: 60

hv_load_stack
hv_load hv_echo_test
[ -n "$(find /sys/bus/vmbus/drivers/hv_echo_test/ -maxdepth 1 -name '*-*')" ] ||
	fail "echo driver not bound"
# the harness powers the guest off when this scenario returns
