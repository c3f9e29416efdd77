// SPDX-License-Identifier: GPL-2.0-only
/*
 * The accessors of vsp.h: device models hold devices and channels as
 * opaque handles, so the VMBus host can change its bookkeeping without
 * touching them.
 */
#include <string.h>

#include "lib/parse.h"
#include "vmbus/host.h"

void *vsp_dev_priv(const struct vsp_device *dev)
{
	return dev->priv;
}

void vsp_dev_set_priv(struct vsp_device *dev, void *priv)
{
	dev->priv = priv;
}

const struct vsp_ops *vsp_dev_ops(const struct vsp_device *dev)
{
	return dev->ops;
}

const char *vsp_class_name(const struct vsp_device *dev)
{
	return hv_classes[dev->cls].name;
}

unsigned int vsp_dev_index(const struct vsp_device *dev)
{
	return dev->index;
}

const guid_t *vsp_dev_instance(const struct vsp_device *dev)
{
	return &dev->instance;
}

bool vsp_dev_removing(const struct vsp_device *dev)
{
	return dev->removing;
}

struct hv_chan *vsp_dev_primary(const struct vsp_device *dev)
{
	return dev->primary;
}

struct hvsim *vsp_dev_hvsim(const struct vsp_device *dev)
{
	return dev->vh->hs;
}

void vsp_dev_user_def(const struct vsp_device *dev, void *buf, size_t len)
{
	memcpy(buf, dev->user_def,
	       len < sizeof(dev->user_def) ? len : sizeof(dev->user_def));
}

void vsp_dev_set_user_def(struct vsp_device *dev, const void *buf, size_t len)
{
	memset(dev->user_def, 0, sizeof(dev->user_def));
	memcpy(dev->user_def, buf,
	       len < sizeof(dev->user_def) ? len : sizeof(dev->user_def));
}

struct vsp_device *vsp_dev_next(struct hvsim *hs, struct vsp_device *prev)
{
	struct vmbus_host *vh = vmbus_host(hs);

	if (prev)
		return prev->next;
	return vh ? vh->devices : NULL;
}

struct vsp_device *vsp_dev_by_instance(struct hvsim *hs, const guid_t *g)
{
	struct vmbus_host *vh = vmbus_host(hs);

	return vh ? vsp_device_by_instance(vh, g) : NULL;
}

struct vsp_device *vsp_dev_by_relid(struct hvsim *hs, uint32_t relid)
{
	struct vmbus_host *vh = vmbus_host(hs);
	struct hv_chan *ch;

	ch = vh ? chan_by_relid(vh, relid) : NULL;
	return ch ? ch->dev : NULL;
}

struct vsp_device *vsp_dev_find(struct hvsim *hs, const char *name)
{
	uint64_t relid;
	guid_t g;

	if (parse_u64(name, &relid))
		return relid <= VMBUS_MAX_RELID ?
		       vsp_dev_by_relid(hs, (uint32_t)relid) : NULL;
	if (guid_parse(name, &g))
		return vsp_dev_by_instance(hs, &g);
	return NULL;
}

void *chan_priv(const struct hv_chan *ch)
{
	return ch->priv;
}

void chan_set_priv(struct hv_chan *ch, void *priv)
{
	ch->priv = priv;
}

struct vsp_device *chan_dev(const struct hv_chan *ch)
{
	return ch->dev;
}

uint32_t chan_relid(const struct hv_chan *ch)
{
	return ch->relid;
}

unsigned int chan_index(const struct hv_chan *ch)
{
	return ch->sub_index;
}

bool chan_is_open(const struct hv_chan *ch)
{
	return ch->state == CHAN_OPEN;
}

struct hvsim *chan_hvsim(const struct hv_chan *ch)
{
	return ch->vh->hs;
}
