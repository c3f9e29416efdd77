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

/* a COMPLETE packet, copied out of the ring for the completion work */
struct nd_complete {
	struct list_head node;
	u32 len;
	u8 data[];
};

/* a COMPLETE: queued for nd_complete_work(); true if it was one */
static bool nd_take_complete(struct nd_dev *nd, const struct vmbus_pkt *pkt)
{
	struct nd_complete *c;
	unsigned long flags;
	u32 type;

	if (pkt->datalen < sizeof(struct ndv_pkt_control))
		return false;
	memcpy(&type, pkt->data, sizeof(type));
	if (NDV_PACKET_TYPE_ID(type) != NDV_PKT_ID1_COMPLETE)
		return false;
	if (pkt->datalen > ND_COMPLETE_MAX) {
		dev_err_ratelimited(&nd->hdev->device,
				    "dropped a COMPLETE of %u bytes\n",
				    pkt->datalen);
		return true;
	}
	/* without memory (the allocator says so) its IOCTL stays pending */
	c = kmalloc(struct_size(c, data, pkt->datalen), GFP_ATOMIC);
	if (!c)
		return true;
	c->len = pkt->datalen;
	memcpy(c->data, pkt->data, pkt->datalen);
	spin_lock_irqsave(&nd->lock, flags);
	list_add_tail(&c->node, &nd->completes);
	spin_unlock_irqrestore(&nd->lock, flags);
	queue_work(nd->wq, &nd->complete_work);
	return true;
}

/*
 * COMPLETEs in process context, in the order they came: the IRP named by
 * irp_handle.local is taken off the table and its handler called (with
 * the IOCTL's output after the header); one naming no IRP, or another
 * IOCTL than the IRP's, is dropped.
 */
void nd_complete_work(struct work_struct *work)
{
	struct nd_dev *nd = container_of(work, struct nd_dev, complete_work);
	struct ndv_pkt_control h;
	struct nd_complete *c;
	struct nd_irp *irp;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&nd->lock, flags);
		c = list_first_entry_or_null(&nd->completes,
					     struct nd_complete, node);
		if (c)
			list_del(&c->node);
		spin_unlock_irqrestore(&nd->lock, flags);
		if (!c)
			return;
		memcpy(&h, c->data, sizeof(h));
		/* looked at and taken at once: a timed-out waiter may free it */
		xa_lock_irq(&nd->irps);
		irp = xa_load(&nd->irps, h.irp_handle.local);
		if (irp && irp->code == h.io_cntrl_code)
			__xa_erase(&nd->irps, h.irp_handle.local);
		else
			irp = NULL;
		xa_unlock_irq(&nd->irps);
		if (irp) {
			/* it may free @irp: nothing touches it after */
			irp->done(irp, h.io_status, c->data + sizeof(h),
				  c->len - sizeof(h));
		} else {
			dev_err_ratelimited(&nd->hdev->device,
					    "dropped a COMPLETE of IOCTL 0x%x for no pending IRP (%u)\n",
					    h.io_cntrl_code, h.irp_handle.local);
		}
		kfree(c);
	}
}

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
		if (pkt.type == VM_PKT_DATA_INBAND && nd_take_complete(nd, &pkt))
			continue;
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

/* nd_request(), or with @desc a GPA-direct packet of that descriptor */
static int nd_send_wait(struct nd_dev *nd, struct vmbus_packet_mpb_array *desc,
			u32 desc_size, const void *msg, u32 len, void *answer,
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

	if (desc)
		ret = vmbus_sendpacket_mpb_desc(nd->hdev->channel, desc,
						desc_size, msg, len, w.id);
	else
		ret = vmbus_sendpacket(nd->hdev->channel, msg, len, w.id,
				       VM_PKT_DATA_INBAND,
				       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (!ret) {
		left = wait_for_completion_timeout(&w.done, ND_TIMEOUT);
		ret = left ? 0 : -ETIMEDOUT;
	}
	/* after this nobody writes to @answer */
	spin_lock_irqsave(&nd->lock, flags);
	if (!list_empty(&w.node))
		list_del_init(&w.node);
	else if (ret == -ETIMEDOUT)
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

int nd_request(struct nd_dev *nd, const void *msg, u32 len, void *answer,
	       u32 cap, u32 *got)
{
	return nd_send_wait(nd, NULL, 0, msg, len, answer, cap, got);
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

/*
 * After the channel closed: COMPLETEs not yet handled are handled, and
 * IRPs the host never completed end as cancelled
 */
void nd_transport_drain(struct nd_dev *nd)
{
	struct nd_irp *irp;
	unsigned long id;

	flush_work(&nd->complete_work);
	xa_for_each(&nd->irps, id, irp) {
		if (xa_cmpxchg_irq(&nd->irps, id, irp, NULL, 0) != irp)
			continue;
		irp->done(irp, ND_STATUS_CANCELLED, NULL, 0);
	}
}

int nd_ioctl(struct nd_dev *nd, const struct ndv_context_handle *file,
	     u32 code, void *buf, u32 len, u32 *ntstatus)
{
	return nd_ioctl_ext(nd, file, code, buf, len, NULL, 0, ntstatus);
}

int nd_ioctl_ext(struct nd_dev *nd, const struct ndv_context_handle *file,
		 u32 code, void *buf, u32 len, const void *ext, u32 ext_len,
		 u32 *ntstatus)
{
	return nd_ioctl_send(nd, file, code, buf, len, ext, ext_len, NULL, 0,
			     ntstatus);
}

/*
 * The extended data follows the buffer in-band, at an 8-byte boundary
 * (its offset counts from the end of the header, LIS vmbus_rdma.c,
 * hvnd_init_hdr()); or, with @desc, it is the memory the GPA-direct
 * descriptor names, and the header says only its size (EXTERNAL_DATA,
 * hvnd_mr_register()).  The host answers the header and the buffer.
 */
static int nd_ioctl_irp(struct nd_dev *nd,
			const struct ndv_context_handle *file, u32 code,
			void *buf, u32 len, const void *ext, u32 ext_len,
			struct vmbus_packet_mpb_array *desc, u32 desc_size,
			u32 irp, u32 *ntstatus);

int nd_ioctl_send(struct nd_dev *nd, const struct ndv_context_handle *file,
		  u32 code, void *buf, u32 len, const void *ext, u32 ext_len,
		  struct vmbus_packet_mpb_array *desc, u32 desc_size,
		  u32 *ntstatus)
{
	return nd_ioctl_irp(nd, file, code, buf, len, ext, ext_len, desc,
			    desc_size, 0, ntstatus);
}

/*
 * An asynchronous IOCTL (LIS vmbus_rdma.c, hvnd_send_ioctl_pkt() with an
 * IRP handle): the host answers STATUS_PENDING at once and sends a
 * COMPLETE later, on which @irp->done runs (process context); it may
 * run before this returns.  0 once pending; an error if the host refused
 * it, and then @irp->done never runs.
 */
int nd_ioctl_async(struct nd_dev *nd, const struct ndv_context_handle *file,
		   u32 code, void *buf, u32 len, struct nd_irp *irp)
{
	u32 status = ND_STATUS_SUCCESS;
	int ret;

	irp->code = code;
	init_completion(&irp->finished);
	ret = xa_alloc_irq(&nd->irps, &irp->id, irp, xa_limit_31b,
			   GFP_KERNEL);
	if (ret)
		return ret;
	ret = nd_ioctl_irp(nd, file, code, buf, len, NULL, 0, NULL, 0, irp->id,
			   &status);
	if (ret == -EINVAL && status == ND_STATUS_PENDING)
		return 0;
	if (!ret) {
		dev_err_ratelimited(&nd->hdev->device,
				    "IOCTL 0x%x: the host did not queue it\n",
				    code);
		ret = -EIO;
	}
	/*
	 * Not pending: no COMPLETE should come.  If one came all the same,
	 * @irp->done has it (and owns @irp): as if it had been pending.
	 */
	if (xa_cmpxchg_irq(&nd->irps, irp->id, irp, NULL, 0) != irp)
		return 0;
	return ret;
}

/*
 * @irp is over: every wait for it returns, however many there are (a
 * disconnect waits in nd_ep_disconnect() and again at the QP's destroy)
 */
void nd_irp_finished(struct nd_irp *irp)
{
	complete_all(&irp->finished);
}

/*
 * After the IOCTL that cancels or ends what @irp waits for: @irp->done
 * has run (and ended with nd_irp_finished()), or after ND_TIMEOUT @irp is
 * taken off the table (false) and @irp->done never runs.  Waiting again
 * for an IRP that is over returns at once.
 */
bool nd_irp_wait(struct nd_dev *nd, struct nd_irp *irp)
{
	if (wait_for_completion_timeout(&irp->finished, ND_TIMEOUT))
		return true;
	if (xa_cmpxchg_irq(&nd->irps, irp->id, irp, NULL, 0) == irp) {
		dev_err_ratelimited(&nd->hdev->device,
				    "the host did not complete IOCTL 0x%x\n",
				    irp->code);
		nd_irp_finished(irp);
		return false;
	}
	/* completed just now */
	wait_for_completion(&irp->finished);
	return true;
}

static int nd_ioctl_irp(struct nd_dev *nd,
			const struct ndv_context_handle *file, u32 code,
			void *buf, u32 len, const void *ext, u32 ext_len,
			struct vmbus_packet_mpb_array *desc, u32 desc_size,
			u32 irp, u32 *ntstatus)
{
	u32 ext_off = ALIGN(len, 8), size = sizeof(struct ndv_pkt_control);
	struct ndv_pkt_control *h;
	u32 got = 0;
	u8 *msg;
	int ret;

	size += ext_len && !desc ? ext_off + ext_len : len;
	msg = kzalloc(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	h = (struct ndv_pkt_control *)msg;
	h->hdr.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CONTROL,
					     NDV_PACKET_OPTION_REQUIRES_PASSIVE |
					     (desc ? NDV_PACKET_OPTION_EXTERNAL_DATA : 0));
	h->hdr.hdr_sz = sizeof(*h);
	h->hdr.data_sz = size - sizeof(*h);
	h->file_handle = *file;
	h->irp_handle.local = irp;
	h->io_cntrl_code = code;
	h->output_buf_sz = len;
	h->input_buf_sz = len;
	memcpy(msg + sizeof(*h), buf, len);
	if (desc) {
		h->extended_data.size = ext_len;
	} else if (ext_len) {
		h->extended_data.size = ext_len;
		h->extended_data.offset = ext_off;
		memcpy(msg + sizeof(*h) + ext_off, ext, ext_len);
	}

	ret = nd_send_wait(nd, desc, desc_size, msg, size, msg,
			   sizeof(*h) + len, &got);
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
