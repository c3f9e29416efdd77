// SPDX-License-Identifier: GPL-2.0-only
/*
 * The internal switch: synthetic NICs (of one or several hvsim processes)
 * that name the same directory share an Ethernet segment, as a Hyper-V
 * "internal" virtual switch joins VMs without the outside world.
 *
 * Each NIC binds a Unix datagram socket DIR/<pid>-<n>.sock; one datagram
 * is one Ethernet frame.  Like a learning bridge (IEEE 802.1D section
 * 7.8): the source MAC of every frame received is remembered with the
 * socket it came from; a unicast frame to a known MAC goes to that socket
 * only, everything else (unknown unicast, broadcast, multicast) is flooded
 * to every other *.sock in DIR.  A peer that vanished (ENOENT,
 * ECONNREFUSED) is forgotten; a peer whose queue is full (EAGAIN) costs
 * the frame (tx_drops), never a wait.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"

#define SW_FDB_SIZE	256
#define SW_SOCKBUF	(4 << 20)
#define SW_AGE_NS	(300ull * 1000000000ull)	/* 802.1D default */

struct sw_fdb {
	uint8_t mac[ETH_ALEN_];
	bool used;
	uint64_t seen_ns;
	struct sockaddr_un addr;
	socklen_t alen;
};

struct net_switch {
	struct net_backend b;		/* first: the backend is the switch */
	char dir[96];
	struct sockaddr_un self;
	struct sw_fdb fdb[SW_FDB_SIZE];
	struct sockaddr_un from;	/* of the last datagram read */
	socklen_t from_len;
};

/*
 * Process-wide on purpose, not per switch: the <n> of DIR/<pid>-<n>.sock.
 * Every NIC of this process, of whichever hvsim instance or switch
 * directory, shares the <pid> part, so only a counter common to all of
 * them keeps two NICs from picking the same name.  hvsim is one thread.
 */
static unsigned int sw_counter;

static struct sw_fdb *fdb_find(struct net_switch *s, const uint8_t *mac)
{
	uint64_t now = now_ns();

	for (int i = 0; i < SW_FDB_SIZE; i++) {
		struct sw_fdb *e = &s->fdb[i];

		if (e->used && !memcmp(e->mac, mac, ETH_ALEN_)) {
			if (now - e->seen_ns > SW_AGE_NS) {
				e->used = false;
				return NULL;
			}
			return e;
		}
	}
	return NULL;
}

static void fdb_learn(struct net_switch *s, const uint8_t *mac,
		      const struct sockaddr_un *addr, socklen_t alen)
{
	struct sw_fdb *e = fdb_find(s, mac), *old = NULL;

	/* group addresses are never sources (802.1D 7.8) */
	if (mac[0] & 1)
		return;
	if (!e) {
		for (int i = 0; i < SW_FDB_SIZE && !e; i++) {
			struct sw_fdb *c = &s->fdb[i];

			if (!c->used)
				e = c;
			else if (!old || c->seen_ns < old->seen_ns)
				old = c;
		}
		if (!e)
			e = old;	/* full: replace the stalest */
	}
	memcpy(e->mac, mac, ETH_ALEN_);
	e->used = true;
	e->seen_ns = now_ns();
	e->addr = *addr;
	e->alen = alen;
}

static void fdb_forget_addr(struct net_switch *s, const struct sockaddr_un *a)
{
	for (int i = 0; i < SW_FDB_SIZE; i++)
		if (s->fdb[i].used && !strcmp(s->fdb[i].addr.sun_path, a->sun_path))
			s->fdb[i].used = false;
}

static long sw_read(struct net_backend *b)
{
	struct net_switch *s = (struct net_switch *)b;
	ssize_t n;

	s->from_len = sizeof(s->from);
	n = recvfrom(b->w.fd, b->rxbuf, NET_MAX_FRAME + 1, MSG_TRUNC,
		     (struct sockaddr *)&s->from, &s->from_len);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			b->st.rx_errors++;
		return -1;
	}
	if (n > NET_MAX_FRAME)
		return n;	/* truncated: counted as an error by the caller */
	/* learn only from named peers (a datagram from elsewhere has none) */
	if (n >= ETH_HLEN_ && s->from_len > offsetof(struct sockaddr_un, sun_path) + 1 &&
	    s->from.sun_path[0])
		fdb_learn(s, b->rxbuf + ETH_ALEN_, &s->from, s->from_len);
	return n;
}

static void sw_cb(struct watch *w, uint32_t events)
{
	(void)events;
	net_backend_rx_ready(w->priv, sw_read);
}

/* 0 sent, 1 peer gone, -errno other failure */
static int sw_sendto(struct net_switch *s, const uint8_t *f, uint32_t len,
		     const struct sockaddr_un *a, socklen_t alen)
{
	if (sendto(s->b.w.fd, f, len, MSG_DONTWAIT, (const struct sockaddr *)a,
		   alen) == (ssize_t)len)
		return 0;
	if (errno == ENOENT || errno == ECONNREFUSED || errno == ENOTSOCK)
		return 1;
	return -errno;
}

static int sw_flood(struct net_switch *s, const uint8_t *f, uint32_t len)
{
	DIR *d = opendir(s->dir);
	struct dirent *de;
	int sent = 0, fail = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		size_t nl = strlen(de->d_name);
		int ret;

		if (nl < 6 || strcmp(de->d_name + nl - 5, ".sock"))
			continue;
		if (snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", s->dir,
			     de->d_name) >= (int)sizeof(a.sun_path))
			continue;
		if (!strcmp(a.sun_path, s->self.sun_path))
			continue;
		ret = sw_sendto(s, f, len, &a, sizeof(a));
		if (ret == 0)
			sent++;
		else if (ret < 0)
			fail++;
	}
	closedir(d);
	/* a flood that reached nobody because peers were busy is a drop */
	return !sent && fail ? -EAGAIN : 0;
}

static int sw_send(struct net_backend *b, const uint8_t *f, uint32_t len)
{
	struct net_switch *s = (struct net_switch *)b;
	struct sw_fdb *e;
	int ret;

	if (!(f[0] & 1)) {
		e = fdb_find(s, f);
		if (e) {
			ret = sw_sendto(s, f, len, &e->addr, e->alen);
			if (ret <= 0)
				return ret;
			/* gone: forget it and flood instead */
			fdb_forget_addr(s, &e->addr);
		}
	}
	return sw_flood(s, f, len);
}

static void sw_close(struct net_backend *b)
{
	struct net_switch *s = (struct net_switch *)b;

	unlink(s->self.sun_path);
	if (b->w.fd >= 0)
		close(b->w.fd);
	b->w.fd = -1;
}

static const struct net_backend_ops sw_ops = {
	.send = sw_send,
	.close = sw_close,
};

struct net_backend *net_switch_open(const char *dir, char *err, size_t errlen)
{
	struct net_switch *s;
	struct stat st;
	int fd, sz = SW_SOCKBUF;

	if (!dir[0] || strlen(dir) >= sizeof(s->dir)) {
		snprintf(err, errlen, "switch: directory name too long or empty");
		return NULL;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "switch: mkdir %s: %s", dir, strerror(errno));
		return NULL;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "switch: %s is not a directory", dir);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->b.rxbuf = malloc(NET_MAX_FRAME + 1);
	if (!s || !s->b.rxbuf) {
		if (s)
			free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	s->self.sun_family = AF_UNIX;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "switch: socket: %s", strerror(errno));
		goto fail;
	}
	/* large frames (64 KiB) need more than the default buffers */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	for (int tries = 0;; tries++) {
		if (snprintf(s->self.sun_path, sizeof(s->self.sun_path),
			     "%s/%d-%u.sock", dir, (int)getpid(), sw_counter++) >=
		    (int)sizeof(s->self.sun_path)) {
			snprintf(err, errlen, "switch: path too long");
			goto fail_fd;
		}
		if (bind(fd, (struct sockaddr *)&s->self, sizeof(s->self)) == 0)
			break;
		if (errno != EADDRINUSE || tries > 1000) {
			snprintf(err, errlen, "switch: bind %s: %s",
				 s->self.sun_path, strerror(errno));
			goto fail_fd;
		}
	}
	s->b.ops = &sw_ops;
	s->b.w.fd = fd;
	s->b.w.cb = sw_cb;
	s->b.w.priv = &s->b;
	snprintf(s->b.desc, sizeof(s->b.desc), "switch:%s", dir);
	return &s->b;
fail_fd:
	close(fd);
fail:
	free(s->b.rxbuf);
	free(s);
	return NULL;
}
