/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Dynamic Memory host's internals, shared by dm.c (the channel, the
 * handshake, status reports, control commands) and balloon.c (balloon and
 * unballoon transactions, the record of what the guest gave up).
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
};

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

#endif /* HVSIM_DM_H */
