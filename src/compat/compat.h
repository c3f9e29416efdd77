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

/* thaw a super block a user (FIFREEZE) froze */
#ifdef HAVE_THAW_SUPER_HOLDER
#define compat_thaw_super_user(sb)	thaw_super(sb, FREEZE_HOLDER_USERSPACE)
#else
#define compat_thaw_super_user(sb)	thaw_super(sb)
#endif

/* Kernels without these could run neither as root nor in an isolated VM. */
/* panic_notifier_list: its own header since 5.14, <linux/kernel.h> before */
#ifdef HAVE_PANIC_NOTIFIER_H
#include <linux/panic_notifier.h>
#else
#include <linux/kernel.h>
#endif

#ifdef HAVE_HV_ROOT_PARTITION
#define compat_hv_root_partition()	hv_root_partition
#else
#define compat_hv_root_partition()	false
#endif

/* before 6.3 Linux could not run as a nested root partition at all */
#ifdef HAVE_HV_NESTED
#define compat_hv_nested()	hv_nested
#else
#define compat_hv_nested()	false
#endif

/* before 6.6 Linux ran in VTL 0 only */
#ifdef HAVE_HV_VTL
#define compat_hv_vtl()		ms_hyperv.vtl
#else
#define compat_hv_vtl()		0
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

/*
 * SCSI midlayer and DMA (hv_storvsc).  Macros rather than inline functions:
 * this header comes before every kernel header, so struct scsi_cmnd and
 * friends are not known here; the macros expand where storvsc uses them.
 */
#ifdef HAVE_SCSI_DONE
#define compat_scsi_done(cmd)		scsi_done(cmd)
#else
#define compat_scsi_done(cmd)		((cmd)->scsi_done(cmd))
#endif

#ifdef HAVE_SCSI_CMD_TO_RQ
#define compat_scsi_cmd_to_rq(cmd)	scsi_cmd_to_rq(cmd)
#else
#define compat_scsi_cmd_to_rq(cmd)	((cmd)->request)
#endif

/*
 * CHECK CONDITION with fixed-format sense data made up by the driver, and
 * what else a result with sense data from the host needs: before Linux
 * 5.14 the midlayer (scsi_mode_sense(), sd) looked at the sense buffer only
 * when the driver byte said DRIVER_SENSE.
 */
#ifdef HAVE_SCSI_BUILD_SENSE
#define compat_scsi_build_sense(cmd, key, asc, ascq)			\
	scsi_build_sense(cmd, 0, key, asc, ascq)
#define COMPAT_DRIVER_SENSE_RESULT	0
#else
#define compat_scsi_build_sense(cmd, key, asc, ascq)			\
	do {								\
		scsi_build_sense_buffer(0, (cmd)->sense_buffer,		\
					key, asc, ascq);		\
		(cmd)->result = DRIVER_SENSE << 24 |			\
				SAM_STAT_CHECK_CONDITION;		\
	} while (0)
#define COMPAT_DRIVER_SENSE_RESULT	(DRIVER_SENSE << 24)
#endif

/*
 * What .eh_timed_out returns.  COMPAT_EH_COMPLETED: the driver completed
 * the command itself.  Before 6.4 no value says so; BLK_EH_DONE asks for
 * error handling, which the midlayer skips for a command that was already
 * completed (it checks SCMD_STATE_COMPLETE first and re-arms the timer of
 * the finished request, which then never fires).
 */
#ifdef HAVE_SCSI_TIMEOUT_ACTION
#define COMPAT_EH_TIMEOUT_RET		enum scsi_timeout_action
#define COMPAT_EH_RESET_TIMER		SCSI_EH_RESET_TIMER
#define COMPAT_EH_COMPLETED		SCSI_EH_DONE
#else
#define COMPAT_EH_TIMEOUT_RET		enum blk_eh_timer_return
#define COMPAT_EH_RESET_TIMER		BLK_EH_RESET_TIMER
#define COMPAT_EH_COMPLETED		BLK_EH_DONE
#endif

#ifdef HAVE_SCSI_RESCAN_DEVICE_SDEV
#define compat_scsi_rescan_device(sdev)	((void)scsi_rescan_device(sdev))
#else
#define compat_scsi_rescan_device(sdev)	scsi_rescan_device(&(sdev)->sdev_gendev)
#endif

#ifdef HAVE_CONST_SCSI_HOST_TEMPLATE
#define COMPAT_CONST_SHT const
#else
#define COMPAT_CONST_SHT
#endif

/*
 * Without it bounced DMA buffers may start at another offset in their
 * page; only isolated (confidential) VMs bounce, and kernels this old
 * cannot run as one.
 */
#ifdef HAVE_DMA_SET_MIN_ALIGN_MASK
#define compat_dma_set_min_align_mask(dev, mask)			\
	dma_set_min_align_mask(dev, mask)
#else
#define compat_dma_set_min_align_mask(dev, mask)			\
	do { (void)(dev); (void)(mask); } while (0)
#endif

/*
 * Networking (hv_netvsc).  Macros, as above: the net headers come after
 * this one.
 */
#ifdef HAVE_NETIF_NAPI_ADD_NO_WEIGHT
#define compat_netif_napi_add(dev, napi, poll)				\
	netif_napi_add(dev, napi, poll)
#else
#define compat_netif_napi_add(dev, napi, poll)				\
	netif_napi_add(dev, napi, poll, NAPI_POLL_WEIGHT)
#endif

#ifdef HAVE_ETH_HW_ADDR_SET
#define compat_eth_hw_addr_set(dev, addr)	eth_hw_addr_set(dev, addr)
#else
#define compat_eth_hw_addr_set(dev, addr)				\
	memcpy((dev)->dev_addr, addr, ETH_ALEN)
#endif

#ifdef HAVE_NETIF_SET_TSO_MAX_SIZE
#define compat_netif_set_tso_max_size(dev, size)			\
	netif_set_tso_max_size(dev, size)
#else
#define compat_netif_set_tso_max_size(dev, size)			\
	netif_set_gso_max_size(dev, size)
#endif

/*
 * ethtool ring parameters: drivers define fn(dev, ring) and name
 * fn##_compat in ethtool_ops.
 */
#ifdef HAVE_ETHTOOL_RINGPARAM_KERNEL
#define COMPAT_ETHTOOL_GET_RINGPARAM(fn)				\
	static void fn##_compat(struct net_device *dev,			\
				struct ethtool_ringparam *ring,		\
				struct kernel_ethtool_ringparam *kring,	\
				struct netlink_ext_ack *extack)		\
	{ fn(dev, ring); }
#define COMPAT_ETHTOOL_SET_RINGPARAM(fn)				\
	static int fn##_compat(struct net_device *dev,			\
			       struct ethtool_ringparam *ring,		\
			       struct kernel_ethtool_ringparam *kring,	\
			       struct netlink_ext_ack *extack)		\
	{ return fn(dev, ring); }
#else
#define COMPAT_ETHTOOL_GET_RINGPARAM(fn)				\
	static void fn##_compat(struct net_device *dev,			\
				struct ethtool_ringparam *ring)		\
	{ fn(dev, ring); }
#define COMPAT_ETHTOOL_SET_RINGPARAM(fn)				\
	static int fn##_compat(struct net_device *dev,			\
			       struct ethtool_ringparam *ring)		\
	{ return fn(dev, ring); }
#endif

/*
 * RSS key and indirection table: drivers define
 * get(dev, u32 *indir, u8 *key, u8 *hfunc) and
 * set(dev, const u32 *indir, const u8 *key, u8 hfunc) and name
 * fn##_compat in ethtool_ops.
 */
#ifdef HAVE_ETHTOOL_RXFH_PARAM
#define COMPAT_ETHTOOL_GET_RXFH(fn)					\
	static int fn##_compat(struct net_device *dev,			\
			       struct ethtool_rxfh_param *p)		\
	{ return fn(dev, p->indir, p->key, &p->hfunc); }
#define COMPAT_ETHTOOL_SET_RXFH(fn)					\
	static int fn##_compat(struct net_device *dev,			\
			       struct ethtool_rxfh_param *p,		\
			       struct netlink_ext_ack *extack)		\
	{ return fn(dev, p->indir, p->key, p->hfunc); }
#else
#define COMPAT_ETHTOOL_GET_RXFH(fn)					\
	static int fn##_compat(struct net_device *dev, u32 *indir,	\
			       u8 *key, u8 *hfunc)			\
	{ return fn(dev, indir, key, hfunc); }
#define COMPAT_ETHTOOL_SET_RXFH(fn)					\
	static int fn##_compat(struct net_device *dev,			\
			       const u32 *indir, const u8 *key,		\
			       const u8 hfunc)				\
	{ return fn(dev, indir, key, hfunc); }
#endif

/* add_memory()'s merge flag, MEMHP_ before Linux 5.11 */
#ifndef HAVE_MHP_MERGE_RESOURCE
#define MHP_MERGE_RESOURCE	MEMHP_MERGE_RESOURCE
#endif

/*
 * The smallest order free page reporting reports: a device's own choice
 * since Linux 5.14 (0 = the core's page_reporting_order); before, always
 * pageblock_order.
 */
#ifdef HAVE_PAGE_REPORTING_ORDER
#define compat_page_reporting_set_order(pr, o)	((pr)->order = (o))
#else
struct page_reporting_dev_info;
static inline void
compat_page_reporting_set_order(struct page_reporting_dev_info *pr,
				unsigned int order)
{
}
#endif

/*
 * RDMA ops took the port number as u8 until "RDMA: Support more than 255
 * rdma ports" (Linux 5.14), u32 since.
 */
#ifdef HAVE_IB_PORT_U32
#define COMPAT_IB_PORT_T	u32
#else
#define COMPAT_IB_PORT_T	u8
#endif

/*
 * ib_device_ops.create_cq's last argument: the udata, until "RDMA: Pass
 * uverbs_attr_bundle as part of '.create_cq_umem' API" gave it the whole
 * attribute bundle (Linux 6.11).  Drivers write fn(cq, attr, udata) and
 * name fn##_compat in their ops.
 */
#ifdef HAVE_IB_CREATE_CQ_ATTRS
#define COMPAT_IB_CREATE_CQ(fn)						\
	static int fn##_compat(struct ib_cq *cq,			\
			       const struct ib_cq_init_attr *attr,	\
			       struct uverbs_attr_bundle *attrs)	\
	{ return fn(cq, attr, attrs ? &attrs->driver_udata : NULL); }
#else
#define COMPAT_IB_CREATE_CQ(fn)						\
	static int fn##_compat(struct ib_cq *cq,			\
			       const struct ib_cq_init_attr *attr,	\
			       struct ib_udata *udata)			\
	{ return fn(cq, attr, udata); }
#endif

/*
 * QPs: the core allocates the driver's QP since "RDMA: Globally allocate
 * and release QP memory" (Linux 5.15); before, create_qp allocated and
 * returned it and destroy_qp freed it.  Drivers write int fn(qp, attr,
 * udata) and destroy(qp, udata) on a @type with the ib_qp @member first.
 */
#ifdef HAVE_IB_CREATE_QP_CORE_ALLOC
#define COMPAT_IB_CREATE_QP(fn, type, member)				\
	static int fn##_compat(struct ib_qp *qp,			\
			       struct ib_qp_init_attr *attr,		\
			       struct ib_udata *udata)			\
	{								\
		BUILD_BUG_ON(offsetof(type, member));			\
		return fn(qp, attr, udata);				\
	}
#define COMPAT_IB_DESTROY_QP(fn, type, member)				\
	static int fn##_compat(struct ib_qp *qp, struct ib_udata *udata) \
	{								\
		BUILD_BUG_ON(offsetof(type, member));			\
		return fn(qp, udata);					\
	}
#define COMPAT_IB_QP_OBJ_SIZE(type, member)				\
	INIT_RDMA_OBJ_SIZE(ib_qp, type, member),
#else
#define COMPAT_IB_CREATE_QP(fn, type, member)				\
	static struct ib_qp *fn##_compat(struct ib_pd *pd,		\
					 struct ib_qp_init_attr *attr,	\
					 struct ib_udata *udata)	\
	{								\
		type *q = kzalloc(sizeof(*q), GFP_KERNEL);		\
		int ret;						\
									\
		if (!q)							\
			return ERR_PTR(-ENOMEM);			\
		q->member.device = pd->device;				\
		q->member.pd = pd;					\
		ret = fn(&q->member, attr, udata);			\
		if (ret) {						\
			kfree(q);					\
			return ERR_PTR(ret);				\
		}							\
		return &q->member;					\
	}
#define COMPAT_IB_DESTROY_QP(fn, type, member)				\
	static int fn##_compat(struct ib_qp *qp, struct ib_udata *udata) \
	{								\
		int ret = fn(qp, udata);				\
									\
		if (!ret)						\
			kfree(container_of(qp, type, member));		\
		return ret;						\
	}
#define COMPAT_IB_QP_OBJ_SIZE(type, member)
#endif

#endif /* HVLIS_COMPAT_H */
