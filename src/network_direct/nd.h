/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_network_direct: guest RDMA over Hyper-V's NetworkDirect VSP
 * ("Endure", protocol in hvlis/nd.h).  The driver registers an ib_device
 * that rdma-core's mlx4 provider takes for a ConnectX-3: the control
 * verbs go to the host as ND IOCTLs, the data path (queues, doorbells,
 * completions) stays between user space and the adapter.
 *
 * main.c is the module, the channel handshake and the binding to the
 * RDMA NIC, addr.c /dev/hvnd_rdma; transport.c the requests and the
 * host's answers; verbs.c the ib_device, pin.c pinned user memory,
 * cq.c, qp.c and mr.c its objects, cm.c the iWARP connection manager.
 */
#ifndef HV_NETWORK_DIRECT_H
#define HV_NETWORK_DIRECT_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <rdma/ib_verbs.h>
#include <rdma/iw_cm.h>

#include <hvlis/nd.h>
#include <hvlis/vmbus.h>

/* rings of 64 pages each way, as Microsoft's guest */
#define ND_RING_SIZE		(64 * PAGE_SIZE)
/* how long the host may take to answer a request */
#define ND_TIMEOUT		(30 * HZ)
/* libmlx4's CQE size; nd_adapter_open() refuses a host with another */
#define ND_CQE_SIZE		32
/* the most of each the driver takes from a host (a ConnectX-3's) */
#define ND_MAX_CQE		65535U
#define ND_MAX_WR		16384U
#define ND_MAX_SGE		32U
#define ND_MAX_INLINE		1024U

struct nd_dev {
	struct ib_device ibdev;		/* first: ib_alloc_device() */
	struct hv_device *hdev;
	struct resource *mmio;		/* the UAR window (INIT_RESOURCES) */
	u32 version;
	/* requests waiting for the host (transport.c) */
	spinlock_t lock;
	struct list_head pending;
	u64 next_id;
	bool closing;
	/* the RDMA NIC, once the host accepted a BIND */
	struct mutex bind_lock;
	struct work_struct bind_work;
	struct notifier_block inet_nb;
	struct notifier_block netdev_nb;
	bool bound;
	bool registered;
	int ifindex;
	__be32 ip;
	u8 mac[ETH_ALEN];
	/* asynchronous IOCTLs (transport.c): the table, the COMPLETEs queued */
	struct xarray irps;		/* IRP id -> struct nd_irp */
	struct list_head completes;
	struct work_struct complete_work;
	struct workqueue_struct *wq;	/* ordered: COMPLETEs, CM events */
	/* the adapter's limits, from the first ADAPTER_QUERY */
	struct nd_adapter_info info;
	struct nd_mlx4_get_context_resp caps;
	bool info_valid;
	atomic_t next_file;		/* guest ids of files */
	struct xarray qps;		/* QP number -> struct nd_qp */
	struct mutex uc_lock;		/* procs, and each one's eps */
	struct list_head procs;
	struct list_head addr_node;	/* addr.c's devices */
};

/*
 * An IOCTL the host completes later with a COMPLETE packet; @done runs
 * on nd->wq with its status and output.  @done owns the IRP: it frees
 * it, or, if someone may wait for it (nd_irp_wait()), ends with
 * nd_irp_finished() and touches it no more.
 */
struct nd_irp {
	u32 id;
	u32 code;
	void (*done)(struct nd_irp *irp, u32 status, const u8 *out, u32 len);
	struct completion finished;
};

/*
 * A process's pair of host files and the adapter opened on them, shared
 * by every user context the process opens on the device (LIS
 * provider.c keys its contexts by PID): the host's objects of one
 * connection (listener, connector, QP) must be one file's, and
 * librdmacm opens a context of its own beside the application's.
 */
struct nd_proc {
	struct kref ref;		/* its contexts' and its eps' */
	struct ndv_context_handle file;	/* the primary file */
	struct ndv_context_handle overlapped;
	u64 adapter;			/* the adapter handle */
	u64 uar;			/* guest-physical UAR page */
	struct nd_mlx4_get_context_resp caps;
	pid_t tgid;
	unsigned int users;		/* its user contexts (nd->uc_lock) */
	/*
	 * The files are closed (the last context went): an ep still
	 * holding the process tells the host nothing more.  The host
	 * refuses a closed file's handle, whose guest id is never reused.
	 */
	bool closed;
	struct list_head node;		/* nd->procs */
	/* listeners and requests not yet a QP's (nd->uc_lock) */
	struct list_head eps;
};

/* a user context: its process's files */
struct nd_ucontext {
	struct ib_ucontext ibuc;	/* first: the core allocates it */
	struct nd_proc *proc;
};

struct nd_pd {
	struct ib_pd ibpd;		/* first */
	u64 handle;
	u32 pdn;
};

/*
 * Memory the host works on: pinned user pages (nd_pin()) or a piece of
 * the driver's own memory (nd_pin_kernel()).
 */
struct nd_pinned {
	struct page **pages;
	struct page *kpage;		/* pages[0] of kernel memory */
	struct mm_struct *mm;		/* whose locked_vm it counts in */
	unsigned long npages;
	u32 offset;			/* of the first byte in pages[0] */
	u64 length;
	bool write;
};

/*
 * At most this many pages in one range: a CQ of 64 Ki entries, a QP of
 * 2 MiB, a 2 MiB memory region's frame list (the extended data and the
 * GPA-direct list each stay under 4 KiB of frame numbers)
 */
#define ND_MAX_PIN_PAGES	512

/* a CQ_NOTIFY of a CQ; two, as one is re-armed while the other ends */
struct nd_cq_irp {
	struct nd_irp irp;
	struct nd_cq *cq;
};

struct nd_cq {
	struct ib_cq ibcq;		/* first */
	u64 handle;
	u32 cqn;
	struct nd_ucontext *uc;		/* whose file it was made on */
	/* completion events: one CQ_NOTIFY always pending (cq.c) */
	struct mutex notify_lock;
	struct nd_cq_irp notify[2];
	struct nd_cq_irp *armed;	/* the pending one, or NULL */
	bool dying;
	/* the arm sequence number, which the host keeps here */
	u32 *arm_sn;
	struct nd_pinned buf;		/* the CQEs */
	struct nd_pinned db;		/* the doorbell record */
};

struct nd_qp {
	struct ib_qp ibqp;		/* first */
	u64 handle;
	struct nd_ucontext *uc;		/* whose file it was made on */
	struct mutex lock;		/* state */
	enum ib_qp_state state;
	struct nd_pinned buf;		/* the receive and send queues */
	struct nd_pinned db;		/* the receive doorbell record */
	struct nd_ep *ep;		/* its connection (cm.c) */
	bool dying;			/* destroy began: no new connection */
	/* ours and the iWARP CM's; destroy waits for the last */
	refcount_t refs;
	struct completion released;
};

static inline struct nd_dev *to_nd(struct ib_device *ibdev)
{
	return container_of(ibdev, struct nd_dev, ibdev);
}

static inline struct nd_ucontext *to_nd_uc(struct ib_ucontext *uc)
{
	return container_of(uc, struct nd_ucontext, ibuc);
}

static inline struct nd_pd *to_nd_pd(struct ib_pd *ibpd)
{
	return container_of(ibpd, struct nd_pd, ibpd);
}

static inline struct nd_cq *to_nd_cq(struct ib_cq *ibcq)
{
	return container_of(ibcq, struct nd_cq, ibcq);
}

static inline struct nd_qp *to_nd_qp(struct ib_qp *ibqp)
{
	return container_of(ibqp, struct nd_qp, ibqp);
}

/*
 * A listener or connector (cm.c): the host's object, in one user
 * context's file
 */
struct nd_ep {
	struct nd_dev *nd;
	struct nd_proc *proc;		/* referenced */
	u64 handle;
	bool listener;
	struct mutex lock;		/* cm_id, pending, closing */
	struct iw_cm_id *cm_id;		/* referenced while set */
	struct nd_qp *qp;		/* connector: its QP (referenced) */
	struct nd_ep *parent;		/* waiting in the listener's GCR */
	struct nd_ep *pending;		/* listener: the connector waiting */
	bool closing;			/* listener being destroyed */
	bool irp_posted, notify_posted;
	bool established;		/* CLOSE is due (ep->lock) */
	bool disc_posted, disc_failed;	/* DISCONNECT (ep->lock) */
	u32 accept_status;		/* ACCEPT's NTSTATUS */
	struct list_head uc_node;	/* proc->eps while not a QP's */
	u8 ird, ord;
	struct nd_irp irp;		/* GCR, CONNECT or ACCEPT */
	struct nd_irp notify;		/* NOTIFY_DISCONNECT */
	struct nd_irp disc;		/* DISCONNECT */
};

/* a COMPLETE's header and the largest IOCTL output one carries */
#define ND_COMPLETE_MAX		(sizeof(struct ndv_pkt_control) + 512)

/* transport.c */
void nd_complete_work(struct work_struct *work);
int nd_ioctl_async(struct nd_dev *nd, const struct ndv_context_handle *file,
		   u32 code, void *buf, u32 len, struct nd_irp *irp);
bool nd_irp_wait(struct nd_dev *nd, struct nd_irp *irp);
void nd_irp_finished(struct nd_irp *irp);
void nd_on_channel(void *context);
/*
 * Send @msg (@len bytes, completion requested) and wait for the answer:
 * up to @cap bytes of it in @answer, the length in *@got.  0, or
 * -ETIMEDOUT, -ENODEV (closing) or the send's error.  Not interruptible:
 * an exiting process's teardown must still reach the host, and the
 * wait is bounded.
 */
int nd_request(struct nd_dev *nd, const void *msg, u32 len, void *answer,
	       u32 cap, u32 *got);
/* every waiter gives up: the channel goes */
void nd_transport_stop(struct nd_dev *nd);
/* once it is closed: pending IRPs end, cancelled */
void nd_transport_drain(struct nd_dev *nd);
/*
 * An IOCTL on @file: @buf (@len bytes, in and out).  0 when the host
 * says STATUS_SUCCESS, -EIO for a transport failure or a malformed
 * answer, -EINVAL for another NTSTATUS (*@ntstatus has it when given).
 */
int nd_ioctl(struct nd_dev *nd, const struct ndv_context_handle *file,
	     u32 code, void *buf, u32 len, u32 *ntstatus);
/* the same with extended data (@ext, @ext_len bytes) after the buffer */
int nd_ioctl_ext(struct nd_dev *nd, const struct ndv_context_handle *file,
		 u32 code, void *buf, u32 len, const void *ext, u32 ext_len,
		 u32 *ntstatus);
/*
 * Either of them, or with @desc a GPA-direct packet whose one range is
 * the extended data (@ext_len bytes of it; @ext unused)
 */
int nd_ioctl_send(struct nd_dev *nd, const struct ndv_context_handle *file,
		  u32 code, void *buf, u32 len, const void *ext, u32 ext_len,
		  struct vmbus_packet_mpb_array *desc, u32 desc_size,
		  u32 *ntstatus);
/* CREATE and CLEANUP of a file */
int nd_file_create(struct nd_dev *nd, struct ndv_context_handle *file);
void nd_file_cleanup(struct nd_dev *nd, const struct ndv_context_handle *file);

/* addr.c: /dev/hvnd_rdma */
int nd_addr_init(void);
void nd_addr_exit(void);
void nd_addr_add(struct nd_dev *nd);
void nd_addr_del(struct nd_dev *nd);
/* WALinuxAgent's address, if it wrote one: 0 */
int nd_addr_agent(__be32 *ip, u8 *mac);

/* main.c: the adapter id BIND gave the host, for ADAPTER_OPEN */
u64 nd_adapter_id(struct nd_dev *nd);

/* pin.c */
/* pin @len bytes of the current process's memory at @addr */
int nd_pin_max(struct nd_pinned *p, u64 addr, u64 len, bool write,
	       unsigned long max_pages);
/* at most ND_MAX_PIN_PAGES */
int nd_pin(struct nd_pinned *p, u64 addr, u64 len, bool write);
int nd_pin_kernel(struct nd_pinned *p, void *addr, u32 len);
void nd_unpin(struct nd_pinned *p);
/* extended data describing @n ranges, mapping order; kfree() it */
void *nd_ext_ranges(const struct nd_pinned *const *ranges, u32 n, u32 *len);

/* verbs.c */
/* an IOCTL whose input is just an nd_handle (ADAPTER_CLOSE, PD_FREE ...) */
int nd_close_handle(struct nd_dev *nd, const struct ndv_context_handle *file,
		    u32 code, u64 handle);
int nd_register(struct nd_dev *nd, struct net_device *ndev);

/* cq.c */
int nd_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		 struct ib_udata *udata);
int nd_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata);

/* qp.c */
int nd_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *attr,
		 struct ib_udata *udata);
int nd_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata);
int nd_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		 struct ib_udata *udata);
int nd_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		struct ib_qp_init_attr *init);
void nd_qp_get(struct nd_qp *qp);

/* cm.c */
int nd_iw_connect(struct iw_cm_id *cm_id, struct iw_cm_conn_param *p);
int nd_iw_accept(struct iw_cm_id *cm_id, struct iw_cm_conn_param *p);
int nd_iw_reject(struct iw_cm_id *cm_id, const void *pdata, u8 len);
int nd_iw_create_listen(struct iw_cm_id *cm_id, int backlog);
int nd_iw_destroy_listen(struct iw_cm_id *cm_id);
/* the QP leaves its connection; @destroy: and lets go of the connector */
void nd_cm_qp_disconnect(struct nd_qp *qp, bool destroy);
/* the user context goes: its listeners and requests let go of it */
void nd_cm_proc_gone(struct nd_dev *nd, struct nd_proc *proc);
void nd_proc_put(struct nd_proc *proc);

static inline bool nd_proc_open(struct nd_proc *proc)
{
	return !READ_ONCE(proc->closed);
}
void nd_uc_forget(struct nd_ep *ep);

/* mr.c */
struct ib_mr *nd_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 length,
			     u64 iova, int access, struct ib_udata *udata);
int nd_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata);
void nd_qp_put(struct nd_qp *qp);
void nd_unregister(struct nd_dev *nd);

#endif /* HV_NETWORK_DIRECT_H */
