// SPDX-License-Identifier: GPL-2.0-only
/*
 * "disk ...": the administrator's storage commands, for ide, scsi and fc
 * devices (storvsp.c).  A controller is named as "rescind" names a
 * device: by the relid of any of its channels or by its instance GUID.
 *
 *   disk add <relid|instance> <lun> <path> [ro] [bs=512|4096]
 *   disk remove <relid|instance> <lun>
 *   disk resize <relid|instance> <lun> <bytes>
 *   disk error <relid|instance> <lun> on|off [count]
 *   disk delay <relid|instance> <lun> <ms>
 *   disk list [relid|instance]
 *
 * add/remove tell the guest as Hyper-V does: REPORTED LUNS DATA HAS
 * CHANGED on the controller's other LUNs and an ENUMERATE_BUS packet;
 * resize only raises CAPACITY DATA HAS CHANGED on that LUN.
 */
#include <stdio.h>
#include <string.h>

#include "lib/parse.h"
#include "storage.h"

#define DISK_USAGE							\
	"disk add <relid|instance> <lun> <path> [ro] [bs=512|4096] | "	\
	"disk remove <relid|instance> <lun> | "				\
	"disk resize <relid|instance> <lun> <bytes> | "			\
	"disk error <relid|instance> <lun> on|off [count] | "		\
	"disk delay <relid|instance> <lun> <ms> | "			\
	"disk list [relid|instance]"

static struct storvsp *find_ctrl(struct hvsim *hs, struct ctl_conn *c,
				 const char *name)
{
	struct vsp_device *dev = vsp_dev_find(hs, name);
	struct storvsp *s;

	s = dev && !vsp_dev_removing(dev) ? storvsp_of(dev) : NULL;
	if (!s)
		ctl_fail(c, "%s is no storage controller (ide, scsi, fc)", name);
	return s;
}

static bool parse_lun(struct ctl_conn *c, const char *arg, unsigned int *lun)
{
	uint64_t v;

	if (!parse_u64(arg, &v) || v >= SCSI_MAX_LUNS) {
		ctl_fail(c, "bad LUN '%s'", arg);
		return false;
	}
	*lun = (unsigned int)v;
	return true;
}

static struct scsi_lun *find_lun(struct storvsp *s, struct ctl_conn *c,
				 unsigned int lun)
{
	struct scsi_lun *l = s->tgt.lun[lun];

	if (!l)
		ctl_fail(c, "no LUN %u", lun);
	return l;
}

static void print_ctrl(struct ctl_conn *c, const struct storvsp *s)
{
	const struct vsp_device *d = s->dev;
	char guid[37], relid[16] = "-", ver[16] = "-";

	guid_fmt((vsp_dev_instance(d)), guid);
	if (vsp_dev_primary(d) && chan_relid(vsp_dev_primary(d)))
		snprintf(relid, sizeof(relid), "%u", chan_relid(vsp_dev_primary(d)));
	if (s->version)
		snprintf(ver, sizeof(ver), "%u.%u", s->version >> 8,
			 s->version & 0xff);
	ctl_printf(c, "controller relid=%s class=%s instance=%s state=%s version=%s subchannels=%u maxxfer=%u packets=%llu srbs=%llu bad=%llu enumerates=%llu delayed=%llu held=%u backlog=%llu",
		   relid, vsp_class_name(d), guid, storvsp_state_name(s->state),
		   ver, s->state == STORVSP_READY ? s->subchannels : 0,
		   s->max_transfer, (unsigned long long)s->st.packets,
		   (unsigned long long)s->st.srbs, (unsigned long long)s->st.bad,
		   (unsigned long long)s->st.enumerates,
		   (unsigned long long)s->st.delayed, s->ndelayed,
		   (unsigned long long)s->st.backlog);
}

static void print_lun(struct ctl_conn *c, const struct storvsp *s,
		      const struct scsi_lun *l)
{
	const struct vsp_device *d = s->dev;
	const struct scsi_lun_stats *st = &l->st;
	char relid[16] = "-", target[8] = "0";

	if (vsp_dev_primary(d) && chan_relid(vsp_dev_primary(d)))
		snprintf(relid, sizeof(relid), "%u", chan_relid(vsp_dev_primary(d)));
	if (s->kind == STORVSP_IDE)
		snprintf(target, sizeof(target), "%u", s->ide_target);
	/* the path last: it may be long (lines are cut at 1 KiB) */
	ctl_printf(c, "lun relid=%s class=%s target=%s lun=%u size=%llu bs=%u ro=%d reads=%llu writes=%llu unmaps=%llu flushes=%llu write_sames=%llu read_bytes=%llu written_bytes=%llu unmapped_bytes=%llu cmds=%llu check_conditions=%llu io_errors=%llu injected=%llu error=%s error_left=%llu delay=%u ua=%s%s path=%s",
		   relid, vsp_class_name(d), target, l->lun,
		   (unsigned long long)l->img.size, 1u << l->img.lb_shift,
		   l->img.ro, (unsigned long long)st->reads,
		   (unsigned long long)st->writes,
		   (unsigned long long)st->unmaps,
		   (unsigned long long)st->flushes,
		   (unsigned long long)st->write_sames,
		   (unsigned long long)st->read_bytes,
		   (unsigned long long)st->written_bytes,
		   (unsigned long long)st->unmapped_bytes,
		   (unsigned long long)st->cmds,
		   (unsigned long long)st->check_conditions,
		   (unsigned long long)st->io_errors,
		   (unsigned long long)st->injected, l->inject ? "on" : "off",
		   (unsigned long long)l->inject_left, l->delay_ms,
		   !l->ua ? "none" : l->ua & SCSI_UA_CAPACITY ? "capacity" : "luns",
		   l->ua == (SCSI_UA_CAPACITY | SCSI_UA_LUNS) ? ",luns" : "",
		   l->img.path);
}

static void list_ctrl(struct ctl_conn *c, const struct storvsp *s)
{
	print_ctrl(c, s);
	for (unsigned int i = 0; i < SCSI_MAX_LUNS; i++)
		if (s->tgt.lun[i])
			print_lun(c, s, s->tgt.lun[i]);
}

static int disk_list(struct hvsim *hs, struct ctl_conn *c, int argc,
		     char **argv)
{
	struct storvsp *s;

	if (argc == 3) {
		s = find_ctrl(hs, c, argv[2]);
		if (!s)
			return -1;
		list_ctrl(c, s);
		return 0;
	}
	if (argc != 2)
		return ctl_fail(c, "usage: disk list [relid|instance]");
	for (struct vsp_device *d = vsp_dev_next(hs, NULL); d;
	     d = vsp_dev_next(hs, d)) {
		s = storvsp_of(d);
		if (s && !vsp_dev_removing(d))
			list_ctrl(c, s);
	}
	return 0;
}

/* disk add <relid|instance> <lun> <path> [ro] [bs=512|4096] */
static int disk_add(struct ctl_conn *c, struct storvsp *s, unsigned int lun,
		    int argc, char **argv)
{
	char err[256] = "";
	unsigned int bs = 512;
	bool ro = false;
	uint64_t v;

	if (argc < 5 || argc > 7)
		return ctl_fail(c, "usage: disk add <relid|instance> <lun> <path> [ro] [bs=512|4096]");
	for (int i = 5; i < argc; i++) {
		if (!strcmp(argv[i], "ro"))
			ro = true;
		else if (!strncmp(argv[i], "bs=", 3) &&
			 parse_u64(argv[i] + 3, &v) &&
			 (v == 512 || v == 4096))
			bs = (unsigned int)v;
		else
			return ctl_fail(c, "disk add: '%s'? (ro, bs=512|4096)",
					argv[i]);
	}
	if (storvsp_lun_add(s, lun, argv[4], ro, bs, err, sizeof(err)))
		return ctl_fail(c, "%s", err);
	print_lun(c, s, s->tgt.lun[lun]);
	return 0;
}

/* disk remove <relid|instance> <lun> */
static int disk_remove(struct ctl_conn *c, struct storvsp *s,
		       unsigned int lun, int argc)
{
	char err[256] = "";

	if (argc != 4)
		return ctl_fail(c, "usage: disk remove <relid|instance> <lun>");
	if (storvsp_lun_remove(s, lun, err, sizeof(err)))
		return ctl_fail(c, "%s", err);
	return 0;
}

/* disk resize <relid|instance> <lun> <bytes> */
static int disk_resize(struct ctl_conn *c, struct storvsp *s,
		       unsigned int lun, int argc, char **argv)
{
	char err[256] = "";
	uint64_t v;

	if (argc != 5 || !parse_size(argv[4], &v))
		return ctl_fail(c, "usage: disk resize <relid|instance> <lun> <bytes>");
	if (storvsp_lun_resize(s, lun, v, err, sizeof(err)))
		return ctl_fail(c, "%s", err);
	print_lun(c, s, s->tgt.lun[lun]);
	return 0;
}

/* disk error <relid|instance> <lun> on|off [count] */
static int disk_error(struct ctl_conn *c, struct storvsp *s,
		      unsigned int lun, int argc, char **argv)
{
	struct scsi_lun *l;
	uint64_t v = 0;
	bool on;

	if (argc < 5 || argc > 6 ||
	    (strcmp(argv[4], "on") && strcmp(argv[4], "off")))
		return ctl_fail(c, "usage: disk error <relid|instance> <lun> on|off [count]");
	on = !strcmp(argv[4], "on");
	if (argc == 6 && (!on || !parse_u64(argv[5], &v)))
		return ctl_fail(c, "disk error: a count goes with on");
	l = find_lun(s, c, lun);
	if (!l)
		return -1;
	l->inject = on;
	l->inject_left = v;
	return 0;
}

/* disk delay <relid|instance> <lun> <ms> */
static int disk_delay(struct ctl_conn *c, struct storvsp *s,
		      unsigned int lun, int argc, char **argv)
{
	struct scsi_lun *l;
	uint64_t v;

	if (argc != 5 || !parse_u64(argv[4], &v) || v > 60000)
		return ctl_fail(c, "usage: disk delay <relid|instance> <lun> <ms> (0..60000)");
	l = find_lun(s, c, lun);
	if (!l)
		return -1;
	l->delay_ms = (uint32_t)v;
	return 0;
}

static int cmd_disk(struct hvsim *hs, struct ctl_conn *c, int argc,
		    char **argv)
{
	struct storvsp *s;
	unsigned int lun;

	if (argc < 2)
		return ctl_fail(c, "usage: " DISK_USAGE);
	if (!strcmp(argv[1], "list"))
		return disk_list(hs, c, argc, argv);
	if (argc < 4)
		return ctl_fail(c, "usage: " DISK_USAGE);
	s = find_ctrl(hs, c, argv[2]);
	if (!s || !parse_lun(c, argv[3], &lun))
		return -1;
	if (!strcmp(argv[1], "add"))
		return disk_add(c, s, lun, argc, argv);
	if (!strcmp(argv[1], "remove"))
		return disk_remove(c, s, lun, argc);
	if (!strcmp(argv[1], "resize"))
		return disk_resize(c, s, lun, argc, argv);
	if (!strcmp(argv[1], "error"))
		return disk_error(c, s, lun, argc, argv);
	if (!strcmp(argv[1], "delay"))
		return disk_delay(c, s, lun, argc, argv);
	return ctl_fail(c, "usage: " DISK_USAGE);
}

const struct ctl_cmd storvsp_ctl_cmds[STORVSP_CTL_NCMDS] = {
	{ "disk", DISK_USAGE, cmd_disk },
};
