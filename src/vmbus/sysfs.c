// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring, monitor and per-channel sysfs attributes, with the names (and
 * formats) of the in-tree hv_vmbus, which tools and udev rules read:
 *   /sys/bus/vmbus/devices/<id>/{state,monitor_id,in_*,out_*,...}
 *   /sys/bus/vmbus/devices/<id>/channels/<relid>/{cpu,pending,...}
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <hvlis/synic.h>
#include "hyperv_vmbus.h"

static struct vmbus_channel *dev_chan(struct device *dev)
{
	return device_to_hv_device(dev)->channel;
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_chan(dev)->state);
}
static DEVICE_ATTR_RO(state);

static ssize_t monitor_id_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_chan(dev)->offermsg.monitorid);
}
static DEVICE_ATTR_RO(monitor_id);

/* Monitor page @page ([0] host's, [1] ours) facts of a channel. */
static struct hv_monitor_page *monitor_page(int page)
{
	return vmbus_connection.monitor_pages[page];
}

#define MONITOR_ATTR(name, page, expr)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct vmbus_channel *c = dev_chan(dev);			\
	struct hv_monitor_page *mp = monitor_page(page);		\
									\
	if (!mp)							\
		return -EINVAL;						\
	return sysfs_emit(buf, "%d\n", (int)(expr));			\
}									\
static DEVICE_ATTR_RO(name)

MONITOR_ATTR(server_monitor_pending, 0,
	     !!(mp->trigger_group[c->monitor_grp].pending & BIT(c->monitor_bit)));
MONITOR_ATTR(client_monitor_pending, 1,
	     !!(mp->trigger_group[c->monitor_grp].pending & BIT(c->monitor_bit)));
MONITOR_ATTR(server_monitor_latency, 0, mp->latency[c->monitor_grp][c->monitor_bit]);
MONITOR_ATTR(client_monitor_latency, 1, mp->latency[c->monitor_grp][c->monitor_bit]);
MONITOR_ATTR(server_monitor_conn_id, 0,
	     mp->parameter[c->monitor_grp][c->monitor_bit].connectionid);
MONITOR_ATTR(client_monitor_conn_id, 1,
	     mp->parameter[c->monitor_grp][c->monitor_bit].connectionid);

/* The ring fields as this guest sees them; -EINVAL while not open. */
#define RING_ATTR(name, dir, expr)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct hv_ring_buffer_info *rbi = &dev_chan(dev)->dir;		\
									\
	if (!rbi->ring_buffer)						\
		return -EINVAL;						\
	return sysfs_emit(buf, "%u\n", (u32)(expr));			\
}									\
static DEVICE_ATTR_RO(name)

RING_ATTR(out_intr_mask, outbound, READ_ONCE(rbi->ring_buffer->interrupt_mask));
RING_ATTR(out_read_index, outbound, READ_ONCE(rbi->ring_buffer->read_index));
RING_ATTR(out_write_index, outbound, READ_ONCE(rbi->ring_buffer->write_index));
RING_ATTR(out_read_bytes_avail, outbound, hv_get_bytes_to_read(rbi));
RING_ATTR(out_write_bytes_avail, outbound, hv_get_bytes_to_write(rbi));
RING_ATTR(in_intr_mask, inbound, READ_ONCE(rbi->ring_buffer->interrupt_mask));
RING_ATTR(in_read_index, inbound, READ_ONCE(rbi->ring_buffer->read_index));
RING_ATTR(in_write_index, inbound, READ_ONCE(rbi->ring_buffer->write_index));
RING_ATTR(in_read_bytes_avail, inbound, hv_get_bytes_to_read(rbi));
RING_ATTR(in_write_bytes_avail, inbound, hv_get_bytes_to_write(rbi));

static struct attribute *vmbus_ring_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	NULL,
};

/* Monitor attributes only for channels the host gave a monitor id. */
static umode_t vmbus_ring_attr_visible(struct kobject *kobj,
				       struct attribute *attr, int idx)
{
	struct device *dev = kobj_to_dev(kobj);

	if (idx >= 1 && idx <= 7 && !dev_chan(dev)->offermsg.monitor_allocated)
		return 0;
	return attr->mode;
}

const struct attribute_group vmbus_ring_group = {
	.attrs = vmbus_ring_attrs,
	.is_visible = vmbus_ring_attr_visible,
};

/* channels/<relid>/ */
struct vmbus_chan_attribute {
	struct attribute attr;
	ssize_t (*show)(struct vmbus_channel *chan, char *buf);
	ssize_t (*store)(struct vmbus_channel *chan, const char *buf,
			 size_t count);
};

#define to_chan(k) container_of(k, struct vmbus_channel, kobj)
#define to_chan_attr(a) container_of(a, struct vmbus_chan_attribute, attr)

static ssize_t vmbus_chan_attr_show(struct kobject *kobj,
				    struct attribute *attr, char *buf)
{
	const struct vmbus_chan_attribute *a = to_chan_attr(attr);

	return a->show ? a->show(to_chan(kobj), buf) : -EIO;
}

static ssize_t vmbus_chan_attr_store(struct kobject *kobj,
				     struct attribute *attr, const char *buf,
				     size_t count)
{
	const struct vmbus_chan_attribute *a = to_chan_attr(attr);

	return a->store ? a->store(to_chan(kobj), buf, count) : -EIO;
}

static const struct sysfs_ops vmbus_chan_sysfs_ops = {
	.show = vmbus_chan_attr_show,
	.store = vmbus_chan_attr_store,
};

#define CHAN_ATTR_RO(name, fmt, expr)					\
static ssize_t chan_##name##_show(struct vmbus_channel *c, char *buf)	\
{									\
	return sysfs_emit(buf, fmt "\n", expr);				\
}									\
static struct vmbus_chan_attribute chan_attr_##name =			\
	__ATTR(name, 0444, chan_##name##_show, NULL)

#define CHAN_RING_ATTR(name, dir, fn)					\
static ssize_t chan_##name##_show(struct vmbus_channel *c, char *buf)	\
{									\
	if (!c->dir.ring_buffer)					\
		return -EINVAL;						\
	return sysfs_emit(buf, "%u\n", fn);				\
}									\
static struct vmbus_chan_attribute chan_attr_##name =			\
	__ATTR(name, 0444, chan_##name##_show, NULL)

CHAN_RING_ATTR(out_mask, outbound, READ_ONCE(c->outbound.ring_buffer->interrupt_mask));
CHAN_RING_ATTR(in_mask, inbound, READ_ONCE(c->inbound.ring_buffer->interrupt_mask));
CHAN_RING_ATTR(read_avail, inbound, hv_get_bytes_to_read(&c->inbound));
CHAN_RING_ATTR(write_avail, outbound, hv_get_bytes_to_write(&c->outbound));
CHAN_ATTR_RO(pending, "%d", c->offermsg.monitor_allocated &&
	     !!(monitor_page(1)->trigger_group[c->monitor_grp].pending &
		BIT(c->monitor_bit)));
CHAN_ATTR_RO(latency, "%d", c->offermsg.monitor_allocated ?
	     monitor_page(1)->latency[c->monitor_grp][c->monitor_bit] : 0);
CHAN_ATTR_RO(interrupts, "%llu", c->interrupts);
CHAN_ATTR_RO(events, "%llu", c->sig_events);
CHAN_ATTR_RO(intr_in_full, "%llu", c->intr_in_full);
CHAN_ATTR_RO(intr_out_empty, "%llu", c->intr_out_empty);
CHAN_ATTR_RO(out_full_first, "%llu", c->out_full_first);
CHAN_ATTR_RO(out_full_total, "%llu", c->out_full_total);
CHAN_ATTR_RO(monitor_id, "%u", c->offermsg.monitorid);
CHAN_ATTR_RO(subchannel_id, "%u", c->offermsg.offer.sub_channel_index);

static ssize_t chan_cpu_show(struct vmbus_channel *c, char *buf)
{
	return sysfs_emit(buf, "%u\n", c->target_cpu);
}

/* Move the channel's interrupts to another CPU (MODIFYCHANNEL). */
static ssize_t chan_cpu_store(struct vmbus_channel *c, const char *buf,
			      size_t count)
{
	u32 cpu;
	int ret;

	if (kstrtou32(buf, 0, &cpu))
		return -EINVAL;
	ret = vmbus_channel_set_cpu(c, cpu);
	return ret ?: count;
}
static struct vmbus_chan_attribute chan_attr_cpu =
	__ATTR(cpu, 0644, chan_cpu_show, chan_cpu_store);

static struct attribute *vmbus_chan_attrs[] = {
	&chan_attr_out_mask.attr,
	&chan_attr_in_mask.attr,
	&chan_attr_read_avail.attr,
	&chan_attr_write_avail.attr,
	&chan_attr_cpu.attr,
	&chan_attr_pending.attr,
	&chan_attr_latency.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_events.attr,
	&chan_attr_intr_in_full.attr,
	&chan_attr_intr_out_empty.attr,
	&chan_attr_out_full_first.attr,
	&chan_attr_out_full_total.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_subchannel_id.attr,
	NULL,
};

/* monitor facts and subchannel_id only where they mean something */
static umode_t vmbus_chan_attr_visible(struct kobject *kobj,
				       struct attribute *attr, int idx)
{
	const struct vmbus_channel *c = to_chan(kobj);

	if (!c->offermsg.monitor_allocated &&
	    (attr == &chan_attr_pending.attr ||
	     attr == &chan_attr_latency.attr ||
	     attr == &chan_attr_monitor_id.attr))
		return 0;
	if (!c->primary_channel && attr == &chan_attr_subchannel_id.attr)
		return 0;
	return attr->mode;
}

static const struct attribute_group vmbus_chan_group = {
	.attrs = vmbus_chan_attrs,
	.is_visible = vmbus_chan_attr_visible,
};

static const struct attribute_group *vmbus_chan_groups[] = {
	&vmbus_chan_group,
	NULL,
};

static void vmbus_chan_release(struct kobject *kobj)
{
	vmbus_free_channel_mem(to_chan(kobj));
}

static COMPAT_CONST_KOBJ_TYPE struct kobj_type vmbus_chan_ktype = {
	.sysfs_ops = &vmbus_chan_sysfs_ops,
	.release = vmbus_chan_release,
	.default_groups = vmbus_chan_groups,
};

/* Give @chan its channels/<relid> directory under its device. */
int vmbus_add_channel_kobj(struct hv_device *hdev, struct vmbus_channel *chan)
{
	int ret;

	if (!hdev->channels_kset) {
		hdev->channels_kset = kset_create_and_add("channels", NULL,
							  &hdev->device.kobj);
		if (!hdev->channels_kset)
			return -ENOMEM;
	}
	chan->kobj.kset = hdev->channels_kset;
	/* from here on the kobject owns @chan: vmbus_channel_free() puts it */
	ret = kobject_init_and_add(&chan->kobj, &vmbus_chan_ktype, NULL, "%u",
				   chan->offermsg.child_relid);
	if (ret)
		return ret;
	kobject_uevent(&chan->kobj, KOBJ_ADD);
	return 0;
}

/* Take a channel's directory out of sysfs; the channel itself stays. */
void vmbus_del_channel_kobj(struct vmbus_channel *chan)
{
	if (chan->kobj.state_in_sysfs)
		kobject_del(&chan->kobj);
}

void vmbus_remove_channels_kset(struct hv_device *hdev)
{
	if (hdev->channels_kset)
		kset_unregister(hdev->channels_kset);
	hdev->channels_kset = NULL;
}
