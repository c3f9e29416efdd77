// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_offload.c: parsing (VLAN, IPv4 options, IPv6 extension headers,
 * truncated and inconsistent frames), checksums against independently
 * computed values, LSO segmentation (lengths, ids, seq, flags, checksums,
 * reassembled payload), Toeplitz against Microsoft's published
 * verification vectors, RSC coalescing and its refusals.
 */
#include "lib/be.h"
#include "tests/vmbus_guest.h"
#include "devices/net/tests/ms_rss_key.h"
#include "devices/net/offload.h"

static uint8_t frame[NET_MAX_FRAME];
static uint8_t scratch[NET_MAX_FRAME];

static const uint8_t dmac[6] = { 0x00, 0x15, 0x5d, 0, 0, 1 };
static const uint8_t smac[6] = { 0x00, 0x15, 0x5d, 0, 0, 2 };

struct fspec {
	int ipver;		/* 4 or 6 */
	uint8_t proto;		/* 6 or 17 */
	int vlan;		/* tags */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint32_t payload;
	uint8_t fill;		/* payload byte base */
	int tcp_opt;		/* option bytes (multiple of 4) */
	int ip6_ext;		/* a hop-by-hop header of 8 bytes */
};

/* an independent one's-complement sum, 16 bits at a time */
static uint16_t ref_csum(const uint8_t *a, size_t n, uint32_t init)
{
	uint64_t s = init;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)a[i] << 8 | a[i + 1];
	if (n & 1)
		s += (uint32_t)a[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* build a frame; returns its length (checksums left 0) */
static uint32_t build(uint8_t *f, const struct fspec *s)
{
	uint32_t off = 12, l3, l4, l4h, i;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	for (int v = 0; v < s->vlan; v++) {
		put16(f + off, v == 0 && s->vlan == 2 ? 0x88a8 : 0x8100);
		put16(f + off + 2, (uint16_t)(100 + v));
		off += 4;
	}
	put16(f + off, s->ipver == 4 ? 0x0800 : 0x86dd);
	l3 = off + 2;
	l4h = s->proto == 6 ? 20u + (uint32_t)s->tcp_opt : 8u;
	if (s->ipver == 4) {
		memset(f + l3, 0, 20);
		f[l3] = 0x45;
		put16(f + l3 + 2, (uint16_t)(20 + l4h + s->payload));
		put16(f + l3 + 4, 0x1234);
		put16(f + l3 + 6, 0x4000);	/* DF */
		f[l3 + 8] = 64;
		f[l3 + 9] = s->proto;
		memcpy(f + l3 + 12, s->src, 4);
		memcpy(f + l3 + 16, s->dst, 4);
		l4 = l3 + 20;
	} else {
		uint32_t ext = s->ip6_ext ? 8 : 0;

		memset(f + l3, 0, 40);
		f[l3] = 0x60;
		put16(f + l3 + 4, (uint16_t)(ext + l4h + s->payload));
		f[l3 + 6] = s->ip6_ext ? 0 : s->proto;
		f[l3 + 7] = 64;
		memcpy(f + l3 + 8, s->src, 16);
		memcpy(f + l3 + 24, s->dst, 16);
		l4 = l3 + 40;
		if (ext) {
			memset(f + l4, 0, 8);
			f[l4] = s->proto;
			f[l4 + 2] = 1;		/* PadN */
			f[l4 + 3] = 4;
			l4 += 8;
		}
	}
	memset(f + l4, 0, l4h);
	put16(f + l4, s->sport);
	put16(f + l4 + 2, s->dport);
	if (s->proto == 6) {
		put32(f + l4 + 4, s->seq);
		put32(f + l4 + 8, s->ack);
		f[l4 + 12] = (uint8_t)((l4h / 4) << 4);
		f[l4 + 13] = s->flags;
		put16(f + l4 + 14, 512);
		for (i = 20; i < l4h; i++)
			f[l4 + i] = 1;		/* NOPs */
	} else {
		put16(f + l4 + 4, (uint16_t)(8 + s->payload));
	}
	for (i = 0; i < s->payload; i++)
		f[l4 + l4h + i] = (uint8_t)(s->fill + i * 7);
	return l4 + l4h + s->payload;
}

static const struct fspec tcp4 = {
	.ipver = 4, .proto = 6, .src = { 10, 0, 0, 2 }, .dst = { 10, 0, 0, 1 },
	.sport = 40000, .dport = 5201, .seq = 0xfffff000, .ack = 77,
	.flags = NET_TCP_ACK | NET_TCP_PSH, .payload = 100,
};

static const struct fspec udp6 = {
	.ipver = 6, .proto = 17,
	.src = { 0xfe, 0x80, [15] = 2 }, .dst = { 0xfe, 0x80, [15] = 1 },
	.sport = 1000, .dport = 2000, .payload = 33,
};

static bool t_parse(void)
{
	struct net_pkt p;
	struct fspec s = tcp4;
	uint32_t len;

	s.vlan = 2;
	s.tcp_opt = 12;
	len = build(frame, &s);
	CHECK_EQ(net_parse(frame, len, &p), 0);
	CHECK_EQ(p.nvlan, 2);
	CHECK_EQ(p.vlan_tci, 100);
	CHECK_EQ(p.ipver, 4);
	CHECK_EQ(p.l3_off, 22);
	CHECK_EQ(p.l4_off, 42);
	CHECK_EQ(p.l4_hlen, 32);
	CHECK_EQ(p.l3_end, len);

	s = udp6;
	s.ip6_ext = 1;
	len = build(frame, &s);
	CHECK_EQ(net_parse(frame, len, &p), 0);
	CHECK_EQ(p.ipver, 6);
	CHECK_EQ(p.l3_hlen, 48);
	CHECK_EQ(p.l4_proto, 17);
	CHECK_EQ(p.l4_off, 14 + 48);
	/* Ethernet padding after the datagram is not part of it */
	memset(frame + len, 0, 10);
	CHECK_EQ(net_parse(frame, len + 10, &p), 0);
	CHECK_EQ(p.l3_end, len);

	/* every truncation fails or stops short, never reads beyond */
	for (uint32_t l = 0; l < len; l++) {
		int r = net_parse(frame, l, &p);

		CHECK(r == -1 || (p.l3_end <= l && p.l4_off + p.l4_hlen <= l));
	}
	/* inconsistent lengths */
	s = tcp4;
	len = build(frame, &s);
	put16(frame + 16, 9000);
	CHECK_EQ(net_parse(frame, len, &p), -1);
	put16(frame + 16, 10);		/* shorter than the header */
	CHECK_EQ(net_parse(frame, len, &p), -1);
	len = build(frame, &s);
	frame[14] = 0x4f;		/* IHL 60 bytes: beyond TCP start */
	CHECK_EQ(net_parse(frame, 14 + 50, &p), -1);
	len = build(frame, &s);
	frame[34 + 12] = 0xf0;		/* TCP data offset 60 > left */
	CHECK_EQ(net_parse(frame, 14 + 20 + 40, &p), -1);
	/* a fragment has no transport header */
	len = build(frame, &s);
	put16(frame + 20, 0x2000);	/* MF */
	CHECK_EQ(net_parse(frame, len, &p), 0);
	CHECK(p.frag && !p.l4_off);
	/* not IP */
	put16(frame + 12, 0x0806);
	CHECK_EQ(net_parse(frame, 60, &p), 0);
	CHECK_EQ(p.ipver, 0);
	CHECK_EQ(net_parse(frame, 13, &p), -1);
	return true;
}

static bool t_csum(void)
{
	struct net_pkt p;
	uint32_t len = build(frame, &tcp4);
	uint8_t ph[12];
	uint16_t want;

	CHECK_EQ(net_parse(frame, len, &p), 0);
	CHECK_EQ(net_ip4_csum_fill(frame, &p), 0);
	put16(frame + 24, 0);
	want = ref_csum(frame + 14, 20, 0);
	CHECK_EQ(net_ip4_csum_fill(frame, &p), 0);
	CHECK_EQ(be16(frame + 24), want);
	CHECK(net_ip4_csum_ok(frame, &p));
	frame[22]--;			/* TTL */
	CHECK(!net_ip4_csum_ok(frame, &p));
	frame[22]++;

	/* TCP over the pseudo-header: src, dst, 0, proto, length */
	memcpy(ph, frame + 26, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)(len - 34));
	{
		uint64_t s = 0;

		for (int i = 0; i < 12; i += 2)
			s += (uint32_t)ph[i] << 8 | ph[i + 1];
		want = ref_csum(frame + 34, len - 34, (uint32_t)s);
	}
	CHECK_EQ(net_l4_csum_fill(frame, &p), 0);
	CHECK_EQ(be16(frame + 34 + 16), want);
	CHECK(net_l4_csum_ok(frame, &p));
	frame[len - 1] ^= 0x40;
	CHECK(!net_l4_csum_ok(frame, &p));

	/* UDP over IPv6 with an extension header */
	{
		struct fspec s = udp6;

		s.ip6_ext = 1;
		len = build(frame, &s);
		CHECK_EQ(net_parse(frame, len, &p), 0);
		CHECK_EQ(net_l4_csum_fill(frame, &p), 0);
		CHECK(be16(frame + p.l4_off + 6) != 0);
		CHECK(net_l4_csum_ok(frame, &p));
		frame[p.l3_off + 8] ^= 1;	/* source address */
		CHECK(!net_l4_csum_ok(frame, &p));
	}
	/* IPv4 UDP checksum 0 = none */
	{
		struct fspec s = udp6;

		s.ipver = 4;
		memcpy(s.src, tcp4.src, 4);
		memcpy(s.dst, tcp4.dst, 4);
		len = build(frame, &s);
		CHECK_EQ(net_parse(frame, len, &p), 0);
		CHECK(net_l4_csum_ok(frame, &p));
	}
	return true;
}

/* LSO: collect the segments and check them */
struct segs {
	int n;
	uint32_t total;
	uint8_t data[70000];
	uint32_t first_seq;
	uint16_t first_id;
	bool bad;
	int stop_after;
};

static int collect(void *ctx, const uint8_t *f, uint32_t len)
{
	struct segs *sg = ctx;
	struct net_pkt p;
	uint32_t hdr, dl;

	if (net_parse(f, len, &p) || !p.l4_off || p.l3_end != len) {
		sg->bad = true;
		return 0;
	}
	if ((p.ipver == 4 && !net_ip4_csum_ok(f, &p)) || !net_l4_csum_ok(f, &p))
		sg->bad = true;
	hdr = p.l4_off + p.l4_hlen;
	dl = len - hdr;
	if (!sg->n) {
		sg->first_seq = be32(f + p.l4_off + 4);
		if (p.ipver == 4)
			sg->first_id = be16(f + p.l3_off + 4);
	} else {
		if (be32(f + p.l4_off + 4) != sg->first_seq + sg->total)
			sg->bad = true;
		if (p.ipver == 4 &&
		    be16(f + p.l3_off + 4) != (uint16_t)(sg->first_id + sg->n))
			sg->bad = true;
		if (f[p.l4_off + 13] & NET_TCP_CWR)
			sg->bad = true;
	}
	memcpy(sg->data + sg->total, f + hdr, dl);
	sg->total += dl;
	sg->n++;
	return sg->stop_after && sg->n >= sg->stop_after ? 1 : 0;
}

static struct segs sg;

static bool t_lso(void)
{
	struct fspec s = tcp4;
	struct net_pkt p;
	uint32_t len;
	int n;

	s.payload = 64000;
	s.flags = NET_TCP_ACK | NET_TCP_PSH | NET_TCP_FIN | NET_TCP_CWR;
	len = build(frame, &s);
	/* LSOv2 as netvsc sends it: IPv4 total length 0 */
	put16(frame + 16, 0);
	memset(&sg, 0, sizeof(sg));
	n = net_lso_segment(frame, len, 1448, scratch, collect, &sg);
	CHECK_EQ(n, (64000 + 1447) / 1448);
	CHECK(!sg.bad);
	CHECK_EQ(sg.total, 64000);
	CHECK_EQ(sg.first_seq, 0xfffff000);	/* wraps */
	CHECK_EQ(sg.first_id, 0x1234);
	CHECK(!memcmp(sg.data, frame + 54, 64000));
	/* flags: only the last has FIN/PSH (checked through the scratch) */
	CHECK_EQ(net_parse(scratch, 54 + 64000 % 1448, &p), 0);
	CHECK_EQ(scratch[47], NET_TCP_ACK | NET_TCP_PSH | NET_TCP_FIN);

	/* IPv6 with an extension header and TCP options */
	s.ipver = 6;
	memcpy(s.src, udp6.src, 16);
	memcpy(s.dst, udp6.dst, 16);
	s.ip6_ext = 1;
	s.tcp_opt = 12;
	s.payload = 9000;
	len = build(frame, &s);
	memset(&sg, 0, sizeof(sg));
	n = net_lso_segment(frame, len, 1000, scratch, collect, &sg);
	CHECK_EQ(n, 9);
	CHECK(!sg.bad);
	CHECK_EQ(sg.total, 9000);

	/* small frame: one segment with checksums */
	s = tcp4;
	len = build(frame, &s);
	memset(&sg, 0, sizeof(sg));
	CHECK_EQ(net_lso_segment(frame, len, 1448, scratch, collect, &sg), 1);
	CHECK(!sg.bad);
	/* emit stops the walk */
	s.payload = 10000;
	len = build(frame, &s);
	memset(&sg, 0, sizeof(sg));
	sg.stop_after = 2;
	CHECK_EQ(net_lso_segment(frame, len, 1000, scratch, collect, &sg), 2);
	/* not TCP, mss 0 */
	len = build(frame, &udp6);
	CHECK_EQ(net_lso_segment(frame, len, 1000, scratch, collect, &sg), -1);
	len = build(frame, &tcp4);
	CHECK_EQ(net_lso_segment(frame, len, 0, scratch, collect, &sg), -1);
	return true;
}

/*
 * "Verifying the RSS Hash Calculation" (Microsoft NDIS docs): for the key
 * (ms_rss_key.h) and each destination/source pair, the IPv4 (IPv6) hash
 * without and with the TCP ports.  The hash input is source address,
 * destination address, source port, destination port.
 */
struct v4vec {
	uint8_t dst[4]; uint16_t dport;
	uint8_t src[4]; uint16_t sport;
	uint32_t ip, tcp;
};

static const struct v4vec v4[] = {
	{ { 161, 142, 100, 80 }, 1766, { 66, 9, 149, 187 }, 2794,
	  0x323e8fc2, 0x51ccc178 },
	{ { 65, 69, 140, 83 }, 4739, { 199, 92, 111, 2 }, 14230,
	  0xd718262a, 0xc626b0ea },
	{ { 12, 22, 207, 184 }, 38024, { 24, 19, 198, 95 }, 12898,
	  0xd2d0a5de, 0x5c2b394a },
	{ { 209, 142, 163, 6 }, 2217, { 38, 27, 205, 30 }, 48228,
	  0x82989176, 0xafc7327f },
	{ { 202, 188, 127, 2 }, 1303, { 153, 39, 163, 191 }, 44251,
	  0x5d1809c5, 0x10e828a2 },
};

struct v6vec {
	uint8_t dst[16]; uint16_t dport;
	uint8_t src[16]; uint16_t sport;
	uint32_t ip, tcp;
};

static const struct v6vec v6[] = {
	{ { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, [15] = 1 }, 1766,
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, [15] = 7 }, 2794,
	  0x2cc18cd5, 0x40207d3d },
	{ { 0xff, 0x02, [15] = 1 }, 4739,
	  { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97, 0xff,
	    0xfe, 0x40, 0xef, 0xab }, 14230,
	  0x0f0c461c, 0xdde51bbf },
	{ { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21,
	    0x67, 0xcf }, 38024,
	  { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8,
	    0xff, 0xfe, 0x21, 0x67, 0xcf }, 44251,
	  0x4b61e985, 0x02d1feef },
};

static bool t_toeplitz(void)
{
	uint8_t in[36];
	struct net_pkt p;
	uint32_t h, len;
	unsigned int used;

	for (size_t i = 0; i < ARRAY_SIZE(v4); i++) {
		memcpy(in, v4[i].src, 4);
		memcpy(in + 4, v4[i].dst, 4);
		put16(in + 8, v4[i].sport);
		put16(in + 10, v4[i].dport);
		CHECK_EQ(net_toeplitz(ms_rss_key, 40, in, 8), v4[i].ip);
		CHECK_EQ(net_toeplitz(ms_rss_key, 40, in, 12), v4[i].tcp);

		/* the same through a parsed frame */
		{
			struct fspec s = tcp4;

			memcpy(s.src, v4[i].src, 4);
			memcpy(s.dst, v4[i].dst, 4);
			s.sport = v4[i].sport;
			s.dport = v4[i].dport;
			len = build(frame, &s);
		}
		CHECK_EQ(net_parse(frame, len, &p), 0);
		CHECK(net_rss_hash(ms_rss_key, 40, NET_HT_IPV4 | NET_HT_TCP4, frame,
				   &p, &h, &used));
		CHECK_EQ(h, v4[i].tcp);
		CHECK_EQ(used, NET_HT_TCP4);
		CHECK(net_rss_hash(ms_rss_key, 40, NET_HT_IPV4, frame, &p, &h, &used));
		CHECK_EQ(h, v4[i].ip);
		CHECK_EQ(used, NET_HT_IPV4);
		CHECK(!net_rss_hash(ms_rss_key, 40, NET_HT_IPV6 | NET_HT_TCP6, frame,
				    &p, &h, &used));
	}
	for (size_t i = 0; i < ARRAY_SIZE(v6); i++) {
		memcpy(in, v6[i].src, 16);
		memcpy(in + 16, v6[i].dst, 16);
		put16(in + 32, v6[i].sport);
		put16(in + 34, v6[i].dport);
		CHECK_EQ(net_toeplitz(ms_rss_key, 40, in, 32), v6[i].ip);
		CHECK_EQ(net_toeplitz(ms_rss_key, 40, in, 36), v6[i].tcp);
		{
			struct fspec s = tcp4;

			s.ipver = 6;
			s.ip6_ext = 1;	/* extension headers do not change it */
			memcpy(s.src, v6[i].src, 16);
			memcpy(s.dst, v6[i].dst, 16);
			s.sport = v6[i].sport;
			s.dport = v6[i].dport;
			len = build(frame, &s);
		}
		CHECK_EQ(net_parse(frame, len, &p), 0);
		CHECK(net_rss_hash(ms_rss_key, 40, NET_HT_IPV6 | NET_HT_TCP6, frame,
				   &p, &h, &used));
		CHECK_EQ(h, v6[i].tcp);
		CHECK(net_rss_hash(ms_rss_key, 40, NET_HT_IPV6, frame, &p, &h, &used));
		CHECK_EQ(h, v6[i].ip);
	}
	return true;
}

static uint8_t rscbuf[NET_MAX_FRAME];

/* the flow every RSC step uses: tcp4, ACK, 12 bytes of TCP options */
static struct fspec rsc_flow(void)
{
	struct fspec s = tcp4;

	s.flags = NET_TCP_ACK;
	s.tcp_opt = 12;
	return s;
}

/* three 1000-byte segments make the one 3000-byte segment; PSH ends it */
static bool rsc_merge(struct net_rsc *r)
{
	struct fspec s = rsc_flow();
	struct net_pkt p, q;
	uint8_t big[4000];
	uint32_t len = 0, blen;
	uint16_t segs;

	/* the reference: one 3000-byte segment */
	s.payload = 3000;
	blen = build(big, &s);
	/* three 1000-byte pieces of the same stream */
	for (int i = 0; i < 3; i++) {
		struct fspec t = s;

		t.payload = 1000;
		t.seq = s.seq + 1000u * (unsigned int)i;
		t.fill = (uint8_t)(s.fill + 7000u * (unsigned int)i);
		if (i == 2)
			t.flags |= NET_TCP_PSH;
		len = build(frame, &t);
		/* Ethernet padding must not be merged */
		memset(frame + len, 0xee, 4);
		CHECK_EQ(net_parse(frame, len + 4, &p), 0);
		CHECK_EQ(net_rsc_offer(r, frame, len + 4, &p),
			 i ? NET_RSC_MERGED : NET_RSC_HELD);
	}
	/* PSH ends it */
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_FLUSH);
	len = net_rsc_finish(r, &segs);
	CHECK_EQ(segs, 3);
	CHECK_EQ(len, blen);
	CHECK_EQ(net_parse(rscbuf, len, &q), 0);
	CHECK(net_ip4_csum_ok(rscbuf, &q));
	CHECK(net_l4_csum_ok(rscbuf, &q));
	CHECK(!memcmp(rscbuf + q.l4_off + q.l4_hlen, big + q.l4_off + q.l4_hlen,
		      3000));
	CHECK_EQ(rscbuf[q.l4_off + 13], NET_TCP_ACK | NET_TCP_PSH);
	CHECK_EQ(net_rsc_finish(r, &segs), 0);
	return true;
}

/* refusals: out of order, other flow, SYN, no payload, UDP */
static bool rsc_refusals(struct net_rsc *r)
{
	struct fspec s = rsc_flow(), t;
	struct net_pkt p;
	uint32_t len;
	uint16_t segs;

	s.payload = 1000;
	len = build(frame, &s);
	net_parse(frame, len, &p);
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_HELD);
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_FLUSH);	/* same seq */
	t = s;
	t.seq += 1000;
	t.sport++;
	len = build(frame, &t);
	net_parse(frame, len, &p);
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_FLUSH);
	t.sport--;
	t.ack++;
	len = build(frame, &t);
	net_parse(frame, len, &p);
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_FLUSH);
	t.ack--;
	t.flags |= NET_TCP_SYN;
	len = build(frame, &t);
	net_parse(frame, len, &p);
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_BYPASS);
	t.flags = NET_TCP_ACK;
	t.payload = 0;
	len = build(frame, &t);
	net_parse(frame, len, &p);
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_BYPASS);
	len = build(frame, &udp6);
	net_parse(frame, len, &p);
	CHECK_EQ(net_rsc_offer(r, frame, len, &p), NET_RSC_BYPASS);
	CHECK(net_rsc_finish(r, &segs) > 0);
	CHECK_EQ(segs, 1);
	return true;
}

/* the 64 KiB limit */
static bool rsc_limit(struct net_rsc *r)
{
	struct fspec s = rsc_flow();
	struct net_pkt p, q;
	uint32_t len;
	uint16_t segs;

	s.payload = 1448;
	for (int i = 0;; i++) {
		int ret;

		s.seq = 1000u + 1448u * (unsigned int)i;
		len = build(frame, &s);
		net_parse(frame, len, &p);
		ret = net_rsc_offer(r, frame, len, &p);
		if (ret == NET_RSC_FLUSH) {
			CHECK(i > 40);
			break;
		}
		CHECK(i < 50);
	}
	len = net_rsc_finish(r, &segs);
	CHECK(len - 14 <= 65535);
	CHECK_EQ(net_parse(rscbuf, len, &q), 0);
	CHECK(net_l4_csum_ok(rscbuf, &q));
	return true;
}

static bool t_rsc(void)
{
	struct net_rsc r = { .buf = rscbuf };

	return rsc_merge(&r) && rsc_refusals(&r) && rsc_limit(&r);
}

int main(void)
{
	static const struct tap_test tests[] = {
		{ "parse: VLAN, IPv6 extensions, truncation", t_parse },
		{ "checksums: IPv4 header, TCP, UDP/IPv6", t_csum },
		{ "LSO segmentation v4/v6", t_lso },
		{ "Toeplitz: NDIS verification vectors", t_toeplitz },
		{ "RSC coalescing and refusals", t_rsc },
	};

	return tap_run(tests, ARRAY_SIZE(tests));
}
