// SPDX-License-Identifier: GPL-2.0-only
/*
 * Version negotiation, the first message on every IC channel.  The rules
 * are upstream's vmbus_prep_negotiate_resp() (drivers/hv/channel_mgmt.c,
 * Linux 6.12): take the first of our framework versions, newest first,
 * that the host lists, then the first of our service versions; answer
 * with counts 1/1 and the two choices, or 0/0 when either is missing.  A
 * host that claims more versions than its message holds, or more than
 * IC_VERSION_NEGOTIATION_MAX_VER_COUNT, gets the 0/0 answer.
 */
#include <linux/kernel.h>

#include "utils.h"

/* index in @have of the first of @want (newest first) it lists, or -1 */
static int pick(const struct ic_version *have, unsigned int n,
		const int *want, unsigned int nwant)
{
	unsigned int i, j;

	/* (Linux 5.10 builds with -std=gnu89: no declarations in for) */
	for (i = 0; i < nwant; i++)
		for (j = 0; j < n; j++)
			if (have[j].major == IC_MAJOR(want[i]) &&
			    have[j].minor == IC_MINOR(want[i]))
				return j;
	return -1;
}

u32 util_negotiate(struct util_dev *ud, u8 *msg, u32 len, u32 size)
{
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)(msg + sizeof(struct vmbuspipe_hdr));
	struct icmsg_negotiate *neg = (struct icmsg_negotiate *)(msg + ICMSG_HDR);
	const struct util_service *svc = ud->svc;
	struct ic_version fw = {}, srv = {};
	unsigned int nfw, nsrv;
	int f = -1, s = -1;
	u32 answer_len;

	/* the answer always holds two versions; the buffer has room */
	answer_len = max_t(u32, len, ICMSG_NEGOTIATE_PKT_SIZE(1, 1));
	BUILD_BUG_ON(ICMSG_NEGOTIATE_PKT_SIZE(1, 1) > UTIL_MSG_MAX);
	if (answer_len > size)
		return 0;
	/* bytes the host did not send are ours, not stale data */
	memset(msg + len, 0, answer_len - len);

	nfw = len >= ICMSG_HDR + offsetof(struct icmsg_negotiate, reserved) ?
	      neg->icframe_vercnt : 0;
	nsrv = nfw ? neg->icmsg_vercnt : 0;
	if (!nfw || nfw > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    nsrv > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    ICMSG_NEGOTIATE_PKT_SIZE(nfw, nsrv) > len) {
		dev_err_ratelimited(&ud->hdev->device,
				    "%s: bad negotiation: %u framework and %u service versions in %u bytes\n",
				    svc->name, nfw, nsrv, len);
	} else {
		f = pick(neg->icversion_data, nfw, svc->fw_versions,
			 svc->nfw_versions);
		if (f >= 0)
			s = pick(neg->icversion_data + nfw, nsrv, svc->versions,
				 svc->nversions);
		if (f >= 0)
			fw = neg->icversion_data[f];
		if (s >= 0)
			srv = neg->icversion_data[nfw + s];
	}

	hdr->icmsgsize = 0x10;
	if (f >= 0 && s >= 0) {
		neg->icframe_vercnt = 1;
		neg->icmsg_vercnt = 1;
		ud->fw_version = IC_VERSION(fw.major, fw.minor);
		ud->version = IC_VERSION(srv.major, srv.minor);
		dev_info(&ud->hdev->device, "%s version %u.%u\n", svc->name,
			 srv.major, srv.minor);
	} else {
		neg->icframe_vercnt = 0;
		neg->icmsg_vercnt = 0;
		ud->fw_version = 0;
		ud->version = 0;
		dev_warn_ratelimited(&ud->hdev->device,
				     "%s: no common version with the host\n",
				     svc->name);
	}
	neg->icversion_data[0] = fw;
	neg->icversion_data[1] = srv;
	return answer_len;
}
