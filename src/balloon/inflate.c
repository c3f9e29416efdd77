// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ballooning: memory the host asks back (DM_BALLOON_REQUEST) and gives
 * back (DM_UNBALLOON_REQUEST), as upstream's hv_balloon.c (Linux 6.12,
 * balloon_up() and balloon_down()) does it:
 *
 * - Balloon up: never below the floor.  The guest gives at most what it
 *   has available (MemAvailable) above compute_balloon_floor(), so a
 *   request larger than that is answered partly and no workload within
 *   its minimum is OOM-killed; the allocations themselves never reclaim
 *   hard or call the OOM killer (__GFP_NORETRY).  Pages go 2 MiB at a
 *   time while the allocator has such blocks, then one at a time.  Each
 *   page leaves MemTotal (adjust_managed_page_count) and is marked
 *   offline, as upstream does, so that dumps and /proc/kcore skip it.
 *   The answer is one or more DM_BALLOON_RESPONSEs of at most 510
 *   ranges (a 4 KiB message), all but the last flagged DM_MORE_PAGES.
 *
 * - Balloon down: the host names ranges.  Upstream frees whatever pfn
 *   the host names; here a page is freed only if it is one this device
 *   ballooned (offline, and its page->private is this device's cookie),
 *   and a range is freed whole or not at all.  The answer follows the
 *   host's last message (no DM_MORE_PAGES).
 *
 * Both run in one work item, with hot-add (hot_add.c), in the order the
 * messages came: the requests are copied out of the channel callback
 * (which cannot sleep or allocate much) into dm->pending.
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/slab.h>
#include <linux/sizes.h>

#include "balloon.h"

/* protocol pages (4 KiB) per kernel page */
#define DM_PER_PAGE		(PAGE_SIZE / DM_PAGE_SIZE)
/* the allocation unit while 2 MiB blocks last */
#define DM_BIG_ORDER		get_order(SZ_2M)
/* ranges in one 4 KiB balloon response (upstream: 510) */
#define DM_RESP_RANGES		((DM_PAGE_SIZE - sizeof(struct dm_balloon_response)) / \
				 sizeof(__u64))
/* a full ring: retry the send for up to a second, then give up */
#define DM_SEND_TRIES		50

struct dm_pending {
	struct list_head list;
	u16 size;
	u8 msg[] __aligned(8);
};

/* queue a copy of a host request for the work item (any context) */
void dm_queue_request(struct dm_device *dm, const struct dm_header *hdr)
{
	struct dm_pending *p;
	unsigned long flags;

	p = kmalloc(struct_size(p, msg, hdr->size), GFP_ATOMIC);
	if (!p) {
		/*
		 * Not served, but answered, so the host's transaction ends:
		 * nothing given up, or the unballoon taken as done (its
		 * pages stay in the balloon, where a later one finds them).
		 */
		if (hdr->type == DM_BALLOON_REQUEST) {
			struct dm_balloon_response none = { };

			dm_send(dm, &none, DM_BALLOON_RESPONSE, sizeof(none));
		} else if (hdr->type == DM_MEM_HOT_ADD_REQUEST) {
			struct dm_hot_add_response none = { };

			/* nothing added, may retry */
			dm_send(dm, &none, DM_MEM_HOT_ADD_RESPONSE, sizeof(none));
		} else if (!(((const struct dm_unballoon_request *)hdr)->flags &
			     DM_MORE_PAGES)) {
			struct dm_unballoon_response done = { };

			dm_send(dm, &done, DM_UNBALLOON_RESPONSE, sizeof(done));
		}
		return;
	}
	p->size = hdr->size;
	memcpy(p->msg, hdr, hdr->size);
	spin_lock_irqsave(&dm->pending_lock, flags);
	if (dm->closing) {
		kfree(p);
	} else {
		list_add_tail(&p->list, &dm->pending);
		queue_work(system_freezable_wq, &dm->balloon_work);
	}
	spin_unlock_irqrestore(&dm->pending_lock, flags);
}

/* send, retrying while the ring is full (a bounded wait, not a hang) */
static int dm_send_retry(struct dm_device *dm, void *msg, u16 type, u16 size)
{
	int i, ret = -EAGAIN;

	for (i = 0; i < DM_SEND_TRIES && ret == -EAGAIN; i++) {
		ret = dm_send(dm, msg, type, size);
		if (ret == -EAGAIN)
			msleep(20);
	}
	return ret;
}

static void dm_page_out(struct dm_device *dm, struct page *pg)
{
	unsigned long pfn = page_to_pfn(pg);

	if (!dm->pages_ballooned || pfn < dm->lo_pfn)
		dm->lo_pfn = pfn;
	if (!dm->pages_ballooned || pfn >= dm->hi_pfn)
		dm->hi_pfn = pfn + 1;
	set_page_private(pg, (unsigned long)dm);
	__SetPageOffline(pg);
	adjust_managed_page_count(pg, -1);
	dm->pages_ballooned++;
}

static void dm_page_in(struct dm_device *dm, struct page *pg)
{
	__ClearPageOffline(pg);
	set_page_private(pg, 0);
	adjust_managed_page_count(pg, 1);
	__free_page(pg);
	dm->pages_ballooned--;
}

/* give the pages of @n ranges back to the allocator (a response not sent) */
static void dm_unwind(struct dm_device *dm, const __u64 *ranges, unsigned int n)
{
	unsigned int i;
	unsigned long j;

	for (i = 0; i < n; i++) {
		unsigned long pfn = DM_RANGE_START(ranges[i]) / DM_PER_PAGE;
		unsigned long cnt = DM_RANGE_COUNT(ranges[i]) / DM_PER_PAGE;

		for (j = 0; j < cnt; j++)
			dm_page_in(dm, pfn_to_page(pfn + j));
	}
}

/*
 * Fill @resp with up to DM_RESP_RANGES ranges of at most @want pages:
 * the pages taken, 0 when the allocator has none to spare.
 */
static unsigned long dm_fill(struct dm_device *dm,
			     struct dm_balloon_response *resp,
			     unsigned long want, unsigned int *order)
{
	const gfp_t gfp = GFP_HIGHUSER | __GFP_NORETRY | __GFP_NOMEMALLOC |
			  __GFP_NOWARN;
	unsigned int n = 0;
	unsigned long got = 0, i;

	while (n < DM_RESP_RANGES && want - got) {
		struct page *pg;
		unsigned long cnt;

		if (*order && want - got < (1UL << *order))
			*order = 0;
		pg = alloc_pages(gfp, *order);
		if (!pg && *order) {
			/* no 2 MiB blocks left: one page at a time now */
			*order = 0;
			continue;
		}
		if (!pg)
			break;
		cnt = 1UL << *order;
		if (*order)
			split_page(pg, *order);
		for (i = 0; i < cnt; i++)
			dm_page_out(dm, pg + i);
		resp->range_array[n++] = DM_RANGE((u64)page_to_pfn(pg) * DM_PER_PAGE,
						  cnt * DM_PER_PAGE);
		got += cnt;
	}
	resp->flags = n << DM_BALLOON_COUNT_SHIFT;
	return got;
}

/* what the guest can give up: available memory above the floor */
static unsigned long dm_spare(void)
{
	unsigned long avail = si_mem_available();
	unsigned long floor = dm_floor(totalram_pages());

	return avail > floor ? avail - floor : 0;
}

static void dm_balloon_up(struct dm_device *dm, const struct dm_balloon *req)
{
	struct device *dev = &dm->hdev->device;
	struct dm_balloon_response *resp = dm->resp;
	unsigned long want = req->num_pages / DM_PER_PAGE, spare, got, n;
	unsigned int order = DM_BIG_ORDER;
	bool more;
	int ret;

	dm->balloon_requests++;
	spare = dm_spare();
	if (want > spare) {
		dev_info(dev, "the host asks for %lu MiB; %lu MiB can be spared above the floor\n",
			 want >> (20 - PAGE_SHIFT), spare >> (20 - PAGE_SHIFT));
		dm->pages_refused += want - spare;
		want = spare;
	}
	do {
		memset(resp, 0, sizeof(*resp));
		got = dm_fill(dm, resp, want, &order);
		want -= got;
		more = want && got;
		if (!more && want) {
			dev_info(dev, "%lu MiB could not be allocated for the balloon\n",
				 want >> (20 - PAGE_SHIFT));
			dm->pages_refused += want;
		}
		if (more)
			resp->flags |= DM_MORE_PAGES;
		n = resp->flags >> DM_BALLOON_COUNT_SHIFT;
		ret = dm_send_retry(dm, resp, DM_BALLOON_RESPONSE,
				    struct_size(resp, range_array, n));
		if (ret) {
			/* the host never heard of these pages: keep them */
			dev_err_ratelimited(dev, "balloon response not sent (%d): %lu pages kept\n",
					    ret, got);
			dm_unwind(dm, resp->range_array, n);
			return;
		}
		/* let status reports and other work through a long balloon */
		cond_resched();
	} while (more);
}

/* one range the host returns: all pages ours, or the range is refused */
static bool dm_range_ours(struct dm_device *dm, u64 start, u64 cnt)
{
	u64 i;

	/* inside what was ballooned (which also rules out an overflow) */
	if (!cnt || start % DM_PER_PAGE || cnt % DM_PER_PAGE ||
	    start / DM_PER_PAGE < dm->lo_pfn ||
	    start / DM_PER_PAGE >= dm->hi_pfn ||
	    cnt / DM_PER_PAGE > dm->hi_pfn - start / DM_PER_PAGE)
		return false;
	for (i = 0; i < cnt / DM_PER_PAGE; i++) {
		struct page *pg = pfn_to_online_page(start / DM_PER_PAGE + i);

		if (!pg || !PageOffline(pg) || page_private(pg) != (unsigned long)dm)
			return false;
	}
	return true;
}

static void dm_balloon_down(struct dm_device *dm,
			    const struct dm_unballoon_request *req, u16 size)
{
	struct device *dev = &dm->hdev->device;
	struct dm_unballoon_response resp = { };
	u32 i, n = req->range_count;
	u64 j;
	int ret;

	dm->unballoon_messages++;
	if (n > (size - sizeof(*req)) / sizeof(__u64)) {
		dev_err_ratelimited(dev, "unballoon request of %u ranges in %u bytes: dropped\n",
				    n, size);
		dm->ranges_refused++;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		u64 start = DM_RANGE_START(req->range_array[i]);
		u64 cnt = DM_RANGE_COUNT(req->range_array[i]);

		if (!dm_range_ours(dm, start, cnt)) {
			dev_err_ratelimited(dev, "the host returns pages 0x%llx+%llu that were not ballooned: refused\n",
					    start, cnt);
			dm->ranges_refused++;
			continue;
		}
		for (j = 0; j < cnt / DM_PER_PAGE; j++)
			dm_page_in(dm, pfn_to_page(start / DM_PER_PAGE + j));
		cond_resched();
	}
	if (req->flags & DM_MORE_PAGES)
		return;
	ret = dm_send_retry(dm, &resp, DM_UNBALLOON_RESPONSE, sizeof(resp));
	if (ret)
		dev_err_ratelimited(dev, "unballoon response not sent (%d)\n", ret);
}

static void dm_balloon_work(struct work_struct *work)
{
	struct dm_device *dm = container_of(work, struct dm_device, balloon_work);
	struct dm_pending *p;

	for (;;) {
		spin_lock_irq(&dm->pending_lock);
		p = list_first_entry_or_null(&dm->pending, struct dm_pending, list);
		if (p)
			list_del(&p->list);
		spin_unlock_irq(&dm->pending_lock);
		if (!p)
			return;
		switch (((struct dm_header *)p->msg)->type) {
		case DM_BALLOON_REQUEST:
			dm_balloon_up(dm, (const void *)p->msg);
			break;
		case DM_UNBALLOON_REQUEST:
			dm_balloon_down(dm, (const void *)p->msg, p->size);
			break;
		default:	/* DM_MEM_HOT_ADD_REQUEST */
			dm_hot_add(dm, (const void *)p->msg, p->size);
		}
		kfree(p);
	}
}

int dm_balloon_init(struct dm_device *dm)
{
	dm->resp = kmalloc(DM_PAGE_SIZE, GFP_KERNEL);
	if (!dm->resp)
		return -ENOMEM;
	INIT_LIST_HEAD(&dm->pending);
	spin_lock_init(&dm->pending_lock);
	INIT_WORK(&dm->balloon_work, dm_balloon_work);
	return 0;
}

/*
 * Before the channel closes: no request is queued any more and none is
 * being served, so nothing is sent on a channel that is going away.
 */
void dm_balloon_stop(struct dm_device *dm)
{
	spin_lock_irq(&dm->pending_lock);
	dm->closing = true;
	spin_unlock_irq(&dm->pending_lock);
	cancel_work_sync(&dm->balloon_work);
}

/*
 * The channel is closed.  The pages still in the balloon go back to the
 * guest, as upstream does when the module goes (the host that took them
 * is gone with the channel, or is a new one that does not know them).
 */
void dm_balloon_exit(struct dm_device *dm)
{
	struct dm_pending *p, *tmp;
	unsigned long pfn, freed = 0;

	list_for_each_entry_safe(p, tmp, &dm->pending, list) {
		list_del(&p->list);
		kfree(p);
	}
	for (pfn = dm->lo_pfn; pfn < dm->hi_pfn && dm->pages_ballooned; pfn++) {
		struct page *pg = pfn_to_online_page(pfn);

		if (pg && PageOffline(pg) && page_private(pg) == (unsigned long)dm) {
			dm_page_in(dm, pg);
			freed++;
		}
		if (!(pfn % SZ_64K))
			cond_resched();
	}
	if (freed)
		dev_info(&dm->hdev->device, "%lu MiB of ballooned memory given back to the guest\n",
			 freed >> (20 - PAGE_SHIFT));
	kfree(dm->resp);
}
