// SPDX-License-Identifier: GPL-2.0-only
/*
 * Heartbeat (class "heartbeat"): every interval (default 1 s; Hyper-V
 * uses a few seconds) the host sends a sequence number and the guest
 * answers it plus one.  A request still unanswered when the next one is
 * due counts as missed: a guest that is stopped or has panicked stops
 * answering, and "heartbeat" shows it.  Versions: 3.0 and 1.0
 * (hb_versions[] of drivers/hv/hv_util.c).
 *
 *   heartbeat [relid|instance]   state, versions, counters, the sequence
 *                                number and ms since the last answer
 */
#include <stdio.h>
#include <string.h>

#include "ic.h"

struct hb_state {
	uint64_t seq;			/* last sent */
	uint64_t last_answer_ns;
	uint64_t missed;
};

static const uint32_t hb_versions[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };

static void hb_send(struct ic_dev *ic)
{
	struct hb_state *hb = ic->priv;
	struct heartbeat_msg_data m = { .seq_num = hb->seq + 1 };

	if (ic->busy) {
		hb->missed++;
		return;
	}
	if (!ic_send(ic, &m, sizeof(m)))
		hb->seq = m.seq_num;
}

static void hb_answer(struct ic_dev *ic, uint32_t status, const uint8_t *p,
		      uint32_t len)
{
	struct hb_state *hb = ic->priv;
	uint64_t seq;

	if (status != HV_S_OK || len < sizeof(seq)) {
		ic->bad_answers++;
		log_guest("heartbeat: status 0x%x, %u bytes", status, len);
		return;
	}
	memcpy(&seq, p, sizeof(seq));
	if (seq != hb->seq + 1) {
		ic->bad_answers++;
		log_guest("heartbeat: answered %llu to %llu",
			  (unsigned long long)seq, (unsigned long long)hb->seq);
		return;
	}
	hb->last_answer_ns = now_ns();
}

static const struct ic_service hb_service = {
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.versions = hb_versions,
	.nversions = ARRAY_SIZE(hb_versions),
	.default_interval_ms = 1000,
	.priv_size = sizeof(struct hb_state),
	.on_ready = hb_send,
	.on_tick = hb_send,
	.on_answer = hb_answer,
};

static int hb_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct ic_dev *ic;
	struct hb_state *hb;
	long long ago = -1;

	if (argc > 2)
		return ctl_fail(c, "usage: heartbeat [relid|instance]");
	ic = ic_find(hs, c, "heartbeat", argc == 2 ? argv[1] : NULL);
	if (!ic)
		return -1;
	hb = ic->priv;
	if (hb->last_answer_ns)
		ago = (long long)((now_ns() - hb->last_answer_ns) / 1000000);
	ic_print_common(c, ic);
	ctl_printf(c, "heartbeat.seq=%llu", (unsigned long long)hb->seq);
	ctl_printf(c, "heartbeat.missed=%llu", (unsigned long long)hb->missed);
	ctl_printf(c, "heartbeat.last_answer_ms=%lld", ago);
	return 0;
}

static const struct ctl_cmd hb_cmds[] = {
	{ "heartbeat", "heartbeat [relid|instance]", hb_cmd },
};

static int heartbeat_probe(struct vsp_device *dev, int nopts,
			   const struct opt_kv *opts, char *err, size_t errlen)
{
	return ic_probe(dev, &hb_service, nopts, opts, err, errlen);
}

const struct vsp_ops vsp_heartbeat_ops = IC_VSP_OPS("heartbeat", heartbeat,
	.cmds = hb_cmds, .ncmds = ARRAY_SIZE(hb_cmds));
