// SPDX-License-Identifier: GPL-2.0-only
/*
 * Queue pairs: reliable-connected only (iWARP has no other kind).
 *
 * libmlx4 lays out the work queues in one buffer and a 4-byte receive
 * doorbell record (struct mlx4_ib_create_qp, include/uapi/rdma/
 * mlx4-abi.h); both are pinned and handed over as mappings plus GPA
 * ranges in QP_CREATE's extended data (LIS vmbus_rdma.c,
 * hvnd_create_qp(); mx_abi.h).  The sizes are checked here as mlx4 checks
 * a user QP (drivers/infiniband/hw/mlx4/qp.c, set_rq_size() and
 * set_user_sq_size(), Linux 6.12): the receive queue is rounded up to
 * powers of two and answered so, because libmlx4 takes its ring size
 * from the answer; the send queue's size and stride are libmlx4's own.
 *
 * The QP moves to RTS when its connection is established (the iWARP CM,
 * cm.c); moving it to ERR or SQD ends its connection (the host flushes
 * both QPs), or flushes it (QP_FLUSH) if it has none, as LIS's
 * hvnd_modify_qp() does; the other transitions are bookkeeping.
 */
#include <linux/log2.h>
#include <linux/slab.h>
#include <rdma/mlx4-abi.h>
#include <rdma/uverbs_ioctl.h>

#include "nd.h"

/* a WQE is 64 bytes to 1 KiB (mlx4's max_sq_desc_sz is 1008) */
#define ND_SQ_STRIDE_MIN	6
#define ND_SQ_STRIDE_MAX	10

static void nd_qp_unpin(struct nd_qp *qp)
{
	nd_unpin(&qp->buf);
	nd_unpin(&qp->db);
}

/* QP_CREATE; 0 with qp->handle and the QP number set */
static int nd_qp_send_create(struct nd_dev *nd, struct nd_ucontext *uc,
			     struct nd_qp *qp, struct ib_qp_init_attr *attr,
			     const struct mlx4_ib_create_qp *ucmd,
			     struct nd_mlx4_create_qp_resp *resp)
{
	const struct nd_pinned *ranges[ND_MLX4_QP_MAPPINGS] = {
		[ND_MLX4_QP_BUF] = &qp->buf,
		[ND_MLX4_QP_DB] = &qp->db,
	};
	struct nd_ioctl_create_qp m = { };
	struct nd_mapping *map = m.req.mappings;
	u32 ext_len;
	void *ext;
	int ret;

	ext = nd_ext_ranges(ranges, ND_MLX4_QP_MAPPINGS, &ext_len);
	if (!ext)
		return -ENOMEM;
	m.in.version = ND_IOCTL_VERSION;
	m.in.cb_max_inline_data = attr->cap.max_inline_data;
	m.in.ce_mapping_cnt = ND_MLX4_QP_MAPPINGS;
	m.in.cb_mapping_offset = sizeof(m.in);
	m.in.initiator_queue_depth = attr->cap.max_send_wr;
	m.in.max_initiator_request_sge = attr->cap.max_send_sge;
	m.in.receive_cq_handle = to_nd_cq(attr->recv_cq)->handle;
	m.in.initiator_cq_handle = to_nd_cq(attr->send_cq)->handle;
	m.in.pd_handle = to_nd_pd(qp->ibqp.pd)->handle;
	m.in.receive_queue_depth = attr->cap.max_recv_wr;
	m.in.max_receive_request_sge = attr->cap.max_recv_sge;
	map[ND_MLX4_QP_BUF].map_type = ND_MAP_MEMORY;
	map[ND_MLX4_QP_BUF].access_or_cache = ND_MODIFY_ACCESS;
	map[ND_MLX4_QP_BUF].mem.address = ucmd->buf_addr;
	map[ND_MLX4_QP_BUF].mem.cb_length = qp->buf.length;
	map[ND_MLX4_QP_DB].map_type = ND_MAP_MEMORY_COALLESCE;
	map[ND_MLX4_QP_DB].access_or_cache = ND_WRITE_ACCESS;
	map[ND_MLX4_QP_DB].mem.address = ucmd->db_addr;
	map[ND_MLX4_QP_DB].mem.cb_length = qp->db.length;
	m.req.log_sq_bb_count = ucmd->log_sq_bb_count;
	m.req.log_sq_stride = ucmd->log_sq_stride;
	m.req.sq_no_prefetch = ucmd->sq_no_prefetch;
	ret = nd_ioctl_ext(nd, &uc->proc->file, IOCTL_ND_QP_CREATE, &m, sizeof(m),
			   ext, ext_len, NULL);
	kfree(ext);
	if (ret)
		return ret;
	/*
	 * The QP number lands in CQEs (24 bits) and must not have mlx4's
	 * XRC bit (23), or libmlx4 takes receive completions for an SRQ's.
	 */
	if (!m.out.handle || m.resp.qp_handle != m.out.handle ||
	    m.resp.qpn >= BIT(23) || !m.resp.qpn) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host's QP is not usable (qpn 0x%x)\n",
				    m.resp.qpn);
		if (m.out.handle)
			nd_close_handle(nd, &uc->proc->file, IOCTL_ND_QP_FREE,
					m.out.handle);
		return -EIO;
	}
	*resp = m.resp;
	return 0;
}

/* the sizes libmlx4 asks for, checked as mlx4 checks them */
static int nd_qp_sizes(struct nd_dev *nd, struct ib_qp_init_attr *attr,
		       const struct mlx4_ib_create_qp *ucmd, u64 *buf_size)
{
	const struct nd_adapter_info *info = &nd->info;
	struct ib_qp_cap *cap = &attr->cap;
	u32 rq_cnt, rq_sge, sq_cnt;

	if (cap->max_recv_wr > info->max_recv_q_depth ||
	    cap->max_recv_sge > info->max_recv_sge ||
	    cap->max_send_wr > info->max_initiator_q_depth ||
	    cap->max_send_sge > info->max_initiator_sge ||
	    cap->max_inline_data > info->max_inline_data_size)
		return -EINVAL;
	rq_cnt = roundup_pow_of_two(max(1U, cap->max_recv_wr));
	rq_sge = roundup_pow_of_two(max(1U, cap->max_recv_sge));
	if (rq_cnt > info->max_recv_q_depth || rq_sge > info->max_recv_sge)
		return -EINVAL;
	/* the send queue holds libmlx4's spare WQEs on top of max_send_wr */
	if (ucmd->log_sq_stride < ND_SQ_STRIDE_MIN ||
	    ucmd->log_sq_stride > ND_SQ_STRIDE_MAX ||
	    ucmd->log_sq_bb_count > 16)
		return -EINVAL;
	sq_cnt = 1U << ucmd->log_sq_bb_count;
	if (sq_cnt < cap->max_send_wr)
		return -EINVAL;
	*buf_size = ((u64)rq_cnt << ilog2(rq_sge * 16)) +
		    ((u64)sq_cnt << ucmd->log_sq_stride);
	if (*buf_size > ND_MAX_PIN_PAGES * PAGE_SIZE)
		return -EINVAL;
	cap->max_recv_wr = rq_cnt;
	cap->max_recv_sge = rq_sge;
	return 0;
}

int nd_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *attr,
		 struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibqp->device);
	struct nd_qp *qp = to_nd_qp(ibqp);
	struct nd_mlx4_create_qp_resp resp;
	struct mlx4_ib_create_qp ucmd = { };
	struct nd_ucontext *uc;
	u64 buf_size;
	int ret;

	/* kernel QPs would need a kernel data path, which ND has not */
	if (!udata)
		return -EOPNOTSUPP;
	if (attr->qp_type != IB_QPT_RC || attr->srq || attr->create_flags ||
	    !attr->send_cq || !attr->recv_cq)
		return -EOPNOTSUPP;
	if (udata->inlen < offsetof(struct mlx4_ib_create_qp, inl_recv_sz))
		return -EINVAL;
	ret = ib_copy_from_udata(&ucmd, udata,
				 min_t(size_t, udata->inlen, sizeof(ucmd)));
	if (ret)
		return ret;
	/* receive inline (mlx4dv only) and prefetch control are not ours */
	if (ucmd.inl_recv_sz || ucmd.sq_no_prefetch)
		return -EOPNOTSUPP;
	ret = nd_qp_sizes(nd, attr, &ucmd, &buf_size);
	if (ret)
		return ret;
	uc = rdma_udata_to_drv_context(udata, struct nd_ucontext, ibuc);

	ret = nd_pin(&qp->buf, ucmd.buf_addr, buf_size, true);
	if (ret)
		return ret;
	ret = nd_pin(&qp->db, ucmd.db_addr, 4, true);
	if (ret)
		goto err_unpin;
	ret = nd_qp_send_create(nd, uc, qp, attr, &ucmd, &resp);
	if (ret)
		goto err_unpin;
	qp->handle = resp.qp_handle;
	qp->uc = uc;
	qp->state = IB_QPS_RESET;
	mutex_init(&qp->lock);
	ibqp->qp_num = resp.qpn;
	refcount_set(&qp->refs, 1);
	init_completion(&qp->released);
	ret = xa_insert_irq(&nd->qps, resp.qpn, qp, GFP_KERNEL);
	if (ret) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host gave QP number 0x%x twice\n",
				    resp.qpn);
		ret = -EIO;
		goto err_free;
	}
	return 0;

err_free:
	nd_close_handle(nd, &uc->proc->file, IOCTL_ND_QP_FREE, qp->handle);
err_unpin:
	nd_qp_unpin(qp);
	return ret;
}

/* the iWARP CM's references (iw_add_ref / iw_rem_ref) */
void nd_qp_get(struct nd_qp *qp)
{
	refcount_inc(&qp->refs);
}

void nd_qp_put(struct nd_qp *qp)
{
	if (refcount_dec_and_test(&qp->refs))
		complete(&qp->released);
}

int nd_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibqp->device);
	struct nd_qp *qp = to_nd_qp(ibqp);
	int ret;

	xa_erase_irq(&nd->qps, ibqp->qp_num);
	/* its connection ends; the CM lets go of the QP before it is freed */
	nd_cm_qp_disconnect(qp, true);
	nd_qp_put(qp);
	wait_for_completion(&qp->released);
	/* unpinned only once the host said it no longer uses the pages */
	ret = nd_close_handle(nd, &qp->uc->proc->file, IOCTL_ND_QP_FREE, qp->handle);
	if (!ret || ret == -ENOENT)
		nd_qp_unpin(qp);
	return 0;
}

/* QP_FLUSH: the host completes what is queued with errors */
static int nd_qp_flush(struct nd_dev *nd, struct nd_qp *qp)
{
	struct nd_ioctl_flush_qp m = { };

	m.in.version = ND_IOCTL_VERSION;
	m.in.handle = qp->handle;
	return nd_ioctl(nd, &qp->uc->proc->file, IOCTL_ND_QP_FLUSH, &m, sizeof(m),
			NULL);
}

int nd_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		 struct ib_udata *udata)
{
	struct nd_qp *qp = to_nd_qp(ibqp);
	enum ib_qp_state cur, next;
	bool disconnect = false;
	int ret = 0;

	mutex_lock(&qp->lock);
	cur = mask & IB_QP_CUR_STATE ? attr->cur_qp_state : qp->state;
	next = mask & IB_QP_STATE ? attr->qp_state : cur;
	if (cur != qp->state || next > IB_QPS_ERR) {
		ret = -EINVAL;
		goto out;
	}
	if (next == qp->state)
		goto out;
	switch (next) {
	case IB_QPS_RESET:
	case IB_QPS_INIT:
	case IB_QPS_RTR:
		/* user space prepares the QP; it connects through the CM */
		if (qp->state > IB_QPS_RTR) {
			ret = -EINVAL;
			goto out;
		}
		break;
	case IB_QPS_RTS:
		/* only the CM, once the connection is established */
		if (udata) {
			ret = -EINVAL;
			goto out;
		}
		break;
	default:
		/*
		 * SQD, SQE and ERR: a connection ends (iw_cm's disconnect),
		 * and the host completes what is queued
		 */
		disconnect = !!qp->ep;
		if (qp->state != IB_QPS_RESET && !disconnect) {
			ret = nd_qp_flush(to_nd(ibqp->device), qp);
			if (ret)
				goto out;
		}
		next = IB_QPS_ERR;
		break;
	}
	qp->state = next;
out:
	mutex_unlock(&qp->lock);
	if (disconnect)
		nd_cm_qp_disconnect(qp, false);
	return ret;
}

int nd_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		struct ib_qp_init_attr *init)
{
	struct nd_qp *qp = to_nd_qp(ibqp);

	memset(attr, 0, sizeof(*attr));
	memset(init, 0, sizeof(*init));
	mutex_lock(&qp->lock);
	attr->qp_state = qp->state;
	attr->cur_qp_state = qp->state;
	mutex_unlock(&qp->lock);
	attr->path_mtu = IB_MTU_4096;
	attr->qp_access_flags = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ |
				IB_ACCESS_REMOTE_WRITE;
	init->qp_type = IB_QPT_RC;
	init->send_cq = ibqp->send_cq;
	init->recv_cq = ibqp->recv_cq;
	return 0;
}
