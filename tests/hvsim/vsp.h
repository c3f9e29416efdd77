/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VSP plug-in API: what a device class (the host side of one VMBus
 * device protocol, "virtualization service provider") sees of hvsim's
 * VMBus host.
 *
 * A device class is a struct vsp_ops registered by name (vsp_echo.c is
 * the model); classes without a host model use vsp_stub.c.  Each offered
 * device is a struct vsp_device with one primary channel and, if the VSP
 * asks for them, sub-channels.  The core owns the protocol: offers,
 * relids, GPADLs, OPENCHANNEL/CLOSECHANNEL, rescinds, ring buffers and
 * interrupts.  A VSP only sees packets, and sends packets back.
 *
 * Everything in a packet came from the guest: the core has checked the
 * framing (lengths, offsets, ranges fit the packet) but a VSP must still
 * validate its own protocol fields.  Guest memory named by a packet is
 * only reached through the gpa_pages_*() helpers, which bounds-check every
 * page against guest RAM.
 *
 * The structs below are shared with the core; a VSP reads them and owns
 * only the ->priv pointers.
 */
#ifndef HVSIM_VSP_H
#define HVSIM_VSP_H

#include <hvlis/guids.h>
#include <hvlis/vmbus_msg.h>
#include <hvlis/vmbus_ring.h>

#include "hvsim.h"

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

/* One option of a device: "key=value" from --device or "offer" */
struct vsp_opt {
	const char *key;
	const char *val;
};

struct vsp_ops {
	const char *name;	/* class short name, as in guids.h */
	/*
	 * Offer-time setup: parse the class's options (the core handles
	 * instance= and mnf=).  Return 0, or -1 with a reason in @err.
	 */
	int (*probe)(struct vsp_device *dev, int nopts,
		     const struct vsp_opt *opts, char *err, size_t errlen);
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

/* the registry: every class with a host model; the rest use vsp_stub */
extern const struct vsp_ops vsp_echo_ops;
extern const struct vsp_ops vsp_stub_ops;
/* storvsp.c: synthetic storage; vsp_scsi_ops carries the "disk" commands */
extern const struct vsp_ops vsp_ide_ops;
extern const struct vsp_ops vsp_scsi_ops;
extern const struct vsp_ops vsp_fc_ops;
/* netvsp.c: the synthetic NIC; carries the "net" commands */
extern const struct vsp_ops vsp_net_ops;
const struct vsp_ops *vsp_find_ops(const char *class_name);

#define VSP_MAX_SUBCHANNELS	64

struct vsp_device {
	struct vmbus_host *vh;
	const struct vsp_ops *ops;
	unsigned int cls;		/* index in the class table */
	unsigned int index;		/* n-th device of its class */
	guid_t instance;
	uint16_t chn_flags;
	uint16_t mmio_megabytes;
	uint8_t user_def[MAX_USER_DEFINED_BYTES];
	bool mnf;			/* monitored notification */
	bool removing;			/* rescinded: freed once released */
	struct hv_chan *primary;
	struct hv_chan *subs;		/* sub-channels, any state */
	void *priv;			/* the VSP's */
	struct vsp_device *next;
};

/* Channel life cycle, as the host sees it */
enum chan_state {
	CHAN_NEW,	/* not offered in this connection (no relid) */
	CHAN_OFFERED,	/* OFFERCHANNEL sent; closed */
	CHAN_OPEN,
	CHAN_RESCINDED,	/* RESCIND sent, waiting for RELID_RELEASED */
	CHAN_RELEASED,	/* the guest gave the relid back unasked */
};

/* The host's view of one ring buffer of a channel (ring.c) */
struct ring {
	struct hvsim *hs;
	const uint64_t *pfns;	/* control page, then the data pages */
	uint32_t npages;	/* data pages */
	uint32_t size;		/* data bytes */
	uint32_t priv;		/* our index: read or write */
	uint32_t need;		/* writer: bytes the last failed write needed */
	bool broken;		/* a corrupt packet: stop until reopened */
	/* writer: packets sent without a signal, and why (hv_signal_on_write) */
	uint64_t quiet_masked;	/* interrupt_mask was set: the reader polls */
	uint64_t quiet_busy;	/* the reader had not caught up yet */
	char last;		/* the last write: 's'ignal, 'm'asked, 'b'usy */
};

struct chan_stats {
	uint64_t pkts_in, pkts_out;
	uint64_t bytes_in, bytes_out;
	uint64_t sig_in, sig_out;
	uint64_t bad_pkts;
	uint64_t full;		/* writes that found the ring full */
};

struct hv_chan {
	struct vsp_device *dev;
	struct vmbus_host *vh;
	uint16_t sub_index;		/* 0 = primary */
	enum chan_state state;
	bool was_open;			/* "closed" rather than "offered" */
	uint32_t relid;			/* 0 = none */
	uint32_t conn_id;		/* HVCALL_SIGNAL_EVENT target */
	int monitor_id;			/* -1 = none */
	uint32_t target_vp;		/* VMBUS_TARGET_VP_NONE: no interrupts */
	uint32_t open_id;
	uint8_t userdata[MAX_USER_DEFINED_BYTES];	/* from OPENCHANNEL */
	struct gpadl *ring_gpadl;
	struct ring out;		/* guest -> host: hvsim reads */
	struct ring in;			/* host -> guest: hvsim writes */
	uint8_t *pktbuf;		/* one guest packet, copied out */
	uint32_t pktbuf_size;
	struct gpa_pages *ranges;	/* VMBUS_PKT_MAX_RANGES */
	bool blocked;			/* on_packet said -EAGAIN */
	bool want_space;		/* chan_request_space() pending */
	bool resched;			/* more to read than one pass took */
	struct chan_stats st;
	void *priv;			/* the VSP's */
	struct hv_chan *next;		/* in dev->subs */
};

/* OPENCHANNEL target_vp that means "no interrupts" (openvmm protocol.rs) */
#define VMBUS_TARGET_VP_NONE	0xffffffffU

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
struct hvsim *chan_hvsim(const struct hv_chan *ch);
const char *vsp_class_name(const struct vsp_device *dev);

#endif /* HVSIM_VSP_H */
