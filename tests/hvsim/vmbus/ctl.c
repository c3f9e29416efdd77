// SPDX-License-Identifier: GPL-2.0-only
/*
 * Control commands of the VMBus host: the administrator's view of the
 * bus (version, vmbus, devices, channels) and actions on it (offer,
 * rescind, set).  Output lines are "key=value" words after a leading
 * name, so tests can pick fields without a parser.
 */
#include <stdio.h>
#include <string.h>

#include "lib/parse.h"
#include "vmbus/host.h"

#define SET_USAGE "set max-version X.Y | set msg-conn-id N | " \
		  "set post-fail N STATUS | set post-busy MS STATUS | " \
		  "set unload-delay MS"

static struct vmbus_host *host_of(struct hvsim *hs, struct ctl_conn *c)
{
	struct vmbus_host *vh = vmbus_host(hs);

	if (!vh)
		ctl_fail(c, "no VMBus host");
	return vh;
}

static void print_version(struct ctl_conn *c, const char *key, uint32_t v)
{
	ctl_printf(c, "%s %u.%u", key, VMBUS_VERSION_MAJOR(v),
		   VMBUS_VERSION_MINOR(v));
}

static int cmd_version(struct hvsim *hs, struct ctl_conn *c, int argc,
		       char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);

	(void)argv;
	if (!vh)
		return -1;
	if (argc != 1)
		return ctl_fail(c, "usage: version");
	if (vh->connected)
		ctl_printf(c, "%u.%u", VMBUS_VERSION_MAJOR(vh->version),
			   VMBUS_VERSION_MINOR(vh->version));
	else
		ctl_printf(c, "none");
	return 0;
}

static int cmd_vmbus(struct hvsim *hs, struct ctl_conn *c, int argc,
		     char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);
	const struct vmbus_stats *st;
	unsigned int ndev = 0, nchan = 0;

	(void)argv;
	if (!vh)
		return -1;
	if (argc != 1)
		return ctl_fail(c, "usage: vmbus");
	st = &vh->st;
	for (struct vsp_device *d = vh->devices; d; d = d->next)
		ndev++;
	for (uint32_t r = 1; r <= vh->relid_hi; r++)
		nchan += vh->relids[r] != NULL;
	ctl_printf(c, "connected %s", vh->connected ? "yes" : "no");
	if (vh->connected) {
		print_version(c, "version", vh->version);
		ctl_printf(c, "msg_conn_id %u", vh->msg_conn_id);
		ctl_printf(c, "target_vcpu %u", vh->target_vcpu);
		ctl_printf(c, "msg_sint %u", vh->msg_sint);
		ctl_printf(c, "monitor_pages 0x%llx 0x%llx",
			   (unsigned long long)vh->monitor_page[0],
			   (unsigned long long)vh->monitor_page[1]);
		ctl_printf(c, "interrupt_page 0x%llx",
			   (unsigned long long)vh->interrupt_page);
		ctl_printf(c, "offers_requested %s",
			   vh->offers_requested ? "yes" : "no");
	}
	print_version(c, "max_version", vh->max_version);
	ctl_printf(c, "cfg_msg_conn_id %u", vh->cfg_msg_conn_id);
	ctl_printf(c, "devices %u", ndev);
	ctl_printf(c, "relids %u", nchan);
	ctl_printf(c, "gpadls %u", vh->ngpadls);
	ctl_printf(c, "gpadl_pages %llu", (unsigned long long)vh->gpadl_pages);
	ctl_printf(c, "backlog %u", vh->backlog_count);
#define STAT(f) ctl_printf(c, "vmbus." #f " %llu", (unsigned long long)st->f)
	STAT(msgs_in);
	STAT(msgs_bad);
	STAT(msgs_out);
	STAT(msgs_dropped);
	STAT(negotiations);
	STAT(refusals);
	STAT(unloads);
	STAT(unloads_ignored);
	STAT(reconnects);
	STAT(gpadls_dropped);
	STAT(posts_unknown_conn);
	STAT(posts_failed);
	STAT(gpadls_created);
	STAT(gpadls_failed);
	STAT(gpadls_torndown);
	STAT(opens);
	STAT(open_failures);
	STAT(closes);
	STAT(offers);
	STAT(rescinds);
	STAT(releases);
	STAT(monitor_signals);
	STAT(bad_signals);
#undef STAT
	return 0;
}

static unsigned int live_subs(const struct vsp_device *d)
{
	unsigned int n = 0;

	for (const struct hv_chan *ch = d->subs; ch; ch = ch->next)
		n += ch->state == CHAN_OFFERED || ch->state == CHAN_OPEN;
	return n;
}

static void print_device(struct ctl_conn *c, const struct vsp_device *d)
{
	char guid[37], relid[16] = "-";

	guid_fmt(&d->instance, guid);
	if (d->primary && d->primary->relid)
		snprintf(relid, sizeof(relid), "%u", d->primary->relid);
	/* "relid class instance" first: the guest scenarios read it so */
	ctl_printf(c, "%s %s %s index=%u subchannels=%u mnf=%s state=%s",
		   relid, vsp_class_name(d), guid, d->index, live_subs(d),
		   d->mnf ? "on" : "off",
		   d->removing ? "removing" :
		   d->primary ? chan_state_name(d->primary) : "-");
}

static int cmd_devices(struct hvsim *hs, struct ctl_conn *c, int argc,
		       char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);

	(void)argv;
	if (!vh)
		return -1;
	if (argc != 1)
		return ctl_fail(c, "usage: devices");
	for (struct vsp_device *d = vh->devices; d; d = d->next)
		print_device(c, d);
	return 0;
}

static void print_channel(struct ctl_conn *c, const struct hv_chan *ch)
{
	char guid[37], relid[16] = "-", vp[16] = "-", mon[16] = "-";
	char rings[256] = "out=- in=-";
	uint32_t r1, w1, tr1, tw1, r2, w2, tr2, tw2;

	guid_fmt(&ch->dev->instance, guid);
	if (ch->relid)
		snprintf(relid, sizeof(relid), "%u", ch->relid);
	if (ch->monitor_id >= 0)
		snprintf(mon, sizeof(mon), "%d", ch->monitor_id);
	if (ch->state == CHAN_OPEN) {
		if (ch->target_vp != VMBUS_TARGET_VP_NONE)
			snprintf(vp, sizeof(vp), "%u", ch->target_vp);
		else
			snprintf(vp, sizeof(vp), "none");
		if (ring_state(&ch->out, &r1, &w1, &tr1, &tw1) &&
		    ring_state(&ch->in, &r2, &w2, &tr2, &tw2))
			snprintf(rings, sizeof(rings),
				 "out.read=%u out.write=%u out.toread=%u out.size=%u in.read=%u in.write=%u in.free=%u in.size=%u in.quiet_masked=%llu in.quiet_busy=%llu in.last=%c",
				 r1, w1, tr1, ch->out.size, r2, w2, tw2,
				 ch->in.size,
				 (unsigned long long)ch->in.quiet_masked,
				 (unsigned long long)ch->in.quiet_busy,
				 ch->in.last ? ch->in.last : '-');
		else
			snprintf(rings, sizeof(rings), "out=bad in=bad");
	}
	ctl_printf(c, "relid=%s class=%s#%u instance=%s sub=%u state=%s vp=%s monitor=%s %s pkts_in=%llu pkts_out=%llu sig_in=%llu sig_out=%llu bad=%llu full=%llu%s",
		   relid, vsp_class_name(ch->dev), ch->dev->index, guid,
		   ch->sub_index, chan_state_name(ch), vp, mon, rings,
		   (unsigned long long)ch->st.pkts_in,
		   (unsigned long long)ch->st.pkts_out,
		   (unsigned long long)ch->st.sig_in,
		   (unsigned long long)ch->st.sig_out,
		   (unsigned long long)ch->st.bad_pkts,
		   (unsigned long long)ch->st.full,
		   ch->blocked ? " blocked" : "");
}

static int cmd_channels(struct hvsim *hs, struct ctl_conn *c, int argc,
			char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);

	(void)argv;
	if (!vh)
		return -1;
	if (argc != 1)
		return ctl_fail(c, "usage: channels");
	for (struct vsp_device *d = vh->devices; d; d = d->next) {
		if (d->primary)
			print_channel(c, d->primary);
		for (struct hv_chan *ch = d->subs; ch; ch = ch->next)
			print_channel(c, ch);
	}
	return 0;
}

static int cmd_offer(struct hvsim *hs, struct ctl_conn *c, int argc,
		     char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);
	struct opt_kv opts[CTL_MAX_ARGS];
	struct vsp_device *dev = NULL, *last;
	char err[256] = "";

	if (!vh)
		return -1;
	if (argc < 2)
		return ctl_fail(c, "usage: offer CLASS [key=val ...]");
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return ctl_fail(c, "offer: '%s' is not key=val", argv[i]);
		*eq = '\0';
		opts[i - 2].key = argv[i];
		opts[i - 2].val = eq + 1;
	}
	if (!strcmp(argv[1], "all")) {
		for (last = vh->devices; last && last->next; last = last->next)
			;
		if (argc > 2)
			return ctl_fail(c, "offer all takes no options");
		if (vsp_device_add_spec(vh, "all", err, sizeof(err)))
			return ctl_fail(c, "%s", err);
		for (dev = last ? last->next : vh->devices; dev; dev = dev->next)
			print_device(c, dev);
		return 0;
	}
	if (vsp_device_add(vh, argv[1], argc - 2, opts, &dev, err, sizeof(err)))
		return ctl_fail(c, "%s", err);
	print_device(c, dev);
	return 0;
}

static int cmd_rescind(struct hvsim *hs, struct ctl_conn *c, int argc,
		       char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);
	struct vsp_device *dev;

	if (!vh)
		return -1;
	if (argc != 2)
		return ctl_fail(c, "usage: rescind <relid|instance-guid>");
	dev = vsp_dev_find(hs, argv[1]);
	if (!dev || dev->removing)
		return ctl_fail(c, "no device with relid or instance '%s' (or rescinded already)",
				argv[1]);
	print_device(c, dev);
	chan_rescind_device(dev);
	return 0;
}

/* the hypercall failures "set post-fail" can answer with */
static const struct {
	const char *name;
	uint16_t status;
} post_fail_statuses[] = {
	{ "insufficient-buffers", HV_STATUS_INSUFFICIENT_BUFFERS },
	{ "insufficient-memory", HV_STATUS_INSUFFICIENT_MEMORY },
	{ "invalid-connection-id", HV_STATUS_INVALID_CONNECTION_ID },
};

/*
 * set post-fail N STATUS: the next N message posts fail with STATUS;
 * set post-busy MS STATUS: every post fails so for the next MS ms.
 */
static int set_post_fail(struct vmbus_host *vh, struct ctl_conn *c,
			 bool busy, const char *count, const char *status)
{
	uint64_t n;

	if (!parse_u64(count, &n) || n > (busy ? 3600 * 1000 : UINT32_MAX))
		return ctl_fail(c, busy ? "post-busy: milliseconds, at most 3600000" :
					  "post-fail: a count of posts");
	for (size_t i = 0; i < ARRAY_SIZE(post_fail_statuses); i++) {
		if (strcmp(status, post_fail_statuses[i].name))
			continue;
		if (busy)
			vh->post_busy_until_ns = n ? now_ns() + n * 1000000 : 0;
		else
			vh->post_fail_left = (uint32_t)n;
		vh->post_fail_status = post_fail_statuses[i].status;
		return 0;
	}
	return ctl_fail(c, "STATUS: insufficient-buffers, insufficient-memory or invalid-connection-id");
}

static int cmd_set(struct hvsim *hs, struct ctl_conn *c, int argc,
		   char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);
	uint32_t v;
	uint64_t id;

	if (!vh)
		return -1;
	if (argc == 4 && !strcmp(argv[1], "post-fail"))
		return set_post_fail(vh, c, false, argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "post-busy"))
		return set_post_fail(vh, c, true, argv[2], argv[3]);
	if (argc != 3)
		goto usage;
	if (!strcmp(argv[1], "max-version")) {
		if (vmbus_parse_version(argv[2], &v))
			return ctl_fail(c, "max-version: MAJOR.MINOR, e.g. 5.2");
		/* the connection in place keeps its version */
		vh->max_version = v;
		return 0;
	}
	if (!strcmp(argv[1], "msg-conn-id")) {
		/* a message port: 24 bits, not a channel's event id */
		if (!parse_u64(argv[2], &id) || !id ||
		    id > HV_CONNECTION_ID_MASK ||
		    (id & ~(uint64_t)VMBUS_MAX_RELID) == VMBUS_CHAN_CONN_BASE)
			return ctl_fail(c, "msg-conn-id: 1..0xffffff, not 0x2000..0x27ff");
		vh->cfg_msg_conn_id = (uint32_t)id;
		return 0;
	}
	if (!strcmp(argv[1], "unload-delay")) {
		/* an hour at most: a test's host, not a hung one */
		if (!parse_u64(argv[2], &id) || id > 3600 * 1000)
			return ctl_fail(c, "unload-delay: milliseconds, at most 3600000");
		vh->unload_delay_ms = (uint32_t)id;
		return 0;
	}
usage:
	return ctl_fail(c, "usage: " SET_USAGE);
}

/* hostile-host mode: lie about a ring's write index, then stop lying */
static int cmd_ring(struct hvsim *hs, struct ctl_conn *c, int argc,
		    char **argv)
{
	struct vmbus_host *vh = host_of(hs, c);
	uint64_t relid, value = 0;
	struct hv_chan *ch;
	bool restore;
	int ret;

	if (!vh)
		return -1;
	restore = argc == 3 && !strcmp(argv[1], "restore");
	if (!restore && !(argc == 5 && !strcmp(argv[1], "corrupt") &&
			  !strcmp(argv[3], "write-index")))
		return ctl_fail(c, "usage: ring corrupt <relid> write-index <value> | ring restore <relid>");
	if (!parse_u64(argv[2], &relid) || relid > UINT32_MAX)
		return ctl_fail(c, "bad relid '%s'", argv[2]);
	if (!restore && (!parse_u64(argv[4], &value) || value > UINT32_MAX))
		return ctl_fail(c, "bad value '%s'", argv[4]);
	ch = chan_by_relid(vh, (uint32_t)relid);
	if (!ch)
		return ctl_fail(c, "no channel %llu", (unsigned long long)relid);
	ret = chan_poke_in_write_index(ch, (uint32_t)value, restore);
	if (ret)
		return ctl_fail(c, "channel %llu: %s", (unsigned long long)relid,
				strerror(-ret));
	return 0;
}

static void classes_line(void *arg, const char *text)
{
	ctl_printf(arg, "%s", text);
}

static int cmd_classes(struct hvsim *hs, struct ctl_conn *c, int argc,
		       char **argv)
{
	(void)hs;
	(void)argv;
	if (argc != 1)
		return ctl_fail(c, "usage: classes");
	vsp_classes_describe(classes_line, c);
	return 0;
}

static const struct ctl_cmd vmbus_cmds[] = {
	{ "version", "version", cmd_version },
	{ "vmbus", "vmbus", cmd_vmbus },
	{ "devices", "devices", cmd_devices },
	{ "channels", "channels", cmd_channels },
	{ "classes", "classes (the device classes and their options)",
	  cmd_classes },
	{ "offer", "offer CLASS|all [instance=GUID] [mnf=on|off] [key=val ...] (see classes)",
	  cmd_offer },
	{ "rescind", "rescind <relid|instance-guid>", cmd_rescind },
	{ "set", SET_USAGE, cmd_set },
	{ "ring", "ring corrupt <relid> write-index <value> | ring restore <relid>",
	  cmd_ring },
};

int vmbus_ctl_register(void)
{
	static bool done;

	/* the tables are process-wide; unit tests make many hosts */
	if (done)
		return 0;
	if (ctl_register(vmbus_cmds, ARRAY_SIZE(vmbus_cmds)))
		return -1;
	for (size_t i = 0; i < vsp_nmodels; i++)
		if (vsp_models[i]->ncmds &&
		    ctl_register(vsp_models[i]->cmds, vsp_models[i]->ncmds))
			return -1;
	done = true;
	return 0;
}
