// SPDX-License-Identifier: GPL-2.0-only
/*
 * User memory the host reads and writes: CQ and QP buffers, doorbell
 * records, registered memory.
 *
 * The host works on guest-physical pages, so the pages stay pinned
 * (FOLL_LONGTERM: not in movable zones, not migrated) for as long as the
 * host may touch them, and are counted against the process's
 * RLIMIT_MEMLOCK as the RDMA core counts its umems.  The pages are
 * described to the host by frame number; no DMA mapping is involved
 * (the host is the device, and it sees guest-physical memory).
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "nd.h"

int nd_pin(struct nd_pinned *p, u64 addr, u64 len, bool write)
{
	return nd_pin_max(p, addr, len, write, ND_MAX_PIN_PAGES);
}

int nd_pin_max(struct nd_pinned *p, u64 addr, u64 len, bool write,
	       unsigned long max_pages)
{
	unsigned long first = addr >> PAGE_SHIFT, n, done = 0;
	unsigned int flags = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	int ret;

	memset(p, 0, sizeof(*p));
	if (!len || addr + len < addr || !current->mm)
		return -EINVAL;
	n = ((addr + len - 1) >> PAGE_SHIFT) - first + 1;
	if (n > max_pages)
		return -EINVAL;
	p->pages = kvcalloc(n, sizeof(*p->pages), GFP_KERNEL);
	if (!p->pages)
		return -ENOMEM;
	ret = account_locked_vm(current->mm, n, true);
	if (ret)
		goto err_free;
	while (done < n) {
		ret = pin_user_pages_fast((first + done) << PAGE_SHIFT,
					  min_t(unsigned long, n - done, INT_MAX),
					  flags, p->pages + done);
		if (ret <= 0) {
			ret = ret ?: -EFAULT;
			goto err_unpin;
		}
		done += ret;
	}
	mmgrab(current->mm);
	p->mm = current->mm;
	p->npages = n;
	p->offset = offset_in_page(addr);
	p->length = len;
	p->write = write;
	return 0;

err_unpin:
	unpin_user_pages(p->pages, done);
	account_locked_vm(current->mm, n, false);
err_free:
	kvfree(p->pages);
	p->pages = NULL;
	return ret;
}

void nd_unpin(struct nd_pinned *p)
{
	if (!p->mm)		/* nothing, or kernel memory */
		return;
	/* the host may have written any of them */
	unpin_user_pages_dirty_lock(p->pages, p->npages, p->write);
	account_locked_vm(p->mm, p->npages, false);
	mmdrop(p->mm);
	kvfree(p->pages);
	p->pages = NULL;
	p->mm = NULL;
}

/* a struct gpa_range for @p: the bytes, the first page's offset, frames */
static u32 nd_range_size(const struct nd_pinned *p)
{
	return sizeof(struct nd_gpa_range) + p->npages * sizeof(u64);
}

static void nd_range_fill(void *dst, const struct nd_pinned *p)
{
	struct nd_gpa_range *g = dst;
	unsigned long i;

	g->byte_count = p->length;
	g->byte_offset = p->offset;
	for (i = 0; i < p->npages; i++)
		g->pfn_array[i] = page_to_pfn(p->pages[i]);
}

/*
 * The extended data of a CQ_CREATE or QP_CREATE: a count, one field per
 * range, then the ranges themselves at 8-byte boundaries, field i for
 * mapping i (LIS vmbus_rdma.c, hvnd_create_cq(), hvnd_create_qp()).
 * kfree() it.
 */
void *nd_ext_ranges(const struct nd_pinned *const *ranges, u32 n, u32 *len)
{
	u32 off = sizeof(struct ndv_ext_data) + n * sizeof(struct ndv_pkt_field);
	struct ndv_ext_data *e;
	u32 i, total = off;
	u8 *buf;

	for (i = 0; i < n; i++)
		total += ALIGN(nd_range_size(ranges[i]), 8);
	buf = kzalloc(total, GFP_KERNEL);
	if (!buf)
		return NULL;
	e = (struct ndv_ext_data *)buf;
	e->count = n;
	for (i = 0; i < n; i++) {
		e->fields[i].size = nd_range_size(ranges[i]);
		e->fields[i].offset = off;
		nd_range_fill(buf + off, ranges[i]);
		off += ALIGN(e->fields[i].size, 8);
	}
	*len = total;
	return buf;
}

/*
 * A small object in kernel memory the host writes (the CQ's arm sequence
 * word): described like pinned user memory, without a pin (the memory is
 * the driver's, physically contiguous, and lives as long as the object).
 */
int nd_pin_kernel(struct nd_pinned *p, void *addr, u32 len)
{
	memset(p, 0, sizeof(*p));
	if (offset_in_page(addr) + len > PAGE_SIZE)
		return -EINVAL;
	p->kpage = virt_to_page(addr);
	p->pages = &p->kpage;
	p->npages = 1;
	p->offset = offset_in_page(addr);
	p->length = len;
	return 0;
}
