#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The packages as a user gets them: into a clean Debian bookworm system
# (tests/packaging/chroot-base.sh, an overlay over the cached base so the
# base stays clean) from the signed apt repository build.sh made, then that
# system made into a disk image and booted under QEMU + hvsim from its own
# kernel and initramfs with / on a storvsc disk.  One TAP line per check:
#   install   apt-get install hyperv-lis-dkms hyperv-lis-daemons
#             hyperv-lis-rdma pulls dkms and rdma-core in and builds for
#             the installed 6.1 kernel: each module
#             under updates/ and what modinfo -n finds, signed with DKMS's
#             key, in the initramfs (lsinitramfs)
#   boot 6.1  the image boots to systemd's "running" from the storvsc disk
#             with our modules and daemons, and rdma-core sets up the RDMA
#             device (image/image-check.sh)
#   update    apt-get install of the 6.12 kernel (bookworm's backported
#             one) builds and installs our modules for it and puts them in
#             its initramfs, with no step of ours
#   boot 6.12 the same boot from the new kernel
#   remove    apt-get remove: no module, DKMS tree or hook left, and each
#             initramfs holds the distribution's Hyper-V modules again,
#             the 6.1 one the same set as before the install
#   purge     apt-get purge: nothing of any of the packages left on disk
# hv_vmbus_sim (hvsim's transport, never packaged) goes into
# /lib/modules/*/extra by a kernel hook of the test system and is listed
# in its /etc/initramfs-tools/modules for the boots; all of it is taken
# out before the remove step.
#
# Usage: install.sh REPO     (REPO: mkpkg.sh repo's output, build.sh DIR)
# Needs root, the 6.1 and 6.12 kernel caches and build/6.1, build/6.12.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
repo=$(cd "${1:?usage: install.sh REPO}" && pwd)
cache=${HVLIS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hyperv-lis}

# Our own mount namespace: every mount below goes away with the process,
# however it ends.
if [ -z "${HVLIS_PKG_NS:-}" ]; then
	HVLIS_PKG_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

k1=$(cat "$cache/kernels/6.1/RELEASE")
k2=$(cat "$cache/kernels/6.12/RELEASE")
ours="hv_vmbus hv_storvsc hv_netvsc hv_utils hv_balloon hv_network_direct"
w=$(mktemp -d /dev/shm/hvlis-pkg.XXXXXX)
r=$w/root
# HVLIS_PKG_LOG=FILE keeps the whole log (apt's and the tools' output)
trap 'down; umount "$r" 2>/dev/null; [ -z "${HVLIS_PKG_LOG:-}" ] || cp "$log" "$HVLIS_PKG_LOG"; rm -rf "$w"' EXIT
log=$w/log
t=$(date +%s)

ok() { echo "ok - packaging: $*"; }
not_ok() {
	echo "not ok - packaging: $*"
	tail -n 30 "$log" | sed 's/^/# /'
}
# step NAME: print the time the last step took
step() {
	local now
	now=$(date +%s)
	echo "# packaging: $1 took $((now - t)) s"
	t=$now
}

base=$("$top/tests/packaging/chroot-base.sh" 2>"$log") ||
	{ not_ok "the bookworm base system (chroot-base.sh)"; exit 0; }
step "the base system"
mkdir -p "$w/upper" "$w/work" "$r"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$w/upper,workdir=$w/work" "$r" ||
	{ not_ok "an overlay over $base"; exit 0; }

# up/down: what package scripts in the system need, and back out of it
# before it becomes a disk image.  policy-rc.d: no service starts here.
up() {
	mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" &&
		mount --rbind /dev "$r/dev" && mount -t tmpfs tmpfs "$r/tmp" &&
		mkdir -p "$r/srv/hyperv-lis" && mount --bind "$repo" "$r/srv/hyperv-lis" &&
		printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d" &&
		chmod +x "$r/usr/sbin/policy-rc.d"
}
down() {
	local m
	rm -f "$r/usr/sbin/policy-rc.d"
	for m in srv/hyperv-lis tmp dev sys proc; do
		mountpoint -q "$r/$m" && umount -R "$r/$m"
	done
	return 0
}
in_root() {
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
# apt-get quietly, its output in the log with the time of each line
aptget() {
	in_root apt-get -y -q -o Dpkg::Use-Pty=0 "$@" 2>&1 |
		perl -MPOSIX -pe 'BEGIN { $| = 1 } $_ = strftime("%T ", localtime) . $_' >>"$log"
}
# the Hyper-V modules an initramfs holds, "NAME DIR" with DIR the one
# under /lib/modules/K (updates: DKMS's, kernel: the distribution's)
initrd_hv() {
	in_root lsinitramfs "/boot/initrd.img-$1" | awk -F/ '
	{
		for (i = 1; i < NF; i++)
			if ($i == "modules") break
		name = $NF
		sub(/\.ko(\.[a-z]+)?$/, "", name)
		if (i < NF - 2 && name != $NF && name ~ /^(hv_|hyperv|hid[-_]hyperv)/)
			print name, $(i + 2)
	}' | sort -u
}
up || { not_ok "mounts in the system"; exit 0; }
# The system's initramfs lists its modules (MODULES=list): the root file
# system's, SCSI disks' and the distribution's Hyper-V disk and network
# drivers, as images made for Hyper-V list them.  Debian's default,
# MODULES=most, takes 65 s an initramfs here instead of 4 (the test makes
# five), and list leaves hv_utils to our hook alone, so the checks below
# see that the hook ran.  (MODULES=most passes the same test: 9 minutes.)
sed -i 's/^MODULES=.*/MODULES=list/' "$r/etc/initramfs-tools/initramfs.conf"
printf '%s\n' ext4 sd_mod hv_vmbus hv_storvsc hv_netvsc >>"$r/etc/initramfs-tools/modules"
in_root update-initramfs -u -k "$k1" >>"$log" 2>&1 ||
	{ not_ok "update-initramfs in the clean system"; exit 0; }
before=$(initrd_hv "$k1")

# The test-only transport, built by the harness for both kernels: a
# kernel hook of the test system puts it beside each kernel installed
# (before DKMS's and initramfs-tools' hooks run), as a package with a
# module of its own would, and the initramfs loads it.
sim=/usr/local/lib/hvlis-sim
for s in 6.1 6.12; do
	k=$(cat "$cache/kernels/$s/RELEASE")
	mkdir -p "$r$sim/$k"
	cp "$top/build/$s/src/vmbus/hv_vmbus_sim.ko" "$r$sim/$k/" ||
		{ not_ok "no build/$s/src/vmbus/hv_vmbus_sim.ko"; exit 0; }
done
cat >"$r/etc/kernel/postinst.d/00-hvlis-sim" <<EOF
#!/bin/sh
# test only (tests/packaging/install.sh): hvsim's transport for kernel \$1
[ -f $sim/\$1/hv_vmbus_sim.ko ] || exit 0
mkdir -p /lib/modules/\$1/extra
cp $sim/\$1/hv_vmbus_sim.ko /lib/modules/\$1/extra/
depmod -a \$1
EOF
chmod +x "$r/etc/kernel/postinst.d/00-hvlis-sim"
in_root /etc/kernel/postinst.d/00-hvlis-sim "$k1"
echo hv_vmbus_sim >>"$r/etc/initramfs-tools/modules"
cp "$top/tests/packaging/image/image-check.sh" "$r/usr/local/sbin/hvlis-image-check"
cp "$top/tests/packaging/image/hvlis-image-check.service" "$r/etc/systemd/system/"
ln -s /etc/systemd/system/hvlis-image-check.service \
	"$r/etc/systemd/system/multi-user.target.wants/hvlis-image-check.service"

# --- install ---
# The repository as an image pipeline adds it: the key where the .list
# snippet says, the snippet with the URL where the repository is mounted.
cp "$repo/hyperv-lis.gpg" "$r/usr/share/keyrings/"
sed 's|file://[^ ]*/apt |file:///srv/hyperv-lis/apt |' "$repo/apt/hyperv-lis.list" \
	>"$r/etc/apt/sources.list.d/hyperv-lis.list"
# only our repository's lists are fetched: the base has the archive's
installed() {
	aptget update -o Dir::Etc::sourcelist=sources.list.d/hyperv-lis.list \
		-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 &&
		aptget install hyperv-lis-dkms hyperv-lis-daemons hyperv-lis-rdma &&
		in_root dpkg-query -W dkms >>"$log"
}
# ours_for K: each module of ours for K is DKMS's file under updates/,
# signed with DKMS's key, and in K's initramfs
ours_for() {
	local m f signer hv
	hv=$(initrd_hv "$1")
	for m in $ours; do
		f=$(in_root modinfo -k "$1" -n "$m")
		signer=$(in_root modinfo -k "$1" -F signer "$m")
		echo "$1 $m: $f, signer '$signer'"
		case $f in /lib/modules/"$1"/updates/*) ;; *) return 1 ;; esac
		[ "$signer" = "DKMS module signing key" ] || return 1
	done >>"$log"
	for m in hv_vmbus hv_storvsc hv_utils; do
		grep -qx "$m updates" <<<"$hv" || { echo "$1: initramfs lacks our $m: $hv" >>"$log"; return 1; }
	done
	! grep ' kernel$' <<<"$hv" >>"$log" || { echo "$1: initramfs has the distribution's too" >>"$log"; return 1; }
}
if installed && ours_for "$k1"; then
	ok "apt-get install pulls dkms, builds for $k1; modules under updates/, signed, in the initramfs"
else
	not_ok "apt-get install hyperv-lis-dkms hyperv-lis-daemons hyperv-lis-rdma"
	exit 0
fi
step install

# boot K: the system as a disk image, booted from K's kernel and initramfs
boot() {
	local img=$w/root.img uuid
	down
	rm -f "$img"
	# a third more than the files: room for the journal and the logs
	truncate -s "$(($(du -sm --apparent-size "$r" | cut -f1) * 4 / 3 + 256))M" "$img"
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "UUID=$uuid / ext4 errors=remount-ro 0 1" >"$r/etc/fstab"
	if ! mkfs.ext4 -q -F -U "$uuid" -d "$r" "$img" >>"$log" 2>&1; then
		not_ok "a disk image of the system (mkfs.ext4 -d)"
		up
		return 1
	fi
	HVLIS_CACHE=$cache "$top/tests/qemu/boot.sh" --series "pkg-$1" \
		--scenario tests/packaging/image/image-check.sh \
		--kernel "$r/boot/vmlinuz-$1" --initrd "$r/boot/initrd.img-$1" \
		--append "root=UUID=$uuid ro hvlis_expect=$1" \
		--hvsim-args "$(sed -n 's/^# hvsim: //p' "$top/tests/packaging/image/image-check.sh") --device scsi:disk0=$img"
	rm -f "$img"
	up
}
boot "$k1"
step "boot $k1"

# --- the kernel update ---
if aptget install "linux-image-$k2" "linux-headers-$k2" && ours_for "$k2"; then
	ok "installing kernel $k2 builds ours for it, under updates/, signed, in its initramfs"
else
	not_ok "installing kernel $k2"
fi
step "kernel update"
boot "$k2"
step "boot $k2"

# --- remove, purge ---
for k in "$k1" "$k2"; do rm -f "$r/lib/modules/$k/extra/hv_vmbus_sim.ko"; done
rm -rf "$r/etc/kernel/postinst.d/00-hvlis-sim" "${r:?}$sim"
sed -i '/^hv_vmbus_sim$/d' "$r/etc/initramfs-tools/modules"
# leftovers: what of ours is still on disk, one line each
leftovers() {
	local k f
	for k in "$k1" "$k2"; do
		find "$r/lib/modules/$k/updates" -name 'hv_*' 2>/dev/null
		# the kernel/ copy must be what modinfo finds again (a failed
		# modinfo is a leftover too: nothing found)
		f=$(in_root modinfo -k "$k" -n hv_vmbus 2>&1)
		case $f in */kernel/*) ;; *) echo "$k: hv_vmbus resolves to '$f'" ;; esac
		initrd_hv "$k" | grep -v ' kernel$'
	done
	ls -d "$r"/usr/src/hyperv-lis-* "$r"/var/lib/dkms/hyperv-lis \
		"$r"/usr/share/initramfs-tools/hooks/hyperv-lis 2>/dev/null
	return 0
}
pkgs="hyperv-lis-dkms hyperv-lis-daemons hyperv-lis-rdma"
# shellcheck disable=SC2086 # the package names, one word each
in_root dpkg-query -L $pkgs >"$w/files" 2>>"$log"
# shellcheck disable=SC2086
if aptget remove $pkgs &&
	leftovers >"$w/left" && [ ! -s "$w/left" ] &&
	[ "$(initrd_hv "$k1")" = "$before" ]; then
	ok "apt-get remove: no module, DKMS tree or hook left; the initramfs has the distribution's Hyper-V modules, for $k1 the same as before"
else
	cat "$w/left" >>"$log"
	printf 'before:\n%s\nafter:\n%s\n' "$before" "$(initrd_hv "$k1")" >>"$log"
	not_ok "apt-get remove"
fi
step remove
# Every path dpkg listed for either package before the remove: after the
# purge no file of them is left, nor a directory that only they had.
purged() {
	local f
	# shellcheck disable=SC2086
	aptget purge $pkgs || return 1
	# shellcheck disable=SC2086
	! in_root dpkg-query -W $pkgs >>"$log" 2>&1 || return 1
	while IFS= read -r f; do
		if [ -d "$r$f" ]; then
			case $f in *hyperv* | *hv[_-]*) echo "$f/" ;; esac
		elif [ -e "$r$f" ] || [ -L "$r$f" ]; then
			echo "$f"
		fi
	done <"$w/files" >"$w/left"
	[ -s "$w/files" ] && [ ! -s "$w/left" ]
}
if purged; then
	ok "apt-get purge: none of the $(wc -l <"$w/files") paths the packages had is left"
else
	cat "$w/left" >>"$log"
	not_ok "apt-get purge"
fi
step purge
