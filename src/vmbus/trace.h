/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of hv_vmbus: the control messages, channel and GPADL events
 * a developer needs on a real host, where there is no hvsim to ask.  The
 * system and event names are upstream's (drivers/hv/hv_trace.h, 6.12), so
 * "perf trace -e hyperv:*" and scripts written for the in-tree driver
 * work unchanged; the fields are ours.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hyperv

#if !defined(HV_VMBUS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define HV_VMBUS_TRACE_H

#include <linux/tracepoint.h>
#include <hvlis/vmbus.h>

/* every message the host sends, as it arrives (interrupt context) */
TRACE_EVENT(vmbus_on_message,
	TP_PROTO(u32 msgtype, u32 len),
	TP_ARGS(msgtype, len),
	TP_STRUCT__entry(
		__field(u32, msgtype)
		__field(u32, len)
	),
	TP_fast_assign(
		__entry->msgtype = msgtype;
		__entry->len = len;
	),
	TP_printk("msgtype=%u len=%u", __entry->msgtype, __entry->len)
);

TRACE_EVENT(vmbus_onoffer,
	TP_PROTO(const struct vmbus_channel_offer_channel *offer),
	TP_ARGS(offer),
	TP_STRUCT__entry(
		__field(u32, child_relid)
		__field(u8, monitorid)
		__field(u8, monitor_allocated)
		__field(u16, is_dedicated)
		__field(u32, connection_id)
		__array(u8, if_type, 16)
		__array(u8, if_instance, 16)
		__field(u16, chn_flags)
		__field(u16, mmio_mb)
		__field(u16, sub_idx)
	),
	TP_fast_assign(
		__entry->child_relid = offer->child_relid;
		__entry->monitorid = offer->monitorid;
		__entry->monitor_allocated = offer->monitor_allocated;
		__entry->is_dedicated = offer->is_dedicated_interrupt;
		__entry->connection_id = offer->connection_id;
		memcpy(__entry->if_type, &offer->offer.if_type, 16);
		memcpy(__entry->if_instance, &offer->offer.if_instance, 16);
		__entry->chn_flags = offer->offer.chn_flags;
		__entry->mmio_mb = offer->offer.mmio_megabytes;
		__entry->sub_idx = offer->offer.sub_channel_index;
	),
	TP_printk("child_relid %u, monitorid %u (%s), is_dedicated %u, connection_id 0x%x, if_type %pUl, if_instance %pUl, chn_flags 0x%x, mmio_megabytes %u, sub_channel_index %u",
		  __entry->child_relid, __entry->monitorid,
		  __entry->monitor_allocated ? "allocated" : "none",
		  __entry->is_dedicated, __entry->connection_id,
		  __entry->if_type, __entry->if_instance, __entry->chn_flags,
		  __entry->mmio_mb, __entry->sub_idx)
);

/* events about one relid and a result: rescind, release, close */
DECLARE_EVENT_CLASS(vmbus_relid_class,
	TP_PROTO(u32 child_relid, int ret),
	TP_ARGS(child_relid, ret),
	TP_STRUCT__entry(
		__field(u32, child_relid)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->child_relid = child_relid;
		__entry->ret = ret;
	),
	TP_printk("child_relid %u, ret %d", __entry->child_relid, __entry->ret)
);

DEFINE_EVENT(vmbus_relid_class, vmbus_onoffer_rescind,
	TP_PROTO(u32 child_relid, int ret),
	TP_ARGS(child_relid, ret)
);

DEFINE_EVENT(vmbus_relid_class, vmbus_release_relid,
	TP_PROTO(u32 child_relid, int ret),
	TP_ARGS(child_relid, ret)
);

DEFINE_EVENT(vmbus_relid_class, vmbus_close_internal,
	TP_PROTO(u32 child_relid, int ret),
	TP_ARGS(child_relid, ret)
);

TRACE_EVENT(vmbus_negotiate_version,
	TP_PROTO(u32 version, u32 target_vcpu, u32 conn_id, int ret),
	TP_ARGS(version, target_vcpu, conn_id, ret),
	TP_STRUCT__entry(
		__field(u32, version)
		__field(u32, target_vcpu)
		__field(u32, conn_id)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->version = version;
		__entry->target_vcpu = target_vcpu;
		__entry->conn_id = conn_id;
		__entry->ret = ret;
	),
	TP_printk("version %u.%u, target_vcpu %u, connection id %u, ret %d",
		  __entry->version >> 16, __entry->version & 0xffff,
		  __entry->target_vcpu, __entry->conn_id, __entry->ret)
);

TRACE_EVENT(vmbus_request_offers,
	TP_PROTO(int ret),
	TP_ARGS(ret),
	TP_STRUCT__entry(__field(int, ret)),
	TP_fast_assign(__entry->ret = ret;),
	TP_printk("ret %d", __entry->ret)
);

TRACE_EVENT(vmbus_open,
	TP_PROTO(u32 child_relid, u32 gpadl, u32 target_vp, u32 send_pages,
		 int ret),
	TP_ARGS(child_relid, gpadl, target_vp, send_pages, ret),
	TP_STRUCT__entry(
		__field(u32, child_relid)
		__field(u32, gpadl)
		__field(u32, target_vp)
		__field(u32, send_pages)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->child_relid = child_relid;
		__entry->gpadl = gpadl;
		__entry->target_vp = target_vp;
		__entry->send_pages = send_pages;
		__entry->ret = ret;
	),
	TP_printk("child_relid %u, ringbuffer_gpadlhandle 0x%x, target_vp %u, downstream_ringbuffer_pageoffset %u, ret %d",
		  __entry->child_relid, __entry->gpadl, __entry->target_vp,
		  __entry->send_pages, __entry->ret)
);

DECLARE_EVENT_CLASS(vmbus_gpadl_class,
	TP_PROTO(u32 child_relid, u32 gpadl, u32 pages, int ret),
	TP_ARGS(child_relid, gpadl, pages, ret),
	TP_STRUCT__entry(
		__field(u32, child_relid)
		__field(u32, gpadl)
		__field(u32, pages)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->child_relid = child_relid;
		__entry->gpadl = gpadl;
		__entry->pages = pages;
		__entry->ret = ret;
	),
	TP_printk("child_relid %u, gpadl 0x%x, %u pages, ret %d",
		  __entry->child_relid, __entry->gpadl, __entry->pages,
		  __entry->ret)
);

/* GPADL_HEADER and its bodies sent and GPADL_CREATED back (or not) */
DEFINE_EVENT(vmbus_gpadl_class, vmbus_establish_gpadl_header,
	TP_PROTO(u32 child_relid, u32 gpadl, u32 pages, int ret),
	TP_ARGS(child_relid, gpadl, pages, ret)
);

DEFINE_EVENT(vmbus_gpadl_class, vmbus_teardown_gpadl,
	TP_PROTO(u32 child_relid, u32 gpadl, u32 pages, int ret),
	TP_ARGS(child_relid, gpadl, pages, ret)
);

TRACE_EVENT(vmbus_send_modifychannel,
	TP_PROTO(u32 child_relid, u32 target_vp, int ret),
	TP_ARGS(child_relid, target_vp, ret),
	TP_STRUCT__entry(
		__field(u32, child_relid)
		__field(u32, target_vp)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->child_relid = child_relid;
		__entry->target_vp = target_vp;
		__entry->ret = ret;
	),
	TP_printk("child_relid %u, target_vp %u, ret %d",
		  __entry->child_relid, __entry->target_vp, __entry->ret)
);

/* the data path, per channel: signal to the host, interrupt, callback */
DECLARE_EVENT_CLASS(vmbus_channel_class,
	TP_PROTO(const struct vmbus_channel *chan),
	TP_ARGS(chan),
	TP_STRUCT__entry(__field(u32, relid)),
	TP_fast_assign(__entry->relid = chan->offermsg.child_relid;),
	TP_printk("relid %u", __entry->relid)
);

DEFINE_EVENT(vmbus_channel_class, vmbus_chan_sched,
	TP_PROTO(const struct vmbus_channel *chan),
	TP_ARGS(chan)
);

DEFINE_EVENT(vmbus_channel_class, vmbus_setevent,
	TP_PROTO(const struct vmbus_channel *chan),
	TP_ARGS(chan)
);

DEFINE_EVENT(vmbus_channel_class, vmbus_on_event,
	TP_PROTO(const struct vmbus_channel *chan),
	TP_ARGS(chan)
);

#endif /* HV_VMBUS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
