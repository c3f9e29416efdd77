/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hv_vmbus client API: what class drivers (storvsc, netvsc, utils, ...)
 * and hypervisor backends use.  Kernel only.
 */
#ifndef HVLIS_VMBUS_H
#define HVLIS_VMBUS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/uuid.h>

#include <hvlis/vmbus_msg.h>

/* One channel: a primary (one per device) or one of its sub-channels. */
struct vmbus_channel {
	struct list_head listentry;	/* primaries: the bus's channel list */
	struct list_head sc_list;	/* primary: its sub-channels; sub: entry */
	struct vmbus_channel *primary_channel;	/* NULL for a primary */
	struct hv_device *device_obj;	/* primary only */
	struct vmbus_channel_offer_channel offermsg;	/* validated copy */
	bool rescind;			/* the host took the channel back */
	u32 target_cpu;			/* CPU that takes its interrupts */

	/* called in interrupt context when the host signals the channel */
	void (*onchannel_callback)(void *context);
	void *channel_callback_context;
	/* primary: called (process context) for each new sub-channel offer */
	void (*sc_creation_callback)(struct vmbus_channel *new_sc);
};

/* A device offered by the host, one per primary channel. */
struct hv_device {
	struct vmbus_channel *channel;
	guid_t dev_type;	/* class (interface type) GUID */
	guid_t dev_instance;	/* instance GUID */
	u16 vendor_id;
	u16 device_id;
	struct device device;
};

static inline struct hv_device *device_to_hv_device(struct device *d)
{
	return container_of(d, struct hv_device, device);
}

struct hv_driver {
	const char *name;
	const struct hv_vmbus_device_id *id_table;
	int (*probe)(struct hv_device *dev, const struct hv_vmbus_device_id *id);
	void (*remove)(struct hv_device *dev);
	void (*shutdown)(struct hv_device *dev);
	struct device_driver driver;
};

static inline struct hv_driver *drv_to_hv_drv(const struct device_driver *d)
{
	return container_of(d, struct hv_driver, driver);
}

int __vmbus_driver_register(struct hv_driver *drv, struct module *owner,
			    const char *mod_name);
void vmbus_driver_unregister(struct hv_driver *drv);
#define vmbus_driver_register(drv) \
	__vmbus_driver_register(drv, THIS_MODULE, KBUILD_MODNAME)

void vmbus_set_sc_create_callback(struct vmbus_channel *primary,
				  void (*cb)(struct vmbus_channel *sc));

/*
 * Hypervisor backends.  hv_vmbus runs the same code on real Hyper-V (the
 * "hyperv" backend) and on hvsim (the "sim" backend, hv_vmbus_sim.ko); a
 * backend only moves messages and interrupts.
 */
struct hv_backend {
	const char *name;
	struct module *owner;
	struct device *parent;		/* parent of the vmbus devices */
	unsigned int nr_cpus;		/* CPUs with a SynIC */
	/* Hyper-V's virtual processor number of a Linux CPU */
	u32 (*vp_index)(unsigned int cpu);
	/* HVCALL_POST_MESSAGE; returns an HV_STATUS_* value */
	u16 (*post_message)(u32 connection_id, u32 message_type,
			    const void *payload, u32 size);
	/* HVCALL_SIGNAL_EVENT with flag number 0; returns HV_STATUS_* */
	u16 (*signal_event)(u32 connection_id);
	/* point the SynIC of @cpu at its message and event-flag pages */
	int (*synic_setup)(unsigned int cpu, phys_addr_t msg_page,
			   phys_addr_t event_page);
	void (*synic_teardown)(unsigned int cpu);
	/* end of message on @cpu: the host may deliver the next one */
	void (*eom)(unsigned int cpu);
};

int hv_backend_register(struct hv_backend *backend);
void hv_backend_unregister(struct hv_backend *backend);
/* Called by a backend from its interrupt handler for @cpu. */
void hv_backend_interrupt(unsigned int cpu);

#endif /* HVLIS_VMBUS_H */
