// SPDX-License-Identifier: GPL-2.0-only
/*
 * The receive side of every channel: the VMBus callback, transfer-page
 * packets from the receive buffer (frames, RSC fragments and RNDIS control
 * answers), TX completions and the host's own NVSP messages.
 *
 * VMBus runs a channel's callback in a tasklet and loops while the ring
 * holds packets, so the callback drains the ring itself, a budget at a
 * time.  While the interface is up it does so as the owner of the
 * channel's NAPI context (napi_schedule_prep), which gives frames GRO and
 * busy-poll; rx_lock makes whoever drains the ring the only one.
 */
#include <linux/if_vlan.h>
#include <linux/slab.h>

#include "netvsc.h"
#include "trace.h"

/* Bytes of an RNDIS data message we copy to parse: header and PPIs */
#define NETVSC_RX_HDR_MAX	512
/* Largest frame we build from RSC fragments */
#define NETVSC_RSC_MAX_LEN	(65535 + ETH_HLEN + VLAN_HLEN)

/* Per-packet information of one received RNDIS data packet */
struct netvsc_rx_info {
	u32 data_off;			/* into the receive buffer */
	u32 data_len;
	bool have_csum, have_vlan, have_hash, have_id;
	struct ndis_tcp_ip_checksum_info csum;
	struct ndis_pkt_8021q_info vlan;
	u32 hash;
	struct rndis_pktinfo_id id;
};

/* Walk the PPI chain (rndis_filter.c rndis_get_ppi, 6.12), all checked. */
static int netvsc_parse_ppi(struct net_device *ndev, const u8 *ppi, u32 len,
			    struct netvsc_rx_info *ri)
{
	while (len) {
		struct rndis_per_packet_info h;
		const u8 *val;
		u32 vlen;

		if (len < sizeof(h))
			return -EINVAL;
		memcpy(&h, ppi, sizeof(h));
		if (h.size < sizeof(h) || h.size > len ||
		    h.ppi_offset < sizeof(h) || h.ppi_offset > h.size)
			return -EINVAL;
		val = ppi + h.ppi_offset;
		vlen = h.size - h.ppi_offset;
		if (!h.internal) {
			switch (h.type) {
			case TCPIP_CHKSUM_PKTINFO:
				if (vlen >= sizeof(ri->csum)) {
					memcpy(&ri->csum, val, sizeof(ri->csum));
					ri->have_csum = true;
				}
				break;
			case IEEE_8021Q_INFO:
				if (vlen >= sizeof(ri->vlan)) {
					memcpy(&ri->vlan, val, sizeof(ri->vlan));
					ri->have_vlan = true;
				}
				break;
			case NBL_HASH_VALUE:
				if (vlen >= sizeof(ri->hash)) {
					memcpy(&ri->hash, val, sizeof(ri->hash));
					ri->have_hash = true;
				}
				break;
			default:
				break;
			}
		} else if (h.type == RNDIS_PKTINFO_ID &&
			   vlen >= sizeof(ri->id)) {
			memcpy(&ri->id, val, sizeof(ri->id));
			ri->have_id = true;
		}
		ppi += h.size;
		len -= h.size;
	}
	return 0;
}

/* Build an skb from pieces of the receive buffer and pass it up. */
static void netvsc_rx_deliver(struct netvsc_chan *nc, struct napi_struct *napi,
			      const u32 *off, const u32 *len, u32 cnt,
			      u32 total, const struct netvsc_rx_info *ri)
{
	struct netvsc_dev *nvdev = nc->nvdev;
	struct net_device *ndev = nvdev->ndev;
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct sk_buff *skb;
	u32 i;

	if (total < ETH_HLEN || total > NETVSC_RSC_MAX_LEN) {
		netvsc_warn_rl(ndev, "dropping a frame of %u bytes\n", total);
		atomic_long_inc(&ctx->err.rx_length_errors);
		return;
	}
	skb = napi ? napi_alloc_skb(napi, total) :
		     netdev_alloc_skb_ip_align(ndev, total);
	if (!skb) {
		atomic_long_inc(&ctx->eth.rx_no_memory);
		atomic_long_inc(&ctx->err.rx_dropped);
		return;
	}
	/* one copy out of memory the host may still write */
	for (i = 0; i < cnt; i++)
		skb_put_data(skb, (u8 *)nvdev->recv_buf + off[i], len[i]);
	if (ri->have_vlan) {
		u16 tci = ri->vlan.vlanid | ri->vlan.pri << VLAN_PRIO_SHIFT |
			  (ri->vlan.cfi ? VLAN_CFI_MASK : 0);

		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
		/* rx-vlan-offload off: the tag goes back into the frame */
		if (!(ndev->features & NETIF_F_HW_VLAN_CTAG_RX)) {
			skb = __vlan_hwaccel_push_inside(skb);
			if (!skb) {
				atomic_long_inc(&ctx->eth.rx_no_memory);
				atomic_long_inc(&ctx->err.rx_dropped);
				return;
			}
		}
	}
	skb->protocol = eth_type_trans(skb, ndev);
	skb_checksum_none_assert(skb);

	if (ri->have_csum && (ndev->features & NETIF_F_RXCSUM) &&
	    (ri->csum.receive.tcp_checksum_succeeded ||
	     ri->csum.receive.udp_checksum_succeeded) &&
	    !ri->csum.receive.tcp_checksum_failed &&
	    !ri->csum.receive.udp_checksum_failed &&
	    !ri->csum.receive.ip_checksum_failed)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (ri->have_hash && (ndev->features & NETIF_F_RXHASH))
		skb_set_hash(skb, ri->hash, PKT_HASH_TYPE_L4);
	skb_record_rx_queue(skb, nc->idx);

	u64_stats_update_begin(&nc->rxq.syncp);
	nc->rxq.packets++;
	nc->rxq.bytes += total;
	if (skb->pkt_type == PACKET_BROADCAST)
		nc->rxq.broadcast++;
	else if (skb->pkt_type == PACKET_MULTICAST)
		nc->rxq.multicast++;
	u64_stats_update_end(&nc->rxq.syncp);

	if (napi)
		napi_gro_receive(napi, skb);
	else
		netif_receive_skb(skb);
}

/* One RNDIS data packet: a frame, or an RSC fragment of one */
static void netvsc_rx_packet(struct netvsc_chan *nc, struct napi_struct *napi,
			     struct netvsc_rx_info *ri)
{
	struct netvsc_errstats *err = &netvsc_ctx(nc->nvdev->ndev)->err;
	struct netvsc_rsc *rsc = nc->rsc;

	if (!ri->have_id || (ri->id.flag & (RNDIS_PKTINFO_1ST_FRAG |
					    RNDIS_PKTINFO_LAST_FRAG)) ==
			    (RNDIS_PKTINFO_1ST_FRAG | RNDIS_PKTINFO_LAST_FRAG)) {
		/* a whole frame */
		if (rsc->active)
			atomic_long_inc(&err->rx_frame_errors);
		rsc->active = false;
		netvsc_rx_deliver(nc, napi, &ri->data_off, &ri->data_len, 1,
				  ri->data_len, ri);
		return;
	}
	if (ri->id.flag & RNDIS_PKTINFO_1ST_FRAG) {
		if (rsc->active)
			atomic_long_inc(&err->rx_frame_errors);
		rsc->active = true;
		rsc->cnt = 0;
		rsc->pktlen = 0;
		rsc->have = 0;
		if (ri->have_csum) {
			rsc->have |= NETVSC_RSC_CSUM;
			rsc->csum = ri->csum.value;
		}
		if (ri->have_vlan) {
			rsc->have |= NETVSC_RSC_VLAN;
			rsc->vlan = ri->vlan.value;
		}
		if (ri->have_hash) {
			rsc->have |= NETVSC_RSC_HASH;
			rsc->hash = ri->hash;
		}
	} else if (!rsc->active) {
		/* a middle or last piece without a first one */
		atomic_long_inc(&err->rx_frame_errors);
		return;
	}
	if (rsc->cnt >= NVSP_RSC_MAX ||
	    rsc->pktlen + ri->data_len > NETVSC_RSC_MAX_LEN) {
		rsc->active = false;
		atomic_long_inc(&err->rx_length_errors);
		return;
	}
	rsc->off[rsc->cnt] = ri->data_off;
	rsc->len[rsc->cnt] = ri->data_len;
	rsc->cnt++;
	rsc->pktlen += ri->data_len;
	if (!(ri->id.flag & RNDIS_PKTINFO_LAST_FRAG))
		return;

	/* the first piece's PPIs describe the whole segment */
	ri->have_csum = rsc->have & NETVSC_RSC_CSUM;
	ri->csum.value = rsc->csum;
	ri->have_vlan = rsc->have & NETVSC_RSC_VLAN;
	ri->vlan.value = rsc->vlan;
	ri->have_hash = rsc->have & NETVSC_RSC_HASH;
	ri->hash = rsc->hash;
	rsc->active = false;
	netvsc_rx_deliver(nc, napi, rsc->off, rsc->len, rsc->cnt, rsc->pktlen,
			  ri);
}

/*
 * One range of a transfer-page packet: an RNDIS message at @off, @len
 * bytes (both already checked against the receive buffer).
 */
static int netvsc_rx_range(struct netvsc_chan *nc, struct napi_struct *napi,
			   u32 off, u32 len)
{
	struct netvsc_dev *nvdev = nc->nvdev;
	struct net_device *ndev = nvdev->ndev;
	const u8 *src = (const u8 *)nvdev->recv_buf + off;
	u8 hdr[RNDIS_HEADER_SIZE + sizeof(struct rndis_packet)];
	struct rndis_message *m = (struct rndis_message *)hdr;
	struct netvsc_rx_info ri;
	u32 mlen, ppo, ppl;
	u8 *copy;

	if (len < RNDIS_HEADER_SIZE)
		return -EINVAL;
	memcpy(hdr, src, min_t(u32, len, sizeof(hdr)));
	mlen = m->msg_len;
	if (mlen < RNDIS_HEADER_SIZE || mlen > len)
		return -EINVAL;

	if (m->ndis_msg_type != RNDIS_MSG_PACKET) {
		/* control answers and indications: rare, so a copy of its own */
		copy = kmemdup(src, min_t(u32, mlen, NETVSC_RNDIS_RESP_MAX),
			       GFP_ATOMIC);
		if (!copy)
			return -ENOMEM;
		netvsc_rndis_message(nc, copy,
				     min_t(u32, mlen, NETVSC_RNDIS_RESP_MAX));
		kfree(copy);
		return 0;
	}

	if (mlen < sizeof(hdr))
		return -EINVAL;
	memset(&ri, 0, sizeof(ri));
	/* offsets count from the rndis_packet, 8 bytes into the message */
	mlen -= RNDIS_HEADER_SIZE;
	if (m->msg.pkt.data_offset > mlen ||
	    m->msg.pkt.data_len > mlen - m->msg.pkt.data_offset ||
	    !m->msg.pkt.data_len)
		return -EINVAL;
	ri.data_off = off + RNDIS_HEADER_SIZE + m->msg.pkt.data_offset;
	ri.data_len = m->msg.pkt.data_len;

	ppo = m->msg.pkt.per_pkt_info_offset;
	ppl = m->msg.pkt.per_pkt_info_len;
	if (ppl) {
		u8 ppi[NETVSC_RX_HDR_MAX];

		if (ppo > mlen || ppl > mlen - ppo || ppl > sizeof(ppi))
			return -EINVAL;
		memcpy(ppi, src + RNDIS_HEADER_SIZE + ppo, ppl);
		if (netvsc_parse_ppi(ndev, ppi, ppl, &ri))
			return -EINVAL;
	}
	netvsc_rx_packet(nc, napi, &ri);
	return 0;
}

/* VM_PKT_DATA_USING_XFER_PAGES: frames in the receive buffer */
static void netvsc_rx_xfer(struct netvsc_chan *nc, struct napi_struct *napi,
			   const struct vmbus_pkt *pkt)
{
	const struct vmtransfer_page_packet_header *x = (const void *)pkt->desc;
	struct netvsc_dev *nvdev = nc->nvdev;
	struct net_device *ndev = nvdev->ndev;
	u32 hdrlen, cnt, i, bad = 0;
	struct nvsp_message msg;
	u16 set_id;

	if (pkt->len < sizeof(*x) ||
	    pkt->datalen < offsetofend(struct nvsp_message,
				       msg.send_rndis_pkt.channel_type))
		goto bad;
	set_id = READ_ONCE(x->xfer_pageset_id);
	cnt = READ_ONCE(x->range_cnt);
	hdrlen = (const u8 *)pkt->data - (const u8 *)pkt->desc;
	if (cnt > NVSP_RSC_MAX ||
	    sizeof(*x) + cnt * sizeof(x->ranges[0]) > hdrlen)
		goto bad;
	memset(&msg, 0, sizeof(msg));
	memcpy(&msg, pkt->data, min_t(u32, pkt->datalen, sizeof(msg)));
	if (set_id != NVSP_RECEIVE_BUFFER_ID ||
	    msg.hdr.msg_type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT || !nvdev->recv_buf)
		goto bad;

	nc->rsc->active = false;
	for (i = 0; i < cnt; i++) {
		u32 off = READ_ONCE(x->ranges[i].byte_offset);
		u32 len = READ_ONCE(x->ranges[i].byte_count);

		if (off > nvdev->recv_buf_size ||
		    len > nvdev->recv_buf_size - off) {
			bad++;
			continue;
		}
		if (netvsc_rx_range(nc, napi, off, len))
			bad++;
	}
	if (nc->rsc->active) {
		/* a segment must end within its packet */
		nc->rsc->active = false;
		atomic_long_inc(&netvsc_ctx(ndev)->err.rx_frame_errors);
	}
	if (bad) {
		atomic_long_add(bad, &netvsc_ctx(ndev)->err.rx_errors);
		netvsc_warn_rl(ndev, "queue %u: %u of %u ranges malformed\n",
			       nc->idx, bad, cnt);
	}
	netvsc_send_completion(nc, pkt->trans_id);
	return;
bad:
	atomic_long_inc(&netvsc_ctx(ndev)->err.rx_errors);
	netvsc_warn_rl(ndev, "queue %u: malformed receive packet (%u bytes)\n",
		       nc->idx, pkt->len);
	/* the host may still wait for its slots: complete it anyway */
	netvsc_send_completion(nc, pkt->trans_id);
}

/* NVSP 5: the host's table of TX queues per hash bucket (netvsc.c) */
static void netvsc_send_table(struct netvsc_dev *nvdev, const u8 *data,
			      u32 len)
{
	const struct nvsp_message *m = (const void *)data;
	u32 cnt = m->msg.send_table.count, off = m->msg.send_table.offset;
	u32 tab[NVSP_SEND_TAB_SIZE];
	u32 i;

	if (cnt != NVSP_SEND_TAB_SIZE) {
		netvsc_warn_rl(nvdev->ndev, "send table of %u entries\n", cnt);
		return;
	}
	/*
	 * Hosts up to NVSP 6 put the table right after the 40-byte message
	 * whatever the offset says (netvsc.c netvsc_send_table, 6.12).
	 */
	if (nvdev->nvsp_ver <= NVSP_PROTOCOL_VERSION_6 &&
	    len >= sizeof(*m) + cnt * sizeof(u32))
		off = sizeof(*m);
	if (len < cnt * sizeof(u32) || off > len - cnt * sizeof(u32)) {
		netvsc_warn_rl(nvdev->ndev, "send table outside the message\n");
		return;
	}
	for (i = 0; i < cnt; i++)
		memcpy(&tab[i], data + off + i * sizeof(u32), sizeof(u32));
	/* a queue we can never have: the whole table is suspect */
	for (i = 0; i < cnt; i++) {
		if (tab[i] >= NETVSC_MAX_CHANNELS) {
			netvsc_warn_rl(nvdev->ndev,
				       "send table names queue %u, ignored\n",
				       tab[i]);
			return;
		}
	}
	for (i = 0; i < cnt; i++)
		WRITE_ONCE(nvdev->send_table[i], tab[i]);
	WRITE_ONCE(nvdev->send_table_ok, true);
}

/* VM_PKT_DATA_INBAND from the host: its own NVSP messages */
static void netvsc_host_msg(struct netvsc_chan *nc,
			    const struct vmbus_pkt *pkt)
{
	struct netvsc_dev *nvdev = nc->nvdev;
	u8 buf[sizeof(struct nvsp_message) + NVSP_SEND_TAB_SIZE * sizeof(u32)];
	const struct nvsp_message *m = (const void *)buf;
	u32 len = min_t(u32, pkt->datalen, sizeof(buf));

	memset(buf, 0, sizeof(buf));
	memcpy(buf, pkt->data, len);
	if (len < sizeof(m->hdr)) {
		netvsc_warn_rl(nvdev->ndev, "NVSP message of %u bytes\n", len);
		return;
	}
	trace_nvsp_recv(nvdev->ndev, nc->chan, m);
	switch (m->hdr.msg_type) {
	case NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION:
		if (len < offsetofend(struct nvsp_message, msg.vf_assoc.serial))
			break;
		if (!nc->idx)
			netvsc_vf_assoc(netvsc_ctx(nvdev->ndev),
					m->msg.vf_assoc.allocated,
					m->msg.vf_assoc.serial);
		return;
	case NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE:
		if (len < offsetofend(struct nvsp_message, msg.send_table.offset))
			break;
		netvsc_send_table(nvdev, buf, len);
		return;
	case NVSP_MSG4_TYPE_UPLINK_CONNECT_STATE_DEPRECATED:
		return;
	default:
		break;
	}
	netvsc_warn_rl(nvdev->ndev, "ignoring NVSP message %u (%u bytes)\n",
		       m->hdr.msg_type, len);
}

/* Handle up to @budget packets; returns how many. Under rx_lock. */
static int netvsc_drain(struct netvsc_chan *nc, struct napi_struct *napi,
			int budget)
{
	struct netvsc_dev *nvdev = nc->nvdev;
	struct vmbus_pkt pkt;
	bool more;
	int n = 0;

	if (nc->comp_cnt)
		netvsc_flush_completions(nc);
	more = vmbus_pkt_first(nc->chan, &pkt);
	while (more && n < budget) {
		switch (pkt.type) {
		case VM_PKT_COMP:
			if ((pkt.trans_id & NETVSC_ID_RNDIS) == NETVSC_ID_RNDIS)
				netvsc_rndis_send_done(nvdev, pkt.trans_id);
			else if (pkt.trans_id & NETVSC_ID_CTL)
				netvsc_ctl_complete(nvdev, pkt.trans_id,
						    pkt.data, pkt.datalen);
			else
				netvsc_tx_done(nc, pkt.trans_id, pkt.data,
					       pkt.datalen, napi ? budget : 0);
			break;
		case VM_PKT_DATA_USING_XFER_PAGES:
			/* no room to remember its completion: later */
			if (nc->comp_ids && nc->comp_cnt >= nc->comp_cap)
				goto out;
			netvsc_rx_xfer(nc, napi, &pkt);
			break;
		case VM_PKT_DATA_INBAND:
			netvsc_host_msg(nc, &pkt);
			break;
		default:
			netvsc_warn_rl(nvdev->ndev,
				       "queue %u: ignoring packet of type %u\n",
				       nc->idx, pkt.type);
			break;
		}
		n++;
		more = vmbus_pkt_next(nc->chan, &pkt);
	}
out:
	vmbus_pkt_iter_close(nc->chan);
	return n;
}

/* VMBus callback (tasklet): host signalled the channel */
void netvsc_chan_cb(void *context)
{
	struct netvsc_chan *nc = context;
	bool napi_on, owned = false;
	int n;

	if (!spin_trylock(&nc->rx_lock))
		return;
	napi_on = READ_ONCE(nc->napi_on);
	if (napi_on) {
		owned = napi_schedule_prep(&nc->napi);
		if (!owned) {
			/* NAPI polls this channel right now; it drains it */
			spin_unlock(&nc->rx_lock);
			return;
		}
	}
	n = netvsc_drain(nc, owned ? &nc->napi : NULL, NETVSC_POLL_BUDGET);
	if (owned)
		napi_complete_done(&nc->napi, n);
	spin_unlock(&nc->rx_lock);
}

/* NAPI poll, when the stack schedules it (netpoll, busy polling) */
int netvsc_napi_poll(struct napi_struct *napi, int budget)
{
	struct netvsc_chan *nc = container_of(napi, struct netvsc_chan, napi);
	int n = 0;

	/* the callback drains it right now; it calls again if need be */
	if (!spin_trylock(&nc->rx_lock)) {
		napi_complete_done(napi, 0);
		return 0;
	}
	if (READ_ONCE(nc->open))
		n = netvsc_drain(nc, napi, budget);
	spin_unlock(&nc->rx_lock);
	/*
	 * Like upstream's hv_end_read after napi_complete_done: the host may
	 * have written after our last look and not signalled, since it saw
	 * the read index we had not published yet.  The drain published it
	 * with a full barrier (vmbus_pkt_iter_close); look once more.
	 */
	if (n < budget && napi_complete_done(napi, n) && READ_ONCE(nc->open) &&
	    hv_get_bytes_to_read(&nc->chan->inbound))
		napi_schedule(napi);
	return n;
}

void netvsc_napi_start(struct netvsc_dev *nvdev)
{
	u32 i;

	for (i = 0; i < nvdev->num_chn; i++) {
		napi_enable(&nvdev->chan[i].napi);
		WRITE_ONCE(nvdev->chan[i].napi_on, true);
	}
}

void netvsc_napi_stop(struct netvsc_dev *nvdev)
{
	u32 i;

	for (i = 0; i < nvdev->num_chn; i++) {
		if (!READ_ONCE(nvdev->chan[i].napi_on))
			continue;
		/* callbacks from here on deliver without NAPI */
		WRITE_ONCE(nvdev->chan[i].napi_on, false);
		napi_disable(&nvdev->chan[i].napi);
	}
}
