// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels end to end inside one process: OPENCHANNEL checks, the echo
 * device through real rings (in-band, completion requested, GPA direct
 * with a checksum, the sub-channel request), events both ways (event
 * flags + interrupts, SIGNAL_EVENT, the monitor page), back-pressure with
 * pending_send_sz, MODIFYCHANNEL, rescind of an open channel, UNLOAD with
 * open channels, and a corrupt ring.
 */
#include "vmbus/host.h"
#include "vmbus_guest.h"

static struct vmbus_channel_offer_channel offers[64];
static uint8_t buf[70000];

#define BAD	VMBUS_STATUS_UNSUCCESSFUL

static bool up(struct tg *t, unsigned int cpus, const char *spec, int want)
{
	int n;

	tg_init(t, cpus);
	if (!tg_add(t, spec))
		return false;
	if (!tg_up(t, offers, 64, &n) || n != want) {
		printf("# %d offers\n", n);
		return false;
	}
	return true;
}

/* the next packet the host sent: type, trans_id, payload */
static int reply(struct tchan *tc, uint16_t *type, uint64_t *tid,
		 const uint8_t **payload, uint32_t *plen)
{
	struct vmpacket_descriptor d;
	uint32_t len;
	int ret = tring_read(&tc->in, buf, sizeof(buf), &len);

	if (ret)
		return ret;
	memcpy(&d, buf, sizeof(d));
	*type = d.type;
	*tid = d.trans_id;
	*payload = buf + d.offset8 * 8;
	*plen = len - d.offset8 * 8;
	return 0;
}

static bool open_checks(void)
{
	struct tchan tc;
	uint64_t pfns[16];
	struct tg t;

	CHECK(up(&t, 2, "echo", 1));
	CHECK(tg_add(&t, "echo"));
	CHECK_EQ(tg_recv(&t, NULL, NULL), CHANNELMSG_OFFERCHANNEL);
	tg_pages(&t, pfns, 16, true);
	for (int i = 0; i < 16; i++)
		memset(tg_page(pfns[i]), 0, 4096);
	CHECK_EQ(tg_gpadl(&t, 1, 0x50, pfns, 8), 0);
	CHECK_EQ(tg_gpadl(&t, 2, 0x51, pfns + 8, 8), 0);
	CHECK_EQ(tg_gpadl_sized(&t, 1, 0x52, pfns + 8, 3, 8, 3 * 4096 - 8), 0);
	/* unknown channel, GPADL, or another channel's GPADL */
	CHECK_EQ(tg_open_raw(&t, 9, 0x50, 4, 0), BAD);
	CHECK_EQ(tg_open_raw(&t, 1, 0x99, 4, 0), BAD);
	CHECK_EQ(tg_open_raw(&t, 1, 0x51, 4, 0), BAD);
	/* each ring needs its control page and a data page */
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 0, 0), BAD);
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 1, 0), BAD);
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 7, 0), BAD);
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 8, 0), BAD);
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 0xffffffff, 0), BAD);
	/* a VP that does not exist */
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 4, 2), BAD);
	/* a ring GPADL must be whole pages */
	CHECK_EQ(tg_open_raw(&t, 1, 0x52, 2, 0), BAD);
	/* ring indices the guest left out of range */
	((struct hv_ring_buffer *)tg_page(pfns[4]))->write_index = 5 * 4096;
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 4, 0), BAD);
	((struct hv_ring_buffer *)tg_page(pfns[4]))->write_index = 0;
	((struct hv_ring_buffer *)tg_page(pfns[0]))->read_index = 3;
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 4, 0), BAD);
	((struct hv_ring_buffer *)tg_page(pfns[0]))->read_index = 0;
	CHECK_EQ(t.vh->st.open_failures, 12);
	/* good */
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 4, 1), 0);
	CHECK(tg_ctl_ok(&t, "channels"));
	CHECK(strstr(tg_out, "relid=1 class=echo#0 ") &&
	      strstr(tg_out, " state=open vp=1 monitor=- out.read=0 out.write=0 out.toread=0 out.size=12288 in.read=0 in.write=0 in.free=12288 in.size=12288 "));
	/* twice */
	CHECK_EQ(tg_open_raw(&t, 1, 0x50, 4, 1), BAD);
	/* the GPADL cannot serve a second channel's rings meanwhile */
	CHECK_EQ(tg_teardown(&t, 1, 0x50), 0);	/* deferred */
	tg_close(&t, 1);
	/* the teardown is answered by the close */
	CHECK_EQ(tg_recv(&t, NULL, NULL), CHANNELMSG_GPADL_TORNDOWN);
	CHECK(tg_ctl_ok(&t, "channels"));
	CHECK(strstr(tg_out, "relid=1 class=echo#0 ") && strstr(tg_out, "state=closed"));
	/* closing again, or a channel never opened */
	tg_close(&t, 1);
	tg_close(&t, 2);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	/* reopen with a new GPADL; interrupts off is allowed */
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, VMBUS_TARGET_VP_NONE, true), 0);
	tg_irqs(&t, 0);
	tg_irqs(&t, 1);
	CHECK_EQ(tchan_inband(&tc, 5, "abcdefgh", 8), 0);
	CHECK_EQ(tg_irqs(&t, 0) + tg_irqs(&t, 1), 0);
	CHECK_EQ(tring_read(&tc.in, buf, sizeof(buf), &(uint32_t){ 0 }), 0);
	tg_free(&t);
	return true;
}

static bool echo_inband(void)
{
	const uint8_t *p;
	struct tchan tc;
	struct tg t;
	uint16_t type;
	uint64_t tid;
	uint32_t plen;

	CHECK(up(&t, 2, "echo", 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 4, 4, 1, true), 0);
	tg_irqs(&t, 0);
	tg_irqs(&t, 1);
	for (uint32_t n = 1; n < 9000; n = n * 3 + 1) {
		uint16_t flags = n & 1 ? VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED : 0;

		for (uint32_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(i ^ n);
		CHECK_EQ(tchan_send(&tc, VM_PKT_DATA_INBAND, flags, 0xabc0 + n,
				    NULL, 0, buf, n), 0);
		/* the event bit of relid 1 on VP 1, and its interrupt */
		CHECK(tg_event(&t, 1, 1));
		CHECK(!tg_event(&t, 0, 1));
		CHECK_EQ(tg_irqs(&t, 1), 1);
		CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
		CHECK_EQ(type, VM_PKT_DATA_INBAND);
		CHECK_EQ(tid, 0xabc0 + n);
		CHECK_EQ(plen, vmbus_pkt_align(n));
		for (uint32_t i = 0; i < n; i++)
			CHECK_EQ(p[i], (uint8_t)(i ^ n));
		CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), -ENOENT);
	}
	/* completions and other types from the guest are dropped */
	CHECK_EQ(tchan_send(&tc, VM_PKT_COMP, 0, 1, NULL, 0, "x", 1), 0);
	CHECK_EQ(tchan_send(&tc, VM_PKT_DATA_USING_XFER_PAGES, 0, 2,
			    "\0\0\0\0\0\0\0\0", 8, NULL, 0), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), -ENOENT);
	CHECK(tg_ctl_ok(&t, "channels"));
	CHECK(strstr(tg_out, " pkts_in=10 pkts_out=8 sig_in=10 sig_out=8 "));
	tg_free(&t);
	return true;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static bool echo_gpa_direct(void)
{
	uint8_t hdr[8 + 8 + 8 * 6 + 8 + 8 * 2];
	uint64_t bufp[6], small[2], h, got;
	struct gpa_range r1 = { .byte_count = 6 * 4096 - 300, .byte_offset = 200 };
	struct gpa_range r2 = { .byte_count = 10, .byte_offset = 4090 };
	uint32_t cnt = 2, plen;
	const uint8_t *p;
	struct tchan tc;
	struct tg t;
	uint16_t type;
	uint64_t tid;

	CHECK(up(&t, 1, "echo", 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 3, 3, 0, false), 0);
	/* a 6-page buffer on scattered pages and a 2-page one */
	tg_pages(&t, bufp, 6, true);
	tg_pages(&t, small, 2, true);
	for (int i = 0; i < 6; i++)
		for (int k = 0; k < 4096; k++)
			((uint8_t *)tg_page(bufp[i]))[k] = (uint8_t)(i * 13 + k * 7);
	memset(tg_page(small[0]), 0x5a, 4096);
	memset(tg_page(small[1]), 0xa5, 4096);
	h = 0xcbf29ce484222325ull;
	for (int i = 0; i < 6; i++) {
		uint32_t from = i ? 0 : 200, to = i < 5 ? 4096 : 4096 - 100;

		h = fnv(h, (uint8_t *)tg_page(bufp[i]) + from, to - from);
	}
	h = fnv(h, (uint8_t *)tg_page(small[0]) + 4090, 6);
	h = fnv(h, tg_page(small[1]), 4);

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr + 4, &cnt, 4);
	memcpy(hdr + 8, &r1, 8);
	memcpy(hdr + 16, bufp, 48);
	memcpy(hdr + 64, &r2, 8);
	memcpy(hdr + 72, small, 16);
	CHECK_EQ(tchan_send(&tc, VM_PKT_DATA_USING_GPA_DIRECT,
			    VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, 77, hdr,
			    sizeof(hdr), NULL, 0), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	CHECK(type == VM_PKT_DATA_INBAND && tid == 77 && plen == 8);
	memcpy(&got, p, 8);
	CHECK_EQ(got, h);
	/* a range on pages that are not RAM: an empty answer */
	small[1] = 1ull << 35;
	memcpy(hdr + 72, small, 16);
	CHECK_EQ(tchan_send(&tc, VM_PKT_DATA_USING_GPA_DIRECT, 0, 78, hdr,
			    sizeof(hdr), NULL, 0), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	CHECK(tid == 78 && plen == 0);
	/* a malformed one (PFNs run past offset8) is skipped, no answer */
	cnt = 3;
	memcpy(hdr + 4, &cnt, 4);
	CHECK_EQ(tchan_send(&tc, VM_PKT_DATA_USING_GPA_DIRECT, 0, 79, hdr,
			    sizeof(hdr), NULL, 0), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), -ENOENT);
	CHECK_EQ(tchan_inband(&tc, 80, "still ok", 8), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	CHECK_EQ(tid, 80);
	tg_free(&t);
	return true;
}

static int subchan(struct tchan *tc, uint32_t count, uint32_t zero)
{
	uint8_t req[16] = "SUBCHAN";

	memcpy(req + 8, &count, 4);
	memcpy(req + 12, &zero, 4);
	return tchan_inband(tc, 0x5c, req, 16);
}

/* the echo device's sub-channel request: 3, capped at 16, data if odd */
static bool subchannel_offers(struct tg *t, struct tchan *tc)
{
	struct vmbus_channel_offer_channel o;
	const uint8_t *p;
	uint16_t type;
	uint64_t tid;
	uint32_t plen;
	int n = 0;

	CHECK_EQ(subchan(tc, 3, 0), 0);
	while (tg_recv(t, &o, NULL) == CHANNELMSG_OFFERCHANNEL) {
		n++;
		CHECK_EQ(o.offer.sub_channel_index, n);
		CHECK(!memcmp(&o.offer.if_type, &offers[0].offer.if_type, 16));
		CHECK(!memcmp(&o.offer.if_instance, &offers[0].offer.if_instance, 16));
		CHECK_EQ(o.child_relid, 1 + n);
		CHECK_EQ(o.connection_id, 0x2001 + n);
	}
	CHECK_EQ(n, 3);
	CHECK_EQ(reply(tc, &type, &tid, &p, &plen), 0);
	CHECK(tid == 0x5c && plen == 16 && !memcmp(p, "SUBCHAN", 8));
	/* capped at 16; asking for fewer than there are offers nothing */
	CHECK_EQ(subchan(tc, 100, 0), 0);
	for (n = 0; tg_recv(t, &o, NULL) == CHANNELMSG_OFFERCHANNEL; n++)
		;
	CHECK_EQ(n, 13);
	CHECK_EQ(subchan(tc, 2, 0), 0);
	/* the last word must be 0, else it is just data */
	CHECK_EQ(subchan(tc, 20, 1), 0);
	CHECK_EQ(tg_recv(t, NULL, NULL), -1);
	while (reply(tc, &type, &tid, &p, &plen) == 0)
		;
	CHECK(tg_ctl_ok(t, "devices"));
	CHECK(strstr(tg_out, "1 echo ") && strstr(tg_out, " subchannels=16 "));
	return true;
}

/* sub-channel 2 (relid 3) works; closing the primary rescinds all 16 */
static bool subchannel_use_and_rescind(struct tg *t, struct tchan *tc)
{
	struct vmbus_channel_rescind_offer rs;
	const uint8_t *p;
	struct tchan sc;
	uint16_t type;
	uint64_t tid;
	uint32_t plen;
	int n;

	/* a sub-channel works like any channel */
	CHECK_EQ(tchan_open(t, &sc, 3, 0x2003, 2, 2, 1, true), 0);
	CHECK_EQ(tchan_inband(&sc, 33, "sub chan", 8), 0);
	CHECK(tg_event(t, 1, 3));
	CHECK_EQ(reply(&sc, &type, &tid, &p, &plen), 0);
	CHECK(tid == 33 && !memcmp(p, "sub chan", 8));
	/* closing the primary rescinds every sub-channel, open or not */
	tg_close(t, 1);
	for (n = 0; tg_recv(t, &rs, NULL) == CHANNELMSG_RESCIND_CHANNELOFFER; n++)
		CHECK_EQ(rs.child_relid, 2 + n);
	CHECK_EQ(n, 16);
	CHECK_EQ(hvsim_signal_event(&t->hs, 0, 0x2003),
		 HV_STATUS_INVALID_CONNECTION_ID);
	/* the guest's close of the rescinded one is ignored, teardown answered */
	tg_close(t, 3);
	CHECK_EQ(tg_teardown(t, 3, sc.handle), 1);
	CHECK_EQ(tg_teardown(t, 1, tc->handle), 1);
	for (uint32_t r = 2; r <= 17; r++)
		tg_release(t, r);
	CHECK(tg_ctl_ok(t, "channels"));
	CHECK(!strstr(tg_out, "sub=1 "));
	return true;
}

/* reopened: sub-channels again, same indices and relids */
static bool subchannel_reopen(struct tg *t, struct tchan *tc)
{
	struct vmbus_channel_offer_channel o;
	struct vmbus_channel_rescind_offer rs;
	int n;

	CHECK_EQ(tchan_open(t, tc, 1, offers[0].connection_id, 2, 2, 0, true), 0);
	CHECK_EQ(subchan(tc, 2, 0), 0);
	CHECK_EQ(tg_recv(t, &o, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK(o.offer.sub_channel_index == 1 && o.child_relid == 2);
	CHECK_EQ(tg_recv(t, &o, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK(o.offer.sub_channel_index == 2 && o.child_relid == 3);
	/*
	 * Reopened before the guest released index 1's old relid: index 2
	 * comes at once, index 1 only after that release, never as index 3.
	 */
	tg_close(t, 1);
	for (n = 0; tg_recv(t, &rs, NULL) == CHANNELMSG_RESCIND_CHANNELOFFER; n++)
		;
	CHECK_EQ(n, 2);
	CHECK_EQ(tg_teardown(t, 1, tc->handle), 1);
	tg_release(t, 3);
	CHECK_EQ(tchan_open(t, tc, 1, offers[0].connection_id, 2, 2, 0, true), 0);
	CHECK_EQ(subchan(tc, 2, 0), 0);
	CHECK_EQ(tg_recv(t, &o, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK(o.offer.sub_channel_index == 2 && o.child_relid == 3);
	CHECK_EQ(tg_recv(t, NULL, NULL), -1);
	tg_release(t, 2);
	CHECK_EQ(tg_recv(t, &o, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK(o.offer.sub_channel_index == 1 && o.child_relid == 2);
	CHECK_EQ(tg_recv(t, NULL, NULL), -1);
	return true;
}

static bool subchannels(void)
{
	struct tchan tc;
	struct tg t;

	CHECK(up(&t, 2, "echo", 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 2, 2, 0, true), 0);
	CHECK(subchannel_offers(&t, &tc));
	CHECK(subchannel_use_and_rescind(&t, &tc));
	CHECK(subchannel_reopen(&t, &tc));
	tg_free(&t);
	return true;
}

/* the guest's reader: hv_pkt_iter_close's signal rule, for the test */
static bool guest_read_one(struct tchan *tc, uint64_t *tid)
{
	struct hv_ring_buffer *c = tring_ctrl(&tc->in);
	uint32_t before = vmbus_ring_bytes_to_write(c->read_index,
						    c->write_index, tc->in.size);
	uint32_t len, after, pending;
	struct vmpacket_descriptor d;

	if (tring_read(&tc->in, buf, sizeof(buf), &len))
		return false;
	memcpy(&d, buf, sizeof(d));
	*tid = d.trans_id;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pending = c->pending_send_sz;
	after = vmbus_ring_bytes_to_write(c->read_index, c->write_index,
					  tc->in.size);
	if (pending && before <= pending && after > pending)
		hvsim_signal_event(&tc->t->hs, 0, tc->conn_id);
	return true;
}

static bool back_pressure(void)
{
	uint8_t data[1000];
	uint64_t tid, next = 0;
	uint32_t sent = 0, r, w, tr, tw;
	struct tchan tc;
	struct hv_chan *ch;
	struct tg t;

	CHECK(up(&t, 1, "echo", 1));
	/* 8 KiB out, 4 KiB in: 4 echoes of 1000 bytes fill the inbound */
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 3, 2, 0, true), 0);
	ch = chan_by_relid(t.vh, 1);
	memset(data, 0x33, sizeof(data));
	while (tchan_inband(&tc, sent, data, sizeof(data) - 16) == 0)
		sent++;
	/* 4 echoes fill the inbound, then 8 wait in the outbound */
	CHECK_EQ(sent, 12);
	CHECK(ch->blocked);
	CHECK_EQ(tring_ctrl(&tc.in)->pending_send_sz, 1008);
	CHECK(ring_state(&ch->out, &r, &w, &tr, &tw));
	CHECK_EQ(tr, 8 * 1008);
	CHECK(tg_ctl_ok(&t, "channels"));
	CHECK(strstr(tg_out, " blocked"));
	/* the polling fallback does nothing while it stays full */
	vmbus_host_poll(t.vh);
	CHECK(ch->blocked);
	/* reading one frees room: the guest signals, the host resumes */
	while (guest_read_one(&tc, &tid)) {
		CHECK_EQ(tid, next);
		next++;
		/* keep the outbound busy too */
		if (sent < 40 && tchan_inband(&tc, sent, data, sizeof(data) - 16) == 0)
			sent++;
	}
	CHECK_EQ(next, sent);
	CHECK_EQ(sent, 40);
	CHECK(!ch->blocked);
	CHECK_EQ(tring_ctrl(&tc.in)->pending_send_sz, 0);
	/* without the guest's signal the timer's poll resumes it too */
	while (tchan_inband(&tc, sent, data, sizeof(data) - 16) == 0)
		sent++;
	CHECK(ch->blocked);
	CHECK_EQ(tring_read(&tc.in, buf, sizeof(buf), &tr), 0);
	next++;
	CHECK(chan_poll_needed(t.vh));
	vmbus_host_poll(t.vh);
	while (tring_read(&tc.in, buf, sizeof(buf), &tr) == 0) {
		next++;
		vmbus_host_poll(t.vh);
	}
	CHECK_EQ(next, sent);
	CHECK(!chan_poll_needed(t.vh));
	tg_free(&t);
	return true;
}

static bool monitor_page(void)
{
	union hv_monitor_trigger_group *tg0 =
		&((struct hv_monitor_page *)(tg_ram + TG_MON2))->trigger_group[0];
	const uint8_t *p;
	struct tchan tc;
	struct tg t;
	uint16_t type;
	uint64_t tid;
	uint32_t plen;
	bool sig;

	CHECK(up(&t, 1, "echo:mnf=on", 1));
	CHECK(offers[0].monitor_allocated && offers[0].monitorid == 0);
	CHECK(!chan_poll_needed(t.vh));
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 2, 2, 0, true), 0);
	CHECK(chan_poll_needed(t.vh));
	/* vmbus_setevent() for a monitored channel: a pending bit, no call */
	CHECK_EQ(tring_write(&tc.out, VM_PKT_DATA_INBAND, 0, 9, NULL, 0,
			     "monitor!", 8, &sig), 0);
	CHECK(sig);
	__atomic_fetch_or(&tg0->pending, 1u << 0 | 1u << 7, __ATOMIC_SEQ_CST);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), -ENOENT);
	vmbus_host_poll(t.vh);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	CHECK(tid == 9 && !memcmp(p, "monitor!", 8));
	/* our bit is cleared, a bit nobody owns is left alone */
	CHECK_EQ(tg0->pending, 1u << 7);
	CHECK_EQ(t.vh->st.monitor_signals, 1);
	vmbus_host_poll(t.vh);
	CHECK_EQ(t.vh->st.monitor_signals, 1);
	/* the hypercall works for a monitored channel too */
	CHECK_EQ(tchan_inband(&tc, 10, "hypercal", 8), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	CHECK_EQ(tid, 10);
	tg_close(&t, 1);
	CHECK(!chan_poll_needed(t.vh));
	tg_free(&t);
	return true;
}

static bool signals(void)
{
	struct tchan tc;
	struct tg t;

	CHECK(up(&t, 1, "echo", 1));
	CHECK(tg_add(&t, "scsi"));
	CHECK_EQ(tg_recv(&t, offers, NULL), CHANNELMSG_OFFERCHANNEL);
	/* nothing is open yet */
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2001),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2001), HV_STATUS_SUCCESS);
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2002),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2000),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x1),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2801),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x12001),
		 HV_STATUS_INVALID_CONNECTION_ID);
	for (uint32_t c = 0; c < 0x10000; c += 7)
		hvsim_signal_event(&t.hs, 0, c);
	/* the stub device drops packets, quietly */
	CHECK_EQ(tchan_open(&t, &tc, 2, 0x2002, 2, 2, 0, true), 0);
	CHECK_EQ(tchan_inband(&tc, 1, "to scsi", 7), 0);
	CHECK_EQ(tchan_inband(&tc, 2, "to scsi", 7), 0);
	CHECK_EQ(tring_read(&tc.in, buf, sizeof(buf), &(uint32_t){ 0 }), -ENOENT);
	CHECK_EQ(chan_by_relid(t.vh, 2)->st.pkts_in, 2);
	tg_free(&t);
	return true;
}

static bool modify_channel(void)
{
	struct vmbus_channel_modifychannel m = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL,
		.child_relid = 1,
		.target_vp = 1,
	};
	struct vmbus_channel_modifychannel_response r;
	struct tchan tc;
	struct tg t;

	CHECK(up(&t, 2, "echo", 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	tg_send(&t, &m, sizeof(m));
	CHECK_EQ(tg_recv(&t, &r, NULL), CHANNELMSG_MODIFYCHANNEL_RESPONSE);
	CHECK(r.child_relid == 1 && r.status == 0);
	CHECK_EQ(tchan_inband(&tc, 1, "moved to", 8), 0);
	CHECK(tg_event(&t, 1, 1) && !tg_event(&t, 0, 1));
	m.target_vp = 2;
	tg_send(&t, &m, sizeof(m));
	CHECK_EQ(tg_recv(&t, &r, NULL), CHANNELMSG_MODIFYCHANNEL_RESPONSE);
	CHECK_EQ(r.status, BAD);
	m.child_relid = 5;
	m.target_vp = 0;
	tg_send(&t, &m, sizeof(m));
	CHECK_EQ(tg_recv(&t, &r, NULL), CHANNELMSG_MODIFYCHANNEL_RESPONSE);
	CHECK_EQ(r.status, BAD);
	/* 5.2: applied, but there is no response message yet */
	CHECK(tg_ctl_ok(&t, "set max-version 5.2"));
	tg_free(&t);

	CHECK(up(&t, 2, "echo", 1));
	CHECK(tg_ctl_ok(&t, "set max-version 5.2"));
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN10_V5_2);
	CHECK_EQ(tg_offers(&t, offers, 64), 1);
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	m.child_relid = 1;
	m.target_vp = 1;
	tg_send(&t, &m, sizeof(m));
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK_EQ(chan_by_relid(t.vh, 1)->target_vp, 1);
	/* 4.0 has no MODIFYCHANNEL */
	CHECK(tg_ctl_ok(&t, "set max-version 4.0"));
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN10);
	CHECK_EQ(tg_offers(&t, offers, 64), 1);
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	tg_send(&t, &m, sizeof(m));
	CHECK_EQ(chan_by_relid(t.vh, 1)->target_vp, 0);
	tg_free(&t);
	return true;
}

static bool rescind_open(void)
{
	struct vmbus_channel_rescind_offer rs;
	struct tchan tc;
	struct tg t;

	CHECK(up(&t, 1, "echo", 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	CHECK(tg_ctl_ok(&t, "rescind 1"));
	CHECK_EQ(tg_recv(&t, &rs, NULL), CHANNELMSG_RESCIND_CHANNELOFFER);
	CHECK_EQ(rs.child_relid, 1);
	/* the host closed it: no more signals, opens ignored */
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2001),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(tg_open_raw(&t, 1, tc.handle, 2, 0), -1);
	tg_close(&t, 1);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	/* GPADLs on a rescinded channel still come and go */
	CHECK_EQ(tg_gpadl(&t, 1, 0x777, tc.pfns, 2), 0);
	CHECK_EQ(tg_teardown(&t, 1, tc.handle), 1);
	tg_release(&t, 1);
	CHECK_EQ(t.vh->ngpadls, 0);
	CHECK(tg_ctl_ok(&t, "devices"));
	CHECK(!strstr(tg_out, "echo"));
	CHECK(tg_ctl_ok(&t, "offer echo"));
	CHECK_EQ(tg_recv(&t, &rs, NULL), CHANNELMSG_OFFERCHANNEL);
	tg_free(&t);
	return true;
}

static bool unload_open(void)
{
	struct vmbus_channel_message_header u = { .msgtype = CHANNELMSG_UNLOAD };
	const uint8_t *p;
	struct tchan tc;
	struct tg t;
	uint16_t type;
	uint64_t tid;
	uint32_t plen;
	int n;

	CHECK(up(&t, 1, "echo", 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	CHECK_EQ(subchan(&tc, 2, 0), 0);
	CHECK_EQ(tg_drain(&t), 2);
	tg_send(&t, &u, sizeof(u));
	CHECK_EQ(tg_recv(&t, NULL, NULL), CHANNELMSG_UNLOAD_RESPONSE);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK_EQ(t.vh->ngpadls, 0);
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2001),
		 HV_STATUS_INVALID_CONNECTION_ID);
	/* back: one channel again (the sub-channels went with the guest) */
	CHECK(tg_up(&t, offers, 64, &n));
	CHECK_EQ(n, 1);
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	CHECK_EQ(tchan_inband(&tc, 4, "reloaded", 8), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	CHECK_EQ(tid, 4);
	tg_free(&t);
	return true;
}

static bool corrupt_ring(void)
{
	struct hv_ring_buffer *c;
	const uint8_t *p;
	struct tchan tc;
	struct tg t;
	uint16_t type;
	uint64_t tid;
	uint32_t plen;

	CHECK(up(&t, 1, "echo", 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	c = tring_ctrl(&tc.out);
	/* a write index past the end: that signal does nothing */
	c->write_index = 0x10000;
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2001), 0);
	c->write_index = 0;
	CHECK_EQ(tchan_inband(&tc, 1, "fine, th", 8), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	/* a packet with a broken length: the channel stops */
	CHECK_EQ(tchan_inband(&tc, 2, "broken!!", 8), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	{
		struct vmpacket_descriptor d = { .type = 6, .offset8 = 2,
						 .len8 = 0x100 };
		uint32_t w = c->write_index;

		tring_copy(&tc.out, w, &d, 16, true);
		c->write_index = w + 32;
	}
	CHECK_EQ(hvsim_signal_event(&t.hs, 0, 0x2001), 0);
	CHECK_EQ(tchan_inband(&tc, 3, "ignored!", 8), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), -ENOENT);
	CHECK_EQ(chan_by_relid(t.vh, 1)->st.bad_pkts, 1);
	/* the host's inbound read index, set by a hostile guest */
	tg_close(&t, 1);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK_EQ(tchan_open(&t, &tc, 1, 0x2001, 2, 2, 0, true), 0);
	tring_ctrl(&tc.in)->read_index = 0x7777;
	CHECK_EQ(tchan_inband(&tc, 4, "no room?", 8), 0);
	CHECK_EQ(tring_ctrl(&tc.in)->write_index, 0);
	/* and back to sane */
	tring_ctrl(&tc.in)->read_index = 0;
	CHECK_EQ(tchan_inband(&tc, 5, "ok again", 8), 0);
	CHECK_EQ(reply(&tc, &type, &tid, &p, &plen), 0);
	CHECK_EQ(tid, 5);
	tg_free(&t);
	return true;
}

static const struct tap_test tests[] = {
	{ "OPENCHANNEL checks, close, deferred teardown, reopen", open_checks },
	{ "echo: in-band round trips, events and interrupts", echo_inband },
	{ "echo: GPA direct checksum of multi-page ranges", echo_gpa_direct },
	{ "echo: sub-channel request, close rescinds them, reuse, re-offer after release", subchannels },
	{ "back-pressure: pending_send_sz, guest signal, poll", back_pressure },
	{ "monitor page signalling", monitor_page },
	{ "SIGNAL_EVENT connection ids; the stub device", signals },
	{ "MODIFYCHANNEL at 5.3, 5.2, 4.0", modify_channel },
	{ "rescind of an open channel", rescind_open },
	{ "UNLOAD with open channels, reconnect", unload_open },
	{ "corrupt rings stop the channel, not hvsim", corrupt_ring },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
