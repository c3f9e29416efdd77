// SPDX-License-Identifier: GPL-2.0-only
/*
 * Heartbeat: the host sends a sequence number (every few seconds on
 * Hyper-V) and the guest answers it plus one, which tells the host the
 * guest is alive.  Versions: hb_versions[] of drivers/hv/hv_util.c.
 */
#include "utils.h"

static const int hb_versions[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const int fw_versions[] = { UTIL_FW_VERSION, UTIL_WS2K8_FW_VERSION };

static u32 heartbeat_request(struct util_dev *ud, u8 *msg, u32 len)
{
	struct heartbeat_msg_data *hb = (void *)(msg + ICMSG_HDR);

	/* the reserved words are optional: hosts need not send them */
	if (len < ICMSG_HDR + sizeof(hb->seq_num)) {
		dev_err_ratelimited(&ud->hdev->device,
				    "Heartbeat IC: %u bytes is too short\n", len);
		return HV_E_FAIL;
	}
	hb->seq_num += 1;
	return HV_S_OK;
}

const struct util_service util_heartbeat = {
	.name = "Heartbeat IC",
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.versions = hb_versions,
	.nversions = ARRAY_SIZE(hb_versions),
	.fw_versions = fw_versions,
	.nfw_versions = ARRAY_SIZE(fw_versions),
	.request = heartbeat_request,
};
