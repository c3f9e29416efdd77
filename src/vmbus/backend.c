// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypervisor backends.  Exactly one backend (real Hyper-V or hvsim) carries
 * the bus at a time; everything above this file is backend-independent.
 */
#include <linux/module.h>
#include <linux/mutex.h>

#include "hyperv_vmbus.h"

static DEFINE_MUTEX(backend_lock);
static struct hv_backend *hv_backend;

int hv_backend_register(struct hv_backend *backend)
{
	int ret = 0;

	if (!backend->post_message || !backend->signal_event ||
	    !backend->synic_setup || !backend->eom || !backend->nr_cpus)
		return -EINVAL;

	mutex_lock(&backend_lock);
	if (hv_backend) {
		ret = -EBUSY;
		goto out;
	}
	hv_backend = backend;
	pr_info("hv_vmbus: %s backend registered, %u CPUs\n", backend->name,
		backend->nr_cpus);
out:
	mutex_unlock(&backend_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hv_backend_register);

void hv_backend_unregister(struct hv_backend *backend)
{
	mutex_lock(&backend_lock);
	if (hv_backend == backend)
		hv_backend = NULL;
	mutex_unlock(&backend_lock);
}
EXPORT_SYMBOL_GPL(hv_backend_unregister);

void hv_backend_interrupt(unsigned int cpu)
{
}
EXPORT_SYMBOL_GPL(hv_backend_interrupt);
