# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# KVP, backup and file copy with our own daemons (src/daemons): the checks
# of daemons.bash, the same that Debian's daemons pass
# (utils_daemons_debian.sh).
# tags: 6.12 debug
# image: disk0.img 512M
# hvsim: --device kvp --device vss --device fcopy --device scsi:disk0=@RUN@/disk0.img
# timeout: 900

kvpd=$HVLIS_TOP/src/daemons/hv_kvp_daemon
vssd=$HVLIS_TOP/src/daemons/hv_vss_daemon
fcopyd=$HVLIS_TOP/src/daemons/hv_fcopy_daemon
# shellcheck source=tests/guest/utils/daemons.bash
. "$HVLIS_TOP/tests/guest/utils/daemons.bash"
rmmod hv_utils || fail "rmmod hv_utils"
check_dmesg_clean
