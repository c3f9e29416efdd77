#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The one test command.  Installs dependencies, fetches the test kernels,
# builds, then runs: unit tests, the daemons' fuzz targets, style checks, the kernel build matrix,
# guest scenarios under hvsim, and the packaging tests.  Every test prints
# one TAP line; the run ends with "N passed, N failed, N skipped".
#
#   check.sh full    `make check`: every scenario once per kernel its
#                    "# tags:" header names (6.1, 6.12, or both for
#                    compat), where for debug-tagged ones the debug kernel
#                    (built when missing: tests/kernels/debug.sh) takes the
#                    6.12 run, against hvsim's ASan/UBSan build; the other
#                    asan-tagged ones take their first kernel's run against
#                    that build; matrix 5.10, 6.1, 6.12, debug; units;
#                    packaging
#   check.sh quick   `make check-quick`: user space, unit tests, style, the
#                    6.1 build, the quick-tagged scenarios on 6.1, units
#   check.sh all     `make check-all`: every scenario on 6.1 and on 6.12,
#                    plus one more run of each asan-tagged one against
#                    hvsim's ASan/UBSan build, the debug runs, matrix, units
#                    and packaging
#
# "units" is the daemons' systemd units and udev rules (tests/units/), checked
# on this machine in about a second, so every mode runs it.
#
# Scenarios are tests/guest/<area>/*.sh (not peer/); tags are explained in
# tests/qemu/boot.sh's header.  They run HVLIS_JOBS at a time (default 2;
# HVLIS_JOBS=1 runs them one after the other, as for timing one).  Each
# stage prints its wall time, and the run ends with a timing summary:
# `make check` must stay well inside 45 minutes on 2 cores (README, "Test
# time").
set -uo pipefail

mode=${1:-full}
case $mode in
full | quick | all) ;;
*) echo "usage: check.sh [full|quick|all]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
. tests/qemu/headers.sh
t0=$(date +%s)

# Dependencies and kernels are set-up, not tests: failing them stops the run.
tests/deps.sh || exit 1
if [ "$mode" = quick ]; then
	kernels=(6.1)
else
	kernels=(5.10 6.1 6.12)
fi
tests/kernels/fetch.sh "${kernels[@]}" >/dev/null || exit 1
if [ "$mode" != quick ]; then
	# the debug guest kernel: 14 min on 2 cores when not cached
	dbg=$(tests/kernels/debug.sh) || exit 1
	echo "# $dbg"
	kernels+=(debug)
fi
printf "setup\t%s\n" $(($(date +%s) - t0)) >"$out/times"

tap_cmd() {	# tap_cmd NAME COMMAND...: one TAP line for a command's success
	if "${@:2}" >"$out/log" 2>&1; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		tail -n 30 "$out/log" | sed 's/^/# /'
	fi
}

step() {	# step NAME COMMAND...: run, show, and keep its TAP lines and time
	local s secs
	echo "# --- $1" | tee -a "$out/tap"
	s=$(date +%s)
	"${@:2}" 2>&1 | tee -a "$out/tap"
	secs=$(($(date +%s) - s))
	echo "# --- stage $1: $secs s"
	printf '%s\t%s\n' "$1" "$secs" >>"$out/times"
}

scenario() {	# scenario SERIES FILE [--asan]: boot.sh, always one TAP line
	local res rc
	res=$(tests/qemu/boot.sh --series "$1" --scenario "$2" "${@:3}" 2>&1)
	rc=$?
	printf '%s\n' "$res"
	printf '%s\n' "$res" | grep -q '^\(not \)\?ok ' ||
		echo "not ok - $1 $(basename "$2" .sh) # boot.sh exited $rc without a result"
}

step "user space" tap_cmd "user-space build (-Werror)" make -s user
[ "$mode" = quick ] ||
	step "hvsim asan build" tap_cmd "hvsim ASan/UBSan build" make -s -C tests/hvsim asan
step "unit tests" tests/unit/run.sh
step "fuzz" tests/fuzz/run.sh 5
step "style" tests/style.sh
step "build matrix" tests/matrix.sh "${kernels[@]}"

# Which scenario runs where, from its header (style.sh reports bad headers;
# such a scenario does not run).
runs=()	# "SERIES FILE"
asan=()	# "SERIES FILE"
debug=()	# FILE
while IFS= read -r t; do
	h=$(hdr_read "$t" 2>/dev/null) || continue
	ks=$(hdr_kernels "$h")
	[ -n "$ks" ] || continue
	if [ "$mode" = quick ]; then
		hdr_has_tag "$h" quick && runs+=("6.1 $t")
		continue
	fi
	if hdr_has_tag "$h" debug; then
		# The debug kernel is a 6.12 one: in `make check` its run is the
		# scenario's 6.12 run, against hvsim's ASan/UBSan build, so one
		# run checks the guest and the host side.
		debug+=("$t")
		ks=$(echo "$ks" | grep -vx 6.12)
	elif hdr_has_tag "$h" asan; then
		# The host side under ASan/UBSan, once, on the scenario's (first)
		# kernel: in `make check` that is the scenario's run there (the
		# guest side is the same either way), in check-all one more run.
		a=$(echo "$ks" | head -n 1)
		if [ "$mode" = full ]; then
			runs+=("$a $t --asan")
			ks=$(echo "$ks" | grep -vxF "$a")
		else
			asan+=("$a $t")
		fi
	fi
	[ "$mode" = full ] || ks=$'6.1\n6.12'
	for k in $ks; do runs+=("$k $t"); done
done < <(find tests/guest -mindepth 2 -name '*.sh' ! -path '*/peer/*' ! -name 'tmp_*' | sort)
# The scenarios run HVLIS_JOBS at a time (default 2): a TCG guest keeps
# about 0.6 (stock) to 1.4 (debug) of this machine's 2 cores busy, the
# rest of its time it waits (sleeps, timeouts, the host), so two at once
# finish the lot in about two thirds of the time.  Each has its own run
# directory, network namespace and hvsim; their output is shown whole, in
# the order below, as each finishes.  Debug runs go first: they are the
# longest, and the pool ends sooner with the short ones last.
plan=()	# "LABEL|SERIES|FILE|--asan or empty"
for t in "${debug[@]}"; do
	plan+=("guest debug $(basename "$t" .sh)|debug|$t|--asan")
done
for k in 6.1 6.12; do
	for r in "${runs[@]}" ; do
		[ "${r%% *}" = "$k" ] || continue
		t=${r#* }
		case $t in
		*" --asan")
			t=${t% --asan}
			plan+=("guest $k $(basename "$t" .sh) (hvsim asan)|$k|$t|--asan")
			;;
		*) plan+=("guest $k $(basename "$t" .sh)|$k|$t|") ;;
		esac
	done
done
for r in "${asan[@]}"; do
	t=${r#* }
	plan+=("guest ${r%% *} $(basename "$t" .sh) (hvsim asan)|${r%% *}|$t|--asan")
done

cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
# each kernel's initramfs once, before boots that would all build it
for k in "${kernels[@]}"; do
	[ "$k" = 5.10 ] || tests/qemu/mkinitramfs.sh "$k" "$cache/kernels/$k/initramfs.cpio.gz"
done

job_start() {	# job_start I: plan[I] in the background, output to job.I
	local label series file flags s
	IFS='|' read -r label series file flags <<<"${plan[$1]}"
	(
		s=$(date +%s)
		# shellcheck disable=SC2086 # flags: one word or none
		scenario "$series" "$file" $flags >"$out/job.$1" 2>&1
		echo $(($(date +%s) - s)) >"$out/job.$1.tmp"
		mv "$out/job.$1.tmp" "$out/job.$1.secs"
	) &
}

job_show() {	# job_show I: as step() shows a stage
	local label secs
	label=${plan[$1]%%|*}
	secs=$(cat "$out/job.$1.secs")
	echo "# --- $label" | tee -a "$out/tap"
	tee -a "$out/tap" <"$out/job.$1"
	echo "# --- stage $label: $secs s"
	printf '%s\t%s\n' "$label" "$secs" >>"$out/times"
}

jobs=${HVLIS_JOBS:-2}
n=${#plan[@]}
next=0
shown=0
s0=$(date +%s)
while [ "$shown" -lt "$n" ]; do
	running=0
	for ((i = shown; i < next; i++)); do
		[ -e "$out/job.$i.secs" ] || running=$((running + 1))
	done
	if [ "$next" -lt "$n" ] && [ "$running" -lt "$jobs" ]; then
		job_start "$next"
		next=$((next + 1))
		continue
	fi
	while [ "$shown" -lt "$next" ] && [ -e "$out/job.$shown.secs" ]; do
		job_show "$shown"
		shown=$((shown + 1))
	done
	[ "$shown" -lt "$n" ] || break
	# until a job ends (a second at most: a job that ended before this
	# wait began is seen on the next turn)
	wait -n 2>/dev/null || sleep 1
done
wait
printf 'scenarios (wall, %s at a time)\t%s\n' "$jobs" $(($(date +%s) - s0)) >>"$out/times"

step "units" tests/units/security.sh
[ "$mode" = quick ] || step "packaging" tests/packaging/run.sh

# Timing: per group of stages, the slowest scenarios, and the total.
echo "# --- timing (wall seconds)"
awk -F'\t' -v total=$(($(date +%s) - t0)) '
	{
		g = $1
		if (g ~ /\(hvsim asan\)$/) g = "guests, hvsim asan"
		else if (g ~ /^guest /) { split(g, w, " "); g = "guests on " w[2] }
		if (!(g in sum)) order[n++] = g
		sum[g] += $2; cnt[g]++
		if ($1 ~ /^guest /) print $2 "\t" substr($1, 7) >"/dev/stderr"
	}
	END {
		for (i = 0; i < n; i++) {
			g = order[i]
			printf "#   %-28s %5d s%s\n", g, sum[g],
				(g ~ /^guests/ ? sprintf(" (%d)", cnt[g]) : "")
		}
		printf "#   %-28s %5d s (%.1f min)\n", "total", total, total / 60
	}' "$out/times" 2>"$out/scen"
if [ -s "$out/scen" ]; then
	echo "#   slowest scenarios:"
	sort -rn "$out/scen" | head -n 8 | awk -F'\t' '{ printf "#     %5d s  %s\n", $1, $2 }'
fi

# The summary repeats, for each failure, why: its FAIL line, the scenario's
# last notes before it, the last kernel lines of our modules and any panic
# lines after it (CI may show only the end).
awk '
	function add(line) { failed = failed "\n#     " line }
	/^ok .*# SKIP/ { s++; next }
	/^ok/ { p++; cur = ""; why = ""; n = m = 0; next }
	/^not ok/ {
		f++; cur = $0
		failed = failed "\n#   " $0
		if (why != "") add(why)
		for (i = (n > 6 ? n - 6 : 0); i < n; i++)
			if (ctx[i % 6] != why) add(ctx[i % 6])
		for (i = (m > 4 ? m - 4 : 0); i < m; i++) add(kern[i % 4])
		why = ""; n = m = 0; next
	}
	/^# FAIL:/ { why = $0 }
	/^# --- / { cur = ""; why = ""; n = m = 0; next }
	cur != "" && /(Kernel panic|BUG:|Oops|RIP:|timed out|Call Trace)/ &&
	    shown[cur]++ < 6 { add($0) }
	/^# dmesg:/ {
		if (/hv_|netvsc|storvsc|vmbus/) { kern[m % 4] = $0; m++ }
		next
	}
	{ ctx[n % 6] = $0; n++ }
	END {
		if (f) print "# failed:" failed
		printf "%d passed, %d failed, %d skipped\n", p, f, s
		exit f ? 1 : 0
	}' "$out/tap"
