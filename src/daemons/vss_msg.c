// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VSS request handler: vss.h.
 */
#include <string.h>

#include <hvlis/icmsg.h>

#include "common.h"
#include "vss.h"

int vss_handle(const struct vss_backend *b, void *buf, size_t len)
{
	struct hv_vss_msg *m = buf;
	int op, ret;

	if (len < sizeof(*m)) {
		log_msg(LOG_ERR, "a %zu-byte request", len);
		ret = HV_E_FAIL;
		goto out;
	}
	op = m->vss_hdr.operation;
	switch (op) {
	case VSS_OP_FREEZE:
		ret = b->freeze(b->priv) ? HV_E_FAIL : HV_S_OK;
		break;
	case VSS_OP_THAW:
		ret = b->thaw(b->priv) ? HV_E_FAIL : HV_S_OK;
		break;
	case VSS_OP_HOT_BACKUP:
		/* the kernel adds VSS_HBU_NO_AUTO_RECOVERY to the answer */
		ret = HV_S_OK;
		break;
	default:
		log_msg(LOG_ERR, "unknown operation %d", op);
		ret = HV_E_FAIL;
		break;
	}
	log_msg(LOG_INFO, "%s: %s", op == VSS_OP_FREEZE ? "freeze" :
		op == VSS_OP_THAW ? "thaw" : op == VSS_OP_HOT_BACKUP ?
		"hot backup check" : "request", ret ? "failed" : "done");
out:
	memset(m, 0, sizeof(*m));
	m->error = ret;
	return ret;
}
