// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Dynamic Memory policy: what Hyper-V Manager's memory settings make
 * the host do with a guest's pressure reports.
 *
 *   startup   the memory the guest booted with (default: all its RAM)
 *   minimum   never balloon the guest below this (default 512 MiB)
 *   maximum   never give it more than this
 *   buffer    a percentage of its demand kept free for it
 *
 * Demand is the report's num_committed minus the pages the host holds:
 * the guest counts its ballooned pages as committed (upstream's
 * get_pages_committed(), so that a balloon never reads as lower demand),
 * and the host knows how many it took.  The target is demand plus the
 * buffer, within [minimum, maximum]; the guest has startup minus what is
 * ballooned.  On each report, with no transaction running, the host
 * balloons the excess over the target or gives pages back up to it, in
 * steps of at most 128 MiB, ignoring differences under 16 MiB so that a
 * steady guest is left alone.  Memory the balloon cannot give comes by
 * hot-add (above startup, up to the RAM QEMU maps); demand beyond both
 * is shown as memory.short_mb.
 */
#include <string.h>
#include <sys/stat.h>

#include "dm.h"

#define DM_MB		256ull		/* 4 KiB pages in a MiB */
#define DM_STEP		(128 * DM_MB)
#define DM_SLACK	(16 * DM_MB)

void dm_policy_init(struct dm_dev *dm, uint32_t startup_mb, uint32_t min_mb,
		    bool min_set, uint32_t max_mb, uint32_t buffer_pct, bool dynamic)
{
	dm->startup = startup_mb ? startup_mb * DM_MB : dm->ram_pages;
	/*
	 * Hyper-V Manager's default minimum, 512 MiB: without one the
	 * balloon feeds on itself, since upstream's floor shrinks with the
	 * memory the guest has left and so does the demand it reports.
	 */
	dm->min = min_set ? min_mb * DM_MB : 512 * DM_MB;
	if (dm->min > dm->startup)
		dm->min = dm->startup;
	dm->max = max_mb ? max_mb * DM_MB : dm->ram_pages;
	dm->buffer_pct = buffer_pct;
	dm->dynamic = dynamic;
}

/* the memory the guest should have now, in pages (0 before a report) */
static uint64_t target(const struct dm_dev *dm)
{
	uint64_t c = dm->last.num_committed, demand, t;

	if (!dm->reports)
		return 0;
	demand = c > dm->ballooned ? c - dm->ballooned : 0;
	t = demand + demand * dm->buffer_pct / 100;
	if (t < dm->min)
		t = dm->min;
	if (t > dm->max)
		t = dm->max;
	return t;
}

/* a sample for "memory history": what the policy saw and did */
static void sample(struct dm_dev *dm, uint64_t t)
{
	const char *path = vsp_dev_hvsim(dm->dev)->gm.ram_path;
	struct dm_sample *s = &dm->history[dm->nhistory++ % DM_HISTORY];
	uint64_t have;
	struct stat st;

	s->ms = (now_ns() - dm->ready_ns) / 1000000;
	s->committed_mb = (uint32_t)(dm->last.num_committed / DM_MB);
	s->target_mb = (uint32_t)(t / DM_MB);
	s->ballooned_mb = (uint32_t)(dm->ballooned / DM_MB);
	s->added_mb = (uint32_t)(dm->hot_added / DM_MB);
	have = dm->startup + dm->hot_added;
	s->guest_mb = (uint32_t)((have > dm->ballooned ? have - dm->ballooned : 0) /
				 DM_MB);
	s->file_mb = path && !stat(path, &st) ? (uint32_t)(st.st_blocks / 2048) : 0;
}

void dm_history_print(struct ctl_conn *c, const struct dm_dev *dm)
{
	unsigned int i = dm->nhistory > DM_HISTORY ? dm->nhistory - DM_HISTORY : 0;

	for (; i < dm->nhistory; i++) {
		const struct dm_sample *s = &dm->history[i % DM_HISTORY];

		ctl_printf(c, "memory.sample ms=%llu committed_mb=%u target_mb=%u guest_mb=%u ballooned_mb=%u hot_added_mb=%u ram_file_mb=%u",
			   (unsigned long long)s->ms, s->committed_mb, s->target_mb,
			   s->guest_mb, s->ballooned_mb, s->added_mb, s->file_mb);
	}
}

void dm_policy_report(struct dm_dev *dm)
{
	uint64_t t = target(dm), cap = dm->startup + dm->hot_added, have, n;

	sample(dm, t);

	/* what neither the balloon nor hot-add can give */
	n = cap + dm_hot_add_room(dm);
	dm->short_pages = t > n ? t - n : 0;
	if (!dm->dynamic || dm->xact != DMX_NONE)
		return;
	have = cap > dm->ballooned ? cap - dm->ballooned : 0;
	if (have > t + DM_SLACK && (dm->caps & DM_CAP_BALLOON)) {
		n = have - t < DM_STEP ? have - t : DM_STEP;
		if (!dm_balloon_start(dm, n))
			dm->policy_balloons++;
	} else if (t > have + DM_SLACK || (t > have && t >= cap)) {
		/* (all back when the guest needs all it has) */
		n = t - have < DM_STEP ? t - have : DM_STEP;
		if (dm->ballooned) {
			if (!dm_unballoon_start(dm, n < dm->ballooned ? n : dm->ballooned))
				dm->policy_unballoons++;
		} else if (!dm->ha_refused && dm_hot_add_room(dm) &&
			   (dm->caps & DM_CAP_HOT_ADD)) {
			if (!dm_hot_add_start(dm, n))
				dm->policy_hot_adds++;
		}
	}
}

void dm_policy_print(struct ctl_conn *c, const struct dm_dev *dm)
{
	ctl_printf(c, "memory.dynamic=%s", dm->dynamic ? "on" : "off");
	ctl_printf(c, "memory.startup_mb=%llu", (unsigned long long)(dm->startup / DM_MB));
	ctl_printf(c, "memory.min_mb=%llu", (unsigned long long)(dm->min / DM_MB));
	ctl_printf(c, "memory.max_mb=%llu", (unsigned long long)(dm->max / DM_MB));
	ctl_printf(c, "memory.buffer_pct=%u", dm->buffer_pct);
	ctl_printf(c, "memory.target_mb=%llu", (unsigned long long)(target(dm) / DM_MB));
	ctl_printf(c, "memory.short_mb=%llu", (unsigned long long)(dm->short_pages / DM_MB));
	ctl_printf(c, "memory.policy_balloons=%llu",
		   (unsigned long long)dm->policy_balloons);
	ctl_printf(c, "memory.policy_unballoons=%llu",
		   (unsigned long long)dm->policy_unballoons);
	ctl_printf(c, "memory.policy_hot_adds=%llu",
		   (unsigned long long)dm->policy_hot_adds);
}

/* memory startup|min|max|buffer N, memory dynamic on|off: NULL or why not */
const char *dm_policy_set(struct dm_dev *dm, const char *what, uint64_t v)
{
	if (!strcmp(what, "dynamic")) {
		dm->dynamic = v;
		return NULL;
	}
	if (!strcmp(what, "buffer")) {
		if (v > 2000)
			return "buffer is 0 to 2000 percent";
		dm->buffer_pct = (uint32_t)v;
		return NULL;
	}
	if (v > UINT32_MAX || v * DM_MB > dm->ram_pages)
		return "more than the guest's RAM";
	if (!v && strcmp(what, "min"))
		return "startup and max are at least 1 MiB";
	if (!strcmp(what, "startup"))
		dm->startup = v * DM_MB;
	else if (!strcmp(what, "min"))
		dm->min = v * DM_MB;
	else
		dm->max = v * DM_MB;
	return NULL;
}
