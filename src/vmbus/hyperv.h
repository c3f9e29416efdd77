/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "hyperv" backend of hv_vmbus (hyperv.c, hyperv_mmio.c): the bus on
 * real Hyper-V and Azure.  x86_64 with ACPI only; elsewhere the module init
 * hooks are empty.
 */
#ifndef HVLIS_VMBUS_HYPERV_H
#define HVLIS_VMBUS_HYPERV_H

#include <linux/acpi.h>
#include <linux/ioport.h>
#include <linux/types.h>

struct hv_device;

#if defined(CONFIG_X86_64) && defined(CONFIG_ACPI)
/* hv_vmbus module init/exit: bind the ACPI VMBus device on Hyper-V */
int hyperv_backend_init(void);
void hyperv_backend_exit(void);

/* hyperv_mmio.c: the MMIO ranges of the VMBus device's _CRS */
int hyperv_mmio_init(acpi_handle handle);
#else
static inline int hyperv_backend_init(void)
{
	return 0;
}

static inline void hyperv_backend_exit(void)
{
}
#endif

#endif /* HVLIS_VMBUS_HYPERV_H */
