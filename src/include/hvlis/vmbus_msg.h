/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus channel-management messages: the control protocol between the guest
 * (VSC side) and the host, carried in the payload of SynIC messages of type
 * VMBUS_MESSAGE_TYPE.  Every message starts with
 * struct vmbus_channel_message_header and must fit in the 240-byte payload.
 *
 * Flow (Linux guest, drivers/hv/connection.c and channel_mgmt.c, 6.12):
 *  - guest: INITIATE_CONTACT with the highest version it wants; host:
 *    VERSION_RESPONSE.  On refusal the guest retries with the next lower
 *    version (Linux stops at VERSION_WIN8).
 *  - guest: REQUESTOFFERS; host: one OFFERCHANNEL per channel, then
 *    ALLOFFERS_DELIVERED.  Offers and rescinds may also come at any time.
 *  - per channel: GPADL_HEADER (+ GPADL_BODY ...) -> GPADL_CREATED, then
 *    OPENCHANNEL -> OPENCHANNEL_RESULT; CLOSECHANNEL, GPADL_TEARDOWN ->
 *    GPADL_TORNDOWN; after a rescind the guest answers RELID_RELEASED.
 *  - guest: UNLOAD -> UNLOAD_RESPONSE before kexec/shutdown.
 * Channel events: the host sets bit child_relid in the SINT 2 event-flag
 * slot of the channel's target CPU; the guest signals the host with
 * HVCALL_SIGNAL_EVENT on the offer's connection_id (or through the monitor
 * page for monitored channels).
 */
#ifndef _HVLIS_VMBUS_MSG_H
#define _HVLIS_VMBUS_MSG_H

#include <hvlis/hv_types.h>
#include <hvlis/synic.h>

/*
 * Protocol versions, major << 16 | minor.
 * Values: include/linux/hyperv.h VERSION_* (6.12).
 */
#define VMBUS_MAKE_VERSION(major, minor)	((__u32)(major) << 16 | (minor))
#define VMBUS_VERSION_MAJOR(v)			((__u32)(v) >> 16)
#define VMBUS_VERSION_MINOR(v)			((__u32)(v) & 0xffff)

#define VERSION_WS2008		VMBUS_MAKE_VERSION(0, 13)
#define VERSION_WIN7		VMBUS_MAKE_VERSION(1, 1)
#define VERSION_WIN8		VMBUS_MAKE_VERSION(2, 4)	/* WS2012 */
#define VERSION_WIN8_1		VMBUS_MAKE_VERSION(3, 0)	/* WS2012 R2 */
#define VERSION_WIN10		VMBUS_MAKE_VERSION(4, 0)
#define VERSION_WIN10_V4_1	VMBUS_MAKE_VERSION(4, 1)	/* RS3 */
#define VERSION_WIN10_V5	VMBUS_MAKE_VERSION(5, 0)
#define VERSION_WIN10_V5_1	VMBUS_MAKE_VERSION(5, 1)	/* RS4 */
#define VERSION_WIN10_V5_2	VMBUS_MAKE_VERSION(5, 2)	/* WS2019 */
#define VERSION_WIN10_V5_3	VMBUS_MAKE_VERSION(5, 3)	/* WS2022 */
/*
 * 6.0 ("Copper" in microsoft/openvmm vmbus_core/src/protocol.rs) adds
 * feature flags; Linux 6.12 does not request it.
 */
#define VERSION_COPPER		VMBUS_MAKE_VERSION(6, 0)

/*
 * Connection and port ids (drivers/hv/hyperv_vmbus.h, 6.12).
 * Which message connection id to post to:
 *  - version < VERSION_WIN10_V5: always VMBUS_MESSAGE_CONNECTION_ID (1);
 *  - version >= VERSION_WIN10_V5: INITIATE_CONTACT goes to
 *    VMBUS_MESSAGE_CONNECTION_ID_4 (a VTL2 guest first tries the redirect
 *    id); every later message goes to the msg_conn_id that the host returns
 *    in VERSION_RESPONSE.
 */
#define VMBUS_MESSAGE_CONNECTION_ID		1
#define VMBUS_MESSAGE_CONNECTION_ID_4		4
#define VMBUS_MESSAGE_CONNECTION_ID_REDIRECT	0x800074
#define VMBUS_MESSAGE_PORT_ID			1
#define VMBUS_EVENT_CONNECTION_ID		2
#define VMBUS_EVENT_PORT_ID			2
#define VMBUS_MONITOR_CONNECTION_ID		3
#define VMBUS_MONITOR_PORT_ID			3

/* Connection id for INITIATE_CONTACT at @version (non-VTL2 guest) */
static inline __u32 vmbus_initiate_contact_conn_id(__u32 version)
{
	return version >= VERSION_WIN10_V5 ? VMBUS_MESSAGE_CONNECTION_ID_4 :
					     VMBUS_MESSAGE_CONNECTION_ID;
}

/* Channel ids (relids) start at 1; this value never names a channel. */
#define VMBUS_INVALID_RELID	0xffffffffU

/* Values: include/linux/hyperv.h enum vmbus_channel_message_type (6.12) */
enum vmbus_channel_message_type {
	CHANNELMSG_INVALID			= 0,
	CHANNELMSG_OFFERCHANNEL			= 1,	/* host -> guest */
	CHANNELMSG_RESCIND_CHANNELOFFER		= 2,	/* host -> guest */
	CHANNELMSG_REQUESTOFFERS		= 3,
	CHANNELMSG_ALLOFFERS_DELIVERED		= 4,	/* host -> guest */
	CHANNELMSG_OPENCHANNEL			= 5,
	CHANNELMSG_OPENCHANNEL_RESULT		= 6,	/* host -> guest */
	CHANNELMSG_CLOSECHANNEL			= 7,
	CHANNELMSG_GPADL_HEADER			= 8,
	CHANNELMSG_GPADL_BODY			= 9,
	CHANNELMSG_GPADL_CREATED		= 10,	/* host -> guest */
	CHANNELMSG_GPADL_TEARDOWN		= 11,
	CHANNELMSG_GPADL_TORNDOWN		= 12,	/* host -> guest */
	CHANNELMSG_RELID_RELEASED		= 13,
	CHANNELMSG_INITIATE_CONTACT		= 14,
	CHANNELMSG_VERSION_RESPONSE		= 15,	/* host -> guest */
	CHANNELMSG_UNLOAD			= 16,
	CHANNELMSG_UNLOAD_RESPONSE		= 17,	/* host -> guest */
	/*
	 * 18-20 are unused by Linux; openvmm names them OPEN_RESERVED_CHANNEL,
	 * CLOSE_RESERVED_CHANNEL and CLOSE_RESERVED_RESPONSE.
	 */
	CHANNELMSG_18				= 18,
	CHANNELMSG_19				= 19,
	CHANNELMSG_20				= 20,
	CHANNELMSG_TL_CONNECT_REQUEST		= 21,	/* hv_sock connect */
	CHANNELMSG_MODIFYCHANNEL		= 22,	/* re-target a channel */
	CHANNELMSG_TL_CONNECT_RESULT		= 23,	/* host -> guest */
	CHANNELMSG_MODIFYCHANNEL_RESPONSE	= 24,	/* host -> guest, 5.3+ */
	/* openvmm defines 25-29 for VERSION_COPPER features only */
	CHANNELMSG_COUNT
};

/* Layout: include/linux/hyperv.h struct vmbus_channel_message_header (6.12) */
struct vmbus_channel_message_header {
	__u32 msgtype;			/* enum vmbus_channel_message_type */
	__u32 padding;
} __packed;

/*
 * Pipe modes, in the first 4 bytes of the offer's user-defined area when
 * the offer has VMBUS_CHANNEL_NAMED_PIPE_MODE.
 */
#define VMBUS_PIPE_TYPE_BYTE		0x00000000
#define VMBUS_PIPE_TYPE_MESSAGE		0x00000004

/* User-defined bytes in an offer (and in OPENCHANNEL) */
#define MAX_USER_DEFINED_BYTES		120
/* ... of which a pipe offer leaves this much after pipe_mode */
#define MAX_PIPE_USER_DEFINED_BYTES	116

/*
 * Offer flags (chn_flags).  Values: include/linux/hyperv.h (6.12).
 * In openvmm 0x2 and 0x4 are reused as "confidential ring buffer / external
 * memory" for protocol 6.0 feature negotiation.
 */
#define VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE	0x0001
#define VMBUS_CHANNEL_SERVER_SUPPORTS_TRANSFER_PAGES	0x0002
#define VMBUS_CHANNEL_SERVER_SUPPORTS_GPADLS		0x0004
#define VMBUS_CHANNEL_NAMED_PIPE_MODE			0x0010
#define VMBUS_CHANNEL_LOOPBACK_OFFER			0x0100
#define VMBUS_CHANNEL_PARENT_OFFER			0x0200
#define VMBUS_CHANNEL_REQUEST_MONITORED_NOTIFICATION	0x0400
/* An hv_sock (AF_VSOCK over VMBus) channel; see HV_SOCK_SRV_ID_GUID */
#define VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER		0x2000

/*
 * The device description inside an offer.
 * Layout: include/linux/hyperv.h struct vmbus_channel_offer (6.12).
 */
struct vmbus_channel_offer {
	guid_t if_type;			/* class GUID, see hvlis/guids.h */
	guid_t if_instance;		/* instance GUID */
	__u64 reserved1;
	__u64 reserved2;
	__u16 chn_flags;		/* VMBUS_CHANNEL_* */
	__u16 mmio_megabytes;		/* MMIO space the device wants */
	union {
		struct {
			__u8 user_def[MAX_USER_DEFINED_BYTES];
		} std;
		/*
		 * hv_sock offers are pipes; user_def[0] != 0 there means the
		 * host connected to a guest listener
		 * (net/vmw_vsock/hyperv_transport.c hvs_open_connection).
		 */
		struct {
			__u32 pipe_mode;	/* VMBUS_PIPE_TYPE_* */
			__u8 user_def[MAX_PIPE_USER_DEFINED_BYTES];
		} pipe;
	} u;
	/* 0 for a primary channel, >0 for a sub-channel (WIN8+) */
	__u16 sub_channel_index;
	__u16 reserved3;
} __packed;

/*
 * CHANNELMSG_OFFERCHANNEL.  Bitfields as upstream (little-endian GCC ABI).
 * Layout: include/linux/hyperv.h struct vmbus_channel_offer_channel (6.12).
 */
struct vmbus_channel_offer_channel {
	struct vmbus_channel_message_header header;
	struct vmbus_channel_offer offer;
	__u32 child_relid;		/* channel id */
	__u8 monitorid;			/* valid if monitor_allocated */
	__u8 monitor_allocated:1;
	__u8 reserved:7;
	/*
	 * Dedicated interrupt: the guest must not also set the relid bit in
	 * the interrupt page when it signals the host.
	 */
	__u16 is_dedicated_interrupt:1;
	__u16 reserved1:15;
	__u32 connection_id;		/* for HVCALL_SIGNAL_EVENT */
} __packed;

/* Layout: include/linux/hyperv.h struct vmbus_channel_rescind_offer (6.12) */
struct vmbus_channel_rescind_offer {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
} __packed;

/*
 * REQUESTOFFERS, ALLOFFERS_DELIVERED, UNLOAD and UNLOAD_RESPONSE carry no
 * body; Linux sends and expects the bare header.
 */
struct vmbus_channel_request_offers {
	struct vmbus_channel_message_header header;
} __packed;

struct vmbus_channel_all_offers_delivered {
	struct vmbus_channel_message_header header;
} __packed;

struct vmbus_channel_unload {
	struct vmbus_channel_message_header header;
} __packed;

struct vmbus_channel_unload_response {
	struct vmbus_channel_message_header header;
} __packed;

/*
 * CHANNELMSG_OPENCHANNEL.  The ring GPADL holds the guest-to-host ring at
 * page 0 and the host-to-guest ring at downstream_ringbuffer_pageoffset;
 * each ring starts with its 4 KiB control page (hvlis/vmbus_ring.h).
 * target_vp is the VP (not Linux CPU number) that receives the channel's
 * interrupts.
 * Layout: include/linux/hyperv.h struct vmbus_channel_open_channel (6.12).
 */
struct vmbus_channel_open_channel {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
	__u32 openid;			/* echoed in OPENCHANNEL_RESULT */
	__u32 ringbuffer_gpadlhandle;
	__u32 target_vp;
	__u32 downstream_ringbuffer_pageoffset;
	__u8 userdata[MAX_USER_DEFINED_BYTES];
} __packed;

/* Layout: include/linux/hyperv.h struct vmbus_channel_open_result (6.12) */
struct vmbus_channel_open_result {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
	__u32 openid;
	__u32 status;			/* 0 = success (NTSTATUS) */
} __packed;

/* Layout: include/linux/hyperv.h struct vmbus_channel_close_channel (6.12) */
struct vmbus_channel_close_channel {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
} __packed;

/* GPADL types (include/linux/hyperv.h, 6.12) */
#define GPADL_TYPE_RING_BUFFER		1
#define GPADL_TYPE_SERVER_SAVE_AREA	2
#define GPADL_TYPE_TRANSACTION		8

/*
 * A guest-physical range that looks virtually contiguous: byte_count bytes
 * starting byte_offset into the first page; pfn_array lists every page
 * spanned (4 KiB hypervisor pages).
 * Layout: include/linux/hyperv.h struct gpa_range (6.12).
 */
struct gpa_range {
	__u32 byte_count;
	__u32 byte_offset;
	__u64 pfn_array[];
};

/*
 * CHANNELMSG_GPADL_HEADER: starts a GPADL.  rangecount struct gpa_range
 * entries follow at offset 20, each directly followed by its PFNs; Linux
 * always sends one range.  range_buflen is the size of all ranges with
 * every PFN, also the PFNs sent later in GPADL_BODY messages; being 16 bits
 * it caps a single-range GPADL at 8190 pages.  The first range's PFNs sit
 * at offset 28, which is not 8-byte aligned: copy them in and out
 * (memcpy, get_unaligned) rather than dereference a u64 pointer.
 * Layout: include/linux/hyperv.h struct vmbus_channel_gpadl_header (6.12);
 * upstream types the tail "struct gpa_range range[]", an array of
 * variable-size structs that sparse rejects and that only range[0] of can
 * be indexed correctly, so it is left as bytes here.
 */
struct vmbus_channel_gpadl_header {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
	__u32 gpadl;			/* handle chosen by the guest */
	__u16 range_buflen;
	__u16 rangecount;
	__u8 range[];			/* struct gpa_range + PFNs, ... */
} __packed;

/* Offset of the first PFN in a single-range GPADL_HEADER message */
#define VMBUS_GPADL_HEADER_PFN_OFFSET					\
	(sizeof(struct vmbus_channel_gpadl_header) + sizeof(struct gpa_range))

/*
 * CHANNELMSG_GPADL_BODY: more PFNs of the GPADL, continuing the PFN list
 * in order.  Linux leaves msgnumber 0, so the host must not rely on it.
 * Layout: include/linux/hyperv.h struct vmbus_channel_gpadl_body (6.12).
 */
struct vmbus_channel_gpadl_body {
	struct vmbus_channel_message_header header;
	__u32 msgnumber;
	__u32 gpadl;
	__u64 pfn[];
} __packed;

/*
 * PFNs that fit in one GPADL_HEADER (with a single range) and in one
 * GPADL_BODY; same arithmetic as drivers/hv/channel.c create_gpadl_header.
 */
#define VMBUS_GPADL_HEADER_MAX_PFNS					\
	((HV_MESSAGE_PAYLOAD_BYTE_COUNT - VMBUS_GPADL_HEADER_PFN_OFFSET) /	\
	 sizeof(__u64))
#define VMBUS_GPADL_BODY_MAX_PFNS					\
	((HV_MESSAGE_PAYLOAD_BYTE_COUNT -				\
	  sizeof(struct vmbus_channel_gpadl_body)) / sizeof(__u64))

/* Layout: include/linux/hyperv.h struct vmbus_channel_gpadl_created (6.12) */
struct vmbus_channel_gpadl_created {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
	__u32 gpadl;
	__u32 creation_status;		/* 0 = success */
} __packed;

/* Layout: include/linux/hyperv.h struct vmbus_channel_gpadl_teardown (6.12) */
struct vmbus_channel_gpadl_teardown {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
	__u32 gpadl;
} __packed;

/* Layout: include/linux/hyperv.h struct vmbus_channel_gpadl_torndown (6.12) */
struct vmbus_channel_gpadl_torndown {
	struct vmbus_channel_message_header header;
	__u32 gpadl;
} __packed;

/* Layout: include/linux/hyperv.h struct vmbus_channel_relid_released (6.12) */
struct vmbus_channel_relid_released {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
} __packed;

/*
 * Protocol 6.0 feature bits, in initiate_contact.feature_flags and
 * version_response_v6.supported_features.
 * Values: openvmm vmbus_core/src/protocol.rs FeatureFlags.
 */
#define VMBUS_FEATURE_GUEST_SPECIFIED_SIGNAL_PARAMETERS	(1U << 0)
#define VMBUS_FEATURE_CHANNEL_INTERRUPT_REDIRECTION	(1U << 1)
#define VMBUS_FEATURE_MODIFY_CONNECTION			(1U << 2)
#define VMBUS_FEATURE_CLIENT_ID				(1U << 3)
#define VMBUS_FEATURE_CONFIDENTIAL_CHANNELS		(1U << 4)
#define VMBUS_FEATURE_PAUSE_RESUME			(1U << 5)

/*
 * CHANNELMSG_INITIATE_CONTACT.  Below VERSION_WIN10_V5 the 8 bytes after
 * target_vcpu are the GPA of the interrupt page (first half: host-to-guest
 * relid bits, second half: guest-to-host).  From VERSION_WIN10_V5 on they
 * name the SINT and VTL the host must deliver messages to (Linux: SINT 2),
 * plus, from VERSION_COPPER, the feature flags the guest asks for.
 * monitor_page1 is the parent-to-child monitor page, monitor_page2 the
 * child-to-parent one (the one the guest writes).
 * Layout: include/linux/hyperv.h struct vmbus_channel_initiate_contact
 * (6.12); feature_flags: openvmm protocol.rs TargetInfo.
 */
struct vmbus_channel_initiate_contact {
	struct vmbus_channel_message_header header;
	__u32 vmbus_version_requested;
	__u32 target_vcpu;		/* VP that gets the host's messages */
	union {
		__u64 interrupt_page;
		struct {
			__u8 msg_sint;
			__u8 msg_vtl;
			__u8 reserved[2];
			__u32 feature_flags;
		};
	};
	__u64 monitor_page1;
	__u64 monitor_page2;
} __packed;

/*
 * Legacy version query messages, kept for completeness; Linux does not send
 * them.  Layout: include/linux/hyperv.h (6.12).
 */
struct vmbus_channel_query_vmbus_version {
	struct vmbus_channel_message_header header;
	__u32 version;
} __packed;

struct vmbus_channel_version_supported {
	struct vmbus_channel_message_header header;
	__u8 version_supported;
} __packed;

/* Values of vmbus_channel_version_response.connection_state (openvmm) */
#define VMBUS_CONNECTION_STATE_SUCCESSFUL		0
#define VMBUS_CONNECTION_STATE_FAILED_LOW_RESOURCES	1
#define VMBUS_CONNECTION_STATE_FAILED_UNKNOWN_FAILURE	2

/*
 * CHANNELMSG_VERSION_RESPONSE.  version_supported != 0 accepts the
 * requested version.  From VERSION_WIN10_V5 on, msg_conn_id is the
 * connection id for all later guest messages (openvmm calls the field
 * selected_version_or_connection_id).
 * Layout: include/linux/hyperv.h struct vmbus_channel_version_response
 * (6.12).
 */
struct vmbus_channel_version_response {
	struct vmbus_channel_message_header header;
	__u8 version_supported;
	__u8 connection_state;		/* VMBUS_CONNECTION_STATE_* */
	__u16 padding;
	__u32 msg_conn_id;
} __packed;

/*
 * The longer VERSION_RESPONSE a host sends only when it accepts
 * VERSION_COPPER or later.
 * Layout: openvmm vmbus_core/src/protocol.rs VersionResponse2.
 */
struct vmbus_channel_version_response_v6 {
	struct vmbus_channel_version_response base;
	__u32 supported_features;	/* VMBUS_FEATURE_* */
} __packed;

/*
 * CHANNELMSG_TL_CONNECT_REQUEST: hv_sock connect() from the guest; the host
 * answers with an offer flagged VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER.
 * Layout: include/linux/hyperv.h struct vmbus_channel_tl_connect_request
 * (6.12).
 */
struct vmbus_channel_tl_connect_request {
	struct vmbus_channel_message_header header;
	guid_t guest_endpoint_id;
	guid_t host_service_id;
} __packed;

/*
 * CHANNELMSG_TL_CONNECT_RESULT (Linux ignores it).
 * Layout: openvmm vmbus_core/src/protocol.rs TlConnectResult.
 */
struct vmbus_channel_tl_connect_result {
	struct vmbus_channel_message_header header;
	guid_t guest_endpoint_id;
	guid_t host_service_id;
	__s32 status;			/* NTSTATUS */
} __packed;

/*
 * CHANNELMSG_MODIFYCHANNEL; from VERSION_WIN10_V5_3 the host acknowledges
 * it with MODIFYCHANNEL_RESPONSE.
 * Layout: include/linux/hyperv.h struct vmbus_channel_modifychannel (6.12).
 */
struct vmbus_channel_modifychannel {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
	__u32 target_vp;
} __packed;

/* Layout: include/linux/hyperv.h vmbus_channel_modifychannel_response (6.12) */
struct vmbus_channel_modifychannel_response {
	struct vmbus_channel_message_header header;
	__u32 child_relid;
	__u32 status;			/* 0 = success (NTSTATUS) */
} __packed;

/* Versions and ids */
static_assert(VERSION_WS2008 == 0x0000000d, "VERSION_WS2008");
static_assert(VERSION_WIN7 == 0x00010001, "VERSION_WIN7");
static_assert(VERSION_WIN8 == 0x00020004, "VERSION_WIN8");
static_assert(VERSION_WIN8_1 == 0x00030000, "VERSION_WIN8_1");
static_assert(VERSION_WIN10 == 0x00040000, "VERSION_WIN10");
static_assert(VERSION_WIN10_V4_1 == 0x00040001, "VERSION_WIN10_V4_1");
static_assert(VERSION_WIN10_V5 == 0x00050000, "VERSION_WIN10_V5");
static_assert(VERSION_WIN10_V5_3 == 0x00050003, "VERSION_WIN10_V5_3");
static_assert(CHANNELMSG_MODIFYCHANNEL_RESPONSE == 24, "message types");
static_assert(CHANNELMSG_COUNT == 25, "message types");

/* Layouts (sizes include the 8-byte header) */
HVLIS_ASSERT_SIZE(struct vmbus_channel_message_header, 8);
HVLIS_ASSERT_SIZE(struct vmbus_channel_offer, 176);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer, if_instance, 16);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer, chn_flags, 48);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer, mmio_megabytes, 50);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer, u, 52);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer, u.pipe.user_def, 56);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer, sub_channel_index, 172);
HVLIS_ASSERT_SIZE(struct vmbus_channel_offer_channel, 196);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer_channel, offer, 8);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer_channel, child_relid, 184);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer_channel, monitorid, 188);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_offer_channel, connection_id, 192);
HVLIS_ASSERT_SIZE(struct vmbus_channel_rescind_offer, 12);
HVLIS_ASSERT_SIZE(struct vmbus_channel_request_offers, 8);
HVLIS_ASSERT_SIZE(struct vmbus_channel_all_offers_delivered, 8);
HVLIS_ASSERT_SIZE(struct vmbus_channel_unload, 8);
HVLIS_ASSERT_SIZE(struct vmbus_channel_unload_response, 8);
HVLIS_ASSERT_SIZE(struct vmbus_channel_open_channel, 148);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_open_channel, target_vp, 20);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_open_channel,
		    downstream_ringbuffer_pageoffset, 24);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_open_channel, userdata, 28);
HVLIS_ASSERT_SIZE(struct vmbus_channel_open_result, 20);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_open_result, status, 16);
HVLIS_ASSERT_SIZE(struct vmbus_channel_close_channel, 12);
HVLIS_ASSERT_SIZE(struct gpa_range, 8);
HVLIS_ASSERT_SIZE(struct vmbus_channel_gpadl_header, 20);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_gpadl_header, range_buflen, 16);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_gpadl_header, range, 20);
HVLIS_ASSERT_SIZE(struct vmbus_channel_gpadl_body, 16);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_gpadl_body, pfn, 16);
HVLIS_ASSERT_SIZE(struct vmbus_channel_gpadl_created, 20);
HVLIS_ASSERT_SIZE(struct vmbus_channel_gpadl_teardown, 16);
HVLIS_ASSERT_SIZE(struct vmbus_channel_gpadl_torndown, 12);
HVLIS_ASSERT_SIZE(struct vmbus_channel_relid_released, 12);
HVLIS_ASSERT_SIZE(struct vmbus_channel_initiate_contact, 40);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_initiate_contact, target_vcpu, 12);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_initiate_contact, interrupt_page, 16);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_initiate_contact, msg_sint, 16);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_initiate_contact, msg_vtl, 17);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_initiate_contact, feature_flags, 20);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_initiate_contact, monitor_page1, 24);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_initiate_contact, monitor_page2, 32);
HVLIS_ASSERT_SIZE(struct vmbus_channel_query_vmbus_version, 12);
HVLIS_ASSERT_SIZE(struct vmbus_channel_version_supported, 9);
HVLIS_ASSERT_SIZE(struct vmbus_channel_version_response, 16);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_version_response, msg_conn_id, 12);
HVLIS_ASSERT_SIZE(struct vmbus_channel_version_response_v6, 20);
HVLIS_ASSERT_SIZE(struct vmbus_channel_tl_connect_request, 40);
HVLIS_ASSERT_SIZE(struct vmbus_channel_tl_connect_result, 44);
HVLIS_ASSERT_SIZE(struct vmbus_channel_modifychannel, 16);
HVLIS_ASSERT_SIZE(struct vmbus_channel_modifychannel_response, 16);

/* Every message must fit in one SynIC message payload. */
#define VMBUS_ASSERT_MSG_FITS(type)					\
	static_assert(sizeof(type) <= HV_MESSAGE_PAYLOAD_BYTE_COUNT,	\
		      #type " fits a SynIC message")
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_offer_channel);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_rescind_offer);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_request_offers);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_all_offers_delivered);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_unload);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_unload_response);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_open_channel);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_open_result);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_close_channel);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_gpadl_header);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_gpadl_body);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_gpadl_created);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_gpadl_teardown);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_gpadl_torndown);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_relid_released);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_initiate_contact);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_query_vmbus_version);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_version_supported);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_version_response);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_version_response_v6);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_tl_connect_request);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_tl_connect_result);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_modifychannel);
VMBUS_ASSERT_MSG_FITS(struct vmbus_channel_modifychannel_response);

/* The PFN capacity of the two GPADL messages */
static_assert(VMBUS_GPADL_HEADER_PFN_OFFSET == 28, "first gpadl PFN");
static_assert(VMBUS_GPADL_HEADER_PFN_OFFSET +
	      VMBUS_GPADL_HEADER_MAX_PFNS * sizeof(__u64) <=
	      HV_MESSAGE_PAYLOAD_BYTE_COUNT, "gpadl header fits a message");
static_assert(sizeof(struct vmbus_channel_gpadl_body) +
	      VMBUS_GPADL_BODY_MAX_PFNS * sizeof(__u64) <=
	      HV_MESSAGE_PAYLOAD_BYTE_COUNT, "gpadl body fits a message");
static_assert(VMBUS_GPADL_HEADER_MAX_PFNS == 26, "PFNs per gpadl header");
static_assert(VMBUS_GPADL_BODY_MAX_PFNS == 28, "PFNs per gpadl body");

#endif /* _HVLIS_VMBUS_MSG_H */
