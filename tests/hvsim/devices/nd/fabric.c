// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RDMA fabric between hvsim processes: ND adapters whose devices name
 * the same directory (--device nd:fabric=DIR) reach each other, as the
 * guests of one Hyper-V host reach each other's RDMA adapters through the
 * host's switch.  Each adapter, once the guest BINDs an address, binds a
 * Unix datagram socket DIR/nd-A.B.C.D.sock; a connection to an address
 * that is not its own goes to that socket.
 *
 * Each host moves memory into its own guest only: an RDMA WRITE or SEND
 * travels as the bytes the sender's host read from its guest, and the
 * receiver's host checks the key, range and rights against its own
 * registrations before it writes them; an RDMA READ is a request the
 * responder's host answers with the bytes.  A work request is in flight
 * until the other host acknowledges it (stop and wait per QP): its
 * completion, a receiver-not-ready that makes the sender try again, or
 * the responder's error syndrome.
 *
 * Unix datagrams between two sockets are reliable and ordered; what a
 * full receive queue refuses (EAGAIN) waits in the sender's queue and
 * goes out on the next tick, in order.  A peer whose socket is gone
 * (ENOENT, ECONNREFUSED) ends every connection to it.  This is hvsim's
 * own wire format, between two copies of this file: a message from
 * another process is checked all the same (lengths, handles, state), a
 * malformed one counts in fabric_bad; one for a connection that ended
 * meanwhile (its connector or QP freed) in fabric_stale.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "devices/nd/nd.h"

static void fabric_addr(const struct nd_dev *nd, uint32_t ip,
			struct sockaddr_un *a)
{
	const uint8_t *b = (const uint8_t *)&ip;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/nd-%u.%u.%u.%u.sock",
		 nd->fabric_dir, b[0], b[1], b[2], b[3]);
}

/* ---- sending ------------------------------------------------------------ */

struct ndf_out {
	struct ndf_out *next;
	uint32_t ip;
	uint32_t len;
	uint8_t data[];
};

static void fabric_peer_gone(struct nd_dev *nd, uint32_t ip);
static void fabric_data(struct nd_dev *nd, struct nd_obj *c,
			const struct ndf_hdr *h, const uint8_t *payload);

/* send what is queued, in order; what a full peer refuses waits */
void nd_fabric_flush(struct nd_dev *nd)
{
	struct ndf_out *o;

	while ((o = nd->fabric_out)) {
		struct sockaddr_un a;
		uint32_t ip = o->ip;
		ssize_t n;

		fabric_addr(nd, ip, &a);
		n = sendto(nd->fabric_fd, o->data, o->len, MSG_DONTWAIT,
			   (struct sockaddr *)&a, sizeof(a));
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS))
			return;
		nd->fabric_out = o->next;
		free(o);
		if (n < 0) {
			/* no such host (any more): its connections end */
			if (!nd->fabric_lost++)
				log_warn("nd: fabric: %s: %s", a.sun_path,
					 strerror(errno));
			fabric_peer_gone(nd, ip);
		} else {
			nd->fabric_sent++;
		}
	}
}

static int fabric_send(struct nd_dev *nd, uint32_t ip, struct ndf_hdr *h,
		       const void *payload, uint32_t len)
{
	struct ndf_out *o, **tail;

	if (nd->fabric_fd < 0)
		return -ENOTCONN;
	o = malloc(sizeof(*o) + sizeof(*h) + len);
	if (!o)
		return -ENOMEM;
	h->magic = NDF_MAGIC;
	h->src_ip = nd->ip;
	h->dst_ip = ip;
	h->len = len;
	/* one datagram: the whole message (a READ request names its size) */
	if (!h->total)
		h->total = len;
	o->next = NULL;
	o->ip = ip;
	o->len = (uint32_t)sizeof(*h) + len;
	memcpy(o->data, h, sizeof(*h));
	if (len)
		memcpy(o->data + sizeof(*h), payload, len);
	for (tail = &nd->fabric_out; *tail; tail = &(*tail)->next)
		;
	*tail = o;
	nd_fabric_flush(nd);
	nd_hca_start(nd);	/* its tick flushes what waits */
	return 0;
}

/* a message in chunks of NDF_CHUNK: h->offset and h->total set here */
static int fabric_send_msg(struct nd_dev *nd, uint32_t ip, struct ndf_hdr *h,
			   const uint8_t *buf, uint32_t len)
{
	uint32_t off = 0;

	h->total = len;
	do {
		uint32_t n = len - off > NDF_CHUNK ? NDF_CHUNK : len - off;
		int ret;

		h->offset = off;
		ret = fabric_send(nd, ip, h, buf + off, n);
		if (ret)
			return ret;
		off += n;
	} while (off < len);
	return 0;
}

/* ---- connection management ---------------------------------------------- */

int nd_fabric_connect(struct nd_dev *nd, struct nd_obj *c, struct nd_obj *qp)
{
	struct ndf_hdr h = { .type = NDF_CONNECT };

	h.port = c->ep.peer_port;
	h.src_port = c->ep.port;
	h.src = nd_obj_handle(nd, c);
	h.qpn = qp->qp.qpn;
	h.limits = c->ep.limits;
	return fabric_send(nd, c->ep.peer_ip, &h, c->ep.priv, c->ep.priv_len);
}

void nd_fabric_answer(struct nd_dev *nd, uint32_t ip, uint64_t dst,
		      uint64_t src, uint16_t type, const struct nd_obj *qp,
		      const struct nd_read_limits *limits, const void *priv,
		      uint32_t priv_len)
{
	struct ndf_hdr h = { .type = type, .dst = dst, .src = src };

	if (qp)
		h.qpn = qp->qp.qpn;
	if (limits)
		h.limits = *limits;
	fabric_send(nd, ip, &h, priv, priv_len);
}

/* the connector @h->dst names, remote and talking to @h's sender */
static struct nd_obj *fabric_conn(struct nd_dev *nd, const struct ndf_hdr *h)
{
	struct nd_obj *c = nd_obj_peek(nd, h->dst, NDO_CONNECTOR);

	if (!c || !c->ep.remote || c->ep.peer_ip != h->src_ip ||
	    (c->ep.remote_conn && c->ep.remote_conn != h->src))
		return NULL;
	return c;
}

/* the stub for @h's sender's connector, queued or handed to the guest */
static struct nd_obj *fabric_stub(struct nd_dev *nd, const struct ndf_hdr *h)
{
	for (unsigned int i = 0; i < ND_MAX_OBJECTS; i++) {
		struct nd_obj *o = &nd->objs[i];

		if (o->type == NDO_CONNECTOR && o->ep.stub &&
		    o->ep.ip == h->src_ip && o->ep.remote_conn == h->src)
			return o;
	}
	return NULL;
}

static void fabric_msg(struct nd_dev *nd, const struct ndf_hdr *h,
		       const uint8_t *payload)
{
	struct nd_obj *c;

	switch (h->type) {
	case NDF_CONNECT:
		if (h->len > ND_CONNECT_PRIVATE_DATA ||
		    h->limits.inbound > ND_MAX_READ_LIMIT ||
		    h->limits.outbound > ND_MAX_READ_LIMIT || !h->src) {
			nd->fabric_bad++;
			return;
		}
		nd_cm_remote_connect(nd, h->src_ip, h->src_port, h->src,
				     h->port, &h->limits, payload, h->len);
		return;
	case NDF_ACCEPT:
	case NDF_REJECT:
		c = fabric_conn(nd, h);
		if (!c || h->len > ND_MAX_PRIVATE_DATA ||
		    h->limits.inbound > ND_MAX_READ_LIMIT ||
		    h->limits.outbound > ND_MAX_READ_LIMIT) {
			if (c)
				nd->fabric_bad++;
			else
				nd->fabric_stale++;
			/* the acceptor's QP must not wait for nobody */
			if (h->type == NDF_ACCEPT)
				nd_fabric_answer(nd, h->src_ip, h->src, 0,
						 NDF_DISCONNECT, NULL, NULL,
						 NULL, 0);
			return;
		}
		nd_cm_remote_answer(nd, c, h->type == NDF_ACCEPT, h->src,
				    &h->limits, payload, h->len);
		return;
	case NDF_DISCONNECT:
		c = h->dst ? fabric_conn(nd, h) : fabric_stub(nd, h);
		if (c)
			nd_cm_remote_disconnect(nd, c);
		return;
	case NDF_XFER:
	case NDF_READ:
	case NDF_ACK:
		c = fabric_conn(nd, h);
		if (!c || !c->ep.remote_conn) {
			nd->fabric_stale++;
			return;
		}
		fabric_data(nd, c, h, payload);
		return;
	}
	nd->fabric_bad++;
}

static void fabric_readable(struct watch *w, uint32_t events)
{
	struct nd_dev *nd = w->priv;
	static uint8_t buf[sizeof(struct ndf_hdr) + NDF_CHUNK + 1];
	struct ndf_hdr h;
	ssize_t n;

	(void)events;
	for (int budget = 256; budget > 0; budget--) {
		n = recv(nd->fabric_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			break;
		nd->fabric_received++;
		if ((size_t)n < sizeof(h)) {
			nd->fabric_bad++;
			continue;
		}
		memcpy(&h, buf, sizeof(h));
		if (h.magic != NDF_MAGIC || h.len != (size_t)n - sizeof(h) ||
		    h.dst_ip != nd->ip || !h.src_ip || h.src_ip == nd->ip ||
		    h.offset > h.total || h.len > h.total - h.offset) {
			nd->fabric_bad++;
			continue;
		}
		fabric_msg(nd, &h, buf + sizeof(h));
	}
	nd_fabric_flush(nd);
	nd_out_flush(nd);
}

/* ---- the data path's messages -------------------------------------------- */

/* a WQE's message to the peer: SEND(_IMM), RDMA WRITE(_IMM) */
int nd_fabric_xfer(struct nd_dev *nd, struct nd_obj *qp,
		   const struct nd_xfer *x, const uint8_t *buf)
{
	struct ndf_hdr h = { .type = NDF_XFER };

	h.dst = qp->qp.remote_conn;
	h.src = qp->qp.conn;
	h.seq = x->seq;
	h.qpn = qp->qp.qpn;
	h.opcode = x->opcode;
	h.solicited = x->solicited;
	h.rkey = x->rkey;
	h.raddr = x->raddr;
	h.imm = x->imm;
	return fabric_send_msg(nd, qp->qp.remote_ip, &h, buf, x->len);
}

/* an RDMA READ request */
int nd_fabric_read(struct nd_dev *nd, struct nd_obj *qp,
		   const struct nd_xfer *x)
{
	struct ndf_hdr h = { .type = NDF_READ };

	h.dst = qp->qp.remote_conn;
	h.src = qp->qp.conn;
	h.seq = x->seq;
	h.rkey = x->rkey;
	h.raddr = x->raddr;
	h.total = x->len;
	return fabric_send(nd, qp->qp.remote_ip, &h, NULL, 0);
}

/* the responder's answer: @result, with a READ's bytes */
static void fabric_ack(struct nd_dev *nd, struct nd_obj *c, uint32_t seq,
		       int result, const uint8_t *buf, uint32_t len)
{
	struct ndf_hdr h = { .type = NDF_ACK };

	h.dst = c->ep.remote_conn;
	h.src = nd_obj_handle(nd, c);
	h.seq = seq;
	h.result = result;
	fabric_send_msg(nd, c->ep.peer_ip, &h, buf, len);
}

/*
 * XFER chunks gather in the connector's buffer until the message is
 * whole; READ is answered at once; an ACK's chunks gather the same way
 * for the requester (hca.c).
 */
static void fabric_data(struct nd_dev *nd, struct nd_obj *c,
			const struct ndf_hdr *h, const uint8_t *payload)
{
	struct nd_obj *qp = nd_obj_peek(nd, c->ep.qp, NDO_QP);
	struct nd_rx *rx = &c->ep.rx;
	uint8_t *buf;
	int ret;

	if (h->total > ND_FABRIC_MAX_MSG) {
		nd->fabric_bad++;
		return;
	}
	if (!qp || !qp->qp.remote) {
		nd->fabric_stale++;
		return;
	}
	if (h->type == NDF_READ) {
		buf = malloc(h->total ? h->total : 1);
		if (!buf)
			return;
		ret = nd_hca_read_for_peer(nd, qp, h->rkey, h->raddr,
					   h->total, buf);
		fabric_ack(nd, c, h->seq, ret, buf, ret == 1 ? h->total : 0);
		free(buf);
		return;
	}
	/* a new message: the first chunk; a chunk out of order ends it */
	if (h->offset == 0) {
		free(rx->buf);
		memset(rx, 0, sizeof(*rx));
		rx->buf = malloc(h->total ? h->total : 1);
		if (!rx->buf)
			return;
		rx->type = h->type;
		rx->seq = h->seq;
		rx->total = h->total;
		rx->opcode = h->opcode;
		rx->solicited = h->solicited;
		rx->rkey = h->rkey;
		rx->raddr = h->raddr;
		rx->imm = h->imm;
		rx->result = h->result;
		rx->src_qpn = h->qpn;
	} else if (!rx->buf || rx->type != h->type || rx->seq != h->seq ||
		   rx->total != h->total || rx->got != h->offset) {
		nd->fabric_bad++;
		return;
	}
	memcpy(rx->buf + h->offset, payload, h->len);
	rx->got += h->len;
	if (rx->got < rx->total)
		return;
	if (rx->type == NDF_XFER) {
		ret = nd_hca_deliver(nd, qp, rx, rx->buf);
		fabric_ack(nd, c, rx->seq, ret, NULL, 0);
	} else {
		nd_hca_remote_done(nd, qp, rx->seq, rx->result, rx->buf,
				   rx->total);
	}
	free(rx->buf);
	memset(rx, 0, sizeof(*rx));
}

/* ---- the socket ----------------------------------------------------------- */

/* every connection to @ip ends, and its requests */
static void fabric_peer_gone(struct nd_dev *nd, uint32_t ip)
{
	for (unsigned int i = 0; i < ND_MAX_OBJECTS; i++) {
		struct nd_obj *o = &nd->objs[i];

		if (o->type == NDO_CONNECTOR &&
		    ((o->ep.remote && o->ep.peer_ip == ip) ||
		     (o->ep.stub && o->ep.ip == ip)))
			nd_cm_remote_disconnect(nd, o);
	}
}

/* after BIND: the socket for the guest's address */
int nd_fabric_open(struct nd_dev *nd)
{
	struct sockaddr_un a;
	int fd, sz = 4 << 20;

	if (!nd->fabric_dir[0] || nd->fabric_fd >= 0)
		return 0;
	/* the first host on the fabric makes it */
	if (mkdir(nd->fabric_dir, 0700) < 0 && errno != EEXIST) {
		log_warn("nd: fabric: mkdir %s: %s", nd->fabric_dir,
			 strerror(errno));
		return -errno;
	}
	fabric_addr(nd, nd->ip, &a);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	unlink(a.sun_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		int ret = -errno;

		close(fd);
		log_warn("nd: fabric: bind %s: %s", a.sun_path, strerror(-ret));
		return ret;
	}
	nd->fabric_fd = fd;
	nd->fabric_watch.fd = fd;
	nd->fabric_watch.cb = fabric_readable;
	nd->fabric_watch.priv = nd;
	if (loop_add(&nd->fabric_watch, EPOLLIN)) {
		nd_fabric_close(nd);
		return -EIO;
	}
	log_info("nd: fabric: %s", a.sun_path);
	return 0;
}

void nd_fabric_close(struct nd_dev *nd)
{
	struct sockaddr_un a;
	struct ndf_out *o;

	while ((o = nd->fabric_out)) {
		nd->fabric_out = o->next;
		free(o);
	}
	if (nd->fabric_fd < 0)
		return;
	loop_del(&nd->fabric_watch);
	close(nd->fabric_fd);
	nd->fabric_fd = -1;
	fabric_addr(nd, nd->ip, &a);
	unlink(a.sun_path);
}
