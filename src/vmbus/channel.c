// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels as class drivers see them: interrupts from the host, sub-channel
 * creation callbacks, and rescind.
 */
#include <linux/module.h>

#include "hyperv_vmbus.h"

void vmbus_channel_isr(struct vmbus_channel *chan)
{
	void (*cb)(void *ctx) = READ_ONCE(chan->onchannel_callback);

	if (cb)
		cb(chan->channel_callback_context);
}

void vmbus_subchannel_offered(struct vmbus_channel *sc)
{
	struct vmbus_channel *primary = sc->primary_channel;
	void (*cb)(struct vmbus_channel *sc) =
		READ_ONCE(primary->sc_creation_callback);

	if (cb)
		cb(sc);
}

void vmbus_set_sc_create_callback(struct vmbus_channel *primary,
				  void (*cb)(struct vmbus_channel *sc))
{
	WRITE_ONCE(primary->sc_creation_callback, cb);
}
EXPORT_SYMBOL_GPL(vmbus_set_sc_create_callback);

/* Fail every request still waiting on a rescinded channel. */
void vmbus_channel_rescinded(struct vmbus_channel *chan)
{
	struct vmbus_channel_open_result res = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = chan->offermsg.child_relid,
		.status = (u32)-1,
	};

	vmbus_complete_response(CHANNELMSG_OPENCHANNEL_RESULT,
				res.child_relid, &res, sizeof(res));
}
