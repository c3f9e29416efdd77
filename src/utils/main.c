// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the module, one VMBus driver for every IC service, and the
 * path every host request takes: out of the ring, checked, negotiated or
 * handed to its service, and answered.
 *
 * The host is not trusted.  A message shorter than the IC framing or
 * longer than UTIL_MSG_MAX is dropped with a rate-limited line (there is
 * no header to answer through, or no room to copy it); anything else gets
 * exactly one answer, HV_E_FAIL when its type or size is wrong.  Each
 * message is copied out of the ring once, so the host cannot change it
 * while we look at it.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <hvlis/guids.h>

#include "utils.h"

static void util_answer(struct util_dev *ud, u64 trans_id, u32 len)
{
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)(ud->msg + sizeof(struct vmbuspipe_hdr));
	int ret;

	hdr->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
	ret = vmbus_sendpacket(ud->hdev->channel, ud->msg, len, trans_id,
			       VM_PKT_DATA_INBAND, 0);
	if (ret)
		dev_err_ratelimited(&ud->hdev->device,
				    "%s: answer not sent (%d)\n", ud->svc->name,
				    ret);
}

static void util_request(struct util_dev *ud, const struct vmbus_pkt *pkt)
{
	const struct util_service *svc = ud->svc;
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)(ud->msg + sizeof(struct vmbuspipe_hdr));
	u32 len = pkt->datalen, answer_len = len;

	if (pkt->type != VM_PKT_DATA_INBAND || len < ICMSG_HDR ||
	    len > sizeof(ud->msg)) {
		dev_err_ratelimited(&ud->hdev->device,
				    "%s: dropped a packet of type %u, %u bytes\n",
				    svc->name, pkt->type, len);
		return;
	}
	memcpy(ud->msg, pkt->data, len);

	if (hdr->icmsgtype == ICMSGTYPE_NEGOTIATE) {
		answer_len = util_negotiate(ud, ud->msg, len, sizeof(ud->msg));
		if (!answer_len)
			return;
	} else if (hdr->icmsgtype == svc->msgtype && ud->version) {
		ud->trans_id = pkt->trans_id;
		WRITE_ONCE(ud->deferred, true);
		hdr->status = svc->request(ud, ud->msg, len);
		if (hdr->status == UTIL_DEFERRED)
			return;
		WRITE_ONCE(ud->deferred, false);
	} else {
		dev_err_ratelimited(&ud->hdev->device,
				    "%s: unexpected message type %u%s\n",
				    svc->name, hdr->icmsgtype,
				    ud->version ? "" : " before negotiation");
		hdr->status = HV_E_FAIL;
	}
	util_answer(ud, pkt->trans_id, answer_len);
	if (ud->after_answer) {
		schedule_work(ud->after_answer);
		ud->after_answer = NULL;
	}
}

/*
 * The channel's tasklet: every request in the ring, one at a time, until
 * one is kept for user space; util_complete() starts us again.
 */
static void util_on_channel(void *context)
{
	struct util_dev *ud = context;
	struct vmbus_channel *chan = ud->hdev->channel;
	struct vmbus_pkt pkt;

	/* acquire: the kept request's answer went out before this is false */
	if (smp_load_acquire(&ud->deferred))
		return;
	for (vmbus_pkt_first(chan, &pkt); pkt.desc; vmbus_pkt_next(chan, &pkt)) {
		util_request(ud, &pkt);
		/* pairs with util_complete()'s release, as above */
		if (smp_load_acquire(&ud->deferred)) {
			/* this packet is consumed: it was copied to ud->msg */
			vmbus_pkt_next(chan, &pkt);
			break;
		}
	}
	vmbus_pkt_iter_close(chan);
}

void util_complete(struct util_dev *ud, u32 status, u32 len)
{
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)(ud->msg + sizeof(struct vmbuspipe_hdr));

	if (WARN_ON_ONCE(!READ_ONCE(ud->deferred)))
		return;
	hdr->status = status;
	util_answer(ud, ud->trans_id, len);
	/* release: the answer is out before the tasklet reuses ud->msg */
	smp_store_release(&ud->deferred, false);
	tasklet_schedule(&ud->hdev->channel->callback_event);
}

static int util_probe(struct hv_device *hdev,
		      const struct hv_vmbus_device_id *id)
{
	const struct util_service *svc = (const void *)id->driver_data;
	struct util_dev *ud;
	int ret;

	ud = kzalloc(sizeof(*ud), GFP_KERNEL);
	if (!ud)
		return -ENOMEM;
	ud->hdev = hdev;
	ud->svc = svc;
	dev_set_drvdata(&hdev->device, ud);
	if (svc->init) {
		ret = svc->init(ud);
		if (ret)
			goto err_free;
	}
	if (svc->daemon) {
		ud->daemon = util_daemon_create(ud, svc->daemon);
		if (IS_ERR(ud->daemon)) {
			ret = PTR_ERR(ud->daemon);
			goto err_exit;
		}
	}
	/* one request at a time, some of them waiting for user space */
	hdev->channel->callback_direct = true;
	ret = vmbus_open(hdev->channel, UTIL_RING_SIZE, UTIL_RING_SIZE, NULL, 0,
			 util_on_channel, ud);
	if (ret)
		goto err_daemon;
	return 0;

err_daemon:
	if (ud->daemon)
		util_daemon_destroy(ud->daemon);
err_exit:
	if (svc->exit)
		svc->exit(ud);
err_free:
	kfree(ud);
	return ret;
}

static void util_remove(struct hv_device *hdev)
{
	struct util_dev *ud = dev_get_drvdata(&hdev->device);

	vmbus_close(hdev->channel);
	if (ud->daemon)
		util_daemon_destroy(ud->daemon);
	if (ud->svc->exit)
		ud->svc->exit(ud);
	kfree(ud);
}

static const struct hv_vmbus_device_id util_id_table[] = {
	{ .guid = HV_SHUTDOWN_GUID, .driver_data = (unsigned long)&util_shutdown },
	{ .guid = HV_TS_GUID, .driver_data = (unsigned long)&util_timesync },
	{ .guid = HV_HEART_BEAT_GUID, .driver_data = (unsigned long)&util_heartbeat },
	{ .guid = HV_KVP_GUID, .driver_data = (unsigned long)&util_kvp },
	{ .guid = HV_VSS_GUID, .driver_data = (unsigned long)&util_vss },
	{ .guid = HV_FCOPY_GUID, .driver_data = (unsigned long)&util_fcopy },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, util_id_table);

static struct hv_driver util_drv = {
	.name = "hv_utils",
	.id_table = util_id_table,
	.probe = util_probe,
	.remove = util_remove,
};

static int __init util_init(void)
{
	return vmbus_driver_register(&util_drv);
}

static void __exit util_exit(void)
{
	vmbus_driver_unregister(&util_drv);
}

module_init(util_init);
module_exit(util_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("Hyper-V utilities: shutdown, time sync, heartbeat, KVP, VSS, file copy");
