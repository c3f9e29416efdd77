// SPDX-License-Identifier: GPL-2.0-only
/*
 * The character devices through which the KVP (and later VSS and file
 * copy) daemons talk to hv_utils: /dev/vmbus/hv_kvp and friends, with the
 * semantics of upstream's hv_utils_transport.c (Linux 6.12), so the
 * distributions' daemons work unchanged:
 *  - one opener at a time (a second open gets -EBUSY);
 *  - read() blocks until the kernel has a message, then returns it whole
 *    (-EINVAL if the buffer is smaller), one message per read;
 *  - write() hands one whole message to the service; its result is the
 *    write's (the length on success);
 *  - poll() says readable when a message waits, and EPOLLERR | EPOLLHUP
 *    once the device is going away, so the daemon closes its end;
 *  - closing the device resets the service (a transaction under way is
 *    failed to the host) and drops an unread message.
 * (The netlink connector path upstream also has is not provided: every
 * daemon since Linux 4.5 opens the device first.)
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "utils.h"

struct util_transport {
	struct miscdevice mdev;
	struct mutex lock;		/* all below */
	wait_queue_head_t outq;
	void *outmsg;
	size_t outlen;
	void (*on_read)(void *ctx);	/* once the daemon has the message */
	bool open, dying;
	struct completion released;
	const struct util_transport_ops *ops;
	void *ctx;
};

/* misc_open() points private_data at our miscdevice */
static struct util_transport *file_transport(struct file *f)
{
	return container_of(f->private_data, struct util_transport, mdev);
}

/* under t->lock */
static void transport_drop(struct util_transport *t)
{
	kfree(t->outmsg);
	t->outmsg = NULL;
	t->outlen = 0;
	t->on_read = NULL;
}

static ssize_t transport_read(struct file *f, char __user *buf, size_t count,
			      loff_t *ppos)
{
	struct util_transport *t = file_transport(f);
	void (*on_read)(void *ctx) = NULL;
	ssize_t ret;

	if (wait_event_interruptible(t->outq,
				     READ_ONCE(t->outlen) || READ_ONCE(t->dying)))
		return -EINTR;
	mutex_lock(&t->lock);
	if (t->dying) {
		ret = -EBADF;
	} else if (!t->outmsg) {
		ret = -EAGAIN;
	} else if (count < t->outlen) {
		ret = -EINVAL;
	} else if (copy_to_user(buf, t->outmsg, t->outlen)) {
		ret = -EFAULT;
	} else {
		ret = t->outlen;
		on_read = t->on_read;
		transport_drop(t);
	}
	mutex_unlock(&t->lock);
	if (on_read)
		on_read(t->ctx);
	return ret;
}

static ssize_t transport_write(struct file *f, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct util_transport *t = file_transport(f);
	void *msg;
	int ret;

	if (count > t->ops->max_msg)
		return -EINVAL;
	msg = memdup_user(buf, count);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = READ_ONCE(t->dying) ? -EBADF : t->ops->on_msg(t->ctx, msg, count);
	kfree(msg);
	return ret ? ret : count;
}

static __poll_t transport_poll(struct file *f, poll_table *wait)
{
	struct util_transport *t = file_transport(f);

	poll_wait(f, &t->outq, wait);
	if (READ_ONCE(t->dying))
		return EPOLLERR | EPOLLHUP;
	return READ_ONCE(t->outlen) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int transport_open(struct inode *inode, struct file *f)
{
	struct util_transport *t = file_transport(f);
	int ret = 0;

	mutex_lock(&t->lock);
	if (t->dying)
		ret = -EBADF;
	else if (t->open)
		ret = -EBUSY;
	else
		t->open = true;
	mutex_unlock(&t->lock);
	return ret;
}

static int transport_release(struct inode *inode, struct file *f)
{
	struct util_transport *t = file_transport(f);
	bool dying;

	mutex_lock(&t->lock);
	transport_drop(t);
	t->open = false;
	dying = t->dying;
	mutex_unlock(&t->lock);
	/* outside the lock: the service may fail a transaction to the host */
	t->ops->on_reset(t->ctx);
	if (dying)
		complete(&t->released);
	return 0;
}

static const struct file_operations transport_fops = {
	.owner = THIS_MODULE,
	.read = transport_read,
	.write = transport_write,
	.poll = transport_poll,
	.open = transport_open,
	.release = transport_release,
	.llseek = noop_llseek,
};

int util_transport_send(struct util_transport *t, const void *msg, size_t len,
			void (*on_read)(void *ctx))
{
	void *copy;
	int ret = 0;

	copy = kmemdup(msg, len, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	mutex_lock(&t->lock);
	if (t->dying || !t->open) {
		ret = -ENODEV;		/* no daemon */
	} else if (t->outmsg) {
		ret = -EBUSY;		/* the last one is still unread */
	} else {
		t->outmsg = copy;
		t->outlen = len;
		t->on_read = on_read;
		copy = NULL;
	}
	mutex_unlock(&t->lock);
	kfree(copy);
	if (!ret)
		wake_up_interruptible(&t->outq);
	return ret;
}

struct util_transport *util_transport_create(const char *name,
					     const struct util_transport_ops *ops,
					     void *ctx)
{
	struct util_transport *t;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	mutex_init(&t->lock);
	init_waitqueue_head(&t->outq);
	init_completion(&t->released);
	t->ops = ops;
	t->ctx = ctx;
	t->mdev.minor = MISC_DYNAMIC_MINOR;
	t->mdev.name = name;
	t->mdev.fops = &transport_fops;
	ret = misc_register(&t->mdev);
	if (ret) {
		kfree(t);
		return ERR_PTR(ret);
	}
	return t;
}

/*
 * The device goes away: a daemon that has it open sees EPOLLHUP and
 * -EBADF and closes it; we wait for that, since its file still points
 * at @t.  Runs after the channel is closed, so no new message comes.
 */
void util_transport_destroy(struct util_transport *t)
{
	bool open;

	mutex_lock(&t->lock);
	t->dying = true;
	open = t->open;
	mutex_unlock(&t->lock);
	wake_up_interruptible(&t->outq);
	misc_deregister(&t->mdev);
	if (open)
		wait_for_completion(&t->released);
	kfree(t->outmsg);
	kfree(t);
}
