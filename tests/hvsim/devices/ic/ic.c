// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IC framework of the host (ic.h): options, negotiation, one
 * transaction at a time, the answers' checks, the periodic timer.
 *
 * A request is a VM_PKT_DATA_INBAND packet: struct vmbuspipe_hdr (flags 1,
 * a data message of a message-mode pipe, msgsize the bytes after it: the
 * pipe framing of openvmm vm/devices/vmbus/vmbus_async pipe.rs), then
 * struct icmsg_hdr with our framework and service versions (1.0 and the
 * newest service version during negotiation, as openvmm's hyperv_ic
 * does), the message type, TRANSACTION | REQUEST and a transaction id,
 * then the payload.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "ic.h"

#define PIPE_DATA_MESSAGE	1

struct ic_opt_values {
	const char *fw, *versions;
	uint32_t interval_ms;
};

const struct opt_spec ic_opts[IC_NOPTS] = {
	{ "fw", OPT_STR, offsetof(struct ic_opt_values, fw),
	  .help = "framework versions offered, newest first: 3.0/1.0" },
	{ "versions", OPT_STR, offsetof(struct ic_opt_values, versions),
	  .help = "service versions offered, newest first (default: all)" },
	{ "interval", OPT_U32, offsetof(struct ic_opt_values, interval_ms),
	  .min = 10, .max = 3600000,
	  .help = "ms between periodic requests (heartbeat, time samples)" },
};

const char *ic_version_str(uint32_t v, char buf[16])
{
	snprintf(buf, 16, "%u.%u", IC_MAJOR(v), IC_MINOR(v));
	return buf;
}

/* "3.0/1.0" into @out; false on a bad or too long list */
static bool parse_versions(const char *s, uint32_t *out, unsigned int *n)
{
	char buf[128], *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return false;
	*n = 0;
	for (char *tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		unsigned int major, minor;

		if (*n == IC_MAX_VERSIONS ||
		    !parse_version(tok, 0xffff, &major, &minor))
			return false;
		out[(*n)++] = IC_VERSION(major, minor);
	}
	return *n > 0;
}

static void ic_tick(void *priv)
{
	struct ic_dev *ic = priv;

	if (ic->state == IC_READY && ic->svc->on_tick)
		ic->svc->on_tick(ic);
	if (ic->state == IC_READY && ic->interval_ms)
		hv_timer_set(&ic->timer,
			     now_ns() + ic->interval_ms * 1000000ull);
}

int ic_probe(struct vsp_device *dev, const struct ic_service *svc, int nopts,
	     const struct opt_kv *opts, char *err, size_t errlen)
{
	struct ic_opt_values v = { .interval_ms = svc->default_interval_ms };
	const char *cls = vsp_class_name(dev);
	struct ic_dev *ic;

	if (opts_apply(ic_opts, IC_NOPTS, &v, opts, nopts, cls, err, errlen))
		return -1;
	ic = calloc(1, sizeof(*ic));
	if (ic && svc->priv_size)
		ic->priv = calloc(1, svc->priv_size);
	if (!ic || (svc->priv_size && !ic->priv)) {
		free(ic);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ic->dev = dev;
	ic->svc = svc;
	ic->interval_ms = v.interval_ms;
	ic->fw_offer[0] = UTIL_FW_VERSION;
	ic->fw_offer[1] = UTIL_WS2K8_FW_VERSION;
	ic->nfw = 2;
	if (svc->fw_versions) {
		memcpy(ic->fw_offer, svc->fw_versions,
		       svc->nfw_versions * sizeof(uint32_t));
		ic->nfw = svc->nfw_versions;
	}
	ic->nver = svc->nversions;
	memcpy(ic->ver_offer, svc->versions, svc->nversions * sizeof(uint32_t));
	if ((v.fw && !parse_versions(v.fw, ic->fw_offer, &ic->nfw)) ||
	    (v.versions && !parse_versions(v.versions, ic->ver_offer, &ic->nver))) {
		snprintf(err, errlen, "%s: fw= and versions= are lists like 3.0/1.0 (at most %u)",
			 cls, IC_MAX_VERSIONS);
		free(ic->priv);
		free(ic);
		return -1;
	}
	hv_timer_init(&ic->timer, ic_tick, ic);
	vsp_dev_set_priv(dev, ic);
	return 0;
}

void ic_remove(struct vsp_device *dev)
{
	struct ic_dev *ic = vsp_dev_priv(dev);

	if (!ic)
		return;
	vsp_dev_set_priv(dev, NULL);
	hv_timer_free(&ic->timer);
	if (ic->svc->on_free)
		ic->svc->on_free(ic);
	free(ic->priv);
	free(ic);
}

struct ic_dev *ic_of(struct vsp_device *dev)
{
	return dev && vsp_dev_ops(dev)->on_packet == ic_packet ?
	       vsp_dev_priv(dev) : NULL;
}

struct ic_dev *ic_find(struct hvsim *hs, struct ctl_conn *c, const char *name,
		       const char *arg)
{
	struct vsp_device *d;
	struct ic_dev *ic;

	if (arg) {
		d = vsp_dev_find(hs, arg);
		ic = d && !strcmp(vsp_class_name(d), name) ? ic_of(d) : NULL;
		if (!ic)
			ctl_fail(c, "%s is no %s device", arg, name);
		return ic;
	}
	for (d = vsp_dev_next(hs, NULL); d; d = vsp_dev_next(hs, d))
		if (!strcmp(vsp_class_name(d), name) && !vsp_dev_removing(d) &&
		    ic_of(d))
			return ic_of(d);
	ctl_fail(c, "no %s device", name);
	return NULL;
}

static int ic_send_msg(struct ic_dev *ic, uint16_t msgtype, uint32_t fw,
		       uint32_t ver, const void *payload, uint32_t len)
{
	uint8_t msg[IC_MAX_MSG];
	struct vmbuspipe_hdr pipe = {
		.flags = PIPE_DATA_MESSAGE,
		.msgsize = (uint32_t)(sizeof(struct icmsg_hdr) + len),
	};
	struct icmsg_hdr hdr = {
		.icverframe = { IC_MAJOR(fw), IC_MINOR(fw) },
		.icmsgtype = msgtype,
		.icvermsg = { IC_MAJOR(ver), IC_MINOR(ver) },
		.icmsgsize = (uint16_t)len,
		.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST,
	};
	uint64_t trans_id = ++ic->next_trans_id;
	int ret;

	if (!ic->ch)
		return -ENOTCONN;
	if (ic->busy)
		return -EBUSY;
	if (len > sizeof(msg) - ICMSG_HDR)
		return -EINVAL;
	hdr.ictransaction_id = (uint8_t)trans_id;
	memcpy(msg, &pipe, sizeof(pipe));
	memcpy(msg + sizeof(pipe), &hdr, sizeof(hdr));
	memcpy(msg + ICMSG_HDR, payload, len);
	ret = chan_send_inband(ic->ch, trans_id, 0, msg, (uint32_t)ICMSG_HDR + len);
	if (ret)
		return ret;
	ic->busy = true;
	ic->busy_trans_id = trans_id;
	ic->busy_msgtype = msgtype;
	ic->sent++;
	return 0;
}

int ic_send(struct ic_dev *ic, const void *payload, uint32_t len)
{
	if (ic->state != IC_READY)
		return -ENOTCONN;
	return ic_send_msg(ic, ic->svc->msgtype, ic->fw_version, ic->version,
			   payload, len);
}

static void ic_negotiate(struct ic_dev *ic)
{
	uint8_t buf[sizeof(struct icmsg_negotiate) +
		    2 * IC_MAX_VERSIONS * sizeof(struct ic_version)];
	struct icmsg_negotiate neg = {
		.icframe_vercnt = (uint16_t)ic->nfw,
		.icmsg_vercnt = (uint16_t)ic->nver,
	};
	struct ic_version *v = (struct ic_version *)(buf + sizeof(neg));
	unsigned int n = 0;
	int ret;

	memcpy(buf, &neg, sizeof(neg));
	for (unsigned int i = 0; i < ic->nfw; i++, n++)
		v[n] = (struct ic_version){ IC_MAJOR(ic->fw_offer[i]),
					    IC_MINOR(ic->fw_offer[i]) };
	for (unsigned int i = 0; i < ic->nver; i++, n++)
		v[n] = (struct ic_version){ IC_MAJOR(ic->ver_offer[i]),
					    IC_MINOR(ic->ver_offer[i]) };
	ic->state = IC_NEGOTIATING;
	ic->negotiations++;
	ret = ic_send_msg(ic, ICMSGTYPE_NEGOTIATE, UTIL_WS2K8_FW_VERSION,
			  ic->ver_offer[0], buf,
			  (uint32_t)(sizeof(neg) + n * sizeof(*v)));
	if (ret)
		log_warn("%s: relid %u: NEGOTIATE not sent (%d)",
			 vsp_class_name(ic->dev), chan_relid(ic->ch), ret);
}

void ic_opened(struct hv_chan *ch)
{
	struct ic_dev *ic = vsp_dev_priv(chan_dev(ch));

	if (!ic || chan_index(ch))
		return;
	ic->ch = ch;
	ic->busy = false;
	ic->fw_version = ic->version = 0;
	ic_negotiate(ic);
}

void ic_close(struct hv_chan *ch)
{
	struct ic_dev *ic = vsp_dev_priv(chan_dev(ch));

	if (!ic || ic->ch != ch)
		return;
	if (ic->svc->on_close)
		ic->svc->on_close(ic);
	ic->ch = NULL;
	ic->state = IC_CLOSED;
	ic->busy = false;
	hv_timer_set(&ic->timer, 0);
}

static bool offered(const uint32_t *list, unsigned int n, uint32_t v)
{
	for (unsigned int i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static void bad_answer(struct ic_dev *ic, const char *why)
{
	ic->bad_answers++;
	log_guest("%s: relid %u: bad answer: %s", vsp_class_name(ic->dev),
		  chan_relid(ic->ch), why);
}

/* the guest's answer to our NEGOTIATE */
static void ic_negotiated(struct ic_dev *ic, const uint8_t *p, uint32_t len)
{
	struct icmsg_negotiate neg;
	struct ic_version v[2];
	char a[16], b[16];

	if (len < sizeof(neg)) {
		bad_answer(ic, "short negotiation");
		ic->state = IC_FAILED;
		return;
	}
	memcpy(&neg, p, sizeof(neg));
	if (neg.icframe_vercnt == 0 && neg.icmsg_vercnt == 0) {
		log_info("%s: relid %u: the guest supports none of our versions",
			 vsp_class_name(ic->dev), chan_relid(ic->ch));
		ic->state = IC_FAILED;
		return;
	}
	if (neg.icframe_vercnt != 1 || neg.icmsg_vercnt != 1 ||
	    len < sizeof(neg) + sizeof(v)) {
		bad_answer(ic, "negotiation does not choose one of each");
		ic->state = IC_FAILED;
		return;
	}
	memcpy(v, p + sizeof(neg), sizeof(v));
	ic->fw_version = IC_VERSION(v[0].major, v[0].minor);
	ic->version = IC_VERSION(v[1].major, v[1].minor);
	if (!offered(ic->fw_offer, ic->nfw, ic->fw_version) ||
	    !offered(ic->ver_offer, ic->nver, ic->version)) {
		bad_answer(ic, "negotiation chose a version we did not offer");
		ic->state = IC_FAILED;
		return;
	}
	ic->state = IC_READY;
	log_info("%s: relid %u: framework %s, version %s",
		 vsp_class_name(ic->dev), chan_relid(ic->ch),
		 ic_version_str(ic->fw_version, a),
		 ic_version_str(ic->version, b));
	if (ic->svc->on_ready)
		ic->svc->on_ready(ic);
	if (ic->state == IC_READY && ic->interval_ms)
		hv_timer_set(&ic->timer,
			     now_ns() + ic->interval_ms * 1000000ull);
}

int ic_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	struct ic_dev *ic = vsp_dev_priv(chan_dev(ch));
	struct icmsg_hdr hdr;

	if (!ic || ic->ch != ch)
		return 0;
	if (pkt->type != VM_PKT_DATA_INBAND || pkt->data_len < ICMSG_HDR) {
		bad_answer(ic, "not an in-band IC message");
		return 0;
	}
	memcpy(&hdr, pkt->data + sizeof(struct vmbuspipe_hdr), sizeof(hdr));
	if (!ic->busy || pkt->trans_id != ic->busy_trans_id) {
		bad_answer(ic, "no request has its trans_id");
		return 0;
	}
	if (!(hdr.icflags & ICMSGHDRFLAG_RESPONSE) ||
	    hdr.icmsgtype != ic->busy_msgtype) {
		bad_answer(ic, "not a response of the request's type");
		return 0;
	}
	ic->busy = false;
	ic->answered++;
	if (hdr.icmsgtype == ICMSGTYPE_NEGOTIATE)
		ic_negotiated(ic, pkt->data + ICMSG_HDR,
			      pkt->data_len - (uint32_t)ICMSG_HDR);
	else if (ic->svc->on_answer)
		ic->svc->on_answer(ic, hdr.status, pkt->data + ICMSG_HDR,
				   pkt->data_len - (uint32_t)ICMSG_HDR);
	return 0;
}

void ic_print_common(struct ctl_conn *c, const struct ic_dev *ic)
{
	static const char *const states[] = {
		[IC_CLOSED] = "closed", [IC_NEGOTIATING] = "negotiating",
		[IC_READY] = "ready", [IC_FAILED] = "failed",
	};
	char fw[16] = "-", ver[16] = "-";

	if (ic->fw_version)
		ic_version_str(ic->fw_version, fw);
	if (ic->version)
		ic_version_str(ic->version, ver);
	ctl_printf(c, "%s.state=%s", vsp_class_name(ic->dev), states[ic->state]);
	ctl_printf(c, "%s.framework=%s", vsp_class_name(ic->dev), fw);
	ctl_printf(c, "%s.version=%s", vsp_class_name(ic->dev), ver);
	ctl_printf(c, "%s.sent=%llu", vsp_class_name(ic->dev),
		   (unsigned long long)ic->sent);
	ctl_printf(c, "%s.answered=%llu", vsp_class_name(ic->dev),
		   (unsigned long long)ic->answered);
	ctl_printf(c, "%s.bad_answers=%llu", vsp_class_name(ic->dev),
		   (unsigned long long)ic->bad_answers);
}

/* the structs are packed: UTF-16 units are moved one by one */
static void put16(void *p, size_t i, uint16_t v)
{
	memcpy((uint8_t *)p + 2 * i, &v, 2);
}

static uint16_t get16(const void *p, size_t i)
{
	uint16_t v;

	memcpy(&v, (const uint8_t *)p + 2 * i, 2);
	return v;
}

/* UTF-8 to UTF-16LE with a NUL, at most @max bytes; bytes used, or -1 */
int ic_utf16_from(const char *s, void *out, size_t max)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t c = *p++;
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		if (c >= 0x80 && c < 0xc0)
			return -1;
		c &= more ? 0x3f >> more : 0x7f;
		while (more--) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			c = c << 6 | (*p++ & 0x3f);
		}
		if (c >= 0x10000) {
			if ((n + 3) * 2 > max)
				return -1;
			c -= 0x10000;
			put16(out, n++, (uint16_t)(0xd800 | c >> 10));
			put16(out, n++, (uint16_t)(0xdc00 | (c & 0x3ff)));
		} else {
			if ((n + 2) * 2 > max)
				return -1;
			put16(out, n++, (uint16_t)c);
		}
	}
	put16(out, n++, 0);
	return (int)(n * 2);
}

/*
 * UTF-16LE of @bytes bytes from the guest to printable UTF-8 in @out
 * (control characters and bad surrogates become '?'); false if @bytes is
 * odd, too big, or no NUL ends the string within it.
 */
bool ic_utf16_to(const void *in, uint32_t bytes, uint32_t max,
		     char *out, size_t outlen)
{
	size_t o = 0;
	uint32_t n = bytes / 2, i;
	bool ok = bytes <= max && !(bytes % 2);

	if (!ok)
		n = max / 2;
	for (i = 0; i < n && get16(in, i) && o + 5 < outlen; i++) {
		uint32_t c = get16(in, i);
		uint32_t d = i + 1 < n ? get16(in, i + 1) : 0;

		if (c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
			i++;
		} else if ((c >= 0xd800 && c < 0xe000) || c < 0x20 || c == 0x7f) {
			c = '?';
		}
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | c >> 18);
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = 0;
	return ok && i < n;
}
