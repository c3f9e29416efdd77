// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus connection: version negotiation (highest first), INITIATE_CONTACT
 * with the monitor pages, message posting, request/response matching, and
 * UNLOAD.  Protocol: include/linux/hyperv.h and drivers/hv/connection.c
 * (Linux 6.12) describe the same exchange from the guest's side.
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <hvlis/synic.h>
#include "hyperv_vmbus.h"

/* Every version we speak, newest first; WIN8 is the oldest we accept. */
static const u32 vmbus_versions[] = {
	VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1,
	VERSION_WIN10_V5, VERSION_WIN10_V4_1, VERSION_WIN10,
	VERSION_WIN8_1, VERSION_WIN8,
};

static uint max_version;
module_param(max_version, uint, 0444);
MODULE_PARM_DESC(max_version,
		 "Highest VMBus version to request, as major<<16|minor (0: newest)");

#define VMBUS_RESPONSE_TIMEOUT	(10 * HZ)

struct vmbus_connection vmbus_connection;

struct hv_backend *vmbus_backend(void)
{
	return vmbus_connection.backend;
}

/* HVCALL_POST_MESSAGE, retried while the host's queue is full. */
int vmbus_post_msg(void *buf, u32 size, bool can_sleep)
{
	struct hv_backend *b = vmbus_connection.backend;
	u32 conn_id = vmbus_connection.msg_conn_id;
	unsigned int retries;
	u16 status;

	for (retries = 0; retries < 100; retries++) {
		status = b->post_message(conn_id, VMBUS_MESSAGE_TYPE, buf, size);
		switch (status) {
		case HV_STATUS_SUCCESS:
			return 0;
		case HV_STATUS_INSUFFICIENT_MEMORY:
		case HV_STATUS_INSUFFICIENT_BUFFERS:
			if (can_sleep)
				usleep_range(1000, 2000);
			else
				udelay(100);
			continue;
		default:
			pr_err_ratelimited("hv_vmbus: post message failed: status %u\n",
					   status);
			return -EIO;
		}
	}
	return -EAGAIN;
}

/*
 * A request that waits for one host message: its type and, where the
 * protocol has one, the key (relid, GPADL handle) that identifies it.
 */
void vmbus_msginfo_init(struct vmbus_msginfo *info, u32 resp_type, u32 key)
{
	info->resp_type = resp_type;
	info->key = key;
	info->resp_len = 0;
	info->chan = NULL;
	info->rescinded = false;
	init_completion(&info->done);
}

void vmbus_msginfo_add(struct vmbus_msginfo *info)
{
	unsigned long flags;

	spin_lock_irqsave(&vmbus_connection.msglist_lock, flags);
	list_add_tail(&info->entry, &vmbus_connection.msglist);
	spin_unlock_irqrestore(&vmbus_connection.msglist_lock, flags);
}

void vmbus_msginfo_del(struct vmbus_msginfo *info)
{
	unsigned long flags;

	spin_lock_irqsave(&vmbus_connection.msglist_lock, flags);
	list_del(&info->entry);
	spin_unlock_irqrestore(&vmbus_connection.msglist_lock, flags);
}

/* Wait for the response; -ETIMEDOUT if the host never answers. */
int vmbus_msginfo_wait(struct vmbus_msginfo *info)
{
	if (!wait_for_completion_timeout(&info->done, VMBUS_RESPONSE_TIMEOUT))
		return -ETIMEDOUT;
	return info->rescinded ? -ENODEV : 0;
}

/*
 * The same for a request about @chan (info->chan set before it was
 * added): a rescind of the channel ends the wait.
 */
int vmbus_msginfo_wait_chan(struct vmbus_msginfo *info,
			    struct vmbus_channel *chan)
{
	int ret = vmbus_msginfo_wait(info);

	if (ret == -ETIMEDOUT)
		dev_err_ratelimited(vmbus_chan_device(chan),
				    "channel %u: no answer to request %u from the host\n",
				    chan->offermsg.child_relid, info->resp_type - 1);
	return ret;
}

/* Fail every request still waiting on a rescinded channel. */
void vmbus_msginfo_rescind(struct vmbus_channel *chan)
{
	struct vmbus_msginfo *info;
	unsigned long flags;

	spin_lock_irqsave(&vmbus_connection.msglist_lock, flags);
	list_for_each_entry(info, &vmbus_connection.msglist, entry) {
		if (info->chan != chan || completion_done(&info->done))
			continue;
		info->rescinded = true;
		complete(&info->done);
	}
	spin_unlock_irqrestore(&vmbus_connection.msglist_lock, flags);
}

/*
 * Hand a response to the request waiting for it.  Called from the
 * interrupt handler: responses must not queue behind offers, whose device
 * probes may themselves be waiting for a response.
 */
bool vmbus_complete_response(u32 type, u32 key, const void *msg, u32 len)
{
	struct vmbus_msginfo *info;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&vmbus_connection.msglist_lock, flags);
	list_for_each_entry(info, &vmbus_connection.msglist, entry) {
		if (info->resp_type != type || info->key != key ||
		    completion_done(&info->done))
			continue;
		memcpy(info->resp, msg, len);
		info->resp_len = len;
		complete(&info->done);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&vmbus_connection.msglist_lock, flags);
	return found;
}

static int vmbus_try_version(u32 version)
{
	struct vmbus_channel_initiate_contact msg = { };
	struct vmbus_channel_version_response *resp;
	struct vmbus_msginfo *info;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;

	msg.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
	msg.vmbus_version_requested = version;
	msg.target_vcpu = vmbus_connection.connect_vp;
	if (version >= VERSION_WIN10_V5) {
		/* 5.0+: messages on our SINT, posted to connection id 4 */
		msg.msg_sint = VMBUS_MESSAGE_SINT;
		msg.msg_vtl = 0;
		vmbus_connection.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID_4;
	} else {
		msg.interrupt_page = virt_to_phys(vmbus_connection.int_page);
		vmbus_connection.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID;
	}
	msg.monitor_page1 = virt_to_phys(vmbus_connection.monitor_pages[0]);
	msg.monitor_page2 = virt_to_phys(vmbus_connection.monitor_pages[1]);

	/* Only one negotiation runs at a time, so the type is the key. */
	vmbus_msginfo_init(info, CHANNELMSG_VERSION_RESPONSE, 0);
	vmbus_msginfo_add(info);
	ret = vmbus_post_msg(&msg, sizeof(msg), true);
	if (!ret)
		ret = vmbus_msginfo_wait(info);
	vmbus_msginfo_del(info);
	if (ret)
		goto out;

	resp = (void *)info->resp;
	if (!resp->version_supported) {
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	if (version >= VERSION_WIN10_V5)
		vmbus_connection.msg_conn_id = resp->msg_conn_id;
	vmbus_connection.version = version;
out:
	kfree(info);
	return ret;
}

static int vmbus_negotiate(void)
{
	unsigned int i;
	int ret = -EPROTONOSUPPORT;

	for (i = 0; i < ARRAY_SIZE(vmbus_versions); i++) {
		u32 v = vmbus_versions[i];

		if (max_version && v > max_version)
			continue;
		ret = vmbus_try_version(v);
		if (ret == -EPROTONOSUPPORT)
			continue;
		if (ret)
			return ret;
		pr_info("hv_vmbus: Vmbus version:%u.%u\n",
			VMBUS_VERSION_MAJOR(v), VMBUS_VERSION_MINOR(v));
		return 0;
	}
	pr_err("hv_vmbus: the host accepts none of our VMBus versions\n");
	return ret;
}

static void vmbus_free_pages(void)
{
	free_page((unsigned long)vmbus_connection.int_page);
	free_page((unsigned long)vmbus_connection.monitor_pages[0]);
	free_page((unsigned long)vmbus_connection.monitor_pages[1]);
	vmbus_connection.int_page = NULL;
	vmbus_connection.monitor_pages[0] = NULL;
	vmbus_connection.monitor_pages[1] = NULL;
}

int vmbus_connect(struct hv_backend *backend)
{
	struct vmbus_connection *c = &vmbus_connection;
	int ret;

	c->backend = backend;
	c->connect_vp = backend->vp_index ? backend->vp_index(0) : 0;
	c->int_page = (void *)get_zeroed_page(GFP_KERNEL);
	c->monitor_pages[0] = (void *)get_zeroed_page(GFP_KERNEL);
	c->monitor_pages[1] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!c->int_page || !c->monitor_pages[0] || !c->monitor_pages[1]) {
		ret = -ENOMEM;
		goto err;
	}

	ret = hv_synic_init(backend);
	if (ret)
		goto err;
	c->state = VMBUS_CONNECTING;
	ret = vmbus_negotiate();
	if (ret)
		goto err_synic;
	c->state = VMBUS_CONNECTED;

	ret = vmbus_request_offers();
	if (ret)
		goto err_unload;
	return 0;

err_unload:
	vmbus_unload();
err_synic:
	c->state = VMBUS_DISCONNECTED;
	hv_synic_exit(backend);
err:
	vmbus_free_pages();
	c->backend = NULL;
	return ret;
}

/* CHANNELMSG_UNLOAD: the host forgets every channel of this guest. */
void vmbus_unload(void)
{
	struct vmbus_channel_unload msg = {
		.header.msgtype = CHANNELMSG_UNLOAD,
	};
	struct vmbus_msginfo *info;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return;
	vmbus_msginfo_init(info, CHANNELMSG_UNLOAD_RESPONSE, 0);
	vmbus_msginfo_add(info);
	if (!vmbus_post_msg(&msg, sizeof(msg), true) &&
	    vmbus_msginfo_wait(info))
		pr_warn("hv_vmbus: no UNLOAD_RESPONSE from the host\n");
	vmbus_msginfo_del(info);
	kfree(info);
}

/* System going down: unload once, leaving devices as they are. */
void vmbus_shutdown_unload(void)
{
	struct vmbus_connection *c = &vmbus_connection;

	if (c->backend && c->state == VMBUS_CONNECTED) {
		vmbus_unload();
		c->state = VMBUS_DISCONNECTED;
	}
}

void vmbus_disconnect(void)
{
	struct vmbus_connection *c = &vmbus_connection;

	if (!c->backend)
		return;
	vmbus_remove_all_channels();
	if (c->state == VMBUS_CONNECTED)
		vmbus_unload();
	c->state = VMBUS_DISCONNECTED;
	hv_synic_exit(c->backend);
	vmbus_free_pages();
	c->backend = NULL;
}

int vmbus_connection_init(void)
{
	INIT_LIST_HEAD(&vmbus_connection.msglist);
	spin_lock_init(&vmbus_connection.msglist_lock);
	vmbus_connection.work_queue = alloc_ordered_workqueue("hv_vmbus_con", 0);
	if (!vmbus_connection.work_queue)
		return -ENOMEM;
	return vmbus_channels_init();
}

void vmbus_connection_exit(void)
{
	destroy_workqueue(vmbus_connection.work_queue);
	vmbus_channels_exit();
}
