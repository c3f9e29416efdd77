// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay between a host request and a user-space daemon, shared by
 * KVP, VSS and file copy (upstream has the same state machine three
 * times, in hv_kvp.c, hv_snapshot.c and hv_fcopy.c):
 *
 *   NO_DAEMON --daemon's hello--> READY --host request--> PENDING
 *       ^                           ^                        |
 *       |                           +--answer or timeout-----+
 *       +------------- the daemon closes the device ---------+
 *
 * A request that arrives without a daemon fails at once, so the host is
 * never kept waiting on user space; one the daemon does not answer in
 * time fails when its timeout expires.  An answer that comes after that
 * is dropped but the write succeeds: upstream's daemons exit when a write
 * fails, and a slow answer is no reason to lose the daemon.
 */
#include <linux/slab.h>

#include "utils.h"

/* take the pending request to answer it; false if someone else did */
static bool daemon_take(struct util_daemon *d, u32 *len)
{
	bool mine;

	spin_lock_bh(&d->lock);
	mine = d->state == UTIL_DAEMON_PENDING;
	if (mine) {
		d->state = UTIL_DAEMON_READY;
		*len = d->len;
	}
	spin_unlock_bh(&d->lock);
	return mine;
}

static void daemon_fail_pending(struct util_daemon *d)
{
	u32 len;

	if (daemon_take(d, &len))
		util_complete(d->ud, HV_E_FAIL, len);
}

static void daemon_send(struct work_struct *work)
{
	struct util_daemon *d = container_of(work, struct util_daemon, send);
	ssize_t len;
	int ret;

	len = d->ops->to_daemon(d->ud, d->buf);
	ret = len < 0 ? len : util_transport_send(d->t, d->buf, len, NULL);
	if (ret) {
		dev_dbg(&d->ud->hdev->device, "%s: daemon not reached (%d)\n",
			d->ud->svc->name, ret);
		daemon_fail_pending(d);
	}
}

static void daemon_timeout(struct work_struct *work)
{
	struct util_daemon *d = container_of(work, struct util_daemon,
					     timeout.work);

	dev_warn_ratelimited(&d->ud->hdev->device,
			     "%s: the daemon did not answer in %lu s\n",
			     d->ud->svc->name, d->wait / HZ);
	daemon_fail_pending(d);
}

u32 util_daemon_request(struct util_daemon *d, u32 len, unsigned long wait)
{
	u32 status = UTIL_DEFERRED;

	spin_lock_bh(&d->lock);
	if (d->state == UTIL_DAEMON_READY) {
		d->state = UTIL_DAEMON_PENDING;
		d->len = len;
		d->wait = wait;
	} else {
		/* no daemon (a pending one cannot be: we read one at a time) */
		status = HV_E_FAIL;
	}
	spin_unlock_bh(&d->lock);
	if (status == UTIL_DEFERRED) {
		schedule_delayed_work(&d->timeout, wait);
		schedule_work(&d->send);
	}
	return status;
}

static int daemon_on_msg(void *ctx, void *msg, size_t len)
{
	struct util_daemon *d = ctx;
	struct device *dev = &d->ud->hdev->device;
	enum util_daemon_state state;
	u32 wire_len;
	int ret;

	spin_lock_bh(&d->lock);
	state = d->state;
	spin_unlock_bh(&d->lock);
	if (state == UTIL_DAEMON_NO_DAEMON) {
		ret = d->ops->hello(d, msg, len);
		if (ret)
			return ret;
		spin_lock_bh(&d->lock);
		d->state = UTIL_DAEMON_READY;
		spin_unlock_bh(&d->lock);
		dev_info(dev, "%s: daemon registered\n", d->ops->tag);
		return 0;
	}
	if (len != d->ops->answer_size)
		return -EINVAL;
	/* the timeout may have answered already: then this comes too late */
	if (!daemon_take(d, &wire_len)) {
		dev_dbg(dev, "%s: a late or unasked-for answer, dropped\n",
			d->ops->tag);
		return 0;
	}
	cancel_delayed_work(&d->timeout);
	util_complete(d->ud, d->ops->from_daemon(d->ud, msg, &wire_len),
		      wire_len);
	return 0;
}

static void daemon_on_reset(void *ctx)
{
	struct util_daemon *d = ctx;

	daemon_fail_pending(d);
	spin_lock_bh(&d->lock);
	d->state = UTIL_DAEMON_NO_DAEMON;
	spin_unlock_bh(&d->lock);
	if (d->ops->gone)
		d->ops->gone(d->ud);
}

struct util_daemon *util_daemon_create(struct util_dev *ud,
				       const struct util_daemon_ops *ops)
{
	struct util_daemon *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->ud = ud;
	d->ops = ops;
	spin_lock_init(&d->lock);
	d->state = UTIL_DAEMON_NO_DAEMON;
	INIT_WORK(&d->send, daemon_send);
	INIT_DELAYED_WORK(&d->timeout, daemon_timeout);
	d->buf = kzalloc(ops->request_size, GFP_KERNEL);
	if (!d->buf)
		goto err_free;
	d->transport_ops.max_msg = max(ops->answer_size, ops->hello_size);
	d->transport_ops.on_msg = daemon_on_msg;
	d->transport_ops.on_reset = daemon_on_reset;
	d->t = util_transport_create(ops->devname, &d->transport_ops, d);
	if (IS_ERR(d->t)) {
		void *err = d->t;

		kfree(d->buf);
		kfree(d);
		return err;
	}
	return d;

err_free:
	kfree(d);
	return ERR_PTR(-ENOMEM);
}

/* the channel is closed: no request comes, none can be answered */
void util_daemon_destroy(struct util_daemon *d)
{
	spin_lock_bh(&d->lock);
	d->state = UTIL_DAEMON_NO_DAEMON;
	spin_unlock_bh(&d->lock);
	cancel_work_sync(&d->send);
	cancel_delayed_work_sync(&d->timeout);
	util_transport_destroy(d->t);
	kfree(d->buf);
	kfree(d);
}
