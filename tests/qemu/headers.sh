# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Scenario headers, read one way by boot.sh and check.sh (sourced by both).
#
# A scenario's header is its leading block of comment lines.  A line of
# that block that starts with a lowercase word and a colon ("# word: ...",
# also "#word:" or "#  word:") is a header line: it must read exactly
# "# key: value" with a key from hdr_keys, or the scenario is refused.
# Every other comment line is prose, so prose never starts a line with a
# lowercase word and a colon.  Header lines after the block are prose too
# and have no effect.  Keys that may repeat: host, host-after, host-check,
# image; the
# others may appear once.  "# tags:" words come from hdr_tags (see boot.sh's
# header for what each means); a scenario has at most one kernel tag (6.1,
# 6.12 or compat), quick and slow exclude each other, and debug goes with
# 6.12 or compat (the debug kernel is a 6.12 one and takes that run).
# "# ends: panic" is the only "ends" value, and not with the debug tag
# (the debug kernel's checks run after a scenario that returns).

hdr_keys="tags smp mem timeout hvsim qemu append netns host host-after host-check image peer init ends"
hdr_multi="host host-after host-check image"
hdr_tags="quick asan debug slow 6.1 6.12 compat"

# hdr_read FILE: print the header lines of FILE as "key<TAB>value", in
# order; on an unknown or malformed key, a repeated one or an unknown tag,
# say which (FILE:LINE: ...) on stderr and fail.
hdr_read() {
	awk -v keys="$hdr_keys" -v multi="$hdr_multi" -v tags="$hdr_tags" -v file="$1" '
	function bad(msg) { printf "%s:%d: %s\n", file, FNR, msg >"/dev/stderr"; err = 1 }
	BEGIN {
		n = split(keys, a, " "); for (i = 1; i <= n; i++) known[a[i]] = 1
		n = split(multi, a, " "); for (i = 1; i <= n; i++) many[a[i]] = 1
		n = split(tags, a, " "); for (i = 1; i <= n; i++) tag[a[i]] = 1
		kern["6.1"] = kern["6.12"] = kern["compat"] = 1
	}
	!/^#/ { exit }
	!/^#[ \t]*[a-z][a-z0-9_-]*:([ \t]|$)/ { next }
	{
		line = $0
		if (line !~ /^# [a-z][a-z0-9-]*:( |$)/) {
			bad("malformed header line (want \"# key: value\"): " line)
			next
		}
		key = substr(line, 3); sub(/:.*/, "", key)
		val = substr(line, 3 + length(key) + 1); sub(/^ +/, "", val); sub(/ +$/, "", val)
		if (!(key in known)) {
			bad("unknown header key \"" key "\" (known: " keys ")")
			next
		}
		if (!(key in many) && seen[key]++) bad("header key \"" key "\" given twice")
		if (key == "tags") {
			nk = 0
			n = split(val, w, " ")
			for (i = 1; i <= n; i++) {
				if (!(w[i] in tag)) bad("unknown tag \"" w[i] "\" (known: " tags ")")
				if (w[i] in kern) nk++
				has[w[i]] = 1
			}
			if (nk > 1) bad("more than one kernel tag (6.1, 6.12, compat): " val)
			if (("quick" in has) && ("slow" in has)) bad("tags quick and slow exclude each other")
			if (("debug" in has) && !("6.12" in has) && !("compat" in has))
				bad("tag debug needs the kernel tag 6.12 or compat (the debug kernel takes the 6.12 run)")
		}
		if (key == "ends" && val != "panic") bad("\"ends\" can only be \"panic\": " val)
		if (key == "ends") ends = 1
		print key "\t" val
		next
	}
	END {
		if (ends && ("debug" in has))
			bad("a scenario that ends in a panic cannot be tagged debug (the debug checks run after it returns)")
		exit err
	}' "$1"
}

# hdr_get HEADERS KEY: the values of KEY in HEADERS (hdr_read's output),
# one per line.
hdr_get() {
	printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k { print substr($0, length(k) + 2) }'
}

# hdr_kernels HEADERS: the stock kernel series a scenario runs on in
# `make check` (from its kernel tag); nothing when it has none.
hdr_kernels() {
	local t
	for t in $(hdr_get "$1" tags); do
		case $t in
		6.1 | 6.12) echo "$t" ;;
		compat) printf '6.1\n6.12\n' ;;
		esac
	done
}

# hdr_has_tag HEADERS TAG: whether the scenario carries TAG.
hdr_has_tag() {
	local t
	for t in $(hdr_get "$1" tags); do
		[ "$t" = "$2" ] && return 0
	done
	return 1
}
