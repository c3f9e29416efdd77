// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NVSP session: opening the primary channel, the version walk, NDIS
 * config and version, the receive and send buffers, sub-channels, the
 * data-path switch, and tearing it all down again.  The message sequence
 * is described in <hvlis/nvsp.h>.
 */
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "netvsc.h"
#include "trace.h"

/*
 * Serializes sub-channel offers (VMBus work) with a session being built or
 * torn down: the offer callback finds the session through the ctx.
 */
static DEFINE_MUTEX(netvsc_sc_lock);

/* Newest first (netvsc.c netvsc_connect_vsp, 6.12) */
static const u32 netvsc_versions[] = {
	NVSP_PROTOCOL_VERSION_61,
	NVSP_PROTOCOL_VERSION_6,
	NVSP_PROTOCOL_VERSION_5,
	NVSP_PROTOCOL_VERSION_4,
	NVSP_PROTOCOL_VERSION_2,
	NVSP_PROTOCOL_VERSION_1,
};

static u32 netvsc_ring_bytes(void)
{
	u32 pages = clamp_t(u32, READ_ONCE(netvsc_ring_size), 16, 4096);

	return PAGE_SIZE + pages * PAGE_SIZE;
}

/* A message that needs no answer (NDIS version, config, revokes) */
static int netvsc_nvsp_post(struct netvsc_dev *nvdev, struct nvsp_message *msg)
{
	trace_nvsp_send(nvdev->ndev, msg);
	return vmbus_sendpacket(nvdev->hdev->channel, msg, sizeof(*msg), 0,
				VM_PKT_DATA_INBAND, 0);
}

/*
 * Send @msg on the primary and wait for the host's completion, which
 * replaces @msg.  The answer must be of @resp_type and at least @min_len
 * bytes; the caller judges its status.
 */
int netvsc_nvsp_exec(struct netvsc_dev *nvdev, struct nvsp_message *msg,
		     u32 resp_type, u32 min_len)
{
	struct device *dev = &nvdev->hdev->device;
	unsigned long end = jiffies + NETVSC_CTL_TIMEOUT;
	u32 type = msg->hdr.msg_type, len = 0;
	unsigned long flags;
	int ret;
	u64 id;

	mutex_lock(&nvdev->ctl_lock);
	spin_lock_irqsave(&nvdev->ctl_slock, flags);
	nvdev->ctl_seq = (nvdev->ctl_seq + 1) & 0xffffffffULL;
	id = NETVSC_ID_CTL | nvdev->ctl_seq;
	nvdev->ctl_id = id;
	reinit_completion(&nvdev->ctl_done);
	spin_unlock_irqrestore(&nvdev->ctl_slock, flags);

	trace_nvsp_send(nvdev->ndev, msg);
	for (;;) {
		ret = vmbus_sendpacket(nvdev->hdev->channel, msg, sizeof(*msg),
				       id, VM_PKT_DATA_INBAND,
				       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
		if (ret != -EAGAIN || time_after(jiffies, end))
			break;
		msleep(20);
	}
	while (!ret) {
		if (wait_for_completion_timeout(&nvdev->ctl_done, HZ / 4))
			break;
		if (netvsc_dead(nvdev))
			ret = -ENODEV;
		else if (time_after(jiffies, end))
			ret = -ETIMEDOUT;
	}

	spin_lock_irqsave(&nvdev->ctl_slock, flags);
	nvdev->ctl_id = 0;	/* a late answer is dropped */
	if (!ret) {
		*msg = nvdev->ctl_resp;
		len = nvdev->ctl_resp_len;
	}
	spin_unlock_irqrestore(&nvdev->ctl_slock, flags);
	mutex_unlock(&nvdev->ctl_lock);

	if (ret) {
		dev_err(dev, "NVSP message %u: no answer (%d)\n", type, ret);
		return ret;
	}
	if (len < min_len || msg->hdr.msg_type != resp_type) {
		dev_err(dev, "NVSP message %u: bad answer type %u, %u bytes\n",
			type, msg->hdr.msg_type, len);
		return -EPROTO;
	}
	return 0;
}

/* Channel callback: the completion of a control request */
void netvsc_ctl_complete(struct netvsc_dev *nvdev, u64 id, const void *data,
			 u32 len)
{
	unsigned long flags;
	bool ours;

	spin_lock_irqsave(&nvdev->ctl_slock, flags);
	ours = nvdev->ctl_id && id == nvdev->ctl_id;
	if (ours) {
		len = min_t(u32, len, sizeof(nvdev->ctl_resp));
		memset(&nvdev->ctl_resp, 0, sizeof(nvdev->ctl_resp));
		memcpy(&nvdev->ctl_resp, data, len);
		nvdev->ctl_resp_len = len;
		nvdev->ctl_id = 0;
		complete(&nvdev->ctl_done);
	}
	spin_unlock_irqrestore(&nvdev->ctl_slock, flags);
	if (!ours)
		netvsc_warn_rl(nvdev->ndev, "completion %#llx matches no request\n",
			       id);
}

/* INIT with each version, newest first; then NDIS config and version */
static int netvsc_negotiate(struct netvsc_dev *nvdev)
{
	struct device *dev = &nvdev->hdev->device;
	struct nvsp_message msg;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(netvsc_versions); i++) {
		memset(&msg, 0, sizeof(msg));
		msg.hdr.msg_type = NVSP_MSG_TYPE_INIT;
		msg.msg.init.min_protocol_ver = netvsc_versions[i];
		msg.msg.init.max_protocol_ver = netvsc_versions[i];
		ret = netvsc_nvsp_exec(nvdev, &msg, NVSP_MSG_TYPE_INIT_COMPLETE,
				       offsetofend(struct nvsp_message,
						   msg.init_complete.status));
		if (ret)
			return ret;
		if (msg.msg.init_complete.status == NVSP_STAT_SUCCESS)
			break;
	}
	if (i == ARRAY_SIZE(netvsc_versions)) {
		dev_err(dev, "host refused every NVSP version\n");
		return -EPROTONOSUPPORT;
	}
	nvdev->nvsp_ver = netvsc_versions[i];

	if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_2) {
		memset(&msg, 0, sizeof(msg));
		msg.hdr.msg_type = NVSP_MSG2_TYPE_SEND_NDIS_CONFIG;
		msg.msg.send_ndis_config.mtu = nvdev->mtu + ETH_HLEN;
		msg.msg.send_ndis_config.capability = NVSP_CAP_IEEE8021Q;
		/* netvsc.c negotiate_nvsp_ver (6.12) */
		if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_5) {
			msg.msg.send_ndis_config.capability |=
				NVSP_CAP_TEAMING | NVSP_CAP_SRIOV;
		}
		if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_61)
			msg.msg.send_ndis_config.capability |= NVSP_CAP_RSC;
		ret = netvsc_nvsp_post(nvdev, &msg);
		if (ret)
			return ret;
	}

	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG1_TYPE_SEND_NDIS_VER;
	msg.msg.send_ndis_ver.ndis_major_ver = NVSP_NDIS_MAJOR;
	msg.msg.send_ndis_ver.ndis_minor_ver =
		nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_5 ?
		NVSP_NDIS_MINOR_V5 : NVSP_NDIS_MINOR_OLD;
	return netvsc_nvsp_post(nvdev, &msg);
}

/*
 * @size bytes at *@buf, shared with the host as a GPADL.  On error what
 * was done stays recorded, for netvsc_dev_destroy() to undo.
 */
static int netvsc_buf_share(struct netvsc_dev *nvdev, void **buf, u32 size,
			    struct vmbus_gpadl *gpadl, bool *gpadl_ok,
			    const char *what)
{
	int ret;

	*buf = vzalloc(size);
	if (!*buf)
		return -ENOMEM;
	ret = vmbus_establish_gpadl(nvdev->hdev->channel, *buf, size, gpadl);
	if (ret) {
		dev_err(&nvdev->hdev->device, "%s buffer GPADL: %d\n", what,
			ret);
		return ret;
	}
	*gpadl_ok = true;
	return 0;
}

static int netvsc_init_recv_buf(struct netvsc_dev *nvdev, u32 size)
{
	struct device *dev = &nvdev->hdev->device;
	const struct nvsp_1_receive_buffer_section *s;
	struct nvsp_message msg;
	u32 max = nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_2 ?
		  NETVSC_RECV_BUF_MAX : NETVSC_RECV_BUF_MAX_LEGACY;
	int ret;

	size = clamp_t(u32, PAGE_ALIGN(size), 64 * PAGE_SIZE, max);
	nvdev->recv_buf_size = size;
	ret = netvsc_buf_share(nvdev, &nvdev->recv_buf, size,
			       &nvdev->recv_gpadl, &nvdev->recv_gpadl_ok,
			       "receive");
	if (ret)
		return ret;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RECV_BUF;
	msg.msg.send_recv_buf.gpadl_handle = nvdev->recv_gpadl.gpadl_handle;
	msg.msg.send_recv_buf.id = NVSP_RECEIVE_BUFFER_ID;
	ret = netvsc_nvsp_exec(nvdev, &msg, NVSP_MSG1_TYPE_SEND_RECV_BUF_COMPLETE,
			       sizeof(msg.hdr) +
			       sizeof(msg.msg.send_recv_buf_complete));
	if (ret)
		return ret;
	s = &msg.msg.send_recv_buf_complete.sections[0];
	if (msg.msg.send_recv_buf_complete.status != NVSP_STAT_SUCCESS ||
	    msg.msg.send_recv_buf_complete.num_sections != 1 || s->offset ||
	    s->sub_alloc_size < ETH_HLEN || !s->num_sub_allocs ||
	    (u64)s->sub_alloc_size * s->num_sub_allocs > size) {
		dev_err(dev, "host refused the receive buffer: status %u, %u sections, %u x %u bytes\n",
			msg.msg.send_recv_buf_complete.status,
			msg.msg.send_recv_buf_complete.num_sections,
			s->num_sub_allocs, s->sub_alloc_size);
		return -EPROTO;
	}
	nvdev->recv_sections = s->num_sub_allocs;
	nvdev->recv_section_size = s->sub_alloc_size;
	return 0;
}

static int netvsc_init_send_buf(struct netvsc_dev *nvdev, u32 size)
{
	struct device *dev = &nvdev->hdev->device;
	struct nvsp_message msg;
	u32 ssize;
	int ret;

	size = clamp_t(u32, PAGE_ALIGN(size), 16 * PAGE_SIZE,
		       NETVSC_SEND_BUF_MAX);
	nvdev->send_buf_size = size;
	ret = netvsc_buf_share(nvdev, &nvdev->send_buf, size,
			       &nvdev->send_gpadl, &nvdev->send_gpadl_ok,
			       "send");
	if (ret)
		return ret;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG1_TYPE_SEND_SEND_BUF;
	msg.msg.send_send_buf.gpadl_handle = nvdev->send_gpadl.gpadl_handle;
	msg.msg.send_send_buf.id = NVSP_SEND_BUFFER_ID;
	ret = netvsc_nvsp_exec(nvdev, &msg, NVSP_MSG1_TYPE_SEND_SEND_BUF_COMPLETE,
			       sizeof(msg.hdr) +
			       sizeof(msg.msg.send_send_buf_complete));
	if (ret)
		return ret;
	ssize = msg.msg.send_send_buf_complete.section_size;
	if (msg.msg.send_send_buf_complete.status != NVSP_STAT_SUCCESS ||
	    ssize < ETH_MIN_MTU + NETVSC_TX_HDR_MAX || ssize > size) {
		dev_err(dev, "host refused the send buffer: status %u, section size %u\n",
			msg.msg.send_send_buf_complete.status, ssize);
		return -EPROTO;
	}
	nvdev->send_section_size = ssize;
	nvdev->send_sections = size / ssize;
	nvdev->send_map = bitmap_zalloc(nvdev->send_sections, GFP_KERNEL);
	return nvdev->send_map ? 0 : -ENOMEM;
}

/* Memory of one channel; @rx_comps: receive completions it may owe */
static int netvsc_chan_alloc(struct netvsc_dev *nvdev, u16 idx)
{
	struct netvsc_chan *nc = &nvdev->chan[idx];

	nc->nvdev = nvdev;
	nc->idx = idx;
	spin_lock_init(&nc->rx_lock);
	spin_lock_init(&nc->tx_lock);
	u64_stats_init(&nc->txq.syncp);
	u64_stats_init(&nc->rxq.syncp);
	timer_setup(&nc->comp_timer, netvsc_comp_timer, 0);
	compat_netif_napi_add(nvdev->ndev, &nc->napi, netvsc_napi_poll);
	nc->rsc = kvzalloc(sizeof(*nc->rsc), GFP_KERNEL);
	if (!nc->rsc)
		return -ENOMEM;
	return netvsc_tx_init(nc);
}

/* After the receive buffer: room for every completion the host may await */
static int netvsc_chan_alloc_comps(struct netvsc_chan *nc)
{
	nc->comp_cap = nc->nvdev->recv_sections + 64;
	nc->comp_ids = kvcalloc(nc->comp_cap, sizeof(u64), GFP_KERNEL);
	return nc->comp_ids ? 0 : -ENOMEM;
}

static void netvsc_chan_free(struct netvsc_chan *nc)
{
	if (!nc->nvdev)
		return;
	del_timer_sync(&nc->comp_timer);
	netif_napi_del(&nc->napi);
	netvsc_tx_cleanup(nc);
	kvfree(nc->comp_ids);
	kvfree(nc->rsc);
	nc->comp_ids = NULL;
	nc->rsc = NULL;
}

static int netvsc_chan_open(struct netvsc_dev *nvdev, u16 idx,
			    struct vmbus_channel *chan)
{
	struct netvsc_chan *nc = &nvdev->chan[idx];
	u32 ring = netvsc_ring_bytes();
	int ret;

	nc->chan = chan;
	ret = vmbus_open(chan, ring, ring, NULL, 0, netvsc_chan_cb, nc);
	if (ret) {
		nc->chan = NULL;
		return ret;
	}
	/* release: the fields above before TX may pick the channel */
	smp_store_release(&nc->open, true);
	return 0;
}

static struct netvsc_ctx *netvsc_sc_ctx(struct vmbus_channel *sc)
{
	struct device *dev = vmbus_chan_device(sc);
	struct net_device *ndev = dev ? dev_get_drvdata(dev) : NULL;

	lockdep_assert_held(&netvsc_sc_lock);
	return ndev ? netvsc_ctx(ndev) : NULL;
}

/* The NIC goes away: sub-channel callbacks no longer find it. */
void netvsc_sc_forget(struct netvsc_ctx *ctx)
{
	mutex_lock(&netvsc_sc_lock);
	dev_set_drvdata(&ctx->hdev->device, NULL);
	memset(ctx->known_sc, 0, sizeof(ctx->known_sc));
	mutex_unlock(&netvsc_sc_lock);
}

/* VMBus: the host took a sub-channel back. */
static void netvsc_sc_rescinded(struct vmbus_channel *sc)
{
	struct netvsc_ctx *ctx;
	u32 i;

	mutex_lock(&netvsc_sc_lock);
	ctx = netvsc_sc_ctx(sc);
	for (i = 1; ctx && i < NETVSC_MAX_CHANNELS; i++)
		if (ctx->known_sc[i] == sc)
			ctx->known_sc[i] = NULL;
	mutex_unlock(&netvsc_sc_lock);
}

/* Under netvsc_sc_lock: open sub-channel @sc as queue @idx */
static void netvsc_sc_open(struct netvsc_dev *nvdev, u16 idx,
			   struct vmbus_channel *sc)
{
	int ret;

	if (!idx || idx >= nvdev->num_chn || nvdev->chan[idx].chan ||
	    READ_ONCE(sc->rescind))
		return;
	ret = netvsc_chan_alloc_comps(&nvdev->chan[idx]);
	if (!ret)
		ret = netvsc_chan_open(nvdev, idx, sc);
	if (ret) {
		netdev_err(nvdev->ndev, "cannot open sub-channel %u: %d\n",
			   idx, ret);
		return;
	}
	atomic_inc(&nvdev->open_chn);
	wake_up(&nvdev->subchan_wq);
}

/* VMBus: the host offers a sub-channel; open it if we asked for it. */
static void netvsc_sc_created(struct vmbus_channel *sc)
{
	u16 idx = sc->offermsg.offer.sub_channel_index;
	struct netvsc_dev *nvdev;
	struct netvsc_ctx *ctx;

	mutex_lock(&netvsc_sc_lock);
	ctx = netvsc_sc_ctx(sc);
	if (!ctx || READ_ONCE(ctx->removing))
		goto out;
	if (!idx || idx >= NETVSC_MAX_CHANNELS) {
		netvsc_warn_rl(ctx->ndev,
			       "ignoring sub-channel %u with index %u\n",
			       sc->offermsg.child_relid, idx);
		goto out;
	}
	ctx->known_sc[idx] = sc;
	sc->chn_rescind_callback = netvsc_sc_rescinded;
	nvdev = ctx->sc_nvdev;
	if (nvdev && !nvdev->destroy)
		netvsc_sc_open(nvdev, idx, sc);
out:
	mutex_unlock(&netvsc_sc_lock);
}

/*
 * Ask the host for nvdev->want_chn - 1 sub-channels (at most what RSS
 * allows), and open those it offers.  Returns the queue count we got.
 */
int netvsc_open_subchannels(struct netvsc_dev *nvdev)
{
	struct netvsc_ctx *ctx = netvsc_ctx(nvdev->ndev);
	struct nvsp_message msg;
	u32 want, i;
	int ret;

	want = min3(nvdev->want_chn, nvdev->rss_max_queues,
		    (u32)NETVSC_MAX_CHANNELS);
	if (nvdev->nvsp_ver < NVSP_PROTOCOL_VERSION_5 || want <= 1)
		return 1;

	for (i = 1; i < want; i++) {
		ret = netvsc_chan_alloc(nvdev, i);
		if (ret)
			return 1;
	}
	mutex_lock(&netvsc_sc_lock);
	ctx->sc_nvdev = nvdev;
	mutex_unlock(&netvsc_sc_lock);
	vmbus_set_sc_create_callback(nvdev->hdev->channel, netvsc_sc_created);

	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG5_TYPE_SUBCHANNEL;
	msg.msg.subchn_req.op = NVSP_SUBCHANNEL_ALLOCATE;
	msg.msg.subchn_req.num_subchannels = want - 1;
	ret = netvsc_nvsp_exec(nvdev, &msg, NVSP_MSG5_TYPE_SUBCHANNEL,
			       sizeof(msg.hdr) + sizeof(msg.msg.subchn_comp));
	if (ret || msg.msg.subchn_comp.status != NVSP_STAT_SUCCESS ||
	    msg.msg.subchn_comp.num_subchannels > want - 1) {
		netdev_warn(nvdev->ndev,
			    "no sub-channels (%d, status %u, %u granted)\n",
			    ret, msg.msg.subchn_comp.status,
			    msg.msg.subchn_comp.num_subchannels);
		return 1;
	}
	mutex_lock(&netvsc_sc_lock);
	nvdev->num_chn = 1 + msg.msg.subchn_comp.num_subchannels;
	/* those offered to an earlier session are not offered again */
	for (i = 1; i < nvdev->num_chn; i++)
		if (ctx->known_sc[i])
			netvsc_sc_open(nvdev, i, ctx->known_sc[i]);
	mutex_unlock(&netvsc_sc_lock);

	/* the offers arrive on VMBus's work queue */
	if (!wait_event_timeout(nvdev->subchan_wq,
				atomic_read(&nvdev->open_chn) >= nvdev->num_chn ||
				netvsc_dead(nvdev), NETVSC_CTL_TIMEOUT))
		netdev_warn(nvdev->ndev, "only %d of %u channels opened\n",
			    atomic_read(&nvdev->open_chn), nvdev->num_chn);

	/* queues are numbered densely: stop at the first missing one */
	mutex_lock(&netvsc_sc_lock);
	for (i = 1; i < nvdev->num_chn; i++)
		if (!READ_ONCE(nvdev->chan[i].open))
			break;
	nvdev->num_chn = i;
	mutex_unlock(&netvsc_sc_lock);
	return nvdev->num_chn;
}

/* NVSP 4 and later: tell the host which data path the guest uses. */
int netvsc_switch_datapath(struct netvsc_dev *nvdev, bool vf)
{
	struct nvsp_message msg;

	if (nvdev->nvsp_ver < NVSP_PROTOCOL_VERSION_4)
		return -EOPNOTSUPP;
	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG4_TYPE_SWITCH_DATA_PATH;
	msg.msg.active_dp.active_datapath =
		vf ? NVSP_DATAPATH_VF : NVSP_DATAPATH_SYNTHETIC;
	return netvsc_nvsp_post(nvdev, &msg);
}

/* Send one receive completion, or keep it for later; never lose one. */
int netvsc_send_completion(struct netvsc_chan *nc, u64 tid)
{
	struct nvsp_message msg;
	int ret;

	if (!nc->comp_cnt) {
		memset(&msg, 0, sizeof(msg));
		msg.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE;
		msg.msg.send_rndis_pkt_complete.status = NVSP_STAT_SUCCESS;
		ret = vmbus_sendpacket(nc->chan, &msg,
				       offsetofend(struct nvsp_message,
						   msg.send_rndis_pkt_complete),
				       tid, VM_PKT_COMP, 0);
		if (ret != -EAGAIN)
			return ret;
		atomic_long_inc(&netvsc_ctx(nc->nvdev->ndev)->eth.rx_comp_busy);
	}
	if (!nc->comp_ids || nc->comp_cnt >= nc->comp_cap) {
		/* more packets than the host has slots: it broke the protocol */
		netvsc_warn_rl(nc->nvdev->ndev,
			       "queue %u: receive completion %#llx dropped\n",
			       nc->idx, tid);
		return -ENOSPC;
	}
	nc->comp_ids[(nc->comp_head + nc->comp_cnt) % nc->comp_cap] = tid;
	nc->comp_cnt++;
	mod_timer(&nc->comp_timer, jiffies + 1);
	return 0;
}

/* Under rx_lock: send what the ring had no room for before. */
void netvsc_flush_completions(struct netvsc_chan *nc)
{
	struct nvsp_message msg;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE;
	msg.msg.send_rndis_pkt_complete.status = NVSP_STAT_SUCCESS;
	while (nc->comp_cnt) {
		int ret = vmbus_sendpacket(nc->chan, &msg,
					   offsetofend(struct nvsp_message,
						       msg.send_rndis_pkt_complete),
					   nc->comp_ids[nc->comp_head],
					   VM_PKT_COMP, 0);

		if (ret == -EAGAIN) {
			mod_timer(&nc->comp_timer, jiffies + 1);
			return;
		}
		/* sent, or the channel is gone: either way it is done */
		nc->comp_head = (nc->comp_head + 1) % nc->comp_cap;
		nc->comp_cnt--;
	}
}

/* Retry completions the ring had no room for; the host waits for them. */
void netvsc_comp_timer(struct timer_list *t)
{
	struct netvsc_chan *nc = from_timer(nc, t, comp_timer);

	if (!spin_trylock_bh(&nc->rx_lock)) {
		mod_timer(&nc->comp_timer, jiffies + 1);
		return;
	}
	if (READ_ONCE(nc->open))
		netvsc_flush_completions(nc);
	spin_unlock_bh(&nc->rx_lock);
}

/* Take the buffers back from the host (no answer is sent). */
static void netvsc_revoke_buffers(struct netvsc_dev *nvdev)
{
	struct nvsp_message msg;

	if (netvsc_dead(nvdev))
		return;
	if (nvdev->recv_sections) {
		memset(&msg, 0, sizeof(msg));
		msg.hdr.msg_type = NVSP_MSG1_TYPE_REVOKE_RECV_BUF;
		msg.msg.revoke_recv_buf.id = NVSP_RECEIVE_BUFFER_ID;
		netvsc_nvsp_post(nvdev, &msg);
	}
	if (nvdev->send_sections) {
		memset(&msg, 0, sizeof(msg));
		msg.hdr.msg_type = NVSP_MSG1_TYPE_REVOKE_SEND_BUF;
		msg.msg.revoke_send_buf.id = NVSP_SEND_BUFFER_ID;
		netvsc_nvsp_post(nvdev, &msg);
	}
}

static void netvsc_dev_free(struct netvsc_dev *nvdev)
{
	u32 i;

	for (i = 0; i < NETVSC_MAX_CHANNELS; i++)
		netvsc_chan_free(&nvdev->chan[i]);
	bitmap_free(nvdev->send_map);
	vfree(nvdev->send_buf);
	vfree(nvdev->recv_buf);
	free_page((unsigned long)nvdev->rndis_req);
	kfree(nvdev->rndis_resp);
	kvfree(nvdev);
}

/*
 * Tear a session down: RNDIS halt, buffers revoked, channels closed
 * (which stops their callbacks), GPADLs gone, memory freed.  NAPI is
 * stopped and TX detached by the caller.
 */
void netvsc_dev_destroy(struct netvsc_dev *nvdev)
{
	struct netvsc_ctx *ctx = netvsc_ctx(nvdev->ndev);
	u32 i;

	mutex_lock(&netvsc_sc_lock);
	nvdev->destroy = true;
	if (ctx->sc_nvdev == nvdev)
		ctx->sc_nvdev = NULL;
	mutex_unlock(&netvsc_sc_lock);
	vmbus_set_sc_create_callback(nvdev->hdev->channel, NULL);

	netvsc_rndis_halt(nvdev);
	netvsc_revoke_buffers(nvdev);
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++)
		WRITE_ONCE(nvdev->chan[i].open, false);
	/* closes the sub-channels too; no callback runs afterwards */
	vmbus_close(nvdev->hdev->channel);
	if (nvdev->recv_gpadl_ok)
		vmbus_teardown_gpadl(nvdev->hdev->channel, &nvdev->recv_gpadl);
	if (nvdev->send_gpadl_ok)
		vmbus_teardown_gpadl(nvdev->hdev->channel, &nvdev->send_gpadl);
	netvsc_dev_free(nvdev);
}

/*
 * Build a session: open the primary, negotiate, hand the host our
 * buffers, initialize RNDIS and open the sub-channels.
 */
struct netvsc_dev *netvsc_dev_create(struct netvsc_ctx *ctx,
				     const struct netvsc_cfg *cfg)
{
	struct netvsc_dev *nvdev;
	int ret;

	nvdev = kvzalloc(sizeof(*nvdev), GFP_KERNEL);
	if (!nvdev)
		return ERR_PTR(-ENOMEM);
	nvdev->hdev = ctx->hdev;
	nvdev->ndev = ctx->ndev;
	nvdev->mtu = cfg->mtu;
	nvdev->want_chn = cfg->num_chn;
	nvdev->num_chn = 1;
	mutex_init(&nvdev->ctl_lock);
	spin_lock_init(&nvdev->ctl_slock);
	init_completion(&nvdev->ctl_done);
	mutex_init(&nvdev->rndis_lock);
	spin_lock_init(&nvdev->rndis_slock);
	init_completion(&nvdev->rndis_done);
	init_waitqueue_head(&nvdev->subchan_wq);
	nvdev->rndis_req = (void *)get_zeroed_page(GFP_KERNEL);
	nvdev->rndis_resp = kzalloc(NETVSC_RNDIS_RESP_MAX, GFP_KERNEL);
	if (!nvdev->rndis_req || !nvdev->rndis_resp) {
		netvsc_dev_free(nvdev);
		return ERR_PTR(-ENOMEM);
	}
	ret = netvsc_chan_alloc(nvdev, 0);
	if (ret) {
		netvsc_dev_free(nvdev);
		return ERR_PTR(ret);
	}
	ret = netvsc_chan_open(nvdev, 0, nvdev->hdev->channel);
	if (ret) {
		dev_err(&ctx->hdev->device, "cannot open the channel: %d\n",
			ret);
		netvsc_dev_free(nvdev);
		return ERR_PTR(ret);
	}
	atomic_set(&nvdev->open_chn, 1);

	ret = netvsc_negotiate(nvdev);
	if (!ret)
		ret = netvsc_init_recv_buf(nvdev, cfg->recv_buf_size);
	if (!ret)
		ret = netvsc_chan_alloc_comps(&nvdev->chan[0]);
	if (!ret)
		ret = netvsc_init_send_buf(nvdev, cfg->send_buf_size);
	if (!ret)
		ret = netvsc_rndis_init(nvdev);
	if (ret) {
		netvsc_dev_destroy(nvdev);
		return ERR_PTR(ret);
	}
	netvsc_open_subchannels(nvdev);
	return nvdev;
}
