// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vmbus: the Hyper-V VMBus core of hyperv-lis.  The bus comes up here;
 * it connects to the host when a hypervisor backend registers.
 */
#include <linux/module.h>

#include "hyperv_vmbus.h"
#include "hyperv.h"

static int __init hv_vmbus_init(void)
{
	int ret;

	ret = vmbus_connection_init();
	if (ret)
		return ret;
	ret = vmbus_bus_init();
	if (ret)
		goto err_connection;
	ret = vmbus_pm_init();
	if (ret)
		goto err_bus;
	/* On real Hyper-V the bus connects now; elsewhere this does nothing. */
	ret = hyperv_backend_init();
	if (ret)
		goto err_pm;
	return 0;

err_pm:
	vmbus_pm_exit();
err_bus:
	vmbus_bus_exit();
err_connection:
	vmbus_connection_exit();
	return ret;
}

static void __exit hv_vmbus_exit(void)
{
	hyperv_backend_exit();
	vmbus_pm_exit();
	vmbus_bus_exit();
	vmbus_connection_exit();
}

module_init(hv_vmbus_init);
module_exit(hv_vmbus_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("Microsoft Hyper-V VMBus driver (hyperv-lis)");
