// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVP, the key-value pair exchange: the host's requests go to the KVP
 * daemon through /dev/vmbus/hv_kvp (transport.c) and its answers back,
 * with UTF-16 on the wire and UTF-8 for the daemon (hvlis/kvp.h).  The
 * protocol is upstream's (drivers/hv/hv_kvp.c, Linux 6.12); versions
 * kvp_versions[] from there.
 *
 * One transaction at a time, as the host sends them.  The request is
 * checked in the tasklet (operation, pool, sizes: a key of at most 512
 * bytes and a value of at most 2048, each an even number of UTF-16 bytes;
 * the whole struct the operation uses present), converted and handed to
 * the daemon in process context (daemon.c), and answered when the daemon
 * writes its result, when it closes the device, or after 30 s (HV_E_FAIL).
 * Without a registered daemon a request fails at once.  Whatever the
 * daemon writes is checked too: its strings are cut at their size and
 * must be UTF-8.
 *
 * Upstream also delays the version negotiation up to 55 s for a daemon
 * that has not started yet; we negotiate at once and fail requests until
 * the daemon is there, so the channel never waits on user space.
 */
#include <linux/nls.h>
#include <linux/slab.h>

#include <hvlis/kvp.h>

#include "utils.h"

/* what we tell the daemon we are (upstream's HV_DRV_VERSION) */
#define KVP_DRV_VERSION		"3.1"

static const int kvp_versions[] = {
	IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0)
};
static const int fw_versions[] = { UTIL_FW_VERSION, UTIL_WS2K8_FW_VERSION };

static struct hv_kvp_msg *wire_msg(struct util_dev *ud)
{
	return (struct hv_kvp_msg *)(ud->msg + ICMSG_HDR);
}

/*
 * UTF-16LE of at most @bytes bytes (stopping at a NUL) to a NUL-terminated
 * UTF-8 string in @out of @outlen bytes; its length with the NUL.
 */
static u32 from_utf16(const void *in, u32 bytes, u8 *out, u32 outlen)
{
	int n;

	n = utf16s_to_utf8s(in, bytes / 2, UTF16_LITTLE_ENDIAN, out, outlen - 1);
	out[n] = 0;
	return n + 1;
}

/* NUL-terminated UTF-8 (at most @inlen bytes) to UTF-16LE; -errno or bytes */
static int to_utf16(const u8 *in, u32 inlen, void *out, u32 outbytes)
{
	int n;

	n = utf8s_to_utf16s(in, strnlen(in, inlen), UTF16_LITTLE_ENDIAN, out,
			    outbytes / 2 - 1);
	if (n < 0)
		return n;
	((u16 *)out)[n] = 0;
	return 2 * (n + 1);
}

/* the bytes each operation's request must have after the framing */
static u32 kvp_request_size(u8 op)
{
	switch (op) {
	case KVP_OP_GET:
	case KVP_OP_SET:
		return sizeof(struct hv_kvp_hdr) + sizeof(struct hv_kvp_exchg_msg_value);
	case KVP_OP_DELETE:
		return sizeof(struct hv_kvp_hdr) + sizeof(struct hv_kvp_msg_delete);
	case KVP_OP_ENUMERATE:
		return sizeof(struct hv_kvp_hdr) + sizeof(u32);
	default:	/* the IP operations */
		return sizeof(struct hv_kvp_ip_msg);
	}
}

/* the bytes the answer needs: the host may have sent less (ENUMERATE) */
static u32 kvp_answer_size(u8 op)
{
	if (op == KVP_OP_ENUMERATE)
		return sizeof(struct hv_kvp_hdr) + sizeof(struct hv_kvp_msg_enumerate);
	return kvp_request_size(op);
}

static bool kvp_request_ok(struct util_dev *ud, u32 len)
{
	const struct hv_kvp_msg *m = wire_msg(ud);
	struct device *dev = &ud->hdev->device;
	const struct hv_kvp_exchg_msg_value *v = &m->body.kvp_set.data;
	u8 op, pool;

	if (len < ICMSG_HDR + sizeof(struct hv_kvp_hdr))
		goto short_msg;
	op = m->kvp_hdr.operation;
	pool = m->kvp_hdr.pool;
	if (op >= KVP_OP_COUNT || pool >= KVP_POOL_COUNT) {
		dev_err_ratelimited(dev, "KVP: bad operation %u or pool %u\n",
				    op, pool);
		return false;
	}
	if (len < ICMSG_HDR + kvp_request_size(op))
		goto short_msg;
	switch (op) {
	case KVP_OP_SET:
		if (v->value_type != REG_SZ && v->value_type != REG_U32 &&
		    v->value_type != REG_U64) {
			dev_err_ratelimited(dev, "KVP: bad value type %u\n",
					    v->value_type);
			return false;
		}
		if (v->value_type == REG_SZ &&
		    (v->value_size > HV_KVP_EXCHANGE_MAX_VALUE_SIZE ||
		     v->value_size % 2))
			goto bad_size;
		fallthrough;
	case KVP_OP_GET:
		if (v->key_size > HV_KVP_EXCHANGE_MAX_KEY_SIZE || v->key_size % 2)
			goto bad_size;
		break;
	case KVP_OP_DELETE:
		if (m->body.kvp_delete.key_size > HV_KVP_EXCHANGE_MAX_KEY_SIZE ||
		    m->body.kvp_delete.key_size % 2)
			goto bad_size;
		break;
	}
	return true;

short_msg:
	dev_err_ratelimited(dev, "KVP: %u bytes is too short\n", len);
	return false;
bad_size:
	dev_err_ratelimited(dev, "KVP: bad key or value size\n");
	return false;
}

/* the host's request (on the wire) as the daemon reads it */
static ssize_t kvp_to_daemon(struct util_dev *ud, void *buf)
{
	const struct hv_kvp_msg *in = wire_msg(ud);
	struct hv_kvp_msg *out = buf;
	const struct hv_kvp_ip_msg *ip_in = (const void *)in;
	struct hv_kvp_ipaddr_value *ip = &out->body.kvp_ip_val;
	const struct hv_kvp_exchg_msg_value *v = &in->body.kvp_set.data;
	struct hv_kvp_exchg_msg_value *o = &out->body.kvp_set.data;

	memset(out, 0, sizeof(*out));
	out->kvp_hdr.operation = in->kvp_hdr.operation;
	out->kvp_hdr.pool = in->kvp_hdr.pool;
	switch (in->kvp_hdr.operation) {
	case KVP_OP_SET_IP_INFO:
		/* the daemon reads these __u16 arrays as UTF-8 bytes */
		from_utf16(ip_in->kvp_ip_val.ip_addr, sizeof(ip->ip_addr),
			   (u8 *)ip->ip_addr, sizeof(ip->ip_addr));
		from_utf16(ip_in->kvp_ip_val.sub_net, sizeof(ip->sub_net),
			   (u8 *)ip->sub_net, sizeof(ip->sub_net));
		from_utf16(ip_in->kvp_ip_val.gate_way, sizeof(ip->gate_way),
			   (u8 *)ip->gate_way, sizeof(ip->gate_way));
		from_utf16(ip_in->kvp_ip_val.dns_addr, sizeof(ip->dns_addr),
			   (u8 *)ip->dns_addr, sizeof(ip->dns_addr));
		ip->dhcp_enabled = ip_in->kvp_ip_val.dhcp_enabled;
		fallthrough;
	case KVP_OP_GET_IP_INFO:
		from_utf16(ip_in->kvp_ip_val.adapter_id, sizeof(ip->adapter_id),
			   (u8 *)ip->adapter_id, sizeof(ip->adapter_id));
		ip->addr_family = ip_in->kvp_ip_val.addr_family;
		break;
	case KVP_OP_SET:
		o->value_type = v->value_type;
		if (v->value_type == REG_SZ)
			o->value_size = from_utf16(v->value, v->value_size,
						   o->value, sizeof(o->value));
		else if (v->value_type == REG_U32)
			o->value_size = snprintf(o->value, sizeof(o->value), "%u",
						 v->value_u32) + 1;
		else
			o->value_size = snprintf(o->value, sizeof(o->value), "%llu",
						 v->value_u64) + 1;
		o->key_size = from_utf16(v->key, v->key_size, o->key,
					 sizeof(o->key));
		break;
	case KVP_OP_GET:
		/*
		 * The daemon copies value_size bytes of the value it finds
		 * (tools/hv/hv_kvp_daemon.c kvp_get_value()): offer it all.
		 */
		o->value_size = HV_KVP_EXCHANGE_MAX_VALUE_SIZE;
		o->key_size = from_utf16(v->key, v->key_size, o->key,
					 sizeof(o->key));
		break;
	case KVP_OP_DELETE:
		out->body.kvp_delete.key_size =
			from_utf16(in->body.kvp_delete.key,
				   in->body.kvp_delete.key_size,
				   out->body.kvp_delete.key,
				   sizeof(out->body.kvp_delete.key));
		break;
	case KVP_OP_ENUMERATE:
		out->body.kvp_enum_data.index = in->body.kvp_enum_data.index;
		break;
	}
	return sizeof(*out);
}

/*
 * The daemon's answer @d into the kept wire message; the status.  Only
 * GET, ENUMERATE and GET_IP_INFO carry data back.
 */
static u32 kvp_answer(struct util_dev *ud, u8 op, const struct hv_kvp_msg *d)
{
	struct hv_kvp_msg *w = wire_msg(ud);
	struct hv_kvp_ip_msg *ip = (void *)w;
	const struct hv_kvp_ipaddr_value *dip = &d->body.kvp_ip_val;
	struct hv_kvp_exchg_msg_value *v;
	int k = 0, n;

	if (d->error)
		return d->error;
	switch (op) {
	case KVP_OP_GET_IP_INFO:
		if (to_utf16((u8 *)dip->ip_addr, sizeof(dip->ip_addr),
			     ip->kvp_ip_val.ip_addr, sizeof(ip->kvp_ip_val.ip_addr)) < 0 ||
		    to_utf16((u8 *)dip->sub_net, sizeof(dip->sub_net),
			     ip->kvp_ip_val.sub_net, sizeof(ip->kvp_ip_val.sub_net)) < 0 ||
		    to_utf16((u8 *)dip->gate_way, sizeof(dip->gate_way),
			     ip->kvp_ip_val.gate_way, sizeof(ip->kvp_ip_val.gate_way)) < 0 ||
		    to_utf16((u8 *)dip->dns_addr, sizeof(dip->dns_addr),
			     ip->kvp_ip_val.dns_addr, sizeof(ip->kvp_ip_val.dns_addr)) < 0 ||
		    to_utf16((u8 *)dip->adapter_id, sizeof(dip->adapter_id),
			     ip->kvp_ip_val.adapter_id, sizeof(ip->kvp_ip_val.adapter_id)) < 0)
			return HV_E_FAIL;
		ip->kvp_ip_val.dhcp_enabled = dip->dhcp_enabled;
		ip->kvp_ip_val.addr_family = dip->addr_family;
		return HV_S_OK;
	case KVP_OP_GET:
		v = &w->body.kvp_get.data;
		n = to_utf16(d->body.kvp_get.data.value,
			     sizeof(d->body.kvp_get.data.value), v->value,
			     sizeof(v->value));
		break;
	case KVP_OP_ENUMERATE:
		v = &w->body.kvp_enum_data.data;
		k = to_utf16(d->body.kvp_enum_data.data.key,
			     sizeof(d->body.kvp_enum_data.data.key), v->key,
			     sizeof(v->key));
		n = to_utf16(d->body.kvp_enum_data.data.value,
			     sizeof(d->body.kvp_enum_data.data.value), v->value,
			     sizeof(v->value));
		if (k >= 0)
			v->key_size = k;
		break;
	default:
		return HV_S_OK;
	}
	if (k < 0 || n < 0)
		return HV_E_FAIL;
	v->value_size = n;
	v->value_type = REG_SZ;		/* all our values are strings */
	return HV_S_OK;
}

static u32 kvp_from_daemon(struct util_dev *ud, const void *msg, u32 *wire_len)
{
	u8 op = wire_msg(ud)->kvp_hdr.operation;

	BUILD_BUG_ON(ICMSG_HDR + sizeof(struct hv_kvp_ip_msg) > UTIL_MSG_MAX);
	*wire_len = max_t(u32, *wire_len, ICMSG_HDR + kvp_answer_size(op));
	return kvp_answer(ud, op, msg);
}

static u32 kvp_request(struct util_dev *ud, u8 *msg, u32 len)
{
	if (!kvp_request_ok(ud, len))
		return HV_E_FAIL;
	/* the answer may be longer: no stale bytes of an older message */
	memset(msg + len, 0, sizeof(ud->msg) - len);
	return util_daemon_request(ud->daemon, len, UTIL_DAEMON_TIMEOUT);
}

/* the daemon registers: answer with our version, then it is ready */
static int kvp_hello(struct util_daemon *d, const void *msg, size_t len)
{
	const struct hv_kvp_msg *m = msg;
	struct hv_kvp_msg *reply;
	int ret;

	if (len != sizeof(*m))
		return -EINVAL;
	if (m->kvp_hdr.operation != KVP_OP_REGISTER1) {
		dev_info(&d->ud->hdev->device,
			 "KVP: incompatible daemon (registers as %u, we need %u)\n",
			 m->kvp_hdr.operation, KVP_OP_REGISTER1);
		return -EINVAL;
	}
	reply = kzalloc(sizeof(*reply), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	reply->kvp_hdr.operation = KVP_OP_REGISTER1;
	strscpy(reply->body.kvp_register.version, KVP_DRV_VERSION,
		sizeof(reply->body.kvp_register.version));
	ret = util_transport_send(d->t, reply, sizeof(*reply), NULL);
	kfree(reply);
	return ret;
}

static const struct util_daemon_ops kvp_daemon_ops = {
	.devname = "vmbus/hv_kvp",
	.tag = "KVP",
	.request_size = sizeof(struct hv_kvp_msg),
	.answer_size = sizeof(struct hv_kvp_msg),
	.hello_size = sizeof(struct hv_kvp_msg),
	.hello = kvp_hello,
	.to_daemon = kvp_to_daemon,
	.from_daemon = kvp_from_daemon,
};

const struct util_service util_kvp = {
	.name = "KVP IC",
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = kvp_versions,
	.nversions = ARRAY_SIZE(kvp_versions),
	.fw_versions = fw_versions,
	.nfw_versions = ARRAY_SIZE(fw_versions),
	.daemon = &kvp_daemon_ops,
	.request = kvp_request,
};
