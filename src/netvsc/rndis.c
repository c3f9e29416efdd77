// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RNDIS side of the NIC: requests (initialize, query, set, halt,
 * keepalive) and what the host says on its own (status indications).
 * The message formats and the bring-up sequence are described in
 * <hvlis/rndis.h>.
 *
 * Requests go one at a time from one page of ours, sent as a page buffer
 * on the primary channel; answers come back through the receive buffer
 * like frames and are matched by req_id.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "netvsc.h"
#include "trace.h"

/* Wait for the host's NVSP completion of the request page, briefly. */
static void netvsc_rndis_wait_sent(struct netvsc_dev *nvdev)
{
	unsigned long end = jiffies + HZ;

	while (!READ_ONCE(nvdev->rndis_sent) && !netvsc_dead(nvdev) &&
	       time_before(jiffies, end))
		usleep_range(100, 500);
	if (READ_ONCE(nvdev->rndis_sent) || netvsc_dead(nvdev))
		return;
	/*
	 * The host may still read the page: never write it again.  It is
	 * lost (a host that does this is broken), the next request gets a
	 * fresh one.
	 */
	netdev_warn(nvdev->ndev, "host did not complete an RNDIS request\n");
	nvdev->rndis_req = (void *)get_zeroed_page(GFP_KERNEL);
}

/*
 * Send the request built in nvdev->rndis_req (@len bytes; req_id at
 * offset 8 is filled in here) and, unless @resp_type is 0, wait for the
 * answer of that type.  On success the answer is in nvdev->rndis_resp.
 * Called with rndis_lock held.
 */
static int netvsc_rndis_exec(struct netvsc_dev *nvdev, u32 len, u32 resp_type,
			     unsigned long timeout)
{
	struct rndis_message *req = nvdev->rndis_req;
	unsigned long end = jiffies + timeout;
	unsigned long flags;
	u32 req_id;
	int ret;

	lockdep_assert_held(&nvdev->rndis_lock);
	if (!req)
		return -ENOMEM;
	if (netvsc_dead(nvdev))
		return -ENODEV;
	req->msg_len = len;
	spin_lock_irqsave(&nvdev->rndis_slock, flags);
	nvdev->rndis_seq = nvdev->rndis_seq + 1 ?: 1;
	req_id = nvdev->rndis_seq;
	nvdev->rndis_req_id = resp_type ? req_id : 0;
	nvdev->rndis_req_type = resp_type;
	nvdev->rndis_resp_len = 0;
	nvdev->rndis_sent = false;
	reinit_completion(&nvdev->rndis_done);
	spin_unlock_irqrestore(&nvdev->rndis_slock, flags);
	/* every request body starts with its req_id (HALT: reserved) */
	req->msg.init_req.req_id = req_id;
	trace_rndis_send(nvdev->ndev, 0, req->ndis_msg_type, len, req_id);

	for (;;) {
		ret = netvsc_send_rndis_ctl(nvdev, len, NETVSC_ID_RNDIS | req_id);
		if (ret != -EAGAIN || time_after(jiffies, end))
			break;
		usleep_range(5000, 10000);
	}
	while (!ret && resp_type) {
		if (wait_for_completion_timeout(&nvdev->rndis_done, HZ / 4))
			break;
		if (netvsc_dead(nvdev))
			ret = -ENODEV;
		else if (time_after(jiffies, end))
			ret = -ETIMEDOUT;
	}
	spin_lock_irqsave(&nvdev->rndis_slock, flags);
	nvdev->rndis_req_id = 0;	/* a late answer is dropped */
	spin_unlock_irqrestore(&nvdev->rndis_slock, flags);
	if (ret != -EAGAIN)
		netvsc_rndis_wait_sent(nvdev);
	return ret;
}

/* Channel callback: the host took a request page (NVSP completion) */
void netvsc_rndis_send_done(struct netvsc_dev *nvdev, u64 id)
{
	if ((u32)id == READ_ONCE(nvdev->rndis_seq))
		WRITE_ONCE(nvdev->rndis_sent, true);
}

static struct rndis_message *netvsc_rndis_new(struct netvsc_dev *nvdev,
					      u32 type)
{
	struct rndis_message *m = nvdev->rndis_req;

	if (m) {
		memset(m, 0, PAGE_SIZE);
		m->ndis_msg_type = type;
	}
	return m;
}

/*
 * QUERY @oid with @in_len bytes of input; the answer's value (at most
 * *@out_len bytes) goes to @out and *@out_len becomes its length.
 */
int netvsc_rndis_query(struct netvsc_dev *nvdev, u32 oid, const void *in,
		       u32 in_len, void *out, u32 *out_len)
{
	const u32 hdr = RNDIS_HEADER_SIZE;
	const struct rndis_query_complete *qc;
	struct rndis_message *m;
	u32 off, vlen, rlen;
	int ret;

	if (in_len > PAGE_SIZE - RNDIS_MESSAGE_SIZE(struct rndis_query_request))
		return -EINVAL;
	mutex_lock(&nvdev->rndis_lock);
	m = netvsc_rndis_new(nvdev, RNDIS_MSG_QUERY);
	if (!m) {
		mutex_unlock(&nvdev->rndis_lock);
		return -ENOMEM;
	}
	m->msg.query_req.oid = oid;
	m->msg.query_req.info_buflen = in_len;
	m->msg.query_req.info_buf_offset = sizeof(struct rndis_query_request);
	/* the input follows the request in the page (not in the struct) */
	if (in_len)
		memcpy((u8 *)nvdev->rndis_req +
		       RNDIS_MESSAGE_SIZE(struct rndis_query_request), in, in_len);
	ret = netvsc_rndis_exec(nvdev, RNDIS_MESSAGE_SIZE(struct rndis_query_request) +
				in_len, RNDIS_MSG_QUERY_C, NETVSC_CTL_TIMEOUT);
	if (ret)
		goto out;

	rlen = nvdev->rndis_resp_len;
	qc = &((const struct rndis_message *)nvdev->rndis_resp)->msg.query_complete;
	if (rlen < hdr + sizeof(*qc)) {
		ret = -EPROTO;
		goto out;
	}
	if (qc->status != RNDIS_STATUS_SUCCESS) {
		ret = -EIO;
		goto out;
	}
	off = qc->info_buf_offset;
	vlen = qc->info_buflen;
	/* the value must lie inside the answer we hold */
	if (off < sizeof(*qc) || off > rlen - hdr || vlen > rlen - hdr - off) {
		netvsc_warn_rl(nvdev->ndev,
			       "query %#x: value at %u, %u bytes, outside the answer\n",
			       oid, off, vlen);
		ret = -EPROTO;
		goto out;
	}
	vlen = min(vlen, *out_len);
	memcpy(out, (const u8 *)qc + off, vlen);
	*out_len = vlen;
out:
	mutex_unlock(&nvdev->rndis_lock);
	return ret;
}

/* SET @oid to @len bytes at @val; the host's status decides. */
int netvsc_rndis_set(struct netvsc_dev *nvdev, u32 oid, const void *val,
		     u32 len)
{
	const struct rndis_set_complete *sc;
	struct rndis_message *m;
	int ret;

	if (len > PAGE_SIZE - RNDIS_MESSAGE_SIZE(struct rndis_set_request))
		return -EINVAL;
	mutex_lock(&nvdev->rndis_lock);
	m = netvsc_rndis_new(nvdev, RNDIS_MSG_SET);
	if (!m) {
		mutex_unlock(&nvdev->rndis_lock);
		return -ENOMEM;
	}
	m->msg.set_req.oid = oid;
	m->msg.set_req.info_buflen = len;
	m->msg.set_req.info_buf_offset = sizeof(struct rndis_set_request);
	memcpy((u8 *)nvdev->rndis_req +
	       RNDIS_MESSAGE_SIZE(struct rndis_set_request), val, len);
	ret = netvsc_rndis_exec(nvdev, RNDIS_MESSAGE_SIZE(struct rndis_set_request) +
				len, RNDIS_MSG_SET_C, NETVSC_CTL_TIMEOUT);
	if (!ret) {
		sc = &((const struct rndis_message *)nvdev->rndis_resp)->msg.set_complete;
		if (nvdev->rndis_resp_len < RNDIS_MESSAGE_SIZE(*sc))
			ret = -EPROTO;
		else if (sc->status != RNDIS_STATUS_SUCCESS)
			ret = -EIO;
	}
	mutex_unlock(&nvdev->rndis_lock);
	if (ret)
		netdev_dbg(nvdev->ndev, "RNDIS set %#x: %d\n", oid, ret);
	return ret;
}

int netvsc_rndis_set_filter(struct netvsc_dev *nvdev, u32 filter)
{
	return netvsc_rndis_set(nvdev, RNDIS_OID_GEN_CURRENT_PACKET_FILTER,
				&filter, sizeof(filter));
}

int netvsc_rndis_set_mac(struct netvsc_dev *nvdev, const u8 *mac)
{
	return netvsc_rndis_set(nvdev, RNDIS_OID_802_3_CURRENT_ADDRESS, mac,
				ETH_ALEN);
}

int netvsc_rndis_query_link(struct netvsc_dev *nvdev, bool *up)
{
	u32 state = RNDIS_MEDIA_STATE_DISCONNECTED, len = sizeof(state);
	int ret;

	ret = netvsc_rndis_query(nvdev, RNDIS_OID_GEN_MEDIA_CONNECT_STATUS,
				 NULL, 0, &state, &len);
	if (!ret && len != sizeof(state))
		ret = -EPROTO;
	*up = !ret && state == RNDIS_MEDIA_STATE_CONNECTED;
	return ret;
}

/* The host's offload capabilities (rndis_filter.c rndis_query_hwcaps) */
static void netvsc_rndis_query_hwcaps(struct netvsc_dev *nvdev)
{
	struct ndis_offload *caps = &nvdev->hwcaps;
	struct ndis_object_header in = { .type = NDIS_OBJECT_TYPE_OFFLOAD };
	u32 len;

	if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_5) {
		in.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
		in.size = NDIS_OFFLOAD_SIZE;
	} else if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_4) {
		in.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
		in.size = NDIS_OFFLOAD_SIZE_6_1;
	} else {
		in.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_1;
		in.size = NDIS_OFFLOAD_SIZE_6_0;
	}
	memset(caps, 0, sizeof(*caps));
	len = sizeof(*caps);
	if (netvsc_rndis_query(nvdev, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
			       &in, sizeof(in), caps, &len) ||
	    caps->header.type != NDIS_OBJECT_TYPE_OFFLOAD ||
	    caps->header.revision < NDIS_OFFLOAD_PARAMETERS_REVISION_1 ||
	    caps->header.size > len || caps->header.size < NDIS_OFFLOAD_SIZE_6_0) {
		netdev_warn(nvdev->ndev, "no offload capabilities from the host\n");
		memset(caps, 0, sizeof(*caps));
		return;
	}
	/* what the host did not fill in is not offered */
	memset((u8 *)caps + caps->header.size, 0,
	       sizeof(*caps) - caps->header.size);
	nvdev->hwcaps_len = caps->header.size;
}

/* How many receive queues RSS may spread over (rndis_filter.c 6.12) */
static void netvsc_rndis_query_rss(struct netvsc_dev *nvdev)
{
	struct ndis_recv_scale_cap cap = {
		.hdr = {
			.type = NDIS_OBJECT_TYPE_RSS_CAPABILITIES,
			.revision = NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2,
			.size = sizeof(struct ndis_recv_scale_cap),
		},
	};
	u32 len = sizeof(cap);

	nvdev->rss_max_queues = 1;
	if (nvdev->nvsp_ver < NVSP_PROTOCOL_VERSION_5)
		return;
	if (netvsc_rndis_query(nvdev, OID_GEN_RECEIVE_SCALE_CAPABILITIES,
			       &cap, sizeof(cap), &cap, &len) ||
	    len < offsetofend(struct ndis_recv_scale_cap, num_recv_que))
		return;
	nvdev->rss_max_queues = clamp_t(u32, cap.num_recv_que, 1,
					NETVSC_MAX_CHANNELS);
}

/* INIT, then what we need to know about the device */
int netvsc_rndis_init(struct netvsc_dev *nvdev)
{
	const struct rndis_initialize_complete *ic;
	struct rndis_message *m;
	u32 len, mtu;
	int ret;

	mutex_lock(&nvdev->rndis_lock);
	m = netvsc_rndis_new(nvdev, RNDIS_MSG_INIT);
	if (!m) {
		mutex_unlock(&nvdev->rndis_lock);
		return -ENOMEM;
	}
	m->msg.init_req.major_ver = RNDIS_MAJOR_VERSION;
	m->msg.init_req.minor_ver = RNDIS_MINOR_VERSION;
	m->msg.init_req.max_xfer_size = RNDIS_MAX_XFER_SIZE_DEFAULT;
	ret = netvsc_rndis_exec(nvdev,
				RNDIS_MESSAGE_SIZE(struct rndis_initialize_request),
				RNDIS_MSG_INIT_C, NETVSC_CTL_TIMEOUT);
	if (!ret) {
		ic = &((const struct rndis_message *)nvdev->rndis_resp)->msg.init_complete;
		if (nvdev->rndis_resp_len < RNDIS_MESSAGE_SIZE(*ic) ||
		    ic->status != RNDIS_STATUS_SUCCESS) {
			netdev_err(nvdev->ndev, "RNDIS initialize refused\n");
			ret = -EPROTO;
		} else {
			nvdev->max_pkt_per_msg = ic->max_pkt_per_msg;
			nvdev->pkt_align = ic->pkt_alignment_factor < 12 ?
					   1U << ic->pkt_alignment_factor : 8;
			nvdev->rndis_state = NETVSC_RNDIS_INITIALIZED;
		}
	}
	mutex_unlock(&nvdev->rndis_lock);
	if (ret)
		return ret;

	/* the largest frame the host takes bounds the MTU (NVSP 2 and later) */
	mtu = 0;
	len = sizeof(mtu);
	if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_2 &&
	    !netvsc_rndis_query(nvdev, RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE, NULL,
				0, &mtu, &len) && len == sizeof(mtu) &&
	    mtu >= ETH_MIN_MTU && mtu < nvdev->mtu) {
		netdev_warn(nvdev->ndev, "host takes an MTU of %u only\n", mtu);
		nvdev->mtu = mtu;
	}

	len = ETH_ALEN;
	ret = netvsc_rndis_query(nvdev, RNDIS_OID_802_3_PERMANENT_ADDRESS, NULL,
				 0, nvdev->perm_mac, &len);
	if (!ret && (len != ETH_ALEN || !is_valid_ether_addr(nvdev->perm_mac)))
		ret = -EPROTO;
	if (ret) {
		netdev_err(nvdev->ndev, "no MAC address from the host (%d)\n",
			   ret);
		return ret;
	}
	netvsc_rndis_query_hwcaps(nvdev);
	netvsc_rndis_query_rss(nvdev);
	return 0;
}

/* HALT: the host stops using the device; there is no answer. */
void netvsc_rndis_halt(struct netvsc_dev *nvdev)
{
	mutex_lock(&nvdev->rndis_lock);
	if (nvdev->rndis_state == NETVSC_RNDIS_INITIALIZED &&
	    netvsc_rndis_new(nvdev, RNDIS_MSG_HALT))
		netvsc_rndis_exec(nvdev,
				  RNDIS_MESSAGE_SIZE(struct rndis_halt_request),
				  0, HZ);
	nvdev->rndis_state = NETVSC_RNDIS_NONE;
	mutex_unlock(&nvdev->rndis_lock);
}

/* One checksum field of ndis_offload_params from TX and RX wishes */
static u8 netvsc_csum_param(bool tx, bool rx)
{
	if (tx && rx)
		return NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;
	if (tx)
		return NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED;
	if (rx)
		return NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED;
	return NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
}

/*
 * OID_TCP_OFFLOAD_PARAMETERS for @features, as far as the host offers
 * each offload (rndis_filter.c rndis_netdev_set_hwcaps, 6.12, without
 * its "no change" shortcut: every field says what we want now).
 */
int netvsc_rndis_set_offloads(struct netvsc_dev *nvdev,
			      netdev_features_t features)
{
	const struct ndis_offload *caps = &nvdev->hwcaps;
	struct ndis_offload_params p;
	bool rx = features & NETIF_F_RXCSUM;
	u32 len;

	memset(&p, 0, sizeof(p));
	/* Linux checks IP header checksums itself */
	p.ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
	if ((caps->csum.ip4_txcsum & NDIS_TXCSUM_ALL_TCP4) == NDIS_TXCSUM_ALL_TCP4) {
		p.tcp_ip_v4_csum = netvsc_csum_param(features & NETIF_F_IP_CSUM,
						     rx);
		if (caps->csum.ip4_txcsum & NDIS_TXCSUM_CAP_UDP4)
			p.udp_ip_v4_csum =
				netvsc_csum_param(features & NETIF_F_IP_CSUM, rx);
		if (caps->lsov2.ip4_encap & NDIS_OFFLOAD_ENCAP_8023)
			p.lso_v2_ipv4 = features & NETIF_F_TSO ?
				NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED :
				NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED;
	}
	if ((caps->csum.ip6_txcsum & NDIS_TXCSUM_ALL_TCP6) == NDIS_TXCSUM_ALL_TCP6) {
		p.tcp_ip_v6_csum = netvsc_csum_param(features & NETIF_F_IPV6_CSUM,
						     rx);
		if (caps->csum.ip6_txcsum & NDIS_TXCSUM_CAP_UDP6)
			p.udp_ip_v6_csum =
				netvsc_csum_param(features & NETIF_F_IPV6_CSUM, rx);
		if ((caps->lsov2.ip6_encap & NDIS_OFFLOAD_ENCAP_8023) &&
		    (caps->lsov2.ip6_opts & NDIS_LSOV2_CAP_IP6) == NDIS_LSOV2_CAP_IP6)
			p.lso_v2_ipv6 = features & NETIF_F_TSO6 ?
				NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED :
				NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED;
	}
	if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_61) {
		p.rsc_ip_v4 = features & NETIF_F_LRO ?
			NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED :
			NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
		p.rsc_ip_v6 = p.rsc_ip_v4;
	}
	/* rndis_filter.c rndis_filter_set_offload_params (6.12) */
	len = nvdev->nvsp_ver <= NVSP_PROTOCOL_VERSION_4 ?
	      VERSION_4_OFFLOAD_SIZE : sizeof(p);
	p.header.type = NDIS_OBJECT_TYPE_DEFAULT;
	p.header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
	p.header.size = len;
	return netvsc_rndis_set(nvdev, OID_TCP_OFFLOAD_PARAMETERS, &p, len);
}

/*
 * A status indication (@len bytes from the start of the message, our own
 * copy): carrier and link changes.  Its status buffer, when it has one,
 * must lie inside the message (rndis_filter.c, 6.12, checks the one of
 * LINK_SPEED_CHANGE).
 */
static void netvsc_rndis_indicate(struct netvsc_dev *nvdev,
				  const struct rndis_indicate_status *st,
				  u32 len)
{
	struct netvsc_ctx *ctx = netvsc_ctx(nvdev->ndev);
	u32 body = len - RNDIS_HEADER_SIZE;
	u32 off = st->status_buf_offset, blen = st->status_buflen;
	u32 speed;

	if (blen && (off < sizeof(*st) || off > body || blen > body - off)) {
		netvsc_warn_rl(nvdev->ndev,
			       "RNDIS status %#x: buffer at %u, %u bytes, outside the message (%u bytes)\n",
			       st->status, off, blen, len);
		return;
	}
	switch (st->status) {
	case RNDIS_STATUS_MEDIA_CONNECT:
		WRITE_ONCE(ctx->host_link, true);
		schedule_work(&ctx->link_work);
		break;
	case RNDIS_STATUS_MEDIA_DISCONNECT:
		WRITE_ONCE(ctx->host_link, false);
		schedule_work(&ctx->link_work);
		break;
	case RNDIS_STATUS_NETWORK_CHANGE:
		/* upstream bounces the link so DHCP asks again */
		schedule_work(&ctx->link_work);
		break;
	case RNDIS_STATUS_LINK_SPEED_CHANGE:
		/* the new speed in units of 100 bit/s */
		if (blen < sizeof(speed)) {
			netvsc_warn_rl(nvdev->ndev,
				       "RNDIS link speed change without a speed\n");
			break;
		}
		memcpy(&speed, (const u8 *)st + off, sizeof(speed));
		WRITE_ONCE(ctx->speed, speed / 10000);
		break;
	default:
		netdev_dbg(nvdev->ndev, "RNDIS status %#x\n", st->status);
		break;
	}
}

/*
 * From the receive path: an RNDIS message other than a data packet.
 * @msg (@len bytes, at least the RNDIS header) is our own copy.
 */
void netvsc_rndis_message(struct netvsc_chan *nc, const void *msg, u32 len)
{
	const struct rndis_message *m = msg;
	struct netvsc_dev *nvdev = nc->nvdev;
	unsigned long flags;
	u32 req_id;

	trace_rndis_recv(nvdev->ndev, nc->idx, m->ndis_msg_type, len, 0);
	switch (m->ndis_msg_type) {
	case RNDIS_MSG_INIT_C:
	case RNDIS_MSG_QUERY_C:
	case RNDIS_MSG_SET_C:
	case RNDIS_MSG_RESET_C:
	case RNDIS_MSG_KEEPALIVE_C:
		if (len < RNDIS_HEADER_SIZE + sizeof(u32) * 2)
			break;
		req_id = m->msg.init_complete.req_id;
		spin_lock_irqsave(&nvdev->rndis_slock, flags);
		if (req_id && req_id == nvdev->rndis_req_id &&
		    m->ndis_msg_type == nvdev->rndis_req_type) {
			len = min_t(u32, len, NETVSC_RNDIS_RESP_MAX);
			memcpy(nvdev->rndis_resp, msg, len);
			nvdev->rndis_resp_len = len;
			nvdev->rndis_req_id = 0;
			complete(&nvdev->rndis_done);
			req_id = 0;
		}
		spin_unlock_irqrestore(&nvdev->rndis_slock, flags);
		if (req_id && m->ndis_msg_type != RNDIS_MSG_KEEPALIVE_C)
			netvsc_warn_rl(nvdev->ndev,
				       "RNDIS answer %#x id %u matches no request\n",
				       m->ndis_msg_type, req_id);
		return;
	case RNDIS_MSG_INDICATE:
		if (len < RNDIS_MESSAGE_SIZE(struct rndis_indicate_status))
			break;
		netvsc_rndis_indicate(nvdev, &m->msg.indicate_status, len);
		return;
	default:
		break;
	}
	netvsc_warn_rl(nvdev->ndev, "ignoring RNDIS message %#x (%u bytes)\n",
		       m->ndis_msg_type, len);
}

/*
 * Every few seconds: KEEPALIVE, as an RNDIS host expects of a live
 * device.  The answer is not waited for.
 */
void netvsc_keepalive_work(struct work_struct *w)
{
	struct netvsc_ctx *ctx = container_of(to_delayed_work(w),
					      struct netvsc_ctx, keepalive_work);
	struct netvsc_dev *nvdev;

	if (!rtnl_trylock()) {
		schedule_delayed_work(&ctx->keepalive_work, HZ);
		return;
	}
	nvdev = netvsc_rtnl_dev(ctx);
	if (nvdev && nvdev->rndis_state == NETVSC_RNDIS_INITIALIZED) {
		mutex_lock(&nvdev->rndis_lock);
		if (netvsc_rndis_new(nvdev, RNDIS_MSG_KEEPALIVE))
			netvsc_rndis_exec(nvdev,
					  RNDIS_MESSAGE_SIZE(struct rndis_keepalive_request),
					  0, HZ);
		mutex_unlock(&nvdev->rndis_lock);
	}
	rtnl_unlock();
	if (!READ_ONCE(ctx->removing))
		schedule_delayed_work(&ctx->keepalive_work, 10 * HZ);
}

/* Carrier from the host's last status indication */
void netvsc_link_work(struct work_struct *w)
{
	struct netvsc_ctx *ctx = container_of(w, struct netvsc_ctx, link_work);
	struct net_device *ndev = ctx->ndev;

	rtnl_lock();
	if (!netvsc_rtnl_dev(ctx) || READ_ONCE(ctx->removing)) {
		rtnl_unlock();
		return;
	}
	if (READ_ONCE(ctx->host_link)) {
		if (!netif_carrier_ok(ndev)) {
			netif_carrier_on(ndev);
			netdev_info(ndev, "link up\n");
		}
	} else if (netif_carrier_ok(ndev)) {
		netif_carrier_off(ndev);
		netdev_info(ndev, "link down\n");
	}
	rtnl_unlock();
}
