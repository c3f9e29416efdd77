// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS, the backup IC: the host freezes the guest's file systems around a
 * snapshot.  FREEZE, THAW and HOT_BACKUP go to the VSS daemon through
 * /dev/vmbus/hv_vss (daemon.c); GET_DM_INFO and the bookkeeping
 * operations are answered here.  Protocol, versions and timeouts are
 * upstream's (drivers/hv/hv_snapshot.c, Linux 6.12; hvlis/vss.h).
 *
 * One thing upstream does not do: file systems frozen by a daemon that
 * then dies stay frozen (every writer hangs) until someone thaws them by
 * hand.  We remember that a freeze is in effect from the daemon's
 * successful FREEZE answer (or its FREEZE request being out) until a
 * THAW is answered, and if the daemon closes the device in between we
 * thaw every file system a user froze (thaw.c), because nobody else will.
 */
#include <linux/slab.h>

#include <hvlis/vss.h>

#include "utils.h"

/* upstream's VSS_FREEZE_TIMEOUT: a freeze may take this long */
#define VSS_FREEZE_TIMEOUT	(15 * 60 * HZ)

static const int vss_versions[] = { IC_VERSION(5, 0) };
static const int fw_versions[] = { UTIL_FW_VERSION };

struct vss {
	struct util_dev *ud;
	/* a freeze may be in effect: the daemon must thaw before it goes */
	bool maybe_frozen;
	struct work_struct thaw;	/* after the daemon left one */
};

static struct hv_vss_msg *wire_msg(struct util_dev *ud)
{
	return (struct hv_vss_msg *)(ud->msg + ICMSG_HDR);
}

static u32 vss_request(struct util_dev *ud, u8 *msg, u32 len)
{
	struct vss *vss = ud->priv;
	struct hv_vss_msg *m = wire_msg(ud);
	u32 status;
	u8 op;

	if (len < ICMSG_HDR + sizeof(*m)) {
		dev_err_ratelimited(&ud->hdev->device,
				    "VSS: %u bytes is too short\n", len);
		return HV_E_FAIL;
	}
	op = m->vss_hdr.operation;
	switch (op) {
	case VSS_OP_FREEZE:
		/* the daemon may freeze some before it answers, or dies */
		WRITE_ONCE(vss->maybe_frozen, true);
		status = util_daemon_request(ud->daemon, len, VSS_FREEZE_TIMEOUT);
		if (status != UTIL_DEFERRED)
			WRITE_ONCE(vss->maybe_frozen, false);	/* no daemon */
		return status;
	case VSS_OP_THAW:
	case VSS_OP_HOT_BACKUP:
		return util_daemon_request(ud->daemon, len, UTIL_DAEMON_TIMEOUT);
	case VSS_OP_GET_DM_INFO:
		m->dm_info.flags = 0;
		return HV_S_OK;
	case VSS_OP_CREATE:
	case VSS_OP_DELETE:
	case VSS_OP_BU_COMPLETE:
	case VSS_OP_AUTO_RECOVER:
		/* acknowledged, as upstream: nothing for the guest to do */
		return HV_S_OK;
	default:
		dev_err_ratelimited(&ud->hdev->device,
				    "VSS: unknown operation %u\n", op);
		return HV_E_FAIL;
	}
}

static ssize_t vss_to_daemon(struct util_dev *ud, void *buf)
{
	struct hv_vss_msg *out = buf;

	memset(out, 0, sizeof(*out));
	out->vss_hdr.operation = wire_msg(ud)->vss_hdr.operation;
	return sizeof(*out);
}

static u32 vss_from_daemon(struct util_dev *ud, const void *msg, u32 *wire_len)
{
	const struct hv_vss_msg *answer = msg;
	struct hv_vss_msg *m = wire_msg(ud);
	struct vss *vss = ud->priv;

	switch (m->vss_hdr.operation) {
	case VSS_OP_HOT_BACKUP:
		/* the one feature we report, as upstream: no auto-recovery */
		m->vss_cf.flags = VSS_HBU_NO_AUTO_RECOVERY;
		break;
	case VSS_OP_FREEZE:
		/* a daemon that fails a freeze thaws what it froze */
		if (answer->error)
			WRITE_ONCE(vss->maybe_frozen, false);
		break;
	case VSS_OP_THAW:
		if (!answer->error)
			WRITE_ONCE(vss->maybe_frozen, false);
		break;
	}
	return answer->error;
}

/* VSS_OP_REGISTER1 gets our version back; the old REGISTER nothing */
static int vss_hello(struct util_daemon *d, const void *msg, size_t len)
{
	const struct hv_vss_msg *m = msg;
	u32 ours = VSS_OP_REGISTER1;

	if (len != sizeof(*m))
		return -EINVAL;
	switch (m->vss_hdr.operation) {
	case VSS_OP_REGISTER:
		return 0;
	case VSS_OP_REGISTER1:
		return util_transport_send(d->t, &ours, sizeof(ours), NULL);
	default:
		return -EINVAL;
	}
}

static void vss_thaw(struct work_struct *work)
{
	struct vss *vss = container_of(work, struct vss, thaw);
	int n = util_thaw_all();

	if (n < 0)
		dev_err(&vss->ud->hdev->device, "VSS: thawing failed (%d)\n", n);
	else
		dev_info(&vss->ud->hdev->device,
			 "VSS: thawed %d file system(s)\n", n);
}

/* the daemon closed the device: if it left file systems frozen, thaw */
static void vss_gone(struct util_dev *ud)
{
	struct vss *vss = ud->priv;

	if (!xchg(&vss->maybe_frozen, false))
		return;
	dev_warn(&ud->hdev->device,
		 "VSS: the daemon went away during a freeze; thawing\n");
	schedule_work(&vss->thaw);
}

static const struct util_daemon_ops vss_daemon_ops = {
	.devname = "vmbus/hv_vss",
	.tag = "VSS",
	.request_size = sizeof(struct hv_vss_msg),
	.answer_size = sizeof(struct hv_vss_msg),
	.hello_size = sizeof(struct hv_vss_msg),
	.hello = vss_hello,
	.to_daemon = vss_to_daemon,
	.from_daemon = vss_from_daemon,
	.gone = vss_gone,
};

static int vss_init(struct util_dev *ud)
{
	struct vss *vss = kzalloc(sizeof(*vss), GFP_KERNEL);

	if (!vss)
		return -ENOMEM;
	vss->ud = ud;
	INIT_WORK(&vss->thaw, vss_thaw);
	ud->priv = vss;
	return 0;
}

/* after the daemon's relay is gone: no vss_gone() comes any more */
static void vss_exit(struct util_dev *ud)
{
	struct vss *vss = ud->priv;

	flush_work(&vss->thaw);
	kfree(vss);
}

const struct util_service util_vss = {
	.name = "VSS IC",
	.msgtype = ICMSGTYPE_VSS,
	.versions = vss_versions,
	.nversions = ARRAY_SIZE(vss_versions),
	.fw_versions = fw_versions,
	.nfw_versions = ARRAY_SIZE(fw_versions),
	.daemon = &vss_daemon_ops,
	.init = vss_init,
	.exit = vss_exit,
	.request = vss_request,
};
