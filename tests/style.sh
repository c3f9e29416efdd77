#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel style: checkpatch.pl (from Debian's linux-source-6.12) over every C
# file and header under src/, and no kernel-version tests outside src/compat/.
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
files=$(git ls-files 'src/*.c' 'src/*.h' 2>/dev/null || find src -name '*.[ch]')
files=$(echo "$files" | grep -v '^src/compat/probes/')
n=$(echo "$files" | wc -l)
findings=0
report=
for f in $files; do
	# per-file exceptions, each with its reason, in tests/style-exceptions
	ignore=$(awk -v f="$f" '$1 == f { printf ",%s", $2 }' "$top/tests/style-exceptions")
	out=$(perl "$cp_dir/scripts/checkpatch.pl" --no-tree --quiet --terse \
		--show-types --ignore "FILE_PATH_CHANGES$ignore" -f "$f" 2>&1) && continue
	findings=$((findings + $(echo "$out" | grep -c ': \(WARNING\|ERROR\|CHECK\):')))
	report+=$out$'\n'
done
if [ -z "$report" ]; then
	echo "ok - checkpatch: $n files under src/ clean"
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
