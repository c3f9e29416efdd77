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

#include <linux/interrupt.h>
#include <linux/ioport.h>
#include <linux/spinlock.h>
#include <linux/uio.h>

#include <hvlis/vmbus_msg.h>
#include <hvlis/vmbus_ring.h>

/*
 * One direction of a channel.  The data area is mapped twice, back to
 * back, so a packet that wraps around the end is still contiguous in
 * virtual memory: reads and writes are single copies, and inbound packets
 * can be used in place.
 */
struct hv_ring_buffer_info {
	struct hv_ring_buffer *ring_buffer;	/* control page, then data */
	u8 *ring_data;				/* data area, mapped twice */
	u32 ring_datasize;
	u32 priv_read_index;			/* inbound: iterator position */
	spinlock_t ring_lock;			/* outbound: writers */
};

/* A GPADL: guest pages the host may access, named by a handle. */
struct vmbus_gpadl {
	u32 gpadl_handle;
	void *buffer;
	u32 size;
};

/* One inbound packet, checked; fields copied out of the ring once. */
struct vmbus_pkt {
	const struct vmpacket_descriptor *desc;	/* in the ring */
	u32 len;		/* whole packet, descriptor included */
	const void *data;	/* payload, after the descriptor */
	u32 datalen;
	u16 type;		/* enum vmbus_packet_type */
	u16 flags;
	u64 trans_id;
};

enum vmbus_channel_state {
	CHANNEL_OFFER_STATE,
	CHANNEL_OPENING_STATE,
	CHANNEL_OPEN_STATE,
	CHANNEL_OPENED_STATE,
};

/* One channel: a primary (one per device) or one of its sub-channels. */
struct vmbus_channel {
	struct list_head listentry;	/* primaries: the bus's channel list */
	struct list_head sc_list;	/* primary: its sub-channels; sub: entry */
	struct vmbus_channel *primary_channel;	/* NULL for a primary */
	struct hv_device *device_obj;	/* primary only */
	struct vmbus_channel_offer_channel offermsg;	/* validated copy */
	bool rescind;			/* the host took the channel back */
	u32 target_cpu;			/* CPU that takes its interrupts */
	enum vmbus_channel_state state;
	struct kobject kobj;		/* channels/<relid> */
	struct hv_ring_buffer_info outbound;	/* guest to host */
	struct hv_ring_buffer_info inbound;	/* host to guest */
	struct page *ringbuffer_page;
	u32 ringbuffer_pagecount;
	u32 ringbuffer_send_offset;	/* pages of the outbound ring */
	struct vmbus_gpadl ringbuffer_gpadl;
	struct tasklet_struct callback_event;	/* runs onchannel_callback */
	u32 sig_event;			/* connection id to signal */
	u8 monitor_grp, monitor_bit;	/* when offermsg.monitor_allocated */

	/* statistics, in sysfs */
	u64 interrupts;			/* host to guest */
	u64 sig_events;			/* guest to host */
	u64 intr_in_full;
	u64 intr_out_empty;
	u64 out_full_first;
	u64 out_full_total;
	bool out_full_flag;

	/* called in interrupt context when the host signals the channel */
	void (*onchannel_callback)(void *context);
	/*
	 * Call onchannel_callback once per signal, without masking the
	 * host's interrupts or calling again while the ring holds packets
	 * (upstream's HV_CALL_DIRECT): for drivers that leave packets in
	 * the ring until user space is done (hv_utils' KVP).  Set before
	 * vmbus_open().
	 */
	bool callback_direct;
	void *channel_callback_context;
	/* primary: called (process context) for each new sub-channel offer */
	void (*sc_creation_callback)(struct vmbus_channel *new_sc);
	/* sub-channel: the host rescinded it while it was open */
	void (*chn_rescind_callback)(struct vmbus_channel *chan);
};

/* A device offered by the host, one per primary channel. */
struct hv_device {
	struct vmbus_channel *channel;
	struct kset *channels_kset;	/* channels/ in sysfs */
	guid_t dev_type;	/* class (interface type) GUID */
	guid_t dev_instance;	/* instance GUID */
	u16 vendor_id;
	u16 device_id;
	u64 dma_mask;			/* device.dma_mask points here */
	struct device_dma_parameters dma_parms;
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
	/* class ids added through the driver's new_id file */
	struct {
		spinlock_t lock;
		struct list_head list;
	} dynids;
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

/* The device a channel (primary or sub-channel) belongs to, for messages. */
static inline struct device *vmbus_chan_device(struct vmbus_channel *chan)
{
	struct vmbus_channel *p = chan->primary_channel ?: chan;

	return p->device_obj ? &p->device_obj->device : NULL;
}

int vmbus_open(struct vmbus_channel *chan, u32 send_ringbuffer_size,
	       u32 recv_ringbuffer_size, void *userdata, u32 userdatalen,
	       void (*onchannel_callback)(void *context), void *context);
void vmbus_close(struct vmbus_channel *chan);
int vmbus_establish_gpadl(struct vmbus_channel *chan, void *kbuffer, u32 size,
			  struct vmbus_gpadl *gpadl);
int vmbus_teardown_gpadl(struct vmbus_channel *chan, struct vmbus_gpadl *gpadl);

int vmbus_sendpacket(struct vmbus_channel *chan, const void *buf, u32 len,
		     u64 requestid, enum vmbus_packet_type type, u32 flags);
int vmbus_sendpacket_pagebuffer(struct vmbus_channel *chan,
				const struct hv_page_buffer *pb, u32 pagecount,
				const void *buf, u32 len, u64 requestid);
int vmbus_sendpacket_mpb_desc(struct vmbus_channel *chan,
			      struct vmbus_packet_mpb_array *desc, u32 desc_size,
			      const void *buf, u32 len, u64 requestid);
int vmbus_recvpacket(struct vmbus_channel *chan, void *buf, u32 buflen,
		     u32 *actual_len, u64 *requestid);
int vmbus_recvpacket_raw(struct vmbus_channel *chan, void *buf, u32 buflen,
			 u32 *actual_len, u64 *requestid);
bool vmbus_pkt_first(struct vmbus_channel *chan, struct vmbus_pkt *pkt);
bool vmbus_pkt_next(struct vmbus_channel *chan, struct vmbus_pkt *pkt);
void vmbus_pkt_iter_close(struct vmbus_channel *chan);
u32 hv_get_bytes_to_read(const struct hv_ring_buffer_info *rbi);
u32 hv_get_bytes_to_write(const struct hv_ring_buffer_info *rbi);
void vmbus_setevent(struct vmbus_channel *chan);
u32 vmbus_proto_version(void);
/* the backend's reference counter: false if it has none (or no backend) */
bool vmbus_read_ref_counter(u64 *now);
/* the host's extended capabilities (hvlis/hv_ext.h), 0 if none */
u64 vmbus_ext_caps(void);
/* a memory heat hint (hvlis/hv_ext.h): 0, -EOPNOTSUPP, -EINVAL or -EIO */
int vmbus_memory_hint(u32 type, const u64 *ranges, unsigned int n);

/* pkt->desc is NULL once the ring holds no further (valid) packet */
#define for_each_vmbus_pkt(chan, pkt)					\
	for (vmbus_pkt_first(chan, pkt); (pkt)->desc;			\
	     vmbus_pkt_next(chan, pkt))

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
	u8 vtl;				/* our Virtual Trust Level: msg_vtl */
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
	/*
	 * Optional: a synthetic timer expired on @cpu (HVMSG_TIMER_EXPIRED
	 * in the SINT 2 slot, hosts without stimer direct mode); IRQs off.
	 */
	void (*timer_expired)(unsigned int cpu);
	/*
	 * The partition reference counter, 100 ns units, monotonic, the
	 * time base of the host's time samples (hv_utils' timesync).
	 */
	u64 (*ref_counter)(void);
	/*
	 * Optional: the host's extended capabilities (HvExtCallQuery-
	 * Capabilities, HVLIS_EXT_CAP_* of hvlis/hv_ext.h), 0 without them.
	 */
	u64 (*ext_caps)(void);
	/*
	 * Optional: HvExtCallMemoryHeatHint of @n ranges (hvlis/hv_ext.h
	 * encoding) of type @type; returns HV_STATUS_*.  Process context.
	 */
	u16 (*memory_hint)(u32 type, const u64 *ranges, unsigned int n);
};

/* MMIO space for device memory (framebuffer, PCI BARs, RDMA doorbells) */
int vmbus_allocate_mmio(struct resource **new, struct hv_device *device_obj,
			resource_size_t min, resource_size_t max,
			resource_size_t size, resource_size_t align,
			bool fb_overlap_ok);
void vmbus_free_mmio(resource_size_t start, resource_size_t size);
/* a backend names the host's MMIO windows for VMBus devices, and drops them */
int vmbus_mmio_add_window(resource_size_t start, resource_size_t end);
void vmbus_mmio_exit(void);

int hv_backend_register(struct hv_backend *backend);
void hv_backend_unregister(struct hv_backend *backend);
void hv_backend_shutdown(struct hv_backend *backend);
void hv_backend_unload(struct hv_backend *backend);
/* Called by a backend from its interrupt handler for @cpu. */
void hv_backend_interrupt(unsigned int cpu);
/* From a backend's CPU-offline callback: 0, or -EBUSY to keep @cpu */
int hv_backend_cpu_offline(unsigned int cpu);

#endif /* HVLIS_VMBUS_H */
