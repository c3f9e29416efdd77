#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lsvmbus over a fake sysfs tree: order by id, class names, -v/-vv layout
# as the upstream tool prints it.
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s -C "$top/src/daemons" lsvmbus || { echo "not ok - lsvmbus builds"; exit 0; }

mkdev() {	# mkdev NAME ID CLASS MAPPING
	mkdir -p "$tmp/$1"
	echo "$2" >"$tmp/$1/id"
	echo "$3" >"$tmp/$1/class_id"
	echo "{$1}" >"$tmp/$1/device_id"
	printf '%b' "$4" >"$tmp/$1/channel_vp_mapping"
}
mkdev f8615163-0000-0000-0000-000000000001 14 '{f8615163-df3e-46c5-913f-f2d2f965ed0e}' '14:0\n30:1\n29:0\n'
mkdev 9527e630-0000-0000-0000-000000000002 3 '{9527e630-d0ae-497b-adce-e80ab0175caf}' '3:0\n'
mkdev 11111111-0000-0000-0000-000000000003 7 '{11111111-2222-3333-4444-555555555555}' '7:1\n'

out=$(LSVMBUS_SYSFS=$tmp "$top/src/daemons/lsvmbus")
want='VMBUS ID  3: [Time Synchronization]
VMBUS ID  7: Unknown
VMBUS ID 14: Synthetic network adapter'
# shellcheck disable=SC2001 # sed prefixes every line, ${//} cannot
[ "$out" = "$want" ] && echo "ok - lsvmbus lists by id with class names" ||
	{ echo "not ok - lsvmbus lists by id with class names"; echo "$out" | sed 's/^/# /'; }

out=$(LSVMBUS_SYSFS=$tmp "$top/src/daemons/lsvmbus" -vv | sed -n '/ID 14/,$p')
want=$(printf 'VMBUS ID 14: Class_ID = {f8615163-df3e-46c5-913f-f2d2f965ed0e} - Synthetic network adapter\n\tDevice_ID = {f8615163-0000-0000-0000-000000000001}\n\tSysfs path: %s/f8615163-0000-0000-0000-000000000001\n\tRel_ID=14, target_cpu=0\n\tRel_ID=29, target_cpu=0\n\tRel_ID=30, target_cpu=1' "$tmp")
[ "$out" = "$want" ] && echo "ok - lsvmbus -vv shows device id, path and sorted channels" ||
	{ echo "not ok - lsvmbus -vv shows device id, path and sorted channels"; diff <(echo "$want") <(echo "$out") | sed 's/^/# /'; }
