/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NetworkDirect over VMBus ("Endure", guest RDMA): the protocol on the
 * channel of class HV_ND_GUID between the guest's hv_network_direct and
 * the host's ND VSP, which hands the vendor part of each request to the
 * RDMA adapter's driver (here an mlx4 ConnectX-3).
 *
 * Source: Microsoft's guest driver, GitHub LIS/lis-next (GPLv2),
 * hv-rhel7.x/hv/vmbus_rdma.h (packet and IOCTL layouts, constants),
 * vmbus_rdma.c (how each packet is built and answered), provider.c (the
 * verbs on top) and mx_abi.h (the mlx4 payloads).  No upstream kernel has
 * this protocol and the host's side is not public: where only the guest
 * is known, the host behaviour below is what that guest expects of it.
 * Every layout is the x86_64 GCC one (natural alignment, not packed unless
 * said); the asserts pin every size and offset that crosses the channel.
 *
 * Channel: one device, rings of 64 pages each way.  Every guest message is
 * a VM_PKT_DATA_INBAND packet with a completion requested, except the MR
 * registration, a GPA-direct packet (nd_mr_register below).  The host
 * answers a request with a packet carrying the same transaction id and the
 * request's fixed-size part with its outputs filled in.  The first u32 of
 * every message is the packet type:
 *   INIT            0xffffffff: version handshake, the first message
 *   INIT_RESOURCES  the guest-physical MMIO window for UAR pages
 *   BIND            an (IPv4, MAC) pair: the host says whether that NIC is
 *                   the RDMA one (status 0)
 *   CREATE/CLEANUP  "files": one pair per process using the device
 *   CONTROL         an ND IOCTL on a file
 *   COMPLETE        host to guest: an asynchronous IOCTL finished
 */
#ifndef _HVLIS_ND_H
#define _HVLIS_ND_H

#include <hvlis/hv_types.h>

/* ---- packet types (vmbus_rdma.h: ndv_pkt_id, NDV_PACKET_TYPE) -------- */

#define NDV_PACKET_TYPE_INIT		0xffffffffU
#define NDV_PROTOCOL_VERSION_1		0x0100
#define NDV_PROTOCOL_VERSION_INVALID	0xffffffffU

#define NDV_PKT_ID1_BIND		1
#define NDV_PKT_ID1_CREATE		2
#define NDV_PKT_ID1_CLEANUP		3
#define NDV_PKT_ID1_CANCEL		4	/* defined, never sent */
#define NDV_PKT_ID1_CONTROL		5
#define NDV_PKT_ID1_COMPLETE		6	/* host to guest */
#define NDV_PKT_ID1_INIT_RESOURCES	7

/* options in the top byte of the type */
#define NDV_PACKET_OPTION_EXTERNAL_DATA	0x01	/* GPA-direct payload */
#define NDV_PACKET_OPTION_REQUIRES_PASSIVE 0x02	/* host: handle in process context */
#define NDV_PACKET_OPTION_POST		0x04	/* no answer wanted (unused) */

#define NDV_PACKET_TYPE(id, opt)	((__u32)(opt) << 24 | (id))
#define NDV_PACKET_TYPE_ID(t)		((t) & 0xffffff)
#define NDV_PACKET_TYPE_OPTIONS(t)	(((t) >> 24) & 0xff)

/* union ndv_packet_hdr: 16 bytes at the start of every message but INIT */
struct ndv_packet_hdr {
	__u32 packet_type;
	__u32 hdr_sz;		/* the fixed part of the message */
	__u32 data_sz;		/* what follows it */
	__u32 status;		/* host: 0, or the request failed */
};

/* union ndv_context_handle: the guest's id and the host's for one object */
struct ndv_context_handle {
	__u32 local;		/* guest */
	__u32 remote;		/* host */
};

/* union ndv_packet_init: __packed, 16 bytes, both ways */
struct ndv_packet_init {
	__u32 packet_type;	/* NDV_PACKET_TYPE_INIT */
	__u32 protocol_version;	/* guest: proposed; host: agreed */
	__u32 flags;		/* 0 */
	__u32 reserved;
};

/*
 * struct ndv_pkt_hdr_init_resources_1.  io_space_start is the guest-
 * physical start of an MMIO window of the offer's mmio_megabytes, which
 * the host fills with the adapter's UAR pages.  (Microsoft's guest puts
 * the window's size in bytes into the u16, so a host must not rely on
 * io_space_sz_mb.)
 */
struct ndv_pkt_init_resources {
	struct ndv_packet_hdr hdr;
	__u16 io_space_sz_mb;
	__u16 reserved[3];
	__u64 io_space_start;
};

/* if_physical_addr: a link-layer address */
#define ND_IF_MAX_ADDR_LENGTH	32
struct nd_if_physical_addr {
	__u16 length;
	__u8 addr[ND_IF_MAX_ADDR_LENGTH];
};

/*
 * union nd_sockaddr_inet: Windows' SOCKADDR_INET, a sockaddr_in or
 * sockaddr_in6 (28 bytes).  Only IPv4 is used: family AF_INET (2), port
 * and address in network byte order.
 */
#define ND_AF_INET		2
struct nd_sockaddr_inet {
	__u16 family;
	__be16 port;
	__be32 addr;		/* IPv4 */
	__u8 rest[20];		/* zero for IPv4 */
};

/* struct ndv_pkt_hdr_bind_1 */
struct ndv_pkt_bind {
	struct ndv_packet_hdr hdr;
	__u8 unbind;		/* bool: 1 = forget this binding */
	__u8 reserved1[3];
	struct nd_sockaddr_inet ip_address;
	struct nd_if_physical_addr phys_addr;	/* MAC: length 6 */
	__u8 reserved2[6];
	__u64 guest_id;		/* the adapter id ADAPTER_OPEN names */
};

/* struct ndv_pkt_hdr_create_1: open a "file" */
#define ND_STANDARD_RIGHTS_ALL		0x001f0000
#define ND_OPEN_EXISTING		3
#define ND_FILE_ATTRIBUTE_NORMAL	0x80
#define ND_FILE_SHARE_ALL		7
struct ndv_pkt_create {
	struct ndv_packet_hdr hdr;
	struct ndv_context_handle handle;	/* guest: local; host: remote */
	__u32 access_mask;
	__u32 open_options;
	__u16 file_attributes;
	__u16 share_access;
	__u32 reserved1;
	__u16 ea_length;
	__u8 reserved2[6];
};

/*
 * struct ndv_pkt_hdr_cleanup_1: close a file.  (Microsoft's guest sends it
 * with hdr_sz and length of the 48-byte create packet; a host takes any
 * length from 24 on.)
 */
struct ndv_pkt_cleanup {
	struct ndv_packet_hdr hdr;
	struct ndv_context_handle handle;
};

/* ndv_pkt_field: where a variable field lies */
struct ndv_pkt_field {
	__u32 size;
	__u32 offset;
};

/*
 * struct ndv_packet_hdr_control_1: an IOCTL.  The IOCTL's buffer (input,
 * overwritten by the output) follows at byte 64; extended data (GPA
 * ranges of the memory a request names) after it at extended_data.offset
 * from byte 64.  data_sz = buffer + extended data.  COMPLETE packets have
 * the same header.
 */
struct ndv_pkt_control {
	struct ndv_packet_hdr hdr;
	struct ndv_context_handle file_handle;	/* the process's file */
	struct ndv_context_handle irp_handle;	/* 0: synchronous */
	__u32 io_cntrl_code;			/* IOCTL_ND_* */
	__u32 output_buf_sz;
	__u32 input_buf_sz;
	__u32 input_output_buf_offset;		/* 0 */
	__u32 io_status;			/* host: NTSTATUS */
	__u32 bytes_returned;
	struct ndv_pkt_field extended_data;
};

/*
 * ndv_extended_data_flds: a count (in 8 bytes), then that many fields,
 * then their contents; each field's offset counts from the start of this
 * structure.
 */
struct ndv_ext_data {
	__u32 count;
	__u32 reserved;
	struct ndv_pkt_field fields[];
};

/* ---- NTSTATUS values (vmbus_rdma.h) ----------------------------------- */

#define ND_STATUS_SUCCESS		0x00000000U
#define ND_STATUS_PENDING		0x00000103U
#define ND_STATUS_TIMEOUT		0xc00000b5U
#define ND_STATUS_CANCELLED		0xc0000120U
#define ND_STATUS_DISCONNECTED		0xc000020cU
#define ND_STATUS_CONNECTION_ABORTED	0xc0000241U
/* hvsim's answers to bad requests: Windows' values for them */
#define ND_STATUS_INVALID_PARAMETER	0xc000000dU
#define ND_STATUS_INVALID_HANDLE	0xc0000008U
#define ND_STATUS_INSUFFICIENT_RESOURCES 0xc000009aU
#define ND_STATUS_NOT_SUPPORTED		0xc00000bbU
#define ND_STATUS_DEVICE_BUSY		0x80000011U
#define ND_STATUS_INVALID_DEVICE_STATE	0xc0000184U
#define ND_STATUS_CONNECTION_REFUSED	0xc0000236U
#define ND_STATUS_ADDRESS_ALREADY_EXISTS 0xc000020aU

/* ---- IOCTL codes: CTL_CODE(0x12, (resource << 6) | op, 0, 0) --------- */

#define ND_IOCTL(res, op)	(0x00120000U | (res) << 8 | (op) << 2)
#define ND_IOCTL_RESOURCE(c)	(((c) >> 8) & 0x3f)
#define ND_IOCTL_VERSION	1	/* every IOCTL's version field */
#define ND_VERSION_2		0x20000	/* adapter_info_v2 */

#define ND_RES_PROVIDER		0
#define ND_RES_ADAPTER		1
#define ND_RES_PD		2
#define ND_RES_CQ		3
#define ND_RES_MR		4
#define ND_RES_MW		5
#define ND_RES_SRQ		6
#define ND_RES_CONNECTOR	7
#define ND_RES_LISTENER		8
#define ND_RES_QP		9

#define IOCTL_ND_PROVIDER_INIT			ND_IOCTL(ND_RES_PROVIDER, 0)
#define IOCTL_ND_PROVIDER_BIND_FILE		ND_IOCTL(ND_RES_PROVIDER, 1)
#define IOCTL_ND_ADAPTER_OPEN			ND_IOCTL(ND_RES_ADAPTER, 0)
#define IOCTL_ND_ADAPTER_CLOSE			ND_IOCTL(ND_RES_ADAPTER, 1)
#define IOCTL_ND_ADAPTER_QUERY			ND_IOCTL(ND_RES_ADAPTER, 2)
#define IOCTL_ND_ADAPTER_QUERY_ADDRESS_LIST	ND_IOCTL(ND_RES_ADAPTER, 3)
#define IOCTL_ND_PD_CREATE			ND_IOCTL(ND_RES_PD, 0)
#define IOCTL_ND_PD_FREE			ND_IOCTL(ND_RES_PD, 1)
#define IOCTL_ND_CQ_CREATE			ND_IOCTL(ND_RES_CQ, 0)
#define IOCTL_ND_CQ_FREE			ND_IOCTL(ND_RES_CQ, 1)
#define IOCTL_ND_CQ_CANCEL_IO			ND_IOCTL(ND_RES_CQ, 2)
#define IOCTL_ND_CQ_NOTIFY			ND_IOCTL(ND_RES_CQ, 5)
#define IOCTL_ND_MR_CREATE			ND_IOCTL(ND_RES_MR, 0)
#define IOCTL_ND_MR_FREE			ND_IOCTL(ND_RES_MR, 1)
#define IOCTL_ND_MR_CANCEL_IO			ND_IOCTL(ND_RES_MR, 2)
#define IOCTL_ND_MR_REGISTER			ND_IOCTL(ND_RES_MR, 3)
#define IOCTL_ND_MR_DEREGISTER			ND_IOCTL(ND_RES_MR, 4)
#define IOCTL_ND_CONNECTOR_CREATE		ND_IOCTL(ND_RES_CONNECTOR, 0)
#define IOCTL_ND_CONNECTOR_FREE			ND_IOCTL(ND_RES_CONNECTOR, 1)
#define IOCTL_ND_CONNECTOR_CANCEL_IO		ND_IOCTL(ND_RES_CONNECTOR, 2)
#define IOCTL_ND_CONNECTOR_BIND			ND_IOCTL(ND_RES_CONNECTOR, 3)
#define IOCTL_ND_CONNECTOR_CONNECT		ND_IOCTL(ND_RES_CONNECTOR, 4)
#define IOCTL_ND_CONNECTOR_COMPLETE_CONNECT	ND_IOCTL(ND_RES_CONNECTOR, 5)
#define IOCTL_ND_CONNECTOR_ACCEPT		ND_IOCTL(ND_RES_CONNECTOR, 6)
#define IOCTL_ND_CONNECTOR_REJECT		ND_IOCTL(ND_RES_CONNECTOR, 7)
#define IOCTL_ND_CONNECTOR_GET_READ_LIMITS	ND_IOCTL(ND_RES_CONNECTOR, 8)
#define IOCTL_ND_CONNECTOR_GET_PRIVATE_DATA	ND_IOCTL(ND_RES_CONNECTOR, 9)
#define IOCTL_ND_CONNECTOR_GET_PEER_ADDRESS	ND_IOCTL(ND_RES_CONNECTOR, 10)
#define IOCTL_ND_CONNECTOR_GET_ADDRESS		ND_IOCTL(ND_RES_CONNECTOR, 11)
#define IOCTL_ND_CONNECTOR_NOTIFY_DISCONNECT	ND_IOCTL(ND_RES_CONNECTOR, 12)
#define IOCTL_ND_CONNECTOR_DISCONNECT		ND_IOCTL(ND_RES_CONNECTOR, 13)
#define IOCTL_ND_LISTENER_CREATE		ND_IOCTL(ND_RES_LISTENER, 0)
#define IOCTL_ND_LISTENER_FREE			ND_IOCTL(ND_RES_LISTENER, 1)
#define IOCTL_ND_LISTENER_CANCEL_IO		ND_IOCTL(ND_RES_LISTENER, 2)
#define IOCTL_ND_LISTENER_BIND			ND_IOCTL(ND_RES_LISTENER, 3)
#define IOCTL_ND_LISTENER_LISTEN		ND_IOCTL(ND_RES_LISTENER, 4)
#define IOCTL_ND_LISTENER_GET_ADDRESS		ND_IOCTL(ND_RES_LISTENER, 5)
#define IOCTL_ND_LISTENER_GET_CONNECTION_REQUEST ND_IOCTL(ND_RES_LISTENER, 6)
#define IOCTL_ND_QP_CREATE			ND_IOCTL(ND_RES_QP, 0)
#define IOCTL_ND_QP_FREE			ND_IOCTL(ND_RES_QP, 2)
#define IOCTL_ND_QP_FLUSH			ND_IOCTL(ND_RES_QP, 3)

/* ---- ND structures in IOCTL buffers (vmbus_rdma.h) -------------------- */

/* struct nd_handle: most IOCTLs' whole input */
struct nd_handle {
	__u32 version;		/* ND_IOCTL_VERSION */
	__u32 reserved;
	__u64 handle;
};

/* struct nd_resource_descriptor: what a create returns first */
struct nd_resource_descriptor {
	__u64 handle;
	__u32 ce_mapping_results;
	__u32 cb_mapping_results_offset;
};

/* union nd_mapping: 32 bytes; the kinds hv_network_direct uses */
#define ND_MAP_IOSPACE			0
#define ND_MAP_MEMORY			1
#define ND_MAP_MEMORY_COALLESCE		2
#define ND_NON_CACHED			0
#define ND_WRITE_COMBINED		2
#define ND_READ_ACCESS			0
#define ND_WRITE_ACCESS			1
#define ND_MODIFY_ACCESS		2
struct nd_mapping {
	__u32 map_type;
	__u32 access_or_cache;	/* map_memory: access; map_io_space: caching */
	union {
		struct {		/* ND_MAP_MEMORY(_COALLESCE) */
			__u64 address;	/* user virtual address */
			__u32 cb_length;
			__u32 reserved;
		} mem;
		struct {		/* ND_MAP_IOSPACE */
			__u32 cb_length;
			__u32 reserved[3];
		} io;
	};
	__u64 reserved2;
};

/* struct nd_mapping_result */
struct nd_mapping_result {
	__u64 id;
	__u64 info;		/* IOSPACE: the guest-physical address */
};

/* struct adapter_info_v2: __packed, 96 bytes */
#define ND_ADAPTER_FLAG_IN_ORDER_DMA_SUPPORTED		0x1
#define ND_ADAPTER_FLAG_CQ_RESIZE_SUPPORTED		0x100
#define ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED	0x10000
struct nd_adapter_info {
	__u32 info_version;	/* ND_VERSION_2 */
	__u16 vendor_id;
	__u16 device_id;
	__u64 adapter_id;
	__u64 max_registration_size;
	__u64 max_window_size;
	__u32 max_initiator_sge;
	__u32 max_recv_sge;
	__u32 max_read_sge;
	__u32 max_transfer_length;
	__u32 max_inline_data_size;
	__u32 max_inbound_read_limit;
	__u32 max_outbound_read_limit;
	__u32 max_recv_q_depth;
	__u32 max_initiator_q_depth;
	__u32 max_shared_recv_q_depth;
	__u32 max_completion_q_depth;
	__u32 inline_request_threshold;
	__u32 large_request_threshold;
	__u32 max_caller_data;
	__u32 max_callee_data;
	__u32 adapter_flags;
};

/* struct nd_open_adapter */
struct nd_open_adapter {
	__u32 version;
	__u32 reserved;
	__u32 ce_mapping_cnt;
	__u32 cb_mapping_offset;
	__u64 adapter_id;	/* BIND's guest_id */
};

/* struct nd_adapter_query */
struct nd_adapter_query {
	__u32 version;
	__u32 info_version;	/* ND_VERSION_2 */
	__u64 adapter_handle;
};

/* struct group_affinity (Windows' GROUP_AFFINITY) */
struct nd_group_affinity {
	__u64 mask;
	__u16 group;
	__u16 reserved[3];
};

/* struct nd_create_cq */
struct nd_create_cq {
	__u32 version;
	__u32 queue_depth;
	__u32 ce_mapping_cnt;
	__u32 cb_mapping_offset;
	__u64 adapter_handle;
	struct nd_group_affinity affinity;
};

/* struct nd_create_qp (with nd_create_qp_hdr inline) */
struct nd_create_qp {
	__u32 version;
	__u32 cb_max_inline_data;
	__u32 ce_mapping_cnt;
	__u32 cb_mapping_offset;
	__u32 initiator_queue_depth;
	__u32 max_initiator_request_sge;
	__u64 receive_cq_handle;
	__u64 initiator_cq_handle;
	__u64 pd_handle;
	__u32 receive_queue_depth;
	__u32 max_receive_request_sge;
};

/* struct nd_cq_notify */
#define ND_CQ_NOTIFY_ERRORS	0
#define ND_CQ_NOTIFY_ANY	1
#define ND_CQ_NOTIFY_SOLICITED	2
struct nd_cq_notify {
	__u32 version;
	__u32 type;
	__u64 cq_handle;
};

/* struct nd_mr_register (nd_mr_register_hdr, then address) */
#define ND_MR_FLAG_ALLOW_LOCAL_WRITE	0x1
#define ND_MR_FLAG_ALLOW_REMOTE_READ	0x2
#define ND_MR_FLAG_ALLOW_REMOTE_WRITE	0x5	/* includes local write */
#define ND_MR_FLAG_RDMA_READ_SINK	0x8
#define ND_MR_FLAG_DO_NOT_SECURE_VM	0x80000000U
struct nd_mr_register {
	__u32 version;
	__u32 flags;
	__u64 cb_length;
	__u64 target_addr;	/* the region's virtual address (its iova) */
	__u64 mr_handle;
	__u64 address;		/* the same */
};

/* its output (vmbus_rdma.h: struct mr_out) */
struct nd_mr_register_out {
	__u32 lkey;
	__u32 rkey;		/* big-endian on the wire */
	__u64 activity_id;
};

/* struct nd_read_limits */
struct nd_read_limits {
	__u32 inbound;
	__u32 outbound;
};

/* struct ndk_bind (nd_bind, then the caller's identity) */
struct nd_bind {
	__u32 version;
	__u32 reserved;
	__u64 handle;		/* listener or connector */
	struct nd_sockaddr_inet address;
	__u32 reserved2;
	__u64 authentication_id;	/* the caller's uid */
	__u8 is_admin;
	__u8 reserved3[7];
};

/* connector_connect_in: nd_connect, then what the vendor driver needs */
#define ND_CONNECT_PRIVATE_DATA		56
struct nd_connect {
	__u32 version;
	__u32 reserved;
	struct nd_read_limits read_limits;
	__u32 cb_private_data_length;
	__u32 cb_private_data_offset;	/* 106: private_data, from byte 0 */
	__u64 connector_handle;
	__u64 qp_handle;
	struct nd_sockaddr_inet destination_address;
	struct nd_if_physical_addr phys_addr;	/* the peer's MAC */
	__u8 reserved1[2];
	__u8 retry_cnt;
	__u8 rnr_retry_cnt;
	__u8 private_data[ND_CONNECT_PRIVATE_DATA];
	__u8 reserved2[6];
	__u64 activity_id;
};

/* connector_accept_in: nd_accept, then the vendor part */
#define ND_MAX_PRIVATE_DATA		148
struct nd_accept {
	__u32 version;
	__u32 reserved;
	struct nd_read_limits read_limits;
	__u32 cb_private_data_length;
	__u32 cb_private_data_offset;	/* 42: private_data, from byte 0 */
	__u64 connector_handle;
	__u64 qp_handle;
	__u8 rnr_retry_cnt;
	__u8 rnr_nak_to;
	__u8 private_data[ND_MAX_PRIVATE_DATA];
	__u8 reserved2[2];
	__u64 activity_id;
};

/* connector_reject_in */
struct nd_reject {
	__u32 version;
	__u32 reserved;
	__u32 cb_private_data_length;
	__u32 cb_private_data_offset;	/* 24 */
	__u64 connector_handle;
	__u8 private_data[ND_MAX_PRIVATE_DATA];
	__u8 reserved2[4];
};

/* complete_connect_in */
struct nd_complete_connect {
	struct nd_handle hdr;	/* the connector */
	__u8 rnr_nak_to;
	__u8 reserved[7];
	__u64 activity_id;
};

/* struct nd_listen */
struct nd_listen {
	__u32 version;
	__u32 back_log;
	__u64 listener_handle;
};

/* struct nd_get_connection_request */
struct nd_get_connection_request {
	__u32 version;
	__u32 reserved;
	__u64 listener_handle;
	__u64 connector_handle;	/* the one the request is put on */
};

/* nd_ep_create: LISTENER_CREATE and CONNECTOR_CREATE input */
struct nd_ep_create {
	struct nd_handle hdr;	/* the adapter */
	__u8 to_semantics;	/* 0 */
	__u8 reserved[7];
	__u64 activity_id;
};

/* ---- mlx4 payloads (mx_abi.h) ----------------------------------------- */

/* ADAPTER_OPEN: two IOSPACE mappings in, their addresses and caps out */
#define ND_MLX4_CONTEXT_UAR	0
#define ND_MLX4_CONTEXT_BF	1
struct nd_mlx4_get_context_req {
	struct nd_mapping mappings[2];
};

struct nd_mlx4_get_context_resp {
	struct nd_mapping_result mapping_results[2];
	__s32 bf_buf_size;
	__s32 bf_offset;
	__s32 max_qp_wr;
	__s32 max_sge;
	__s32 max_cqe;
	__u32 cqe_size;
	__u32 vend_id;
	__u16 dev_id;
	__u16 bf_reg_size;
	__u16 bf_regs_per_page;
	__u16 reserved1;
	__u32 qp_tab_size;
	__u32 reserved2;
	__u32 reserved3;
};

/* mlx4's receive-list terminator (mlx4dv.h): never a memory key */
#define ND_MLX4_INVALID_LKEY	0x100

/* PD_CREATE's output after the PD handle */
struct nd_mlx4_alloc_pd_resp {
	__u64 pd_handle;
	__u32 pdn;
	__u32 reserved;
};

/* CQ_CREATE: the buffer, the doorbell record, the arm sequence word */
#define ND_MLX4_CQ_BUF		0
#define ND_MLX4_CQ_DB		1
#define ND_MLX4_CQ_ARM_SN	2
#define ND_MLX4_CQ_MAPPINGS	3
struct nd_mlx4_create_cq {
	struct nd_mapping mappings[ND_MLX4_CQ_MAPPINGS];
	__u32 flags;		/* 0: arming from user space */
	__u32 reserved;
};

struct nd_mlx4_create_cq_resp {
	struct nd_mapping_result mapping_results[ND_MLX4_CQ_MAPPINGS];
	__u32 cqn;
	__u32 cqe;
};

/* QP_CREATE: the buffer (RQ and SQ), the doorbell record */
#define ND_MLX4_QP_BUF		0
#define ND_MLX4_QP_DB		1
#define ND_MLX4_QP_MAPPINGS	2
struct nd_mlx4_create_qp {
	struct nd_mapping mappings[ND_MLX4_QP_MAPPINGS];
	__u8 log_sq_bb_count;
	__u8 log_sq_stride;
	__u8 sq_no_prefetch;
	__u8 reserved[5];
};

struct nd_mlx4_create_qp_resp {
	struct nd_mapping_result mapping_results[ND_MLX4_QP_MAPPINGS];
	__u64 qp_handle;
	__u32 qpn;
	__u32 max_send_wr;
	__u32 max_recv_wr;
	__u32 max_send_sge;
	__u32 max_recv_sge;
	__u32 max_inline_data;
};

/* ibv_qp_state, as COMPLETE_CONNECT, ACCEPT and FLUSH answer */
#define ND_QPS_RESET	0
#define ND_QPS_INIT	1
#define ND_QPS_RTR	2
#define ND_QPS_RTS	3
#define ND_QPS_SQD	4
#define ND_QPS_SQE	5
#define ND_QPS_ERR	6

/*
 * A GPA range in extended data (struct gpa_range): bytes, the offset in
 * the first page, then one 4 KiB frame number per page.
 */
struct nd_gpa_range {
	__u32 byte_count;
	__u32 byte_offset;
	__u64 pfn_array[];
};

/* at most this many frames in one inline range (a 128 KiB buffer) */
#define NDV_MAX_INLINE_PFN_ARRAY_LENGTH	32

/* ---- IOCTL buffers: what follows the CONTROL header, per IOCTL -------- */

/* PROVIDER_INIT, PROVIDER_BIND_FILE: a 448-byte buffer around a handle */
#define ND_PROVIDER_IOCTL_SIZE		448
/* ADAPTER_QUERY_ADDRESS_LIST: up to 16 addresses out, then activity id */
#define ND_ADDRESS_LIST_MAX		16
#define ND_ADDRESS_LIST_IOCTL_SIZE	(ND_ADDRESS_LIST_MAX * 28 + 8)
/* GET_ADDRESS, GET_PEER_ADDRESS, GET_CONNECTION_REQUEST: a sockaddr out */
#define ND_SOCKADDR_IOCTL_SIZE		32
/* CONNECTOR_GET_PRIVATE_DATA: 148 bytes out, padded */
#define ND_PRIVATE_DATA_IOCTL_SIZE	152

/* ADAPTER_OPEN */
struct nd_ioctl_open_adapter {
	union {
		struct nd_open_adapter in;
		struct nd_resource_descriptor out;
	};
	union {
		struct nd_mlx4_get_context_req req;
		struct nd_mlx4_get_context_resp resp;
	};
};

/* PD_CREATE: the handle in; the PD handle and the mlx4 answer out */
struct nd_ioctl_pd_create {
	union {
		struct nd_handle in;
		__u64 pd_handle;
	};
	struct nd_mlx4_alloc_pd_resp resp;
};

/* CQ_CREATE, with extended data: the three mappings' GPA ranges */
struct nd_ioctl_create_cq {
	union {
		struct nd_create_cq in;
		struct nd_resource_descriptor out;
	};
	union {
		struct nd_mlx4_create_cq req;
		struct nd_mlx4_create_cq_resp resp;
	};
};

/* QP_CREATE, with extended data: the two mappings' GPA ranges */
struct nd_ioctl_create_qp {
	union {
		struct nd_create_qp in;
		struct nd_resource_descriptor out;
	};
	union {
		struct nd_mlx4_create_qp req;
		struct nd_mlx4_create_qp_resp resp;
	};
};

/* MR_CREATE: the PD in, the MR's handle out */
struct nd_ioctl_mr_create {
	union {
		struct nd_handle in;
		__u64 mr_handle;
	};
};

/*
 * MR_REGISTER: a GPA-direct packet (EXTERNAL_DATA) whose one range is
 * the region's frame list, one u64 per 4 KiB page, extended_data.size
 * its bytes (LIS vmbus_rdma.c, hvnd_mr_register()); the keys out, the
 * remote one big-endian.
 */
struct nd_ioctl_mr_register {
	union {
		struct nd_mr_register in;
		struct nd_mr_register_out out;
	};
};

/* QP_FLUSH: the QP in, its state out */
struct nd_ioctl_flush_qp {
	struct nd_handle in;
	__u32 state;
	__u32 reserved;
};

static_assert(sizeof(struct ndv_packet_hdr) == 16);
static_assert(sizeof(struct ndv_packet_init) == 16);
static_assert(sizeof(struct ndv_pkt_init_resources) == 32);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_init_resources, io_space_start, 24);
static_assert(sizeof(struct nd_sockaddr_inet) == 28);
static_assert(sizeof(struct nd_if_physical_addr) == 34);
static_assert(sizeof(struct ndv_pkt_bind) == 96);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_bind, ip_address, 20);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_bind, phys_addr, 48);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_bind, guest_id, 88);
static_assert(sizeof(struct ndv_pkt_create) == 48);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_create, file_attributes, 32);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_create, ea_length, 40);
static_assert(sizeof(struct ndv_pkt_cleanup) == 24);
static_assert(sizeof(struct ndv_pkt_control) == 64);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_control, io_cntrl_code, 32);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_control, io_status, 48);
HVLIS_ASSERT_OFFSET(struct ndv_pkt_control, extended_data, 56);
static_assert(sizeof(struct ndv_ext_data) == 8);
static_assert(IOCTL_ND_CQ_CREATE == 0x00120300);
static_assert(IOCTL_ND_CONNECTOR_CONNECT == 0x00120710);
static_assert(IOCTL_ND_QP_FLUSH == 0x0012090c);
static_assert(IOCTL_ND_LISTENER_GET_CONNECTION_REQUEST == 0x00120818);
static_assert(sizeof(struct nd_handle) == 16);
static_assert(sizeof(struct nd_resource_descriptor) == 16);
static_assert(sizeof(struct nd_mapping) == 32);
HVLIS_ASSERT_OFFSET(struct nd_mapping, mem.address, 8);
HVLIS_ASSERT_OFFSET(struct nd_mapping, mem.cb_length, 16);
HVLIS_ASSERT_OFFSET(struct nd_mapping, io.cb_length, 8);
static_assert(sizeof(struct nd_mapping_result) == 16);
static_assert(sizeof(struct nd_adapter_info) == 96);
HVLIS_ASSERT_OFFSET(struct nd_adapter_info, max_initiator_sge, 32);
HVLIS_ASSERT_OFFSET(struct nd_adapter_info, adapter_flags, 92);
static_assert(sizeof(struct nd_open_adapter) == 24);
static_assert(sizeof(struct nd_adapter_query) == 16);
static_assert(sizeof(struct nd_create_cq) == 40);
static_assert(sizeof(struct nd_create_qp) == 56);
HVLIS_ASSERT_OFFSET(struct nd_create_qp, receive_cq_handle, 24);
HVLIS_ASSERT_OFFSET(struct nd_create_qp, receive_queue_depth, 48);
static_assert(sizeof(struct nd_cq_notify) == 16);
static_assert(sizeof(struct nd_mr_register) == 40);
static_assert(sizeof(struct nd_mr_register_out) == 16);
static_assert(sizeof(struct nd_bind) == 64);
HVLIS_ASSERT_OFFSET(struct nd_bind, address, 16);
HVLIS_ASSERT_OFFSET(struct nd_bind, authentication_id, 48);
HVLIS_ASSERT_OFFSET(struct nd_bind, is_admin, 56);
static_assert(sizeof(struct nd_connect) == 176);
HVLIS_ASSERT_OFFSET(struct nd_connect, connector_handle, 24);
HVLIS_ASSERT_OFFSET(struct nd_connect, destination_address, 40);
HVLIS_ASSERT_OFFSET(struct nd_connect, phys_addr, 68);
HVLIS_ASSERT_OFFSET(struct nd_connect, retry_cnt, 104);
HVLIS_ASSERT_OFFSET(struct nd_connect, private_data, 106);
HVLIS_ASSERT_OFFSET(struct nd_connect, activity_id, 168);
static_assert(sizeof(struct nd_accept) == 200);
HVLIS_ASSERT_OFFSET(struct nd_accept, rnr_retry_cnt, 40);
HVLIS_ASSERT_OFFSET(struct nd_accept, private_data, 42);
HVLIS_ASSERT_OFFSET(struct nd_accept, activity_id, 192);
static_assert(sizeof(struct nd_reject) == 176);
HVLIS_ASSERT_OFFSET(struct nd_reject, private_data, 24);
static_assert(sizeof(struct nd_complete_connect) == 32);
static_assert(sizeof(struct nd_listen) == 16);
static_assert(sizeof(struct nd_get_connection_request) == 24);
static_assert(sizeof(struct nd_ep_create) == 32);
static_assert(sizeof(struct nd_mlx4_get_context_req) == 64);
static_assert(sizeof(struct nd_mlx4_get_context_resp) == 80);
HVLIS_ASSERT_OFFSET(struct nd_mlx4_get_context_resp, cqe_size, 52);
HVLIS_ASSERT_OFFSET(struct nd_mlx4_get_context_resp, bf_reg_size, 62);
HVLIS_ASSERT_OFFSET(struct nd_mlx4_get_context_resp, qp_tab_size, 68);
static_assert(sizeof(struct nd_mlx4_alloc_pd_resp) == 16);
static_assert(sizeof(struct nd_mlx4_create_cq) == 104);
static_assert(sizeof(struct nd_mlx4_create_cq_resp) == 56);
static_assert(sizeof(struct nd_mlx4_create_qp) == 72);
static_assert(sizeof(struct nd_mlx4_create_qp_resp) == 64);
static_assert(sizeof(struct nd_ioctl_open_adapter) == 104);
static_assert(sizeof(struct nd_ioctl_pd_create) == 32);
static_assert(sizeof(struct nd_ioctl_create_cq) == 144);
static_assert(sizeof(struct nd_ioctl_create_qp) == 128);
static_assert(sizeof(struct nd_ioctl_flush_qp) == 24);
static_assert(sizeof(struct nd_ioctl_mr_create) == 16);
static_assert(sizeof(struct nd_ioctl_mr_register) == 40);
HVLIS_ASSERT_OFFSET(struct nd_mr_register, mr_handle, 24);

#endif /* _HVLIS_ND_H */
