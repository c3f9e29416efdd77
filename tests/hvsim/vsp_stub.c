// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic device class: every class that has no host model yet
 * (storage, network, the integration components, ...) is offered with
 * this.  It accepts open and close, so the guest driver can bind and set
 * up its rings, and drops whatever the guest sends (one log line per
 * channel), as a device that never answers would.
 */
#include "vmbus_host.h"

static int stub_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	/* ch->priv: "already said so" for this open of the channel */
	if (!ch->priv) {
		log_info("vmbus: %s#%u relid %u: no host model, packets dropped (first: type %u, %u bytes)",
			 vsp_class_name(ch->dev), ch->dev->index, ch->relid,
			 pkt->type, pkt->raw_len);
		ch->priv = ch;
	}
	return 0;
}

static void stub_close(struct hv_chan *ch)
{
	ch->priv = NULL;
}

const struct vsp_ops vsp_stub_ops = {
	.name = "stub",
	.on_packet = stub_packet,
	.on_close = stub_close,
};
