/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMBus host inside hvsim: what Hyper-V's root partition does for a
 * guest's VMBus, written from the protocol (include/linux/hyperv.h and
 * drivers/hv/ describe the guest side, microsoft/openvmm
 * vm/devices/vmbus/vmbus_server a host).  Internal header of:
 *
 *   host.c        connection: INITIATE_CONTACT/version negotiation,
 *                 message dispatch, UNLOAD, the poll timer, host hooks
 *   channels.c    offers, relids, OPENCHANNEL/CLOSECHANNEL, rescind,
 *                 sub-channels, events in both directions, monitor pages
 *   gpadl.c       GPADL_HEADER/BODY/TEARDOWN, guest page-list access
 *   ring.c        the host's view of a channel's two ring buffers
 *   devices.c     device classes, --device/"offer" options, instances
 *   ctl.c         control commands
 *   vsp.c         the accessors device models use (vsp.h)
 *
 * The guest is hostile: every relid, handle, page number, index and
 * length it sends is checked; a bad request fails alone (rate-limited log
 * line), nothing the guest does stops hvsim.
 */
#ifndef HVSIM_VMBUS_HOST_PRIV_H
#define HVSIM_VMBUS_HOST_PRIV_H

#include "vmbus/vsp.h"

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
 * Relids are 1..2047: the guest finds a channel's host-to-guest event by
 * bit relid of the 2048-bit event-flags slot (hvlis/synic.h), and openvmm
 * caps channels at MAX_CHANNELS = 2047 (vmbus_server/src/channels.rs).
 */
#define VMBUS_MAX_RELID		2047
/* monitor ids: 4 trigger groups of 32 (struct hv_monitor_page) */
#define VMBUS_MAX_MONITORS	HV_MONITOR_ID_COUNT

/*
 * The connection id of a channel's guest-to-host event: relid | SINT << 12
 * | VTL << 16, here SINT 2 and VTL 0, i.e. 0x2000 + relid
 * (openvmm vmbus_core/src/protocol.rs ConnectionId::new).
 */
#define VMBUS_CHAN_CONN_BASE	(VMBUS_MESSAGE_SINT << 12)

/* limits on what one guest may make hvsim hold */
#define GPADL_MAX_COUNT		4096		/* GPADLs at once */
#define GPADL_MAX_TOTAL_PAGES	(4u << 20)	/* 16 GiB of guest pages */
/* range_buflen is 16 bits: one range of at most 8190 PFNs (32 MiB) */
#define GPADL_MAX_PAGES		((0xffffu - 8) / 8)

#define VMBUS_BACKLOG_MAX	4096	/* host messages waiting for the SynIC */
#define VMBUS_POLL_NS		1000000	/* monitor pages, retries: 1 ms */
#define VMBUS_PROCESS_BUDGET	1024	/* packets per channel per pass */

struct gpadl {
	struct vmbus_host *vh;
	struct hv_chan *chan;		/* the channel it was created for */
	uint32_t handle;
	uint32_t byte_offset;
	uint32_t byte_count;
	uint32_t npfns;			/* announced in GPADL_HEADER */
	uint32_t have;			/* arrived so far */
	uint64_t *pfns;
	bool ready;			/* GPADL_CREATED sent with success */
	bool teardown;			/* TEARDOWN waits for the last user */
	unsigned int users;		/* rings and VSP references */
	struct gpadl *next;
};

struct vmbus_msg_out {
	uint32_t cpu, sint, len;
	uint8_t data[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
};

struct vmbus_stats {
	uint64_t msgs_in;		/* guest messages handled */
	uint64_t msgs_bad;		/* refused: size, state, connection id */
	uint64_t msgs_out;		/* host messages posted */
	uint64_t msgs_dropped;		/* backlog overflow */
	uint64_t negotiations;		/* INITIATE_CONTACT seen */
	uint64_t refusals;		/* ... answered with "not supported" */
	uint64_t unloads;		/* UNLOAD from the guest */
	uint64_t unloads_ignored;	/* ... to a 2.4 host, which ignores it */
	uint64_t reconnects;		/* INITIATE_CONTACT while connected */
	uint64_t gpadls_dropped;	/* still mapped at UNLOAD or reconnect */
	uint64_t posts_unknown_conn;	/* posts to a port this host lacks */
	uint64_t posts_failed;		/* failed on purpose: "set post-fail" */
	uint64_t gpadls_created, gpadls_failed, gpadls_torndown;
	uint64_t opens, open_failures, closes;
	uint64_t offers, rescinds, releases;
	uint64_t monitor_signals;	/* events found on the monitor page */
	uint64_t bad_signals;		/* SIGNAL_EVENT for no open channel */
};

struct vmbus_host {
	struct hvsim *hs;

	/* administrator settings */
	uint32_t max_version;		/* highest version accepted */
	uint32_t cfg_msg_conn_id;	/* handed out at 5.0+ */
	uint32_t post_fail_left;	/* "set post-fail": posts still to fail */
	uint64_t post_busy_until_ns;	/* "set post-busy": fail posts until */
	uint16_t post_fail_status;	/* ... with this hypercall status */
	uint32_t unload_delay_ms;	/* "set unload-delay": answer that late */

	/* the connection (INITIATE_CONTACT .. UNLOAD) */
	bool connected;
	uint32_t version;
	uint32_t target_vcpu;		/* where host messages go */
	uint8_t msg_sint;
	uint32_t msg_conn_id;		/* where guest messages must come */
	uint64_t monitor_page[2];	/* parent->child, child->parent */
	uint64_t interrupt_page;	/* pre-5.0 only, remembered */
	bool offers_requested;
	/* an UNLOAD_RESPONSE held back by "set unload-delay" */
	uint64_t unload_due_ns;		/* 0: none */
	uint32_t unload_cpu;
	uint8_t unload_sint;

	/* devices in offer order; channels by relid */
	struct vsp_device *devices;
	unsigned int class_next[32];	/* next index per class */
	struct hv_chan *relids[VMBUS_MAX_RELID + 1];
	uint32_t relid_hi;		/* no relid above this is in use */
	uint32_t monitors[VMBUS_MAX_MONITORS / 32];	/* allocated ids */

	struct gpadl *gpadls;
	unsigned int ngpadls;
	uint64_t gpadl_pages;

	/* host messages the SynIC queue had no room for, in order */
	struct vmbus_msg_out *backlog;
	unsigned int backlog_head, backlog_count;

	struct watch timer;		/* fd -1: tests call vmbus_host_poll() */
	bool timer_armed;

	struct vmbus_stats st;
};

/* vmbus_host.c */
struct vmbus_host *vmbus_host_init(struct hvsim *hs);
void vmbus_host_exit(struct hvsim *hs);
/* start the poll timer (needs the event loop) */
int vmbus_host_timer_init(struct hvsim *hs);
struct vmbus_host *vmbus_host(const struct hvsim *hs);
/* monitor pages, retries, backlog: the timer runs this every 1 ms */
void vmbus_host_poll(struct vmbus_host *vh);
void vmbus_timer_update(struct vmbus_host *vh);
/* host -> guest control message, to the connection's CPU and SINT */
void vmbus_send_msg(struct vmbus_host *vh, const void *msg, uint32_t len);
void vmbus_send_msg_to(struct vmbus_host *vh, uint32_t cpu, uint32_t sint,
		       const void *msg, uint32_t len);
/* drop the connection: close channels, forget GPADLs and relids */
void vmbus_disconnect(struct vmbus_host *vh);
bool vmbus_version_known(uint32_t version);
int vmbus_parse_version(const char *s, uint32_t *version);
const char *vmbus_msg_name(uint32_t type);
bool gpa_page_ok(const struct vmbus_host *vh, uint64_t pfn);

/* channels.c */
void chan_handle_request_offers(struct vmbus_host *vh);
void chan_handle_open(struct vmbus_host *vh, const void *msg, uint32_t len);
void chan_handle_close(struct vmbus_host *vh, const void *msg, uint32_t len);
void chan_handle_relid_released(struct vmbus_host *vh, const void *msg,
				uint32_t len);
void chan_handle_modify(struct vmbus_host *vh, const void *msg, uint32_t len);
uint16_t chan_signal_event(struct vmbus_host *vh, uint32_t conn_id);
void chan_poll(struct vmbus_host *vh);
bool chan_poll_needed(const struct vmbus_host *vh);
struct hv_chan *chan_new(struct vsp_device *dev, uint16_t sub_index);
/* offer a NEW channel to the connected guest */
int chan_offer(struct hv_chan *ch);
/* administrator rescind of a whole device */
void chan_rescind_device(struct vsp_device *dev);
/* host side of a close; primary: also rescinds the sub-channels */
void chan_close(struct hv_chan *ch);
void chan_release_all(struct vmbus_host *vh);
struct hv_chan *chan_by_relid(const struct vmbus_host *vh, uint32_t relid);
int chan_poke_in_write_index(struct hv_chan *ch, uint32_t value, bool restore);
const char *chan_state_name(const struct hv_chan *ch);
/* run the channel now: read packets, resume a blocked writer */
void chan_process(struct hv_chan *ch);

/* gpadl.c */
void gpadl_handle_header(struct vmbus_host *vh, const void *msg, uint32_t len);
void gpadl_handle_body(struct vmbus_host *vh, const void *msg, uint32_t len);
void gpadl_handle_teardown(struct vmbus_host *vh, const void *msg,
			   uint32_t len);
struct gpadl *gpadl_find(struct vmbus_host *vh, const struct hv_chan *ch,
			 uint32_t handle);
/* forget a channel's GPADLs without telling the guest */
void gpadl_drop_chan(struct vmbus_host *vh, const struct hv_chan *ch);
void gpadl_drop_all(struct vmbus_host *vh);

/* ring.c */
struct ring_iov {
	const void *base;
	uint32_t len;
};

/* @pfns: control page then data pages, @npages >= 2; reads the indices */
int ring_attach(struct ring *r, struct hvsim *hs, const uint64_t *pfns,
		uint32_t npages, bool host_reads);
void ring_detach(struct ring *r);
int ring_poke_write_index(struct ring *r, uint32_t value, bool restore);
/* reader: next packet into @buf: 0, -ENOENT empty, -EPROTO, -EFAULT */
int ring_peek(struct ring *r, uint8_t *buf, uint32_t cap, uint32_t *len);
/* reader: drop the packet ring_peek() returned (len without trailer) */
int ring_consume(struct ring *r, uint32_t len);
/* reader, after consuming @bytes: must the blocked writer be signalled? */
bool ring_read_signal(struct ring *r, uint32_t bytes);
/* writer: 0 (and *signal: tell the guest), -EAGAIN, -EPROTO, -EINVAL */
int ring_write(struct ring *r, const struct ring_iov *iov, unsigned int n,
	       bool *signal);
/* writer: wait for @bytes via pending_send_sz; true if already there */
bool ring_wait_space(struct ring *r, uint32_t bytes);
void ring_clear_pending(struct ring *r);
bool ring_has_space(struct ring *r, uint32_t bytes);
/* the guest's view: indices and bytes; false if unreadable */
bool ring_state(const struct ring *r, uint32_t *read, uint32_t *write,
		uint32_t *to_read, uint32_t *to_write);
/* parse a packet copied out by ring_peek() */
int vmbus_pkt_parse(struct vmbus_pkt *pkt, const uint8_t *buf, uint32_t len,
		    struct gpa_pages *ranges, uint32_t max_ranges);

/* devices.c */
struct hv_class {
	const char *name;
	guid_t guid;
	const char *desc;
};
extern const struct hv_class hv_classes[];
/* the device classes with a host model (devices/classes.h) */
extern const struct vsp_ops *const vsp_models[];
extern const unsigned int vsp_nmodels;
const struct vsp_ops *vsp_find_ops(const char *class_name);
extern const unsigned int hv_nclasses;
int hv_class_find(const char *name);
bool hv_class_in_all(unsigned int cls);
/* for --help and "help": the classes and each class's options, a line at a time */
void vsp_classes_describe(void (*line)(void *arg, const char *text), void *arg);
/*
 * Add a device: @spec is "CLASS[:key=val,...]" (or "all"), or @class_name
 * with @nopts options.  Offered at once if the guest is connected.
 * 0, or -1 with @err set.  *@out (optional): the (last) device added.
 */
int vsp_device_add_spec(struct vmbus_host *vh, const char *spec, char *err,
			size_t errlen);
int vsp_device_add(struct vmbus_host *vh, const char *class_name, int nopts,
		   const struct opt_kv *opts, struct vsp_device **out,
		   char *err, size_t errlen);
void vsp_device_destroy(struct vsp_device *dev);
/* the device is gone once every channel is released */
void vsp_device_maybe_free(struct vsp_device *dev);
struct vsp_device *vsp_device_by_instance(struct vmbus_host *vh,
					  const guid_t *g);

/* vmbus_ctl.c */
int vmbus_ctl_register(void);

#endif /* HVSIM_VMBUS_HOST_PRIV_H */
