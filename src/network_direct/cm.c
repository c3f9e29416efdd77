// SPDX-License-Identifier: GPL-2.0-only
/*
 * The iWARP connection manager's provider side, on the host's listeners
 * and connectors (LIS provider.c, hvnd_connect(), hvnd_accept(),
 * hvnd_create_listen(), hvnd_process_events()).
 *
 * Listening: LISTENER_CREATE, BIND, LISTEN, then one connector at a time
 * waits in GET_CONNECTION_REQUEST; when it completes, the request's
 * addresses, read limits and private data are read from that connector
 * and handed to iw_cm as CONNECT_REQUEST, and the next connector waits.
 * Connecting: CONNECTOR_CREATE, BIND, CONNECT; when the host completes
 * it, COMPLETE_CONNECT moves the QP to RTS and iw_cm gets CONNECT_REPLY.
 * Accepting: ACCEPT; its completion is ESTABLISHED.  A connection then
 * waits in NOTIFY_DISCONNECT for the peer; either end's disconnect (a QP
 * moved to ERR or SQD by iw_cm, or destroyed) is DISCONNECT, and iw_cm
 * gets one CLOSE, after which the driver drops its cm_id reference.
 *
 * An endpoint belongs to one user context (the host's objects belong to
 * that process's file): a connector to its QP's, a listener to the
 * calling process's.  IPv4 only, as the host's addresses.
 */
#include <linux/in.h>
#include <linux/slab.h>

#include "nd.h"

/* what a CONNECT carries of private data; ND has no length for it */
#define ND_REQ_PRIVATE_DATA	ND_CONNECT_PRIVATE_DATA

static struct nd_ep *nd_ep_alloc(struct nd_dev *nd, struct nd_proc *proc,
				 bool listener)
{
	struct nd_ep *ep = kzalloc(sizeof(*ep), GFP_KERNEL);

	if (!ep)
		return NULL;
	ep->nd = nd;
	kref_get(&proc->ref);
	ep->proc = proc;
	ep->listener = listener;
	mutex_init(&ep->lock);
	INIT_LIST_HEAD(&ep->uc_node);
	return ep;
}

/*
 * Listeners and the connectors they hand out live by rdma_cm, not by
 * the process whose file holds their host objects: the process keeps a
 * list of them, and when its last context goes first (nd_cm_proc_gone())
 * they tell the host nothing more (nd_proc_open()).  An ep holds its
 * process's memory; the process's contexts hold its files.
 */
static void nd_uc_track(struct nd_ep *ep)
{
	mutex_lock(&ep->nd->uc_lock);
	list_add(&ep->uc_node, &ep->proc->eps);
	mutex_unlock(&ep->nd->uc_lock);
}

/* a connector becomes a QP's (accept) or goes (reject) */
void nd_uc_forget(struct nd_ep *ep)
{
	mutex_lock(&ep->nd->uc_lock);
	list_del_init(&ep->uc_node);
	mutex_unlock(&ep->nd->uc_lock);
}

/* LISTENER_CREATE / CONNECTOR_CREATE on the context's adapter */
static int nd_ep_create(struct nd_ep *ep)
{
	struct nd_ep_create m = { };
	u64 handle;
	int ret;

	m.hdr.version = ND_IOCTL_VERSION;
	m.hdr.handle = ep->proc->adapter;
	ret = nd_ioctl(ep->nd, &ep->proc->file,
		       ep->listener ? IOCTL_ND_LISTENER_CREATE :
				      IOCTL_ND_CONNECTOR_CREATE,
		       &m, sizeof(m), NULL);
	if (ret)
		return ret;
	/* the output: the new object's handle, over the input */
	memcpy(&handle, &m, sizeof(handle));
	if (!handle)
		return -EIO;
	ep->handle = handle;
	return 0;
}

static void nd_ep_free(struct nd_ep *ep)
{
	nd_uc_forget(ep);
	if (ep->handle && nd_proc_open(ep->proc))
		nd_close_handle(ep->nd, &ep->proc->file,
				ep->listener ? IOCTL_ND_LISTENER_FREE :
					       IOCTL_ND_CONNECTOR_FREE,
				ep->handle);
	nd_proc_put(ep->proc);
	kfree(ep);
}

static int nd_ep_bind(struct nd_ep *ep, const struct sockaddr_in *sin)
{
	struct nd_bind m = { };

	m.version = ND_IOCTL_VERSION;
	m.handle = ep->handle;
	m.address.family = ND_AF_INET;
	m.address.port = sin->sin_port;
	m.address.addr = sin->sin_addr.s_addr;
	m.authentication_id = from_kuid(&init_user_ns, current_uid());
	return nd_ioctl(ep->nd, &ep->proc->file,
			ep->listener ? IOCTL_ND_LISTENER_BIND :
				       IOCTL_ND_CONNECTOR_BIND,
			&m, sizeof(m), NULL);
}

/* a sockaddr the host answers for @code on @ep's handle */
static int nd_ep_addr(struct nd_ep *ep, u32 code, struct sockaddr_storage *ss)
{
	u8 buf[ND_SOCKADDR_IOCTL_SIZE] = { };
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = ep->handle };
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct nd_sockaddr_inet a;
	int ret;

	memcpy(buf, &h, sizeof(h));
	ret = nd_ioctl(ep->nd, &ep->proc->file, code, buf, sizeof(buf), NULL);
	if (ret)
		return ret;
	memcpy(&a, buf, sizeof(a));
	if (a.family != ND_AF_INET)
		return -EIO;
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = a.port;
	sin->sin_addr.s_addr = a.addr;
	return 0;
}

static int nd_ep_read_limits(struct nd_ep *ep, struct nd_read_limits *rl)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = ep->handle };
	u8 buf[sizeof(h)];
	int ret;

	memcpy(buf, &h, sizeof(h));
	ret = nd_ioctl(ep->nd, &ep->proc->file,
		       IOCTL_ND_CONNECTOR_GET_READ_LIMITS, buf, sizeof(buf),
		       NULL);
	if (!ret)
		memcpy(rl, buf, sizeof(*rl));
	/* ird and ord are u8 in iw_cm: the host's values are bounded */
	if (!ret && (rl->inbound > 128 || rl->outbound > 128))
		ret = -EIO;
	return ret;
}

static int nd_ep_private_data(struct nd_ep *ep, u8 *priv)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = ep->handle };
	u8 buf[ND_PRIVATE_DATA_IOCTL_SIZE] = { };
	int ret;

	memcpy(buf, &h, sizeof(h));
	ret = nd_ioctl(ep->nd, &ep->proc->file,
		       IOCTL_ND_CONNECTOR_GET_PRIVATE_DATA, buf, sizeof(buf),
		       NULL);
	if (!ret)
		memcpy(priv, buf, ND_MAX_PRIVATE_DATA);
	return ret;
}

/* ---- connections ----------------------------------------------------- */

/*
 * iw_cm lets go: CLOSE if the connection was established (iw_cm BUG()s
 * on a CLOSE before), then the driver's cm_id reference goes.  Once.
 */
static void nd_ep_close(struct nd_ep *ep, int status)
{
	struct iw_cm_event ev = { .event = IW_CM_EVENT_CLOSE, .status = status };
	struct iw_cm_id *cm_id;
	bool established;

	mutex_lock(&ep->lock);
	cm_id = ep->cm_id;
	established = ep->established;
	ep->cm_id = NULL;
	mutex_unlock(&ep->lock);
	if (!cm_id)
		return;
	if (established)
		cm_id->event_handler(cm_id, &ev);
	cm_id->rem_ref(cm_id);
}

static void nd_notify_done(struct nd_irp *irp, u32 status, const u8 *out,
			   u32 len)
{
	struct nd_ep *ep = container_of(irp, struct nd_ep, notify);

	/* the peer went (DISCONNECTED); CANCELLED: our own end did */
	if (status != ND_STATUS_CANCELLED) {
		mutex_lock(&ep->qp->lock);
		ep->qp->state = IB_QPS_ERR;
		mutex_unlock(&ep->qp->lock);
		nd_ep_close(ep, -ECONNRESET);
	}
	nd_irp_finished(irp);
}

/* established: the QP sends, and waits for the peer's disconnect */
static void nd_ep_established(struct nd_ep *ep)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = ep->handle };

	mutex_lock(&ep->qp->lock);
	ep->qp->state = IB_QPS_RTS;
	mutex_unlock(&ep->qp->lock);
	mutex_lock(&ep->lock);
	ep->established = true;
	mutex_unlock(&ep->lock);
	ep->notify.done = nd_notify_done;
	if (nd_ioctl_async(ep->nd, &ep->proc->file,
			   IOCTL_ND_CONNECTOR_NOTIFY_DISCONNECT, &h, sizeof(h),
			   &ep->notify))
		dev_err_ratelimited(&ep->nd->hdev->device,
				    "a peer's disconnect will not be seen\n");
	else
		ep->notify_posted = true;
}

/* the active side's CONNECT_REPLY; a failure ends iw_cm's part */
static void nd_connect_reply(struct nd_ep *ep, int status, u8 *priv)
{
	struct iw_cm_event ev = {
		.event = IW_CM_EVENT_CONNECT_REPLY,
		.status = status,
	};
	struct iw_cm_id *cm_id;

	mutex_lock(&ep->lock);
	cm_id = ep->cm_id;
	if (status)
		ep->cm_id = NULL;
	mutex_unlock(&ep->lock);
	if (!cm_id)
		return;
	memcpy(&ev.local_addr, &cm_id->m_local_addr, sizeof(ev.local_addr));
	memcpy(&ev.remote_addr, &cm_id->m_remote_addr, sizeof(ev.remote_addr));
	if (!status) {
		ev.private_data = priv;
		ev.private_data_len = ND_MAX_PRIVATE_DATA;
		ev.ird = ep->ird;
		ev.ord = ep->ord;
	}
	cm_id->event_handler(cm_id, &ev);
	if (status)
		cm_id->rem_ref(cm_id);
}

/* CONNECT completed: finish it (COMPLETE_CONNECT), or it was refused */
static void nd_connect_done(struct nd_irp *irp, u32 status, const u8 *out,
			    u32 len)
{
	struct nd_ep *ep = container_of(irp, struct nd_ep, irp);
	struct nd_complete_connect m = { };
	u8 priv[ND_MAX_PRIVATE_DATA];
	int ret = -ECONNREFUSED;

	if (status == ND_STATUS_TIMEOUT)
		ret = -ETIMEDOUT;
	if (status == ND_STATUS_SUCCESS) {
		m.hdr.version = ND_IOCTL_VERSION;
		m.hdr.handle = ep->handle;
		ret = nd_ep_private_data(ep, priv);
		if (!ret)
			ret = nd_ioctl(ep->nd, &ep->proc->file,
				       IOCTL_ND_CONNECTOR_COMPLETE_CONNECT, &m,
				       sizeof(m), NULL);
		if (ret)
			ret = -ECONNRESET;
	}
	if (!ret)
		nd_ep_established(ep);
	nd_connect_reply(ep, ret, priv);
	nd_irp_finished(irp);
}

/* ACCEPT completed: nd_iw_accept() waits for it */
static void nd_accept_done(struct nd_irp *irp, u32 status, const u8 *out,
			   u32 len)
{
	struct nd_ep *ep = container_of(irp, struct nd_ep, irp);

	ep->accept_status = status;
	nd_irp_finished(irp);
}

/*
 * The QP of a connection, referenced and locked; NULL if it has one, or
 * is being destroyed
 */
static struct nd_qp *nd_cm_qp(struct iw_cm_id *cm_id, int qpn)
{
	struct ib_qp *ibqp = cm_id->device->ops.iw_get_qp(cm_id->device, qpn);
	struct nd_qp *qp;

	if (!ibqp)
		return NULL;
	qp = to_nd_qp(ibqp);
	nd_qp_get(qp);
	mutex_lock(&qp->lock);
	if (qp->ep || qp->dying) {
		mutex_unlock(&qp->lock);
		nd_qp_put(qp);
		return NULL;
	}
	return qp;
}

int nd_iw_connect(struct iw_cm_id *cm_id, struct iw_cm_conn_param *p)
{
	struct nd_dev *nd = to_nd(cm_id->device);
	struct sockaddr_in *laddr = (struct sockaddr_in *)&cm_id->m_local_addr;
	struct sockaddr_in *raddr = (struct sockaddr_in *)&cm_id->m_remote_addr;
	struct nd_connect m = { };
	struct nd_qp *qp;
	struct nd_ep *ep;
	int ret;

	if (laddr->sin_family != AF_INET || raddr->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	if (p->private_data_len > ND_CONNECT_PRIVATE_DATA || p->ird > 128 ||
	    p->ord > 128)
		return -EINVAL;
	qp = nd_cm_qp(cm_id, p->qpn);
	if (!qp)
		return -EINVAL;
	ep = nd_ep_alloc(nd, qp->uc->proc, false);
	if (!ep) {
		ret = -ENOMEM;
		goto err_qp;
	}
	ret = nd_ep_create(ep);
	if (ret)
		goto err_ep;
	ret = nd_ep_bind(ep, laddr);
	if (ret)
		goto err_ep;
	ep->qp = qp;
	ep->cm_id = cm_id;
	ep->ird = p->ird;
	ep->ord = p->ord;
	cm_id->provider_data = ep;
	cm_id->add_ref(cm_id);

	m.version = ND_IOCTL_VERSION;
	m.read_limits.inbound = p->ird;
	m.read_limits.outbound = p->ord;
	m.cb_private_data_length = p->private_data_len;
	m.cb_private_data_offset = offsetof(struct nd_connect, private_data);
	m.connector_handle = ep->handle;
	m.qp_handle = qp->handle;
	m.destination_address.family = ND_AF_INET;
	m.destination_address.port = raddr->sin_port;
	m.destination_address.addr = raddr->sin_addr.s_addr;
	m.retry_cnt = 7;
	m.rnr_retry_cnt = 7;
	if (p->private_data_len)
		memcpy(m.private_data, p->private_data, p->private_data_len);
	/* posted with the QP locked: its destroy finds it posted or not ours */
	ep->irp.done = nd_connect_done;
	ret = nd_ioctl_async(nd, &ep->proc->file, IOCTL_ND_CONNECTOR_CONNECT, &m,
			     sizeof(m), &ep->irp);
	if (ret) {
		cm_id->provider_data = NULL;
		cm_id->rem_ref(cm_id);
		goto err_ep;
	}
	ep->irp_posted = true;
	qp->ep = ep;
	mutex_unlock(&qp->lock);
	return 0;

err_ep:
	nd_ep_free(ep);
err_qp:
	mutex_unlock(&qp->lock);
	nd_qp_put(qp);
	return ret;
}

/*
 * ACCEPT, waited for: iw_cm takes an error from here, but a CLOSE before
 * ESTABLISHED would crash it, so the host's answer decides what
 * nd_iw_accept() returns.
 */
int nd_iw_accept(struct iw_cm_id *cm_id, struct iw_cm_conn_param *p)
{
	struct nd_ep *ep = cm_id->provider_data;
	struct iw_cm_event ev = { .event = IW_CM_EVENT_ESTABLISHED };
	struct nd_accept m = { };
	struct nd_qp *qp;
	int ret;

	if (!ep || ep->listener || ep->qp || !nd_proc_open(ep->proc))
		return -EINVAL;
	if (p->private_data_len > ND_MAX_PRIVATE_DATA || p->ird > 128 ||
	    p->ord > 128)
		return -EINVAL;
	qp = nd_cm_qp(cm_id, p->qpn);
	if (!qp)
		return -EINVAL;
	if (qp->uc->proc != ep->proc) {
		/* the host's objects are one process's: ND cannot mix them */
		mutex_unlock(&qp->lock);
		nd_qp_put(qp);
		return -EINVAL;
	}
	m.version = ND_IOCTL_VERSION;
	m.read_limits.inbound = p->ird;
	m.read_limits.outbound = p->ord;
	m.cb_private_data_length = p->private_data_len;
	m.cb_private_data_offset = offsetof(struct nd_accept, private_data);
	m.connector_handle = ep->handle;
	m.qp_handle = qp->handle;
	m.rnr_retry_cnt = 7;
	if (p->private_data_len)
		memcpy(m.private_data, p->private_data, p->private_data_len);
	ep->irp.done = nd_accept_done;
	ret = nd_ioctl_async(ep->nd, &ep->proc->file, IOCTL_ND_CONNECTOR_ACCEPT,
			     &m, sizeof(m), &ep->irp);
	if (!ret && !nd_irp_wait(ep->nd, &ep->irp))
		ret = -ETIMEDOUT;
	if (!ret && ep->accept_status != ND_STATUS_SUCCESS)
		ret = -ECONNRESET;
	if (ret) {
		/* the connector is done for; iw_cm goes back to idle */
		mutex_unlock(&qp->lock);
		nd_qp_put(qp);
		nd_uc_forget(ep);
		cm_id->provider_data = NULL;
		nd_ep_free(ep);
		return ret;
	}
	nd_uc_forget(ep);
	ep->qp = qp;
	ep->cm_id = cm_id;
	ep->ird = p->ird;
	ep->ord = p->ord;
	qp->ep = ep;
	cm_id->add_ref(cm_id);
	mutex_unlock(&qp->lock);
	/*
	 * ESTABLISHED before the wait for the peer's disconnect is posted:
	 * that can complete at once, on nd->wq, and iw_cm takes a CLOSE
	 * before ESTABLISHED (cm_id still in CONN_RECV) for a BUG()
	 */
	memcpy(&ev.local_addr, &cm_id->m_local_addr, sizeof(ev.local_addr));
	memcpy(&ev.remote_addr, &cm_id->m_remote_addr, sizeof(ev.remote_addr));
	ev.ird = ep->ird;
	ev.ord = ep->ord;
	cm_id->event_handler(cm_id, &ev);
	nd_ep_established(ep);
	return 0;
}

int nd_iw_reject(struct iw_cm_id *cm_id, const void *pdata, u8 len)
{
	struct nd_ep *ep = cm_id->provider_data;
	struct nd_reject m = { };

	if (!ep || ep->listener || ep->qp)
		return -EINVAL;
	m.version = ND_IOCTL_VERSION;
	m.cb_private_data_length = min_t(u32, len, ND_MAX_PRIVATE_DATA);
	m.cb_private_data_offset = offsetof(struct nd_reject, private_data);
	m.connector_handle = ep->handle;
	if (m.cb_private_data_length)
		memcpy(m.private_data, pdata, m.cb_private_data_length);
	nd_uc_forget(ep);
	if (nd_proc_open(ep->proc))
		nd_ioctl(ep->nd, &ep->proc->file, IOCTL_ND_CONNECTOR_REJECT, &m,
			 sizeof(m), NULL);
	cm_id->provider_data = NULL;
	nd_ep_free(ep);
	return 0;
}

static void nd_disconnect_done(struct nd_irp *irp, u32 status,
			       const u8 *out, u32 len)
{
	struct nd_ep *ep = container_of(irp, struct nd_ep, disc);

	nd_ep_close(ep, 0);
	nd_irp_finished(irp);
}

/* DISCONNECT an established connection, once; waited for */
static void nd_ep_disconnect(struct nd_ep *ep)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = ep->handle };
	bool post;

	mutex_lock(&ep->lock);
	post = ep->established && !ep->disc_posted;
	ep->disc_posted |= post;
	mutex_unlock(&ep->lock);
	if (!post)
		return;
	ep->disc.done = nd_disconnect_done;
	if (nd_ioctl_async(ep->nd, &ep->proc->file, IOCTL_ND_CONNECTOR_DISCONNECT,
			   &h, sizeof(h), &ep->disc)) {
		/* the host does not take it: this end is closed all the same */
		nd_ep_close(ep, 0);
		mutex_lock(&ep->lock);
		ep->disc_posted = false;
		ep->disc_failed = true;
		mutex_unlock(&ep->lock);
		return;
	}
	nd_irp_wait(ep->nd, &ep->disc);
}

/*
 * The QP leaves its connection: iw_cm moved it to ERR or SQD (a
 * disconnect), or it is being destroyed (@destroy: and the connector goes
 * too, once nothing is pending on it).  The QP's lock is not held.
 */
void nd_cm_qp_disconnect(struct nd_qp *qp, bool destroy)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION };
	struct nd_ep *ep;

	mutex_lock(&qp->lock);
	ep = qp->ep;
	if (destroy) {
		qp->dying = true;
		qp->ep = NULL;
	}
	mutex_unlock(&qp->lock);
	if (!ep)
		return;
	if (!destroy) {
		nd_ep_disconnect(ep);
		return;
	}
	/* a connect still pending is cancelled, and ends either way */
	h.handle = ep->handle;
	nd_ioctl(ep->nd, &ep->proc->file, IOCTL_ND_CONNECTOR_CANCEL_IO, &h,
		 sizeof(h), NULL);
	if (ep->irp_posted && !nd_irp_wait(ep->nd, &ep->irp))
		/* the host never answered the connect: iw_cm waits for one */
		nd_connect_reply(ep, -ETIMEDOUT, NULL);
	/* established: disconnect, which ends the wait for the peer too */
	nd_ep_disconnect(ep);
	nd_ioctl(ep->nd, &ep->proc->file, IOCTL_ND_CONNECTOR_CANCEL_IO, &h,
		 sizeof(h), NULL);
	if (ep->notify_posted)
		nd_irp_wait(ep->nd, &ep->notify);
	if (ep->disc_posted)
		nd_irp_wait(ep->nd, &ep->disc);
	nd_ep_close(ep, 0);
	nd_ep_free(ep);
	nd_qp_put(qp);
}

/* ---- listening ------------------------------------------------------- */

static void nd_gcr_done(struct nd_irp *irp, u32 status, const u8 *out,
			u32 len);

/* the next connector waits for a connection request (locked) */
static int nd_listen_next(struct nd_ep *l)
{
	struct nd_get_connection_request m = { };
	u8 buf[ND_SOCKADDR_IOCTL_SIZE] = { };
	struct nd_ep *c;
	int ret;

	c = nd_ep_alloc(l->nd, l->proc, false);
	if (!c)
		return -ENOMEM;
	ret = nd_ep_create(c);
	if (ret)
		goto err;
	nd_uc_track(c);
	c->parent = l;
	m.version = ND_IOCTL_VERSION;
	m.listener_handle = l->handle;
	m.connector_handle = c->handle;
	memcpy(buf, &m, sizeof(m));
	c->irp.done = nd_gcr_done;
	l->pending = c;
	ret = nd_ioctl_async(l->nd, &l->proc->file,
			     IOCTL_ND_LISTENER_GET_CONNECTION_REQUEST, buf,
			     sizeof(buf), &c->irp);
	if (!ret)
		return 0;
	l->pending = NULL;
err:
	nd_ep_free(c);
	return ret;
}

/* a request came (or the wait was cancelled): hand it to iw_cm */
static void nd_gcr_done(struct nd_irp *irp, u32 status, const u8 *out,
			u32 len)
{
	struct nd_ep *c = container_of(irp, struct nd_ep, irp);
	struct nd_ep *l = c->parent;
	struct iw_cm_event ev = { .event = IW_CM_EVENT_CONNECT_REQUEST };
	struct nd_read_limits rl;
	u8 priv[ND_MAX_PRIVATE_DATA];
	struct iw_cm_id *cm_id;
	bool take = false;

	mutex_lock(&l->lock);
	l->pending = NULL;
	cm_id = l->cm_id;
	if (status == ND_STATUS_SUCCESS && cm_id && !l->closing &&
	    !nd_ep_addr(c, IOCTL_ND_CONNECTOR_GET_PEER_ADDRESS,
			&ev.remote_addr) &&
	    !nd_ep_addr(c, IOCTL_ND_CONNECTOR_GET_ADDRESS, &ev.local_addr) &&
	    !nd_ep_read_limits(c, &rl) && !nd_ep_private_data(c, priv)) {
		ev.provider_data = c;
		ev.private_data = priv;
		ev.private_data_len = ND_REQ_PRIVATE_DATA;
		ev.ird = rl.inbound;
		ev.ord = rl.outbound;
		c->parent = NULL;
		take = true;
		/* held past the lock: destroy_listen may run meanwhile */
		cm_id->add_ref(cm_id);
	}
	if (l->closing) {
		/* nd_iw_destroy_listen() waits for it and frees it */
		mutex_unlock(&l->lock);
		nd_irp_finished(irp);
		return;
	}
	if (cm_id && status != ND_STATUS_CANCELLED)
		nd_listen_next(l);
	mutex_unlock(&l->lock);
	if (!take) {
		nd_ep_free(c);
		return;
	}
	/* iw_cm keeps the connector as the new cm_id's provider data */
	if (cm_id->event_handler(cm_id, &ev))
		nd_ep_free(c);
	cm_id->rem_ref(cm_id);
}

/* a listener on the calling process's files, if it opened a context */
static struct nd_ep *nd_listener_alloc(struct nd_dev *nd)
{
	struct nd_ep *l = ERR_PTR(-ENODATA);
	struct nd_proc *proc;

	mutex_lock(&nd->uc_lock);
	list_for_each_entry(proc, &nd->procs, node) {
		if (proc->tgid == current->tgid) {
			l = nd_ep_alloc(nd, proc, true) ?: ERR_PTR(-ENOMEM);
			break;
		}
	}
	mutex_unlock(&nd->uc_lock);
	return l;
}

int nd_iw_create_listen(struct iw_cm_id *cm_id, int backlog)
{
	struct nd_dev *nd = to_nd(cm_id->device);
	struct sockaddr_in *sin = (struct sockaddr_in *)&cm_id->m_local_addr;
	struct nd_listen m = { };
	struct nd_ep *l;
	int ret;

	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	/* a listener is a process's host object: kernel users have none */
	l = nd_listener_alloc(nd);
	if (IS_ERR(l))
		return PTR_ERR(l);
	ret = nd_ep_create(l);
	if (ret)
		goto err;
	nd_uc_track(l);
	ret = nd_ep_bind(l, sin);
	if (ret)
		goto err;
	m.version = ND_IOCTL_VERSION;
	m.back_log = clamp(backlog, 1, 16);
	m.listener_handle = l->handle;
	ret = nd_ioctl(nd, &l->proc->file, IOCTL_ND_LISTENER_LISTEN, &m, sizeof(m),
		       NULL);
	if (ret)
		goto err;
	l->cm_id = cm_id;
	cm_id->provider_data = l;
	cm_id->add_ref(cm_id);
	mutex_lock(&l->lock);
	ret = nd_listen_next(l);
	mutex_unlock(&l->lock);
	if (ret) {
		cm_id->provider_data = NULL;
		l->cm_id = NULL;
		cm_id->rem_ref(cm_id);
		goto err;
	}
	return 0;

err:
	nd_ep_free(l);
	return ret;
}

/* the listener takes no more requests: its waiting connector goes */
static void nd_listen_stop(struct nd_ep *l)
{
	struct nd_handle h = { .version = ND_IOCTL_VERSION, .handle = l->handle };
	struct nd_ep *c;

	mutex_lock(&l->lock);
	l->closing = true;
	c = l->pending;
	l->pending = NULL;
	mutex_unlock(&l->lock);
	if (!c)
		return;
	if (nd_proc_open(l->proc))
		nd_ioctl(l->nd, &l->proc->file, IOCTL_ND_LISTENER_CANCEL_IO, &h,
			 sizeof(h), NULL);
	/* its handler saw closing: it leaves the connector to us */
	nd_irp_wait(l->nd, &c->irp);
	nd_ep_free(c);
}

/*
 * A process's last user context goes (its files are closed next, and
 * the host frees their objects): listeners stop, and they and the
 * requests handed to iw_cm but not yet accepted or rejected forget the
 * process.
 */
void nd_cm_proc_gone(struct nd_dev *nd, struct nd_proc *proc)
{
	struct nd_ep *ep, *tmp;

	for (;;) {
		struct nd_ep *l = NULL;

		mutex_lock(&nd->uc_lock);
		list_for_each_entry(ep, &proc->eps, uc_node) {
			if (ep->listener && !ep->closing) {
				l = ep;
				break;
			}
		}
		mutex_unlock(&nd->uc_lock);
		if (!l)
			break;
		nd_listen_stop(l);
	}
	/* no handler is still using one */
	flush_work(&nd->complete_work);
	mutex_lock(&nd->uc_lock);
	WRITE_ONCE(proc->closed, true);
	list_for_each_entry_safe(ep, tmp, &proc->eps, uc_node)
		list_del_init(&ep->uc_node);
	mutex_unlock(&nd->uc_lock);
}

int nd_iw_destroy_listen(struct iw_cm_id *cm_id)
{
	struct nd_ep *l = cm_id->provider_data;

	if (!l)
		return 0;
	nd_listen_stop(l);
	mutex_lock(&l->lock);
	l->cm_id = NULL;
	mutex_unlock(&l->lock);
	cm_id->provider_data = NULL;
	cm_id->rem_ref(cm_id);
	nd_ep_free(l);
	return 0;
}
