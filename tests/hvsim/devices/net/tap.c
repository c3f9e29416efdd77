// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TAP backend and the code every backend shares (net_backend.h).
 *
 * A TAP device is opened as Documentation/networking/tuntap.rst describes:
 * open /dev/net/tun, TUNSETIFF with IFF_TAP | IFF_NO_PI (whole Ethernet
 * frames, no packet-info prefix).  That creates the interface if it does
 * not exist and attaches to it if it does (a persistent one made by
 * `ip tuntap add`).  hvsim sets IFF_UP (SIOCSIFFLAGS); addresses and MTU
 * are the harness's business.  One read() returns one frame, one write()
 * sends one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"

/* ---- shared ---- */

void net_backend_rx_ready(struct net_backend *b,
			  long (*read_one)(struct net_backend *b))
{
	int n;

	for (n = 0; n < NET_BACKEND_BATCH && !b->rx_paused; n++) {
		long len = read_one(b);

		if (len < 0)
			break;		/* EAGAIN or an error (counted) */
		if (len < ETH_HLEN_ || len > NET_MAX_FRAME) {
			b->st.rx_errors++;
			continue;
		}
		b->st.rx_frames++;
		b->st.rx_bytes += (uint64_t)len;
		if (b->cb.rx)
			b->cb.rx(b->cb.ctx, b->rxbuf, (uint32_t)len);
	}
	if (n && b->cb.rx_done)
		b->cb.rx_done(b->cb.ctx);
}

int net_backend_start(struct net_backend *b, const struct net_backend_cb *cb)
{
	b->cb = *cb;
	b->rx_paused = false;
	if (loop_add(&b->w, EPOLLIN))
		return -1;
	b->in_loop = true;
	return 0;
}

int net_backend_send(struct net_backend *b, const uint8_t *frame, uint32_t len)
{
	int ret;

	if (len < ETH_HLEN_ || len > NET_MAX_FRAME) {
		b->st.tx_drops++;
		return -EINVAL;
	}
	ret = b->ops->send(b, frame, len);
	if (ret) {
		b->st.tx_drops++;
		return ret;
	}
	b->st.tx_frames++;
	b->st.tx_bytes += len;
	return 0;
}

void net_backend_pause_rx(struct net_backend *b, bool pause)
{
	if (b->rx_paused == pause)
		return;
	b->rx_paused = pause;
	if (b->in_loop)
		loop_mod(&b->w, pause ? 0 : EPOLLIN);
}

void net_backend_close(struct net_backend *b)
{
	if (!b)
		return;
	if (b->in_loop)
		loop_del(&b->w);
	/* the backend closes (or keeps) its fd */
	b->ops->close(b);
	free(b->rxbuf);
	free(b);
}

/* ---- TAP ---- */

static long tap_read(struct net_backend *b)
{
	ssize_t n = read(b->w.fd, b->rxbuf, NET_MAX_FRAME + 1);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			b->st.rx_errors++;
			log_guest("net: %s: read: %s", b->desc, strerror(errno));
		}
		return -1;
	}
	return n;
}

static void tap_cb(struct watch *w, uint32_t events)
{
	(void)events;
	net_backend_rx_ready(w->priv, tap_read);
}

static int tap_send(struct net_backend *b, const uint8_t *frame, uint32_t len)
{
	ssize_t n = write(b->w.fd, frame, len);

	if (n == (ssize_t)len)
		return 0;
	/* EIO: the interface is down; EAGAIN: its queue is full */
	return n < 0 ? -errno : -EIO;
}

/*
 * A TAP that hvsim created vanishes with its last fd, and with it the
 * addresses the harness gave it.  A NIC that is rescinded and offered
 * again ("offer net tap=IF") must find the same interface, so the fds of
 * closed TAP backends stay open (parked) for the life of the process and
 * are taken again by name.
 *
 * The table is process-wide on purpose, not per NIC or per hvsim
 * instance: an interface name is one kernel object for the whole process,
 * a non-multiqueue TAP takes one fd at a time (a second TUNSETIFF is
 * EBUSY), so whichever backend opens IF next in this process must get the
 * parked fd, and the fds are the process's to keep.  hvsim is one thread.
 */
#define TAP_PARK_MAX	32

static struct {
	char name[IFNAMSIZ];
	int fd;
} parked[TAP_PARK_MAX];
static unsigned int nparked;

static int tap_unpark(const char *ifname)
{
	for (unsigned int i = 0; i < nparked; i++) {
		if (!strcmp(parked[i].name, ifname)) {
			int fd = parked[i].fd;

			parked[i] = parked[--nparked];
			return fd;
		}
	}
	return -1;
}

static void tap_close(struct net_backend *b)
{
	const char *name = b->desc + 4;		/* "tap:IF" */
	uint8_t junk[2048];

	if (b->w.fd < 0)
		return;
	if (nparked < TAP_PARK_MAX && strlen(name) < IFNAMSIZ) {
		/* what was queued for the old NIC is not the new one's */
		while (read(b->w.fd, junk, sizeof(junk)) > 0)
			;
		snprintf(parked[nparked].name, IFNAMSIZ, "%s", name);
		parked[nparked++].fd = b->w.fd;
	} else {
		close(b->w.fd);
	}
	b->w.fd = -1;
}

static const struct net_backend_ops tap_ops = {
	.send = tap_send,
	.close = tap_close,
};

static int tap_up(const char *ifname, char *err, size_t errlen)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		snprintf(err, errlen, "SIOCGIFFLAGS %s: %s", ifname,
			 strerror(errno));
		close(s);
		return -1;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
			snprintf(err, errlen, "SIOCSIFFLAGS %s: %s", ifname,
				 strerror(errno));
			close(s);
			return -1;
		}
	}
	close(s);
	return 0;
}

struct net_backend *net_tap_open(const char *ifname, char *err, size_t errlen)
{
	struct net_backend *b;
	struct ifreq ifr;
	int fd;

	if (!ifname[0] || strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "tap: bad interface name '%s'", ifname);
		return NULL;
	}
	fd = tap_unpark(ifname);
	if (fd >= 0)
		goto have_fd;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "tap: /dev/net/tun: %s", strerror(errno));
		return NULL;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "tap: TUNSETIFF %s: %s", ifname,
			 strerror(errno));
		close(fd);
		return NULL;
	}
have_fd:
	if (tap_up(ifname, err, errlen)) {
		close(fd);
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b)
		b->rxbuf = malloc(NET_MAX_FRAME + 1);
	if (!b || !b->rxbuf) {
		free(b);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->ops = &tap_ops;
	b->w.fd = fd;
	b->w.cb = tap_cb;
	b->w.priv = b;
	snprintf(b->desc, sizeof(b->desc), "tap:%s", ifname);
	return b;
}
