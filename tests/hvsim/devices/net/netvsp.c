// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsp: the synthetic NIC's host side (see netvsp.h): device options,
 * channels and the NVSP control messages.
 *
 * NVSP (nvsp.h; openvmm lib.rs "process_control"/"Initializing", Linux
 * netvsc.c netvsc_connect_vsp/netvsc_init_buf for the guest's order):
 *   INIT {min, max}: the newest version hvsim knows in [min, max] is
 *     accepted (2, 0x30002, 0x40000, 0x50000, 0x60000, 0x60001), else
 *     INIT_COMPLETE says NVSP_STAT_FAIL and the guest tries an older one.
 *   SEND_NDIS_CONFIG: MTU (frame size with Ethernet header) in 1514 ..
 *     mtu= + 14, else 1514 as openvmm/vmswitch do; capability bits kept.
 *   SEND_NDIS_VER: recorded.
 *   SEND_RECV_BUF: the GPADL is referenced and carved into slots of
 *     256 + MTU + 36 bytes (openvmm sub_allocation_size_for_mtu), one
 *     section in the answer.  SEND_SEND_BUF: sections of 6144 bytes.
 *   REVOKE_RECV_BUF / REVOKE_SEND_BUF drop the reference.
 *   SEND_RNDIS_PKT: tx.c, answered with SEND_RNDIS_PKT_COMPLETE.
 *   SUBCHANNEL ALLOCATE n (>= 5): min(n, channels=) are offered; then the
 *     send indirection table goes to the guest (>= 5).
 *   SWITCH_DATA_PATH (>= 4): recorded and counted, completed if asked;
 *     while it says VF, received frames are not delivered (rx.c).
 * Messages are answered only when the guest asked for a completion
 * (VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED), with VM_PKT_COMP and the
 * same trans_id.  A message out of place (buffers before INIT, a second
 * receive buffer, ...) fails with NVSP_STAT_FAIL where it has an answer,
 * and is counted in bad_packets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "netvsp.h"

struct netvsp *netvsp_next(struct hvsim *hs, struct netvsp *prev)
{
	struct vsp_device *d = prev ? prev->dev : NULL;

	while ((d = vsp_dev_next(hs, d)))
		if (vsp_dev_ops(d) == &vsp_net_ops && vsp_dev_priv(d) &&
		    !vsp_dev_removing(d))
			return vsp_dev_priv(d);
	return NULL;
}

struct netvsp *netvsp_by_nic(struct hvsim *hs, unsigned int nic)
{
	for (struct netvsp *n = netvsp_next(hs, NULL); n; n = netvsp_next(hs, n))
		if (n->nic == nic)
			return n;
	return NULL;
}

unsigned int netvsp_open_queues(const struct netvsp *n)
{
	unsigned int q = 0;

	for (unsigned int i = 0; i < NETVSP_MAX_CHANNELS; i++)
		q += n->chans[i] != NULL;
	return q;
}

/* ---- sending, with a backlog for a full ring ---- */

static int out_send(struct netvsp_chan *nc, const struct netvsp_out *o)
{
	switch (o->kind) {
	case NETVSP_OUT_COMP:
		return chan_send_comp(nc->ch, o->trans_id, o->data, o->len);
	case NETVSP_OUT_INBAND:
		return chan_send_inband(nc->ch, o->trans_id, 0, o->data, o->len);
	default:
		return netvsp_rx_send_ctrl(nc, o->data, o->len);
	}
}

/* 0 when the backlog is empty, -EAGAIN while it waits */
int netvsp_flush(struct netvsp_chan *nc)
{
	struct netvsp_out *o;

	while ((o = nc->backlog)) {
		int ret = out_send(nc, o);

		if (ret == -EAGAIN) {
			chan_request_space(nc->ch, vmbus_pkt_ring_bytes(
				(uint32_t)sizeof(struct vmtransfer_page_packet_header) +
				o->len + 64));
			return -EAGAIN;
		}
		if (ret)
			log_guest("net%u: queue %u: packet dropped (%d)",
				  nc->n->nic, nc->idx, ret);
		nc->backlog = o->next;
		if (!nc->backlog)
			nc->tail = &nc->backlog;
		nc->nbacklog--;
		free(o);
	}
	return 0;
}

void netvsp_queue(struct netvsp_chan *nc, uint8_t kind, uint64_t trans_id,
		  const void *data, uint32_t len)
{
	struct netvsp_out *o = malloc(sizeof(*o) + len);

	if (!o) {
		log_err("net%u: out of memory, packet to the guest lost",
			nc->n->nic);
		return;
	}
	o->next = NULL;
	o->kind = kind;
	o->trans_id = trans_id;
	o->len = len;
	if (len)
		memcpy(o->data, data, len);
	*nc->tail = o;
	nc->tail = &o->next;
	nc->nbacklog++;
	/* a control answer may wait for a slot rather than ring room */
	chan_request_space(nc->ch, vmbus_pkt_ring_bytes(
		(uint32_t)sizeof(struct vmtransfer_page_packet_header) + len + 64));
}

static void send_or_queue(struct netvsp_chan *nc, uint8_t kind,
			  uint64_t trans_id, const void *data, uint32_t len)
{
	int ret;

	if (!nc->backlog) {
		if (kind == NETVSP_OUT_COMP)
			ret = chan_send_comp(nc->ch, trans_id, data, len);
		else if (kind == NETVSP_OUT_INBAND)
			ret = chan_send_inband(nc->ch, trans_id, 0, data, len);
		else
			ret = netvsp_rx_send_ctrl(nc, data, len);
		if (ret != -EAGAIN) {
			if (ret)
				log_guest("net%u: queue %u: packet dropped (%d)",
					  nc->n->nic, nc->idx, ret);
			return;
		}
	}
	netvsp_queue(nc, kind, trans_id, data, len);
}

void netvsp_send_comp(struct netvsp_chan *nc, uint64_t trans_id,
		      const void *data, uint32_t len)
{
	send_or_queue(nc, NETVSP_OUT_COMP, trans_id, data, len);
}

void netvsp_send_inband(struct netvsp_chan *nc, const void *data, uint32_t len)
{
	send_or_queue(nc, NETVSP_OUT_INBAND, 0, data, len);
}

void netvsp_rndis_send_ctrl(struct netvsp_chan *nc, const void *msg,
			    uint32_t len)
{
	send_or_queue(nc, NETVSP_OUT_RNDIS, 0, msg, len);
}

/* ---- NVSP ---- */

static const uint32_t nvsp_versions[] = {
	NVSP_PROTOCOL_VERSION_61, NVSP_PROTOCOL_VERSION_6,
	NVSP_PROTOCOL_VERSION_5, NVSP_PROTOCOL_VERSION_4,
	NVSP_PROTOCOL_VERSION_2, NVSP_PROTOCOL_VERSION_1,
};

static void answer(struct netvsp_chan *nc, const struct vmbus_pkt *pkt,
		   const struct nvsp_message *m)
{
	if (pkt->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
		netvsp_send_comp(nc, pkt->trans_id, m, sizeof(*m));
}

static void bad(struct netvsp *n, const char *what, uint32_t type)
{
	n->st.bad_packets++;
	log_guest("net%u: NVSP message %u: %s", n->nic, type, what);
}

static void nvsp_init(struct netvsp_chan *nc, const struct vmbus_pkt *pkt,
		      const struct nvsp_message *req)
{
	struct netvsp *n = nc->n;
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG_TYPE_INIT_COMPLETE };
	uint32_t lo = req->msg.init.min_protocol_ver;
	uint32_t hi = req->msg.init.max_protocol_ver;

	m.msg.init_complete.status = NVSP_STAT_FAIL;
	/*
	 * a renegotiation starts the NVSP state over (openvmm: only in the
	 * Initializing state; Linux never does it on an open channel)
	 */
	for (size_t i = 0; i < ARRAY_SIZE(nvsp_versions); i++) {
		if (nvsp_versions[i] >= lo && nvsp_versions[i] <= hi) {
			n->nvsp_version = nvsp_versions[i];
			m.msg.init_complete.negotiated_protocol_ver = nvsp_versions[i];
			m.msg.init_complete.status = NVSP_STAT_SUCCESS;
			break;
		}
	}
	if (m.msg.init_complete.status != NVSP_STAT_SUCCESS)
		log_guest("net%u: NVSP versions 0x%x..0x%x refused", n->nic, lo,
			  hi);
	answer(nc, pkt, &m);
}

static void nvsp_ndis_config(struct netvsp *n, const struct nvsp_message *req)
{
	uint32_t mtu = req->msg.send_ndis_config.mtu;

	/*
	 * openvmm: "As in the vmswitch, if the MTU is invalid then use the
	 * default"
	 */
	n->frame_mtu = mtu >= NETVSP_DEF_FRAME && mtu <= n->max_mtu + ETH_HLEN_ ?
		       mtu : NETVSP_DEF_FRAME;
	n->caps = req->msg.send_ndis_config.capability;
	n->have_config = true;
}

/*
 * The GPADL a SEND_RECV_BUF / SEND_SEND_BUF names, with a reference; NULL
 * (and the guest told off) if the buffer comes before NVSP init, twice
 * (@taken), or names no GPADL of this channel.
 */
static struct gpadl *take_buf(struct netvsp_chan *nc,
			      const struct nvsp_message *req, uint32_t handle,
			      bool taken, const char *out_of_place,
			      const char *no_gpadl)
{
	struct netvsp *n = nc->n;
	struct gpadl *g;

	if (!n->nvsp_version || taken) {
		bad(n, out_of_place, req->hdr.msg_type);
		return NULL;
	}
	g = chan_gpadl(nc->ch, handle);
	if (!g) {
		bad(n, no_gpadl, req->hdr.msg_type);
		return NULL;
	}
	gpadl_get(g);
	return g;
}

static void nvsp_recv_buf(struct netvsp_chan *nc, const struct vmbus_pkt *pkt,
			  const struct nvsp_message *req)
{
	struct netvsp *n = nc->n;
	struct nvsp_message m = {
		.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RECV_BUF_COMPLETE,
	};
	struct nvsp_1_message_send_receive_buffer_complete *c =
		&m.msg.send_recv_buf_complete;
	struct gpadl *g;

	c->status = NVSP_STAT_FAIL;
	g = take_buf(nc, req, req->msg.send_recv_buf.gpadl_handle,
		     n->rbuf != NULL, "receive buffer out of place",
		     "receive buffer: no such GPADL");
	if (!g)
		goto out;
	n->rbuf = g;
	n->rbuf_handle = req->msg.send_recv_buf.gpadl_handle;
	n->rbuf_id = req->msg.send_recv_buf.id;
	n->rpages = gpadl_pages(g);
	if (!n->have_config)
		n->frame_mtu = NETVSP_DEF_FRAME;
	n->sub_size = NETVSP_RX_HEADER_LEN + n->frame_mtu + NETVSP_RX_FOOTER_LEN;
	if (netvsp_rx_setup(n)) {
		bad(n, "receive buffer too small", req->hdr.msg_type);
		gpadl_put(g);
		n->rbuf = NULL;
		goto out;
	}
	c->status = NVSP_STAT_SUCCESS;
	c->num_sections = 1;
	c->sections[0].offset = 0;
	c->sections[0].sub_alloc_size = n->sub_size;
	c->sections[0].num_sub_allocs = n->nslots;
	c->sections[0].end_offset = n->sub_size * n->nslots;
out:
	answer(nc, pkt, &m);
}

static void drop_recv_buf(struct netvsp *n)
{
	if (!n->rbuf)
		return;
	netvsp_rx_teardown(n);
	gpadl_put(n->rbuf);
	n->rbuf = NULL;
}

static void drop_send_buf(struct netvsp *n)
{
	if (!n->sbuf)
		return;
	gpadl_put(n->sbuf);
	n->sbuf = NULL;
	n->nsections = 0;
}

static void nvsp_send_buf(struct netvsp_chan *nc, const struct vmbus_pkt *pkt,
			  const struct nvsp_message *req)
{
	struct netvsp *n = nc->n;
	struct nvsp_message m = {
		.hdr.msg_type = NVSP_MSG1_TYPE_SEND_SEND_BUF_COMPLETE,
	};
	struct gpadl *g;

	m.msg.send_send_buf_complete.status = NVSP_STAT_FAIL;
	g = take_buf(nc, req, req->msg.send_send_buf.gpadl_handle,
		     n->sbuf != NULL, "send buffer out of place",
		     "send buffer: no such GPADL");
	if (!g)
		goto out;
	n->sbuf = g;
	n->sbuf_handle = req->msg.send_send_buf.gpadl_handle;
	n->spages = gpadl_pages(g);
	n->nsections = n->spages.byte_count / NETVSP_SEND_SECTION;
	m.msg.send_send_buf_complete.status = NVSP_STAT_SUCCESS;
	m.msg.send_send_buf_complete.section_size = NETVSP_SEND_SECTION;
out:
	answer(nc, pkt, &m);
}

/* SEND_RNDIS_PKT: from a send-buffer section or GPA-direct ranges */
static void nvsp_rndis_pkt(struct netvsp_chan *nc, const struct vmbus_pkt *pkt,
			   const struct nvsp_message *req)
{
	struct netvsp *n = nc->n;
	struct hvsim *hs = chan_hvsim(nc->ch);
	const struct nvsp_1_message_send_rndis_packet *r = &req->msg.send_rndis_pkt;
	struct nvsp_message m = {
		.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE,
	};
	uint32_t len = 0, status = NVSP_STAT_INVALID_RNDIS_PKT;

	if (!n->nvsp_version) {
		bad(n, "RNDIS packet before INIT", req->hdr.msg_type);
		goto out;
	}
	if (r->send_buf_section_index != NVSP_INVALID_SECTION_INDEX) {
		uint64_t off;

		if (!n->sbuf || r->send_buf_section_index >= n->nsections ||
		    r->send_buf_section_size > NETVSP_SEND_SECTION ||
		    !r->send_buf_section_size) {
			bad(n, "bad send-buffer section", req->hdr.msg_type);
			goto out;
		}
		off = (uint64_t)r->send_buf_section_index * NETVSP_SEND_SECTION;
		len = r->send_buf_section_size;
		if (gpa_pages_read(hs, &n->spages, off, n->msgbuf, len)) {
			bad(n, "send buffer not in RAM", req->hdr.msg_type);
			goto out;
		}
	} else if (pkt->type == VM_PKT_DATA_USING_GPA_DIRECT && pkt->nranges) {
		for (uint32_t i = 0; i < pkt->nranges; i++) {
			const struct gpa_pages *g = &pkt->ranges[i];

			if (g->byte_count > NETVSP_MAX_MSG - len ||
			    gpa_pages_read(hs, g, 0, n->msgbuf + len,
					   g->byte_count)) {
				bad(n, "bad page buffer", req->hdr.msg_type);
				goto out;
			}
			len += g->byte_count;
		}
	} else {
		bad(n, "RNDIS packet without data", req->hdr.msg_type);
		goto out;
	}
	status = netvsp_tx_rndis(nc, n->msgbuf, len,
				 r->channel_type == NVSP_RNDIS_CHANNEL_CONTROL);
	if (r->channel_type == NVSP_RNDIS_CHANNEL_DATA &&
	    (pkt->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)) {
		/* for "net inject NIC comp-again" */
		n->last_tx_tid = pkt->trans_id;
		n->last_tx_queue = nc->idx;
		n->have_last_tx = true;
	}
out:
	m.msg.send_rndis_pkt_complete.status = status;
	answer(nc, pkt, &m);
}

static void send_indirection_table(struct netvsp *n)
{
	struct {
		struct nvsp_message m;
		uint32_t tab[NVSP_SEND_TAB_SIZE];
	} __packed t;
	unsigned int q = n->granted_subs + 1;

	if (n->nvsp_version < NVSP_PROTOCOL_VERSION_5 || !n->chans[0])
		return;
	memset(&t, 0, sizeof(t));
	t.m.hdr.msg_type = NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE;
	t.m.msg.send_table.count = NVSP_SEND_TAB_SIZE;
	/*
	 * the table follows the 40-byte message (netvsc_send_table fixes
	 * the offset to that for <= 6 anyway)
	 */
	t.m.msg.send_table.offset = sizeof(struct nvsp_message);
	for (unsigned int i = 0; i < NVSP_SEND_TAB_SIZE; i++)
		t.tab[i] = i % q;
	netvsp_send_inband(n->chans[0], &t, sizeof(t));
}

static void nvsp_subchannel(struct netvsp_chan *nc, const struct vmbus_pkt *pkt,
			    const struct nvsp_message *req)
{
	struct netvsp *n = nc->n;
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG5_TYPE_SUBCHANNEL };
	uint32_t want = req->msg.subchn_req.num_subchannels;
	int live;

	m.msg.subchn_comp.status = NVSP_STAT_FAIL;
	if (n->nvsp_version < NVSP_PROTOCOL_VERSION_5 || nc->idx ||
	    req->msg.subchn_req.op != NVSP_SUBCHANNEL_ALLOCATE) {
		bad(n, "sub-channel request out of place", req->hdr.msg_type);
		answer(nc, pkt, &m);
		return;
	}
	if (want > n->max_sub)
		want = n->max_sub;
	m.msg.subchn_comp.status = NVSP_STAT_SUCCESS;
	m.msg.subchn_comp.num_subchannels = want;
	if (n->inj_subch_extra) {
		/* net inject: more than the guest asked for */
		n->inj_subch_extra = false;
		m.msg.subchn_comp.num_subchannels =
			req->msg.subchn_req.num_subchannels + 3;
	}
	n->granted_subs = want;
	/*
	 * the answer first: Linux reads num_subchannels, then waits for the
	 * offers (rndis_set_subchannel)
	 */
	answer(nc, pkt, &m);
	live = chan_offer_subchannels(n->dev, want);
	if (live < 0)
		log_guest("net%u: cannot offer %u sub-channels (%d)", n->nic,
			  want, live);
	send_indirection_table(n);
}

static void nvsp_switch_datapath(struct netvsp_chan *nc,
				 const struct vmbus_pkt *pkt,
				 const struct nvsp_message *req)
{
	struct netvsp *n = nc->n;
	uint32_t dp = req->msg.active_dp.active_datapath;

	if (n->nvsp_version < NVSP_PROTOCOL_VERSION_4 ||
	    (dp != NVSP_DATAPATH_SYNTHETIC && dp != NVSP_DATAPATH_VF)) {
		bad(n, "bad data path switch", req->hdr.msg_type);
	} else {
		if (dp != n->datapath)
			n->st.datapath_switches++;
		n->datapath = dp;
		log_info("net%u: data path %s", n->nic,
			 dp == NVSP_DATAPATH_VF ? "vf" : "synthetic");
	}
	/*
	 * Linux 6.12 waits for an empty completion (netvsc_send_completion
	 * with no payload -> channel_init_wait)
	 */
	if (pkt->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
		netvsp_send_comp(nc, pkt->trans_id, NULL, 0);
}

static void nvsp_message(struct netvsp_chan *nc, const struct vmbus_pkt *pkt)
{
	struct netvsp *n = nc->n;
	struct nvsp_message req;

	if (pkt->data_len < sizeof(struct nvsp_message_header)) {
		bad(n, "short", 0);
		return;
	}
	/* one copy, zero-filled: the ring may change under us */
	memset(&req, 0, sizeof(req));
	memcpy(&req, pkt->data, pkt->data_len < sizeof(req) ? pkt->data_len :
							      sizeof(req));
	switch (req.hdr.msg_type) {
	case NVSP_MSG1_TYPE_SEND_RNDIS_PKT:
		nvsp_rndis_pkt(nc, pkt, &req);
		return;
	case NVSP_MSG_TYPE_INIT:
		if (nc->idx)
			break;
		nvsp_init(nc, pkt, &req);
		return;
	case NVSP_MSG2_TYPE_SEND_NDIS_CONFIG:
		if (nc->idx || n->nvsp_version < NVSP_PROTOCOL_VERSION_2)
			break;
		nvsp_ndis_config(n, &req);
		if (pkt->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
			netvsp_send_comp(nc, pkt->trans_id, NULL, 0);
		return;
	case NVSP_MSG1_TYPE_SEND_NDIS_VER:
		if (nc->idx || !n->nvsp_version)
			break;
		n->ndis_major = req.msg.send_ndis_ver.ndis_major_ver;
		n->ndis_minor = req.msg.send_ndis_ver.ndis_minor_ver;
		if (pkt->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
			netvsp_send_comp(nc, pkt->trans_id, NULL, 0);
		return;
	case NVSP_MSG1_TYPE_SEND_RECV_BUF:
		if (nc->idx)
			break;
		nvsp_recv_buf(nc, pkt, &req);
		return;
	case NVSP_MSG1_TYPE_REVOKE_RECV_BUF:
		if (nc->idx || !n->rbuf || req.msg.revoke_recv_buf.id != n->rbuf_id)
			break;
		drop_recv_buf(n);
		return;
	case NVSP_MSG1_TYPE_SEND_SEND_BUF:
		if (nc->idx)
			break;
		nvsp_send_buf(nc, pkt, &req);
		return;
	case NVSP_MSG1_TYPE_REVOKE_SEND_BUF:
		if (nc->idx || !n->sbuf)
			break;
		drop_send_buf(n);
		return;
	case NVSP_MSG5_TYPE_SUBCHANNEL:
		nvsp_subchannel(nc, pkt, &req);
		return;
	case NVSP_MSG4_TYPE_SWITCH_DATA_PATH:
		nvsp_switch_datapath(nc, pkt, &req);
		return;
	}
	bad(n, "unexpected", req.hdr.msg_type);
	if (pkt->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED) {
		struct nvsp_message m = { .hdr.msg_type = req.hdr.msg_type };

		/* an answer keeps a waiting guest from hanging */
		m.msg.raw[0] = NVSP_STAT_FAIL;
		netvsp_send_comp(nc, pkt->trans_id, &m, sizeof(m));
	}
}

/* ---- VSP ops ---- */

static int net_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	struct netvsp_chan *nc = chan_priv(ch);
	struct netvsp *n;

	if (!nc)
		return 0;
	n = nc->n;
	/* answers that wait for room go first; meanwhile nothing is read */
	if (nc->backlog && netvsp_flush(nc) == -EAGAIN)
		return -EAGAIN;
	switch (pkt->type) {
	case VM_PKT_COMP: {
		/*
		 * the guest is done with a transfer-page packet (netvsc.c
		 * send_recv_completions: SEND_RNDIS_PKT_COMPLETE)
		 */
		uint32_t type = 0;

		if (pkt->data_len >= 4)
			memcpy(&type, pkt->data, 4);
		if (type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE) {
			bad(n, "completion of something else", type);
			return 0;
		}
		netvsp_rx_complete(nc, pkt->trans_id);
		return 0;
	}
	case VM_PKT_DATA_INBAND:
	case VM_PKT_DATA_USING_GPA_DIRECT:
		nvsp_message(nc, pkt);
		return 0;
	default:
		bad(n, "VMBus packet type", pkt->type);
		return 0;
	}
}

/*
 * The backend joins the event loop when the guest first opens the NIC:
 * devices are probed before hvsim's loop exists.
 */
static void start_backend(struct netvsp *n)
{
	struct net_backend_cb cb = {
		.rx = netvsp_rx_frame,
		.rx_done = netvsp_rx_done,
		.ctx = n,
	};

	if (!n->be || n->be_started)
		return;
	if (net_backend_start(n->be, &cb)) {
		log_warn("net%u: %s: not in the event loop", n->nic, n->be->desc);
		return;
	}
	n->be_started = true;
}

static uint32_t net_open(struct hv_chan *ch)
{
	struct netvsp *n = vsp_dev_priv(chan_dev(ch));
	struct netvsp_chan *nc;

	if (!n || chan_index(ch) >= NETVSP_MAX_CHANNELS)
		return VMBUS_STATUS_UNSUCCESSFUL;
	nc = calloc(1, sizeof(*nc));
	if (!nc)
		return VMBUS_STATUS_UNSUCCESSFUL;
	nc->n = n;
	nc->ch = ch;
	nc->idx = chan_index(ch);
	nc->tail = &nc->backlog;
	chan_set_priv(ch, nc);
	n->chans[nc->idx] = nc;
	start_backend(n);
	return 0;
}

static void reset_primary(struct netvsp *n)
{
	drop_recv_buf(n);
	drop_send_buf(n);
	netvsp_rndis_reset(n);
	n->nvsp_version = 0;
	n->ndis_major = n->ndis_minor = 0;
	n->frame_mtu = NETVSP_DEF_FRAME;
	n->caps = 0;
	n->have_config = false;
	n->granted_subs = 0;
	n->datapath = NVSP_DATAPATH_SYNTHETIC;
	n->have_last_tx = false;
}

static void net_close(struct hv_chan *ch)
{
	struct netvsp_chan *nc = chan_priv(ch);
	struct netvsp *n;
	struct netvsp_out *o;

	if (!nc)
		return;
	n = nc->n;
	while ((o = nc->backlog)) {
		nc->backlog = o->next;
		free(o);
	}
	n->chans[nc->idx] = NULL;
	chan_set_priv(ch, NULL);
	free(nc);
	/* openvmm close(0): everything starts over */
	if (!chan_index(ch))
		reset_primary(n);
}

static void net_writable(struct hv_chan *ch)
{
	struct netvsp_chan *nc = chan_priv(ch);

	if (!nc)
		return;
	netvsp_flush(nc);
	netvsp_rx_kick(nc->n);
}

/* ---- options ---- */

/* what --device net:key=val,... says */
struct net_config {
	uint8_t mac[6];
	const char *tap, *sw;
	uint16_t channels;
	uint32_t mtu;
};

static const struct opt_spec net_opts[] = {
	{ "mac", OPT_MAC, offsetof(struct net_config, mac),
	  .help = "permanent MAC (default 00:15:5d:00:00:<index + 1>)" },
	{ "tap", OPT_STR, offsetof(struct net_config, tap),
	  .help = "TAP device to bridge to" },
	{ "switch", OPT_STR, offsetof(struct net_config, sw),
	  .help = "internal switch directory shared with other hvsims" },
	{ "channels", OPT_U16, offsetof(struct net_config, channels),
	  .max = VSP_MAX_SUBCHANNELS, .help = "sub-channels offered" },
	{ "mtu", OPT_U32, offsetof(struct net_config, mtu), .min = 1500,
	  .max = NET_MAX_FRAME - ETH_HLEN_ - 8, .help = "largest MTU" },
};

static void net_free(struct netvsp *n)
{
	net_backend_close(n->be);
	free(n->msgbuf);
	free(n->framebuf);
	free(n->segbuf);
	free(n->rxbuf);
	free(n->rscbuf);
	free(n);
}

static int net_alloc_buffers(struct netvsp *n, char *err, size_t errlen)
{
	n->msgbuf = malloc(NETVSP_MAX_MSG);
	n->framebuf = malloc(NET_MAX_FRAME + 8);
	n->segbuf = malloc(NET_MAX_FRAME);
	n->rxbuf = malloc(NET_MAX_FRAME + 4096);
	n->rscbuf = malloc(NET_MAX_FRAME);
	if (!n->msgbuf || !n->framebuf || !n->segbuf || !n->rxbuf ||
	    !n->rscbuf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n->rsc.buf = n->rscbuf;
	return 0;
}

static int net_probe(struct vsp_device *dev, int nopts,
		     const struct opt_kv *opts, char *err, size_t errlen)
{
	unsigned int nic = vsp_dev_index(dev);
	struct net_config cfg = {
		/* Hyper-V's OUI 00:15:5d (openvmm and vmswitch use it too) */
		.mac = { 0x00, 0x15, 0x5d, 0, (uint8_t)((nic + 1) >> 8),
			 (uint8_t)(nic + 1) },
		.channels = NETVSP_DEF_SUBCHANNELS,
		.mtu = NETVSP_DEF_MAX_MTU,
	};
	struct netvsp *n;

	if (opts_apply(net_opts, ARRAY_SIZE(net_opts), &cfg, opts, nopts,
		       "net", err, errlen))
		return -1;
	if (cfg.tap && cfg.sw) {
		snprintf(err, errlen, "net: tap= and switch= exclude each other");
		return -1;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n->dev = dev;
	n->nic = nic;
	n->max_sub = cfg.channels;
	n->max_mtu = cfg.mtu;
	n->mac_allow = true;
	n->link_up = true;
	n->frame_mtu = NETVSP_DEF_FRAME;
	memcpy(n->perm_mac, cfg.mac, 6);
	memcpy(n->mac, cfg.mac, 6);
	n->vf_serial = nic + 1;
	if (net_alloc_buffers(n, err, errlen))
		goto bad;
	if (cfg.tap)
		n->be = net_tap_open(cfg.tap, err, errlen);
	else if (cfg.sw)
		n->be = net_switch_open(cfg.sw, err, errlen);
	if ((cfg.tap || cfg.sw) && !n->be)
		goto bad;
	reset_primary(n);
	vsp_dev_set_priv(dev, n);
	return 0;
bad:
	net_free(n);
	return -1;
}

static void net_remove(struct vsp_device *dev)
{
	struct netvsp *n = vsp_dev_priv(dev);

	if (!n)
		return;
	vsp_dev_set_priv(dev, NULL);
	reset_primary(n);
	net_free(n);
}

/* ---- administrator actions ---- */

int netvsp_vf(struct netvsp *n, bool add)
{
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION };

	if (!n->chans[0] || n->nvsp_version < NVSP_PROTOCOL_VERSION_4)
		return -ENOTCONN;
	n->vf_allocated = add;
	m.msg.vf_assoc.allocated = add;
	m.msg.vf_assoc.serial = n->vf_serial;
	netvsp_send_inband(n->chans[0], &m, sizeof(m));
	return 0;
}

void netvsp_set_link(struct netvsp *n, bool up)
{
	if (n->link_up == up)
		return;
	n->link_up = up;
	netvsp_indicate_link(n);
}

const struct vsp_ops vsp_net_ops = {
	.name = "net",
	/* monitored notification, as openvmm's netvsp (lib.rs mnf_interrupt_latency) */
	.offer.mnf = true,
	.opts = net_opts,
	.nopts = ARRAY_SIZE(net_opts),
	.probe = net_probe,
	.remove = net_remove,
	.on_open = net_open,
	.on_packet = net_packet,
	.on_writable = net_writable,
	.on_close = net_close,
	.cmds = netvsp_ctl_cmds,
	.ncmds = NETVSP_CTL_NCMDS,
};
