// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hibernation is refused while a host is connected.
 *
 * Upstream resumes from hibernation through bus and device PM callbacks
 * (vmbus_drv.c vmbus_bus_suspend/vmbus_bus_resume, storvsc and netvsc
 * suspend/resume): the image's channels are closed and UNLOADed before
 * power-off, and after restore the connection is negotiated again, every
 * channel re-offered, matched to the old one by its instance GUID and
 * reopened.  hyperv-lis does not have those callbacks yet.  Without them
 * the image would resume with ring buffers and GPADLs the host dropped
 * when the VM powered off, and the restore kernel would meet a connection
 * the host still counts as the boot kernel's: storage and network would
 * be lost after resume, or worse.  So the PM notifier stops hibernation
 * before anything is frozen, with one sentence in the log, and the
 * system runs on.  Suspend to idle needs nothing from VMBus and is left
 * alone.
 */
#include <linux/notifier.h>
#include <linux/suspend.h>

#include "hyperv_vmbus.h"

static int vmbus_pm_notify(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	if (action != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	if (!READ_ONCE(vmbus_connection.backend))
		return NOTIFY_DONE;
	pr_warn("hv_vmbus: hibernation refused: hyperv-lis cannot yet reopen VMBus channels after resume, so the system keeps running\n");
	return notifier_from_errno(-EOPNOTSUPP);
}

static struct notifier_block vmbus_pm_nb = {
	.notifier_call = vmbus_pm_notify,
};

int vmbus_pm_init(void)
{
	return register_pm_notifier(&vmbus_pm_nb);
}

void vmbus_pm_exit(void)
{
	unregister_pm_notifier(&vmbus_pm_nb);
}
