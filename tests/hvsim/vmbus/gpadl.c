// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPADLs (guest physical address descriptor lists): page lists the guest
 * lends the host for a channel's ring buffers and for VSP buffers.
 *
 * Protocol (include/linux/hyperv.h and drivers/hv/channel.c
 * __vmbus_establish_gpadl, Linux 6.12; host side: openvmm
 * vmbus_server/src/channels.rs handle_gpadl_header/body/teardown):
 *  - GPADL_HEADER names the channel (child_relid), a guest-chosen handle,
 *    range_buflen/rangecount and the start of the range: byte_count,
 *    byte_offset and as many PFNs as fit the message (26);
 *  - GPADL_BODY messages carry the rest of the PFNs in order; they name
 *    only the handle, and Linux leaves msgnumber 0, so the PFNs are simply
 *    appended until all have arrived;
 *  - the host answers GPADL_CREATED with creation_status 0 or a failure
 *    (openvmm answers every header error that way, and a body error too);
 *  - GPADL_TEARDOWN -> GPADL_TORNDOWN, delayed while the GPADL is in use
 *    (a ring of an open channel, a VSP buffer).
 * A handle is unique per channel; while a GPADL is still arriving its
 * handle must be unique overall, since BODY has no relid (openvmm).
 *
 * Only one range is supported (Linux never sends more).  Every PFN must be
 * a page of guest RAM; a GPADL is at most 8190 pages, which is what the
 * 16-bit range_buflen can describe.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/host.h"

static bool pfn_in_ram(struct hvsim *hs, uint64_t pfn)
{
	return pfn < (GM_MAX_GPA >> HV_HYP_PAGE_SHIFT) &&
	       gm_ram_ptr(&hs->gm, pfn << HV_HYP_PAGE_SHIFT, HV_HYP_PAGE_SIZE);
}

bool gpa_page_ok(const struct vmbus_host *vh, uint64_t pfn)
{
	return pfn_in_ram(vh->hs, pfn);
}

bool gpa_pages_in_ram(struct hvsim *hs, const struct gpa_pages *r,
		      uint64_t len)
{
	uint64_t n = len ? ((uint64_t)r->byte_offset + len + HV_HYP_PAGE_SIZE - 1) >>
			   HV_HYP_PAGE_SHIFT : 0;

	if (n > r->npfns)
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (!pfn_in_ram(hs, r->pfns[i]))
			return false;
	return true;
}

/* ---- guest page lists, for rings and VSPs ---- */

static uint8_t *pages_at(struct hvsim *hs, const struct gpa_pages *r,
			 uint64_t pos, uint32_t len)
{
	uint64_t page = pos >> HV_HYP_PAGE_SHIFT, pfn;

	if (page >= r->npfns)
		return NULL;
	pfn = r->pfns[page];
	if (pfn >= (GM_MAX_GPA >> HV_HYP_PAGE_SHIFT))
		return NULL;
	return gm_ram_ptr(&hs->gm, (pfn << HV_HYP_PAGE_SHIFT) +
			  (pos & (HV_HYP_PAGE_SIZE - 1)), len);
}

static int pages_copy(struct hvsim *hs, const struct gpa_pages *r,
		      uint64_t off, void *buf, uint64_t len, bool to_guest)
{
	uint8_t *b = buf;
	uint64_t pos;

	if (off > r->byte_count || len > r->byte_count - off)
		return -EFAULT;
	pos = (uint64_t)r->byte_offset + off;
	while (len) {
		uint64_t chunk = HV_HYP_PAGE_SIZE - (pos & (HV_HYP_PAGE_SIZE - 1));
		uint8_t *p;

		if (chunk > len)
			chunk = len;
		p = pages_at(hs, r, pos, (uint32_t)chunk);
		if (!p)
			return -EFAULT;
		if (to_guest)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		b += chunk;
		pos += chunk;
		len -= chunk;
	}
	return 0;
}

int gpa_pages_read(struct hvsim *hs, const struct gpa_pages *r, uint64_t off,
		   void *buf, uint64_t len)
{
	return pages_copy(hs, r, off, buf, len, false);
}

int gpa_pages_write(struct hvsim *hs, const struct gpa_pages *r, uint64_t off,
		    const void *buf, uint64_t len)
{
	return pages_copy(hs, r, off, (void *)buf, len, true);
}

void *gpa_pages_ptr(struct hvsim *hs, const struct gpa_pages *r, uint64_t off,
		    uint64_t len)
{
	uint64_t pos, first, last;

	if (!len || off > r->byte_count || len > r->byte_count - off)
		return NULL;
	pos = (uint64_t)r->byte_offset + off;
	first = pos >> HV_HYP_PAGE_SHIFT;
	last = (pos + len - 1) >> HV_HYP_PAGE_SHIFT;
	if (last >= r->npfns)
		return NULL;
	for (uint64_t p = first + 1; p <= last; p++)
		if (r->pfns[p] != r->pfns[p - 1] + 1)
			return NULL;
	/* gm_ram_ptr() also refuses a run that leaves one RAM block */
	if (r->pfns[first] >= (GM_MAX_GPA >> HV_HYP_PAGE_SHIFT))
		return NULL;
	return gm_ram_ptr(&hs->gm, (r->pfns[first] << HV_HYP_PAGE_SHIFT) +
			  (pos & (HV_HYP_PAGE_SIZE - 1)), len);
}

/* ---- the GPADL table ---- */

struct gpa_pages gpadl_pages(const struct gpadl *g)
{
	return (struct gpa_pages){
		.pfns = g->pfns,
		.npfns = g->npfns,
		.byte_offset = g->byte_offset,
		.byte_count = g->byte_count,
	};
}

struct gpadl *gpadl_find(struct vmbus_host *vh, const struct hv_chan *ch,
			 uint32_t handle)
{
	for (struct gpadl *g = vh->gpadls; g; g = g->next)
		if (g->chan == ch && g->handle == handle && g->ready)
			return g;
	return NULL;
}

struct gpadl *chan_gpadl(struct hv_chan *ch, uint32_t handle)
{
	struct gpadl *g = gpadl_find(ch->vh, ch, handle);

	return g && !g->teardown ? g : NULL;
}

static void gpadl_free(struct gpadl *g)
{
	struct vmbus_host *vh = g->vh;
	struct gpadl **pp;

	for (pp = &vh->gpadls; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	vh->ngpadls--;
	vh->gpadl_pages -= g->npfns;
	free(g->pfns);
	free(g);
}

static void send_created(struct vmbus_host *vh, uint32_t relid,
			 uint32_t handle, uint32_t status)
{
	struct vmbus_channel_gpadl_created m = {
		.header.msgtype = CHANNELMSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = handle,
		.creation_status = status,
	};

	if (status)
		vh->st.gpadls_failed++;
	else
		vh->st.gpadls_created++;
	vmbus_send_msg(vh, &m, sizeof(m));
}

static void torndown(struct gpadl *g)
{
	struct vmbus_channel_gpadl_torndown m = {
		.header.msgtype = CHANNELMSG_GPADL_TORNDOWN,
		.gpadl = g->handle,
	};
	struct vmbus_host *vh = g->vh;

	vh->st.gpadls_torndown++;
	gpadl_free(g);
	vmbus_send_msg(vh, &m, sizeof(m));
}

void gpadl_get(struct gpadl *g)
{
	g->users++;
}

void gpadl_put(struct gpadl *g)
{
	if (g->users)
		g->users--;
	if (!g->users && g->teardown)
		torndown(g);
}

/* a failed GPADL is forgotten; the guest hears about it once */
static void gpadl_fail(struct gpadl *g, const char *why)
{
	struct vmbus_host *vh = g->vh;
	uint32_t relid = g->chan->relid, handle = g->handle;

	log_guest("gpadl 0x%x (relid %u): %s", handle, relid, why);
	gpadl_free(g);
	send_created(vh, relid, handle, VMBUS_STATUS_UNSUCCESSFUL);
}

/* append @n PFNs (unaligned in the message) after checking each one */
static int gpadl_append(struct gpadl *g, const uint8_t *src, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t pfn;

		memcpy(&pfn, src + i * sizeof(pfn), sizeof(pfn));
		if (!gpa_page_ok(g->vh, pfn)) {
			log_guest("gpadl 0x%x: PFN 0x%llx is not guest RAM",
				  g->handle, (unsigned long long)pfn);
			return -EFAULT;
		}
		g->pfns[g->have + i] = pfn;
	}
	g->have += n;
	return 0;
}

static void gpadl_check_done(struct gpadl *g)
{
	if (g->have < g->npfns)
		return;
	g->ready = true;
	log_dbg("gpadl 0x%x: %u pages for relid %u", g->handle, g->npfns,
		g->chan->relid);
	send_created(g->vh, g->chan->relid, g->handle, 0);
}

static struct gpadl *gpadl_pending(struct vmbus_host *vh, uint32_t handle)
{
	for (struct gpadl *g = vh->gpadls; g; g = g->next)
		if (g->handle == handle && !g->ready)
			return g;
	return NULL;
}

static bool gpadl_exists(struct vmbus_host *vh, const struct hv_chan *ch,
			 uint32_t handle)
{
	for (struct gpadl *g = vh->gpadls; g; g = g->next)
		if (g->handle == handle && (g->chan == ch || !g->ready))
			return true;
	return false;
}

/*
 * GPADL_HEADER's framing (struct vmbus_channel_gpadl_header, then one
 * struct gpa_range and its PFNs; hvlis/vmbus_msg.h): one range, a length that ends on a PFN, a
 * range_buflen that matches byte_count, no more PFNs than it spans.
 * NULL with *@npfns (pages the GPADL spans) and *@carried (PFNs in this
 * message), or why not.
 */
static const char *header_check(const struct vmbus_channel_gpadl_header *h,
				const uint8_t *m, uint32_t len,
				struct gpa_range *gr, uint64_t *npfns,
				uint32_t *carried)
{
	if (h->rangecount != 1)
		return "only one range is supported";
	if (len < VMBUS_GPADL_HEADER_PFN_OFFSET ||
	    (len - VMBUS_GPADL_HEADER_PFN_OFFSET) % sizeof(uint64_t))
		return "message length does not end on a PFN";
	memcpy(gr, m + sizeof(*h), sizeof(*gr));
	if (gr->byte_offset >= HV_HYP_PAGE_SIZE || !gr->byte_count)
		return "bad byte_offset/byte_count";
	*npfns = ((uint64_t)gr->byte_offset + gr->byte_count +
		  HV_HYP_PAGE_SIZE - 1) >> HV_HYP_PAGE_SHIFT;
	if (*npfns > GPADL_MAX_PAGES)
		return "too many pages";
	if (h->range_buflen != sizeof(*gr) + *npfns * sizeof(uint64_t))
		return "range_buflen does not match byte_count";
	*carried = (len - VMBUS_GPADL_HEADER_PFN_OFFSET) / sizeof(uint64_t);
	if (*carried > *npfns)
		return "more PFNs than byte_count spans";
	return NULL;
}

/* a new, still incomplete GPADL of @ch, listed on the host */
static struct gpadl *gpadl_new(struct vmbus_host *vh, struct hv_chan *ch,
			       uint32_t handle, const struct gpa_range *gr,
			       uint64_t npfns)
{
	struct gpadl *g = calloc(1, sizeof(*g));

	if (g)
		g->pfns = calloc(npfns, sizeof(uint64_t));
	if (!g || !g->pfns) {
		free(g);
		return NULL;
	}
	g->vh = vh;
	g->chan = ch;
	g->handle = handle;
	g->byte_offset = gr->byte_offset;
	g->byte_count = gr->byte_count;
	g->npfns = (uint32_t)npfns;
	g->next = vh->gpadls;
	vh->gpadls = g;
	vh->ngpadls++;
	vh->gpadl_pages += npfns;
	return g;
}

void gpadl_handle_header(struct vmbus_host *vh, const void *msg, uint32_t len)
{
	struct vmbus_channel_gpadl_header h;
	const uint8_t *m = msg;
	struct gpa_range gr = { 0 };
	uint32_t carried = 0;
	uint64_t npfns = 0;
	struct hv_chan *ch;
	struct gpadl *g;
	const char *why;

	/* the dispatcher checked len >= sizeof(h) */
	memcpy(&h, m, sizeof(h));
	ch = chan_by_relid(vh, h.child_relid);
	if (!ch)
		why = "no such channel";
	else
		why = header_check(&h, m, len, &gr, &npfns, &carried);
	if (!why && gpadl_exists(vh, ch, h.gpadl))
		why = "handle in use";
	if (!why && (vh->ngpadls >= GPADL_MAX_COUNT ||
		     vh->gpadl_pages + npfns > GPADL_MAX_TOTAL_PAGES))
		why = "too many GPADLs";
	g = why ? NULL : gpadl_new(vh, ch, h.gpadl, &gr, npfns);
	if (!why && !g)
		why = "out of memory";
	if (why) {
		log_guest("GPADL_HEADER relid %u handle 0x%x: %s", h.child_relid,
			  h.gpadl, why);
		send_created(vh, h.child_relid, h.gpadl,
			     VMBUS_STATUS_UNSUCCESSFUL);
		return;
	}
	if (gpadl_append(g, m + VMBUS_GPADL_HEADER_PFN_OFFSET, carried)) {
		gpadl_fail(g, "bad PFN");
		return;
	}
	gpadl_check_done(g);
}

void gpadl_handle_body(struct vmbus_host *vh, const void *msg, uint32_t len)
{
	struct vmbus_channel_gpadl_body b;
	const uint8_t *m = msg;
	struct gpadl *g;
	uint32_t n;

	memcpy(&b, m, sizeof(b));
	g = gpadl_pending(vh, b.gpadl);
	if (!g) {
		/* no relid in a body: nobody to answer (as openvmm) */
		log_guest("GPADL_BODY for handle 0x%x, which is not being created",
			  b.gpadl);
		vh->st.msgs_bad++;
		return;
	}
	if ((len - sizeof(b)) % sizeof(uint64_t) || len == sizeof(b)) {
		gpadl_fail(g, "body length does not end on a PFN");
		return;
	}
	n = (len - sizeof(b)) / sizeof(uint64_t);
	if (n > g->npfns - g->have) {
		gpadl_fail(g, "more PFNs than announced");
		return;
	}
	if (gpadl_append(g, m + sizeof(b), n)) {
		gpadl_fail(g, "bad PFN");
		return;
	}
	gpadl_check_done(g);
}

void gpadl_handle_teardown(struct vmbus_host *vh, const void *msg,
			   uint32_t len)
{
	struct vmbus_channel_gpadl_teardown t;
	struct hv_chan *ch;
	struct gpadl *g = NULL;

	(void)len;	/* at least sizeof(t): the dispatcher checked */
	memcpy(&t, msg, sizeof(t));
	ch = chan_by_relid(vh, t.child_relid);
	if (ch)
		g = gpadl_find(vh, ch, t.gpadl);
	/* unknown, still arriving, or already going: no answer (openvmm) */
	if (!g || g->teardown) {
		log_guest("GPADL_TEARDOWN relid %u handle 0x%x: no such GPADL",
			  t.child_relid, t.gpadl);
		vh->st.msgs_bad++;
		return;
	}
	g->teardown = true;
	/* a rescinded channel uses nothing any more */
	if (ch->state == CHAN_RESCINDED)
		g->users = 0;
	if (!g->users)
		torndown(g);
	else
		log_dbg("gpadl 0x%x: teardown waits for %u users", g->handle,
			g->users);
}

void gpadl_drop_chan(struct vmbus_host *vh, const struct hv_chan *ch)
{
	struct gpadl *g = vh->gpadls, *next;

	for (; g; g = next) {
		next = g->next;
		if (g->chan == ch)
			gpadl_free(g);
	}
}

void gpadl_drop_all(struct vmbus_host *vh)
{
	while (vh->gpadls)
		gpadl_free(vh->gpadls);
}
