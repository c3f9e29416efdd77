/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included into every hyperv-lis kernel source file.  This is the only
 * place that knows how kernels differ; it turns the HAVE_* results of the
 * compile probes (probe.sh and the probes directory) into one spelling the drivers use.
 * Driver code is written against the newest API; older kernels get shims.
 */
#ifndef HVLIS_COMPAT_H
#define HVLIS_COMPAT_H

#include <compat_generated.h>

/*
 * Bus callbacks.  Drivers define their bus functions in the newest form and
 * name them in struct bus_type through these wrappers.
 */
#ifdef HAVE_BUS_UEVENT_CONST_DEV
#define COMPAT_BUS_UEVENT_DEV const struct device
#else
#define COMPAT_BUS_UEVENT_DEV struct device
#endif

#ifdef HAVE_BUS_MATCH_CONST_DRV
#define COMPAT_BUS_MATCH_DRV const struct device_driver
#else
#define COMPAT_BUS_MATCH_DRV struct device_driver
#endif

/* Declares fn##_compat with the bus_type.remove signature of this kernel. */
#ifdef HAVE_BUS_REMOVE_VOID
#define COMPAT_BUS_REMOVE(fn)						\
	static void fn##_compat(struct device *dev) { fn(dev); }
#else
#define COMPAT_BUS_REMOVE(fn)						\
	static int fn##_compat(struct device *dev) { fn(dev); return 0; }
#endif

/* const struct bus_type where the driver core accepts one */
#ifdef HAVE_CONST_BUS_TYPE
#define COMPAT_CONST_BUS const
#else
#define COMPAT_CONST_BUS
#endif

#ifdef HAVE_CONST_KOBJ_TYPE
#define COMPAT_CONST_KOBJ_TYPE const
#else
#define COMPAT_CONST_KOBJ_TYPE
#endif

/*
 * The "hyperv" backend (vmbus/hyperv.c), x86 only: everything below names
 * the kernel's own Hyper-V helpers, expanded only where that file uses them.
 */

/*
 * Hyper-V synthetic MSRs by their short name (SIMP, SIEFP, SINT0, SCONTROL,
 * EOM), read and written through the kernel's accessor where it has one.
 */
#if defined(HAVE_HV_SET_MSR)
#define COMPAT_HV_MSR(name)		HV_MSR_##name
#define compat_hv_get_msr(reg)		hv_get_msr(reg)
#define compat_hv_set_msr(reg, val)	hv_set_msr(reg, val)
#elif defined(HAVE_HV_SET_REGISTER)
#define COMPAT_HV_MSR(name)		HV_REGISTER_##name
#define compat_hv_get_msr(reg)		hv_get_register(reg)
#define compat_hv_set_msr(reg, val)	hv_set_register(reg, val)
#else
#define COMPAT_HV_MSR(name)		HV_X64_MSR_##name
#define compat_hv_get_msr(reg)		\
	({ u64 __compat_val; rdmsrl(reg, __compat_val); __compat_val; })
#define compat_hv_set_msr(reg, val)	wrmsrl(reg, val)
#endif

/*
 * This CPU's hypercall input page.  Up to Linux 5.16 the variable's
 * __percpu sat on the wrong level of its type (fixed by "Drivers: hv: Fix
 * definition of hypercall input & output arg variables", Linux 5.17).  Only
 * sparse sees the difference, no compile probe can, so cast to the fixed
 * type on every kernel.
 */
#define compat_hv_pcpu_input_page()					\
	(*this_cpu_ptr((void * __percpu __force *)hyperv_pcpu_input_arg))

/* The arch's hook for the VMBus vector; x86 ignored the irq argument. */
#ifdef HAVE_HV_SETUP_VMBUS_HANDLER
#define compat_hv_setup_vmbus_handler(fn)	hv_setup_vmbus_handler(fn)
#define compat_hv_remove_vmbus_handler()	hv_remove_vmbus_handler()
#else
#define compat_hv_setup_vmbus_handler(fn)	((void)hv_setup_vmbus_irq(0, fn))
#define compat_hv_remove_vmbus_handler()	hv_remove_vmbus_irq()
#endif

/* Kernels without these could run neither as root nor in an isolated VM. */
#ifdef HAVE_HV_ROOT_PARTITION
#define compat_hv_root_partition()	hv_root_partition
#else
#define compat_hv_root_partition()	false
#endif

#ifdef HAVE_HV_IS_ISOLATION_SUPPORTED
#define compat_hv_is_isolation_supported()	hv_is_isolation_supported()
#else
#define compat_hv_is_isolation_supported()	false
#endif

/* Declares fn##_compat with the platform_driver.remove signature. */
#ifdef HAVE_PLATFORM_REMOVE_VOID
#define COMPAT_PLATFORM_REMOVE(fn)					\
	static void fn##_compat(struct platform_device *pdev) { fn(pdev); }
#else
#define COMPAT_PLATFORM_REMOVE(fn)					\
	static int fn##_compat(struct platform_device *pdev)		\
	{ fn(pdev); return 0; }
#endif

#endif /* HVLIS_COMPAT_H */
