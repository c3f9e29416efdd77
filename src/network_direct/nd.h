/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_network_direct: guest RDMA over Hyper-V's NetworkDirect VSP
 * ("Endure", protocol in hvlis/nd.h).  The driver registers an ib_device
 * that rdma-core's mlx4 provider takes for a ConnectX-3: the control
 * verbs go to the host as ND IOCTLs, the data path (queues, doorbells,
 * completions) stays between user space and the adapter.
 *
 * main.c is the module, the channel handshake and the binding to the
 * RDMA NIC; transport.c the requests and the host's answers; verbs.c the
 * ib_device.
 */
#ifndef HV_NETWORK_DIRECT_H
#define HV_NETWORK_DIRECT_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>

#include <hvlis/nd.h>
#include <hvlis/vmbus.h>

/* rings of 64 pages each way, as Microsoft's guest */
#define ND_RING_SIZE		(64 * PAGE_SIZE)
/* how long the host may take to answer a request */
#define ND_TIMEOUT		(30 * HZ)

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
	/* the adapter's limits, from the first ADAPTER_QUERY */
	struct nd_adapter_info info;
	struct nd_mlx4_get_context_resp caps;
	bool info_valid;
	atomic_t next_file;		/* guest ids of files */
};

/* a user context: the process's pair of host files and its adapter */
struct nd_ucontext {
	struct ib_ucontext ibuc;	/* first: the core allocates it */
	struct ndv_context_handle file;	/* the primary file */
	struct ndv_context_handle overlapped;
	u64 adapter;			/* the adapter handle */
	u64 uar;			/* guest-physical UAR page */
};

struct nd_pd {
	struct ib_pd ibpd;		/* first */
	u64 handle;
	u32 pdn;
};

struct nd_cq {
	struct ib_cq ibcq;		/* first */
};

struct nd_qp {
	struct ib_qp ibqp;		/* first */
};

static inline struct nd_dev *to_nd(struct ib_device *ibdev)
{
	return container_of(ibdev, struct nd_dev, ibdev);
}

static inline struct nd_ucontext *to_nd_uc(struct ib_ucontext *uc)
{
	return container_of(uc, struct nd_ucontext, ibuc);
}

/* transport.c */
void nd_on_channel(void *context);
/*
 * Send @msg (@len bytes, completion requested) and wait for the answer:
 * up to @cap bytes of it in @answer, the length in *@got.  0, or
 * -ETIMEDOUT, -EINTR (killed), -ENODEV (closing) or the send's error.
 */
int nd_request(struct nd_dev *nd, const void *msg, u32 len, void *answer,
	       u32 cap, u32 *got);
/* every waiter gives up: the channel goes */
void nd_transport_stop(struct nd_dev *nd);
/*
 * An IOCTL on @file: @buf (@len bytes, in and out).  0 when the host
 * says STATUS_SUCCESS, -EIO for a transport failure or a malformed
 * answer, -EINVAL for another NTSTATUS (*@ntstatus has it when given).
 */
int nd_ioctl(struct nd_dev *nd, const struct ndv_context_handle *file,
	     u32 code, void *buf, u32 len, u32 *ntstatus);
/* CREATE and CLEANUP of a file */
int nd_file_create(struct nd_dev *nd, struct ndv_context_handle *file);
void nd_file_cleanup(struct nd_dev *nd, const struct ndv_context_handle *file);

/* main.c: the adapter id BIND gave the host, for ADAPTER_OPEN */
u64 nd_adapter_id(struct nd_dev *nd);

/* verbs.c */
/* an IOCTL whose input is just an nd_handle (ADAPTER_CLOSE, PD_FREE ...) */
void nd_close_handle(struct nd_dev *nd, const struct ndv_context_handle *file,
		     u32 code, u64 handle);
int nd_register(struct nd_dev *nd, struct net_device *ndev);
void nd_unregister(struct nd_dev *nd);

#endif /* HV_NETWORK_DIRECT_H */
