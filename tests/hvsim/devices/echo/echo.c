// SPDX-License-Identifier: GPL-2.0-only
/*
 * The echo device (class HVSIM_ECHO_GUID, "echo"): a test device for the
 * guest's VMBus core, no real Hyper-V has it.
 *
 *  - An in-band packet comes back unchanged: same payload (as the ring
 *    carries it, padded to 8 bytes), same trans_id, as an in-band packet
 *    on the same channel.  A completion request is answered the same way.
 *  - A GPA-direct packet is answered with an in-band packet whose payload
 *    is the 64-bit FNV-1a hash of the bytes its page ranges describe, in
 *    order (empty payload if a range is not guest RAM), so a guest test
 *    can check multi-page buffers.
 *  - A 16-byte in-band payload "SUBCHAN\0", u32 count (little-endian),
 *    u32 0 asks for that many sub-channels (at most 16): they are offered,
 *    and the 16 bytes come back as usual.
 *  - Everything else is dropped.
 * When the guest's inbound ring is full the packet stays in the outbound
 * ring and the echo device stops reading: the core sets pending_send_sz
 * in the inbound ring and resumes once the guest frees room and signals.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/fnv.h"
#include "vmbus/vsp.h"

#define ECHO_MAX_SUBCHANNELS	16

static const uint8_t subchan_magic[8] = "SUBCHAN";	/* + NUL */

static int echo_reply(struct hv_chan *ch, uint64_t trans_id, const void *data,
		      uint32_t len)
{
	int ret = chan_send_inband(ch, trans_id, 0, data, len);

	if (ret == -EAGAIN)
		return ret;
	if (ret)
		log_guest("echo: relid %u: reply dropped (%d)", chan_relid(ch), ret);
	return 0;
}

static int echo_gpa_direct(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	struct hvsim *hs = chan_hvsim(ch);
	uint64_t h = FNV64_BASIS;
	uint8_t chunk[HV_HYP_PAGE_SIZE];

	for (uint32_t i = 0; i < pkt->nranges; i++) {
		const struct gpa_pages *r = &pkt->ranges[i];

		for (uint64_t off = 0; off < r->byte_count; off += sizeof(chunk)) {
			uint64_t n = r->byte_count - off;

			if (n > sizeof(chunk))
				n = sizeof(chunk);
			if (gpa_pages_read(hs, r, off, chunk, n)) {
				log_guest("echo: relid %u: GPA range %u is not guest RAM",
					  chan_relid(ch), i);
				return echo_reply(ch, pkt->trans_id, NULL, 0);
			}
			h = fnv1a(h, chunk, n);
		}
	}
	return echo_reply(ch, pkt->trans_id, &h, sizeof(h));
}

static int echo_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	uint32_t count, zero;

	switch (pkt->type) {
	case VM_PKT_DATA_INBAND:
		if (pkt->data_len == 16 &&
		    !memcmp(pkt->data, subchan_magic, sizeof(subchan_magic))) {
			memcpy(&count, pkt->data + 8, sizeof(count));
			memcpy(&zero, pkt->data + 12, sizeof(zero));
			if (!zero) {
				if (count > ECHO_MAX_SUBCHANNELS)
					count = ECHO_MAX_SUBCHANNELS;
				/* idempotent: a retried packet offers no more */
				if (chan_offer_subchannels(chan_dev(ch), count) < 0)
					log_guest("echo: relid %u: cannot offer %u sub-channels",
						  chan_relid(ch), count);
			}
		}
		return echo_reply(ch, pkt->trans_id, pkt->data, pkt->data_len);
	case VM_PKT_DATA_USING_GPA_DIRECT:
		return echo_gpa_direct(ch, pkt);
	default:
		return 0;
	}
}

const struct vsp_ops vsp_echo_ops = {
	.name = "echo",
	.on_packet = echo_packet,
};
