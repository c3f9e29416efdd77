/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the integration components (ICs): what a Hyper-V host
 * does on the shutdown, timesync and heartbeat channels.  ic.c is the
 * framework every IC shares, each service a file of its own.
 *
 * Sources: microsoft/openvmm vm/devices/hyperv_ic (the host: negotiate on
 * open, one transaction at a time, per-service messages) and
 * hyperv_ic_protocol (the framing), include/linux/hyperv.h and
 * drivers/hv/hv_util.c (Linux 6.12, the guest), as hvlis/icmsg.h cites.
 *
 * The life of a channel: the guest opens it; the host sends NEGOTIATE
 * with its framework versions and the service's, newest first (the
 * device's fw= and versions= options choose them, so tests can be an old
 * host); the guest picks one of each.  An answer that picks nothing, or
 * something not offered, leaves the channel "failed": no more requests.
 * Otherwise the service runs: at most one request is outstanding, and the
 * guest's answer must be an in-band packet with that trans_id, the
 * request's message type and the RESPONSE flag, or it is counted as bad.
 */
#ifndef HVSIM_IC_H
#define HVSIM_IC_H

#include <hvlis/icmsg.h>

#include "vmbus/vsp.h"

#define IC_MAX_VERSIONS		8
/* the biggest request we send (fcopy) and answer we take, framed */
#define IC_MAX_MSG		8192

enum ic_state {
	IC_CLOSED,		/* channel not open */
	IC_NEGOTIATING,		/* NEGOTIATE sent, no answer yet */
	IC_READY,		/* versions agreed */
	IC_FAILED,		/* the guest agreed to nothing we offered */
};

struct ic_dev;

struct ic_service {
	uint16_t msgtype;			/* ICMSGTYPE_* */
	const uint32_t *versions;		/* default offer, newest first */
	unsigned int nversions;
	/* framework versions offered; NULL: 3.0 and 1.0 */
	const uint32_t *fw_versions;
	unsigned int nfw_versions;
	uint32_t default_interval_ms;		/* periodic requests; 0 none */
	size_t priv_size;			/* ic->priv, zeroed per device */
	/* versions agreed: send the first request if the service has one */
	void (*on_ready)(struct ic_dev *ic);
	/* the periodic timer fired (the service decides what to send) */
	void (*on_tick)(struct ic_dev *ic);
	/*
	 * The guest answered the outstanding request: @status is its
	 * HRESULT, @payload/@len what follows the framing (checked
	 * against nothing: the service checks its sizes).
	 */
	void (*on_answer)(struct ic_dev *ic, uint32_t status,
			  const uint8_t *payload, uint32_t len);
	/* the channel closed (an outstanding request is lost) */
	void (*on_close)(struct ic_dev *ic);
	/* the device goes away: free what priv points to */
	void (*on_free)(struct ic_dev *ic);
};

struct ic_dev {
	struct vsp_device *dev;
	const struct ic_service *svc;
	struct hv_chan *ch;			/* while open */
	enum ic_state state;
	/* what we offer */
	uint32_t fw_offer[IC_MAX_VERSIONS], ver_offer[IC_MAX_VERSIONS];
	unsigned int nfw, nver;
	/* what the guest chose */
	uint32_t fw_version, version;
	/* the outstanding request */
	bool busy;
	uint64_t busy_trans_id;
	uint16_t busy_msgtype;
	uint64_t next_trans_id;
	/* periodic requests */
	uint32_t interval_ms;
	struct hv_timer timer;
	/* counters for the control commands */
	uint64_t sent, answered, bad_answers, negotiations;
	void *priv;
};

/* the IC device behind @dev if it is one of ours, else NULL */
struct ic_dev *ic_of(struct vsp_device *dev);
/*
 * The first device of class @name, or the one @arg names (relid or
 * instance); NULL with a ctl_fail() reason.
 */
struct ic_dev *ic_find(struct hvsim *hs, struct ctl_conn *c, const char *name,
		       const char *arg);
/*
 * Send a request: framing, then @payload.  -EBUSY while one is
 * outstanding, -ENOTCONN before the versions are agreed, else
 * chan_send()'s result.
 */
int ic_send(struct ic_dev *ic, const void *payload, uint32_t len);
/* UTF-8 to UTF-16LE with a NUL, at most @max bytes; bytes used, or -1 */
int ic_utf16_from(const char *s, void *out, size_t max);
/*
 * UTF-16LE of @bytes bytes from the guest to printable UTF-8 in @out
 * (control characters and bad surrogates become '?'); false if @bytes is
 * odd, more than @max, or no NUL ends the string within it.
 */
bool ic_utf16_to(const void *in, uint32_t bytes, uint32_t max, char *out,
		 size_t outlen);
/* "3.0" */
const char *ic_version_str(uint32_t v, char buf[16]);
/* print the common part of a status line: state, versions, counters */
void ic_print_common(struct ctl_conn *c, const struct ic_dev *ic);

/* each service's struct vsp_ops hooks share ic.c's */
int ic_probe(struct vsp_device *dev, const struct ic_service *svc, int nopts,
	     const struct opt_kv *opts, char *err, size_t errlen);
void ic_remove(struct vsp_device *dev);
void ic_opened(struct hv_chan *ch);
int ic_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt);
void ic_close(struct hv_chan *ch);
#define IC_NOPTS	3
extern const struct opt_spec ic_opts[IC_NOPTS];

#define IC_VSP_OPS(cls, svc, ...) {					\
	.name = cls,							\
	.offer = {							\
		.chn_flags = VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE |	\
			     VMBUS_CHANNEL_NAMED_PIPE_MODE,		\
		.pipe_message = true,					\
	},								\
	.opts = ic_opts,						\
	.nopts = IC_NOPTS,							\
	.probe = svc##_probe,						\
	.remove = ic_remove,						\
	.on_opened = ic_opened,						\
	.on_packet = ic_packet,						\
	.on_close = ic_close,						\
	__VA_ARGS__							\
}

#endif /* HVSIM_IC_H */
