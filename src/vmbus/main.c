// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vmbus: the Hyper-V VMBus core of hyperv-lis.
 */
#include <linux/module.h>

#include "hyperv_vmbus.h"

static int __init hv_vmbus_init(void)
{
	return vmbus_bus_init();
}

static void __exit hv_vmbus_exit(void)
{
	vmbus_bus_exit();
}

module_init(hv_vmbus_init);
module_exit(hv_vmbus_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Microsoft Hyper-V VMBus driver (hyperv-lis)");
