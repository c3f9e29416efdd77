#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what building and testing need, from Debian's archive.  Idempotent:
# installs only what is missing.  Needs root.
set -euo pipefail

pkgs=(
	# build: kernel modules, compat probes, user space
	gcc make libc6-dev linux-libc-dev bc flex bison libelf-dev libssl-dev
	kmod cpio xz-utils zstd dwarves
	# the daemons' fuzz targets (tests/fuzz/run.sh): libFuzzer comes with clang
	clang
	# style: sparse, checkpatch (from the kernel source package), shellcheck
	sparse perl linux-source-6.12 shellcheck
	# the debug guest kernel (tests/kernels/debug.sh) is built from that same
	# linux-source-6.12 with the build tools above (libelf-dev: objtool);
	# flock comes with util-linux, below
	# guests: QEMU (TCG), busybox for the initramfs, kernel fetches
	qemu-system-x86 busybox-static apt dpkg-dev
	# tools the guest scenarios run (through the host's root over 9p)
	fio iperf3 jq sg3-utils ethtool e2fsprogs socat iproute2 util-linux procps
	iputils-ping tcpdump kexec-tools makedumpfile linuxptp
	# Endure (tests/guest/network_direct/): Debian's rdma-core as users
	# run it, unchanged: libibverbs with the mlx4 provider, its tools,
	# rdma_cm's rping and perftest, and the headers for our own verbs
	# programs (rdma(8) comes with iproute2)
	ibverbs-utils ibverbs-providers rdmacm-utils perftest libibverbs-dev
	librdmacm-dev
	# balloon_grow.sh: a workload whose memory grows in steps; `make bench`
	# plots its time series
	stress-ng gnuplot-nox
	# utils_kvp_ip.sh: what our hv_set_ifconfig applies an injected address
	# with in a guest that runs neither NetworkManager nor systemd (ifup
	# runs ip(8); its /etc/network/interfaces reads interfaces.d)
	ifupdown
	# utils_kvp_ip_stacks.sh: the same injection applied by NetworkManager
	# (and by systemd-networkd, which comes with systemd) in a guest booted
	# with systemd; on a machine without systemd as PID 1 (this one) the
	# package's scripts do not start it
	network-manager
	# the distribution's own KVP, VSS and file-copy daemons, run against
	# hv_utils to prove the device ABI is upstream's; their units are what
	# tests/units/security.sh compares our units with
	hyperv-daemons
	# units: udevadm parses our udev rules (systemd-analyze, for the units,
	# comes with systemd)
	udev
	# packaging: the clean bookworm system the packages are installed into
	# (tests/packaging/chroot-base.sh)
	mmdebstrap
	# packaging: make deb (debhelper, dh_dkms), make rpm (Debian's
	# rpmbuild), make repo (apt-ftparchive from apt-utils, createrepo_c,
	# gpg, rpmsign from rpm) and the checks on them (lintian, rpmlint;
	# gpgv and apt are always there)
	debhelper dh-dkms lintian rpm rpmlint createrepo-c apt-utils gnupg
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "make check needs these Debian packages and must run as root to install them: ${missing[*]}" >&2
	exit 1
fi
echo "# installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
