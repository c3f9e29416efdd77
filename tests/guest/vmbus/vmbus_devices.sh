# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# With hvsim offering one device of every class the upstream driver set
# knows, each appears under /sys/bus/vmbus/devices with the class_id of the
# published definitions and the instance the host offered, and lsvmbus -vv
# names it.
# tags: 6.12 quick
# hvsim: --device all --device echo
# timeout: 120

hv_load_stack
# class short name -> class GUID, as include/linux/hyperv.h publishes them
declare -A want=(
	[ide]=32412632-86cb-44a2-9b5c-50d1417354f5
	[scsi]=ba6163d9-04a1-4d29-b605-72e2ffb1dc7f
	[fc]=2f9bcc4a-0069-4af3-b76b-6fd0be528cda
	[net]=f8615163-df3e-46c5-913f-f2d2f965ed0e
	[kvp]=a9a0f4e7-5a45-4d96-b827-8a841e8c03e6
	[shutdown]=0e0b6031-5213-4934-818b-38d90ced39db
	[timesync]=9527e630-d0ae-497b-adce-e80ab0175caf
	[heartbeat]=57164f39-9115-4e78-ab55-382f3bd5422d
	[vss]=35fa2e29-ea23-4236-96ae-3a6ebacba440
	[fcopy]=34d14be3-dee4-41c8-9ae7-6b174977c192
	[balloon]=525074dc-8985-46e2-8057-a307dc18a502
	[mouse]=cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a
	[keyboard]=f912ad6d-2b17-48ea-bd65-f927a61c7684
	[video]=da0a7802-e377-4aac-8e77-0558eb1073f8
	[pci]=44c4f61d-4444-4400-9d52-802e27ede19f
	[nd]=8c2eaf3d-32a7-4b09-ab99-bd1f1c86b501
)

# What the host offered: "relid class instance" per line.
offered=$(hostctl devices) || fail "hostctl devices failed"
echo "$offered"
n=0
for _ in /sys/bus/vmbus/devices/*; do
	n=$((n + 1))
done
note "$n devices on the bus"
for class in "${!want[@]}"; do
	line=$(echo "$offered" | awk -v c="$class" '$2 == c' | head -n 1)
	[ -n "$line" ] || fail "hvsim did not offer a $class device"
	read -r relid _ instance _ <<<"$line"
	instance=${instance#\{}
	instance=${instance%\}}
	d=/sys/bus/vmbus/devices/$instance
	[ -d "$d" ] || fail "$class device $instance missing in the guest"
	[ "$(cat "$d/class_id")" = "{${want[$class]}}" ] ||
		fail "$class: class_id $(cat "$d/class_id"), want {${want[$class]}}"
	[ "$(cat "$d/device_id")" = "{$instance}" ] || fail "$class: device_id"
	[ "$(cat "$d/id")" = "$relid" ] || fail "$class: id $(cat "$d/id") != relid $relid"
	[ "$(cat "$d/modalias")" = "vmbus:$(echo "${want[$class]}" |
		sed -E 's/(..)(..)(..)(..)-(..)(..)-(..)(..)-(.*)/\4\3\2\1\6\5\8\7\9/; s/-//')" ] ||
		fail "$class: modalias $(cat "$d/modalias")"
done
[ "$n" -ge 17 ] || fail "expected at least 17 devices, found $n"

out=$("$HVLIS_TOP/src/daemons/lsvmbus" -vv)
echo "$out" | head -n 12
[ "$(echo "$out" | grep -c '^VMBUS ID')" -eq "$n" ] || fail "lsvmbus -vv does not list every device"
! echo "$out" | grep '^VMBUS ID.*Unknown$' || fail "lsvmbus has no name for a class"
echo "$out" | grep -q 'Synthetic SCSI Controller' || fail "lsvmbus: no SCSI controller"
echo "$out" | grep -q 'Sysfs path: /sys/bus/vmbus/devices/' || fail "lsvmbus -vv: no sysfs path"
check_dmesg_clean

# udev loads class drivers from the modalias uevent: the echo device's
# MODALIAS must be one of the aliases our echo driver's module carries.
hv_load hv_echo_test
echo_dev=$(echo "$offered" | awk '$2 == "echo" {print $3}' | tr -d '{}')
alias=$(sed -n 's/^MODALIAS=//p' "/sys/bus/vmbus/devices/$echo_dev/uevent")
modinfo -F alias "$(hv_module_path hv_echo_test)" | grep -qx "$alias" ||
	fail "uevent MODALIAS $alias is not an alias of hv_echo_test"

# new_id / remove_id: bind the echo test driver to the heartbeat device
# (any channel opens), then take the id away again.
hb=$(echo "$offered" | awk '$2 == "heartbeat" {print $3}' | tr -d '{}')
drv=/sys/bus/vmbus/drivers/hv_echo_test
[ ! -e "$drv/$hb" ] || fail "echo driver bound heartbeat before new_id"
echo "${want[heartbeat]}" >"$drv/new_id" || fail "new_id refused"
wait_for 5 "[ -e $drv/$hb ]" || fail "new_id did not bind the heartbeat device"
echo "${want[heartbeat]}" >"$drv/remove_id" || fail "remove_id refused"
echo "$hb" >"$drv/unbind"
echo "$hb" >/sys/bus/vmbus/drivers_probe 2>/dev/null || true
[ ! -e "$drv/$hb" ] || fail "echo driver still binds heartbeat after remove_id"
check_dmesg_clean
