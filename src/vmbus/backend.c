// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypervisor backends.  Exactly one backend (real Hyper-V or hvsim) carries
 * the bus at a time; everything above this file is backend-independent.
 * Registering a backend connects the bus; unregistering disconnects it.
 */
#include <linux/module.h>
#include <linux/mutex.h>

#include <hvlis/synic.h>
#include "hyperv_vmbus.h"

static DEFINE_MUTEX(backend_lock);

int hv_backend_register(struct hv_backend *backend)
{
	int ret;

	if (!backend->post_message || !backend->signal_event ||
	    !backend->synic_setup || !backend->eom || !backend->nr_cpus)
		return -EINVAL;

	mutex_lock(&backend_lock);
	if (vmbus_connection.backend) {
		ret = -EBUSY;
		goto out;
	}
	pr_info("hv_vmbus: connecting through the %s backend, %u CPUs\n",
		backend->name, backend->nr_cpus);
	ret = vmbus_connect(backend);
out:
	mutex_unlock(&backend_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hv_backend_register);

void hv_backend_unregister(struct hv_backend *backend)
{
	mutex_lock(&backend_lock);
	if (vmbus_connection.backend == backend)
		vmbus_disconnect();
	mutex_unlock(&backend_lock);
}
EXPORT_SYMBOL_GPL(hv_backend_unregister);

/*
 * Reboot, power-off or kexec: the backend's device shuts down after all the
 * vmbus devices below it (disks have flushed their caches by then).  On a
 * kexec, tell the host to forget our channels, so the next kernel finds
 * it as a fresh boot would and the host lets go of memory we gave it; on
 * a reboot or power-off leave it be (connection.c says why).
 */
void hv_backend_shutdown(struct hv_backend *backend)
{
	mutex_lock(&backend_lock);
	if (vmbus_connection.backend == backend)
		vmbus_shutdown_unload();
	mutex_unlock(&backend_lock);
}
EXPORT_SYMBOL_GPL(hv_backend_shutdown);

/* A backend's own kexec hook (Hyper-V's): UNLOAD now, if not done yet. */
void hv_backend_unload(struct hv_backend *backend)
{
	mutex_lock(&backend_lock);
	if (vmbus_connection.backend == backend)
		vmbus_unload_now();
	mutex_unlock(&backend_lock);
}
EXPORT_SYMBOL_GPL(hv_backend_unload);

/*
 * Extended hypercalls (hvlis/hv_ext.h) for class drivers.  Only a driver
 * bound to a device calls these, and the backend outlives its devices.
 */
u64 vmbus_ext_caps(void)
{
	struct hv_backend *b = READ_ONCE(vmbus_connection.backend);

	return b && b->ext_caps ? b->ext_caps() : 0;
}
EXPORT_SYMBOL_GPL(vmbus_ext_caps);

int vmbus_memory_hint(u32 type, const u64 *ranges, unsigned int n)
{
	struct hv_backend *b = READ_ONCE(vmbus_connection.backend);
	u16 status;

	if (!b || !b->memory_hint)
		return -EOPNOTSUPP;
	status = b->memory_hint(type, ranges, n);
	if (status == HV_STATUS_SUCCESS)
		return 0;
	return status == HV_STATUS_INVALID_PARAMETER ? -EINVAL : -EIO;
}
EXPORT_SYMBOL_GPL(vmbus_memory_hint);
