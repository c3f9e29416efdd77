// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ND host's connection manager: listeners and connectors, and the
 * asynchronous IOCTLs they answer with COMPLETE packets.
 *
 * The guest's iWARP CM maps onto them as Microsoft's guest did (LIS
 * provider.c, hvnd_connect(), hvnd_accept(), hvnd_create_listen();
 * vmbus_rdma.c): a listener is created, bound to an address and port and
 * listens; it is given one connector at a time in GET_CONNECTION_REQUEST,
 * which completes when a CONNECT names the listener's address.  The
 * listening side reads the request (GET_PEER_ADDRESS, GET_READ_LIMITS,
 * GET_PRIVATE_DATA) and ACCEPTs with its QP or REJECTs; ACCEPT completes
 * the connecting side's CONNECT, which COMPLETE_CONNECT then finishes.
 * NOTIFY_DISCONNECT waits for the peer's DISCONNECT; CANCEL_IO ends
 * every IOCTL pending on an object with STATUS_CANCELLED.
 *
 * Connections are between QPs of this one adapter model (one guest, or
 * loopback within it): an accepted connection ties the two QPs together
 * and moves both to RTS, and the data path (hca.c) moves their work.  A
 * CONNECT to an address that is not this adapter's goes over the fabric
 * (fabric.c) to the host that has it: there a stub connector, owned by no
 * file, stands for the connecting one in the listener's queue until the
 * guest accepts or rejects it, and the answer goes back the same way.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

/* ---- asynchronous IOCTLs ---------------------------------------------- */

struct nd_out {
	struct nd_out *next;
	uint32_t len;
	uint8_t data[];
};

/* take @r's IRP for @irp: the guest waits for a COMPLETE */
static bool irp_take(struct nd_req *r, struct nd_irp *irp)
{
	if (!r->irp || irp->id) {
		r->status = r->irp ? ND_STATUS_INVALID_DEVICE_STATE :
				     ND_STATUS_INVALID_PARAMETER;
		return false;
	}
	irp->id = r->irp;
	irp->code = r->code;
	irp->file = r->file;
	r->status = ND_STATUS_PENDING;
	return true;
}

/*
 * Complete @irp (if pending) with @status and @out: a COMPLETE packet,
 * queued and sent once the answer to the request being served is out.
 */
void nd_irp_complete(struct nd_dev *nd, struct nd_irp *irp, uint32_t status,
		     const void *out, uint32_t len)
{
	struct ndv_pkt_control h = { 0 };
	struct nd_out *o, **tail;

	if (!irp->id)
		return;
	o = malloc(sizeof(*o) + sizeof(h) + len);
	if (!o) {
		log_guest("nd: no memory for a COMPLETE: IRP %u stays pending",
			  irp->id);
		return;
	}
	h.hdr.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_COMPLETE, 0);
	h.hdr.hdr_sz = sizeof(h);
	h.hdr.data_sz = len;
	h.file_handle.local = nd->files[irp->file].local;
	h.file_handle.remote = (uint32_t)irp->file + 1;
	h.irp_handle.local = irp->id;
	h.io_cntrl_code = irp->code;
	h.output_buf_sz = len;
	h.input_buf_sz = len;
	h.io_status = status;
	h.bytes_returned = len;
	o->next = NULL;
	o->len = (uint32_t)sizeof(h) + len;
	memcpy(o->data, &h, sizeof(h));
	if (len)
		memcpy(o->data + sizeof(h), out, len);
	for (tail = &nd->out; *tail; tail = &(*tail)->next)
		;
	*tail = o;
	nd->completes++;
	memset(irp, 0, sizeof(*irp));
}

/* send what is queued; what the ring has no room for waits */
void nd_out_flush(struct nd_dev *nd)
{
	struct nd_out *o;

	while ((o = nd->out)) {
		int ret = nd->ch ? chan_send_inband(nd->ch, 0, 0, o->data,
						   o->len) : -EPIPE;

		if (ret == -EAGAIN) {
			chan_request_space(nd->ch, o->len + 64);
			return;
		}
		nd->out = o->next;
		free(o);
	}
}

void nd_out_drop(struct nd_dev *nd)
{
	struct nd_out *o;

	while ((o = nd->out)) {
		nd->out = o->next;
		free(o);
	}
}

/* ---- addresses ---------------------------------------------------------- */

static struct nd_sockaddr_inet sockaddr(uint32_t ip, uint16_t port)
{
	struct nd_sockaddr_inet a = { .family = ND_AF_INET };

	a.addr = ip;
	a.port = port;
	return a;
}

/* a listener bound to @ip (or the wildcard) and @port */
static struct nd_obj *listener_at(struct nd_dev *nd, uint32_t ip,
				  uint16_t port)
{
	for (unsigned int i = 0; i < ND_MAX_OBJECTS; i++) {
		struct nd_obj *o = &nd->objs[i];

		if (o->type == NDO_LISTENER && o->ep.bound &&
		    o->ep.port == port && (!o->ep.ip || o->ep.ip == ip))
			return o;
	}
	return NULL;
}

/* an ephemeral port no listener or connector has */
static uint16_t port_alloc(struct nd_dev *nd)
{
	for (int tries = 0; tries < 16384; tries++) {
		uint16_t port = htons((uint16_t)(49152 + nd->next_port++ % 16384));
		bool used = false;

		for (unsigned int i = 0; i < ND_MAX_OBJECTS && !used; i++)
			used = (nd->objs[i].type == NDO_LISTENER ||
				nd->objs[i].type == NDO_CONNECTOR) &&
			       nd->objs[i].ep.bound && nd->objs[i].ep.port == port;
		if (!used)
			return port;
	}
	return 0;
}

/* ---- the handles of a request --------------------------------------- */

/* ---- create, bind, free --------------------------------------------- */

static void ep_create(struct nd_req *r, enum nd_obj_type type)
{
	struct nd_ep_create m;
	struct nd_obj *a, *o;
	uint64_t h;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	a = nd_obj_get(r->nd, m.hdr.handle, NDO_ADAPTER, r->file);
	if (!a) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	o = nd_obj_new(r->nd, type, r->file);
	if (!o) {
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	o->adapter_handle = m.hdr.handle;
	h = nd_obj_handle(r->nd, o);
	memset(r->buf, 0, r->buf_len);
	memcpy(r->buf, &h, sizeof(h));
	r->status = ND_STATUS_SUCCESS;
}

/*
 * BIND: the adapter's address (or the wildcard for a listener) and a
 * port, an ephemeral one for 0; a listener's port is its own
 */
static void ep_bind(struct nd_req *r, enum nd_obj_type type)
{
	struct nd_dev *nd = r->nd;
	struct nd_bind m;
	struct nd_obj *o;
	uint16_t port;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	o = nd_obj_get(nd, m.handle, type, r->file);
	if (!o) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (o->ep.bound || m.address.family != ND_AF_INET ||
	    (m.address.addr && m.address.addr != nd->ip) ||
	    (type == NDO_CONNECTOR && !m.address.addr)) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	port = m.address.port;
	if (type == NDO_LISTENER && port &&
	    listener_at(nd, m.address.addr ? m.address.addr : nd->ip, port)) {
		r->status = ND_STATUS_ADDRESS_ALREADY_EXISTS;
		return;
	}
	if (!port)
		port = port_alloc(nd);
	if (!port) {
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	o->ep.ip = m.address.addr;
	o->ep.port = port;
	o->ep.bound = true;
	r->status = ND_STATUS_SUCCESS;
}

/* every IOCTL pending on @o ends, cancelled */
static void ep_cancel(struct nd_dev *nd, struct nd_obj *o)
{
	nd_irp_complete(nd, &o->ep.gcr, ND_STATUS_CANCELLED, NULL, 0);
	nd_irp_complete(nd, &o->ep.connect, ND_STATUS_CANCELLED, NULL, 0);
	nd_irp_complete(nd, &o->ep.accept, ND_STATUS_CANCELLED, NULL, 0);
	nd_irp_complete(nd, &o->ep.notify, ND_STATUS_CANCELLED, NULL, 0);
	nd_irp_complete(nd, &o->ep.disconnect, ND_STATUS_CANCELLED, NULL, 0);
}

/*
 * A stub goes: @refuse tells the connecting host (the listener or its
 * adapter went; the guest's REJECT and ACCEPT answer themselves).
 */
static void stub_free(struct nd_dev *nd, struct nd_obj *s, bool refuse)
{
	if (!refuse)
		s->ep.stub = false;
	/* the guest's connector it was handed to stays as it is */
	s->ep.peer = 0;
	nd_obj_free(nd, s);
}

/* the connection @c is in ends: both QPs to the error state */
static void ep_disconnect(struct nd_dev *nd, struct nd_obj *c)
{
	struct nd_obj *peer = nd_obj_peek(nd, c->ep.peer, NDO_CONNECTOR);
	struct nd_obj *qp = nd_obj_peek(nd, c->ep.qp, NDO_QP);

	if (qp)
		nd_qp_to_error(nd, qp);
	c->ep.state = NDC_DISCONNECTED;
	c->ep.peer = 0;
	if (c->ep.remote) {
		/* the other host's end (a stub there while not yet accepted) */
		nd_fabric_answer(nd, c->ep.peer_ip, c->ep.remote_conn,
				 nd_obj_handle(nd, c), NDF_DISCONNECT, NULL,
				 NULL, NULL, 0);
		c->ep.remote = false;
		c->ep.remote_conn = 0;
		return;
	}
	if (!peer)
		return;
	if (peer->ep.stub) {
		/* a request from another host the guest never answered */
		stub_free(nd, peer, true);
		return;
	}
	qp = nd_obj_peek(nd, peer->ep.qp, NDO_QP);
	if (qp)
		nd_qp_to_error(nd, qp);
	peer->ep.peer = 0;
	if (peer->ep.state == NDC_CONNECTING) {
		/* still connecting: refused */
		nd_irp_complete(nd, &peer->ep.connect,
				ND_STATUS_CONNECTION_REFUSED, NULL, 0);
		peer->ep.state = NDC_IDLE;
		return;
	}
	peer->ep.state = NDC_DISCONNECTED;
	nd_irp_complete(nd, &peer->ep.notify, ND_STATUS_DISCONNECTED, NULL, 0);
}

/* a listener's queue of connecting connectors (handles) */
static void queue_remove(struct nd_obj *l, uint64_t h)
{
	for (uint32_t i = 0; i < l->ep.nqueue; i++) {
		if (l->ep.queue[i] != h)
			continue;
		memmove(&l->ep.queue[i], &l->ep.queue[i + 1],
			(l->ep.nqueue - i - 1) * sizeof(l->ep.queue[0]));
		l->ep.nqueue--;
		return;
	}
}

/* what a listener or connector holds, before its slot is freed */
void nd_ep_free(struct nd_dev *nd, struct nd_obj *o)
{
	free(o->ep.rx.buf);
	o->ep.rx.buf = NULL;
	ep_cancel(nd, o);
	if (o->type == NDO_LISTENER) {
		/* connections not taken yet: refused */
		for (uint32_t i = 0; i < o->ep.nqueue; i++) {
			struct nd_obj *c = nd_obj_peek(nd, o->ep.queue[i],
						   NDO_CONNECTOR);

			if (c && c->ep.stub) {
				c->ep.listener = 0;
				stub_free(nd, c, true);
			} else if (c) {
				nd_irp_complete(nd, &c->ep.connect,
						ND_STATUS_CONNECTION_REFUSED,
						NULL, 0);
				c->ep.state = NDC_IDLE;
				c->ep.listener = 0;
			}
		}
		o->ep.nqueue = 0;
		return;
	}
	if (o->ep.state == NDC_CONNECTING) {
		struct nd_obj *l = nd_obj_peek(nd, o->ep.listener, NDO_LISTENER);

		if (l)
			queue_remove(l, nd_obj_handle(nd, o));
	}
	if (o->ep.stub) {
		nd_fabric_answer(nd, o->ep.ip, o->ep.remote_conn, 0,
				 NDF_REJECT, NULL, NULL, NULL, 0);
		return;
	}
	if (o->ep.peer || o->ep.remote)
		ep_disconnect(nd, o);
}

/* ---- listening ---------------------------------------------------------- */

/* hand the first queued connection to the listener's waiting connector */
static void listener_match(struct nd_dev *nd, struct nd_obj *l)
{
	struct nd_obj *a, *b;
	struct nd_sockaddr_inet out;

	if (!l->ep.gcr.id || !l->ep.nqueue)
		return;
	b = nd_obj_peek(nd, l->ep.gcr_connector, NDO_CONNECTOR);
	a = nd_obj_peek(nd, l->ep.queue[0], NDO_CONNECTOR);
	queue_remove(l, l->ep.queue[0]);
	if (!a)
		return;
	if (!b || b->ep.state != NDC_IDLE) {
		nd_irp_complete(nd, &a->ep.connect,
				ND_STATUS_CONNECTION_REFUSED, NULL, 0);
		a->ep.state = NDC_IDLE;
		a->ep.listener = 0;
		if (a->ep.stub)
			stub_free(nd, a, true);
		nd_irp_complete(nd, &l->ep.gcr, ND_STATUS_INVALID_HANDLE,
				NULL, 0);
		return;
	}
	b->ep.state = NDC_REQUESTED;
	b->ep.peer = nd_obj_handle(nd, a);
	b->ep.ip = l->ep.ip ? l->ep.ip : nd->ip;
	b->ep.port = l->ep.port;
	b->ep.bound = true;
	b->ep.peer_ip = a->ep.ip;
	b->ep.peer_port = a->ep.port;
	b->ep.limits = a->ep.limits;
	memcpy(b->ep.priv, a->ep.priv, sizeof(b->ep.priv));
	b->ep.priv_len = a->ep.priv_len;
	a->ep.peer = nd_obj_handle(nd, b);
	out = sockaddr(a->ep.ip, a->ep.port);
	nd_irp_complete(nd, &l->ep.gcr, ND_STATUS_SUCCESS, &out, sizeof(out));
	l->ep.gcr_connector = 0;
}

static void listener_listen(struct nd_req *r)
{
	struct nd_listen m;
	struct nd_obj *l;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	l = nd_obj_get(r->nd, m.listener_handle, NDO_LISTENER, r->file);
	if (!l) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (!l->ep.bound) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	l->ep.listening = true;
	l->ep.backlog = m.back_log < 1 ? 1 :
			m.back_log > ND_MAX_BACKLOG ? ND_MAX_BACKLOG : m.back_log;
	r->status = ND_STATUS_SUCCESS;
}

static void get_connection_request(struct nd_req *r)
{
	struct nd_get_connection_request m;
	struct nd_obj *l, *c;

	if (!nd_req_ok(r, ND_SOCKADDR_IOCTL_SIZE))
		return;
	memcpy(&m, r->buf, sizeof(m));
	l = nd_obj_get(r->nd, m.listener_handle, NDO_LISTENER, r->file);
	c = nd_obj_get(r->nd, m.connector_handle, NDO_CONNECTOR, r->file);
	if (!l || !c) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (!l->ep.listening || c->ep.state != NDC_IDLE || c->ep.bound) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	if (!irp_take(r, &l->ep.gcr))
		return;
	l->ep.gcr_connector = m.connector_handle;
	listener_match(r->nd, l);
}

/* ---- connecting ---------------------------------------------------------- */

static void connector_connect(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct nd_connect m;
	struct nd_obj *c, *qp, *l;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	c = nd_obj_get(nd, m.connector_handle, NDO_CONNECTOR, r->file);
	qp = nd_obj_get(nd, m.qp_handle, NDO_QP, r->file);
	if (!c || !qp) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (m.cb_private_data_length > ND_CONNECT_PRIVATE_DATA ||
	    (m.cb_private_data_length &&
	     m.cb_private_data_offset != offsetof(struct nd_connect,
						  private_data)) ||
	    m.destination_address.family != ND_AF_INET ||
	    m.read_limits.inbound > ND_MAX_READ_LIMIT ||
	    m.read_limits.outbound > ND_MAX_READ_LIMIT) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	if (!c->ep.bound || c->ep.state != NDC_IDLE ||
	    qp->qp.connected || qp->qp.state == ND_QPS_ERR) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	if (!irp_take(r, &c->ep.connect))
		return;
	c->ep.qp = m.qp_handle;
	c->ep.limits = m.read_limits;
	c->ep.priv_len = m.cb_private_data_length;
	memset(c->ep.priv, 0, sizeof(c->ep.priv));
	memcpy(c->ep.priv, m.private_data, c->ep.priv_len);
	c->ep.peer_ip = m.destination_address.addr;
	c->ep.peer_port = m.destination_address.port;
	if (m.destination_address.addr != nd->ip) {
		/* another host's address: over the fabric, if there is one */
		c->ep.state = NDC_CONNECTING;
		c->ep.remote = true;
		c->ep.remote_conn = 0;
		if (nd_fabric_connect(nd, c, qp)) {
			c->ep.state = NDC_IDLE;
			c->ep.remote = false;
			nd_irp_complete(nd, &c->ep.connect,
					ND_STATUS_CONNECTION_REFUSED, NULL, 0);
		}
		return;
	}
	l = listener_at(nd, m.destination_address.addr,
			m.destination_address.port);
	if (!l || !l->ep.listening ||
	    l->ep.nqueue >= l->ep.backlog) {
		nd_irp_complete(nd, &c->ep.connect,
				ND_STATUS_CONNECTION_REFUSED, NULL, 0);
		return;
	}
	c->ep.state = NDC_CONNECTING;
	c->ep.listener = nd_obj_handle(nd, l);
	l->ep.queue[l->ep.nqueue++] = nd_obj_handle(nd, c);
	listener_match(nd, l);
}

/* ACCEPT of a request from another host (@a its stub): answered there */
static void accept_remote(struct nd_req *r, const struct nd_accept *m,
			  struct nd_obj *b, struct nd_obj *a, struct nd_obj *qpb)
{
	struct nd_dev *nd = r->nd;

	if (b->ep.state != NDC_REQUESTED || qpb->qp.connected ||
	    qpb->qp.state == ND_QPS_ERR || a->ep.state != NDC_CONNECTING) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	if (!irp_take(r, &b->ep.accept))
		return;
	nd_fabric_answer(nd, a->ep.ip, a->ep.remote_conn, nd_obj_handle(nd, b),
			 NDF_ACCEPT, qpb, &m->read_limits, m->private_data,
			 m->cb_private_data_length);
	b->ep.remote = true;
	b->ep.remote_conn = a->ep.remote_conn;
	b->ep.peer = 0;
	b->ep.qp = m->qp_handle;
	nd_qp_connect_remote(nd, qpb, nd_obj_handle(nd, b), a->ep.ip,
			     a->ep.remote_conn);
	b->ep.state = NDC_CONNECTED;
	stub_free(nd, a, false);
	nd_irp_complete(nd, &b->ep.accept, ND_STATUS_SUCCESS, NULL, 0);
	nd->connections++;
}

static void connector_accept(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct nd_accept m;
	struct nd_obj *b, *a, *qpa, *qpb;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	b = nd_obj_get(nd, m.connector_handle, NDO_CONNECTOR, r->file);
	qpb = nd_obj_get(nd, m.qp_handle, NDO_QP, r->file);
	if (!b || !qpb) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (m.cb_private_data_length > ND_MAX_PRIVATE_DATA ||
	    (m.cb_private_data_length &&
	     m.cb_private_data_offset != offsetof(struct nd_accept,
						  private_data)) ||
	    m.read_limits.inbound > ND_MAX_READ_LIMIT ||
	    m.read_limits.outbound > ND_MAX_READ_LIMIT) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	a = nd_obj_peek(nd, b->ep.peer, NDO_CONNECTOR);
	if (a && a->ep.stub) {
		accept_remote(r, &m, b, a, qpb);
		return;
	}
	qpa = a ? nd_obj_peek(nd, a->ep.qp, NDO_QP) : NULL;
	if (b->ep.state != NDC_REQUESTED || qpb->qp.connected ||
	    qpb->qp.state == ND_QPS_ERR || !a || !qpa ||
	    a->ep.state != NDC_CONNECTING || qpa->qp.connected) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	if (!irp_take(r, &b->ep.accept))
		return;
	/* the connecting side reads what the accepting side said */
	a->ep.priv_len = m.cb_private_data_length;
	memset(a->ep.priv, 0, sizeof(a->ep.priv));
	memcpy(a->ep.priv, m.private_data, a->ep.priv_len);
	a->ep.limits.inbound = m.read_limits.outbound;
	a->ep.limits.outbound = m.read_limits.inbound;
	b->ep.qp = m.qp_handle;
	nd_qp_connect(nd, qpa, qpb);
	a->ep.state = NDC_CONNECTED;
	b->ep.state = NDC_CONNECTED;
	nd_irp_complete(nd, &a->ep.connect, ND_STATUS_SUCCESS, NULL, 0);
	nd_irp_complete(nd, &b->ep.accept, ND_STATUS_SUCCESS, NULL, 0);
	nd->connections++;
}

static void connector_reject(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct nd_reject m;
	struct nd_obj *b, *a;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	b = nd_obj_get(nd, m.connector_handle, NDO_CONNECTOR, r->file);
	if (!b) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (b->ep.state != NDC_REQUESTED ||
	    m.cb_private_data_length > ND_MAX_PRIVATE_DATA) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	a = nd_obj_peek(nd, b->ep.peer, NDO_CONNECTOR);
	if (a && a->ep.stub) {
		nd_fabric_answer(nd, a->ep.ip, a->ep.remote_conn, 0,
				 NDF_REJECT, NULL, NULL, m.private_data,
				 m.cb_private_data_length);
		stub_free(nd, a, false);
	} else if (a && a->ep.state == NDC_CONNECTING) {
		a->ep.priv_len = m.cb_private_data_length;
		memset(a->ep.priv, 0, sizeof(a->ep.priv));
		memcpy(a->ep.priv, m.private_data, a->ep.priv_len);
		a->ep.peer = 0;
		a->ep.state = NDC_IDLE;
		nd_irp_complete(nd, &a->ep.connect,
				ND_STATUS_CONNECTION_REFUSED, NULL, 0);
	}
	b->ep.peer = 0;
	b->ep.state = NDC_DISCONNECTED;
	nd->rejects++;
	r->status = ND_STATUS_SUCCESS;
}

/* COMPLETE_CONNECT: the connecting side is done; the QP's state back */
static void connector_complete_connect(struct nd_req *r)
{
	struct nd_complete_connect m;
	struct nd_obj *c;
	uint32_t state = ND_QPS_RTS;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	c = nd_obj_get(r->nd, m.hdr.handle, NDO_CONNECTOR, r->file);
	if (!c) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (c->ep.state != NDC_CONNECTED) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	memset(r->buf, 0, r->buf_len);
	memcpy(r->buf, &state, sizeof(state));
	r->status = ND_STATUS_SUCCESS;
}

static void connector_notify_disconnect(struct nd_req *r)
{
	struct nd_obj *c = nd_req_obj(r, sizeof(struct nd_handle), NDO_CONNECTOR);

	if (!c)
		return;
	if (c->ep.state != NDC_CONNECTED && c->ep.state != NDC_DISCONNECTED) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	if (!irp_take(r, &c->ep.notify))
		return;
	if (c->ep.state == NDC_DISCONNECTED)
		nd_irp_complete(r->nd, &c->ep.notify, ND_STATUS_DISCONNECTED,
				NULL, 0);
}

static void connector_disconnect(struct nd_req *r)
{
	struct nd_obj *c = nd_req_obj(r, sizeof(struct nd_handle), NDO_CONNECTOR);

	if (!c)
		return;
	if (!irp_take(r, &c->ep.disconnect))
		return;
	if (c->ep.state == NDC_CONNECTED)
		ep_disconnect(r->nd, c);
	/* its own wait for a disconnect ends with this one */
	nd_irp_complete(r->nd, &c->ep.notify, ND_STATUS_CANCELLED, NULL, 0);
	nd_irp_complete(r->nd, &c->ep.disconnect, ND_STATUS_SUCCESS, NULL, 0);
	r->nd->disconnects++;
}

/* GET_ADDRESS, GET_PEER_ADDRESS: a handle in, a sockaddr out */
static void ep_address(struct nd_req *r, enum nd_obj_type type, bool peer)
{
	struct nd_obj *o = nd_req_obj(r, ND_SOCKADDR_IOCTL_SIZE, type);
	struct nd_sockaddr_inet a;

	if (!o)
		return;
	if (!o->ep.bound || (peer && !o->ep.peer_ip)) {
		r->status = ND_STATUS_INVALID_DEVICE_STATE;
		return;
	}
	a = peer ? sockaddr(o->ep.peer_ip, o->ep.peer_port) :
		   sockaddr(o->ep.ip ? o->ep.ip : r->nd->ip, o->ep.port);
	memset(r->buf, 0, r->buf_len);
	memcpy(r->buf, &a, sizeof(a));
	r->status = ND_STATUS_SUCCESS;
}

static void connector_read_limits(struct nd_req *r)
{
	struct nd_obj *c = nd_req_obj(r, sizeof(struct nd_handle), NDO_CONNECTOR);

	if (!c)
		return;
	memset(r->buf, 0, r->buf_len);
	memcpy(r->buf, &c->ep.limits, sizeof(c->ep.limits));
	r->status = ND_STATUS_SUCCESS;
}

static void connector_private_data(struct nd_req *r)
{
	struct nd_obj *c = nd_req_obj(r, ND_PRIVATE_DATA_IOCTL_SIZE,
				     NDO_CONNECTOR);

	if (!c)
		return;
	memset(r->buf, 0, r->buf_len);
	memcpy(r->buf, c->ep.priv, sizeof(c->ep.priv));
	r->status = ND_STATUS_SUCCESS;
}

static void ep_cancel_io(struct nd_req *r, enum nd_obj_type type)
{
	struct nd_obj *o = nd_req_obj(r, sizeof(struct nd_handle), type);

	if (!o)
		return;
	ep_cancel(r->nd, o);
	r->status = ND_STATUS_SUCCESS;
}

/* ---- requests and answers from other hosts (fabric.c) ---------------- */

/* a CONNECT from another host: a stub queued on the listener */
void nd_cm_remote_connect(struct nd_dev *nd, uint32_t ip, uint16_t port_from,
			  uint64_t conn, uint16_t port,
			  const struct nd_read_limits *limits,
			  const uint8_t *priv, uint32_t priv_len)
{
	struct nd_obj *l = listener_at(nd, nd->ip, port), *s = NULL;

	if (l && l->ep.listening && l->ep.nqueue < l->ep.backlog)
		s = nd_obj_new(nd, NDO_CONNECTOR, -1);
	if (!s) {
		nd_fabric_answer(nd, ip, conn, 0, NDF_REJECT, NULL, NULL,
				 NULL, 0);
		return;
	}
	s->adapter_handle = l->adapter_handle;
	s->ep.stub = true;
	s->ep.bound = true;
	s->ep.ip = ip;
	s->ep.port = port_from;
	s->ep.remote_conn = conn;
	s->ep.limits = *limits;
	s->ep.priv_len = priv_len;
	memcpy(s->ep.priv, priv, priv_len);
	s->ep.state = NDC_CONNECTING;
	s->ep.listener = nd_obj_handle(nd, l);
	l->ep.queue[l->ep.nqueue++] = nd_obj_handle(nd, s);
	listener_match(nd, l);
}

/* the other host's ACCEPT or REJECT of @c's CONNECT */
void nd_cm_remote_answer(struct nd_dev *nd, struct nd_obj *c, bool accepted,
			 uint64_t remote_conn,
			 const struct nd_read_limits *limits,
			 const uint8_t *priv, uint32_t priv_len)
{
	struct nd_obj *qp = nd_obj_peek(nd, c->ep.qp, NDO_QP);

	if (c->ep.state != NDC_CONNECTING || c->ep.remote_conn) {
		nd->fabric_bad++;
		if (accepted)
			nd_fabric_answer(nd, c->ep.peer_ip, remote_conn, 0,
					 NDF_DISCONNECT, NULL, NULL, NULL, 0);
		return;
	}
	c->ep.priv_len = priv_len;
	memset(c->ep.priv, 0, sizeof(c->ep.priv));
	memcpy(c->ep.priv, priv, priv_len);
	if (!accepted || !remote_conn || !qp || qp->qp.connected ||
	    qp->qp.state == ND_QPS_ERR) {
		if (accepted)
			nd_fabric_answer(nd, c->ep.peer_ip, remote_conn, 0,
					 NDF_DISCONNECT, NULL, NULL, NULL, 0);
		c->ep.state = NDC_IDLE;
		c->ep.remote = false;
		nd_irp_complete(nd, &c->ep.connect,
				ND_STATUS_CONNECTION_REFUSED, NULL, 0);
		if (!accepted)
			nd->rejects++;
		return;
	}
	c->ep.limits.inbound = limits->outbound;
	c->ep.limits.outbound = limits->inbound;
	c->ep.remote_conn = remote_conn;
	nd_qp_connect_remote(nd, qp, nd_obj_handle(nd, c), c->ep.peer_ip,
			     remote_conn);
	c->ep.state = NDC_CONNECTED;
	nd_irp_complete(nd, &c->ep.connect, ND_STATUS_SUCCESS, NULL, 0);
	nd->connections++;
}

/* the other host's end went: as a local peer's DISCONNECT */
void nd_cm_remote_disconnect(struct nd_dev *nd, struct nd_obj *c)
{
	struct nd_obj *qp;

	if (c->ep.stub) {
		/* given up before the guest answered */
		struct nd_obj *l = nd_obj_peek(nd, c->ep.listener, NDO_LISTENER);

		if (l)
			queue_remove(l, nd_obj_handle(nd, c));
		stub_free(nd, c, false);
		return;
	}
	c->ep.remote = false;
	c->ep.remote_conn = 0;
	if (c->ep.state == NDC_CONNECTING) {
		c->ep.state = NDC_IDLE;
		nd_irp_complete(nd, &c->ep.connect,
				ND_STATUS_CONNECTION_REFUSED, NULL, 0);
		return;
	}
	qp = nd_obj_peek(nd, c->ep.qp, NDO_QP);
	if (qp)
		nd_qp_to_error(nd, qp);
	if (c->ep.state == NDC_CONNECTED) {
		c->ep.state = NDC_DISCONNECTED;
		nd_irp_complete(nd, &c->ep.notify, ND_STATUS_DISCONNECTED,
				NULL, 0);
		nd->disconnects++;
	}
}

bool nd_cm_ioctl(struct nd_req *r)
{
	switch (r->code) {
	case IOCTL_ND_LISTENER_CREATE:
		ep_create(r, NDO_LISTENER);
		return true;
	case IOCTL_ND_LISTENER_BIND:
		ep_bind(r, NDO_LISTENER);
		return true;
	case IOCTL_ND_LISTENER_LISTEN:
		listener_listen(r);
		return true;
	case IOCTL_ND_LISTENER_GET_ADDRESS:
		ep_address(r, NDO_LISTENER, false);
		return true;
	case IOCTL_ND_LISTENER_GET_CONNECTION_REQUEST:
		get_connection_request(r);
		return true;
	case IOCTL_ND_LISTENER_CANCEL_IO:
		ep_cancel_io(r, NDO_LISTENER);
		return true;
	case IOCTL_ND_CONNECTOR_CREATE:
		ep_create(r, NDO_CONNECTOR);
		return true;
	case IOCTL_ND_CONNECTOR_BIND:
		ep_bind(r, NDO_CONNECTOR);
		return true;
	case IOCTL_ND_CONNECTOR_CONNECT:
		connector_connect(r);
		return true;
	case IOCTL_ND_CONNECTOR_COMPLETE_CONNECT:
		connector_complete_connect(r);
		return true;
	case IOCTL_ND_CONNECTOR_ACCEPT:
		connector_accept(r);
		return true;
	case IOCTL_ND_CONNECTOR_REJECT:
		connector_reject(r);
		return true;
	case IOCTL_ND_CONNECTOR_GET_READ_LIMITS:
		connector_read_limits(r);
		return true;
	case IOCTL_ND_CONNECTOR_GET_PRIVATE_DATA:
		connector_private_data(r);
		return true;
	case IOCTL_ND_CONNECTOR_GET_PEER_ADDRESS:
		ep_address(r, NDO_CONNECTOR, true);
		return true;
	case IOCTL_ND_CONNECTOR_GET_ADDRESS:
		ep_address(r, NDO_CONNECTOR, false);
		return true;
	case IOCTL_ND_CONNECTOR_NOTIFY_DISCONNECT:
		connector_notify_disconnect(r);
		return true;
	case IOCTL_ND_CONNECTOR_DISCONNECT:
		connector_disconnect(r);
		return true;
	case IOCTL_ND_CONNECTOR_CANCEL_IO:
		ep_cancel_io(r, NDO_CONNECTOR);
		return true;
	}
	return false;
}
