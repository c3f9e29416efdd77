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
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <hvlis/synic.h>
#include "hyperv_vmbus.h"
#include "trace.h"

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

/*
 * Transient post failures are retried 100 times, the delay doubling from
 * 1 us to 2^21 us (about 2 s) and staying there: upstream's
 * vmbus_post_msg() (drivers/hv/connection.c, 6.12).  A large GPADL or
 * many sub-channel opens on a big VM can keep the host's queue full for
 * seconds, and giving up fails a probe.
 */
#define VMBUS_POST_RETRIES	100
#define VMBUS_POST_MAX_DELAY_US	(1U << 21)

static void vmbus_post_backoff(u32 usec, bool can_sleep)
{
	if (can_sleep && usec > 1000)
		msleep(usec / 1000);
	else if (usec < MAX_UDELAY_MS * 1000)
		udelay(usec);
	else
		mdelay(usec / 1000);
}

/*
 * HVCALL_POST_MESSAGE.  INVALID_CONNECTION_ID for INITIATE_CONTACT means a
 * host older than 5.0, which has no connection id 4: -ENXIO, and
 * negotiation tries the next version.  For any other message it means we
 * posted too fast, and is retried like a full queue.
 */
int vmbus_post_msg(void *buf, u32 size, bool can_sleep)
{
	const struct vmbus_channel_message_header *hdr = buf;
	struct hv_backend *b = vmbus_connection.backend;
	u32 conn_id = vmbus_connection.msg_conn_id;
	unsigned int retries;
	u32 usec = 1;
	int ret = -EAGAIN;
	u16 status;

	for (retries = 0; retries < VMBUS_POST_RETRIES; retries++) {
		status = b->post_message(conn_id, VMBUS_MESSAGE_TYPE, buf, size);
		switch (status) {
		case HV_STATUS_SUCCESS:
			return 0;
		case HV_STATUS_INVALID_CONNECTION_ID:
			if (hdr->msgtype == CHANNELMSG_INITIATE_CONTACT)
				return -ENXIO;
			ret = -EAGAIN;
			break;
		case HV_STATUS_INSUFFICIENT_MEMORY:
		case HV_STATUS_INSUFFICIENT_BUFFERS:
			ret = -ENOBUFS;
			break;
		default:
			pr_err_ratelimited("hv_vmbus: post message failed: status %u\n",
					   status);
			return -EIO;
		}
		vmbus_post_backoff(usec, can_sleep);
		if (usec < VMBUS_POST_MAX_DELAY_US)
			usec *= 2;
	}
	pr_err_ratelimited("hv_vmbus: message %u not taken after %u tries: %d\n",
			   hdr->msgtype, VMBUS_POST_RETRIES, ret);
	return ret;
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

static int vmbus_try_connection_id(u32 version, u32 conn_id)
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
		/* 5.0+: messages on our SINT, from our VTL, to @conn_id */
		msg.msg_sint = VMBUS_MESSAGE_SINT;
		msg.msg_vtl = vmbus_connection.backend->vtl;
		vmbus_connection.msg_conn_id = conn_id;
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
	resp = (void *)info->resp;
	if (!ret && !resp->version_supported)
		ret = -EPROTONOSUPPORT;
	trace_vmbus_negotiate_version(version, msg.target_vcpu,
				      vmbus_connection.msg_conn_id, ret);
	if (ret)
		goto out;
	if (version >= VERSION_WIN10_V5)
		vmbus_connection.msg_conn_id = resp->msg_conn_id;
	vmbus_connection.version = version;
out:
	kfree(info);
	return ret;
}

/*
 * A guest in VTL 2 (a paravisor) tries the redirect id first and falls
 * back to id 4 where the host does not know it (-ENXIO), as upstream's
 * vmbus_negotiate_version() (connection.c, 6.12).  Below 5.0 the id is
 * always 1, set in vmbus_try_connection_id().
 */
static int vmbus_try_version(u32 version)
{
	int ret;

	if (version >= VERSION_WIN10_V5 && vmbus_connection.backend->vtl == 2) {
		ret = vmbus_try_connection_id(version,
					      VMBUS_MESSAGE_CONNECTION_ID_REDIRECT);
		if (ret != -ENXIO)
			return ret;
	}
	return vmbus_try_connection_id(version, VMBUS_MESSAGE_CONNECTION_ID_4);
}

/*
 * Highest version first.  Any failure but a timeout moves on to the next
 * version, as upstream's vmbus_connect() does (connection.c: "if (ret ==
 * -ETIMEDOUT) goto cleanup"): an old host refuses 5.x at the post
 * (-ENXIO), a busy one may fail one try, and a host that never answers
 * would make every further try wait as long again.
 */
static int vmbus_negotiate(void)
{
	unsigned int i;
	int ret = -EPROTONOSUPPORT;

	for (i = 0; i < ARRAY_SIZE(vmbus_versions); i++) {
		u32 v = vmbus_versions[i];

		if (max_version && v > max_version)
			continue;
		ret = vmbus_try_version(v);
		if (ret == -ETIMEDOUT)
			break;
		if (ret)
			continue;
		pr_info("hv_vmbus: Vmbus version:%u.%u\n",
			VMBUS_VERSION_MAJOR(v), VMBUS_VERSION_MINOR(v));
		return 0;
	}
	pr_err("hv_vmbus: no VMBus version negotiated: %d\n", ret);
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

/* how often a long wait for UNLOAD_RESPONSE says it is still waiting */
#define VMBUS_UNLOAD_NOTICE	(10 * HZ)

/*
 * CHANNELMSG_UNLOAD: the host forgets every channel and GPADL of this
 * guest.  As upstream's vmbus_initiate_unload() (channel_mgmt.c, 6.12):
 * not below 3.0, whose hosts cannot reconnect and never answer; and the
 * answer is waited for without a limit, because Azure may first flush the
 * VM's disk cache (~50 s), and memory the host still maps as GPADLs must
 * not be reused before it lets go.  The request lives in the connection:
 * nothing to allocate on the way down.
 */
void vmbus_unload(void)
{
	struct vmbus_channel_unload msg = {
		.header.msgtype = CHANNELMSG_UNLOAD,
	};
	struct vmbus_msginfo *info = &vmbus_connection.unload_info;

	if (vmbus_connection.version < VERSION_WIN8_1)
		return;
	vmbus_msginfo_init(info, CHANNELMSG_UNLOAD_RESPONSE, 0);
	vmbus_msginfo_add(info);
	if (!vmbus_post_msg(&msg, sizeof(msg), true)) {
		while (!wait_for_completion_timeout(&info->done,
						    VMBUS_UNLOAD_NOTICE))
			pr_notice("hv_vmbus: waiting for the host's UNLOAD_RESPONSE\n");
	}
	vmbus_msginfo_del(info);
}

/*
 * UNLOAD goes out on kexec, crash and module unload only, as upstream
 * (vmbus_drv.c: hv_kexec_handler, hv_crash_handler, vmbus_exit): on a
 * reboot or power-off the host tears the VM down anyway, and Azure's
 * answer can take most of a minute.  Hyper-V's kexec hook exists only on
 * Hyper-V, so for every backend the reboot notifier tells a kexec from a
 * reboot: kernel_kexec() calls kernel_restart_prepare("kexec reboot")
 * (kernel/kexec_core.c; older kernels pass NULL and are taken for a
 * reboot).
 */
static bool vmbus_kexec;

static int vmbus_reboot_notify(struct notifier_block *nb, unsigned long code,
			       void *cmd)
{
	if (code == SYS_RESTART && cmd && !strcmp(cmd, "kexec reboot"))
		WRITE_ONCE(vmbus_kexec, true);
	return NOTIFY_DONE;
}

static struct notifier_block vmbus_reboot_nb = {
	.notifier_call = vmbus_reboot_notify,
};

/* kexec: unload once, leaving devices as they are */
void vmbus_unload_now(void)
{
	struct vmbus_connection *c = &vmbus_connection;

	if (c->backend && xchg(&c->state, VMBUS_DISCONNECTED) == VMBUS_CONNECTED)
		vmbus_unload();
}

/*
 * Panic or crash: interrupts off, other CPUs stopped, nothing may sleep.
 * Without UNLOAD the host still holds this kernel's channels and does not
 * answer the crash kernel's INITIATE_CONTACT, and no dump gets written.
 * Upstream: vmbus_initiate_unload(true) from its panic notifier and its
 * crash handler (vmbus_drv.c, 6.12).
 */
void vmbus_unload_crash(void)
{
	struct vmbus_channel_unload msg = {
		.header.msgtype = CHANNELMSG_UNLOAD,
	};
	struct vmbus_connection *c = &vmbus_connection;

	if (!c->backend || xchg(&c->state, VMBUS_DISCONNECTED) != VMBUS_CONNECTED)
		return;
	if (c->version < VERSION_WIN8_1)
		return;
	if (!vmbus_post_msg(&msg, sizeof(msg), false))
		hv_synic_wait_unload();
}

/*
 * Almost the last panic notifier, as upstream's: a framebuffer's panic
 * notifier still needs the connection.
 */
static int vmbus_panic_notify(struct notifier_block *nb, unsigned long code,
			      void *arg)
{
	vmbus_unload_crash();
	return NOTIFY_DONE;
}

static struct notifier_block vmbus_panic_nb = {
	.notifier_call = vmbus_panic_notify,
	.priority = INT_MIN + 1,
};

/* the backend's device shuts down, after every vmbus device below it */
void vmbus_shutdown_unload(void)
{
	if (READ_ONCE(vmbus_kexec))
		vmbus_unload_now();
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
	int ret;

	INIT_LIST_HEAD(&vmbus_connection.msglist);
	spin_lock_init(&vmbus_connection.msglist_lock);
	vmbus_connection.work_queue = alloc_ordered_workqueue("hv_vmbus_con", 0);
	if (!vmbus_connection.work_queue)
		return -ENOMEM;
	ret = vmbus_channels_init();
	if (ret)
		goto err_wq;
	ret = register_reboot_notifier(&vmbus_reboot_nb);
	if (ret)
		goto err_channels;
	atomic_notifier_chain_register(&panic_notifier_list, &vmbus_panic_nb);
	return 0;

err_channels:
	vmbus_channels_exit();
err_wq:
	destroy_workqueue(vmbus_connection.work_queue);
	return ret;
}

void vmbus_connection_exit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &vmbus_panic_nb);
	unregister_reboot_notifier(&vmbus_reboot_nb);
	destroy_workqueue(vmbus_connection.work_queue);
	vmbus_channels_exit();
}
