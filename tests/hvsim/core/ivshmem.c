// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ivshmem server side (QEMU docs/specs/ivshmem-spec.rst, "Server
 * protocol"; contrib/ivshmem-server).  hvsim is both the server and the
 * one other peer: the host.
 *
 * Every message is a little-endian int64, some carrying one fd
 * (SCM_RIGHTS).  To a newly connected QEMU we send, in this order:
 *   0                      protocol version
 *   guest peer id          its IVPosition
 *   -1 + shm fd            BAR2
 *   host peer id + fd      x nr_cpus: the host's eventfds, vector order
 *   guest peer id + fd     x nr_cpus: the guest's own eventfds
 * A guest doorbell write (host_peer_id << 16 | v) makes QEMU write the
 * host's eventfd v: that is the "hypercall" trap.  hvsim writing the
 * guest's eventfd k makes QEMU raise MSI-X vector k.
 *
 * One guest at a time: a second connection is refused.  When QEMU goes
 * away all guest state is dropped and BAR2 is cleared for the next one.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/hvsim.h"

#define IVSHMEM_PROTOCOL_VERSION	0

static int send_msg(int sock, int64_t val, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = &val, .iov_len = sizeof(val) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	}
	/* a fresh socket's buffer takes the whole greeting, so no EAGAIN */
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == sizeof(val) ? 0 : -1;
}

bool ivshmem_connected(const struct hvsim *hs)
{
	return hs->iv.client.fd >= 0;
}

static void drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) == sizeof(v))
		;
}

static void close_guest_efds(struct hvsim *hs)
{
	for (unsigned int i = 0; i < HVSIM_MAX_CPUS; i++) {
		if (hs->iv.guest_efd[i] >= 0)
			close(hs->iv.guest_efd[i]);
		hs->iv.guest_efd[i] = -1;
	}
}

static void client_drop(struct hvsim *hs)
{
	loop_del(&hs->iv.client);
	close(hs->iv.client.fd);
	hs->iv.client.fd = -1;
	close_guest_efds(hs);
	hvsim_guest_reset(hs);
	gm_unmap_ram(&hs->gm);
	shm_reset(hs);
	for (unsigned int i = 0; i < hs->cfg.nr_cpus; i++)
		drain(hs->iv.host_ev[i].fd);
	log_info("guest disconnected, guest state dropped");
}

static void client_cb(struct watch *w, uint32_t events)
{
	struct hvsim *hs = w->priv;
	char buf[256];
	ssize_t n;

	/* QEMU never sends anything; EOF (or junk) ends the session */
	n = read(w->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
	    !(events & (EPOLLHUP | EPOLLERR)))
		return;
	if (n > 0 && !(events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP))) {
		log_warn("ivshmem client sent %zd unexpected bytes", n);
		return;
	}
	client_drop(hs);
}

static int greet(struct hvsim *hs, int sock)
{
	unsigned int i, n = hs->cfg.nr_cpus;

	if (send_msg(sock, IVSHMEM_PROTOCOL_VERSION, -1) ||
	    send_msg(sock, HVSIM_GUEST_PEER_ID, -1) ||
	    send_msg(sock, -1, hs->iv.shm_fd))
		return -1;
	for (i = 0; i < n; i++)
		if (send_msg(sock, HVSIM_HOST_PEER_ID, hs->iv.host_ev[i].fd))
			return -1;
	for (i = 0; i < n; i++)
		if (send_msg(sock, HVSIM_GUEST_PEER_ID, hs->iv.guest_efd[i]))
			return -1;
	return 0;
}

static void listen_cb(struct watch *w, uint32_t events)
{
	struct hvsim *hs = w->priv;
	int fd;

	(void)events;
	fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("ivshmem accept: %s", strerror(errno));
		return;
	}
	if (ivshmem_connected(hs)) {
		log_warn("ivshmem: a second client was refused (one guest per hvsim)");
		close(fd);
		return;
	}
	for (unsigned int i = 0; i < hs->cfg.nr_cpus; i++) {
		/* nonblocking: raising an interrupt must never stall hvsim */
		hs->iv.guest_efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (hs->iv.guest_efd[i] < 0) {
			log_err("eventfd: %s", strerror(errno));
			goto fail;
		}
	}
	if (greet(hs, fd)) {
		log_err("ivshmem: greeting the client failed: %s",
			strerror(errno));
		goto fail;
	}
	hs->iv.client.fd = fd;
	hs->iv.client.cb = client_cb;
	hs->iv.client.priv = hs;
	if (loop_add(&hs->iv.client, EPOLLIN | EPOLLRDHUP)) {
		hs->iv.client.fd = -1;
		goto fail;
	}
	hs->stats.connects++;
	/* QEMU may have created the RAM file by now; HELLO retries if not */
	gm_map_ram(&hs->gm);
	log_info("guest connected (peer %d, %u vectors)", HVSIM_GUEST_PEER_ID,
		 hs->cfg.nr_cpus);
	return;
fail:
	close(fd);
	close_guest_efds(hs);
}

/* a doorbell: the guest submitted work in some slot */
static void host_ev_cb(struct watch *w, uint32_t events)
{
	struct hvsim *hs = w->priv;

	(void)events;
	drain(w->fd);
	hs->stats.doorbells++;
	mailbox_process(hs);
}

int ivshmem_init(struct hvsim *hs, const char *path)
{
	for (unsigned int i = 0; i < hs->cfg.nr_cpus; i++) {
		struct watch *w = &hs->iv.host_ev[i];

		w->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		w->cb = host_ev_cb;
		w->priv = hs;
		if (w->fd < 0 || loop_add(w, EPOLLIN)) {
			log_err("host eventfd: %s", strerror(errno));
			return -1;
		}
	}
	hs->iv.listen.fd = unix_listen(path, 4);
	if (hs->iv.listen.fd < 0)
		return -1;
	hs->iv.listen.cb = listen_cb;
	hs->iv.listen.priv = hs;
	hs->iv.sock_path = path;
	return loop_add(&hs->iv.listen, EPOLLIN);
}

void ivshmem_exit(struct hvsim *hs)
{
	if (ivshmem_connected(hs))
		client_drop(hs);
	if (hs->iv.listen.fd >= 0) {
		loop_del(&hs->iv.listen);
		close(hs->iv.listen.fd);
		hs->iv.listen.fd = -1;
		unlink(hs->iv.sock_path);
	}
	for (unsigned int i = 0; i < HVSIM_MAX_CPUS; i++) {
		struct watch *w = &hs->iv.host_ev[i];

		if (w->fd < 0)
			continue;
		loop_del(w);
		close(w->fd);
		w->fd = -1;
	}
}
