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
