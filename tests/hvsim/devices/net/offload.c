// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offload emulation on Ethernet frames (see net_offload.h).  Header
 * layouts are those of the RFCs (IPv4: RFC 791, IPv6: RFC 8200, TCP:
 * RFC 793, UDP: RFC 768, 802.1Q tags: IEEE 802.1Q); fields are read and
 * written byte by byte (network order), never through casts, so a frame
 * may sit at any alignment.
 */
#include <string.h>

#include "lib/be.h"
#include "offload.h"

/* IPv6 extension headers we walk (RFC 8200 section 4, RFC 4302 for AH) */
#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_DSTOPTS	60
#define IP6_MAX_EXT	8

static int parse_l4(const uint8_t *f, struct net_pkt *p, uint32_t off)
{
	uint32_t avail = p->l3_end - off;

	p->l4_off = 0;
	p->l4_hlen = 0;
	if (p->frag)
		return 0;
	if (p->l4_proto == NET_IPPROTO_TCP) {
		uint32_t doff;

		if (avail < 20)
			return -1;
		doff = (uint32_t)(f[off + 12] >> 4) * 4;
		if (doff < 20 || doff > avail)
			return -1;
		p->l4_hlen = (uint16_t)doff;
	} else if (p->l4_proto == NET_IPPROTO_UDP) {
		if (avail < 8)
			return -1;
		/* UDP length may not exceed the datagram (RFC 768) */
		if (!p->ip_len_zero && be16(f + off + 4) > avail)
			return -1;
		p->l4_hlen = 8;
	} else {
		return 0;
	}
	p->l4_off = (uint16_t)off;
	return 0;
}

static int parse_ip4(const uint8_t *f, struct net_pkt *p, uint32_t off)
{
	uint32_t avail = p->len - off, hl, tot;

	if (avail < 20 || (f[off] >> 4) != 4)
		return -1;
	hl = (uint32_t)(f[off] & 0xf) * 4;
	tot = be16(f + off + 2);
	if (hl < 20 || hl > avail)
		return -1;
	if (tot == 0) {
		/* LSOv2: the sender leaves the total length 0 */
		p->ip_len_zero = true;
		tot = avail;
	}
	if (tot < hl || tot > avail)
		return -1;
	p->ipver = 4;
	p->l3_off = (uint16_t)off;
	p->l3_hlen = (uint16_t)hl;
	p->l3_end = off + tot;
	p->l4_proto = f[off + 9];
	/* MF set or a fragment offset: no transport header to look at */
	p->frag = (be16(f + off + 6) & 0x3fff) != 0;
	return parse_l4(f, p, off + hl);
}

static int parse_ip6(const uint8_t *f, struct net_pkt *p, uint32_t off)
{
	uint32_t avail = p->len - off, plen, pos;
	uint8_t nh;

	if (avail < 40 || (f[off] >> 4) != 6)
		return -1;
	plen = be16(f + off + 4);
	if (plen == 0) {
		/* LSOv2 (or a jumbogram, which a 64 KiB frame cannot be) */
		p->ip_len_zero = true;
		plen = avail - 40;
	}
	if (plen > avail - 40)
		return -1;
	p->ipver = 6;
	p->l3_off = (uint16_t)off;
	p->l3_end = off + 40 + plen;
	nh = f[off + 6];
	pos = off + 40;
	for (int i = 0; i < IP6_MAX_EXT; i++) {
		uint32_t el;

		switch (nh) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
			if (p->l3_end - pos < 8)
				return -1;
			el = ((uint32_t)f[pos + 1] + 1) * 8;
			break;
		case IP6_AH:
			if (p->l3_end - pos < 8)
				return -1;
			el = ((uint32_t)f[pos + 1] + 2) * 4;
			break;
		case IP6_FRAGMENT:
			if (p->l3_end - pos < 8)
				return -1;
			el = 8;
			/* offset or M bit: a piece of a datagram */
			if (be16(f + pos + 2) & 0xfff9)
				p->frag = true;
			break;
		default:
			goto done;
		}
		if (el > p->l3_end - pos)
			return -1;
		nh = f[pos];
		pos += el;
	}
	/* too many extension headers: treat as no transport header */
	p->frag = true;
done:
	p->l3_hlen = (uint16_t)(pos - off);
	p->l4_proto = nh;
	return parse_l4(f, p, pos);
}

int net_parse(const uint8_t *f, uint32_t len, struct net_pkt *p)
{
	uint32_t off = 12;
	uint16_t et;

	memset(p, 0, sizeof(*p));
	if (len < ETH_HLEN_ || len > NET_MAX_FRAME)
		return -1;
	p->len = len;
	et = be16(f + off);
	while ((et == NET_ETH_P_8021Q || et == NET_ETH_P_8021AD) &&
	       p->nvlan < 2) {
		if (len < off + 6)
			return -1;
		if (!p->nvlan)
			p->vlan_tci = be16(f + off + 2);
		p->nvlan++;
		off += 4;
		et = be16(f + off);
	}
	p->ethertype = et;
	off += 2;
	if (et == NET_ETH_P_IPV4)
		return parse_ip4(f, p, off);
	if (et == NET_ETH_P_IPV6)
		return parse_ip6(f, p, off);
	return 0;
}

/* ---- checksums (RFC 1071) ---- */

uint32_t net_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *b = data;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)(b[0] << 8 | b[1]);
		b += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)b[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t net_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int net_ip4_csum_fill(uint8_t *f, const struct net_pkt *p)
{
	uint8_t *ip = f + p->l3_off;

	if (p->ipver != 4)
		return -1;
	put16(ip + 10, 0);
	put16(ip + 10, net_csum_fold(net_csum_add(0, ip, p->l3_hlen)));
	return 0;
}

bool net_ip4_csum_ok(const uint8_t *f, const struct net_pkt *p)
{
	return p->ipver == 4 &&
	       net_csum_fold(net_csum_add(0, f + p->l3_off, p->l3_hlen)) == 0;
}

/* pseudo-header sum: RFC 793 section 3.1 (IPv4), RFC 8200 section 8.1 */
static uint32_t pseudo_sum(const uint8_t *f, const struct net_pkt *p,
			   uint32_t l4len)
{
	const uint8_t *ip = f + p->l3_off;
	uint8_t tail[8] = { 0 };
	uint32_t s;

	if (p->ipver == 4) {
		s = net_csum_add(0, ip + 12, 8);
		tail[0] = 0;
		tail[1] = p->l4_proto;
		put16(tail + 2, (uint16_t)l4len);
		return net_csum_add(s, tail, 4);
	}
	/*
	 * IPv6: with a routing header the final destination would differ;
	 * hvsim uses the header's (what Linux does without segment routing)
	 */
	s = net_csum_add(0, ip + 8, 32);
	put32(tail, l4len);
	tail[7] = p->l4_proto;
	return net_csum_add(s, tail, 8);
}

static int csum_off(const struct net_pkt *p)
{
	if (!p->l4_off)
		return -1;
	if (p->l4_proto == NET_IPPROTO_TCP)
		return p->l4_off + 16;
	if (p->l4_proto == NET_IPPROTO_UDP)
		return p->l4_off + 6;
	return -1;
}

int net_l4_csum_fill(uint8_t *f, const struct net_pkt *p)
{
	int co = csum_off(p);
	uint32_t l4len;
	uint16_t c;

	if (co < 0)
		return -1;
	l4len = p->l3_end - p->l4_off;
	put16(f + co, 0);
	c = net_csum_fold(net_csum_add(pseudo_sum(f, p, l4len),
				       f + p->l4_off, l4len));
	/* UDP: a computed 0 is sent as all ones (RFC 768, RFC 8200) */
	if (p->l4_proto == NET_IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(f + co, c);
	return 0;
}

bool net_l4_csum_ok(const uint8_t *f, const struct net_pkt *p)
{
	int co = csum_off(p);
	uint32_t l4len;

	if (co < 0)
		return false;
	l4len = p->l3_end - p->l4_off;
	/* an IPv4 UDP checksum of 0 means "none": nothing to verify */
	if (p->l4_proto == NET_IPPROTO_UDP && p->ipver == 4 &&
	    be16(f + co) == 0)
		return true;
	return net_csum_fold(net_csum_add(pseudo_sum(f, p, l4len),
					  f + p->l4_off, l4len)) == 0;
}

/* ---- LSO ---- */

/* set the IP lengths of a frame whose datagram ends at @l3_end */
static void set_ip_len(uint8_t *f, struct net_pkt *p, uint32_t l3_end)
{
	uint8_t *ip = f + p->l3_off;

	p->l3_end = l3_end;
	p->ip_len_zero = false;
	if (p->ipver == 4)
		put16(ip + 2, (uint16_t)(l3_end - p->l3_off));
	else
		put16(ip + 4, (uint16_t)(l3_end - p->l3_off - 40));
}

int net_lso_segment(const uint8_t *f, uint32_t len, uint32_t mss,
		    uint8_t *buf, net_emit_fn emit, void *ctx)
{
	struct net_pkt p, s;
	uint32_t hdr, payload, seq, off = 0;
	uint16_t ip_id = 0;
	uint8_t flags;
	int n = 0;

	if (net_parse(f, len, &p) || !p.l4_off ||
	    p.l4_proto != NET_IPPROTO_TCP || !mss)
		return -1;
	hdr = (uint32_t)p.l4_off + p.l4_hlen;
	payload = p.l3_end - hdr;
	/* an IPv4 datagram must stay within 64 KiB */
	if (hdr - p.l3_off + (mss < payload ? mss : payload) > 65535)
		return -1;
	seq = be32(f + p.l4_off + 4);
	flags = f[p.l4_off + 13];
	if (p.ipver == 4)
		ip_id = be16(f + p.l3_off + 4);
	do {
		uint32_t chunk = payload - off < mss ? payload - off : mss;
		bool last = off + chunk >= payload;
		uint8_t fl = flags;
		int ret;

		memcpy(buf, f, hdr);
		memcpy(buf + hdr, f + hdr + off, chunk);
		s = p;
		set_ip_len(buf, &s, hdr + chunk);
		s.len = hdr + chunk;
		if (p.ipver == 4) {
			/* consecutive ids, as a TSO NIC numbers them */
			put16(buf + p.l3_off + 4, (uint16_t)(ip_id + n));
			net_ip4_csum_fill(buf, &s);
		}
		put32(buf + p.l4_off + 4, seq + off);
		/*
		 * FIN and PSH only on the last segment, CWR only on the
		 * first (RFC 3168 section 6.1.2; Linux tcp_gso_segment)
		 */
		if (!last)
			fl &= (uint8_t)~(NET_TCP_FIN | NET_TCP_PSH);
		if (n)
			fl &= (uint8_t)~NET_TCP_CWR;
		buf[p.l4_off + 13] = fl;
		net_l4_csum_fill(buf, &s);
		ret = emit(ctx, buf, hdr + chunk);
		n++;
		if (ret)
			return ret < 0 ? ret : n;
		off += chunk;
	} while (off < payload);
	return n;
}

/* ---- Toeplitz ---- */

/*
 * "RSS hashing functions" (Microsoft docs): for each input bit from the
 * left, if set, XOR in the leftmost 32 bits of the key, then shift the
 * key left by one.  A key shorter than the input needs is padded with 0.
 */
uint32_t net_toeplitz(const uint8_t *key, uint32_t key_len,
		      const uint8_t *in, uint32_t n)
{
	uint32_t result = 0, window = 0;
	uint32_t kpos;

	for (kpos = 0; kpos < 4; kpos++)
		window = window << 8 | (kpos < key_len ? key[kpos] : 0);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t next = kpos < key_len ? key[kpos] : 0;

		kpos++;
		for (int b = 7; b >= 0; b--) {
			if (in[i] & (1u << b))
				result ^= window;
			window = window << 1 | ((next >> b) & 1);
		}
	}
	return result;
}

bool net_rss_hash(const uint8_t *key, uint32_t key_len, unsigned int types,
		  const uint8_t *f, const struct net_pkt *p, uint32_t *hash,
		  unsigned int *used)
{
	uint8_t in[36];
	uint32_t n, alen;
	unsigned int l4t = 0, l3t;
	const uint8_t *ip = f + p->l3_off;

	if (p->ipver == 4) {
		alen = 4;
		l3t = NET_HT_IPV4;
		if (p->l4_off && p->l4_proto == NET_IPPROTO_TCP)
			l4t = NET_HT_TCP4;
		else if (p->l4_off && p->l4_proto == NET_IPPROTO_UDP)
			l4t = NET_HT_UDP4;
		memcpy(in, ip + 12, 8);
	} else if (p->ipver == 6) {
		alen = 16;
		l3t = NET_HT_IPV6;
		if (p->l4_off && p->l4_proto == NET_IPPROTO_TCP)
			l4t = NET_HT_TCP6;
		else if (p->l4_off && p->l4_proto == NET_IPPROTO_UDP)
			l4t = NET_HT_UDP6;
		memcpy(in, ip + 8, 32);
	} else {
		return false;
	}
	n = 2 * alen;
	if (l4t && (types & l4t)) {
		/* source port, destination port follow the addresses */
		memcpy(in + n, f + p->l4_off, 4);
		n += 4;
		*used = l4t;
	} else if (types & l3t) {
		*used = l3t;
	} else {
		return false;
	}
	*hash = net_toeplitz(key, key_len, in, n);
	return true;
}

/* ---- RSC ---- */

static bool rsc_candidate(const uint8_t *f, const struct net_pkt *p)
{
	uint8_t fl;

	if (!p->l4_off || p->l4_proto != NET_IPPROTO_TCP || p->frag ||
	    p->ip_len_zero)
		return false;
	/* plain IPv4 (no options) or IPv6 without extension headers */
	if ((p->ipver == 4 && p->l3_hlen != 20) ||
	    (p->ipver == 6 && p->l3_hlen != 40))
		return false;
	if (p->ipver == 4 && (be16(f + p->l3_off + 6) & 0x3fff))
		return false;
	fl = f[p->l4_off + 13];
	if ((fl & ~(NET_TCP_ACK | NET_TCP_PSH)) || !(fl & NET_TCP_ACK))
		return false;
	return p->l3_end > (uint32_t)p->l4_off + p->l4_hlen;
}

/*
 * does @f continue the held flow?  everything but lengths, ids, seq,
 * window, checksums and PSH must match (Linux tcp_gro_receive)
 */
static bool rsc_same_flow(const struct net_rsc *r, const uint8_t *f,
			  const struct net_pkt *p)
{
	const uint8_t *h = r->buf;
	const struct net_pkt *q = &r->p;
	uint32_t l3 = p->l3_off, l4 = p->l4_off;

	if (p->l3_off != q->l3_off || p->ipver != q->ipver ||
	    p->l4_off != q->l4_off || p->l4_hlen != q->l4_hlen)
		return false;
	/* Ethernet header and tags */
	if (memcmp(h, f, l3))
		return false;
	if (p->ipver == 4) {
		/* version/ihl, TOS, DF, TTL, protocol, addresses */
		if (h[l3] != f[l3] || h[l3 + 1] != f[l3 + 1] ||
		    h[l3 + 6] != f[l3 + 6] || h[l3 + 8] != f[l3 + 8] ||
		    h[l3 + 9] != f[l3 + 9] || memcmp(h + l3 + 12, f + l3 + 12, 8))
			return false;
	} else {
		/* version/class/flow label, next header, hop limit, addresses */
		if (memcmp(h + l3, f + l3, 4) || memcmp(h + l3 + 6, f + l3 + 6, 34))
			return false;
	}
	/* ports, ack number, TCP options */
	if (memcmp(h + l4, f + l4, 4) || memcmp(h + l4 + 8, f + l4 + 8, 4) ||
	    memcmp(h + l4 + 20, f + l4 + 20, p->l4_hlen - 20u))
		return false;
	return be32(f + l4 + 4) == r->next_seq;
}

static void rsc_hold(struct net_rsc *r, const uint8_t *f,
		     const struct net_pkt *p)
{
	uint32_t data = p->l3_end - p->l4_off - p->l4_hlen;

	/* keep only the datagram: Ethernet padding is dropped */
	memcpy(r->buf, f, p->l3_end);
	r->p = *p;
	r->p.len = p->l3_end;
	r->len = p->l3_end;
	r->next_seq = be32(f + p->l4_off + 4) + data;
	r->segs = 1;
}

int net_rsc_offer(struct net_rsc *r, const uint8_t *f, uint32_t len,
		  const struct net_pkt *p)
{
	uint32_t hdr, data;

	(void)len;
	if (!rsc_candidate(f, p))
		return NET_RSC_BYPASS;
	if (!r->len) {
		rsc_hold(r, f, p);
		return NET_RSC_HELD;
	}
	if (!rsc_same_flow(r, f, p))
		return NET_RSC_FLUSH;
	hdr = (uint32_t)p->l4_off + p->l4_hlen;
	data = p->l3_end - hdr;
	if (r->len - r->p.l3_off + data > NET_RSC_MAX_IP || r->segs == 0xffff)
		return NET_RSC_FLUSH;
	/* a PSH in the held frame ends it (Linux GRO flushes on PSH) */
	if (r->buf[r->p.l4_off + 13] & NET_TCP_PSH)
		return NET_RSC_FLUSH;
	memcpy(r->buf + r->len, f + hdr, data);
	r->len += data;
	r->next_seq += data;
	r->segs++;
	/* the newest window and PSH win */
	memcpy(r->buf + r->p.l4_off + 14, f + p->l4_off + 14, 2);
	r->buf[r->p.l4_off + 13] |= f[p->l4_off + 13] & NET_TCP_PSH;
	return NET_RSC_MERGED;
}

uint32_t net_rsc_finish(struct net_rsc *r, uint16_t *segs)
{
	uint32_t len = r->len;

	if (!len)
		return 0;
	if (segs)
		*segs = r->segs;
	r->p.len = len;
	set_ip_len(r->buf, &r->p, len);
	if (r->p.ipver == 4)
		net_ip4_csum_fill(r->buf, &r->p);
	net_l4_csum_fill(r->buf, &r->p);
	r->len = 0;
	r->segs = 0;
	return len;
}
