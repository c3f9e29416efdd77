/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of hv_netvsc: NVSP and RNDIS messages each way and each
 * data packet handed to the host.  System "netvsc" and the event names
 * are upstream's (drivers/net/hyperv/netvsc_trace.h, 6.12), the fields
 * ours; message types print as numbers (hvlis/nvsp.h, hvlis/rndis.h).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM netvsc

#if !defined(HV_NETVSC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define HV_NETVSC_TRACE_H

#include <linux/netdevice.h>
#include <linux/tracepoint.h>
#include <hvlis/nvsp.h>
#include <hvlis/rndis.h>
#include <hvlis/vmbus.h>

TRACE_EVENT(nvsp_send,
	TP_PROTO(const struct net_device *ndev, const struct nvsp_message *msg),
	TP_ARGS(ndev, msg),
	TP_STRUCT__entry(
		__array(char, name, IFNAMSIZ)
		__field(u32, msg_type)
	),
	TP_fast_assign(
		memcpy(__entry->name, ndev->name, IFNAMSIZ);
		__entry->msg_type = msg->hdr.msg_type;
	),
	TP_printk("dev=%s type=%u", __entry->name, __entry->msg_type)
);

TRACE_EVENT(nvsp_send_pkt,
	TP_PROTO(const struct net_device *ndev, const struct vmbus_channel *chan,
		 const struct nvsp_1_message_send_rndis_packet *rpkt),
	TP_ARGS(ndev, chan, rpkt),
	TP_STRUCT__entry(
		__array(char, name, IFNAMSIZ)
		__field(u16, qid)
		__field(u32, channel_type)
		__field(u32, section_index)
		__field(u32, section_size)
	),
	TP_fast_assign(
		memcpy(__entry->name, ndev->name, IFNAMSIZ);
		__entry->qid = chan->offermsg.offer.sub_channel_index;
		__entry->channel_type = rpkt->channel_type;
		__entry->section_index = rpkt->send_buf_section_index;
		__entry->section_size = rpkt->send_buf_section_size;
	),
	TP_printk("dev=%s qid=%u type=%s section=%u size=%u",
		  __entry->name, __entry->qid,
		  __entry->channel_type ? "CONTROL" : "DATA",
		  __entry->section_index, __entry->section_size)
);

TRACE_EVENT(nvsp_recv,
	TP_PROTO(const struct net_device *ndev, const struct vmbus_channel *chan,
		 const struct nvsp_message *msg),
	TP_ARGS(ndev, chan, msg),
	TP_STRUCT__entry(
		__array(char, name, IFNAMSIZ)
		__field(u16, qid)
		__field(u32, msg_type)
	),
	TP_fast_assign(
		memcpy(__entry->name, ndev->name, IFNAMSIZ);
		__entry->qid = chan->offermsg.offer.sub_channel_index;
		__entry->msg_type = msg->hdr.msg_type;
	),
	TP_printk("dev=%s qid=%u type=%u", __entry->name, __entry->qid,
		  __entry->msg_type)
);

/* RNDIS control messages: type, length and (requests) req_id */
DECLARE_EVENT_CLASS(rndis_msg_class,
	TP_PROTO(const struct net_device *ndev, u16 q, u32 type, u32 len,
		 u32 req_id),
	TP_ARGS(ndev, q, type, len, req_id),
	TP_STRUCT__entry(
		__array(char, name, IFNAMSIZ)
		__field(u16, queue)
		__field(u32, req_id)
		__field(u32, msg_type)
		__field(u32, msg_len)
	),
	TP_fast_assign(
		memcpy(__entry->name, ndev->name, IFNAMSIZ);
		__entry->queue = q;
		__entry->req_id = req_id;
		__entry->msg_type = type;
		__entry->msg_len = len;
	),
	TP_printk("dev=%s q=%u req=%#x type=%#x msg_len=%u", __entry->name,
		  __entry->queue, __entry->req_id, __entry->msg_type,
		  __entry->msg_len)
);

DEFINE_EVENT(rndis_msg_class, rndis_send,
	TP_PROTO(const struct net_device *ndev, u16 q, u32 type, u32 len,
		 u32 req_id),
	TP_ARGS(ndev, q, type, len, req_id)
);

DEFINE_EVENT(rndis_msg_class, rndis_recv,
	TP_PROTO(const struct net_device *ndev, u16 q, u32 type, u32 len,
		 u32 req_id),
	TP_ARGS(ndev, q, type, len, req_id)
);

#endif /* HV_NETVSC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
