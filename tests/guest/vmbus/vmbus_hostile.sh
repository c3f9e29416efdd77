# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A hostile host: hvsim posts channel messages no well-behaved host sends
# (bad sizes, unknown types, offers with out-of-range ids or no class,
# duplicate relids, orphan sub-channels, rescinds and responses nobody asked
# for, signals for unknown channels).  The guest drops each with a
# rate-limited message, adds no device, logs no warning or oops, and the
# channel it already has keeps working.
# tags: 6.12 debug
# hvsim: --device echo
# timeout: 180

hv_load_stack
hv_load hv_echo_test
dev=$(for d in /sys/bus/vmbus/devices/*; do if [ -e "$d/echo_run" ]; then echo "$d"; fi; done)
[ -n "$dev" ] || fail "no echo device"
n0=$(ls /sys/bus/vmbus/devices | wc -l)

le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
le16() { printf '%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
zeros() { printf '%0*d' $(($1 * 2)) 0; }
scsi_guid=d96361baa104294db60572e2ffb1dc7f
# OFFERCHANNEL: class, instance, sub-channel index, relid, monitor id,
# monitor-allocated flag; 196 bytes (include/linux/hyperv.h layouts)
offer() {
	echo "$(le32 1)$(zeros 4)$1$2$(zeros 16)$(zeros 4)$(zeros 120)$(le16 "$3")$(zeros 2)$(le32 "$4")$(printf '%02x%02x' "$5" "$6")$(zeros 2)$(le32 $((0x2000 + $4)))"
}
post() {	# post NAME HEX: one channel message on CPU 0, SINT 2
	hostctl synic post 0 2 1 "$2" >/dev/null || fail "hvsim refused to post '$1'"
	note "posted: $1 ($(( ${#2} / 2 )) bytes)"
	sleep 0.2
}

dmesg -C
inst=11111111222233334444555555555555
post "empty message" ""
post "unknown type 99" "$(le32 99)$(zeros 4)"
post "offer, 8 bytes" "$(le32 1)$(zeros 4)"
post "offer, relid 5000" "$(offer $scsi_guid $inst 0 5000 0 0)"
post "offer, monitor id 200" "$(offer $scsi_guid $inst 0 60 200 1)"
post "offer without a class" "$(offer "$(zeros 16)" $inst 0 61 0 0)"
post "offer reusing relid $(cat "$dev/id")" "$(offer $scsi_guid $inst 0 "$(cat "$dev/id")" 0 0)"
post "sub-channel of nothing" "$(offer $scsi_guid $inst 3 62 0 0)"
post "rescind of relid 777" "$(le32 2)$(zeros 4)$(le32 777)"
post "rescind of relid 4000000000" "$(le32 2)$(zeros 4)$(le32 4000000000)"
post "GPADL_CREATED nobody asked for" "$(le32 10)$(zeros 4)$(le32 1)$(le32 0x12345678)$(le32 0)"
post "VERSION_RESPONSE out of the blue" "$(le32 15)$(zeros 4)01000000$(le32 4)"
post "OPENCHANNEL_RESULT for relid 99" "$(le32 6)$(zeros 4)$(le32 99)$(le32 99)$(le32 0)"
post "GPADL_TORNDOWN, 4 bytes" "$(le32 12)"
hostctl synic signal 0 2 2047 >/dev/null || fail "signal refused"
hostctl synic signal 1 2 1500 >/dev/null || fail "signal refused"
sleep 1

dmesg | grep hv_vmbus | sed 's/^/  /'
[ "$(ls /sys/bus/vmbus/devices | wc -l)" -eq "$n0" ] ||
	fail "a hostile offer became a device: $(ls /sys/bus/vmbus/devices)"
for want in 'bad size' 'unknown message type 99' 'too short' 'relid 5000 out of range' \
	'monitor id 200 out of range' 'without a class id' 'second offer for relid' \
	'without a primary' 'rescind of unknown relid 777' 'unexpected message 10'; do
	dmesg | grep -q "$want" || fail "no message for: $want"
done
echo "2000 1 512 1" >"$dev/echo_run" || fail "echo broken after the hostile messages: $(cat "$dev/echo_result")"
note "echo afterwards: $(cat "$dev/echo_result")"
check_dmesg_clean
