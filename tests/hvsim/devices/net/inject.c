// SPDX-License-Identifier: GPL-2.0-only
/*
 * "net inject NIC KIND": a hostile host.  netvsp sends the guest one
 * malformed message of KIND on the NIC's primary channel, built as a real
 * packet with the helpers every other message uses; the guest must reject
 * it (a rate-limited message or an error counter), complete what it has
 * to, and keep working.  Transfer-page kinds take one receive-buffer slot
 * (so the guest's completion is the ordinary one and frees it; a guest
 * that never completes keeps it until the primary closes, as any packet,
 * and "rx_inflight" shows it).  Each injection counts in "injected".
 *
 * Kinds (what is wrong):
 *   range-past    transfer-page range starting at the end of the buffer
 *   range-wrap    range whose offset + length wraps around 2^32
 *   range-count   header says 100 ranges, the packet holds one
 *   msg-len       RNDIS msg_len larger than its range
 *   data-off      RNDIS data_offset beyond the message
 *   data-len      RNDIS data_len beyond the message
 *   ppi-zero      per-packet info of size 0
 *   ppi-size      per-packet info larger than the PPI area
 *   ppi-off       per-packet info whose value offset is beyond its size
 *   rsc-middle    an RSC middle fragment with no first one
 *   rsc-open      an RSC first fragment never finished in its packet
 *   runt          a frame of 10 bytes (shorter than an Ethernet header)
 *   nvsp-type     an NVSP message of unknown type 0x7777
 *   nvsp-short    SEND_VF_ASSOCIATION cut after 'allocated' (8 bytes)
 *   comp-unknown  SEND_RNDIS_PKT_COMPLETE for a trans_id never used
 *   comp-again    SEND_RNDIS_PKT_COMPLETE repeated for the last data packet
 *   query-id      RNDIS QUERY_C for a request id nobody sent
 *   set-id        RNDIS SET_C for a request id nobody sent
 *   query-info    armed: the next QUERY_C's value lies outside the message
 *   status-len    RNDIS INDICATE LINK_SPEED_CHANGE, status buffer 1 MiB
 *   table-zero    SEND_INDIRECTION_TABLE with count 0
 *   table-big     SEND_INDIRECTION_TABLE with count 200
 *   table-off     SEND_INDIRECTION_TABLE, table offset beyond the packet
 *   table-queue   SEND_INDIRECTION_TABLE naming queues 1000..1015
 *   vf-serial     SEND_VF_ASSOCIATION allocated, serial 0xffffffff
 *   subch-extra   armed: the next SUBCHANNEL completion grants 3 more
 *                 channels than the guest asked for
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netvsp.h"

enum {
	R_PAST, R_WRAP, R_COUNT,
	D_MSGLEN, D_OFF, D_LEN, D_PPI_ZERO, D_PPI_SIZE, D_PPI_OFF,
	D_RSC_MIDDLE, D_RSC_OPEN, D_RUNT,
	T_ZERO, T_BIG, T_OFF, T_QUEUE,
};

/* a 60-byte frame to the NIC's MAC, EtherType 0x88b5 (local experimental) */
static uint32_t frame(const struct netvsp *n, uint8_t *f)
{
	memset(f, 0, 60);
	memcpy(f, n->mac, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\xfe", 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	memcpy(f + 14, "hvsim net inject", 16);
	return 60;
}

/*
 * An RNDIS data message in @b: header, @nppi bytes of PPIs (@ppi), then
 * @dlen bytes of @data.  Returns its length.
 */
static uint32_t data_msg(uint8_t *b, const void *ppi, uint32_t nppi,
			 const uint8_t *data, uint32_t dlen)
{
	struct rndis_message m;
	struct rndis_packet *p = &m.msg.pkt;
	const uint32_t base = RNDIS_HEADER_SIZE + sizeof(*p);

	memset(&m, 0, sizeof(m));
	m.ndis_msg_type = RNDIS_MSG_PACKET;
	m.msg_len = base + nppi + dlen;
	p->per_pkt_info_offset = nppi ? sizeof(*p) : 0;
	p->per_pkt_info_len = nppi;
	p->data_offset = sizeof(*p) + nppi;
	p->data_len = dlen;
	memcpy(b, &m, base);
	if (nppi)
		memcpy(b + base, ppi, nppi);
	memcpy(b + base + nppi, data, dlen);
	return m.msg_len;
}

/* one PPI with a 4-byte value */
static uint32_t ppi4(uint8_t *b, uint32_t size, uint32_t type, bool internal,
		     uint32_t offset, uint32_t value)
{
	struct rndis_per_packet_info h;

	memset(&h, 0, sizeof(h));
	h.size = size;
	h.type = type;
	h.internal = internal;
	h.ppi_offset = offset;
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), &value, 4);
	return sizeof(h) + 4;
}

static uint32_t rsc_id(uint8_t flag)
{
	struct rndis_pktinfo_id id = {
		.ver = RNDIS_PKTINFO_ID_V1,
		.flag = flag,
		.pkt_id = 0x4242,
	};
	uint32_t v;

	memcpy(&v, &id, 4);
	return v;
}

/* the NVSP part of a transfer-page packet */
static void rndis_pkt_msg(struct nvsp_message *m)
{
	memset(m, 0, sizeof(*m));
	m->hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT;
	m->msg.send_rndis_pkt.channel_type = NVSP_RNDIS_CHANNEL_DATA;
	m->msg.send_rndis_pkt.send_buf_section_index = NVSP_INVALID_SECTION_INDEX;
}

/*
 * Write @len bytes of @msg into a fresh data slot and send it as a
 * transfer-page packet; @kind may bend the range or the range count.
 */
static int xfer_kind(struct netvsp *n, struct netvsp_chan *nc, int kind,
		     const uint8_t *msg, uint32_t len)
{
	struct vmtransfer_page_range r;
	struct nvsp_message m;
	uint32_t s, cnt = 1;

	if (!n->rbuf || !n->nslots)
		return -ENOBUFS;
	s = netvsp_rx_slot_get(n, false);
	if (s == NETVSP_NO_SLOT)
		return -EAGAIN;
	if (len > n->sub_size ||
	    gpa_pages_write(chan_hvsim(nc->ch), &n->rpages,
			    (uint64_t)s * n->sub_size, msg, len)) {
		netvsp_rx_slot_put(n, s);
		return -EFAULT;
	}
	r.byte_offset = s * n->sub_size;
	r.byte_count = len;
	switch (kind) {
	case R_PAST:
		r.byte_offset = n->rpages.byte_count;
		r.byte_count = 64;
		break;
	case R_WRAP:
		/* offset + count == 0x100 (mod 2^32) */
		r.byte_count = 0x100u - r.byte_offset;
		break;
	case R_COUNT:
		cnt = 100;
		break;
	default:
		break;
	}
	rndis_pkt_msg(&m);
	return netvsp_rx_send_raw(nc, &s, 1, n->rbuf_id, cnt, &r, 1, &m,
				  sizeof(m));
}

static int data_kind(struct netvsp_chan *nc, int kind)
{
	struct netvsp *n = nc->n;
	uint8_t b[512], f[64], ppi[64];
	struct rndis_message *m = (struct rndis_message *)b;
	uint32_t flen = frame(n, f), np = 0, len;

	switch (kind) {
	case D_PPI_ZERO:
		np = ppi4(ppi, 0, NBL_HASH_VALUE, false, 12, 0x1234);
		break;
	case D_PPI_SIZE:
		np = ppi4(ppi, 4096, NBL_HASH_VALUE, false, 12, 0x1234);
		break;
	case D_PPI_OFF:
		np = ppi4(ppi, 16, NBL_HASH_VALUE, false, 200, 0x1234);
		break;
	case D_RSC_MIDDLE:
		np = ppi4(ppi, 16, RNDIS_PKTINFO_ID, true, 12,
			  rsc_id(RNDIS_PKTINFO_SUBALLOC));
		break;
	case D_RSC_OPEN:
		np = ppi4(ppi, 16, RNDIS_PKTINFO_ID, true, 12,
			  rsc_id(RNDIS_PKTINFO_SUBALLOC |
				 RNDIS_PKTINFO_1ST_FRAG));
		break;
	case D_RUNT:
		flen = 10;
		break;
	default:
		break;
	}
	len = data_msg(b, ppi, np, f, flen);
	switch (kind) {
	case D_MSGLEN:
		m->msg_len = len + 100;
		break;
	case D_OFF:
		m->msg.pkt.data_offset = 5000;
		break;
	case D_LEN:
		m->msg.pkt.data_len = 0xfffffff0u;
		break;
	default:
		break;
	}
	return xfer_kind(n, nc, kind, b, len);
}

static int range_kind(struct netvsp_chan *nc, int kind)
{
	uint8_t b[256], f[64];
	uint32_t len = data_msg(b, NULL, 0, f, frame(nc->n, f));

	return xfer_kind(nc->n, nc, kind, b, len);
}

static int table_kind(struct netvsp_chan *nc, int kind)
{
	struct {
		struct nvsp_message m;
		uint32_t tab[NVSP_SEND_TAB_SIZE];
	} __packed t;
	uint32_t len = sizeof(t);

	memset(&t, 0, sizeof(t));
	t.m.hdr.msg_type = NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE;
	t.m.msg.send_table.count = NVSP_SEND_TAB_SIZE;
	t.m.msg.send_table.offset = sizeof(struct nvsp_message);
	for (uint32_t i = 0; i < NVSP_SEND_TAB_SIZE; i++)
		t.tab[i] = kind == T_QUEUE ? 1000 + i : 0;
	if (kind == T_ZERO)
		t.m.msg.send_table.count = 0;
	if (kind == T_BIG)
		t.m.msg.send_table.count = 200;
	if (kind == T_OFF) {
		t.m.msg.send_table.offset = 0x10000;
		len = sizeof(t.m);
	}
	return chan_send_inband(nc->ch, 0, 0, &t, len);
}

static int ctrl_msg(struct netvsp_chan *nc, const void *msg, uint32_t len)
{
	return netvsp_rx_send_ctrl(nc, msg, len);
}

enum { N_TYPE, N_SHORT, N_VF_SERIAL };

/* NVSP messages the guest does not know or that are cut short */
static int nvsp_kind(struct netvsp_chan *nc, int kind)
{
	struct nvsp_message m;

	memset(&m, 0, sizeof(m));
	if (kind == N_TYPE) {
		m.hdr.msg_type = 0x7777;
		return chan_send_inband(nc->ch, 0, 0, &m, sizeof(m));
	}
	m.hdr.msg_type = NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION;
	m.msg.vf_assoc.allocated = 1;
	if (kind == N_SHORT)
		return chan_send_inband(nc->ch, 0, 0, &m, 8);
	m.msg.vf_assoc.serial = 0xffffffffu;
	return chan_send_inband(nc->ch, 0, 0, &m, sizeof(m));
}

enum { C_UNKNOWN, C_AGAIN };

/* comp-again: a data packet must have been completed, on an open queue */
static const char *needs_last_tx(const struct netvsp *n)
{
	if (!n->have_last_tx || n->last_tx_queue >= NETVSP_MAX_CHANNELS ||
	    !n->chans[n->last_tx_queue])
		return "no data packet completed yet";
	return NULL;
}

/* SEND_RNDIS_PKT_COMPLETE for a made-up or an already completed packet */
static int comp_kind(struct netvsp_chan *nc, int kind)
{
	struct netvsp *n = nc->n;
	struct netvsp_chan *to = nc;
	uint64_t tid = 0x00001234000003ffULL;
	struct nvsp_message m;

	if (kind == C_AGAIN) {
		tid = n->last_tx_tid;
		to = n->chans[n->last_tx_queue];
	}
	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE;
	m.msg.send_rndis_pkt_complete.status = NVSP_STAT_SUCCESS;
	return chan_send_comp(to->ch, tid, &m, sizeof(m));
}

enum { K_QUERY_ID, K_SET_ID, K_STATUS_LEN };

/* RNDIS control messages answering nothing, or with a lying length */
static int ctrl_kind(struct netvsp_chan *nc, int kind)
{
	const uint32_t ind = RNDIS_MESSAGE_SIZE(struct rndis_indicate_status);
	uint32_t speed = NETVSP_LINK_SPEED;
	struct rndis_message r;

	memset(&r, 0, sizeof(r));
	switch (kind) {
	case K_QUERY_ID:
		r.ndis_msg_type = RNDIS_MSG_QUERY_C;
		r.msg_len = RNDIS_MESSAGE_SIZE(struct rndis_query_complete) + 4;
		r.msg.query_complete.req_id = 0xdeadbeef;
		r.msg.query_complete.status = RNDIS_STATUS_SUCCESS;
		r.msg.query_complete.info_buflen = 4;
		r.msg.query_complete.info_buf_offset =
			sizeof(struct rndis_query_complete);
		break;
	case K_SET_ID:
		r.ndis_msg_type = RNDIS_MSG_SET_C;
		r.msg_len = RNDIS_MESSAGE_SIZE(struct rndis_set_complete);
		r.msg.set_complete.req_id = 0xdeadbef0;
		r.msg.set_complete.status = RNDIS_STATUS_SUCCESS;
		break;
	default:
		r.ndis_msg_type = RNDIS_MSG_INDICATE;
		r.msg_len = ind + 4;
		r.msg.indicate_status.status = RNDIS_STATUS_LINK_SPEED_CHANGE;
		r.msg.indicate_status.status_buflen = 1u << 20;
		r.msg.indicate_status.status_buf_offset =
			sizeof(struct rndis_indicate_status);
		memcpy((uint8_t *)&r + ind, &speed, 4);
		break;
	}
	return ctrl_msg(nc, &r, r.msg_len);
}

/* SEND_INDIRECTION_TABLE is an NVSP 5 message */
static const char *needs_nvsp5(const struct netvsp *n)
{
	return n->nvsp_version < NVSP_PROTOCOL_VERSION_5 ?
	       "needs NVSP >= 5" : NULL;
}

enum { A_QUERY_INFO, A_SUBCH_EXTRA };

/* armed kinds: netvsp bends its next answer of that sort */
static int arm_kind(struct netvsp_chan *nc, int kind)
{
	if (kind == A_QUERY_INFO)
		nc->n->inj_query_info = true;
	else
		nc->n->inj_subch_extra = true;
	return 0;
}

/*
 * Every kind, in the order "unknown kind" lists them: how it is sent
 * (on the primary channel, with its variant: 0 or -errno, as the send
 * did) and what it needs first.
 */
static const struct {
	const char *name;
	int (*send)(struct netvsp_chan *nc, int kind);
	int kind;
	/* NULL, or why this NIC cannot take it now */
	const char *(*refuse)(const struct netvsp *n);
} kinds[] = {
	{ "range-past", range_kind, R_PAST },
	{ "range-wrap", range_kind, R_WRAP },
	{ "range-count", range_kind, R_COUNT },
	{ "msg-len", data_kind, D_MSGLEN },
	{ "data-off", data_kind, D_OFF },
	{ "data-len", data_kind, D_LEN },
	{ "ppi-zero", data_kind, D_PPI_ZERO },
	{ "ppi-size", data_kind, D_PPI_SIZE },
	{ "ppi-off", data_kind, D_PPI_OFF },
	{ "rsc-middle", data_kind, D_RSC_MIDDLE },
	{ "rsc-open", data_kind, D_RSC_OPEN },
	{ "runt", data_kind, D_RUNT },
	{ "nvsp-type", nvsp_kind, N_TYPE },
	{ "nvsp-short", nvsp_kind, N_SHORT },
	{ "comp-unknown", comp_kind, C_UNKNOWN },
	{ "comp-again", comp_kind, C_AGAIN, needs_last_tx },
	{ "query-id", ctrl_kind, K_QUERY_ID },
	{ "set-id", ctrl_kind, K_SET_ID },
	{ "query-info", arm_kind, A_QUERY_INFO },
	{ "status-len", ctrl_kind, K_STATUS_LEN },
	{ "table-zero", table_kind, T_ZERO, needs_nvsp5 },
	{ "table-big", table_kind, T_BIG, needs_nvsp5 },
	{ "table-off", table_kind, T_OFF, needs_nvsp5 },
	{ "table-queue", table_kind, T_QUEUE, needs_nvsp5 },
	{ "vf-serial", nvsp_kind, N_VF_SERIAL },
	{ "subch-extra", arm_kind, A_SUBCH_EXTRA },
};

/* "unknown kind 'x'; kinds: a b c", cut to @errlen as snprintf would */
static void list_kinds(const char *kind, char *err, size_t errlen)
{
	int len = snprintf(err, errlen, "unknown kind '%s'; kinds:", kind);

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (len < 0 || (size_t)len >= errlen)
			return;
		len += snprintf(err + len, errlen - (size_t)len, " %s",
				kinds[i].name);
	}
}

int netvsp_inject(struct netvsp *n, const char *kind, char *err,
		  size_t errlen)
{
	struct netvsp_chan *nc = n->chans[0];
	const char *why;
	size_t i;
	int ret;

	if (!nc || !n->nvsp_version) {
		snprintf(err, errlen, "NIC %u: guest not connected", n->nic);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i].name))
			break;
	if (i == ARRAY_SIZE(kinds)) {
		list_kinds(kind, err, errlen);
		return -1;
	}
	why = kinds[i].refuse ? kinds[i].refuse(n) : NULL;
	if (why) {
		snprintf(err, errlen, "NIC %u: %s", n->nic, why);
		return -1;
	}
	ret = kinds[i].send(nc, kinds[i].kind);
	if (ret) {
		snprintf(err, errlen, "NIC %u: %s not sent (%s)", n->nic, kind,
			 strerror(-ret));
		return -1;
	}
	n->st.injected++;
	log_info("net%u: injected %s", n->nic, kind);
	return 0;
}
