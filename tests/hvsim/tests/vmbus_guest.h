/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake VMBus guest for the VMBus host unit tests: guest RAM is a static
 * buffer, the SynIC pages live in it, and the guest's side of the
 * protocol (messages, GPADLs, ring buffers) is written here from the same
 * published rules, independently of the host code under test.  Messages
 * are posted straight into the host hooks, as mailbox.c would.
 */
#ifndef HVSIM_VMBUS_GUEST_H
#define HVSIM_VMBUS_GUEST_H

#include <sys/eventfd.h>

#include "tap.h"
#include "vmbus_host.h"

#define TG_RAM_SIZE	(64 * MiB)
#define TG_MAX_CPUS	4
#define TG_MSG(cpu)	(0x10000ull + (cpu) * 0x2000)
#define TG_EVT(cpu)	(0x11000ull + (cpu) * 0x2000)
#define TG_MON1		0x20000ull
#define TG_MON2		0x21000ull
#define TG_FIRST_PFN	0x100		/* pages handed out from 1 MiB */

static uint8_t tg_ram[TG_RAM_SIZE] PAGE_ALIGNED;

struct tg {
	struct hvsim hs;
	struct vmbus_host *vh;
	unsigned int cpus;
	uint32_t msg_conn;		/* where messages go */
	uint32_t msg_cpu, msg_sint;	/* where answers come */
	uint32_t version;
	uint64_t next_pfn;
	uint32_t next_handle;
};

static inline void tg_init(struct tg *t, unsigned int cpus)
{
	memset(tg_ram, 0, sizeof(tg_ram));
	memset(t, 0, sizeof(*t));
	test_hvsim(&t->hs, TG_RAM_SIZE, cpus, tg_ram);
	t->hs.hello = true;
	t->hs.guest_cpus = cpus;
	t->cpus = cpus;
	for (unsigned int i = 0; i < cpus; i++) {
		t->hs.iv.guest_efd[i] = eventfd(0, EFD_NONBLOCK);
		synic_setup(&t->hs, i, TG_MSG(i), TG_EVT(i));
	}
	t->vh = vmbus_host_init(&t->hs);
	t->msg_sint = VMBUS_MESSAGE_SINT;
	t->next_pfn = TG_FIRST_PFN;
	t->next_handle = 0xe1e10;	/* any value will do */
}

static inline void tg_free(struct tg *t)
{
	vmbus_host_exit(&t->hs);
	test_hvsim_free(&t->hs);
}

static inline bool tg_add(struct tg *t, const char *spec)
{
	char err[256] = "";

	if (vsp_device_add_spec(t->vh, spec, err, sizeof(err))) {
		printf("# add %s: %s\n", spec, err);
		return false;
	}
	return true;
}

/* interrupts raised on @cpu since the last look */
static inline uint64_t tg_irqs(struct tg *t, unsigned int cpu)
{
	uint64_t n = 0;

	if (read(t->hs.iv.guest_efd[cpu], &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/* test and clear the channel event bit @relid of SINT 2 on @cpu */
static inline bool tg_event(struct tg *t, unsigned int cpu, uint32_t relid)
{
	uint8_t *f = tg_ram + TG_EVT(cpu) +
		     VMBUS_MESSAGE_SINT * HV_EVENT_FLAGS_BYTE_COUNT + relid / 8;
	bool set = *f & (1u << (relid % 8));

	(void)t;
	*f &= (uint8_t)~(1u << (relid % 8));
	return set;
}

static inline uint16_t tg_post(struct tg *t, uint32_t conn, const void *msg,
			       uint32_t len)
{
	return vmbus_host_post_message(&t->hs, 0, conn, msg, len);
}

static inline uint16_t tg_send(struct tg *t, const void *msg, uint32_t len)
{
	return tg_post(t, t->msg_conn, msg, len);
}

/*
 * The next host message on (cpu, sint): its VMBus msgtype, or -1.  At
 * most @cap bytes are copied to @buf.  Consumes the slot and sends EOM as
 * the guest's vmbus_signal_eom() does.
 */
static inline int tg_recv_cap(struct tg *t, unsigned int cpu,
			      unsigned int sint, void *buf, size_t cap,
			      uint32_t *len)
{
	struct hv_message *m = (struct hv_message *)(tg_ram + TG_MSG(cpu)) + sint;
	struct vmbus_channel_message_header h;
	bool pending;

	if (m->header.message_type == HVMSG_NONE)
		return -1;
	if (m->header.message_type != VMBUS_MESSAGE_TYPE)
		return -2;
	if (buf)
		memcpy(buf, m->u.payload, m->header.payload_size < cap ?
		       m->header.payload_size : cap);
	if (len)
		*len = m->header.payload_size;
	memcpy(&h, m->u.payload, sizeof(h));
	m->header.message_type = HVMSG_NONE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pending = m->header.message_flags.msg_pending;
	if (pending)
		synic_eom(&t->hs, cpu);
	return (int)h.msgtype;
}

/* the receiving object's size, so an unexpected message cannot overflow it */
#define TG_CAP(p)	(__builtin_object_size((p), 0) == (size_t)-1 ?	\
			 (size_t)HV_MESSAGE_PAYLOAD_BYTE_COUNT :	\
			 __builtin_object_size((p), 0))
#define tg_recv_on(t, cpu, sint, p, len)				\
	tg_recv_cap((t), (cpu), (sint), (p), TG_CAP(p), (len))
#define tg_recv(t, p, len)						\
	tg_recv_cap((t), (t)->msg_cpu, (t)->msg_sint, (p), TG_CAP(p), (len))

/* messages waiting, thrown away */
static inline unsigned int tg_drain(struct tg *t)
{
	unsigned int n = 0;

	while (tg_recv(t, NULL, NULL) >= 0)
		n++;
	return n;
}

/*
 * INITIATE_CONTACT for @version as Linux sends it (connection.c
 * vmbus_negotiate_version): 1 / 4 by version, SINT 2, monitor pages.
 * Returns the VERSION_RESPONSE's version_supported, or -1.
 */
static inline int tg_contact(struct tg *t, uint32_t version,
			     struct vmbus_channel_version_response *out)
{
	struct vmbus_channel_initiate_contact c = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = version,
		.target_vcpu = 0,
		.monitor_page1 = TG_MON1,
		.monitor_page2 = TG_MON2,
	};
	struct vmbus_channel_version_response r;

	if (version >= VERSION_WIN10_V5)
		c.msg_sint = VMBUS_MESSAGE_SINT;
	else
		c.interrupt_page = 0x30000;
	t->msg_cpu = 0;
	t->msg_sint = VMBUS_MESSAGE_SINT;
	if (tg_post(t, vmbus_initiate_contact_conn_id(version), &c, sizeof(c)))
		return -1;
	if (tg_recv(t, &r, NULL) != CHANNELMSG_VERSION_RESPONSE)
		return -1;
	if (out)
		*out = r;
	if (r.version_supported && r.connection_state == 0) {
		t->version = version;
		t->msg_conn = version >= VERSION_WIN10_V5 ? r.msg_conn_id :
						    VMBUS_MESSAGE_CONNECTION_ID;
	}
	return r.version_supported;
}

/* Linux's walk: 5.3, 5.2, 5.1, 5.0, 4.1, 4.0, 3.0, 2.4; 0 if none */
static inline uint32_t tg_negotiate(struct tg *t)
{
	static const uint32_t order[] = {
		VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1,
		VERSION_WIN10_V5, VERSION_WIN10_V4_1, VERSION_WIN10,
		VERSION_WIN8_1, VERSION_WIN8,
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (tg_contact(t, order[i], NULL) == 1)
			return order[i];
	return 0;
}

/* REQUESTOFFERS; the offers until ALLOFFERS_DELIVERED; -1 on anything else */
static inline int tg_offers(struct tg *t, struct vmbus_channel_offer_channel *o,
			    int max)
{
	struct vmbus_channel_message_header h = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	uint8_t buf[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
	int n = 0, type;

	if (tg_send(t, &h, sizeof(h)))
		return -1;
	while ((type = tg_recv(t, buf, NULL)) == CHANNELMSG_OFFERCHANNEL) {
		if (n < max)
			memcpy(&o[n], buf, sizeof(*o));
		n++;
	}
	return type == CHANNELMSG_ALLOFFERS_DELIVERED ? n : -1;
}

static inline bool tg_up(struct tg *t, struct vmbus_channel_offer_channel *o,
			 int max, int *n)
{
	if (!tg_negotiate(t))
		return false;
	*n = tg_offers(t, o, max);
	return *n >= 0;
}

/* @n guest pages; @scatter: every other page, backwards (not contiguous) */
static inline void tg_pages(struct tg *t, uint64_t *pfns, uint32_t n,
			    bool scatter)
{
	if (!scatter) {
		for (uint32_t i = 0; i < n; i++)
			pfns[i] = t->next_pfn++;
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		pfns[i] = t->next_pfn + 2ull * (n - 1 - i);
	t->next_pfn += 2ull * n;
}

static inline void *tg_page(uint64_t pfn)
{
	return tg_ram + (pfn << HV_HYP_PAGE_SHIFT);
}

/*
 * GPADL_HEADER + BODY messages as drivers/hv/channel.c builds them (26
 * PFNs in the header, 28 per body, msgnumber 0).  Returns the
 * creation_status, or -1 if no GPADL_CREATED came back.
 */
static inline int64_t tg_gpadl_sized(struct tg *t, uint32_t relid,
				     uint32_t handle, const uint64_t *pfns,
				     uint32_t n, uint32_t byte_offset,
				     uint32_t byte_count)
{
	uint8_t msg[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
	struct vmbus_channel_gpadl_header h = {
		.header.msgtype = CHANNELMSG_GPADL_HEADER,
		.child_relid = relid,
		.gpadl = handle,
		.range_buflen = (uint16_t)(sizeof(struct gpa_range) +
					   n * sizeof(uint64_t)),
		.rangecount = 1,
	};
	struct gpa_range gr = { .byte_count = byte_count,
				.byte_offset = byte_offset };
	struct vmbus_channel_gpadl_created cr;
	uint32_t first = n < VMBUS_GPADL_HEADER_MAX_PFNS ? n :
			 VMBUS_GPADL_HEADER_MAX_PFNS, done;
	int type;

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), &gr, sizeof(gr));
	memcpy(msg + VMBUS_GPADL_HEADER_PFN_OFFSET, pfns, first * 8);
	if (tg_send(t, msg, VMBUS_GPADL_HEADER_PFN_OFFSET + first * 8))
		return -1;
	for (done = first; done < n;) {
		struct vmbus_channel_gpadl_body b = {
			.header.msgtype = CHANNELMSG_GPADL_BODY,
			.gpadl = handle,
		};
		uint32_t k = n - done < VMBUS_GPADL_BODY_MAX_PFNS ? n - done :
			     VMBUS_GPADL_BODY_MAX_PFNS;

		memcpy(msg, &b, sizeof(b));
		memcpy(msg + sizeof(b), pfns + done, k * 8);
		if (tg_send(t, msg, sizeof(b) + k * 8))
			return -1;
		done += k;
	}
	type = tg_recv(t, &cr, NULL);
	if (type != CHANNELMSG_GPADL_CREATED || cr.gpadl != handle ||
	    cr.child_relid != relid)
		return -1;
	return cr.creation_status;
}

static inline int64_t tg_gpadl(struct tg *t, uint32_t relid, uint32_t handle,
			       const uint64_t *pfns, uint32_t n)
{
	return tg_gpadl_sized(t, relid, handle, pfns, n, 0,
			      n * (uint32_t)HV_HYP_PAGE_SIZE);
}

/* GPADL_TEARDOWN; 1 if GPADL_TORNDOWN came back, 0 if nothing did */
static inline int tg_teardown(struct tg *t, uint32_t relid, uint32_t handle)
{
	struct vmbus_channel_gpadl_teardown m = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN,
		.child_relid = relid,
		.gpadl = handle,
	};
	struct vmbus_channel_gpadl_torndown r;
	int type;

	tg_send(t, &m, sizeof(m));
	type = tg_recv(t, &r, NULL);
	if (type < 0)
		return 0;
	return type == CHANNELMSG_GPADL_TORNDOWN && r.gpadl == handle ? 1 : -1;
}

/* OPENCHANNEL; the OPENCHANNEL_RESULT status, or -1 if none */
static inline int64_t tg_open_raw(struct tg *t, uint32_t relid, uint32_t handle,
				  uint32_t offset, uint32_t vp)
{
	struct vmbus_channel_open_channel o = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL,
		.child_relid = relid,
		.openid = relid + 1000,
		.ringbuffer_gpadlhandle = handle,
		.target_vp = vp,
		.downstream_ringbuffer_pageoffset = offset,
	};
	struct vmbus_channel_open_result r;

	tg_send(t, &o, sizeof(o));
	if (tg_recv(t, &r, NULL) != CHANNELMSG_OPENCHANNEL_RESULT ||
	    r.child_relid != relid || r.openid != relid + 1000)
		return -1;
	return r.status;
}

static inline void tg_close(struct tg *t, uint32_t relid)
{
	struct vmbus_channel_close_channel c = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL,
		.child_relid = relid,
	};

	tg_send(t, &c, sizeof(c));
}

static inline void tg_release(struct tg *t, uint32_t relid)
{
	struct vmbus_channel_relid_released r = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = relid,
	};

	tg_send(t, &r, sizeof(r));
}

/* ---- the guest's ring buffers (drivers/hv/ring_buffer.c rules) ---- */

struct tring {
	uint64_t pfns[512];	/* control page, then data */
	uint32_t npages;	/* all of them */
	uint32_t size;		/* data bytes */
};

static inline struct hv_ring_buffer *tring_ctrl(struct tring *r)
{
	return tg_page(r->pfns[0]);
}

static inline void tring_copy(struct tring *r, uint32_t pos, void *buf,
			      uint32_t len, bool to_ring)
{
	uint8_t *b = buf;

	while (len) {
		uint32_t in = pos % HV_HYP_PAGE_SIZE;
		uint32_t chunk = HV_HYP_PAGE_SIZE - in;
		uint8_t *p = (uint8_t *)tg_page(r->pfns[1 + pos / HV_HYP_PAGE_SIZE]) + in;

		if (chunk > len)
			chunk = len;
		if (to_ring)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		b += chunk;
		len -= chunk;
		pos = (pos + chunk) % r->size;
	}
}

/*
 * Write a packet like hv_ringbuffer_write(): 0 and *signal, or -EAGAIN.
 * @hdr is the type's fixed part after the descriptor (multiple of 8).
 */
static inline int tring_write(struct tring *r, uint16_t type, uint16_t flags,
			      uint64_t trans_id, const void *hdr, uint32_t hlen,
			      const void *data, uint32_t len, bool *signal)
{
	struct hv_ring_buffer *c = tring_ctrl(r);
	struct vmpacket_descriptor d = {
		.type = type,
		.offset8 = (uint16_t)((sizeof(d) + hlen) / 8),
		.len8 = (uint16_t)(vmbus_pkt_align((uint32_t)sizeof(d) + hlen + len) / 8),
		.flags = flags,
		.trans_id = trans_id,
	};
	uint32_t total = vmbus_pkt_ring_bytes((uint32_t)sizeof(d) + hlen + len);
	uint32_t rd = __atomic_load_n(&c->read_index, __ATOMIC_ACQUIRE);
	uint32_t old = c->write_index, pos = old;
	uint64_t trailer = vmbus_pkt_trailer(old), zero = 0;
	uint32_t pad = vmbus_pkt_align((uint32_t)sizeof(d) + hlen + len) -
		       ((uint32_t)sizeof(d) + hlen + len);

	*signal = false;
	if (vmbus_ring_bytes_to_write(rd, old, r->size) <= total)
		return -EAGAIN;
	tring_copy(r, pos, &d, sizeof(d), true);
	pos = (pos + sizeof(d)) % r->size;
	tring_copy(r, pos, (void *)hdr, hlen, true);
	pos = (pos + hlen) % r->size;
	tring_copy(r, pos, (void *)data, len, true);
	pos = (pos + len) % r->size;
	tring_copy(r, pos, &zero, pad, true);
	pos = (pos + pad) % r->size;
	tring_copy(r, pos, &trailer, 8, true);
	pos = (pos + 8) % r->size;
	__atomic_store_n(&c->write_index, pos, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!c->interrupt_mask && old == c->read_index)
		*signal = true;
	return 0;
}

/* read the next packet (descriptor + payload) like hv_pkt_iter_first/next */
static inline int tring_read(struct tring *r, void *buf, uint32_t cap,
			     uint32_t *len)
{
	struct hv_ring_buffer *c = tring_ctrl(r);
	uint32_t w = __atomic_load_n(&c->write_index, __ATOMIC_ACQUIRE);
	uint32_t rd = c->read_index;
	struct vmpacket_descriptor d;

	if (w == rd)
		return -ENOENT;
	tring_copy(r, rd, &d, sizeof(d), false);
	*len = (uint32_t)d.len8 * 8;
	if (*len > cap)
		return -E2BIG;
	tring_copy(r, rd, buf, *len, false);
	__atomic_store_n(&c->read_index, (rd + *len + 8) % r->size,
			 __ATOMIC_RELEASE);
	return 0;
}

/* a channel as the guest sets it up: one GPADL, two rings, open */
struct tchan {
	struct tg *t;
	uint32_t relid, conn_id, handle;
	uint64_t pfns[1024];
	uint32_t npages;
	struct tring out, in;	/* guest -> host, host -> guest */
};

/*
 * Allocate @out_pages + @in_pages (each with its control page), zero the
 * control pages as hv_ringbuffer_init() does (feat_pending_send_sz set),
 * create the GPADL and open.  Returns the OPENCHANNEL_RESULT status.
 */
static inline int64_t tchan_open(struct tg *t, struct tchan *tc, uint32_t relid,
				 uint32_t conn_id, uint32_t out_pages,
				 uint32_t in_pages, uint32_t vp, bool scatter)
{
	int64_t st;

	memset(tc, 0, sizeof(*tc));
	tc->t = t;
	tc->relid = relid;
	tc->conn_id = conn_id;
	tc->handle = t->next_handle++;
	tc->npages = out_pages + in_pages;
	tg_pages(t, tc->pfns, tc->npages, scatter);
	for (uint32_t i = 0; i < tc->npages; i++)
		memset(tg_page(tc->pfns[i]), 0, HV_HYP_PAGE_SIZE);
	tc->out.npages = out_pages;
	tc->out.size = (out_pages - 1) * (uint32_t)HV_HYP_PAGE_SIZE;
	memcpy(tc->out.pfns, tc->pfns, out_pages * 8);
	tc->in.npages = in_pages;
	tc->in.size = (in_pages - 1) * (uint32_t)HV_HYP_PAGE_SIZE;
	memcpy(tc->in.pfns, tc->pfns + out_pages, in_pages * 8);
	tring_ctrl(&tc->out)->feature_bits.value = 1;
	tring_ctrl(&tc->in)->feature_bits.value = 1;
	st = tg_gpadl(t, relid, tc->handle, tc->pfns, tc->npages);
	if (st)
		return st;
	return tg_open_raw(t, relid, tc->handle, out_pages, vp);
}

/* write a packet and signal the host when the ring rules say so */
static inline int tchan_send(struct tchan *tc, uint16_t type, uint16_t flags,
			     uint64_t trans_id, const void *hdr, uint32_t hlen,
			     const void *data, uint32_t len)
{
	bool signal;
	int ret = tring_write(&tc->out, type, flags, trans_id, hdr, hlen, data,
			      len, &signal);

	if (!ret && signal)
		vmbus_host_signal_event(&tc->t->hs, 0, tc->conn_id);
	return ret;
}

static inline int tchan_inband(struct tchan *tc, uint64_t trans_id,
			       const void *data, uint32_t len)
{
	return tchan_send(tc, VM_PKT_DATA_INBAND, 0, trans_id, NULL, 0, data,
			  len);
}

/* find the offer with @relid among @n */
static inline const struct vmbus_channel_offer_channel *
tg_find_offer(const struct vmbus_channel_offer_channel *o, int n, uint32_t relid)
{
	for (int i = 0; i < n; i++)
		if (o[i].child_relid == relid)
			return &o[i];
	return NULL;
}

/* run a control command; the output (with its ok/error line) */
static char tg_out[65536];

static inline const char *tg_ctl(struct tg *t, const char *line)
{
	struct ctl_conn *c = ctl_conn_new_buffer();
	char buf[CTL_MAX_LINE];

	snprintf(buf, sizeof(buf), "%s", line);
	ctl_exec_line(&t->hs, c, buf);
	snprintf(tg_out, sizeof(tg_out), "%s", ctl_conn_output(c));
	ctl_conn_free(c);
	return tg_out;
}

static inline bool tg_ctl_ok(struct tg *t, const char *line)
{
	const char *o = tg_ctl(t, line);
	size_t n = strlen(o);

	return n >= 3 && !strcmp(o + n - 3, "ok\n") &&
	       (n == 3 || o[n - 4] == '\n');
}

#endif /* HVSIM_VMBUS_GUEST_H */
