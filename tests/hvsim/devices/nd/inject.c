// SPDX-License-Identifier: GPL-2.0-only
/*
 * "nd inject KIND": a hostile ND host.  The guest must refuse each
 * malformed message (a rate-limited message), fail only the request it
 * belongs to, and keep working: its host objects go with the process's
 * files as always.  Each injection counts in "nd.injected".
 *
 * Sent at once:
 *   complete-unknown  a COMPLETE naming an IRP the guest never posted
 *   complete-huge     a COMPLETE of 4 KiB, more than any IOCTL's output
 *   complete-short    a COMPLETE cut after its first 8 bytes
 *   answer-unknown    an answer (a completion packet) to no request
 * Armed, applied to the answer to the guest's next PD_CREATE (an IOCTL
 * like any other, and the first a process makes after opening the
 * device, so that only that verb fails):
 *   answer-short      the header only, io_status SUCCESS
 *   answer-code       the answer names another IOCTL
 *   answer-status     the packet header's status is an error
 * Armed, applied to the next ADAPTER_OPEN's answer:
 *   adapter-uar       the UAR page lies outside the guest's MMIO window
 *
 * The packets are the guest's own wire format (src/include/hvlis/nd.h,
 * from LIS vmbus_rdma.h), wrong in one field each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

/* an IRP id the guest's allocator (from 0, densely) does not reach */
#define ND_INJECT_IRP		0x7ffffff0U

struct nd_inject_kind {
	const char *name;
	enum nd_inject armed;	/* ND_INJ_NONE: sent at once */
};

static const struct nd_inject_kind kinds[] = {
	{ "complete-unknown", ND_INJ_NONE },
	{ "complete-huge", ND_INJ_NONE },
	{ "complete-short", ND_INJ_NONE },
	{ "answer-unknown", ND_INJ_NONE },
	{ "answer-short", ND_INJ_ANSWER_SHORT },
	{ "answer-code", ND_INJ_ANSWER_CODE },
	{ "answer-status", ND_INJ_ANSWER_STATUS },
	{ "adapter-uar", ND_INJ_ADAPTER_UAR },
};

/* a COMPLETE of CQ_NOTIFY for @irp with @out_len bytes of output */
static int send_complete(struct nd_dev *nd, uint32_t irp, uint32_t out_len,
			 uint32_t send_len)
{
	struct ndv_pkt_control h = { 0 };
	uint8_t *p;
	int ret;

	p = calloc(1, sizeof(h) + out_len);
	if (!p)
		return -ENOMEM;
	h.hdr.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_COMPLETE, 0);
	h.hdr.hdr_sz = sizeof(h);
	h.hdr.data_sz = out_len;
	h.irp_handle.local = irp;
	h.io_cntrl_code = IOCTL_ND_CQ_NOTIFY;
	h.output_buf_sz = out_len;
	h.io_status = ND_STATUS_SUCCESS;
	h.bytes_returned = out_len;
	memcpy(p, &h, sizeof(h));
	ret = chan_send_inband(nd->ch, 0, 0, p, send_len);
	free(p);
	return ret;
}

static int send_now(struct nd_dev *nd, const char *kind)
{
	struct ndv_pkt_control h = { 0 };

	if (!strcmp(kind, "complete-unknown"))
		return send_complete(nd, ND_INJECT_IRP, 0, sizeof(h));
	if (!strcmp(kind, "complete-huge"))
		return send_complete(nd, ND_INJECT_IRP, 4096,
				     (uint32_t)sizeof(h) + 4096);
	if (!strcmp(kind, "complete-short"))
		return send_complete(nd, ND_INJECT_IRP, 0, 8);
	/* answer-unknown: an IOCTL's answer with a transaction id never used */
	h.hdr.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_CONTROL, 0);
	h.hdr.hdr_sz = sizeof(h);
	h.io_cntrl_code = IOCTL_ND_PD_CREATE;
	return chan_send_comp(nd->ch, 0x1a0000000000dead, &h, sizeof(h));
}

/*
 * The answer to the CONTROL being served (@h, @len bytes in all, the
 * output at @buf), spoiled as armed; the arming is used up.
 */
void nd_inject_answer(struct nd_dev *nd, struct ndv_pkt_control *h,
		      uint8_t *buf, uint32_t *len)
{
	if (nd->inject == ND_INJ_NONE)
		return;
	if (nd->inject != ND_INJ_ADAPTER_UAR &&
	    h->io_cntrl_code != IOCTL_ND_PD_CREATE)
		return;
	switch (nd->inject) {
	case ND_INJ_NONE:
		return;
	case ND_INJ_ANSWER_SHORT:
		*len = sizeof(*h);
		break;
	case ND_INJ_ANSWER_CODE:
		/* the next operation of the same resource */
		h->io_cntrl_code ^= ND_IOCTL(0, 1);
		break;
	case ND_INJ_ANSWER_STATUS:
		h->hdr.status = ND_STATUS_INVALID_PARAMETER;
		break;
	case ND_INJ_ADAPTER_UAR: {
		struct nd_ioctl_open_adapter m;
		uint64_t outside = nd->io_start + nd->io_size;

		if (h->io_cntrl_code != IOCTL_ND_ADAPTER_OPEN ||
		    h->io_status != ND_STATUS_SUCCESS || *len < sizeof(*h) + sizeof(m))
			return;
		memcpy(&m, buf, sizeof(m));
		m.resp.mapping_results[ND_MLX4_CONTEXT_UAR].info = outside;
		memcpy(buf, &m, sizeof(m));
		break;
	}
	}
	log_info("nd: injected into the answer to IOCTL 0x%x", h->io_cntrl_code);
	nd->inject = ND_INJ_NONE;
}

int nd_inject(struct nd_dev *nd, const char *kind, char *err, size_t errlen)
{
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i].name))
			break;
	if (i == ARRAY_SIZE(kinds)) {
		int n = snprintf(err, errlen, "unknown kind '%s'; kinds:", kind);

		for (i = 0; i < ARRAY_SIZE(kinds); i++) {
			if (n < 0 || (size_t)n >= errlen)
				break;
			n += snprintf(err + n, errlen - (size_t)n, " %s",
				      kinds[i].name);
		}
		return -1;
	}
	if (!nd->ch || !nd->version) {
		snprintf(err, errlen, "guest not connected");
		return -1;
	}
	if (kinds[i].armed != ND_INJ_NONE) {
		nd->inject = kinds[i].armed;
	} else {
		ret = send_now(nd, kind);
		if (ret) {
			snprintf(err, errlen, "%s not sent (%s)", kind,
				 strerror(-ret));
			return -1;
		}
	}
	nd->injected++;
	log_info("nd: injected %s%s", kind,
		 kinds[i].armed != ND_INJ_NONE ? " (armed)" : "");
	return 0;
}
