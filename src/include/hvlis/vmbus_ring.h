/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus ring buffers and the packets in them.
 *
 * A channel has two rings in one GPADL (see OPENCHANNEL): guest-to-host at
 * page 0 and host-to-guest at downstream_ringbuffer_pageoffset.  Each ring
 * is a 4 KiB control page (struct hv_ring_buffer) followed by the data area;
 * read_index and write_index are byte offsets into the data area.
 *
 * Rules (drivers/hv/ring_buffer.c and channel.c, Linux 6.12):
 *  - A packet is a struct vmpacket_descriptor, its payload, zero padding to
 *    a multiple of 8 bytes (len8 counts all of that in 8-byte units), and
 *    then one u64 trailer holding the packet's start offset (the write_index
 *    before the packet) in its upper 32 bits, lower 32 bits zero.  Readers
 *    skip the trailer: a packet uses len8 * 8 + 8 bytes of ring.
 *  - Packets wrap byte-wise from the end of the data area to its start.
 *  - read_index == write_index means empty, so a writer may never fill the
 *    ring completely: it needs strictly more free bytes than it writes.
 *  - The writer publishes data, then write_index; the reader consumes, then
 *    publishes read_index.  Both indices must be < data size; anything else
 *    is a corrupt ring.
 *  - Signalling: the writer signals the reader only when the ring went from
 *    empty to non-empty and the reader has interrupt_mask clear.  A blocked
 *    writer stores the space it needs in pending_send_sz of the ring it
 *    writes; the reader, if feat_pending_send_sz is set on that ring,
 *    signals once free space grows from <= pending_send_sz to more.
 */
#ifndef _HVLIS_VMBUS_RING_H
#define _HVLIS_VMBUS_RING_H

#include <hvlis/hv_types.h>
#include <hvlis/synic.h>

/*
 * The control page is one 4 KiB hypervisor page whatever the guest page
 * size; a 64 KiB-page guest maps only its first 4 KiB into the GPADL.
 */
#define VMBUS_RING_HEADER_SIZE		HV_HYP_PAGE_SIZE
/* Packet sizes and offsets are in units of 8 bytes. */
#define VMBUS_PKT_ALIGN			8
#define VMBUS_PKT_TRAILER_SIZE		sizeof(__u64)

/*
 * Layout: include/linux/hyperv.h struct hv_ring_buffer (6.12), with the
 * padding fixed at the 4 KiB hypervisor page instead of PAGE_SIZE.
 */
struct hv_ring_buffer {
	__u32 write_index;		/* written by the producer only */
	__u32 read_index;		/* written by the consumer only */
	__u32 interrupt_mask;		/* consumer: "do not signal me" */
	__u32 pending_send_sz;		/* producer: bytes it waits for */
	__u32 reserved1[12];
	union {
		struct {
			/* WS2012+: pending_send_sz is honoured */
			__u32 feat_pending_send_sz:1;
		};
		__u32 value;
	} feature_bits;
	__u8 reserved2[VMBUS_RING_HEADER_SIZE - 68];
	__u8 buffer[];			/* the data area */
} __packed;

#define VMBUS_RING_FEAT_PENDING_SEND_SZ	0x1	/* feature_bits.value bit */

/* Values: include/linux/hyperv.h enum vmbus_packet_type (6.12) */
enum vmbus_packet_type {
	VM_PKT_INVALID				= 0x0,
	VM_PKT_SYNCH				= 0x1,
	VM_PKT_ADD_XFER_PAGESET			= 0x2,
	VM_PKT_RM_XFER_PAGESET			= 0x3,
	VM_PKT_ESTABLISH_GPADL			= 0x4,
	VM_PKT_TEARDOWN_GPADL			= 0x5,
	VM_PKT_DATA_INBAND			= 0x6,
	VM_PKT_DATA_USING_XFER_PAGES		= 0x7,
	VM_PKT_DATA_USING_GPADL			= 0x8,
	VM_PKT_DATA_USING_GPA_DIRECT		= 0x9,
	VM_PKT_CANCEL_REQUEST			= 0xa,
	VM_PKT_COMP				= 0xb,
	VM_PKT_DATA_USING_ADDITIONAL_PKT	= 0xc,
	VM_PKT_ADDITIONAL_DATA			= 0xd
};

/* vmpacket_descriptor.flags: the sender wants a VM_PKT_COMP back */
#define VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED	1

/*
 * Every packet starts with this.  offset8: where the payload starts,
 * len8: total packet length without the trailer, both in 8-byte units and
 * counted from the start of the descriptor.  trans_id is echoed in the
 * completion.
 * Layout: include/linux/hyperv.h struct vmpacket_descriptor (6.12).
 */
struct vmpacket_descriptor {
	__u16 type;			/* enum vmbus_packet_type */
	__u16 offset8;
	__u16 len8;
	__u16 flags;
	__u64 trans_id;
} __packed;

/* Layout: include/linux/hyperv.h struct vmtransfer_page_range (6.12) */
struct vmtransfer_page_range {
	__u32 byte_count;
	__u32 byte_offset;		/* into the transfer page set */
} __packed;

/*
 * VM_PKT_DATA_USING_XFER_PAGES: data lives in a transfer page set (a GPADL
 * the guest registered earlier, e.g. netvsc's receive buffer).
 * Layout: include/linux/hyperv.h struct vmtransfer_page_packet_header (6.12).
 */
struct vmtransfer_page_packet_header {
	struct vmpacket_descriptor d;
	__u16 xfer_pageset_id;
	__u8 sender_owns_set;
	__u8 reserved;
	__u32 range_cnt;
	struct vmtransfer_page_range ranges[];
} __packed;

/*
 * VM_PKT_DATA_USING_GPA_DIRECT: a list of gpa_range entries (each with its
 * PFNs) follows, then the in-band payload at offset8.  Upstream declares
 * range[1]; here it is a flexible array, so sizeof() is the fixed part.
 * Layout: include/linux/hyperv.h struct vmdata_gpa_direct (6.12).
 */
struct vmdata_gpa_direct {
	struct vmpacket_descriptor d;
	__u32 reserved;
	__u32 range_cnt;
	__u8 range[];			/* struct gpa_range, variable size */
} __packed;

/* Page-buffer packets, as Linux builds them (include/linux/hyperv.h 6.12) */
#define MAX_PAGE_BUFFER_COUNT		32
#define MAX_MULTIPAGE_BUFFER_COUNT	32	/* 128 KiB */

/* One page fragment.  Layout: include/linux/hyperv.h hv_page_buffer (6.12) */
struct hv_page_buffer {
	__u32 len;
	__u32 offset;			/* into the page */
	__u64 pfn;
} __packed;

/*
 * A range of up to 32 pages.
 * Layout: include/linux/hyperv.h struct hv_multipage_buffer (6.12).
 */
struct hv_multipage_buffer {
	__u32 len;
	__u32 offset;
	__u64 pfn_array[MAX_MULTIPAGE_BUFFER_COUNT];
} __packed;

/*
 * A range whose page count follows from len and offset; same shape as
 * struct gpa_range.  Layout: include/linux/hyperv.h hv_mpb_array (6.12).
 */
struct hv_mpb_array {
	__u32 len;
	__u32 offset;
	__u64 pfn_array[];
} __packed;

/*
 * The following three are VM_PKT_DATA_USING_GPA_DIRECT packets with the
 * descriptor fields spelled out, as upstream has them.
 * Layout: include/linux/hyperv.h vmbus_channel_packet_page_buffer (6.12).
 */
struct vmbus_channel_packet_page_buffer {
	__u16 type;
	__u16 dataoffset8;
	__u16 length8;
	__u16 flags;
	__u64 transactionid;
	__u32 reserved;
	__u32 rangecount;
	struct hv_page_buffer range[MAX_PAGE_BUFFER_COUNT];
} __packed;

/* Layout: include/linux/hyperv.h vmbus_channel_packet_multipage_buffer */
struct vmbus_channel_packet_multipage_buffer {
	__u16 type;
	__u16 dataoffset8;
	__u16 length8;
	__u16 flags;
	__u64 transactionid;
	__u32 reserved;
	__u32 rangecount;		/* always 1 */
	struct hv_multipage_buffer range;
} __packed;

/* Layout: include/linux/hyperv.h struct vmbus_packet_mpb_array (6.12) */
struct vmbus_packet_mpb_array {
	__u16 type;
	__u16 dataoffset8;
	__u16 length8;
	__u16 flags;
	__u64 transactionid;
	__u32 reserved;
	__u32 rangecount;		/* always 1 */
	struct hv_mpb_array range;
} __packed;

/* Pure helpers for wire arithmetic */

/* @len rounded up to the 8-byte packet granularity */
static inline __u32 vmbus_pkt_align(__u32 len)
{
	return (len + (VMBUS_PKT_ALIGN - 1)) & ~(__u32)(VMBUS_PKT_ALIGN - 1);
}

/*
 * Ring bytes used by a packet whose descriptor + payload is @len bytes:
 * padding plus the 8-byte trailer.
 */
static inline __u32 vmbus_pkt_ring_bytes(__u32 len)
{
	return vmbus_pkt_align(len) + VMBUS_PKT_TRAILER_SIZE;
}

/* The trailer value written after a packet that started at @start */
static inline __u64 vmbus_pkt_trailer(__u32 start)
{
	return (__u64)start << 32;
}

/* Byte offset of the payload from the start of the descriptor */
static inline __u32 vmpacket_data_offset(const struct vmpacket_descriptor *d)
{
	return (__u32)d->offset8 << 3;
}

/* Packet length without the trailer */
static inline __u32 vmpacket_total_len(const struct vmpacket_descriptor *d)
{
	return (__u32)d->len8 << 3;
}

/*
 * Payload length; only meaningful once offset8 <= len8 has been checked
 * (a host-written descriptor must be validated before use).
 */
static inline __u32 vmpacket_data_len(const struct vmpacket_descriptor *d)
{
	return ((__u32)d->len8 - d->offset8) << 3;
}

/* Bytes readable in a ring of @size data bytes (indices already checked) */
static inline __u32 vmbus_ring_bytes_to_read(__u32 read, __u32 write,
					     __u32 size)
{
	return write >= read ? write - read : size - read + write;
}

/* Free bytes; a writer needs strictly more than it writes (see above). */
static inline __u32 vmbus_ring_bytes_to_write(__u32 read, __u32 write,
					      __u32 size)
{
	return size - vmbus_ring_bytes_to_read(read, write, size);
}

HVLIS_ASSERT_SIZE(struct hv_ring_buffer, VMBUS_RING_HEADER_SIZE);
HVLIS_ASSERT_OFFSET(struct hv_ring_buffer, read_index, 4);
HVLIS_ASSERT_OFFSET(struct hv_ring_buffer, interrupt_mask, 8);
HVLIS_ASSERT_OFFSET(struct hv_ring_buffer, pending_send_sz, 12);
HVLIS_ASSERT_OFFSET(struct hv_ring_buffer, feature_bits, 64);
HVLIS_ASSERT_OFFSET(struct hv_ring_buffer, buffer, 4096);
HVLIS_ASSERT_SIZE(struct vmpacket_descriptor, 16);
HVLIS_ASSERT_OFFSET(struct vmpacket_descriptor, len8, 4);
HVLIS_ASSERT_OFFSET(struct vmpacket_descriptor, trans_id, 8);
HVLIS_ASSERT_SIZE(struct vmtransfer_page_range, 8);
HVLIS_ASSERT_SIZE(struct vmtransfer_page_packet_header, 24);
HVLIS_ASSERT_OFFSET(struct vmtransfer_page_packet_header, range_cnt, 20);
HVLIS_ASSERT_SIZE(struct vmdata_gpa_direct, 24);
HVLIS_ASSERT_SIZE(struct hv_page_buffer, 16);
HVLIS_ASSERT_SIZE(struct hv_multipage_buffer, 264);
HVLIS_ASSERT_SIZE(struct hv_mpb_array, 8);
/* upstream MAX_PAGE_BUFFER_PACKET: 0x18 + 32 page buffers */
HVLIS_ASSERT_SIZE(struct vmbus_channel_packet_page_buffer,
		  0x18 + 16 * MAX_PAGE_BUFFER_COUNT);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_packet_page_buffer, transactionid, 8);
HVLIS_ASSERT_OFFSET(struct vmbus_channel_packet_page_buffer, range, 24);
HVLIS_ASSERT_SIZE(struct vmbus_channel_packet_multipage_buffer, 0x18 + 264);
HVLIS_ASSERT_SIZE(struct vmbus_packet_mpb_array, 32);
HVLIS_ASSERT_OFFSET(struct vmbus_packet_mpb_array, range, 24);

#endif /* _HVLIS_VMBUS_RING_H */
