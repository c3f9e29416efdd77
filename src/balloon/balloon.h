/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_balloon: the guest side of Hyper-V Dynamic Memory (the DM protocol,
 * hvlis/dm.h).  main.c is the module, the channel and the version and
 * capability handshake; status.c the pressure reports the host sizes the
 * VM by, and the debugfs file.
 *
 * What it does today: the handshake, and a status report every second.
 * It reports the balloon and hot-add capabilities, as Hyper-V requires,
 * but serves neither yet, as upstream's driver does when they are turned
 * off: a balloon request gets "nothing given up" (the host takes it as
 * the guest's minimum), a hot-add "nothing added, do not retry", and
 * unballoon ranges, which cannot be ours, a line in the log.
 */
#ifndef HV_BALLOON_H
#define HV_BALLOON_H

#include <linux/completion.h>
#include <linux/workqueue.h>

#include <hvlis/dm.h>
#include <hvlis/vmbus.h>

/* the rings: 16 KiB of data each way, as upstream (plus the header page) */
#define DM_RING_SIZE		(5 * PAGE_SIZE)

enum dm_state {
	DM_INITIALIZING,	/* the handshake */
	DM_INITIALIZED,		/* reports flow */
	DM_INIT_ERROR,
};

struct dm_device {
	struct hv_device *hdev;
	enum dm_state state;
	u32 version;			/* agreed with the host */
	u64 caps;			/* what we reported */
	/* the handshake: the host's answer, read after host_event */
	struct completion host_event;
	u32 awaiting;			/* the answer's type, 0 when none */
	bool accepted;
	atomic_t trans_id;		/* our messages' ids */
	u64 max_dynamic_pages;		/* DM_INFO_MAX_PAGE_CNT, 0 if none */
	u32 pressure_delay;		/* reports still to skip */
	struct delayed_work status_work;
	struct dentry *debugfs;
	/* copy of the host message being handled (tasklet only) */
	u8 recv[DM_MAX_MSG] __aligned(8);
};

/* main.c */
int dm_send(struct dm_device *dm, void *msg, u16 type, u16 size);

/* status.c */
extern unsigned int dm_pressure_report_delay;
void dm_status_start(struct dm_device *dm);
void dm_status_stop(struct dm_device *dm);
u64 dm_pages_committed(void);

#endif /* HV_BALLOON_H */
