/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_balloon: the guest side of Hyper-V Dynamic Memory (the DM protocol,
 * hvlis/dm.h).  main.c is the module, the channel and the version and
 * capability handshake; status.c the pressure reports the host sizes the
 * VM by, and the debugfs file; inflate.c ballooning (memory given to the
 * host and taken back) and the work item that serves every host request;
 * hot_add.c memory the host adds; report.c free page reporting.
 */
#ifndef HV_BALLOON_H
#define HV_BALLOON_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/notifier.h>
#include <linux/page_reporting.h>
#include <linux/spinlock.h>
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
	/* ballooning (inflate.c): requests in arrival order, one work item */
	struct work_struct balloon_work;
	spinlock_t pending_lock;
	struct list_head pending;	/* struct dm_pending */
	bool closing;			/* no more requests are queued */
	struct dm_balloon_response *resp;	/* a 4 KiB message */
	unsigned long pages_ballooned;	/* kernel pages the host has */
	unsigned long lo_pfn, hi_pfn;	/* [lo, hi): every ballooned page */
	u64 balloon_requests;
	u64 unballoon_messages;
	u64 pages_refused;		/* asked for but not given */
	u64 ranges_refused;		/* returned but not ours */
	/* hot-add (hot_add.c) */
	bool ha_enabled;		/* this device serves hot-add */
	bool ha_disabled;		/* ... until the memory map said no */
	bool ha_pinned;			/* memory was added: module pinned */
	spinlock_t ha_lock;		/* regions, against the online callback */
	struct list_head ha_regions;
	unsigned int ha_nregions;
	struct completion ol_done;	/* a block was onlined */
	struct notifier_block ha_nb;
	unsigned long pages_added;	/* backed in added memory */
	unsigned long pages_onlined;	/* ... and in the allocator */
	u64 ha_requests;
	u64 ha_refused;
	/* free page reporting (report.c) */
	struct page_reporting_dev_info pr;
	bool pr_on;			/* registered with the core */
	u32 pr_fail_run;		/* failed hints in a row */
	u64 pr_reports;
	u64 pr_pages;			/* 4 KiB pages reported */
	u64 pr_failures;
	u64 pr_ranges[PAGE_REPORTING_CAPACITY];	/* the callback's */
	/* copy of the host message being handled (tasklet only) */
	u8 recv[DM_MAX_MSG] __aligned(8);
};

/* main.c */
int dm_send(struct dm_device *dm, void *msg, u16 type, u16 size);

/* status.c */
extern unsigned int dm_pressure_report_delay;
void dm_status_start(struct dm_device *dm);
void dm_status_stop(struct dm_device *dm);
u64 dm_pages_committed(const struct dm_device *dm);
unsigned long dm_floor(unsigned long total);

/* inflate.c */
int dm_balloon_init(struct dm_device *dm);
void dm_queue_request(struct dm_device *dm, const struct dm_header *hdr);
void dm_balloon_stop(struct dm_device *dm);
void dm_balloon_exit(struct dm_device *dm);

/* hot_add.c */
extern bool dm_hot_add_param;
bool dm_hot_add_init(struct dm_device *dm);
void dm_hot_add_exit(struct dm_device *dm);
void dm_hot_add(struct dm_device *dm, const struct dm_hot_add *req, u16 size);

/* report.c: only where the kernel has the page_reporting core */
#ifdef CONFIG_PAGE_REPORTING
void dm_report_start(struct dm_device *dm);
void dm_report_stop(struct dm_device *dm);
void dm_report_check(struct dm_device *dm);
#else
static inline void dm_report_start(struct dm_device *dm) { }
static inline void dm_report_stop(struct dm_device *dm) { }
static inline void dm_report_check(struct dm_device *dm) { }
#endif

#endif /* HV_BALLOON_H */
