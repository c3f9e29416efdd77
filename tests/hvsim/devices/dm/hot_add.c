// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hot-add, the host side (hvlis/dm.h): RAM that QEMU maps but the guest
 * booted without (it runs with mem= below QEMU's size, and the policy's
 * startup says how much it has) is given to it with MEM_HOT_ADD_REQUEST.
 * Each request is the 24-byte form every known host sends: the range of
 * pages now backed, the next ones after what was added before, and the
 * region they belong to, all of [startup, the last hot-add boundary below
 * the end of the RAM block under 4 GiB) (this host hot-adds only there).  The guest answers with the
 * pages it added; more than were offered is a lie, counted and capped.
 * Nothing is given back by hot-add: the guest's memory above startup
 * stays until it reboots (a new channel starts from nothing added).
 */
#include <string.h>

#include "dm.h"

#define DM_PAGE_SHIFT	12

/*
 * The region's end, in 4 KiB pages (0: no region): the last boundary of
 * the guest's hot-add alignment (its capability report, log2 MiB) below
 * the end of the RAM block under 4 GiB.  Below, not at: the firmware
 * keeps its ACPI tables in the last pages of that RAM and reserves them
 * in the memory map, whatever mem= says, so a block over them cannot be
 * added (the guest's add_memory() fails with -EEXIST).
 */
static uint64_t region_end(const struct dm_dev *dm)
{
	uint64_t low = vsp_dev_hvsim(dm->dev)->gm.below_4g >> DM_PAGE_SHIFT;
	uint64_t align = 256ull << ((dm->caps & DM_CAP_ALIGN_MASK) >> DM_CAP_ALIGN_SHIFT);
	uint64_t end = low ? (low - 1) / align * align : 0;

	return dm->startup < end ? end : 0;
}

uint64_t dm_hot_add_room(const struct dm_dev *dm)
{
	uint64_t end = region_end(dm);

	return end > dm->startup + dm->hot_added ?
	       end - dm->startup - dm->hot_added : 0;
}

/* send a request for @n pages at @pfn in the region @rpfn+@rn */
static const char *send_request(struct dm_dev *dm, uint64_t pfn, uint64_t n,
				uint64_t rpfn, uint64_t rn)
{
	struct dm_hot_add req = { 0 };

	if (dm->state != DMS_READY)
		return "the guest has no DM channel ready";
	if (dm->xact != DMX_NONE)
		return "a transaction is running";
	if (pfn > DM_RANGE_START_MASK || rpfn > DM_RANGE_START_MASK ||
	    n > DM_RANGE_MAX_COUNT || rn > DM_RANGE_MAX_COUNT)
		return "a range is a 40-bit pfn and a 24-bit count";
	req.range = DM_RANGE(pfn, n);
	req.region = DM_RANGE(rpfn, rn);
	req.hdr.type = DM_MEM_HOT_ADD_REQUEST;
	req.hdr.size = sizeof(req);
	req.hdr.trans_id = ++dm->host_tid;
	if (chan_send_inband(dm->ch, req.hdr.trans_id, 0, &req, sizeof(req))) {
		dm->host_tid--;
		return "the guest's ring is full";
	}
	dm->xact = DMX_HOT_ADD;
	dm->ha_offered = n;
	return NULL;
}

const char *dm_hot_add_start(struct dm_dev *dm, uint64_t pages)
{
	uint64_t room = dm_hot_add_room(dm);
	const char *why;

	if (!(dm->caps & DM_CAP_HOT_ADD))
		return "the guest did not report the hot-add capability";
	if (!room)
		return "the guest has all of its RAM (startup)";
	if (pages > room)
		pages = room;
	if (pages > DM_RANGE_MAX_COUNT)
		pages = DM_RANGE_MAX_COUNT;
	why = send_request(dm, dm->startup + dm->hot_added, pages, dm->startup,
			   region_end(dm) - dm->startup);
	if (!why)
		dm->ha_requests++;
	return why;
}

/*
 * A hostile host's request (tests): any range and region; what the guest
 * answers is counted as for a real one.
 */
const char *dm_hot_add_forged(struct dm_dev *dm, uint64_t pfn, uint32_t n,
			      uint64_t rpfn, uint32_t rn)
{
	return send_request(dm, pfn, n, rpfn, rn);
}

void dm_hot_add_response(struct dm_dev *dm, const struct vmbus_pkt *pkt)
{
	struct dm_hot_add_response resp;

	memcpy(&resp, pkt->data, sizeof(resp));
	if (dm->xact != DMX_HOT_ADD) {
		dm_bad(dm, "a hot-add response without a request", resp.hdr.type);
		return;
	}
	dm->xact = DMX_NONE;
	if (resp.page_count > dm->ha_offered) {
		dm_bad(dm, "more pages added than offered", resp.hdr.type);
		resp.page_count = (uint32_t)dm->ha_offered;
	}
	dm->hot_added += resp.page_count;
	dm->ha_last = resp.page_count;
	/* nothing added and "do not retry": the guest cannot hot-add */
	if (!resp.page_count && resp.result)
		dm->ha_refused = true;
	if (!resp.page_count)
		dm->ha_failed++;
}

void dm_hot_add_print(struct ctl_conn *c, const struct dm_dev *dm)
{
	ctl_printf(c, "memory.hot_added_mb=%llu", (unsigned long long)(dm->hot_added >> 8));
	ctl_printf(c, "memory.hot_add_room_mb=%llu",
		   (unsigned long long)(dm_hot_add_room(dm) >> 8));
	ctl_printf(c, "memory.hot_add_requests=%llu",
		   (unsigned long long)dm->ha_requests);
	ctl_printf(c, "memory.hot_add_last_pages=%llu",
		   (unsigned long long)dm->ha_last);
	ctl_printf(c, "memory.hot_add_failed=%llu", (unsigned long long)dm->ha_failed);
	ctl_printf(c, "memory.hot_add_refused=%s", dm->ha_refused ? "yes" : "no");
}
