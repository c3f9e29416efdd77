// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data path of the ND host's mlx4 model: what a ConnectX-3 does with
 * the queues libmlx4 writes in guest memory (formats: rdma-core v44
 * providers/mlx4/mlx4dv.h, qp.c, cq.c).
 *
 * The send doorbell carries only the QP number, so the model polls
 * instead: every tick (1 ms while a connection is up) each connected QP's
 * send queue is read at the host's own counter, and a WQE is the
 * adapter's when its owner bit is that counter's pass parity (libmlx4
 * sets every owner bit on RESET->INIT and flips it as it posts).  SEND,
 * SEND_IMM, RDMA_WRITE(_IMM) and RDMA_READ move bytes between registered
 * regions of the two QPs of a connection (keys, PDs, bounds and access
 * rights checked as the HCA checks them); a SEND or WRITE_IMM takes the
 * peer's next receive WQE (its doorbell record says how many are
 * posted), and waits while there is none (RNR).  Completions are 32-byte
 * CQEs, body first, then the owner byte, at the CQ's producer count;
 * a CQ armed through its doorbell record (libmlx4's arm word) fires its
 * pending CQ_NOTIFY.  A QP in the error state flushes what is queued:
 * one WR_FLUSH error CQE per WQE.
 *
 * Everything read from guest memory is checked: a bad WQE (size, opcode,
 * segment, key) fails that WQE with an error CQE and moves the QP to the
 * error state, as the HCA does, and is counted.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

/* mlx4 WQE and CQE opcodes and flags (mlx4dv.h) */
#define OP_NOP			0x00
#define OP_RDMA_WRITE		0x08
#define OP_RDMA_WRITE_IMM	0x09
#define OP_SEND			0x0a
#define OP_SEND_IMM		0x0b
#define OP_RDMA_READ		0x10
#define RECV_OP_RDMA_WRITE_IMM	0x00
#define RECV_OP_SEND		0x01
#define RECV_OP_SEND_IMM	0x02
#define CQE_OP_ERROR		0x1e
#define CQE_OWNER		0x80
#define CQE_IS_SEND		0x40
#define CTRL_CQ_UPDATE		0x0c
#define INLINE_SEG		0x80000000u
#define SYND_LOCAL_LENGTH	0x01
#define SYND_LOCAL_QP_OP	0x02
#define SYND_LOCAL_PROT		0x04
#define SYND_WR_FLUSH		0x05
#define SYND_REMOTE_ACCESS	0x13
#define SYND_REMOTE_OP		0x14
#define CQ_DB_REQ_NOT_SOL	(1u << 24)
#define CQ_DB_REQ_NOT		(2u << 24)
/* ND_MR_FLAG_ALLOW_REMOTE_WRITE without the local write it implies */
#define MR_REMOTE_WRITE		0x4

/* the largest message one WQE moves */
#define MAX_MSG			(16u << 20)
#define TICK_NS			1000000ull

struct sge {
	uint32_t len, lkey;
	uint64_t addr;
};

/* a parsed send WQE */
struct wqe {
	uint32_t opcode;
	bool signaled, solicited;
	uint32_t imm;			/* raw (big-endian) */
	uint64_t raddr;
	uint32_t rkey;
	uint32_t nsge;
	struct sge sge[ND_MAX_SGE];
	uint8_t *inl;			/* inline data, or NULL */
	uint32_t inl_len;
};

static struct hvsim *hs_of(struct nd_dev *nd)
{
	return chan_hvsim(nd->ch);
}

/* ---- memory regions ---------------------------------------------------- */

/*
 * The region @key names, if @pd's, registered, allowing @flags, and
 * holding [addr, addr + len); its offset for gpa_pages_*() in *@off
 */
static struct nd_obj *mr_lookup(struct nd_dev *nd, uint32_t key,
				const struct nd_obj *pd, uint32_t flags,
				uint64_t addr, uint64_t len, uint64_t *off)
{
	uint64_t slot = (key >> 8) - 1;
	struct nd_obj *o;

	if ((key >> 8) == 0 || slot >= ND_MAX_OBJECTS)
		return NULL;
	o = &nd->objs[slot];
	if (o->type != NDO_MR || !o->mr.registered || o->mr.pd != pd ||
	    (key & 0xff) != (0x80 | (o->gen & 0x7f)) ||
	    (o->mr.flags & flags) != flags || addr < o->mr.iova ||
	    len > o->mr.length || addr - o->mr.iova > o->mr.length - len)
		return NULL;
	*off = addr - o->mr.iova;
	return o;
}

/* gather @w's local data into @buf; false: a bad key (LOCAL_PROT) */
static bool gather(struct nd_dev *nd, const struct nd_obj *qp,
		   const struct wqe *w, uint8_t *buf)
{
	uint32_t at = 0;
	uint64_t off;

	if (w->inl) {
		memcpy(buf, w->inl, w->inl_len);
		return true;
	}
	for (uint32_t i = 0; i < w->nsge; i++) {
		const struct sge *s = &w->sge[i];
		struct nd_obj *mr;

		if (!s->len)
			continue;
		mr = mr_lookup(nd, s->lkey, qp->qp.pd, 0, s->addr, s->len, &off);
		if (!mr || gpa_pages_read(hs_of(nd), &mr->mr.pages, off,
					  buf + at, s->len))
			return false;
		at += s->len;
	}
	return true;
}

/* scatter @len bytes of @buf over @sge (local, needs LOCAL_WRITE) */
static bool scatter(struct nd_dev *nd, const struct nd_obj *pd,
		    const struct sge *sge, uint32_t n, const uint8_t *buf,
		    uint32_t len)
{
	uint32_t at = 0;
	uint64_t off;

	for (uint32_t i = 0; i < n && at < len; i++) {
		uint32_t chunk = sge[i].len < len - at ? sge[i].len : len - at;
		struct nd_obj *mr;

		if (!chunk)
			continue;
		mr = mr_lookup(nd, sge[i].lkey, pd, ND_MR_FLAG_ALLOW_LOCAL_WRITE,
			       sge[i].addr, chunk, &off);
		if (!mr || gpa_pages_write(hs_of(nd), &mr->mr.pages, off,
					   buf + at, chunk))
			return false;
		at += chunk;
	}
	return at == len;
}

/* ---- completions ---------------------------------------------------------- */

struct cqe {
	uint32_t my_qpn;
	uint32_t imm;
	uint32_t rqpn;
	uint16_t sl_vid, rlid;
	uint32_t status;
	uint32_t byte_cnt;
	uint16_t wqe_index;
	uint16_t checksum;
	uint8_t reserved, ts_15_8, ts_7_0;
	uint8_t owner_sr_opcode;
};

_Static_assert(sizeof(struct cqe) == 32, "mlx4_cqe is 32 bytes");

/* fire the CQ's event if it is armed for this completion */
static void cq_event(struct nd_dev *nd, struct nd_obj *cq, bool solicited)
{
	if (!cq->cq.armed ||
	    (cq->cq.armed == CQ_DB_REQ_NOT_SOL && !solicited))
		return;
	cq->cq.armed = 0;
	if (cq->cq.notify.id)
		nd_irp_complete(nd, &cq->cq.notify, ND_STATUS_SUCCESS, NULL, 0);
	else
		cq->cq.fire = true;
	nd->cq_events++;
}

/*
 * Write a CQE at the CQ's producer count: the body, then the owner byte.
 * False if the CQ is full (the consumer index in its doorbell record is
 * a whole ring behind): the CQE is lost, as on the HCA, and counted.
 */
static bool cqe_put(struct nd_dev *nd, struct nd_obj *cq, struct cqe *e,
		    uint8_t op, bool send, bool solicited)
{
	struct hvsim *hs = hs_of(nd);
	uint32_t ci_be = 0, ci;
	uint64_t at;
	uint8_t owner;

	gpa_pages_read(hs, &cq->cq.db, 0, &ci_be, sizeof(ci_be));
	ci = ntohl(ci_be) & 0xffffff;
	if (((cq->cq.pi - ci) & 0xffffff) >= cq->cq.nent) {
		nd->cq_overflows++;
		return false;
	}
	at = (uint64_t)(cq->cq.pi & (cq->cq.nent - 1)) * ND_CQE_SIZE;
	owner = (cq->cq.pi & cq->cq.nent) ? CQE_OWNER : 0;
	e->owner_sr_opcode = 0;
	gpa_pages_write(hs, &cq->cq.buf, at, e, sizeof(*e) - 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	owner |= (send ? CQE_IS_SEND : 0) | op;
	gpa_pages_write(hs, &cq->cq.buf, at + sizeof(*e) - 1, &owner, 1);
	cq->cq.pi++;
	nd->cqes++;
	cq_event(nd, cq, solicited);
	return true;
}

static void cqe_send(struct nd_dev *nd, struct nd_obj *qp, uint32_t index,
		     uint8_t op, uint32_t len)
{
	struct cqe e = { 0 };

	e.my_qpn = htonl(qp->qp.qpn);
	e.byte_cnt = htonl(len);
	e.wqe_index = htons((uint16_t)index);
	cqe_put(nd, qp->qp.scq, &e, op, true, false);
}

static void cqe_recv(struct nd_dev *nd, struct nd_obj *qp, uint32_t rqpn,
		     uint32_t index, uint8_t op, uint32_t len, uint32_t imm,
		     bool solicited)
{
	struct cqe e = { 0 };

	e.my_qpn = htonl(qp->qp.qpn);
	e.imm = imm;
	e.rqpn = htonl(rqpn);
	e.byte_cnt = htonl(len);
	e.wqe_index = htons((uint16_t)index);
	cqe_put(nd, qp->qp.rcq, &e, op, false, solicited);
}

/* struct mlx4_err_cqe: syndrome at 27, wqe_index at 24 */
static void cqe_error(struct nd_dev *nd, struct nd_obj *qp, bool send,
		      uint32_t index, uint8_t syndrome)
{
	struct cqe e = { 0 };
	uint8_t *raw = (uint8_t *)&e;

	e.my_qpn = htonl(qp->qp.qpn);
	e.wqe_index = htons((uint16_t)index);
	raw[27] = syndrome;
	cqe_put(nd, send ? qp->qp.scq : qp->qp.rcq, &e, CQE_OP_ERROR, send,
		false);
	if (syndrome != SYND_WR_FLUSH)
		nd->wqe_errors++;
}

/* ---- work queues ----------------------------------------------------- */

/* the SQ WQE at the host's counter, if the guest handed it over */
static bool sq_next(struct nd_dev *nd, struct nd_obj *qp, uint8_t *raw,
		    uint32_t *size)
{
	uint32_t stride = 1u << qp->qp.sq_shift, ctrl, ds;
	uint64_t at = qp->qp.sq_off +
		      ((uint64_t)(qp->qp.sq_head & (qp->qp.sq_cnt - 1)) <<
		       qp->qp.sq_shift);

	if (gpa_pages_read(hs_of(nd), &qp->qp.buf, at, &ctrl, sizeof(ctrl)))
		return false;
	ctrl = ntohl(ctrl);
	if ((ctrl >> 31) != ((qp->qp.sq_head / qp->qp.sq_cnt) & 1))
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	gpa_pages_read(hs_of(nd), &qp->qp.buf, at, raw, stride);
	ds = raw[7] & 0x3f;
	*size = ds * 16 <= stride ? ds * 16 : 0;
	return true;
}

/* parse a send WQE of @size bytes; false: malformed */
static bool wqe_parse(const uint8_t *raw, uint32_t size, struct wqe *w)
{
	uint32_t ctrl, flags, at = 16;

	memset(w, 0, sizeof(*w));
	if (size < 16)
		return false;
	memcpy(&ctrl, raw, 4);
	memcpy(&flags, raw + 8, 4);
	memcpy(&w->imm, raw + 12, 4);
	ctrl = ntohl(ctrl);
	flags = ntohl(flags);
	w->opcode = ctrl & 0x1f;
	w->signaled = (flags & CTRL_CQ_UPDATE) == CTRL_CQ_UPDATE;
	w->solicited = flags & 0x2;
	switch (w->opcode) {
	case OP_RDMA_WRITE:
	case OP_RDMA_WRITE_IMM:
	case OP_RDMA_READ: {
		uint64_t raddr;
		uint32_t rkey;

		if (size < at + 16)
			return false;
		memcpy(&raddr, raw + at, 8);
		memcpy(&rkey, raw + at + 8, 4);
		w->raddr = be64toh(raddr);
		w->rkey = ntohl(rkey);
		at += 16;
		break;
	}
	case OP_SEND:
	case OP_SEND_IMM:
	case OP_NOP:
		break;
	default:
		return false;
	}
	while (at + 4 <= size) {
		uint32_t bc;

		memcpy(&bc, raw + at, 4);
		bc = ntohl(bc);
		if (bc == 0xffffffff)		/* stamped: the end */
			break;
		if (bc & INLINE_SEG && (bc & 0x7fffffff) &&
		    w->opcode != OP_RDMA_READ) {
			/* inline chunks: never across a 64-byte boundary */
			static uint8_t inl[1024];
			uint32_t len = bc & 0x7fffffff;

			if (w->nsge || at + 4 + len > size ||
			    w->inl_len + len > sizeof(inl) ||
			    (at % 64) + 4 + len > 64)
				return false;
			memcpy(inl + w->inl_len, raw + at + 4, len);
			w->inl = inl;
			w->inl_len += len;
			at = (at + 4 + len + 15) & ~15u;
			continue;
		}
		if (w->inl || at % 16 || at + 16 > size ||
		    w->nsge == ND_MAX_SGE)
			return false;
		{
			struct sge *s = &w->sge[w->nsge++];
			uint64_t addr;

			memcpy(&s->lkey, raw + at + 4, 4);
			memcpy(&addr, raw + at + 8, 8);
			/* 0x80000000: a zero-length SGE (qp.c) */
			s->len = bc == INLINE_SEG ? 0 : bc;
			s->lkey = ntohl(s->lkey);
			s->addr = be64toh(addr);
		}
		at += 16;
	}
	return true;
}

/* the peer's next posted receive WQE: its scatter list; false if none */
static bool rq_take(struct nd_dev *nd, struct nd_obj *qp, struct sge *sge,
		    uint32_t *n, uint32_t *index)
{
	uint32_t db = 0, max = 1u << (qp->qp.rq_shift - 4);
	uint64_t at;

	gpa_pages_read(hs_of(nd), &qp->qp.db, 0, &db, sizeof(db));
	if (((ntohl(db) - qp->qp.rq_head) & 0xffff) == 0)
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	at = qp->qp.rq_off + ((uint64_t)(qp->qp.rq_head & (qp->qp.rq_cnt - 1))
			      << qp->qp.rq_shift);
	*n = 0;
	for (uint32_t i = 0; i < max; i++) {
		uint8_t seg[16];
		uint32_t bc, lkey;
		uint64_t addr;

		gpa_pages_read(hs_of(nd), &qp->qp.buf, at + i * 16, seg, 16);
		memcpy(&bc, seg, 4);
		memcpy(&lkey, seg + 4, 4);
		memcpy(&addr, seg + 8, 8);
		if (ntohl(lkey) == ND_MLX4_INVALID_LKEY)
			break;
		sge[*n].len = ntohl(bc);
		sge[*n].lkey = ntohl(lkey);
		sge[*n].addr = be64toh(addr);
		(*n)++;
	}
	*index = qp->qp.rq_head++;
	return true;
}

static uint32_t msg_len(const struct wqe *w)
{
	uint64_t len = w->inl_len;

	for (uint32_t i = 0; i < w->nsge; i++)
		len += w->sge[i].len;
	return len > MAX_MSG ? MAX_MSG + 1 : (uint32_t)len;
}

/*
 * The receiving QP's half of a SEND, SEND_IMM or RDMA WRITE(_IMM) of
 * @buf, @len bytes, from the QP numbered @src_qpn: 1 done, 0 not ready
 * (no receive posted: the sender tries again), a negative syndrome.
 */
static int deliver(struct nd_dev *nd, struct nd_obj *peer, uint32_t src_qpn,
		   const struct nd_xfer *x, const uint8_t *buf, uint32_t len)
{
	struct sge rsge[ND_MAX_SGE];
	uint32_t rn, rindex;
	struct nd_obj *mr;
	uint64_t off;

	if (peer->qp.state != ND_QPS_RTS)
		return -SYND_REMOTE_OP;
	switch (x->opcode) {
	case OP_RDMA_WRITE:
	case OP_RDMA_WRITE_IMM:
		mr = mr_lookup(nd, x->rkey, peer->qp.pd, MR_REMOTE_WRITE,
			       x->raddr, len, &off);
		if (!mr || gpa_pages_write(hs_of(nd), &mr->mr.pages, off, buf,
					   len))
			return -SYND_REMOTE_ACCESS;
		if (x->opcode == OP_RDMA_WRITE)
			return 1;
		if (!rq_take(nd, peer, rsge, &rn, &rindex))
			return 0;
		cqe_recv(nd, peer, src_qpn, rindex, RECV_OP_RDMA_WRITE_IMM,
			 len, x->imm, x->solicited);
		return 1;
	case OP_SEND:
	case OP_SEND_IMM:
		if (!rq_take(nd, peer, rsge, &rn, &rindex))
			return 0;
		if (!scatter(nd, peer->qp.pd, rsge, rn, buf, len)) {
			cqe_error(nd, peer, false, rindex, SYND_LOCAL_LENGTH);
			return -SYND_REMOTE_OP;
		}
		cqe_recv(nd, peer, src_qpn, rindex,
			 x->opcode == OP_SEND ? RECV_OP_SEND : RECV_OP_SEND_IMM,
			 len, x->opcode == OP_SEND ? 0 : x->imm, x->solicited);
		return 1;
	}
	return -SYND_REMOTE_OP;
}

/* the responder's half of an RDMA READ: @len bytes of its region */
static int read_peer(struct nd_dev *nd, struct nd_obj *peer, uint32_t rkey,
		     uint64_t raddr, uint32_t len, uint8_t *buf)
{
	struct nd_obj *mr;
	uint64_t off;

	if (peer->qp.state != ND_QPS_RTS)
		return -SYND_REMOTE_OP;
	mr = mr_lookup(nd, rkey, peer->qp.pd, ND_MR_FLAG_ALLOW_REMOTE_READ,
		       raddr, len, &off);
	if (!mr || gpa_pages_read(hs_of(nd), &mr->mr.pages, off, buf, len))
		return -SYND_REMOTE_ACCESS;
	return 1;
}

static struct nd_xfer xfer_of(const struct nd_obj *qp, const struct wqe *w,
			      uint32_t len)
{
	struct nd_xfer x = {
		.seq = qp->qp.sq_head, .len = len, .rkey = w->rkey,
		.imm = w->imm, .raddr = w->raddr, .opcode = (uint8_t)w->opcode,
		.solicited = w->solicited,
	};

	return x;
}

/*
 * Execute the WQE @w of @qp towards @peer.  1: done; 0: wait (no
 * receive posted yet); a negative syndrome: failed.
 */
static int wqe_run(struct nd_dev *nd, struct nd_obj *qp, struct nd_obj *peer,
		   const struct wqe *w, uint32_t *len)
{
	struct nd_xfer x;
	uint8_t *buf;
	int ret;

	*len = msg_len(w);
	if (*len > MAX_MSG)
		return -SYND_LOCAL_LENGTH;
	if (w->opcode == OP_NOP)
		return 1;
	buf = malloc(*len ? *len : 1);
	if (!buf)
		return 0;
	x = xfer_of(qp, w, *len);
	if (w->opcode == OP_RDMA_READ) {
		ret = read_peer(nd, peer, w->rkey, w->raddr, *len, buf);
		if (ret == 1 && !scatter(nd, qp->qp.pd, w->sge, w->nsge, buf,
					 *len))
			ret = -SYND_LOCAL_PROT;
	} else if (!gather(nd, qp, w, buf)) {
		ret = -SYND_LOCAL_PROT;
	} else {
		ret = deliver(nd, peer, qp->qp.qpn, &x, buf, *len);
	}
	free(buf);
	return ret;
}

/* ---- a peer on another host (fabric.c) ------------------------------- */

/* the WQE in flight and what it moves */
struct inflight {
	struct wqe w;
	uint32_t len;
};

/*
 * Start the WQE at the head of a remote QP's send queue: a SEND or WRITE
 * goes with the bytes, a READ as a request.  It completes when the other
 * host answers (nd_hca_remote_done()).  -1: a local error, completed.
 */
static int remote_start(struct nd_dev *nd, struct nd_obj *qp,
			const struct wqe *w)
{
	struct inflight *f;
	struct nd_xfer x;
	uint32_t len = msg_len(w);
	uint8_t *buf = NULL;
	int ret;

	if (len > MAX_MSG)
		return -SYND_LOCAL_LENGTH;
	f = malloc(sizeof(*f));
	if (!f)
		return 0;
	f->w = *w;
	f->w.inl = NULL;	/* in the caller's copy of the WQE only */
	f->len = len;
	x = xfer_of(qp, w, len);
	if (w->opcode == OP_RDMA_READ) {
		ret = nd_fabric_read(nd, qp, &x);
	} else {
		buf = malloc(len ? len : 1);
		if (!buf) {
			free(f);
			return 0;
		}
		if (!gather(nd, qp, w, buf)) {
			free(buf);
			free(f);
			return -SYND_LOCAL_PROT;
		}
		ret = nd_fabric_xfer(nd, qp, &x, buf);
	}
	free(buf);
	if (ret) {
		free(f);
		return -SYND_WR_FLUSH;
	}
	qp->qp.inflight = f;
	return 1;
}

static bool qp_send_remote(struct nd_dev *nd, struct nd_obj *qp);

/* the other host's answer to the WQE in flight */
void nd_hca_remote_done(struct nd_dev *nd, struct nd_obj *qp, uint32_t seq,
			int result, const uint8_t *buf, uint32_t len)
{
	struct inflight *f = qp->qp.inflight;

	if (!f || qp->qp.state != ND_QPS_RTS) {
		nd->fabric_stale++;	/* flushed meanwhile */
		return;
	}
	if (seq != qp->qp.sq_head) {
		nd->fabric_bad++;
		return;
	}
	qp->qp.inflight = NULL;
	if (result == 0) {
		/* receiver not ready: the same WQE again, a tick later */
		qp->qp.retry_ns = now_ns() + TICK_NS;
		free(f);
		return;
	}
	if (result == 1 && f->w.opcode == OP_RDMA_READ &&
	    (len != f->len || !scatter(nd, qp->qp.pd, f->w.sge, f->w.nsge,
				       buf, len)))
		result = -SYND_LOCAL_PROT;
	if (result < 0) {
		/* the responder's errors are these two; the rest is ours */
		if (result != -SYND_REMOTE_ACCESS && result != -SYND_LOCAL_PROT)
			result = -SYND_REMOTE_OP;
		cqe_error(nd, qp, true, qp->qp.sq_head, (uint8_t)-result);
		qp->qp.sq_head++;
		nd_qp_to_error(nd, qp);
		free(f);
		return;
	}
	if (f->w.signaled)
		cqe_send(nd, qp, qp->qp.sq_head, (uint8_t)f->w.opcode,
			 f->w.opcode == OP_RDMA_READ ? f->len : 0);
	qp->qp.sq_head++;
	nd->wqes++;
	nd->bytes += f->len;
	free(f);
	/* the next one at once, not a tick later */
	qp_send_remote(nd, qp);
	nd_hca_start(nd);
}

int nd_hca_deliver(struct nd_dev *nd, struct nd_obj *qp,
		   const struct nd_rx *rx, const uint8_t *buf)
{
	struct nd_xfer x = {
		.rkey = rx->rkey, .imm = rx->imm, .raddr = rx->raddr,
		.opcode = rx->opcode, .solicited = rx->solicited,
	};

	return deliver(nd, qp, rx->src_qpn, &x, buf, rx->total);
}

int nd_hca_read_for_peer(struct nd_dev *nd, struct nd_obj *qp, uint32_t rkey,
			 uint64_t raddr, uint32_t len, uint8_t *buf)
{
	return read_peer(nd, qp, rkey, raddr, len, buf);
}

/* work the SQ of a QP whose peer is on another host: one WQE at a time */
static bool qp_send_remote(struct nd_dev *nd, struct nd_obj *qp)
{
	uint8_t raw[1024];
	uint32_t size;
	struct wqe w;
	int ret;

	if (qp->qp.inflight || now_ns() < qp->qp.retry_ns ||
	    !sq_next(nd, qp, raw, &size))
		return false;
	if (!size || !wqe_parse(raw, size, &w)) {
		nd->wqes_bad++;
		ret = -SYND_LOCAL_QP_OP;
	} else if (w.opcode != OP_NOP) {
		ret = remote_start(nd, qp, &w);
	} else {
		if (w.signaled)
			cqe_send(nd, qp, qp->qp.sq_head, OP_NOP, 0);
		qp->qp.sq_head++;
		ret = 1;
	}
	if (ret < 0) {
		cqe_error(nd, qp, true, qp->qp.sq_head, (uint8_t)-ret);
		qp->qp.sq_head++;
		nd_qp_to_error(nd, qp);
	}
	return true;
}

/* work the SQ of a connected QP; true if anything moved */
static bool qp_send(struct nd_dev *nd, struct nd_obj *qp)
{
	struct nd_obj *peer = nd_obj_peek(nd, qp->qp.peer, NDO_QP);
	uint8_t raw[1024];
	bool moved = false;

	if (qp->qp.remote)
		return qp_send_remote(nd, qp);
	for (int budget = 64; budget > 0; budget--) {
		uint32_t size, len;
		struct wqe w;
		int ret;

		if (!sq_next(nd, qp, raw, &size))
			break;
		if (!size || !wqe_parse(raw, size, &w)) {
			nd->wqes_bad++;
			cqe_error(nd, qp, true, qp->qp.sq_head,
				  SYND_LOCAL_QP_OP);
			qp->qp.sq_head++;
			nd_qp_to_error(nd, qp);
			return true;
		}
		ret = peer ? wqe_run(nd, qp, peer, &w, &len) : -SYND_WR_FLUSH;
		if (ret == 0)
			break;
		moved = true;
		if (ret < 0) {
			cqe_error(nd, qp, true, qp->qp.sq_head, (uint8_t)-ret);
			qp->qp.sq_head++;
			nd_qp_to_error(nd, qp);
			return true;
		}
		if (w.signaled)
			cqe_send(nd, qp, qp->qp.sq_head, (uint8_t)w.opcode,
				 w.opcode == OP_RDMA_READ ? len : 0);
		qp->qp.sq_head++;
		nd->wqes++;
		nd->bytes += len;
	}
	return moved;
}

/* the error state: every WQE queued completes with WR_FLUSH */
static void qp_flush(struct nd_dev *nd, struct nd_obj *qp)
{
	uint8_t raw[1024];
	uint32_t size, n, index;
	struct sge sge[ND_MAX_SGE];

	while (sq_next(nd, qp, raw, &size)) {
		cqe_error(nd, qp, true, qp->qp.sq_head, SYND_WR_FLUSH);
		qp->qp.sq_head++;
	}
	while (rq_take(nd, qp, sge, &n, &index))
		cqe_error(nd, qp, false, index, SYND_WR_FLUSH);
}

/* the arm word libmlx4 writes into a CQ's doorbell record */
static void cq_poll_arm(struct nd_dev *nd, struct nd_obj *cq)
{
	uint32_t arm = 0, cmd;

	gpa_pages_read(hs_of(nd), &cq->cq.db, 4, &arm, sizeof(arm));
	arm = ntohl(arm);
	if (arm == cq->cq.last_arm)
		return;
	cq->cq.last_arm = arm;
	cmd = arm & (3u << 24);
	if (cmd != CQ_DB_REQ_NOT && cmd != CQ_DB_REQ_NOT_SOL)
		return;
	cq->cq.armed = cmd;
	/* completions already past the consumer index the arm names */
	if (((cq->cq.pi - arm) & 0xffffff) != 0)
		cq_event(nd, cq, true);
}

static void hca_tick(void *priv)
{
	struct nd_dev *nd = priv;
	bool busy = false, active = false;

	if (!nd->ch)
		return;
	for (unsigned int i = 0; i < ND_MAX_OBJECTS; i++) {
		struct nd_obj *o = &nd->objs[i];

		if (o->type == NDO_CQ) {
			cq_poll_arm(nd, o);
		} else if (o->type == NDO_QP && o->qp.connected) {
			active = true;
			if (o->qp.state == ND_QPS_RTS)
				busy |= qp_send(nd, o);
			else if (o->qp.state == ND_QPS_ERR)
				qp_flush(nd, o);
		}
	}
	if (nd->fabric_out) {
		nd_fabric_flush(nd);
		active = true;
	}
	nd_out_flush(nd);
	if (active)
		hv_timer_set(&nd->tick, now_ns() + (busy ? TICK_NS / 10 : TICK_NS));
	else
		nd->ticking = false;
}

/* a connection came up: the data path runs until none is left */
void nd_hca_start(struct nd_dev *nd)
{
	if (nd->ticking)
		return;
	nd->ticking = true;
	hv_timer_set(&nd->tick, now_ns() + TICK_NS);
}

void nd_hca_init(struct nd_dev *nd)
{
	hv_timer_init(&nd->tick, hca_tick, nd);
}

void nd_hca_stop(struct nd_dev *nd)
{
	hv_timer_set(&nd->tick, 0);
	nd->ticking = false;
}

/* CQ_NOTIFY: the next event of an armed CQ completes it */
void nd_cq_notify(struct nd_req *r)
{
	struct nd_cq_notify m;
	struct nd_obj *cq;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	cq = nd_obj_get(r->nd, m.cq_handle, NDO_CQ, r->file);
	if (!cq) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (!r->irp || cq->cq.notify.id) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	cq->cq.notify.id = r->irp;
	cq->cq.notify.code = r->code;
	cq->cq.notify.file = r->file;
	r->status = ND_STATUS_PENDING;
	if (cq->cq.fire) {
		cq->cq.fire = false;
		nd_irp_complete(r->nd, &cq->cq.notify, ND_STATUS_SUCCESS,
				NULL, 0);
	}
	nd_hca_start(r->nd);
}

void nd_cq_cancel(struct nd_req *r)
{
	struct nd_handle h;
	struct nd_obj *cq;

	if (!nd_req_ok(r, sizeof(h)))
		return;
	memcpy(&h, r->buf, sizeof(h));
	cq = nd_obj_get(r->nd, h.handle, NDO_CQ, r->file);
	if (!cq) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	nd_irp_complete(r->nd, &cq->cq.notify, ND_STATUS_CANCELLED, NULL, 0);
	r->status = ND_STATUS_SUCCESS;
}
