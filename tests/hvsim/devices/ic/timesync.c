// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time synchronization (class "timesync"): the host's UTC time, 100 ns
 * units since 1601.  Right after negotiation the host sends a sample with
 * ICTIMESYNCFLAG_SYNC (Hyper-V does so after boot and restore: the guest
 * sets its clock), then one with ICTIMESYNCFLAG_SAMPLE every interval
 * (default 5 s, as Hyper-V).  Version 4.0 samples are struct
 * ictimesync_ref_data and carry the partition reference counter they were
 * taken at (hvsim_ref_time(), which the guest reads through
 * HVSIM_OP_TIME_REF_COUNT); 3.0 and 1.0 samples are struct ictimesync_data.
 * Versions: ts_versions[] of drivers/hv/hv_util.c.
 *
 * The host clock is CLOCK_REALTIME plus an offset the administrator sets,
 * so a test can give the host a different time than the machine's.
 *
 *   time set UNIX_SECONDS|now   the host clock (now: the machine's)
 *   time sync                   a SYNC sample now (queued if one is out)
 *   time sample                 a SAMPLE now (likewise)
 *   time status                 versions, counters, the host clock
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/parse.h"
#include "ic.h"

struct ts_state {
	int64_t offset_ns;		/* host clock - CLOCK_REALTIME */
	uint8_t queued;			/* flags of a sample waiting to go */
	bool have_queued;
	uint64_t syncs, samples;
};

static const uint32_t ts_versions[] = {
	IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0)
};

/* the host clock in ns since 1970 */
static int64_t ts_host_ns(const struct ts_state *ts)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec + ts->offset_ns;
}

static void ts_send(struct ic_dev *ic, uint8_t flags)
{
	struct ts_state *ts = ic->priv;
	uint64_t parent = WLTIMEDELTA + (uint64_t)(ts_host_ns(ts) / 100);
	int ret;

	if (ic->busy) {
		/* a SYNC is never lost to a SAMPLE */
		if (!ts->have_queued || flags == ICTIMESYNCFLAG_SYNC)
			ts->queued = flags;
		ts->have_queued = true;
		return;
	}
	if (ic->version > IC_VERSION(3, 0)) {
		struct ictimesync_ref_data r = {
			.parenttime = parent,
			.vmreferencetime = hvsim_ref_time(chan_hvsim(ic->ch)),
			.flags = flags,
		};

		ret = ic_send(ic, &r, sizeof(r));
	} else {
		struct ictimesync_data d = { .parenttime = parent, .flags = flags };

		ret = ic_send(ic, &d, sizeof(d));
	}
	if (ret)
		return;
	if (flags == ICTIMESYNCFLAG_SYNC)
		ts->syncs++;
	else
		ts->samples++;
}

static void ts_ready(struct ic_dev *ic)
{
	ts_send(ic, ICTIMESYNCFLAG_SYNC);
}

static void ts_tick(struct ic_dev *ic)
{
	ts_send(ic, ICTIMESYNCFLAG_SAMPLE);
}

static void ts_answer(struct ic_dev *ic, uint32_t status, const uint8_t *p,
		      uint32_t len)
{
	struct ts_state *ts = ic->priv;

	(void)p;
	(void)len;
	if (status != HV_S_OK) {
		ic->bad_answers++;
		log_guest("timesync: the guest refused a sample (0x%x)", status);
	}
	if (ts->have_queued) {
		ts->have_queued = false;
		ts_send(ic, ts->queued);
	}
}

static const struct ic_service ts_service = {
	.msgtype = ICMSGTYPE_TIMESYNC,
	.versions = ts_versions,
	.nversions = ARRAY_SIZE(ts_versions),
	.default_interval_ms = 5000,
	.priv_size = sizeof(struct ts_state),
	.on_ready = ts_ready,
	.on_tick = ts_tick,
	.on_answer = ts_answer,
};

static int ts_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct ic_dev *ic = ic_find(hs, c, "timesync", NULL);
	struct ts_state *ts;
	uint64_t secs;

	if (!ic)
		return -1;
	ts = ic->priv;
	if (argc == 3 && !strcmp(argv[1], "set")) {
		if (!strcmp(argv[2], "now")) {
			ts->offset_ns = 0;
			return 0;
		}
		if (!parse_u64(argv[2], &secs) || secs > 1ull << 33)
			return ctl_fail(c, "time set: '%s' is no time in seconds since 1970",
					argv[2]);
		ts->offset_ns = 0;
		ts->offset_ns = (int64_t)secs * 1000000000 - ts_host_ns(ts);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "sync") || !strcmp(argv[1], "sample"))) {
		if (ic->state != IC_READY)
			return ctl_fail(c, "time: the timesync channel is not ready");
		ts_send(ic, argv[1][1] == 'y' ? ICTIMESYNCFLAG_SYNC :
						ICTIMESYNCFLAG_SAMPLE);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "status")) {
		ic_print_common(c, ic);
		ctl_printf(c, "timesync.syncs=%llu", (unsigned long long)ts->syncs);
		ctl_printf(c, "timesync.samples=%llu",
			   (unsigned long long)ts->samples);
		ctl_printf(c, "timesync.offset_s=%lld",
			   (long long)(ts->offset_ns / 1000000000));
		ctl_printf(c, "timesync.host_unix_ns=%lld",
			   (long long)ts_host_ns(ts));
		return 0;
	}
	return ctl_fail(c, "usage: time set UNIX_SECONDS|now | time sync | time sample | time status");
}

static const struct ctl_cmd ts_cmds[] = {
	{ "time", "time set UNIX_SECONDS|now | time sync | time sample | time status",
	  ts_cmd },
};

static int timesync_probe(struct vsp_device *dev, int nopts,
			  const struct opt_kv *opts, char *err, size_t errlen)
{
	return ic_probe(dev, &ts_service, nopts, opts, err, errlen);
}

const struct vsp_ops vsp_timesync_ops = IC_VSP_OPS("timesync", timesync,
	.cmds = ts_cmds, .ncmds = ARRAY_SIZE(ts_cmds));
