// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmbus bus type: matching drivers to offered devices by class GUID,
 * modalias uevents (so udev loads class drivers), and the device attributes
 * that tools such as lsvmbus read.  Names follow the in-tree hv_vmbus.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "hyperv_vmbus.h"

static const struct hv_vmbus_device_id *
hv_vmbus_id_match(const struct hv_vmbus_device_id *id, const guid_t *guid)
{
	if (!id)
		return NULL;
	for (; !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, guid))
			return id;
	return NULL;
}

/* A class id added at run time (echo GUID > .../drivers/X/new_id). */
struct vmbus_dynid {
	struct list_head node;
	struct hv_vmbus_device_id id;
};

static const struct hv_vmbus_device_id *
hv_vmbus_dynid_match(struct hv_driver *drv, const guid_t *guid)
{
	const struct hv_vmbus_device_id *id = NULL;
	struct vmbus_dynid *dynid;

	spin_lock(&drv->dynids.lock);
	list_for_each_entry(dynid, &drv->dynids.list, node) {
		if (guid_equal(&dynid->id.guid, guid)) {
			id = &dynid->id;
			break;
		}
	}
	spin_unlock(&drv->dynids.lock);
	return id;
}

static const struct hv_vmbus_device_id *
hv_vmbus_get_id(struct hv_driver *drv, const guid_t *guid)
{
	return hv_vmbus_dynid_match(drv, guid) ?:
	       hv_vmbus_id_match(drv->id_table, guid);
}

static int vmbus_match(struct device *dev, COMPAT_BUS_MATCH_DRV *drv)
{
	struct hv_driver *hdrv = drv_to_hv_drv(drv);
	struct hv_device *hdev = device_to_hv_device(dev);

	return hv_vmbus_get_id(hdrv, &hdev->dev_type) != NULL;
}

/* MODALIAS=vmbus:<class GUID as 32 hex digits>, as file2alias expects. */
static int vmbus_uevent(COMPAT_BUS_UEVENT_DEV *dev, struct kobj_uevent_env *env)
{
	const struct hv_device *hdev =
		container_of(dev, struct hv_device, device);

	return add_uevent_var(env, "MODALIAS=vmbus:%*phN",
			      (int)sizeof(hdev->dev_type), &hdev->dev_type);
}

static int vmbus_probe(struct device *dev)
{
	struct hv_driver *drv = drv_to_hv_drv(dev->driver);
	struct hv_device *hdev = device_to_hv_device(dev);
	const struct hv_vmbus_device_id *id;

	id = hv_vmbus_get_id(drv, &hdev->dev_type);
	if (!id || !drv->probe)
		return -ENODEV;
	return drv->probe(hdev, id);
}

static void vmbus_remove(struct device *dev)
{
	struct hv_driver *drv = drv_to_hv_drv(dev->driver);
	struct hv_device *hdev = device_to_hv_device(dev);

	if (drv->remove)
		drv->remove(hdev);
	/* the driver (and maybe its module) is gone: no more calls into it */
	vmbus_forget_callbacks(hdev->channel);
}
COMPAT_BUS_REMOVE(vmbus_remove)

static void vmbus_shutdown(struct device *dev)
{
	struct hv_driver *drv;

	if (!dev->driver)
		return;
	drv = drv_to_hv_drv(dev->driver);
	if (drv->shutdown)
		drv->shutdown(device_to_hv_device(dev));
}

static ssize_t class_id_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &device_to_hv_device(dev)->dev_type);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n",
			  &device_to_hv_device(dev)->dev_instance);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct hv_device *hdev = device_to_hv_device(dev);

	return sysfs_emit(buf, "vmbus:%*phN\n", (int)sizeof(hdev->dev_type),
			  &hdev->dev_type);
}
static DEVICE_ATTR_RO(modalias);

/* The primary channel's relid: what lsvmbus calls the VMBUS ID. */
static ssize_t id_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  device_to_hv_device(dev)->channel->offermsg.child_relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", device_to_hv_device(dev)->vendor_id);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t device_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", device_to_hv_device(dev)->device_id);
}
static DEVICE_ATTR_RO(device);

static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_node(dev));
}
static DEVICE_ATTR_RO(numa_node);

/* "relid:cpu" for the primary channel and each sub-channel */
static ssize_t channel_vp_mapping_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return vmbus_channel_vp_mapping(device_to_hv_device(dev)->channel, buf);
}
static DEVICE_ATTR_RO(channel_vp_mapping);

static struct attribute *vmbus_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_channel_vp_mapping.attr,
	NULL,
};

static const struct attribute_group vmbus_dev_group = {
	.attrs = vmbus_dev_attrs,
};

static const struct attribute_group *vmbus_dev_groups[] = {
	&vmbus_dev_group,
	&vmbus_ring_group,
	NULL,
};

static ssize_t new_id_store(struct device_driver *driver, const char *buf,
			    size_t count)
{
	struct hv_driver *drv = drv_to_hv_drv(driver);
	struct vmbus_dynid *dynid;
	char s[UUID_STRING_LEN + 1];
	guid_t guid;
	int ret;

	if (sscanf(buf, "%36s", s) != 1 || guid_parse(s, &guid))
		return -EINVAL;
	if (hv_vmbus_get_id(drv, &guid))
		return -EEXIST;
	dynid = kzalloc(sizeof(*dynid), GFP_KERNEL);
	if (!dynid)
		return -ENOMEM;
	guid_copy(&dynid->id.guid, &guid);
	spin_lock(&drv->dynids.lock);
	list_add_tail(&dynid->node, &drv->dynids.list);
	spin_unlock(&drv->dynids.lock);
	ret = driver_attach(driver);
	return ret ?: count;
}
static DRIVER_ATTR_WO(new_id);

static ssize_t remove_id_store(struct device_driver *driver, const char *buf,
			       size_t count)
{
	struct hv_driver *drv = drv_to_hv_drv(driver);
	struct vmbus_dynid *dynid, *n;
	char s[UUID_STRING_LEN + 1];
	ssize_t ret = -ENODEV;
	guid_t guid;

	if (sscanf(buf, "%36s", s) != 1 || guid_parse(s, &guid))
		return -EINVAL;
	spin_lock(&drv->dynids.lock);
	list_for_each_entry_safe(dynid, n, &drv->dynids.list, node) {
		if (guid_equal(&dynid->id.guid, &guid)) {
			list_del(&dynid->node);
			kfree(dynid);
			ret = count;
			break;
		}
	}
	spin_unlock(&drv->dynids.lock);
	return ret;
}
static DRIVER_ATTR_WO(remove_id);

static struct attribute *vmbus_drv_attrs[] = {
	&driver_attr_new_id.attr,
	&driver_attr_remove_id.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vmbus_drv);

static void vmbus_free_dynids(struct hv_driver *drv)
{
	struct vmbus_dynid *dynid, *n;

	spin_lock(&drv->dynids.lock);
	list_for_each_entry_safe(dynid, n, &drv->dynids.list, node) {
		list_del(&dynid->node);
		kfree(dynid);
	}
	spin_unlock(&drv->dynids.lock);
}

COMPAT_CONST_BUS struct bus_type hv_bus = {
	.name = "vmbus",
	.match = vmbus_match,
	.uevent = vmbus_uevent,
	.probe = vmbus_probe,
	.remove = vmbus_remove_compat,
	.shutdown = vmbus_shutdown,
	.dev_groups = vmbus_dev_groups,
	.drv_groups = vmbus_drv_groups,
};

int __vmbus_driver_register(struct hv_driver *drv, struct module *owner,
			    const char *mod_name)
{
	drv->driver.name = drv->name;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	drv->driver.bus = &hv_bus;
	spin_lock_init(&drv->dynids.lock);
	INIT_LIST_HEAD(&drv->dynids.list);
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__vmbus_driver_register);

void vmbus_driver_unregister(struct hv_driver *drv)
{
	driver_unregister(&drv->driver);
	vmbus_free_dynids(drv);
}
EXPORT_SYMBOL_GPL(vmbus_driver_unregister);

int vmbus_bus_init(void)
{
	return bus_register(&hv_bus);
}

void vmbus_bus_exit(void)
{
	bus_unregister(&hv_bus);
}
