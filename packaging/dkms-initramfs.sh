#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms-initramfs.sh KERNELVER: rebuild KERNELVER's initramfs after DKMS
# installed or removed our modules for it (dkms.conf: POST_INSTALL and
# POST_REMOVE; DKMS runs it from /usr/src/hyperv-lis-VERSION).
#
# Why: a VM whose root disk is on storvsc loads hv_vmbus and hv_storvsc from
# its initramfs, and the initramfs must hold the build /lib/modules holds:
# ours after an install, the distribution's after a remove (hv_utils from
# the disk does not load against an hv_vmbus of another build).  DKMS 3
# rebuilds no initramfs: REMAKE_INITRD is ignored with a deprecation
# warning and nothing took its place (dkms 3.0.10 in Debian 12, 3.2 alike).
#
# When not:
#  - KERNELVER has no initramfs yet: the kernel is being installed and its
#    own hook creates one after DKMS's (Debian: /etc/kernel/postinst.d runs
#    dkms, then initramfs-tools or dracut, then zz-update-grub; RHEL:
#    kernel-install runs 40-dkms.install before 50-dracut.install), and
#    that one picks up our modules through the hooks this package installs.
#  - from the maintainer scripts of KERNELVER's own Debian package: its
#    postinst hook above follows, and in its prerm the kernel and its
#    initramfs are about to go.
#
# DKMS runs POST_INSTALL and POST_REMOVE before its own depmod, while
# update-initramfs and dracut find modules through modules.dep: without the
# depmod here a remove would leave modules.dep naming our deleted files and
# the new initramfs without hv_vmbus at all.
set -u
k=${1:?usage: dkms-initramfs.sh KERNELVER}
me=hyperv-lis
# where /boot is looked for (tests/packaging/build.sh runs it on a fake one)
root=${HVLIS_ROOT:-}

pkg=${DPKG_MAINTSCRIPT_PACKAGE:-}
case ${pkg%%:*} in
linux-image-"$k" | linux-image-"$k"-unsigned)
	echo "$me: $pkg ${DPKG_MAINTSCRIPT_NAME:-} takes care of the initramfs of $k"
	exit 0
	;;
esac

img=
for f in "$root/boot/initrd.img-$k" "$root/boot/initramfs-$k.img" "$root/boot/initrd-$k"; do
	[ -e "$f" ] && img=$f && break
done
if [ -z "$img" ]; then
	echo "$me: no initramfs for $k (yet), nothing to update"
	exit 0
fi

depmod -a "$k" || exit 1
echo "$me: updating $img"
if [ "$img" = "$root/boot/initrd.img-$k" ] && command -v update-initramfs >/dev/null; then
	# with -k it runs now even inside dpkg (only a bare -u is deferred to
	# a trigger); it honours update_initramfs=no in its configuration
	update-initramfs -u -k "$k"
elif command -v dracut >/dev/null; then
	dracut --force "$img" "$k"
else
	echo "$me: neither update-initramfs nor dracut: $img keeps the old modules" >&2
	exit 1
fi
