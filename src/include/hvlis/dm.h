/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dynamic Memory (DM): the protocol on the VMBus channel of class
 * HV_DM_GUID, between the guest's balloon driver (hv_balloon) and the
 * host's DM VSP, which sizes the guest's memory to its demand.
 *
 * Sources: drivers/hv/hv_balloon.c (Linux 6.12, the guest view: message
 * layouts, the version order, what the guest computes) and QEMU's
 * hw/hyperv/hv-balloon.c with include/hw/hyperv/dynmem-proto.h (a host
 * view: states, checks, chunk sizes).  Every field is little-endian; where
 * upstream has C bitfields this header has a plain word and masks.
 *
 * Packets: every message is one VM_PKT_DATA_INBAND packet without a
 * completion request, a struct dm_header then the body; header.size is
 * the whole message.  The guest stamps its messages with an increasing
 * trans_id; the host echoes it in its answers to version and capability
 * messages and uses its own counter for what it starts (balloon, unballoon
 * and hot-add requests; QEMU).  Linux takes messages of up to 4096 bytes.
 *
 * Start-up (guest): VERSION_REQUEST 2.0, then 1.0, then 0.3 (the last with
 * DM_VERSION_LAST_ATTEMPT) until one is accepted; CAPABILITIES_REPORT,
 * accepted; then a STATUS_REPORT about once a second (the host's pressure
 * input: num_committed).  The host then sends, one transaction at a time:
 *   BALLOON_REQUEST n     -> BALLOON_RESPONSE(s) with page ranges given up,
 *                            DM_MORE_PAGES on all but the last
 *   UNBALLOON_REQUEST(s)  -> UNBALLOON_RESPONSE after the last (no
 *                            DM_MORE_PAGES): the ranges are the guest's again
 *   MEM_HOT_ADD_REQUEST   -> MEM_HOT_ADD_RESPONSE: pages now backed
 * "Page" is always a 4 KiB Hyper-V page.
 */
#ifndef _HVLIS_DM_H
#define _HVLIS_DM_H

#include <hvlis/hv_types.h>

/* enum dm_message_type (hv_balloon.c) */
#define DM_ERROR			0
#define DM_VERSION_REQUEST		1	/* guest -> host */
#define DM_VERSION_RESPONSE		2
#define DM_CAPABILITIES_REPORT		3	/* guest -> host */
#define DM_CAPABILITIES_RESPONSE	4
#define DM_STATUS_REPORT		5	/* guest -> host */
#define DM_BALLOON_REQUEST		6
#define DM_BALLOON_RESPONSE		7	/* guest -> host */
#define DM_UNBALLOON_REQUEST		8
#define DM_UNBALLOON_RESPONSE		9	/* guest -> host */
#define DM_MEM_HOT_ADD_REQUEST		10
#define DM_MEM_HOT_ADD_RESPONSE		11	/* guest -> host */
#define DM_INFO_MESSAGE			12	/* protocol 1.0 and later */

/* versions: major << 16 | minor (DYNMEM_MAKE_VERSION) */
#define DM_VERSION(maj, min)	((__u32)(maj) << 16 | (min))
#define DM_VERSION_WIN7		DM_VERSION(0, 3)
#define DM_VERSION_WIN8		DM_VERSION(1, 0)
#define DM_VERSION_WIN10	DM_VERSION(2, 0)
#define DM_VERSION_MAJOR(v)	((v) >> 16)
#define DM_VERSION_MINOR(v)	((v) & 0xffff)

/* the protocol's page: Hyper-V's 4 KiB, whatever the guest's */
#define DM_PAGE_SIZE		4096
#define DM_PAGE_SHIFT		12
/* the largest message Linux receives (its recv_buffer) */
#define DM_MAX_MSG		4096

struct dm_header {
	__u16 type;
	__u16 size;		/* the whole message, this header included */
	__u32 trans_id;
} __packed;

/*
 * A page range (union dm_mem_page_range): bits 0-39 the first page,
 * bits 40-63 the count.
 */
#define DM_RANGE_START_BITS	40
#define DM_RANGE_START_MASK	((1ULL << DM_RANGE_START_BITS) - 1)
#define DM_RANGE_MAX_COUNT	((1U << 24) - 1)
#define DM_RANGE(start, count)	((__u64)(start) | (__u64)(count) << DM_RANGE_START_BITS)
#define DM_RANGE_START(r)	((r) & DM_RANGE_START_MASK)
#define DM_RANGE_COUNT(r)	((__u32)((r) >> DM_RANGE_START_BITS))

struct dm_version_request {
	struct dm_header hdr;
	__u32 version;
	__u32 flags;		/* DM_VERSION_LAST_ATTEMPT */
} __packed;
#define DM_VERSION_LAST_ATTEMPT	0x1

struct dm_version_response {
	struct dm_header hdr;
	__u64 flags;		/* DM_ACCEPTED */
} __packed;
#define DM_ACCEPTED		0x1

/*
 * union dm_caps: bit 0 balloon, bit 1 hot-add, bits 2-5 log2 of the
 * hot-add alignment in MiB
 */
#define DM_CAP_BALLOON		0x1ULL
#define DM_CAP_HOT_ADD		0x2ULL
#define DM_CAP_ALIGN_SHIFT	2
#define DM_CAP_ALIGN_MASK	(0xfULL << DM_CAP_ALIGN_SHIFT)

struct dm_capabilities {
	struct dm_header hdr;
	__u64 caps;
	__u64 min_page_cnt;	/* Linux and Windows send 0 */
	__u64 max_page_number;	/* Linux and Windows send ~0 */
} __packed;

struct dm_capabilities_resp {
	struct dm_header hdr;
	__u64 flags;		/* DM_ACCEPTED */
} __packed;

/* pages, 4 KiB each; the host's pressure input is num_committed */
struct dm_status {
	struct dm_header hdr;
	__u64 num_avail;
	__u64 num_committed;
	__u64 page_file_size;
	__u64 zero_free;
	__u32 page_file_writes;
	__u32 io_diff;
} __packed;

struct dm_balloon {
	struct dm_header hdr;
	__u32 num_pages;
	__u32 reservedz;
} __packed;

/* more_pages is bit 0 of .flags, the range count bits 1-31 */
struct dm_balloon_response {
	struct dm_header hdr;
	__u32 reservedz;
	__u32 flags;
	__u64 range_array[];
} __packed;
#define DM_MORE_PAGES			0x1
#define DM_BALLOON_COUNT_SHIFT		1

/* here more_pages is bit 0 of .flags and the count a whole word */
struct dm_unballoon_request {
	struct dm_header hdr;
	__u32 flags;
	__u32 range_count;
	__u64 range_array[];
} __packed;

struct dm_unballoon_response {
	struct dm_header hdr;
} __packed;

/*
 * Hot-add: the pages to back (range) and, in the 24-byte form every host
 * we know sends, the region of guest physical space they belong to.
 */
struct dm_hot_add {
	struct dm_header hdr;
	__u64 range;
	__u64 region;
} __packed;
#define DM_HOT_ADD_SHORT	(sizeof(struct dm_header) + 8)

/* result 1: done (page_count pages backed); 0: failed, may retry later */
struct dm_hot_add_response {
	struct dm_header hdr;
	__u32 page_count;
	__u32 result;
} __packed;

/* DM_INFO_MESSAGE: entries of struct dm_info_header, then their data */
struct dm_info_msg {
	struct dm_header hdr;
	__u32 reserved;
	__u32 info_size;
} __packed;

struct dm_info_header {
	__u32 type;		/* DM_INFO_MAX_PAGE_CNT */
	__u32 data_size;
} __packed;
#define DM_INFO_MAX_PAGE_CNT	0	/* data: __u64 pages */

HVLIS_ASSERT_SIZE(struct dm_header, 8);
HVLIS_ASSERT_SIZE(struct dm_version_request, 16);
HVLIS_ASSERT_SIZE(struct dm_version_response, 16);
HVLIS_ASSERT_SIZE(struct dm_capabilities, 32);
HVLIS_ASSERT_OFFSET(struct dm_capabilities, max_page_number, 24);
HVLIS_ASSERT_SIZE(struct dm_capabilities_resp, 16);
HVLIS_ASSERT_SIZE(struct dm_status, 48);
HVLIS_ASSERT_OFFSET(struct dm_status, num_committed, 16);
HVLIS_ASSERT_OFFSET(struct dm_status, io_diff, 44);
HVLIS_ASSERT_SIZE(struct dm_balloon, 16);
HVLIS_ASSERT_SIZE(struct dm_balloon_response, 16);
HVLIS_ASSERT_OFFSET(struct dm_balloon_response, flags, 12);
HVLIS_ASSERT_SIZE(struct dm_unballoon_request, 16);
HVLIS_ASSERT_OFFSET(struct dm_unballoon_request, range_count, 12);
HVLIS_ASSERT_SIZE(struct dm_unballoon_response, 8);
HVLIS_ASSERT_SIZE(struct dm_hot_add, 24);
HVLIS_ASSERT_SIZE(struct dm_hot_add_response, 16);
HVLIS_ASSERT_SIZE(struct dm_info_msg, 16);
HVLIS_ASSERT_SIZE(struct dm_info_header, 8);

#endif /* _HVLIS_DM_H */
