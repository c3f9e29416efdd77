/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMBus host inside hvsim: what Hyper-V's root partition does for a
 * guest's VMBus, written from the protocol (include/linux/hyperv.h and
 * drivers/hv/ describe the guest side, microsoft/openvmm
 * vm/devices/vmbus/vmbus_server a host).  Internal header of:
 *
 *   vmbus_host.c  connection: INITIATE_CONTACT/version negotiation,
 *                 message dispatch, UNLOAD, the poll timer, host hooks
 *   channels.c    offers, relids, OPENCHANNEL/CLOSECHANNEL, rescind,
 *                 sub-channels, events in both directions, monitor pages
 *   gpadl.c       GPADL_HEADER/BODY/TEARDOWN, guest page-list access
 *   ring.c        the host's view of a channel's two ring buffers
 *   devices.c     device classes, --device/"offer" options, instances
 *   vmbus_ctl.c   control commands
 *   vsp_*.c       device classes (vsp.h)
 *
 * The guest is hostile: every relid, handle, page number, index and
 * length it sends is checked; a bad request fails alone (rate-limited log
 * line), nothing the guest does stops hvsim.
 */
#ifndef HVSIM_VMBUS_HOST_H
#define HVSIM_VMBUS_HOST_H

#include "vsp.h"

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

/*
 * Failure status for OPENCHANNEL_RESULT and GPADL_CREATED, the value
 * openvmm uses (vmbus_core/src/protocol.rs STATUS_UNSUCCESSFUL).
 */
#define VMBUS_STATUS_UNSUCCESSFUL	0x8000ffffU

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

	/* the connection (INITIATE_CONTACT .. UNLOAD) */
	bool connected;
	uint32_t version;
	uint32_t target_vcpu;		/* where host messages go */
	uint8_t msg_sint;
	uint32_t msg_conn_id;		/* where guest messages must come */
	uint64_t monitor_page[2];	/* parent->child, child->parent */
	uint64_t interrupt_page;	/* pre-5.0 only, remembered */
	bool offers_requested;

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
unsigned int vmbus_cpus(const struct vmbus_host *vh);
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
extern const unsigned int hv_nclasses;
int hv_class_find(const char *name);
bool hv_class_in_all(unsigned int cls);
void guid_fmt(const guid_t *g, char out[37]);
bool guid_parse(const char *s, guid_t *g);
/*
 * Add a device: @spec is "CLASS[:key=val,...]" (or "all"), or @class_name
 * with @nopts options.  Offered at once if the guest is connected.
 * 0, or -1 with @err set.  *@out (optional): the (last) device added.
 */
int vsp_device_add_spec(struct vmbus_host *vh, const char *spec, char *err,
			size_t errlen);
int vsp_device_add(struct vmbus_host *vh, const char *class_name, int nopts,
		   const struct vsp_opt *opts, struct vsp_device **out,
		   char *err, size_t errlen);
void vsp_device_destroy(struct vsp_device *dev);
/* the device is gone once every channel is released */
void vsp_device_maybe_free(struct vsp_device *dev);
struct vsp_device *vsp_device_by_instance(struct vmbus_host *vh,
					  const guid_t *g);

/* vmbus_ctl.c */
int vmbus_ctl_register(void);

#endif /* HVSIM_VMBUS_HOST_H */
