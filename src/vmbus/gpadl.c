// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPADLs: lists of guest pages the host may map, named by a handle the
 * guest picks.  One GPADL_HEADER message carries the first PFNs, as many
 * GPADL_BODY messages as needed carry the rest; the host answers with
 * GPADL_CREATED.  Layouts: hvlis/vmbus_msg.h.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <hvlis/synic.h>
#include "hyperv_vmbus.h"
#include "trace.h"

static atomic_t next_gpadl_handle = ATOMIC_INIT(0xe1e10);

static u64 buffer_pfn(void *kbuffer, u32 page)
{
	void *p = kbuffer + (size_t)page * PAGE_SIZE;

	return is_vmalloc_addr(p) ? vmalloc_to_pfn(p) : PHYS_PFN(virt_to_phys(p));
}

int vmbus_establish_gpadl(struct vmbus_channel *chan, void *kbuffer, u32 size,
			  struct vmbus_gpadl *gpadl)
{
	u32 pages = size >> PAGE_SHIFT, done, n, i, msgnum = 0;
	struct vmbus_channel_gpadl_header *hdr;
	struct vmbus_channel_gpadl_created *created;
	struct gpa_range range;
	struct vmbus_msginfo *info;
	u8 buf[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
	u32 handle;
	u64 pfn;
	int ret;

	if (!size || size & ~PAGE_MASK || !PAGE_ALIGNED(kbuffer))
		return -EINVAL;
	/* range_buflen, 16 bits on the wire, counts the range and its PFNs */
	if ((u64)pages * sizeof(u64) + sizeof(range) > U16_MAX)
		return -E2BIG;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	handle = atomic_inc_return(&next_gpadl_handle);
	vmbus_msginfo_init(info, CHANNELMSG_GPADL_CREATED, handle);
	info->chan = chan;
	vmbus_msginfo_add(info);

	memset(buf, 0, sizeof(buf));
	hdr = (void *)buf;
	hdr->header.msgtype = CHANNELMSG_GPADL_HEADER;
	hdr->child_relid = chan->offermsg.child_relid;
	hdr->gpadl = handle;
	hdr->rangecount = 1;
	hdr->range_buflen = sizeof(range) + pages * sizeof(u64);
	range.byte_count = size;
	range.byte_offset = 0;
	memcpy(hdr->range, &range, sizeof(range));
	n = min_t(u32, pages, VMBUS_GPADL_HEADER_MAX_PFNS);
	for (i = 0; i < n; i++) {
		pfn = buffer_pfn(kbuffer, i);
		/* PFNs sit at an offset that is not 8-byte aligned */
		memcpy(buf + VMBUS_GPADL_HEADER_PFN_OFFSET + i * sizeof(u64),
		       &pfn, sizeof(pfn));
	}
	ret = vmbus_post_msg(buf, VMBUS_GPADL_HEADER_PFN_OFFSET + n * sizeof(u64),
			     true);

	for (done = n; !ret && done < pages; done += n) {
		struct vmbus_channel_gpadl_body *body = (void *)buf;

		n = min_t(u32, pages - done, VMBUS_GPADL_BODY_MAX_PFNS);
		memset(buf, 0, sizeof(*body));
		body->header.msgtype = CHANNELMSG_GPADL_BODY;
		body->msgnumber = ++msgnum;
		body->gpadl = handle;
		for (i = 0; i < n; i++)
			body->pfn[i] = buffer_pfn(kbuffer, done + i);
		ret = vmbus_post_msg(buf, sizeof(*body) + n * sizeof(u64), true);
	}
	if (!ret)
		ret = vmbus_msginfo_wait_chan(info, chan);
	vmbus_msginfo_del(info);
	if (!ret) {
		created = (void *)info->resp;
		if (created->creation_status) {
			dev_err_ratelimited(vmbus_chan_device(chan),
					    "host refused GPADL of %u pages: status %#x\n",
					    pages, created->creation_status);
			ret = -EIO;
		}
	}
	kfree(info);
	trace_vmbus_establish_gpadl_header(chan->offermsg.child_relid, handle,
					   pages, ret);
	if (ret)
		return ret;
	gpadl->gpadl_handle = handle;
	gpadl->buffer = kbuffer;
	gpadl->size = size;
	return 0;
}
EXPORT_SYMBOL_GPL(vmbus_establish_gpadl);

int vmbus_teardown_gpadl(struct vmbus_channel *chan, struct vmbus_gpadl *gpadl)
{
	struct vmbus_channel_gpadl_teardown msg = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN,
		.child_relid = chan->offermsg.child_relid,
		.gpadl = gpadl->gpadl_handle,
	};
	struct vmbus_msginfo *info;
	int ret;

	if (!gpadl->gpadl_handle)
		return 0;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	vmbus_msginfo_init(info, CHANNELMSG_GPADL_TORNDOWN, gpadl->gpadl_handle);
	info->chan = chan;
	vmbus_msginfo_add(info);
	/* After a rescind the host has dropped the GPADL already. */
	ret = READ_ONCE(chan->rescind) ? 0 : vmbus_post_msg(&msg, sizeof(msg), true);
	if (!ret && !READ_ONCE(chan->rescind))
		ret = vmbus_msginfo_wait_chan(info, chan);
	vmbus_msginfo_del(info);
	kfree(info);
	trace_vmbus_teardown_gpadl(msg.child_relid, msg.gpadl,
				   gpadl->size >> PAGE_SHIFT, ret);
	gpadl->gpadl_handle = 0;
	return ret == -ENODEV ? 0 : ret;
}
EXPORT_SYMBOL_GPL(vmbus_teardown_gpadl);
