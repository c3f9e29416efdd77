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

# dm_settled: the host is done: no transaction, and the balloon the same
# over two reports
dm_settled() {
	local a b
	a=$(hostctl memory status | grep -E '^memory.(transaction|ballooned_pages|hot_added_mb)=' | tr '\n' ' ')
	sleep 2
	b=$(hostctl memory status | grep -E '^memory.(transaction|ballooned_pages|hot_added_mb)=' | tr '\n' ' ')
	[ "$a" = "$b" ] && case $a in *transaction=none*) true ;; *) false ;; esac
}

# grow_workload MIB STEPS GAP: STEPS stress-ng workers of MIB MiB each,
# started GAP seconds apart, each touching its memory once and holding it
# until all of them end together; fails if any worker does.  stress-ng
# refuses to start in a directory it cannot write (the tree is read-only
# in the guest when it lives under /tmp, as in CI): /tmp is the guest's.
grow_workload() {
	local mib=$1 steps=$2 gap=$3 i pids=()
	for i in $(seq 1 "$steps"); do
		stress-ng --temp-path /tmp --vm 1 --vm-bytes "${mib}M" --vm-keep --vm-hang 0 \
			--timeout $(( (steps - i) * gap + 2 * gap ))s &
		pids+=($!)
		sleep "$gap"
	done
	for i in "${pids[@]}"; do
		wait "$i" || return 1
	done
}
