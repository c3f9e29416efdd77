// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring.c on a fake guest memory buffer: both directions across scattered
 * pages, wrap-around, a full ring, the signalling rules (interrupt_mask,
 * empty -> non-empty, pending_send_sz crossing), corrupt indices, corrupt
 * lengths and trailers, packet parsing (GPA direct, transfer pages), and
 * a fuzz of garbage rings.  The guest side is vmbus_guest.h's tring.
 */
#include "vmbus/host.h"
#include "vmbus_guest.h"

struct pair {
	struct tg t;
	struct tring g;		/* the guest's view */
	struct ring h;		/* the host's */
};

/* a ring of @data_pages (+ control page) on scattered pages */
static bool make(struct pair *p, uint32_t data_pages, bool host_reads)
{
	tg_init(&p->t, 1);
	memset(&p->g, 0, sizeof(p->g));
	p->g.npages = data_pages + 1;
	p->g.size = data_pages * (uint32_t)HV_HYP_PAGE_SIZE;
	tg_pages(&p->t, p->g.pfns, p->g.npages, true);
	tring_ctrl(&p->g)->feature_bits.value = 1;
	return ring_attach(&p->h, &p->t.hs, p->g.pfns, p->g.npages,
			   host_reads) == 0;
}

static uint8_t pkt[65536] __attribute__((aligned(8))), data[65536];

static void fill(uint8_t *b, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 31 + i * 7);
}

static bool guest_to_host(void)
{
	struct vmbus_pkt pp;
	struct gpa_pages ranges[4];
	struct pair p;
	uint32_t len;
	bool sig;

	CHECK(make(&p, 3, true));
	CHECK_EQ(p.h.size, 3 * 4096);
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), -ENOENT);
	fill(data, 5000, 1);
	CHECK_EQ(tring_write(&p.g, VM_PKT_DATA_INBAND, 1, 0x1122, NULL, 0,
			     data, 5000, &sig), 0);
	CHECK(sig);
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(len, 16 + 5000);
	CHECK_EQ(vmbus_pkt_parse(&pp, pkt, len, ranges, 4), 0);
	CHECK_EQ(pp.type, VM_PKT_DATA_INBAND);
	CHECK_EQ(pp.flags, 1);
	CHECK_EQ(pp.trans_id, 0x1122);
	CHECK_EQ(pp.data_len, 5000);
	CHECK(!memcmp(pp.data, data, 5000));
	/* peeking again finds the same packet until it is consumed */
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(ring_consume(&p.h, len), 0);
	CHECK_EQ(tring_ctrl(&p.g)->read_index, 5024);
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), -ENOENT);
	/* a packet bigger than the caller's buffer is refused */
	CHECK_EQ(tring_write(&p.g, VM_PKT_DATA_INBAND, 0, 1, NULL, 0, data,
			     100, &sig), 0);
	CHECK_EQ(ring_peek(&p.h, pkt, 64, &len), -EPROTO);
	tg_free(&p.t);
	return true;
}

static bool host_to_guest(void)
{
	struct ring_iov iov[2];
	struct vmpacket_descriptor d = {
		.type = VM_PKT_COMP, .offset8 = 2, .trans_id = 77,
	};
	struct pair p;
	uint32_t len;
	bool sig;

	CHECK(make(&p, 2, false));
	fill(data, 6001, 2);
	d.len8 = (uint16_t)(vmbus_pkt_align(16 + 6001) / 8);
	iov[0] = (struct ring_iov){ &d, 16 };
	iov[1] = (struct ring_iov){ data, 6001 };
	CHECK_EQ(ring_write(&p.h, iov, 2, &sig), 0);
	CHECK(sig);
	CHECK_EQ(tring_ctrl(&p.g)->write_index, vmbus_pkt_ring_bytes(6017));
	CHECK_EQ(tring_read(&p.g, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(len, vmbus_pkt_align(6017));
	CHECK(!memcmp(pkt + 16, data, 6001));
	CHECK(pkt[16 + 6001] == 0 && pkt[len - 1] == 0);	/* padding */
	/* the trailer holds the start offset */
	{
		uint64_t tr;

		tring_copy(&p.g, len, &tr, 8, false);
		CHECK_EQ(tr, 0);
	}
	tg_free(&p.t);
	return true;
}

/* thousands of packets of varied size through a 2-page ring, both ways */
static bool wrap_around(void)
{
	struct gpa_pages ranges[1];
	struct vmbus_pkt pp;
	struct pair p, q;
	uint32_t len, wraps = 0, last = 0;
	bool sig;

	CHECK(make(&p, 2, true));
	for (uint32_t i = 0; i < 3000; i++) {
		uint32_t n = 1 + (i * 977) % 3000;

		fill(data, n, i);
		CHECK_EQ(tring_write(&p.g, VM_PKT_DATA_INBAND, 0, i, NULL, 0,
				     data, n, &sig), 0);
		CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
		CHECK_EQ(vmbus_pkt_parse(&pp, pkt, len, ranges, 1), 0);
		CHECK_EQ(pp.trans_id, i);
		CHECK(!memcmp(pp.data, data, n));
		CHECK_EQ(ring_consume(&p.h, len), 0);
		wraps += p.h.priv < last;
		last = p.h.priv;
	}
	CHECK(wraps > 100);
	tg_free(&p.t);

	CHECK(make(&q, 2, false));
	last = 0;
	wraps = 0;
	for (uint32_t i = 0; i < 3000; i++) {
		uint32_t n = 1 + (i * 613) % 3000;
		struct vmpacket_descriptor d = {
			.type = VM_PKT_DATA_INBAND, .offset8 = 2, .trans_id = i,
			.len8 = (uint16_t)(vmbus_pkt_align(16 + n) / 8),
		};
		struct ring_iov iov[2] = { { &d, 16 }, { data, n } };

		fill(data, n, i);
		CHECK_EQ(ring_write(&q.h, iov, 2, &sig), 0);
		CHECK(sig);	/* the guest always drained it first */
		CHECK_EQ(tring_read(&q.g, pkt, sizeof(pkt), &len), 0);
		CHECK(!memcmp(pkt + 16, data, n));
		wraps += q.h.priv < last;
		last = q.h.priv;
	}
	CHECK(wraps > 100);
	tg_free(&q.t);
	return true;
}

/* a host-built packet of @len bytes (a multiple of 8), descriptor first */
static uint8_t hbuf[8192];

static struct ring_iov hpkt(uint32_t len)
{
	struct vmpacket_descriptor d = {
		.type = VM_PKT_DATA_INBAND, .offset8 = 2,
		.len8 = (uint16_t)(len / 8),
	};

	memset(hbuf, 0, len);
	memcpy(hbuf, &d, sizeof(d));
	return (struct ring_iov){ hbuf, len };
}

static bool full_ring(void)
{
	uint32_t n = 0, len, r2, w2, tr, tw;
	struct ring_iov iov = hpkt(1000);
	struct pair p;
	bool sig;

	CHECK(make(&p, 1, false));
	/* each packet takes 1008 bytes; 4096 / 1008: 4 fit, the 5th not */
	while (ring_write(&p.h, &iov, 1, &sig) == 0)
		n++;
	CHECK_EQ(n, 4);
	CHECK_EQ(p.h.need, 1008);
	CHECK(ring_state(&p.h, &r2, &w2, &tr, &tw));
	CHECK_EQ(tw, 4096 - 4 * 1008);
	CHECK(!ring_has_space(&p.h, 1008));
	/* exactly filling is never allowed: 64 free, 64 needed */
	CHECK_EQ(tw, 64);
	iov = hpkt(56);
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), -EAGAIN);
	iov = hpkt(48);
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), 0);
	CHECK(!sig);	/* not empty before */
	/* the guest frees one: room again */
	CHECK_EQ(tring_read(&p.g, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(len, 1000);
	CHECK(ring_has_space(&p.h, 1008));
	iov = hpkt(1000);
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), 0);
	/* a packet that can never fit */
	iov = hpkt(4096);
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), -EINVAL);
	tg_free(&p.t);
	return true;
}

static bool writer_signals(void)
{
	struct ring_iov iov = hpkt(64);
	struct hv_ring_buffer *c;
	struct pair p;
	uint32_t len;
	bool sig;

	CHECK(make(&p, 1, false));
	c = tring_ctrl(&p.g);
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), 0);
	CHECK(sig);
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), 0);
	CHECK(!sig);		/* not empty -> non-empty */
	CHECK_EQ(tring_read(&p.g, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(tring_read(&p.g, pkt, sizeof(pkt), &len), 0);
	c->interrupt_mask = 1;
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), 0);
	CHECK(!sig);		/* masked */
	c->interrupt_mask = 0;
	CHECK_EQ(tring_read(&p.g, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(ring_write(&p.h, &iov, 1, &sig), 0);
	CHECK(sig);

	/* a blocked host writer: pending_send_sz in the guest's inbound ring */
	CHECK(!ring_wait_space(&p.h, 4040));
	CHECK_EQ(c->pending_send_sz, 4040);
	CHECK_EQ(tring_read(&p.g, pkt, sizeof(pkt), &len), 0);
	CHECK(ring_wait_space(&p.h, 4040));
	CHECK_EQ(c->pending_send_sz, 0);
	CHECK(!ring_wait_space(&p.h, 4096));	/* never: strictly more */
	ring_clear_pending(&p.h);
	CHECK_EQ(c->pending_send_sz, 0);
	tg_free(&p.t);
	return true;
}

/* hv_pkt_iter_close() from the host's side */
static bool reader_signals(void)
{
	uint8_t d[1000] = { 0 };
	struct hv_ring_buffer *c;
	struct pair p;
	uint32_t len, n = 0;
	bool sig;

	CHECK(make(&p, 1, true));
	c = tring_ctrl(&p.g);
	while (tring_write(&p.g, VM_PKT_DATA_INBAND, 0, 0, NULL, 0, d,
			   sizeof(d) - 16, &sig) == 0)
		n++;
	CHECK_EQ(n, 4);		/* 1008 bytes each, 64 left */
	/* nobody waits: no signal */
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(ring_consume(&p.h, len), 0);
	CHECK(!ring_read_signal(&p.h, len + 8));
	/* the guest waits for 2000: 1072 -> 2080 crosses it */
	c->pending_send_sz = 2000;
	CHECK(!ring_read_signal(&p.h, 0));
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(ring_consume(&p.h, len), 0);
	CHECK(ring_read_signal(&p.h, len + 8));
	/* waits for 3500: 2080 -> 3088 is not enough yet */
	c->pending_send_sz = 3500;
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(ring_consume(&p.h, len), 0);
	CHECK(!ring_read_signal(&p.h, len + 8));
	/* 3088 -> 4096 is */
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(ring_consume(&p.h, len), 0);
	CHECK(ring_read_signal(&p.h, len + 8));
	/* and a second batch that starts above it does not signal again */
	c->pending_send_sz = 100;
	CHECK_EQ(tring_write(&p.g, VM_PKT_DATA_INBAND, 0, 0, NULL, 0, d, 8,
			     &sig), 0);
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	CHECK_EQ(ring_consume(&p.h, len), 0);
	CHECK(!ring_read_signal(&p.h, len + 8));
	tg_free(&p.t);
	return true;
}

static bool corrupt_indices(void)
{
	uint8_t d[64] = { 0 };
	struct ring_iov iov = { d, sizeof(d) };
	struct hv_ring_buffer *c;
	struct pair p;
	struct ring r2;
	uint32_t len;
	bool sig;

	CHECK(make(&p, 2, true));
	c = tring_ctrl(&p.g);
	CHECK_EQ(tring_write(&p.g, VM_PKT_DATA_INBAND, 0, 0, NULL, 0, d, 8,
			     &sig), 0);
	/* out of range / unaligned write index: refused, not fatal */
	c->write_index = 8192;
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), -EPROTO);
	c->write_index = 0xffffffff;
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), -EPROTO);
	c->write_index = 12;
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), -EPROTO);
	CHECK(!p.h.broken);
	c->write_index = 32;
	CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), 0);
	/* the read index belongs to the host: a guest write does not move it */
	c->read_index = 4000;
	CHECK_EQ(ring_consume(&p.h, len), 0);
	CHECK_EQ(c->read_index, 32);
	/* attach refuses a ring whose index is bad from the start */
	c->read_index = 9000;
	CHECK_EQ(ring_attach(&r2, &p.t.hs, p.g.pfns, p.g.npages, true), -EPROTO);
	c->read_index = 4;
	CHECK_EQ(ring_attach(&r2, &p.t.hs, p.g.pfns, p.g.npages, true), -EPROTO);
	CHECK_EQ(ring_attach(&r2, &p.t.hs, p.g.pfns, 1, true), -EINVAL);
	/* the host writer's ring: a bad guest read index */
	CHECK_EQ(ring_attach(&r2, &p.t.hs, p.g.pfns, p.g.npages, false), 0);
	c->read_index = 8200;
	CHECK_EQ(ring_write(&r2, &iov, 1, &sig), -EPROTO);
	CHECK(!ring_has_space(&r2, 8));
	CHECK(!ring_wait_space(&r2, 8));
	c->read_index = r2.priv;
	CHECK_EQ(ring_write(&r2, &iov, 1, &sig), 0);
	/* a control page that is not RAM */
	{
		uint64_t bad[2] = { 1ull << 30, p.g.pfns[1] };

		CHECK_EQ(ring_attach(&r2, &p.t.hs, bad, 2, true), -EPROTO);
	}
	tg_free(&p.t);
	return true;
}

/* write a raw descriptor + trailer at the guest's write index */
static void raw(struct pair *p, uint16_t len8, uint16_t off8, uint64_t trailer,
		uint32_t advance)
{
	struct hv_ring_buffer *c = tring_ctrl(&p->g);
	struct vmpacket_descriptor d = { .type = 6, .offset8 = off8,
					 .len8 = len8 };
	uint32_t w = c->write_index;

	tring_copy(&p->g, w, &d, 16, true);
	tring_copy(&p->g, (w + (uint32_t)len8 * 8) % p->g.size, &trailer, 8, true);
	c->write_index = (w + advance) % p->g.size;
}

static bool corrupt_lengths(void)
{
	static const struct {
		uint16_t len8, off8;
		bool good_trailer;
		uint32_t advance;
	} cases[] = {
		{ 1, 2, true, 16 },	/* len8 below the descriptor */
		{ 0, 0, true, 8 },	/* less than a descriptor there */
		{ 3, 1, true, 32 },	/* offset8 inside the descriptor */
		{ 3, 4, true, 32 },	/* offset8 beyond len8 */
		{ 4, 2, true, 32 },	/* longer than what was written */
		{ 0xffff, 2, true, 64 },
		{ 3, 2, false, 32 },	/* trailer does not match */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t trailer = 0;	/* right for a packet at offset 0 */
		struct pair p;
		uint32_t len;

		if (!cases[i].good_trailer)
			trailer = 0x1234ull << 32;
		CHECK(make(&p, 2, true));
		raw(&p, cases[i].len8, cases[i].off8, trailer, cases[i].advance);
		CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), -EPROTO);
		/* sticky: nothing more is read from this ring */
		CHECK(p.h.broken);
		tring_ctrl(&p.g)->write_index = 0;
		CHECK_EQ(ring_peek(&p.h, pkt, sizeof(pkt), &len), -EPROTO);
		tg_free(&p.t);
	}
	return true;
}

/* the packet buffer of parse_packets() and its steps */
#define PARSE_BUF_LEN	512

/* GPA-direct packets built in @b: ranges, PFN lists, lengths */
static bool parse_gpa_direct(uint8_t *b)
{
	struct gpa_pages ranges[4];
	struct vmbus_pkt pp;
	struct vmpacket_descriptor d = { .type = VM_PKT_DATA_USING_GPA_DIRECT };
	uint32_t u32;
	uint64_t pf[5] = { 0x111, 0x112, 0x113, 0x200, 0x201 };
	struct gpa_range r1 = { .byte_count = 8192, .byte_offset = 100 };
	struct gpa_range r2 = { .byte_count = 10, .byte_offset = 4090 };

	/* two ranges: 3 pages (100 + 8192 spans 3), 2 pages (4090 + 10) */
	memset(b, 0, PARSE_BUF_LEN);
	d.offset8 = (16 + 8 + 8 + 24 + 8 + 16) / 8;
	d.len8 = d.offset8 + 2;
	memcpy(b, &d, 16);
	u32 = 2;
	memcpy(b + 20, &u32, 4);
	memcpy(b + 24, &r1, 8);
	memcpy(b + 32, pf, 24);
	memcpy(b + 56, &r2, 8);
	memcpy(b + 64, pf + 3, 16);
	memcpy(b + 80, "payload!", 8);
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u, ranges, 4), 0);
	CHECK_EQ(pp.nranges, 2);
	CHECK(pp.ranges[0].npfns == 3 && pp.ranges[0].pfns[2] == 0x113 &&
	      pp.ranges[0].byte_offset == 100 && pp.ranges[0].byte_count == 8192);
	CHECK(pp.ranges[1].npfns == 2 && pp.ranges[1].pfns[1] == 0x201);
	CHECK(pp.data_len == 16 && !memcmp(pp.data, "payload!", 8));
	/* more ranges than the caller takes */
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u, ranges, 1), -EINVAL);
	/* PFN lists running into the payload */
	u32 = 3;
	memcpy(b + 20, &u32, 4);
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u, ranges, 4), -EINVAL);
	u32 = 2;
	memcpy(b + 20, &u32, 4);
	r2.byte_count = 5000;
	memcpy(b + 56, &r2, 8);
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u, ranges, 4), -EINVAL);
	r2.byte_count = 10;
	r2.byte_offset = 4096;
	memcpy(b + 56, &r2, 8);
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u, ranges, 4), -EINVAL);
	/* an empty range spans no page */
	r2.byte_offset = 0;
	r2.byte_count = 0;
	memcpy(b + 56, &r2, 8);
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u, ranges, 4), 0);
	CHECK_EQ(pp.ranges[1].npfns, 0);
	/* offset8 too small for the GPA-direct header */
	d.offset8 = 2;
	memcpy(b, &d, 16);
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u, ranges, 4), -EINVAL);
	/* len8 disagreeing with the copied length */
	CHECK_EQ(vmbus_pkt_parse(&pp, b, 8, ranges, 4), -EPROTO);
	CHECK_EQ(vmbus_pkt_parse(&pp, b, d.len8 * 8u + 8, ranges, 4), -EPROTO);
	return true;
}

/* transfer-page packets built in @b: id 3, two ranges */
static bool parse_xfer_pages(uint8_t *b)
{
	struct vmtransfer_page_packet_header x = {
		.d = { .type = VM_PKT_DATA_USING_XFER_PAGES, .offset8 = 5,
		       .len8 = 6 },
		.xfer_pageset_id = 3, .sender_owns_set = 1, .range_cnt = 2,
	};
	struct vmtransfer_page_range xr[2] = { { 100, 0 }, { 200, 4096 } };
	struct gpa_pages ranges[4];
	struct vmbus_pkt pp;

	memset(b, 0, PARSE_BUF_LEN);
	memcpy(b, &x, sizeof(x));
	memcpy(b + sizeof(x), xr, sizeof(xr));
	CHECK_EQ(vmbus_pkt_parse(&pp, b, 48, ranges, 4), 0);
	CHECK(pp.xfer_pageset_id == 3 && pp.nxfer == 2 &&
	      pp.xfer[1].byte_offset == 4096 && pp.xfer_sender_owns_set);
	CHECK_EQ(pp.data_len, 8);
	x.range_cnt = 3;
	memcpy(b, &x, sizeof(x));
	CHECK_EQ(vmbus_pkt_parse(&pp, b, 48, ranges, 4), -EINVAL);
	x.range_cnt = 0x80000000;
	memcpy(b, &x, sizeof(x));
	CHECK_EQ(vmbus_pkt_parse(&pp, b, 48, ranges, 4), -EINVAL);
	x.d.offset8 = 2;
	memcpy(b, &x, sizeof(x));
	CHECK_EQ(vmbus_pkt_parse(&pp, b, 48, ranges, 4), -EINVAL);
	return true;
}

static bool parse_packets(void)
{
	uint8_t b[PARSE_BUF_LEN] __attribute__((aligned(8)));

	CHECK(parse_gpa_direct(b));
	CHECK(parse_xfer_pages(b));
	return true;
}

/* garbage indices and data: the host must neither crash nor loop */
static bool fuzz(void)
{
	uint64_t seed = 42;
	struct gpa_pages ranges[VMBUS_PKT_MAX_RANGES];
	struct pair p;

	for (int round = 0; round < 300; round++) {
		struct hv_ring_buffer *c;
		uint32_t len;

		CHECK(make(&p, 2, true));
		c = tring_ctrl(&p.g);
		for (uint32_t i = 0; i < p.g.size; i += 8) {
			uint64_t v;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			v = seed;
			/* plausible descriptors now and then */
			if (i % 64 == 0 && (seed >> 60) < 8)
				v = (seed & 0xffff000000000000ull) | 0x0002000000020006ull;
			tring_copy(&p.g, i, &v, 8, true);
		}
		c->write_index = (uint32_t)(seed >> 20) % p.g.size & ~7u;
		for (int k = 0; k < 100; k++) {
			struct vmbus_pkt pp;

			if (ring_peek(&p.h, pkt, sizeof(pkt), &len))
				break;
			vmbus_pkt_parse(&pp, pkt, len, ranges, VMBUS_PKT_MAX_RANGES);
			ring_consume(&p.h, len);
		}
		tg_free(&p.t);
	}
	return true;
}

static const struct tap_test tests[] = {
	{ "guest -> host packet across scattered pages", guest_to_host },
	{ "host -> guest packet, padding and trailer", host_to_guest },
	{ "wrap-around: 3000 packets each way through 8 KiB", wrap_around },
	{ "full ring: strictly more room than the packet", full_ring },
	{ "writer signals: empty -> non-empty, interrupt_mask, pending_send_sz", writer_signals },
	{ "reader signals the blocked guest only on crossing", reader_signals },
	{ "corrupt indices are refused, not fatal", corrupt_indices },
	{ "corrupt len8/offset8/trailer stop the ring", corrupt_lengths },
	{ "packet parsing: GPA direct and transfer pages", parse_packets },
	{ "fuzz: random ring contents", fuzz },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
