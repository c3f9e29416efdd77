// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsp: guest -> wire.  The bytes of one SEND_RNDIS_PKT may hold
 * several RNDIS messages back to back (INIT_C allows 8 per message; Linux
 * batches small frames in one send-buffer section, each message padded
 * to the 8-byte alignment and msg_len covering the padding:
 * netvsc_copy_to_send_buf).  A data packet (RNDIS_MSG_PACKET, rndis.h) is
 *
 *   rndis_packet {data_offset, data_len, ..., per_pkt_info_offset/len}
 *
 * with both offsets counted from the start of struct rndis_packet.  The
 * PPIs the host acts on, as a NIC would for NDIS:
 *   TCPIP_CHKSUM_PKTINFO  compute the IPv4 header / TCP / UDP checksum
 *   TCP_LARGESEND_PKTINFO LSOv2: cut into MSS segments (offload.c);
 *                         Linux leaves the IPv4 total length (IPv6 payload
 *                         length) 0 and the TCP checksum seeded with the
 *                         pseudo-header: both are recomputed
 *   IEEE_8021Q_INFO       insert an 802.1Q tag (TPID 0x8100)
 * A message whose lengths or offsets point outside it, a PPI chain that
 * does not add up, or a frame beyond the MTU is dropped and counted
 * (bad_packets / tx_drops), and the whole SEND_RNDIS_PKT completes with
 * NVSP_STAT_INVALID_RNDIS_PKT.
 */
#include <string.h>

#include "netvsp.h"

struct tx_ppi {
	bool has_csum, has_lso, has_vlan;
	struct ndis_tcp_ip_checksum_info csum;
	struct ndis_tcp_lso_info lso;
	struct ndis_pkt_8021q_info vlan;
};

/* walk the PPI chain: false if it is malformed */
static bool parse_ppis(const uint8_t *p, uint32_t len, struct tx_ppi *out)
{
	uint32_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		struct rndis_per_packet_info h;
		uint32_t vlen;
		const uint8_t *v;

		if (len - pos < sizeof(h))
			return false;
		memcpy(&h, p + pos, sizeof(h));
		if (h.size < sizeof(h) || h.size > len - pos ||
		    h.ppi_offset < sizeof(h) || h.ppi_offset > h.size)
			return false;
		v = p + pos + h.ppi_offset;
		vlen = h.size - h.ppi_offset;
		if (!h.internal && vlen >= 4) {
			switch (h.type) {
			case TCPIP_CHKSUM_PKTINFO:
				out->has_csum = true;
				memcpy(&out->csum, v, 4);
				break;
			case TCP_LARGESEND_PKTINFO:
				out->has_lso = true;
				memcpy(&out->lso, v, 4);
				break;
			case IEEE_8021Q_INFO:
				out->has_vlan = true;
				memcpy(&out->vlan, v, 4);
				break;
			}
		}
		pos += h.size;
	}
	return true;
}

static int emit(void *ctx, const uint8_t *f, uint32_t len)
{
	struct netvsp_chan *nc = ctx;
	struct netvsp *n = nc->n;

	if (!n->be || net_backend_send(n->be, f, len)) {
		n->st.tx_drops++;
		return 0;
	}
	n->st.tx_frames++;
	n->st.tx_bytes += len;
	nc->tx_frames++;
	return 0;
}

/* the rndis_packet in @body and its PPIs: false if anything lies */
static bool tx_parse(const uint8_t *body, uint32_t blen,
		     struct rndis_packet *rp, struct tx_ppi *ppi)
{
	if (blen < sizeof(*rp))
		return false;
	memcpy(rp, body, sizeof(*rp));
	if (rp->data_offset > blen || rp->data_len > blen - rp->data_offset ||
	    rp->per_pkt_info_offset > blen ||
	    rp->per_pkt_info_len > blen - rp->per_pkt_info_offset)
		return false;
	if (!parse_ppis(body + rp->per_pkt_info_offset, rp->per_pkt_info_len,
			ppi))
		return false;
	return rp->data_len >= ETH_HLEN_ && rp->data_len <= NET_MAX_FRAME - 4;
}

/*
 * The frame into n->framebuf, with an 802.1Q tag after the MAC addresses
 * when IEEE_8021Q_INFO asks for one; its length there.
 */
static uint32_t tx_copy(struct netvsp *n, const struct tx_ppi *ppi,
			const uint8_t *data, uint32_t flen)
{
	uint8_t *f = n->framebuf;
	uint16_t tci;

	if (!ppi->has_vlan || !(ppi->vlan.vlanid || ppi->vlan.pri)) {
		memcpy(f, data, flen);
		return flen;
	}
	/* room for the tag at the front */
	tci = (uint16_t)(ppi->vlan.pri << 13 | ppi->vlan.cfi << 12 |
			 ppi->vlan.vlanid);
	memcpy(f, data, 12);
	f[12] = NET_ETH_P_8021Q >> 8;
	f[13] = NET_ETH_P_8021Q & 0xff;
	f[14] = (uint8_t)(tci >> 8);
	f[15] = (uint8_t)tci;
	memcpy(f + 16, data + 12, flen - 12);
	n->st.tx_vlan++;
	return flen + 4;
}

/* LSOv2: cut the frame into segments of @mss, each within @limit */
static void tx_lso(struct netvsp_chan *nc, const struct net_pkt *p,
		   uint32_t flen, uint32_t mss, uint32_t limit)
{
	struct netvsp *n = nc->n;
	int segs;

	if (!p->l4_off || p->l4_proto != NET_IPPROTO_TCP) {
		n->st.bad_packets++;
		n->st.tx_drops++;
		log_guest("net%u: LSO on a frame that is not TCP", n->nic);
		return;
	}
	/* each segment must fit the MTU */
	if ((uint32_t)p->l4_off + p->l4_hlen + mss > limit)
		mss = limit - p->l4_off - p->l4_hlen;
	segs = net_lso_segment(n->framebuf, flen, mss, n->segbuf, emit, nc);
	if (segs < 0) {
		n->st.bad_packets++;
		n->st.tx_drops++;
		return;
	}
	n->st.tx_lso_packets++;
	n->st.tx_lso_segments += (uint64_t)segs;
}

/* TCPIP_CHKSUM_PKTINFO: fill in the sums the guest left to the host */
static void tx_csum(struct netvsp *n, const struct tx_ppi *ppi,
		    const struct net_pkt *p)
{
	uint8_t *f = n->framebuf;

	if (!ppi->has_csum || !p->ipver)
		return;
	if (ppi->csum.transmit.ip_header_checksum && p->ipver == 4 &&
	    !net_ip4_csum_fill(f, p))
		n->st.tx_csum_ip++;
	if (ppi->csum.transmit.tcp_checksum &&
	    p->l4_proto == NET_IPPROTO_TCP && !net_l4_csum_fill(f, p))
		n->st.tx_csum_tcp++;
	if (ppi->csum.transmit.udp_checksum &&
	    p->l4_proto == NET_IPPROTO_UDP && !net_l4_csum_fill(f, p))
		n->st.tx_csum_udp++;
}

uint32_t netvsp_tx_packet(struct netvsp_chan *nc, const uint8_t *msg,
			  uint32_t len)
{
	struct netvsp *n = nc->n;
	const uint8_t *body = msg + RNDIS_HEADER_SIZE;
	uint32_t flen, limit;
	struct rndis_packet rp;
	struct tx_ppi ppi;
	struct net_pkt p;
	uint32_t mss = 0;

	if (!tx_parse(body, len - RNDIS_HEADER_SIZE, &rp, &ppi)) {
		n->st.bad_packets++;
		n->st.tx_drops++;
		log_guest("net%u: malformed RNDIS data packet (%u bytes)",
			  n->nic, len);
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	if (!n->rndis_ready || !n->link_up) {
		/* while the link is down nothing goes either way */
		n->st.tx_drops++;
		return NVSP_STAT_SUCCESS;
	}
	flen = tx_copy(n, &ppi, body + rp.data_offset, rp.data_len);
	if (net_parse(n->framebuf, flen, &p))
		p.l4_off = 0, p.ipver = 0;	/* sent as it is, no offloads */
	if (ppi.has_lso && ppi.lso.lso_v2_transmit.type ==
			   NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE)
		mss = ppi.lso.lso_v2_transmit.mss;
	/* the MTU: the NDIS config frame size, plus a tag */
	limit = n->frame_mtu + (p.nvlan ? 4u * p.nvlan : 0u);
	if (mss) {
		tx_lso(nc, &p, flen, mss, limit);
		return NVSP_STAT_SUCCESS;
	}
	if (flen > limit) {
		n->st.tx_drops++;
		log_guest("net%u: %u-byte frame beyond the MTU (%u)", n->nic, flen,
			  n->frame_mtu);
		return NVSP_STAT_SUCCESS;
	}
	tx_csum(n, &ppi, &p);
	emit(nc, n->framebuf, flen);
	return NVSP_STAT_SUCCESS;
}

uint32_t netvsp_tx_rndis(struct netvsp_chan *nc, const uint8_t *buf,
			 uint32_t len, bool control)
{
	struct netvsp *n = nc->n;
	uint32_t off = 0, status = NVSP_STAT_SUCCESS;

	(void)control;	/* the RNDIS type says what a message is */
	while (off < len) {
		uint32_t type, mlen, st;

		/* what is left after the last message is alignment padding */
		if (len - off < RNDIS_HEADER_SIZE)
			break;
		memcpy(&type, buf + off, 4);
		memcpy(&mlen, buf + off + 4, 4);
		if (mlen < RNDIS_HEADER_SIZE || mlen > len - off) {
			n->st.bad_packets++;
			log_guest("net%u: RNDIS message length %u of %u", n->nic,
				  mlen, len - off);
			return NVSP_STAT_INVALID_RNDIS_PKT;
		}
		if (type == RNDIS_MSG_PACKET) {
			st = netvsp_tx_packet(nc, buf + off, mlen);
			if (st != NVSP_STAT_SUCCESS)
				status = st;
		} else {
			netvsp_rndis_control(nc, buf + off, mlen);
		}
		off += mlen;
	}
	return status;
}
