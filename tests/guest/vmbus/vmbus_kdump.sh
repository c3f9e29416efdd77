# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The kdump path: with a crash kernel loaded (kexec -p, the same kernel and
# initramfs), "echo c > /proc/sysrq-trigger" panics the guest; the panic
# path sends UNLOAD and polls every CPU's message slot for the answer with
# interrupts off, so the host has let go of this kernel's channels when the
# crash kernel connects (no reconnect, no GPADL dropped).  The crash kernel
# (hvlis.phase=2) loads our modules, mounts the storvsc disk and writes the
# dump with makedumpfile; it must be a kdump-compressed file of some size.
# crash_kexec_post_notifiers makes panic notifiers run before the crash
# kernel, as Hyper-V's arch code sets it on Hyper-V; hvsim runs on QEMU.
# tags: compat
# append: crashkernel=256M crash_kexec_post_notifiers
# image: disk0.img 1G
# hvsim: --device scsi:disk0=@RUN@/disk0.img
# timeout: 300

kd=$HVLIS_CACHE/kernels/$HVLIS_SERIES
if [ "${HVLIS_PHASE:-1}" = 1 ]; then
	hv_load_storage
	dev=$(hv_disk "$(hv_instance scsi)" 0) || fail "no disk"
	mkfs.ext4 -q -F "$dev"
	cmdline=$(sed -e 's/crashkernel=[^ ]*//' -e 's/crash_kexec_post_notifiers//' /proc/cmdline)
	kexec -p "$(cat "$kd/VMLINUZ")" --initrd="$kd/initramfs.cpio.gz" \
		--append="$cmdline nr_cpus=1 reset_devices hvlis.phase=2" ||
		fail "kexec -p: no crash kernel loaded"
	[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || fail "crash kernel not loaded"
	note "host before the crash: $(vmbus_stat gpadls) GPADLs"
	sync
	echo c >/proc/sysrq-trigger
	fail "sysrq c returned"
fi

note "crash kernel: $(uname -r), $(nproc) CPU"
[ -e /proc/vmcore ] || fail "no /proc/vmcore: not the crash kernel"
[ "$(vmbus_stat vmbus.unloads)" -eq 1 ] ||
	fail "the panic path sent no UNLOAD ($(vmbus_stat vmbus.unloads))"
[ "$(vmbus_stat vmbus.reconnects)" -eq 0 ] ||
	fail "the crash kernel found the old connection up"
[ "$(vmbus_stat vmbus.gpadls_dropped)" -eq 0 ] || fail "GPADLs of the old kernel dropped"
hv_load_storage
dev=$(hv_disk "$(hv_instance scsi)" 0) || fail "no disk in the crash kernel"
mkdir -p /mnt/d
mount "$dev" /mnt/d || fail "cannot mount the disk in the crash kernel"
makedumpfile -l -d 31 /proc/vmcore /mnt/d/dump >/tmp/mkd.out 2>&1 ||
	fail "makedumpfile: $(tail -n 3 /tmp/mkd.out)"
size=$(stat -c %s /mnt/d/dump)
magic=$(head -c 8 /mnt/d/dump)
note "dump: $size bytes, signature '$magic'"
[ "$magic" = "KDUMP   " ] || fail "not a kdump-compressed file"
[ "$size" -gt 1048576 ] || fail "dump of only $size bytes"
umount /mnt/d
check_dmesg_clean
