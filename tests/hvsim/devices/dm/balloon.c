// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ballooning, the host side (hvlis/dm.h): memory asked back from the guest
 * and given back to it, one transaction at a time, as QEMU's
 * hw/hyperv/hv-balloon.c runs them.
 *
 *   BALLOON_REQUEST(num_pages)  ->  BALLOON_RESPONSE(s), each a list of
 *       page ranges the guest gave up, DM_MORE_PAGES on all but the last.
 *       Every range is checked before the host believes it: inside guest
 *       RAM, none of its pages given already, not more than was asked.
 *       A good range's pages are punched out of the --ram file (real
 *       reclaim: `du` of the file drops), and recorded in a bitmap of
 *       the file's pages; a bad one is counted and ignored.
 *   UNBALLOON_REQUEST(s)  ->  UNBALLOON_RESPONSE: the host picks runs of
 *       given pages from its bitmap (lowest first), at most 510 ranges a
 *       message (the guest takes 4096-byte messages), DM_MORE_PAGES on all
 *       but the last.  The pages are the guest's again once sent; the file
 *       allocates them again as the guest touches them.
 *
 * Requests carry the host's own trans_id counter, as QEMU's do.  A ring
 * too full for the next unballoon message waits for on_writable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

#define DM_PAGE_SHIFT	12

static bool given_test(const struct dm_dev *dm, uint64_t i)
{
	return dm->given[i / 64] >> (i % 64) & 1;
}

static void given_set(struct dm_dev *dm, uint64_t i, bool on)
{
	if (on)
		dm->given[i / 64] |= 1ull << (i % 64);
	else
		dm->given[i / 64] &= ~(1ull << (i % 64));
}

int dm_balloon_alloc(struct dm_dev *dm)
{
	const struct guestmem *gm = &vsp_dev_hvsim(dm->dev)->gm;

	dm->ram_pages = gm->ram_size >> DM_PAGE_SHIFT;
	dm->given = calloc(dm->ram_pages / 64 + 1, sizeof(uint64_t));
	return dm->given ? 0 : -1;
}

void dm_balloon_free(struct dm_dev *dm)
{
	free(dm->given);
	dm->given = NULL;
}

/* --ram file page index <-> guest pfn (guestmem.c's q35 layout) */
static uint64_t page_to_pfn(const struct dm_dev *dm, uint64_t i)
{
	const struct guestmem *gm = &vsp_dev_hvsim(dm->dev)->gm;
	uint64_t off = i << DM_PAGE_SHIFT;

	if (off < gm->below_4g)
		return i;
	return (off - gm->below_4g + GM_4G) >> DM_PAGE_SHIFT;
}

/* the first page of the high RAM block: a range never crosses it */
static uint64_t low_pages(const struct dm_dev *dm)
{
	return vsp_dev_hvsim(dm->dev)->gm.below_4g >> DM_PAGE_SHIFT;
}

/*
 * The balloon's state lives as long as the channel: when it closes, the
 * guest may use every page again (hv_balloon gives its pages back to
 * itself when it unloads), and a guest that connects again starts with
 * nothing given, as QEMU's host clears its removed ranges on a reset.
 * The holes stay until the guest touches those pages.
 */
void dm_balloon_closed(struct dm_dev *dm)
{
	dm->xact = DMX_NONE;
	if (dm->given)
		memset(dm->given, 0, (dm->ram_pages / 64 + 1) * sizeof(uint64_t));
	dm->ballooned = 0;
}

static int send_request(struct dm_dev *dm, void *msg, uint16_t type,
			uint16_t len)
{
	struct dm_header *h = msg;

	h->type = type;
	h->size = len;
	h->trans_id = ++dm->host_tid;
	return chan_send_inband(dm->ch, h->trans_id, 0, msg, len);
}

const char *dm_balloon_start(struct dm_dev *dm, uint64_t pages)
{
	struct dm_balloon req = { 0 };

	if (dm->state != DMS_READY)
		return "the guest has no DM channel ready";
	if (!(dm->caps & DM_CAP_BALLOON))
		return "the guest did not report the balloon capability";
	if (dm->xact != DMX_NONE)
		return "a transaction is running";
	if (!pages || pages > UINT32_MAX)
		return "the page count is 1 to 2^32-1";
	req.num_pages = (uint32_t)pages;
	if (send_request(dm, &req, DM_BALLOON_REQUEST, sizeof(req)))
		return "the guest's ring is full";
	dm->xact = DMX_BALLOON;
	dm->asked = pages;
	dm->received = 0;
	dm->balloon_requests++;
	return NULL;
}

/* one range of a response: true if it is taken (and punched) */
static bool take_range(struct dm_dev *dm, uint64_t range)
{
	const struct guestmem *gm = &vsp_dev_hvsim(dm->dev)->gm;
	uint64_t pfn = DM_RANGE_START(range), n = DM_RANGE_COUNT(range);
	uint64_t off, i;

	/* 40-bit pfns and 24-bit counts: no overflow in 64 bits */
	if (!n || n > dm->asked - dm->received ||
	    gm_ram_offset(gm, pfn << DM_PAGE_SHIFT, n << DM_PAGE_SHIFT, &off))
		return false;
	off >>= DM_PAGE_SHIFT;
	for (i = 0; i < n; i++)
		if (given_test(dm, off + i))
			return false;
	for (i = 0; i < n; i++)
		given_set(dm, off + i, true);
	dm->ballooned += n;
	dm->received += n;
	dm->pages_received += n;
	if (gm_discard(gm, pfn << DM_PAGE_SHIFT, n << DM_PAGE_SHIFT))
		dm->discard_errors++;
	return true;
}

void dm_balloon_response(struct dm_dev *dm, const struct vmbus_pkt *pkt,
			 uint16_t size)
{
	struct dm_balloon_response resp;
	uint32_t n, i;
	uint64_t range;

	memcpy(&resp, pkt->data, sizeof(resp));
	n = resp.flags >> DM_BALLOON_COUNT_SHIFT;
	if (dm->xact != DMX_BALLOON) {
		dm_bad(dm, "a balloon response without a request", resp.hdr.type);
		return;
	}
	if (n > (size - sizeof(resp)) / sizeof(range) ||
	    size != sizeof(resp) + n * sizeof(range)) {
		/* the transaction goes on: the next message may be good */
		dm_bad(dm, "range count does not match the size", resp.hdr.type);
		return;
	}
	for (i = 0; i < n; i++) {
		memcpy(&range, pkt->data + sizeof(resp) + i * sizeof(range),
		       sizeof(range));
		if (!take_range(dm, range)) {
			dm->ranges_bad++;
			log_guest("balloon: relid %u: range pfn 0x%llx+%u refused: outside RAM, given twice or more than asked",
				  chan_relid(dm->ch),
				  (unsigned long long)DM_RANGE_START(range),
				  DM_RANGE_COUNT(range));
		}
	}
	if (!(resp.flags & DM_MORE_PAGES))
		dm->xact = DMX_NONE;
}

/* the next run of given pages from the cursor, at most @max; 0 if none */
static uint64_t next_run(struct dm_dev *dm, uint64_t max, uint64_t *first)
{
	uint64_t i = dm->cursor, n = 0, low = low_pages(dm);

	while (i < dm->ram_pages && !given_test(dm, i))
		i++;
	*first = i;
	while (i + n < dm->ram_pages && n < max && given_test(dm, i + n) &&
	       (i + n != low || !n))
		n++;
	dm->cursor = i + n;
	return n;
}

/* send unballoon messages while the ring takes them */
static void unballoon_send(struct dm_dev *dm)
{
	static union {
		struct dm_unballoon_request req;
		uint8_t raw[DM_MAX_MSG];
	} m;
	uint64_t first, n, i, save;
	uint32_t count;

	while (dm->xact == DMX_UNBALLOON) {
		memset(&m, 0, sizeof(m));
		save = dm->cursor;
		count = 0;
		while (count < DM_UNBALLOON_RANGES && dm->to_return) {
			uint64_t max = dm->to_return < DM_RANGE_MAX_COUNT ?
				       dm->to_return : DM_RANGE_MAX_COUNT;

			n = next_run(dm, max, &first);
			if (!n)
				break;
			m.req.range_array[count++] = DM_RANGE(page_to_pfn(dm, first), n);
			dm->to_return -= n;
		}
		if (dm->cursor >= dm->ram_pages)
			dm->to_return = 0;	/* nothing more was given */
		if (dm->to_return)
			m.req.flags = DM_MORE_PAGES;
		m.req.range_count = count;
		if (send_request(dm, &m, DM_UNBALLOON_REQUEST,
				 sizeof(m.req) + count * sizeof(uint64_t))) {
			/* full: undo this message, wait for room */
			for (i = 0; i < count; i++)
				dm->to_return += DM_RANGE_COUNT(m.req.range_array[i]);
			dm->cursor = save;
			dm->host_tid--;
			chan_request_space(dm->ch, sizeof(m) + 64);
			return;
		}
		for (i = 0; i < count; i++) {
			uint64_t r = m.req.range_array[i], j, off;

			gm_ram_offset(&vsp_dev_hvsim(dm->dev)->gm,
				      DM_RANGE_START(r) << DM_PAGE_SHIFT,
				      (uint64_t)DM_RANGE_COUNT(r) << DM_PAGE_SHIFT,
				      &off);
			for (j = 0; j < DM_RANGE_COUNT(r); j++)
				given_set(dm, (off >> DM_PAGE_SHIFT) + j, false);
			dm->ballooned -= DM_RANGE_COUNT(r);
			dm->pages_returned += DM_RANGE_COUNT(r);
		}
		if (!dm->to_return)
			dm->xact = DMX_UNBALLOON_WAIT;
	}
}

const char *dm_unballoon_start(struct dm_dev *dm, uint64_t pages)
{
	if (dm->state != DMS_READY)
		return "the guest has no DM channel ready";
	if (dm->xact != DMX_NONE)
		return "a transaction is running";
	if (!dm->ballooned)
		return "the guest has given nothing up";
	dm->xact = DMX_UNBALLOON;
	dm->to_return = pages < dm->ballooned ? pages : dm->ballooned;
	dm->cursor = 0;
	unballoon_send(dm);
	return NULL;
}

/*
 * A hostile host's request (tests): one range returned whether or not
 * the guest gave it; the host's own record is left as it is.
 */
const char *dm_unballoon_forged(struct dm_dev *dm, uint64_t pfn, uint32_t n)
{
	struct {
		struct dm_unballoon_request req;
		uint64_t range;
	} m = { 0 };

	if (dm->state != DMS_READY)
		return "the guest has no DM channel ready";
	if (dm->xact != DMX_NONE)
		return "a transaction is running";
	if (pfn > DM_RANGE_START_MASK || n > DM_RANGE_MAX_COUNT)
		return "a range is a 40-bit pfn and a 24-bit count";
	m.req.range_count = 1;
	m.range = DM_RANGE(pfn, n);
	if (send_request(dm, &m, DM_UNBALLOON_REQUEST, sizeof(m)))
		return "the guest's ring is full";
	dm->xact = DMX_UNBALLOON_WAIT;
	return NULL;
}

void dm_writable(struct hv_chan *ch)
{
	struct dm_dev *dm = vsp_dev_priv(chan_dev(ch));

	if (dm && dm->xact == DMX_UNBALLOON)
		unballoon_send(dm);
}

void dm_unballoon_response(struct dm_dev *dm)
{
	if (dm->xact != DMX_UNBALLOON_WAIT) {
		dm_bad(dm, "an unballoon response before the last request",
		       DM_UNBALLOON_RESPONSE);
		return;
	}
	dm->xact = DMX_NONE;
}

void dm_balloon_print(struct ctl_conn *c, const struct dm_dev *dm)
{
	static const char *const names[] = {
		[DMX_NONE] = "none",
		[DMX_BALLOON] = "balloon",
		[DMX_UNBALLOON] = "unballoon",
		[DMX_UNBALLOON_WAIT] = "unballoon",
		[DMX_HOT_ADD] = "hot_add",
	};

	ctl_printf(c, "memory.transaction=%s", names[dm->xact]);
	ctl_printf(c, "memory.ballooned_pages=%llu", (unsigned long long)dm->ballooned);
	ctl_printf(c, "memory.ballooned_mb=%llu", (unsigned long long)(dm->ballooned >> 8));
	ctl_printf(c, "memory.balloon_requests=%llu",
		   (unsigned long long)dm->balloon_requests);
	ctl_printf(c, "memory.last_asked_pages=%llu", (unsigned long long)dm->asked);
	ctl_printf(c, "memory.last_received_pages=%llu",
		   (unsigned long long)dm->received);
	ctl_printf(c, "memory.pages_received=%llu",
		   (unsigned long long)dm->pages_received);
	ctl_printf(c, "memory.pages_returned=%llu",
		   (unsigned long long)dm->pages_returned);
	ctl_printf(c, "memory.ranges_bad=%llu", (unsigned long long)dm->ranges_bad);
	ctl_printf(c, "memory.discard_errors=%llu",
		   (unsigned long long)dm->discard_errors);
}
