// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels: offers, relids, open/close, rescind, sub-channels, and the
 * events in both directions.
 *
 * Sources: include/linux/hyperv.h and drivers/hv/channel_mgmt.c,
 * channel.c (Linux 6.12) for what the guest sends and expects; openvmm
 * vmbus_server/src/channels.rs for what a host does with it.
 *
 * - Relids: lowest free in 1..2047, assigned when a channel is offered to
 *   the connected guest (openvmm AssignedChannels::allocate), freed when
 *   the guest sends RELID_RELEASED for it or the connection ends; a relid
 *   is never reused before that.
 * - The signal connection id is 0x2000 + relid (openvmm
 *   ConnectionId::new(relid, VTL 0, SINT 2)).
 * - Monitor ids: lowest free in 0..127 for channels of a device that uses
 *   monitored notification, sent only if the guest gave monitor pages
 *   (openvmm AssignedMonitors, send_offer).  monitorid is 0xff otherwise.
 * - Every channel is offered with is_dedicated_interrupt = 1 ("All
 *   channels are dedicated with Win8+ hosts", openvmm send_offer).
 * - OPENCHANNEL on a rescinded channel is ignored, a CLOSECHANNEL too
 *   (openvmm handle_open_channel/handle_close_channel).
 * - Closing a primary channel rescinds its sub-channels (openvmm
 *   vmbus_channel/src/channel.rs handle_close: "Revoke all subchannels").
 * - A device rescind rescinds sub-channels before the primary (openvmm
 *   channel.rs: "Revoke all subchannels before the primary channel").
 * - Host -> guest events: bit relid in the SINT 2 event flags of the
 *   channel's target VP (drivers/hv/vmbus_drv.c vmbus_chan_sched for
 *   VERSION_WIN8+); guest -> host: HVCALL_SIGNAL_EVENT on connection_id,
 *   or for monitored channels the pending bit in the child-to-parent
 *   monitor page (drivers/hv/channel.c vmbus_setevent), which hvsim polls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/host.h"

/* one guest packet at most: len8 is 16 bits */
#define PKT_MAX_BYTES	(0xffffu * VMBUS_PKT_ALIGN)

struct hv_chan *chan_by_relid(const struct vmbus_host *vh, uint32_t relid)
{
	if (!relid || relid > VMBUS_MAX_RELID)
		return NULL;
	return vh->relids[relid];
}

const char *chan_state_name(const struct hv_chan *ch)
{
	switch (ch->state) {
	case CHAN_NEW:
		return "new";
	case CHAN_OFFERED:
		return ch->was_open ? "closed" : "offered";
	case CHAN_OPEN:
		return "open";
	case CHAN_RESCINDED:
		return "rescinded";
	case CHAN_RELEASED:
		return "released";
	}
	return "?";
}

struct hv_chan *chan_new(struct vsp_device *dev, uint16_t sub_index)
{
	struct hv_chan *ch = calloc(1, sizeof(*ch)), **pp;

	if (!ch)
		return NULL;
	ch->dev = dev;
	ch->vh = dev->vh;
	ch->sub_index = sub_index;
	ch->state = CHAN_NEW;
	ch->monitor_id = -1;
	if (!sub_index) {
		dev->primary = ch;
		return ch;
	}
	for (pp = &dev->subs; *pp; pp = &(*pp)->next)
		;
	*pp = ch;
	return ch;
}

static void chan_free(struct hv_chan *ch)
{
	struct vsp_device *dev = ch->dev;
	struct hv_chan **pp;

	if (dev->primary == ch) {
		dev->primary = NULL;
	} else {
		for (pp = &dev->subs; *pp; pp = &(*pp)->next) {
			if (*pp == ch) {
				*pp = ch->next;
				break;
			}
		}
	}
	free(ch);
}

static void chan_release_ids(struct hv_chan *ch)
{
	struct vmbus_host *vh = ch->vh;

	if (ch->relid && vh->relids[ch->relid] == ch)
		vh->relids[ch->relid] = NULL;
	if (ch->monitor_id >= 0)
		vh->monitors[ch->monitor_id / 32] &= ~(1u << (ch->monitor_id % 32));
	ch->relid = 0;
	ch->conn_id = 0;
	ch->monitor_id = -1;
}

static int alloc_monitor(struct vmbus_host *vh)
{
	for (int id = 0; id < VMBUS_MAX_MONITORS; id++) {
		if (!(vh->monitors[id / 32] & (1u << (id % 32)))) {
			vh->monitors[id / 32] |= 1u << (id % 32);
			return id;
		}
	}
	return -1;
}

int chan_offer(struct hv_chan *ch)
{
	struct vmbus_host *vh = ch->vh;
	struct vsp_device *dev = ch->dev;
	struct vmbus_channel_offer_channel m;
	uint32_t relid;

	if (!vh->connected || !vh->offers_requested || ch->state != CHAN_NEW)
		return 0;
	for (relid = 1; relid <= VMBUS_MAX_RELID && vh->relids[relid]; relid++)
		;
	if (relid > VMBUS_MAX_RELID) {
		log_err("vmbus: no free relid for a %s channel",
			vsp_class_name(dev));
		return -ENOSPC;
	}
	ch->relid = relid;
	ch->conn_id = VMBUS_CHAN_CONN_BASE | relid;
	vh->relids[relid] = ch;
	if (relid > vh->relid_hi)
		vh->relid_hi = relid;
	if (dev->mnf && vh->monitor_page[1]) {
		ch->monitor_id = alloc_monitor(vh);
		if (ch->monitor_id < 0)
			log_warn("vmbus: out of monitor ids, relid %u signals by hypercall",
				 relid);
	}

	memset(&m, 0, sizeof(m));
	m.header.msgtype = CHANNELMSG_OFFERCHANNEL;
	m.offer.if_type = hv_classes[dev->cls].guid;
	m.offer.if_instance = dev->instance;
	m.offer.chn_flags = dev->chn_flags;
	m.offer.mmio_megabytes = ch->sub_index ? 0 : dev->mmio_megabytes;
	memcpy(m.offer.u.std.user_def, dev->user_def, sizeof(dev->user_def));
	m.offer.sub_channel_index = ch->sub_index;
	m.child_relid = relid;
	m.monitorid = ch->monitor_id >= 0 ? (uint8_t)ch->monitor_id : 0xff;
	m.monitor_allocated = ch->monitor_id >= 0;
	m.is_dedicated_interrupt = 1;
	m.connection_id = ch->conn_id;
	ch->state = CHAN_OFFERED;
	ch->was_open = false;
	vh->st.offers++;
	log_dbg("vmbus: offer %s#%u sub %u as relid %u", vsp_class_name(dev),
		dev->index, ch->sub_index, relid);
	vmbus_send_msg(vh, &m, sizeof(m));
	return 0;
}

void chan_handle_request_offers(struct vmbus_host *vh)
{
	struct vmbus_channel_all_offers_delivered done = {
		.header.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED,
	};

	/* once per connection (openvmm: OffersAlreadySent) */
	if (vh->offers_requested) {
		log_guest("vmbus: REQUESTOFFERS again");
		vh->st.msgs_bad++;
		return;
	}
	vh->offers_requested = true;
	for (struct vsp_device *dev = vh->devices; dev; dev = dev->next)
		if (!dev->removing && dev->primary)
			chan_offer(dev->primary);
	vmbus_send_msg(vh, &done, sizeof(done));
}

static void chan_signal_guest(struct hv_chan *ch)
{
	if (ch->target_vp == VMBUS_TARGET_VP_NONE)
		return;
	if (synic_signal(ch->vh->hs, ch->target_vp, VMBUS_MESSAGE_SINT,
			 ch->relid) == 0)
		ch->st.sig_out++;
}

/* "ring corrupt" / "ring restore": a lying write index, then the truth */
int chan_poke_in_write_index(struct hv_chan *ch, uint32_t value, bool restore)
{
	int ret;

	if (ch->state != CHAN_OPEN)
		return -ENOTCONN;
	ret = ring_poke_write_index(&ch->in, value, restore);
	if (!ret)
		chan_signal_guest(ch);
	return ret;
}

/* the host half of a close: the VSP lets go, the ring GPADL is free */
static void chan_shutdown(struct hv_chan *ch)
{
	struct gpadl *g = ch->ring_gpadl;

	if (ch->state != CHAN_OPEN)
		return;
	if (ch->dev->ops->on_close)
		ch->dev->ops->on_close(ch);
	ring_detach(&ch->out);
	ring_detach(&ch->in);
	free(ch->pktbuf);
	free(ch->ranges);
	ch->pktbuf = NULL;
	ch->ranges = NULL;
	ch->pktbuf_size = 0;
	ch->blocked = ch->want_space = ch->resched = false;
	ch->ring_gpadl = NULL;
	ch->state = CHAN_OFFERED;
	ch->vh->st.closes++;
	/* a TEARDOWN that waited for the ring is answered now */
	if (g)
		gpadl_put(g);
}

static void chan_rescind(struct hv_chan *ch)
{
	struct vmbus_channel_rescind_offer m = {
		.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER,
	};

	switch (ch->state) {
	case CHAN_NEW:
	case CHAN_RELEASED:
		gpadl_drop_chan(ch->vh, ch);
		chan_free(ch);
		return;
	case CHAN_OPEN:
		chan_shutdown(ch);
		/* fall through */
	case CHAN_OFFERED:
		m.child_relid = ch->relid;
		ch->state = CHAN_RESCINDED;
		ch->vh->st.rescinds++;
		vmbus_send_msg(ch->vh, &m, sizeof(m));
		return;
	case CHAN_RESCINDED:
		return;
	}
}

void chan_close(struct hv_chan *ch)
{
	struct hv_chan *sub, *next;

	chan_shutdown(ch);
	if (ch->sub_index)
		return;
	for (sub = ch->dev->subs; sub; sub = next) {
		next = sub->next;
		chan_rescind(sub);
	}
	vmbus_timer_update(ch->vh);
}

void chan_rescind_device(struct vsp_device *dev)
{
	struct hv_chan *sub, *next;

	if (dev->removing)
		return;
	dev->removing = true;
	if (dev->ops->on_rescind)
		dev->ops->on_rescind(dev);
	for (sub = dev->subs; sub; sub = next) {
		next = sub->next;
		chan_rescind(sub);
	}
	if (dev->primary)
		chan_rescind(dev->primary);
	vmbus_timer_update(dev->vh);
	vsp_device_maybe_free(dev);
}

void chan_release_all(struct vmbus_host *vh)
{
	struct vsp_device *dev, *next;

	for (dev = vh->devices; dev; dev = next) {
		next = dev->next;
		while (dev->subs) {
			chan_shutdown(dev->subs);
			chan_release_ids(dev->subs);
			chan_free(dev->subs);
		}
		if (dev->primary) {
			chan_shutdown(dev->primary);
			chan_release_ids(dev->primary);
			if (dev->removing) {
				chan_free(dev->primary);
			} else {
				dev->primary->state = CHAN_NEW;
				dev->primary->was_open = false;
				memset(&dev->primary->st, 0, sizeof(dev->primary->st));
			}
		}
		vsp_device_maybe_free(dev);
	}
	gpadl_drop_all(vh);
	memset(vh->relids, 0, sizeof(vh->relids));
	vh->relid_hi = 0;
	memset(vh->monitors, 0, sizeof(vh->monitors));
}

static void send_open_result(struct vmbus_host *vh, uint32_t relid,
			     uint32_t openid, uint32_t status)
{
	struct vmbus_channel_open_result r = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = relid,
		.openid = openid,
		.status = status,
	};

	if (status)
		vh->st.open_failures++;
	vmbus_send_msg(vh, &r, sizeof(r));
}

/*
 * OPENCHANNEL's parameters against the channel and its ring GPADL: NULL
 * and *@gp set, or why not.
 */
static const char *open_check(struct vmbus_host *vh, struct hv_chan *ch,
			      const struct vmbus_channel_open_channel *o,
			      struct gpadl **gp)
{
	struct gpadl *g;
	uint32_t off;

	if (!ch)
		return "no such channel";
	if (ch->state != CHAN_OFFERED)
		return "channel is open";
	g = chan_gpadl(ch, o->ringbuffer_gpadlhandle);
	if (!g)
		return "no such GPADL on this channel";
	if (g->users)
		return "GPADL is in use";
	/* whole pages from the first byte: each ring starts page aligned */
	if (g->byte_offset ||
	    g->byte_count != (uint64_t)g->npfns * HV_HYP_PAGE_SIZE)
		return "ring GPADL is not whole pages";
	/* control page + at least one data page on either side */
	off = o->downstream_ringbuffer_pageoffset;
	if (off < 2 || off > g->npfns || g->npfns - off < 2)
		return "bad downstream ring page offset";
	if (o->target_vp != VMBUS_TARGET_VP_NONE &&
	    o->target_vp >= hvsim_guest_cpus(vh->hs))
		return "bad target_vp";
	*gp = g;
	return NULL;
}

static void open_undo(struct hv_chan *ch)
{
	free(ch->pktbuf);
	free(ch->ranges);
	ch->pktbuf = NULL;
	ch->ranges = NULL;
	ring_detach(&ch->out);
	ring_detach(&ch->in);
}

/* map both rings and the per-channel buffers: NULL, or why not */
static const char *open_rings(struct hv_chan *ch, struct gpadl *g,
			      uint32_t off)
{
	struct hvsim *hs = ch->dev->vh->hs;

	if (ring_attach(&ch->out, hs, g->pfns, off, true) ||
	    ring_attach(&ch->in, hs, g->pfns + off, g->npfns - off, false)) {
		ring_detach(&ch->out);
		ring_detach(&ch->in);
		return "ring indices out of range";
	}
	ch->pktbuf_size = ch->out.size < PKT_MAX_BYTES ? ch->out.size :
							 PKT_MAX_BYTES;
	ch->pktbuf = malloc(ch->pktbuf_size);
	ch->ranges = calloc(VMBUS_PKT_MAX_RANGES, sizeof(*ch->ranges));
	if (!ch->pktbuf || !ch->ranges) {
		open_undo(ch);
		return "out of memory";
	}
	return NULL;
}

/* OPENCHANNEL: the checks, then the rings, then the VSP */
void chan_handle_open(struct vmbus_host *vh, const void *msg, uint32_t len)
{
	struct vmbus_channel_open_channel o;
	struct gpadl *g = NULL;
	struct hv_chan *ch;
	const char *why;
	uint32_t status;

	(void)len;	/* at least sizeof(o): the dispatcher checked */
	memcpy(&o, msg, sizeof(o));
	ch = chan_by_relid(vh, o.child_relid);
	if (ch && ch->state == CHAN_RESCINDED) {
		log_dbg("vmbus: OPENCHANNEL for rescinded relid %u ignored",
			o.child_relid);
		return;
	}
	why = open_check(vh, ch, &o, &g);
	if (!why)
		why = open_rings(ch, g, o.downstream_ringbuffer_pageoffset);
	if (why) {
		log_guest("OPENCHANNEL relid %u: %s", o.child_relid, why);
		send_open_result(vh, o.child_relid, o.openid,
				 VMBUS_STATUS_UNSUCCESSFUL);
		return;
	}
	ch->target_vp = o.target_vp;
	ch->open_id = o.openid;
	memcpy(ch->userdata, o.userdata, sizeof(ch->userdata));
	memset(&ch->st, 0, sizeof(ch->st));
	status = ch->dev->ops->on_open ? ch->dev->ops->on_open(ch) : 0;
	if (status) {
		log_guest("vmbus: %s refused to open relid %u: 0x%x",
			  vsp_class_name(ch->dev), ch->relid, status);
		open_undo(ch);
		send_open_result(vh, o.child_relid, o.openid, status);
		return;
	}
	gpadl_get(g);
	ch->ring_gpadl = g;
	ch->state = CHAN_OPEN;
	ch->was_open = true;
	vh->st.opens++;
	log_dbg("vmbus: relid %u open: rings %u + %u KiB, vp %u", ch->relid,
		ch->out.size / 1024, ch->in.size / 1024, ch->target_vp);
	send_open_result(vh, o.child_relid, o.openid, 0);
	if (ch->dev->ops->on_opened)
		ch->dev->ops->on_opened(ch);
	vmbus_timer_update(vh);
	/* anything the guest wrote before it heard back */
	chan_process(ch);
}

void chan_handle_close(struct vmbus_host *vh, const void *msg, uint32_t len)
{
	struct vmbus_channel_close_channel c;
	struct hv_chan *ch;

	(void)len;	/* at least sizeof(c): the dispatcher checked */
	memcpy(&c, msg, sizeof(c));
	ch = chan_by_relid(vh, c.child_relid);
	if (ch && ch->state == CHAN_RESCINDED)
		return;
	if (!ch || ch->state != CHAN_OPEN) {
		log_guest("CLOSECHANNEL relid %u: not open", c.child_relid);
		vh->st.msgs_bad++;
		return;
	}
	chan_close(ch);
}

static void chan_reoffer(struct vsp_device *dev, uint16_t idx);

void chan_handle_relid_released(struct vmbus_host *vh, const void *msg,
				uint32_t len)
{
	struct vmbus_channel_relid_released r;
	struct vsp_device *dev;
	struct hv_chan *ch;

	(void)len;	/* at least sizeof(r): the dispatcher checked */
	memcpy(&r, msg, sizeof(r));
	ch = chan_by_relid(vh, r.child_relid);
	if (!ch || ch->state == CHAN_OPEN) {
		log_guest("RELID_RELEASED relid %u: %s", r.child_relid,
			  ch ? "channel is open" : "no such channel");
		vh->st.msgs_bad++;
		return;
	}
	vh->st.releases++;
	dev = ch->dev;
	chan_release_ids(ch);
	gpadl_drop_chan(vh, ch);
	if (ch->state == CHAN_RESCINDED) {
		uint16_t idx = ch->sub_index;

		chan_free(ch);
		if (idx)
			chan_reoffer(dev, idx);
		vsp_device_maybe_free(dev);
	} else {
		/* given back unasked: offered again on the next connection */
		ch->state = CHAN_RELEASED;
	}
}

void chan_handle_modify(struct vmbus_host *vh, const void *msg, uint32_t len)
{
	struct vmbus_channel_modifychannel m;
	struct vmbus_channel_modifychannel_response r = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL_RESPONSE,
	};
	struct hv_chan *ch;

	(void)len;	/* at least sizeof(m): the dispatcher checked */
	memcpy(&m, msg, sizeof(m));
	ch = chan_by_relid(vh, m.child_relid);
	r.child_relid = m.child_relid;
	/* openvmm modify_channel: open, interrupts on, a real VP */
	if (!ch || ch->state != CHAN_OPEN ||
	    ch->target_vp == VMBUS_TARGET_VP_NONE ||
	    m.target_vp >= hvsim_guest_cpus(vh->hs)) {
		log_guest("MODIFYCHANNEL relid %u to vp %u refused",
			  m.child_relid, m.target_vp);
		r.status = VMBUS_STATUS_UNSUCCESSFUL;
	} else {
		ch->target_vp = m.target_vp;
	}
	/* the response exists from 5.3 on (openvmm: Version::Iron) */
	if (vh->version >= VERSION_WIN10_V5_3)
		vmbus_send_msg(vh, &r, sizeof(r));
}

/* ---- packets ---- */

int chan_send(struct hv_chan *ch, uint16_t type, uint16_t flags,
	      uint64_t trans_id, const void *hdr, uint32_t hdr_len,
	      const void *data, uint32_t len)
{
	struct vmpacket_descriptor d = {
		.type = type,
		.flags = flags,
		.trans_id = trans_id,
	};
	struct ring_iov iov[3] = {
		{ &d, sizeof(d) }, { hdr, hdr_len }, { data, len },
	};
	uint64_t total = (uint64_t)sizeof(d) + hdr_len + len;
	bool signal;
	int ret;

	if (ch->state != CHAN_OPEN)
		return -EPIPE;
	if (hdr_len % VMBUS_PKT_ALIGN || total > PKT_MAX_BYTES)
		return -EINVAL;
	d.offset8 = (uint16_t)((sizeof(d) + hdr_len) / VMBUS_PKT_ALIGN);
	d.len8 = (uint16_t)(vmbus_pkt_align((uint32_t)total) / VMBUS_PKT_ALIGN);
	ret = ring_write(&ch->in, iov, 3, &signal);
	if (ret == -EAGAIN) {
		ch->st.full++;
		return ret;
	}
	if (ret)
		return ret == -EINVAL ? ret : -EPIPE;
	ch->st.pkts_out++;
	ch->st.bytes_out += total;
	if (signal)
		chan_signal_guest(ch);
	return 0;
}

int chan_send_inband(struct hv_chan *ch, uint64_t trans_id, uint16_t flags,
		     const void *data, uint32_t len)
{
	return chan_send(ch, VM_PKT_DATA_INBAND, flags, trans_id, NULL, 0,
			 data, len);
}

int chan_send_comp(struct hv_chan *ch, uint64_t trans_id, const void *data,
		   uint32_t len)
{
	return chan_send(ch, VM_PKT_COMP, 0, trans_id, NULL, 0, data, len);
}

int chan_send_xfer(struct hv_chan *ch, uint64_t trans_id, uint16_t flags,
		   uint16_t pageset_id, const struct vmtransfer_page_range *r,
		   uint32_t nranges, const void *data, uint32_t len)
{
	/* the header after the descriptor, then the ranges */
	struct {
		uint16_t id;
		uint8_t sender_owns_set;
		uint8_t reserved;
		uint32_t range_cnt;
		struct vmtransfer_page_range r[VMBUS_PKT_MAX_XFER];
	} __packed h;

	static_assert(offsetof(typeof(h), r) ==
		      sizeof(struct vmtransfer_page_packet_header) -
		      sizeof(struct vmpacket_descriptor), "xfer header");
	if (nranges > VMBUS_PKT_MAX_XFER)
		return -EINVAL;
	h.id = pageset_id;
	h.sender_owns_set = 0;
	h.reserved = 0;
	h.range_cnt = nranges;
	memcpy(h.r, r, nranges * sizeof(*r));
	return chan_send(ch, VM_PKT_DATA_USING_XFER_PAGES, flags, trans_id, &h,
			 (uint32_t)(offsetof(typeof(h), r) + nranges * sizeof(*r)),
			 data, len);
}

void chan_request_space(struct hv_chan *ch, uint32_t bytes)
{
	if (ch->state != CHAN_OPEN)
		return;
	/* a packet still waiting (blocked) may need more than this */
	if (!ch->blocked || bytes > ch->in.need)
		ch->in.need = bytes;
	ch->want_space = true;
	/* the guest signals once it frees that much; the timer also looks */
	ring_wait_space(&ch->in, ch->in.need);
	vmbus_timer_update(ch->vh);
}

/*
 * Sub-channel @idx of @dev: the live one (anything but rescinded), and the
 * rescinded one the guest has not released yet, if any.
 */
static struct hv_chan *sub_by_index(struct vsp_device *dev, uint16_t idx,
				    struct hv_chan **rescinded)
{
	struct hv_chan *ch, *live = NULL;

	if (rescinded)
		*rescinded = NULL;
	for (ch = dev->subs; ch; ch = ch->next) {
		if (ch->sub_index != idx)
			continue;
		if (ch->state != CHAN_RESCINDED)
			live = ch;
		else if (rescinded)
			*rescinded = ch;
	}
	return live;
}

/*
 * Sub-channels 1..n, each offered once.  An index whose earlier channel
 * is rescinded but not yet released by the guest is offered when that
 * release comes (openvmm channels.rs ChannelState::Reoffered): the guest
 * asked for indexes 1..n and matches offers to queues by index.
 */
int chan_offer_subchannels(struct vsp_device *dev, unsigned int n)
{
	struct hv_chan *ch, *old;
	uint16_t idx;

	if (!dev->primary || dev->primary->state != CHAN_OPEN)
		return -EPIPE;
	if (n > VSP_MAX_SUBCHANNELS)
		n = VSP_MAX_SUBCHANNELS;
	for (idx = 1; idx <= n; idx++) {
		if (sub_by_index(dev, idx, &old))
			continue;
		ch = chan_new(dev, idx);
		if (!ch)
			return -ENOMEM;
		if (old) {
			log_dbg("vmbus: %s#%u sub %u offered once relid %u is released",
				vsp_class_name(dev), dev->index, idx, old->relid);
			continue;
		}
		if (chan_offer(ch) || ch->state != CHAN_OFFERED) {
			chan_free(ch);
			return -ENOSPC;
		}
	}
	return (int)n;
}

/* the guest released a rescinded sub-channel: a re-offer may wait on it */
static void chan_reoffer(struct vsp_device *dev, uint16_t idx)
{
	struct hv_chan *ch = sub_by_index(dev, idx, NULL);

	if (ch && ch->state == CHAN_NEW && !dev->removing && dev->primary &&
	    dev->primary->state == CHAN_OPEN && chan_offer(ch))
		chan_free(ch);
}

/*
 * Read what the guest wrote and hand it to the VSP; resume a VSP that
 * waited for room in the guest's inbound ring first.
 */
void chan_process(struct hv_chan *ch)
{
	const struct vsp_ops *ops = ch->dev->ops;
	uint32_t consumed = 0, n = 0, len;
	bool retried = false;

	if (ch->state != CHAN_OPEN)
		return;
	if (ch->blocked || ch->want_space) {
		if (!ring_has_space(&ch->in, ch->in.need))
			return;
		ring_clear_pending(&ch->in);
		ch->blocked = false;
		if (ch->want_space) {
			ch->want_space = false;
			if (ops->on_writable)
				ops->on_writable(ch);
			if (ch->state != CHAN_OPEN || ch->blocked)
				return;
		}
	}
	ch->resched = false;
	while (ch->state == CHAN_OPEN) {
		struct vmbus_pkt pkt;
		int ret;

		if (n >= VMBUS_PROCESS_BUDGET) {
			ch->resched = true;	/* the timer comes back */
			break;
		}
		ret = ring_peek(&ch->out, ch->pktbuf, ch->pktbuf_size, &len);
		if (ret == -ENOENT)
			break;
		if (ret) {
			if (ch->out.broken && !ch->st.bad_pkts++)
				log_guest("vmbus: relid %u: guest-to-host ring is corrupt, channel stopped",
					  ch->relid);
			break;
		}
		ret = vmbus_pkt_parse(&pkt, ch->pktbuf, len, ch->ranges,
				      VMBUS_PKT_MAX_RANGES);
		if (ret) {
			/* framing is fine, the content is not: skip it */
			ch->st.bad_pkts++;
			log_guest("vmbus: relid %u: malformed packet type %u dropped",
				  ch->relid, pkt.type);
		} else {
			ret = ops->on_packet ? ops->on_packet(ch, &pkt) : 0;
			if (ch->state != CHAN_OPEN)
				break;
			if (ret == -EAGAIN) {
				/* hv_ringbuffer_write's contract, from our side */
				ch->blocked = true;
				if (!retried && ring_wait_space(&ch->in, ch->in.need)) {
					ch->blocked = false;
					retried = true;
					continue;
				}
				break;
			}
			ch->st.pkts_in++;
			ch->st.bytes_in += len;
		}
		retried = false;
		if (ring_consume(&ch->out, len))
			break;
		consumed += len + VMBUS_PKT_TRAILER_SIZE;
		n++;
	}
	if (ch->state == CHAN_OPEN && ring_read_signal(&ch->out, consumed))
		chan_signal_guest(ch);
	if (ch->blocked || ch->resched)
		vmbus_timer_update(ch->vh);
}

uint16_t chan_signal_event(struct vmbus_host *vh, uint32_t conn_id)
{
	struct hv_chan *ch = NULL;

	if ((conn_id & ~(uint32_t)VMBUS_MAX_RELID) == VMBUS_CHAN_CONN_BASE)
		ch = chan_by_relid(vh, conn_id & VMBUS_MAX_RELID);
	if (!ch || ch->state != CHAN_OPEN || ch->conn_id != conn_id) {
		vh->st.bad_signals++;
		return HV_STATUS_INVALID_CONNECTION_ID;
	}
	ch->st.sig_in++;
	chan_process(ch);
	return HV_STATUS_SUCCESS;
}

static bool chan_monitored(const struct vmbus_host *vh, const struct hv_chan *ch)
{
	return ch->state == CHAN_OPEN && ch->monitor_id >= 0 &&
	       vh->monitor_page[1];
}

bool chan_poll_needed(const struct vmbus_host *vh)
{
	for (uint32_t relid = 1; relid <= vh->relid_hi; relid++) {
		const struct hv_chan *ch = vh->relids[relid];

		if (ch && ch->state == CHAN_OPEN &&
		    (chan_monitored(vh, ch) || ch->blocked || ch->want_space ||
		     ch->resched))
			return true;
	}
	return false;
}

/*
 * The child-to-parent monitor page: a set pending bit is a signal for
 * that monitor id's channel.  Only our bits are cleared, atomically, as
 * the guest sets them with sync_set_bit() (drivers/hv/channel.c).
 */
static void poll_monitor_page(struct vmbus_host *vh)
{
	struct hv_chan *by_id[VMBUS_MAX_MONITORS] = { 0 };
	uint32_t mask[HV_MONITOR_TRIGGER_GROUPS] = { 0 };

	for (uint32_t relid = 1; relid <= vh->relid_hi; relid++) {
		struct hv_chan *ch = vh->relids[relid];

		if (ch && chan_monitored(vh, ch)) {
			by_id[ch->monitor_id] = ch;
			mask[ch->monitor_id / 32] |= 1u << (ch->monitor_id % 32);
		}
	}
	for (unsigned int g = 0; g < HV_MONITOR_TRIGGER_GROUPS; g++) {
		uint32_t *pending, fired;

		if (!mask[g])
			continue;
		pending = gm_ram_ptr(&vh->hs->gm, vh->monitor_page[1] +
				     offsetof(struct hv_monitor_page, trigger_group) +
				     g * sizeof(union hv_monitor_trigger_group),
				     sizeof(uint32_t));
		if (!pending)
			return;
		fired = __atomic_fetch_and(pending, ~mask[g], __ATOMIC_SEQ_CST) &
			mask[g];
		while (fired) {
			unsigned int bit = (unsigned int)__builtin_ctz(fired);
			struct hv_chan *ch = by_id[g * 32 + bit];

			fired &= fired - 1;
			vh->st.monitor_signals++;
			ch->st.sig_in++;
			chan_process(ch);
		}
	}
}

void chan_poll(struct vmbus_host *vh)
{
	if (!vh->connected)
		return;
	poll_monitor_page(vh);
	for (uint32_t relid = 1; relid <= vh->relid_hi; relid++) {
		struct hv_chan *ch = vh->relids[relid];

		if (ch && ch->state == CHAN_OPEN &&
		    (ch->blocked || ch->want_space || ch->resched))
			chan_process(ch);
	}
}
