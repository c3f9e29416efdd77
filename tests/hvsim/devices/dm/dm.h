/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Dynamic Memory host's internals, shared by dm.c (the channel, the
 * handshake, status reports, control commands), balloon.c (balloon and
 * unballoon transactions, the record of what the guest gave up),
 * hot_add.c (memory given above startup) and policy.c (what the host
 * decides from the reports).
 */
#ifndef HVSIM_DM_H
#define HVSIM_DM_H

#include <hvlis/dm.h>

#include "vmbus/vsp.h"

enum dm_state {
	DMS_CLOSED,		/* no open channel */
	DMS_VERSION,		/* open: waiting for an acceptable version */
	DMS_CAPS,		/* version agreed: waiting for capabilities */
	DMS_READY,		/* handshake done: status reports flow */
};

/* the one transaction the host has running (QEMU runs one at a time too) */
enum dm_xact {
	DMX_NONE,
	DMX_BALLOON,		/* BALLOON_REQUEST sent, responses coming */
	DMX_UNBALLOON,		/* sending UNBALLOON_REQUESTs */
	DMX_UNBALLOON_WAIT,	/* all sent, waiting for the response */
	DMX_HOT_ADD,		/* MEM_HOT_ADD_REQUEST sent */
};

/* status reports "memory history" keeps */
#define DM_HISTORY	256

/* ranges in one unballoon request: the guest takes 4096-byte messages */
#define DM_UNBALLOON_RANGES \
	((DM_MAX_MSG - sizeof(struct dm_unballoon_request)) / sizeof(uint64_t))

struct dm_dev {
	struct vsp_device *dev;
	struct hv_chan *ch;		/* the open channel, NULL when closed */
	enum dm_state state;
	uint32_t max_version;		/* the newest the host accepts */
	uint32_t version;		/* agreed, 0 before */
	uint64_t caps;			/* the guest's, once accepted */
	uint64_t versions_refused;
	uint64_t bad;			/* malformed or out-of-state messages */
	uint64_t reports;
	uint64_t last_report_ns;
	struct dm_status last;		/* the last status report */

	/* balloon.c */
	uint32_t host_tid;		/* the host's own transaction ids */
	enum dm_xact xact;
	uint64_t asked;			/* pages of the running balloon request */
	uint64_t received;		/* ... given so far */
	uint64_t to_return;		/* pages of the running unballoon */
	uint64_t cursor;		/* ... bitmap page to look at next */
	/* one bit per 4 KiB page of the --ram file: the guest gave it up */
	uint64_t *given;
	uint64_t ram_pages;
	uint64_t ballooned;		/* pages set in @given */
	uint64_t balloon_requests;
	uint64_t pages_received;	/* over all balloon requests */
	uint64_t pages_returned;
	uint64_t ranges_bad;		/* refused ranges in responses */
	uint64_t discard_errors;	/* holes that could not be punched */

	/* hot_add.c, in 4 KiB pages */
	uint64_t hot_added;		/* the guest has them above startup */
	uint64_t ha_offered;		/* the running request's */
	uint64_t ha_last;		/* the last response's */
	uint64_t ha_requests;
	uint64_t ha_failed;		/* responses with nothing added */
	bool ha_refused;		/* the guest said never */

	/* policy.c, in 4 KiB pages */
	bool dynamic;			/* the policy runs on each report */
	uint64_t startup, min, max;
	uint32_t buffer_pct;
	uint64_t short_pages;		/* demand the balloon could not meet */
	uint64_t policy_balloons;
	uint64_t policy_unballoons;
	uint64_t policy_hot_adds;
	/* one sample a report, the last DM_HISTORY (memory history) */
	struct dm_sample {
		uint64_t ms;		/* since the handshake */
		uint32_t committed_mb, target_mb, ballooned_mb, added_mb;
		uint32_t guest_mb;	/* startup + added - ballooned */
		uint32_t file_mb;	/* the --ram file's allocated MiB */
	} history[DM_HISTORY];
	unsigned int nhistory;		/* samples taken, all time */
	uint64_t ready_ns;
};

void dm_bad(struct dm_dev *dm, const char *why, unsigned int type);

/* balloon.c */
int dm_balloon_alloc(struct dm_dev *dm);
void dm_balloon_free(struct dm_dev *dm);
/* the channel closed: the running transaction ends with it */
void dm_balloon_closed(struct dm_dev *dm);
void dm_balloon_response(struct dm_dev *dm, const struct vmbus_pkt *pkt,
			 uint16_t size);
void dm_unballoon_response(struct dm_dev *dm);
void dm_writable(struct hv_chan *ch);
/* start a transaction of @pages 4 KiB pages: 0 or a reason */
const char *dm_balloon_start(struct dm_dev *dm, uint64_t pages);
const char *dm_unballoon_start(struct dm_dev *dm, uint64_t pages);
const char *dm_unballoon_forged(struct dm_dev *dm, uint64_t pfn, uint32_t n);
void dm_balloon_print(struct ctl_conn *c, const struct dm_dev *dm);

/* hot_add.c */
uint64_t dm_hot_add_room(const struct dm_dev *dm);
const char *dm_hot_add_start(struct dm_dev *dm, uint64_t pages);
const char *dm_hot_add_forged(struct dm_dev *dm, uint64_t pfn, uint32_t n,
			      uint64_t rpfn, uint32_t rn);
void dm_hot_add_response(struct dm_dev *dm, const struct vmbus_pkt *pkt);
void dm_hot_add_print(struct ctl_conn *c, const struct dm_dev *dm);

/* policy.c */
void dm_policy_init(struct dm_dev *dm, uint32_t startup_mb, uint32_t min_mb,
		    bool min_set, uint32_t max_mb, uint32_t buffer_pct, bool dynamic);
void dm_policy_report(struct dm_dev *dm);
void dm_policy_print(struct ctl_conn *c, const struct dm_dev *dm);
void dm_history_print(struct ctl_conn *c, const struct dm_dev *dm);
const char *dm_policy_set(struct dm_dev *dm, const char *what, uint64_t v);

#endif /* HVSIM_DM_H */
