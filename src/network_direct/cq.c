// SPDX-License-Identifier: GPL-2.0-only
/*
 * Completion queues.  libmlx4 allocates the CQE buffer and the 8-byte
 * doorbell record (consumer index, arm word) in the process and names
 * them in struct mlx4_ib_create_cq (include/uapi/rdma/mlx4-abi.h); the
 * host writes CQEs into the buffer and reads the record, so both are
 * pinned and handed over as mappings plus GPA ranges in CQ_CREATE's
 * extended data, with a third range for the arm sequence number, a word
 * the host keeps in our CQ object (LIS vmbus_rdma.c, hvnd_create_cq();
 * mx_abi.h, struct ibv_create_cq).  Polling and arming are libmlx4's:
 * the kernel has no data path (a kernel ULP gets -EOPNOTSUPP).  Events
 * are the host's: a CQ_NOTIFY is always pending on a CQ, and completes
 * when a completion arrives on a CQ libmlx4 armed (LIS provider.c,
 * hvnd_process_cq_event_complete(), which re-arms the same way).
 */
#include <linux/slab.h>
#include <rdma/mlx4-abi.h>
#include <rdma/uverbs_ioctl.h>

#include "nd.h"

static void nd_cq_unpin(struct nd_cq *cq)
{
	nd_unpin(&cq->buf);
	nd_unpin(&cq->db);
	kfree(cq->arm_sn);
	cq->arm_sn = NULL;
}

/* CQ_CREATE; 0 with cq->handle and cq->cqn set */
static int nd_cq_send_create(struct nd_dev *nd, struct nd_ucontext *uc,
			     struct nd_cq *cq, u32 nent, u64 buf, u64 db)
{
	const struct nd_pinned *ranges[ND_MLX4_CQ_MAPPINGS];
	struct nd_ioctl_create_cq m = { };
	struct nd_mapping *map = m.req.mappings;
	struct nd_pinned arm;
	u32 ext_len;
	void *ext;
	int ret;

	ret = nd_pin_kernel(&arm, cq->arm_sn, sizeof(*cq->arm_sn));
	if (ret)
		return ret;
	ranges[ND_MLX4_CQ_BUF] = &cq->buf;
	ranges[ND_MLX4_CQ_DB] = &cq->db;
	ranges[ND_MLX4_CQ_ARM_SN] = &arm;
	ext = nd_ext_ranges(ranges, ND_MLX4_CQ_MAPPINGS, &ext_len);
	if (!ext)
		return -ENOMEM;

	m.in.version = ND_IOCTL_VERSION;
	m.in.queue_depth = nent;
	m.in.ce_mapping_cnt = ND_MLX4_CQ_MAPPINGS;
	m.in.cb_mapping_offset = sizeof(m.in);
	m.in.adapter_handle = uc->proc->adapter;
	m.in.affinity.group = 0xffff;		/* any processor group */
	map[ND_MLX4_CQ_BUF].map_type = ND_MAP_MEMORY;
	map[ND_MLX4_CQ_BUF].access_or_cache = ND_MODIFY_ACCESS;
	map[ND_MLX4_CQ_BUF].mem.address = buf;
	map[ND_MLX4_CQ_BUF].mem.cb_length = cq->buf.length;
	map[ND_MLX4_CQ_DB].map_type = ND_MAP_MEMORY_COALLESCE;
	map[ND_MLX4_CQ_DB].access_or_cache = ND_WRITE_ACCESS;
	map[ND_MLX4_CQ_DB].mem.address = db;
	map[ND_MLX4_CQ_DB].mem.cb_length = cq->db.length;
	map[ND_MLX4_CQ_ARM_SN].map_type = ND_MAP_MEMORY;
	map[ND_MLX4_CQ_ARM_SN].access_or_cache = ND_MODIFY_ACCESS;
	map[ND_MLX4_CQ_ARM_SN].mem.address = (u64)(uintptr_t)cq->arm_sn;
	map[ND_MLX4_CQ_ARM_SN].mem.cb_length = sizeof(*cq->arm_sn);
	ret = nd_ioctl_ext(nd, &uc->proc->file, IOCTL_ND_CQ_CREATE, &m, sizeof(m),
			   ext, ext_len, NULL);
	kfree(ext);
	if (ret)
		return ret;
	if (!m.out.handle || m.resp.cqe != nent - 1 || m.resp.cqn >= BIT(24)) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host's CQ is not usable (cqn 0x%x, %u entries for %u)\n",
				    m.resp.cqn, m.resp.cqe + 1, nent);
		if (m.out.handle)
			nd_close_handle(nd, &uc->proc->file, IOCTL_ND_CQ_FREE,
					m.out.handle);
		return -EIO;
	}
	cq->handle = m.out.handle;
	cq->cqn = m.resp.cqn;
	return 0;
}

static void nd_cq_notified(struct nd_irp *irp, u32 status, const u8 *out,
			   u32 len);

/*
 * CQ_NOTIFY(ANY) on @n; notify_lock held.  A handler re-arms with the
 * other IRP of the two: it still owns its own until it returns.
 */
static void nd_cq_arm(struct nd_cq *cq, struct nd_cq_irp *n)
{
	struct nd_cq_notify m = {
		.version = ND_IOCTL_VERSION,
		.type = ND_CQ_NOTIFY_ANY,
		.cq_handle = cq->handle,
	};

	n->cq = cq;
	n->irp.done = nd_cq_notified;
	if (nd_ioctl_async(to_nd(cq->ibcq.device), &cq->uc->proc->file,
			   IOCTL_ND_CQ_NOTIFY, &m, sizeof(m), &n->irp)) {
		dev_err_ratelimited(&to_nd(cq->ibcq.device)->hdev->device,
				    "CQ 0x%x: no more completion events\n",
				    cq->cqn);
		cq->armed = NULL;
		return;
	}
	cq->armed = n;
}

/*
 * The host says the CQ fired (libmlx4 armed it through its doorbell
 * record, and a completion came): the comp channel's event, and the next
 * CQ_NOTIFY.  An error ends the events, as a CQ error.
 */
static void nd_cq_notified(struct nd_irp *irp, u32 status, const u8 *out,
			   u32 len)
{
	struct nd_cq *cq = container_of(irp, struct nd_cq_irp, irp)->cq;
	struct ib_cq *ibcq = &cq->ibcq;

	if (status == ND_STATUS_SUCCESS && ibcq->comp_handler) {
		ibcq->comp_handler(ibcq, ibcq->cq_context);
	} else if (status != ND_STATUS_SUCCESS &&
		   status != ND_STATUS_CANCELLED && ibcq->event_handler) {
		struct ib_event ev = {
			.device = ibcq->device,
			.event = IB_EVENT_CQ_ERR,
			.element.cq = ibcq,
		};

		ibcq->event_handler(&ev, ibcq->cq_context);
	}
	mutex_lock(&cq->notify_lock);
	if (cq->armed && &cq->armed->irp == irp)
		cq->armed = NULL;
	if (!cq->dying && status == ND_STATUS_SUCCESS)
		nd_cq_arm(cq, &cq->notify[irp == &cq->notify[0].irp]);
	mutex_unlock(&cq->notify_lock);
	nd_irp_finished(irp);
}

int nd_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		 struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibcq->device);
	struct nd_cq *cq = to_nd_cq(ibcq);
	struct mlx4_ib_create_cq_resp resp = { };
	struct mlx4_ib_create_cq ucmd;
	struct nd_ucontext *uc;
	u32 nent;
	int ret;

	/* kernel CQs would need a kernel data path, which ND has not */
	if (!udata || attr->flags)
		return -EOPNOTSUPP;
	if (attr->cqe < 1 || attr->cqe > nd->info.max_completion_q_depth)
		return -EINVAL;
	/* a power of two, one more than asked: libmlx4 masks with cqe */
	nent = roundup_pow_of_two(attr->cqe + 1);
	if (nent * ND_CQE_SIZE > ND_MAX_PIN_PAGES * PAGE_SIZE)
		return -EINVAL;
	if (udata->inlen < sizeof(ucmd))
		return -EINVAL;
	ret = ib_copy_from_udata(&ucmd, udata, sizeof(ucmd));
	if (ret)
		return ret;
	uc = rdma_udata_to_drv_context(udata, struct nd_ucontext, ibuc);

	/* its own allocation: it outlives the CQ if the host keeps it */
	cq->arm_sn = kzalloc(sizeof(*cq->arm_sn), GFP_KERNEL);
	if (!cq->arm_sn)
		return -ENOMEM;
	ret = nd_pin(&cq->buf, ucmd.buf_addr, nent * ND_CQE_SIZE, true);
	if (ret)
		goto err_unpin;
	ret = nd_pin(&cq->db, ucmd.db_addr, 8, true);
	if (ret)
		goto err_unpin;
	ret = nd_cq_send_create(nd, uc, cq, nent, ucmd.buf_addr, ucmd.db_addr);
	if (ret)
		goto err_unpin;
	ibcq->cqe = nent - 1;
	resp.cqn = cq->cqn;
	ret = ib_copy_to_udata(udata, &resp, min_t(size_t, udata->outlen,
						   sizeof(resp)));
	if (ret)
		goto err_free;
	cq->uc = uc;
	mutex_init(&cq->notify_lock);
	mutex_lock(&cq->notify_lock);
	nd_cq_arm(cq, &cq->notify[0]);
	mutex_unlock(&cq->notify_lock);
	return 0;

err_free:
	nd_close_handle(nd, &uc->proc->file, IOCTL_ND_CQ_FREE, cq->handle);
err_unpin:
	nd_cq_unpin(cq);
	return ret;
}

int nd_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibcq->device);
	struct nd_cq *cq = to_nd_cq(ibcq);
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = cq->handle };
	struct nd_cq_irp *armed;
	int ret;

	/* the pending CQ_NOTIFY ends, and with it the events */
	mutex_lock(&cq->notify_lock);
	cq->dying = true;
	armed = cq->armed;
	mutex_unlock(&cq->notify_lock);
	if (armed) {
		nd_ioctl(nd, &cq->uc->proc->file, IOCTL_ND_CQ_CANCEL_IO, &h, sizeof(h),
			 NULL);
		nd_irp_wait(nd, &armed->irp);
	}
	/* no handler of this CQ's IRPs runs any more */
	flush_work(&nd->complete_work);
	/*
	 * Unpinned (and the arm word freed) only once the host answered: it
	 * no longer writes them.  Should it not answer, they stay (leaked
	 * rather than handed back while the host may write them).
	 */
	ret = nd_close_handle(nd, &cq->uc->proc->file, IOCTL_ND_CQ_FREE, cq->handle);
	if (!ret || ret == -ENOENT)
		nd_cq_unpin(cq);
	return 0;
}
