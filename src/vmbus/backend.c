// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypervisor backends.  Exactly one backend (real Hyper-V or hvsim) carries
 * the bus at a time; everything above this file is backend-independent.
 * Registering a backend connects the bus; unregistering disconnects it.
 */
#include <linux/module.h>
#include <linux/mutex.h>

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
