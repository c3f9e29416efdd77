// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsp through the fake guest (vmbus_guest.h), with the NIC on an
 * internal switch whose other port is this test (the "wire"):
 *   NVSP version walk, NDIS config/version, receive and send buffers;
 *   RNDIS INIT/QUERY/SET (MAC, link, offload caps, unknown OID, packet
 *   filter, offload parameters, RSS parameters, config parameter MAC);
 *   a TX frame (send-buffer section and page buffer) with checksum and
 *   VLAN PPIs, an LSO frame cut into segments; an RX frame back with
 *   checksum and hash PPIs, its completion; RSC coalescing into pieces;
 *   link down/up indications; sub-channels and the send table; VF
 *   association and data path switch; hostile messages (bad offsets and
 *   lengths, bad section, PPI chains, forged completions) rejected and
 *   counted; the "net" commands.
 * The guest side is written from the protocol (nvsp.h, rndis.h and
 * Linux's netvsc as the reference of what a guest sends).
 */
#include <sys/stat.h>

#include "lib/be.h"
#include "tests/vmbus_guest.h"
#include "devices/net/tests/ms_rss_key.h"
#include "devices/net/netvsp.h"

static struct vmbus_channel_offer_channel offers[64];
static uint8_t pkt[300000];
static char swdir[128];
static struct net_backend *wire;	/* the test's switch port */
static uint8_t wire_frames[16][NET_MAX_FRAME];
static uint32_t wire_len[16];
static int wire_n;

static const uint8_t guest_mac[6] = { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x01 };
static const uint8_t host_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };

static void wire_rx(void *ctx, const uint8_t *f, uint32_t len)
{
	(void)ctx;
	if (wire_n < 16) {
		memcpy(wire_frames[wire_n], f, len);
		wire_len[wire_n] = len;
	}
	wire_n++;
}

static void wire_poll(void)
{
	wire->w.cb(&wire->w, EPOLLIN);
}

/* ---- the guest ---- */

struct guest {
	struct tg t;
	struct tchan tc;
	uint64_t rbuf_pfns[256], sbuf_pfns[64], pb_pfns[32];
	uint32_t rbuf_handle, sbuf_handle;
	uint32_t sub_size, nsub;
	uint32_t req_id;
	uint64_t tid;
};

static struct guest g;

static struct netvsp *nic(void)
{
	return netvsp_by_nic(&g.t.hs, 0);
}

/* the NIC's backend delivers what the wire sent */
static void nic_poll(void)
{
	nic()->be->w.cb(&nic()->be->w, EPOLLIN);
}


static int nvsp_send(struct tchan *tc, const struct nvsp_message *m,
		     bool comp)
{
	return tchan_send(tc, VM_PKT_DATA_INBAND,
			  comp ? VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED : 0,
			  ++g.tid, NULL, 0, m, sizeof(*m));
}

struct hpkt {
	struct vmpacket_descriptor d;
	uint32_t len;			/* payload bytes */
	const uint8_t *data;		/* payload (at offset8) */
	uint16_t xfer_id;
	uint32_t nranges;
	struct vmtransfer_page_range r[128];
};

static int parse_pkt(uint8_t *buf, uint32_t len, struct hpkt *h)
{
	memcpy(&h->d, buf, sizeof(h->d));
	h->data = buf + h->d.offset8 * 8u;
	h->len = len - h->d.offset8 * 8u;
	h->nranges = 0;
	if (h->d.type == VM_PKT_DATA_USING_XFER_PAGES) {
		uint32_t cnt;

		memcpy(&h->xfer_id, buf + 16, 2);
		memcpy(&cnt, buf + 20, 4);
		if (cnt > 128)
			return -E2BIG;
		h->nranges = cnt;
		memcpy(h->r, buf + 24, cnt * 8u);
	}
	return 0;
}

/* packets read while looking for a completion, handed out first */
#define STASH	16
static uint8_t stash[STASH][4096];
static uint32_t stash_len[STASH];
static int nstash;

static int host_pkt(struct tchan *tc, struct hpkt *h)
{
	uint32_t len;
	int ret;

	if (nstash) {
		memcpy(pkt, stash[0], stash_len[0]);
		len = stash_len[0];
		nstash--;
		memmove(stash[0], stash[1], sizeof(stash[0]) * (size_t)nstash);
		memmove(stash_len, stash_len + 1, sizeof(stash_len[0]) * (size_t)nstash);
		return parse_pkt(pkt, len, h);
	}
	ret = tring_read(&tc->in, pkt, sizeof(pkt), &len);
	if (ret)
		return ret;
	return parse_pkt(pkt, len, h);
}

/* the next completion; other packets wait in the stash */
static int host_comp(struct tchan *tc, struct hpkt *h)
{
	static uint8_t cbuf[4096];
	uint32_t len;

	for (;;) {
		int ret = tring_read(&tc->in, cbuf, sizeof(cbuf), &len);

		if (ret)
			return ret;
		if (((struct vmpacket_descriptor *)cbuf)->type == VM_PKT_COMP) {
			memcpy(pkt, cbuf, len);
			return parse_pkt(pkt, len, h);
		}
		if (nstash == STASH)
			return -ENOSPC;
		memcpy(stash[nstash], cbuf, len);
		stash_len[nstash++] = len;
	}
}

/* one NVSP round trip: the completion's message */
static bool nvsp_rt(struct tchan *tc, const struct nvsp_message *m,
		    struct nvsp_message *ans)
{
	struct hpkt h;

	if (nvsp_send(tc, m, true) || host_comp(tc, &h) ||
	    h.d.type != VM_PKT_COMP || h.d.trans_id != g.tid ||
	    h.len < sizeof(*ans)) {
		printf("#   no completion for NVSP %u\n", m->hdr.msg_type);
		return false;
	}
	memcpy(ans, h.data, sizeof(*ans));
	return true;
}

static uint8_t *rbuf(void)
{
	return tg_page(g.rbuf_pfns[0]);
}

static uint8_t *sbuf(void)
{
	return tg_page(g.sbuf_pfns[0]);
}

static void complete_xfer(struct tchan *tc, uint64_t tid)
{
	struct nvsp_message m = {
		.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE,
	};

	m.msg.send_rndis_pkt_complete.status = NVSP_STAT_SUCCESS;
	tchan_send(tc, VM_PKT_COMP, 0, tid, NULL, 0, &m, sizeof(m));
}

/* the next RNDIS message from the host (first range), completed */
static int rndis_recv(struct tchan *tc, uint8_t *out, uint32_t cap,
		      struct hpkt *hp)
{
	struct hpkt h, *ph = hp ? hp : &h;
	struct nvsp_message m;
	uint32_t len;

	if (host_pkt(tc, ph))
		return -1;
	if (ph->d.type != VM_PKT_DATA_USING_XFER_PAGES ||
	    ph->xfer_id != NVSP_RECEIVE_BUFFER_ID || !ph->nranges ||
	    ph->len < sizeof(m))
		return -2;
	memcpy(&m, ph->data, sizeof(m));
	if (m.hdr.msg_type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT)
		return -3;
	len = ph->r[0].byte_count;
	if (len > cap || ph->r[0].byte_offset + len > 256 * 4096)
		return -4;
	memcpy(out, rbuf() + ph->r[0].byte_offset, len);
	if (!hp)
		complete_xfer(tc, ph->d.trans_id);
	return (int)len;
}

/* an RNDIS message to the host in send-buffer section @sec */
static uint32_t rndis_send_section(struct tchan *tc, const void *msg,
				   uint32_t len, uint32_t sec, bool control)
{
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT };
	struct nvsp_message a;

	memcpy(sbuf() + sec * NETVSP_SEND_SECTION, msg, len);
	m.msg.send_rndis_pkt.channel_type = control;
	m.msg.send_rndis_pkt.send_buf_section_index = sec;
	m.msg.send_rndis_pkt.send_buf_section_size = len;
	if (!nvsp_rt(tc, &m, &a) ||
	    a.hdr.msg_type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE)
		return 0;
	return a.msg.send_rndis_pkt_complete.status;
}

/*
 * Data packets in section @sec: the status the host answers, and in
 * *@frames how many frames reached the wire (polled until they stop).
 */
static uint32_t send_section_frames(struct tchan *tc, const void *msg,
				    uint32_t len, uint32_t sec, int *frames)
{
	uint32_t st;

	wire_n = 0;
	st = rndis_send_section(tc, msg, len, sec, false);
	for (int i = 0; i < 10; i++)
		wire_poll();
	*frames = wire_n;
	return st;
}

/* the same as page buffers: one GPA range over contiguous pages */
static uint32_t rndis_send_pages(struct tchan *tc, const void *msg,
				 uint32_t len, uint32_t offset)
{
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT };
	uint8_t hdr[8 + 8 + 32 * 8];
	struct gpa_range gr = { .byte_count = len, .byte_offset = offset };
	uint32_t np = (offset + len + 4095) / 4096, cnt = 1;
	struct hpkt h;
	uint32_t st;

	memcpy((uint8_t *)tg_page(g.pb_pfns[0]) + offset, msg, len);
	m.msg.send_rndis_pkt.send_buf_section_index = NVSP_INVALID_SECTION_INDEX;
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr + 4, &cnt, 4);
	memcpy(hdr + 8, &gr, 8);
	memcpy(hdr + 16, g.pb_pfns, np * 8);
	if (tchan_send(tc, VM_PKT_DATA_USING_GPA_DIRECT,
		       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, ++g.tid, hdr,
		       16 + np * 8, &m, sizeof(m)) ||
	    host_comp(tc, &h) || h.d.type != VM_PKT_COMP || h.d.trans_id != g.tid)
		return 0;
	memcpy(&st, h.data + 4, 4);
	return st;
}

/* ---- RNDIS requests ---- */

static uint8_t msg[70000], ans[8192];

/* query and set requests have one layout */
_Static_assert(sizeof(struct rndis_query_request) ==
	       sizeof(struct rndis_set_request), "OID request layouts");

/*
 * Send an OID request (RNDIS_MSG_QUERY or _SET) with @inlen bytes of
 * information buffer from send section @sec; the answer goes to ans[].
 * Returns its length, or -1 if the host did not take the request.
 */
static int oid_request(struct tchan *tc, uint32_t type, uint32_t oid,
		       const void *in, uint32_t inlen, uint32_t sec)
{
	struct rndis_message *r = (struct rndis_message *)msg;
	const uint32_t hlen = RNDIS_MESSAGE_SIZE(struct rndis_query_request);

	memset(msg, 0, 200);
	r->ndis_msg_type = type;
	r->msg_len = hlen + inlen;
	r->msg.query_req.req_id = ++g.req_id;
	r->msg.query_req.oid = oid;
	r->msg.query_req.info_buflen = inlen;
	r->msg.query_req.info_buf_offset = sizeof(struct rndis_query_request);
	if (inlen)
		memcpy(msg + hlen, in, inlen);
	if (rndis_send_section(tc, msg, r->msg_len, sec, true) !=
	    NVSP_STAT_SUCCESS)
		return -1;
	return rndis_recv(tc, ans, sizeof(ans), NULL);
}

static uint32_t query(struct tchan *tc, uint32_t oid, uint32_t inlen,
		      const void *in, const uint8_t **val, uint32_t *vlen)
{
	struct rndis_query_complete qc;
	uint32_t type;
	int n;

	n = oid_request(tc, RNDIS_MSG_QUERY, oid, in, inlen, 1);
	if (n < 0)
		return 0xdead;
	if (n < (int)RNDIS_MESSAGE_SIZE(struct rndis_query_complete))
		return 0xdead1;
	memcpy(&type, ans, 4);
	memcpy(&qc, ans + 8, sizeof(qc));
	if (type != RNDIS_MSG_QUERY_C || qc.req_id != g.req_id)
		return 0xdead2;
	if (qc.info_buf_offset + qc.info_buflen > (uint32_t)n - 8)
		return 0xdead3;
	if (val)
		*val = ans + 8 + qc.info_buf_offset;
	if (vlen)
		*vlen = qc.info_buflen;
	return qc.status;
}

static uint32_t set(struct tchan *tc, uint32_t oid, const void *v, uint32_t len)
{
	struct rndis_set_complete sc;
	uint32_t type;
	int n;

	n = oid_request(tc, RNDIS_MSG_SET, oid, v, len, 2);
	if (n < 0)
		return 0xdead;
	if (n < 16)
		return 0xdead1;
	memcpy(&type, ans, 4);
	memcpy(&sc, ans + 8, sizeof(sc));
	if (type != RNDIS_MSG_SET_C || sc.req_id != g.req_id)
		return 0xdead2;
	return sc.status;
}

/* an RNDIS data packet: frame + PPIs (each {type, value}) */
static uint32_t build_packet(uint8_t *out, const uint8_t *frame, uint32_t flen,
			     const uint32_t *ppis, int nppi)
{
	struct rndis_packet rp = { 0 };
	uint32_t type = RNDIS_MSG_PACKET, mlen, pl = 0;
	const uint32_t base = RNDIS_HEADER_SIZE + sizeof(rp);

	for (int i = 0; i < nppi; i++) {
		struct rndis_per_packet_info h = { 0 };

		h.size = sizeof(h) + 4;
		h.type = ppis[2 * i];
		h.ppi_offset = sizeof(h);
		memcpy(out + base + pl, &h, sizeof(h));
		memcpy(out + base + pl + sizeof(h), &ppis[2 * i + 1], 4);
		pl += 16;
	}
	rp.per_pkt_info_offset = sizeof(rp);
	rp.per_pkt_info_len = pl;
	rp.data_offset = sizeof(rp) + pl;
	rp.data_len = flen;
	memcpy(out + 8, &rp, sizeof(rp));
	memcpy(out + base + pl, frame, flen);
	mlen = base + pl + flen;
	memcpy(out, &type, 4);
	memcpy(out + 4, &mlen, 4);
	return mlen;
}

/* a PPI value in a received RNDIS packet, or false */
static bool get_ppi(const uint8_t *m, uint32_t type, bool internal,
		    uint32_t *v)
{
	struct rndis_packet rp;
	uint32_t pos = 0;

	memcpy(&rp, m + 8, sizeof(rp));
	while (pos + 12 <= rp.per_pkt_info_len) {
		struct rndis_per_packet_info h;

		memcpy(&h, m + 8 + rp.per_pkt_info_offset + pos, sizeof(h));
		if (h.size < 12)
			return false;
		if (h.type == type && h.internal == internal) {
			memcpy(v, m + 8 + rp.per_pkt_info_offset + pos + h.ppi_offset, 4);
			return true;
		}
		pos += h.size;
	}
	return false;
}

/* ---- frames ---- */

/* IPv4 TCP (proto 6) or UDP (17) frame, checksums left 0 */
static uint32_t ipframe(uint8_t *f, const uint8_t *dst, const uint8_t *src,
			uint8_t proto, uint32_t seq, uint32_t payload,
			uint8_t flags, uint16_t sport)
{
	uint32_t l4h = proto == 6 ? 20 : 8;

	memset(f, 0, 54);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, (uint16_t)(20 + l4h + payload));
	put16(f + 20, 0x4000);
	f[22] = 64;
	f[23] = proto;
	put32(f + 26, 0x0a000001);
	put32(f + 30, 0x0a000002);
	put16(f + 34, sport);
	put16(f + 36, 5201);
	if (proto == 6) {
		put32(f + 38, seq);
		put32(f + 42, 1);
		f[46] = 0x50;
		f[47] = flags;
		put16(f + 48, 1000);
	} else {
		put16(f + 38, (uint16_t)(8 + payload));
	}
	for (uint32_t i = 0; i < payload; i++)
		f[34 + l4h + i] = (uint8_t)(seq + i);
	return 34 + l4h + payload;
}

static bool frame_csums_ok(const uint8_t *f, uint32_t len)
{
	struct net_pkt p;

	return !net_parse(f, len, &p) && net_ip4_csum_ok(f, &p) &&
	       net_l4_csum_ok(f, &p);
}

/* ---- bring-up ---- */

/* NVSP: the version walk (0x70000 is unknown, 0x60001 accepted), NDIS */
static bool guest_nvsp_init(void)
{
	static const uint32_t vers[] = { 0x70000, 0x60001 };
	struct nvsp_message m, a;

	for (size_t i = 0; i < ARRAY_SIZE(vers); i++) {
		memset(&m, 0, sizeof(m));
		m.hdr.msg_type = NVSP_MSG_TYPE_INIT;
		m.msg.init.min_protocol_ver = m.msg.init.max_protocol_ver = vers[i];
		CHECK(nvsp_rt(&g.tc, &m, &a));
		CHECK_EQ(a.hdr.msg_type, NVSP_MSG_TYPE_INIT_COMPLETE);
		CHECK_EQ(a.msg.init_complete.status,
			 i ? NVSP_STAT_SUCCESS : NVSP_STAT_FAIL);
	}
	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = NVSP_MSG2_TYPE_SEND_NDIS_CONFIG;
	m.msg.send_ndis_config.mtu = 1514;
	m.msg.send_ndis_config.capability = NVSP_CAP_IEEE8021Q | NVSP_CAP_RSC;
	CHECK_EQ(nvsp_send(&g.tc, &m, false), 0);
	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = NVSP_MSG1_TYPE_SEND_NDIS_VER;
	m.msg.send_ndis_ver.ndis_major_ver = 6;
	m.msg.send_ndis_ver.ndis_minor_ver = 30;
	CHECK_EQ(nvsp_send(&g.tc, &m, false), 0);
	return true;
}

/* the receive buffer (1 MiB, a second one refused), the send buffer */
static bool guest_buffers(void)
{
	struct nvsp_message m, a;

	tg_pages(&g.t, g.rbuf_pfns, 256, false);
	g.rbuf_handle = g.t.next_handle++;
	CHECK_EQ(tg_gpadl(&g.t, g.tc.relid, g.rbuf_handle, g.rbuf_pfns, 256), 0);
	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = NVSP_MSG1_TYPE_SEND_RECV_BUF;
	m.msg.send_recv_buf.gpadl_handle = g.rbuf_handle;
	m.msg.send_recv_buf.id = NVSP_RECEIVE_BUFFER_ID;
	CHECK(nvsp_rt(&g.tc, &m, &a));
	CHECK_EQ(a.hdr.msg_type, NVSP_MSG1_TYPE_SEND_RECV_BUF_COMPLETE);
	CHECK_EQ(a.msg.send_recv_buf_complete.status, NVSP_STAT_SUCCESS);
	CHECK_EQ(a.msg.send_recv_buf_complete.num_sections, 1);
	g.sub_size = a.msg.send_recv_buf_complete.sections[0].sub_alloc_size;
	g.nsub = a.msg.send_recv_buf_complete.sections[0].num_sub_allocs;
	CHECK_EQ(g.sub_size, 256 + 1514 + 36);
	CHECK_EQ(g.nsub, 256 * 4096 / g.sub_size);
	/* a second one is refused */
	CHECK(nvsp_rt(&g.tc, &m, &a));
	CHECK_EQ(a.msg.send_recv_buf_complete.status, NVSP_STAT_FAIL);
	/* the send buffer: 256 KiB */
	tg_pages(&g.t, g.sbuf_pfns, 64, false);
	g.sbuf_handle = g.t.next_handle++;
	CHECK_EQ(tg_gpadl(&g.t, g.tc.relid, g.sbuf_handle, g.sbuf_pfns, 64), 0);
	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = NVSP_MSG1_TYPE_SEND_SEND_BUF;
	m.msg.send_send_buf.gpadl_handle = g.sbuf_handle;
	CHECK(nvsp_rt(&g.tc, &m, &a));
	CHECK_EQ(a.msg.send_send_buf_complete.status, NVSP_STAT_SUCCESS);
	CHECK_EQ(a.msg.send_send_buf_complete.section_size, 6144);
	return true;
}

static bool guest_rndis_init(void)
{
	struct rndis_message *r = (struct rndis_message *)msg;
	struct rndis_initialize_complete ic;

	memset(msg, 0, 64);
	r->ndis_msg_type = RNDIS_MSG_INIT;
	r->msg_len = RNDIS_MESSAGE_SIZE(struct rndis_initialize_request);
	r->msg.init_req.req_id = ++g.req_id;
	r->msg.init_req.major_ver = 1;
	r->msg.init_req.max_xfer_size = 0x4000;
	CHECK_EQ(rndis_send_section(&g.tc, msg, r->msg_len, 0, true),
		 NVSP_STAT_SUCCESS);
	CHECK_EQ(rndis_recv(&g.tc, ans, sizeof(ans), NULL),
		 RNDIS_MESSAGE_SIZE(struct rndis_initialize_complete));
	memcpy(&ic, ans + 8, sizeof(ic));
	CHECK_EQ(ic.req_id, g.req_id);
	CHECK_EQ(ic.status, RNDIS_STATUS_SUCCESS);
	CHECK_EQ(ic.major_ver, 1);
	CHECK_EQ(ic.pkt_alignment_factor, 3);
	return true;
}

static bool bring_up(const char *extra)
{
	char spec[512];
	int n;

	tg_init(&g.t, 2);
	g.tid = 0;
	snprintf(spec, sizeof(spec), "net:mnf=off,switch=%s%s", swdir, extra);
	CHECK(tg_add(&g.t, spec));
	CHECK(tg_up(&g.t, offers, 64, &n));
	CHECK_EQ(n, 1);
	CHECK_EQ(tchan_open(&g.t, &g.tc, offers[0].child_relid,
			    offers[0].connection_id, 64, 64, 0, false), 0);
	CHECK(guest_nvsp_init());
	CHECK(guest_buffers());
	tg_pages(&g.t, g.pb_pfns, 32, false);
	CHECK(guest_rndis_init());
	return true;
}

static void tear_down(void)
{
	nstash = 0;
	tg_free(&g.t);
}

/* ---- tests ---- */

/* what netvsc queries at probe: MAC, link, MTU, speed, offloads, RSS */
static bool iqs_queries(void)
{
	const uint8_t *v;
	uint32_t vl, x;
	struct ndis_offload o;
	struct ndis_recv_scale_cap rc;

	CHECK_EQ(query(&g.tc, RNDIS_OID_802_3_PERMANENT_ADDRESS, 0, NULL, &v, &vl), 0);
	CHECK_EQ(vl, 6);
	CHECK(!memcmp(v, guest_mac, 6));
	CHECK_EQ(query(&g.tc, RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, 0, NULL, &v, &vl), 0);
	memcpy(&x, v, 4);
	CHECK_EQ(x, RNDIS_MEDIA_STATE_CONNECTED);
	CHECK_EQ(query(&g.tc, RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE, 0, NULL, &v, &vl), 0);
	memcpy(&x, v, 4);
	CHECK_EQ(x, 1500);
	CHECK_EQ(query(&g.tc, RNDIS_OID_GEN_LINK_SPEED, 0, NULL, &v, &vl), 0);
	/* hardware offloads, as rndis_filter_query_device asks (rev 3) */
	memset(&o, 0, sizeof(o));
	o.header.type = NDIS_OBJECT_TYPE_OFFLOAD;
	o.header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
	o.header.size = sizeof(o);
	CHECK_EQ(query(&g.tc, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, sizeof(o), &o,
		       &v, &vl), 0);
	CHECK_EQ(vl, sizeof(o));
	memcpy(&o, v, sizeof(o));
	CHECK_EQ(o.header.type, NDIS_OBJECT_TYPE_OFFLOAD);
	CHECK_EQ(o.csum.ip4_txcsum & NDIS_TXCSUM_ALL_TCP4, NDIS_TXCSUM_ALL_TCP4);
	CHECK_EQ(o.lsov2.ip4_encap, NDIS_OFFLOAD_ENCAP_8023);
	CHECK(o.rsc.ip4 && o.rsc.ip6);
	memset(&rc, 0, sizeof(rc));
	CHECK_EQ(query(&g.tc, OID_GEN_RECEIVE_SCALE_CAPABILITIES, sizeof(rc), &rc,
		       &v, &vl), 0);
	CHECK_EQ(vl, 18);
	memcpy(&rc, v, sizeof(rc));
	CHECK_EQ(rc.num_recv_que, 9);		/* 8 sub-channels + primary */
	CHECK_EQ(rc.num_indirect_tabent, 128);
	return true;
}

/* MAC by config parameter, as Linux does it; "net macpolicy" decides */
static bool iqs_config_mac(void)
{
	uint8_t cp[20 + 28 + 24];
	struct rndis_config_parameter_info ci = {
		.parameter_name_offset = 20,
		.parameter_name_length = 28,
		.parameter_type = RNDIS_CONFIG_PARAM_TYPE_STRING,
		.parameter_value_offset = 48,
		.parameter_value_length = 24,
	};
	const char *name = "NetworkAddress", *val = "00155d0000aa";
	const uint8_t *v;
	uint32_t vl;

	memcpy(cp, &ci, sizeof(ci));
	for (int i = 0; i < 14; i++) {
		cp[20 + 2 * i] = (uint8_t)name[i];
		cp[21 + 2 * i] = 0;
	}
	for (int i = 0; i < 12; i++) {
		cp[48 + 2 * i] = (uint8_t)val[i];
		cp[49 + 2 * i] = 0;
	}
	CHECK(tg_ctl_ok(&g.t, "net macpolicy 0 deny"));
	CHECK_EQ(set(&g.tc, RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER, cp,
		     sizeof(cp)), RNDIS_STATUS_FAILURE);
	CHECK(tg_ctl_ok(&g.t, "net macpolicy 0 allow"));
	CHECK_EQ(set(&g.tc, RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER, cp,
		     sizeof(cp)), 0);
	CHECK_EQ(nic()->mac[5], 0xaa);
	CHECK_EQ(query(&g.tc, RNDIS_OID_802_3_CURRENT_ADDRESS, 0, NULL, &v,
		       &vl), 0);
	CHECK_EQ(v[5], 0xaa);
	/* the value offset points outside: refused */
	ci.parameter_value_offset = 1000;
	memcpy(cp, &ci, sizeof(ci));
	CHECK_EQ(set(&g.tc, RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER, cp,
		     sizeof(cp)), RNDIS_STATUS_INVALID_DATA);
	return true;
}

/* offload parameters: everything on; a short one refused */
static bool iqs_offload_params(void)
{
	struct ndis_offload_params p;

	memset(&p, 0, sizeof(p));
	p.header.type = NDIS_OBJECT_TYPE_DEFAULT;
	p.header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
	p.header.size = sizeof(p);
	p.ip_v4_csum = p.tcp_ip_v4_csum = p.udp_ip_v4_csum =
		NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;
	p.tcp_ip_v6_csum = p.udp_ip_v6_csum =
		NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED;
	p.lso_v2_ipv4 = NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED;
	p.rsc_ip_v4 = NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED;
	CHECK_EQ(set(&g.tc, OID_TCP_OFFLOAD_PARAMETERS, &p, sizeof(p)), 0);
	CHECK(nic()->off.tx_csum4 && nic()->off.rx_csum4);
	CHECK(!nic()->off.tx_csum6 && nic()->off.rx_csum6);
	CHECK(nic()->off.lso4 && !nic()->off.lso6 && nic()->off.rsc4);
	CHECK_EQ(set(&g.tc, OID_TCP_OFFLOAD_PARAMETERS, &p, 10),
		 RNDIS_STATUS_INVALID_LENGTH);
	return true;
}

static bool iqs_keepalive(void)
{
	struct rndis_message *r = (struct rndis_message *)msg;
	uint32_t type;

	r->ndis_msg_type = RNDIS_MSG_KEEPALIVE;
	r->msg_len = 12;
	r->msg.keep_alive_req.req_id = 77;
	CHECK_EQ(rndis_send_section(&g.tc, msg, 12, 3, true), NVSP_STAT_SUCCESS);
	CHECK_EQ(rndis_recv(&g.tc, ans, sizeof(ans), NULL), 16);
	memcpy(&type, ans, 4);
	CHECK_EQ(type, RNDIS_MSG_KEEPALIVE_C);
	return true;
}

static bool init_query_set(void)
{
	const char *o;
	uint32_t x;

	CHECK(iqs_queries());
	/* unknown OID */
	CHECK_EQ(query(&g.tc, 0x0badf00d, 0, NULL, NULL, NULL),
		 RNDIS_STATUS_NOT_SUPPORTED);
	CHECK_EQ(set(&g.tc, 0x0badf00d, "abcd", 4), RNDIS_STATUS_NOT_SUPPORTED);
	/* packet filter */
	x = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
	CHECK_EQ(set(&g.tc, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &x, 4), 0);
	CHECK_EQ(nic()->filter, x);
	CHECK(iqs_config_mac());
	CHECK_EQ(set(&g.tc, RNDIS_OID_802_3_CURRENT_ADDRESS, guest_mac, 6), 0);
	CHECK(iqs_offload_params());
	CHECK(iqs_keepalive());
	o = tg_ctl(&g.t, "net stats 0");
	CHECK(strstr(o, "nvsp_version 0x60001\n"));
	CHECK(strstr(o, "ndis_version 6.30\n"));
	CHECK(strstr(o, "packet_filter 0x9\n"));
	CHECK(strstr(o, "offload_lso4 on\n"));
	CHECK(strstr(o, "queues 1\n"));
	return true;
}

/* RSS parameters as rndis_set_rss_param_msg lays them out */
static bool set_rss(uint32_t nq, uint32_t flags)
{
	uint8_t b[sizeof(struct ndis_recv_scale_param) + 512 + 40];
	struct ndis_recv_scale_param p;

	memset(&p, 0, sizeof(p));
	p.hdr.type = NDIS_OBJECT_TYPE_RSS_PARAMETERS;
	p.hdr.revision = NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2;
	p.hdr.size = sizeof(p);
	p.flag = (uint16_t)flags;
	p.hashinfo = NDIS_HASH_FUNC_TOEPLITZ | NDIS_HASH_IPV4 |
		     NDIS_HASH_TCP_IPV4 | NDIS_HASH_IPV6 | NDIS_HASH_TCP_IPV6;
	p.indirect_tabsize = 512;
	p.indirect_taboffset = sizeof(p);
	p.hashkey_size = 40;
	p.hashkey_offset = sizeof(p) + 512;
	memcpy(b, &p, sizeof(p));
	for (uint32_t i = 0; i < 128; i++) {
		uint32_t e = i % nq;

		memcpy(b + sizeof(p) + 4 * i, &e, 4);
	}
	memcpy(b + sizeof(p) + 512, ms_rss_key, 40);
	return set(&g.tc, OID_GEN_RECEIVE_SCALE_PARAMETERS, b, sizeof(b)) == 0;
}

static struct ndis_tcp_ip_checksum_info tx_csum(bool tcp, bool udp, bool ip)
{
	struct ndis_tcp_ip_checksum_info ci = { .value = 0 };

	ci.transmit.is_ipv4 = 1;
	ci.transmit.tcp_checksum = tcp;
	ci.transmit.udp_checksum = udp;
	ci.transmit.ip_header_checksum = ip;
	ci.transmit.tcp_header_offset = 34;
	return ci;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* from a send-buffer section: a UDP broadcast, checksums asked */
static bool tx_section_csum(uint8_t *f)
{
	struct netvsp *n = nic();
	uint32_t len, mlen, ppis[2];
	int frames;

	len = ipframe(f, bcast, guest_mac, 17, 0, 200, 0, 999);
	ppis[0] = TCPIP_CHKSUM_PKTINFO;
	ppis[1] = tx_csum(false, true, true).value;
	mlen = build_packet(msg, f, len, ppis, 1);
	CHECK_EQ(send_section_frames(&g.tc, msg, mlen, 4, &frames),
		 NVSP_STAT_SUCCESS);
	CHECK_EQ(frames, 1);
	CHECK_EQ(wire_len[0], len);
	CHECK(frame_csums_ok(wire_frames[0], len));
	CHECK_EQ(n->st.tx_csum_ip, 1);
	CHECK_EQ(n->st.tx_csum_udp, 1);
	CHECK_EQ(n->chans[0]->tx_frames, 1);
	return true;
}

/* page buffers across pages, with a VLAN PPI: a tag on the wire */
static bool tx_pages_vlan(uint8_t *f)
{
	struct ndis_pkt_8021q_info vi = { .value = 0 };
	uint32_t len, mlen, ppis[4];

	vi.vlanid = 42;
	vi.pri = 5;
	len = ipframe(f, host_mac, guest_mac, 6, 1, 300, NET_TCP_ACK, 1);
	ppis[0] = IEEE_8021Q_INFO;
	ppis[1] = vi.value;
	ppis[2] = TCPIP_CHKSUM_PKTINFO;
	ppis[3] = tx_csum(true, false, true).value;
	mlen = build_packet(msg, f, len, ppis, 2);
	wire_n = 0;
	CHECK_EQ(rndis_send_pages(&g.tc, msg, mlen, 4000), NVSP_STAT_SUCCESS);
	wire_poll();
	CHECK_EQ(wire_n, 1);
	CHECK_EQ(wire_len[0], len + 4);
	CHECK_EQ(wire_frames[0][12], 0x81);
	CHECK_EQ(wire_frames[0][13], 0x00);
	CHECK_EQ(wire_frames[0][14], (5 << 5));
	CHECK_EQ(wire_frames[0][15], 42);
	CHECK(frame_csums_ok(wire_frames[0], len + 4));
	CHECK_EQ(nic()->st.tx_vlan, 1);
	return true;
}

/* LSOv2 as netvsc sends it: IPv4 total length 0, 5000 bytes */
static bool tx_lso(uint8_t *f)
{
	struct ndis_tcp_lso_info li = { .value = 0 };
	uint32_t len, mlen, ppis[2], total = 0;

	len = ipframe(f, host_mac, guest_mac, 6, 1000, 5000,
		      NET_TCP_ACK | NET_TCP_PSH, 2);
	put16(f + 16, 0);
	li.lso_v2_transmit.type = NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE;
	li.lso_v2_transmit.ip_version = NDIS_TCP_LARGE_SEND_OFFLOAD_IPV4;
	li.lso_v2_transmit.tcp_header_offset = 34;
	li.lso_v2_transmit.mss = 1448;
	ppis[0] = TCP_LARGESEND_PKTINFO;
	ppis[1] = li.value;
	mlen = build_packet(msg, f, len, ppis, 1);
	wire_n = 0;
	CHECK_EQ(rndis_send_pages(&g.tc, msg, mlen, 0), NVSP_STAT_SUCCESS);
	for (int i = 0; i < 4; i++)
		wire_poll();
	CHECK_EQ(wire_n, 4);
	for (int i = 0; i < 4; i++) {
		CHECK(frame_csums_ok(wire_frames[i], wire_len[i]));
		CHECK(wire_len[i] <= 1514);
		total += wire_len[i] - 54;
	}
	CHECK_EQ(total, 5000);
	CHECK_EQ(nic()->st.tx_lso_packets, 1);
	CHECK_EQ(nic()->st.tx_lso_segments, 4);
	return true;
}

/* two packets in one section, the first padded to 8 bytes */
static bool tx_two_in_section(uint8_t *f)
{
	uint32_t len, m1, m2;
	int frames;

	len = ipframe(f, bcast, guest_mac, 17, 0, 61, 0, 3);
	m1 = build_packet(msg, f, len, NULL, 0);
	while (m1 % 8)
		msg[m1++] = 0;
	memcpy(msg + 4, &m1, 4);
	m2 = build_packet(msg + m1, f, len, NULL, 0);
	CHECK_EQ(send_section_frames(&g.tc, msg, m1 + m2, 5, &frames),
		 NVSP_STAT_SUCCESS);
	CHECK_EQ(frames, 2);
	return true;
}

/*
 * A full multi-send batch as netvsc gathers it: INIT_C's 8 messages
 * of different sizes, each padded to 8, all sent in order.  Then one
 * whose third message claims more than the section holds: the first
 * two go out, the rest is refused; a msg_len below the header is
 * refused too (it would never advance).
 */
static bool tx_batch(uint8_t *f)
{
	uint32_t off = 0, at[8], i, len, mlen;
	int frames;

	for (i = 0; i < 8; i++) {
		len = ipframe(f, bcast, guest_mac, 17, 0, 20 + 37 * i, 0, 3);
		at[i] = off;
		off += build_packet(msg + off, f, len, NULL, 0);
		if (i < 7) {
			while (off % 8)
				msg[off++] = 0;
			mlen = off - at[i];
			memcpy(msg + at[i] + 4, &mlen, 4);
		}
	}
	CHECK_EQ(send_section_frames(&g.tc, msg, off, 6, &frames),
		 NVSP_STAT_SUCCESS);
	CHECK_EQ(frames, 8);
	for (i = 0; i < 8; i++)
		CHECK_EQ(wire_len[i], 42 + 20 + 37 * i);

	mlen = off - at[2] + 8;
	memcpy(msg + at[2] + 4, &mlen, 4);
	CHECK_EQ(send_section_frames(&g.tc, msg, off, 6, &frames),
		 NVSP_STAT_INVALID_RNDIS_PKT);
	CHECK_EQ(frames, 2);

	mlen = 4;
	memcpy(msg + at[2] + 4, &mlen, 4);
	CHECK_EQ(send_section_frames(&g.tc, msg, off, 6, &frames),
		 NVSP_STAT_INVALID_RNDIS_PKT);
	CHECK_EQ(frames, 2);
	return true;
}

/* beyond the MTU without LSO: dropped */
static bool tx_beyond_mtu(uint8_t *f)
{
	uint64_t drops = nic()->st.tx_drops;
	uint32_t len, mlen;

	len = ipframe(f, bcast, guest_mac, 17, 0, 3000, 0, 3);
	mlen = build_packet(msg, f, len, NULL, 0);
	wire_n = 0;
	CHECK_EQ(rndis_send_pages(&g.tc, msg, mlen, 0), NVSP_STAT_SUCCESS);
	wire_poll();
	CHECK_EQ(wire_n, 0);
	CHECK_EQ(nic()->st.tx_drops, drops + 1);
	return true;
}

/* the steps share one NIC: each counter check counts the steps before */
static bool tx(void)
{
	static uint8_t f[70000];

	CHECK(tx_section_csum(f));
	CHECK(tx_pages_vlan(f));
	CHECK(tx_lso(f));
	CHECK(tx_two_in_section(f));
	CHECK(tx_batch(f));
	CHECK(tx_beyond_mtu(f));
	return true;
}

/* RNDIS data packets whose lengths or offsets lie; *@lenp: frame length */
static bool hostile_data(uint8_t *f, uint32_t *lenp)
{
	struct rndis_packet rp;
	uint32_t len, mlen, st;

	*lenp = len = ipframe(f, bcast, guest_mac, 17, 0, 100, 0, 3);
	mlen = build_packet(msg, f, len, NULL, 0);
	wire_n = 0;
	/* data offset beyond the message */
	memcpy(&rp, msg + 8, sizeof(rp));
	rp.data_offset = 5000;
	memcpy(msg + 8, &rp, sizeof(rp));
	CHECK_EQ(rndis_send_section(&g.tc, msg, mlen, 0, false),
		 NVSP_STAT_INVALID_RNDIS_PKT);
	/* data length beyond */
	rp.data_offset = sizeof(rp);
	rp.data_len = 0xfffffff0u;
	memcpy(msg + 8, &rp, sizeof(rp));
	CHECK_EQ(rndis_send_section(&g.tc, msg, mlen, 0, false),
		 NVSP_STAT_INVALID_RNDIS_PKT);
	/* msg_len larger than what was sent */
	mlen = build_packet(msg, f, len, NULL, 0);
	st = mlen + 100;
	memcpy(msg + 4, &st, 4);
	CHECK_EQ(rndis_send_section(&g.tc, msg, mlen, 0, false),
		 NVSP_STAT_INVALID_RNDIS_PKT);
	return true;
}

/* a PPI of size 0 (would loop forever) and one running off the end */
static bool hostile_ppis(const uint8_t *f, uint32_t len)
{
	uint32_t ppis[2] = { TCPIP_CHKSUM_PKTINFO, 0 };
	struct rndis_per_packet_info h;
	uint32_t mlen;

	mlen = build_packet(msg, f, len, ppis, 1);
	memcpy(&h, msg + 44, sizeof(h));
	h.size = 0;
	memcpy(msg + 44, &h, sizeof(h));
	CHECK_EQ(rndis_send_section(&g.tc, msg, mlen, 0, false),
		 NVSP_STAT_INVALID_RNDIS_PKT);
	h.size = 16;
	h.ppi_offset = 400;
	memcpy(msg + 44, &h, sizeof(h));
	CHECK_EQ(rndis_send_section(&g.tc, msg, mlen, 0, false),
		 NVSP_STAT_INVALID_RNDIS_PKT);
	return true;
}

/* a section that does not exist, one too large, none; an unknown NVSP */
static bool hostile_sections(void)
{
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT };
	struct nvsp_message a;

	m.msg.send_rndis_pkt.send_buf_section_index = 1000;
	m.msg.send_rndis_pkt.send_buf_section_size = 100;
	CHECK(nvsp_rt(&g.tc, &m, &a));
	CHECK_EQ(a.msg.send_rndis_pkt_complete.status,
		 NVSP_STAT_INVALID_RNDIS_PKT);
	m.msg.send_rndis_pkt.send_buf_section_index = 0;
	m.msg.send_rndis_pkt.send_buf_section_size = 7000;
	CHECK(nvsp_rt(&g.tc, &m, &a));
	CHECK_EQ(a.msg.send_rndis_pkt_complete.status,
		 NVSP_STAT_INVALID_RNDIS_PKT);
	/* no section and no page buffer */
	m.msg.send_rndis_pkt.send_buf_section_index =
		NVSP_INVALID_SECTION_INDEX;
	CHECK(nvsp_rt(&g.tc, &m, &a));
	CHECK_EQ(a.msg.send_rndis_pkt_complete.status,
		 NVSP_STAT_INVALID_RNDIS_PKT);
	/* an unknown NVSP message still gets an answer */
	m.hdr.msg_type = 999;
	CHECK(nvsp_rt(&g.tc, &m, &a));
	return true;
}

/* a query whose buffer offset lies; a short INIT */
static bool hostile_control(void)
{
	struct rndis_message *r = (struct rndis_message *)msg;
	struct rndis_query_complete qc;

	memset(msg, 0, 100);
	r->ndis_msg_type = RNDIS_MSG_QUERY;
	r->msg_len = RNDIS_MESSAGE_SIZE(struct rndis_query_request);
	r->msg.query_req.req_id = 5;
	r->msg.query_req.oid = RNDIS_OID_GEN_LINK_SPEED;
	r->msg.query_req.info_buflen = 100;
	r->msg.query_req.info_buf_offset = 0xffffff00u;
	CHECK_EQ(rndis_send_section(&g.tc, msg, r->msg_len, 0, true),
		 NVSP_STAT_SUCCESS);
	CHECK(rndis_recv(&g.tc, ans, sizeof(ans), NULL) > 0);
	memcpy(&qc, ans + 8, sizeof(qc));
	CHECK_EQ(qc.status, RNDIS_STATUS_INVALID_DATA);
	/* a short INIT */
	r->ndis_msg_type = RNDIS_MSG_INIT;
	r->msg_len = 12;
	CHECK_EQ(rndis_send_section(&g.tc, msg, 12, 0, true),
		 NVSP_STAT_SUCCESS);
	return true;
}

/* hostile packets: refused, counted, nothing sent, no crash */
static bool hostile(void)
{
	static uint8_t f[2000];
	struct netvsp *n = nic();
	uint64_t bad = n->st.bad_packets;
	uint32_t len;

	CHECK(hostile_data(f, &len));
	CHECK(hostile_ppis(f, len));
	CHECK(hostile_sections());
	CHECK(hostile_control());
	/* forged and repeated completions of transfers */
	complete_xfer(&g.tc, 0x1234);
	complete_xfer(&g.tc, 0xffffffffffffull);
	wire_poll();
	CHECK_EQ(wire_n, 0);
	CHECK(n->st.bad_packets >= bad + 12);
	CHECK_EQ(n->inflight, 0);
	return true;
}

static uint32_t send_wire(const uint8_t *f, uint32_t len)
{
	return (uint32_t)net_backend_send(wire, f, len);
}

/* what the guest turns on before frames come: filter, RX csum, RSS */
static bool rx_setup(void)
{
	struct ndis_offload_params p;
	uint32_t x;

	x = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
	CHECK_EQ(set(&g.tc, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &x, 4), 0);
	memset(&p, 0, sizeof(p));
	p.header.type = NDIS_OBJECT_TYPE_DEFAULT;
	p.tcp_ip_v4_csum = p.udp_ip_v4_csum =
		NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;
	CHECK_EQ(set(&g.tc, OID_TCP_OFFLOAD_PARAMETERS, &p, sizeof(p)), 0);
	CHECK(set_rss(1, 0));
	return true;
}

/* the PPIs of a received message: checksums right, the Toeplitz hash */
static bool rx_check_ppis(const uint8_t *f)
{
	struct ndis_tcp_ip_checksum_info ci;
	uint8_t in[12];
	uint32_t v;

	CHECK(get_ppi(ans, TCPIP_CHKSUM_PKTINFO, false, &v));
	ci.value = v;
	CHECK(ci.receive.tcp_checksum_succeeded);
	CHECK(ci.receive.ip_checksum_succeeded);
	CHECK(get_ppi(ans, NBL_HASH_VALUE, false, &v));
	memcpy(in, f + 26, 12);
	CHECK_EQ(v, net_toeplitz(ms_rss_key, 40, in, 12));
	return true;
}

/*
 * A TCP frame to the guest, checksums right: the frame and its PPIs, one
 * completion (a repeated one counts once only); then with a bad checksum.
 */
static bool rx_tcp(uint8_t *f)
{
	struct netvsp *n = nic();
	struct ndis_tcp_ip_checksum_info ci;
	struct rndis_packet rp;
	struct net_pkt p;
	uint32_t len, x, v;
	struct hpkt h;
	int got;

	len = ipframe(f, guest_mac, host_mac, 6, 7, 500, NET_TCP_ACK, 4000);
	net_parse(f, len, &p);
	net_ip4_csum_fill(f, &p);
	net_l4_csum_fill(f, &p);
	CHECK_EQ(send_wire(f, len), 0);
	nic_poll();
	got = rndis_recv(&g.tc, ans, sizeof(ans), &h);
	CHECK(got > 0);
	memcpy(&x, ans, 4);
	CHECK_EQ(x, RNDIS_MSG_PACKET);
	memcpy(&rp, ans + 8, sizeof(rp));
	CHECK_EQ(rp.data_len, len);
	CHECK(8 + rp.data_offset + rp.data_len <= (uint32_t)got);
	CHECK(!memcmp(ans + 8 + rp.data_offset, f, len));
	CHECK(rx_check_ppis(f));
	CHECK_EQ(n->inflight, 1);
	/* a repeated completion counts once only */
	complete_xfer(&g.tc, h.d.trans_id);
	CHECK_EQ(n->inflight, 0);
	complete_xfer(&g.tc, h.d.trans_id);
	CHECK_EQ(n->inflight, 0);
	CHECK_EQ(n->st.rx_frames, 1);
	CHECK_EQ(n->st.rx_csum_ok, 1);

	/* a bad checksum says so */
	f[len - 1] ^= 0xff;
	send_wire(f, len);
	nic_poll();
	CHECK(rndis_recv(&g.tc, ans, sizeof(ans), NULL) > 0);
	CHECK(get_ppi(ans, TCPIP_CHKSUM_PKTINFO, false, &v));
	ci.value = v;
	CHECK(ci.receive.tcp_checksum_failed);
	return true;
}

/* a tagged frame: the tag goes into the PPI */
static bool rx_vlan(uint8_t *f)
{
	static uint8_t tf[2000];
	struct ndis_pkt_8021q_info vi;
	struct rndis_packet rp;
	uint32_t len, v;

	len = ipframe(f, bcast, host_mac, 17, 0, 20, 0, 1);
	memcpy(tf, f, 12);
	tf[12] = 0x81;
	tf[13] = 0;
	tf[14] = 0x20;		/* pri 1 */
	tf[15] = 7;		/* vlan 7 */
	memcpy(tf + 16, f + 12, len - 12);
	send_wire(tf, len + 4);
	nic_poll();
	CHECK(rndis_recv(&g.tc, ans, sizeof(ans), NULL) > 0);
	memcpy(&rp, ans + 8, sizeof(rp));
	CHECK_EQ(rp.data_len, len);
	CHECK(!memcmp(ans + 8 + rp.data_offset, f, len));
	CHECK(get_ppi(ans, IEEE_8021Q_INFO, false, &v));
	vi.value = v;
	CHECK_EQ(vi.vlanid, 7);
	CHECK_EQ(vi.pri, 1);
	CHECK_EQ(nic()->st.rx_vlan, 1);
	return true;
}

/* link down: an indication, nothing either way; up again */
static bool rx_link(uint8_t *f)
{
	struct rndis_indicate_status is;
	struct hpkt h;
	uint32_t len, x;

	CHECK(tg_ctl_ok(&g.t, "net link 0 down"));
	CHECK(rndis_recv(&g.tc, ans, sizeof(ans), NULL) > 0);
	memcpy(&x, ans, 4);
	CHECK_EQ(x, RNDIS_MSG_INDICATE);
	memcpy(&is, ans + 8, sizeof(is));
	CHECK_EQ(is.status, RNDIS_STATUS_MEDIA_DISCONNECT);
	len = ipframe(f, bcast, host_mac, 17, 0, 20, 0, 1);
	send_wire(f, len);
	nic_poll();
	CHECK_EQ(host_pkt(&g.tc, &h), -ENOENT);
	CHECK(strstr(tg_ctl(&g.t, "net list"),
		     "0 mac 00:15:5d:00:00:01 link down backend switch:"));
	CHECK(tg_ctl_ok(&g.t, "net link 0 up"));
	CHECK(rndis_recv(&g.tc, ans, sizeof(ans), NULL) > 0);
	memcpy(&is, ans + 8, sizeof(is));
	CHECK_EQ(is.status, RNDIS_STATUS_MEDIA_CONNECT);
	return true;
}

static bool rx(void)
{
	static uint8_t f[2000];
	uint32_t len;
	struct hpkt h;

	CHECK(rx_setup());
	CHECK(rx_tcp(f));
	/* another MAC is filtered; broadcast passes */
	len = ipframe(f, host_mac, guest_mac, 17, 0, 20, 0, 1);
	send_wire(f, len);
	nic_poll();
	CHECK_EQ(host_pkt(&g.tc, &h), -ENOENT);
	CHECK_EQ(nic()->st.rx_filtered, 1);
	CHECK(rx_vlan(f));
	CHECK(rx_link(f));
	CHECK(strstr(tg_ctl(&g.t, "net rss 0"), "enabled yes\nhash_types 0x1701\nhash_key 6d5a56da"));
	CHECK(!tg_ctl_ok(&g.t, "net link 5 up"));
	CHECK(!tg_ctl_ok(&g.t, "net link 0 sideways"));
	return true;
}

static bool rsc(void)
{
	static uint8_t f[3][2000];
	struct netvsp *n = nic();
	struct ndis_offload_params p;
	uint32_t len = 0, x, v, total = 0;
	struct hpkt h;
	static uint8_t joined[8000];

	x = NDIS_PACKET_TYPE_DIRECTED;
	CHECK_EQ(set(&g.tc, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &x, 4), 0);
	memset(&p, 0, sizeof(p));
	p.header.type = NDIS_OBJECT_TYPE_DEFAULT;
	p.tcp_ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;
	p.rsc_ip_v4 = NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED;
	CHECK_EQ(set(&g.tc, OID_TCP_OFFLOAD_PARAMETERS, &p, sizeof(p)), 0);
	/* three in-order segments in one batch */
	for (int i = 0; i < 3; i++) {
		struct net_pkt q;

		len = ipframe(f[i], guest_mac, host_mac, 6, 100 + 1000u * (unsigned int)i,
			      1000, NET_TCP_ACK, 4000);
		net_parse(f[i], len, &q);
		net_ip4_csum_fill(f[i], &q);
		net_l4_csum_fill(f[i], &q);
		send_wire(f[i], len);
	}
	nic_poll();
	CHECK_EQ(rndis_recv(&g.tc, ans, sizeof(ans), &h) > 0, 1);
	CHECK_EQ(h.nranges, 2);		/* 3054 bytes in 1806-byte slots */
	for (uint32_t i = 0; i < h.nranges; i++) {
		const uint8_t *m = rbuf() + h.r[i].byte_offset;
		struct rndis_pktinfo_id id;
		struct rndis_packet rp;

		CHECK(h.r[i].byte_count <= g.sub_size);
		memcpy(&rp, m + 8, sizeof(rp));
		CHECK(get_ppi(m, RNDIS_PKTINFO_ID, true, &v));
		memcpy(&id, &v, 4);
		CHECK(id.flag & RNDIS_PKTINFO_SUBALLOC);
		CHECK_EQ(!!(id.flag & RNDIS_PKTINFO_1ST_FRAG), i == 0);
		CHECK_EQ(!!(id.flag & RNDIS_PKTINFO_LAST_FRAG), i == h.nranges - 1);
		if (i == 0)
			CHECK(get_ppi(m, TCPIP_CHKSUM_PKTINFO, false, &v));
		memcpy(joined + total, m + 8 + rp.data_offset, rp.data_len);
		total += rp.data_len;
	}
	complete_xfer(&g.tc, h.d.trans_id);
	CHECK_EQ(total, 54 + 3000);
	CHECK(frame_csums_ok(joined, total));
	for (int i = 0; i < 3; i++)
		CHECK(!memcmp(joined + 54 + 1000 * i, f[i] + 54, 1000));
	CHECK_EQ(n->st.rx_rsc_packets, 1);
	CHECK_EQ(n->st.rx_rsc_segments, 3);
	CHECK_EQ(n->inflight, 0);
	return true;
}

static bool subchannels(void)
{
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG5_TYPE_SUBCHANNEL };
	struct nvsp_message a;
	struct vmbus_channel_offer_channel o[2];
	static struct tchan sc[2];
	struct hpkt h;
	uint32_t tab[16], x;
	static uint8_t f[2000];
	struct netvsp *n = nic();

	m.msg.subchn_req.op = NVSP_SUBCHANNEL_ALLOCATE;
	m.msg.subchn_req.num_subchannels = 5;
	CHECK(nvsp_rt(&g.tc, &m, &a));
	CHECK_EQ(a.msg.subchn_comp.status, NVSP_STAT_SUCCESS);
	CHECK_EQ(a.msg.subchn_comp.num_subchannels, 2);	/* channels=2 */
	/* the send table, in-band on the primary */
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	CHECK_EQ(h.d.type, VM_PKT_DATA_INBAND);
	memcpy(&a, h.data, sizeof(a));
	CHECK_EQ(a.hdr.msg_type, NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE);
	CHECK_EQ(a.msg.send_table.count, 16);
	CHECK(a.msg.send_table.offset + 64 <= h.len);
	memcpy(tab, h.data + a.msg.send_table.offset, 64);
	CHECK_EQ(tab[0], 0);
	CHECK_EQ(tab[1], 1);
	CHECK_EQ(tab[2], 2);
	/* two offers with sub-channel indexes 1, 2; open them */
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(tg_recv(&g.t, &o[i], NULL), CHANNELMSG_OFFERCHANNEL);
		CHECK_EQ(o[i].offer.sub_channel_index, i + 1);
	}
	for (int i = 0; i < 2; i++)
		CHECK_EQ(tchan_open(&g.t, &sc[i], o[i].child_relid,
				    o[i].connection_id, 16, 16, 0, false), 0);
	CHECK(strstr(tg_ctl(&g.t, "net stats 0"), "queues 3\n"));
	x = NDIS_PACKET_TYPE_DIRECTED;
	CHECK_EQ(set(&g.tc, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &x, 4), 0);
	CHECK(set_rss(3, 0));
	/* many flows: every queue gets some */
	for (int i = 0; i < 30; i++) {
		uint32_t len = ipframe(f, guest_mac, host_mac, 6, 1, 10, NET_TCP_ACK,
				       (uint16_t)(1000 + i));

		send_wire(f, len);
		nic_poll();
	}
	for (int q = 0; q < 3; q++) {
		struct tchan *tc = q ? &sc[q - 1] : &g.tc;
		int cnt = 0;

		while (host_pkt(tc, &h) == 0) {
			CHECK_EQ(h.d.type, VM_PKT_DATA_USING_XFER_PAGES);
			complete_xfer(tc, h.d.trans_id);
			cnt++;
		}
		CHECK(cnt > 0);
		CHECK_EQ(n->chans[q]->rx_frames, (uint64_t)cnt);
	}
	CHECK_EQ(n->inflight, 0);
	/* RSS off: all on the primary */
	CHECK(set_rss(3, NDIS_RSS_PARAM_FLAG_DISABLE_RSS));
	CHECK(strstr(tg_ctl(&g.t, "net rss 0"), "enabled no\n"));
	return true;
}

static bool vf_datapath(void)
{
	struct nvsp_message m = { .hdr.msg_type = NVSP_MSG4_TYPE_SWITCH_DATA_PATH };
	struct hpkt h;
	const char *o;

	CHECK(tg_ctl_ok(&g.t, "net vf 0 add"));
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	CHECK_EQ(h.d.type, VM_PKT_DATA_INBAND);
	memcpy(&m, h.data, sizeof(m));
	CHECK_EQ(m.hdr.msg_type, NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION);
	CHECK_EQ(m.msg.vf_assoc.allocated, 1);
	CHECK_EQ(m.msg.vf_assoc.serial, 1);
	/* the guest switches: an empty completion (Linux waits for it) */
	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = NVSP_MSG4_TYPE_SWITCH_DATA_PATH;
	m.msg.active_dp.active_datapath = NVSP_DATAPATH_VF;
	CHECK_EQ(nvsp_send(&g.tc, &m, true), 0);
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	CHECK_EQ(h.d.type, VM_PKT_COMP);
	CHECK_EQ(h.d.trans_id, g.tid);
	CHECK_EQ(h.len, 0);
	o = tg_ctl(&g.t, "net stats 0");
	CHECK(strstr(o, "datapath vf\ndatapath_switches 1\nrx_vf_drops 0\n"));
	/* Hyper-V now delivers to the VF: nothing on the synthetic path */
	{
		static uint8_t f[200];
		uint32_t len = ipframe(f, guest_mac, host_mac, 17, 0, 100, 0, 7);

		CHECK_EQ(send_wire(f, len), 0);
		nic_poll();
		CHECK_EQ(nic()->st.rx_vf_drops, 1);
		CHECK_EQ(nic()->st.rx_frames, 0);
		CHECK(host_pkt(&g.tc, &h) != 0);
	}
	m.msg.active_dp.active_datapath = NVSP_DATAPATH_SYNTHETIC;
	CHECK_EQ(nvsp_send(&g.tc, &m, false), 0);
	CHECK(tg_ctl_ok(&g.t, "net vf 0 remove"));
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	memcpy(&m, h.data, sizeof(m));
	CHECK_EQ(m.msg.vf_assoc.allocated, 0);
	o = tg_ctl(&g.t, "net stats 0");
	CHECK(strstr(o, "datapath synthetic\ndatapath_switches 2\n"));
	return true;
}

/* net inject: each kind is the malformed packet it claims to be */
static bool inject_rx(const char *kind, struct hpkt *h, uint8_t *m,
		      uint32_t *len)
{
	char line[64];
	struct nvsp_message nm;

	snprintf(line, sizeof(line), "net inject 0 %s", kind);
	CHECK(tg_ctl_ok(&g.t, line));
	CHECK_EQ(host_pkt(&g.tc, h), 0);
	CHECK_EQ(h->d.type, VM_PKT_DATA_USING_XFER_PAGES);
	CHECK(h->d.flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	CHECK_EQ(h->xfer_id, NVSP_RECEIVE_BUFFER_ID);
	CHECK(h->len >= sizeof(nm));
	memcpy(&nm, h->data, sizeof(nm));
	CHECK_EQ(nm.hdr.msg_type, NVSP_MSG1_TYPE_SEND_RNDIS_PKT);
	CHECK_EQ(nic()->inflight, 1);
	*len = 0;
	if (h->nranges >= 1 && h->r[0].byte_offset < 256 * 4096 &&
	    h->r[0].byte_count <= 256 * 4096 - h->r[0].byte_offset) {
		*len = h->r[0].byte_count;
		memcpy(m, rbuf() + h->r[0].byte_offset, *len);
	}
	return true;
}

/* the guest's completion gives the slot back */
static bool inject_done(const struct hpkt *h)
{
	complete_xfer(&g.tc, h->d.trans_id);
	CHECK_EQ(nic()->inflight, 0);
	return true;
}

/* transfer-page ranges: past the buffer, wrapping, a lying count */
static bool inject_ranges(uint8_t *m)
{
	uint32_t len, bufsz = 256 * 4096;
	struct hpkt h;

	CHECK(inject_rx("range-past", &h, m, &len));
	CHECK_EQ(h.nranges, 1);
	CHECK_EQ(h.r[0].byte_offset, bufsz);
	CHECK(inject_done(&h));
	CHECK(inject_rx("range-wrap", &h, m, &len));
	CHECK_EQ(h.nranges, 1);
	CHECK((uint32_t)(h.r[0].byte_offset + h.r[0].byte_count) <
	      h.r[0].byte_offset);
	CHECK(inject_done(&h));
	CHECK(inject_rx("range-count", &h, m, &len));
	CHECK_EQ(h.nranges, 100);
	/* the packet holds one range: its NVSP message follows it */
	CHECK_EQ(h.d.offset8 * 8u, 24 + 8);
	CHECK(inject_done(&h));
	return true;
}

/* RNDIS lengths and offsets */
static bool inject_rndis_lengths(uint8_t *m)
{
	struct rndis_message r;
	uint32_t len;
	struct hpkt h;

	CHECK(inject_rx("msg-len", &h, m, &len));
	memcpy(&r, m, sizeof(r));
	CHECK_EQ(r.ndis_msg_type, RNDIS_MSG_PACKET);
	CHECK(r.msg_len > len);
	CHECK(inject_done(&h));
	CHECK(inject_rx("data-off", &h, m, &len));
	memcpy(&r, m, sizeof(r));
	CHECK_EQ(r.msg_len, len);
	CHECK(r.msg.pkt.data_offset > len);
	CHECK(inject_done(&h));
	CHECK(inject_rx("data-len", &h, m, &len));
	memcpy(&r, m, sizeof(r));
	CHECK(r.msg.pkt.data_offset < len);
	CHECK(r.msg.pkt.data_len > len);
	CHECK(inject_done(&h));
	return true;
}

/* PPI chains */
static bool inject_ppis(uint8_t *m)
{
	struct rndis_per_packet_info pi;
	struct rndis_message r;
	uint32_t len;
	struct hpkt h;

	CHECK(inject_rx("ppi-zero", &h, m, &len));
	memcpy(&r, m, sizeof(r));
	CHECK_EQ(r.msg.pkt.per_pkt_info_len, 16);
	memcpy(&pi, m + 8 + r.msg.pkt.per_pkt_info_offset, sizeof(pi));
	CHECK_EQ(pi.size, 0);
	CHECK(inject_done(&h));
	CHECK(inject_rx("ppi-size", &h, m, &len));
	memcpy(&r, m, sizeof(r));
	memcpy(&pi, m + 8 + r.msg.pkt.per_pkt_info_offset, sizeof(pi));
	CHECK(pi.size > r.msg.pkt.per_pkt_info_len);
	CHECK(inject_done(&h));
	CHECK(inject_rx("ppi-off", &h, m, &len));
	memcpy(&r, m, sizeof(r));
	memcpy(&pi, m + 8 + r.msg.pkt.per_pkt_info_offset, sizeof(pi));
	CHECK(pi.size <= r.msg.pkt.per_pkt_info_len);
	CHECK(pi.ppi_offset > pi.size);
	CHECK(inject_done(&h));
	return true;
}

/* RSC fragments and a runt */
static bool inject_rsc_runt(uint8_t *m)
{
	struct rndis_message r;
	uint32_t len, v;
	struct hpkt h;

	CHECK(inject_rx("rsc-middle", &h, m, &len));
	CHECK(get_ppi(m, RNDIS_PKTINFO_ID, true, &v));
	CHECK_EQ((v >> 8) & 0xff, RNDIS_PKTINFO_SUBALLOC);
	CHECK(inject_done(&h));
	CHECK(inject_rx("rsc-open", &h, m, &len));
	CHECK_EQ(h.nranges, 1);
	CHECK(get_ppi(m, RNDIS_PKTINFO_ID, true, &v));
	CHECK_EQ((v >> 8) & 0xff,
		 RNDIS_PKTINFO_SUBALLOC | RNDIS_PKTINFO_1ST_FRAG);
	CHECK(inject_done(&h));
	CHECK(inject_rx("runt", &h, m, &len));
	memcpy(&r, m, sizeof(r));
	CHECK_EQ(r.msg.pkt.data_len, 10);
	CHECK_EQ(r.msg_len, len);
	/* never completed: the slot stays taken (and shows) */
	CHECK(strstr(tg_ctl(&g.t, "net stats 0"), "rx_inflight 1\n"));
	CHECK(inject_done(&h));
	return true;
}

/* NVSP messages */
static bool inject_nvsp(void)
{
	struct nvsp_message nm;
	struct hpkt h;

	CHECK(tg_ctl_ok(&g.t, "net inject 0 nvsp-type"));
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	CHECK_EQ(h.d.type, VM_PKT_DATA_INBAND);
	memcpy(&nm, h.data, sizeof(nm));
	CHECK_EQ(nm.hdr.msg_type, 0x7777);
	CHECK(tg_ctl_ok(&g.t, "net inject 0 nvsp-short"));
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	CHECK_EQ(h.len, 8);
	memcpy(&nm, h.data, 8);
	CHECK_EQ(nm.hdr.msg_type, NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION);
	CHECK(tg_ctl_ok(&g.t, "net inject 0 vf-serial"));
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	memcpy(&nm, h.data, sizeof(nm));
	CHECK_EQ(nm.msg.vf_assoc.allocated, 1);
	CHECK_EQ(nm.msg.vf_assoc.serial, 0xffffffffu);
	return true;
}

/* SEND_INDIRECTION_TABLE: count 0, too big, offset outside, bad queues */
static bool inject_tables(void)
{
	static const struct {
		const char *kind;
		uint32_t count, offset, len, entry0;
	} t[] = {
		{ "table-zero", 0, 40, 104, 0 },
		{ "table-big", 200, 40, 104, 0 },
		{ "table-off", 16, 0x10000, 40, 0 },
		{ "table-queue", 16, 40, 104, 1000 },
	};
	struct nvsp_message nm;
	struct hpkt h;
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char line[64];

		snprintf(line, sizeof(line), "net inject 0 %s", t[i].kind);
		CHECK(tg_ctl_ok(&g.t, line));
		CHECK_EQ(host_pkt(&g.tc, &h), 0);
		CHECK_EQ(h.d.type, VM_PKT_DATA_INBAND);
		CHECK_EQ(h.len, t[i].len);
		memcpy(&nm, h.data, sizeof(nm));
		CHECK_EQ(nm.hdr.msg_type, NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE);
		CHECK_EQ(nm.msg.send_table.count, t[i].count);
		CHECK_EQ(nm.msg.send_table.offset, t[i].offset);
		if (t[i].len > 40) {
			memcpy(&v, h.data + 40, 4);
			CHECK_EQ(v, t[i].entry0);
		}
	}
	return true;
}

/* completions: never used, and repeated (refused until there is one) */
static bool inject_comps(const uint8_t *m)
{
	struct nvsp_message nm;
	struct hpkt h;
	uint32_t len;

	CHECK(tg_ctl_ok(&g.t, "net inject 0 comp-unknown"));
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	CHECK_EQ(h.d.type, VM_PKT_COMP);
	CHECK_EQ(h.d.trans_id, 0x00001234000003ffULL);
	memcpy(&nm, h.data, sizeof(nm));
	CHECK_EQ(nm.hdr.msg_type, NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE);
	CHECK(!tg_ctl_ok(&g.t, "net inject 0 comp-again"));	/* none yet */
	len = build_packet(msg, m, 60, NULL, 0);
	CHECK_EQ(rndis_send_section(&g.tc, msg, len, 1, false), NVSP_STAT_SUCCESS);
	CHECK(tg_ctl_ok(&g.t, "net inject 0 comp-again"));
	CHECK_EQ(host_pkt(&g.tc, &h), 0);
	CHECK_EQ(h.d.type, VM_PKT_COMP);
	CHECK_EQ(h.d.trans_id, g.tid);
	return true;
}

/* RNDIS answers nobody asked for, a bad status buffer */
static bool inject_answers(uint8_t *m, uint32_t cap)
{
	struct rndis_message r;
	uint32_t len;

	CHECK(tg_ctl_ok(&g.t, "net inject 0 query-id"));
	CHECK(rndis_recv(&g.tc, m, cap, NULL) > 0);
	memcpy(&r, m, sizeof(r));
	CHECK_EQ(r.ndis_msg_type, RNDIS_MSG_QUERY_C);
	CHECK_EQ(r.msg.query_complete.req_id, 0xdeadbeef);
	CHECK(tg_ctl_ok(&g.t, "net inject 0 set-id"));
	CHECK(rndis_recv(&g.tc, m, cap, NULL) > 0);
	memcpy(&r, m, sizeof(r));
	CHECK_EQ(r.ndis_msg_type, RNDIS_MSG_SET_C);
	CHECK_EQ(r.msg.set_complete.req_id, 0xdeadbef0);
	CHECK(tg_ctl_ok(&g.t, "net inject 0 status-len"));
	len = (uint32_t)rndis_recv(&g.tc, m, cap, NULL);
	memcpy(&r, m, sizeof(r));
	CHECK_EQ(r.ndis_msg_type, RNDIS_MSG_INDICATE);
	CHECK_EQ(r.msg_len, len);
	CHECK_EQ(r.msg.indicate_status.status, RNDIS_STATUS_LINK_SPEED_CHANGE);
	CHECK(r.msg.indicate_status.status_buflen > len);
	return true;
}

/* armed: the next QUERY_C's value lies outside it, once */
static bool inject_query_info(uint8_t *m, uint32_t cap)
{
	struct rndis_message r;
	uint32_t len;

	CHECK(tg_ctl_ok(&g.t, "net inject 0 query-info"));
	for (int i = 0; i < 2; i++) {
		struct rndis_query_complete qc;

		memset(msg, 0, 64);
		memcpy(&r, msg, sizeof(r));
		r.ndis_msg_type = RNDIS_MSG_QUERY;
		r.msg_len = RNDIS_MESSAGE_SIZE(struct rndis_query_request);
		r.msg.query_req.req_id = ++g.req_id;
		r.msg.query_req.oid = RNDIS_OID_GEN_LINK_SPEED;
		memcpy(msg, &r, r.msg_len);
		CHECK_EQ(rndis_send_section(&g.tc, msg, r.msg_len, 0, true),
			 NVSP_STAT_SUCCESS);
		len = (uint32_t)rndis_recv(&g.tc, m, cap, NULL);
		memcpy(&qc, m + 8, sizeof(qc));
		CHECK_EQ(qc.req_id, g.req_id);
		if (!i)
			CHECK(qc.info_buf_offset > len);
		else
			CHECK_EQ(qc.info_buf_offset, sizeof(qc));
	}
	return true;
}

/* each kind of net inject once: 26 sent, comp-again refused first */
static bool inject_kinds(void)
{
	static uint8_t m[4096];

	CHECK(inject_ranges(m));
	CHECK(inject_rndis_lengths(m));
	CHECK(inject_ppis(m));
	CHECK(inject_rsc_runt(m));
	CHECK(inject_nvsp());
	CHECK(inject_tables());
	CHECK(inject_comps(m));
	CHECK(inject_answers(m, sizeof(m)));
	CHECK(inject_query_info(m, sizeof(m)));
	/* armed: more sub-channels than asked for, once */
	CHECK(tg_ctl_ok(&g.t, "net inject 0 subch-extra"));
	CHECK(nic()->inj_subch_extra);

	CHECK(!tg_ctl_ok(&g.t, "net inject 0 nonsense"));
	CHECK(!tg_ctl_ok(&g.t, "net inject 7 runt"));
	CHECK_EQ(nic()->st.injected, 26);
	CHECK_EQ(nic()->inflight, 0);
	return true;
}

static bool options(void)
{
	struct tg t;
	char spec[300];

	tg_init(&t, 1);
	CHECK(!tg_add(&t, "net:tap=a,switch=b"));
	CHECK(!tg_add(&t, "net:mac=01:00:00:00:00:01"));
	CHECK(!tg_add(&t, "net:mac=zz"));
	CHECK(!tg_add(&t, "net:channels=65"));
	CHECK(!tg_add(&t, "net:mtu=100"));
	CHECK(!tg_add(&t, "net:color=blue"));
	/* no backend ("offer all"): allowed */
	CHECK(tg_add(&t, "net"));
	snprintf(spec, sizeof(spec), "net:switch=%s,mac=00:15:5d:12:34:56,channels=0,mtu=9000",
		 swdir);
	CHECK(tg_add(&t, spec));
	CHECK(strstr(tg_ctl(&t, "net list"), "0 mac 00:15:5d:00:00:01 link up backend none queues 0\n"
			    "1 mac 00:15:5d:12:34:56 link up backend switch:"));
	CHECK(!tg_ctl_ok(&t, "net vf 1 add"));	/* no guest */
	tg_free(&t);
	return true;
}

/* each test on a fresh host and guest */
#define NET_TEST(name, extra)						\
static bool t_##name(void)						\
{									\
	bool ok = bring_up(extra) && name();				\
									\
	tear_down();							\
	return ok;							\
}

NET_TEST(init_query_set, "")
NET_TEST(tx, "")
NET_TEST(hostile, "")
NET_TEST(rx, "")
NET_TEST(rsc, "")
NET_TEST(subchannels, ",channels=2")
NET_TEST(vf_datapath, "")
NET_TEST(inject_kinds, "")

int main(void)
{
	static const struct tap_test tests[] = {
		{ "NVSP init, buffers, RNDIS init/query/set", t_init_query_set },
		{ "TX: section and page buffers, csum, VLAN, LSO", t_tx },
		{ "hostile messages rejected and counted", t_hostile },
		{ "RX: filter, csum/hash/VLAN PPIs, completions, link", t_rx },
		{ "RX: RSC coalescing into fragments", t_rsc },
		{ "sub-channels, send table, RSS spreading", t_subchannels },
		{ "VF association and data path switch", t_vf_datapath },
		{ "net inject builds each malformed message", t_inject_kinds },
		{ "device options and net list", options },
	};
	int ret;

	log_init(NULL, false);
	loop_init();
	snprintf(swdir, sizeof(swdir), "/tmp/hvsim-netvsp-XXXXXX");
	if (!mkdtemp(swdir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	{
		char err[256];
		struct net_backend_cb cb = { wire_rx, NULL, NULL };

		wire = net_switch_open(swdir, err, sizeof(err));
		if (!wire) {
			printf("Bail out! %s\n", err);
			return 1;
		}
		wire->cb = cb;
	}
	ret = tap_run(tests, ARRAY_SIZE(tests));
	net_backend_close(wire);
	rmdir(swdir);
	loop_exit();
	return ret;
}
