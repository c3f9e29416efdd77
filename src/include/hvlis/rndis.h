/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RNDIS as carried by NVSP (<hvlis/nvsp.h>) between netvsc and netvsp:
 * message types, status codes, OIDs, the data packet with its per-packet
 * information (PPI), and the NDIS 6 objects Hyper-V uses for offloads and
 * receive-side scaling.
 *
 * Sources: include/linux/rndis.h (constants) and
 * drivers/net/hyperv/hyperv_net.h, rndis_filter.c, netvsc_drv.c (Linux
 * 6.12: structs, PPIs, NDIS objects), microsoft/openvmm
 * vm/devices/net/netvsp/src/rndisprot.rs (the host view).
 * The netvsc driver does not include <linux/rndis.h>, so the upstream
 * names are kept.
 *
 * Every message starts with struct rndis_message {ndis_msg_type, msg_len}
 * followed by the body for that type.  Requests (INIT, QUERY, SET,
 * KEEPALIVE, RESET) carry a req_id that the completion (type |
 * RNDIS_MSG_COMPLETION) echoes.  Guest -> host they go as NVSP
 * SEND_RNDIS_PKT with channel type control; host -> guest everything
 * (completions, INDICATE status, data) arrives in transfer-page ranges of
 * the receive buffer.
 *
 * Guest bring-up (rndis_filter.c rndis_filter_device_add, 6.12):
 *   INIT {major 1, minor 0, max_xfer_size 0x4000} -> INIT_C {status,
 *        max_pkt_per_msg, pkt_alignment_factor, ...}
 *   QUERY OID_GEN_MAXIMUM_FRAME_SIZE, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES
 *        (an ndis_offload), SET OID_TCP_OFFLOAD_PARAMETERS (an
 *        ndis_offload_params), QUERY OID_802_3_PERMANENT_ADDRESS (6
 *        bytes), OID_GEN_MEDIA_CONNECT_STATUS (u32 0 = connected),
 *        OID_GEN_RECEIVE_SCALE_CAPABILITIES (ndis_recv_scale_cap),
 *   after sub-channels: SET OID_GEN_RECEIVE_SCALE_PARAMETERS
 *        (ndis_recv_scale_param + 128 u32 indirection entries + 40-byte
 *        Toeplitz key), and on open SET OID_GEN_CURRENT_PACKET_FILTER.
 *   INDICATE_STATUS: RNDIS_STATUS_MEDIA_CONNECT / _DISCONNECT (carrier),
 *        NETWORK_CHANGE, LINK_SPEED_CHANGE.
 *
 * Data (RNDIS_MSG_PACKET): struct rndis_packet whose data_offset and
 * per_pkt_info_offset count from the start of struct rndis_packet (i.e.
 * 8 bytes after the start of the message).  PPIs are a chain of
 * struct rndis_per_packet_info {size, type, internal, ppi_offset} each
 * followed by its value: checksum (TCPIP_CHKSUM_PKTINFO, both ways),
 * LSOv2 (TCP_LARGESEND_PKTINFO, TX), 802.1Q tag (IEEE_8021Q_INFO, both
 * ways), hash (NBL_HASH_VALUE, both ways), and, with internal = 1,
 * RNDIS_PKTINFO_ID (RSC fragment flags, RX).
 */
#ifndef _HVLIS_RNDIS_H
#define _HVLIS_RNDIS_H

#include <hvlis/hv_types.h>

/* Values: include/linux/rndis.h (6.12) */
#define RNDIS_MAJOR_VERSION		0x00000001
#define RNDIS_MINOR_VERSION		0x00000000
#define RNDIS_MAX_XFER_SIZE_DEFAULT	0x4000	/* rndis_filter_init_device */

#define RNDIS_DF_CONNECTIONLESS		0x00000001U

/* Message types.  Values: include/linux/rndis.h RNDIS_MSG_* (6.12) */
#define RNDIS_MSG_COMPLETION		0x80000000U
#define RNDIS_MSG_PACKET		0x00000001U
#define RNDIS_MSG_INIT			0x00000002U
#define RNDIS_MSG_INIT_C		(RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_HALT			0x00000003U
#define RNDIS_MSG_QUERY			0x00000004U
#define RNDIS_MSG_QUERY_C		(RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_SET			0x00000005U
#define RNDIS_MSG_SET_C			(RNDIS_MSG_SET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_RESET			0x00000006U
#define RNDIS_MSG_RESET_C		(RNDIS_MSG_RESET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_INDICATE		0x00000007U
#define RNDIS_MSG_KEEPALIVE		0x00000008U
#define RNDIS_MSG_KEEPALIVE_C		(RNDIS_MSG_KEEPALIVE | RNDIS_MSG_COMPLETION)

/* Status codes.  Values: include/linux/rndis.h RNDIS_STATUS_* (6.12) */
#define RNDIS_STATUS_SUCCESS		0x00000000U
#define RNDIS_STATUS_PENDING		0x00000103U
#define RNDIS_STATUS_MEDIA_CONNECT	0x4001000BU
#define RNDIS_STATUS_MEDIA_DISCONNECT	0x4001000CU
#define RNDIS_STATUS_LINK_SPEED_CHANGE	0x40010013U
#define RNDIS_STATUS_NETWORK_CHANGE	0x40010018U
#define RNDIS_STATUS_BUFFER_OVERFLOW	0x80000005U
#define RNDIS_STATUS_FAILURE		0xC0000001U
#define RNDIS_STATUS_NOT_SUPPORTED	0xC00000BBU
#define RNDIS_STATUS_INVALID_DATA	0xC0010015U
#define RNDIS_STATUS_INVALID_LENGTH	0xC0010014U
#define RNDIS_STATUS_INVALID_OID	0xC0010017U

/* Medium (rndis_initialize_complete.medium): include/linux/rndis.h */
#define RNDIS_MEDIUM_802_3		0x00000000U

/* General OIDs.  Values: include/linux/rndis.h RNDIS_OID_GEN_* (6.12) */
#define RNDIS_OID_GEN_SUPPORTED_LIST		0x00010101U
#define RNDIS_OID_GEN_HARDWARE_STATUS		0x00010102U
#define RNDIS_OID_GEN_MEDIA_SUPPORTED		0x00010103U
#define RNDIS_OID_GEN_MEDIA_IN_USE		0x00010104U
#define RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE	0x00010106U
#define RNDIS_OID_GEN_LINK_SPEED		0x00010107U
#define RNDIS_OID_GEN_CURRENT_PACKET_FILTER	0x0001010EU
#define RNDIS_OID_GEN_MAXIMUM_TOTAL_SIZE	0x00010111U
#define RNDIS_OID_GEN_MAC_OPTIONS		0x00010113U
#define RNDIS_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114U
#define RNDIS_OID_GEN_MAXIMUM_SEND_PACKETS	0x00010115U
#define RNDIS_OID_GEN_VENDOR_DRIVER_VERSION	0x00010116U
#define RNDIS_OID_GEN_PHYSICAL_MEDIUM		0x00010202U
#define RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER	0x0001021BU
#define RNDIS_OID_GEN_XMIT_OK			0x00020101U
#define RNDIS_OID_GEN_RCV_OK			0x00020102U
#define RNDIS_OID_GEN_FRIENDLY_NAME		0x00020216U

/* 802.3 OIDs.  Values: include/linux/rndis.h RNDIS_OID_802_3_* (6.12) */
#define RNDIS_OID_802_3_PERMANENT_ADDRESS	0x01010101U
#define RNDIS_OID_802_3_CURRENT_ADDRESS		0x01010102U
#define RNDIS_OID_802_3_MULTICAST_LIST		0x01010103U
#define RNDIS_OID_802_3_MAXIMUM_LIST_SIZE	0x01010104U

/* NDIS 6 OIDs.  Values: hyperv_net.h (6.12) */
#define OID_GEN_RECEIVE_SCALE_CAPABILITIES	0x00010203U	/* query */
#define OID_GEN_RECEIVE_SCALE_PARAMETERS	0x00010204U	/* query, set */
#define OID_OFFLOAD_ENCAPSULATION		0x0101010AU
#define OID_TCP_OFFLOAD_CURRENT_CONFIG		0xFC01020BU	/* query */
#define OID_TCP_OFFLOAD_PARAMETERS		0xFC01020CU	/* set */
#define OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES	0xFC01020DU	/* query */

/* RNDIS_OID_GEN_MEDIA_CONNECT_STATUS values (NDIS MediaConnectState) */
#define RNDIS_MEDIA_STATE_CONNECTED		0U
#define RNDIS_MEDIA_STATE_DISCONNECTED		1U

/* Packet filter bits.  Values: hyperv_net.h NDIS_PACKET_TYPE_* (6.12) */
#define NDIS_PACKET_TYPE_DIRECTED	0x00000001U
#define NDIS_PACKET_TYPE_MULTICAST	0x00000002U
#define NDIS_PACKET_TYPE_ALL_MULTICAST	0x00000004U
#define NDIS_PACKET_TYPE_BROADCAST	0x00000008U
#define NDIS_PACKET_TYPE_SOURCE_ROUTING	0x00000010U
#define NDIS_PACKET_TYPE_PROMISCUOUS	0x00000020U
#define NDIS_PACKET_TYPE_SMT		0x00000040U
#define NDIS_PACKET_TYPE_ALL_LOCAL	0x00000080U
#define NDIS_PACKET_TYPE_GROUP		0x00000100U
#define NDIS_PACKET_TYPE_ALL_FUNCTIONAL	0x00000200U
#define NDIS_PACKET_TYPE_FUNCTIONAL	0x00000400U
#define NDIS_PACKET_TYPE_MAC_FRAME	0x00000800U

/* Layout: hyperv_net.h struct rndis_initialize_request (6.12) */
struct rndis_initialize_request {
	__u32 req_id;
	__u32 major_ver;
	__u32 minor_ver;
	__u32 max_xfer_size;
};

/* Layout: hyperv_net.h struct rndis_initialize_complete (6.12) */
struct rndis_initialize_complete {
	__u32 req_id;
	__u32 status;
	__u32 major_ver;
	__u32 minor_ver;
	__u32 dev_flags;
	__u32 medium;
	__u32 max_pkt_per_msg;
	__u32 max_xfer_size;
	__u32 pkt_alignment_factor;
	__u32 af_list_offset;
	__u32 af_list_size;
};

/* Layout: hyperv_net.h struct rndis_halt_request (6.12) */
struct rndis_halt_request {
	__u32 req_id;
};

/*
 * Layout: hyperv_net.h struct rndis_query_request (6.12).
 * info_buf_offset counts from the start of this struct (req_id).
 */
struct rndis_query_request {
	__u32 req_id;
	__u32 oid;
	__u32 info_buflen;
	__u32 info_buf_offset;
	__u32 dev_vc_handle;
};

/* Layout: hyperv_net.h struct rndis_query_complete (6.12); offset as above */
struct rndis_query_complete {
	__u32 req_id;
	__u32 status;
	__u32 info_buflen;
	__u32 info_buf_offset;
};

/*
 * Layout: hyperv_net.h struct rndis_set_request (6.12), without the
 * trailing info_buf[] (the value follows at info_buf_offset, normally
 * sizeof(struct rndis_set_request)).
 */
struct rndis_set_request {
	__u32 req_id;
	__u32 oid;
	__u32 info_buflen;
	__u32 info_buf_offset;
	__u32 dev_vc_handle;
};

/* Layout: hyperv_net.h struct rndis_set_complete (6.12) */
struct rndis_set_complete {
	__u32 req_id;
	__u32 status;
};

/* Layout: hyperv_net.h struct rndis_reset_request (6.12) */
struct rndis_reset_request {
	__u32 reserved;
};

/* Layout: hyperv_net.h struct rndis_reset_complete (6.12) */
struct rndis_reset_complete {
	__u32 status;
	__u32 addressing_reset;
};

/*
 * Layout: hyperv_net.h struct rndis_indicate_status (6.12);
 * status_buf_offset counts from the start of this struct.
 */
struct rndis_indicate_status {
	__u32 status;
	__u32 status_buflen;
	__u32 status_buf_offset;
};

/* Layout: hyperv_net.h struct rndis_keepalive_request (6.12) */
struct rndis_keepalive_request {
	__u32 req_id;
};

/* Layout: hyperv_net.h struct rndis_keepalive_complete (6.12) */
struct rndis_keepalive_complete {
	__u32 req_id;
	__u32 status;
};

/*
 * Layout: hyperv_net.h struct rndis_packet (6.12).  Offsets count from
 * the start of this struct; lengths are bytes.
 */
struct rndis_packet {
	__u32 data_offset;
	__u32 data_len;
	__u32 oob_data_offset;
	__u32 oob_data_len;
	__u32 num_oob_data_elements;
	__u32 per_pkt_info_offset;
	__u32 per_pkt_info_len;
	__u32 vc_handle;
	__u32 reserved;
};

/*
 * Layout: hyperv_net.h struct rndis_per_packet_info (6.12), with its
 * bitfields: type in bits 0..30, internal in bit 31.  size covers this
 * header and the value; the value starts ppi_offset bytes after the
 * start of this header.
 */
struct rndis_per_packet_info {
	__u32 size;
	__u32 type:31;
	__u32 internal:1;
	__u32 ppi_offset;
};

/* PPI types (internal = 0).  Values: hyperv_net.h enum ndis_per_pkt_info_type */
#define TCPIP_CHKSUM_PKTINFO		0
#define IPSEC_PKTINFO			1
#define TCP_LARGESEND_PKTINFO		2
#define CLASSIFICATION_HANDLE_PKTINFO	3
#define NDIS_RESERVED			4
#define SG_LIST_PKTINFO			5
#define IEEE_8021Q_INFO			6
#define ORIGINAL_PKTINFO		7
#define PACKET_CANCEL_ID		8
#define NBL_HASH_VALUE			PACKET_CANCEL_ID
#define ORIGINAL_NET_BUFLIST		9
#define CACHED_NET_BUFLIST		10
#define SHORT_PKT_PADINFO		11

/* PPI types (internal = 1): hyperv_net.h enum rndis_per_pkt_info_interal_type */
#define RNDIS_PKTINFO_ID		1

/* struct rndis_pktinfo_id.flag (hyperv_net.h RNDIS_PKTINFO_*) */
#define RNDIS_PKTINFO_SUBALLOC		0x01
#define RNDIS_PKTINFO_1ST_FRAG		0x02
#define RNDIS_PKTINFO_LAST_FRAG		0x04
#define RNDIS_PKTINFO_ID_V1		1

/* Layout: hyperv_net.h struct rndis_pktinfo_id (6.12) */
struct rndis_pktinfo_id {
	__u8 ver;
	__u8 flag;
	__u16 pkt_id;
};

/* Layout: hyperv_net.h struct ndis_tcp_ip_checksum_info (6.12) */
struct ndis_tcp_ip_checksum_info {
	union {
		struct {
			__u32 is_ipv4:1;
			__u32 is_ipv6:1;
			__u32 tcp_checksum:1;
			__u32 udp_checksum:1;
			__u32 ip_header_checksum:1;
			__u32 reserved:11;
			__u32 tcp_header_offset:10;
		} transmit;
		struct {
			__u32 tcp_checksum_failed:1;
			__u32 udp_checksum_failed:1;
			__u32 ip_checksum_failed:1;
			__u32 tcp_checksum_succeeded:1;
			__u32 udp_checksum_succeeded:1;
			__u32 ip_checksum_succeeded:1;
			__u32 loopback:1;
			__u32 tcp_checksum_value_invalid:1;
			__u32 ip_checksum_value_invalid:1;
		} receive;
		__u32 value;
	};
};

/* Layout: hyperv_net.h struct ndis_pkt_8021q_info (6.12) */
struct ndis_pkt_8021q_info {
	union {
		struct {
			__u32 pri:3;		/* user priority */
			__u32 cfi:1;		/* canonical format id */
			__u32 vlanid:12;
			__u32 reserved:16;
		};
		__u32 value;
	};
};

/* Layout: hyperv_net.h struct ndis_tcp_lso_info (6.12) */
struct ndis_tcp_lso_info {
	union {
		struct {
			__u32 unused:30;
			__u32 type:1;
			__u32 reserved2:1;
		} transmit;
		struct {
			__u32 mss:20;
			__u32 tcp_header_offset:10;
			__u32 type:1;
			__u32 reserved2:1;
		} lso_v1_transmit;
		struct {
			__u32 tcp_payload:30;
			__u32 type:1;
			__u32 reserved2:1;
		} lso_v1_transmit_complete;
		struct {
			__u32 mss:20;
			__u32 tcp_header_offset:10;
			__u32 type:1;
			__u32 ip_version:1;
		} lso_v2_transmit;
		struct {
			__u32 reserved:30;
			__u32 type:1;
			__u32 reserved2:1;
		} lso_v2_transmit_complete;
		__u32 value;
	};
};

/* Values: hyperv_net.h NDIS_TCP_LARGE_SEND_OFFLOAD_* (6.12) */
#define NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE	1
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPV4	0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPV6	1

/* Bytes of one PPI with its value (hyperv_net.h NDIS_*_PPI_SIZE) */
#define NDIS_CSUM_PPI_SIZE	(sizeof(struct rndis_per_packet_info) + \
				 sizeof(struct ndis_tcp_ip_checksum_info))
#define NDIS_LSO_PPI_SIZE	(sizeof(struct rndis_per_packet_info) + \
				 sizeof(struct ndis_tcp_lso_info))
#define NDIS_VLAN_PPI_SIZE	(sizeof(struct rndis_per_packet_info) + \
				 sizeof(struct ndis_pkt_8021q_info))
#define NDIS_HASH_PPI_SIZE	(sizeof(struct rndis_per_packet_info) + \
				 sizeof(__u32))
#define NDIS_ALL_PPI_SIZE	(NDIS_VLAN_PPI_SIZE + NDIS_CSUM_PPI_SIZE + \
				 NDIS_LSO_PPI_SIZE + NDIS_HASH_PPI_SIZE)

/*
 * All RNDIS message bodies.  Layout: hyperv_net.h union
 * rndis_message_container (6.12) without the CONDIS (connection-oriented)
 * bodies, which are smaller than init_complete and unused by Hyper-V.
 */
union rndis_message_container {
	struct rndis_packet pkt;
	struct rndis_initialize_request init_req;
	struct rndis_halt_request halt_req;
	struct rndis_query_request query_req;
	struct rndis_set_request set_req;
	struct rndis_reset_request reset_req;
	struct rndis_keepalive_request keep_alive_req;
	struct rndis_indicate_status indicate_status;
	struct rndis_initialize_complete init_complete;
	struct rndis_query_complete query_complete;
	struct rndis_set_complete set_complete;
	struct rndis_reset_complete reset_complete;
	struct rndis_keepalive_complete keep_alive_complete;
};

/* Layout: hyperv_net.h struct rndis_message (6.12) */
struct rndis_message {
	__u32 ndis_msg_type;		/* RNDIS_MSG_* */
	__u32 msg_len;			/* whole message, from ndis_msg_type */
	union rndis_message_container msg;
};

/* Bytes before the body (hyperv_net.h RNDIS_HEADER_SIZE) */
#define RNDIS_HEADER_SIZE	(sizeof(struct rndis_message) - \
				 sizeof(union rndis_message_container))
/* Size of a message with body type T (hyperv_net.h RNDIS_MESSAGE_SIZE) */
#define RNDIS_MESSAGE_SIZE(T)	(sizeof(T) + RNDIS_HEADER_SIZE)

/* Layout: hyperv_net.h struct ndis_object_header / ndis_obj_header (6.12) */
struct ndis_object_header {
	__u8 type;
	__u8 revision;
	__u16 size;
} __packed;

/* ndis_object_header.type values (hyperv_net.h 6.12) */
#define NDIS_OBJECT_TYPE_DEFAULT		0x80
#define NDIS_OBJECT_TYPE_RSS_CAPABILITIES	0x88
#define NDIS_OBJECT_TYPE_RSS_PARAMETERS		0x89
#define NDIS_OBJECT_TYPE_OFFLOAD		0xa7

/* ndis_offload_params.header.revision and related (hyperv_net.h 6.12) */
#define NDIS_OFFLOAD_PARAMETERS_REVISION_1	1
#define NDIS_OFFLOAD_PARAMETERS_REVISION_2	2
#define NDIS_OFFLOAD_PARAMETERS_REVISION_3	3

/* ndis_offload_params field values (hyperv_net.h 6.12) */
#define NDIS_OFFLOAD_PARAMETERS_NO_CHANGE		0
#define NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED		1
#define NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED		2
#define NDIS_OFFLOAD_PARAMETERS_LSOV1_ENABLED		2
#define NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED		1
#define NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED		2
#define NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED		1
#define NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED	2
#define NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED	3
#define NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED		4

/* Size of ndis_offload_params before the RSC fields (NVSP < 5) */
#define VERSION_4_OFFLOAD_SIZE			22

/* ndis_offload encapsulation bits (hyperv_net.h NDIS_OFFLOAD_ENCAP_*) */
#define NDIS_OFFLOAD_ENCAP_NONE		0x0000
#define NDIS_OFFLOAD_ENCAP_NULL		0x0001
#define NDIS_OFFLOAD_ENCAP_8023		0x0002
#define NDIS_OFFLOAD_ENCAP_8023PQ	0x0004
#define NDIS_OFFLOAD_ENCAP_8023PQ_OOB	0x0008
#define NDIS_OFFLOAD_ENCAP_RFC1483	0x0010

/* Layout: hyperv_net.h struct ndis_csum_offload (6.12) */
struct ndis_csum_offload {
	__u32 ip4_txenc;
	__u32 ip4_txcsum;
	__u32 ip4_rxenc;
	__u32 ip4_rxcsum;
	__u32 ip6_txenc;
	__u32 ip6_txcsum;
	__u32 ip6_rxenc;
	__u32 ip6_rxcsum;
};

/* ip4_txcsum / ip4_rxcsum bits (hyperv_net.h NDIS_TXCSUM_CAP_*, 6.12) */
#define NDIS_TXCSUM_CAP_IP4OPT		0x001
#define NDIS_TXCSUM_CAP_TCP4OPT		0x004
#define NDIS_TXCSUM_CAP_TCP4		0x010
#define NDIS_TXCSUM_CAP_UDP4		0x040
#define NDIS_TXCSUM_CAP_IP4		0x100
#define NDIS_TXCSUM_ALL_TCP4	(NDIS_TXCSUM_CAP_TCP4 | NDIS_TXCSUM_CAP_TCP4OPT)
#define NDIS_RXCSUM_CAP_IP4OPT		0x001
#define NDIS_RXCSUM_CAP_TCP4OPT		0x004
#define NDIS_RXCSUM_CAP_TCP4		0x010
#define NDIS_RXCSUM_CAP_UDP4		0x040
#define NDIS_RXCSUM_CAP_IP4		0x100
/* ip6_txcsum / ip6_rxcsum bits */
#define NDIS_TXCSUM_CAP_IP6EXT		0x001
#define NDIS_TXCSUM_CAP_TCP6OPT		0x004
#define NDIS_TXCSUM_CAP_TCP6		0x010
#define NDIS_TXCSUM_CAP_UDP6		0x040
#define NDIS_TXCSUM_ALL_TCP6	(NDIS_TXCSUM_CAP_TCP6 |		\
				 NDIS_TXCSUM_CAP_TCP6OPT |	\
				 NDIS_TXCSUM_CAP_IP6EXT)
#define NDIS_RXCSUM_CAP_IP6EXT		0x001
#define NDIS_RXCSUM_CAP_TCP6OPT		0x004
#define NDIS_RXCSUM_CAP_TCP6		0x010
#define NDIS_RXCSUM_CAP_UDP6		0x040

/* Layout: hyperv_net.h struct ndis_lsov1_offload (6.12) */
struct ndis_lsov1_offload {
	__u32 encap;
	__u32 maxsize;
	__u32 minsegs;
	__u32 opts;
};

/* Layout: hyperv_net.h struct ndis_ipsecv1_offload (6.12) */
struct ndis_ipsecv1_offload {
	__u32 encap;
	__u32 ah_esp;
	__u32 xport_tun;
	__u32 ip4_opts;
	__u32 flags;
	__u32 ip4_ah;
	__u32 ip4_esp;
};

/* Layout: hyperv_net.h struct ndis_lsov2_offload (6.12) */
struct ndis_lsov2_offload {
	__u32 ip4_encap;
	__u32 ip4_maxsz;
	__u32 ip4_minsg;
	__u32 ip6_encap;
	__u32 ip6_maxsz;
	__u32 ip6_minsg;
	__u32 ip6_opts;
};

#define NDIS_LSOV2_CAP_IP6EXT		0x001
#define NDIS_LSOV2_CAP_TCP6OPT		0x004
#define NDIS_LSOV2_CAP_IP6	(NDIS_LSOV2_CAP_IP6EXT | NDIS_LSOV2_CAP_TCP6OPT)

/* Layout: hyperv_net.h struct ndis_ipsecv2_offload (6.12) */
struct ndis_ipsecv2_offload {
	__u32 encap;
	__u8 ip6;
	__u8 ip4opt;
	__u8 ip6ext;
	__u8 ah;
	__u8 esp;
	__u8 ah_esp;
	__u8 xport;
	__u8 tun;
	__u8 xport_tun;
	__u8 lso;
	__u8 extseq;
	__u32 udp_esp;
	__u32 auth;
	__u32 crypto;
	__u32 sa_caps;
};

/* Layout: hyperv_net.h struct ndis_rsc_offload (6.12) */
struct ndis_rsc_offload {
	__u8 ip4;
	__u8 ip6;
};

/* Layout: hyperv_net.h struct ndis_encap_offload (6.12) */
struct ndis_encap_offload {
	__u32 flags;
	__u32 maxhdr;
};

/*
 * Layout: hyperv_net.h struct ndis_offload (6.12), the answer to
 * OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES.  Its header.size tells how much
 * of it the host filled in: NDIS 6.0 ends before ipsecv2, 6.1 before rsc.
 */
struct ndis_offload {
	struct ndis_object_header header;
	struct ndis_csum_offload csum;
	struct ndis_lsov1_offload lsov1;
	struct ndis_ipsecv1_offload ipsecv1;
	struct ndis_lsov2_offload lsov2;
	__u32 flags;
	struct ndis_ipsecv2_offload ipsecv2;	/* NDIS >= 6.1 */
	struct ndis_rsc_offload rsc;		/* NDIS >= 6.30 */
	struct ndis_encap_offload encap_gre;
};

#define NDIS_OFFLOAD_SIZE	sizeof(struct ndis_offload)
#define NDIS_OFFLOAD_SIZE_6_0	offsetof(struct ndis_offload, ipsecv2)
#define NDIS_OFFLOAD_SIZE_6_1	offsetof(struct ndis_offload, rsc)

/* Layout: hyperv_net.h struct ndis_offload_params (6.12) */
struct ndis_offload_params {
	struct ndis_object_header header;
	__u8 ip_v4_csum;
	__u8 tcp_ip_v4_csum;
	__u8 udp_ip_v4_csum;
	__u8 tcp_ip_v6_csum;
	__u8 udp_ip_v6_csum;
	__u8 lso_v1;
	__u8 ip_sec_v1;
	__u8 lso_v2_ipv4;
	__u8 lso_v2_ipv6;
	__u8 tcp_connection_ip_v4;
	__u8 tcp_connection_ip_v6;
	__u32 flags;
	__u8 ip_sec_v2;
	__u8 ip_sec_v2_ip_v4;
	__u8 rsc_ip_v4;			/* NDIS >= 6.30 */
	__u8 rsc_ip_v6;
	__u8 encapsulated_packet_task_offload;
	__u8 encapsulation_types;
};

/* RSS capability flags (hyperv_net.h NDIS_RSS_CAPS_*, 6.12) */
#define NDIS_RSS_CAPS_MESSAGE_SIGNALED_INTERRUPTS 0x01000000
#define NDIS_RSS_CAPS_CLASSIFICATION_AT_ISR	0x02000000
#define NDIS_RSS_CAPS_CLASSIFICATION_AT_DPC	0x04000000
#define NDIS_RSS_CAPS_USING_MSI_X		0x08000000
#define NDIS_RSS_CAPS_RSS_AVAILABLE_ON_PORTS	0x10000000
#define NDIS_RSS_CAPS_SUPPORTS_MSI_X		0x20000000
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4	0x00000100
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6	0x00000200
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6_EX	0x00000400

#define NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2	2
#define NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2	2

/* Layout: hyperv_net.h struct ndis_recv_scale_cap (6.12), packed */
struct ndis_recv_scale_cap {
	struct ndis_object_header hdr;
	__u32 cap_flag;
	__u32 num_int_msg;
	__u32 num_recv_que;
	__u16 num_indirect_tabent;
} __packed;

/* ndis_recv_scale_param.flag (hyperv_net.h NDIS_RSS_PARAM_FLAG_*, 6.12) */
#define NDIS_RSS_PARAM_FLAG_BASE_CPU_UNCHANGED	0x0001
#define NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED	0x0002
#define NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED	0x0004
#define NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED	0x0008
#define NDIS_RSS_PARAM_FLAG_DISABLE_RSS		0x0010

/* ndis_recv_scale_param.hashinfo (hyperv_net.h NDIS_HASH_*, 6.12) */
#define NDIS_HASH_FUNC_TOEPLITZ		0x00000001
#define NDIS_HASH_IPV4			0x00000100
#define NDIS_HASH_TCP_IPV4		0x00000200
#define NDIS_HASH_IPV6			0x00000400
#define NDIS_HASH_IPV6_EX		0x00000800
#define NDIS_HASH_TCP_IPV6		0x00001000
#define NDIS_HASH_TCP_IPV6_EX		0x00002000

/* hyperv_net.h ITAB_NUM, NETVSC_HASH_KEYLEN (6.12) */
#define NDIS_RSS_ITAB_NUM		128
#define NDIS_RSS_HASH_KEY_SIZE		40
#define NDIS_RSS_INDIRECTION_TABLE_MAX_SIZE_REVISION_2	(128 * 4)
#define NDIS_RSS_HASH_SECRET_KEY_MAX_SIZE_REVISION_2	40

/*
 * Layout: hyperv_net.h struct ndis_recv_scale_param (6.12), not packed
 * (natural alignment, 40 bytes).  Linux places the indirection table (u32
 * channel indexes) right after it and the key after the table; the
 * offsets count from the start of this struct.
 */
struct ndis_recv_scale_param {
	struct ndis_object_header hdr;
	__u16 flag;
	__u16 base_cpu_number;
	__u32 hashinfo;
	__u16 indirect_tabsize;		/* bytes */
	__u32 indirect_taboffset;
	__u16 hashkey_size;
	__u32 hashkey_offset;
	__u32 processor_masks_offset;
	__u32 num_processor_masks;
	__u32 processor_masks_entry_size;
};

HVLIS_ASSERT_SIZE(struct rndis_initialize_request, 16);
HVLIS_ASSERT_SIZE(struct rndis_initialize_complete, 44);
HVLIS_ASSERT_SIZE(struct rndis_query_request, 20);
HVLIS_ASSERT_SIZE(struct rndis_query_complete, 16);
HVLIS_ASSERT_SIZE(struct rndis_set_request, 20);
HVLIS_ASSERT_SIZE(struct rndis_indicate_status, 12);
HVLIS_ASSERT_SIZE(struct rndis_packet, 36);
HVLIS_ASSERT_SIZE(struct rndis_per_packet_info, 12);
HVLIS_ASSERT_OFFSET(struct rndis_per_packet_info, ppi_offset, 8);
HVLIS_ASSERT_SIZE(struct rndis_pktinfo_id, 4);
HVLIS_ASSERT_SIZE(struct ndis_tcp_ip_checksum_info, 4);
HVLIS_ASSERT_SIZE(struct ndis_pkt_8021q_info, 4);
HVLIS_ASSERT_SIZE(struct ndis_tcp_lso_info, 4);
HVLIS_ASSERT_SIZE(union rndis_message_container, 44);
HVLIS_ASSERT_SIZE(struct rndis_message, 52);
HVLIS_ASSERT_OFFSET(struct rndis_message, msg, 8);
HVLIS_ASSERT_SIZE(struct ndis_object_header, 4);
HVLIS_ASSERT_SIZE(struct ndis_offload, 156);
static_assert(NDIS_OFFLOAD_SIZE_6_0 == 112, "NDIS 6.0 offload size");
static_assert(NDIS_OFFLOAD_SIZE_6_1 == 144, "NDIS 6.1 offload size");
HVLIS_ASSERT_OFFSET(struct ndis_offload, lsov2, 80);
HVLIS_ASSERT_SIZE(struct ndis_offload_params, 28);
HVLIS_ASSERT_OFFSET(struct ndis_offload_params, flags, 16);
HVLIS_ASSERT_OFFSET(struct ndis_offload_params, rsc_ip_v4,
		    VERSION_4_OFFLOAD_SIZE);
HVLIS_ASSERT_SIZE(struct ndis_recv_scale_cap, 18);
HVLIS_ASSERT_SIZE(struct ndis_recv_scale_param, 40);
HVLIS_ASSERT_OFFSET(struct ndis_recv_scale_param, indirect_taboffset, 16);
HVLIS_ASSERT_OFFSET(struct ndis_recv_scale_param, hashkey_offset, 24);

/* ---- added for netvsp ---- */

/*
 * Layout: hyperv_net.h struct rndis_config_parameter_info (6.12), the
 * value of a SET of RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER: a named
 * parameter; the offsets count from the start of this struct, the name
 * and a string value are UTF-16LE.  Linux sets the MAC address this way
 * (rndis_filter_set_device_mac: name "NetworkAddress", value 12 hex
 * digits).
 */
struct rndis_config_parameter_info {
	__u32 parameter_name_offset;
	__u32 parameter_name_length;	/* bytes */
	__u32 parameter_type;		/* RNDIS_CONFIG_PARAM_TYPE_* */
	__u32 parameter_value_offset;
	__u32 parameter_value_length;	/* bytes */
};

/* Values: hyperv_net.h RNDIS_CONFIG_PARAM_TYPE_* (6.12) */
#define RNDIS_CONFIG_PARAM_TYPE_INTEGER	0
#define RNDIS_CONFIG_PARAM_TYPE_STRING	2

HVLIS_ASSERT_SIZE(struct rndis_config_parameter_info, 20);

#endif /* _HVLIS_RNDIS_H */
