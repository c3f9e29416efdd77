// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shutdown (class "shutdown"): the administrator's power-off, reboot and
 * hibernate requests, struct shutdown_msg_data with flags 0, 2 or 4, | 1
 * for "by force" (include/linux/hyperv.h; the flag values as
 * drivers/hv/hv_util.c reads them).  The guest answers HV_S_OK when it
 * will do it, HV_E_FAIL when it will not.  Versions: 3.2, 3.1, 3.0 and
 * 1.0 (sd_versions[] of drivers/hv/hv_util.c).
 *
 *   shutdown [--reboot|--hibernate] [--force]   send the request
 *   shutdown status     versions, counters, the last answer's status
 */
#include <stdio.h>
#include <string.h>

#include "ic.h"

struct sd_state {
	uint32_t last_status;
	bool have_status;
};

static const uint32_t sd_versions[] = {
	IC_VERSION(3, 2), IC_VERSION(3, 1), IC_VERSION(3, 0), IC_VERSION(1, 0)
};

static void sd_answer(struct ic_dev *ic, uint32_t status, const uint8_t *p,
		      uint32_t len)
{
	struct sd_state *sd = ic->priv;

	(void)p;
	(void)len;
	sd->last_status = status;
	sd->have_status = true;
	log_info("shutdown: the guest answered 0x%x", status);
}

static const struct ic_service sd_service = {
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.versions = sd_versions,
	.nversions = ARRAY_SIZE(sd_versions),
	.priv_size = sizeof(struct sd_state),
	.on_answer = sd_answer,
};

static int sd_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct ic_dev *ic = ic_find(hs, c, "shutdown", NULL);
	struct sd_state *sd;
	struct shutdown_msg_data m = { 0 };
	int ret;

	if (!ic)
		return -1;
	sd = ic->priv;
	if (argc == 2 && !strcmp(argv[1], "status")) {
		ic_print_common(c, ic);
		if (sd->have_status)
			ctl_printf(c, "shutdown.status=0x%x", sd->last_status);
		else
			ctl_printf(c, "shutdown.status=-");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reboot"))
			m.flags |= IC_SHUTDOWN_FLAG_REBOOT;
		else if (!strcmp(argv[i], "--hibernate"))
			m.flags |= IC_SHUTDOWN_FLAG_HIBERNATE;
		else if (!strcmp(argv[i], "--force"))
			m.flags |= IC_SHUTDOWN_FLAG_FORCE;
		else
			return ctl_fail(c, "usage: shutdown [--reboot|--hibernate] [--force] | shutdown status");
	}
	if ((m.flags & IC_SHUTDOWN_FLAG_REBOOT) &&
	    (m.flags & IC_SHUTDOWN_FLAG_HIBERNATE))
		return ctl_fail(c, "shutdown: --reboot or --hibernate, not both");
	snprintf((char *)m.display_message, sizeof(m.display_message),
		 "hvsim: the administrator asked");
	sd->have_status = false;
	ret = ic_send(ic, &m, sizeof(m));
	if (ret)
		return ctl_fail(c, "shutdown: not sent (%s)", strerror(-ret));
	return 0;
}

static const struct ctl_cmd sd_cmds[] = {
	{ "shutdown", "shutdown [--reboot|--hibernate] [--force] | shutdown status",
	  sd_cmd },
};

static int shutdown_probe(struct vsp_device *dev, int nopts,
			  const struct opt_kv *opts, char *err, size_t errlen)
{
	return ic_probe(dev, &sd_service, nopts, opts, err, errlen);
}

const struct vsp_ops vsp_shutdown_ops = IC_VSP_OPS("shutdown", shutdown,
	.cmds = sd_cmds, .ncmds = ARRAY_SIZE(sd_cmds));
