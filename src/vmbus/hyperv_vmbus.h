/* SPDX-License-Identifier: GPL-2.0-only */
/* hv_vmbus internal API, shared by the files of this module only. */
#ifndef HYPERV_VMBUS_INTERNAL_H
#define HYPERV_VMBUS_INTERNAL_H

#include <hvlis/vmbus.h>

extern struct bus_type hv_bus;

int vmbus_bus_init(void);
void vmbus_bus_exit(void);

#endif
