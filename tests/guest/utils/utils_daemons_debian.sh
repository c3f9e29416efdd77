# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# KVP, backup and file copy with Debian's own daemons (package
# hyperv-daemons, unchanged: /usr/sbin/hv_kvp_daemon, hv_vss_daemon,
# hv_fcopy_daemon) on our /dev/vmbus/hv_kvp, hv_vss and hv_fcopy: the
# device ABI is upstream's.  The checks are daemons.bash's.  On 6.1 only
# in `make check`: utils_daemons.sh runs the same kernel code on 6.12.
# tags: 6.1
# image: disk0.img 512M
# hvsim: --device kvp --device vss --device fcopy --device scsi:disk0=@RUN@/disk0.img
# timeout: 900

kvpd=/usr/sbin/hv_kvp_daemon
vssd=/usr/sbin/hv_vss_daemon
fcopyd=/usr/sbin/hv_fcopy_daemon
# shellcheck source=tests/guest/utils/daemons.bash
. "$HVLIS_TOP/tests/guest/utils/daemons.bash"
rmmod hv_utils || fail "rmmod hv_utils"
check_dmesg_clean
