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
	local line part='' rc=1 waits=0
	if [ -z "${HOSTCTL_FD:-}" ]; then
		stty -F /dev/ttyS2 raw -echo 115200 2>/dev/null
		exec {HOSTCTL_FD}<>/dev/ttyS2
	fi
	echo "$*" >&"$HOSTCTL_FD"
	# At most 60 s without a line, as 60 reads of 1 s: bash's read -t
	# goes by the wall clock, which a scenario (or hv_utils' time sync)
	# may move by an hour; a read cut short keeps its part of the line.
	while :; do
		if IFS= read -r -t 1 line <&"$HOSTCTL_FD"; then
			line=$part${line%$'\r'}
			part=
			waits=0
		else
			[ $? -gt 128 ] || break
			part+=$line
			waits=$((waits + 1))
			[ $waits -lt 60 ] || break
			continue
		fi
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

# The debug kernel (series "debug": KASAN, lockdep, kmemleak, SLUB
# debugging) runs the scenarios 3-4 times slower than a stock kernel: time
# limits are longer there, and loops that repeat only for stress run
# fewer times (stress_count), since its checks catch a bad access or lock
# the first time it happens, not by the law of large numbers.
hv_slowdown=1
[ "${HVLIS_SERIES:-}" != debug ] || hv_slowdown=4

# stress_count N [D]: N, or N/D (D defaults to 8; at least 1) on the
# debug kernel.
stress_count() {
	local d=${2:-8}
	if [ "$hv_slowdown" = 1 ]; then echo "$1"; else echo $(( $1 / d > 0 ? $1 / d : 1 )); fi
}

# Pages pinned by pin_user_pages() (FOLL_PIN) and not yet released: a
# driver that pins user memory (Endure's queues and regions) must bring
# this back to where it was.
pinned() {
	awk '$1 == "nr_foll_pin_acquired" { a = $2 } $1 == "nr_foll_pin_released" { r = $2 } END { print a - r }' /proc/vmstat
}

# Wait up to $1 seconds (times hv_slowdown) for a shell condition.
wait_for() {
	local secs=$(($1 * hv_slowdown)) i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		if eval "$*"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# What in the kernel log is a report of a kernel bug: WARN() and lockdep
# ("WARNING: possible circular locking dependency", "inconsistent lock
# state"), BUG: lines (KASAN and KFENCE say "BUG: KASAN: ..."/"BUG:
# KFENCE: ...", might_sleep() "BUG: sleeping function called from invalid
# context"), SLUB debugging's "BUG kmalloc-64 (...): Poison overwritten",
# UBSAN, debug objects (ODEBUG), list and refcount corruption, lockdep's
# "INFO: trying to register non-static key" and oopses.  The debug kernel
# (tests/kernels/debug.sh) is what makes most of these possible; on a stock
# kernel only WARN, BUG and oops can appear.
kernel_bug_re='WARNING:|\<BUG[: ]|Oops|general protection|UBSAN|KASAN|KFENCE|ODEBUG|refcount_t|list_(add|del) corruption|INFO: (trying|possible|suspicious|inconsistent)'

# Print the kernel log's bug reports since boot (nothing when there are none).
kernel_bug_reports() {
	dmesg | grep -E -e "$kernel_bug_re"
}

# dmesg must not show a kernel warning, oops or BUG since boot.
check_dmesg_clean() {
	if kernel_bug_reports; then
		fail "kernel log shows a warning or oops"
	fi
}

# On a kernel with kmemleak (the debug kernel), print the objects it
# reports as leaked that were allocated since kmemleak_mark (or all of
# them without a mark), with their allocation stacks; nothing when there
# are none or the kernel has no kmemleak.  kmemleak reports an object only
# once a scan found it unreferenced with the checksum the scan before
# computed, and it was 5 s old when that second scan began: hence two
# scans, started at least 6 s apart (a scan takes about half that on the
# debug kernel under TCG).  guest.sh calls kmemleak_mark before every
# scenario and this after it, so what the boot itself left is not counted
# against the scenario.  (A mark, not a scan and "clear" before: that scan
# cost 3-5 s per scenario.  What it would catch beyond the mark, an object
# from before the scenario that the scenario orphaned, cannot come from
# our modules: the scenario loads them.)
kmemleak_reports() {
	local k=/sys/kernel/debug/kmemleak
	[ -e $k ] || return 0
	local t0
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo scan >$k
	sleep "$(awk -v t0="$t0" '{ w = t0 + 6 - $1; print (w > 0 ? w : 0) }' /proc/uptime)"
	echo scan >$k
	# one report per "unreferenced object" line; its second line says
	# 'comm "x", pid N, jiffies J'
	awk -v since="${hv_kmemleak_since:-0}" '
		function flush() { if (rep != "" && j >= since) printf "%s", rep; rep = "" }
		/^unreferenced object/ { flush(); j = since }	# kept unless its comm line says older
		/^  comm .*jiffies [0-9]+/ { j = $NF + 0 }
		{ rep = rep $0 "\n" }
		END { flush() }' $k
}

# Remember the kernel's jiffies now (/proc/timer_list): kmemleak_reports
# leaves out objects allocated before.
kmemleak_mark() {
	[ -e /sys/kernel/debug/kmemleak ] || return 0
	hv_kmemleak_since=$(awk '/^jiffies:/ { print $2; exit }' /proc/timer_list)
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

# Network: our netvsc on the stack.
hv_load_net() {
	hv_load_stack
	hv_load hv_netvsc
}

# Run a command on the host, in the run's network namespace (the
# scenario's "# netns: yes"); prints its output, returns its status.
host() {
	hostctl host "$@"
}

# The netvsc netdevs, by name, one per line (the kernel names them).
hv_nics() {
	local d
	for d in /sys/class/net/*; do
		[ "$(cat "$d/device/class_id" 2>/dev/null)" = \
			"{f8615163-df3e-46c5-913f-f2d2f965ed0e}" ] && basename "$d"
	done
	return 0
}

# Name of the $1-th (default first) synthetic NIC, once it exists (10 s).
hv_nic() {
	local n
	for _ in $(seq 100); do
		n=$(hv_nics | sed -n "$((${1:-0} + 1))p")
		[ -n "$n" ] && { echo "$n"; return 0; }
		sleep 0.1
	done
	return 1
}

# The sysfs directory of hvsim's echo device (bound by hv_echo_test).
hv_echo_dev() {
	local d
	for d in /sys/bus/vmbus/devices/*; do
		if [ "$(cat "$d/class_id")" = '{424af1d1-b4b6-4ca5-9423-cde96f24e12f}' ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# Value of one line of the host's "hvsim ctl vmbus" ($1: e.g. vmbus.unloads).
vmbus_stat() {
	hostctl vmbus | awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }'
}

# hval KEY COMMAND...: the value of "KEY=value" in the output of the host
# command (hvsim's IC devices print their status that way).
hval() {
	local k=$1 out
	shift
	out=$(hostctl "$@") || return 1
	printf '%s\n' "$out" | sed -n "s/^$k=//p"
}

# ic_ready COMMAND...: the host's IC device COMMAND agreed versions with
# the guest (its "COMMAND.state" is ready).
ic_ready() {
	[ "$(hval "$1.state" "$@")" = ready ]
}

# Value of one host-side counter of NIC $1 (hvsim "net stats").
net_stat() {
	hostctl net stats "$1" | awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }'
}

# A guest-side netdev counter ($1 netdev, $2 ethtool -S name).
nic_stat() {
	ethtool -S "$1" | awk -v k="$2:" '$1 == k { print $2; f = 1 } END { exit !f }'
}

# Bring NIC $1 up with address $2 (CIDR) and wait for carrier (10 s).
nic_up() {
	local nic_dev=$1
	ip addr add "$2" dev "$nic_dev"
	ip link set "$nic_dev" up
	wait_for 10 '[ "$(cat /sys/class/net/$nic_dev/carrier 2>/dev/null)" = 1 ]' ||
		fail "$nic_dev: no carrier"
}

# Bytes/s iperf3 reports for the receiver of one run (its JSON on stdin).
iperf_bps() {
	sed -n 's/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' | tail -n 1
}

# iperf_client FILE ARGS...: one iperf3 client run ("-c HOST -n 20M -R"...)
# with its JSON report in FILE.  Succeeds only when the report says the
# test ran to its end: no "error" and a receiver sum.  The exit status is
# not enough: iperf3 3.11 and 3.12 (Debian 12) exit 0 under -J whatever
# failed (esnet/iperf#1405), e.g. a refused connection or a busy server.
# Those two mean the server is not listening yet or still finishing the
# last test, so they are retried for up to IPERF_WAIT seconds (default
# 30); any other failure is final.  On failure prints what iperf3 said.
iperf_client() {
	local f=$1 rc why end=$((SECONDS + ${IPERF_WAIT:-30}))
	shift
	while :; do
		rc=0
		iperf3 "$@" -J >"$f" 2>"$f.err" || rc=$?
		why=$(iperf_report_error "$f" "$rc") && return 0
		case $why in
		*"Connection refused"* | *"server is busy"*)
			if [ "$SECONDS" -lt "$end" ]; then
				sleep 1
				continue
			fi
			;;
		esac
		echo "iperf3 $*: ${why:-its report could not be read}"
		return 1
	done
}

# iperf_report_error FILE STATUS: succeeds (silently) when iperf3's JSON
# report FILE, from a run that exited with STATUS, is a finished test;
# otherwise prints why not and fails.
iperf_report_error() {
	local f=$1 rc=$2 err why
	err=$(head -n 3 "$f.err" 2>/dev/null | awk 'NR > 1 { printf " / " } { printf "%s", $0 }' | cut -c 1-300)
	# jq, not python: it starts in a fraction of the time (3.7 s for python
	# on the debug kernel, twice per iperf3 run)
	if [ ! -s "$f" ]; then
		why="no JSON report (empty)"
	elif ! why=$(jq -r --argjson rc "$rc" '(.end // {}) as $e |
		if .error then "error \"\(.error)\""
		elif $rc != 0 then "no error in the report"
		elif ($e | type) != "object" or (($e | has("sum_received")) or ($e | has("sum")) | not) then
			"no receiver sum in the report (end: \($e | if type == "object" then keys else type end))"
		else empty end' "$f" 2>&1); then
		why="no JSON report (${why//$'\n'/ })"
	fi
	[ -n "$why" ] || return 0
	echo "$why, exit status $rc${err:+; stderr: $err}"
	return 1
}

# iperf_server PORT: an iperf3 server in this guest (a peer's), returning
# once it listens, so that whoever this guest signals next (answering
# pings, say) finds it ready.
iperf_server() {
	local port=$1
	iperf3 -s -D -p "$port" --logfile "/tmp/iperf3-server-$port.log" ||
		fail "iperf3 -s -p $port"
	wait_for 20 'tcp_listening $port' || fail "iperf3 -s -p $port does not listen"
}

# tcp_listening PORT: a TCP socket of this guest listens on PORT;
# host_tcp_listening PORT: one of the host's, in the run's namespace.
tcp_listening() {
	[ -n "$(ss -Hltn "sport = :$1")" ]
}
host_tcp_listening() {
	[ -n "$(host ss -Hltn "sport = :$1")" ]
}

# kvp_op WORDS...: queue one operation on hvsim's "kvp" device; its result
# line in $r.  (Words reach hvsim through the relay split at spaces: no
# spaces in values.)
kvp_op() {
	local before n
	before=$(hostctl kvp results | grep -c '^kvp.result') || true
	hostctl kvp "$@" >/dev/null || fail "kvp $* was refused"
	wait_for 40 "[ \$(hostctl kvp results | grep -c '^kvp.result') -gt $before ]" ||
		fail "kvp $*: no result: $(hostctl kvp results | tail -n 3 | tr '\n' ' ')"
	n=$((before + 1))
	# shellcheck disable=SC2034 # $r is the caller's result
	r=$(hostctl kvp results | grep '^kvp.result' | sed -n "${n}p")
}

# kvp_rec KEY: the value of pool 2's KEY in the newest "kvp info" (kvp_op
# info first): what the guest told the host of itself.
kvp_rec() {
	hostctl kvp results | sed -n "s/^kvp.record pool=2 index=[0-9]* key=$1 value=//p" | tail -n 1
}

# hv_install_glue: under "# init: systemd", our daemons, KVP helpers, udev
# rules and units installed by the tree's own install targets (the daemons'
# `make install` and `make install-glue`) where the packages put them, and
# systemd and udev told.  The guest's /etc and /usr are an overlay: the
# machine's are not touched.
hv_install_glue() {
	make -s -C "$HVLIS_TOP/src/daemons" install
	make -s -C "$HVLIS_TOP" install-glue UDEVDIR=/etc/udev UNITDIR=/etc/systemd/system
	systemctl daemon-reload
	udevadm control --reload
}
