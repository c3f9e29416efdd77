// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dynamic Memory (class "balloon", HV_DM_GUID): the host side of the DM
 * protocol (src/include/hvlis/dm.h): the guest's version and capability
 * handshake, its pressure (status) reports, which "memory status" shows,
 * ballooning (balloon.c) and hot-add (hot_add.c), on command or by the
 * policy (policy.c) that sizes the guest from its reports.
 *
 * Versions: the guest proposes, newest first; the host accepts one of
 * 2.0, 1.0 and 0.3 up to its own (option version=, default 2.0, as a
 * Windows Server 2016 and later host) and refuses the rest, as QEMU's
 * host does.  The answers echo the guest's trans_id.  Every message is
 * checked against the packet it came in (hdr.size within the payload,
 * at least the type's size, the state it may come in); a bad one is
 * counted, logged (rate limited) and dropped, with no answer, as QEMU
 * does.
 *
 *   memory status [relid|instance]   state, version, capabilities, the
 *                                    last status report, the balloon and
 *                                    counters
 *   memory balloon MIB               ask the guest for MIB MiB back
 *   memory unballoon MIB|all         give MIB MiB (or all) of it back
 *   memory hotadd MIB                give MIB MiB above startup (hot_add.c)
 *   memory history                   a line a status report (the last 256):
 *                                    demand, target, balloon, hot-add and
 *                                    the RAM file's allocated MiB
 *   memory unballoon-range PFN COUNT a hostile host's unballoon request:
 *                                    pages the guest may never have given
 *   memory hotadd-range PFN COUNT RPFN RCOUNT
 *                                    a hostile host's hot-add request
 *   memory startup|min|max MIB, buffer PCT, dynamic on|off
 *                                    the policy's settings (policy.c)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvlis/hv_ext.h>

#include "dm.h"

static const char *const dm_state_names[] = {
	[DMS_CLOSED] = "closed",
	[DMS_VERSION] = "version",
	[DMS_CAPS] = "caps",
	[DMS_READY] = "ready",
};

struct dm_opt_values {
	const char *version;
	uint32_t startup, min, max, buffer;
	bool dynamic, buffer_seen, min_seen, discard;
};

static const struct opt_spec dm_opts[] = {
	{ "version", OPT_STR, offsetof(struct dm_opt_values, version),
	  .help = "newest protocol version accepted: 2.0, 1.0 or 0.3 (default 2.0)" },
	{ "dynamic", OPT_BOOL, offsetof(struct dm_opt_values, dynamic),
	  .help = "run the policy on the guest's reports (default off)" },
	{ "startup", OPT_U32, offsetof(struct dm_opt_values, startup), .min = 1,
	  .help = "MiB the guest boots with (default: all its RAM)" },
	{ "min", OPT_U32, offsetof(struct dm_opt_values, min),
	  .seen = OPT_SEEN(struct dm_opt_values, min_seen),
	  .help = "minimum MiB: never balloon below (default 512, at most startup)" },
	{ "max", OPT_U32, offsetof(struct dm_opt_values, max), .min = 1,
	  .help = "maximum MiB (default: all its RAM)" },
	{ "buffer", OPT_U32, offsetof(struct dm_opt_values, buffer), .max = 2000,
	  .seen = OPT_SEEN(struct dm_opt_values, buffer_seen),
	  .help = "memory buffer, percent of demand kept free (default 20)" },
	{ "discard", OPT_BOOL, offsetof(struct dm_opt_values, discard),
	  .help = "offer the cold memory discard hint: the guest reports free pages, which leave the RAM file (default off)" },
};

static const uint32_t dm_known_versions[] = {
	DM_VERSION_WIN10, DM_VERSION_WIN8, DM_VERSION_WIN7,
};

static bool dm_version_known(uint32_t v)
{
	for (size_t i = 0; i < ARRAY_SIZE(dm_known_versions); i++)
		if (dm_known_versions[i] == v)
			return true;
	return false;
}

static struct dm_dev *dm_of(const struct vsp_device *dev)
{
	return vsp_dev_priv(dev);
}

static int dm_probe(struct vsp_device *dev, int nopts,
		    const struct opt_kv *opts, char *err, size_t errlen)
{
	struct dm_opt_values v = { 0 };
	unsigned int maj, min;
	struct dm_dev *dm;
	char end;

	if (opts_apply(dm_opts, ARRAY_SIZE(dm_opts), &v, opts, nopts,
		       vsp_class_name(dev), err, errlen))
		return -1;
	dm = calloc(1, sizeof(*dm));
	if (!dm) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dm->dev = dev;
	if (dm_balloon_alloc(dm)) {
		snprintf(err, errlen, "out of memory");
		free(dm);
		return -1;
	}
	dm->max_version = DM_VERSION_WIN10;
	if (v.version) {
		if (sscanf(v.version, "%u.%u%c", &maj, &min, &end) != 2 ||
		    maj > 0xffff || min > 0xffff ||
		    !dm_version_known(DM_VERSION(maj, min))) {
			snprintf(err, errlen, "%s: version= is 2.0, 1.0 or 0.3",
				 vsp_class_name(dev));
			dm_balloon_free(dm);
			free(dm);
			return -1;
		}
		dm->max_version = DM_VERSION(maj, min);
	}
	if ((uint64_t)v.startup * 256 > dm->ram_pages ||
	    (uint64_t)v.min * 256 > dm->ram_pages ||
	    (uint64_t)v.max * 256 > dm->ram_pages) {
		snprintf(err, errlen, "%s: startup, min and max are within the guest's RAM",
			 vsp_class_name(dev));
		dm_balloon_free(dm);
		free(dm);
		return -1;
	}
	dm_policy_init(dm, v.startup, v.min, v.min_seen, v.max,
		       v.buffer_seen ? v.buffer : 20, v.dynamic);
	/* a partition-wide capability on Hyper-V: core/ext.c serves it */
	if (v.discard)
		vsp_dev_hvsim(dev)->ext_caps |= HVLIS_EXT_CAP_COLD_DISCARD_HINT;
	vsp_dev_set_priv(dev, dm);
	return 0;
}

static void dm_remove(struct vsp_device *dev)
{
	dm_balloon_free(dm_of(dev));
	free(dm_of(dev));
	vsp_dev_set_priv(dev, NULL);
}

static void dm_opened(struct hv_chan *ch)
{
	struct dm_dev *dm = dm_of(chan_dev(ch));

	dm->ch = ch;
	dm->state = DMS_VERSION;
	dm->version = 0;
	dm->caps = 0;
	/* a new guest driver: what an old one was given is not known to it */
	dm->hot_added = 0;
	dm->ha_refused = false;
}

static void dm_close(struct hv_chan *ch)
{
	struct dm_dev *dm = dm_of(chan_dev(ch));

	dm_balloon_closed(dm);
	dm->state = DMS_CLOSED;
	dm->ch = NULL;
}

void dm_bad(struct dm_dev *dm, const char *why, unsigned int type)
{
	dm->bad++;
	log_guest("balloon: relid %u: message type %u dropped: %s",
		  dm->ch ? chan_relid(dm->ch) : 0, type, why);
}

/* answer a guest message: @msg with its header filled in here */
static int dm_answer(struct hv_chan *ch, uint16_t type, uint32_t trans_id,
		     void *msg, uint16_t len)
{
	struct dm_header *h = msg;
	int ret;

	h->type = type;
	h->size = len;
	h->trans_id = trans_id;
	ret = chan_send_inband(ch, trans_id, 0, msg, len);
	if (ret && ret != -EAGAIN)
		log_guest("balloon: relid %u: answer type %u dropped (%d)",
			  chan_relid(ch), type, ret);
	return ret == -EAGAIN ? ret : 0;
}

static int dm_version(struct dm_dev *dm, struct hv_chan *ch,
		      const struct dm_version_request *req)
{
	struct dm_version_response resp = { 0 };
	bool ok = dm_version_known(req->version) &&
		  req->version <= dm->max_version;
	int ret;

	if (ok)
		resp.flags = DM_ACCEPTED;
	ret = dm_answer(ch, DM_VERSION_RESPONSE, req->hdr.trans_id, &resp,
			sizeof(resp));
	if (ret)
		return ret;
	if (ok) {
		dm->version = req->version;
		dm->state = DMS_CAPS;
	} else {
		dm->versions_refused++;
	}
	return 0;
}

static int dm_caps(struct dm_dev *dm, struct hv_chan *ch,
		   const struct dm_capabilities *req)
{
	struct dm_capabilities_resp resp = { .flags = DM_ACCEPTED };
	int ret;

	ret = dm_answer(ch, DM_CAPABILITIES_RESPONSE, req->hdr.trans_id,
			&resp, sizeof(resp));
	if (ret)
		return ret;
	dm->caps = req->caps;
	dm->state = DMS_READY;
	dm->ready_ns = now_ns();
	dm->nhistory = 0;
	return 0;
}

static int dm_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	struct dm_dev *dm = dm_of(chan_dev(ch));
	/* aligned copies: the payload sits at any 8-byte offset of the ring */
	union {
		struct dm_header hdr;
		struct dm_version_request version;
		struct dm_capabilities caps;
		struct dm_status status;
	} m;
	/* what each guest message needs, and the state it may come in */
	static const struct {
		uint16_t size;
		enum dm_state state;
	} need[] = {
		[DM_VERSION_REQUEST] = { sizeof(m.version), DMS_VERSION },
		[DM_CAPABILITIES_REPORT] = { sizeof(m.caps), DMS_CAPS },
		[DM_STATUS_REPORT] = { sizeof(m.status), DMS_READY },
		[DM_BALLOON_RESPONSE] = { sizeof(struct dm_balloon_response), DMS_READY },
		[DM_UNBALLOON_RESPONSE] = { sizeof(struct dm_unballoon_response), DMS_READY },
		[DM_MEM_HOT_ADD_RESPONSE] = { sizeof(struct dm_hot_add_response), DMS_READY },
	};
	uint16_t type;

	if (pkt->type != VM_PKT_DATA_INBAND || pkt->data_len < sizeof(m.hdr)) {
		dm_bad(dm, "not an in-band DM message", 0);
		return 0;
	}
	memcpy(&m.hdr, pkt->data, sizeof(m.hdr));
	type = m.hdr.type;
	if (type >= ARRAY_SIZE(need) || !need[type].size) {
		dm_bad(dm, "not a message a guest sends (or not yet handled)", type);
		return 0;
	}
	if (m.hdr.size < need[type].size || m.hdr.size > pkt->data_len) {
		dm_bad(dm, "size outside the message and the packet", type);
		return 0;
	}
	if (dm->state != need[type].state) {
		dm_bad(dm, "not expected in this state of the handshake", type);
		return 0;
	}
	switch (type) {
	case DM_BALLOON_RESPONSE:
		dm_balloon_response(dm, pkt, m.hdr.size);
		return 0;
	case DM_UNBALLOON_RESPONSE:
		dm_unballoon_response(dm);
		return 0;
	case DM_MEM_HOT_ADD_RESPONSE:
		dm_hot_add_response(dm, pkt);
		return 0;
	}
	memcpy(&m, pkt->data, need[type].size);
	switch (type) {
	case DM_VERSION_REQUEST:
		return dm_version(dm, ch, &m.version);
	case DM_CAPABILITIES_REPORT:
		return dm_caps(dm, ch, &m.caps);
	default:	/* DM_STATUS_REPORT */
		dm->last = m.status;
		dm->reports++;
		dm->last_report_ns = now_ns();
		dm_policy_report(dm);
		return 0;
	}
}

static struct dm_dev *dm_find(struct hvsim *hs, struct ctl_conn *c,
			      const char *arg)
{
	struct vsp_device *d;

	if (arg) {
		d = vsp_dev_find(hs, arg);
		if (d && !strcmp(vsp_class_name(d), "balloon") && dm_of(d))
			return dm_of(d);
		ctl_fail(c, "%s is no balloon device", arg);
		return NULL;
	}
	for (d = vsp_dev_next(hs, NULL); d; d = vsp_dev_next(hs, d))
		if (!strcmp(vsp_class_name(d), "balloon") &&
		    !vsp_dev_removing(d) && dm_of(d))
			return dm_of(d);
	ctl_fail(c, "no balloon device");
	return NULL;
}

static void dm_print_status(struct ctl_conn *c, const struct dm_dev *dm)
{
	const struct hvsim *hs = vsp_dev_hvsim(dm->dev);
	long long ago = -1;

	if (dm->last_report_ns)
		ago = (long long)((now_ns() - dm->last_report_ns) / 1000000);
	ctl_printf(c, "memory.state=%s", dm_state_names[dm->state]);
	ctl_printf(c, "memory.version=%u.%u", DM_VERSION_MAJOR(dm->version),
		   DM_VERSION_MINOR(dm->version));
	ctl_printf(c, "memory.versions_refused=%llu",
		   (unsigned long long)dm->versions_refused);
	ctl_printf(c, "memory.caps=%s%s", dm->caps & DM_CAP_BALLOON ? "balloon " : "",
		   dm->caps & DM_CAP_HOT_ADD ? "hot_add" : "");
	ctl_printf(c, "memory.hot_add_align_mb=%llu",
		   1ULL << ((dm->caps & DM_CAP_ALIGN_MASK) >> DM_CAP_ALIGN_SHIFT));
	ctl_printf(c, "memory.reports=%llu", (unsigned long long)dm->reports);
	ctl_printf(c, "memory.last_report_ms=%lld", ago);
	ctl_printf(c, "memory.avail_pages=%llu",
		   (unsigned long long)dm->last.num_avail);
	ctl_printf(c, "memory.committed_pages=%llu",
		   (unsigned long long)dm->last.num_committed);
	dm_balloon_print(c, dm);
	dm_hot_add_print(c, dm);
	dm_policy_print(c, dm);
	/* free page reporting, which core/ext.c serves and counts */
	ctl_printf(c, "memory.free_page_hints=%s",
		   hs->ext_caps & HVLIS_EXT_CAP_COLD_DISCARD_HINT ? "on" : "off");
	ctl_printf(c, "memory.hinted_pages=%llu",
		   (unsigned long long)hs->ext.pages);
	ctl_printf(c, "memory.hints=%llu", (unsigned long long)hs->ext.hints);
	ctl_printf(c, "memory.hints_refused=%llu",
		   (unsigned long long)hs->ext.refused);
	ctl_printf(c, "memory.bad=%llu", (unsigned long long)dm->bad);
}

/* a size in MiB as 4 KiB pages (or every page for "all"): 0 if bad */
static uint64_t dm_mib_arg(const char *arg)
{
	unsigned long long mib;
	char *end;

	if (!strcmp(arg, "all"))
		return UINT64_MAX;
	errno = 0;
	mib = strtoull(arg, &end, 10);
	if (errno || *end || end == arg || !mib || mib > (UINT32_MAX >> 8))
		return 0;
	return (uint64_t)mib << 8;
}

#define DM_USAGE "memory status [relid|instance] | history | balloon MIB | unballoon MIB|all | hotadd MIB | " \
	"unballoon-range PFN COUNT | hotadd-range PFN COUNT RPFN RCOUNT | " \
	"startup|min|max MIB | buffer PCT | dynamic on|off"

/* memory startup|min|max MIB, buffer PCT, dynamic on|off */
static int dm_setting(struct hvsim *hs, struct ctl_conn *c, const char *what,
		      const char *arg)
{
	unsigned long long v;
	struct dm_dev *dm;
	const char *why;
	char *end;

	if (!strcmp(what, "dynamic")) {
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			return ctl_fail(c, "dynamic on|off");
		v = !strcmp(arg, "on");
	} else {
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || *end || end == arg)
			return ctl_fail(c, "%s: a number", what);
	}
	dm = dm_find(hs, c, NULL);
	if (!dm)
		return -1;
	why = dm_policy_set(dm, what, v);
	if (why)
		return ctl_fail(c, "%s: %s", what, why);
	return 0;
}

/* memory hotadd-range PFN COUNT RPFN RCOUNT: a hostile host's request */
static int dm_forge_hot_add(struct hvsim *hs, struct ctl_conn *c, char **argv)
{
	unsigned long long v[4];
	struct dm_dev *dm;
	const char *why;
	char *end;

	for (int i = 0; i < 4; i++) {
		errno = 0;
		v[i] = strtoull(argv[2 + i], &end, 0);
		if (errno || *end || end == argv[2 + i] ||
		    (i % 2 && v[i] > UINT32_MAX))
			return ctl_fail(c, "hotadd-range: PFN COUNT RPFN RCOUNT");
	}
	dm = dm_find(hs, c, NULL);
	if (!dm)
		return -1;
	why = dm_hot_add_forged(dm, v[0], (uint32_t)v[1], v[2], (uint32_t)v[3]);
	if (why)
		return ctl_fail(c, "hotadd-range: %s", why);
	return 0;
}

/* memory unballoon-range PFN COUNT: a hostile host's request */
static int dm_forge(struct hvsim *hs, struct ctl_conn *c, char **argv)
{
	unsigned long long pfn, n;
	struct dm_dev *dm;
	const char *why;
	char *e1, *e2;

	errno = 0;
	pfn = strtoull(argv[2], &e1, 0);
	n = strtoull(argv[3], &e2, 0);
	if (errno || *e1 || *e2 || e1 == argv[2] || e2 == argv[3] ||
	    n > UINT32_MAX)
		return ctl_fail(c, "unballoon-range: PFN COUNT");
	dm = dm_find(hs, c, NULL);
	if (!dm)
		return -1;
	why = dm_unballoon_forged(dm, pfn, (uint32_t)n);
	if (why)
		return ctl_fail(c, "unballoon-range: %s", why);
	return 0;
}

static int dm_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	const char *why;
	struct dm_dev *dm;
	uint64_t pages;

	if (argc == 2 && !strcmp(argv[1], "history")) {
		dm = dm_find(hs, c, NULL);
		if (!dm)
			return -1;
		dm_history_print(c, dm);
		return 0;
	}
	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "status")) {
		dm = dm_find(hs, c, argc == 3 ? argv[2] : NULL);
		if (!dm)
			return -1;
		dm_print_status(c, dm);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "unballoon-range"))
		return dm_forge(hs, c, argv);
	if (argc == 6 && !strcmp(argv[1], "hotadd-range"))
		return dm_forge_hot_add(hs, c, argv);
	if (argc == 3 && (!strcmp(argv[1], "startup") || !strcmp(argv[1], "min") ||
			  !strcmp(argv[1], "max") || !strcmp(argv[1], "buffer") ||
			  !strcmp(argv[1], "dynamic")))
		return dm_setting(hs, c, argv[1], argv[2]);
	if (argc != 3 || (strcmp(argv[1], "balloon") && strcmp(argv[1], "unballoon") &&
			  strcmp(argv[1], "hotadd")))
		return ctl_fail(c, "usage: " DM_USAGE);
	pages = dm_mib_arg(argv[2]);
	if (!pages || (pages == UINT64_MAX && argv[1][0] != 'u'))
		return ctl_fail(c, "%s: a size in MiB%s", argv[1],
				argv[1][0] == 'u' ? " or all" : "");
	dm = dm_find(hs, c, NULL);
	if (!dm)
		return -1;
	if (argv[1][0] == 'b')
		why = dm_balloon_start(dm, pages);
	else if (argv[1][0] == 'h')
		why = dm_hot_add_start(dm, pages);
	else
		why = dm_unballoon_start(dm, pages);
	if (why)
		return ctl_fail(c, "%s: %s", argv[1], why);
	return 0;
}

static const struct ctl_cmd dm_cmds[] = {
	{ "memory", DM_USAGE, dm_cmd },
};

/* a plain device offer (openvmm offers every non-IC device so) */
const struct vsp_ops vsp_balloon_ops = {
	.name = "balloon",
	.opts = dm_opts,
	.nopts = ARRAY_SIZE(dm_opts),
	.probe = dm_probe,
	.remove = dm_remove,
	.on_opened = dm_opened,
	.on_packet = dm_packet,
	.on_writable = dm_writable,
	.on_close = dm_close,
	.cmds = dm_cmds,
	.ncmds = ARRAY_SIZE(dm_cmds),
};
