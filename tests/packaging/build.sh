#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The deb and rpm packages and their repositories, built from a clean copy
# of the tree (its tracked and new files, no .git: mkpkg.sh's path for a
# source tarball) in a temporary directory, and looked at, never
# installed.  One TAP line per check:
#   - make deb, make rpm, mkpkg.sh repo
#   - lintian on the .changes: no error, no warning (overrides and the
#     rest: packaging/debian/README.lintian)
#   - dpkg-deb -c: each .deb holds exactly the expected files; dkms.conf
#     has its version; maintainer scripts pass sh -n
#   - rpm -qlp: each RPM holds exactly the expected files; rpmlint clean
#     with packaging/rpm/hyperv-lis.rpmlintrc; scriptlets pass sh -n
#   - apt repository: InRelease and Release.gpg verify with gpgv against
#     the exported key; apt-get update with a private configuration
#     accepts it and offers both packages
#   - yum repository: primary.xml.gz lists both packages, repomd.xml.asc
#     and the RPMs' signatures verify, createrepo_c --update changes no
#     package metadata
# About a minute on 2 cores (lintian is half of it).
#
# Usage: build.sh [DIR]     (DIR: where to keep a copy of the repositories)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
keep=${1:-}
t0=$(date +%s)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=$(cat "$top/VERSION")
ver=${ver//-/\~}

ok() { echo "ok - packaging: $*"; }
not_ok() { echo "not ok - packaging: $*"; }
# check NAME COMMAND...: one TAP line for COMMAND, its output's end on failure
check() {
	if "${@:2}" >"$tmp/log" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		tail -n 30 "$tmp/log" | sed 's/^/# /'
	fi
}
# same FILE_EXPECTED FILE_GOT: sorted lists equal, or the difference shown
same() {
	diff <(sort -u "$1") <(sort -u "$2") >"$tmp/diff" && return 0
	sed 's/^/# /' "$tmp/diff" | head -n 20
	return 1
}

# --- The clean copy and the builds ---
src=$tmp/src
mkdir -p "$src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$src"
else
	(cd "$top" && tar -cf - --exclude=./build --exclude-vcs .) | tar -xf - -C "$src"
fi
out=$src/build
check "make deb" make -s -C "$src" deb
check "make rpm" make -s -C "$src" rpm
check "make repo (throw-away key)" "$src/packaging/mkpkg.sh" repo
deb=$out/deb
dkms_deb=$(ls "$deb"/hyperv-lis-dkms_*_all.deb 2>/dev/null)
daemons_deb=$(ls "$deb"/hyperv-lis-daemons_*.deb 2>/dev/null)
rdma_deb=$(ls "$deb"/hyperv-lis-rdma_*_all.deb 2>/dev/null)
dkms_rpm=$(ls "$out"/rpm/RPMS/noarch/hyperv-lis-dkms-*.rpm 2>/dev/null)
daemons_rpm=$(ls "$out"/rpm/RPMS/*/hyperv-lis-daemons-*.rpm 2>/dev/null)
rdma_rpm=$(ls "$out"/rpm/RPMS/noarch/hyperv-lis-rdma-*.rpm 2>/dev/null)
if [ -z "$dkms_deb" ] || [ -z "$daemons_deb" ] || [ -z "$rdma_deb" ] ||
	[ -z "$dkms_rpm" ] || [ -z "$daemons_rpm" ] || [ -z "$rdma_rpm" ]; then
	not_ok "packages missing, nothing more to check"
	exit 0
fi

# --- deb ---
check "lintian: no errors or warnings" \
	lintian --fail-on error,warning "$deb"/hyperv-lis_*.changes

# What /usr/src/hyperv-lis-VERSION must hold: the kernel sources, VERSION,
# dkms.conf and its initramfs script.
usrsrc=usr/src/hyperv-lis-$ver
(cd "$src" && find src -type f ! -path 'src/daemons/*' -printf "./$usrsrc/%p\n") >"$tmp/want"
cat >>"$tmp/want" <<-EOF
	./$usrsrc/VERSION
	./$usrsrc/dkms.conf
	./$usrsrc/packaging/dkms-initramfs.sh
	./usr/share/initramfs-tools/hooks/hyperv-lis
	./usr/lib/dracut/dracut.conf.d/hyperv-lis.conf
	./usr/share/doc/hyperv-lis-dkms/changelog.gz
	./usr/share/doc/hyperv-lis-dkms/copyright
	./usr/share/lintian/overrides/hyperv-lis-dkms
EOF
deb_files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }' >"$tmp/got"; }
deb_files "$dkms_deb"
check "hyperv-lis-dkms.deb: the expected $(wc -l <"$tmp/want") files" same "$tmp/want" "$tmp/got"

cat >"$tmp/want" <<-EOF
	./usr/sbin/hv_kvp_daemon
	./usr/sbin/hv_vss_daemon
	./usr/sbin/hv_fcopy_daemon
	./usr/libexec/hypervkvpd/hv_get_dns_info
	./usr/libexec/hypervkvpd/hv_get_dhcp_info
	./usr/libexec/hypervkvpd/hv_set_ifconfig
	./lib/systemd/system/hv-kvp-daemon.service
	./lib/systemd/system/hv-vss-daemon.service
	./lib/systemd/system/hv-fcopy-daemon.service
	./lib/udev/rules.d/70-hyperv-lis.rules
	./usr/share/man/man8/hv_kvp_daemon.8.gz
	./usr/share/man/man8/hv_vss_daemon.8.gz
	./usr/share/man/man8/hv_fcopy_daemon.8.gz
	./usr/share/doc/hyperv-lis-daemons/changelog.gz
	./usr/share/doc/hyperv-lis-daemons/copyright
	./usr/share/lintian/overrides/hyperv-lis-daemons
EOF
deb_files "$daemons_deb"
check "hyperv-lis-daemons.deb: the expected $(wc -l <"$tmp/want") files" same "$tmp/want" "$tmp/got"

cat >"$tmp/want" <<-EOF
	./lib/udev/rules.d/76-hyperv-lis-rdma.rules
	./usr/share/doc/hyperv-lis-rdma/README.md
	./usr/share/doc/hyperv-lis-rdma/changelog.gz
	./usr/share/doc/hyperv-lis-rdma/copyright
EOF
deb_files "$rdma_deb"
check "hyperv-lis-rdma.deb: the expected $(wc -l <"$tmp/want") files" same "$tmp/want" "$tmp/got"

# dkms.conf with its version; what DKMS runs must be executable.
dkms_conf_ok() {
	local f=$tmp/x
	rm -rf "$f"
	dpkg-deb -x "$dkms_deb" "$f"
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$f/$usrsrc/dkms.conf" &&
		! grep -q MODULE_VERSION "$f/$usrsrc/dkms.conf" &&
		[ -x "$f/$usrsrc/packaging/dkms-initramfs.sh" ] &&
		[ -x "$f/$usrsrc/src/compat/probe.sh" ] &&
		[ -x "$f/usr/share/initramfs-tools/hooks/hyperv-lis" ] &&
		dpkg-deb -f "$daemons_deb" Conflicts Replaces Provides |
		grep -c '^[A-Za-z]*: hyperv-daemons$' | grep -qx 3
}
check "deb: dkms.conf says $ver, scripts executable, daemons replace hyperv-daemons" dkms_conf_ok

deb_scripts_ok() {
	local p s bad=0
	for p in "$dkms_deb" "$daemons_deb"; do
		rm -rf "$tmp/ctl"
		dpkg-deb -e "$p" "$tmp/ctl"
		for s in "$tmp"/ctl/{preinst,postinst,prerm,postrm}; do
			[ -e "$s" ] || continue
			sh -n "$s" || { echo "$(basename "$p") $(basename "$s")"; bad=1; }
		done
	done
	return $bad
}
check "deb maintainer scripts: sh -n" deb_scripts_ok

# dkms.conf's POST_INSTALL/POST_REMOVE script, with stub depmod,
# update-initramfs and dracut that only log, on a fake /boot.
initramfs_script_ok() {
	local r=$tmp/root k=6.1.0-99-amd64 s="$src/packaging/dkms-initramfs.sh" c
	mkdir -p "$r/boot" "$tmp/stubs"
	for c in depmod update-initramfs dracut; do
		printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$c" "$tmp/calls" >"$tmp/stubs/$c"
		chmod 755 "$tmp/stubs/$c"
	done
	run_script() { : >"$tmp/calls"; env PATH="$tmp/stubs:$PATH" HVLIS_ROOT="$r" "$@" "$s" "$k" || return 1; }
	# no initramfs yet (a kernel being installed): nothing
	run_script env && [ ! -s "$tmp/calls" ] || { echo "no initramfs: ran $(cat "$tmp/calls")"; return 1; }
	# the kernel's own package's scripts: nothing
	touch "$r/boot/initrd.img-$k"
	run_script env DPKG_MAINTSCRIPT_PACKAGE="linux-image-$k" DPKG_MAINTSCRIPT_NAME=prerm &&
		[ ! -s "$tmp/calls" ] || { echo "kernel prerm: ran $(cat "$tmp/calls")"; return 1; }
	# our package's scripts, Debian: depmod, then update-initramfs
	run_script env DPKG_MAINTSCRIPT_PACKAGE=hyperv-lis-dkms DPKG_MAINTSCRIPT_NAME=postinst &&
		printf 'depmod -a %s\nupdate-initramfs -u -k %s\n' "$k" "$k" | diff - "$tmp/calls" || return 1
	# RHEL: depmod, then dracut on the existing image
	rm "$r/boot/initrd.img-$k" "$tmp/stubs/update-initramfs"
	touch "$r/boot/initramfs-$k.img"
	run_script env &&
		printf 'depmod -a %s\ndracut --force %s %s\n' "$k" "$r/boot/initramfs-$k.img" "$k" |
		diff - "$tmp/calls"
}
check "dkms-initramfs.sh: nothing without an initramfs or in the kernel's own scripts; else depmod, then update-initramfs or dracut" initramfs_script_ok

# --- rpm ---
rpm_files() {
	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" |
		awk '$1 !~ /^[dl]/ { print $2 }' >"$tmp/got"
}
(cd "$src" && find src -type f ! -path 'src/daemons/*' -printf "/$usrsrc/%p\n") >"$tmp/want"
cat >>"$tmp/want" <<-EOF
	/$usrsrc/VERSION
	/$usrsrc/dkms.conf
	/$usrsrc/packaging/dkms-initramfs.sh
	/usr/lib/dracut/dracut.conf.d/hyperv-lis.conf
	/usr/share/licenses/hyperv-lis-dkms-$ver/LICENSE
EOF
rpm_files "$dkms_rpm"
check "hyperv-lis-dkms.rpm: the expected $(wc -l <"$tmp/want") files" same "$tmp/want" "$tmp/got"

cat >"$tmp/want" <<-EOF
	/usr/sbin/hv_kvp_daemon
	/usr/sbin/hv_vss_daemon
	/usr/sbin/hv_fcopy_daemon
	/usr/libexec/hypervkvpd/hv_get_dns_info
	/usr/libexec/hypervkvpd/hv_get_dhcp_info
	/usr/libexec/hypervkvpd/hv_set_ifconfig
	/usr/lib/systemd/system/hv-kvp-daemon.service
	/usr/lib/systemd/system/hv-vss-daemon.service
	/usr/lib/systemd/system/hv-fcopy-daemon.service
	/usr/lib/udev/rules.d/70-hyperv-lis.rules
	/usr/share/man/man8/hv_kvp_daemon.8.gz
	/usr/share/man/man8/hv_vss_daemon.8.gz
	/usr/share/man/man8/hv_fcopy_daemon.8.gz
	/usr/share/licenses/hyperv-lis-daemons-$ver/LICENSE
EOF
rpm_files "$daemons_rpm"
check "hyperv-lis-daemons.rpm: the expected $(wc -l <"$tmp/want") files" same "$tmp/want" "$tmp/got"

cat >"$tmp/want" <<-EOF
	/usr/lib/udev/rules.d/76-hyperv-lis-rdma.rules
	/usr/share/doc/hyperv-lis-rdma-$ver/README.md
	/usr/share/licenses/hyperv-lis-rdma-$ver/LICENSE
EOF
rpm_files "$rdma_rpm"
check "hyperv-lis-rdma.rpm: the expected $(wc -l <"$tmp/want") files" same "$tmp/want" "$tmp/got"

rpmlint_ok() {
	rpmlint -r "$src/packaging/rpm/hyperv-lis.rpmlintrc" "$out"/rpm/SRPMS/*.rpm \
		"$dkms_rpm" "$daemons_rpm" "$rdma_rpm" "$out/rpm/SPECS/hyperv-lis.spec" >"$tmp/lint" 2>&1
	cat "$tmp/lint"
	grep -q ' 0 errors, 0 warnings' "$tmp/lint"
}
check "rpmlint: no errors or warnings (hyperv-lis.rpmlintrc)" rpmlint_ok

# Each scriptlet to a file of its own: rpm prints "NAME scriptlet (using
# /bin/sh):" before each.
rpm_scripts_ok() {
	local p s n=0 bad=0
	for p in "$dkms_rpm" "$daemons_rpm" "$rdma_rpm"; do
		rm -rf "$tmp/scr"
		mkdir "$tmp/scr"
		rpm -qp --scripts "$p" | awk -v d="$tmp/scr" '
			/^[a-z]+ scriptlet \(using \/bin\/sh\):$/ { f = d "/" $1; next }
			/^[a-z]+ (scriptlet|program)/ { f = ""; print "not sh: " $0; next }
			f != "" { print > f }'
		for s in "$tmp"/scr/*; do
			n=$((n + 1))
			sh -n "$s" || { echo "$(basename "$p") $(basename "$s")"; bad=1; }
		done
	done
	echo "$n scriptlets"
	# dkms: post, preun; daemons: post, preun, postun; rdma: post, postun
	[ $n -eq 7 ] && return $bad
}
check "rpm scriptlets (7): sh -n" rpm_scripts_ok

# --- apt repository ---
repo=$out/repo
suite=bookworm
rel=$repo/apt/dists/$suite
check "apt: InRelease verifies with gpgv and the exported key" \
	gpgv --keyring "$repo/hyperv-lis.gpg" "$rel/InRelease"
check "apt: Release.gpg verifies with gpgv and the exported key" \
	gpgv --keyring "$repo/hyperv-lis.gpg" "$rel/Release.gpg" "$rel/Release"

# apt itself, as an image would use the repository: a private root, the
# key as signed-by, the .list line mkpkg.sh wrote.
apt_ok() {
	local a=$tmp/apt
	mkdir -p "$a/etc/apt/sources.list.d" "$a/etc/apt/apt.conf.d" \
		"$a/etc/apt/preferences.d" "$a/state/lists/partial" \
		"$a/cache/archives/partial"
	touch "$a/status"
	cat >"$a/apt.conf" <<-EOF
	Dir "$a/";
	Dir::State "$a/state/";
	Dir::State::status "$a/status";
	Dir::Cache "$a/cache/";
	Dir::Etc::trusted "/dev/null";
	Dir::Etc::trustedparts "$a/etc/apt/trusted.gpg.d/";
	APT::Sandbox::User "root";
	EOF
	sed "s|/usr/share/keyrings/hyperv-lis.gpg|$repo/hyperv-lis.gpg|" \
		"$repo/apt/hyperv-lis.list" >"$a/etc/apt/sources.list"
	APT_CONFIG=$a/apt.conf apt-get -q update || return 1
	APT_CONFIG=$a/apt.conf apt-cache policy hyperv-lis-dkms hyperv-lis-daemons \
		hyperv-lis-rdma | tee "$a/policy"
	[ "$(grep -c "Candidate: $ver\$" "$a/policy")" -eq 3 ]
}
check "apt: apt-get update accepts the signed repository, the three packages at $ver" apt_ok

# --- yum repository ---
primary_names() {
	zcat "$1"/repodata/*-primary.xml.gz | sed -n 's|.*<name>\(.*\)</name>.*|\1|p' | sort
}
yum_names_ok() {
	printf '%s\n' hyperv-lis-daemons hyperv-lis-dkms hyperv-lis-rdma >"$tmp/want"
	primary_names "$repo/yum" >"$tmp/got"
	same "$tmp/want" "$tmp/got"
}
check "yum: primary.xml.gz lists hyperv-lis-dkms, -daemons and -rdma" yum_names_ok
check "yum: repomd.xml.asc verifies with gpgv and the exported key" \
	gpgv --keyring "$repo/hyperv-lis.gpg" "$repo/yum/repodata/repomd.xml.asc" \
	"$repo/yum/repodata/repomd.xml"
rpm_sigs_ok() {
	mkdir -p "$tmp/rpmdb"
	rpmkeys --dbpath "$tmp/rpmdb" --import "$repo/hyperv-lis.asc" &&
		rpmkeys --dbpath "$tmp/rpmdb" -K "$repo"/yum/*.rpm | tee "$tmp/sigs" &&
		[ "$(grep -c ': digests signatures OK$' "$tmp/sigs")" -eq 3 ]
}
check "yum: the three RPMs' signatures verify (rpmkeys -K)" rpm_sigs_ok
# On a copy: --update rewrites repomd.xml, whose signature is the original's.
update_ok() {
	cp -a "$repo/yum" "$tmp/yum"
	createrepo_c --update "$tmp/yum" >/dev/null &&
		diff <(zcat "$repo"/yum/repodata/*-primary.xml.gz) \
			<(zcat "$tmp"/yum/repodata/*-primary.xml.gz)
}
check "yum: createrepo_c --update changes no package metadata" update_ok

# the repository for tests/packaging/install.sh
[ -z "$keep" ] || cp -a "$repo" "$keep"
echo "# packaging build checks: $(($(date +%s) - t0)) s"
