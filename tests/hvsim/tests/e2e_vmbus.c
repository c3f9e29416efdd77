// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end test of hvsim's VMBus host over the real sockets, without
 * QEMU: hvsim runs with --max-version 5.2 and --device options, this
 * program plays QEMU and a guest that speaks VMBus the way Linux does
 * (drivers/hv/connection.c, channel.c, ring_buffer.c): the version walk
 * from 5.3 down, offers, a GPADL, an echo channel driven by
 * SIGNAL_EVENT and by the monitor page, hot offer, rescind, UNLOAD and a
 * second connection, all through SynIC slots, EOMs and MSI-X vectors.
 *
 * usage: e2e_vmbus /path/to/hvsim       TAP on stdout (plan at the end)
 *        E2E_KEEP=1 keeps the run directory (hvsim.log) for a look
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hvlis/guids.h>
#include <hvlis/vmbus_msg.h>
#include <hvlis/vmbus_ring.h>

#include "e2e_lib.h"

#define MON1		0x200000ull
#define MON2		0x201000ull
#define RING_GPA	0x300000ull	/* 4 pages: 2 out, 2 in */
#define RING_PAGES	4
#define DATA_SIZE	4096u		/* one data page per ring */

static struct qemu q;
static uint8_t *ram;

/* post a VMBus message on @conn from CPU 0: the hypercall status */
static uint32_t post(uint32_t conn, const void *msg, uint32_t len)
{
	struct hv_input_post_message pm = {
		.connectionid = conn,
		.message_type = VMBUS_MESSAGE_TYPE,
		.payload_size = len,
	};

	memcpy(pm.payload, msg, len);
	return hcall(&q, 0, HVSIM_OP_POST_MESSAGE, 0, 0, 0, &pm, sizeof(pm));
}

/*
 * The next VMBus message in CPU 0's SINT 2 slot, as the guest reads it:
 * copy, free the slot, EOM if another one is pending.  Its msgtype, or
 * -1 after TIMEOUT_MS.
 */
static int recv_vmbus(void *buf, size_t cap)
{
	struct hv_message *m = msg_slot(ram, 0, VMBUS_MESSAGE_SINT);
	uint64_t t0 = now_ms();
	uint32_t type;

	while (__atomic_load_n(&m->header.message_type, __ATOMIC_ACQUIRE) ==
	       HVMSG_NONE) {
		if (now_ms() - t0 > TIMEOUT_MS)
			return -1;
		wait_irq(&q, 0, 10);
	}
	if (buf)
		memcpy(buf, m->u.payload, m->header.payload_size < cap ?
		       m->header.payload_size : cap);
	memcpy(&type, m->u.payload, sizeof(type));
	consume(m);
	if (m->header.message_flags.msg_pending)
		hcall(&q, 0, HVSIM_OP_EOM, 0, 0, 0, NULL, 0);
	return (int)type;
}

static int contact(uint32_t version, struct vmbus_channel_version_response *r)
{
	struct vmbus_channel_initiate_contact c = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = version,
		.msg_sint = VMBUS_MESSAGE_SINT,
		.monitor_page1 = MON1,
		.monitor_page2 = MON2,
	};

	if (post(vmbus_initiate_contact_conn_id(version), &c, sizeof(c)))
		return -1;
	return recv_vmbus(r, sizeof(*r)) == CHANNELMSG_VERSION_RESPONSE ?
	       r->version_supported : -1;
}

static int request_offers(uint32_t conn, struct vmbus_channel_offer_channel *o,
			  int max)
{
	struct vmbus_channel_message_header h = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	uint8_t buf[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
	int n = 0, type;

	if (post(conn, &h, sizeof(h)))
		return -1;
	while ((type = recv_vmbus(buf, sizeof(buf))) == CHANNELMSG_OFFERCHANNEL) {
		if (n < max)
			memcpy(&o[n], buf, sizeof(*o));
		n++;
	}
	return type == CHANNELMSG_ALLOFFERS_DELIVERED ? n : -1;
}

/* ---- the guest's rings: contiguous pages, so plain wrap-around ---- */

static struct hv_ring_buffer *ring_ctrl(int which)
{
	return (struct hv_ring_buffer *)(ram + RING_GPA + which * 2 * 4096);
}

static uint8_t *ring_data(int which)
{
	return ram + RING_GPA + which * 2 * 4096 + 4096;
}

static void ring_put(int which, uint32_t pos, const void *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		ring_data(which)[(pos + i) % DATA_SIZE] = ((const uint8_t *)p)[i];
}

static void ring_get(int which, uint32_t pos, void *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		((uint8_t *)p)[i] = ring_data(which)[(pos + i) % DATA_SIZE];
}

/* write an in-band packet to the outbound ring; true: signal the host */
static bool guest_send(uint64_t tid, const void *data, uint32_t len)
{
	struct hv_ring_buffer *c = ring_ctrl(0);
	struct vmpacket_descriptor d = {
		.type = VM_PKT_DATA_INBAND, .offset8 = 2,
		.len8 = (uint16_t)(vmbus_pkt_align(16 + len) / 8),
		.trans_id = tid,
	};
	uint32_t old = c->write_index;
	uint64_t trailer = vmbus_pkt_trailer(old);
	static const uint8_t zero[8];

	ring_put(0, old, &d, 16);
	ring_put(0, old + 16, data, len);
	ring_put(0, old + 16 + len, zero, vmbus_pkt_align(16 + len) - 16 - len);
	ring_put(0, old + vmbus_pkt_align(16 + len), &trailer, 8);
	__atomic_store_n(&c->write_index,
			 (old + vmbus_pkt_ring_bytes(16 + len)) % DATA_SIZE,
			 __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !c->interrupt_mask && old == c->read_index;
}

/* the next packet in the inbound ring: its length, or -1 */
static int guest_recv(uint8_t *buf, uint32_t cap, int ms)
{
	struct hv_ring_buffer *c = ring_ctrl(1);
	uint64_t t0 = now_ms();
	struct vmpacket_descriptor d;
	uint32_t rd = c->read_index, len;

	while (__atomic_load_n(&c->write_index, __ATOMIC_ACQUIRE) == rd) {
		if (now_ms() - t0 > (uint64_t)ms)
			return -1;
		usleep(200);
	}
	ring_get(1, rd, &d, 16);
	len = d.len8 * 8u;
	if (len > cap)
		return -1;
	ring_get(1, rd, buf, len);
	__atomic_store_n(&c->read_index, (rd + len + 8) % DATA_SIZE,
			 __ATOMIC_RELEASE);
	return (int)len;
}

static bool event_bit(int cpu, uint32_t relid)
{
	uint8_t *f = ram + EVT_PAGE(cpu) +
		     VMBUS_MESSAGE_SINT * HV_EVENT_FLAGS_BYTE_COUNT + relid / 8;
	bool set = __atomic_fetch_and(f, (uint8_t)~(1u << (relid % 8)),
				      __ATOMIC_SEQ_CST) & (1u << (relid % 8));

	return set;
}

static bool echo_back(uint64_t tid, const char *text)
{
	uint8_t buf[256];
	struct vmpacket_descriptor d;
	int len = guest_recv(buf, sizeof(buf), TIMEOUT_MS);

	if (len < 16)
		return false;
	memcpy(&d, buf, 16);
	return d.type == VM_PKT_DATA_INBAND && d.trans_id == tid &&
	       !memcmp(buf + d.offset8 * 8, text, strlen(text));
}

static bool start_fails(const char *const *args)
{
	bool started = start_hvsim(args);
	int st = wait_hvsim(TIMEOUT_MS);

	return !started && st == 2;
}

/* bad options, then hvsim with its devices; false: stop here */
static bool start(void)
{
	static const char *const bad1[] = { "--device", "warpdrive", NULL };
	static const char *const bad2[] = { "--max-version", "five", NULL };
	static const char *const bad3[] = { "--device", "echo:speed=9", NULL };
	static const char *const args[] = {
		"--device", "echo:mnf=on", "--device", "all",
		"--max-version", "5.2", NULL,
	};

	ok(start_fails(bad1) && start_fails(bad2) && start_fails(bad3),
	   "bad --device / --max-version: hvsim exits 2");
	ok(start_hvsim(args), "hvsim --device echo:mnf=on --device all --max-version 5.2");
	if (failures)
		return false;
	ok(ctl_cli("devices") == 0 &&
	   strstr(reply, "- echo 00140000-0000-4853-6876-73696d000000 index=0 ") &&
	   strstr(reply, "- pci 000f0000-") && strstr(reply, "state=new"),
	   "`hvsim ctl devices` lists the 17 devices before any guest");
	return true;
}

/* QEMU and the guest's sim backend come up; false: stop here */
static bool guest_up(void)
{
	bool good;

	ram = map_ram();
	if (!ram)
		return false;
	good = qemu_connect(&q) &&
	       hcall(&q, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2_GPA, NCPUS,
		     NULL, 0) == 0 &&
	       hcall(&q, 0, HVSIM_OP_SYNIC_SETUP, 0, MSG_PAGE(0), EVT_PAGE(0),
		     NULL, 0) == 0 &&
	       hcall(&q, 1, HVSIM_OP_SYNIC_SETUP, 1, MSG_PAGE(1), EVT_PAGE(1),
		     NULL, 0) == 0;
	ok(good, "QEMU connects, HELLO, SynIC pages on both CPUs");
	return good;
}

/* 1. the version walk, as vmbus_connect() does it: the message connection */
static uint32_t version_walk(void)
{
	struct vmbus_channel_version_response vr = { 0 };
	bool good;

	ok(contact(VERSION_WIN10_V5_3, &vr) == 0,
	   "5.3 on connection 4: refused (--max-version 5.2)");
	good = contact(VERSION_WIN10_V5_2, &vr) == 1 && vr.connection_state == 0 &&
	       vr.msg_conn_id == VMBUS_MESSAGE_CONNECTION_ID;
	ok(good, "5.2 accepted, messages to connection %u", vr.msg_conn_id);
	ok(ctl_cli("version") == 0 && !strcmp(reply, "5.2\n"),
	   "`hvsim ctl version` says 5.2");
	return vr.msg_conn_id;
}

/* 2. offers; false: stop here */
static bool offers_in_order(uint32_t conn,
			    struct vmbus_channel_offer_channel *offers)
{
	guid_t echo = HVSIM_ECHO_GUID, nic = HV_NIC_GUID, pci = HV_PCIE_GUID;
	int n = request_offers(conn, offers, 32);
	bool good = n == 17;

	for (int i = 0; good && i < n; i++)
		good = offers[i].child_relid == (uint32_t)i + 1 &&
		       offers[i].connection_id == 0x2001u + i;
	ok(good, "REQUESTOFFERS: %d offers, relids 1..17, then ALLOFFERS_DELIVERED", n);
	if (!good)
		return false;
	ok(!memcmp(&offers[0].offer.if_type, &echo, 16) &&
	   offers[0].monitor_allocated && offers[0].monitorid == 0 &&
	   !memcmp(&offers[11].offer.if_type, &nic, 16) &&
	   offers[11].monitor_allocated && offers[11].monitorid == 1 &&
	   !memcmp(&offers[16].offer.if_type, &pci, 16) &&
	   !offers[16].monitor_allocated,
	   "echo first (monitor 0), net monitor 1, pci last");
	ok(ctl_cli("channels") == 0 && strstr(reply, "relid=1 class=echo#0 ") &&
	   strstr(reply, "relid=17 class=pci#0 ") && strstr(reply, "state=offered"),
	   "`hvsim ctl channels` lists them offered");
	for (char *l = strtok(reply, "\n"); l; l = strtok(NULL, "\n"))
		if (strstr(l, "relid=1 ") || strstr(l, "relid=12 "))
			diag("%s", l);
	return true;
}

/* 3. the echo channel: GPADL, open on VP 1 */
static void open_echo(uint32_t conn)
{
	uint8_t msg[HV_MESSAGE_PAYLOAD_BYTE_COUNT] = { 0 };
	struct vmbus_channel_gpadl_header h = {
		.header.msgtype = CHANNELMSG_GPADL_HEADER,
		.child_relid = 1, .gpadl = 0xe1e10,
		.range_buflen = 8 + 8 * RING_PAGES, .rangecount = 1,
	};
	struct gpa_range gr = { .byte_count = RING_PAGES * 4096 };
	struct vmbus_channel_open_channel o = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL,
		.child_relid = 1, .openid = 42,
		.ringbuffer_gpadlhandle = 0xe1e10, .target_vp = 1,
		.downstream_ringbuffer_pageoffset = 2,
	};
	struct vmbus_channel_gpadl_created gc;
	struct vmbus_channel_open_result orr;

	memset(ram + RING_GPA, 0, RING_PAGES * 4096);
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), &gr, sizeof(gr));
	for (int i = 0; i < RING_PAGES; i++) {
		uint64_t pfn = (RING_GPA >> 12) + i;

		memcpy(msg + VMBUS_GPADL_HEADER_PFN_OFFSET + 8 * i, &pfn, 8);
	}
	ok(post(conn, msg, VMBUS_GPADL_HEADER_PFN_OFFSET + 8 * RING_PAGES) == 0 &&
	   recv_vmbus(&gc, sizeof(gc)) == CHANNELMSG_GPADL_CREATED &&
	   gc.gpadl == 0xe1e10 && gc.creation_status == 0,
	   "GPADL of 4 pages for relid 1: created");
	ok(post(conn, &o, sizeof(o)) == 0 &&
	   recv_vmbus(&orr, sizeof(orr)) == CHANNELMSG_OPENCHANNEL_RESULT &&
	   orr.child_relid == 1 && orr.openid == 42 && orr.status == 0,
	   "OPENCHANNEL relid 1, target VP 1: status 0");
}

/* 4. and 5. echoes by SIGNAL_EVENT and by the monitor page */
static void echo_both_ways(const struct vmbus_channel_offer_channel *offers)
{
	bool good;

	/* 4. a packet by SIGNAL_EVENT, the echo by event flag + vector 1 */
	wait_irq(&q, 1, 0);
	good = guest_send(0x77, "hello, host", 11) &&
	       hcall(&q, 0, HVSIM_OP_SIGNAL_EVENT, offers[0].connection_id, 0, 0,
		     NULL, 0) == 0;
	ok(good && wait_irq(&q, 1, TIMEOUT_MS) >= 1 && event_bit(1, 1) &&
	   !event_bit(0, 1) && echo_back(0x77, "hello, host"),
	   "SIGNAL_EVENT 0x2001: echo in the inbound ring, relid 1 flagged on VP 1");

	/* 5. the same through the monitor page (the host polls it) */
	good = guest_send(0x78, "via monitor", 11);
	__atomic_fetch_or((uint32_t *)(ram + MON2 + 8), 1u, __ATOMIC_SEQ_CST);
	ok(good && wait_irq(&q, 1, TIMEOUT_MS) >= 1 && echo_back(0x78, "via monitor") &&
	   !(*(uint32_t *)(ram + MON2 + 8) & 1),
	   "monitor page bit 0: echo arrives, the bit is cleared");
	ok(ctl_cli("channels") == 0 &&
	   strstr(reply, "relid=1 class=echo#0 ") && strstr(reply, "state=open vp=1 monitor=0") &&
	   strstr(reply, "pkts_in=2 pkts_out=2 sig_in=2 sig_out=2"),
	   "`hvsim ctl channels`: relid 1 open, 2 packets and signals each way");
	for (char *l = strtok(reply, "\n"); l; l = strtok(NULL, "\n"))
		if (strstr(l, "relid=1 "))
			diag("%s", l);
}

/* 6. hot offer and rescind by the administrator */
static void hot_offer_rescind(uint32_t conn)
{
	struct vmbus_channel_relid_released rr = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = 18,
	};
	struct vmbus_channel_offer_channel o;
	struct vmbus_channel_rescind_offer rs;
	bool good;

	good = ctl_cli("offer echo") == 0 && strstr(reply, "18 echo ") &&
	       recv_vmbus(&o, sizeof(o)) == CHANNELMSG_OFFERCHANNEL &&
	       o.child_relid == 18;
	ok(good, "`hvsim ctl offer echo`: OFFERCHANNEL relid 18 at once");
	good = ctl_cli("rescind 18") == 0 &&
	       recv_vmbus(&rs, sizeof(rs)) == CHANNELMSG_RESCIND_CHANNELOFFER &&
	       rs.child_relid == 18;
	good = good && post(conn, &rr, sizeof(rr)) == 0 &&
	       ctl_cli("devices") == 0 && !strstr(reply, " index=1 ");
	ok(good, "`hvsim ctl rescind 18`: RESCIND, RELID_RELEASED, device gone");
}

/* 7. UNLOAD, and a module reload negotiates again */
static void unload_reconnect(uint32_t conn,
			     struct vmbus_channel_offer_channel *offers)
{
	struct vmbus_channel_message_header u = {
		.msgtype = CHANNELMSG_UNLOAD,
	};
	struct vmbus_channel_version_response vr;

	ok(post(conn, &u, sizeof(u)) == 0 &&
	   recv_vmbus(NULL, 0) == CHANNELMSG_UNLOAD_RESPONSE &&
	   ctl_cli("version") == 0 && !strcmp(reply, "none\n"),
	   "UNLOAD: UNLOAD_RESPONSE, version none");
	ok(hcall(&q, 0, HVSIM_OP_SIGNAL_EVENT, 0x2001, 0, 0, NULL, 0) ==
	   HV_STATUS_INVALID_CONNECTION_ID,
	   "after UNLOAD the channel's connection id is gone");
	ok(contact(VERSION_WIN10_V5_2, &vr) == 1 &&
	   request_offers(vr.msg_conn_id, offers, 32) == 17,
	   "reconnect: 5.2 again, 17 offers");
	/* an old host: no connection id 4, so 5.2 fails at the post */
	ok(ctl("set max-version 4.0") && contact(VERSION_WIN10_V5_2, &vr) == -1 &&
	   contact(VERSION_WIN10_V4_1, &vr) == 0 && contact(VERSION_WIN10, &vr) == 1 &&
	   request_offers(VMBUS_MESSAGE_CONNECTION_ID, offers, 32) == 17,
	   "`set max-version 4.0`: the next negotiation ends at 4.0");
	ok(ctl_cli("vmbus") == 0 && strstr(reply, "version 4.0\n") &&
	   strstr(reply, "vmbus.refusals 2\n") &&
	   strstr(reply, "vmbus.posts_unknown_conn 1\n"),
	   "`hvsim ctl vmbus` shows the connection and counters");
	for (char *l = strtok(reply, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, "vmbus.", 6))
			diag("%s", l);
}

int main(int argc, char **argv)
{
	static struct vmbus_channel_offer_channel offers[32];
	uint32_t conn;
	int hv_ret;

	if (argc != 2) {
		fprintf(stderr, "usage: e2e_vmbus /path/to/hvsim\n");
		return 2;
	}
	e2e_setup(argv[1]);
	if (!start() || !guest_up())
		goto out;
	conn = version_walk();
	if (!offers_in_order(conn, offers))
		goto out;
	open_echo(conn);
	echo_both_ways(offers);
	hot_offer_rescind(conn);
	unload_reconnect(conn, offers);

	/* 8. quit */
	ok(ctl_cli("quit") == 0, "`hvsim ctl quit` answers ok");
	hv_ret = wait_hvsim(TIMEOUT_MS);
	ok(hv_ret == 0, "hvsim exits 0 (status %d)", hv_ret);
	qemu_disconnect(&q);
out:
	if (ram)
		munmap(ram, RAM_SIZE);
	return e2e_finish();
}
