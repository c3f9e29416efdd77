// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ib_device: an iWARP RNIC named mlx4_N that rdma-core's mlx4
 * provider (libmlx4) takes for a ConnectX-3.
 *
 * What makes libmlx4 bind (rdma-core v44 libibverbs/init.c, providers/
 * mlx4/mlx4.c): the driver id RDMA_DRIVER_MLX4, which the kernel reports
 * over netlink and checks on every ioctl, and uverbs ABI version 4, whose
 * GET_CONTEXT answer is struct mlx4_ib_alloc_ucontext_resp
 * (include/uapi/rdma/mlx4-abi.h).  BlueFlame is off (bf_reg_size 0), so
 * libmlx4 maps only the UAR page, at mmap offset 0; 32-byte CQEs.
 *
 * A process's user contexts share a pair of host "files" and an adapter
 * opened on them (LIS provider.c, hvnd_alloc_ucontext()); the UAR page
 * the host puts in our MMIO window is what offset 0 maps.  The port is tied to the RDMA
 * NIC's netdev (its state and MTU come from it, iw_query_port()), and its
 * one GID is that NIC's MAC, which rdma_cm matches on 6.1 as siw does.
 *
 * CQs are cq.c, QPs qp.c, memory regions mr.c, the iWARP connection
 * manager cm.c; the data path is between libmlx4 and the host.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/iw_cm.h>
#include <rdma/mlx4-abi.h>
#include <rdma/uverbs_ioctl.h>

#include "nd.h"

/* firmware version shown: a ConnectX-3's 2.42.5000 */
#define ND_FW_VER	((u64)2 << 32 | 42 << 16 | 5000)

/* CREATE a file, and PROVIDER_INIT on it */
static int nd_open_file(struct nd_dev *nd, struct ndv_context_handle *f)
{
	u8 buf[ND_PROVIDER_IOCTL_SIZE] = { };
	struct nd_handle h = { .version = ND_IOCTL_VERSION };
	int ret;

	ret = nd_file_create(nd, f);
	if (ret)
		return ret;
	memcpy(buf, &h, sizeof(h));
	ret = nd_ioctl(nd, f, IOCTL_ND_PROVIDER_INIT, buf, sizeof(buf), NULL);
	if (ret)
		nd_file_cleanup(nd, f);
	return ret;
}

/*
 * ADAPTER_OPEN on @file: the adapter handle, the UAR address (checked to
 * lie in our MMIO window) and the mlx4 context values.
 */
static int nd_adapter_open(struct nd_dev *nd, struct ndv_context_handle *file,
			   u64 *adapter, u64 *uar,
			   struct nd_mlx4_get_context_resp *caps)
{
	struct nd_ioctl_open_adapter m = { };
	int ret;

	m.in.version = ND_IOCTL_VERSION;
	m.in.ce_mapping_cnt = 2;
	m.in.cb_mapping_offset = sizeof(m.in);
	m.in.adapter_id = nd_adapter_id(nd);
	m.req.mappings[ND_MLX4_CONTEXT_UAR].map_type = ND_MAP_IOSPACE;
	m.req.mappings[ND_MLX4_CONTEXT_UAR].access_or_cache = ND_NON_CACHED;
	m.req.mappings[ND_MLX4_CONTEXT_UAR].io.cb_length = PAGE_SIZE;
	m.req.mappings[ND_MLX4_CONTEXT_BF].map_type = ND_MAP_IOSPACE;
	m.req.mappings[ND_MLX4_CONTEXT_BF].access_or_cache = ND_WRITE_COMBINED;
	m.req.mappings[ND_MLX4_CONTEXT_BF].io.cb_length = PAGE_SIZE;
	ret = nd_ioctl(nd, file, IOCTL_ND_ADAPTER_OPEN, &m, sizeof(m), NULL);
	if (ret)
		return ret;
	*adapter = m.out.handle;
	*uar = m.resp.mapping_results[ND_MLX4_CONTEXT_UAR].info;
	*caps = m.resp;
	if (*uar % PAGE_SIZE || *uar < nd->mmio->start ||
	    *uar > nd->mmio->end - PAGE_SIZE + 1 ||
	    !is_power_of_2(caps->qp_tab_size) || caps->qp_tab_size < 256 ||
	    caps->cqe_size != ND_CQE_SIZE || caps->bf_reg_size) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host's adapter is not usable (UAR 0x%llx, qp_tab_size %u, cqe_size %u, bf_reg_size %u)\n",
				    *uar, caps->qp_tab_size, caps->cqe_size,
				    caps->bf_reg_size);
		nd_close_handle(nd, file, IOCTL_ND_ADAPTER_CLOSE, *adapter);
		return -EIO;
	}
	return 0;
}

/*
 * ADAPTER_CLOSE, PD_FREE ...: an nd_handle, nothing back.  -ENOENT: the
 * host does not know the handle (so it holds nothing of it either).
 */
int nd_close_handle(struct nd_dev *nd, const struct ndv_context_handle *file,
		    u32 code, u64 handle)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = handle };
	u32 status = ND_STATUS_SUCCESS;
	int ret;

	ret = nd_ioctl(nd, file, code, &h, sizeof(h), &status);
	if (ret == -EINVAL && status == ND_STATUS_INVALID_HANDLE)
		ret = -ENOENT;
	if (ret)
		dev_err_ratelimited(&nd->hdev->device,
				    "IOCTL 0x%x on handle 0x%llx failed (%d)\n",
				    code, handle, ret);
	return ret;
}

/*
 * The adapter's limits, asked once before registration through a file
 * of the driver's own (the core queries the device while registering).
 */
static int nd_query_adapter(struct nd_dev *nd)
{
	struct ndv_context_handle file;
	struct nd_adapter_info info = { };
	struct nd_adapter_query *q = (void *)&info;
	u64 adapter, uar;
	int ret;

	ret = nd_open_file(nd, &file);
	if (ret)
		return ret;
	ret = nd_adapter_open(nd, &file, &adapter, &uar, &nd->caps);
	if (ret)
		goto out;
	q->version = ND_IOCTL_VERSION;
	q->info_version = ND_VERSION_2;
	q->adapter_handle = adapter;
	ret = nd_ioctl(nd, &file, IOCTL_ND_ADAPTER_QUERY, &info, sizeof(info),
		       NULL);
	nd_close_handle(nd, &file, IOCTL_ND_ADAPTER_CLOSE, adapter);
	if (ret)
		goto out;
	if (info.info_version != ND_VERSION_2 || !info.max_completion_q_depth ||
	    !info.max_initiator_sge || !info.max_recv_sge ||
	    !info.max_initiator_q_depth || !info.max_recv_q_depth ||
	    info.max_inbound_read_limit > 128 ||
	    info.max_outbound_read_limit > 128) {
		dev_err(&nd->hdev->device, "the host's adapter limits make no sense\n");
		ret = -EIO;
		goto out;
	}
	/*
	 * Past what a ConnectX-3 has the sizes would overflow the queue
	 * arithmetic (rounding up to powers of two, SGE strides): clamp
	 */
	info.max_completion_q_depth = min(info.max_completion_q_depth,
					  ND_MAX_CQE);
	info.max_recv_q_depth = min(info.max_recv_q_depth, ND_MAX_WR);
	info.max_initiator_q_depth = min(info.max_initiator_q_depth, ND_MAX_WR);
	info.max_recv_sge = min(info.max_recv_sge, ND_MAX_SGE);
	info.max_initiator_sge = min(info.max_initiator_sge, ND_MAX_SGE);
	info.max_read_sge = min(info.max_read_sge, ND_MAX_SGE);
	info.max_inline_data_size = min(info.max_inline_data_size,
					ND_MAX_INLINE);
	nd->info = info;
	nd->info_valid = true;
out:
	nd_file_cleanup(nd, &file);
	return ret;
}

static int nd_query_device(struct ib_device *ibdev, struct ib_device_attr *a,
			   struct ib_udata *uhw)
{
	struct nd_dev *nd = to_nd(ibdev);
	const struct nd_adapter_info *info = &nd->info;

	/* what mlx4 answers the extended query with: no clock page */
	if (uhw && uhw->outlen) {
		struct mlx4_uverbs_ex_query_device_resp resp = { };

		resp.response_length = min_t(size_t, uhw->outlen, sizeof(resp));
		if (ib_copy_to_udata(uhw, &resp, resp.response_length))
			return -EFAULT;
	}
	memset(a, 0, sizeof(*a));
	a->fw_ver = ND_FW_VER;
	a->sys_image_guid = ibdev->node_guid;
	a->vendor_id = info->vendor_id;
	a->vendor_part_id = info->device_id;
	a->max_mr_size = info->max_registration_size;
	a->page_size_cap = PAGE_SIZE;
	a->max_qp = nd->caps.qp_tab_size;
	a->max_qp_wr = min(info->max_recv_q_depth, info->max_initiator_q_depth);
	a->max_send_sge = info->max_initiator_sge;
	a->max_recv_sge = info->max_recv_sge;
	a->max_sge_rd = info->max_read_sge;
	a->max_cq = nd->caps.qp_tab_size;
	a->max_cqe = info->max_completion_q_depth;
	a->max_mr = nd->caps.qp_tab_size;
	a->max_pd = nd->caps.qp_tab_size;
	a->max_qp_rd_atom = info->max_inbound_read_limit;
	a->max_qp_init_rd_atom = info->max_outbound_read_limit;
	a->max_res_rd_atom = info->max_inbound_read_limit * a->max_qp;
	return 0;
}

static int nd_query_port(struct ib_device *ibdev, COMPAT_IB_PORT_T port,
			 struct ib_port_attr *a)
{
	/* iw_query_port() filled state and MTU from the netdev */
	a->gid_tbl_len = 1;
	a->pkey_tbl_len = 1;
	a->port_cap_flags = IB_PORT_CM_SUP | IB_PORT_DEVICE_MGMT_SUP;
	a->max_msg_sz = to_nd(ibdev)->info.max_transfer_length;
	a->active_width = IB_WIDTH_4X;
	a->active_speed = IB_SPEED_QDR;
	a->phys_state = a->state == IB_PORT_ACTIVE ?
			IB_PORT_PHYS_STATE_LINK_UP : IB_PORT_PHYS_STATE_DISABLED;
	return 0;
}

static int nd_get_port_immutable(struct ib_device *ibdev,
				 COMPAT_IB_PORT_T port,
				 struct ib_port_immutable *im)
{
	im->core_cap_flags = RDMA_CORE_PORT_IWARP;
	im->gid_tbl_len = 1;
	im->pkey_tbl_len = 1;
	return 0;
}

/* the one GID: the RDMA NIC's MAC, then zeros (what siw does) */
static int nd_query_gid(struct ib_device *ibdev, COMPAT_IB_PORT_T port,
			int index, union ib_gid *gid)
{
	if (index)
		return -EINVAL;
	memset(gid, 0, sizeof(*gid));
	memcpy(gid->raw, to_nd(ibdev)->mac, ETH_ALEN);
	return 0;
}

static int nd_query_pkey(struct ib_device *ibdev, COMPAT_IB_PORT_T port,
			 u16 index, u16 *pkey)
{
	if (index)
		return -EINVAL;
	*pkey = 0xffff;
	return 0;
}

/* a process's files: CREATE, PROVIDER_BIND_FILE, ADAPTER_OPEN */
static struct nd_proc *nd_proc_create(struct nd_dev *nd)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION };
	u8 buf[ND_PROVIDER_IOCTL_SIZE] = { };
	struct nd_proc *proc;
	int ret;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return ERR_PTR(-ENOMEM);
	ret = nd_open_file(nd, &proc->file);
	if (ret)
		goto err_free;
	ret = nd_file_create(nd, &proc->overlapped);
	if (ret)
		goto err_file;
	/* the overlapped file carries asynchronous IOCTLs */
	h.handle = (u64)proc->overlapped.remote << 32 | proc->overlapped.local;
	memcpy(buf, &h, sizeof(h));
	ret = nd_ioctl(nd, &proc->file, IOCTL_ND_PROVIDER_BIND_FILE, buf,
		       sizeof(buf), NULL);
	if (ret)
		goto err_overlapped;
	ret = nd_adapter_open(nd, &proc->file, &proc->adapter, &proc->uar,
			      &proc->caps);
	if (ret)
		goto err_overlapped;
	kref_init(&proc->ref);
	proc->tgid = current->tgid;
	INIT_LIST_HEAD(&proc->eps);
	return proc;

err_overlapped:
	nd_file_cleanup(nd, &proc->overlapped);
err_file:
	nd_file_cleanup(nd, &proc->file);
err_free:
	kfree(proc);
	return ERR_PTR(ret);
}

static void nd_proc_release(struct kref *ref)
{
	kfree(container_of(ref, struct nd_proc, ref));
}

void nd_proc_put(struct nd_proc *proc)
{
	kref_put(&proc->ref, nd_proc_release);
}

/* the process's last context closes its files (cm.c lets go first) */
static void nd_dealloc_ucontext(struct ib_ucontext *ibuc)
{
	struct nd_dev *nd = to_nd(ibuc->device);
	struct nd_proc *proc = to_nd_uc(ibuc)->proc;
	bool last;

	mutex_lock(&nd->uc_lock);
	last = !--proc->users;
	if (last)
		list_del(&proc->node);
	mutex_unlock(&nd->uc_lock);
	if (last) {
		nd_cm_proc_gone(nd, proc);
		/* closing the files frees whatever the process left */
		nd_close_handle(nd, &proc->file, IOCTL_ND_ADAPTER_CLOSE,
				proc->adapter);
		nd_file_cleanup(nd, &proc->overlapped);
		nd_file_cleanup(nd, &proc->file);
	}
	nd_proc_put(proc);
}

/*
 * A user context takes its process's files, made by its first one
 * (under uc_lock, so that two threads' first contexts make one pair).
 */
static int nd_alloc_ucontext(struct ib_ucontext *ibuc, struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibuc->device);
	struct nd_ucontext *uc = to_nd_uc(ibuc);
	struct mlx4_ib_alloc_ucontext_resp resp = { };
	struct nd_proc *proc, *found = NULL;
	int ret;

	mutex_lock(&nd->uc_lock);
	list_for_each_entry(proc, &nd->procs, node) {
		if (proc->tgid == current->tgid) {
			found = proc;
			break;
		}
	}
	if (!found) {
		found = nd_proc_create(nd);
		if (IS_ERR(found)) {
			mutex_unlock(&nd->uc_lock);
			return PTR_ERR(found);
		}
		list_add(&found->node, &nd->procs);
	} else {
		kref_get(&found->ref);
	}
	found->users++;
	mutex_unlock(&nd->uc_lock);
	uc->proc = found;
	resp.qp_tab_size = found->caps.qp_tab_size;
	resp.cqe_size = found->caps.cqe_size;
	ret = ib_copy_to_udata(udata, &resp, min_t(size_t, udata->outlen,
						   sizeof(resp)));
	if (ret)
		nd_dealloc_ucontext(ibuc);
	return ret;
}

/* offset 0: the UAR page; BlueFlame (1) and the clock (3) are off */
static int nd_mmap(struct ib_ucontext *ibuc, struct vm_area_struct *vma)
{
	struct nd_ucontext *uc = to_nd_uc(ibuc);

	if (vma->vm_end - vma->vm_start != PAGE_SIZE || vma->vm_pgoff != 0)
		return -EINVAL;
	return rdma_user_mmap_io(ibuc, vma, uc->proc->uar >> PAGE_SHIFT, PAGE_SIZE,
				 pgprot_noncached(vma->vm_page_prot), NULL);
}

static int nd_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct nd_dev *nd = to_nd(ibpd->device);
	struct nd_pd *pd = container_of(ibpd, struct nd_pd, ibpd);
	struct mlx4_ib_alloc_pd_resp resp = { };
	struct nd_ioctl_pd_create m = { };
	struct nd_ucontext *uc;
	int ret;

	/* kernel PDs would need a kernel data path, which ND has not */
	if (!udata)
		return -EOPNOTSUPP;
	uc = rdma_udata_to_drv_context(udata, struct nd_ucontext, ibuc);
	m.in.version = ND_IOCTL_VERSION;
	m.in.handle = uc->proc->adapter;
	ret = nd_ioctl(nd, &uc->proc->file, IOCTL_ND_PD_CREATE, &m, sizeof(m), NULL);
	if (ret)
		return ret;
	if (!m.pd_handle || m.resp.pd_handle != m.pd_handle ||
	    m.resp.pdn >= BIT(24)) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host's PD is not usable (pdn 0x%x)\n",
				    m.resp.pdn);
		if (m.pd_handle)
			nd_close_handle(nd, &uc->proc->file, IOCTL_ND_PD_FREE,
					m.pd_handle);
		return -EIO;
	}
	pd->handle = m.pd_handle;
	pd->pdn = m.resp.pdn;
	resp.pdn = pd->pdn;
	ret = ib_copy_to_udata(udata, &resp, min_t(size_t, udata->outlen,
						   sizeof(resp)));
	if (ret)
		nd_close_handle(nd, &uc->proc->file, IOCTL_ND_PD_FREE, pd->handle);
	return ret;
}

static int nd_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct nd_pd *pd = container_of(ibpd, struct nd_pd, ibpd);
	struct nd_ucontext *uc = rdma_udata_to_drv_context(udata,
							    struct nd_ucontext,
							    ibuc);

	/* only user PDs exist (nd_alloc_pd), but a NULL udata must not crash */
	if (uc)
		nd_close_handle(to_nd(ibpd->device), &uc->proc->file,
				IOCTL_ND_PD_FREE, pd->handle);
	return 0;
}

COMPAT_IB_CREATE_CQ(nd_create_cq)
COMPAT_IB_CREATE_QP(nd_create_qp, struct nd_qp, ibqp)
COMPAT_IB_DESTROY_QP(nd_destroy_qp, struct nd_qp, ibqp)

/*
 * The data path is libmlx4's, in user space: there is none in the kernel
 * (the core wants these for kernel users, which get "not supported").
 */
static int nd_post_send(struct ib_qp *qp, const struct ib_send_wr *wr,
			const struct ib_send_wr **bad)
{
	*bad = wr;
	return -EOPNOTSUPP;
}

static int nd_post_recv(struct ib_qp *qp, const struct ib_recv_wr *wr,
			const struct ib_recv_wr **bad)
{
	*bad = wr;
	return -EOPNOTSUPP;
}

static int nd_poll_cq(struct ib_cq *cq, int n, struct ib_wc *wc)
{
	return -EOPNOTSUPP;
}

static int nd_req_notify_cq(struct ib_cq *cq, enum ib_cq_notify_flags flags)
{
	return -EOPNOTSUPP;
}

static struct ib_mr *nd_get_dma_mr(struct ib_pd *pd, int access)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void nd_iw_add_ref(struct ib_qp *ibqp)
{
	nd_qp_get(to_nd_qp(ibqp));
}

static void nd_iw_rem_ref(struct ib_qp *ibqp)
{
	nd_qp_put(to_nd_qp(ibqp));
}

/* a QP number the CM got from user space: NULL if it names none */
static struct ib_qp *nd_iw_get_qp(struct ib_device *ibdev, int qpn)
{
	struct nd_qp *qp = xa_load(&to_nd(ibdev)->qps, qpn);

	return qp ? &qp->ibqp : NULL;
}

static const struct ib_device_ops nd_ops = {
	.owner = THIS_MODULE,
	.driver_id = RDMA_DRIVER_MLX4,
	.uverbs_abi_ver = MLX4_IB_UVERBS_ABI_VERSION,

	.query_device = nd_query_device,
	.query_port = nd_query_port,
	.get_port_immutable = nd_get_port_immutable,
	.query_gid = nd_query_gid,
	.query_pkey = nd_query_pkey,
	.alloc_ucontext = nd_alloc_ucontext,
	.dealloc_ucontext = nd_dealloc_ucontext,
	.mmap = nd_mmap,
	.alloc_pd = nd_alloc_pd,
	.dealloc_pd = nd_dealloc_pd,
	.create_cq = nd_create_cq_compat,
	.destroy_cq = nd_destroy_cq,
	.create_qp = nd_create_qp_compat,
	.modify_qp = nd_modify_qp,
	.query_qp = nd_query_qp,
	.destroy_qp = nd_destroy_qp_compat,
	.reg_user_mr = nd_reg_user_mr,
	.dereg_mr = nd_dereg_mr,
	.post_send = nd_post_send,
	.post_recv = nd_post_recv,
	.poll_cq = nd_poll_cq,
	.req_notify_cq = nd_req_notify_cq,
	.get_dma_mr = nd_get_dma_mr,
	.iw_connect = nd_iw_connect,
	.iw_accept = nd_iw_accept,
	.iw_reject = nd_iw_reject,
	.iw_create_listen = nd_iw_create_listen,
	.iw_destroy_listen = nd_iw_destroy_listen,
	.iw_add_ref = nd_iw_add_ref,
	.iw_rem_ref = nd_iw_rem_ref,
	.iw_get_qp = nd_iw_get_qp,

	INIT_RDMA_OBJ_SIZE(ib_ucontext, nd_ucontext, ibuc),
	INIT_RDMA_OBJ_SIZE(ib_pd, nd_pd, ibpd),
	INIT_RDMA_OBJ_SIZE(ib_cq, nd_cq, ibcq),
	COMPAT_IB_QP_OBJ_SIZE(nd_qp, ibqp)
};

int nd_register(struct nd_dev *nd, struct net_device *ndev)
{
	struct ib_device *ibdev = &nd->ibdev;
	int ret;

	ret = nd_query_adapter(nd);
	if (ret)
		return ret;
	ib_set_device_ops(ibdev, &nd_ops);
	ibdev->node_type = RDMA_NODE_RNIC;
	ibdev->phys_port_cnt = 1;
	ibdev->num_comp_vectors = 1;
	ibdev->dev.parent = &nd->hdev->device;
	strscpy(ibdev->node_desc, "Hyper-V NetworkDirect", sizeof(ibdev->node_desc));
	addrconf_addr_eui48((u8 *)&ibdev->node_guid, nd->mac);
	/*
	 * Linux 5.10 still asks each driver which commands it serves (the
	 * extended query_device is not among them there: libmlx4 falls
	 * back to the plain one); later kernels start from a full mask.
	 */
	ibdev->uverbs_cmd_mask |=
		BIT_ULL(IB_USER_VERBS_CMD_GET_CONTEXT) |
		BIT_ULL(IB_USER_VERBS_CMD_QUERY_DEVICE) |
		BIT_ULL(IB_USER_VERBS_CMD_QUERY_PORT) |
		BIT_ULL(IB_USER_VERBS_CMD_ALLOC_PD) |
		BIT_ULL(IB_USER_VERBS_CMD_DEALLOC_PD) |
		BIT_ULL(IB_USER_VERBS_CMD_CREATE_COMP_CHANNEL) |
		BIT_ULL(IB_USER_VERBS_CMD_CREATE_CQ) |
		BIT_ULL(IB_USER_VERBS_CMD_DESTROY_CQ) |
		BIT_ULL(IB_USER_VERBS_CMD_CREATE_QP) |
		BIT_ULL(IB_USER_VERBS_CMD_MODIFY_QP) |
		BIT_ULL(IB_USER_VERBS_CMD_QUERY_QP) |
		BIT_ULL(IB_USER_VERBS_CMD_DESTROY_QP) |
		BIT_ULL(IB_USER_VERBS_CMD_REG_MR) |
		BIT_ULL(IB_USER_VERBS_CMD_DEREG_MR);
	/* the iWARP port mapper has nothing to map: addresses are the NIC's */
	strscpy(ibdev->iw_ifname, ndev->name, sizeof(ibdev->iw_ifname));
	ibdev->iw_driver_flags = IW_F_NO_PORT_MAP;
	ret = ib_device_set_netdev(ibdev, ndev, 1);
	if (ret)
		return ret;
	ret = ib_register_device(ibdev, "mlx4_%d", NULL);
	if (ret)
		ib_device_set_netdev(ibdev, NULL, 1);
	return ret;
}

void nd_unregister(struct nd_dev *nd)
{
	ib_unregister_device(&nd->ibdev);
}
