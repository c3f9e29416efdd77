/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Offload emulation on Ethernet frames for netvsp: what a host NIC does in
 * hardware, done in software on the host side of the synthetic NIC.
 *
 *  - net_parse(): Ethernet (up to two 802.1Q/802.1ad tags), IPv4, IPv6
 *    (hop-by-hop, routing, destination options, fragment and AH extension
 *    headers), TCP and UDP, with every length checked against the frame.
 *  - Internet checksums (RFC 1071) for the IPv4 header and for TCP/UDP over
 *    the pseudo-header (RFC 793/768 for IPv4, RFC 8200 section 8.1 for
 *    IPv6): fill in or verify.
 *  - LSO: cut a large TCP frame into MSS-sized segments (fixing IPv4 total
 *    length/id/checksum, IPv6 payload length, TCP sequence numbers, the
 *    FIN/PSH/CWR flags and the checksums), as RFC 7414's TSO does and as
 *    NDIS "large send offload version 2" asks of the NIC.
 *  - The Toeplitz hash of NDIS receive side scaling over the IPv4/IPv6
 *    2-tuple or TCP 4-tuple ("RSS hashing functions", Microsoft docs).
 *  - RSC: coalescing in-order TCP segments of one flow into one frame of up
 *    to 64 KiB ("Receive segment coalescing", NDIS docs; the rules follow
 *    what Linux GRO merges: same headers but length/seq, only ACK/PSH).
 *
 * Nothing here knows about NVSP or RNDIS; frames are plain byte arrays.
 */
#ifndef HVSIM_NET_OFFLOAD_H
#define HVSIM_NET_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN_		6
#define ETH_HLEN_		14
#define NET_ETH_P_IPV4		0x0800
#define NET_ETH_P_IPV6		0x86dd
#define NET_ETH_P_8021Q		0x8100
#define NET_ETH_P_8021AD	0x88a8
#define NET_IPPROTO_TCP		6
#define NET_IPPROTO_UDP		17

/* TCP flags (RFC 793, RFC 3168) */
#define NET_TCP_FIN	0x01
#define NET_TCP_SYN	0x02
#define NET_TCP_RST	0x04
#define NET_TCP_PSH	0x08
#define NET_TCP_ACK	0x10
#define NET_TCP_URG	0x20
#define NET_TCP_ECE	0x40
#define NET_TCP_CWR	0x80

/* largest frame hvsim moves: a 64 KiB IP datagram + Ethernet + 2 tags */
#define NET_MAX_FRAME	(65535u + ETH_HLEN_ + 8u)

struct net_pkt {
	/* frame bytes considered (no Ethernet padding trimmed: see l3_end) */
	uint32_t len;
	uint16_t ethertype;	/* after the VLAN tags */
	uint8_t nvlan;		/* 0..2 tags */
	uint16_t vlan_tci;	/* the outer tag's TCI, if nvlan */
	uint16_t l3_off;	/* 0: not IP */
	uint8_t ipver;		/* 4, 6, or 0 */
	uint16_t l3_hlen;	/* IPv4 header or IPv6 header + extensions */
	uint32_t l3_end;	/* end of the IP datagram in the frame */
	/*
	 * IPv4 total length / IPv6 payload length was 0: the datagram runs
	 * to the end (LSOv2)
	 */
	bool ip_len_zero;
	bool frag;		/* a fragment: no transport header */
	uint8_t l4_proto;	/* TCP/UDP/other (valid if ipver) */
	uint16_t l4_off;	/* 0: no TCP/UDP header parsed */
	uint16_t l4_hlen;	/* TCP data offset * 4, or 8 for UDP */
};

/*
 * Parse @f[0..len).  0 on success (also for non-IP frames: l3_off 0), or
 * -1 if a header the frame claims is cut off or inconsistent.
 */
int net_parse(const uint8_t *f, uint32_t len, struct net_pkt *p);

/* RFC 1071 one's-complement sum, unfolded; @sum carries on */
uint32_t net_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t net_csum_fold(uint32_t sum);

/* fill in the IPv4 header checksum; -1 if not IPv4 */
int net_ip4_csum_fill(uint8_t *f, const struct net_pkt *p);
bool net_ip4_csum_ok(const uint8_t *f, const struct net_pkt *p);
/*
 * Fill in the TCP or UDP checksum over the pseudo-header and the segment
 * [l4_off, l3_end); -1 if the frame carries neither.
 */
int net_l4_csum_fill(uint8_t *f, const struct net_pkt *p);
bool net_l4_csum_ok(const uint8_t *f, const struct net_pkt *p);

/*
 * Cut the TCP frame @f into segments of at most @mss payload bytes, each
 * a complete frame with correct lengths and checksums, passed to @emit
 * (whose non-zero return stops the walk and is returned).  A frame whose
 * payload fits one segment is emitted once, with checksums filled.
 * @buf is scratch of NET_MAX_FRAME bytes.  Returns the number of segments
 * emitted, or a negative value: -1 not TCP / bad frame / mss 0.
 */
typedef int (*net_emit_fn)(void *ctx, const uint8_t *frame, uint32_t len);
int net_lso_segment(const uint8_t *f, uint32_t len, uint32_t mss,
		    uint8_t *buf, net_emit_fn emit, void *ctx);

/* ---- RSS ---- */

#define NET_RSS_KEY_LEN		40	/* NDIS: 40-byte Toeplitz key */

uint32_t net_toeplitz(const uint8_t *key, uint32_t key_len,
		      const uint8_t *in, uint32_t n);

/* which inputs the guest enabled (netvsp maps the NDIS hash types) */
enum {
	NET_HT_IPV4	= 1 << 0,	/* src, dst */
	NET_HT_TCP4	= 1 << 1,	/* src, dst, sport, dport */
	NET_HT_IPV6	= 1 << 2,
	NET_HT_TCP6	= 1 << 3,
	NET_HT_UDP4	= 1 << 4,
	NET_HT_UDP6	= 1 << 5,
};

/*
 * The RSS hash of a parsed frame with the enabled @types: the 4-tuple for
 * TCP (UDP) when TCP4/TCP6 (UDP4/UDP6) is on, else the 2-tuple if
 * IPV4/IPV6 is on.  Returns false (no hash) otherwise; *@used says which
 * type was hashed.
 */
bool net_rss_hash(const uint8_t *key, uint32_t key_len, unsigned int types,
		  const uint8_t *f, const struct net_pkt *p, uint32_t *hash,
		  unsigned int *used);

/* ---- RSC ---- */

#define NET_RSC_MAX_IP	65535u	/* the coalesced IP datagram */

struct net_rsc {
	uint8_t *buf;		/* NET_MAX_FRAME bytes, owned by the caller */
	uint32_t len;		/* 0: nothing held */
	struct net_pkt p;	/* of the held frame's headers */
	uint32_t next_seq;
	uint16_t segs;		/* segments merged into the held frame */
};

/*
 * Offer the frame @f to the coalescer:
 *   NET_RSC_MERGED   appended to the held frame
 *   NET_RSC_HELD     nothing was held; the frame is held now
 *   NET_RSC_FLUSH    cannot merge: deliver the held frame (net_rsc_finish)
 *                    first, then offer this one again
 *   NET_RSC_BYPASS   not a candidate (not TCP, flags, no payload, ...):
 *                    deliver the held frame first, then this one as is
 */
enum { NET_RSC_MERGED, NET_RSC_HELD, NET_RSC_FLUSH, NET_RSC_BYPASS };
int net_rsc_offer(struct net_rsc *r, const uint8_t *f, uint32_t len,
		  const struct net_pkt *p);
/*
 * Fix lengths and checksums of the held frame; returns its length (the
 * frame is r->buf) and makes the coalescer empty.  0 if nothing was held.
 */
uint32_t net_rsc_finish(struct net_rsc *r, uint16_t *segs);

#endif /* HVSIM_NET_OFFLOAD_H */
