/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hyper-V hypercall and SynIC facts that VMBus rests on: the 256-byte SynIC
 * message, the event-flag pages, the two hypercalls VMBus uses (post message,
 * signal event), their status codes, and the monitor page.
 *
 * In kernel builds the hypervisor-level definitions (struct hv_message,
 * HV_STATUS_*, HVCALL_* ...) come from the kernel itself, through
 * <asm/mshyperv.h>: the "hyperv" backend needs that header for the hypercall
 * helpers, and a second definition of the same structs would not compile.
 * Including it here, rather than the TLFS header it uses, also follows the
 * kernel when it moves those types (kernels newer than 6.12 define them in
 * include/hyperv/hvgdk_mini.h).  User space (hvsim, unit tests) and other
 * architectures get the equivalent definitions below.  The asserts at the
 * end check whichever copy is in use against the published layout.
 */
#ifndef _HVLIS_SYNIC_H
#define _HVLIS_SYNIC_H

#include <hvlis/hv_types.h>

#if defined(__KERNEL__) && (defined(CONFIG_X86) || defined(CONFIG_ARM64))
#include <asm/mshyperv.h>
#define HVLIS_KERNEL_TLFS 1
#endif

/*
 * Constants: arch/x86/include/asm/hyperv-tlfs.h and
 * include/asm-generic/hyperv-tlfs.h (Linux 6.12).  Each one is defined only
 * if the kernel's header did not already; the values are asserted below.
 */
#ifndef HV_HYP_PAGE_SHIFT
#define HV_HYP_PAGE_SHIFT		12
#endif
#ifndef HV_HYP_PAGE_SIZE
#define HV_HYP_PAGE_SIZE		(1UL << HV_HYP_PAGE_SHIFT)
#endif
#ifndef HV_HYP_PAGE_MASK
#define HV_HYP_PAGE_MASK		(~(HV_HYP_PAGE_SIZE - 1))
#endif

/* Hypercall codes (low 16 bits of the hypercall input value) */
#ifndef HVCALL_POST_MESSAGE
#define HVCALL_POST_MESSAGE		0x005c
#endif
#ifndef HVCALL_SIGNAL_EVENT
#define HVCALL_SIGNAL_EVENT		0x005d
#endif
/* Input passed in registers instead of a memory page */
#ifndef HV_HYPERCALL_FAST_BIT
#define HV_HYPERCALL_FAST_BIT		(1UL << 16)
#endif
/* The status is the low 16 bits of the hypercall result */
#ifndef HV_HYPERCALL_RESULT_MASK
#define HV_HYPERCALL_RESULT_MASK	0xffffULL
#endif

/* Hypercall status codes */
#ifndef HV_STATUS_SUCCESS
#define HV_STATUS_SUCCESS			0
#endif
#ifndef HV_STATUS_INVALID_HYPERCALL_CODE
#define HV_STATUS_INVALID_HYPERCALL_CODE	2
#endif
#ifndef HV_STATUS_INVALID_HYPERCALL_INPUT
#define HV_STATUS_INVALID_HYPERCALL_INPUT	3
#endif
#ifndef HV_STATUS_INVALID_ALIGNMENT
#define HV_STATUS_INVALID_ALIGNMENT		4
#endif
#ifndef HV_STATUS_INVALID_PARAMETER
#define HV_STATUS_INVALID_PARAMETER		5
#endif
#ifndef HV_STATUS_ACCESS_DENIED
#define HV_STATUS_ACCESS_DENIED			6
#endif
#ifndef HV_STATUS_OPERATION_DENIED
#define HV_STATUS_OPERATION_DENIED		8
#endif
#ifndef HV_STATUS_INSUFFICIENT_MEMORY
#define HV_STATUS_INSUFFICIENT_MEMORY		11
#endif
#ifndef HV_STATUS_INVALID_PORT_ID
#define HV_STATUS_INVALID_PORT_ID		17
#endif
#ifndef HV_STATUS_INVALID_CONNECTION_ID
#define HV_STATUS_INVALID_CONNECTION_ID		18
#endif
/* Post message: the target SINT's message queue is full, retry later */
#ifndef HV_STATUS_INSUFFICIENT_BUFFERS
#define HV_STATUS_INSUFFICIENT_BUFFERS		19
#endif
#ifndef HV_STATUS_TIME_OUT
#define HV_STATUS_TIME_OUT			120
#endif

/* SynIC */
#ifndef HV_SYNIC_SINT_COUNT
#define HV_SYNIC_SINT_COUNT		16
#endif
#ifndef HV_SYNIC_VERSION_1
#define HV_SYNIC_VERSION_1		0x1
#endif
/* SINT vectors 0-15 are reserved; valid ones are 16-255 */
#ifndef HV_SYNIC_FIRST_VALID_VECTOR
#define HV_SYNIC_FIRST_VALID_VECTOR	16
#endif
#ifndef HV_SYNIC_CONTROL_ENABLE
#define HV_SYNIC_CONTROL_ENABLE		(1ULL << 0)
#endif
#ifndef HV_SYNIC_SIMP_ENABLE
#define HV_SYNIC_SIMP_ENABLE		(1ULL << 0)
#endif
#ifndef HV_SYNIC_SIEFP_ENABLE
#define HV_SYNIC_SIEFP_ENABLE		(1ULL << 0)
#endif
#ifndef HV_SYNIC_SINT_MASKED
#define HV_SYNIC_SINT_MASKED		(1ULL << 16)
#endif
#ifndef HV_SYNIC_SINT_AUTO_EOI
#define HV_SYNIC_SINT_AUTO_EOI		(1ULL << 17)
#endif
#ifndef HV_SYNIC_SINT_VECTOR_MASK
#define HV_SYNIC_SINT_VECTOR_MASK	0xff
#endif
#ifndef HV_SYNIC_STIMER_COUNT
#define HV_SYNIC_STIMER_COUNT		4
#endif

/* One SynIC message slot: 16-byte header plus 240 bytes of payload */
#ifndef HV_MESSAGE_SIZE
#define HV_MESSAGE_SIZE			256
#endif
#ifndef HV_MESSAGE_PAYLOAD_BYTE_COUNT
#define HV_MESSAGE_PAYLOAD_BYTE_COUNT	240
#endif
#ifndef HV_MESSAGE_PAYLOAD_QWORD_COUNT
#define HV_MESSAGE_PAYLOAD_QWORD_COUNT	30
#endif

/* One event-flag slot per SINT: 256 bytes, 2048 flags */
#ifndef HV_EVENT_FLAGS_BYTE_COUNT
#define HV_EVENT_FLAGS_BYTE_COUNT	256
#endif
#ifndef HV_EVENT_FLAGS_COUNT
#define HV_EVENT_FLAGS_COUNT		(256 * 8)
#endif
#ifndef HV_EVENT_FLAGS_LONG_COUNT
#define HV_EVENT_FLAGS_LONG_COUNT	(256 / sizeof(unsigned long))
#endif

/*
 * The SIMP page holds one message slot per SINT and the SIEF page one
 * event-flag slot per SINT; each is exactly one 4 KiB page.
 */
#define HV_SYNIC_MESSAGE_PAGE_SIZE	(HV_SYNIC_SINT_COUNT * HV_MESSAGE_SIZE)
#define HV_SYNIC_EVENT_PAGE_SIZE	\
	(HV_SYNIC_SINT_COUNT * HV_EVENT_FLAGS_BYTE_COUNT)

/* Bit 0 of hv_message_header.message_flags: another message is queued */
#define HV_MESSAGE_FLAG_MSG_PENDING	0x01

/*
 * The SynIC message type that carries VMBus channel messages: Linux's
 * vmbus_post_msg() (drivers/hv/connection.c, 6.12) posts with type 1, and
 * the host delivers its channel messages with the same type.
 */
#define VMBUS_MESSAGE_TYPE		1

/*
 * The SINT that VMBus messages and channel events arrive on, on the CPU
 * named in INITIATE_CONTACT (messages) or in the channel's target_vp
 * (events).  drivers/hv/hyperv_vmbus.h, 6.12.
 */
#define VMBUS_MESSAGE_SINT		2

/* A connection or port id is 24 bits; the top 8 bits are reserved. */
#define HV_CONNECTION_ID_MASK		0x00ffffffU

#ifndef HVLIS_KERNEL_TLFS

/* Layout: include/asm-generic/hyperv-tlfs.h enum hv_message_type (6.12) */
enum hv_message_type {
	HVMSG_NONE			= 0x00000000,
	HVMSG_UNMAPPED_GPA		= 0x80000000,
	HVMSG_GPA_INTERCEPT		= 0x80000001,
	HVMSG_TIMER_EXPIRED		= 0x80000010,
	HVMSG_INVALID_VP_REGISTER_VALUE	= 0x80000020,
	HVMSG_UNRECOVERABLE_EXCEPTION	= 0x80000021,
	HVMSG_UNSUPPORTED_FEATURE	= 0x80000022,
	HVMSG_EVENTLOG_BUFFERCOMPLETE	= 0x80000040,
};

/* Layout: include/asm-generic/hyperv-tlfs.h union hv_message_flags (6.12) */
union hv_message_flags {
	__u8 asu8;
	struct {
		__u8 msg_pending:1;
		__u8 reserved:7;
	} __packed;
};

/* Layout: include/asm-generic/hyperv-tlfs.h union hv_port_id (6.12) */
union hv_port_id {
	__u32 asu32;
	struct {
		__u32 id:24;
		__u32 reserved:8;
	} __packed u;
};

/* Layout: include/asm-generic/hyperv-tlfs.h struct hv_message_header (6.12) */
struct hv_message_header {
	__u32 message_type;		/* enum hv_message_type, or 1 */
	__u8 payload_size;		/* bytes used of the 240 */
	union hv_message_flags message_flags;
	__u8 reserved[2];
	union {
		__u64 sender;
		union hv_port_id port;
	};
} __packed;

/* Layout: include/asm-generic/hyperv-tlfs.h struct hv_message (6.12) */
struct hv_message {
	struct hv_message_header header;
	union {
		__u64 payload[HV_MESSAGE_PAYLOAD_QWORD_COUNT];
	} u;
} __packed;

/* Layout: include/asm-generic/hyperv-tlfs.h struct hv_message_page (6.12) */
struct hv_message_page {
	struct hv_message sint_message[HV_SYNIC_SINT_COUNT];
} __packed;

/* Layout: include/asm-generic/hyperv-tlfs.h hv_timer_message_payload (6.12) */
struct hv_timer_message_payload {
	__u32 timer_index;
	__u32 reserved;
	__u64 expiration_time;		/* 100 ns units */
	__u64 delivery_time;
} __packed;

/*
 * Layout: include/asm-generic/hyperv-tlfs.h union hv_synic_event_flags
 * (6.12).  Kernel code may only use .flags (the kernel's copy has nothing
 * else); the byte and 32-bit views are for hvsim.
 */
union hv_synic_event_flags {
	__u8 flags8[HV_EVENT_FLAGS_BYTE_COUNT];
	__u32 flags32[HV_EVENT_FLAGS_BYTE_COUNT / 4];
	unsigned long flags[HV_EVENT_FLAGS_LONG_COUNT];
};

#endif /* !HVLIS_KERNEL_TLFS */

/*
 * HVCALL_POST_MESSAGE input.  The input page must be 8-byte aligned and
 * must not cross a page boundary; payload_size is at most 240.
 * Layout: drivers/hv/hyperv_vmbus.h struct hv_input_post_message (6.12);
 * there the connection id is union hv_connection_id (24-bit id).
 */
struct hv_input_post_message {
	__u32 connectionid;
	__u32 reserved;
	__u32 message_type;		/* VMBUS_MESSAGE_TYPE for VMBus */
	__u32 payload_size;
	__u64 payload[HV_MESSAGE_PAYLOAD_QWORD_COUNT];
};

/*
 * HVCALL_SIGNAL_EVENT input, 8 bytes, normally passed as a fast hypercall
 * (HV_HYPERCALL_FAST_BIT) in one register.  Linux always uses flag 0: its
 * channel->sig_event is just the offer's connection_id.
 * Layout: Linux 2.6.3x drivers/staging/hv/hv_api.h struct
 * hv_input_signal_event; use: drivers/hv/connection.c vmbus_set_event (6.12).
 */
struct hv_input_signal_event {
	__u32 connectionid;
	__u16 flag_number;
	__u16 rsvdz;
};

/* The same input as the 64-bit register value of the fast hypercall */
static inline __u64 hv_signal_event_input(__u32 connection_id,
					  __u16 flag_number)
{
	return (__u64)flag_number << 32 | (connection_id & HV_CONNECTION_ID_MASK);
}

/*
 * Monitor pages (monitored notification).  The guest hands the host two of
 * them in INITIATE_CONTACT.  For a channel offered with monitor_allocated,
 * the guest signals the host by setting bit (monitorid % 32) of
 * trigger_group[monitorid / 32].pending in the child-to-parent page and the
 * host polls for it, instead of a SIGNAL_EVENT hypercall per packet.
 * Layout: drivers/hv/hyperv_vmbus.h struct hv_monitor_page (6.12).
 */
#define HV_MONITOR_TRIGGER_GROUPS	4
#define HV_MONITOR_IDS_PER_GROUP	32
#define HV_MONITOR_ID_COUNT		\
	(HV_MONITOR_TRIGGER_GROUPS * HV_MONITOR_IDS_PER_GROUP)

/* Layout: drivers/hv/hyperv_vmbus.h union hv_monitor_trigger_state (6.12) */
union hv_monitor_trigger_state {
	__u32 asu32;
	struct {
		__u32 group_enable:4;
		__u32 rsvdz:28;
	};
};

/* Layout: drivers/hv/hyperv_vmbus.h union hv_monitor_trigger_group (6.12) */
union hv_monitor_trigger_group {
	__u64 as_uint64;
	struct {
		__u32 pending;		/* one bit per monitor id */
		__u32 armed;
	};
};

/*
 * Layout: drivers/hv/hyperv_vmbus.h struct hv_monitor_parameter (6.12);
 * upstream types connectionid as union hv_connection_id.
 */
struct hv_monitor_parameter {
	__u32 connectionid;
	__u16 flagnumber;
	__u16 rsvdz;
};

/* Layout: drivers/hv/hyperv_vmbus.h struct hv_monitor_page (6.12) */
struct hv_monitor_page {
	union hv_monitor_trigger_state trigger_state;
	__u32 rsvdz1;
	union hv_monitor_trigger_group trigger_group[HV_MONITOR_TRIGGER_GROUPS];
	__u64 rsvdz2[3];
	__s32 next_checktime[HV_MONITOR_TRIGGER_GROUPS][HV_MONITOR_IDS_PER_GROUP];
	__u16 latency[HV_MONITOR_TRIGGER_GROUPS][HV_MONITOR_IDS_PER_GROUP];
	__u64 rsvdz3[32];
	struct hv_monitor_parameter
		parameter[HV_MONITOR_TRIGGER_GROUPS][HV_MONITOR_IDS_PER_GROUP];
	__u8 rsvdz4[1984];
};

/* Values from the published definitions */
static_assert(HV_HYP_PAGE_SIZE == 4096, "hypervisor page size");
static_assert(HVCALL_POST_MESSAGE == 0x005c, "HvCallPostMessage");
static_assert(HVCALL_SIGNAL_EVENT == 0x005d, "HvCallSignalEvent");
static_assert(HV_HYPERCALL_FAST_BIT == 0x10000, "fast hypercall bit");
static_assert(HV_STATUS_SUCCESS == 0, "HV_STATUS_SUCCESS");
static_assert(HV_STATUS_INVALID_HYPERCALL_CODE == 2, "status code");
static_assert(HV_STATUS_INVALID_PARAMETER == 5, "status code");
static_assert(HV_STATUS_INSUFFICIENT_MEMORY == 11, "status code");
static_assert(HV_STATUS_INVALID_CONNECTION_ID == 18, "status code");
static_assert(HV_STATUS_INSUFFICIENT_BUFFERS == 19, "status code");
static_assert(HV_STATUS_TIME_OUT == 120, "status code");
static_assert(HV_SYNIC_SINT_COUNT == 16, "16 SINTs");
static_assert(HV_MESSAGE_SIZE == 256, "SynIC message size");
static_assert(HV_MESSAGE_PAYLOAD_BYTE_COUNT == 240, "SynIC payload size");
static_assert(HV_MESSAGE_PAYLOAD_QWORD_COUNT * 8 ==
	      HV_MESSAGE_PAYLOAD_BYTE_COUNT, "payload in qwords");
static_assert(HV_EVENT_FLAGS_COUNT == 2048, "event flags per SINT");
static_assert(HVMSG_NONE == 0, "HVMSG_NONE");
static_assert(HVMSG_TIMER_EXPIRED == 0x80000010, "HVMSG_TIMER_EXPIRED");
static_assert(VMBUS_MESSAGE_SINT < HV_SYNIC_SINT_COUNT, "VMBus SINT");
static_assert(HV_SYNIC_MESSAGE_PAGE_SIZE == HV_HYP_PAGE_SIZE, "SIMP page");
static_assert(HV_SYNIC_EVENT_PAGE_SIZE == HV_HYP_PAGE_SIZE, "SIEF page");

/* Layouts */
HVLIS_ASSERT_SIZE(union hv_message_flags, 1);
HVLIS_ASSERT_SIZE(union hv_port_id, 4);
HVLIS_ASSERT_SIZE(struct hv_message_header, 16);
HVLIS_ASSERT_OFFSET(struct hv_message_header, message_type, 0);
HVLIS_ASSERT_OFFSET(struct hv_message_header, payload_size, 4);
HVLIS_ASSERT_OFFSET(struct hv_message_header, message_flags, 5);
HVLIS_ASSERT_OFFSET(struct hv_message_header, sender, 8);
HVLIS_ASSERT_SIZE(struct hv_message, HV_MESSAGE_SIZE);
HVLIS_ASSERT_OFFSET(struct hv_message, u.payload, 16);
HVLIS_ASSERT_SIZE(struct hv_message_page, HV_SYNIC_MESSAGE_PAGE_SIZE);
HVLIS_ASSERT_SIZE(struct hv_timer_message_payload, 24);
HVLIS_ASSERT_SIZE(union hv_synic_event_flags, HV_EVENT_FLAGS_BYTE_COUNT);

HVLIS_ASSERT_SIZE(struct hv_input_post_message, 256);
HVLIS_ASSERT_OFFSET(struct hv_input_post_message, message_type, 8);
HVLIS_ASSERT_OFFSET(struct hv_input_post_message, payload_size, 12);
HVLIS_ASSERT_OFFSET(struct hv_input_post_message, payload, 16);
HVLIS_ASSERT_SIZE(struct hv_input_signal_event, 8);
HVLIS_ASSERT_OFFSET(struct hv_input_signal_event, flag_number, 4);

HVLIS_ASSERT_SIZE(union hv_monitor_trigger_state, 4);
HVLIS_ASSERT_SIZE(union hv_monitor_trigger_group, 8);
HVLIS_ASSERT_SIZE(struct hv_monitor_parameter, 8);
HVLIS_ASSERT_SIZE(struct hv_monitor_page, HV_HYP_PAGE_SIZE);
HVLIS_ASSERT_OFFSET(struct hv_monitor_page, trigger_group, 0x8);
HVLIS_ASSERT_OFFSET(struct hv_monitor_page, next_checktime, 0x40);
HVLIS_ASSERT_OFFSET(struct hv_monitor_page, latency, 0x240);
HVLIS_ASSERT_OFFSET(struct hv_monitor_page, parameter, 0x440);
HVLIS_ASSERT_OFFSET(struct hv_monitor_page, rsvdz4, 0x840);

#endif /* _HVLIS_SYNIC_H */
