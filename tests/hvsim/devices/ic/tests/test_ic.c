// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IC devices through the fake guest (vmbus_guest.h): the NEGOTIATE
 * request's framing and offer (default and fw=/versions= options), the
 * guest's choice taken or refused (a version not offered, no common
 * version, a short answer), answers with the wrong trans_id, type or
 * flags counted as bad, heartbeat sequence numbers, timesync 4.0 and 1.0
 * samples, shutdown requests with the guest's status, and KVP's IP
 * operations: the bytes of GET_IP_INFO and SET_IP_INFO requests (the
 * whole struct hv_kvp_ip_msg, UTF-16LE strings) and the answers parsed,
 * malformed ones counted as bad.
 */
#include <time.h>

#include <hvlis/icmsg.h>
#include <hvlis/kvp.h>

#include "tests/vmbus_guest.h"

static struct vmbus_channel_offer_channel offers[8];
static uint8_t buf[8192];

struct ic_msg {
	uint64_t tid;
	struct vmbuspipe_hdr pipe;
	struct icmsg_hdr hdr;
	const uint8_t *payload;
	uint32_t len;			/* payload bytes */
};

/* the next host request in the guest's inbound ring */
static bool next_msg(struct tchan *tc, struct ic_msg *m)
{
	struct vmpacket_descriptor d;
	uint32_t len, off;

	if (tring_read(&tc->in, buf, sizeof(buf), &len))
		return false;
	memcpy(&d, buf, sizeof(d));
	off = d.offset8 * 8u;
	if (d.type != VM_PKT_DATA_INBAND || len < off + ICMSG_HDR)
		return false;
	m->tid = d.trans_id;
	memcpy(&m->pipe, buf + off, sizeof(m->pipe));
	memcpy(&m->hdr, buf + off + sizeof(m->pipe), sizeof(m->hdr));
	m->payload = buf + off + ICMSG_HDR;
	/* the ring pads packets to 8 bytes: icmsgsize says what is ours */
	m->len = m->hdr.icmsgsize;
	return m->len <= len - off - (uint32_t)ICMSG_HDR;
}

/* answer @m as hv_utils does: same message, RESPONSE, @status, @payload */
static int answer(struct tchan *tc, const struct ic_msg *m, uint64_t tid,
		  uint8_t flags, uint32_t status, const void *payload,
		  uint32_t len)
{
	uint8_t out[8192];
	struct icmsg_hdr h = m->hdr;

	if (len > sizeof(out) - ICMSG_HDR)
		return -1;
	h.icflags = flags;
	h.status = status;
	memcpy(out, &m->pipe, sizeof(m->pipe));
	memcpy(out + sizeof(m->pipe), &h, sizeof(h));
	if (len)
		memcpy(out + ICMSG_HDR, payload, len);
	return tchan_inband(tc, tid, out, (uint32_t)ICMSG_HDR + len);
}

#define RESP	(ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE)

static int choose(struct tchan *tc, const struct ic_msg *m, uint16_t fmaj,
		  uint16_t fmin, uint16_t smaj, uint16_t smin)
{
	struct {
		struct icmsg_negotiate n;
		struct ic_version v[2];
	} __packed a = {
		.n = { .icframe_vercnt = 1, .icmsg_vercnt = 1 },
		.v = { { fmaj, fmin }, { smaj, smin } },
	};

	return answer(tc, m, m->tid, RESP, 0, &a, sizeof(a));
}

/* the offer and what NEGOTIATE looks like */
static bool negotiate_request(void)
{
	struct tg t;
	struct tchan tc;
	struct ic_msg m;
	struct icmsg_negotiate n;
	struct ic_version v[4];

	CHECK(tg_open_one(&t, &tc, "heartbeat", offers, 8));
	CHECK_EQ(offers[0].offer.chn_flags,
		 VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE | VMBUS_CHANNEL_NAMED_PIPE_MODE);
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(m.pipe.flags, 1);
	CHECK_EQ(m.pipe.msgsize, sizeof(struct icmsg_hdr) + m.len);
	CHECK_EQ(m.hdr.icmsgtype, ICMSGTYPE_NEGOTIATE);
	CHECK_EQ(m.hdr.icflags, ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST);
	CHECK_EQ(m.len, sizeof(n) + sizeof(v));
	memcpy(&n, m.payload, sizeof(n));
	memcpy(v, m.payload + sizeof(n), sizeof(v));
	CHECK_EQ(n.icframe_vercnt, 2);
	CHECK_EQ(n.icmsg_vercnt, 2);
	CHECK(v[0].major == 3 && v[0].minor == 0 && v[1].major == 1);
	CHECK(v[2].major == 3 && v[2].minor == 0 && v[3].major == 1);
	CHECK(tg_ctl_ok(&t, "heartbeat"));
	CHECK(tg_out_has("heartbeat.state=negotiating"));
	tg_free(&t);

	/* an old host: the options choose the offer */
	CHECK(tg_open_one(&t, &tc, "timesync:fw=1.0,versions=3.0/1.0", offers, 8));
	CHECK(next_msg(&tc, &m));
	memcpy(&n, m.payload, sizeof(n));
	CHECK_EQ(n.icframe_vercnt, 1);
	CHECK_EQ(n.icmsg_vercnt, 2);
	CHECK_EQ(m.len, sizeof(n) + 3 * sizeof(struct ic_version));
	tg_free(&t);

	tg_init(&t, 2);
	CHECK(!tg_add(&t, "heartbeat:versions=3"));
	CHECK(!tg_add(&t, "heartbeat:fw=1.0/2.0/3.0/4.0/5.0/6.0/7.0/8.0/9.0"));
	tg_free(&t);
	return true;
}

/* heartbeat: the guest's choice, sequence numbers, bad answers */
static bool test_heartbeat(void)
{
	struct tg t;
	struct tchan tc;
	struct ic_msg m, hb;
	uint64_t seq;

	CHECK(tg_open_one(&t, &tc, "heartbeat", offers, 8));
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(choose(&tc, &m, 3, 0, 3, 0), 0);
	CHECK(tg_ctl_ok(&t, "heartbeat"));
	CHECK(tg_out_has("heartbeat.state=ready"));
	CHECK(tg_out_has("heartbeat.version=3.0"));
	/* the first heartbeat goes out at once */
	CHECK(next_msg(&tc, &hb));
	CHECK_EQ(hb.hdr.icmsgtype, ICMSGTYPE_HEARTBEAT);
	CHECK_EQ(hb.hdr.icvermsg.major, 3);
	CHECK_EQ(hb.len, sizeof(struct heartbeat_msg_data));
	memcpy(&seq, hb.payload, sizeof(seq));
	CHECK_EQ(seq, 1);

	/* wrong trans_id, wrong type, no RESPONSE flag: counted, ignored */
	seq = 2;
	CHECK_EQ(answer(&tc, &hb, hb.tid + 1, RESP, 0, &seq, sizeof(seq)), 0);
	m = hb;
	m.hdr.icmsgtype = ICMSGTYPE_SHUTDOWN;
	CHECK_EQ(answer(&tc, &m, hb.tid, RESP, 0, &seq, sizeof(seq)), 0);
	CHECK_EQ(answer(&tc, &hb, hb.tid, ICMSGHDRFLAG_TRANSACTION, 0, &seq,
			sizeof(seq)), 0);
	CHECK_EQ(tchan_inband(&tc, hb.tid, "short", 5), 0);
	CHECK(tg_ctl_ok(&t, "heartbeat"));
	CHECK(tg_out_has("heartbeat.bad_answers=4"));
	CHECK(tg_out_has("heartbeat.answered=1"));
	/* the right answer, then a wrong sequence number on a good frame */
	CHECK_EQ(answer(&tc, &hb, hb.tid, RESP, 0, &seq, sizeof(seq)), 0);
	CHECK(tg_ctl_ok(&t, "heartbeat"));
	CHECK(tg_out_has("heartbeat.answered=2"));
	CHECK(tg_out_has("heartbeat.bad_answers=4"));
	CHECK(!strstr(tg_out, "heartbeat.last_answer_ms=-1"));
	CHECK(tg_ctl_ok(&t, "heartbeat 1"));
	CHECK(!tg_ctl_ok(&t, "heartbeat 99"));
	tg_free(&t);
	return true;
}

/* negotiation answers that leave the channel failed */
static bool negotiate_refused(void)
{
	struct tg t;
	struct tchan tc;
	struct ic_msg m;
	struct icmsg_negotiate none = { 0 };

	/* a version we did not offer */
	CHECK(tg_open_one(&t, &tc, "heartbeat:versions=1.0", offers, 8));
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(choose(&tc, &m, 3, 0, 3, 0), 0);
	CHECK(tg_ctl_ok(&t, "heartbeat"));
	CHECK(tg_out_has("heartbeat.state=failed"));
	CHECK(tg_out_has("heartbeat.bad_answers=1"));
	CHECK(!next_msg(&tc, &m));
	tg_free(&t);

	/* no common version: 0/0, not a bad answer */
	CHECK(tg_open_one(&t, &tc, "shutdown", offers, 8));
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &none, sizeof(none)), 0);
	CHECK(tg_ctl_ok(&t, "shutdown status"));
	CHECK(tg_out_has("shutdown.state=failed"));
	CHECK(tg_out_has("shutdown.bad_answers=0"));
	CHECK(!tg_ctl_ok(&t, "shutdown"));
	tg_free(&t);

	/* a negotiation answer too short to hold the two versions */
	CHECK(tg_open_one(&t, &tc, "shutdown", offers, 8));
	CHECK(next_msg(&tc, &m));
	none.icframe_vercnt = 1;
	none.icmsg_vercnt = 1;
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &none, sizeof(none)), 0);
	CHECK(tg_ctl_ok(&t, "shutdown status"));
	CHECK(tg_out_has("shutdown.state=failed"));
	CHECK(tg_out_has("shutdown.bad_answers=1"));
	tg_free(&t);
	return true;
}

static bool test_timesync(void)
{
	struct tg t;
	struct tchan tc;
	struct ic_msg m;
	struct ictimesync_ref_data r;
	struct ictimesync_data d;
	struct timespec now;
	uint64_t host;

	CHECK(tg_open_one(&t, &tc, "timesync", offers, 8));
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(choose(&tc, &m, 3, 0, 4, 0), 0);
	/* version 4.0: a SYNC sample with the reference time right away */
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(m.hdr.icmsgtype, ICMSGTYPE_TIMESYNC);
	CHECK_EQ(m.len, sizeof(r));
	memcpy(&r, m.payload, sizeof(r));
	CHECK_EQ(r.flags, ICTIMESYNCFLAG_SYNC);
	clock_gettime(CLOCK_REALTIME, &now);
	host = WLTIMEDELTA + (uint64_t)now.tv_sec * 10000000 + (uint64_t)now.tv_nsec / 100;
	CHECK(r.parenttime <= host && host - r.parenttime < 10000000);
	CHECK(r.vmreferencetime <= hvsim_ref_time(&t.hs));
	/* a sample asked for while one is out goes once it is answered */
	CHECK(tg_ctl_ok(&t, "time sample"));
	CHECK(!next_msg(&tc, &m));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, NULL, 0), 0);
	CHECK(next_msg(&tc, &m));
	memcpy(&r, m.payload, sizeof(r));
	CHECK_EQ(r.flags, ICTIMESYNCFLAG_SAMPLE);
	tg_free(&t);

	CHECK(tg_open_one(&t, &tc, "timesync:versions=1.0", offers, 8));
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(choose(&tc, &m, 3, 0, 1, 0), 0);
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(m.len, sizeof(d));
	CHECK(tg_ctl_ok(&t, "time set 1000000000"));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, NULL, 0), 0);
	CHECK(tg_ctl_ok(&t, "time sync"));
	CHECK(next_msg(&tc, &m));
	memcpy(&d, m.payload, sizeof(d));
	CHECK_EQ(d.flags, ICTIMESYNCFLAG_SYNC);
	/* 2001-09-09T01:46:40Z, give or take the test's run time */
	CHECK(d.parenttime >= WLTIMEDELTA + 10000000000000000ull);
	CHECK(d.parenttime < WLTIMEDELTA + 10000000000000000ull + 100000000);
	CHECK(tg_ctl_ok(&t, "time status"));
	CHECK(tg_out_has("timesync.syncs=2"));
	CHECK(tg_out_has("timesync.offset_s=-"));
	CHECK(!tg_ctl_ok(&t, "time set yesterday"));
	tg_free(&t);
	return true;
}

static bool test_shutdown(void)
{
	struct tg t;
	struct tchan tc;
	struct ic_msg m;
	struct shutdown_msg_data sd;

	CHECK(tg_open_one(&t, &tc, "shutdown", offers, 8));
	CHECK(!tg_ctl_ok(&t, "shutdown"));	/* not negotiated yet */
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(choose(&tc, &m, 3, 0, 3, 2), 0);
	CHECK(!tg_ctl_ok(&t, "shutdown --reboot --hibernate"));
	CHECK(!tg_ctl_ok(&t, "shutdown --now"));
	CHECK(tg_ctl_ok(&t, "shutdown --reboot --force"));
	CHECK(next_msg(&tc, &m));
	CHECK_EQ(m.hdr.icmsgtype, ICMSGTYPE_SHUTDOWN);
	CHECK_EQ(m.len, sizeof(sd));
	memcpy(&sd, m.payload, sizeof(sd));
	CHECK_EQ(sd.flags, IC_SHUTDOWN_FLAG_REBOOT | IC_SHUTDOWN_FLAG_FORCE);
	/* one request at a time */
	CHECK(!tg_ctl_ok(&t, "shutdown"));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, HV_E_FAIL, NULL, 0), 0);
	CHECK(tg_ctl_ok(&t, "shutdown status"));
	CHECK(tg_out_has("shutdown.status=0x80004005"));
	CHECK(tg_ctl_ok(&t, "shutdown --hibernate"));
	CHECK(next_msg(&tc, &m));
	memcpy(&sd, m.payload, sizeof(sd));
	CHECK_EQ(sd.flags, IC_SHUTDOWN_FLAG_HIBERNATE);
	tg_close(&t, offers[0].child_relid);
	CHECK(tg_ctl_ok(&t, "shutdown status"));
	CHECK(tg_out_has("shutdown.state=closed"));
	tg_free(&t);
	return true;
}

/* ---- KVP: GET_IP_INFO and SET_IP_INFO ---- */

/* where a field of struct hv_kvp_ip_msg is, and its size */
#define IPF(f)	offsetof(struct hv_kvp_ip_msg, kvp_ip_val.f)
#define IPS(f)	sizeof(((struct hv_kvp_ipaddr_value *)0)->f)

/* ASCII @s as UTF-16LE with its NUL at byte @off of @msg (not ic.c's code) */
static void u16_put(void *msg, size_t off, const char *s)
{
	uint8_t *f = (uint8_t *)msg + off;
	size_t i = 0;

	do {
		f[2 * i] = (uint8_t)s[i];
		f[2 * i + 1] = 0;
	} while (s[i++]);
}

/* a kvp device whose channel is open and negotiated (KVP 4.0) */
static bool kvp_open(struct tg *t, struct tchan *tc)
{
	struct ic_msg m;

	CHECK(tg_open_one(t, tc, "kvp", offers, 8));
	CHECK(next_msg(tc, &m));
	CHECK_EQ(choose(tc, &m, 3, 0, 4, 0), 0);
	CHECK(tg_ctl_ok(t, "kvp status"));
	CHECK(tg_out_has("kvp.state=ready"));
	return true;
}

/*
 * The next request must be an IP operation: the whole struct
 * hv_kvp_ip_msg, 2 + 7426 bytes after the framing, copied to @req.
 */
static bool next_ip(struct tchan *tc, struct ic_msg *m, struct hv_kvp_ip_msg *req)
{
	CHECK(next_msg(tc, m));
	CHECK_EQ(m->hdr.icmsgtype, ICMSGTYPE_KVPEXCHANGE);
	CHECK_EQ(m->hdr.icflags, ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST);
	CHECK_EQ(m->hdr.icvermsg.major, 4);
	CHECK_EQ(m->len, 7428);
	CHECK_EQ(m->hdr.icmsgsize, 7428);
	CHECK_EQ(m->pipe.msgsize, sizeof(struct icmsg_hdr) + 7428);
	memcpy(req, m->payload, sizeof(*req));
	return true;
}

static bool bad_answers_are(struct tg *t, unsigned int n)
{
	char want[64];

	snprintf(want, sizeof(want), "kvp.bad_answers=%u\n", n);
	CHECK(tg_ctl_ok(t, "kvp status"));
	CHECK(tg_out_has(want));
	return true;
}

/* kvp ip get: the request's bytes; good, malformed and failed answers */
static bool kvp_ip_get(void)
{
	static struct hv_kvp_ip_msg req, want, a;
	struct tg t;
	struct tchan tc;
	struct ic_msg m;

	CHECK(kvp_open(&t, &tc));
	CHECK(tg_ctl_ok(&t, "kvp ip get 00:15:5D:12:34:56"));
	CHECK(next_ip(&tc, &m, &req));
	/* by hand: operation 4, pool 1 (the guest's), then "00:..." */
	CHECK(m.payload[0] == 4 && m.payload[1] == 1);
	CHECK(m.payload[2] == '0' && m.payload[3] == 0 && m.payload[6] == ':');
	/* and all of it: the adapter and nothing else */
	memset(&want, 0, sizeof(want));
	want.operation = KVP_OP_GET_IP_INFO;
	want.pool = KVP_POOL_GUEST;
	u16_put(&want, IPF(adapter_id), "00:15:5D:12:34:56");
	CHECK(!memcmp(&req, &want, sizeof(want)));

	/* the guest answers the request filled in, as hv_utils does */
	a = req;
	a.kvp_ip_val.addr_family = ADDR_FAMILY_IPV4 | ADDR_FAMILY_IPV6;
	u16_put(&a, IPF(ip_addr), "10.0.0.2;fe80::215:5dff:fe12:3456");
	u16_put(&a, IPF(sub_net), "255.255.255.0;/64");
	u16_put(&a, IPF(gate_way), "10.0.0.1;");
	u16_put(&a, IPF(dns_addr), "10.0.0.53;");
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &a, sizeof(a)), 0);
	CHECK(tg_ctl_ok(&t, "kvp results"));
	CHECK(tg_out_has("kvp.result op=ipget status=0x0 adapter=00:15:5D:12:34:56 family=ipv4+ipv6 dhcp=0 addr=10.0.0.2;fe80::215:5dff:fe12:3456 subnet=255.255.255.0;/64 gateway=10.0.0.1; dns=10.0.0.53;\n"));
	CHECK(tg_out_has("kvp.pending=0"));
	CHECK(bad_answers_are(&t, 0));

	/*
	 * Short, of an odd size: counted, shown as far as it goes.  The
	 * ring rounds a packet up to 8 bytes and the guest's icmsgsize is
	 * the request's, so the host sees a shortage of 8 bytes or more.
	 */
	CHECK(tg_ctl_ok(&t, "kvp ip get 00:15:5D:12:34:56"));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &a, sizeof(a) - 9), 0);
	CHECK(bad_answers_are(&t, 1));

	/* an address list without its NUL */
	CHECK(tg_ctl_ok(&t, "kvp ip get 00:15:5D:12:34:56"));
	CHECK(next_ip(&tc, &m, &req));
	memset((uint8_t *)&a + IPF(ip_addr), 'A', IPS(ip_addr));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &a, sizeof(a)), 0);
	CHECK(bad_answers_are(&t, 2));
	CHECK(tg_ctl_ok(&t, "kvp results"));
	CHECK(tg_out_has(" addr=\xe4\x85\x81\xe4\x85\x81"));	/* U+4141 */
	u16_put(&a, IPF(ip_addr), "10.0.0.2");

	/* an unknown family bit, a dhcp_enabled that is not 0/1, another op */
	a.kvp_ip_val.addr_family = 0x84;
	CHECK(tg_ctl_ok(&t, "kvp ip get 00:15:5D:12:34:56"));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &a, sizeof(a)), 0);
	CHECK(bad_answers_are(&t, 3));
	CHECK(tg_ctl_ok(&t, "kvp results"));
	CHECK(tg_out_has(" family=0x84 dhcp=0 addr=10.0.0.2 "));
	a.kvp_ip_val.addr_family = ADDR_FAMILY_IPV4;
	a.kvp_ip_val.dhcp_enabled = 2;
	CHECK(tg_ctl_ok(&t, "kvp ip get 00:15:5D:12:34:56"));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &a, sizeof(a)), 0);
	CHECK(bad_answers_are(&t, 4));
	a.kvp_ip_val.dhcp_enabled = 1;
	a.operation = KVP_OP_SET_IP_INFO;
	CHECK(tg_ctl_ok(&t, "kvp ip get 00:15:5D:12:34:56"));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &a, sizeof(a)), 0);
	CHECK(bad_answers_are(&t, 5));

	/* a failure: nothing to parse, the adapter asked for */
	CHECK(tg_ctl_ok(&t, "kvp ip get 00:15:5d:00:00:99"));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, HV_E_FAIL, NULL, 0), 0);
	CHECK(bad_answers_are(&t, 5));
	CHECK(tg_ctl_ok(&t, "kvp results"));
	CHECK(tg_out_has("kvp.result op=ipget status=0x80004005 adapter=00:15:5d:00:00:99\n"));
	tg_free(&t);
	return true;
}

/* kvp ip set: static and DHCP requests' bytes, statuses, bad commands */
static bool kvp_ip_set(void)
{
	static const char guid[] = "{6bd3a2a1-8f9e-4c7b-9a35-0c5a1e2d3f40}";
	static const char hostile[] = "10.0.0.9;$(touch${IFS}/tmp/pwned)";
	static struct hv_kvp_ip_msg req, want;
	char line[2048];
	struct tg t;
	struct tchan tc;
	struct ic_msg m;

	CHECK(kvp_open(&t, &tc));
	snprintf(line, sizeof(line),
		 "kvp ip set %s 10.0.0.5 255.255.255.0 10.0.0.1 10.0.0.53", guid);
	CHECK(tg_ctl_ok(&t, line));
	CHECK(next_ip(&tc, &m, &req));
	memset(&want, 0, sizeof(want));
	want.operation = KVP_OP_SET_IP_INFO;
	want.pool = KVP_POOL_GUEST;
	want.kvp_ip_val.addr_family = ADDR_FAMILY_IPV4;
	u16_put(&want, IPF(adapter_id), guid);
	u16_put(&want, IPF(ip_addr), "10.0.0.5");
	u16_put(&want, IPF(sub_net), "255.255.255.0");
	u16_put(&want, IPF(gate_way), "10.0.0.1");
	u16_put(&want, IPF(dns_addr), "10.0.0.53");
	CHECK(!memcmp(&req, &want, sizeof(want)));
	/* by hand: family and dhcp_enabled sit after the 256-byte adapter */
	CHECK(m.payload[2 + 256] == ADDR_FAMILY_IPV4 && m.payload[2 + 257] == 0);
	CHECK(m.payload[2 + 258] == '1' && m.payload[2 + 259] == 0);
	/* a second request waits for the first one's answer */
	CHECK(tg_ctl_ok(&t, "kvp ip set 00:15:5D:12:34:56 dhcp"));
	CHECK(!next_msg(&tc, &m));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &req, sizeof(req)), 0);
	CHECK(tg_ctl_ok(&t, "kvp results"));
	snprintf(line, sizeof(line), "kvp.result op=ipset status=0x0 adapter=%s\n", guid);
	CHECK(tg_out_has(line));

	/* DHCP: dhcp_enabled, IPv4, no lists; a short success is bad */
	CHECK(next_ip(&tc, &m, &req));
	memset(&want, 0, sizeof(want));
	want.operation = KVP_OP_SET_IP_INFO;
	want.pool = KVP_POOL_GUEST;
	want.kvp_ip_val.addr_family = ADDR_FAMILY_IPV4;
	want.kvp_ip_val.dhcp_enabled = 1;
	u16_put(&want, IPF(adapter_id), "00:15:5D:12:34:56");
	CHECK(!memcmp(&req, &want, sizeof(want)));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, 0, &req, 100), 0);
	CHECK(bad_answers_are(&t, 1));

	/* both families; "-" is an empty list; a failure status shown */
	CHECK(tg_ctl_ok(&t, "kvp ip set A 10.0.0.5;fd00::5 255.255.255.0;64 - fd00::53"));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(req.kvp_ip_val.addr_family, ADDR_FAMILY_IPV4 | ADDR_FAMILY_IPV6);
	memset(&want, 0, sizeof(want));
	u16_put(&want, IPF(ip_addr), "10.0.0.5;fd00::5");
	u16_put(&want, IPF(sub_net), "255.255.255.0;64");
	CHECK(!memcmp((uint8_t *)&req + IPF(ip_addr), (uint8_t *)&want + IPF(ip_addr),
		      IPS(ip_addr) + IPS(sub_net) + IPS(gate_way)));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, HV_INVALIDARG, &req, sizeof(req)), 0);
	CHECK(tg_ctl_ok(&t, "kvp results"));
	CHECK(tg_out_has("kvp.result op=ipset status=0x80070057 adapter=A\n"));
	CHECK(bad_answers_are(&t, 1));

	/* what the lists say is the guest's to check: sent as given */
	snprintf(line, sizeof(line), "kvp ip set A %s 255.255.255.0 - -", hostile);
	CHECK(tg_ctl_ok(&t, line));
	CHECK(next_ip(&tc, &m, &req));
	memset(&want, 0, sizeof(want));
	u16_put(&want, IPF(ip_addr), hostile);
	CHECK(!memcmp((uint8_t *)&req + IPF(ip_addr), (uint8_t *)&want + IPF(ip_addr),
		      IPS(ip_addr)));
	CHECK_EQ(req.kvp_ip_val.addr_family, ADDR_FAMILY_IPV4);
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, HV_INVALIDARG, NULL, 0), 0);
	CHECK(tg_ctl_ok(&t, "kvp ip set A garbage;x - - -"));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(req.kvp_ip_val.addr_family, ADDR_FAMILY_NONE);
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, HV_INVALIDARG, NULL, 0), 0);

	/* refused, and nothing sent */
	CHECK(!tg_ctl_ok(&t, "kvp ip"));
	CHECK(strstr(tg_out, "kvp ip set ADAPTER ADDRS SUBNETS GATEWAYS DNS"));
	CHECK(!tg_ctl_ok(&t, "kvp ip get"));
	CHECK(!tg_ctl_ok(&t, "kvp ip get A B"));
	CHECK(!tg_ctl_ok(&t, "kvp ip set A 10.0.0.5 255.255.255.0 10.0.0.1"));
	CHECK(!tg_ctl_ok(&t, "kvp ip set A static"));
	CHECK(!tg_ctl_ok(&t, "kvp ip delete A"));
	/* an adapter of 128 characters: 127 and the NUL fill adapter_id */
	snprintf(line, sizeof(line), "kvp ip get %0128d", 0);
	CHECK(!tg_ctl_ok(&t, line));
	snprintf(line, sizeof(line), "kvp ip get %0127d", 0);
	CHECK(tg_ctl_ok(&t, line));
	CHECK(next_ip(&tc, &m, &req));
	CHECK_EQ(answer(&tc, &m, m.tid, RESP, HV_E_FAIL, NULL, 0), 0);
	/* a gateway list of 512 characters: 511 and the NUL fill gate_way */
	snprintf(line, sizeof(line), "kvp ip set A - - %0512d -", 0);
	CHECK(!tg_ctl_ok(&t, line));
	CHECK(!next_msg(&tc, &m));
	CHECK(tg_ctl_ok(&t, "kvp status"));
	CHECK(tg_out_has("kvp.pending=0"));
	tg_free(&t);
	return true;
}

static const struct tap_test tests[] = {
	{ "NEGOTIATE: framing and the offer, old hosts", negotiate_request },
	{ "heartbeat: sequence numbers, bad answers counted", test_heartbeat },
	{ "negotiation refused: not offered, none, short", negotiate_refused },
	{ "timesync: 4.0 and 1.0 samples, queued, host clock", test_timesync },
	{ "shutdown: flags, one at a time, status", test_shutdown },
	{ "kvp ip get: GET_IP_INFO bytes, answers good and malformed", kvp_ip_get },
	{ "kvp ip set: SET_IP_INFO bytes, DHCP, statuses, refusals", kvp_ip_set },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
