# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The tracepoints a developer has on a real host (system "hyperv", event
# names as upstream's hv_trace.h): recorded through tracefs from the
# module load on, they show the version negotiation, the offer of our
# echo device (its relid and instance), the GPADL of its ring and the
# open of its channel, and the data path's signals and callbacks.
# tags: 6.12
# hvsim: --device echo
# timeout: 120

t=/sys/kernel/tracing
[ -d "$t/events" ] || mount -t tracefs nodev "$t" || fail "no tracefs"
hv_load hv_vmbus
[ -d "$t/events/hyperv" ] || fail "hv_vmbus registered no hyperv events"
events=("$t"/events/hyperv/*/)
note "events: ${#events[@]}"
echo 1 >"$t/events/hyperv/enable"
echo >"$t/trace"
hv_load hv_vmbus_sim hv_echo_test
dev=
for d in /sys/bus/vmbus/devices/*; do
	[ -e "$d/echo_run" ] && dev=$d
done
[ -n "$dev" ] || fail "no echo device"
echo "1000 1 128 1" >"$dev/echo_run" || fail "echo run: $(cat "$dev/echo_result")"
echo 0 >"$t/events/hyperv/enable"
cp "$t/trace" /tmp/trace
relid=$(ls "$dev/channels")
inst=$(tr -d '{}' <"$dev/device_id")
note "echo device: relid $relid, instance $inst; $(grep -c ': vmbus_' /tmp/trace) events"
want() {	# want REGEX WHAT
	local line
	line=$(grep -E -m 1 "$1" /tmp/trace) || fail "no $2 in the trace"
	line=${line#"${line%%[! ]*}"}
	echo "${line:0:200}"
}
want "vmbus_negotiate_version: version [0-9.]+, .* ret 0" "accepted version"
want "vmbus_request_offers: ret 0" "REQUESTOFFERS"
want "vmbus_onoffer: child_relid $relid, .*if_instance $inst" "offer of the echo device"
want "vmbus_establish_gpadl_header: child_relid $relid, gpadl 0x[0-9a-f]+, [0-9]+ pages, ret 0" "ring GPADL"
want "vmbus_open: child_relid $relid, .* ret 0" "channel open"
want "vmbus_setevent: relid $relid" "signal to the host"
want "vmbus_on_event: relid $relid" "channel callback"
want "vmbus_on_message: msgtype=[0-9]+ len=[0-9]+" "host message"
check_dmesg_clean
