// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transmit: one RNDIS data packet per frame, with per-packet information
 * for checksum offload, LSOv2, the 802.1Q tag and the flow hash.  A frame
 * that fits in a send-buffer section is copied there (the VMBus packet is
 * then only the NVSP message); a larger one goes as page buffers, the
 * RNDIS header in the skb's headroom.  Either way the host completes the
 * packet, and only then is the section or the skb released.
 */
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netpoll.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ip6_checksum.h>
#include <net/ip.h>

#include <hvlis/synic.h>

#include "netvsc.h"
#include "trace.h"

int netvsc_tx_init(struct netvsc_chan *nc)
{
	u32 i;

	nc->slots = kvcalloc(NETVSC_TX_SLOTS, sizeof(*nc->slots), GFP_KERNEL);
	nc->free = kvcalloc(NETVSC_TX_SLOTS, sizeof(*nc->free), GFP_KERNEL);
	if (!nc->slots || !nc->free)
		return -ENOMEM;
	for (i = 0; i < NETVSC_TX_SLOTS; i++)
		nc->free[i] = NETVSC_TX_SLOTS - 1 - i;
	nc->nr_free = NETVSC_TX_SLOTS;
	nc->gen = 1;
	return 0;
}

/* The channel is closed: what the host never completed is ours again. */
void netvsc_tx_cleanup(struct netvsc_chan *nc)
{
	u32 i;

	for (i = 0; nc->slots && i < NETVSC_TX_SLOTS; i++) {
		if (nc->slots[i].gen && nc->slots[i].skb)
			dev_kfree_skb_any(nc->slots[i].skb);
		nc->slots[i].skb = NULL;
		nc->slots[i].gen = 0;
	}
	kvfree(nc->slots);
	kvfree(nc->free);
	nc->slots = NULL;
	nc->free = NULL;
}

/* A slot and its transaction id; U64_MAX when none is free */
static u64 netvsc_slot_get(struct netvsc_chan *nc, struct sk_buff *skb,
			   u32 section)
{
	struct netvsc_tx_slot *s;
	u32 idx;

	spin_lock(&nc->tx_lock);
	if (!nc->nr_free) {
		spin_unlock(&nc->tx_lock);
		return U64_MAX;
	}
	idx = nc->free[--nc->nr_free];
	/* 31 bits: control ids have bit 63 set */
	nc->gen = (nc->gen + 1) & 0x7fffffff ?: 1;
	s = &nc->slots[idx];
	s->gen = nc->gen;
	s->skb = skb;
	s->section = section;
	spin_unlock(&nc->tx_lock);
	atomic_inc(&nc->tx_pending);
	return (u64)s->gen << 32 | (idx + 1);
}

static void netvsc_section_put(struct netvsc_dev *nvdev, u32 section)
{
	if (section < nvdev->send_sections)
		clear_bit(section, nvdev->send_map);
}

static u32 netvsc_section_get(struct netvsc_dev *nvdev)
{
	u32 i;

	for (;;) {
		i = find_first_zero_bit(nvdev->send_map, nvdev->send_sections);
		if (i >= nvdev->send_sections)
			return NVSP_INVALID_SECTION_INDEX;
		if (!test_and_set_bit(i, nvdev->send_map))
			return i;
	}
}

/* Give slot @id back; returns its skb (or NULL). */
static bool netvsc_slot_put(struct netvsc_chan *nc, u64 id,
			    struct sk_buff **skb)
{
	u32 idx = (u32)id - 1, gen = id >> 32;
	struct netvsc_tx_slot *s;

	if (idx >= NETVSC_TX_SLOTS || !gen)
		return false;
	s = &nc->slots[idx];
	spin_lock(&nc->tx_lock);
	if (s->gen != gen) {
		spin_unlock(&nc->tx_lock);
		return false;
	}
	*skb = s->skb;
	netvsc_section_put(nc->nvdev, s->section);
	s->gen = 0;
	s->skb = NULL;
	nc->free[nc->nr_free++] = idx;
	spin_unlock(&nc->tx_lock);
	atomic_dec(&nc->tx_pending);
	/* the count drops before the caller looks for a stopped queue */
	smp_mb__after_atomic();
	return true;
}

/* Room for another frame of the largest kind on this queue */
static bool netvsc_tx_room(struct netvsc_chan *nc, u32 ring_min)
{
	return READ_ONCE(nc->nr_free) >= NETVSC_TX_STOP_SLOTS &&
	       hv_get_bytes_to_write(&nc->chan->outbound) >= ring_min;
}

/* Channel callback: the host is done with a packet of ours. */
void netvsc_tx_done(struct netvsc_chan *nc, u64 id, const void *data,
		    u32 len, int budget)
{
	struct net_device *ndev = nc->nvdev->ndev;
	struct netdev_queue *txq;
	struct nvsp_message msg;
	struct sk_buff *skb;

	if (!netvsc_slot_put(nc, id, &skb)) {
		netvsc_warn_rl(ndev, "queue %u: completion %#llx for no packet\n",
			       nc->idx, id);
		return;
	}
	memset(&msg, 0, sizeof(msg));
	memcpy(&msg, data, min_t(u32, len, sizeof(msg)));
	if (msg.hdr.msg_type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE ||
	    msg.msg.send_rndis_pkt_complete.status != NVSP_STAT_SUCCESS)
		atomic_long_inc(&netvsc_ctx(ndev)->err.tx_errors);
	if (skb)
		napi_consume_skb(skb, budget);

	if (nc->idx >= ndev->real_num_tx_queues)
		return;
	txq = netdev_get_tx_queue(ndev, nc->idx);
	if (netif_tx_queue_stopped(txq) && netif_device_present(ndev) &&
	    (netvsc_tx_room(nc, NETVSC_TX_RING_WAKE) ||
	     !atomic_read(&nc->tx_pending))) {
		netif_tx_wake_queue(txq);
		atomic_long_inc(&netvsc_ctx(ndev)->eth.wake_queue);
	}
}

/* The RNDIS control page on the primary channel, as a page buffer */
int netvsc_send_rndis_ctl(struct netvsc_dev *nvdev, u32 len, u64 id)
{
	phys_addr_t pa = virt_to_phys(nvdev->rndis_req);
	struct hv_page_buffer pb = {
		.len = len,
		.offset = offset_in_page(pa),
		.pfn = pa >> HV_HYP_PAGE_SHIFT,
	};
	struct nvsp_message msg;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT;
	msg.msg.send_rndis_pkt.channel_type = NVSP_RNDIS_CHANNEL_CONTROL;
	msg.msg.send_rndis_pkt.send_buf_section_index = NVSP_INVALID_SECTION_INDEX;
	trace_nvsp_send_pkt(nvdev->ndev, nvdev->hdev->channel,
			    &msg.msg.send_rndis_pkt);
	return vmbus_sendpacket_pagebuffer(nvdev->hdev->channel, &pb, 1, &msg,
					   sizeof(msg), id);
}

/* Append one PPI of @size value bytes; returns where the value goes. */
static void *netvsc_add_ppi(struct rndis_message *m, u32 size, u32 type)
{
	struct rndis_packet *p = &m->msg.pkt;
	struct rndis_per_packet_info *ppi;

	ppi = (void *)((u8 *)p + p->per_pkt_info_offset + p->per_pkt_info_len);
	ppi->size = sizeof(*ppi) + size;
	ppi->type = type;
	ppi->internal = 0;
	ppi->ppi_offset = sizeof(*ppi);
	p->per_pkt_info_len += ppi->size;
	m->msg_len += ppi->size;
	return ppi + 1;
}

/* L3/L4 of a frame for checksum offload: TRANSPORT_INFO_* style bits */
#define NETVSC_TX_TCP4	BIT(0)
#define NETVSC_TX_UDP4	BIT(1)
#define NETVSC_TX_TCP6	BIT(2)
#define NETVSC_TX_UDP6	BIT(3)

static u32 netvsc_tx_proto(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		if (ip_hdr(skb)->protocol == IPPROTO_TCP)
			return NETVSC_TX_TCP4;
		if (ip_hdr(skb)->protocol == IPPROTO_UDP)
			return NETVSC_TX_UDP4;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		if (ipv6_hdr(skb)->nexthdr == IPPROTO_TCP)
			return NETVSC_TX_TCP6;
		if (ipv6_hdr(skb)->nexthdr == IPPROTO_UDP)
			return NETVSC_TX_UDP6;
	}
	return 0;
}

/* What the host checksums for us (rndis_netdev_set_hwcaps, 6.12) */
static u32 netvsc_tx_csum_mask(const struct netvsc_dev *nvdev)
{
	const struct ndis_csum_offload *c = &nvdev->hwcaps.csum;
	u32 mask = 0;

	if ((c->ip4_txcsum & NDIS_TXCSUM_ALL_TCP4) == NDIS_TXCSUM_ALL_TCP4) {
		mask |= NETVSC_TX_TCP4;
		if (c->ip4_txcsum & NDIS_TXCSUM_CAP_UDP4)
			mask |= NETVSC_TX_UDP4;
	}
	if ((c->ip6_txcsum & NDIS_TXCSUM_ALL_TCP6) == NDIS_TXCSUM_ALL_TCP6) {
		mask |= NETVSC_TX_TCP6;
		if (c->ip6_txcsum & NDIS_TXCSUM_CAP_UDP6)
			mask |= NETVSC_TX_UDP6;
	}
	return mask;
}

/*
 * The RNDIS header for @skb in @m (room for NETVSC_TX_HDR_MAX bytes).
 * Returns its length, or a negative errno (the frame is dropped).
 */
static int netvsc_build_rndis(struct netvsc_dev *nvdev, struct sk_buff *skb,
			      struct rndis_message *m)
{
	struct net_device *ndev = nvdev->ndev;
	struct rndis_packet *p = &m->msg.pkt;
	u32 hash;

	memset(m, 0, RNDIS_HEADER_SIZE + sizeof(*p));
	m->ndis_msg_type = RNDIS_MSG_PACKET;
	m->msg_len = RNDIS_HEADER_SIZE + sizeof(*p);
	p->per_pkt_info_offset = sizeof(*p);

	/* the host spreads our TX over its queues by this (netvsc_drv.c) */
	hash = skb_get_hash_raw(skb);
	if (hash && ndev->real_num_tx_queues > 1) {
		u32 *h = netvsc_add_ppi(m, sizeof(u32), NBL_HASH_VALUE);

		*h = hash;
	}
	if (skb_vlan_tag_present(skb)) {
		struct ndis_pkt_8021q_info *v;
		u16 tci = skb_vlan_tag_get(skb);

		v = netvsc_add_ppi(m, sizeof(*v), IEEE_8021Q_INFO);
		v->value = 0;
		v->vlanid = tci & VLAN_VID_MASK;
		v->cfi = !!(tci & VLAN_CFI_MASK);
		v->pri = (tci & VLAN_PRIO_MASK) >> VLAN_PRIO_SHIFT;
	}

	if (skb_is_gso(skb)) {
		struct ndis_tcp_lso_info *lso;

		lso = netvsc_add_ppi(m, sizeof(*lso), TCP_LARGESEND_PKTINFO);
		lso->value = 0;
		lso->lso_v2_transmit.type = NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE;
		/* the host fills in lengths and checksums of each segment */
		if (skb->protocol == htons(ETH_P_IP)) {
			lso->lso_v2_transmit.ip_version =
				NDIS_TCP_LARGE_SEND_OFFLOAD_IPV4;
			ip_hdr(skb)->tot_len = 0;
			ip_hdr(skb)->check = 0;
			tcp_hdr(skb)->check =
				~csum_tcpudp_magic(ip_hdr(skb)->saddr,
						   ip_hdr(skb)->daddr, 0,
						   IPPROTO_TCP, 0);
		} else {
			lso->lso_v2_transmit.ip_version =
				NDIS_TCP_LARGE_SEND_OFFLOAD_IPV6;
			tcp_v6_gso_csum_prep(skb);
		}
		lso->lso_v2_transmit.tcp_header_offset = skb_transport_offset(skb);
		lso->lso_v2_transmit.mss = skb_shinfo(skb)->gso_size;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		u32 proto = netvsc_tx_proto(skb);

		if (proto & netvsc_tx_csum_mask(nvdev)) {
			struct ndis_tcp_ip_checksum_info *c;

			c = netvsc_add_ppi(m, sizeof(*c), TCPIP_CHKSUM_PKTINFO);
			c->value = 0;
			c->transmit.tcp_header_offset = skb_transport_offset(skb);
			if (proto & (NETVSC_TX_TCP4 | NETVSC_TX_UDP4))
				c->transmit.is_ipv4 = 1;
			else
				c->transmit.is_ipv6 = 1;
			if (proto & (NETVSC_TX_TCP4 | NETVSC_TX_TCP6))
				c->transmit.tcp_checksum = 1;
			else
				c->transmit.udp_checksum = 1;
		} else if (skb_checksum_help(skb)) {
			return -EINVAL;
		}
	}
	p->data_offset = p->per_pkt_info_offset + p->per_pkt_info_len;
	p->data_len = skb->len;
	m->msg_len += skb->len;
	return m->msg_len - skb->len;
}

/* Page buffers for [va, va + len), split at page boundaries */
static u32 netvsc_pb_add(struct hv_page_buffer *pb, u32 n, phys_addr_t pa,
			 u32 len)
{
	while (len) {
		u32 off = pa & (HV_HYP_PAGE_SIZE - 1);
		u32 chunk = min_t(u32, len, HV_HYP_PAGE_SIZE - off);

		if (n < MAX_PAGE_BUFFER_COUNT) {
			pb[n].pfn = pa >> HV_HYP_PAGE_SHIFT;
			pb[n].offset = off;
			pb[n].len = chunk;
		}
		n++;
		pa += chunk;
		len -= chunk;
	}
	return n;
}

/* RNDIS header at @hdr, then the skb's pieces; count may exceed the max */
static u32 netvsc_pb_build(struct sk_buff *skb, void *hdr, u32 hdr_len,
			   struct hv_page_buffer *pb)
{
	u32 n, i;

	n = netvsc_pb_add(pb, 0, virt_to_phys(hdr), hdr_len);
	n = netvsc_pb_add(pb, n, virt_to_phys(skb->data), skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		n = netvsc_pb_add(pb, n, page_to_phys(skb_frag_page(f)) +
				  skb_frag_off(f), skb_frag_size(f));
	}
	return n;
}

static netdev_tx_t netvsc_drop(struct net_device *ndev, struct sk_buff *skb)
{
	atomic_long_inc(&netvsc_ctx(ndev)->err.tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

netdev_tx_t netvsc_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct hv_page_buffer pb[MAX_PAGE_BUFFER_COUNT];
	u32 section = NVSP_INVALID_SECTION_INDEX, len, q;
	struct netvsc_dev *nvdev;
	struct net_device *vf;
	struct nvsp_message msg;
	struct netvsc_chan *nc;
	struct rndis_message *m;
	struct netdev_queue *txq;
	u8 hdr[NETVSC_TX_HDR_MAX];
	int hlen, ret;
	u32 npb = 0, pkts, bytes;
	u64 id;

	vf = rcu_dereference_bh(ctx->vf_netdev);
	if (vf && READ_ONCE(ctx->data_path_is_vf) && netif_running(vf) &&
	    !netpoll_tx_running(ndev))
		return netvsc_vf_xmit(ctx, vf, skb);

	nvdev = rcu_dereference_bh(ctx->nvdev);
	if (!nvdev || READ_ONCE(nvdev->destroy) || !nvdev->send_map)
		return netvsc_drop(ndev, skb);
	q = skb_get_queue_mapping(skb);
	if (q >= nvdev->num_chn)
		q %= nvdev->num_chn;
	nc = &nvdev->chan[q];
	/* acquire: pairs with the release in netvsc_chan_open() */
	if (!smp_load_acquire(&nc->open))
		return netvsc_drop(ndev, skb);
	txq = netdev_get_tx_queue(ndev, skb_get_queue_mapping(skb));

	/* headers we rewrite (LSO) or checksum must be our own */
	if (skb_cow_head(skb, NETVSC_TX_HEADROOM)) {
		atomic_long_inc(&ctx->eth.tx_no_memory);
		return netvsc_drop(ndev, skb);
	}
	m = (struct rndis_message *)hdr;
	hlen = netvsc_build_rndis(nvdev, skb, m);
	if (hlen < 0)
		return netvsc_drop(ndev, skb);
	len = hlen + skb->len;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT;
	msg.msg.send_rndis_pkt.channel_type = NVSP_RNDIS_CHANNEL_DATA;

	if (len <= nvdev->send_section_size) {
		section = netvsc_section_get(nvdev);
		if (section == NVSP_INVALID_SECTION_INDEX)
			atomic_long_inc(&ctx->eth.tx_no_space);
	}
	if (section != NVSP_INVALID_SECTION_INDEX) {
		u8 *dst = (u8 *)nvdev->send_buf +
			  (size_t)section * nvdev->send_section_size;

		memcpy(dst, hdr, hlen);
		if (skb_copy_bits(skb, 0, dst + hlen, skb->len)) {
			netvsc_section_put(nvdev, section);
			return netvsc_drop(ndev, skb);
		}
	} else {
		u8 *rh = skb->data - hlen;

		/* the header in the headroom skb_cow_head() made ours */
		memcpy(rh, hdr, hlen);
		npb = netvsc_pb_build(skb, rh, hlen, pb);
		if (npb > MAX_PAGE_BUFFER_COUNT) {
			atomic_long_inc(&ctx->eth.tx_scattered);
			if (skb_linearize(skb)) {
				atomic_long_inc(&ctx->eth.tx_no_memory);
				return netvsc_drop(ndev, skb);
			}
			rh = skb->data - hlen;
			if (skb_headroom(skb) < hlen)
				return netvsc_drop(ndev, skb);
			memcpy(rh, hdr, hlen);
			npb = netvsc_pb_build(skb, rh, hlen, pb);
			if (npb > MAX_PAGE_BUFFER_COUNT) {
				atomic_long_inc(&ctx->eth.tx_too_big);
				return netvsc_drop(ndev, skb);
			}
		}
	}
	msg.msg.send_rndis_pkt.send_buf_section_index = section;
	msg.msg.send_rndis_pkt.send_buf_section_size =
		section == NVSP_INVALID_SECTION_INDEX ? 0 : len;
	trace_nvsp_send_pkt(ndev, nc->chan, &msg.msg.send_rndis_pkt);

	id = netvsc_slot_get(nc, section == NVSP_INVALID_SECTION_INDEX ?
			     skb : NULL, section);
	if (id == U64_MAX) {
		netvsc_section_put(nvdev, section);
		atomic_long_inc(&ctx->eth.tx_busy);
		netif_tx_stop_queue(txq);
		atomic_long_inc(&ctx->eth.stop_queue);
		/* the completions that free slots may all have come already */
		smp_mb();
		if (netvsc_tx_room(nc, NETVSC_TX_RING_WAKE) ||
		    !atomic_read(&nc->tx_pending))
			netif_tx_wake_queue(txq);
		return NETDEV_TX_BUSY;
	}

	/*
	 * Count now: once a page-buffer send is in the ring, the host's
	 * completion may free the skb on another CPU.
	 */
	pkts = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	bytes = skb->len;
	if (npb)
		ret = vmbus_sendpacket_pagebuffer(nc->chan, pb, npb, &msg,
						  sizeof(msg), id);
	else
		ret = vmbus_sendpacket(nc->chan, &msg, sizeof(msg), id,
				       VM_PKT_DATA_INBAND,
				       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (ret) {
		struct sk_buff *held;

		netvsc_slot_put(nc, id, &held);
		if (ret != -EAGAIN)
			return netvsc_drop(ndev, skb);
		atomic_long_inc(&ctx->eth.tx_send_full);
		netif_tx_stop_queue(txq);
		atomic_long_inc(&ctx->eth.stop_queue);
		/* stopped before we look: a completion now sees the stop */
		smp_mb();
		/* nothing in flight would wake the queue: try again soon */
		if (!atomic_read(&nc->tx_pending))
			netif_tx_wake_queue(txq);
		return NETDEV_TX_BUSY;
	}

	u64_stats_update_begin(&nc->txq.syncp);
	nc->txq.packets += pkts;
	nc->txq.bytes += bytes;
	u64_stats_update_end(&nc->txq.syncp);
	if (section != NVSP_INVALID_SECTION_INDEX)
		dev_consume_skb_any(skb);

	if (!netvsc_tx_room(nc, NETVSC_TX_RING_LOW)) {
		netif_tx_stop_queue(txq);
		atomic_long_inc(&ctx->eth.stop_queue);
		/* a completion may have come before the stop */
		smp_mb();
		if (netvsc_tx_room(nc, NETVSC_TX_RING_WAKE) ||
		    !atomic_read(&nc->tx_pending)) {
			netif_tx_wake_queue(txq);
			atomic_long_inc(&ctx->eth.wake_queue);
		}
	}
	return NETDEV_TX_OK;
}

/* The host's send table picks the queue for a flow, when it sent one. */
u16 netvsc_select_queue(struct net_device *ndev, struct sk_buff *skb,
			struct net_device *sb_dev)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev;
	u32 q;

	rcu_read_lock();
	nvdev = rcu_dereference(ctx->nvdev);
	if (nvdev && READ_ONCE(nvdev->send_table_ok) &&
	    ndev->real_num_tx_queues > 1) {
		q = READ_ONCE(nvdev->send_table[skb_get_hash(skb) &
						(NVSP_SEND_TAB_SIZE - 1)]);
		rcu_read_unlock();
		return q % ndev->real_num_tx_queues;
	}
	rcu_read_unlock();
	return netdev_pick_tx(ndev, skb, sb_dev);
}
