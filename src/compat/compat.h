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

#endif /* HVLIS_COMPAT_H */
