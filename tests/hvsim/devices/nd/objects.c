// SPDX-License-Identifier: GPL-2.0-only
/*
 * The objects a guest process holds on the ND host (adapters, protection
 * domains ...) and the IOCTLs that make, query and free them.
 *
 * A handle is (generation << 32) | (slot + 1): a freed slot's next user
 * gets a new generation, so a stale or forged handle misses, and every
 * lookup also checks the object's type and that the calling file owns it.
 * An adapter takes an 8 KiB slot of the guest's MMIO window, its UAR page
 * and the BlueFlame page after it (never mapped: BlueFlame is off); the
 * UAR page is zeroed when handed out.  Freeing an adapter frees what
 * was made on it; a file's CLEANUP frees all it owns.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

static const char *const type_names[] = {
	[NDO_FREE] = "free",
	[NDO_ADAPTER] = "adapters",
	[NDO_PD] = "pds",
	[NDO_CQ] = "cqs",
	[NDO_QP] = "qps",
	[NDO_MR] = "mrs",
	[NDO_LISTENER] = "listeners",
	[NDO_CONNECTOR] = "connectors",
};

const char *nd_obj_type_name(enum nd_obj_type t)
{
	return t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

int nd_objects_init(struct nd_dev *nd)
{
	nd->objs = calloc(ND_MAX_OBJECTS, sizeof(*nd->objs));
	nd->next_pdn = 1;
	nd->next_cqn = 1;
	nd->next_qpn = 1;
	return nd->objs ? 0 : -1;
}

void nd_objects_free(struct nd_dev *nd)
{
	free(nd->objs);
	nd->objs = NULL;
}

uint64_t nd_obj_handle(const struct nd_dev *nd, const struct nd_obj *o)
{
	return (uint64_t)o->gen << 32 | (uint64_t)(o - nd->objs + 1);
}

struct nd_obj *nd_obj_peek(struct nd_dev *nd, uint64_t handle,
			   enum nd_obj_type type)
{
	uint64_t slot = (handle & 0xffffffff) - 1;
	struct nd_obj *o;

	if ((handle & 0xffffffff) == 0 || slot >= ND_MAX_OBJECTS)
		return NULL;
	o = &nd->objs[slot];
	if (o->type != type || o->gen != handle >> 32)
		return NULL;
	return o;
}

struct nd_obj *nd_obj_get(struct nd_dev *nd, uint64_t handle,
			  enum nd_obj_type type, int file)
{
	struct nd_obj *o = nd_obj_peek(nd, handle, type);

	return o && o->file == file ? o : NULL;
}

struct nd_obj *nd_obj_new(struct nd_dev *nd, enum nd_obj_type type,
			  int file)
{
	for (unsigned int i = 0; i < ND_MAX_OBJECTS; i++) {
		struct nd_obj *o = &nd->objs[i];
		uint32_t gen;

		if (o->type != NDO_FREE)
			continue;
		gen = o->gen + 1;
		memset(o, 0, sizeof(*o));
		o->gen = gen ? gen : 1;
		o->type = type;
		o->file = file;
		nd->count[type]++;
		nd->created++;
		return o;
	}
	return NULL;
}

void nd_obj_hold(struct nd_obj *o)
{
	o->users++;
}

void nd_obj_release(struct nd_obj *o)
{
	o->users--;
}

void nd_obj_free(struct nd_dev *nd, struct nd_obj *o)
{
	if (o->type == NDO_ADAPTER && o->adapter.uar < nd->io_slots)
		nd->io_used[o->adapter.uar] = 0;
	if (o->type == NDO_CQ) {
		nd_irp_complete(nd, &o->cq.notify, ND_STATUS_CANCELLED, NULL, 0);
		nd_cq_free(o);
	}
	if (o->type == NDO_QP)
		nd_qp_free(nd, o);
	if (o->type == NDO_MR)
		nd_mr_free(nd, o);
	if (o->type == NDO_LISTENER || o->type == NDO_CONNECTOR)
		nd_ep_free(nd, o);
	nd->count[o->type]--;
	nd->freed++;
	o->type = NDO_FREE;
}

/*
 * An adapter and everything made on it: connections first, then QPs and
 * MRs, which hold the CQs and PDs they name
 */
static void adapter_free(struct nd_dev *nd, struct nd_obj *a)
{
	static const enum nd_obj_type order[] = {
		NDO_LISTENER, NDO_CONNECTOR, NDO_QP, NDO_MR, NDO_CQ, NDO_PD,
	};
	uint64_t h = nd_obj_handle(nd, a);

	for (unsigned int t = 0; t < ARRAY_SIZE(order); t++) {
		for (unsigned int i = 0; i < ND_MAX_OBJECTS; i++) {
			struct nd_obj *o = &nd->objs[i];

			if (o->type == order[t] && o->adapter_handle == h)
				nd_obj_free(nd, o);
		}
	}
	nd_obj_free(nd, a);
}

void nd_objects_release_file(struct nd_dev *nd, int file)
{
	for (unsigned int i = 0; i < ND_MAX_OBJECTS; i++) {
		struct nd_obj *o = &nd->objs[i];

		if (o->type == NDO_ADAPTER && o->file == file)
			adapter_free(nd, o);
	}
	/* every object is made on one of the file's adapters: none is left */
}

/* the buffer is exactly @len bytes and starts with version 1 */
bool nd_req_ok(struct nd_req *r, uint32_t len)
{
	uint32_t version;

	memcpy(&version, r->buf, sizeof(version));
	if (r->buf_len != len || version != ND_IOCTL_VERSION) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return false;
	}
	return true;
}

/* an nd_handle request naming an object of @type this file owns */
struct nd_obj *nd_req_obj(struct nd_req *r, uint32_t len,
			  enum nd_obj_type type)
{
	struct nd_handle h;
	struct nd_obj *o;

	if (!nd_req_ok(r, len))
		return NULL;
	memcpy(&h, r->buf, sizeof(h));
	o = nd_obj_get(r->nd, h.handle, type, r->file);
	if (!o)
		r->status = ND_STATUS_INVALID_HANDLE;
	return o;
}

static void adapter_open(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct hvsim *hs = chan_hvsim(nd->ch);
	struct nd_ioctl_open_adapter m;
	struct nd_obj *o;
	unsigned int slot;
	uint64_t uar;
	void *page;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	if (m.in.ce_mapping_cnt != 2 ||
	    m.in.cb_mapping_offset != sizeof(m.in) ||
	    m.in.adapter_id != nd->guest_id) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	for (int i = 0; i < 2; i++) {
		if (m.req.mappings[i].map_type != ND_MAP_IOSPACE ||
		    m.req.mappings[i].io.cb_length != PAGE_SIZE) {
			r->status = ND_STATUS_INVALID_PARAMETER;
			return;
		}
	}
	for (slot = 0; slot < nd->io_slots && nd->io_used[slot]; slot++)
		;
	uar = nd->io_start + (uint64_t)slot * 2 * PAGE_SIZE;
	page = slot < nd->io_slots ? gm_ptr(&hs->gm, uar, 2 * PAGE_SIZE) : NULL;
	o = page ? nd_obj_new(nd, NDO_ADAPTER, r->file) : NULL;
	if (!o) {
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	nd->io_used[slot] = 1;
	o->adapter.uar = slot;
	memset(page, 0, 2 * PAGE_SIZE);

	memset(&m, 0, sizeof(m));
	m.out.handle = nd_obj_handle(nd, o);
	m.out.ce_mapping_results = 2;
	m.out.cb_mapping_results_offset = sizeof(m.in);
	m.resp.mapping_results[ND_MLX4_CONTEXT_UAR].id = slot;
	m.resp.mapping_results[ND_MLX4_CONTEXT_UAR].info = uar;
	m.resp.mapping_results[ND_MLX4_CONTEXT_BF].id = slot;
	m.resp.mapping_results[ND_MLX4_CONTEXT_BF].info = uar + PAGE_SIZE;
	m.resp.max_qp_wr = ND_MAX_QP_WR;
	m.resp.max_sge = ND_MAX_SGE;
	m.resp.max_cqe = ND_MAX_CQE;
	m.resp.cqe_size = ND_CQE_SIZE;
	m.resp.vend_id = ND_VENDOR_ID;
	m.resp.dev_id = ND_DEVICE_ID;
	/* no BlueFlame: bf_reg_size, bf_buf_size 0 */
	m.resp.qp_tab_size = ND_QP_TAB_SIZE;
	memcpy(r->buf, &m, sizeof(m));
	r->status = ND_STATUS_SUCCESS;
}

static void adapter_query(struct nd_req *r)
{
	struct nd_adapter_query q;
	struct nd_adapter_info info = {
		.info_version = ND_VERSION_2,
		.vendor_id = ND_VENDOR_ID,
		.device_id = ND_DEVICE_ID,
		.max_registration_size = (uint64_t)ND_MAX_TRANSFER,
		.max_window_size = (uint64_t)ND_MAX_TRANSFER,
		.max_initiator_sge = ND_MAX_SGE,
		.max_recv_sge = ND_MAX_SGE,
		.max_read_sge = ND_MAX_SGE,
		.max_transfer_length = ND_MAX_TRANSFER,
		.max_inline_data_size = ND_MAX_INLINE,
		.max_inbound_read_limit = ND_MAX_READ_LIMIT,
		.max_outbound_read_limit = ND_MAX_READ_LIMIT,
		.max_recv_q_depth = ND_MAX_QP_WR,
		.max_initiator_q_depth = ND_MAX_QP_WR,
		.max_completion_q_depth = ND_MAX_CQE,
		.max_caller_data = ND_CONNECT_PRIVATE_DATA,
		.max_callee_data = ND_MAX_PRIVATE_DATA,
		.adapter_flags = ND_ADAPTER_FLAG_IN_ORDER_DMA_SUPPORTED |
				 ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED,
	};

	if (!nd_req_ok(r, sizeof(info)))
		return;
	memcpy(&q, r->buf, sizeof(q));
	if (q.info_version != ND_VERSION_2) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	if (!nd_obj_get(r->nd, q.adapter_handle, NDO_ADAPTER, r->file)) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	info.adapter_id = r->nd->guest_id;
	memcpy(r->buf, &info, sizeof(info));
	r->status = ND_STATUS_SUCCESS;
}

/* the bound IPv4 address, the one this adapter has */
static void adapter_addresses(struct nd_req *r)
{
	struct nd_sockaddr_inet a = {
		.family = ND_AF_INET, .addr = r->nd->ip,
	};

	if (!nd_req_obj(r, ND_ADDRESS_LIST_IOCTL_SIZE, NDO_ADAPTER))
		return;
	memset(r->buf, 0, r->buf_len);
	memcpy(r->buf, &a, sizeof(a));
	r->status = ND_STATUS_SUCCESS;
}

static void pd_create(struct nd_req *r)
{
	struct nd_ioctl_pd_create m;
	struct nd_obj *a, *o;

	a = nd_req_obj(r, sizeof(m), NDO_ADAPTER);
	if (!a)
		return;
	o = nd_obj_new(r->nd, NDO_PD, r->file);
	if (!o) {
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	o->adapter_handle = nd_obj_handle(r->nd, a);
	o->pd.pdn = r->nd->next_pdn++ & 0xffffff;
	if (!o->pd.pdn)
		o->pd.pdn = r->nd->next_pdn++;
	memset(&m, 0, sizeof(m));
	m.pd_handle = nd_obj_handle(r->nd, o);
	m.resp.pd_handle = m.pd_handle;
	m.resp.pdn = o->pd.pdn;
	memcpy(r->buf, &m, sizeof(m));
	r->status = ND_STATUS_SUCCESS;
}

/* ADAPTER_CLOSE, PD_FREE, CQ_FREE ...: an nd_handle in, nothing out */
static void obj_close(struct nd_req *r, enum nd_obj_type type)
{
	struct nd_obj *o = nd_req_obj(r, sizeof(struct nd_handle), type);

	if (!o)
		return;
	/* a CQ or PD a QP or MR still names is in use (mlx4: -EBUSY) */
	if (o->users) {
		r->status = ND_STATUS_DEVICE_BUSY;
		return;
	}
	if (type == NDO_ADAPTER)
		adapter_free(r->nd, o);
	else
		nd_obj_free(r->nd, o);
	r->status = ND_STATUS_SUCCESS;
}

bool nd_objects_ioctl(struct nd_req *r)
{
	switch (r->code) {
	case IOCTL_ND_ADAPTER_OPEN:
		adapter_open(r);
		return true;
	case IOCTL_ND_ADAPTER_QUERY:
		adapter_query(r);
		return true;
	case IOCTL_ND_ADAPTER_QUERY_ADDRESS_LIST:
		adapter_addresses(r);
		return true;
	case IOCTL_ND_ADAPTER_CLOSE:
		obj_close(r, NDO_ADAPTER);
		return true;
	case IOCTL_ND_PD_CREATE:
		pd_create(r);
		return true;
	case IOCTL_ND_PD_FREE:
		obj_close(r, NDO_PD);
		return true;
	case IOCTL_ND_CQ_CREATE:
		nd_cq_create(r);
		return true;
	case IOCTL_ND_CQ_FREE:
		obj_close(r, NDO_CQ);
		return true;
	case IOCTL_ND_QP_CREATE:
		nd_qp_create(r);
		return true;
	case IOCTL_ND_QP_FLUSH:
		nd_qp_flush(r);
		return true;
	case IOCTL_ND_QP_FREE:
		obj_close(r, NDO_QP);
		return true;
	case IOCTL_ND_MR_CREATE:
		nd_mr_create(r);
		return true;
	case IOCTL_ND_MR_REGISTER:
		nd_mr_register(r);
		return true;
	case IOCTL_ND_MR_DEREGISTER:
		nd_mr_deregister(r);
		return true;
	case IOCTL_ND_MR_FREE:
		obj_close(r, NDO_MR);
		return true;
	case IOCTL_ND_CQ_NOTIFY:
		nd_cq_notify(r);
		return true;
	case IOCTL_ND_CQ_CANCEL_IO:
		nd_cq_cancel(r);
		return true;
	case IOCTL_ND_LISTENER_FREE:
		obj_close(r, NDO_LISTENER);
		return true;
	case IOCTL_ND_CONNECTOR_FREE:
		obj_close(r, NDO_CONNECTOR);
		return true;
	}
	return false;
}

void nd_objects_print(struct ctl_conn *c, const struct nd_dev *nd)
{
	for (int t = NDO_FREE + 1; t < NDO_TYPES; t++)
		ctl_printf(c, "nd.%s=%llu", nd_obj_type_name(t),
			   (unsigned long long)nd->count[t]);
	ctl_printf(c, "nd.objects_created=%llu",
		   (unsigned long long)nd->created);
	ctl_printf(c, "nd.objects_freed=%llu", (unsigned long long)nd->freed);
	ctl_printf(c, "nd.completes=%llu", (unsigned long long)nd->completes);
	ctl_printf(c, "nd.connections=%llu",
		   (unsigned long long)nd->connections);
	ctl_printf(c, "nd.rejects=%llu", (unsigned long long)nd->rejects);
	ctl_printf(c, "nd.disconnects=%llu",
		   (unsigned long long)nd->disconnects);
	ctl_printf(c, "nd.wqes=%llu", (unsigned long long)nd->wqes);
	ctl_printf(c, "nd.bytes=%llu", (unsigned long long)nd->bytes);
	ctl_printf(c, "nd.cqes=%llu", (unsigned long long)nd->cqes);
	ctl_printf(c, "nd.cq_events=%llu", (unsigned long long)nd->cq_events);
	ctl_printf(c, "nd.cq_overflows=%llu",
		   (unsigned long long)nd->cq_overflows);
	ctl_printf(c, "nd.wqes_bad=%llu", (unsigned long long)nd->wqes_bad);
	ctl_printf(c, "nd.wqe_errors=%llu", (unsigned long long)nd->wqe_errors);
}
