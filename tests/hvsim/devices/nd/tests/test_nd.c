// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ND host (devices/nd) against a guest written from Microsoft's
 * guest driver's rules (LIS vmbus_rdma.c): INIT, INIT_RESOURCES, BIND,
 * the per-process files and the first IOCTLs, and what it refuses.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/vmbus_guest.h"

#include <hvlis/nd.h>

#include "devices/nd/nd.h"

static struct vmbus_channel_offer_channel offers[8];
static uint8_t buf[8192];
static uint64_t tid = 100;

#define BAR2	(32 * GiB)

/* send @len bytes with a completion requested; 0 or -errno */
static int nd_send(struct tchan *tc, const void *msg, uint32_t len)
{
	return tchan_send(tc, VM_PKT_DATA_INBAND,
			  VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, ++tid,
			  NULL, 0, msg, len);
}

/* the host's answer to the last request: its payload in @out */
static int answer(struct tchan *tc, void *out, uint32_t cap)
{
	struct vmpacket_descriptor d;
	uint32_t len, off;

	if (tring_read(&tc->in, buf, sizeof(buf), &len))
		return -1;
	memcpy(&d, buf, sizeof(d));
	off = d.offset8 * 8u;
	if (d.type != VM_PKT_COMP || d.trans_id != tid || len < off)
		return -1;
	memset(out, 0, cap);
	memcpy(out, buf + off, len - off < cap ? len - off : cap);
	return (int)(len - off);
}

/* a guest with the ND channel open, the window set up in BAR2 */
static bool nd_open(struct tg *t, struct tchan *tc, const char *spec)
{
	CHECK(tg_open_one(t, tc, spec, offers, 8));
	t->hs.gm.bar2_gpa = BAR2;
	t->hs.gm.bar2_valid = true;
	return true;
}

static uint64_t window(struct tg *t)
{
	return BAR2 + t->hs.gm.mmio_offset;
}

static bool init(struct tchan *tc, uint32_t version, uint32_t *agreed)
{
	struct ndv_packet_init m = {
		.packet_type = NDV_PACKET_TYPE_INIT,
		.protocol_version = version,
	};

	CHECK_EQ(nd_send(tc, &m, sizeof(m)), 0);
	CHECK_EQ(answer(tc, &m, sizeof(m)), (int)sizeof(m));
	*agreed = m.protocol_version;
	return true;
}

static uint32_t init_resources(struct tchan *tc, uint64_t start)
{
	struct ndv_pkt_init_resources m = {
		.hdr = {
			.packet_type = NDV_PKT_ID1_INIT_RESOURCES,
			.hdr_sz = sizeof(struct ndv_packet_hdr),
		},
		.io_space_start = start,
	};

	if (nd_send(tc, &m, sizeof(m)) || answer(tc, &m, sizeof(m)) < 16)
		return 0xdead;
	return m.hdr.status;
}

static const uint8_t mac1[6] = { 0x00, 0x15, 0x5d, 0, 0, 1 };

static uint32_t nd_bind(struct tchan *tc, const uint8_t *mac, uint32_t ip,
		     bool unbind)
{
	struct ndv_pkt_bind m = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_BIND,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE),
			.hdr_sz = sizeof(m),
		},
		.unbind = unbind,
		.ip_address = { .family = ND_AF_INET, .addr = ip },
		.phys_addr = { .length = 6 },
		.guest_id = 0x1234,
	};

	memcpy(m.phys_addr.addr, mac, 6);
	if (nd_send(tc, &m, sizeof(m)) || answer(tc, &m, sizeof(m)) != sizeof(m))
		return 0xdead;
	return m.hdr.status;
}

/* CREATE a file with guest id @local: the host's id, 0 if refused */
static uint32_t create(struct tchan *tc, uint32_t local)
{
	struct ndv_pkt_create m = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CREATE,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE),
			.hdr_sz = sizeof(m),
		},
		.handle = { .local = local },
		.access_mask = ND_STANDARD_RIGHTS_ALL,
		.open_options = ND_OPEN_EXISTING,
		.file_attributes = ND_FILE_ATTRIBUTE_NORMAL,
		.share_access = ND_FILE_SHARE_ALL,
	};

	if (nd_send(tc, &m, sizeof(m)) || answer(tc, &m, sizeof(m)) != sizeof(m) ||
	    m.hdr.status)
		return 0;
	return m.handle.remote;
}

static uint32_t cleanup(struct tchan *tc, uint32_t local, uint32_t remote)
{
	struct ndv_pkt_cleanup m = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CLEANUP,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE),
			.hdr_sz = sizeof(m),
		},
		.handle = { .local = local, .remote = remote },
	};

	if (nd_send(tc, &m, sizeof(m)) || answer(tc, &m, sizeof(m)) < 16)
		return 0xdead;
	return m.hdr.status;
}

/*
 * An IOCTL on file {local, remote}: @io (len bytes) in and out; returns
 * the io_status, or 0xdead when the transport failed (*hdr_status set).
 */
static uint32_t nd_ioctl_ext(struct tchan *tc, uint32_t local,
			     uint32_t remote, uint32_t code, void *io,
			     uint32_t len, const void *ext, uint32_t ext_len,
			     uint32_t *hdr_status)
{
	static uint8_t m[8192];
	struct ndv_pkt_control h = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CONTROL,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE),
			.hdr_sz = sizeof(h),
			.data_sz = len + ext_len,
		},
		.file_handle = { .local = local, .remote = remote },
		.io_cntrl_code = code,
		.output_buf_sz = len,
		.input_buf_sz = len,
		.extended_data = { .size = ext_len, .offset = len },
	};
	int n;

	memcpy(m, &h, sizeof(h));
	memcpy(m + sizeof(h), io, len);
	if (ext_len)
		memcpy(m + sizeof(h) + len, ext, ext_len);
	if (nd_send(tc, m, sizeof(h) + len + ext_len))
		return 0xdead;
	n = answer(tc, m, sizeof(m));
	if (n < (int)sizeof(h))
		return 0xdead;
	memcpy(&h, m, sizeof(h));
	*hdr_status = h.hdr.status;
	if (h.hdr.status)
		return 0xdead;
	memcpy(io, m + sizeof(h), len);
	return h.io_status;
}

static uint32_t nd_ioctl(struct tchan *tc, uint32_t local, uint32_t remote,
			 uint32_t code, void *io, uint32_t len,
			 uint32_t *hdr_status)
{
	return nd_ioctl_ext(tc, local, remote, code, io, len, NULL, 0,
			    hdr_status);
}

static bool host_value(struct tg *t, const char *key, unsigned long long want)
{
	char line[128];

	CHECK(tg_ctl_ok(t, "nd status"));
	snprintf(line, sizeof(line), "%s=%llu\n", key, want);
	CHECK(tg_out_has(line));
	return true;
}

/* INIT answers 1.0 or "invalid"; INIT_RESOURCES wants a BAR2 window */
static bool handshake(void)
{
	struct tg t;
	struct tchan tc;
	uint32_t v;

	CHECK(nd_open(&t, &tc, "nd"));
	CHECK(tg_find_offer(offers, 8, tc.relid)->offer.mmio_megabytes == 1);
	/* nothing before INIT */
	CHECK_EQ(init_resources(&tc, window(&t)), ND_STATUS_INVALID_PARAMETER);
	CHECK(init(&tc, 0x0200, &v));
	CHECK_EQ(v, NDV_PROTOCOL_VERSION_INVALID);
	CHECK(init(&tc, NDV_PROTOCOL_VERSION_1, &v));
	CHECK_EQ(v, NDV_PROTOCOL_VERSION_1);
	/* RAM, unaligned, past the MMIO space: refused */
	CHECK_EQ(init_resources(&tc, 1 * MiB), ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(init_resources(&tc, window(&t) + 4096),
		 ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(init_resources(&tc, BAR2 + 64 * MiB),
		 ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(init_resources(&tc, window(&t)), 0);
	CHECK_EQ(init_resources(&tc, window(&t)), ND_STATUS_INVALID_PARAMETER);
	CHECK(host_value(&t, "nd.bad", 5));
	tg_free(&t);
	return true;
}

/* a guest through INIT, INIT_RESOURCES and BIND with MAC @mac1 */
static bool bound(struct tg *t, struct tchan *tc)
{
	uint32_t v;

	CHECK(nd_open(t, tc, "nd"));
	CHECK(init(tc, NDV_PROTOCOL_VERSION_1, &v));
	CHECK_EQ(init_resources(tc, window(t)), 0);
	CHECK_EQ(nd_bind(tc, mac1, htonl(0x0a000002), false), 0);
	return true;
}

/* BIND succeeds only for the host's RDMA NIC, with an address */
static bool binding(void)
{
	static const uint8_t other[6] = { 0x00, 0x15, 0x5d, 0, 0, 2 };
	struct tg t;
	struct tchan tc;
	uint32_t v;

	CHECK(nd_open(&t, &tc, "nd"));
	CHECK(init(&tc, NDV_PROTOCOL_VERSION_1, &v));
	CHECK_EQ(nd_bind(&tc, mac1, htonl(0x0a000002), false),
		 ND_STATUS_INVALID_PARAMETER);	/* before INIT_RESOURCES */
	CHECK_EQ(init_resources(&tc, window(&t)), 0);
	CHECK_EQ(create(&tc, 7), 0);		/* before BIND */
	CHECK_EQ(nd_bind(&tc, other, htonl(0x0a000002), false),
		 ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(nd_bind(&tc, mac1, 0, false), ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(nd_bind(&tc, mac1, htonl(0x0a000002), false), 0);
	CHECK(tg_ctl_ok(&t, "nd status"));
	CHECK(tg_out_has("nd.state=bound\n"));
	CHECK(tg_out_has("nd.ip=10.0.0.2\n"));
	CHECK(host_value(&t, "nd.binds_refused", 2));
	/* unbind of another address fails; of this one works */
	CHECK_EQ(nd_bind(&tc, mac1, htonl(0x0a000003), true),
		 ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(nd_bind(&tc, mac1, htonl(0x0a000002), true), 0);
	CHECK(tg_ctl_ok(&t, "nd status"));
	CHECK(tg_out_has("nd.state=unbound\n"));
	/* a mac= option names another NIC */
	tg_free(&t);
	CHECK(nd_open(&t, &tc, "nd:mac=00:15:5d:00:00:02"));
	CHECK(init(&tc, NDV_PROTOCOL_VERSION_1, &v));
	CHECK_EQ(init_resources(&tc, window(&t)), 0);
	CHECK_EQ(nd_bind(&tc, mac1, htonl(0x0a000002), false),
		 ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(nd_bind(&tc, other, htonl(0x0a000002), false), 0);
	tg_free(&t);
	return true;
}

/*
 * A process: two files, PROVIDER_INIT, BIND_FILE, ADAPTER_OPEN (UAR in
 * the window), ADAPTER_QUERY, a PD; CLEANUP frees all of it.
 */
static bool process(void)
{
	struct nd_ioctl_open_adapter oa;
	struct nd_ioctl_pd_create pd;
	struct nd_adapter_info info;
	uint8_t prov[ND_PROVIDER_IOCTL_SIZE];
	struct nd_handle h;
	uint32_t f1, f2, hs;
	uint64_t adapter;
	struct tg t;
	struct tchan tc;

	CHECK(bound(&t, &tc));
	f1 = create(&tc, 0x111);
	f2 = create(&tc, 0x222);
	CHECK(f1 && f2 && f1 != f2);
	CHECK_EQ(create(&tc, 0x111), 0);	/* the same id twice */
	/* a wrong file handle is a transport error */
	memset(prov, 0, sizeof(prov));
	h = (struct nd_handle){ .version = 1 };
	memcpy(prov, &h, sizeof(h));
	CHECK_EQ(nd_ioctl(&tc, 0x111, f2, IOCTL_ND_PROVIDER_INIT, prov,
		       sizeof(prov), &hs), 0xdead);
	CHECK_EQ(hs, ND_STATUS_INVALID_PARAMETER);
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_PROVIDER_INIT, prov,
		       sizeof(prov), &hs), 0);
	h.handle = (uint64_t)f2 << 32 | 0x222;
	memcpy(prov, &h, sizeof(h));
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_PROVIDER_BIND_FILE, prov,
		       sizeof(prov), &hs), 0);

	memset(&oa, 0, sizeof(oa));
	oa.in = (struct nd_open_adapter){
		.version = 1, .ce_mapping_cnt = 2,
		.cb_mapping_offset = sizeof(oa.in), .adapter_id = 0x1234,
	};
	for (int i = 0; i < 2; i++) {
		oa.req.mappings[i].map_type = ND_MAP_IOSPACE;
		oa.req.mappings[i].access_or_cache =
			i ? ND_WRITE_COMBINED : ND_NON_CACHED;
		oa.req.mappings[i].io.cb_length = 4096;
	}
	struct nd_ioctl_open_adapter bad = oa;

	bad.in.adapter_id = 0x99;
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_ADAPTER_OPEN, &bad,
		       sizeof(bad), &hs), ND_STATUS_INVALID_PARAMETER);
	bad = oa;
	bad.req.mappings[1].io.cb_length = 8192;
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_ADAPTER_OPEN, &bad,
		       sizeof(bad), &hs), ND_STATUS_INVALID_PARAMETER);
	memset(t.hs.gm.shm + t.hs.gm.mmio_offset, 0x77, 8192);
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_ADAPTER_OPEN, &oa,
		       sizeof(oa), &hs), 0);
	adapter = oa.out.handle;
	CHECK(adapter != 0);
	CHECK_EQ(oa.resp.mapping_results[0].info, window(&t));
	CHECK_EQ(oa.resp.mapping_results[1].info, window(&t) + 4096);
	CHECK_EQ(oa.resp.bf_reg_size, 0);
	CHECK_EQ(oa.resp.cqe_size, 32);
	CHECK_EQ(oa.resp.qp_tab_size, 65536);
	CHECK_EQ(oa.resp.dev_id, 0x1003);
	CHECK(t.hs.gm.shm[t.hs.gm.mmio_offset] == 0);	/* UAR zeroed */

	struct nd_adapter_query q = {
		.version = 1, .info_version = ND_VERSION_2, .adapter_handle = adapter,
	};

	memset(&info, 0, sizeof(info));
	memcpy(&info, &q, sizeof(q));
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_ADAPTER_QUERY, &info,
		       sizeof(info), &hs), 0);
	CHECK_EQ(info.vendor_id, 0x15b3);
	CHECK_EQ(info.adapter_id, 0x1234);
	CHECK(info.max_completion_q_depth > 0 && info.max_initiator_sge > 0);
	/* the adapter from another file is not this file's */
	q.adapter_handle = adapter;
	memset(&info, 0, sizeof(info));
	memcpy(&info, &q, sizeof(q));
	CHECK_EQ(nd_ioctl(&tc, 0x222, f2, IOCTL_ND_ADAPTER_QUERY, &info,
		       sizeof(info), &hs), ND_STATUS_INVALID_HANDLE);

	memset(&pd, 0, sizeof(pd));
	pd.in = (struct nd_handle){ .version = 1, .handle = adapter };
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_PD_CREATE, &pd, sizeof(pd),
		       &hs), 0);
	CHECK(pd.pd_handle && pd.resp.pd_handle == pd.pd_handle &&
	      pd.resp.pdn);
	CHECK(host_value(&t, "nd.pds", 1));
	CHECK(host_value(&t, "nd.adapters", 1));
	/* a PD handle is no adapter */
	pd.in = (struct nd_handle){ .version = 1, .handle = pd.pd_handle };
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, IOCTL_ND_PD_CREATE, &pd, sizeof(pd),
		       &hs), ND_STATUS_INVALID_HANDLE);
	/* unknown IOCTL */
	CHECK_EQ(nd_ioctl(&tc, 0x111, f1, 0x00120a00, &h, sizeof(h), &hs),
		 ND_STATUS_NOT_SUPPORTED);
	/* the process goes: everything with it */
	CHECK_EQ(cleanup(&tc, 0x222, f2), 0);
	CHECK_EQ(cleanup(&tc, 0x111, f1), 0);
	CHECK_EQ(cleanup(&tc, 0x111, f1), ND_STATUS_INVALID_PARAMETER);
	CHECK(host_value(&t, "nd.pds", 0));
	CHECK(host_value(&t, "nd.adapters", 0));
	CHECK(host_value(&t, "nd.files", 0));
	tg_free(&t);
	return true;
}

/* closing the channel frees every file and object */
static bool close_frees(void)
{
	struct nd_ioctl_open_adapter oa;
	uint8_t prov[ND_PROVIDER_IOCTL_SIZE] = { 1 };
	uint32_t f, hs;
	struct tg t;
	struct tchan tc;

	CHECK(bound(&t, &tc));
	f = create(&tc, 5);
	CHECK(f);
	CHECK_EQ(nd_ioctl(&tc, 5, f, IOCTL_ND_PROVIDER_INIT, prov, sizeof(prov),
		       &hs), 0);
	for (int n = 0; n < 3; n++) {
		memset(&oa, 0, sizeof(oa));
		oa.in = (struct nd_open_adapter){
			.version = 1, .ce_mapping_cnt = 2,
			.cb_mapping_offset = sizeof(oa.in), .adapter_id = 0x1234,
		};
		for (int i = 0; i < 2; i++) {
			oa.req.mappings[i].map_type = ND_MAP_IOSPACE;
			oa.req.mappings[i].io.cb_length = 4096;
		}
		CHECK_EQ(nd_ioctl(&tc, 5, f, IOCTL_ND_ADAPTER_OPEN, &oa,
				  sizeof(oa), &hs), 0);
	}
	CHECK(host_value(&t, "nd.adapters", 3));
	tg_close(&t, tc.relid);
	CHECK(host_value(&t, "nd.adapters", 0));
	CHECK(host_value(&t, "nd.objects_freed", 3));
	tg_free(&t);
	return true;
}

/* malformed messages: refused with a status, never answered as done */
static bool malformed(void)
{
	struct ndv_pkt_control h;
	uint8_t m[256];
	struct tg t;
	struct tchan tc;

	CHECK(bound(&t, &tc));
	/* a CONTROL whose data_sz runs past the packet */
	memset(&h, 0, sizeof(h));
	h.hdr.packet_type = NDV_PKT_ID1_CONTROL;
	h.hdr.hdr_sz = sizeof(h);
	h.hdr.data_sz = 1000;
	h.input_buf_sz = h.output_buf_sz = 16;
	CHECK_EQ(nd_send(&tc, &h, sizeof(h)), 0);
	CHECK(answer(&tc, m, sizeof(m)) >= 16);
	CHECK_EQ(((struct ndv_packet_hdr *)m)->status, ND_STATUS_INVALID_PARAMETER);
	/* in and out sizes differ; extended data outside */
	h.hdr.data_sz = 16;
	h.output_buf_sz = 8;
	memset(m, 0, sizeof(m));
	memcpy(m, &h, sizeof(h));
	CHECK_EQ(nd_send(&tc, m, sizeof(h) + 16), 0);
	CHECK(answer(&tc, m, sizeof(m)) >= 16);
	CHECK_EQ(((struct ndv_packet_hdr *)m)->status, ND_STATUS_INVALID_PARAMETER);
	h.output_buf_sz = 16;
	h.extended_data.size = 8;
	h.extended_data.offset = 12;
	memset(m, 0, sizeof(m));
	memcpy(m, &h, sizeof(h));
	CHECK_EQ(nd_send(&tc, m, sizeof(h) + 16), 0);
	CHECK(answer(&tc, m, sizeof(m)) >= 16);
	CHECK_EQ(((struct ndv_packet_hdr *)m)->status, ND_STATUS_INVALID_PARAMETER);
	/* a packet type the guest never sends; a short one (dropped) */
	memset(m, 0, sizeof(m));
	m[0] = NDV_PKT_ID1_COMPLETE;
	CHECK_EQ(nd_send(&tc, m, 64), 0);
	CHECK(answer(&tc, m, sizeof(m)) >= 16);
	CHECK_EQ(nd_send(&tc, m, 8), 0);
	CHECK_EQ(answer(&tc, m, sizeof(m)), -1);
	CHECK(host_value(&t, "nd.bad", 5));
	tg_free(&t);
	return true;
}

/* a process with an adapter: its file ids and the adapter handle */
static bool with_adapter(struct tg *t, struct tchan *tc, uint32_t *f,
			 uint64_t *adapter)
{
	uint8_t prov[ND_PROVIDER_IOCTL_SIZE] = { 1 };
	struct nd_ioctl_open_adapter oa;
	uint32_t hs;

	CHECK(bound(t, tc));
	*f = create(tc, 9);
	CHECK(*f);
	CHECK_EQ(nd_ioctl(tc, 9, *f, IOCTL_ND_PROVIDER_INIT, prov,
			  sizeof(prov), &hs), 0);
	memset(&oa, 0, sizeof(oa));
	oa.in = (struct nd_open_adapter){
		.version = 1, .ce_mapping_cnt = 2,
		.cb_mapping_offset = sizeof(oa.in), .adapter_id = 0x1234,
	};
	for (int i = 0; i < 2; i++) {
		oa.req.mappings[i].map_type = ND_MAP_IOSPACE;
		oa.req.mappings[i].io.cb_length = 4096;
	}
	CHECK_EQ(nd_ioctl(tc, 9, *f, IOCTL_ND_ADAPTER_OPEN, &oa, sizeof(oa),
			  &hs), 0);
	*adapter = oa.out.handle;
	return true;
}

/* CQ_CREATE's extended data: 3 ranges, the buffer's of @npfns pages */
struct cq_ext {
	struct ndv_ext_data e;
	struct ndv_pkt_field f[3];
	uint32_t db_count, db_off;
	uint64_t db_pfn[2];
	uint32_t sn_count, sn_off;
	uint64_t sn_pfn[2];
	uint32_t buf_count, buf_off;
	uint64_t buf_pfn[8];
};

static void cq_request(struct nd_ioctl_create_cq *m, struct cq_ext *x,
		       uint64_t adapter, uint32_t depth, const uint64_t *pfns,
		       uint64_t db_pfn)
{
	memset(m, 0, sizeof(*m));
	m->in = (struct nd_create_cq){
		.version = 1, .queue_depth = depth, .ce_mapping_cnt = 3,
		.cb_mapping_offset = sizeof(m->in), .adapter_handle = adapter,
		.affinity = { .group = 0xffff },
	};
	m->req.mappings[ND_MLX4_CQ_BUF].map_type = ND_MAP_MEMORY;
	m->req.mappings[ND_MLX4_CQ_BUF].access_or_cache = ND_MODIFY_ACCESS;
	m->req.mappings[ND_MLX4_CQ_BUF].mem.address = 0x7f0000000000;
	m->req.mappings[ND_MLX4_CQ_BUF].mem.cb_length = depth * 32;
	m->req.mappings[ND_MLX4_CQ_DB].map_type = ND_MAP_MEMORY_COALLESCE;
	m->req.mappings[ND_MLX4_CQ_DB].access_or_cache = ND_WRITE_ACCESS;
	m->req.mappings[ND_MLX4_CQ_DB].mem.cb_length = 8;
	m->req.mappings[ND_MLX4_CQ_ARM_SN].map_type = ND_MAP_MEMORY;
	m->req.mappings[ND_MLX4_CQ_ARM_SN].mem.cb_length = 4;
	memset(x, 0, sizeof(*x));
	x->e.count = 3;
	/* as Microsoft's guest lays it out: db, arm, then the buffer */
	x->f[ND_MLX4_CQ_DB] = (struct ndv_pkt_field){ 24, 32 };
	x->f[ND_MLX4_CQ_ARM_SN] = (struct ndv_pkt_field){ 24, 56 };
	x->f[ND_MLX4_CQ_BUF] = (struct ndv_pkt_field){ 8 + 8 * 8, 80 };
	x->db_count = 8;
	x->db_off = 0x40;
	x->db_pfn[0] = db_pfn;
	x->sn_count = 4;
	x->sn_off = 0x80;
	x->sn_pfn[0] = db_pfn;
	x->buf_count = depth * 32;
	memcpy(x->buf_pfn, pfns, 8 * sizeof(uint64_t));
}

/*
 * CQ_CREATE: mappings and GPA ranges checked, the buffer filled with
 * 0xcc (owner bits set), cqe = depth - 1; CQ_FREE and CLEANUP free it.
 */
static bool cq(void)
{
	struct nd_ioctl_create_cq m;
	struct cq_ext x;
	uint64_t pfns[8], db, adapter;
	uint32_t f, hs;
	struct tg t;
	struct tchan tc;
	struct nd_handle h;

	CHECK(with_adapter(&t, &tc, &f, &adapter));
	tg_pages(&t, pfns, 8, true);
	tg_pages(&t, &db, 1, false);
	memset(tg_page(pfns[0]), 0, 4096);
	/* 1024 entries: 32 KiB, 8 scattered pages */
	cq_request(&m, &x, adapter, 1024, pfns, db);
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), 0);
	CHECK(m.out.handle != 0);
	CHECK_EQ(m.resp.cqe, 1023);
	CHECK(m.resp.cqn != 0);
	for (int i = 0; i < 8; i++)
		CHECK(((uint8_t *)tg_page(pfns[i]))[4095] == 0xcc &&
		      ((uint8_t *)tg_page(pfns[i]))[0] == 0xcc);
	CHECK(host_value(&t, "nd.cqs", 1));
	h = (struct nd_handle){ .version = 1, .handle = m.out.handle };
	CHECK_EQ(nd_ioctl(&tc, 9, f, IOCTL_ND_CQ_FREE, &h, sizeof(h), &hs), 0);
	CHECK(host_value(&t, "nd.cqs", 0));

	/*
	 * Refused: depth not a power of two, buffer length, a page outside
	 * RAM, a range's length, the wrong field count, a stale adapter.
	 */
	cq_request(&m, &x, adapter, 1000, pfns, db);
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	cq_request(&m, &x, adapter, 1024, pfns, db);
	m.req.mappings[ND_MLX4_CQ_BUF].mem.cb_length = 4096;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	cq_request(&m, &x, adapter, 1024, pfns, db);
	x.buf_pfn[5] = TG_RAM_SIZE / 4096 + 7;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	cq_request(&m, &x, adapter, 1024, pfns, db);
	x.db_count = 4;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	cq_request(&m, &x, adapter, 1024, pfns, db);
	x.f[ND_MLX4_CQ_BUF].size = 8 + 8 * 7;	/* one pfn short */
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	cq_request(&m, &x, adapter, 1024, pfns, db);
	x.e.count = 2;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	cq_request(&m, &x, adapter + (1ULL << 32), 1024, pfns, db);
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_HANDLE);
	CHECK(host_value(&t, "nd.cqs", 0));
	/* one more, left for the file's cleanup to free */
	cq_request(&m, &x, adapter, 64, pfns, db);
	x.buf_count = 64 * 32;
	x.f[ND_MLX4_CQ_BUF].size = 16;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), 0);
	CHECK(host_value(&t, "nd.cqs", 1));
	CHECK_EQ(cleanup(&tc, 9, f), 0);
	CHECK(host_value(&t, "nd.cqs", 0));
	CHECK(host_value(&t, "nd.adapters", 0));
	tg_free(&t);
	return true;
}

/* QP_CREATE's extended data: the buffer (up to 8 pages), the doorbell */
struct qp_ext {
	struct ndv_ext_data e;
	struct ndv_pkt_field f[2];
	uint32_t buf_count, buf_off;
	uint64_t buf_pfn[8];
	uint32_t db_count, db_off;
	uint64_t db_pfn;
};

/*
 * An RC QP as libmlx4 asks for rping's: 16 receives of 1 SGE (16-byte
 * stride), 64 send WQEs of 64 bytes; 5 KiB of buffer in 2 pages
 */
static void qp_request(struct nd_ioctl_create_qp *m, struct qp_ext *x,
		       uint64_t pd, uint64_t cq, const uint64_t *pfns,
		       uint64_t db_pfn)
{
	memset(m, 0, sizeof(*m));
	m->in = (struct nd_create_qp){
		.version = 1, .ce_mapping_cnt = 2,
		.cb_mapping_offset = sizeof(m->in),
		.initiator_queue_depth = 16, .max_initiator_request_sge = 1,
		.receive_cq_handle = cq, .initiator_cq_handle = cq,
		.pd_handle = pd, .receive_queue_depth = 16,
		.max_receive_request_sge = 1,
	};
	m->req.mappings[ND_MLX4_QP_BUF].map_type = ND_MAP_MEMORY;
	m->req.mappings[ND_MLX4_QP_BUF].mem.cb_length = 16 * 16 + 64 * 64;
	m->req.mappings[ND_MLX4_QP_DB].map_type = ND_MAP_MEMORY_COALLESCE;
	m->req.mappings[ND_MLX4_QP_DB].mem.cb_length = 4;
	m->req.log_sq_bb_count = 6;
	m->req.log_sq_stride = 6;
	memset(x, 0, sizeof(*x));
	x->e.count = 2;
	x->f[ND_MLX4_QP_BUF] = (struct ndv_pkt_field){ 8 + 8 * 8, 24 };
	x->f[ND_MLX4_QP_DB] = (struct ndv_pkt_field){ 16, 96 };
	x->buf_count = 16 * 16 + 64 * 64;
	memcpy(x->buf_pfn, pfns, 8 * sizeof(uint64_t));
	x->db_count = 4;
	x->db_off = 0x100;
	x->db_pfn = db_pfn;
}

/* MR_REGISTER as a GPA-direct packet whose range holds the frame list */
static uint32_t mr_register(struct tchan *tc, uint32_t f,
			    struct nd_ioctl_mr_register *m, uint64_t list_pfn,
			    uint32_t list_len, uint32_t ext_len)
{
	uint8_t hdr[8 + 8 + 8], msg[sizeof(struct ndv_pkt_control) + sizeof(*m)];
	struct ndv_pkt_control h = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CONTROL,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE |
				NDV_PACKET_OPTION_EXTERNAL_DATA),
			.hdr_sz = sizeof(h),
			.data_sz = sizeof(*m),
		},
		.file_handle = { .local = 9, .remote = f },
		.io_cntrl_code = IOCTL_ND_MR_REGISTER,
		.output_buf_sz = sizeof(*m),
		.input_buf_sz = sizeof(*m),
		.extended_data = { .size = ext_len },
	};
	struct gpa_range gr = { .byte_count = list_len };
	uint32_t cnt = 1;
	static uint8_t ans[512];

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr + 4, &cnt, 4);
	memcpy(hdr + 8, &gr, 8);
	memcpy(hdr + 16, &list_pfn, 8);
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), m, sizeof(*m));
	if (tchan_send(tc, VM_PKT_DATA_USING_GPA_DIRECT,
		       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, ++tid, hdr,
		       sizeof(hdr), msg, sizeof(msg)) ||
	    answer(tc, ans, sizeof(ans)) < (int)sizeof(msg))
		return 0xdead;
	memcpy(&h, ans, sizeof(h));
	if (h.hdr.status)
		return 0xdead;
	memcpy(m, ans + sizeof(h), sizeof(*m));
	return h.io_status;
}

/*
 * QP_CREATE (sizes as libmlx4's, QP numbers), a CQ the QP uses cannot
 * be freed; MR_CREATE and MR_REGISTER (keys), what each refuses; the
 * file's cleanup frees QPs before the CQs and PDs they hold.
 */
static bool qp_mr(void)
{
	struct nd_ioctl_create_cq cm;
	struct nd_ioctl_create_qp m;
	struct nd_ioctl_pd_create pm;
	struct nd_ioctl_mr_create mc;
	struct nd_ioctl_mr_register mr;
	struct cq_ext cx;
	struct qp_ext x;
	uint64_t pfns[8], db, list, adapter, pd, cq, qp;
	uint64_t *frames;
	uint32_t f, hs, qpn;
	struct tg t;
	struct tchan tc;
	struct nd_handle h;

	CHECK(with_adapter(&t, &tc, &f, &adapter));
	tg_pages(&t, pfns, 8, true);
	tg_pages(&t, &db, 1, false);
	tg_pages(&t, &list, 1, false);
	pm = (struct nd_ioctl_pd_create){ .in = { .version = 1, .handle = adapter } };
	CHECK_EQ(nd_ioctl(&tc, 9, f, IOCTL_ND_PD_CREATE, &pm, sizeof(pm), &hs), 0);
	pd = pm.pd_handle;
	cq_request(&cm, &cx, adapter, 1024, pfns, db);
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_CQ_CREATE, &cm, sizeof(cm),
			      &cx, sizeof(cx), &hs), 0);
	cq = cm.out.handle;

	qp_request(&m, &x, pd, cq, pfns, db);
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_QP_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), 0);
	qp = m.out.handle;
	CHECK(qp != 0 && m.resp.qp_handle == qp);
	qpn = m.resp.qpn;
	CHECK(qpn != 0 && qpn < (1u << 23));
	CHECK_EQ(m.resp.max_recv_wr, 16);
	CHECK_EQ(m.resp.max_send_wr, 64);
	CHECK(host_value(&t, "nd.qps", 1));
	/* a second QP gets another number */
	qp_request(&m, &x, pd, cq, pfns, db);
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_QP_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), 0);
	CHECK(m.resp.qpn != qpn);
	h = (struct nd_handle){ .version = 1, .handle = m.out.handle };
	CHECK_EQ(nd_ioctl(&tc, 9, f, IOCTL_ND_QP_FREE, &h, sizeof(h), &hs), 0);

	/* refused: receive depth, stride, buffer length, doorbell, CQ */
	qp_request(&m, &x, pd, cq, pfns, db);
	m.in.receive_queue_depth = 12;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_QP_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	qp_request(&m, &x, pd, cq, pfns, db);
	m.req.log_sq_stride = 5;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_QP_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	qp_request(&m, &x, pd, cq, pfns, db);
	m.req.mappings[ND_MLX4_QP_BUF].mem.cb_length = 8192;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_QP_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	qp_request(&m, &x, pd, cq, pfns, db);
	x.db_pfn = TG_RAM_SIZE / 4096 + 3;
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_QP_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_PARAMETER);
	qp_request(&m, &x, pd, pd, pfns, db);
	CHECK_EQ(nd_ioctl_ext(&tc, 9, f, IOCTL_ND_QP_CREATE, &m, sizeof(m), &x,
			      sizeof(x), &hs), ND_STATUS_INVALID_HANDLE);
	CHECK(host_value(&t, "nd.qps", 1));
	/* the QP holds its CQ */
	h = (struct nd_handle){ .version = 1, .handle = cq };
	CHECK_EQ(nd_ioctl(&tc, 9, f, IOCTL_ND_CQ_FREE, &h, sizeof(h), &hs),
		 ND_STATUS_DEVICE_BUSY);

	/* a 3-page region at offset 0x10 of its first page */
	mc = (struct nd_ioctl_mr_create){ .in = { .version = 1, .handle = pd } };
	CHECK_EQ(nd_ioctl(&tc, 9, f, IOCTL_ND_MR_CREATE, &mc, sizeof(mc), &hs), 0);
	CHECK(mc.mr_handle != 0);
	frames = tg_page(list);
	memcpy(frames, pfns, 3 * sizeof(uint64_t));
	mr = (struct nd_ioctl_mr_register){ .in = {
		.version = 1, .flags = ND_MR_FLAG_DO_NOT_SECURE_VM |
			ND_MR_FLAG_ALLOW_REMOTE_WRITE,
		.cb_length = 2 * 4096, .target_addr = 0x7f0000000010,
		.mr_handle = mc.mr_handle, .address = 0x7f0000000010,
	} };
	CHECK_EQ(mr_register(&tc, f, &mr, list, 24, 24), 0);
	CHECK(mr.out.lkey != 0 && mr.out.lkey != ND_MLX4_INVALID_LKEY);
	CHECK_EQ(mr.out.rkey, htonl(mr.out.lkey));
	CHECK(host_value(&t, "nd.mrs", 1));
	/* again on a registered region; a list one frame short; a bad frame */
	mr.in = (struct nd_mr_register){
		.version = 1, .flags = ND_MR_FLAG_DO_NOT_SECURE_VM,
		.cb_length = 2 * 4096, .target_addr = 0x7f0000000010,
		.mr_handle = mc.mr_handle, .address = 0x7f0000000010,
	};
	CHECK_EQ(mr_register(&tc, f, &mr, list, 24, 24),
		 ND_STATUS_INVALID_PARAMETER);
	h = (struct nd_handle){ .version = 1, .handle = mc.mr_handle };
	CHECK_EQ(nd_ioctl(&tc, 9, f, IOCTL_ND_MR_DEREGISTER, &h, sizeof(h),
			  &hs), 0);
	mr.in.mr_handle = mc.mr_handle;
	CHECK_EQ(mr_register(&tc, f, &mr, list, 16, 16),
		 ND_STATUS_INVALID_PARAMETER);
	frames[1] = TG_RAM_SIZE / 4096 + 1;
	CHECK_EQ(mr_register(&tc, f, &mr, list, 24, 24),
		 ND_STATUS_INVALID_PARAMETER);
	/* the range and the size it claims disagree: refused outright */
	frames[1] = pfns[1];
	CHECK_EQ(mr_register(&tc, f, &mr, list, 24, 16), 0xdead);
	CHECK_EQ(mr_register(&tc, f, &mr, list, 24, 24), 0);
	CHECK(host_value(&t, "nd.bad", 1));

	/* the file goes: QP, MR, CQ, PD, adapter, in that order */
	CHECK_EQ(cleanup(&tc, 9, f), 0);
	CHECK(host_value(&t, "nd.qps", 0));
	CHECK(host_value(&t, "nd.mrs", 0));
	CHECK(host_value(&t, "nd.cqs", 0));
	CHECK(host_value(&t, "nd.pds", 0));
	tg_free(&t);
	return true;
}

/*
 * A datagram from "another host" at @fd to the fabric socket @to: @h
 * with its len set to @len, unless it has one of its own (a lie)
 */
static bool fabric_dgram(int fd, const struct sockaddr_un *to,
			 const struct ndf_hdr *h, const void *payload,
			 uint32_t len)
{
	uint8_t d[sizeof(*h) + 512];
	struct ndf_hdr c = *h;

	if (!c.len)
		c.len = len;
	memcpy(d, &c, sizeof(c));
	if (len)
		memcpy(d + sizeof(*h), payload, len);
	return sendto(fd, d, sizeof(*h) + len, 0, (const struct sockaddr *)to,
		      sizeof(*to)) == (ssize_t)(sizeof(*h) + len);
}

/*
 * The fabric (fabric.c): malformed datagrams from another host counted
 * and dropped, one for a connector nobody has counted stale, a CONNECT
 * to a port nobody listens on answered with a REJECT
 */
static bool fabric_refuses(void)
{
	char dir[] = "/tmp/hvsim-ndf.XXXXXX", spec[64];
	struct sockaddr_un host = { .sun_family = AF_UNIX };
	struct sockaddr_un peer = { .sun_family = AF_UNIX };
	const uint8_t priv[300] = { 1 };
	struct ndf_hdr h = { 0 }, bad, got;
	struct nd_dev *nd;
	struct tchan tc;
	struct tg t;
	uint32_t v;
	int fd;

	CHECK(mkdtemp(dir));
	CHECK_EQ(loop_init(), 0);
	snprintf(spec, sizeof(spec), "nd:fabric=%s", dir);
	CHECK(nd_open(&t, &tc, spec));
	CHECK(init(&tc, NDV_PROTOCOL_VERSION_1, &v));
	CHECK_EQ(init_resources(&tc, window(&t)), 0);
	CHECK_EQ(nd_bind(&tc, mac1, htonl(0x0a000002), false), 0);
	nd = vsp_dev_priv(tg_device(&t, 0));
	CHECK(nd->fabric_fd >= 0);
	snprintf(host.sun_path, sizeof(host.sun_path), "%s/nd-10.0.0.2.sock",
		 dir);
	snprintf(peer.sun_path, sizeof(peer.sun_path), "%s/nd-10.0.0.3.sock",
		 dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	CHECK_EQ(bind(fd, (struct sockaddr *)&peer, sizeof(peer)), 0);

	h.magic = NDF_MAGIC;
	h.src_ip = htonl(0x0a000003);
	h.dst_ip = htonl(0x0a000002);
	h.src = 0x100000001ull;
	/* too short for a header */
	CHECK_EQ(sendto(fd, &h, 8, 0, (struct sockaddr *)&host, sizeof(host)), 8);
	bad = h;
	bad.magic = 0;
	CHECK(fabric_dgram(fd, &host, &bad, NULL, 0));
	bad = h;
	bad.dst_ip = htonl(0x0a000009);		/* not this host's address */
	CHECK(fabric_dgram(fd, &host, &bad, NULL, 0));
	bad = h;
	bad.len = 16;				/* more than it carries */
	CHECK(fabric_dgram(fd, &host, &bad, NULL, 0));
	bad = h;
	bad.type = NDF_CONNECT;			/* private data too long */
	bad.total = sizeof(priv);
	CHECK(fabric_dgram(fd, &host, &bad, priv, sizeof(priv)));
	bad = h;
	bad.type = NDF_XFER;			/* chunk beyond its message */
	bad.total = 4;
	bad.offset = 2;
	CHECK(fabric_dgram(fd, &host, &bad, priv, 4));
	bad = h;
	bad.type = 99;
	CHECK(fabric_dgram(fd, &host, &bad, NULL, 0));
	/* data for a connector this host never had */
	bad = h;
	bad.type = NDF_XFER;
	bad.dst = 0x100000005ull;
	bad.total = 4;
	CHECK(fabric_dgram(fd, &host, &bad, priv, 4));
	/* nobody listens on 7000 here */
	bad = h;
	bad.type = NDF_CONNECT;
	bad.port = htons(7000);
	bad.total = 8;
	CHECK(fabric_dgram(fd, &host, &bad, priv, 8));
	nd->fabric_watch.cb(&nd->fabric_watch, EPOLLIN);
	CHECK(host_value(&t, "nd.fabric_bad", 7));
	CHECK(host_value(&t, "nd.fabric_stale", 1));
	CHECK_EQ(recv(fd, &got, sizeof(got), MSG_DONTWAIT), (ssize_t)sizeof(got));
	CHECK_EQ(got.magic, NDF_MAGIC);
	CHECK_EQ(got.type, NDF_REJECT);
	CHECK_EQ(got.dst, h.src);
	CHECK_EQ(got.src_ip, h.dst_ip);
	close(fd);
	unlink(peer.sun_path);
	tg_free(&t);
	loop_exit();
	CHECK_EQ(access(host.sun_path, F_OK), -1);
	CHECK_EQ(rmdir(dir), 0);
	return true;
}

static const struct tap_test tests[] = {
	{ "ND: INIT and INIT_RESOURCES, in order, window checked", handshake },
	{ "ND: BIND only for the RDMA NIC (mac=), unbind", binding },
	{ "ND: files, provider init and bind, adapter, query, PD, cleanup", process },
	{ "ND: channel close frees every object", close_frees },
	{ "ND: malformed CONTROL and unknown messages refused", malformed },
	{ "ND: CQ_CREATE checked, buffer owned by the adapter, freed", cq },
	{ "ND: QP_CREATE and MR_REGISTER checked, objects held and freed", qp_mr },
	{ "ND fabric: malformed datagrams dropped, a CONNECT to no listener rejected", fabric_refuses },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
