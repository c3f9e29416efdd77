// SPDX-License-Identifier: GPL-2.0-only
/*
 * The net backends: the internal switch (three NICs in one directory:
 * flooding of broadcast and unknown unicast, learning, a vanished peer,
 * a stale socket file, a 64 KiB frame) and, when /dev/net/tun can be
 * used here (root in a private network namespace), the TAP backend
 * (create, up, a frame both ways through a packet socket on the TAP,
 * closed and opened again as the same interface).
 * The loop is not run: the tests call the watch callbacks themselves.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "tests/vmbus_guest.h"
#include "devices/net/backend.h"

struct sink {
	int frames, batches;
	uint32_t last_len;
	uint8_t last[NET_MAX_FRAME];
};

static void sink_rx(void *ctx, const uint8_t *f, uint32_t len)
{
	struct sink *s = ctx;

	s->frames++;
	s->last_len = len;
	memcpy(s->last, f, len);
}

static void sink_done(void *ctx)
{
	((struct sink *)ctx)->batches++;
}

static struct sink sinks[3];
static uint8_t fr[NET_MAX_FRAME];

static void poll_rx(struct net_backend *b)
{
	b->w.cb(&b->w, EPOLLIN);
}

static uint32_t mkframe(const uint8_t dst[6], const uint8_t src[6],
			uint32_t len, uint8_t fill)
{
	memcpy(fr, dst, 6);
	memcpy(fr + 6, src, 6);
	fr[12] = 0x88;
	fr[13] = 0xb5;		/* local experimental ethertype */
	memset(fr + 14, fill, len - 14);
	return len;
}

static const uint8_t mac[3][6] = {
	{ 0x00, 0x15, 0x5d, 0, 0, 1 },
	{ 0x00, 0x15, 0x5d, 0, 0, 2 },
	{ 0x00, 0x15, 0x5d, 0, 0, 3 },
};
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static bool t_switch(void)
{
	char dir[] = "/tmp/hvsim-sw-XXXXXX";
	char err[256], path[100];
	struct net_backend *b[3];
	uint32_t len;

	CHECK(mkdtemp(dir));
	for (int i = 0; i < 3; i++) {
		struct net_backend_cb cb = { sink_rx, sink_done, &sinks[i] };

		b[i] = net_switch_open(dir, err, sizeof(err));
		if (!b[i])
			printf("# %s\n", err);
		CHECK(b[i]);
		b[i]->cb = cb;		/* no loop in this test */
		CHECK(!strncmp(b[i]->desc, "switch:", 7));
	}
	/* a stale socket file nobody listens on */
	snprintf(path, sizeof(path), "%s/stale.sock", dir);
	{
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
		CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
		close(fd);
	}
	/* broadcast from 0 reaches 1 and 2, not 0 */
	len = mkframe(bcast, mac[0], 60, 0xa1);
	CHECK_EQ(net_backend_send(b[0], fr, len), 0);
	for (int i = 0; i < 3; i++)
		poll_rx(b[i]);
	CHECK_EQ(sinks[0].frames, 0);
	CHECK_EQ(sinks[1].frames, 1);
	CHECK_EQ(sinks[2].frames, 1);
	CHECK_EQ(sinks[1].batches, 1);
	CHECK(!memcmp(sinks[2].last, fr, len));
	/* 1 answers 0 by unicast: 1 learned mac0 from the broadcast */
	len = mkframe(mac[0], mac[1], 100, 0xb2);
	CHECK_EQ(net_backend_send(b[1], fr, len), 0);
	for (int i = 0; i < 3; i++)
		poll_rx(b[i]);
	CHECK_EQ(sinks[0].frames, 1);
	CHECK_EQ(sinks[2].frames, 1);		/* not flooded */
	/* unknown unicast from 2 floods; a 64 KiB frame */
	len = mkframe(mac[1], mac[2], 65535 + 14, 0xc3);
	CHECK_EQ(net_backend_send(b[2], fr, len), 0);
	for (int i = 0; i < 3; i++)
		poll_rx(b[i]);
	CHECK_EQ(sinks[0].frames, 2);
	CHECK_EQ(sinks[1].frames, 2);
	CHECK_EQ(sinks[1].last_len, 65535 + 14);
	CHECK(!memcmp(sinks[1].last, fr, len));
	/* 0 vanishes; 1 sends to mac0 (known): no error, forgotten */
	net_backend_close(b[0]);
	b[0] = NULL;
	len = mkframe(mac[0], mac[1], 60, 0xd4);
	CHECK_EQ(net_backend_send(b[1], fr, len), 0);
	poll_rx(b[2]);
	CHECK_EQ(sinks[2].frames, 2);		/* flooded instead */
	CHECK_EQ(b[1]->st.tx_frames, 2);
	/* bad sizes */
	CHECK(net_backend_send(b[1], fr, 10) < 0);
	CHECK_EQ(b[1]->st.tx_drops, 1);
	for (int i = 1; i < 3; i++)
		net_backend_close(b[i]);
	unlink(path);
	CHECK_EQ(rmdir(dir), 0);	/* every socket file is gone */
	return true;
}

static bool t_tap(void)
{
	char err[256];
	struct net_backend *b;
	struct net_backend_cb cb = { sink_rx, sink_done, &sinks[0] };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int ps;
	uint32_t len;

	/* a private network namespace, so nothing touches the host */
	if (unshare(CLONE_NEWNET) < 0) {
		printf("# skip: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return true;
	}
	b = net_tap_open("hvsimtap0", err, sizeof(err));
	if (!b) {
		printf("# skip: %s\n", err);
		return true;
	}
	b->cb = cb;
	memset(&sinks[0], 0, sizeof(sinks[0]));
	CHECK(!strcmp(b->desc, "tap:hvsimtap0"));
	CHECK(if_nametoindex("hvsimtap0") > 0);
	/*
	 * a second open attaches to the same interface? no: a non-multiqueue
	 * TAP has one queue; the busy error must come back as a message
	 */
	{
		struct net_backend *b2 = net_tap_open("hvsimtap0", err,
						      sizeof(err));

		CHECK(!b2);
		CHECK(strstr(err, "TUNSETIFF"));
	}
	ps = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	CHECK(ps >= 0);
	sll.sll_ifindex = (int)if_nametoindex("hvsimtap0");
	sll.sll_protocol = htons(ETH_P_ALL);
	CHECK(bind(ps, (struct sockaddr *)&sll, sizeof(sll)) == 0);
	/* host -> TAP backend ("wire -> guest") */
	len = mkframe(bcast, mac[2], 200, 0x5a);
	CHECK_EQ(send(ps, fr, len, 0), (ssize_t)len);
	for (int i = 0; i < 100 && !sinks[0].frames; i++) {
		poll_rx(b);
		usleep(1000);
	}
	CHECK(sinks[0].frames >= 1);
	/* backend -> host: the packet socket sees it */
	len = mkframe(mac[2], mac[1], 300, 0x6b);
	CHECK_EQ(net_backend_send(b, fr, len), 0);
	{
		static uint8_t got[2048];
		bool seen = false;

		for (int i = 0; i < 20 && !seen; i++) {
			ssize_t n = recv(ps, got, sizeof(got), MSG_DONTWAIT);

			if (n == (ssize_t)len && !memcmp(got, fr, len))
				seen = true;
			else if (n < 0)
				usleep(1000);
		}
		CHECK(seen);
	}
	close(ps);
	/*
	 * closed and opened again (a NIC rescinded and offered again): the
	 * same interface, its addresses kept
	 */
	{
		unsigned int idx = if_nametoindex("hvsimtap0");

		net_backend_close(b);
		CHECK_EQ(if_nametoindex("hvsimtap0"), idx);
		b = net_tap_open("hvsimtap0", err, sizeof(err));
		CHECK(b);
		CHECK_EQ(if_nametoindex("hvsimtap0"), idx);
	}
	net_backend_close(b);
	return true;
}

int main(void)
{
	static const struct tap_test tests[] = {
		{ "internal switch: flood, learn, vanish, 64 KiB", t_switch },
		{ "TAP backend (skipped without CAP_NET_ADMIN)", t_tap },
	};

	return tap_run(tests, ARRAY_SIZE(tests));
}
