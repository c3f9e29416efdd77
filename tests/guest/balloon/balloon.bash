# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Helpers of the Dynamic Memory scenarios (sourced after tests/guest/lib.sh).

# meminfo KEY: /proc/meminfo's value of KEY, in kB
meminfo() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# ram_alloc: the bytes of the guest-RAM file the host has allocated
ram_alloc() {
	hostctl imageinfo guest.ram | awk '{ print $4 }'
}

# debugfs_val NAME: a line of hv_balloon's debugfs file
debugfs_val() {
	awk -F': *' -v k="$1" '$1 ~ "^" k " *$" { print $2 }' /sys/kernel/debug/hv-balloon
}

# host_idle: the DM host runs no transaction
host_idle() {
	[ "$(hval memory.transaction memory status)" = none ]
}

# dm_load: hv_balloon with status reports from the start, and the
# handshake done
dm_load() {
	insmod "$(hv_module_path hv_balloon)" pressure_report_delay=0 ||
		fail "insmod hv_balloon"
	wait_for 10 "[ \"\$(hval memory.state memory status)\" = ready ]" ||
		fail "no handshake: $(hostctl memory status | tr '\n' ' ')"
}
