// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsp: wire -> guest, and the receive buffer.
 *
 * The receive buffer (the guest's GPADL, SEND_RECV_BUF) is cut into
 * slots of sub_size bytes; the first NETVSP_CTRL_SLOTS are kept for RNDIS
 * control answers and indications (openvmm RX_RESERVED_CONTROL_BUFFERS).
 * Each message to the guest is an RNDIS message in one slot, or, for a
 * coalesced (RSC) frame larger than a slot, in several slots; it goes out
 * as one VM_PKT_DATA_USING_XFER_PAGES with one range per slot and an NVSP
 * SEND_RNDIS_PKT, completion requested.  The slots come back when the
 * guest's VM_PKT_COMP with the same trans_id arrives (netvsc.c
 * send_recv_completions); trans_id is the packet's first slot in the low
 * 32 bits and a generation above, so a forged or repeated completion is
 * recognised and counted, never frees a slot twice.
 *
 * A frame from the backend is delivered when the link is up, RNDIS is
 * initialized and the packet filter takes it (DIRECTED: our current MAC;
 * BROADCAST; MULTICAST or ALL_MULTICAST: any group address - Linux never
 * sends a multicast list; PROMISCUOUS: everything).  On the way:
 *  - an outer 802.1Q tag is removed and given as IEEE_8021Q_INFO (as
 *    Hyper-V does for tagged frames its port lets through);
 *  - with RX checksum offload on (OID_TCP_OFFLOAD_PARAMETERS) the IPv4
 *    header and TCP/UDP checksums are checked and TCPIP_CHKSUM_PKTINFO
 *    says succeeded/failed;
 *  - with RSS on, the Toeplitz hash over the guest's key and hash types
 *    goes in NBL_HASH_VALUE and picks the channel: itab[hash % entries]
 *    (an entry naming a channel that is not open means the primary);
 *  - with RSC on (NVSP >= 6.1, rsc_ip_v4/6 enabled) in-order TCP segments
 *    of a flow read in one backend batch are coalesced (offload.c) and
 *    a result larger than a slot is split over several slots, each piece
 *    an RNDIS packet with RNDIS_PKTINFO_ID {SUBALLOC, 1ST_FRAG on the
 *    first, LAST_FRAG on the last}; the other PPIs ride on the first piece
 *    (rndis_filter.c rndis_filter_receive_data / rsc_add_data).
 * While the guest's data path is the VF (SWITCH_DATA_PATH) no frame is
 * delivered here: Hyper-V gives them to the VF (counted in rx_vf_drops).
 * When the guest cannot take a frame (no free slot, inbound ring full)
 * it is dropped (rx_drops) and the backend stops reading until slots come
 * back or the ring has room: the loop never waits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netvsp.h"

/* pieces of one frame at most (a 64 KiB frame in 1806-byte slots: 38) */
#define RX_MAX_PIECES	128

int netvsp_rx_setup(struct netvsp *n)
{
	uint32_t cnt = n->rpages.byte_count / n->sub_size;

	if (cnt < NETVSP_CTRL_SLOTS + 2)
		return -1;
	n->free_data = calloc(cnt, sizeof(uint32_t));
	n->free_ctrl = calloc(NETVSP_CTRL_SLOTS, sizeof(uint32_t));
	n->slot_tid = calloc(cnt, sizeof(uint64_t));
	n->slot_next = calloc(cnt, sizeof(uint32_t));
	if (!n->free_data || !n->free_ctrl || !n->slot_tid || !n->slot_next) {
		netvsp_rx_teardown(n);
		return -1;
	}
	n->nslots = cnt;
	n->nfree_ctrl = 0;
	n->nfree_data = 0;
	/* lowest slots on top of the stacks */
	for (uint32_t i = NETVSP_CTRL_SLOTS; i-- > 0;)
		n->free_ctrl[n->nfree_ctrl++] = i;
	for (uint32_t i = cnt; i-- > NETVSP_CTRL_SLOTS;)
		n->free_data[n->nfree_data++] = i;
	n->inflight = 0;
	return 0;
}

void netvsp_rx_teardown(struct netvsp *n)
{
	free(n->free_data);
	free(n->free_ctrl);
	free(n->slot_tid);
	free(n->slot_next);
	n->free_data = n->free_ctrl = n->slot_next = NULL;
	n->slot_tid = NULL;
	n->nslots = n->nfree_data = n->nfree_ctrl = 0;
	n->inflight = 0;
	n->rsc.len = 0;
	if (n->rx_starved && n->be)
		net_backend_pause_rx(n->be, false);
	n->rx_starved = false;
}

static uint32_t slot_get(struct netvsp *n, bool ctrl)
{
	if (ctrl && n->nfree_ctrl)
		return n->free_ctrl[--n->nfree_ctrl];
	if (n->nfree_data)
		return n->free_data[--n->nfree_data];
	return NETVSP_NO_SLOT;
}

static void slot_put(struct netvsp *n, uint32_t s)
{
	if (s < NETVSP_CTRL_SLOTS)
		n->free_ctrl[n->nfree_ctrl++] = s;
	else
		n->free_data[n->nfree_data++] = s;
}

uint32_t netvsp_rx_slot_get(struct netvsp *n, bool ctrl)
{
	return n->nslots ? slot_get(n, ctrl) : NETVSP_NO_SLOT;
}

void netvsp_rx_slot_put(struct netvsp *n, uint32_t s)
{
	if (s < n->nslots)
		slot_put(n, s);
}

static uint64_t next_tid(struct netvsp *n, uint32_t first)
{
	if (!++n->tid_gen)
		n->tid_gen = 1;
	return (uint64_t)n->tid_gen << 32 | first;
}

/* the packet with @tid holds @slots until the guest completes it */
static void own_slots(struct netvsp *n, uint64_t tid, const uint32_t *slots,
		      uint32_t nr)
{
	n->slot_tid[slots[0]] = tid;
	for (uint32_t i = 0; i < nr; i++)
		n->slot_next[slots[i]] = i + 1 < nr ? slots[i + 1] : NETVSP_NO_SLOT;
	n->inflight++;
}

int netvsp_rx_send_raw(struct netvsp_chan *nc, const uint32_t *slots,
		       uint32_t nslots, uint16_t pageset, uint32_t range_cnt,
		       const struct vmtransfer_page_range *r, uint32_t nr,
		       const void *data, uint32_t len)
{
	struct netvsp *n = nc->n;
	struct {
		uint16_t id;
		uint8_t sender_owns_set;
		uint8_t reserved;
		uint32_t range_cnt;
		struct vmtransfer_page_range r[RX_MAX_PIECES];
	} __packed h;
	uint64_t tid;
	int ret;

	if (!nslots || nr > RX_MAX_PIECES) {
		for (uint32_t i = 0; i < nslots; i++)
			netvsp_rx_slot_put(n, slots[i]);
		return -EINVAL;
	}
	memset(&h, 0, sizeof(h));
	h.id = pageset;
	h.range_cnt = range_cnt;
	if (nr)
		memcpy(h.r, r, nr * sizeof(*r));
	tid = next_tid(n, slots[0]);
	ret = chan_send(nc->ch, VM_PKT_DATA_USING_XFER_PAGES,
			VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, tid, &h,
			(uint32_t)(offsetof(typeof(h), r) + nr * sizeof(*r)),
			data, len);
	if (ret) {
		for (uint32_t i = 0; i < nslots; i++)
			slot_put(n, slots[i]);
		return ret;
	}
	own_slots(n, tid, slots, nslots);
	return 0;
}

/* the slots of one transfer-page packet, lengths per slot */
static int xfer_send(struct netvsp_chan *nc, const uint32_t *slots,
		     const uint32_t *lens, uint32_t nr, bool ctrl)
{
	struct netvsp *n = nc->n;
	struct vmtransfer_page_range r[RX_MAX_PIECES];
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT };
	uint64_t tid;
	int ret;

	tid = next_tid(n, slots[0]);
	for (uint32_t i = 0; i < nr; i++) {
		r[i].byte_count = lens[i];
		r[i].byte_offset = slots[i] * n->sub_size;
	}
	m.msg.send_rndis_pkt.channel_type = ctrl ? NVSP_RNDIS_CHANNEL_CONTROL :
						   NVSP_RNDIS_CHANNEL_DATA;
	m.msg.send_rndis_pkt.send_buf_section_index = NVSP_INVALID_SECTION_INDEX;
	ret = chan_send_xfer(nc->ch, tid,
			     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
			     n->rbuf_id, r, nr, &m, sizeof(m));
	if (ret) {
		for (uint32_t i = 0; i < nr; i++)
			slot_put(n, slots[i]);
		return ret;
	}
	own_slots(n, tid, slots, nr);
	return 0;
}

int netvsp_rx_send_ctrl(struct netvsp_chan *nc, const void *msg, uint32_t len)
{
	struct netvsp *n = nc->n;
	uint32_t s;

	if (!n->rbuf || !n->nslots)
		return -EPIPE;		/* no receive buffer: nowhere to put it */
	if (len > n->sub_size)
		return -EINVAL;
	s = slot_get(n, true);
	if (s == NETVSP_NO_SLOT)
		return -EAGAIN;
	if (gpa_pages_write(chan_hvsim(nc->ch), &n->rpages,
			    (uint64_t)s * n->sub_size, msg, len)) {
		slot_put(n, s);
		return -EFAULT;
	}
	return xfer_send(nc, &s, &len, 1, true);
}

void netvsp_rx_kick(struct netvsp *n)
{
	for (unsigned int i = 0; i < NETVSP_MAX_CHANNELS; i++) {
		struct netvsp_chan *nc = n->chans[i];

		/* control answers that waited for a slot */
		if (nc && nc->backlog && (n->nfree_ctrl || n->nfree_data))
			netvsp_flush(nc);
	}
	if (n->rx_starved && n->nfree_data) {
		n->rx_starved = false;
		if (n->be)
			net_backend_pause_rx(n->be, false);
	}
}

void netvsp_rx_complete(struct netvsp_chan *nc, uint64_t trans_id)
{
	struct netvsp *n = nc->n;
	uint32_t s = (uint32_t)trans_id;

	if (!n->rbuf || !n->nslots || s >= n->nslots || !(trans_id >> 32) ||
	    n->slot_tid[s] != trans_id) {
		n->st.bad_packets++;
		log_guest("net%u: completion of unknown transfer 0x%llx", n->nic,
			  (unsigned long long)trans_id);
		return;
	}
	n->slot_tid[s] = 0;
	for (uint32_t k = 0; s != NETVSP_NO_SLOT && k < n->nslots; k++) {
		uint32_t next = n->slot_next[s];

		slot_put(n, s);
		s = next;
	}
	n->inflight--;
	if (n->rx_starved || nc->backlog)
		netvsp_rx_kick(n);
}

/* ---- frames ---- */

static void starve(struct netvsp *n, struct netvsp_chan *nc, bool ring)
{
	n->st.rx_drops++;
	if (!n->rx_starved && n->be) {
		n->rx_starved = true;
		net_backend_pause_rx(n->be, true);
	}
	/* on_writable resumes once the guest has read */
	if (ring)
		chan_request_space(nc->ch, 4096);
}

static bool filter_ok(const struct netvsp *n, const uint8_t *f)
{
	uint32_t fl = n->filter;

	if (fl & NDIS_PACKET_TYPE_PROMISCUOUS)
		return true;
	if (!(f[0] & 1))
		return (fl & NDIS_PACKET_TYPE_DIRECTED) && !memcmp(f, n->mac, 6);
	if (!memcmp(f, "\xff\xff\xff\xff\xff\xff", 6))
		return fl & NDIS_PACKET_TYPE_BROADCAST;
	return fl & (NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST);
}

static unsigned int hash_types(uint32_t info)
{
	unsigned int t = 0;

	if (info & NDIS_HASH_IPV4)
		t |= NET_HT_IPV4;
	if (info & NDIS_HASH_TCP_IPV4)
		t |= NET_HT_TCP4;
	if (info & (NDIS_HASH_IPV6 | NDIS_HASH_IPV6_EX))
		t |= NET_HT_IPV6;
	if (info & (NDIS_HASH_TCP_IPV6 | NDIS_HASH_TCP_IPV6_EX))
		t |= NET_HT_TCP6;
	return t;
}

static void put_ppi(uint8_t *b, uint32_t *pos, uint32_t type, bool internal,
		    uint32_t value)
{
	struct rndis_per_packet_info h = { 0 };

	h.size = sizeof(h) + 4;
	h.type = type;
	h.internal = internal;
	h.ppi_offset = sizeof(h);
	memcpy(b + *pos, &h, sizeof(h));
	memcpy(b + *pos + sizeof(h), &value, 4);
	*pos += sizeof(h) + 4;
}

/* header of one RNDIS data message with @ppi bytes of PPIs in b[44..) */
static uint32_t put_header(uint8_t *b, uint32_t ppi, uint32_t dlen)
{
	struct rndis_packet rp = { 0 };
	uint32_t type = RNDIS_MSG_PACKET;
	uint32_t mlen = RNDIS_HEADER_SIZE + sizeof(rp) + ppi + dlen;

	rp.per_pkt_info_offset = ppi ? sizeof(rp) : 0;
	rp.per_pkt_info_len = ppi;
	rp.data_offset = sizeof(rp) + ppi;
	rp.data_len = dlen;
	memcpy(b, &type, 4);
	memcpy(b + 4, &mlen, 4);
	memcpy(b + RNDIS_HEADER_SIZE, &rp, sizeof(rp));
	return RNDIS_HEADER_SIZE + sizeof(rp) + ppi;
}

/* where the PPIs start in an RNDIS data message to the guest (b[44..)) */
#define RX_BASE	((uint32_t)(RNDIS_HEADER_SIZE + sizeof(struct rndis_packet)))

/* one frame on its way to the guest: what its PPIs say, where it goes */
struct rx_msg {
	const uint8_t *f;		/* the frame as the backend read it */
	uint32_t dlen;			/* its length as the guest gets it */
	bool strip;			/* outer 802.1Q tag removed */
	bool csum;			/* TCPIP_CHKSUM_PKTINFO given */
	bool has_hash;			/* NBL_HASH_VALUE given */
	struct ndis_pkt_8021q_info vi;
	struct ndis_tcp_ip_checksum_info ci;
	uint32_t hash;
	uint32_t q;			/* queue (channel) it goes on */
	uint32_t ppi;			/* bytes of the first piece's PPIs */
	uint32_t npieces;
	uint32_t slots[RX_MAX_PIECES], lens[RX_MAX_PIECES];
};

/* an outer 802.1Q tag goes to the guest as IEEE_8021Q_INFO, not inline */
static void rx_vlan(struct rx_msg *m, const struct net_pkt *p)
{
	const uint8_t *f = m->f;
	uint16_t tci;

	if (!p->nvlan || f[12] != 0x81 || f[13] != 0x00)
		return;
	tci = (uint16_t)(f[14] << 8 | f[15]);
	m->strip = true;
	m->vi.pri = tci >> 13;
	m->vi.cfi = (tci >> 12) & 1;
	m->vi.vlanid = tci & 0xfff;
}

/*
 * RX checksum offload on: say whether the IPv4 header and TCP/UDP sums
 * are right.  A coalesced frame's (@segs > 1) IP and TCP sums were
 * written by net_rsc_finish, so they are reported good unchecked.
 */
static void rx_csum(const struct netvsp *n, struct rx_msg *m,
		    const struct net_pkt *p, uint16_t segs)
{
	const uint8_t *f = m->f;

	if (!((p->ipver == 4 && n->off.rx_csum4) ||
	      (p->ipver == 6 && n->off.rx_csum6)))
		return;
	m->csum = true;
	if (p->ipver == 4) {
		if (segs > 1 || net_ip4_csum_ok(f, p))
			m->ci.receive.ip_checksum_succeeded = 1;
		else
			m->ci.receive.ip_checksum_failed = 1;
	}
	if (p->l4_off && p->l4_proto == NET_IPPROTO_TCP) {
		if (segs > 1 || net_l4_csum_ok(f, p))
			m->ci.receive.tcp_checksum_succeeded = 1;
		else
			m->ci.receive.tcp_checksum_failed = 1;
	} else if (p->l4_off && p->l4_proto == NET_IPPROTO_UDP) {
		if (net_l4_csum_ok(f, p))
			m->ci.receive.udp_checksum_succeeded = 1;
		else
			m->ci.receive.udp_checksum_failed = 1;
	}
}

/* RSS on: the hash picks the queue, itab[hash % entries], closed = primary */
static void rx_rss(const struct netvsp *n, struct rx_msg *m,
		   const struct net_pkt *p)
{
	unsigned int used;
	uint32_t e;

	if (!n->rss_on ||
	    !net_rss_hash(n->key, n->key_len, hash_types(n->hash_info), m->f,
			  p, &m->hash, &used))
		return;
	e = n->itab[m->hash % n->itab_n];
	m->q = e < NETVSP_MAX_CHANNELS && n->chans[e] ? e : 0;
	m->has_hash = true;
}

/* the first piece's PPIs at @b; their length in bytes */
static uint32_t rx_put_ppis(uint8_t *b, const struct rx_msg *m)
{
	uint32_t ppi = 0;

	if (m->strip)
		put_ppi(b, &ppi, IEEE_8021Q_INFO, false, m->vi.value);
	if (m->csum)
		put_ppi(b, &ppi, TCPIP_CHKSUM_PKTINFO, false, m->ci.value);
	if (m->has_hash)
		put_ppi(b, &ppi, NBL_HASH_VALUE, false, m->hash);
	return ppi;
}

/*
 * Slots the frame needs: 1 when it fits one, more as RSC fragments
 * (NVSP 6.1), each with a 16-byte RNDIS_PKTINFO_ID and the other PPIs on
 * the first only; 0 when it cannot be delivered.
 */
static uint32_t rx_npieces(const struct netvsp *n, uint32_t ppi,
			   uint32_t dlen)
{
	uint32_t room, rest_room, npieces;

	if (RX_BASE + ppi + dlen <= n->sub_size)
		return 1;
	/* pieces: RSC fragments (NVSP 6.1) */
	room = n->sub_size - RX_BASE - ppi - 16;
	rest_room = n->sub_size - RX_BASE - 16;
	if (n->nvsp_version < NVSP_PROTOCOL_VERSION_61 || dlen <= room)
		return 0;
	npieces = 1 + (dlen - room + rest_room - 1) / rest_room;
	return npieces > RX_MAX_PIECES ? 0 : npieces;
}

/* piece @i's PPIs in n->rxbuf: the first piece's, plus RNDIS_PKTINFO_ID */
static uint32_t rx_piece_ppis(struct netvsp *n, const struct rx_msg *m,
			      uint32_t i)
{
	uint8_t *b = n->rxbuf;
	uint32_t pp = i ? 0 : m->ppi;
	struct rndis_pktinfo_id id = {
		.ver = RNDIS_PKTINFO_ID_V1,
		.flag = RNDIS_PKTINFO_SUBALLOC |
			(i == 0 ? RNDIS_PKTINFO_1ST_FRAG : 0) |
			(i == m->npieces - 1 ? RNDIS_PKTINFO_LAST_FRAG : 0),
		.pkt_id = n->rx_pkt_id,
	};
	uint32_t v;

	if (m->npieces == 1)
		return pp;
	memcpy(&v, &id, 4);
	if (i)
		memset(b + RX_BASE, 0, 16);
	put_ppi(b + RX_BASE, &pp, RNDIS_PKTINFO_ID, true, v);
	return pp;
}

/* frame bytes [done, done + chunk) as the guest sees them, to @off */
static int rx_write_data(struct netvsp *n, struct hvsim *hs, uint32_t off,
			 const struct rx_msg *m, uint32_t done, uint32_t chunk)
{
	const uint8_t *f = m->f;
	uint32_t src, w = 0;
	int ret = 0;

	if (!m->strip)
		return gpa_pages_write(hs, &n->rpages, off, f + done, chunk);
	/* the frame without its tag: bytes 0..11, then 16.. */
	src = done < 12 ? done : done + 4;
	if (done < 12) {
		w = 12 - done < chunk ? 12 - done : chunk;
		ret = gpa_pages_write(hs, &n->rpages, off, f + done, w);
		src = 16;
	}
	if (!ret && chunk > w)
		ret = gpa_pages_write(hs, &n->rpages, off + w, f + src,
				      chunk - w);
	return ret;
}

/*
 * Take a slot for each piece and write its RNDIS message there (header,
 * PPIs, its part of the frame), filling m->slots and m->lens.  0, or
 * -errno with every slot taken given back.
 */
static int rx_fill(struct netvsp *n, struct hvsim *hs, struct rx_msg *m)
{
	uint8_t *b = n->rxbuf;
	uint32_t done = 0;

	for (uint32_t i = 0; i < m->npieces; i++) {
		uint32_t pp, cap, chunk, hdr, off;
		int ret;

		m->slots[i] = slot_get(n, false);
		pp = rx_piece_ppis(n, m, i);
		cap = n->sub_size - RX_BASE - pp;
		chunk = m->dlen - done < cap ? m->dlen - done : cap;
		hdr = put_header(b, pp, chunk);
		off = m->slots[i] * n->sub_size;
		ret = gpa_pages_write(hs, &n->rpages, off, b, hdr);
		if (!ret)
			ret = rx_write_data(n, hs, off + hdr, m, done, chunk);
		m->lens[i] = hdr + chunk;
		done += chunk;
		if (ret) {
			for (uint32_t k = 0; k <= i; k++)
				slot_put(n, m->slots[k]);
			return ret;
		}
	}
	return 0;
}

/* a frame the guest was given: the counters */
static void rx_count(struct netvsp *n, struct netvsp_chan *nc,
		     const struct rx_msg *m, uint32_t len, uint16_t segs)
{
	n->st.rx_frames++;
	n->st.rx_bytes += len;
	nc->rx_frames++;
	if (m->strip)
		n->st.rx_vlan++;
	if (m->ci.receive.tcp_checksum_succeeded ||
	    m->ci.receive.udp_checksum_succeeded)
		n->st.rx_csum_ok++;
	if (segs > 1) {
		n->st.rx_rsc_packets++;
		n->st.rx_rsc_segments += segs;
	}
}

static void deliver(struct netvsp *n, const uint8_t *f, uint32_t len,
		    const struct net_pkt *p, bool parsed, uint16_t segs)
{
	struct rx_msg m = { .f = f };
	struct netvsp_chan *nc;
	int ret;

	if (parsed) {
		rx_vlan(&m, p);
		rx_csum(n, &m, p, segs);
		rx_rss(n, &m, p);
	}
	nc = n->chans[m.q];
	if (!nc) {
		n->st.rx_drops++;
		return;
	}
	m.ppi = rx_put_ppis(n->rxbuf + RX_BASE, &m);
	m.dlen = m.strip ? len - 4 : len;
	m.npieces = rx_npieces(n, m.ppi, m.dlen);
	if (!m.npieces) {
		n->st.rx_drops++;
		return;
	}
	if (n->nfree_data < m.npieces) {
		starve(n, nc, false);
		return;
	}
	/* this NIC's RNDIS_PKTINFO_ID for the frame's fragments */
	n->rx_pkt_id++;
	if (rx_fill(n, chan_hvsim(nc->ch), &m)) {
		n->st.rx_drops++;
		return;
	}
	ret = xfer_send(nc, m.slots, m.lens, m.npieces, false);
	if (ret) {
		starve(n, nc, ret == -EAGAIN);
		return;
	}
	rx_count(n, nc, &m, len, segs);
}

static void rsc_flush(struct netvsp *n)
{
	struct net_pkt p;
	uint16_t segs = 0;
	uint32_t len;

	if (!n->rsc.len)
		return;
	len = net_rsc_finish(&n->rsc, &segs);
	if (net_parse(n->rscbuf, len, &p))
		return;		/* cannot happen: built from parsed frames */
	deliver(n, n->rscbuf, len, &p, true, segs);
}

void netvsp_rx_frame(void *ctx, const uint8_t *f, uint32_t len)
{
	struct netvsp *n = ctx;
	struct net_pkt p;
	bool parsed;

	if (!n->link_up) {
		n->st.rx_drops++;
		return;
	}
	/*
	 * The guest switched its data path to the VF: Hyper-V delivers to
	 * the VF then, not on the synthetic channels.
	 */
	if (n->datapath == NVSP_DATAPATH_VF) {
		n->st.rx_vf_drops++;
		return;
	}
	if (len < ETH_HLEN_ || !n->rndis_ready || !n->rbuf || !n->nslots ||
	    !n->chans[0] || !filter_ok(n, f)) {
		n->st.rx_filtered++;
		return;
	}
	parsed = !net_parse(f, len, &p);
	/* the guest's MTU (and a tag) bounds what it can take */
	if (len > n->frame_mtu + (parsed ? 4u * p.nvlan : 0u)) {
		n->st.rx_drops++;
		return;
	}
	if (parsed && n->nvsp_version >= NVSP_PROTOCOL_VERSION_61 &&
	    ((p.ipver == 4 && n->off.rsc4) || (p.ipver == 6 && n->off.rsc6))) {
		switch (net_rsc_offer(&n->rsc, f, len, &p)) {
		case NET_RSC_MERGED:
		case NET_RSC_HELD:
			return;
		case NET_RSC_FLUSH:
			rsc_flush(n);
			if (net_rsc_offer(&n->rsc, f, len, &p) == NET_RSC_HELD)
				return;
			break;
		default:
			break;
		}
	}
	/* keep the order of a flow: what is held goes first */
	rsc_flush(n);
	deliver(n, f, len, &p, parsed, 1);
}

void netvsp_rx_done(void *ctx)
{
	rsc_flush(ctx);
}
