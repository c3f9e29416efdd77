/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils: the integration components (ICs) a Hyper-V guest answers.
 * One VMBus device per service; main.c binds them all, reads the host's
 * requests, negotiates versions (negotiate.c) and hands each request to
 * its service (shutdown.c, timesync.c, heartbeat.c), whose answer goes
 * back as the same packet changed in place (hvlis/icmsg.h).
 *
 * KVP (kvp.c), VSS (vss.c) and file copy (fcopy.c) need a daemon: their
 * requests go to user space through a character device (transport.c),
 * relayed by daemon.c, and are answered when the daemon is done.
 */
#ifndef HV_UTILS_H
#define HV_UTILS_H

#include <linux/workqueue.h>

#include <hvlis/icmsg.h>
#include <hvlis/vmbus.h>

/*
 * Largest IC message we accept: upstream reads into one page (shutdown,
 * timesync, heartbeat); KVP's biggest message is 2.6 KiB.
 */
#define UTIL_MSG_MAX		(2 * PAGE_SIZE)

/* ring sizes as upstream: 3 pages of data each way, plus the header page */
#define UTIL_RING_SIZE		(4 * PAGE_SIZE)

struct util_dev;
struct util_daemon_ops;

struct util_service {
	const char *name;		/* in messages: "Heartbeat IC" */
	u16 msgtype;			/* ICMSGTYPE_* of its requests */
	/* service versions, newest first (upstream's lists) */
	const int *versions;
	unsigned int nversions;
	/* framework versions, newest first */
	const int *fw_versions;
	unsigned int nfw_versions;
	/* the daemon that answers its requests, if any (daemon.c) */
	const struct util_daemon_ops *daemon;
	/* probe and remove; the channel is closed around them */
	int (*init)(struct util_dev *ud);
	void (*exit)(struct util_dev *ud);
	/*
	 * A request of @msgtype after negotiation: @msg is the whole
	 * message (framing included) of @len >= ICMSG_HDR bytes, to be
	 * changed in place into the answer.  Returns the HRESULT status.
	 * Runs in the channel's tasklet.
	 */
	u32 (*request)(struct util_dev *ud, u8 *msg, u32 len);
};

struct util_dev {
	struct hv_device *hdev;
	const struct util_service *svc;
	int fw_version;			/* negotiated, 0 before */
	int version;
	/* scheduled once the answer went out (shutdown's power-off) */
	struct work_struct *after_answer;
	/* a request kept by UTIL_DEFERRED: read nothing until it is answered */
	bool deferred;
	u64 trans_id;			/* of the request in msg */
	void *priv;			/* the service's state */
	struct util_daemon *daemon;	/* svc->daemon's relay */
	u8 msg[UTIL_MSG_MAX];		/* the request being answered */
};

/*
 * A service's request() returns this to keep the request: the service
 * answers it later with util_complete(), and no further request is read
 * until then (the host has one transaction out at a time anyway).
 */
#define UTIL_DEFERRED		0xffffffffU

/* answer the kept request (ud->msg, @len bytes) with @status */
void util_complete(struct util_dev *ud, u32 status, u32 len);

/* transport.c: /dev/vmbus/<name>, the daemons' end (upstream's ABI) */
struct util_transport;
struct util_transport_ops {
	size_t max_msg;			/* longest write accepted */
	/* a message the daemon wrote: 0 or -errno (the write's result) */
	int (*on_msg)(void *ctx, void *msg, size_t len);
	/* the daemon closed the device */
	void (*on_reset)(void *ctx);
};
struct util_transport *util_transport_create(const char *name,
					     const struct util_transport_ops *ops,
					     void *ctx);
void util_transport_destroy(struct util_transport *t);
/* queue @msg for the daemon's next read: -ENODEV without a daemon */
int util_transport_send(struct util_transport *t, const void *msg, size_t len,
			void (*on_read)(void *ctx));

/* daemon.c: a service whose requests a user-space daemon answers */
struct util_daemon;
struct util_daemon_ops {
	const char *devname;		/* "vmbus/hv_kvp" */
	const char *tag;		/* in messages: "KVP" */
	size_t request_size;		/* the longest message to the daemon */
	size_t answer_size;		/* the daemon's answers are this long */
	size_t hello_size;		/* its registration: at most this long */
	/*
	 * The daemon's first message: check it, queue our reply if the
	 * protocol has one (util_transport_send(d->t, ...)); 0 makes the
	 * daemon ready, -errno is the write's result.
	 */
	int (*hello)(struct util_daemon *d, const void *msg, size_t len);
	/* the kept request (ud->msg) as the daemon reads it: its length */
	ssize_t (*to_daemon)(struct util_dev *ud, void *buf);
	/*
	 * The daemon's answer into ud->msg: the status for the host;
	 * *wire_len (the request's length) may grow for a longer answer.
	 */
	u32 (*from_daemon)(struct util_dev *ud, const void *msg, u32 *wire_len);
	/* optional: the daemon closed the device (after a pending failure) */
	void (*gone)(struct util_dev *ud);
};

enum util_daemon_state {
	UTIL_DAEMON_NO_DAEMON,		/* requests fail at once */
	UTIL_DAEMON_READY,		/* the daemon registered */
	UTIL_DAEMON_PENDING,		/* a request is with the daemon */
};

struct util_daemon {
	struct util_dev *ud;
	const struct util_daemon_ops *ops;
	struct util_transport *t;
	struct util_transport_ops transport_ops;
	spinlock_t lock;		/* state, len, wait */
	enum util_daemon_state state;
	u32 len;			/* the pending request's length */
	unsigned long wait;		/* and its timeout, in jiffies */
	struct work_struct send;
	struct delayed_work timeout;
	void *buf;			/* send's message, request_size bytes */
};

struct util_daemon *util_daemon_create(struct util_dev *ud,
				       const struct util_daemon_ops *ops);
void util_daemon_destroy(struct util_daemon *d);
/*
 * Hand the kept request of @len bytes to the daemon, to be answered in
 * @wait jiffies at the latest: UTIL_DEFERRED, or HV_E_FAIL without one.
 */
u32 util_daemon_request(struct util_daemon *d, u32 len, unsigned long wait);

/* upstream's HV_UTIL_TIMEOUT: how long a daemon has for most requests */
#define UTIL_DAEMON_TIMEOUT	(30 * HZ)

/* thaw.c: thaw every file system a user froze; how many, or -errno */
int util_thaw_all(void);

/* negotiate.c: answer a NEGOTIATE message in place; the answer's length */
u32 util_negotiate(struct util_dev *ud, u8 *msg, u32 len, u32 size);

extern const struct util_service util_shutdown;
extern const struct util_service util_timesync;
extern const struct util_service util_heartbeat;
extern const struct util_service util_kvp;
extern const struct util_service util_vss;
extern const struct util_service util_fcopy;

#endif /* HV_UTILS_H */
