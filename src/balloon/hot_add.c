// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hot-add: memory the host gives the guest beyond what it booted with
 * (DM_MEM_HOT_ADD_REQUEST), as upstream's hv_balloon.c (Linux 6.12,
 * hot_add_req(), process_hot_add(), handle_pg_range(), hv_mem_hot_add(),
 * hv_online_page()) serves it:
 *
 * - The request names a page range the host now backs and, in its long
 *   form, the region of guest physical space it belongs to; in the short
 *   form (or with an empty region) the region is the range rounded out
 *   to whole memory blocks.  Linux adds memory a memory block at a time
 *   (add_memory()), so a region must start and end on block boundaries.
 * - Blocks are added as the backed pages reach into them; the kernel (or
 *   udev, or the administrator) onlines each block, and this driver's
 *   online_page callback lets only the pages the host backs into the
 *   allocator.  The rest of the block is held back, offline, until a later
 *   request backs it; then it is freed into the allocator here.
 * - The answer counts the pages backed in added memory; result 1 unless
 *   nothing could be added and a retry might work (upstream's rules).
 *
 * The host is not trusted.  A range outside its region, a region that is
 * not block-aligned, overlaps the guest's boot memory or another region
 * only in part, or pages backed twice: the request is refused (0 pages,
 * result 0) with a rate-limited line, and nothing is added.
 *
 * Memory once added stays: Linux cannot give it back while held-back
 * pages are in it, so the module pins itself (it can no longer be
 * unloaded) the first time it adds memory, as upstream's cannot be.
 */
#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "balloon.h"

bool dm_hot_add_param = true;
module_param_named(hot_add, dm_hot_add_param, bool, 0444);
MODULE_PARM_DESC(hot_add, "Serve the host's hot-add requests (memory hotplug)");

#ifdef CONFIG_MEMORY_HOTPLUG

#define DM_PER_PAGE		(PAGE_SIZE / DM_PAGE_SIZE)
#define DM_ONLINE_WAIT		(5 * HZ)
/* regions a host may announce (Hyper-V announces one or a few) */
#define DM_MAX_REGIONS		64

/* a run of pages the host backs, [start, end) in kernel pfns */
struct dm_ha_range {
	struct list_head list;
	unsigned long start, end;
};

/* a region the host announced, [start, end); added up to added_end */
struct dm_ha_region {
	struct list_head list;
	unsigned long start, end, added_end;
	struct list_head backed;	/* struct dm_ha_range, sorted */
};

/* the one device whose regions the online callback serves */
static struct dm_device *dm_ha_owner;

static unsigned long dm_block_pages(void)
{
	return memory_block_size_bytes() >> PAGE_SHIFT;
}

static bool dm_backed(const struct dm_ha_region *r, unsigned long pfn)
{
	const struct dm_ha_range *b;

	list_for_each_entry(b, &r->backed, list)
		if (pfn >= b->start && pfn < b->end)
			return true;
	return false;
}

static struct dm_ha_region *dm_region_of(struct dm_device *dm,
					 unsigned long pfn, unsigned long n)
{
	struct dm_ha_region *r;

	/* pfn < end first: end - pfn must not wrap for a pfn past the region */
	list_for_each_entry(r, &dm->ha_regions, list)
		if (pfn >= r->start && pfn < r->end && n <= r->end - pfn)
			return r;
	return NULL;
}

/*
 * The kernel onlines a block: backed pages go to the allocator, the rest
 * is held back (offline).  Pages of no region of ours (memory someone else
 * added) are onlined as the kernel would.
 */
static void dm_online_page(struct page *pg, unsigned int order)
{
	struct dm_device *dm = READ_ONCE(dm_ha_owner);
	unsigned long pfn = page_to_pfn(pg), i, flags;
	struct dm_ha_region *r;

	if (!dm) {
		generic_online_page(pg, order);
		return;
	}
	spin_lock_irqsave(&dm->ha_lock, flags);
	r = dm_region_of(dm, pfn, 1UL << order);
	if (!r) {
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		generic_online_page(pg, order);
		return;
	}
	for (i = 0; i < (1UL << order); i++) {
		if (dm_backed(r, pfn + i)) {
			generic_online_page(pg + i, 0);
			dm->pages_onlined++;
		} else if (!PageOffline(pg + i)) {
			__SetPageOffline(pg + i);
		}
	}
	spin_unlock_irqrestore(&dm->ha_lock, flags);
}

/*
 * A held-back page the host backs now: into the allocator.  The kernel
 * never freed it (its count is still 1, it may still be marked reserved
 * from the memmap's initialization, and it never counted in MemTotal), so
 * it is freed here as a ballooned page is.
 */
static void dm_release_held(struct dm_device *dm, struct page *pg)
{
	__ClearPageReserved(pg);
	__ClearPageOffline(pg);
	adjust_managed_page_count(pg, 1);
	__free_page(pg);
	dm->pages_onlined++;
}

/* backed pages [start, end) join the region's list, merged with neighbours */
static int dm_mark_backed(struct dm_ha_region *r, unsigned long start,
			  unsigned long end)
{
	struct dm_ha_range *b, *n;

	list_for_each_entry(b, &r->backed, list) {
		if (b->end == start) {
			b->end = end;
			n = list_next_entry(b, list);
			if (&n->list != &r->backed && n->start == end) {
				b->end = n->end;
				list_del(&n->list);
				kfree(n);
			}
			return 0;
		}
		if (b->start == end) {
			b->start = start;
			return 0;
		}
		if (b->start > end)
			break;
	}
	n = kmalloc(sizeof(*n), GFP_ATOMIC);
	if (!n)
		return -ENOMEM;
	n->start = start;
	n->end = end;
	list_add_tail(&n->list, &b->list);
	return 0;
}

/*
 * [start, end) is backed no more.  It is the tail of the run the failed
 * request marked (nothing is backed beyond the added blocks), so that run
 * shrinks or goes.
 */
static void dm_unmark_backed(struct dm_ha_region *r, unsigned long start,
			     unsigned long end)
{
	struct dm_ha_range *b;

	list_for_each_entry(b, &r->backed, list) {
		if (start < b->start || end != b->end)
			continue;
		if (start == b->start) {
			list_del(&b->list);
			kfree(b);
		} else {
			b->end = start;
		}
		return;
	}
}

static bool dm_any_backed(const struct dm_ha_region *r, unsigned long start,
			  unsigned long end)
{
	const struct dm_ha_range *b;

	list_for_each_entry(b, &r->backed, list)
		if (b->start < end && start < b->end)
			return true;
	return false;
}

/*
 * The region for a request: an existing one that holds the range, or a
 * new one if it is sane.  NULL (with @why) if the request is refused.
 */
static struct dm_ha_region *dm_region_for(struct dm_device *dm,
					  unsigned long pfn, unsigned long n,
					  unsigned long rs, unsigned long rn,
					  const char **why)
{
	unsigned long block = dm_block_pages(), flags;
	struct dm_ha_region *r, *o;

	spin_lock_irqsave(&dm->ha_lock, flags);
	r = dm_region_of(dm, pfn, n);
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	if (r) {
		if (rn && (rs != r->start || rn != r->end - r->start)) {
			*why = "a region that differs from the one announced";
			return NULL;
		}
		return r;
	}
	if (!rn) {
		rs = ALIGN_DOWN(pfn, block);
		rn = ALIGN(pfn + n, block) - rs;
	}
	if (pfn < rs || n > rs + rn - pfn) {
		*why = "a range outside its region";
		return NULL;
	}
	if (rs % block || rn % block) {
		*why = "a region that is not made of whole memory blocks";
		return NULL;
	}
	if (region_intersects(PFN_PHYS(rs), PFN_PHYS(rn), IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		*why = "a region over memory the guest has";
		return NULL;
	}
	list_for_each_entry(o, &dm->ha_regions, list) {
		if (o->start < rs + rn && rs < o->end) {
			*why = "a region overlapping another";
			return NULL;
		}
	}
	if (dm->ha_nregions >= DM_MAX_REGIONS) {
		*why = "too many regions";
		return NULL;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		*why = "no memory for the region";
		return NULL;
	}
	r->start = rs;
	r->end = rs + rn;
	r->added_end = rs;
	INIT_LIST_HEAD(&r->backed);
	spin_lock_irqsave(&dm->ha_lock, flags);
	list_add_tail(&r->list, &dm->ha_regions);
	dm->ha_nregions++;
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	return r;
}

/* add memory blocks from the region's added_end until @to; false on failure */
static bool dm_add_blocks(struct dm_device *dm, struct dm_ha_region *r,
			  unsigned long to)
{
	unsigned long block = dm_block_pages(), flags;
	int nid, ret;

	while (r->added_end < to) {
		reinit_completion(&dm->ol_done);
		/* the callback must see the block as ours when it is onlined */
		spin_lock_irqsave(&dm->ha_lock, flags);
		r->added_end += block;
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		nid = memory_add_physaddr_to_nid(PFN_PHYS(r->added_end - block));
		ret = add_memory(nid, PFN_PHYS(r->added_end - block),
				 PFN_PHYS(block), MHP_MERGE_RESOURCE);
		if (ret) {
			spin_lock_irqsave(&dm->ha_lock, flags);
			r->added_end -= block;
			spin_unlock_irqrestore(&dm->ha_lock, flags);
			dev_err_ratelimited(&dm->hdev->device, "adding memory at 0x%llx failed (%d)\n",
					    (u64)PFN_PHYS(r->added_end), ret);
			/* the memory map has no room: stop trying (upstream) */
			if (ret == -EEXIST)
				dm->ha_disabled = true;
			return false;
		}
		if (!dm->ha_pinned) {
			__module_get(THIS_MODULE);
			dm->ha_pinned = true;
		}
		/*
		 * Give whoever onlines blocks (the kernel, udev, a person)
		 * time to do it before the next, as upstream does; added
		 * memory that stays offline still counts as added.
		 */
		wait_for_completion_timeout(&dm->ol_done, DM_ONLINE_WAIT);
	}
	return true;
}

/* serve one request: the pages backed in added memory (kernel pages) */
static unsigned long dm_hot_add_range(struct dm_device *dm,
				      unsigned long pfn, unsigned long n,
				      unsigned long rs, unsigned long rn)
{
	struct device *dev = &dm->hdev->device;
	struct dm_ha_region *r;
	const char *why = NULL;
	unsigned long i, got, flags, held_end;
	int ret;

	if (!n || pfn + n < pfn || rs + rn < rs) {
		why = "an empty or wrapping range";
		goto refuse;
	}
	r = dm_region_for(dm, pfn, n, rs, rn, &why);
	if (!r)
		goto refuse;
	spin_lock_irqsave(&dm->ha_lock, flags);
	if (dm_any_backed(r, pfn, pfn + n)) {
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		why = "pages it backed before";
		goto refuse;
	}
	ret = dm_mark_backed(r, pfn, pfn + n);
	held_end = min(pfn + n, r->added_end);
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	if (ret) {
		why = "no memory to record the range";
		goto refuse;
	}
	/* pages held back in blocks that are there already: online now */
	for (i = pfn; i < held_end; i++) {
		struct page *pg = pfn_to_online_page(i);

		if (pg && PageOffline(pg) && page_private(pg) != (unsigned long)dm)
			dm_release_held(dm, pg);
	}
	if (!dm_add_blocks(dm, r, pfn + n)) {
		/* what lies beyond the added blocks is not backed after all */
		spin_lock_irqsave(&dm->ha_lock, flags);
		if (r->added_end < pfn + n)
			dm_unmark_backed(r, max(pfn, r->added_end), pfn + n);
		spin_unlock_irqrestore(&dm->ha_lock, flags);
	}
	got = min(pfn + n, r->added_end) - pfn;
	if (pfn >= r->added_end)
		got = 0;
	dm->pages_added += got;
	return got;

refuse:
	dev_err_ratelimited(dev, "hot-add of pages 0x%lx+%lu refused: %s\n",
			    pfn, n, why);
	dm->ha_refused++;
	return 0;
}

void dm_hot_add(struct dm_device *dm, const struct dm_hot_add *req, u16 size)
{
	struct dm_hot_add_response resp = { };
	u64 pfn = DM_RANGE_START(req->range), n = DM_RANGE_COUNT(req->range);
	u64 rs = 0, rn = 0;
	unsigned long got = 0;
	int ret;

	if (size >= sizeof(*req)) {
		rs = DM_RANGE_START(req->region);
		rn = DM_RANGE_COUNT(req->region);
	}
	dm->ha_requests++;
	if (dm->ha_disabled || dm_ha_owner != dm) {
		dev_warn_ratelimited(&dm->hdev->device, "the host offers memory; hot-add is off\n");
	} else if (pfn % DM_PER_PAGE || n % DM_PER_PAGE || rs % DM_PER_PAGE ||
		   rn % DM_PER_PAGE) {
		dev_err_ratelimited(&dm->hdev->device, "hot-add of pages not aligned to the guest's pages refused\n");
		dm->ha_refused++;
	} else {
		got = dm_hot_add_range(dm, pfn / DM_PER_PAGE, n / DM_PER_PAGE,
				       rs / DM_PER_PAGE, rn / DM_PER_PAGE);
	}
	/*
	 * Upstream's rules: pages added, or hot-add turned off for good,
	 * say 1; nothing added but worth a retry says 0.
	 */
	resp.page_count = got * DM_PER_PAGE;
	resp.result = got || dm->ha_disabled || dm_ha_owner != dm;
	ret = dm_send(dm, &resp, DM_MEM_HOT_ADD_RESPONSE, sizeof(resp));
	if (ret)
		dev_err_ratelimited(&dm->hdev->device, "hot-add answer not sent (%d)\n", ret);
}

static int dm_memory_event(struct notifier_block *nb, unsigned long action,
			   void *arg)
{
	struct dm_device *dm = container_of(nb, struct dm_device, ha_nb);
	struct memory_notify *mn = arg;
	unsigned long i, n = 0, flags;
	struct dm_ha_region *r;

	switch (action) {
	case MEM_ONLINE:
	case MEM_CANCEL_ONLINE:
		complete(&dm->ol_done);
		break;
	case MEM_OFFLINE:
		/* the backed pages of an offlined block are no longer online */
		spin_lock_irqsave(&dm->ha_lock, flags);
		for (i = mn->start_pfn; i < mn->start_pfn + mn->nr_pages; i++) {
			r = dm_region_of(dm, i, 1);
			if (r && dm_backed(r, i))
				n++;
		}
		dm->pages_onlined -= min(n, dm->pages_onlined);
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		break;
	}
	return NOTIFY_OK;
}

/* hot-add served only where memory hotplug is and one device owns it */
bool dm_hot_add_init(struct dm_device *dm)
{
	INIT_LIST_HEAD(&dm->ha_regions);
	spin_lock_init(&dm->ha_lock);
	init_completion(&dm->ol_done);
	if (!dm_hot_add_param)
		return false;
	dm->ha_nb.notifier_call = dm_memory_event;
	if (register_memory_notifier(&dm->ha_nb))
		return false;
	if (cmpxchg(&dm_ha_owner, NULL, dm)) {
		unregister_memory_notifier(&dm->ha_nb);
		return false;
	}
	if (set_online_page_callback(dm_online_page)) {
		WRITE_ONCE(dm_ha_owner, NULL);
		unregister_memory_notifier(&dm->ha_nb);
		dev_info(&dm->hdev->device, "another driver onlines hot-added memory: hot-add is off\n");
		return false;
	}
	return true;
}

/* only reached when nothing was added (otherwise the module is pinned) */
void dm_hot_add_exit(struct dm_device *dm)
{
	struct dm_ha_region *r, *tr;
	struct dm_ha_range *b, *tb;

	if (READ_ONCE(dm_ha_owner) == dm) {
		restore_online_page_callback(dm_online_page);
		unregister_memory_notifier(&dm->ha_nb);
		WRITE_ONCE(dm_ha_owner, NULL);
	}
	list_for_each_entry_safe(r, tr, &dm->ha_regions, list) {
		list_for_each_entry_safe(b, tb, &r->backed, list)
			kfree(b);
		kfree(r);
	}
}

#else /* !CONFIG_MEMORY_HOTPLUG */

void dm_hot_add(struct dm_device *dm, const struct dm_hot_add *req, u16 size)
{
	struct dm_hot_add_response resp = { .result = 1 };

	/* a permanent "no", as upstream without memory hotplug */
	dm->ha_requests++;
	dm_send(dm, &resp, DM_MEM_HOT_ADD_RESPONSE, sizeof(resp));
}

bool dm_hot_add_init(struct dm_device *dm)
{
	return false;
}

void dm_hot_add_exit(struct dm_device *dm)
{
}

#endif /* CONFIG_MEMORY_HOTPLUG */
