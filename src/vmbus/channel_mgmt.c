// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channel management: the host's channel messages (offers, rescinds, the
 * end of the initial offers, and the responses requests wait for), one
 * struct vmbus_channel per offer, and one vmbus device per primary channel.
 * Every field of an offer is checked before it is used.
 */
#include <linux/cpu.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include <hvlis/guids.h>
#include <hvlis/synic.h>
#include "hyperv_vmbus.h"
#include "trace.h"

/*
 * Channels and devices come from caches of their own: their counts in
 * /proc/slabinfo are exact, which is what the hot-plug leak test reads.
 * The empty constructor keeps SLUB from merging them into kmalloc caches
 * (a cache with a constructor is never merged); it also means allocations
 * are not zeroed for us, so vmbus_alloc_*() clear them.
 */
static struct kmem_cache *channel_cache, *device_cache;

static void vmbus_obj_ctor(void *obj)
{
}

static struct vmbus_channel *vmbus_alloc_channel(void)
{
	struct vmbus_channel *chan = kmem_cache_alloc(channel_cache, GFP_KERNEL);

	if (chan)
		memset(chan, 0, sizeof(*chan));
	return chan;
}

void vmbus_free_channel_mem(struct vmbus_channel *chan)
{
	kmem_cache_free(channel_cache, chan);
}

/* relid -> channel; readers in interrupt context use RCU */
static struct vmbus_channel __rcu **relid_map;
static LIST_HEAD(chn_list);		/* primary channels */
static DEFINE_MUTEX(chn_mutex);		/* chn_list, relid_map updates */
static DECLARE_COMPLETION(all_offers_delivered);

/* sysfs "device": upstream's enum vmbus_device_type (include/linux/hyperv.h) */
static const struct {
	guid_t guid;
	u16 type;
} dev_types[] = {
	{ HV_IDE_GUID, 0 }, { HV_SCSI_GUID, 1 }, { HV_SYNTHFC_GUID, 2 },
	{ HV_NIC_GUID, 3 }, { HV_ND_GUID, 4 }, { HV_PCIE_GUID, 5 },
	{ HV_SYNTHVID_GUID, 6 }, { HV_KBD_GUID, 7 }, { HV_MOUSE_GUID, 8 },
	{ HV_KVP_GUID, 9 }, { HV_TS_GUID, 10 }, { HV_HEART_BEAT_GUID, 11 },
	{ HV_SHUTDOWN_GUID, 12 }, { HV_FCOPY_GUID, 13 }, { HV_VSS_GUID, 14 },
	{ HV_DM_GUID, 15 },
};
#define HV_DEV_TYPE_UNKNOWN	16
#define PCI_VENDOR_ID_MICROSOFT_HV	0x1414

static u16 hv_dev_type(const guid_t *guid)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dev_types); i++)
		if (guid_equal(&dev_types[i].guid, guid))
			return dev_types[i].type;
	return HV_DEV_TYPE_UNKNOWN;
}

/*
 * Target CPU of a new channel.  Channels of high-throughput classes
 * (storage, network) are spread round-robin over the CPUs the host can
 * interrupt; the rest stay on CPU 0, as upstream's init_vp_index does.
 */
static u32 vmbus_pick_cpu(const struct vmbus_channel_offer_channel *o)
{
	static const guid_t perf[] = {
		HV_IDE_GUID, HV_SCSI_GUID, HV_SYNTHFC_GUID, HV_NIC_GUID,
		HV_ND_GUID, HV_PCIE_GUID, HVSIM_ECHO_GUID,
	};
	static atomic_t next = ATOMIC_INIT(0);
	unsigned int nr = min(vmbus_backend()->nr_cpus, nr_cpu_ids);
	unsigned int i, tries;
	u32 cpu;

	for (i = 0; i < ARRAY_SIZE(perf); i++)
		if (guid_equal(&perf[i], &o->offer.if_type))
			break;
	if (i == ARRAY_SIZE(perf))
		return 0;
	/* the caller holds cpus_read_lock(): online stays online */
	for (tries = 0; tries < nr; tries++) {
		cpu = (u32)atomic_inc_return(&next) % nr;
		if (cpu_online(cpu))
			return cpu;
	}
	return 0;
}

struct vmbus_channel *relid2channel(u32 relid)
{
	if (relid >= VMBUS_MAX_RELIDS)
		return NULL;
	return rcu_dereference(relid_map[relid]);
}

/* Channel interrupt (event flag bit) from the host; hard-irq context. */
void vmbus_channel_event(u32 relid)
{
	struct vmbus_channel *chan;

	rcu_read_lock();
	chan = relid2channel(relid);
	if (chan)
		vmbus_channel_isr(chan);
	rcu_read_unlock();
}

static void vmbus_device_release(struct device *dev)
{
	struct hv_device *hdev = device_to_hv_device(dev);

	kmem_cache_free(device_cache, hdev);
}

static void free_channel(struct vmbus_channel *chan)
{
	vmbus_channel_free(chan);
}

/* Tell the host it may reuse a rescinded channel's relid. */
static void vmbus_release_relid(u32 relid)
{
	struct vmbus_channel_relid_released msg = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = relid,
	};
	int ret = vmbus_post_msg(&msg, sizeof(msg), true);

	trace_vmbus_release_relid(relid, ret);
}

static void vmbus_unmap_relid(struct vmbus_channel *chan)
{
	RCU_INIT_POINTER(relid_map[chan->offermsg.child_relid], NULL);
	synchronize_rcu();
}

static int vmbus_device_add(struct vmbus_channel *chan)
{
	const struct vmbus_channel_offer *offer = &chan->offermsg.offer;
	struct hv_device *hdev;
	int ret;

	hdev = kmem_cache_alloc(device_cache, GFP_KERNEL);
	if (!hdev)
		return -ENOMEM;
	memset(hdev, 0, sizeof(*hdev));
	hdev->channel = chan;
	guid_copy(&hdev->dev_type, &offer->if_type);
	guid_copy(&hdev->dev_instance, &offer->if_instance);
	hdev->vendor_id = PCI_VENDOR_ID_MICROSOFT_HV;
	hdev->device_id = hv_dev_type(&offer->if_type);

	/*
	 * Guest memory is named to the host by page number: any address
	 * works, so 64-bit DMA (drivers map SG lists with the DMA API).
	 */
	hdev->device.dma_mask = &hdev->dma_mask;
	hdev->device.dma_parms = &hdev->dma_parms;
	hdev->dma_mask = DMA_BIT_MASK(64);
	hdev->device.coherent_dma_mask = DMA_BIT_MASK(64);
	hdev->device.bus = &hv_bus;
	hdev->device.parent = vmbus_backend()->parent;
	hdev->device.release = vmbus_device_release;
	dev_set_name(&hdev->device, "%pUl", &offer->if_instance);
	chan->device_obj = hdev;

	ret = device_register(&hdev->device);
	if (ret) {
		pr_err("hv_vmbus: cannot register device %pUl: %d\n",
		       &offer->if_instance, ret);
		chan->device_obj = NULL;
		put_device(&hdev->device);
		return ret;
	}
	if (vmbus_add_channel_kobj(hdev, chan))
		dev_warn(&hdev->device, "no sysfs directory for channel %u\n",
			 chan->offermsg.child_relid);
	return 0;
}

static bool vmbus_offer_valid(const struct vmbus_channel_offer_channel *o)
{
	if (o->child_relid >= VMBUS_MAX_RELIDS) {
		pr_err_ratelimited("hv_vmbus: offer with relid %u out of range\n",
				   o->child_relid);
		return false;
	}
	if (o->monitor_allocated && o->monitorid >= VMBUS_MAX_MONITOR_ID) {
		pr_err_ratelimited("hv_vmbus: offer with monitor id %u out of range\n",
				   o->monitorid);
		return false;
	}
	if (guid_is_null(&o->offer.if_type)) {
		pr_err_ratelimited("hv_vmbus: offer without a class id\n");
		return false;
	}
	return true;
}

static void vmbus_onoffer(const void *msg, u32 len)
{
	const struct vmbus_channel_offer_channel *o = msg;
	struct vmbus_channel *chan;
	u32 relid = o->child_relid;

	trace_vmbus_onoffer(o);
	if (!vmbus_offer_valid(o))
		return;

	chan = vmbus_alloc_channel();
	if (!chan)
		return;
	memcpy(&chan->offermsg, o, sizeof(*o));
	vmbus_channel_init(chan);
	cpus_read_lock();
	chan->target_cpu = vmbus_pick_cpu(o);
	cpus_read_unlock();

	mutex_lock(&chn_mutex);
	if (rcu_access_pointer(relid_map[relid])) {
		mutex_unlock(&chn_mutex);
		pr_err_ratelimited("hv_vmbus: second offer for relid %u ignored\n",
				   relid);
		vmbus_free_channel_mem(chan);
		return;
	}
	if (o->offer.sub_channel_index) {
		/* Sub-channels belong to the primary with the same instance. */
		struct vmbus_channel *primary;

		list_for_each_entry(primary, &chn_list, listentry)
			if (guid_equal(&primary->offermsg.offer.if_instance,
				       &o->offer.if_instance))
				break;
		if (list_entry_is_head(primary, &chn_list, listentry)) {
			mutex_unlock(&chn_mutex);
			pr_err_ratelimited("hv_vmbus: sub-channel %u without a primary\n",
					   relid);
			vmbus_free_channel_mem(chan);
			return;
		}
		chan->primary_channel = primary;
		list_add_tail(&chan->sc_list, &primary->sc_list);
		rcu_assign_pointer(relid_map[relid], chan);
		mutex_unlock(&chn_mutex);
		if (primary->device_obj &&
		    vmbus_add_channel_kobj(primary->device_obj, chan))
			pr_warn("hv_vmbus: no sysfs directory for channel %u\n", relid);
		vmbus_subchannel_offered(chan);
		return;
	}
	list_add_tail(&chan->listentry, &chn_list);
	rcu_assign_pointer(relid_map[relid], chan);
	mutex_unlock(&chn_mutex);

	if (vmbus_device_add(chan)) {
		mutex_lock(&chn_mutex);
		list_del(&chan->listentry);
		vmbus_unmap_relid(chan);
		mutex_unlock(&chn_mutex);
		vmbus_free_channel_mem(chan);
	}
}

/*
 * Remove a primary channel's device and all its sub-channels: first their
 * sysfs directories, then the device (its driver closes the channels),
 * then the channels themselves.
 */
static void vmbus_remove_primary(struct vmbus_channel *chan)
{
	struct hv_device *hdev = chan->device_obj;
	struct vmbus_channel *sc, *tmp;

	if (hdev) {
		mutex_lock(&chn_mutex);
		list_for_each_entry(sc, &chan->sc_list, sc_list)
			vmbus_del_channel_kobj(sc);
		mutex_unlock(&chn_mutex);
		vmbus_del_channel_kobj(chan);
		vmbus_remove_channels_kset(hdev);
		device_unregister(&hdev->device);
	}

	mutex_lock(&chn_mutex);
	list_for_each_entry_safe(sc, tmp, &chan->sc_list, sc_list) {
		list_del(&sc->sc_list);
		vmbus_unmap_relid(sc);
		free_channel(sc);
	}
	list_del(&chan->listentry);
	vmbus_unmap_relid(chan);
	mutex_unlock(&chn_mutex);
}

static void vmbus_onoffer_rescind(const void *msg, u32 len)
{
	const struct vmbus_channel_rescind_offer *r = msg;
	struct vmbus_channel *chan;
	u32 relid = r->child_relid;

	mutex_lock(&chn_mutex);
	chan = relid < VMBUS_MAX_RELIDS ?
		rcu_dereference_protected(relid_map[relid],
					  lockdep_is_held(&chn_mutex)) : NULL;
	if (chan)
		WRITE_ONCE(chan->rescind, true);
	mutex_unlock(&chn_mutex);
	trace_vmbus_onoffer_rescind(relid, chan ? 0 : -ENOENT);
	if (!chan) {
		pr_err_ratelimited("hv_vmbus: rescind of unknown relid %u\n", relid);
		return;
	}
	/* Wake anyone waiting on this channel: the host will not answer. */
	vmbus_channel_rescinded(chan);

	if (chan->primary_channel) {
		void (*cb)(struct vmbus_channel *c) =
			READ_ONCE(chan->chn_rescind_callback);
		bool in_use = chan->state != CHANNEL_OFFER_STATE;

		vmbus_del_channel_kobj(chan);
		mutex_lock(&chn_mutex);
		vmbus_unmap_relid(chan);
		/* a driver still has it open: it goes with its primary */
		if (!in_use)
			list_del(&chan->sc_list);
		mutex_unlock(&chn_mutex);
		if (cb)
			cb(chan);
		if (!in_use)
			free_channel(chan);
	} else {
		vmbus_remove_primary(chan);
		free_channel(chan);
	}
	vmbus_release_relid(relid);
}

static void vmbus_onoffers_delivered(const void *msg, u32 len)
{
	complete(&all_offers_delivered);
}

int vmbus_request_offers(void)
{
	struct vmbus_channel_request_offers msg = {
		.header.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	int ret;

	reinit_completion(&all_offers_delivered);
	ret = vmbus_post_msg(&msg, sizeof(msg), true);
	trace_vmbus_request_offers(ret);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&all_offers_delivered, 30 * HZ))
		pr_warn("hv_vmbus: the host did not finish its offers\n");
	/* the devices of the initial offers exist when we return */
	flush_workqueue(vmbus_connection.work_queue);
	return 0;
}

void vmbus_remove_all_channels(void)
{
	struct vmbus_channel *chan;

	flush_workqueue(vmbus_connection.work_queue);
	for (;;) {
		mutex_lock(&chn_mutex);
		chan = list_first_entry_or_null(&chn_list, struct vmbus_channel,
						listentry);
		mutex_unlock(&chn_mutex);
		if (!chan)
			break;
		vmbus_remove_primary(chan);
		free_channel(chan);
	}
}

/* Host messages that others wait for: key by relid or GPADL handle. */
static void vmbus_on_response(const void *msg, u32 len)
{
	const struct vmbus_channel_message_header *hdr = msg;
	u32 key = 0;

	switch (hdr->msgtype) {
	case CHANNELMSG_OPENCHANNEL_RESULT:
		key = ((const struct vmbus_channel_open_result *)msg)->child_relid;
		break;
	case CHANNELMSG_GPADL_CREATED:
		key = ((const struct vmbus_channel_gpadl_created *)msg)->gpadl;
		break;
	case CHANNELMSG_GPADL_TORNDOWN:
		key = ((const struct vmbus_channel_gpadl_torndown *)msg)->gpadl;
		break;
	case CHANNELMSG_MODIFYCHANNEL_RESPONSE:
		key = ((const struct vmbus_channel_modifychannel_response *)msg)->child_relid;
		break;
	}
	if (!vmbus_complete_response(hdr->msgtype, key, msg, len))
		pr_err_ratelimited("hv_vmbus: unexpected message %u (key %u)\n",
				   hdr->msgtype, key);
}

struct vmbus_msg_handler {
	u32 min_len;
	bool blocking;		/* runs in the workqueue, may sleep */
	void (*fn)(const void *msg, u32 len);
};

static const struct vmbus_msg_handler handlers[CHANNELMSG_COUNT] = {
	[CHANNELMSG_OFFERCHANNEL] = {
		sizeof(struct vmbus_channel_offer_channel), true, vmbus_onoffer },
	[CHANNELMSG_RESCIND_CHANNELOFFER] = {
		sizeof(struct vmbus_channel_rescind_offer), true,
		vmbus_onoffer_rescind },
	[CHANNELMSG_ALLOFFERS_DELIVERED] = {
		sizeof(struct vmbus_channel_message_header), true,
		vmbus_onoffers_delivered },
	[CHANNELMSG_OPENCHANNEL_RESULT] = {
		sizeof(struct vmbus_channel_open_result), false, vmbus_on_response },
	[CHANNELMSG_GPADL_CREATED] = {
		sizeof(struct vmbus_channel_gpadl_created), false,
		vmbus_on_response },
	[CHANNELMSG_GPADL_TORNDOWN] = {
		sizeof(struct vmbus_channel_gpadl_torndown), false,
		vmbus_on_response },
	[CHANNELMSG_VERSION_RESPONSE] = {
		sizeof(struct vmbus_channel_version_response), false,
		vmbus_on_response },
	[CHANNELMSG_UNLOAD_RESPONSE] = {
		sizeof(struct vmbus_channel_message_header), false,
		vmbus_on_response },
	[CHANNELMSG_MODIFYCHANNEL_RESPONSE] = {
		sizeof(struct vmbus_channel_modifychannel_response), false,
		vmbus_on_response },
};

struct vmbus_msg_work {
	struct work_struct work;
	const struct vmbus_msg_handler *h;
	u32 len;
	u8 msg[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
};

static void vmbus_msg_workfn(struct work_struct *work)
{
	struct vmbus_msg_work *w = container_of(work, struct vmbus_msg_work, work);

	w->h->fn(w->msg, w->len);
	kfree(w);
}

/*
 * A message in this CPU's SINT 2 slot.  Interrupt context.  The slot is
 * read once into a private copy; nothing is trusted before it is checked.
 */
void vmbus_on_message(const struct hv_message *m)
{
	const struct vmbus_msg_handler *h;
	struct vmbus_msg_work *w;
	u8 buf[HV_MESSAGE_PAYLOAD_BYTE_COUNT] = { };
	u32 len = READ_ONCE(m->header.payload_size);
	u32 type;

	if (len > sizeof(buf) || len < sizeof(struct vmbus_channel_message_header)) {
		pr_err_ratelimited("hv_vmbus: message of bad size %u\n", len);
		return;
	}
	memcpy(buf, m->u.payload, len);
	type = ((struct vmbus_channel_message_header *)buf)->msgtype;
	trace_vmbus_on_message(type, len);
	if (type >= CHANNELMSG_COUNT || !handlers[type].fn) {
		pr_err_ratelimited("hv_vmbus: unknown message type %u\n", type);
		return;
	}
	h = &handlers[type];
	if (len < h->min_len) {
		pr_err_ratelimited("hv_vmbus: message %u too short (%u < %u)\n",
				   type, len, h->min_len);
		return;
	}
	if (!h->blocking) {
		h->fn(buf, len);
		return;
	}
	w = kmalloc(sizeof(*w), GFP_ATOMIC);
	if (!w)
		return;
	INIT_WORK(&w->work, vmbus_msg_workfn);
	w->h = h;
	w->len = len;
	memcpy(w->msg, buf, sizeof(buf));
	queue_work(vmbus_connection.work_queue, &w->work);
}

/* Drop every driver callback of a primary channel and its sub-channels. */
void vmbus_forget_callbacks(struct vmbus_channel *primary)
{
	struct vmbus_channel *sc;

	mutex_lock(&chn_mutex);
	WRITE_ONCE(primary->sc_creation_callback, NULL);
	WRITE_ONCE(primary->onchannel_callback, NULL);
	list_for_each_entry(sc, &primary->sc_list, sc_list) {
		WRITE_ONCE(sc->chn_rescind_callback, NULL);
		WRITE_ONCE(sc->onchannel_callback, NULL);
	}
	mutex_unlock(&chn_mutex);
}

ssize_t vmbus_channel_vp_mapping(struct vmbus_channel *primary, char *buf)
{
	struct vmbus_channel *sc;
	ssize_t n;

	mutex_lock(&chn_mutex);
	n = sysfs_emit(buf, "%u:%u\n", primary->offermsg.child_relid,
		       primary->target_cpu);
	list_for_each_entry(sc, &primary->sc_list, sc_list)
		if (!sc->rescind)
			n += sysfs_emit_at(buf, n, "%u:%u\n",
					   sc->offermsg.child_relid,
					   sc->target_cpu);
	mutex_unlock(&chn_mutex);
	return n;
}

int vmbus_channels_init(void)
{
	relid_map = kcalloc(VMBUS_MAX_RELIDS, sizeof(*relid_map), GFP_KERNEL);
	channel_cache = kmem_cache_create("hv_vmbus_channel",
					  sizeof(struct vmbus_channel), 0, 0,
					  vmbus_obj_ctor);
	device_cache = kmem_cache_create("hv_vmbus_device",
					 sizeof(struct hv_device), 0, 0,
					 vmbus_obj_ctor);
	if (!relid_map || !channel_cache || !device_cache) {
		vmbus_channels_exit();
		return -ENOMEM;
	}
	return 0;
}

/* A channel or device still allocated here is reported as a leak. */
void vmbus_channels_exit(void)
{
	kmem_cache_destroy(device_cache);
	kmem_cache_destroy(channel_cache);
	kfree(relid_map);
}
