/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NVSP: the Network VSP protocol spoken over the VMBus channels of the
 * synthetic network adapter class (HV_NIC_GUID,
 * {f8615163-df3e-46c5-913f-f2d2f965ed0e}).  The guest side is netvsc
 * (hv_netvsc.ko), the host side netvsp (hvsim's; Hyper-V's and openvmm's on
 * real hosts).  Ethernet frames and control requests travel as RNDIS
 * messages (<hvlis/rndis.h>) carried by NVSP messages.
 *
 * Sources: drivers/net/hyperv/hyperv_net.h, netvsc.c, rndis_filter.c and
 * netvsc_drv.c (Linux 6.12, the guest view), and microsoft/openvmm
 * vm/devices/net/netvsp/src/protocol.rs and lib.rs (the host view).
 *
 * Packets.  Every NVSP message is one struct nvsp_message (40 bytes: a u32
 * msg_type and a 36-byte union) at the start of a VMBus packet's payload.
 * Control messages are VM_PKT_DATA_INBAND with
 * VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED; the host's answer comes back
 * as VM_PKT_COMP carrying the same trans_id (the answer's msg_type names
 * the *_COMPLETE message).  Some guest messages have no answer at all
 * (SEND_NDIS_VER, SEND_NDIS_CONFIG, SWITCH_DATA_PATH on most hosts,
 * REVOKE_*): Linux sends them without expecting a completion.
 *
 * Initialization (guest, on the primary channel; Linux 6.12
 * netvsc_connect_vsp / netvsc_init_buf):
 *   vmbus_open(ring, ring, no user data)
 *   INIT {min = max = V} for V in 0x60001, 0x60000, 0x50000, 0x40000,
 *        0x30002, 2 (newest first) -> INIT_COMPLETE {status}; the first
 *        V with status NVSP_STAT_SUCCESS is the protocol version.
 *   SEND_NDIS_CONFIG {mtu + ETH_HLEN, capability bits}   (V >= 0x30002)
 *        vsubnetid, rsc (>= 0x60001), sriov (>= 0x40000), teaming,
 *        ieee8021q; no completion.
 *   SEND_NDIS_VER {6, 30} for V >= 0x50000, else {6, 1}; no completion.
 *   SEND_RECV_BUF {gpadl of the receive buffer, id 0xcafe}
 *        -> SEND_RECV_BUF_COMPLETE {status, num_sections (must be 1),
 *        sections[0] = {offset, sub_alloc_size, num_sub_allocs,
 *        end_offset}}: the host carves the buffer into num_sub_allocs
 *        slots of sub_alloc_size bytes; the guest needs it only to size
 *        its receive-completion ring.
 *   SEND_SEND_BUF {gpadl of the send buffer, id 0}
 *        -> SEND_SEND_BUF_COMPLETE {status, section_size}: the guest then
 *        uses send_buf_size / section_size sections.
 *   RNDIS INIT, QUERY permanent MAC, link, offload caps, ... (rndis.h)
 *   SUBCHANNEL {ALLOCATE, n} (V >= 0x50000) -> {status, n granted}; the
 *        host then offers n sub-channels with the primary's instance GUID;
 *        the guest opens each (no NVSP handshake on them) and then sets
 *        the RSS parameters.  Each channel is one queue in both directions.
 * Teardown: REVOKE_RECV_BUF {0xcafe}, REVOKE_SEND_BUF {0}, then the GPADLs
 * are torn down and the channels closed.
 *
 * Data.  An RNDIS message goes guest -> host as SEND_RNDIS_PKT
 * {channel_type 0 data / 1 control, send_buf_section_index,
 * send_buf_section_size}:
 *   - copied into one send-buffer section (index < sections, size = bytes
 *     used), the VMBus packet carries only the nvsp_message; or
 *   - as page buffers (section index NVSP_INVALID_SECTION_INDEX, size 0):
 *     VM_PKT_DATA_USING_GPA_DIRECT with one hv_page_buffer per contiguous
 *     piece (RNDIS header + PPIs first, then the frame's pieces).
 * The host answers each with SEND_RNDIS_PKT_COMPLETE {status} (VM_PKT_COMP,
 * same trans_id): only then may the guest reuse the section or free the
 * frame.  RNDIS control messages (INIT/QUERY/SET/KEEPALIVE/HALT) use
 * channel_type 1; their RNDIS answers come back like received frames.
 *
 * Host -> guest frames arrive as VM_PKT_DATA_USING_XFER_PAGES: a
 * vmtransfer_page_packet_header (xfer_pageset_id = 0xcafe) with range_cnt
 * ranges {byte_count, byte_offset} into the receive buffer, followed by an
 * nvsp_message SEND_RNDIS_PKT (channel_type 0, index 0xffffffff).  Each
 * range is one RNDIS message (normally one RNDIS_MSG_PACKET; also
 * INDICATE_STATUS and request completions).  The guest must check every
 * range against the receive buffer, and must answer each transfer-page
 * packet with one VM_PKT_COMP, same trans_id, payload SEND_RNDIS_PKT_COMPLETE
 * {NVSP_STAT_SUCCESS}: until then the host may not reuse those slots.
 * With NVSP 0x60001 and RSC enabled, one large TCP segment may span
 * several ranges: each RNDIS packet then carries an RNDIS_PKTINFO_ID
 * per-packet-info with RNDIS_PKTINFO_1ST_FRAG on the first and
 * RNDIS_PKTINFO_LAST_FRAG on the last piece; the guest joins them.
 *
 * SR-IOV (V >= 0x40000).  The host sends SEND_VF_ASSOCIATION {allocated,
 * serial} (VM_PKT_DATA_INBAND, unsolicited) when it adds or removes a VF
 * for this NIC.  When the VF netdev is up the guest sends SWITCH_DATA_PATH
 * {NVSP_DATAPATH_VF} (and transmits via the VF); SWITCH_DATA_PATH
 * {NVSP_DATAPATH_SYNTHETIC} before the VF goes away.  Linux 6.12 asks for
 * a completion of SWITCH_DATA_PATH and waits for it when the host sends
 * one; hosts may also just act on it.
 *
 * SEND_INDIRECTION_TABLE (V >= 0x50000, host -> guest, unsolicited):
 * count u32 channel numbers at byte offset 'offset' from the start of the
 * nvsp_message; the guest uses them to pick the TX channel for a hash.
 *
 * Rings: Linux's default netvsc ring is 128 pages (512 KiB) per direction
 * (module parameter ring_size, in pages).
 */
#ifndef _HVLIS_NVSP_H
#define _HVLIS_NVSP_H

#include <hvlis/hv_types.h>

/* Protocol versions.  Values: hyperv_net.h NVSP_PROTOCOL_VERSION_* (6.12) */
#define NVSP_INVALID_PROTOCOL_VERSION	0xFFFFFFFFU
#define NVSP_PROTOCOL_VERSION_1		0x2U
#define NVSP_PROTOCOL_VERSION_2		0x30002U
#define NVSP_PROTOCOL_VERSION_4		0x40000U
#define NVSP_PROTOCOL_VERSION_5		0x50000U
#define NVSP_PROTOCOL_VERSION_6		0x60000U
#define NVSP_PROTOCOL_VERSION_61	0x60001U

/* NDIS versions sent in SEND_NDIS_VER (netvsc.c negotiate_nvsp_ver) */
#define NVSP_NDIS_MAJOR			6
#define NVSP_NDIS_MINOR_V5		30	/* NVSP >= 5: NDIS 6.30 */
#define NVSP_NDIS_MINOR_OLD		1	/* NVSP < 5:  NDIS 6.1 */

/*
 * Message types.  Values: hyperv_net.h anonymous enum NVSP_MSG_* (6.12),
 * written out because the host matches on the numbers; openvmm
 * protocol.rs MESSAGE*_TYPE_* agree.
 */
#define NVSP_MSG_TYPE_NONE				0
#define NVSP_MSG_TYPE_INIT				1
#define NVSP_MSG_TYPE_INIT_COMPLETE			2
/* version 1 */
#define NVSP_MSG1_TYPE_SEND_NDIS_VER			100
#define NVSP_MSG1_TYPE_SEND_RECV_BUF			101
#define NVSP_MSG1_TYPE_SEND_RECV_BUF_COMPLETE		102
#define NVSP_MSG1_TYPE_REVOKE_RECV_BUF			103
#define NVSP_MSG1_TYPE_SEND_SEND_BUF			104
#define NVSP_MSG1_TYPE_SEND_SEND_BUF_COMPLETE		105
#define NVSP_MSG1_TYPE_REVOKE_SEND_BUF			106
#define NVSP_MSG1_TYPE_SEND_RNDIS_PKT			107
#define NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE		108
/* version 2 (109..124 are chimney/VMQ messages Linux never uses) */
#define NVSP_MSG2_TYPE_SEND_CHIMNEY_DELEGATED_BUF	109
#define NVSP_MSG2_TYPE_ALLOC_RXBUF			120
#define NVSP_MSG2_TYPE_ALLOC_RXBUF_COMP			121
#define NVSP_MSG2_TYPE_FREE_RXBUF			122
#define NVSP_MSG2_TYPE_SEND_VMQ_RNDIS_PKT		123
#define NVSP_MSG2_TYPE_SEND_VMQ_RNDIS_PKT_COMP		124
#define NVSP_MSG2_TYPE_SEND_NDIS_CONFIG			125
#define NVSP_MSG2_TYPE_ALLOC_CHIMNEY_HANDLE		126
#define NVSP_MSG2_TYPE_ALLOC_CHIMNEY_HANDLE_COMP	127
/* version 4 */
#define NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION		128
#define NVSP_MSG4_TYPE_SWITCH_DATA_PATH			129
#define NVSP_MSG4_TYPE_UPLINK_CONNECT_STATE_DEPRECATED	130
/* version 5 */
#define NVSP_MSG5_TYPE_OID_QUERY_EX			131
#define NVSP_MSG5_TYPE_OID_QUERY_EX_COMP		132
#define NVSP_MSG5_TYPE_SUBCHANNEL			133
#define NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE		134
/* version 6 (PacketDirect; Linux never uses them) */
#define NVSP_MSG6_TYPE_PD_API				135
#define NVSP_MSG6_TYPE_PD_POST_BATCH			136

/* Status codes.  Values: hyperv_net.h enum NVSP_STAT_* (6.12) */
#define NVSP_STAT_NONE			0
#define NVSP_STAT_SUCCESS		1
#define NVSP_STAT_FAIL			2
#define NVSP_STAT_PROTOCOL_TOO_NEW	3
#define NVSP_STAT_PROTOCOL_TOO_OLD	4
#define NVSP_STAT_INVALID_RNDIS_PKT	5
#define NVSP_STAT_BUSY			6
#define NVSP_STAT_PROTOCOL_UNSUPPORTED	7

/* Buffer ids (hyperv_net.h NETVSC_RECEIVE_BUFFER_ID / _SEND_BUFFER_ID) */
#define NVSP_RECEIVE_BUFFER_ID		0xcafe
#define NVSP_SEND_BUFFER_ID		0

/* send_rndis_pkt.send_buf_section_index when no section is used */
#define NVSP_INVALID_SECTION_INDEX	0xFFFFFFFFU

/* send_rndis_pkt.channel_type (hyperv_net.h comment; rndis_filter.c) */
#define NVSP_RNDIS_CHANNEL_DATA		0
#define NVSP_RNDIS_CHANNEL_CONTROL	1

/* Most RSC fragments in one transfer-page packet (hyperv_net.h NVSP_RSC_MAX) */
#define NVSP_RSC_MAX			562

/* Layout: hyperv_net.h struct nvsp_message_header (6.12) */
struct nvsp_message_header {
	__u32 msg_type;
} __packed;

/* Layout: hyperv_net.h struct nvsp_message_init (6.12) */
struct nvsp_message_init {
	__u32 min_protocol_ver;
	__u32 max_protocol_ver;
} __packed;

/* Layout: hyperv_net.h struct nvsp_message_init_complete (6.12) */
struct nvsp_message_init_complete {
	__u32 negotiated_protocol_ver;
	__u32 max_mdl_chain_len;
	__u32 status;
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_send_ndis_version (6.12) */
struct nvsp_1_message_send_ndis_version {
	__u32 ndis_major_ver;
	__u32 ndis_minor_ver;
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_send_receive_buffer (6.12) */
struct nvsp_1_message_send_receive_buffer {
	__u32 gpadl_handle;
	__u16 id;
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_receive_buffer_section (6.12) */
struct nvsp_1_receive_buffer_section {
	__u32 offset;
	__u32 sub_alloc_size;
	__u32 num_sub_allocs;
	__u32 end_offset;
} __packed;

/*
 * Layout: hyperv_net.h struct nvsp_1_message_send_receive_buffer_complete
 * (6.12): one section fits in the 36-byte union, and Linux accepts only
 * num_sections == 1.
 */
struct nvsp_1_message_send_receive_buffer_complete {
	__u32 status;
	__u32 num_sections;
	struct nvsp_1_receive_buffer_section sections[1];
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_revoke_receive_buffer (6.12) */
struct nvsp_1_message_revoke_receive_buffer {
	__u16 id;
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_send_send_buffer (6.12) */
struct nvsp_1_message_send_send_buffer {
	__u32 gpadl_handle;
	__u16 id;
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_send_send_buffer_complete */
struct nvsp_1_message_send_send_buffer_complete {
	__u32 status;
	__u32 section_size;	/* chosen by the host */
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_revoke_send_buffer (6.12) */
struct nvsp_1_message_revoke_send_buffer {
	__u16 id;
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_send_rndis_packet (6.12) */
struct nvsp_1_message_send_rndis_packet {
	__u32 channel_type;		/* NVSP_RNDIS_CHANNEL_* */
	__u32 send_buf_section_index;	/* or NVSP_INVALID_SECTION_INDEX */
	__u32 send_buf_section_size;	/* bytes used in that section */
} __packed;

/* Layout: hyperv_net.h struct nvsp_1_message_send_rndis_packet_complete */
struct nvsp_1_message_send_rndis_packet_complete {
	__u32 status;			/* NVSP_STAT_* */
} __packed;

/*
 * NDIS config capability bits (a u64; upstream uses bitfields in
 * struct nvsp_2_vsc_capability, in this order from bit 0).
 */
#define NVSP_CAP_VMQ			(1ULL << 0)
#define NVSP_CAP_CHIMNEY		(1ULL << 1)
#define NVSP_CAP_SRIOV			(1ULL << 2)
#define NVSP_CAP_IEEE8021Q		(1ULL << 3)
#define NVSP_CAP_CORRELATION_ID		(1ULL << 4)
#define NVSP_CAP_TEAMING		(1ULL << 5)
#define NVSP_CAP_VSUBNETID		(1ULL << 6)
#define NVSP_CAP_RSC			(1ULL << 7)

/* Layout: hyperv_net.h struct nvsp_2_send_ndis_config (6.12) */
struct nvsp_2_send_ndis_config {
	__u32 mtu;			/* Linux: netdev MTU + ETH_HLEN */
	__u32 reserved;
	__u64 capability;		/* NVSP_CAP_* */
} __packed;

/* Layout: hyperv_net.h struct nvsp_4_send_vf_association (6.12) */
struct nvsp_4_send_vf_association {
	__u32 allocated;		/* 1: a VF exists, serial is valid */
	__u32 serial;			/* serial number of the VF */
} __packed;

/* Values: hyperv_net.h enum nvsp_vm_datapath (6.12) */
#define NVSP_DATAPATH_SYNTHETIC		0
#define NVSP_DATAPATH_VF		1

/* Layout: hyperv_net.h struct nvsp_4_sw_datapath (6.12) */
struct nvsp_4_sw_datapath {
	__u32 active_datapath;		/* NVSP_DATAPATH_* */
} __packed;

/* Values: hyperv_net.h enum nvsp_subchannel_operation (6.12) */
#define NVSP_SUBCHANNEL_NONE		0
#define NVSP_SUBCHANNEL_ALLOCATE	1

/* Layout: hyperv_net.h struct nvsp_5_subchannel_request (6.12) */
struct nvsp_5_subchannel_request {
	__u32 op;			/* NVSP_SUBCHANNEL_ALLOCATE */
	__u32 num_subchannels;
} __packed;

/* Layout: hyperv_net.h struct nvsp_5_subchannel_complete (6.12) */
struct nvsp_5_subchannel_complete {
	__u32 status;
	__u32 num_subchannels;		/* how many the host allocated */
} __packed;

/* Layout: hyperv_net.h struct nvsp_5_send_indirect_table (6.12) */
struct nvsp_5_send_indirect_table {
	__u32 count;			/* entries; Linux uses 16 */
	__u32 offset;			/* from the start of nvsp_message */
} __packed;

/* Entries of the send indirection table (hyperv_net.h VRSS_SEND_TAB_SIZE) */
#define NVSP_SEND_TAB_SIZE		16

/*
 * The message body.  Upstream nests per-version unions; one flat union
 * has the same layout.  The largest members are the version-6
 * PacketDirect messages (struct nvsp_6_pd_api_comp, 36 bytes), which
 * Linux never sends: 'raw' keeps the size.
 */
union nvsp_all_messages {
	struct nvsp_message_init init;
	struct nvsp_message_init_complete init_complete;
	struct nvsp_1_message_send_ndis_version send_ndis_ver;
	struct nvsp_1_message_send_receive_buffer send_recv_buf;
	struct nvsp_1_message_send_receive_buffer_complete send_recv_buf_complete;
	struct nvsp_1_message_revoke_receive_buffer revoke_recv_buf;
	struct nvsp_1_message_send_send_buffer send_send_buf;
	struct nvsp_1_message_send_send_buffer_complete send_send_buf_complete;
	struct nvsp_1_message_revoke_send_buffer revoke_send_buf;
	struct nvsp_1_message_send_rndis_packet send_rndis_pkt;
	struct nvsp_1_message_send_rndis_packet_complete send_rndis_pkt_complete;
	struct nvsp_2_send_ndis_config send_ndis_config;
	struct nvsp_4_send_vf_association vf_assoc;
	struct nvsp_4_sw_datapath active_dp;
	struct nvsp_5_subchannel_request subchn_req;
	struct nvsp_5_subchannel_complete subchn_comp;
	struct nvsp_5_send_indirect_table send_table;
	__u8 raw[36];
} __packed;

/* Layout: hyperv_net.h struct nvsp_message (6.12): 40 bytes */
struct nvsp_message {
	struct nvsp_message_header hdr;
	union nvsp_all_messages msg;
} __packed;

HVLIS_ASSERT_SIZE(struct nvsp_message_init, 8);
HVLIS_ASSERT_SIZE(struct nvsp_message_init_complete, 12);
HVLIS_ASSERT_SIZE(struct nvsp_1_message_send_receive_buffer, 6);
HVLIS_ASSERT_SIZE(struct nvsp_1_receive_buffer_section, 16);
HVLIS_ASSERT_SIZE(struct nvsp_1_message_send_receive_buffer_complete, 24);
HVLIS_ASSERT_SIZE(struct nvsp_1_message_send_send_buffer_complete, 8);
HVLIS_ASSERT_SIZE(struct nvsp_1_message_send_rndis_packet, 12);
HVLIS_ASSERT_SIZE(struct nvsp_2_send_ndis_config, 16);
HVLIS_ASSERT_OFFSET(struct nvsp_2_send_ndis_config, capability, 8);
HVLIS_ASSERT_SIZE(struct nvsp_4_send_vf_association, 8);
HVLIS_ASSERT_SIZE(struct nvsp_5_subchannel_request, 8);
HVLIS_ASSERT_SIZE(struct nvsp_5_send_indirect_table, 8);
HVLIS_ASSERT_SIZE(union nvsp_all_messages, 36);
HVLIS_ASSERT_SIZE(struct nvsp_message, 40);
HVLIS_ASSERT_OFFSET(struct nvsp_message, msg, 4);
HVLIS_ASSERT_OFFSET(struct nvsp_message,
		    msg.send_recv_buf_complete.sections[0].num_sub_allocs, 20);
HVLIS_ASSERT_OFFSET(struct nvsp_message,
		    msg.send_rndis_pkt.send_buf_section_size, 12);

#endif /* _HVLIS_NVSP_H */
