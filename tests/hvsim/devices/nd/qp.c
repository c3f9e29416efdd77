// SPDX-License-Identifier: GPL-2.0-only
/*
 * Queue pairs of the ND host's mlx4 model: QP_CREATE, QP_FLUSH, QP_FREE.
 *
 * The guest names its work-queue buffer and its 4-byte receive doorbell
 * record, as a mapping each and a GPA range each in the extended data
 * (LIS vmbus_rdma.c, hvnd_create_qp(); mx_abi.h).  The buffer holds the
 * receive queue and the send queue, the one with the larger stride
 * first, as libmlx4 lays them out (rdma-core v44 providers/mlx4/qp.c,
 * mlx4_alloc_qp_buf()); the sizes are checked as mlx4 checks a user QP
 * (Linux 6.12 drivers/infiniband/hw/mlx4/qp.c, set_rq_size(),
 * set_user_sq_size()): receive depth and SGEs powers of two, a send
 * stride of 64 bytes to 1 KiB, the buffer exactly their sum.
 *
 * QP numbers are unique modulo the context's qp_tab_size (libmlx4 finds
 * a CQE's QP by qpn & (qp_tab_size - 1)), never 0, never with mlx4's XRC
 * bit (23).
 */
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

static uint32_t ilog2_u32(uint32_t v)
{
	uint32_t l = 0;

	while (v >>= 1)
		l++;
	return l;
}

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* a QP number no live QP has, modulo the table size */
static uint32_t qpn_alloc(struct nd_dev *nd)
{
	for (uint32_t tries = 0; tries < ND_QP_TAB_SIZE; tries++) {
		uint32_t qpn = nd->next_qpn++ % ND_QP_TAB_SIZE;
		bool used = false;

		if (!qpn)
			continue;
		for (unsigned int i = 0; i < ND_MAX_OBJECTS && !used; i++)
			used = nd->objs[i].type == NDO_QP &&
			       nd->objs[i].qp.qpn % ND_QP_TAB_SIZE == qpn;
		if (!used)
			return qpn;
	}
	return 0;
}

/* an object of @type the file owns, on @adapter */
static struct nd_obj *sibling(struct nd_req *r, uint64_t handle,
			      enum nd_obj_type type, uint64_t adapter)
{
	struct nd_obj *o = nd_obj_get(r->nd, handle, type, r->file);

	return o && o->adapter_handle == adapter ? o : NULL;
}

void nd_qp_create(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct nd_ioctl_create_qp m;
	const struct nd_mapping *map;
	struct nd_obj tmp = { 0 }, *o, *pd, *rcq, *scq;
	uint32_t rq_cnt, rq_sge, sq_cnt, sq_shift, rq_shift, qpn;
	uint64_t size;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	map = m.req.mappings;
	rq_cnt = m.in.receive_queue_depth;
	rq_sge = m.in.max_receive_request_sge;
	sq_shift = m.req.log_sq_stride;
	sq_cnt = m.req.log_sq_bb_count <= 16 ? 1u << m.req.log_sq_bb_count : 0;
	if (m.in.ce_mapping_cnt != ND_MLX4_QP_MAPPINGS ||
	    m.in.cb_mapping_offset != sizeof(m.in) ||
	    !pow2(rq_cnt) || rq_cnt > ND_MAX_QP_WR ||
	    !pow2(rq_sge) || rq_sge > ND_MAX_SGE ||
	    m.in.max_initiator_request_sge > ND_MAX_SGE ||
	    m.in.initiator_queue_depth > ND_MAX_QP_WR ||
	    m.in.cb_max_inline_data > ND_MAX_INLINE ||
	    sq_shift < 6 || sq_shift > 10 || !sq_cnt ||
	    sq_cnt < m.in.initiator_queue_depth || m.req.sq_no_prefetch ||
	    !nd_ext_count_ok(r, ND_MLX4_QP_MAPPINGS)) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	rq_shift = ilog2_u32(rq_sge * 16);
	size = ((uint64_t)rq_cnt << rq_shift) + ((uint64_t)sq_cnt << sq_shift);
	if (map[ND_MLX4_QP_BUF].map_type != ND_MAP_MEMORY ||
	    map[ND_MLX4_QP_BUF].mem.cb_length != size ||
	    map[ND_MLX4_QP_DB].map_type != ND_MAP_MEMORY_COALLESCE ||
	    map[ND_MLX4_QP_DB].mem.cb_length != 4) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	pd = nd_obj_get(nd, m.in.pd_handle, NDO_PD, r->file);
	if (!pd) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	rcq = sibling(r, m.in.receive_cq_handle, NDO_CQ, pd->adapter_handle);
	scq = sibling(r, m.in.initiator_cq_handle, NDO_CQ, pd->adapter_handle);
	if (!rcq || !scq) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (nd_ext_range(r, 2, ND_MLX4_QP_BUF, (uint32_t)size, &tmp.qp.buf) ||
	    nd_ext_range(r, 2, ND_MLX4_QP_DB, 4, &tmp.qp.db)) {
		nd_range_free(&tmp.qp.buf);
		nd_range_free(&tmp.qp.db);
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	qpn = qpn_alloc(nd);
	o = qpn ? nd_obj_new(nd, NDO_QP, r->file) : NULL;
	if (!o) {
		nd_range_free(&tmp.qp.buf);
		nd_range_free(&tmp.qp.db);
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	o->adapter_handle = pd->adapter_handle;
	o->qp = tmp.qp;
	o->qp.pd = pd;
	o->qp.rcq = rcq;
	o->qp.scq = scq;
	nd_obj_hold(pd);
	nd_obj_hold(rcq);
	nd_obj_hold(scq);
	o->qp.qpn = qpn;
	o->qp.state = ND_QPS_INIT;
	o->qp.rq_cnt = rq_cnt;
	o->qp.rq_shift = rq_shift;
	o->qp.sq_cnt = sq_cnt;
	o->qp.sq_shift = sq_shift;
	o->qp.max_inline = m.in.cb_max_inline_data;
	/* the queue with the larger stride comes first */
	if (rq_shift > sq_shift) {
		o->qp.rq_off = 0;
		o->qp.sq_off = (uint64_t)rq_cnt << rq_shift;
	} else {
		o->qp.sq_off = 0;
		o->qp.rq_off = (uint64_t)sq_cnt << sq_shift;
	}

	memset(&m, 0, sizeof(m));
	m.out.handle = nd_obj_handle(nd, o);
	m.out.ce_mapping_results = ND_MLX4_QP_MAPPINGS;
	m.out.cb_mapping_results_offset = sizeof(m.in);
	m.resp.qp_handle = m.out.handle;
	m.resp.qpn = qpn;
	m.resp.max_send_wr = sq_cnt;
	m.resp.max_recv_wr = rq_cnt;
	m.resp.max_send_sge = ND_MAX_SGE;
	m.resp.max_recv_sge = rq_sge;
	m.resp.max_inline_data = o->qp.max_inline;
	memcpy(r->buf, &m, sizeof(m));
	r->status = ND_STATUS_SUCCESS;
}

/* QP_FLUSH: to the error state; the state is answered */
void nd_qp_flush(struct nd_req *r)
{
	struct nd_ioctl_flush_qp m;
	struct nd_obj *o;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	o = nd_obj_get(r->nd, m.in.handle, NDO_QP, r->file);
	if (!o) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	nd_qp_to_error(r->nd, o);
	m.state = o->qp.state;
	memcpy(r->buf, &m, sizeof(m));
	r->status = ND_STATUS_SUCCESS;
}

/* an accepted connection: the two QPs tied together, both ready to send */
void nd_qp_connect(struct nd_dev *nd, struct nd_obj *a, struct nd_obj *b)
{
	a->qp.peer = nd_obj_handle(nd, b);
	b->qp.peer = nd_obj_handle(nd, a);
	a->qp.connected = true;
	b->qp.connected = true;
	a->qp.state = ND_QPS_RTS;
	b->qp.state = ND_QPS_RTS;
	nd_hca_start(nd);
}

/*
 * A connection accepted with a QP on another host (fabric.c): the WQEs go
 * there by way of the connectors, ours @conn and its @remote_conn
 */
void nd_qp_connect_remote(struct nd_dev *nd, struct nd_obj *qp, uint64_t conn,
			  uint32_t ip, uint64_t remote_conn)
{
	qp->qp.remote = true;
	qp->qp.remote_ip = ip;
	qp->qp.conn = conn;
	qp->qp.remote_conn = remote_conn;
	qp->qp.connected = true;
	qp->qp.state = ND_QPS_RTS;
	nd_hca_start(nd);
}

/* the error state: no more work moves, and the link to the peer goes */
void nd_qp_to_error(struct nd_dev *nd, struct nd_obj *qp)
{
	(void)nd;
	qp->qp.state = ND_QPS_ERR;
	qp->qp.peer = 0;
	/* a WQE in flight on the fabric is flushed with the rest */
	free(qp->qp.inflight);
	qp->qp.inflight = NULL;
}

void nd_qp_free(struct nd_dev *nd, struct nd_obj *o)
{
	struct nd_obj *peer = nd_obj_peek(nd, o->qp.peer, NDO_QP);

	/* the peer of a QP freed while connected goes to the error state */
	if (peer)
		nd_qp_to_error(nd, peer);
	free(o->qp.inflight);
	o->qp.inflight = NULL;
	nd_obj_release(o->qp.pd);
	nd_obj_release(o->qp.rcq);
	nd_obj_release(o->qp.scq);
	nd_range_free(&o->qp.buf);
	nd_range_free(&o->qp.db);
}
