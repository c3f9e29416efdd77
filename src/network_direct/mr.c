// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory regions.  The region's pages are pinned and the host is given
 * their frame numbers: MR_CREATE on the PD, then MR_REGISTER, whose
 * extended data is not in the packet but a GPA-direct range naming the
 * pages that hold the frame list (LIS vmbus_rdma.c, hvnd_mr_register():
 * a region of 1 GiB has a 2 MiB list, far more than a ring holds).  The
 * host answers the keys; work requests carry them and the region's
 * virtual addresses, which the host translates through the list.
 * Deregistration is MR_DEREGISTER, then MR_FREE (provider.c,
 * hvnd_dereg_mr()).
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <rdma/uverbs_ioctl.h>

#include "nd.h"

/* 1 GiB: a frame list of 512 pages, a descriptor of 4 KiB */
#define ND_MAX_MR_PAGES		(1UL << 18)

struct nd_mr {
	struct ib_mr ibmr;
	u64 handle;
	struct nd_ucontext *uc;
	struct nd_pinned mem;
};

static inline struct nd_mr *to_nd_mr(struct ib_mr *ibmr)
{
	return container_of(ibmr, struct nd_mr, ibmr);
}

/* MR_REGISTER with the frame list of @mr->mem */
static int nd_mr_register(struct nd_dev *nd, struct nd_mr *mr, u64 iova,
			  u32 flags)
{
	unsigned long list_pages, i;
	struct vmbus_packet_mpb_array *desc;
	struct nd_ioctl_mr_register m = { };
	u32 desc_size, list_len;
	u64 *list;
	int ret;

	list_len = mr->mem.npages * sizeof(u64);
	list_pages = DIV_ROUND_UP(list_len, PAGE_SIZE);
	list = vzalloc(list_pages * PAGE_SIZE);
	if (!list)
		return -ENOMEM;
	desc_size = sizeof(*desc) + list_pages * sizeof(u64);
	desc = kzalloc(desc_size, GFP_KERNEL);
	if (!desc) {
		ret = -ENOMEM;
		goto out_list;
	}
	for (i = 0; i < mr->mem.npages; i++)
		list[i] = page_to_pfn(mr->mem.pages[i]);
	desc->range.len = list_len;
	desc->range.offset = 0;
	for (i = 0; i < list_pages; i++)
		desc->range.pfn_array[i] =
			vmalloc_to_pfn((u8 *)list + i * PAGE_SIZE);

	m.in.version = ND_IOCTL_VERSION;
	m.in.flags = flags;
	m.in.cb_length = mr->mem.length;
	m.in.target_addr = iova;
	m.in.mr_handle = mr->handle;
	m.in.address = iova;
	ret = nd_ioctl_send(nd, &mr->uc->proc->file, IOCTL_ND_MR_REGISTER, &m,
			    sizeof(m), NULL, list_len, desc, desc_size, NULL);
	kfree(desc);
	if (ret)
		goto out_list;
	/* the receive-list terminator of mlx4 may not be a key */
	if (m.out.lkey == ND_MLX4_INVALID_LKEY ||
	    be32_to_cpu((__force __be32)m.out.rkey) == ND_MLX4_INVALID_LKEY) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host's memory keys are not usable (0x%x)\n",
				    m.out.lkey);
		nd_close_handle(nd, &mr->uc->proc->file, IOCTL_ND_MR_DEREGISTER,
				mr->handle);
		ret = -EIO;
		goto out_list;
	}
	mr->ibmr.lkey = m.out.lkey;
	mr->ibmr.rkey = be32_to_cpu((__force __be32)m.out.rkey);
out_list:
	/* the host copied the list while it served the request */
	vfree(list);
	return ret;
}

struct ib_mr *nd_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 length,
			     u64 iova, int access, struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibpd->device);
	struct nd_ioctl_mr_create c = { };
	u32 flags = ND_MR_FLAG_DO_NOT_SECURE_VM;
	struct nd_mr *mr;
	int ret;

	if (!udata)
		return ERR_PTR(-EOPNOTSUPP);
	/* hints a device may ignore (relaxed ordering), as mlx4 does */
	access &= ~IB_ACCESS_OPTIONAL;
	if (access & ~(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE |
		       IB_ACCESS_REMOTE_READ))
		return ERR_PTR(-EOPNOTSUPP);
	if (!length || length > nd->info.max_registration_size ||
	    (iova & ~PAGE_MASK) != (start & ~PAGE_MASK) ||
	    DIV_ROUND_UP((start & ~PAGE_MASK) + length, PAGE_SIZE) >
	    ND_MAX_MR_PAGES)
		return ERR_PTR(-EINVAL);
	if (access & IB_ACCESS_REMOTE_WRITE)
		flags |= ND_MR_FLAG_ALLOW_REMOTE_WRITE;
	if (access & IB_ACCESS_REMOTE_READ)
		flags |= ND_MR_FLAG_ALLOW_REMOTE_READ;
	if (access & IB_ACCESS_LOCAL_WRITE)
		flags |= ND_MR_FLAG_ALLOW_LOCAL_WRITE;

	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr)
		return ERR_PTR(-ENOMEM);
	mr->uc = rdma_udata_to_drv_context(udata, struct nd_ucontext, ibuc);
	ret = nd_pin_max(&mr->mem, start, length,
			 access & (IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE),
			 ND_MAX_MR_PAGES);
	if (ret)
		goto err_free;
	c.in.version = ND_IOCTL_VERSION;
	c.in.handle = to_nd_pd(ibpd)->handle;
	ret = nd_ioctl(nd, &mr->uc->proc->file, IOCTL_ND_MR_CREATE, &c, sizeof(c),
		       NULL);
	if (ret)
		goto err_unpin;
	if (!c.mr_handle) {
		ret = -EIO;
		goto err_unpin;
	}
	mr->handle = c.mr_handle;
	ret = nd_mr_register(nd, mr, iova, flags);
	if (ret)
		goto err_close;
	mr->ibmr.length = length;
	mr->ibmr.iova = iova;
	return &mr->ibmr;

err_close:
	nd_close_handle(nd, &mr->uc->proc->file, IOCTL_ND_MR_FREE, mr->handle);
err_unpin:
	nd_unpin(&mr->mem);
err_free:
	kfree(mr);
	return ERR_PTR(ret);
}

int nd_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibmr->device);
	struct nd_mr *mr = to_nd_mr(ibmr);
	int ret;

	/*
	 * The pages go back only once the host said it let go of them;
	 * with no answer they stay pinned (leaked, never handed back while
	 * the host may still write them).
	 */
	ret = nd_close_handle(nd, &mr->uc->proc->file, IOCTL_ND_MR_DEREGISTER,
			      mr->handle);
	if (!ret || ret == -ENOENT)
		ret = nd_close_handle(nd, &mr->uc->proc->file, IOCTL_ND_MR_FREE,
				      mr->handle);
	if (!ret || ret == -ENOENT)
		nd_unpin(&mr->mem);
	kfree(mr);
	return 0;
}
