// SPDX-License-Identifier: GPL-2.0-only
/*
 * File copy (class "fcopy"): the host's Copy-VMFile, hvlis/fcopy.h's
 * messages.  Version 1.1 (fcopy_versions[] of Linux 6.1's
 * drivers/hv/hv_fcopy.c), framework 3.0 only.
 *
 * One copy at a time, one request out at a time: START_FILE_COPY with
 * the guest directory ("/a/b/") and file name (UTF-16LE), flags, size,
 * then WRITE_TO_FILE pieces of DATA_FRAGMENT bytes read from the host
 * file as they are sent, then COMPLETE_FCOPY.  A failed step ends the
 * copy with CANCEL_FCOPY (the guest removes what it wrote), and the
 * failing status is kept for "copy status".
 *
 *   copy SRC DEST [--overwrite] [--create-path]
 *                   SRC a host file, DEST the guest's absolute path
 *   copy status     copy.state=idle|starting|writing|completing|cancelling,
 *                   copy.last=ok|failed:STEP:0xSTATUS, copy.bytes (sent
 *                   and acknowledged), copies, failures, versions
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hvlis/fcopy.h>

#include "ic.h"

#define FCOPY_USAGE "copy SRC DEST [--overwrite] [--create-path] | copy status"

enum fc_step {
	FC_IDLE,
	FC_STARTING,		/* START_FILE_COPY out */
	FC_WRITING,		/* a WRITE_TO_FILE out */
	FC_COMPLETING,		/* COMPLETE_FCOPY out */
	FC_CANCELLING,		/* CANCEL_FCOPY out */
};

static const char *const step_names[] = {
	[FC_IDLE] = "idle", [FC_STARTING] = "starting",
	[FC_WRITING] = "writing", [FC_COMPLETING] = "completing",
	[FC_CANCELLING] = "cancelling",
};

struct fc_host {
	enum fc_step step;
	int fd;				/* the host file, while copying */
	uint64_t size, offset;		/* offset: acknowledged so far */
	uint32_t piece;			/* bytes of the WRITE out */
	char last[64];
	uint64_t copies, failures;
};

static const uint32_t fcopy_versions[] = { IC_VERSION(1, 1) };
static const uint32_t fcopy_fw[] = { UTIL_FW_VERSION };

static void fc_end(struct ic_dev *ic, bool failed)
{
	struct fc_host *f = ic->priv;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->step = FC_IDLE;
	if (failed)
		f->failures++;
	else
		snprintf(f->last, sizeof(f->last), "ok");
	log_info("fcopy: copy %s", failed ? f->last : "done");
}

static void fc_cancel(struct ic_dev *ic, const char *step, uint32_t status)
{
	struct fc_host *f = ic->priv;
	struct hv_fcopy_hdr h = { .operation = CANCEL_FCOPY };

	snprintf(f->last, sizeof(f->last), "failed:%s:0x%x", step, status);
	if (ic_send(ic, &h, sizeof(h))) {
		fc_end(ic, true);
		return;
	}
	f->step = FC_CANCELLING;
}

/* the next piece, or COMPLETE after the last */
static void fc_next(struct ic_dev *ic)
{
	struct fc_host *f = ic->priv;
	static struct hv_do_fcopy w;
	struct hv_fcopy_hdr h = { .operation = COMPLETE_FCOPY };
	ssize_t n;

	if (f->offset == f->size) {
		if (ic_send(ic, &h, sizeof(h)))
			fc_end(ic, true);
		else
			f->step = FC_COMPLETING;
		return;
	}
	memset(&w, 0, sizeof(w));
	w.hdr.operation = WRITE_TO_FILE;
	w.offset = f->offset;
	n = pread(f->fd, w.data, sizeof(w.data), (off_t)f->offset);
	if (n <= 0) {
		log_warn("fcopy: reading the host file at %llu: %s",
			 (unsigned long long)f->offset,
			 n ? strerror(errno) : "it got shorter");
		fc_cancel(ic, "host-read", 0);
		return;
	}
	w.size = (uint32_t)n;
	f->piece = w.size;
	/* only the bytes used go on the wire, as the guest must cope */
	if (ic_send(ic, &w, (uint32_t)(offsetof(struct hv_do_fcopy, data) + w.size))) {
		fc_end(ic, true);
		return;
	}
	f->step = FC_WRITING;
}

static void fc_answer(struct ic_dev *ic, uint32_t status, const uint8_t *p,
		      uint32_t len)
{
	struct fc_host *f = ic->priv;

	(void)p;
	(void)len;
	switch (f->step) {
	case FC_STARTING:
	case FC_WRITING:
		if (status != HV_S_OK) {
			fc_cancel(ic, f->step == FC_STARTING ? "start" : "write",
				  status);
			return;
		}
		if (f->step == FC_WRITING)
			f->offset += f->piece;
		fc_next(ic);
		return;
	case FC_COMPLETING:
		if (status != HV_S_OK) {
			fc_cancel(ic, "complete", status);
			return;
		}
		f->copies++;
		fc_end(ic, false);
		return;
	case FC_CANCELLING:
		fc_end(ic, true);
		return;
	default:
		return;
	}
}

static void fc_closed(struct ic_dev *ic)
{
	struct fc_host *f = ic->priv;

	if (f->step != FC_IDLE) {
		snprintf(f->last, sizeof(f->last), "failed:%s:closed",
			 step_names[f->step]);
		fc_end(ic, true);
	}
}

static void fc_free(struct ic_dev *ic)
{
	struct fc_host *f = ic->priv;

	if (f->fd >= 0)
		close(f->fd);
}

static const struct ic_service fcopy_service = {
	.msgtype = ICMSGTYPE_FCOPY,
	.versions = fcopy_versions,
	.nversions = ARRAY_SIZE(fcopy_versions),
	.fw_versions = fcopy_fw,
	.nfw_versions = ARRAY_SIZE(fcopy_fw),
	.priv_size = sizeof(struct fc_host),
	.on_answer = fc_answer,
	.on_close = fc_closed,
	.on_free = fc_free,
};

static int fc_start(struct ctl_conn *c, struct ic_dev *ic, const char *src,
		    const char *dest, uint32_t flags)
{
	struct fc_host *f = ic->priv;
	static struct hv_start_fcopy s;
	char dir[W_MAX_PATH * 4];
	const char *slash = strrchr(dest, '/');
	struct stat st;
	int fd;

	if (dest[0] != '/' || !slash[1] || (size_t)(slash - dest) + 2 > sizeof(dir))
		return ctl_fail(c, "copy: DEST is an absolute path to a file");
	memset(&s, 0, sizeof(s));
	s.hdr.operation = START_FILE_COPY;
	/*
	 * The directory with its trailing '/': upstream's daemons create
	 * (CREATE_PATH) only the components a '/' follows.
	 */
	memcpy(dir, dest, (size_t)(slash - dest) + 1);
	dir[slash - dest + 1] = 0;
	if (ic_utf16_from(slash + 1, s.file_name, sizeof(s.file_name)) < 0 ||
	    ic_utf16_from(dir, s.path_name, sizeof(s.path_name)) < 0)
		return ctl_fail(c, "copy: names are UTF-8 of at most %u characters",
				W_MAX_PATH - 1);
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ctl_fail(c, "copy: %s: %s", src, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return ctl_fail(c, "copy: %s is not a regular file", src);
	}
	s.copy_flags = flags;
	s.file_size = (uint64_t)st.st_size;
	if (ic_send(ic, &s, sizeof(s))) {
		close(fd);
		return ctl_fail(c, "copy: not sent (the channel is not ready)");
	}
	f->fd = fd;
	f->size = s.file_size;
	f->offset = 0;
	f->last[0] = 0;
	f->step = FC_STARTING;
	return 0;
}

static int fc_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct ic_dev *ic = ic_find(hs, c, "fcopy", NULL);
	struct fc_host *f;
	uint32_t flags = 0;
	int i;

	if (!ic)
		return -1;
	f = ic->priv;
	if (argc == 2 && !strcmp(argv[1], "status")) {
		ic_print_common(c, ic);
		ctl_printf(c, "copy.state=%s", step_names[f->step]);
		ctl_printf(c, "copy.last=%s", f->last[0] ? f->last : "-");
		ctl_printf(c, "copy.bytes=%llu", (unsigned long long)f->offset);
		ctl_printf(c, "copy.copies=%llu", (unsigned long long)f->copies);
		ctl_printf(c, "copy.failures=%llu", (unsigned long long)f->failures);
		return 0;
	}
	if (argc < 3)
		return ctl_fail(c, "usage: " FCOPY_USAGE);
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--overwrite"))
			flags |= OVER_WRITE;
		else if (!strcmp(argv[i], "--create-path"))
			flags |= CREATE_PATH;
		else
			return ctl_fail(c, "usage: " FCOPY_USAGE);
	}
	if (f->step != FC_IDLE)
		return ctl_fail(c, "copy: one is running (%s)", step_names[f->step]);
	return fc_start(c, ic, argv[1], argv[2], flags);
}

static const struct ctl_cmd fc_cmds[] = {
	{ "copy", FCOPY_USAGE, fc_cmd },
};

static int fcopy_probe(struct vsp_device *dev, int nopts,
		       const struct opt_kv *opts, char *err, size_t errlen)
{
	int ret = ic_probe(dev, &fcopy_service, nopts, opts, err, errlen);
	struct ic_dev *ic = ret ? NULL : vsp_dev_priv(dev);

	if (ic)
		((struct fc_host *)ic->priv)->fd = -1;
	return ret;
}

const struct vsp_ops vsp_fcopy_ops = IC_VSP_OPS("fcopy", fcopy,
	.cmds = fc_cmds, .ncmds = ARRAY_SIZE(fc_cmds));
