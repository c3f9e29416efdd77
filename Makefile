# SPDX-License-Identifier: GPL-2.0-only
#
# hyperv-lis: Hyper-V / Azure guest drivers, built out of tree.
#
#   make                 modules for KDIR (default: the running kernel) + user space
#   make check           install test dependencies, then run every test
#   make check-quick     a subset for the inner loop (< 5 minutes)
#   make check-all       every scenario on both kernels (before a release)
#   make run             boot a VM on hvsim with the drivers loaded
#   make bench           benchmarks (ratios side by side, not pass/fail)
#   make matrix          build all modules for Debian 5.10, 6.1 and 6.12, W=1, zero warnings
#   make dkms-install    register, build and install the modules with DKMS
#   make install-glue    install the udev rules and the daemons' systemd units
#                        (DESTDIR, UDEVDIR, UNITDIR; then, on a live system,
#                        systemctl daemon-reload and udevadm control --reload)
#   make kernels         fetch and unpack the Debian test kernels into the cache
#   make deb             hyperv-lis-dkms and hyperv-lis-daemons .debs and the
#                        source package in build/deb/ (packaging/debian)
#   make rpm             the same as RPMs and an SRPM in build/rpm/
#                        (packaging/rpm/hyperv-lis.spec, Debian's rpmbuild)
#   make repo            deb and rpm, then a signed apt and a yum repository
#                        in build/repo/ (REPO_KEY, REPO_SUITE, REPO_URL:
#                        packaging/mkpkg.sh)

KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell cat VERSION)
DKMS_NAME := hyperv-lis
# Where udev and systemd look, as their pkg-config files say; without them
# Debian 12's paths (/lib is /usr/lib with merged /usr, so both work).  The
# units have the names of Debian's hyperv-daemons units and replace them.
UDEVDIR ?= $(or $(shell pkg-config --variable=udevdir udev 2>/dev/null),/lib/udev)
UNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
GLUE_RULES := udev/70-hyperv-lis.rules
GLUE_UNITS := systemd/hv-kvp-daemon.service systemd/hv-vss-daemon.service \
	systemd/hv-fcopy-daemon.service

all: modules user

modules:
	$(MAKE) -C src KDIR=$(KDIR)

user:
	$(MAKE) -C src/daemons
	$(MAKE) -C tests/hvsim

kernels:
	tests/kernels/fetch.sh

matrix: kernels
	tests/matrix.sh

check:
	tests/check.sh full

check-quick:
	tests/check.sh quick

check-all:
	tests/check.sh all

run:
	tests/run-vm.sh

bench:
	tests/bench/run.sh

dkms-install:
	tests/packaging/dkms.sh install

dkms-remove:
	tests/packaging/dkms.sh remove

deb:
	packaging/mkpkg.sh deb

rpm:
	packaging/mkpkg.sh rpm

repo: deb rpm
	packaging/mkpkg.sh repo

install-glue:
	install -d $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)$(UNITDIR)
	install -m 0644 $(GLUE_RULES) $(DESTDIR)$(UDEVDIR)/rules.d/
	install -m 0644 $(GLUE_UNITS) $(DESTDIR)$(UNITDIR)/

uninstall-glue:
	rm -f $(addprefix $(DESTDIR)$(UDEVDIR)/rules.d/,$(notdir $(GLUE_RULES)))
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(GLUE_UNITS)))

clean:
	-$(MAKE) -C src clean KDIR=$(KDIR)
	-$(MAKE) -C src/daemons clean
	-$(MAKE) -C tests/hvsim clean
	rm -rf build

.PHONY: all modules user kernels matrix check check-quick check-all run bench dkms-install \
	dkms-remove deb rpm repo install-glue uninstall-glue clean
