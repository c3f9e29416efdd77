// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Dynamic Memory host through the fake guest (vmbus_guest.h): the
 * plain offer, Linux's version walk (2.0, 1.0, 0.3) against hosts of
 * each version, the capability handshake, status reports shown by
 * "memory status", and malformed or out-of-order messages dropped,
 * unanswered and counted.  The messages are built here from the layouts
 * in hvlis/dm.h as hv_balloon.c sends them.
 */
#include <hvlis/dm.h>

#include "tests/vmbus_guest.h"

static struct vmbus_channel_offer_channel offers[8];
static uint8_t buf[8192];
static uint32_t tid;

/* send a DM message of @len bytes whose header says @type and @size */
static int send_msg(struct tchan *tc, void *msg, uint16_t type, uint16_t size,
		    uint32_t len)
{
	struct dm_header *h = msg;

	h->type = type;
	h->size = size;
	h->trans_id = ++tid;
	return tchan_inband(tc, 0, msg, len);
}

/* the next host message: its header and up to @cap bytes in @out */
static bool next_msg(struct tchan *tc, void *out, uint32_t cap,
		     uint64_t *pkt_tid)
{
	struct vmpacket_descriptor d;
	uint32_t len, off;

	if (tring_read(&tc->in, buf, sizeof(buf), &len))
		return false;
	memcpy(&d, buf, sizeof(d));
	off = d.offset8 * 8u;
	if (d.type != VM_PKT_DATA_INBAND || len < off + sizeof(struct dm_header))
		return false;
	memset(out, 0, cap);
	memcpy(out, buf + off, len - off < cap ? len - off : cap);
	*pkt_tid = d.trans_id;
	return true;
}

/* VERSION_REQUEST @v; 1 accepted, 0 refused, -1 no (good) answer */
static int propose(struct tchan *tc, uint32_t v, bool last)
{
	struct dm_version_request req = {
		.version = v,
		.flags = last ? DM_VERSION_LAST_ATTEMPT : 0,
	};
	struct dm_version_response resp;
	uint64_t ptid;

	if (send_msg(tc, &req, DM_VERSION_REQUEST, sizeof(req), sizeof(req)))
		return -1;
	if (!next_msg(tc, &resp, sizeof(resp), &ptid) ||
	    resp.hdr.type != DM_VERSION_RESPONSE ||
	    resp.hdr.size != sizeof(resp) || resp.hdr.trans_id != tid ||
	    ptid != tid)
		return -1;
	return resp.flags & DM_ACCEPTED ? 1 : 0;
}

/* Linux's walk (balloon_connect_vsp, version_resp): the version agreed */
static uint32_t walk(struct tchan *tc)
{
	static const uint32_t order[] = {
		DM_VERSION_WIN10, DM_VERSION_WIN8, DM_VERSION_WIN7,
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		int r = propose(tc, order[i], i == ARRAY_SIZE(order) - 1);

		if (r < 0)
			return 0;
		if (r)
			return order[i];
	}
	return 0;
}

static bool caps(struct tchan *tc, uint64_t c)
{
	struct dm_capabilities req = {
		.caps = c, .min_page_cnt = 0, .max_page_number = ~0ULL,
	};
	struct dm_capabilities_resp resp;
	uint64_t ptid;

	CHECK_EQ(send_msg(tc, &req, DM_CAPABILITIES_REPORT, sizeof(req),
			  sizeof(req)), 0);
	CHECK(next_msg(tc, &resp, sizeof(resp), &ptid));
	CHECK_EQ(resp.hdr.type, DM_CAPABILITIES_RESPONSE);
	CHECK_EQ(resp.hdr.trans_id, tid);
	CHECK_EQ(resp.flags & DM_ACCEPTED, DM_ACCEPTED);
	return true;
}

static bool handshake(void)
{
	static const struct {
		const char *spec;
		uint32_t want;
		const char *line;
	} hosts[] = {
		{ "balloon", DM_VERSION_WIN10, "memory.version=2.0" },
		{ "balloon:version=1.0", DM_VERSION_WIN8, "memory.version=1.0" },
		{ "balloon:version=0.3", DM_VERSION_WIN7, "memory.version=0.3" },
	};
	struct tg t;
	struct tchan tc;

	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++) {
		CHECK(tg_open_one(&t, &tc, hosts[i].spec, offers, 8));
		/* a plain device offer, as openvmm makes for non-ICs */
		CHECK_EQ(offers[0].offer.chn_flags, 0);
		CHECK(tg_ctl_ok(&t, "memory status"));
		CHECK(tg_out_has("memory.state=version"));
		CHECK_EQ(walk(&tc), hosts[i].want);
		CHECK(tg_ctl_ok(&t, "memory status"));
		CHECK(tg_out_has("memory.state=caps"));
		CHECK(tg_out_has(hosts[i].line));
		/* Linux's report: balloon, hot-add, 128 MiB alignment */
		CHECK(caps(&tc, DM_CAP_BALLOON | DM_CAP_HOT_ADD |
			   7ULL << DM_CAP_ALIGN_SHIFT));
		CHECK(tg_ctl_ok(&t, "memory status"));
		CHECK(tg_out_has("memory.state=ready"));
		CHECK(tg_out_has("memory.caps=balloon hot_add"));
		CHECK(tg_out_has("memory.hot_add_align_mb=128"));
		tg_free(&t);
	}

	/* unknown versions are refused, also below the host's newest */
	CHECK(tg_open_one(&t, &tc, "balloon", offers, 8));
	CHECK_EQ(propose(&tc, DM_VERSION(3, 0), false), 0);
	CHECK_EQ(propose(&tc, DM_VERSION(0, 2), false), 0);
	CHECK_EQ(propose(&tc, DM_VERSION(1, 0), true), 1);
	CHECK(tg_ctl_ok(&t, "memory status"));
	CHECK(tg_out_has("memory.versions_refused=2"));
	tg_free(&t);

	tg_init(&t, 2);
	CHECK(!tg_add(&t, "balloon:version=1.5"));
	CHECK(!tg_add(&t, "balloon:version=4.0"));
	tg_free(&t);
	return true;
}

static bool status_reports(void)
{
	struct dm_status st = {
		.num_avail = 100000, .num_committed = 54321,
	};
	struct tg t;
	struct tchan tc;

	CHECK(tg_open_one(&t, &tc, "balloon", offers, 8));
	CHECK_EQ(walk(&tc), DM_VERSION_WIN10);
	CHECK(caps(&tc, DM_CAP_BALLOON));
	CHECK(tg_ctl_ok(&t, "memory status"));
	CHECK(tg_out_has("memory.reports=0"));
	CHECK(tg_out_has("memory.last_report_ms=-1"));
	CHECK_EQ(send_msg(&tc, &st, DM_STATUS_REPORT, sizeof(st), sizeof(st)), 0);
	st.num_committed = 60000;
	CHECK_EQ(send_msg(&tc, &st, DM_STATUS_REPORT, sizeof(st), sizeof(st)), 0);
	CHECK(tg_ctl_ok(&t, "memory status"));
	CHECK(tg_out_has("memory.reports=2"));
	CHECK(tg_out_has("memory.avail_pages=100000"));
	CHECK(tg_out_has("memory.committed_pages=60000"));
	CHECK(tg_out_has("memory.bad=0"));
	CHECK(!strstr(tg_out, "memory.last_report_ms=-1"));
	tg_free(&t);
	return true;
}

/* nothing bad gets an answer or changes anything; each is counted */
static bool malformed(void)
{
	uint8_t raw[64] = { 0 };
	struct dm_status st = { .num_committed = 7 };
	struct dm_version_request req = { .version = DM_VERSION_WIN10 };
	struct dm_header h;
	uint64_t ptid;
	struct tg t;
	struct tchan tc;

	CHECK(tg_open_one(&t, &tc, "balloon", offers, 8));
	/* a status report before the handshake */
	CHECK_EQ(send_msg(&tc, &st, DM_STATUS_REPORT, sizeof(st), sizeof(st)), 0);
	/* a version request whose header claims less than the message */
	CHECK_EQ(send_msg(&tc, &req, DM_VERSION_REQUEST, 12, sizeof(req)), 0);
	/* ... or more than the packet holds */
	CHECK_EQ(send_msg(&tc, &req, DM_VERSION_REQUEST, 200, sizeof(req)), 0);
	/* host-to-guest types, an unknown one, DM_ERROR */
	CHECK_EQ(send_msg(&tc, raw, DM_BALLOON_REQUEST, 16, 16), 0);
	CHECK_EQ(send_msg(&tc, raw, 77, 16, 16), 0);
	CHECK_EQ(send_msg(&tc, raw, DM_ERROR, 8, 8), 0);
	/* shorter than a header */
	CHECK_EQ(tchan_inband(&tc, 0, raw, 4), 0);
	CHECK(!next_msg(&tc, &h, sizeof(h), &ptid));
	CHECK(tg_ctl_ok(&t, "memory status"));
	CHECK(tg_out_has("memory.state=version"));
	CHECK(tg_out_has("memory.bad=7"));
	CHECK(tg_out_has("memory.reports=0"));
	/* still answers a good one; capabilities twice: the second dropped */
	CHECK_EQ(walk(&tc), DM_VERSION_WIN10);
	CHECK(caps(&tc, 0));
	CHECK_EQ(send_msg(&tc, raw, DM_CAPABILITIES_REPORT, 32, 32), 0);
	CHECK_EQ(propose(&tc, DM_VERSION_WIN10, false), -1);
	CHECK(tg_ctl_ok(&t, "memory status"));
	CHECK(tg_out_has("memory.bad=9"));
	CHECK(tg_out_has("memory.caps=\n"));
	CHECK(!tg_ctl_ok(&t, "memory"));
	CHECK(!tg_ctl_ok(&t, "memory status 99"));
	tg_free(&t);
	return true;
}

/* a guest at DMS_READY with the balloon capability */
static bool ready(struct tg *t, struct tchan *tc)
{
	CHECK(tg_open_one(t, tc, "balloon", offers, 8));
	CHECK_EQ(walk(tc), DM_VERSION_WIN10);
	CHECK(caps(tc, DM_CAP_BALLOON | DM_CAP_HOT_ADD));
	return true;
}

/* send a balloon response with @n ranges, DM_MORE_PAGES if @more */
static int respond(struct tchan *tc, const uint64_t *ranges, uint32_t n,
		   bool more, uint16_t size_delta)
{
	static union {
		struct dm_balloon_response r;
		uint8_t raw[4096];
	} m;
	uint16_t size = sizeof(m.r) + n * 8;

	memset(&m, 0, sizeof(m));
	m.r.flags = n << DM_BALLOON_COUNT_SHIFT | (more ? DM_MORE_PAGES : 0);
	memcpy(m.r.range_array, ranges, n * 8);
	return send_msg(tc, &m, DM_BALLOON_RESPONSE, size + size_delta, size);
}

static bool host_value(struct tg *t, const char *key, unsigned long long want)
{
	char line[128];

	CHECK(tg_ctl_ok(t, "memory status"));
	snprintf(line, sizeof(line), "%s=%llu\n", key, want);
	if (!tg_out_has(line)) {
		fprintf(stderr, "want %s in:\n%s", line, tg_out);
		return false;
	}
	return true;
}

/*
 * memory balloon: the request, ranges checked one by one (inside RAM,
 * not given twice, not more than asked), DM_MORE_PAGES, the count in
 * memory status; memory unballoon all: the host's ranges are the ones it
 * took, lowest first, merged where they touch.
 */
static bool balloon_and_back(void)
{
	union {
		struct dm_balloon req;
		struct dm_unballoon_request ureq;
		uint8_t raw[4096];
	} m;
	uint64_t r[4], ptid;
	struct tg t;
	struct tchan tc;

	CHECK(ready(&t, &tc));
	CHECK(!tg_ctl_ok(&t, "memory unballoon all"));	/* nothing given */
	CHECK(!tg_ctl_ok(&t, "memory balloon 0"));
	CHECK(!tg_ctl_ok(&t, "memory balloon all"));
	CHECK(tg_ctl_ok(&t, "memory balloon 1"));	/* 256 pages */
	CHECK(next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	CHECK_EQ(m.req.hdr.type, DM_BALLOON_REQUEST);
	CHECK_EQ(m.req.hdr.size, sizeof(m.req));
	CHECK_EQ(m.req.num_pages, 256);
	CHECK(!tg_ctl_ok(&t, "memory balloon 1"));	/* one at a time */
	CHECK(host_value(&t, "memory.transaction=balloon\nmemory.ballooned_pages", 0));

	/* good: 128 pages at 16 MiB, then 64 at 32 MiB (more to come) */
	r[0] = DM_RANGE(0x1000, 128);
	r[1] = DM_RANGE(0x2000, 64);
	CHECK_EQ(respond(&tc, r, 2, true, 0), 0);
	CHECK(host_value(&t, "memory.ballooned_pages", 192));
	/* bad: the same pages again, outside RAM, more than is left */
	r[0] = DM_RANGE(0x1040, 1);
	r[1] = DM_RANGE(0x4000, 1);		/* 64 MiB: the end of RAM */
	r[2] = DM_RANGE(0x3000, 65);
	r[3] = DM_RANGE(0x3000, 0);
	CHECK_EQ(respond(&tc, r, 4, true, 0), 0);
	CHECK(host_value(&t, "memory.ranges_bad", 4));
	/* a count that does not match the size: the message is dropped */
	r[0] = DM_RANGE(0x3000, 8);
	CHECK_EQ(respond(&tc, r, 1, true, 8), 0);
	CHECK(host_value(&t, "memory.bad", 1));
	/* the last: 64 pages right after the first range */
	r[0] = DM_RANGE(0x1080, 64);
	CHECK_EQ(respond(&tc, r, 1, false, 0), 0);
	CHECK(host_value(&t, "memory.transaction=none\nmemory.ballooned_pages", 256));
	CHECK(host_value(&t, "memory.last_received_pages", 256));
	/* a response nobody asked for */
	CHECK_EQ(respond(&tc, r, 0, false, 0), 0);
	CHECK(host_value(&t, "memory.bad", 2));

	/* everything back: one message, two runs (0x1000+192, 0x2000+64) */
	CHECK(tg_ctl_ok(&t, "memory unballoon all"));
	CHECK(next_msg(&tc, m.raw, sizeof(m.ureq) + 16, &ptid));
	CHECK_EQ(m.ureq.hdr.type, DM_UNBALLOON_REQUEST);
	CHECK_EQ(m.ureq.hdr.size, sizeof(m.ureq) + 16);
	CHECK_EQ(m.ureq.flags, 0);
	CHECK_EQ(m.ureq.range_count, 2);
	CHECK_EQ(m.ureq.range_array[0], DM_RANGE(0x1000, 192));
	CHECK_EQ(m.ureq.range_array[1], DM_RANGE(0x2000, 64));
	CHECK(host_value(&t, "memory.transaction=unballoon\nmemory.ballooned_pages", 0));
	CHECK_EQ(send_msg(&tc, m.raw, DM_UNBALLOON_RESPONSE, 8, 8), 0);
	CHECK(host_value(&t, "memory.transaction=none\nmemory.ballooned_pages", 0));
	CHECK(host_value(&t, "memory.pages_returned", 256));
	/* a second response: bad */
	CHECK_EQ(send_msg(&tc, m.raw, DM_UNBALLOON_RESPONSE, 8, 8), 0);
	CHECK(host_value(&t, "memory.bad", 3));
	tg_free(&t);
	return true;
}

/* more than 510 runs: several unballoon messages, DM_MORE_PAGES on all but the last */
static bool unballoon_many(void)
{
	union {
		struct dm_balloon req;
		struct dm_unballoon_request ureq;
		uint8_t raw[4096];
	} m;
	static uint64_t r[600];
	uint64_t ptid, pages = 0;
	uint32_t i, msgs = 0;
	struct tg t;
	struct tchan tc;

	CHECK(ready(&t, &tc));
	CHECK(tg_ctl_ok(&t, "memory balloon 4"));	/* 1024 pages */
	CHECK(next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	/* 600 single pages, every other one: 600 runs */
	for (i = 0; i < 600; i++)
		r[i] = DM_RANGE(0x1000 + 2 * i, 1);
	CHECK_EQ(respond(&tc, r, 500, true, 0), 0);
	CHECK_EQ(respond(&tc, r + 500, 100, false, 0), 0);
	CHECK(host_value(&t, "memory.ballooned_pages", 600));
	/* all back: 510 ranges, then 90 */
	CHECK(tg_ctl_ok(&t, "memory unballoon all"));
	while (next_msg(&tc, m.raw, sizeof(m.raw), &ptid)) {
		CHECK_EQ(m.ureq.hdr.type, DM_UNBALLOON_REQUEST);
		CHECK_EQ(m.ureq.range_count, msgs ? 90 : 510);
		CHECK_EQ(m.ureq.hdr.size, sizeof(m.ureq) + m.ureq.range_count * 8);
		pages += m.ureq.range_count;
		msgs++;
		if (!(m.ureq.flags & DM_MORE_PAGES))
			break;
	}
	CHECK_EQ(msgs, 2);
	CHECK_EQ(pages, 600);
	/* the transaction ends with the guest's response to the last */
	CHECK(host_value(&t, "memory.transaction=unballoon\nmemory.ballooned_pages", 0));
	CHECK_EQ(send_msg(&tc, m.raw, DM_UNBALLOON_RESPONSE, 8, 8), 0);
	CHECK(host_value(&t, "memory.transaction=none\nmemory.ballooned_pages", 0));
	tg_free(&t);
	return true;
}

static int report(struct tchan *tc, uint64_t committed);

/*
 * An unballoon larger than the guest's ring holds (3000 single pages: six
 * messages of up to 510 ranges, two fit the 12 KiB ring): the host stops
 * when the ring is full and goes on when the guest has read and signals
 * (here with a status report), never dropping or repeating a range.
 */
static bool unballoon_ring_full(void)
{
	union {
		struct dm_balloon req;
		struct dm_unballoon_request ureq;
		uint8_t raw[4096];
	} m;
	static uint64_t r[3000];
	uint64_t ptid, pages = 0, next = 0x1000;
	uint32_t i, msgs = 0, batch;
	bool more = true;
	struct tg t;
	struct tchan tc;

	CHECK(ready(&t, &tc));
	CHECK(tg_ctl_ok(&t, "memory balloon 12"));	/* 3072 pages */
	CHECK(next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	for (i = 0; i < 3000; i++)
		r[i] = DM_RANGE(0x1000 + 2 * i, 1);
	for (i = 0; i < 3000; i += 500)
		CHECK_EQ(respond(&tc, r + i, 500, i + 500 < 3000, 0), 0);
	CHECK(host_value(&t, "memory.transaction=none\nmemory.ballooned_pages", 3000));
	CHECK(tg_ctl_ok(&t, "memory unballoon all"));
	while (more) {
		batch = 0;
		while (more && next_msg(&tc, m.raw, sizeof(m.raw), &ptid)) {
			CHECK_EQ(m.ureq.hdr.type, DM_UNBALLOON_REQUEST);
			CHECK(m.ureq.range_count <= 510);
			/* the ranges in order, each page once */
			for (i = 0; i < m.ureq.range_count; i++, next += 2)
				CHECK_EQ(m.ureq.range_array[i], DM_RANGE(next, 1));
			pages += m.ureq.range_count;
			more = m.ureq.flags & DM_MORE_PAGES;
			batch++;
			msgs++;
		}
		/* a full ring holds two; then the host waits for room */
		CHECK(batch >= 1 && batch <= 2);
		CHECK(host_value(&t, "memory.transaction=unballoon\nmemory.ballooned_pages",
				 3000 - pages));
		if (more)
			CHECK_EQ(report(&tc, 5120), 0);
	}
	CHECK_EQ(msgs, 6);
	CHECK_EQ(pages, 3000);
	CHECK_EQ(send_msg(&tc, m.raw, DM_UNBALLOON_RESPONSE, 8, 8), 0);
	CHECK(host_value(&t, "memory.transaction=none\nmemory.ballooned_pages", 0));
	tg_free(&t);
	return true;
}

static int report(struct tchan *tc, uint64_t committed)
{
	struct dm_status st = { .num_avail = 1000, .num_committed = committed };

	return send_msg(tc, &st, DM_STATUS_REPORT, sizeof(st), sizeof(st));
}

/*
 * The policy (64 MiB guest, buffer 20%): demand is num_committed less
 * what the host holds; the host balloons the excess over demand + 20%,
 * gives back what demand needs, not below min, ignores small changes.
 */
static bool policy(void)
{
	union {
		struct dm_balloon req;
		struct dm_unballoon_request ureq;
		uint8_t raw[4096];
	} m;
	uint64_t r, ptid, pages = 0;
	struct tg t;
	struct tchan tc;

	CHECK(ready(&t, &tc));
	CHECK(host_value(&t, "memory.startup_mb", 64));
	CHECK(host_value(&t, "memory.buffer_pct", 20));
	/* off: a report changes nothing */
	CHECK_EQ(report(&tc, 5120), 0);
	CHECK(!next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	CHECK(tg_ctl_ok(&t, "memory dynamic on"));
	CHECK(!tg_ctl_ok(&t, "memory dynamic maybe"));
	CHECK(!tg_ctl_ok(&t, "memory min 65"));
	CHECK(!tg_ctl_ok(&t, "memory buffer 2001"));
	CHECK(tg_ctl_ok(&t, "memory min 8"));
	/* demand 20 MiB: target 24 MiB, so 40 of the 64 go */
	CHECK_EQ(report(&tc, 5120), 0);
	CHECK(next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	CHECK_EQ(m.req.hdr.type, DM_BALLOON_REQUEST);
	CHECK_EQ(m.req.num_pages, 10240);
	CHECK(host_value(&t, "memory.target_mb", 24));
	/* a sample a report: the second says committed 20, target 24 */
	CHECK(tg_ctl_ok(&t, "memory history"));
	CHECK(tg_out_has("committed_mb=20 target_mb=24 guest_mb=64 ballooned_mb=0 hot_added_mb=0"));
	/* no second request while this one runs */
	CHECK_EQ(report(&tc, 5120), 0);
	CHECK(!next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	r = DM_RANGE(0x1000, 10240);
	CHECK_EQ(respond(&tc, &r, 1, false, 0), 0);
	CHECK(host_value(&t, "memory.policy_balloons", 1));
	/* the guest counts its balloon as committed: demand unchanged */
	CHECK_EQ(report(&tc, 5120 + 10240), 0);
	CHECK(!next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	/* 2 MiB more demand: inside the 16 MiB slack */
	CHECK_EQ(report(&tc, 5632 + 10240), 0);
	CHECK(!next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	/* demand 40 MiB: target 48, 24 MiB back */
	CHECK_EQ(report(&tc, 10240 + 10240), 0);
	while (next_msg(&tc, m.raw, sizeof(m.raw), &ptid)) {
		CHECK_EQ(m.ureq.hdr.type, DM_UNBALLOON_REQUEST);
		for (uint32_t i = 0; i < m.ureq.range_count; i++)
			pages += DM_RANGE_COUNT(m.ureq.range_array[i]);
		if (!(m.ureq.flags & DM_MORE_PAGES))
			break;
	}
	CHECK_EQ(pages, 6144);
	CHECK_EQ(send_msg(&tc, m.raw, DM_UNBALLOON_RESPONSE, 8, 8), 0);
	CHECK(host_value(&t, "memory.ballooned_pages", 4096));
	CHECK(host_value(&t, "memory.policy_unballoons", 1));
	/* startup 48 MiB, demand 80: all back, then hot-add */
	CHECK(tg_ctl_ok(&t, "memory startup 48"));
	CHECK_EQ(report(&tc, 20480 + 4096), 0);
	CHECK(next_msg(&tc, m.raw, sizeof(m.raw), &ptid));
	CHECK_EQ(m.ureq.range_count, 1);
	CHECK_EQ(DM_RANGE_COUNT(m.ureq.range_array[0]), 4096);
	/* 1 MiB short: the region ends below the RAM's last page (firmware) */
	CHECK(host_value(&t, "memory.short_mb", 1));
	CHECK_EQ(send_msg(&tc, m.raw, DM_UNBALLOON_RESPONSE, 8, 8), 0);
	/* the rest by hot-add: 15 MiB above startup, the region [48, 63) */
	CHECK_EQ(report(&tc, 20480), 0);
	CHECK(next_msg(&tc, m.raw, sizeof(struct dm_hot_add), &ptid));
	{
		struct dm_hot_add ha;
		struct dm_hot_add_response har = { .page_count = 3840, .result = 1 };

		memcpy(&ha, m.raw, sizeof(ha));
		CHECK_EQ(ha.hdr.type, DM_MEM_HOT_ADD_REQUEST);
		CHECK_EQ(ha.hdr.size, sizeof(ha));
		CHECK_EQ(ha.range, DM_RANGE(12288, 3840));
		CHECK_EQ(ha.region, DM_RANGE(12288, 3840));
		CHECK(host_value(&t, "memory.policy_hot_adds", 1));
		CHECK_EQ(send_msg(&tc, &har, DM_MEM_HOT_ADD_RESPONSE, sizeof(har),
				  sizeof(har)), 0);
		CHECK(host_value(&t, "memory.hot_added_mb", 15));
		CHECK(host_value(&t, "memory.hot_add_room_mb", 0));
		/* nothing left to add, nothing asked: an answer is bad */
		CHECK(!tg_ctl_ok(&t, "memory hotadd 1"));
		CHECK_EQ(send_msg(&tc, &har, DM_MEM_HOT_ADD_RESPONSE, sizeof(har),
				  sizeof(har)), 0);
		CHECK(host_value(&t, "memory.bad", 1));
	}
	/* idle again with min 60 of 64: only 4 MiB may go, under the slack */
	CHECK(tg_ctl_ok(&t, "memory min 60"));
	CHECK_EQ(report(&tc, 1024), 0);
	CHECK(!next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	CHECK(host_value(&t, "memory.target_mb", 60));
	CHECK(tg_ctl_ok(&t, "memory min 0"));
	CHECK(tg_ctl_ok(&t, "memory buffer 0"));
	CHECK_EQ(report(&tc, 1024), 0);
	CHECK(next_msg(&tc, &m.req, sizeof(m.req), &ptid));
	CHECK_EQ(m.req.num_pages, 15104);	/* 48 + 15 - 4 MiB: one step */
	tg_free(&t);

	/* the options */
	tg_init(&t, 2);
	CHECK(tg_add(&t, "balloon:dynamic=1,startup=48,min=16,max=64,buffer=50"));
	CHECK(!tg_add(&t, "balloon:max=65"));
	CHECK(!tg_add(&t, "balloon:buffer=2001"));
	tg_free(&t);
	return true;
}

/* memory hotadd: the range after what was added, the region, lies capped */
static bool hot_add(void)
{
	struct dm_hot_add ha;
	struct dm_hot_add_response har = { 0 };
	uint64_t ptid;
	struct tg t;
	struct tchan tc;

	CHECK(tg_open_one(&t, &tc, "balloon:startup=32", offers, 8));
	CHECK_EQ(walk(&tc), DM_VERSION_WIN10);
	CHECK(!tg_ctl_ok(&t, "memory hotadd 8"));	/* no capabilities yet */
	CHECK(caps(&tc, DM_CAP_BALLOON | DM_CAP_HOT_ADD));
	/* [32, 63): the last MiB under the end of RAM is the firmware's */
	CHECK(host_value(&t, "memory.hot_add_room_mb", 31));
	CHECK(tg_ctl_ok(&t, "memory hotadd 8"));
	CHECK(next_msg(&tc, &ha, sizeof(ha), &ptid));
	CHECK_EQ(ha.range, DM_RANGE(8192, 2048));
	CHECK_EQ(ha.region, DM_RANGE(8192, 7936));
	CHECK(!tg_ctl_ok(&t, "memory balloon 1"));	/* one at a time */
	/* more than offered: counted, capped */
	har.page_count = 4096;
	har.result = 1;
	CHECK_EQ(send_msg(&tc, &har, DM_MEM_HOT_ADD_RESPONSE, sizeof(har), sizeof(har)), 0);
	CHECK(host_value(&t, "memory.bad", 1));
	CHECK(host_value(&t, "memory.hot_added_mb", 8));
	/* asks beyond the room are capped to it: 23 MiB */
	CHECK(tg_ctl_ok(&t, "memory hotadd 100"));
	CHECK(next_msg(&tc, &ha, sizeof(ha), &ptid));
	CHECK_EQ(ha.range, DM_RANGE(10240, 5888));
	/* nothing added, do not retry: the policy stops asking */
	har.page_count = 0;
	CHECK_EQ(send_msg(&tc, &har, DM_MEM_HOT_ADD_RESPONSE, sizeof(har), sizeof(har)), 0);
	CHECK(host_value(&t, "memory.hot_add_failed", 1));
	CHECK(tg_out_has("memory.hot_add_refused=yes"));
	CHECK(tg_ctl_ok(&t, "memory dynamic on"));
	CHECK_EQ(report(&tc, 16384), 0);
	CHECK(!next_msg(&tc, &ha, sizeof(ha), &ptid));
	CHECK(host_value(&t, "memory.short_mb", 1));
	tg_free(&t);
	return true;
}

static const struct tap_test tests[] = {
	{ "DM: plain offer, Linux's version walk on 2.0/1.0/0.3 hosts, caps", handshake },
	{ "DM: status reports shown by memory status", status_reports },
	{ "DM: malformed and out-of-state messages dropped and counted", malformed },
	{ "DM: balloon request, ranges checked, unballoon of what was taken", balloon_and_back },
	{ "DM: unballoon in messages of at most 510 ranges", unballoon_many },
	{ "DM: an unballoon larger than the ring waits for room", unballoon_ring_full },
	{ "DM: the policy balloons to demand + buffer, gives back, min and slack", policy },
	{ "DM: hot-add above startup, answers checked and capped", hot_add },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
