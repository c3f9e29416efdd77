// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels as class drivers see them: open and close (the ring GPADL and
 * OPENCHANNEL), sending packets, signalling the host, and the interrupt
 * path that runs a driver's callback.  Protocol: include/linux/hyperv.h and
 * drivers/hv/channel.c (Linux 6.12) describe the same exchanges.
 */
#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <hvlis/synic.h>
#include "hyperv_vmbus.h"
#include "trace.h"

/* A callback runs at most this long before it yields the CPU. */
#define VMBUS_CALLBACK_BUDGET	msecs_to_jiffies(2)

u32 vmbus_proto_version(void)
{
	return vmbus_connection.version;
}
EXPORT_SYMBOL_GPL(vmbus_proto_version);

/*
 * The host's time samples (hv_utils' timesync) are stamped with the
 * partition reference counter; the backend reads it.  Only callers that
 * hold a bound device use this, so the backend cannot go away meanwhile.
 */
bool vmbus_read_ref_counter(u64 *now)
{
	struct hv_backend *b = READ_ONCE(vmbus_connection.backend);

	if (!b || !b->ref_counter)
		return false;
	*now = b->ref_counter();
	return true;
}
EXPORT_SYMBOL_GPL(vmbus_read_ref_counter);

/* Tell the host that a ring has something for it. */
void vmbus_setevent(struct vmbus_channel *chan)
{
	struct vmbus_channel_offer_channel *o = &chan->offermsg;

	chan->sig_events++;
	trace_vmbus_setevent(chan);
	/* the pre-5.0 interrupt page: second half is guest-to-host */
	if (!o->is_dedicated_interrupt)
		set_bit(o->child_relid, vmbus_connection.int_page + PAGE_SIZE / 2);
	if (o->monitor_allocated) {
		struct hv_monitor_page *mp = vmbus_connection.monitor_pages[1];

		/* the host polls the monitor page: no hypercall needed */
		set_bit(chan->monitor_bit,
			(unsigned long *)&mp->trigger_group[chan->monitor_grp].as_uint64);
		return;
	}
	vmbus_backend()->signal_event(chan->sig_event);
}
EXPORT_SYMBOL_GPL(vmbus_setevent);

/*
 * The channel's bottom half.  While the callback drains the ring the host
 * need not interrupt us (interrupt_mask); afterwards look once more, since
 * a packet may have come between the last read and unmasking.
 */
static void vmbus_on_event(struct tasklet_struct *t)
{
	struct vmbus_channel *chan = from_tasklet(chan, t, callback_event);
	struct hv_ring_buffer *in = chan->inbound.ring_buffer;
	unsigned long end = jiffies + VMBUS_CALLBACK_BUDGET;
	void (*cb)(void *ctx);

	trace_vmbus_on_event(chan);

	if (chan->callback_direct) {
		cb = READ_ONCE(chan->onchannel_callback);
		if (cb && in)
			cb(chan->channel_callback_context);
		return;
	}
	do {
		cb = READ_ONCE(chan->onchannel_callback);
		if (!cb || !in)
			return;
		WRITE_ONCE(in->interrupt_mask, 1);
		cb(chan->channel_callback_context);
		WRITE_ONCE(in->interrupt_mask, 0);
		/* unmask before we look at the write index once more */
		virt_mb();
		if (!hv_get_bytes_to_read(&chan->inbound))
			return;
	} while (time_before(jiffies, end));
	tasklet_schedule(&chan->callback_event);
}

void vmbus_channel_init(struct vmbus_channel *chan)
{
	struct vmbus_channel_offer_channel *o = &chan->offermsg;

	INIT_LIST_HEAD(&chan->sc_list);
	spin_lock_init(&chan->outbound.ring_lock);
	spin_lock_init(&chan->inbound.ring_lock);
	tasklet_setup(&chan->callback_event, vmbus_on_event);
	chan->state = CHANNEL_OFFER_STATE;
	/* WIN8+: each channel is signalled through its own connection id */
	chan->sig_event = o->connection_id;
	chan->monitor_grp = o->monitorid / HV_MONITOR_IDS_PER_GROUP;
	chan->monitor_bit = o->monitorid % HV_MONITOR_IDS_PER_GROUP;
}

void vmbus_channel_free(struct vmbus_channel *chan)
{
	tasklet_kill(&chan->callback_event);
	/* once in sysfs, the kobject's release frees the channel */
	if (chan->kobj.state_initialized)
		kobject_put(&chan->kobj);
	else
		vmbus_free_channel_mem(chan);
}

/* Retarget the channel's interrupts (MODIFYCHANNEL, WIN10 4.1 and later). */
int vmbus_channel_set_cpu(struct vmbus_channel *chan, u32 cpu)
{
	struct vmbus_channel_modifychannel msg = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL,
		.child_relid = chan->offermsg.child_relid,
	};
	struct vmbus_channel_modifychannel_response *res;
	struct vmbus_msginfo *info;
	int ret;

	if (vmbus_connection.version < VERSION_WIN10_V4_1)
		return -EOPNOTSUPP;
	if (chan->state != CHANNEL_OPENED_STATE)
		return -EINVAL;
	/* CPUs stay online while we retarget (the backend may refuse offline) */
	cpus_read_lock();
	if (cpu >= vmbus_backend()->nr_cpus || !cpu_online(cpu)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (cpu == chan->target_cpu) {
		ret = 0;
		goto out_unlock;
	}
	msg.target_vp = vmbus_backend()->vp_index ?
		vmbus_backend()->vp_index(cpu) : cpu;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	vmbus_msginfo_init(info, CHANNELMSG_MODIFYCHANNEL_RESPONSE,
			   chan->offermsg.child_relid);
	info->chan = chan;
	vmbus_msginfo_add(info);
	ret = vmbus_post_msg(&msg, sizeof(msg), true);
	/* only 5.3 hosts acknowledge; older ones just do it */
	if (!ret && vmbus_connection.version >= VERSION_WIN10_V5_3) {
		ret = vmbus_msginfo_wait_chan(info, chan);
		res = (void *)info->resp;
		if (!ret && res->status)
			ret = -EIO;
	}
	vmbus_msginfo_del(info);
	kfree(info);
	trace_vmbus_send_modifychannel(msg.child_relid, msg.target_vp, ret);
	if (!ret)
		WRITE_ONCE(chan->target_cpu, cpu);
out_unlock:
	cpus_read_unlock();
	return ret;
}

/* Host signalled the channel; hard-irq context. */
void vmbus_channel_isr(struct vmbus_channel *chan)
{
	chan->interrupts++;
	trace_vmbus_chan_sched(chan);
	if (READ_ONCE(chan->onchannel_callback))
		tasklet_schedule(&chan->callback_event);
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

/* The host took the channel back: it will answer nothing more for it. */
void vmbus_channel_rescinded(struct vmbus_channel *chan)
{
	unsigned long flags;

	/* writers check rescind under the ring lock */
	spin_lock_irqsave(&chan->outbound.ring_lock, flags);
	WRITE_ONCE(chan->rescind, true);
	spin_unlock_irqrestore(&chan->outbound.ring_lock, flags);
	vmbus_msginfo_rescind(chan);
}

static void vmbus_free_ring(struct vmbus_channel *chan)
{
	hv_ringbuffer_cleanup(&chan->outbound);
	hv_ringbuffer_cleanup(&chan->inbound);
	if (chan->ringbuffer_page)
		__free_pages(chan->ringbuffer_page,
			     get_order(chan->ringbuffer_pagecount << PAGE_SHIFT));
	chan->ringbuffer_page = NULL;
}

int vmbus_open(struct vmbus_channel *chan, u32 send_size, u32 recv_size,
	       void *userdata, u32 userdatalen,
	       void (*onchannel_callback)(void *context), void *context)
{
	struct vmbus_channel_open_channel msg = { };
	struct vmbus_channel_open_result *res;
	struct vmbus_msginfo *info;
	u32 send_pages = send_size >> PAGE_SHIFT;
	u32 pages = (send_size + recv_size) >> PAGE_SHIFT;
	u32 relid = chan->offermsg.child_relid;
	int ret;

	if (!PAGE_ALIGNED(send_size) || !PAGE_ALIGNED(recv_size) ||
	    send_size < 2 * PAGE_SIZE || recv_size < 2 * PAGE_SIZE ||
	    userdatalen > MAX_USER_DEFINED_BYTES)
		return -EINVAL;
	if (READ_ONCE(chan->rescind))
		return -ENODEV;
	if (chan->state != CHANNEL_OFFER_STATE)
		return -EBUSY;
	chan->state = CHANNEL_OPENING_STATE;

	chan->ringbuffer_page = alloc_pages(GFP_KERNEL | __GFP_ZERO,
					    get_order(send_size + recv_size));
	if (!chan->ringbuffer_page) {
		ret = -ENOMEM;
		goto err_state;
	}
	chan->ringbuffer_pagecount = pages;
	chan->ringbuffer_send_offset = send_pages;
	ret = hv_ringbuffer_init(&chan->outbound, chan->ringbuffer_page,
				 send_pages);
	if (!ret)
		ret = hv_ringbuffer_init(&chan->inbound,
					 chan->ringbuffer_page + send_pages,
					 pages - send_pages);
	if (ret)
		goto err_ring;
	ret = vmbus_establish_gpadl(chan, page_address(chan->ringbuffer_page),
				    send_size + recv_size,
				    &chan->ringbuffer_gpadl);
	if (ret)
		goto err_ring;

	chan->channel_callback_context = context;
	WRITE_ONCE(chan->onchannel_callback, onchannel_callback);

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		ret = -ENOMEM;
		goto err_gpadl;
	}
	msg.header.msgtype = CHANNELMSG_OPENCHANNEL;
	msg.child_relid = relid;
	msg.openid = relid;
	msg.ringbuffer_gpadlhandle = chan->ringbuffer_gpadl.gpadl_handle;
	msg.target_vp = vmbus_backend()->vp_index ?
		vmbus_backend()->vp_index(chan->target_cpu) : chan->target_cpu;
	msg.downstream_ringbuffer_pageoffset = send_pages;
	if (userdatalen)
		memcpy(msg.userdata, userdata, userdatalen);

	vmbus_msginfo_init(info, CHANNELMSG_OPENCHANNEL_RESULT, relid);
	info->chan = chan;
	vmbus_msginfo_add(info);
	ret = vmbus_post_msg(&msg, sizeof(msg), true);
	if (!ret)
		ret = vmbus_msginfo_wait_chan(info, chan);
	vmbus_msginfo_del(info);
	res = (void *)info->resp;
	if (!ret && res->status) {
		dev_err_ratelimited(vmbus_chan_device(chan),
				    "channel %u: host refused to open it: status %#x\n",
				    relid, res->status);
		ret = -EIO;
	}
	trace_vmbus_open(relid, msg.ringbuffer_gpadlhandle, msg.target_vp,
			 send_pages, ret);
	kfree(info);
	if (ret)
		goto err_callback;
	chan->state = CHANNEL_OPENED_STATE;
	return 0;

err_callback:
	WRITE_ONCE(chan->onchannel_callback, NULL);
	tasklet_kill(&chan->callback_event);
err_gpadl:
	vmbus_teardown_gpadl(chan, &chan->ringbuffer_gpadl);
err_ring:
	vmbus_free_ring(chan);
err_state:
	chan->state = CHANNEL_OFFER_STATE;
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_open);

static void vmbus_close_one(struct vmbus_channel *chan)
{
	struct vmbus_channel_close_channel msg = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL,
		.child_relid = chan->offermsg.child_relid,
	};

	if (chan->state != CHANNEL_OPENED_STATE)
		return;
	/* no callback may run once the rings are gone */
	WRITE_ONCE(chan->onchannel_callback, NULL);
	tasklet_kill(&chan->callback_event);
	if (!READ_ONCE(chan->rescind)) {
		int ret = vmbus_post_msg(&msg, sizeof(msg), true);

		trace_vmbus_close_internal(msg.child_relid, ret);
	}
	vmbus_teardown_gpadl(chan, &chan->ringbuffer_gpadl);
	vmbus_free_ring(chan);
	chan->state = CHANNEL_OFFER_STATE;
}

/* Close a channel; closing a primary closes its sub-channels too. */
void vmbus_close(struct vmbus_channel *chan)
{
	struct vmbus_channel *sc;

	if (!chan->primary_channel)
		list_for_each_entry(sc, &chan->sc_list, sc_list)
			vmbus_close_one(sc);
	vmbus_close_one(chan);
}
EXPORT_SYMBOL_GPL(vmbus_close);

int vmbus_sendpacket(struct vmbus_channel *chan, const void *buf, u32 len,
		     u64 requestid, enum vmbus_packet_type type, u32 flags)
{
	struct vmpacket_descriptor desc;
	u32 pktlen = vmbus_pkt_align(sizeof(desc) + len);
	struct kvec kv[2];

	if (pktlen > (u32)U16_MAX << 3)
		return -EINVAL;
	desc.type = type;
	desc.offset8 = sizeof(desc) >> 3;
	desc.len8 = pktlen >> 3;
	desc.flags = flags;
	desc.trans_id = requestid;
	kv[0].iov_base = &desc;
	kv[0].iov_len = sizeof(desc);
	kv[1].iov_base = (void *)buf;
	kv[1].iov_len = len;
	return hv_ringbuffer_write(chan, kv, 2);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket);

/* A GPA-direct packet: up to MAX_PAGE_BUFFER_COUNT single-page ranges. */
int vmbus_sendpacket_pagebuffer(struct vmbus_channel *chan,
				const struct hv_page_buffer *pb, u32 pagecount,
				const void *buf, u32 len, u64 requestid)
{
	struct vmbus_channel_packet_page_buffer desc;
	u32 descsize;
	struct kvec kv[2];

	if (pagecount > MAX_PAGE_BUFFER_COUNT)
		return -EINVAL;
	descsize = sizeof(desc) -
		(MAX_PAGE_BUFFER_COUNT - pagecount) * sizeof(desc.range[0]);
	desc.type = VM_PKT_DATA_USING_GPA_DIRECT;
	desc.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	desc.dataoffset8 = descsize >> 3;
	desc.length8 = vmbus_pkt_align(descsize + len) >> 3;
	desc.transactionid = requestid;
	desc.reserved = 0;
	desc.rangecount = pagecount;
	memcpy(desc.range, pb, pagecount * sizeof(*pb));
	kv[0].iov_base = &desc;
	kv[0].iov_len = descsize;
	kv[1].iov_base = (void *)buf;
	kv[1].iov_len = len;
	return hv_ringbuffer_write(chan, kv, 2);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket_pagebuffer);

/* A GPA-direct packet with one multi-page range the caller filled in. */
int vmbus_sendpacket_mpb_desc(struct vmbus_channel *chan,
			      struct vmbus_packet_mpb_array *desc, u32 desc_size,
			      const void *buf, u32 len, u64 requestid)
{
	struct kvec kv[2];

	if (desc_size < sizeof(*desc) || desc_size & 7 ||
	    vmbus_pkt_align(desc_size + len) > (u32)U16_MAX << 3)
		return -EINVAL;
	desc->type = VM_PKT_DATA_USING_GPA_DIRECT;
	desc->flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	desc->dataoffset8 = desc_size >> 3;
	desc->length8 = vmbus_pkt_align(desc_size + len) >> 3;
	desc->transactionid = requestid;
	desc->reserved = 0;
	desc->rangecount = 1;
	kv[0].iov_base = desc;
	kv[0].iov_len = desc_size;
	kv[1].iov_base = (void *)buf;
	kv[1].iov_len = len;
	return hv_ringbuffer_write(chan, kv, 2);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket_mpb_desc);
