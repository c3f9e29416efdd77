// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS (class "vss"): the host's side of a live backup, struct hv_vss_msg
 * of hvlis/vss.h.  Version 5.0 (vss_versions[] of drivers/hv/
 * hv_snapshot.c), framework 3.0 only, as a Windows host offers it.
 *
 * A backup is a sequence of requests, each sent when the last one was
 * answered: HOT_BACKUP (can the guest take a live backup?), FREEZE, the
 * snapshot (here: a pause of --hold milliseconds, or until "backup thaw"
 * with --manual), THAW, BU_COMPLETE.  A failure ends the sequence, but a
 * THAW follows any FREEZE that was sent, as the host must never leave a
 * guest frozen.  Like Hyper-V's, our FREEZE carries data past struct
 * hv_vss_msg (Hyper-V's LUN list; zeros here), so the guest must accept
 * a longer message than the struct.
 *
 *   backup start [--hold MS | --manual]   run one backup (hold 1000 ms)
 *   backup thaw                            end a --manual freeze
 *   backup status                          state, versions, counters,
 *       backup.state=idle|checking|freezing|frozen|thawing|completing,
 *       backup.last=ok|failed:STEP:0xSTATUS, backup.frozen_ms (the
 *       last FREEZE answer to THAW answer)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvlis/vss.h>

#include "ic.h"

#define VSS_USAGE "backup start [--hold MS | --manual] | backup thaw | backup status"

/* what Hyper-V's FREEZE can be: hv_snapshot.c's comment says 6,260 bytes */
#define VSS_FREEZE_LEN	1024

enum vss_step {
	VSS_IDLE,
	VSS_CHECKING,		/* HOT_BACKUP out */
	VSS_FREEZING,		/* FREEZE out */
	VSS_FROZEN,		/* answered: the "snapshot" runs */
	VSS_THAWING,		/* THAW out */
	VSS_COMPLETING,		/* BU_COMPLETE out */
};

static const char *const step_names[] = {
	[VSS_IDLE] = "idle", [VSS_CHECKING] = "checking",
	[VSS_FREEZING] = "freezing", [VSS_FROZEN] = "frozen",
	[VSS_THAWING] = "thawing", [VSS_COMPLETING] = "completing",
};

struct vss_host {
	enum vss_step step;
	bool manual;			/* wait for "backup thaw" */
	bool failed;			/* this backup failed (THAW still sent) */
	uint32_t hold_ms;
	uint64_t frozen_at, frozen_ms;
	char last[64];
	uint64_t backups, failures, freezes, thaws;
};

static const uint32_t vss_versions[] = { IC_VERSION(5, 0) };
static const uint32_t vss_fw[] = { UTIL_FW_VERSION };

static int vss_send(struct ic_dev *ic, uint8_t op, enum vss_step step)
{
	struct vss_host *v = ic->priv;
	uint8_t msg[VSS_FREEZE_LEN] = { 0 };
	struct hv_vss_msg m = { .vss_hdr.operation = op };
	int ret;

	memcpy(msg, &m, sizeof(m));
	ret = ic_send(ic, msg, op == VSS_OP_FREEZE ? VSS_FREEZE_LEN : sizeof(m));
	if (ret) {
		log_warn("vss: operation %u not sent (%d)", op, ret);
		return ret;
	}
	v->step = step;
	return 0;
}

static void vss_finish(struct ic_dev *ic)
{
	struct vss_host *v = ic->priv;

	v->step = VSS_IDLE;
	if (v->failed)
		v->failures++;
	else
		snprintf(v->last, sizeof(v->last), "ok");
	log_info("vss: backup %s", v->failed ? v->last : "done");
}

static void vss_fail(struct ic_dev *ic, const char *step, uint32_t status)
{
	struct vss_host *v = ic->priv;

	v->failed = true;
	snprintf(v->last, sizeof(v->last), "failed:%s:0x%x", step, status);
}

static void vss_thaw(struct ic_dev *ic)
{
	if (vss_send(ic, VSS_OP_THAW, VSS_THAWING))
		vss_finish(ic);
}

static void vss_answer(struct ic_dev *ic, uint32_t status, const uint8_t *p,
		       uint32_t len)
{
	struct vss_host *v = ic->priv;
	struct hv_vss_msg m = { 0 };

	memcpy(&m, p, len < sizeof(m) ? len : sizeof(m));
	switch (v->step) {
	case VSS_CHECKING:
		if (status != HV_S_OK) {
			vss_fail(ic, "hot-backup", status);
			vss_finish(ic);
			return;
		}
		/* Linux answers "no auto-recovery"; anything else is news */
		if (len < sizeof(m) || m.vss_cf.flags != VSS_HBU_NO_AUTO_RECOVERY)
			log_info("vss: hot-backup flags 0x%x", m.vss_cf.flags);
		v->freezes++;
		if (vss_send(ic, VSS_OP_FREEZE, VSS_FREEZING))
			vss_finish(ic);
		return;
	case VSS_FREEZING:
		if (status != HV_S_OK) {
			/* the guest may have frozen some: thaw all the same */
			vss_fail(ic, "freeze", status);
			vss_thaw(ic);
			return;
		}
		v->step = VSS_FROZEN;
		v->frozen_at = now_ns();
		if (!v->manual)
			hv_timer_set(&ic->timer, now_ns() + v->hold_ms * 1000000ull);
		return;
	case VSS_THAWING:
		v->thaws++;
		if (v->frozen_at)
			v->frozen_ms = (now_ns() - v->frozen_at) / 1000000;
		v->frozen_at = 0;
		if (status != HV_S_OK) {
			vss_fail(ic, "thaw", status);
			vss_finish(ic);
			return;
		}
		if (v->failed || vss_send(ic, VSS_OP_BU_COMPLETE, VSS_COMPLETING))
			vss_finish(ic);
		return;
	case VSS_COMPLETING:
		if (status != HV_S_OK)
			vss_fail(ic, "complete", status);
		vss_finish(ic);
		return;
	default:
		return;
	}
}

/* the snapshot is "taken": thaw */
static void vss_tick(struct ic_dev *ic)
{
	struct vss_host *v = ic->priv;

	if (v->step == VSS_FROZEN && !v->manual)
		vss_thaw(ic);
}

static void vss_closed(struct ic_dev *ic)
{
	struct vss_host *v = ic->priv;

	if (v->step != VSS_IDLE) {
		vss_fail(ic, step_names[v->step], 0);
		v->step = VSS_IDLE;
		v->failures++;
	}
}

static const struct ic_service vss_service = {
	.msgtype = ICMSGTYPE_VSS,
	.versions = vss_versions,
	.nversions = ARRAY_SIZE(vss_versions),
	.fw_versions = vss_fw,
	.nfw_versions = ARRAY_SIZE(vss_fw),
	.priv_size = sizeof(struct vss_host),
	.on_answer = vss_answer,
	.on_tick = vss_tick,
	.on_close = vss_closed,
};

static int vss_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct ic_dev *ic = ic_find(hs, c, "vss", NULL);
	struct vss_host *v;
	char *end;

	if (!ic)
		return -1;
	v = ic->priv;
	if (argc == 2 && !strcmp(argv[1], "status")) {
		ic_print_common(c, ic);
		ctl_printf(c, "backup.state=%s", step_names[v->step]);
		ctl_printf(c, "backup.last=%s", v->last[0] ? v->last : "-");
		ctl_printf(c, "backup.backups=%llu", (unsigned long long)v->backups);
		ctl_printf(c, "backup.failures=%llu", (unsigned long long)v->failures);
		ctl_printf(c, "backup.freezes=%llu", (unsigned long long)v->freezes);
		ctl_printf(c, "backup.thaws=%llu", (unsigned long long)v->thaws);
		ctl_printf(c, "backup.frozen_ms=%llu", (unsigned long long)v->frozen_ms);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "thaw")) {
		if (v->step != VSS_FROZEN)
			return ctl_fail(c, "backup: nothing is frozen (%s)",
					step_names[v->step]);
		vss_thaw(ic);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "start"))
		return ctl_fail(c, "usage: " VSS_USAGE);
	v->hold_ms = 1000;
	v->manual = false;
	if (argc == 3 && !strcmp(argv[2], "--manual")) {
		v->manual = true;
	} else if (argc == 4 && !strcmp(argv[2], "--hold")) {
		unsigned long ms = strtoul(argv[3], &end, 10);

		if (*end || end == argv[3] || ms > 3600000)
			return ctl_fail(c, "backup: --hold MS (0..3600000)");
		v->hold_ms = (uint32_t)ms;
	} else if (argc != 2) {
		return ctl_fail(c, "usage: " VSS_USAGE);
	}
	if (v->step != VSS_IDLE)
		return ctl_fail(c, "backup: one is running (%s)", step_names[v->step]);
	v->failed = false;
	v->last[0] = 0;
	v->backups++;
	if (vss_send(ic, VSS_OP_HOT_BACKUP, VSS_CHECKING)) {
		vss_fail(ic, "send", 0);
		vss_finish(ic);
		return ctl_fail(c, "backup: not sent (the channel is not ready)");
	}
	return 0;
}

static const struct ctl_cmd vss_cmds[] = {
	{ "backup", VSS_USAGE, vss_cmd },
};

static int vss_probe(struct vsp_device *dev, int nopts,
		     const struct opt_kv *opts, char *err, size_t errlen)
{
	return ic_probe(dev, &vss_service, nopts, opts, err, errlen);
}

const struct vsp_ops vsp_vss_ops = IC_VSP_OPS("vss", vss,
	.cmds = vss_cmds, .ncmds = ARRAY_SIZE(vss_cmds));
