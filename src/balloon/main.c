// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_balloon: the module, the DM channel and the handshake.
 *
 * The handshake as upstream's hv_balloon.c (Linux 6.12) does it: propose
 * protocol 2.0, then 1.0, then 0.3 (flagged as the last attempt), each
 * answered by the host within 5 s, then report the capabilities and wait
 * for them to be accepted.  Only then do status reports start.
 *
 * The host is not trusted.  Each message is copied out of the ring once
 * and checked: its header's size against the packet and against its
 * type, its type against what we wait for.  A bad one is dropped with a
 * rate-limited line; a request we do not serve is answered so that the
 * host's transaction ends.  Balloon, unballoon and hot-add requests go
 * to inflate.c's work item.
 */
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <hvlis/guids.h>

#include "balloon.h"

#define DM_HANDSHAKE_TIMEOUT	(5 * HZ)

/* newest first; the last is sent with DM_VERSION_LAST_ATTEMPT */
static const u32 dm_versions[] = {
	DM_VERSION_WIN10, DM_VERSION_WIN8, DM_VERSION_WIN7,
};

int dm_send(struct dm_device *dm, void *msg, u16 type, u16 size)
{
	struct dm_header *hdr = msg;

	hdr->type = type;
	hdr->size = size;
	hdr->trans_id = atomic_inc_return(&dm->trans_id);
	return vmbus_sendpacket(dm->hdev->channel, msg, size, 0,
				VM_PKT_DATA_INBAND, 0);
}

/* send @msg and wait for the host's answer of type @answer: accepted? */
static int dm_ask(struct dm_device *dm, void *msg, u16 type, u16 size,
		  u16 answer)
{
	int ret;

	reinit_completion(&dm->host_event);
	WRITE_ONCE(dm->awaiting, answer);
	ret = dm_send(dm, msg, type, size);
	if (!ret && !wait_for_completion_timeout(&dm->host_event,
						 DM_HANDSHAKE_TIMEOUT))
		ret = -ETIMEDOUT;
	WRITE_ONCE(dm->awaiting, 0);
	if (ret)
		return ret;
	return READ_ONCE(dm->accepted) ? 1 : 0;
}

/* the memory block size, or upstream's 128 MiB without memory hotplug */
static unsigned long dm_hot_add_unit(void)
{
#ifdef CONFIG_MEMORY_HOTPLUG
	return memory_block_size_bytes();
#else
	return SZ_128M;
#endif
}

static int dm_handshake(struct dm_device *dm)
{
	struct device *dev = &dm->hdev->device;
	struct dm_capabilities caps = { };
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(dm_versions); i++) {
		struct dm_version_request req = {
			.version = dm_versions[i],
			.flags = i == ARRAY_SIZE(dm_versions) - 1 ?
				 DM_VERSION_LAST_ATTEMPT : 0,
		};

		ret = dm_ask(dm, &req, DM_VERSION_REQUEST, sizeof(req),
			     DM_VERSION_RESPONSE);
		if (ret < 0)
			return ret;
		if (ret)
			break;
	}
	if (i == ARRAY_SIZE(dm_versions)) {
		dev_err(dev, "the host accepts none of the DM protocol versions 2.0, 1.0, 0.3\n");
		return -EPROTO;
	}
	dm->version = dm_versions[i];
	dev_info(dev, "Dynamic Memory protocol %u.%u\n",
		 DM_VERSION_MAJOR(dm->version), DM_VERSION_MINOR(dm->version));

	/*
	 * Both capabilities, also where hot-add is off: Hyper-V wants the
	 * bits set (upstream's comment in balloon_connect_vsp(), which then
	 * answers what it cannot do with "no, for good", as dm_hot_add()
	 * does).  The alignment is the unit memory is hot-added in, log2
	 * MiB.
	 */
	dm->caps = DM_CAP_BALLOON | DM_CAP_HOT_ADD |
		   ((u64)ilog2(dm_hot_add_unit() / SZ_1M) << DM_CAP_ALIGN_SHIFT &
		    DM_CAP_ALIGN_MASK);
	caps.caps = dm->caps;
	caps.min_page_cnt = 0;
	caps.max_page_number = ~0ULL;
	ret = dm_ask(dm, &caps, DM_CAPABILITIES_REPORT, sizeof(caps),
		     DM_CAPABILITIES_RESPONSE);
	if (ret < 0)
		return ret;
	if (!ret) {
		dev_err(dev, "the host refused our capabilities\n");
		return -EPROTO;
	}
	return 0;
}

/* the host's answer to a handshake message */
static void dm_handshake_answer(struct dm_device *dm, const struct dm_header *hdr)
{
	u64 flags;

	if (hdr->type != READ_ONCE(dm->awaiting)) {
		dev_err_ratelimited(&dm->hdev->device,
				    "message type %u from the host, which we did not ask for\n",
				    hdr->type);
		return;
	}
	/* both answers: the header, then the flags word */
	memcpy(&flags, (const u8 *)hdr + sizeof(*hdr), sizeof(flags));
	WRITE_ONCE(dm->accepted, flags & DM_ACCEPTED);
	WRITE_ONCE(dm->awaiting, 0);
	complete(&dm->host_event);
}

static void dm_info(struct dm_device *dm, const struct dm_info_msg *msg)
{
	struct dm_info_header ih;
	u64 pages;

	/* the first entry is all upstream reads; more are not defined */
	if (msg->hdr.size < sizeof(*msg) + sizeof(ih) ||
	    msg->info_size > msg->hdr.size - sizeof(*msg))
		goto bad;
	memcpy(&ih, (const u8 *)msg + sizeof(*msg), sizeof(ih));
	if (ih.type != DM_INFO_MAX_PAGE_CNT)
		return;
	if (ih.data_size != sizeof(pages) ||
	    msg->hdr.size < sizeof(*msg) + sizeof(ih) + sizeof(pages))
		goto bad;
	memcpy(&pages, (const u8 *)msg + sizeof(*msg) + sizeof(ih), sizeof(pages));
	WRITE_ONCE(dm->max_dynamic_pages, pages);
	return;
bad:
	dev_err_ratelimited(&dm->hdev->device, "malformed info message dropped\n");
}

/* each host message type: the smallest it can be */
static const u16 dm_min_size[] = {
	[DM_VERSION_RESPONSE] = sizeof(struct dm_version_response),
	[DM_CAPABILITIES_RESPONSE] = sizeof(struct dm_capabilities_resp),
	[DM_BALLOON_REQUEST] = sizeof(struct dm_balloon),
	[DM_UNBALLOON_REQUEST] = sizeof(struct dm_unballoon_request),
	[DM_MEM_HOT_ADD_REQUEST] = DM_HOT_ADD_SHORT,
	[DM_INFO_MESSAGE] = sizeof(struct dm_info_msg),
};

static void dm_message(struct dm_device *dm, const struct vmbus_pkt *pkt)
{
	const struct dm_header *hdr = (const void *)dm->recv;

	if (pkt->type != VM_PKT_DATA_INBAND || pkt->datalen < sizeof(*hdr) ||
	    pkt->datalen > sizeof(dm->recv)) {
		dev_err_ratelimited(&dm->hdev->device,
				    "dropped a packet of type %u, %u bytes\n",
				    pkt->type, pkt->datalen);
		return;
	}
	memcpy(dm->recv, pkt->data, pkt->datalen);
	if (hdr->type >= ARRAY_SIZE(dm_min_size) || !dm_min_size[hdr->type] ||
	    hdr->size < dm_min_size[hdr->type] || hdr->size > pkt->datalen) {
		dev_err_ratelimited(&dm->hdev->device,
				    "dropped message type %u: size %u in a %u-byte packet\n",
				    hdr->type, hdr->size, pkt->datalen);
		return;
	}
	switch (hdr->type) {
	case DM_VERSION_RESPONSE:
	case DM_CAPABILITIES_RESPONSE:
		dm_handshake_answer(dm, hdr);
		break;
	case DM_INFO_MESSAGE:
		dm_info(dm, (const void *)hdr);
		break;
	default:
		if (READ_ONCE(dm->state) != DM_INITIALIZED) {
			dev_err_ratelimited(&dm->hdev->device,
					    "message type %u before the handshake ended\n",
					    hdr->type);
			return;
		}
		dm_queue_request(dm, hdr);
	}
}

static void dm_on_channel(void *context)
{
	struct dm_device *dm = context;
	struct vmbus_channel *chan = dm->hdev->channel;
	struct vmbus_pkt pkt;

	for_each_vmbus_pkt(chan, &pkt)
		dm_message(dm, &pkt);
	vmbus_pkt_iter_close(chan);
}

static int dm_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct dm_device *dm;
	int ret;

	dm = kzalloc(sizeof(*dm), GFP_KERNEL);
	if (!dm)
		return -ENOMEM;
	dm->hdev = hdev;
	dm->state = DM_INITIALIZING;
	init_completion(&dm->host_event);
	atomic_set(&dm->trans_id, 0);
	dev_set_drvdata(&hdev->device, dm);
	ret = dm_balloon_init(dm);
	if (ret)
		goto err_free;
	dm->ha_enabled = dm_hot_add_init(dm);
	ret = vmbus_open(hdev->channel, DM_RING_SIZE, DM_RING_SIZE, NULL, 0,
			 dm_on_channel, dm);
	if (ret)
		goto err_free;
	ret = dm_handshake(dm);
	if (ret)
		goto err_close;
	WRITE_ONCE(dm->state, DM_INITIALIZED);
	dm_report_start(dm);
	dm_status_start(dm);
	return 0;

err_close:
	dm->state = DM_INIT_ERROR;
	dm_balloon_stop(dm);
	vmbus_close(hdev->channel);
	dm_balloon_exit(dm);
	dm_hot_add_exit(dm);
err_free:
	kfree(dm);
	return ret;
}

static void dm_remove(struct hv_device *hdev)
{
	struct dm_device *dm = dev_get_drvdata(&hdev->device);

	dm_status_stop(dm);
	dm_report_stop(dm);
	dm_balloon_stop(dm);
	vmbus_close(hdev->channel);
	dm_balloon_exit(dm);
	dm_hot_add_exit(dm);
	kfree(dm);
}

static const struct hv_vmbus_device_id dm_id_table[] = {
	{ .guid = HV_DM_GUID },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, dm_id_table);

static struct hv_driver dm_drv = {
	.name = "hv_balloon",
	.id_table = dm_id_table,
	.probe = dm_probe,
	.remove = dm_remove,
};

static int __init dm_init(void)
{
	return vmbus_driver_register(&dm_drv);
}

static void __exit dm_exit(void)
{
	vmbus_driver_unregister(&dm_drv);
}

module_init(dm_init);
module_exit(dm_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("Hyper-V Dynamic Memory: pressure reports, ballooning and hot-add");
