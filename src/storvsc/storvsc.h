/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_storvsc internals: the SCSI low-level driver for Hyper-V's synthetic
 * SCSI, IDE and Fibre Channel controllers, speaking VMSTOR
 * (<hvlis/vstor.h>) over VMBus.
 *
 * One Scsi_Host per controller (VMBus device).  Its private data is the
 * struct storvsc_dev below.
 * Every blk-mq hardware queue has a channel of its own: the primary for
 * queue 0, sub-channel i for queue i, as far as the host gave us some.
 */
#ifndef _STORVSC_H
#define _STORVSC_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/scsi_host.h>

#include <hvlis/vmbus.h>
#include <hvlis/vstor.h>

enum storvsc_class {
	STORVSC_SCSI,
	STORVSC_IDE,
	STORVSC_FC,
};

/*
 * Our commands' block-layer timeout, and how long we wait for the host
 * to answer a control request (Linux 6.12 storvsc: 180 s).
 */
#define STORVSC_TIMEOUT_SECS		180
/* vmscsi_win8_extension.time_out_value, seconds (as Linux sends) */
#define STORVSC_SRB_TIMEOUT_SECS	60

/* Addressing per controller class (storvsc_drv.c 6.12) */
#define STORVSC_SCSI_MAX_LUNS		255
#define STORVSC_SCSI_MAX_TARGETS	2
#define STORVSC_SCSI_MAX_CHANNELS	8
#define STORVSC_FC_MAX_LUNS		255
#define STORVSC_FC_MAX_TARGETS		128
#define STORVSC_FC_MAX_CHANNELS		8
#define STORVSC_IDE_MAX_LUNS		64
#define STORVSC_IDE_MAX_TARGETS		1
#define STORVSC_IDE_MAX_CHANNELS	1

/*
 * Transfer size per request: what the host's QUERY_PROPERTIES says, within
 * these bounds (the upper one keeps the per-request PFN list small; FC
 * hosts take at most 512 KiB, storvsc_drv.c 6.12).
 */
#define STORVSC_MAX_XFER		(2U << 20)
#define STORVSC_FC_MAX_XFER		(512U << 10)

/* Channels per controller we use at most: the primary + sub-channels */
#define STORVSC_MAX_CHANNELS		64

/*
 * PFNs of a request's data buffer that fit in the descriptor built on the
 * stack; a longer list is allocated.  33 covers 128 KiB at any offset.
 */
#define STORVSC_INLINE_PFNS		33

/*
 * Transaction ids.  The host echoes them; they are never pointers.
 * Control requests: bit 63 set and a sequence number.  Commands: bits
 * 62..32 a non-zero sequence number, bits 31..0 the command's slot, so a
 * late or repeated answer never matches a newer use of the same slot.
 * 0 is what the host uses for messages of its own.
 */
#define STORVSC_ID_CTL			BIT_ULL(63)

/* Ratelimited messages at the level of the logging_level parameter */
#define STORVSC_LOG_ERR			1
#define STORVSC_LOG_WARN		2
extern int storvsc_logging_level;
#define storvsc_log(sd, level, fmt, ...)				\
	do {								\
		if (READ_ONCE(storvsc_logging_level) >= (level))	\
			dev_warn_ratelimited(&(sd)->hdev->device, fmt,	\
					     ##__VA_ARGS__);		\
	} while (0)

struct storvsc_dev;

/* One open channel: the primary (index 0) or a sub-channel */
struct storvsc_chan {
	struct storvsc_dev *sd;
	struct vmbus_channel *chan;
	u16 idx;
	/* open and not rescinded; published with release semantics */
	bool usable;
};

/*
 * A command the host owns.  One slot per blk-mq tag of every hardware
 * queue, so a completion finds its command by index, in memory of ours,
 * without asking the block layer about a tag the host made up.
 */
struct storvsc_slot {
	/* the transaction id while the host owns the command, else 0 */
	atomic64_t id;
	struct scsi_cmnd *cmd;
	u32 len;			/* bytes the command asked for */
	u16 chan_idx;			/* the channel it went out on */
};

/* Bits of storvsc_dev.events: work for the event worker */
enum {
	STORVSC_EV_SCAN,	/* look for new LUNs (and gone ones) */
	STORVSC_EV_CHECK,	/* a LUN is gone: find it and remove it */
	STORVSC_EV_RESCAN,	/* LUN parameters changed: revalidate */
};

/* One controller; the Scsi_Host's private data */
struct storvsc_dev {
	struct hv_device *hdev;
	struct Scsi_Host *shost;
	enum storvsc_class cls;
	u32 ring_size;			/* per direction, control page included */

	/* from the initialization exchange */
	u16 proto;			/* VMSTOR_PROTO_VERSION_* */
	u8 sense_len;			/* sense bytes the host may return */
	u32 max_xfer;			/* bytes per request */
	u16 host_max_subch;
	bool multi_channel;
	u64 node_name, port_name;	/* FC: active WWNs */

	/*
	 * chans[0] is the primary; chans[1..nr_chans-1] the sub-channels we
	 * asked for, usable once the host offered and we opened them.
	 */
	u16 nr_chans;
	struct storvsc_chan chans[STORVSC_MAX_CHANNELS];

	/* control requests (initialization, bus reset): one at a time */
	struct mutex ctl_lock;
	spinlock_t ctl_slock;		/* ctl_id, ctl_resp* vs. the callback */
	u64 ctl_id;			/* the answer we wait for; 0: none */
	u64 ctl_seq;
	struct completion ctl_done;
	struct vstor_packet ctl_resp;
	u32 ctl_resp_len;

	/* commands */
	struct storvsc_slot *slots;	/* [hw queue * depth + tag] */
	u32 depth;			/* tags per hardware queue */
	u32 nr_slots;
	atomic_t io_seq;
	atomic_t outstanding;		/* commands the host owns */
	wait_queue_head_t drain_wq;
	bool dead;			/* host gone: fail all I/O */
	bool removing;
	/* scsi_add_host() done, scsi_remove_host() not begun: tags exist */
	bool host_added;

	/* hot add/remove and parameter changes, off the interrupt path */
	struct workqueue_struct *wq;
	struct work_struct event_work;
	unsigned long events;

	struct fc_rport *rport;		/* FC: the one remote port */
};

static inline struct storvsc_dev *shost_to_storvsc(struct Scsi_Host *shost)
{
	return shost_priv(shost);
}

static inline struct vmbus_channel *storvsc_primary(struct storvsc_dev *sd)
{
	return sd->hdev->channel;
}

/* The host can no longer answer: the device was rescinded or torn down. */
static inline bool storvsc_is_dead(struct storvsc_dev *sd)
{
	return READ_ONCE(sd->dead) || READ_ONCE(storvsc_primary(sd)->rescind);
}

/* main.c: module parameters */
extern int storvsc_ring_avail_lowater;

/* protocol.c */
int storvsc_ctl_exec(struct storvsc_dev *sd, struct vstor_packet *pkt,
		     u32 min_resp_len);
void storvsc_ctl_complete(struct storvsc_dev *sd, u64 id,
			  const struct vstor_packet *resp, u32 len);
int storvsc_connect(struct storvsc_dev *sd, unsigned int want_subch);
void storvsc_stop_subchannels(struct storvsc_dev *sd);
void storvsc_disconnect(struct storvsc_dev *sd);
void storvsc_set_wwn(struct storvsc_dev *sd,
		     const struct hv_fc_wwn_packet *wwn);

/* io.c */
int storvsc_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd);
void storvsc_on_channel(void *context);
unsigned int storvsc_fail_inflight(struct storvsc_dev *sd, int chan_idx,
				   int hbyte);
bool storvsc_drain(struct storvsc_dev *sd, unsigned long timeout);
bool storvsc_timed_out(struct storvsc_dev *sd, struct scsi_cmnd *cmd);

/* host.c */
extern COMPAT_CONST_SHT struct scsi_host_template storvsc_sht;
void storvsc_event(struct storvsc_dev *sd, unsigned int ev);
void storvsc_event_work(struct work_struct *work);

/* fc.c: the FC transport class, where the kernel has it */
int storvsc_fc_init(void);
void storvsc_fc_exit(void);
void storvsc_fc_setup(struct storvsc_dev *sd);
int storvsc_fc_add(struct storvsc_dev *sd);
void storvsc_fc_remove(struct storvsc_dev *sd);
void storvsc_fc_update(struct storvsc_dev *sd);

#endif /* _STORVSC_H */
