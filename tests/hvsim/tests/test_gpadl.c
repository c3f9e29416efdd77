// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpadl.c: the GPADL_HEADER/BODY walk for sizes around the message
 * boundaries (26 PFNs in a header, 28 in a body) up to the 16-bit
 * range_buflen limit, hostile headers and bodies, teardown, the limits,
 * and the page-list accessors VSPs use.
 */
#include "vmbus/host.h"
#include "vmbus_guest.h"

static struct vmbus_channel_offer_channel offers[8];
static uint64_t pfns[8200];

static bool setup(struct tg *t)
{
	int n;

	tg_init(t, 1);
	if (!tg_add(t, "echo") || !tg_add(t, "echo"))
		return false;
	return tg_up(t, offers, 8, &n) && n == 2;
}

static struct gpadl *host_gpadl(struct tg *t, uint32_t relid, uint32_t handle)
{
	return gpadl_find(t->vh, chan_by_relid(t->vh, relid), handle);
}

static bool walk_one(uint32_t n, bool scatter, uint32_t byte_offset)
{
	uint32_t count = n * (uint32_t)HV_HYP_PAGE_SIZE - byte_offset;
	uint64_t msgs_before;
	struct gpadl *g;
	struct tg t;

	CHECK(setup(&t));
	tg_pages(&t, pfns, n, scatter);
	msgs_before = t.vh->st.msgs_in;
	CHECK_EQ(tg_gpadl_sized(&t, 2, 0x100 + n, pfns, n, byte_offset, count), 0);
	/* 1 header with up to 26, then bodies of 28 */
	CHECK_EQ(t.vh->st.msgs_in - msgs_before,
		 1 + (n > 26 ? (n - 26 + 27) / 28 : 0));
	g = host_gpadl(&t, 2, 0x100 + n);
	CHECK(g && g->ready);
	CHECK_EQ(g->npfns, n);
	CHECK_EQ(g->byte_count, count);
	CHECK_EQ(g->byte_offset, byte_offset);
	CHECK(!memcmp(g->pfns, pfns, n * sizeof(uint64_t)));
	CHECK(!host_gpadl(&t, 1, 0x100 + n));	/* per channel */
	CHECK_EQ(t.vh->gpadl_pages, n);
	CHECK_EQ(tg_teardown(&t, 2, 0x100 + n), 1);
	CHECK_EQ(t.vh->ngpadls, 0);
	CHECK_EQ(t.vh->gpadl_pages, 0);
	tg_free(&t);
	return true;
}

static bool walk_sizes(void)
{
	static const uint32_t sizes[] = { 1, 2, 25, 26, 27, 53, 54, 55, 82, 83,
					  256, 4096 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (!walk_one(sizes[i], true, 0)) {
			printf("#   %u pages\n", sizes[i]);
			return false;
		}
	}
	return true;
}

static bool walk_large(void)
{
	/* 16 MiB starting mid-page spans 4097 pages */
	CHECK(walk_one(4097, true, 0x800));
	/* the largest one range_buflen can describe: 8190 pages, 32 MiB */
	CHECK(walk_one(GPADL_MAX_PAGES, false, 0));
	return true;
}

/* a header with every field under control */
static int64_t header(struct tg *t, uint32_t relid, uint32_t handle,
		      uint16_t buflen, uint16_t rangecount, uint32_t bo,
		      uint32_t bc, const uint64_t *p, uint32_t np, uint32_t extra)
{
	uint8_t msg[HV_MESSAGE_PAYLOAD_BYTE_COUNT] = { 0 };
	struct vmbus_channel_gpadl_header h = {
		.header.msgtype = CHANNELMSG_GPADL_HEADER,
		.child_relid = relid,
		.gpadl = handle,
		.range_buflen = buflen,
		.rangecount = rangecount,
	};
	struct gpa_range gr = { .byte_count = bc, .byte_offset = bo };
	struct vmbus_channel_gpadl_created cr;

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), &gr, sizeof(gr));
	memcpy(msg + VMBUS_GPADL_HEADER_PFN_OFFSET, p, np * 8);
	tg_send(t, msg, VMBUS_GPADL_HEADER_PFN_OFFSET + np * 8 + extra);
	if (tg_recv(t, &cr, NULL) != CHANNELMSG_GPADL_CREATED)
		return -1;
	if (cr.gpadl != handle || cr.child_relid != relid)
		return -2;
	return cr.creation_status;
}

static int64_t body(struct tg *t, uint32_t handle, uint32_t msgnumber,
		    const uint64_t *p, uint32_t np, uint32_t extra)
{
	uint8_t msg[HV_MESSAGE_PAYLOAD_BYTE_COUNT] = { 0 };
	struct vmbus_channel_gpadl_body b = {
		.header.msgtype = CHANNELMSG_GPADL_BODY,
		.msgnumber = msgnumber,
		.gpadl = handle,
	};
	struct vmbus_channel_gpadl_created cr;

	memcpy(msg, &b, sizeof(b));
	memcpy(msg + sizeof(b), p, np * 8);
	tg_send(t, msg, sizeof(b) + np * 8 + extra);
	if (tg_recv(t, &cr, NULL) != CHANNELMSG_GPADL_CREATED)
		return -1;
	return cr.creation_status;
}

#define BAD	VMBUS_STATUS_UNSUCCESSFUL
#define PG	HV_HYP_PAGE_SIZE

static bool hostile_headers(void)
{
	uint64_t bad[3];
	struct tg t;

	CHECK(setup(&t));
	tg_pages(&t, pfns, 30, true);
	/* a well-formed one works, as reference */
	CHECK_EQ(header(&t, 1, 1, 8 + 8 * 2, 1, 0, 2 * PG, pfns, 2, 0), 0);
	/* no such channel */
	CHECK_EQ(header(&t, 0, 2, 16, 1, 0, PG, pfns, 1, 0), BAD);
	CHECK_EQ(header(&t, 3, 2, 16, 1, 0, PG, pfns, 1, 0), BAD);
	CHECK_EQ(header(&t, 0xffffffff, 2, 16, 1, 0, PG, pfns, 1, 0), BAD);
	/* one range only */
	CHECK_EQ(header(&t, 1, 2, 16, 0, 0, PG, pfns, 1, 0), BAD);
	CHECK_EQ(header(&t, 1, 2, 16, 2, 0, PG, pfns, 1, 0), BAD);
	/* byte_offset inside the first page, byte_count not 0 */
	CHECK_EQ(header(&t, 1, 2, 16, 1, PG, PG, pfns, 1, 0), BAD);
	CHECK_EQ(header(&t, 1, 2, 16, 1, 0, 0, pfns, 1, 0), BAD);
	/* range_buflen must match the span */
	CHECK_EQ(header(&t, 1, 2, 16, 1, 0, 2 * PG, pfns, 1, 0), BAD);
	CHECK_EQ(header(&t, 1, 2, 24, 1, 0, PG, pfns, 1, 0), BAD);
	CHECK_EQ(header(&t, 1, 2, 24, 1, 1, PG, pfns, 2, 0), 0);	/* spans 2 */
	/* 8191 pages: range_buflen wrapped (u16), as a too-big Linux GPADL */
	CHECK_EQ(header(&t, 1, 3, (uint16_t)(8 + 8191 * 8), 1, 0, 8191 * PG,
			pfns, 26, 0), BAD);
	CHECK_EQ(header(&t, 1, 3, 0xfff8, 1, 0, 0xffffffff, pfns, 26, 0), BAD);
	/* more PFNs than the range spans, or a ragged length */
	CHECK_EQ(header(&t, 1, 3, 16, 1, 0, PG, pfns, 2, 0), BAD);
	CHECK_EQ(header(&t, 1, 3, 24, 1, 0, 2 * PG, pfns, 1, 4), BAD);
	/* PFNs that are not guest RAM */
	bad[0] = pfns[0];
	bad[1] = TG_RAM_SIZE >> 12;
	CHECK_EQ(header(&t, 1, 3, 24, 1, 0, 2 * PG, bad, 2, 0), BAD);
	bad[1] = 0xfffffffffffffull;
	CHECK_EQ(header(&t, 1, 3, 24, 1, 0, 2 * PG, bad, 2, 0), BAD);
	bad[1] = ~0ull;
	CHECK_EQ(header(&t, 1, 3, 24, 1, 0, 2 * PG, bad, 2, 0), BAD);
	bad[1] = 0xc0000;		/* the PCI hole, 3 GiB */
	CHECK_EQ(header(&t, 1, 3, 24, 1, 0, 2 * PG, bad, 2, 0), BAD);
	/* a handle in use on this channel */
	CHECK_EQ(header(&t, 1, 1, 16, 1, 0, PG, pfns, 1, 0), BAD);
	/* ... but another channel may use it (openvmm: per channel) */
	CHECK_EQ(header(&t, 2, 1, 16, 1, 0, PG, pfns, 1, 0), 0);
	/* an unfinished handle is unique overall: BODY has no relid */
	CHECK_EQ(header(&t, 1, 9, 8 + 8 * 30, 1, 0, 30 * PG, pfns, 26, 0), -1);
	CHECK_EQ(header(&t, 2, 9, 16, 1, 0, PG, pfns, 1, 0), BAD);
	CHECK_EQ(header(&t, 1, 9, 16, 1, 0, PG, pfns, 1, 0), BAD);
	CHECK_EQ(body(&t, 9, 0, pfns + 26, 4, 0), 0);
	/* too short to know the relid: no answer */
	tg_send(&t, &(struct vmbus_channel_gpadl_header){
			.header.msgtype = CHANNELMSG_GPADL_HEADER }, 12);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	/* a header too short for its range fails */
	{
		struct vmbus_channel_gpadl_header h = {
			.header.msgtype = CHANNELMSG_GPADL_HEADER,
			.child_relid = 1, .gpadl = 10,
			.range_buflen = 16, .rangecount = 1,
		};
		struct vmbus_channel_gpadl_created cr;
		uint8_t m[24] = { 0 };

		memcpy(m, &h, sizeof(h));
		tg_send(&t, m, sizeof(m));
		CHECK_EQ(tg_recv(&t, &cr, NULL), CHANNELMSG_GPADL_CREATED);
		CHECK_EQ(cr.creation_status, BAD);
	}
	/* no PFN in the header: they may all come in bodies */
	CHECK_EQ(header(&t, 1, 10, 16, 1, 0, PG, pfns, 0, 0), -1);
	CHECK_EQ(body(&t, 10, 0, pfns, 1, 0), 0);
	CHECK_EQ(t.vh->ngpadls, 5);
	tg_free(&t);
	return true;
}

static bool hostile_bodies(void)
{
	uint64_t bad = 1ull << 40;
	struct tg t;

	CHECK(setup(&t));
	tg_pages(&t, pfns, 100, true);
	/* bodies for nothing: no relid, so no answer */
	CHECK_EQ(body(&t, 5, 0, pfns, 4, 0), -1);
	CHECK_EQ(t.vh->ngpadls, 0);
	/* msgnumber means nothing: Linux leaves it 0, others count */
	CHECK_EQ(header(&t, 1, 5, 8 + 8 * 60, 1, 0, 60 * PG, pfns, 26, 0), -1);
	CHECK_EQ(body(&t, 5, 7, pfns + 26, 28, 0), -1);
	CHECK_EQ(body(&t, 5, 0xffffffff, pfns + 54, 6, 0), 0);
	CHECK(host_gpadl(&t, 1, 5));
	CHECK(!memcmp(host_gpadl(&t, 1, 5)->pfns, pfns, 60 * 8));
	/* a body after the end: nothing is being created */
	CHECK_EQ(body(&t, 5, 0, pfns, 1, 0), -1);
	/* overshoot, empty, ragged, bad PFN: the GPADL fails and is gone */
	CHECK_EQ(header(&t, 1, 6, 8 + 8 * 30, 1, 0, 30 * PG, pfns, 26, 0), -1);
	CHECK_EQ(body(&t, 6, 0, pfns + 26, 5, 0), BAD);
	CHECK_EQ(body(&t, 6, 0, pfns + 26, 4, 0), -1);
	CHECK_EQ(header(&t, 1, 6, 8 + 8 * 30, 1, 0, 30 * PG, pfns, 26, 0), -1);
	CHECK_EQ(body(&t, 6, 0, pfns, 0, 0), BAD);
	CHECK_EQ(header(&t, 1, 6, 8 + 8 * 30, 1, 0, 30 * PG, pfns, 26, 0), -1);
	CHECK_EQ(body(&t, 6, 0, pfns + 26, 2, 3), BAD);
	CHECK_EQ(header(&t, 1, 6, 8 + 8 * 30, 1, 0, 30 * PG, pfns, 26, 0), -1);
	CHECK_EQ(body(&t, 6, 0, &bad, 1, 0), BAD);
	CHECK(!host_gpadl(&t, 1, 6));
	CHECK_EQ(t.vh->ngpadls, 1);
	/* a body message shorter than its header: ignored */
	tg_send(&t, &(struct vmbus_channel_gpadl_body){
			.header.msgtype = CHANNELMSG_GPADL_BODY, .gpadl = 5 }, 12);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	tg_free(&t);
	return true;
}

static bool teardown(void)
{
	struct tg t;

	CHECK(setup(&t));
	tg_pages(&t, pfns, 40, false);
	CHECK_EQ(tg_gpadl(&t, 1, 0x10, pfns, 4), 0);
	/* unknown handle, wrong channel, bad relid: no answer */
	CHECK_EQ(tg_teardown(&t, 1, 0x11), 0);
	CHECK_EQ(tg_teardown(&t, 2, 0x10), 0);
	CHECK_EQ(tg_teardown(&t, 99, 0x10), 0);
	/* a GPADL still arriving cannot be torn down */
	CHECK_EQ(header(&t, 1, 0x12, 8 + 8 * 30, 1, 0, 30 * PG, pfns, 26, 0), -1);
	CHECK_EQ(tg_teardown(&t, 1, 0x12), 0);
	CHECK_EQ(tg_teardown(&t, 1, 0x10), 1);
	CHECK_EQ(tg_teardown(&t, 1, 0x10), 0);
	/* the handle can be used again */
	CHECK_EQ(tg_gpadl(&t, 1, 0x10, pfns + 10, 2), 0);
	CHECK_EQ(t.vh->st.gpadls_torndown, 1);
	tg_free(&t);
	return true;
}

static bool limits(void)
{
	struct tg t;
	uint32_t i;

	CHECK(setup(&t));
	tg_pages(&t, pfns, 1, false);
	for (i = 0; i < GPADL_MAX_COUNT; i++)
		CHECK_EQ(tg_gpadl(&t, 1, 1000 + i, pfns, 1), 0);
	CHECK_EQ(tg_gpadl(&t, 1, 1000 + i, pfns, 1), BAD);
	CHECK_EQ(tg_teardown(&t, 1, 1000), 1);
	CHECK_EQ(tg_gpadl(&t, 1, 1000 + i, pfns, 1), 0);
	/* a rescind + release drops the channel's GPADLs silently */
	CHECK(tg_ctl_ok(&t, "rescind 1"));
	CHECK_EQ(tg_recv(&t, NULL, NULL), CHANNELMSG_RESCIND_CHANNELOFFER);
	/* on a rescinded channel a teardown is answered at once */
	CHECK_EQ(tg_teardown(&t, 1, 1001), 1);
	tg_release(&t, 1);
	CHECK_EQ(t.vh->ngpadls, 0);
	CHECK_EQ(t.vh->gpadl_pages, 0);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	tg_free(&t);
	return true;
}

static bool page_access(void)
{
	uint64_t p[4] = { 0x200, 0x201, 0x300, 0x301 };
	struct gpa_pages r = { .pfns = p, .npfns = 4, .byte_offset = 100,
			       .byte_count = 4 * 4096 - 200 };
	uint8_t buf[3 * 4096], *q;
	struct tg t;

	tg_init(&t, 1);
	for (int i = 0; i < 4; i++)
		memset(tg_page(p[i]), 0x10 + i, 4096);
	/* a read across pages follows the list */
	CHECK_EQ(gpa_pages_read(&t.hs, &r, 4096 - 200, buf, 300), 0);
	CHECK(buf[0] == 0x10 && buf[99] == 0x10 && buf[100] == 0x11 &&
	      buf[299] == 0x11);
	CHECK_EQ(gpa_pages_read(&t.hs, &r, 2 * 4096 - 110, buf, 20), 0);
	CHECK(buf[0] == 0x11 && buf[9] == 0x11 && buf[10] == 0x12);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(gpa_pages_write(&t.hs, &r, 8000, buf, 500), 0);
	CHECK(((uint8_t *)tg_page(0x201))[8000 + 100 - 4096] == 0xee);
	CHECK(((uint8_t *)tg_page(0x300))[8100 + 499 - 8192] == 0xee);
	/* outside the range */
	CHECK_EQ(gpa_pages_read(&t.hs, &r, r.byte_count - 10, buf, 11), -EFAULT);
	CHECK_EQ(gpa_pages_read(&t.hs, &r, ~0ull, buf, 2), -EFAULT);
	CHECK_EQ(gpa_pages_read(&t.hs, &r, 0, buf, 0), 0);
	/* a run of consecutive pages maps, a jump does not */
	q = gpa_pages_ptr(&t.hs, &r, 0, 4096);
	CHECK(q == (uint8_t *)tg_page(0x200) + 100);
	CHECK(!gpa_pages_ptr(&t.hs, &r, 4000, 4096 + 100));
	CHECK(gpa_pages_ptr(&t.hs, &r, 8192 - 100, 4096 + 10));
	CHECK(!gpa_pages_ptr(&t.hs, &r, 0, 0));
	/* a PFN outside RAM fails at access time */
	p[3] = 1ull << 39;
	CHECK_EQ(gpa_pages_read(&t.hs, &r, 3 * 4096, buf, 8), -EFAULT);
	CHECK(!gpa_pages_ptr(&t.hs, &r, 3 * 4096, 8));
	p[3] = ~0ull;
	CHECK_EQ(gpa_pages_read(&t.hs, &r, 3 * 4096, buf, 8), -EFAULT);
	tg_free(&t);
	return true;
}

static const struct tap_test tests[] = {
	{ "GPADL walk: 1, 2, 25-27, 53-55, 82, 83, 256, 4096 pages", walk_sizes },
	{ "GPADL walk: 16 MiB at offset 0x800 (4097 pages), 8190 pages", walk_large },
	{ "hostile GPADL_HEADERs fail with GPADL_CREATED", hostile_headers },
	{ "hostile GPADL_BODYs fail the GPADL", hostile_bodies },
	{ "GPADL_TEARDOWN: unknown, unfinished, twice, reuse", teardown },
	{ "limits, and GPADLs of a rescinded channel", limits },
	{ "page-list read/write/map for VSPs", page_access },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
