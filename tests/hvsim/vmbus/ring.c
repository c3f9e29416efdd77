// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's view of a channel's ring buffers.
 *
 * A ring is a 4 KiB control page (struct hv_ring_buffer) and a data area,
 * all pages of the channel's ring GPADL, which need not be contiguous in
 * guest physical memory: every access walks the page list through
 * gm_ram_ptr(), which bounds-checks each page against guest RAM.
 *
 * hvsim reads the guest-to-host ring and writes the host-to-guest one.
 * The rules are those of drivers/hv/ring_buffer.c (Linux 6.12), seen from
 * the other side (summary in hvlis/vmbus_ring.h):
 *  - packet = descriptor + payload padded to 8 + u64 trailer whose upper
 *    half is the packet's start offset; len8/offset8 count from the
 *    descriptor; packets wrap byte-wise;
 *  - read_index == write_index is empty, so a writer needs strictly more
 *    free bytes than the packet takes (hv_ringbuffer_write);
 *  - the writer signals only on empty -> non-empty with interrupt_mask
 *    clear (hv_signal_on_write); a blocked writer sets pending_send_sz
 *    and the reader signals when free space crosses above it
 *    (hv_pkt_iter_close);
 *  - so a reader publishes read_index with a full barrier before it looks
 *    at write_index again, as the writer does between its write_index and
 *    its look at read_index (virt_mb in hv_signal_on_write).
 *
 * The index we own (read of the guest-to-host ring, write of the
 * host-to-guest ring) is kept privately and only published; the guest's
 * index is read fresh each time and validated (< data size, 8-aligned).
 * Packets are copied out once and checked on the copy.  A corrupt packet
 * makes the ring "broken" until the channel is reopened (there is no safe
 * way to find the next packet); a bad guest index only fails that call.
 */
#include <errno.h>
#include <string.h>

#include "vmbus/host.h"

#define OFF_WRITE	offsetof(struct hv_ring_buffer, write_index)
#define OFF_READ	offsetof(struct hv_ring_buffer, read_index)
#define OFF_MASK	offsetof(struct hv_ring_buffer, interrupt_mask)
#define OFF_PENDING	offsetof(struct hv_ring_buffer, pending_send_sz)

static uint32_t *ctrl(const struct ring *r, size_t off)
{
	uint8_t *p = gm_ram_ptr(&r->hs->gm, r->pfns[0] << HV_HYP_PAGE_SHIFT,
				HV_HYP_PAGE_SIZE);

	return p ? (uint32_t *)(p + off) : NULL;
}

static bool index_ok(const struct ring *r, uint32_t idx)
{
	return idx < r->size && !(idx & (VMBUS_PKT_ALIGN - 1));
}

/* the guest's index, or -1 (logged) if unreadable or out of range */
static int64_t guest_index(const struct ring *r, size_t off)
{
	uint32_t *p = ctrl(r, off), v;

	if (!p)
		return -1;
	v = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	if (!index_ok(r, v)) {
		log_guest("ring: guest %s index %u invalid (data size %u)",
			  off == OFF_READ ? "read" : "write", v, r->size);
		return -1;
	}
	return v;
}

/* copy @len (<= size) bytes at data offset @pos, wrapping */
static int ring_copy(const struct ring *r, uint32_t pos, void *buf,
		     uint32_t len, bool to_ring)
{
	uint8_t *b = buf;

	while (len) {
		uint32_t page = pos >> HV_HYP_PAGE_SHIFT;
		uint32_t in = pos & (HV_HYP_PAGE_SIZE - 1);
		uint32_t chunk = HV_HYP_PAGE_SIZE - in;
		uint8_t *p;

		if (chunk > len)
			chunk = len;
		p = gm_ram_ptr(&r->hs->gm,
			       (r->pfns[1 + page] << HV_HYP_PAGE_SHIFT) + in,
			       chunk);
		if (!p)
			return -EFAULT;
		if (to_ring)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		b += chunk;
		len -= chunk;
		pos += chunk;
		if (pos == r->size)
			pos = 0;
	}
	return 0;
}

static int ring_zero(const struct ring *r, uint32_t pos, uint32_t len)
{
	static const uint8_t zeros[VMBUS_PKT_ALIGN];

	return ring_copy(r, pos, (void *)zeros, len, true);
}

int ring_attach(struct ring *r, struct hvsim *hs, const uint64_t *pfns,
		uint32_t npages, bool host_reads)
{
	int64_t idx;

	memset(r, 0, sizeof(*r));
	if (npages < 2 || npages - 1 > UINT32_MAX / HV_HYP_PAGE_SIZE)
		return -EINVAL;
	r->hs = hs;
	r->pfns = pfns;
	r->npages = npages - 1;
	r->size = r->npages * (uint32_t)HV_HYP_PAGE_SIZE;
	/* start where the guest left the index we are going to own */
	idx = guest_index(r, host_reads ? OFF_READ : OFF_WRITE);
	if (idx < 0) {
		r->hs = NULL;
		return -EPROTO;
	}
	r->priv = (uint32_t)idx;
	return 0;
}

void ring_detach(struct ring *r)
{
	memset(r, 0, sizeof(*r));
}

int ring_peek(struct ring *r, uint8_t *buf, uint32_t cap, uint32_t *len)
{
	struct vmpacket_descriptor d, d2;
	uint32_t avail, total, off;
	uint64_t trailer;
	int64_t w;

	if (!r->hs || r->broken)
		return -EPROTO;
	w = guest_index(r, OFF_WRITE);
	if (w < 0)
		return -EPROTO;
	avail = vmbus_ring_bytes_to_read(r->priv, (uint32_t)w, r->size);
	if (!avail)
		return -ENOENT;
	/* the writer publishes whole packets: anything less is corrupt */
	if (avail < sizeof(d) + VMBUS_PKT_TRAILER_SIZE) {
		log_guest("ring: %u bytes at %u are no packet", avail, r->priv);
		goto broken;
	}
	if (ring_copy(r, r->priv, &d, sizeof(d), false))
		return -EFAULT;
	total = vmpacket_total_len(&d);
	off = vmpacket_data_offset(&d);
	if (total < sizeof(d) || off < sizeof(d) || off > total ||
	    total > avail - VMBUS_PKT_TRAILER_SIZE || total > cap) {
		log_guest("ring: bad packet at %u: len8 %u offset8 %u, %u bytes there",
			  r->priv, d.len8, d.offset8, avail);
		goto broken;
	}
	if (ring_copy(r, r->priv, buf, total, false) ||
	    ring_copy(r, (r->priv + total) % r->size, &trailer,
		      sizeof(trailer), false))
		return -EFAULT;
	/* the guest may rewrite the ring under us: the copy must agree */
	memcpy(&d2, buf, sizeof(d2));
	if (d2.len8 != d.len8 || d2.offset8 != d.offset8) {
		log_guest("ring: packet at %u changed while read", r->priv);
		goto broken;
	}
	if ((uint32_t)(trailer >> 32) != r->priv) {
		log_guest("ring: packet at %u has trailer 0x%llx", r->priv,
			  (unsigned long long)trailer);
		goto broken;
	}
	*len = total;
	return 0;
broken:
	r->broken = true;
	return -EPROTO;
}

int ring_consume(struct ring *r, uint32_t len)
{
	uint32_t *p = ctrl(r, OFF_READ);

	if (!p)
		return -EFAULT;
	r->priv = (r->priv + len + VMBUS_PKT_TRAILER_SIZE) % r->size;
	/* release: we are done with the bytes before the writer reuses them */
	__atomic_store_n(p, r->priv, __ATOMIC_RELEASE);
	/*
	 * A full barrier before our next look at write_index (ring_peek) or
	 * pending_send_sz (ring_read_signal).  The guest writes write_index,
	 * then (virt_mb) reads read_index to decide whether to signal us:
	 * without this, a store buffer may hide our read_index from it while
	 * we still see its old write_index - it sees a busy ring and does not
	 * signal, we see an empty one and stop reading, and nobody moves.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

bool ring_read_signal(struct ring *r, uint32_t bytes)
{
	uint32_t *pp = ctrl(r, OFF_PENDING), pending, now;
	int64_t w;

	if (!bytes || !pp)
		return false;
	/* ring_consume() published read_index with a full barrier */
	pending = __atomic_load_n(pp, __ATOMIC_RELAXED);
	if (!pending)
		return false;
	w = guest_index(r, OFF_WRITE);
	if (w < 0)
		return false;
	now = vmbus_ring_bytes_to_write(r->priv, (uint32_t)w, r->size);
	/* not blocked before this batch: nobody waits */
	if (now >= bytes && now - bytes > pending)
		return false;
	/* exactly full is still "not enough" (hv_pkt_iter_close) */
	return now > pending;
}

int ring_write(struct ring *r, const struct ring_iov *iov, unsigned int n,
	       bool *signal)
{
	uint32_t total = 0, need, free_bytes, pos, old, *wp, *mp;
	uint64_t trailer;
	int64_t rd;

	*signal = false;
	if (!r->hs || r->broken)
		return -EPROTO;
	for (unsigned int i = 0; i < n; i++) {
		if (iov[i].len > r->size - total)
			return -EINVAL;
		total += iov[i].len;
	}
	need = vmbus_pkt_ring_bytes(total);
	if (need >= r->size)
		return -EINVAL;
	rd = guest_index(r, OFF_READ);
	if (rd < 0)
		return -EPROTO;
	free_bytes = vmbus_ring_bytes_to_write((uint32_t)rd, r->priv, r->size);
	if (free_bytes <= need) {
		r->need = need;
		return -EAGAIN;
	}
	old = pos = r->priv;
	for (unsigned int i = 0; i < n; i++) {
		if (ring_copy(r, pos, (void *)iov[i].base, iov[i].len, true))
			return -EFAULT;
		pos = (pos + iov[i].len) % r->size;
	}
	if (ring_zero(r, pos, vmbus_pkt_align(total) - total))
		return -EFAULT;
	pos = (old + vmbus_pkt_align(total)) % r->size;
	trailer = vmbus_pkt_trailer(old);
	if (ring_copy(r, pos, &trailer, sizeof(trailer), true))
		return -EFAULT;
	wp = ctrl(r, OFF_WRITE);
	mp = ctrl(r, OFF_MASK);
	if (!wp || !mp)
		return -EFAULT;
	r->priv = (old + need) % r->size;
	/* release: the packet is visible before the index that covers it */
	__atomic_store_n(wp, r->priv, __ATOMIC_RELEASE);

	/* hv_signal_on_write(): only empty -> non-empty, unless masked */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(mp, __ATOMIC_RELAXED)) {
		r->quiet_masked++;
		r->last = 'm';
		return 0;
	}
	rd = guest_index(r, OFF_READ);
	if (rd >= 0 && (uint32_t)rd == old) {
		*signal = true;
		r->last = 's';
	} else {
		r->quiet_busy++;
		r->last = 'b';
	}
	return 0;
}

bool ring_has_space(struct ring *r, uint32_t bytes)
{
	int64_t rd;

	if (!r->hs)
		return false;
	rd = guest_index(r, OFF_READ);
	return rd >= 0 &&
	       vmbus_ring_bytes_to_write((uint32_t)rd, r->priv, r->size) > bytes;
}

bool ring_wait_space(struct ring *r, uint32_t bytes)
{
	uint32_t *pp = r->hs ? ctrl(r, OFF_PENDING) : NULL;

	if (!pp)
		return false;
	__atomic_store_n(pp, bytes, __ATOMIC_RELAXED);
	/* the guest reads pending_send_sz after publishing read_index */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!ring_has_space(r, bytes))
		return false;
	__atomic_store_n(pp, 0, __ATOMIC_RELAXED);
	return true;
}

void ring_clear_pending(struct ring *r)
{
	uint32_t *pp = r->hs ? ctrl(r, OFF_PENDING) : NULL;

	if (pp)
		__atomic_store_n(pp, 0, __ATOMIC_RELAXED);
}

bool ring_state(const struct ring *r, uint32_t *read, uint32_t *write,
		uint32_t *to_read, uint32_t *to_write)
{
	uint32_t *rp, *wp;

	if (!r->hs)
		return false;
	rp = ctrl(r, OFF_READ);
	wp = ctrl(r, OFF_WRITE);
	if (!rp || !wp)
		return false;
	*read = __atomic_load_n(rp, __ATOMIC_RELAXED);
	*write = __atomic_load_n(wp, __ATOMIC_RELAXED);
	if (!index_ok(r, *read) || !index_ok(r, *write)) {
		*to_read = *to_write = 0;
		return false;
	}
	*to_read = vmbus_ring_bytes_to_read(*read, *write, r->size);
	*to_write = vmbus_ring_bytes_to_write(*read, *write, r->size);
	return true;
}

/*
 * Split a packet copied out of the ring into its parts.  Checks that
 * every range and PFN list lies inside the packet, before the payload
 * (offset8); the pages themselves are checked when they are accessed.
 * @buf must be 8-byte aligned: the ranges point at its PFNs.
 * Layouts: include/linux/hyperv.h struct vmdata_gpa_direct and
 * struct vmtransfer_page_packet_header (6.12).
 */
int vmbus_pkt_parse(struct vmbus_pkt *pkt, const uint8_t *buf, uint32_t len,
		    struct gpa_pages *ranges, uint32_t max_ranges)
{
	struct vmpacket_descriptor d;
	uint32_t off, cnt;
	uint64_t p;

	memset(pkt, 0, sizeof(*pkt));
	if (len < sizeof(d))
		return -EPROTO;
	memcpy(&d, buf, sizeof(d));
	off = vmpacket_data_offset(&d);
	if (vmpacket_total_len(&d) != len || off < sizeof(d) || off > len)
		return -EPROTO;
	pkt->type = d.type;
	pkt->flags = d.flags;
	pkt->trans_id = d.trans_id;
	pkt->raw = buf;
	pkt->raw_len = len;
	pkt->data = buf + off;
	pkt->data_len = len - off;

	switch (d.type) {
	case VM_PKT_DATA_USING_GPA_DIRECT:
		if (off < sizeof(struct vmdata_gpa_direct))
			return -EINVAL;
		memcpy(&cnt, buf + offsetof(struct vmdata_gpa_direct, range_cnt),
		       sizeof(cnt));
		if (cnt > max_ranges)
			return -EINVAL;
		p = sizeof(struct vmdata_gpa_direct);
		for (uint32_t i = 0; i < cnt; i++) {
			struct gpa_range gr;
			uint64_t n;

			if (p + sizeof(gr) > off)
				return -EINVAL;
			memcpy(&gr, buf + p, sizeof(gr));
			if (gr.byte_offset >= HV_HYP_PAGE_SIZE)
				return -EINVAL;
			/* pages spanned, as for a GPADL range */
			n = gr.byte_count ?
			    ((uint64_t)gr.byte_offset + gr.byte_count +
			     HV_HYP_PAGE_SIZE - 1) >> HV_HYP_PAGE_SHIFT : 0;
			if (p + sizeof(gr) + n * sizeof(uint64_t) > off)
				return -EINVAL;
			ranges[i].pfns = (const uint64_t *)(buf + p + sizeof(gr));
			ranges[i].npfns = (uint32_t)n;
			ranges[i].byte_offset = gr.byte_offset;
			ranges[i].byte_count = gr.byte_count;
			p += sizeof(gr) + n * sizeof(uint64_t);
		}
		pkt->nranges = cnt;
		pkt->ranges = ranges;
		break;
	case VM_PKT_DATA_USING_XFER_PAGES: {
		struct vmtransfer_page_packet_header h;

		if (off < sizeof(h))
			return -EINVAL;
		memcpy(&h, buf, sizeof(h));
		if ((uint64_t)h.range_cnt * sizeof(struct vmtransfer_page_range) >
		    off - sizeof(h) || h.range_cnt > VMBUS_PKT_MAX_XFER)
			return -EINVAL;
		pkt->xfer_pageset_id = h.xfer_pageset_id;
		pkt->xfer_sender_owns_set = h.sender_owns_set;
		pkt->nxfer = h.range_cnt;
		pkt->xfer = (const struct vmtransfer_page_range *)(buf + sizeof(h));
		break;
	}
	default:
		break;
	}
	return 0;
}

/*
 * Hostile-host mode: set the guest-visible write index of a ring hvsim
 * writes to @value (anything, in or out of range), or put our real one
 * back (@restore).  Tests use it to check the guest's validation.
 */
int ring_poke_write_index(struct ring *r, uint32_t value, bool restore)
{
	uint32_t *wp;

	if (!r->hs)
		return -EPROTO;
	wp = ctrl(r, OFF_WRITE);
	if (!wp)
		return -EFAULT;
	__atomic_store_n(wp, restore ? r->priv : value, __ATOMIC_RELEASE);
	return 0;
}
