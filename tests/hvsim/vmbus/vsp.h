/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VSP plug-in API: all that a device class (the host side of one
 * VMBus device protocol, a "virtualization service provider") sees of
 * hvsim's VMBus host.  Device models include this header and core/, never
 * vmbus/host.h.
 *
 * A device class is a struct vsp_ops listed in devices/classes.h
 * (devices/echo/ is the smallest model); classes without a host model are
 * offered by devices/stub/.  Each offered device is an opaque struct
 * vsp_device with one primary channel and, if the VSP asks for them,
 * sub-channels; channels are opaque struct hv_chan handles.  The VMBus
 * host owns the protocol: offers, relids, GPADLs, OPENCHANNEL/CLOSECHANNEL,
 * rescinds, ring buffers and interrupts.  A VSP sees packets and sends
 * packets back, reads and writes guest memory by GPA range or GPADL, and
 * uses the core's timers and logging.
 *
 * Everything in a packet came from the guest: the host has checked the
 * framing (lengths, offsets, ranges fit the packet) but a VSP must still
 * validate its own protocol fields.  Guest memory named by a packet is
 * only reached through the gpa_pages_*() helpers, which bounds-check every
 * page against guest RAM.
 */
#ifndef HVSIM_VSP_H
#define HVSIM_VSP_H

#include <hvlis/guids.h>
#include <hvlis/vmbus_msg.h>
#include <hvlis/vmbus_ring.h>

#include "core/hvsim.h"
#include "ctl/ctl.h"
#include "lib/opts.h"

struct vmbus_host;
struct vsp_device;
struct hv_chan;

/*
 * A list of guest pages that looks contiguous: @byte_count bytes starting
 * @byte_offset into pfns[0].  Same shape as struct gpa_range; a GPADL and
 * every range of a GPA-direct packet is one of these.
 */
struct gpa_pages {
	const uint64_t *pfns;
	uint32_t npfns;
	uint32_t byte_offset;
	uint32_t byte_count;
};

/* copy [off, off + len) of the range out of / into guest memory: 0 or -EFAULT */
int gpa_pages_read(struct hvsim *hs, const struct gpa_pages *r, uint64_t off,
		   void *buf, uint64_t len);
int gpa_pages_write(struct hvsim *hs, const struct gpa_pages *r, uint64_t off,
		    const void *buf, uint64_t len);
/*
 * Host pointer to [off, off + len) of the range if those bytes sit on
 * physically consecutive guest pages (a "page run"), else NULL.  The
 * pointer is into guest memory: the guest can change it at any time.
 */
void *gpa_pages_ptr(struct hvsim *hs, const struct gpa_pages *r, uint64_t off,
		    uint64_t len);

/*
 * A GPADL the guest created for a channel (GPADL_HEADER + BODY).  A VSP
 * that keeps using one (a receive buffer, say) takes a reference: the
 * guest's GPADL_TEARDOWN is then answered only after the last put.
 */
struct gpadl;
struct gpadl *chan_gpadl(struct hv_chan *ch, uint32_t handle);
void gpadl_get(struct gpadl *g);
void gpadl_put(struct gpadl *g);
struct gpa_pages gpadl_pages(const struct gpadl *g);

/* A parsed guest-to-host packet; valid only during on_packet(). */
#define VMBUS_PKT_MAX_RANGES	256
#define VMBUS_PKT_MAX_XFER	512

struct vmbus_pkt {
	uint16_t type;			/* enum vmbus_packet_type */
	uint16_t flags;			/* VMBUS_DATA_PACKET_FLAG_* */
	uint64_t trans_id;
	const uint8_t *raw;		/* descriptor .. end, no trailer */
	uint32_t raw_len;		/* len8 * 8 */
	const uint8_t *data;		/* the payload at offset8 */
	uint32_t data_len;
	/* VM_PKT_DATA_USING_GPA_DIRECT: the page ranges, checked */
	uint32_t nranges;
	const struct gpa_pages *ranges;
	/* VM_PKT_DATA_USING_XFER_PAGES */
	uint16_t xfer_pageset_id;
	uint8_t xfer_sender_owns_set;
	uint32_t nxfer;
	const struct vmtransfer_page_range *xfer;
};

/*
 * Offer defaults of a class (openvmm's device models' offer()); probe()
 * may still change the user-defined bytes with vsp_dev_set_user_def().
 */
struct vsp_offer {
	uint16_t chn_flags;		/* VMBUS_CHANNEL_* */
	uint16_t mmio_megabytes;	/* MMIO space the device asks for */
	bool mnf;			/* monitored notification */
	bool pipe_message;		/* user_def: pipe mode MESSAGE */
};

/*
 * Failure status for OPENCHANNEL_RESULT and GPADL_CREATED, the value
 * openvmm uses (vmbus_core/src/protocol.rs STATUS_UNSUCCESSFUL).
 */
#define VMBUS_STATUS_UNSUCCESSFUL	0x8000ffffU

struct vsp_ops {
	const char *name;	/* class short name, as in guids.h */
	struct vsp_offer offer;
	/* the class's options, for probe() and "help" (lib/opts.h) */
	const struct opt_spec *opts;
	size_t nopts;
	/*
	 * Offer-time setup: parse the class's options (the core handles
	 * instance= and mnf=).  Return 0, or -1 with a reason in @err.
	 */
	int (*probe)(struct vsp_device *dev, int nopts,
		     const struct opt_kv *opts, char *err, size_t errlen);
	/* the device is going away (rescinded and released, or exit) */
	void (*remove)(struct vsp_device *dev);
	/*
	 * OPENCHANNEL with valid parameters: 0 accepts, anything else is
	 * the failure status for OPENCHANNEL_RESULT.  Do not send here.
	 */
	uint32_t (*on_open)(struct hv_chan *ch);
	/* after OPENCHANNEL_RESULT went out: the VSP may send now */
	void (*on_opened)(struct hv_chan *ch);
	/*
	 * A packet from the guest.  Return 0 when it is consumed, or
	 * -EAGAIN when it cannot be handled until the guest frees room in
	 * its inbound ring (chan_send() said -EAGAIN): the core leaves it
	 * in the ring, stops reading, and offers it again later.
	 */
	int (*on_packet)(struct hv_chan *ch, const struct vmbus_pkt *pkt);
	/* room that chan_request_space() asked for is there */
	void (*on_writable)(struct hv_chan *ch);
	/* CLOSECHANNEL, rescind, UNLOAD or guest reset of an open channel */
	void (*on_close)(struct hv_chan *ch);
	/* the administrator rescinded the device */
	void (*on_rescind)(struct vsp_device *dev);
	/* control commands of this class (registered once) */
	const struct ctl_cmd *cmds;
	size_t ncmds;
};


#define VSP_MAX_SUBCHANNELS	64

/*
 * devices/stub: the model of every class that is not in devices/classes.h;
 * it offers the class as openvmm shapes it and drops what the guest sends.
 */
extern const struct vsp_ops vsp_stub_ops;
const struct vsp_ops *vsp_stub_for(const char *class_name);

/* ---- devices ---- */
void *vsp_dev_priv(const struct vsp_device *dev);
void vsp_dev_set_priv(struct vsp_device *dev, void *priv);
const struct vsp_ops *vsp_dev_ops(const struct vsp_device *dev);
const char *vsp_class_name(const struct vsp_device *dev);
/* n-th device of its class, from 0 */
unsigned int vsp_dev_index(const struct vsp_device *dev);
const guid_t *vsp_dev_instance(const struct vsp_device *dev);
/* rescinded by the administrator: gone once the guest released it */
bool vsp_dev_removing(const struct vsp_device *dev);
/* the primary channel, NULL once released */
struct hv_chan *vsp_dev_primary(const struct vsp_device *dev);
struct hvsim *vsp_dev_hvsim(const struct vsp_device *dev);
/* the offer's user-defined bytes (at most MAX_USER_DEFINED_BYTES) */
void vsp_dev_user_def(const struct vsp_device *dev, void *buf, size_t len);
void vsp_dev_set_user_def(struct vsp_device *dev, const void *buf, size_t len);
/*
 * Every device in offer order: pass NULL for the first.  Control
 * commands use this to find their class's devices.
 */
struct vsp_device *vsp_dev_next(struct hvsim *hs, struct vsp_device *prev);
/* a device by its instance GUID or by a channel's relid, or NULL */
struct vsp_device *vsp_dev_by_instance(struct hvsim *hs, const guid_t *g);
struct vsp_device *vsp_dev_by_relid(struct hvsim *hs, uint32_t relid);
/* @name is a relid or an instance GUID, as control commands take them */
struct vsp_device *vsp_dev_find(struct hvsim *hs, const char *name);

/* ---- channels ---- */
void *chan_priv(const struct hv_chan *ch);
void chan_set_priv(struct hv_chan *ch, void *priv);
struct vsp_device *chan_dev(const struct hv_chan *ch);
uint32_t chan_relid(const struct hv_chan *ch);
/* 0 for the primary, 1.. for sub-channels */
unsigned int chan_index(const struct hv_chan *ch);
bool chan_is_open(const struct hv_chan *ch);
struct hvsim *chan_hvsim(const struct hv_chan *ch);

/* all of [0, len) of the range is guest RAM (not the MMIO window) */
bool gpa_pages_in_ram(struct hvsim *hs, const struct gpa_pages *r,
		      uint64_t len);

/*
 * Send a packet to the guest: a descriptor of @type, then @hdr (the
 * type's fixed part, a multiple of 8 bytes, may be empty), then @data.
 * 0, -EAGAIN (inbound ring full: nothing written), -EPIPE (channel not
 * open or ring broken), -EINVAL (too big for the ring).
 */
int chan_send(struct hv_chan *ch, uint16_t type, uint16_t flags,
	      uint64_t trans_id, const void *hdr, uint32_t hdr_len,
	      const void *data, uint32_t len);
int chan_send_inband(struct hv_chan *ch, uint64_t trans_id, uint16_t flags,
		     const void *data, uint32_t len);
int chan_send_comp(struct hv_chan *ch, uint64_t trans_id, const void *data,
		   uint32_t len);
/* VM_PKT_DATA_USING_XFER_PAGES into the guest's transfer page set @id */
int chan_send_xfer(struct hv_chan *ch, uint64_t trans_id, uint16_t flags,
		   uint16_t pageset_id, const struct vmtransfer_page_range *r,
		   uint32_t nranges, const void *data, uint32_t len);
/* call ops->on_writable once the inbound ring has room for @bytes */
void chan_request_space(struct hv_chan *ch, uint32_t bytes);
/*
 * Make the device have @n live sub-channels (index 1..n), offering the
 * missing ones now.  Returns how many are live, or -errno.
 */
int chan_offer_subchannels(struct vsp_device *dev, unsigned int n);
#endif /* HVSIM_VSP_H */
