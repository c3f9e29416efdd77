#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Style: checkpatch.pl (from Debian's linux-source-6.12) over every C file
# and header under src/ and tests/ (hvsim, the unit tests and the test
# module keep kernel style too), no kernel-version tests outside src/compat/, the
# tool shellcheck over every shell file under tests/ and packaging/ (its exceptions are
# in tests/.shellcheckrc or inline, each with its reason), and every guest
# scenario's header (tests/qemu/headers.sh: known keys and tags, one
# kernel tag, unique names).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}
cp_dir=$cache/checkpatch
if [ ! -f "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$cp_dir" --strip-components=1 \
		linux-source-6.12/scripts/checkpatch.pl linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi

cd "$top" || exit 1
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 2>/dev/null ||
	find src tests -name '*.[ch]' ! -path '*/build/*')
files=$(echo "$files" | grep -v '^src/compat/probes/')
n=$(echo "$files" | wc -l)
checkpatch() {	# checkpatch IGNORE FILE...: print what it finds
	local out
	out=$(perl "$cp_dir/scripts/checkpatch.pl" --no-tree --quiet --terse \
		--show-types --ignore "FILE_PATH_CHANGES$1" -f "${@:2}" 2>&1) ||
		printf '%s\n' "$out"
}
# One checkpatch run for the files without accepted findings (its start
# costs as much as a small file), one per file for those with them (each
# with its reason in tests/style-exceptions).
checkpatch_some() {
	local f ignore plain=()
	for f in "$@"; do
		ignore=$(awk -v f="$f" '$1 == f { printf ",%s", $2 }' "$top/tests/style-exceptions")
		if [ -n "$ignore" ]; then
			checkpatch "$ignore" "$f"
		else
			plain+=("$f")
		fi
	done
	[ ${#plain[@]} -eq 0 ] || checkpatch "" "${plain[@]}"
}
# one share of the files per CPU, run side by side
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
cp_out=$(mktemp -d)
for ((j = 0; j < jobs; j++)); do
	mapfile -t share < <(echo "$files" | awk -v j=$j -v n="$jobs" 'NR % n == j')
	checkpatch_some "${share[@]}" >"$cp_out/$j" &
done
wait
report=$(cat "$cp_out"/*)
rm -rf "$cp_out"
findings=$(echo "$report" | grep -c ': \(WARNING\|ERROR\|CHECK\):')
if [ -z "$report" ]; then
	echo "ok - checkpatch: $n files under src/ and tests/ clean"
else
	echo "not ok - checkpatch: $findings findings in $n files"
	echo "$report" | grep -v '^total:' | head -n 40 | sed 's/^/# /'
fi

hits=$(grep -rln -e LINUX_VERSION_CODE -e RHEL_RELEASE_CODE src --include='*.[ch]' |
	grep -v '^src/compat/')
if [ -z "$hits" ]; then
	echo "ok - no kernel-version tests outside src/compat"
else
	echo "not ok - kernel-version tests outside src/compat: $hits"
fi

# Shell: every *.sh under tests/ and packaging/ and every file there that
# starts with a shell's #! (maintainer scripts, the initramfs hook);
# scenario fragments say "# shellcheck shell=bash".
shell_files=$(find tests packaging -type f ! -path '*/build/*' | sort | while read -r f; do
	case $f in
	*.sh) echo "$f" ;;
	*) head -n 1 "$f" 2>/dev/null | grep -qE '^#!.*(/|busybox )(ba|da)?sh' && echo "$f" ;;
	esac
done)
n=$(echo "$shell_files" | wc -l)
if ! command -v shellcheck >/dev/null; then
	echo "not ok - shellcheck: not installed (tests/deps.sh)"
elif out=$(echo "$shell_files" | xargs shellcheck -x -f gcc 2>&1); then
	echo "ok - shellcheck: $n shell files under tests/ and packaging/ clean"
else
	echo "not ok - shellcheck: $(echo "$out" | grep -c ': \(error\|warning\|note\|style\):') findings in $n shell files"
	echo "$out" | head -n 40 | sed 's/^/# /'
fi

# Scenario headers: what boot.sh and check.sh read must be right before
# anything boots.
. tests/qemu/headers.sh
scen=$(find tests/guest -mindepth 2 -name '*.sh' ! -path '*/peer/*' ! -name 'tmp_*' | sort)
bad=
err=$(mktemp)
for f in $scen; do
	if ! h=$(hdr_read "$f" 2>"$err"); then
		bad+=$(cat "$err")$'\n'
	elif [ -z "$(hdr_get "$h" tags)" ]; then
		bad+="$f: no \"# tags:\" line"$'\n'
	elif [ -z "$(hdr_kernels "$h")" ]; then
		bad+="$f: no kernel tag (6.1, 6.12 or compat) in \"# tags: $(hdr_get "$h" tags)\""$'\n'
	fi
done
for f in $(find tests/guest -mindepth 2 -path '*/peer/*' -name '*.sh') tests/qemu/demo.sh tests/bench/*.sh; do
	case $f in tests/bench/run.sh) continue ;; esac
	hdr_read "$f" >/dev/null 2>"$err" || bad+=$(cat "$err")$'\n'
done
rm -f "$err"
dups=$(for f in $scen; do basename "$f"; done | sort | uniq -d)
[ -z "$dups" ] || bad+="scenario names used twice: $dups"$'\n'
if [ -z "$bad" ]; then
	echo "ok - scenario headers: $(echo "$scen" | wc -l) scenarios, known keys and tags, one kernel tag each"
else
	echo "not ok - scenario headers"
	printf '%s' "$bad" | sed 's/^/# /'
fi
