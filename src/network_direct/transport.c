// SPDX-License-Identifier: GPL-2.0-only
/*
 * Requests to the ND host and its answers.
 *
 * Every request goes out in-band with a completion requested and a
 * transaction id of our own; the host answers with a packet carrying the
 * same id and the request's fixed part, outputs filled in (LIS
 * vmbus_rdma.c, hvnd_callback()).  Microsoft's guest used the address of
 * a stack cookie as the id; here a waiter sits on a list under its id
 * and is taken off it, under the lock the channel callback holds while
 * it copies an answer, before the waiter returns, so a late or forged
 * answer finds nobody and is dropped.
 *
 * The host is not trusted: an answer is copied at most to the waiter's
 * buffer size, its length is reported so the caller can check it, and a
 * packet that answers no waiter is dropped with a rate-limited line.
 */
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "nd.h"

struct nd_waiter {
	struct list_head node;
	u64 id;
	void *answer;
	u32 cap;
	u32 got;
	struct completion done;
};

/* the channel callback: answers to waiters, completions acknowledged */
void nd_on_channel(void *context)
{
	struct nd_dev *nd = context;
	struct vmbus_channel *chan = nd->hdev->channel;
	struct vmbus_pkt pkt;

	for_each_vmbus_pkt(chan, &pkt) {
		struct nd_waiter *w, *found = NULL;
		unsigned long flags;

		if (pkt.flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
			vmbus_sendpacket(chan, NULL, 0, pkt.trans_id,
					 VM_PKT_COMP, 0);
		spin_lock_irqsave(&nd->lock, flags);
		list_for_each_entry(w, &nd->pending, node) {
			if (w->id == pkt.trans_id) {
				found = w;
				break;
			}
		}
		if (found) {
			found->got = pkt.datalen;
			memcpy(found->answer, pkt.data,
			       min(pkt.datalen, found->cap));
			list_del_init(&found->node);
			complete(&found->done);
		}
		spin_unlock_irqrestore(&nd->lock, flags);
		if (!found)
			dev_err_ratelimited(&nd->hdev->device,
					    "dropped a host packet (type %u, %u bytes) that answers no request\n",
					    pkt.type, pkt.datalen);
	}
	vmbus_pkt_iter_close(chan);
}

int nd_request(struct nd_dev *nd, const void *msg, u32 len, void *answer,
	       u32 cap, u32 *got)
{
	struct nd_waiter w = { .answer = answer, .cap = cap };
	unsigned long flags;
	long left;
	int ret;

	init_completion(&w.done);
	spin_lock_irqsave(&nd->lock, flags);
	if (nd->closing) {
		spin_unlock_irqrestore(&nd->lock, flags);
		return -ENODEV;
	}
	w.id = ++nd->next_id;
	list_add_tail(&w.node, &nd->pending);
	spin_unlock_irqrestore(&nd->lock, flags);

	ret = vmbus_sendpacket(nd->hdev->channel, msg, len, w.id,
			       VM_PKT_DATA_INBAND,
			       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (!ret) {
		left = wait_for_completion_killable_timeout(&w.done, ND_TIMEOUT);
		ret = left > 0 ? 0 : left == 0 ? -ETIMEDOUT : -EINTR;
	}
	/* after this nobody writes to @answer */
	spin_lock_irqsave(&nd->lock, flags);
	if (!list_empty(&w.node))
		list_del_init(&w.node);
	else if (ret == -EINTR || ret == -ETIMEDOUT)
		ret = 0;	/* answered just now */
	spin_unlock_irqrestore(&nd->lock, flags);
	if (!ret && w.got == 0 && nd->closing)
		ret = -ENODEV;
	if (ret == -ETIMEDOUT)
		dev_err_ratelimited(&nd->hdev->device,
				    "the host did not answer within %u s\n",
				    ND_TIMEOUT / HZ);
	*got = w.got;
	return ret;
}

/* wake every waiter: nothing more will be answered */
void nd_transport_stop(struct nd_dev *nd)
{
	struct nd_waiter *w, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&nd->lock, flags);
	nd->closing = true;
	list_for_each_entry_safe(w, tmp, &nd->pending, node) {
		list_del_init(&w->node);
		w->got = 0;
		complete(&w->done);
	}
	spin_unlock_irqrestore(&nd->lock, flags);
}

int nd_ioctl(struct nd_dev *nd, const struct ndv_context_handle *file,
	     u32 code, void *buf, u32 len, u32 *ntstatus)
{
	struct ndv_pkt_control *h;
	u32 got = 0;
	u8 *msg;
	int ret;

	msg = kzalloc(sizeof(*h) + len, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	h = (struct ndv_pkt_control *)msg;
	h->hdr.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CONTROL,
					     NDV_PACKET_OPTION_REQUIRES_PASSIVE);
	h->hdr.hdr_sz = sizeof(*h);
	h->hdr.data_sz = len;
	h->file_handle = *file;
	h->io_cntrl_code = code;
	h->output_buf_sz = len;
	h->input_buf_sz = len;
	memcpy(msg + sizeof(*h), buf, len);

	ret = nd_request(nd, msg, sizeof(*h) + len, msg, sizeof(*h) + len, &got);
	if (ret)
		goto out;
	/* the header and, on success, the whole buffer must come back */
	if (got < sizeof(*h) || h->hdr.status ||
	    NDV_PACKET_TYPE_ID(h->hdr.packet_type) != NDV_PKT_ID1_CONTROL ||
	    h->io_cntrl_code != code) {
		dev_err_ratelimited(&nd->hdev->device,
				    "IOCTL 0x%x: the host's answer is not one (%u bytes, status 0x%x)\n",
				    code, got, got >= sizeof(*h) ? h->hdr.status : 0);
		ret = -EIO;
		goto out;
	}
	if (ntstatus)
		*ntstatus = h->io_status;
	if (h->io_status != ND_STATUS_SUCCESS) {
		ret = -EINVAL;
		goto out;
	}
	if (got < sizeof(*h) + len) {
		dev_err_ratelimited(&nd->hdev->device,
				    "IOCTL 0x%x: %u bytes answered, %zu expected\n",
				    code, got, sizeof(*h) + len);
		ret = -EIO;
		goto out;
	}
	memcpy(buf, msg + sizeof(*h), len);
out:
	kfree(msg);
	return ret;
}

int nd_file_create(struct nd_dev *nd, struct ndv_context_handle *file)
{
	struct ndv_pkt_create m = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CREATE,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE),
			.hdr_sz = sizeof(m),
		},
		.access_mask = ND_STANDARD_RIGHTS_ALL,
		.open_options = ND_OPEN_EXISTING,
		.file_attributes = ND_FILE_ATTRIBUTE_NORMAL,
		.share_access = ND_FILE_SHARE_ALL,
	};
	u32 got = 0;
	int ret;

	m.handle.local = atomic_inc_return(&nd->next_file);
	ret = nd_request(nd, &m, sizeof(m), &m, sizeof(m), &got);
	if (ret)
		return ret;
	if (got < sizeof(m) || m.hdr.status || !m.handle.remote) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host did not open a file (status 0x%x)\n",
				    m.hdr.status);
		return -EIO;
	}
	*file = m.handle;
	return 0;
}

void nd_file_cleanup(struct nd_dev *nd, const struct ndv_context_handle *file)
{
	struct ndv_pkt_cleanup m = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CLEANUP,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE),
			.hdr_sz = sizeof(m),
		},
		.handle = *file,
	};
	u32 got = 0;

	if (nd_request(nd, &m, sizeof(m), &m, sizeof(m), &got) ||
	    got < sizeof(m.hdr) || m.hdr.status)
		dev_err_ratelimited(&nd->hdev->device,
				    "the host did not close file %u\n",
				    file->local);
}
