// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time synchronization.  The host sends its UTC time (100 ns units since
 * 1601) every few seconds; with version 4.0 each sample also carries the
 * partition reference counter it was taken at, so the time it took to
 * reach us can be added.  Versions: ts_versions[] of drivers/hv/hv_util.c.
 *
 *  - ICTIMESYNCFLAG_SYNC (after boot, restore, or when the host decides):
 *    the clock is set, in process context.
 *  - ICTIMESYNCFLAG_SAMPLE: kept as the newest sample; it also sets the
 *    clock when the guest is 5 s or more behind and timesync_implicit is
 *    on (upstream's workaround for hosts that forget SYNC on resume).
 *  - The newest sample, moved forward by the reference counter, is a PTP
 *    clock named "hyperv" (/dev/ptp_hyperv through our udev rule), which
 *    chrony reads on Azure images.
 *
 * A sample from before 1970, from too far in the future to convert, or
 * whose reference time is ahead of ours or more than 600 s behind, is
 * refused (HV_E_FAIL) and changes nothing.
 */
#include <linux/module.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "utils.h"

static bool timesync_implicit;
module_param(timesync_implicit, bool, 0644);
MODULE_PARM_DESC(timesync_implicit, "If set treat SAMPLE as SYNC when clock is behind");

static const int ts_versions[] = {
	IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0)
};
static const int fw_versions[] = { UTIL_FW_VERSION, UTIL_WS2K8_FW_VERSION };

/* upstream's HOST_TIMESYNC_DELAY_THRESH: older samples are stale */
#define TS_STALE		(600ULL * 10000000)	/* 100 ns units */
/* host times past this do not fit a signed 64-bit nanosecond count */
#define TS_MAX_SINCE_1970	(S64_MAX / 100)

struct hv_ts_state {
	struct util_dev *ud;
	spinlock_t lock;		/* the sample */
	bool have_sample;
	u64 host_time;			/* 100 ns since 1601 ... */
	u64 ref_time;			/* ... at this reference count */
	struct work_struct set_clock;
	struct ptp_clock_info ptp_info;
	struct ptp_clock *ptp;
};

/*
 * The reference counter, or (a backend without one) our own monotonic
 * clock in the same unit; version 4.0's reference times are then not
 * comparable and are not used.
 */
static u64 ts_ref_now(bool *shared)
{
	u64 now;

	*shared = vmbus_read_ref_counter(&now);
	if (!*shared)
		now = div_u64(ktime_get_ns(), 100);
	return now;
}

/* the host's time now, as nanoseconds since 1970; -errno */
static int ts_host_now(struct hv_ts_state *ts, struct timespec64 *out)
{
	unsigned long flags;
	bool shared;
	u64 now = ts_ref_now(&shared), t, age;
	int ret = 0;

	spin_lock_irqsave(&ts->lock, flags);
	if (!ts->have_sample) {
		spin_unlock_irqrestore(&ts->lock, flags);
		return -ENODATA;
	}
	age = now - ts->ref_time;
	t = ts->host_time + age;
	spin_unlock_irqrestore(&ts->lock, flags);

	if (age > TS_STALE) {
		dev_warn_ratelimited(&ts->ud->hdev->device,
				     "TimeSync IC: the last sample is %llu s old\n",
				     div_u64(age, 10000000));
		ret = -ESTALE;
	}
	if (t < WLTIMEDELTA || t - WLTIMEDELTA > TS_MAX_SINCE_1970)
		return -ERANGE;
	*out = ns_to_timespec64((s64)(t - WLTIMEDELTA) * 100);
	return ret;
}

static void ts_set_clock(struct work_struct *work)
{
	struct hv_ts_state *ts = container_of(work, struct hv_ts_state, set_clock);
	struct timespec64 now;
	int ret;

	ret = ts_host_now(ts, &now);
	if (!ret)
		ret = do_settimeofday64(&now);
	if (ret)
		dev_err_ratelimited(&ts->ud->hdev->device,
				    "TimeSync IC: clock not set (%d)\n", ret);
}

/* would the host's time put our clock 5 s or more forward? */
static bool ts_behind(u64 host_time)
{
	struct timespec64 ours;

	ktime_get_real_ts64(&ours);
	if (ours.tv_sec < 0)
		return true;
	return div_u64(host_time - WLTIMEDELTA, 10000000) >= (u64)ours.tv_sec + 5;
}

static u32 timesync_request(struct util_dev *ud, u8 *msg, u32 len)
{
	struct hv_ts_state *ts = ud->priv;
	struct device *dev = &ud->hdev->device;
	u64 parent, vmref = 0, now;
	unsigned long flags;
	bool with_ref = ud->version > IC_VERSION(3, 0), shared;
	u8 tsflags;

	if (with_ref) {
		struct ictimesync_ref_data *r = (void *)(msg + ICMSG_HDR);

		if (len < ICMSG_HDR + sizeof(*r))
			goto short_msg;
		parent = r->parenttime;
		vmref = r->vmreferencetime;
		tsflags = r->flags;
	} else {
		struct ictimesync_data *d = (void *)(msg + ICMSG_HDR);

		if (len < ICMSG_HDR + sizeof(*d))
			goto short_msg;
		parent = d->parenttime;
		tsflags = d->flags;
	}

	now = ts_ref_now(&shared);
	if (with_ref && shared) {
		if (vmref > now || now - vmref > TS_STALE) {
			dev_err_ratelimited(dev, "TimeSync IC: reference time %llu is not within 600 s before ours, %llu\n",
					    vmref, now);
			return HV_E_FAIL;
		}
		parent += now - vmref;
	}
	if (parent < WLTIMEDELTA || parent - WLTIMEDELTA > TS_MAX_SINCE_1970) {
		dev_err_ratelimited(dev, "TimeSync IC: host time %llu is out of range\n",
				    parent);
		return HV_E_FAIL;
	}

	spin_lock_irqsave(&ts->lock, flags);
	ts->host_time = parent;
	ts->ref_time = now;
	ts->have_sample = true;
	spin_unlock_irqrestore(&ts->lock, flags);

	if ((tsflags & ICTIMESYNCFLAG_SYNC) ||
	    (READ_ONCE(timesync_implicit) && ts_behind(parent)))
		schedule_work(&ts->set_clock);
	return HV_S_OK;

short_msg:
	dev_err_ratelimited(dev, "TimeSync IC: %u bytes is too short for version %u.%u\n",
			    len, IC_MAJOR(ud->version), IC_MINOR(ud->version));
	return HV_E_FAIL;
}

static int ts_ptp_gettime(struct ptp_clock_info *info, struct timespec64 *t)
{
	return ts_host_now(container_of(info, struct hv_ts_state, ptp_info), t);
}

/* the host's clock is read-only to us */
static int ts_ptp_settime(struct ptp_clock_info *info,
			  const struct timespec64 *t)
{
	return -EOPNOTSUPP;
}

static int ts_ptp_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int ts_ptp_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	return -EOPNOTSUPP;
}

static int ts_ptp_enable(struct ptp_clock_info *info,
			 struct ptp_clock_request *req, int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info ts_ptp_template = {
	.owner = THIS_MODULE,
	.name = "hyperv",
	.gettime64 = ts_ptp_gettime,
	.settime64 = ts_ptp_settime,
	.adjtime = ts_ptp_adjtime,
	.adjfine = ts_ptp_adjfine,
	.enable = ts_ptp_enable,
};

static int timesync_init(struct util_dev *ud)
{
	struct hv_ts_state *ts;

	ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	ts->ud = ud;
	spin_lock_init(&ts->lock);
	INIT_WORK(&ts->set_clock, ts_set_clock);
	ts->ptp_info = ts_ptp_template;
	ud->priv = ts;

	/* time sync works without PTP (a kernel without PTP support: NULL) */
	ts->ptp = ptp_clock_register(&ts->ptp_info, &ud->hdev->device);
	if (IS_ERR_OR_NULL(ts->ptp)) {
		dev_warn(&ud->hdev->device, "TimeSync IC: no PTP clock (%d)\n",
			 PTR_ERR_OR_ZERO(ts->ptp));
		ts->ptp = NULL;
	}
	return 0;
}

static void timesync_exit(struct util_dev *ud)
{
	struct hv_ts_state *ts = ud->priv;

	if (ts->ptp)
		ptp_clock_unregister(ts->ptp);
	cancel_work_sync(&ts->set_clock);
	kfree(ts);
}

const struct util_service util_timesync = {
	.name = "TimeSync IC",
	.msgtype = ICMSGTYPE_TIMESYNC,
	.versions = ts_versions,
	.nversions = ARRAY_SIZE(ts_versions),
	.fw_versions = fw_versions,
	.nfw_versions = ARRAY_SIZE(fw_versions),
	.init = timesync_init,
	.exit = timesync_exit,
	.request = timesync_request,
};
