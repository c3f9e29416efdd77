# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The host answers UNLOAD 12 s late ("set unload-delay"; Azure may first
# flush the VM's disk cache, ~50 s): rmmod of the transport waits for the
# answer however long it takes, as upstream's vmbus_initiate_unload()
# does, saying every 10 s that it still waits, so no memory the host
# still maps is freed early; the next load connects and finds its device.
# tags: 6.12
# hvsim: --device echo
# timeout: 180

hv_load_stack
wait_for 10 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq 1 ]' || fail "no echo device"
hostctl set unload-delay 12000 >/dev/null || fail "hvsim: set unload-delay"
dmesg -C
start=$(date +%s)
rmmod hv_vmbus_sim || fail "rmmod hv_vmbus_sim"
took=$(($(date +%s) - start))
note "rmmod took $took s; the host had let go: $(vmbus_stat gpadls) GPADLs"
[ "$took" -ge 11 ] || fail "rmmod returned after $took s, before the host answered"
dmesg | grep -q "waiting for the host's UNLOAD_RESPONSE" ||
	fail "no notice while waiting: $(dmesg | tail -n 5)"
[ "$(vmbus_stat vmbus.unloads)" -eq 1 ] || fail "host saw $(vmbus_stat vmbus.unloads) UNLOADs"
hostctl set unload-delay 0 >/dev/null
insmod "$(hv_module_path hv_vmbus_sim)" || fail "reload did not connect"
wait_for 10 '[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq 1 ]' ||
	fail "device missing after reload"
[ "$(vmbus_stat vmbus.reconnects)" -eq 0 ] || fail "the host saw a reconnect without UNLOAD"
check_dmesg_clean
