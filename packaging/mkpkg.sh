#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Packages and package repositories from this tree, under build/:
#
#   mkpkg.sh deb    build/deb/: the source package, hyperv-lis-dkms and
#                   hyperv-lis-daemons, .changes (dpkg-buildpackage, unsigned)
#   mkpkg.sh rpm    build/rpm/: rpmbuild's top directory, SRPMS/ and RPMS/
#   mkpkg.sh repo   build/repo/: a signed apt repository (apt/) and a yum
#                   repository (yum/) of the packages above, the public key
#                   and sources.list / .repo snippets (run deb and rpm first)
#
# deb and rpm work on a copy of the tree: VERSION is the one place the
# version is written, and only the copies get it, in debian/changelog, the
# spec and dkms.conf.  A git checkout is copied as its tracked and new
# (not ignored) files as they are in the work tree; anything else whole,
# without build/ and build output.
#
# Environment:
#   BUILD_DIR     instead of build/
#   DEB_DIST      debian/changelog's distribution (unstable)
#   REPO_SUITE    the apt suite (bookworm)
#   REPO_URL      where the image pipeline will find build/repo; goes into
#                 the snippets (file://BUILD_DIR/repo)
#   REPO_KEY      the key (id or fingerprint in GNUPGHOME) that signs the
#                 repositories; without it a throw-away key is made in a
#                 temporary GNUPGHOME and deleted afterwards
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=hyperv-lis
version=$(cat "$top/VERSION")
# '-' starts the Debian revision and cannot be in an RPM version; with '~'
# a pre-release (0.2.0-rc1) sorts before its release in both.
pkgver=${version//-/\~}
out=${BUILD_DIR:-$top/build}

die() { echo "mkpkg.sh: $*" >&2; exit 1; }

# run LOG COMMAND...: COMMAND's output to LOG; its end on failure
run() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; die "$1 failed, see $log"; }
}

is_git() { git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; }

copy_tree() {	# copy_tree DEST
	mkdir -p "$1"
	if is_git; then
		(cd "$top" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do
				# a tracked file deleted in the work tree is left out
				[ -e "$f" ] && printf '%s\0' "$f"
			done | tar --null -T - -cf -) | tar -xf - -C "$1"
	else
		# .gitignore's build output, written out: a stale daemon binary
		# would look up to date to make in the copy
		(cd "$top" && tar -cf - --exclude-vcs --exclude=./build \
			--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
			--exclude='*.mod.c' --exclude='*.cmd' --exclude='*.a' \
			--exclude='*.order' --exclude='*.symvers' --exclude='*.d' \
			--exclude=.tmp_versions --exclude=./src/compat/generated \
			--exclude=./src/daemons/lsvmbus --exclude=./src/daemons/hv_kvp_daemon \
			--exclude=./src/daemons/hv_vss_daemon \
			--exclude=./src/daemons/hv_fcopy_daemon --exclude=./tests/hvsim/build \
			--exclude=./tests/hvsim/hvsim --exclude=./tests/fuzz/build .) |
			tar -xf - -C "$1"
	fi
}

# Who and when, for the changelogs: the Debian maintainer, and the date and
# revision of the commit when there is one (the same commit gives the same
# changelog, and SOURCE_DATE_EPOCH comes from it).
packager=$(sed -n 's/^Maintainer: //p' "$top/packaging/debian/control")
if is_git; then
	epoch=$(git -C "$top" log -1 --format=%ct)
	revision="git $(git -C "$top" describe --always --dirty)"
else
	epoch=$(date +%s)
	revision="a source tree"
fi

build_deb() {
	local d=$out/deb src
	src=$d/$name-$pkgver
	rm -rf "$d"
	copy_tree "$src"
	mv "$src/packaging/debian" "$src/debian"
	cat >"$src/debian/changelog" <<-EOF
	$name ($pkgver) ${DEB_DIST:-unstable}; urgency=medium

	  * Built from $revision.

	 -- $packager  $(LC_ALL=C date -R -u -d "@$epoch")
	EOF
	# -us -uc: unsigned; the apt repository is what gets signed
	(cd "$src" && run "$d/build.log" dpkg-buildpackage -us -uc)
	ls "$d"/*.deb "$d"/*.changes
}

build_rpm() {
	local d=$out/rpm
	rm -rf "$d"
	mkdir -p "$d/SOURCES" "$d/SPECS"
	copy_tree "$d/$name-$pkgver"
	tar -C "$d" -czf "$d/SOURCES/$name-$pkgver.tar.gz" "$name-$pkgver"
	rm -rf "${d:?}/$name-$pkgver"
	sed -e "s|@VERSION@|$pkgver|g" -e "s|@PACKAGER@|$packager|" \
		-e "s|@DATE@|$(LC_ALL=C date -u -d "@$epoch" '+%a %b %d %Y')|" \
		-e "s|@REVISION@|$revision|" \
		"$top/packaging/rpm/$name.spec" >"$d/SPECS/$name.spec"
	# On Debian, rpm's own configuration falls short: %optflags lack the
	# hardening flags Debian builds with (dpkg-buildflags has them), and
	# brp-compress is bash run as #!/bin/sh, which is dash there, so man
	# pages would stay uncompressed: %__os_install_post becomes the two
	# steps that matter here, brp-compress under bash and brp-strip (debug
	# information; there is no debuginfo package).  rpmlint wants a
	# Packager, which Fedora's guidelines keep out of the spec.
	local flags=(--define "packager $packager")
	if command -v dpkg-buildflags >/dev/null; then
		# from where rpmbuild compiles, for -ffile-prefix-map
		mkdir -p "$d/BUILD/$name-$pkgver"
		bf() { (cd "$d/BUILD/$name-$pkgver" &&
			DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"); }
		flags+=(--define "optflags $(bf CFLAGS) $(bf CPPFLAGS)"
			--define "build_ldflags $(bf LDFLAGS)"
			--define "__os_install_post /bin/bash /usr/lib/rpm/brp-compress; /usr/lib/rpm/brp-strip")
	fi
	run "$d/build.log" rpmbuild --define "_topdir $d" "${flags[@]}" --nodeps \
		-ba "$d/SPECS/$name.spec"
	ls "$d"/SRPMS/*.rpm "$d"/RPMS/*/*.rpm
}

build_repo() {
	local r=$out/repo suite=${REPO_SUITE:-bookworm} arch url key
	arch=$(dpkg --print-architecture)
	ls "$out"/deb/*.deb >/dev/null 2>&1 || die "no .deb under $out/deb: make deb first"
	ls "$out"/rpm/RPMS/*/*.rpm >/dev/null 2>&1 || die "no RPMs under $out/rpm: make rpm first"
	url=${REPO_URL:-file://$r}
	rm -rf "$r"
	mkdir -p "$r/apt/pool/main/h/$name" "$r/apt/dists/$suite/main/binary-$arch" "$r/yum"

	key=${REPO_KEY:-}
	if [ -z "$key" ]; then
		GNUPGHOME=$(mktemp -d)
		export GNUPGHOME
		trap 'gpgconf --kill all >/dev/null 2>&1; rm -rf "$GNUPGHOME"' EXIT
		# a home with one key of our own: no trust database to report on
		echo "trust-model always" >"$GNUPGHOME/gpg.conf"
		# RSA: every apt and every rpm (RHEL 8's too) verifies it
		gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
			--quick-gen-key "hyperv-lis throw-away test repository key" rsa3072 sign never
		key=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
		echo "# throw-away repository key $key (deleted after signing)"
	fi
	gpg --batch --quiet --export "$key" >"$r/$name.gpg"
	gpg --batch --quiet --armor --export "$key" >"$r/$name.asc"
	[ -s "$r/$name.gpg" ] || die "no public key for REPO_KEY=$key"

	# apt: pool/ and one suite with one component; apt-ftparchive writes
	# paths relative to the repository's top, where apt expects them.  Not
	# the -dbgsym package: Debian keeps those in an archive of their own.
	cp "$out"/deb/"$name"-dkms_*.deb "$out"/deb/"$name"-daemons_*.deb \
		"$out"/deb/"$name"-rdma_*.deb "$r/apt/pool/main/h/$name/"
	(
		cd "$r/apt"
		bin=dists/$suite/main/binary-$arch
		apt-ftparchive packages pool/main >"$bin/Packages"
		gzip -9n <"$bin/Packages" >"$bin/Packages.gz"
		apt-ftparchive \
			-o APT::FTPArchive::Release::Origin=$name \
			-o APT::FTPArchive::Release::Label=$name \
			-o APT::FTPArchive::Release::Suite="$suite" \
			-o APT::FTPArchive::Release::Codename="$suite" \
			-o APT::FTPArchive::Release::Architectures="$arch" \
			-o APT::FTPArchive::Release::Components=main \
			-o APT::FTPArchive::Release::Description="Hyper-V guest drivers and daemons" \
			release "dists/$suite" >"$r/Release.tmp"
		mv "$r/Release.tmp" "dists/$suite/Release"
		gpg --batch --quiet --yes --local-user "$key" --clearsign \
			-o "dists/$suite/InRelease" "dists/$suite/Release"
		gpg --batch --quiet --yes --local-user "$key" --detach-sign --armor \
			-o "dists/$suite/Release.gpg" "dists/$suite/Release"
	)
	cat >"$r/apt/$name.sources" <<-EOF
	# /etc/apt/sources.list.d/$name.sources; the key from $name.gpg
	# goes to /usr/share/keyrings/$name.gpg
	Types: deb
	URIs: $url/apt
	Suites: $suite
	Components: main
	Signed-By: /usr/share/keyrings/$name.gpg
	EOF
	cat >"$r/apt/$name.list" <<-EOF
	# /etc/apt/sources.list.d/$name.list (one-line form of $name.sources)
	deb [signed-by=/usr/share/keyrings/$name.gpg] $url/apt $suite main
	EOF

	# yum/dnf/zypper: the binary RPMs, signed with the same key, repodata
	# by createrepo_c, and repomd.xml signed for repo_gpgcheck
	cp "$out"/rpm/RPMS/*/*.rpm "$r/yum/"
	run "$out/repo-rpmsign.log" rpmsign --addsign --define "_gpg_name $key" \
		--define "__gpg $(command -v gpg)" "$r"/yum/*.rpm
	run "$out/repo-createrepo.log" createrepo_c "$r/yum"
	gpg --batch --quiet --yes --local-user "$key" --detach-sign --armor \
		-o "$r/yum/repodata/repomd.xml.asc" "$r/yum/repodata/repomd.xml"
	cat >"$r/yum/$name.repo" <<-EOF
	# /etc/yum.repos.d/$name.repo (dnf, yum; zypper addrepo takes it too)
	[$name]
	name=hyperv-lis: Hyper-V guest drivers and daemons
	baseurl=$url/yum
	enabled=1
	gpgcheck=1
	repo_gpgcheck=1
	gpgkey=$url/$name.asc
	EOF
	echo "$r/apt/$name.sources $r/apt/$name.list $r/yum/$name.repo $r/$name.gpg $r/$name.asc"
}

case ${1:-} in
deb | rpm | repo) "build_$1" ;;
*) echo "usage: mkpkg.sh deb|rpm|repo" >&2; exit 2 ;;
esac
