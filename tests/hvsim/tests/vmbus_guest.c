// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake VMBus guest of hvsim's unit tests (vmbus_guest.h): the guest's
 * side of messages, GPADLs and ring buffers, written from the published
 * rules independently of the host code under test.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmbus/host.h"
#include "vmbus_guest.h"

uint8_t tg_ram[TG_RAM_SIZE] PAGE_ALIGNED;
char tg_out[65536];

void test_hvsim(struct hvsim *hs, uint64_t ram_size, unsigned int cpus,
		void *ram)
{
	struct hvsim_config cfg = {
		.ram_path = NULL,
		.ram_size = ram_size,
		.shm_size = 4 * MiB,
		.mmio_size = 1 * MiB,
		.nr_cpus = cpus,
	};

	hvsim_init_state(hs, &cfg);
	if (shm_create(hs, true)) {
		printf("Bail out! cannot create shared memory\n");
		exit(1);
	}
	if (ram)
		gm_set_ram_buffer(&hs->gm, ram);
}

void test_hvsim_free(struct hvsim *hs)
{
	for (unsigned int i = 0; i < HVSIM_MAX_CPUS; i++)
		if (hs->iv.guest_efd[i] >= 0)
			close(hs->iv.guest_efd[i]);
	synic_reset(hs);
	gm_unmap_ram(&hs->gm);
	shm_destroy(hs);
}

struct hv_chan *tg_chan(struct tg *t, uint32_t relid)
{
	return chan_by_relid(t->vh, relid);
}

bool tg_chan_waiting(struct tg *t, uint32_t relid)
{
	struct hv_chan *ch = chan_by_relid(t->vh, relid);

	return ch && (ch->blocked || ch->want_space);
}

struct vsp_device *tg_device(struct tg *t, unsigned int n)
{
	struct vsp_device *d = t->vh->devices;

	while (d && n--)
		d = d->next;
	return d;
}

void tg_init(struct tg *t, unsigned int cpus)
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

void tg_free(struct tg *t)
{
	vmbus_host_exit(&t->hs);
	test_hvsim_free(&t->hs);
}

bool tg_add(struct tg *t, const char *spec)
{
	char err[256] = "";

	if (vsp_device_add_spec(t->vh, spec, err, sizeof(err))) {
		printf("# add %s: %s\n", spec, err);
		return false;
	}
	return true;
}

uint64_t tg_irqs(struct tg *t, unsigned int cpu)
{
	uint64_t n = 0;

	if (read(t->hs.iv.guest_efd[cpu], &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

bool tg_event(struct tg *t, unsigned int cpu, uint32_t relid)
{
	uint8_t *f = tg_ram + TG_EVT(cpu) +
		     VMBUS_MESSAGE_SINT * HV_EVENT_FLAGS_BYTE_COUNT + relid / 8;
	bool set = *f & (1u << (relid % 8));

	(void)t;
	*f &= (uint8_t)~(1u << (relid % 8));
	return set;
}

uint16_t tg_post(struct tg *t, uint32_t conn, const void *msg,
			       uint32_t len)
{
	return hvsim_post_message(&t->hs, 0, conn, msg, len);
}

uint16_t tg_send(struct tg *t, const void *msg, uint32_t len)
{
	return tg_post(t, t->msg_conn, msg, len);
}

int tg_recv_cap(struct tg *t, unsigned int cpu,
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

unsigned int tg_drain(struct tg *t)
{
	unsigned int n = 0;

	while (tg_recv(t, NULL, NULL) >= 0)
		n++;
	return n;
}

int tg_contact(struct tg *t, uint32_t version,
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

uint32_t tg_negotiate(struct tg *t)
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

int tg_offers(struct tg *t, struct vmbus_channel_offer_channel *o,
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

bool tg_up(struct tg *t, struct vmbus_channel_offer_channel *o,
			 int max, int *n)
{
	if (!tg_negotiate(t))
		return false;
	*n = tg_offers(t, o, max);
	return *n >= 0;
}

void tg_pages(struct tg *t, uint64_t *pfns, uint32_t n,
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

void *tg_page(uint64_t pfn)
{
	return tg_ram + (pfn << HV_HYP_PAGE_SHIFT);
}

int64_t tg_gpadl_sized(struct tg *t, uint32_t relid,
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

int64_t tg_gpadl(struct tg *t, uint32_t relid, uint32_t handle,
			       const uint64_t *pfns, uint32_t n)
{
	return tg_gpadl_sized(t, relid, handle, pfns, n, 0,
			      n * (uint32_t)HV_HYP_PAGE_SIZE);
}

int tg_teardown(struct tg *t, uint32_t relid, uint32_t handle)
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

int64_t tg_open_raw(struct tg *t, uint32_t relid, uint32_t handle,
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

void tg_close(struct tg *t, uint32_t relid)
{
	struct vmbus_channel_close_channel c = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL,
		.child_relid = relid,
	};

	tg_send(t, &c, sizeof(c));
}

void tg_release(struct tg *t, uint32_t relid)
{
	struct vmbus_channel_relid_released r = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = relid,
	};

	tg_send(t, &r, sizeof(r));
}

struct hv_ring_buffer *tring_ctrl(struct tring *r)
{
	return tg_page(r->pfns[0]);
}

void tring_copy(struct tring *r, uint32_t pos, void *buf,
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

int tring_write(struct tring *r, uint16_t type, uint16_t flags,
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

int tring_read(struct tring *r, void *buf, uint32_t cap,
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

int64_t tchan_open(struct tg *t, struct tchan *tc, uint32_t relid,
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

int tchan_send(struct tchan *tc, uint16_t type, uint16_t flags,
			     uint64_t trans_id, const void *hdr, uint32_t hlen,
			     const void *data, uint32_t len)
{
	bool signal;
	int ret = tring_write(&tc->out, type, flags, trans_id, hdr, hlen, data,
			      len, &signal);

	if (!ret && signal)
		hvsim_signal_event(&tc->t->hs, 0, tc->conn_id);
	return ret;
}

int tchan_inband(struct tchan *tc, uint64_t trans_id,
			       const void *data, uint32_t len)
{
	return tchan_send(tc, VM_PKT_DATA_INBAND, 0, trans_id, NULL, 0, data,
			  len);
}

const struct vmbus_channel_offer_channel *
tg_find_offer(const struct vmbus_channel_offer_channel *o, int n, uint32_t relid)
{
	for (int i = 0; i < n; i++)
		if (o[i].child_relid == relid)
			return &o[i];
	return NULL;
}

const char *tg_ctl(struct tg *t, const char *line)
{
	struct ctl_conn *c = ctl_conn_new_buffer();
	char buf[CTL_MAX_LINE];

	snprintf(buf, sizeof(buf), "%s", line);
	ctl_exec_line(&t->hs, c, buf);
	snprintf(tg_out, sizeof(tg_out), "%s", ctl_conn_output(c));
	ctl_conn_free(c);
	return tg_out;
}

bool tg_ctl_ok(struct tg *t, const char *line)
{
	const char *o = tg_ctl(t, line);
	size_t n = strlen(o);

	return n >= 3 && !strcmp(o + n - 3, "ok\n") &&
	       (n == 3 || o[n - 4] == '\n');
}

bool tg_open_one(struct tg *t, struct tchan *tc, const char *spec,
		 struct vmbus_channel_offer_channel *o, int max)
{
	int n;

	tg_init(t, 2);
	if (!tg_add(t, spec) || !tg_up(t, o, max, &n) || n != 1) {
		printf("# %s: not one device offered\n", spec);
		return false;
	}
	if (tchan_open(t, tc, o[0].child_relid, o[0].connection_id, 4, 4, 0,
		       false)) {
		printf("# %s: the channel did not open\n", spec);
		return false;
	}
	return true;
}

bool tg_out_has(const char *want)
{
	if (strstr(tg_out, want))
		return true;
	printf("# no '%s' in:\n%s", want, tg_out);
	return false;
}
