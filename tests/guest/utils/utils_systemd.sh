# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The udev rules and systemd units under the root's own systemd as PID 1
# (the host's root, an overlay; "# init: systemd"), installed as the
# package installs them: each daemon starts when hv_utils makes its device,
# comes back after kill -9, stops when its device goes away because the
# host withdrew the service (a rescind; hv_utils itself cannot be removed
# while a daemon holds its device, as upstream's) and starts again when
# the host offers it again; the PTP clock gets /dev/ptp_hyperv.  Then the host asks
# for a power-off (6.1) or a reboot (6.12): systemd stops everything, the
# ext4 file system on a storvsc disk is unmounted cleanly (the host checks
# the image after QEMU exited: no journal recovery needed, e2fsck clean).
# tags: compat
# init: systemd
# image: disk0.img 256M
# hvsim: --device kvp --device vss --device fcopy --device shutdown --device timesync --device scsi:disk0=@RUN@/disk0.img
# host-check: ! dumpe2fs -h @RUN@/disk0.img 2>/dev/null | grep -q needs_recovery
# host-check: e2fsck -fn @RUN@/disk0.img
# timeout: 400

[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm), not systemd"
units="hv-kvp-daemon hv-vss-daemon hv-fcopy-daemon"

hv_install_glue

# active_pids: each unit's main PID, or fail naming the one not running
active_pids() {
	local u p
	for u in $units; do
		p=$(systemctl show -P MainPID "$u.service")
		[ "$p" -gt 0 ] && systemctl is-active -q "$u.service" || return 1
		printf '%s ' "$p"
	done
}
all_active() { active_pids >/dev/null; }
none_active() {
	local u
	for u in $units; do
		case $(systemctl is-active "$u.service") in
		inactive | failed) ;;
		*) return 1 ;;
		esac
	done
}
unit_states() {
	local u
	for u in $units; do printf '%s=%s ' "$u" "$(systemctl is-active "$u.service")"; done
}

hv_load_storage
hv_load hv_utils
wait_for 30 all_active || fail "not every daemon started: $(unit_states)"
pids=$(active_pids)
note "started by udev when the devices appeared: $(unit_states)(PIDs $pids)"
wait_for 10 "[ -e /dev/ptp_hyperv ]" || fail "no /dev/ptp_hyperv"
ptp=$(readlink -f /dev/ptp_hyperv)
[ "$(cat "/sys/class/ptp/${ptp#/dev/}/clock_name")" = hyperv ] || fail "/dev/ptp_hyperv is $ptp, not the hyperv clock"

# kill -9: systemd starts each again (Restart=on-failure)
for u in $units; do
	old=$(systemctl show -P MainPID "$u.service")
	kill -9 "$old"
	wait_for 20 "systemctl is-active -q $u.service && [ \$(systemctl show -P MainPID $u.service) != $old ]" ||
		fail "$u did not come back after kill -9: $(systemctl status --no-pager "$u.service" | tail -n 5)"
done
note "after kill -9: $(unit_states)(PIDs $(active_pids))"
dmesg | grep -q 'KVP: daemon registered' || fail "the KVP daemon never registered"

# the host withdraws the three services: the devices go, the units stop
# (BindsTo=); offered again, they start again
for c in kvp vss fcopy; do
	hostctl rescind "$(hv_instance $c)" >/dev/null || fail "rescind $c"
done
wait_for 30 none_active || fail "units still running without their devices: $(unit_states)"
note "services withdrawn by the host: $(unit_states)"
for c in kvp vss fcopy; do
	hostctl offer $c >/dev/null || fail "offer $c"
done
wait_for 30 all_active || fail "not every daemon started again: $(unit_states)"
note "offered again: $(unit_states)"

# the host's shutdown request, with a file system to unmount cleanly
dev=$(hv_disk "$(hv_instance scsi)" 0) || fail "no disk"
mkfs.ext4 -q -F "$dev"
mkdir -p /mnt/d
mount "$dev" /mnt/d
head -c 4M /dev/urandom >/mnt/d/data
[ "$HVLIS_SERIES" = 6.1 ] && how= || how=--reboot
wait_for 30 "hostctl shutdown status | grep -q '^shutdown.state=ready'" || fail "the shutdown IC is not ready"
hostctl shutdown ${how:+"$how"} >/dev/null
wait_for 60 "[ \"\$(systemctl is-system-running)\" = stopping ]" ||
	fail "the system is not stopping after the host's request: $(systemctl is-system-running)"
note "the host's shutdown ${how:-(power-off)}: systemd is stopping the system"
