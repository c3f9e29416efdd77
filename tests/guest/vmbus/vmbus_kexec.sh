# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# kexec into the same kernel and initramfs while the host is slow to answer
# UNLOAD (15 s, "set unload-delay", past the 10 s after which we used to
# give up): the old kernel sends UNLOAD once its devices have shut down
# and waits for the answer however long it takes, so the host lets go of
# every GPADL before the new kernel's INITIATE_CONTACT (no reconnect, no
# GPADL dropped by one); the new kernel connects to the same hvsim, loads
# our modules, and finds the disk with the file the old one wrote, and the
# echo device working.  The second kernel runs this scenario again with
# hvlis.phase=2 on its command line.
# tags: compat debug
# image: disk0.img 64M
# hvsim: --device scsi:disk0=@RUN@/disk0.img --device echo
# timeout: 300

kd=$HVLIS_CACHE/kernels/$HVLIS_SERIES
if [ "${HVLIS_PHASE:-1}" = 1 ]; then
	hv_load_storage
	dev=$(hv_disk "$(hv_instance scsi)" 0) || fail "no disk"
	mkfs.ext4 -q -F "$dev"
	mkdir -p /mnt/d
	mount "$dev" /mnt/d
	head -c 4M /dev/urandom >/mnt/d/before-kexec
	sha256sum </mnt/d/before-kexec | cut -d' ' -f1 >/mnt/d/sum
	date +%s >/mnt/d/kexec-time
	umount /mnt/d
	note "host before kexec: $(vmbus_stat gpadls) GPADLs, $(vmbus_stat vmbus.unloads) UNLOADs"
	hostctl set unload-delay 15000 >/dev/null || fail "hvsim: set unload-delay"
	kexec -l "$(cat "$kd/VMLINUZ")" --initrd="$kd/initramfs.cpio.gz" \
		--append="$(cat /proc/cmdline) hvlis.phase=2" || fail "kexec -l"
	kexec -e
	fail "kexec -e returned"
fi

note "phase 2: $(uname -r)"
[ "$(vmbus_stat vmbus.unloads)" -eq 1 ] ||
	fail "the host saw $(vmbus_stat vmbus.unloads) UNLOADs, want 1"
[ "$(vmbus_stat vmbus.reconnects)" -eq 0 ] ||
	fail "the new kernel found the old connection up ($(vmbus_stat vmbus.gpadls_dropped) GPADLs dropped)"
[ "$(vmbus_stat vmbus.gpadls_dropped)" -eq 0 ] || fail "GPADLs of the old kernel dropped by the host"
hostctl set unload-delay 0 >/dev/null
hv_load_storage
hv_load hv_echo_test
dev=$(hv_disk "$(hv_instance scsi)" 0) || fail "no disk after kexec"
mkdir -p /mnt/d
mount "$dev" /mnt/d || fail "cannot mount the disk after kexec"
[ "$(sha256sum </mnt/d/before-kexec | cut -d' ' -f1)" = "$(cat /mnt/d/sum)" ] ||
	fail "the file written before kexec differs"
gap=$(($(date +%s) - $(cat /mnt/d/kexec-time)))
note "from kexec to the new kernel's disk: $gap s"
[ "$gap" -ge 15 ] || fail "the old kernel did not wait for the 15 s UNLOAD answer ($gap s)"
umount /mnt/d
for d in /sys/bus/vmbus/devices/*; do
	[ -e "$d/echo_run" ] || continue
	echo "10000 1 128 1" >"$d/echo_run" || fail "echo after kexec: $(cat "$d/echo_result")"
	note "echo after kexec: $(cat "$d/echo_result")"
done
note "host after: $(vmbus_stat vmbus.negotiations) negotiations, $(vmbus_stat gpadls) GPADLs"
check_dmesg_clean
