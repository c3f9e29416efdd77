// SPDX-License-Identifier: GPL-2.0-only
/*
 * File copy, the "guest services" IC: Copy-VMFile on the host sends a
 * file in pieces, which the file-copy daemon writes (/dev/vmbus/hv_fcopy,
 * daemon.c).  Protocol, version and daemon ABI are those of upstream's
 * drivers/hv/hv_fcopy.c (Linux 6.1; hvlis/fcopy.h).  Linux 6.10 moved
 * this service to a uio daemon; the device ABI here is the one the
 * distributions' hv_fcopy_daemon still speaks.
 *
 * Checked beyond upstream: each request must hold the whole struct its
 * operation uses (a WRITE_TO_FILE its data, at most DATA_FRAGMENT bytes),
 * and the two paths of START_FILE_COPY must be NUL-terminated and fit the
 * daemon's W_MAX_PATH-byte UTF-8 strings, where upstream cuts them
 * short, which would copy the file to a different name.
 */
#include <linux/nls.h>

#include <hvlis/fcopy.h>

#include "utils.h"

static const int fcopy_versions[] = { IC_VERSION(1, 1) };
static const int fw_versions[] = { UTIL_FW_VERSION };

static struct hv_fcopy_hdr *wire_msg(struct util_dev *ud)
{
	return (struct hv_fcopy_hdr *)(ud->msg + ICMSG_HDR);
}

/* the bytes an operation's request must have after the framing */
static u32 fcopy_request_size(const struct hv_fcopy_hdr *h)
{
	const struct hv_do_fcopy *w = (const void *)h;

	switch (h->operation) {
	case START_FILE_COPY:
		return sizeof(struct hv_start_fcopy);
	case WRITE_TO_FILE:
		return offsetof(struct hv_do_fcopy, data) + w->size;
	default:
		return sizeof(struct hv_fcopy_hdr);
	}
}

static u32 fcopy_request(struct util_dev *ud, u8 *msg, u32 len)
{
	const struct hv_fcopy_hdr *h = wire_msg(ud);
	const struct hv_do_fcopy *w = (const void *)h;
	struct device *dev = &ud->hdev->device;

	if (len < ICMSG_HDR + sizeof(*h) ||
	    (h->operation == WRITE_TO_FILE &&
	     len < ICMSG_HDR + offsetof(struct hv_do_fcopy, data))) {
		dev_err_ratelimited(dev, "FCopy: %u bytes is too short\n", len);
		return HV_E_FAIL;
	}
	if (h->operation > CANCEL_FCOPY) {
		dev_err_ratelimited(dev, "FCopy: unknown operation %u\n",
				    h->operation);
		return HV_E_FAIL;
	}
	if (h->operation == WRITE_TO_FILE && w->size > DATA_FRAGMENT) {
		dev_err_ratelimited(dev, "FCopy: a piece of %u bytes\n", w->size);
		return HV_E_FAIL;
	}
	if (len < ICMSG_HDR + fcopy_request_size(h)) {
		dev_err_ratelimited(dev, "FCopy: %u bytes is too short for operation %u\n",
				    len, h->operation);
		return HV_E_FAIL;
	}
	return util_daemon_request(ud->daemon, len, UTIL_DAEMON_TIMEOUT);
}

/*
 * A path of at most W_MAX_PATH UTF-16 characters, NUL-terminated, to
 * UTF-8 in @out (W_MAX_PATH bytes with the NUL, the daemon's limit);
 * false if it is unterminated, empty or too long.
 */
static bool fcopy_path(const __u16 *in, u8 *out)
{
	/* room for the whole conversion, to tell "too long" from "fits" */
	u8 tmp[W_MAX_PATH * 3];
	int units, n;

	for (units = 0; units < W_MAX_PATH && in[units]; units++)
		;
	if (!units || units == W_MAX_PATH)
		return false;
	n = utf16s_to_utf8s((const wchar_t *)in, units, UTF16_LITTLE_ENDIAN,
			    tmp, sizeof(tmp));
	if (n <= 0 || n > W_MAX_PATH - 1)
		return false;
	memcpy(out, tmp, n);
	out[n] = 0;
	return true;
}

static ssize_t fcopy_to_daemon(struct util_dev *ud, void *buf)
{
	const struct hv_start_fcopy *in = (const void *)wire_msg(ud);
	const struct hv_do_fcopy *w = (const void *)in;
	struct hv_start_fcopy *out = buf;

	switch (in->hdr.operation) {
	case START_FILE_COPY:
		memset(out, 0, sizeof(*out));
		out->hdr.operation = START_FILE_COPY;
		if (!fcopy_path(in->file_name, (u8 *)out->file_name) ||
		    !fcopy_path(in->path_name, (u8 *)out->path_name)) {
			dev_err_ratelimited(&ud->hdev->device,
					    "FCopy: a file or directory name that is empty, unterminated or too long\n");
			return -EINVAL;
		}
		out->copy_flags = in->copy_flags;
		out->file_size = in->file_size;
		return sizeof(*out);
	case WRITE_TO_FILE:
		/* the whole struct, zeroed past the data the host sent */
		memset(buf, 0, sizeof(*w));
		memcpy(buf, w, offsetof(struct hv_do_fcopy, data) + w->size);
		return sizeof(*w);
	default:
		memcpy(buf, &in->hdr, sizeof(in->hdr));
		return sizeof(in->hdr);
	}
}

static u32 fcopy_from_daemon(struct util_dev *ud, const void *msg, u32 *wire_len)
{
	return *(const int *)msg;
}

/* FCOPY_VERSION_1 gets our version back; version 0 nothing */
static int fcopy_hello(struct util_daemon *d, const void *msg, size_t len)
{
	u32 ours = FCOPY_CURRENT_VERSION;
	int version;

	if (len != sizeof(version))
		return -EINVAL;
	version = *(const int *)msg;
	switch (version) {
	case FCOPY_VERSION_0:
		return 0;
	case FCOPY_VERSION_1:
		return util_transport_send(d->t, &ours, sizeof(ours), NULL);
	default:
		dev_info(&d->ud->hdev->device,
			 "FCopy: incompatible daemon (version %d)\n", version);
		return -EINVAL;
	}
}

static const struct util_daemon_ops fcopy_daemon_ops = {
	.devname = "vmbus/hv_fcopy",
	.tag = "FCopy",
	.request_size = sizeof(struct hv_do_fcopy),
	.answer_size = sizeof(int),
	.hello_size = sizeof(int),
	.hello = fcopy_hello,
	.to_daemon = fcopy_to_daemon,
	.from_daemon = fcopy_from_daemon,
};

const struct util_service util_fcopy = {
	.name = "FCopy IC",
	.msgtype = ICMSGTYPE_FCOPY,
	.versions = fcopy_versions,
	.nversions = ARRAY_SIZE(fcopy_versions),
	.fw_versions = fw_versions,
	.nfw_versions = ARRAY_SIZE(fw_versions),
	.daemon = &fcopy_daemon_ops,
	.request = fcopy_request,
};
