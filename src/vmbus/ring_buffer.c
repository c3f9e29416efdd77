// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMBus ring buffers.  Wire format: hvlis/vmbus_ring.h.  Each packet is a
 * struct vmpacket_descriptor, payload, padding to 8 bytes and a u64 trailer
 * holding the write index at which the packet started.  The host owns the
 * outbound ring's read index and the inbound ring's write index; both are
 * checked on every use, and a ring whose indexes or packet lengths make no
 * sense is treated as empty (or full) with a rate-limited message.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hyperv_vmbus.h"

/* Map the control page once and the data pages twice, back to back. */
int hv_ringbuffer_init(struct hv_ring_buffer_info *rbi, struct page *pages,
		       u32 page_cnt)
{
	struct page **map;
	u32 data_pages = page_cnt - 1, i;
	void *va;

	if (page_cnt < 2)
		return -EINVAL;
	map = kcalloc(1 + 2 * data_pages, sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map[0] = pages;
	for (i = 0; i < data_pages; i++) {
		map[1 + i] = pages + 1 + i;
		map[1 + data_pages + i] = pages + 1 + i;
	}
	va = vmap(map, 1 + 2 * data_pages, VM_MAP, PAGE_KERNEL);
	kfree(map);
	if (!va)
		return -ENOMEM;

	/* ring_lock lives as long as the channel: vmbus_channel_init() */
	rbi->ring_buffer = va;
	rbi->ring_data = va + PAGE_SIZE;
	rbi->ring_datasize = data_pages * PAGE_SIZE;
	rbi->priv_read_index = 0;
	/* we honour pending_send_sz: the host may rely on it */
	rbi->ring_buffer->feature_bits.value = VMBUS_RING_FEAT_PENDING_SEND_SZ;
	return 0;
}

void hv_ringbuffer_cleanup(struct hv_ring_buffer_info *rbi)
{
	struct hv_ring_buffer *rb;
	unsigned long flags;

	/* a late sender sees no ring rather than an unmapped one */
	spin_lock_irqsave(&rbi->ring_lock, flags);
	rb = rbi->ring_buffer;
	rbi->ring_buffer = NULL;
	rbi->ring_data = NULL;
	spin_unlock_irqrestore(&rbi->ring_lock, flags);
	if (rb)
		vunmap(rb);
}

/* A ring index from the host: inside the data area and 8-byte aligned. */
static bool ring_index_ok(const struct hv_ring_buffer_info *rbi, u32 idx)
{
	return idx < rbi->ring_datasize && !(idx & (VMBUS_PKT_ALIGN - 1));
}

u32 hv_get_bytes_to_read(const struct hv_ring_buffer_info *rbi)
{
	u32 w = READ_ONCE(rbi->ring_buffer->write_index);
	u32 r = READ_ONCE(rbi->ring_buffer->read_index);

	if (!ring_index_ok(rbi, w) || !ring_index_ok(rbi, r))
		return 0;
	return vmbus_ring_bytes_to_read(r, w, rbi->ring_datasize);
}
EXPORT_SYMBOL_GPL(hv_get_bytes_to_read);

u32 hv_get_bytes_to_write(const struct hv_ring_buffer_info *rbi)
{
	u32 w = READ_ONCE(rbi->ring_buffer->write_index);
	u32 r = READ_ONCE(rbi->ring_buffer->read_index);

	if (!ring_index_ok(rbi, w) || !ring_index_ok(rbi, r))
		return 0;
	return vmbus_ring_bytes_to_write(r, w, rbi->ring_datasize);
}
EXPORT_SYMBOL_GPL(hv_get_bytes_to_write);

/*
 * Write one packet gathered from @kv.  The caller's first kvec is the
 * descriptor.  Returns -EAGAIN when the ring is full: a packet may never
 * fill it completely, or read == write would mean "empty".
 */
int hv_ringbuffer_write(struct vmbus_channel *chan, const struct kvec *kv,
			u32 kv_count)
{
	struct hv_ring_buffer_info *rbi = &chan->outbound;
	u32 total = 0, old_write, next, read, avail, i;
	unsigned long flags;
	u64 trailer;
	u8 *p;

	for (i = 0; i < kv_count; i++)
		total += kv[i].iov_len;
	total = vmbus_pkt_ring_bytes(total);

	spin_lock_irqsave(&rbi->ring_lock, flags);
	if (READ_ONCE(chan->rescind) || !rbi->ring_buffer) {
		spin_unlock_irqrestore(&rbi->ring_lock, flags);
		return chan->rescind ? -ENODEV : -EINVAL;
	}
	old_write = rbi->ring_buffer->write_index;	/* ours */
	read = READ_ONCE(rbi->ring_buffer->read_index);	/* the host's */
	if (!ring_index_ok(rbi, read) || !ring_index_ok(rbi, old_write)) {
		spin_unlock_irqrestore(&rbi->ring_lock, flags);
		dev_err_ratelimited(vmbus_chan_device(chan),
				    "channel %u: host corrupted the read index (%u)\n",
				    chan->offermsg.child_relid, read);
		return -EIO;
	}
	avail = vmbus_ring_bytes_to_write(read, old_write, rbi->ring_datasize);
	if (avail <= total) {
		chan->out_full_total++;
		if (!chan->out_full_flag) {
			chan->out_full_first++;
			chan->out_full_flag = true;
		}
		spin_unlock_irqrestore(&rbi->ring_lock, flags);
		return -EAGAIN;
	}
	chan->out_full_flag = false;

	/* The data area is mapped twice: one linear copy even across the end. */
	p = rbi->ring_data + old_write;
	for (i = 0; i < kv_count; i++) {
		memcpy(p, kv[i].iov_base, kv[i].iov_len);
		p += kv[i].iov_len;
	}
	memset(p, 0, rbi->ring_data + old_write + total - VMBUS_PKT_TRAILER_SIZE - p);
	trailer = vmbus_pkt_trailer(old_write);
	memcpy(rbi->ring_data + old_write + total - VMBUS_PKT_TRAILER_SIZE,
	       &trailer, sizeof(trailer));

	next = old_write + total;
	if (next >= rbi->ring_datasize)
		next -= rbi->ring_datasize;
	/* the packet must be complete before the host can see the index */
	virt_store_release(&rbi->ring_buffer->write_index, next);
	spin_unlock_irqrestore(&rbi->ring_lock, flags);

	/*
	 * Signal only if the host is not polling (interrupt_mask) and the ring
	 * was empty before this packet: otherwise an interrupt is on its way
	 * or the host is still reading.
	 */
	/* our write index must be visible before we read the host's state */
	virt_mb();
	if (READ_ONCE(rbi->ring_buffer->interrupt_mask))
		return 0;
	if (old_write == READ_ONCE(rbi->ring_buffer->read_index)) {
		chan->intr_out_empty++;
		vmbus_setevent(chan);
	}
	return 0;
}

/* Bytes between the iterator and the host's write index; 0 if corrupt. */
static u32 hv_pkt_iter_avail(struct vmbus_channel *chan)
{
	struct hv_ring_buffer_info *rbi = &chan->inbound;
	/* pairs with the host's release of write_index after the packet */
	u32 w = virt_load_acquire(&rbi->ring_buffer->write_index);

	if (!ring_index_ok(rbi, w)) {
		dev_err_ratelimited(vmbus_chan_device(chan),
				    "channel %u: host corrupted the write index (%u)\n",
				    chan->offermsg.child_relid, w);
		return 0;
	}
	return vmbus_ring_bytes_to_read(rbi->priv_read_index, w,
					rbi->ring_datasize);
}

/* Check the packet at the iterator and fill @pkt; false if none (or bad). */
bool vmbus_pkt_first(struct vmbus_channel *chan, struct vmbus_pkt *pkt)
{
	struct hv_ring_buffer_info *rbi = &chan->inbound;
	const struct vmpacket_descriptor *desc;
	u32 avail = hv_pkt_iter_avail(chan);
	u32 len, off;

	pkt->desc = NULL;
	if (avail < sizeof(*desc) + VMBUS_PKT_TRAILER_SIZE)
		return false;
	desc = (const void *)(rbi->ring_data + rbi->priv_read_index);
	/* read each host-written field once, then only the copies */
	len = (u32)READ_ONCE(desc->len8) << 3;
	off = (u32)READ_ONCE(desc->offset8) << 3;
	if (len < sizeof(*desc) || len + VMBUS_PKT_TRAILER_SIZE > avail ||
	    off < sizeof(*desc) || off > len) {
		dev_err_ratelimited(vmbus_chan_device(chan),
				    "channel %u: bad packet (len %u, offset %u, %u bytes in ring)\n",
				    chan->offermsg.child_relid, len, off, avail);
		return false;
	}
	pkt->desc = desc;
	pkt->len = len;
	pkt->data = (const u8 *)desc + off;
	pkt->datalen = len - off;
	pkt->type = READ_ONCE(desc->type);
	pkt->flags = READ_ONCE(desc->flags);
	pkt->trans_id = READ_ONCE(desc->trans_id);
	return true;
}
EXPORT_SYMBOL_GPL(vmbus_pkt_first);

/* Step past @pkt (which vmbus_pkt_first() checked) to the next one. */
bool vmbus_pkt_next(struct vmbus_channel *chan, struct vmbus_pkt *pkt)
{
	struct hv_ring_buffer_info *rbi = &chan->inbound;

	rbi->priv_read_index += pkt->len + VMBUS_PKT_TRAILER_SIZE;
	if (rbi->priv_read_index >= rbi->ring_datasize)
		rbi->priv_read_index -= rbi->ring_datasize;
	return vmbus_pkt_first(chan, pkt);
}
EXPORT_SYMBOL_GPL(vmbus_pkt_next);

/*
 * Publish what the iterator consumed.  If the host waits for room
 * (pending_send_sz) and this read made enough, signal it - but only on the
 * crossing, not for every read while there is room.
 */
void vmbus_pkt_iter_close(struct vmbus_channel *chan)
{
	struct hv_ring_buffer_info *rbi = &chan->inbound;
	u32 start, pending, now_free, freed;

	/* all reads of packet data are done before the host may reuse it */
	virt_mb();
	start = rbi->ring_buffer->read_index;
	WRITE_ONCE(rbi->ring_buffer->read_index, rbi->priv_read_index);
	if (!ring_index_ok(rbi, start))
		return;

	/* read_index must be visible before we look at pending_send_sz */
	virt_mb();
	pending = READ_ONCE(rbi->ring_buffer->pending_send_sz);
	if (!pending)
		return;
	now_free = hv_get_bytes_to_write(rbi);
	freed = vmbus_ring_bytes_to_read(start, rbi->priv_read_index,
					 rbi->ring_datasize);
	if (now_free <= pending || now_free - freed > pending)
		return;
	chan->intr_in_full++;
	vmbus_setevent(chan);
}
EXPORT_SYMBOL_GPL(vmbus_pkt_iter_close);

static int vmbus_recv(struct vmbus_channel *chan, void *buf, u32 buflen,
		      u32 *actual_len, u64 *requestid, bool raw)
{
	struct vmbus_pkt pkt;
	const void *src;
	u32 len;

	*actual_len = 0;
	*requestid = 0;
	if (!vmbus_pkt_first(chan, &pkt))
		return 0;
	src = raw ? (const void *)pkt.desc : pkt.data;
	len = raw ? pkt.len : pkt.datalen;
	*actual_len = len;
	*requestid = pkt.trans_id;
	if (len > buflen)
		return -ENOBUFS;
	memcpy(buf, src, len);
	vmbus_pkt_next(chan, &pkt);
	vmbus_pkt_iter_close(chan);
	return 0;
}

/* Copy out one packet's payload; *actual_len 0 when the ring is empty. */
int vmbus_recvpacket(struct vmbus_channel *chan, void *buf, u32 buflen,
		     u32 *actual_len, u64 *requestid)
{
	return vmbus_recv(chan, buf, buflen, actual_len, requestid, false);
}
EXPORT_SYMBOL_GPL(vmbus_recvpacket);

/* The same, descriptor included. */
int vmbus_recvpacket_raw(struct vmbus_channel *chan, void *buf, u32 buflen,
			 u32 *actual_len, u64 *requestid)
{
	return vmbus_recv(chan, buf, buflen, actual_len, requestid, true);
}
EXPORT_SYMBOL_GPL(vmbus_recvpacket_raw);
