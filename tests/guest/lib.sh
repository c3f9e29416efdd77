# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Helpers for guest scenarios (sourced by tests/qemu/guest.sh before each
# scenario).  A scenario is a bash script that exits 0 on success; whatever
# it prints becomes TAP comments.  Exit 77 means "skipped".
#
# Environment: HVLIS_TOP (the source tree), HVLIS_BUILD (modules built for
# the running kernel), HVLIS_SERIES (5.10/6.1/6.12).  Scenarios run with
# "set -eu": a failing command fails the scenario.

fail() {
	echo "FAIL: $*"
	exit 1
}

note() {
	echo "$*"
}

# Path of one of our built modules, by module name.
hv_module_path() {
	local m
	m=$(find "$HVLIS_BUILD" -name "$1.ko" | head -n 1)
	[ -n "$m" ] || fail "module $1 was not built for $(uname -r)"
	echo "$m"
}

# insmod our build of each named module (never the distribution's), after
# its dependencies: ours by insmod, the kernel's own by modprobe.
hv_load() {
	local m path dep
	for m in "$@"; do
		[ -d "/sys/module/$m" ] && continue
		path=$(hv_module_path "$m")
		for dep in $(modinfo -F depends "$path" | tr ',' ' '); do
			if find "$HVLIS_BUILD" -name "$dep.ko" | grep -q .; then
				hv_load "$dep"
			else
				modprobe "$dep" || fail "modprobe $dep (for $m) failed"
			fi
		done
		insmod "$path" || fail "insmod $m failed"
	done
}

# Storage: our storvsc plus the disk driver udev would load for its LUNs.
hv_load_storage() {
	hv_load_stack
	hv_load hv_storvsc
	modprobe sd_mod || fail "modprobe sd_mod failed"
}

# The whole stack as "make run" shows it: the bus on the hvsim transport.
hv_load_stack() {
	hv_load hv_vmbus hv_vmbus_sim
}

# Run one hvsim control command on the host ("hvsim ctl WORDS..."), as the
# Hyper-V administrator would; prints its output, returns its status.
hostctl() {
	local line rc=1
	if [ -z "${HOSTCTL_FD:-}" ]; then
		stty -F /dev/ttyS2 raw -echo 115200 2>/dev/null
		exec {HOSTCTL_FD}<>/dev/ttyS2
	fi
	echo "$*" >&"$HOSTCTL_FD"
	while IFS= read -r -t 60 line <&"$HOSTCTL_FD"; do
		line=${line%$'\r'}
		case $line in
		$'\004 rc='*)
			rc=${line#$'\004 rc='}
			break
			;;
		*) echo "$line" ;;
		esac
	done
	return "$rc"
}

# Wait up to $1 seconds for a shell condition.
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		if eval "$@"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# dmesg must not show a kernel warning, oops or BUG since boot.
check_dmesg_clean() {
	if dmesg | grep -E -e 'WARNING:|BUG:|Oops|general protection|UBSAN|KASAN|refcount_t'; then
		fail "kernel log shows a warning or oops"
	fi
}

# Instance GUID of the first device of class $1 hvsim offers (hostctl devices).
hv_instance() {
	hostctl devices | awk -v c="$1" '$2 == c {gsub(/[{}]/, "", $3); print $3; exit}'
}

# /dev/sdX of LUN $2 on the storage controller with instance $1, once it
# exists (up to ${3:-10} seconds).
hv_disk() {
	local inst=$1 lun=$2 d
	for _ in $(seq $((${3:-10} * 10))); do
		for d in /sys/bus/scsi/devices/*:*:*:"$lun"/block/*; do
			if [ -e "$d" ] && readlink -f "$d" | grep -q "/$inst/"; then
				echo "/dev/$(basename "$d")"
				return 0
			fi
		done
		sleep 0.1
	done
	return 1
}
