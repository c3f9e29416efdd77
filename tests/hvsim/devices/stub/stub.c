// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic device class: every class that has no host model yet (see
 * devices/classes.h) is offered with this.  It accepts open and close, so
 * the guest driver can bind and set up its rings, and drops whatever the
 * guest sends (one log line per channel), as a device that never answers
 * would.
 *
 * The offer still has the class's real shape, from openvmm's device
 * models (vm/devices/.../offer()):
 *  - integration components are message-mode pipes: chn_flags
 *    ENUMERATE_DEVICE_INTERFACE | NAMED_PIPE_MODE, pipe_mode MESSAGE
 *    (hyperv_ic shutdown.rs, kvp.rs, timesync.rs); the ICs of the same
 *    framework without a model here (rdv, avma2, which openvmm lists
 *    among the ICs in vmbus_core protocol.rs) the same way;
 *  - video asks for 8 MiB of MMIO (uidevices video/mod.rs);
 *  - everything else is a plain device offer: chn_flags 0.
 */
#include <string.h>

#include "vmbus/vsp.h"

static int stub_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	/* the channel's priv: "already said so" for this open */
	if (!chan_priv(ch)) {
		log_info("vmbus: %s#%u relid %u: no host model, packets dropped (first: type %u, %u bytes)",
			 vsp_class_name(chan_dev(ch)), vsp_dev_index(chan_dev(ch)),
			 chan_relid(ch), pkt->type, pkt->raw_len);
		chan_set_priv(ch, ch);
	}
	return 0;
}

static void stub_close(struct hv_chan *ch)
{
	chan_set_priv(ch, NULL);
}

#define STUB_OPS(...) {				\
	.name = "stub",				\
	.offer = { __VA_ARGS__ },		\
	.on_packet = stub_packet,		\
	.on_close = stub_close,			\
}

const struct vsp_ops vsp_stub_ops = STUB_OPS(0);

static const struct vsp_ops stub_ic_ops =
	STUB_OPS(.chn_flags = VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE |
			      VMBUS_CHANNEL_NAMED_PIPE_MODE,
		 .pipe_message = true);
static const struct vsp_ops stub_video_ops = STUB_OPS(.mmio_megabytes = 8);

const struct vsp_ops *vsp_stub_for(const char *class_name)
{
	static const char *const ics[] = {
		"rdv", "avma2",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ics); i++)
		if (!strcmp(class_name, ics[i]))
			return &stub_ic_ops;
	if (!strcmp(class_name, "video"))
		return &stub_video_ops;
	return &vsp_stub_ops;
}
