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
 * the daemon in process context, and answered when the daemon writes its
 * result, when it closes the device, or after KVP_TIMEOUT with HV_E_FAIL.
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
#include <linux/workqueue.h>

#include <hvlis/kvp.h>

#include "utils.h"

/* upstream's HV_UTIL_TIMEOUT: how long the daemon has for one request */
#define KVP_TIMEOUT		(30 * HZ)
/* what we tell the daemon we are (upstream's HV_DRV_VERSION) */
#define KVP_DRV_VERSION		"3.1"

static const int kvp_versions[] = {
	IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0)
};
static const int fw_versions[] = { UTIL_FW_VERSION, UTIL_WS2K8_FW_VERSION };

enum kvp_state {
	KVP_NO_DAEMON,		/* requests fail at once */
	KVP_READY,		/* the daemon registered */
	KVP_PENDING,		/* a request is with the daemon (or on its way) */
};

struct kvp {
	struct util_dev *ud;
	struct util_transport *t;
	spinlock_t lock;		/* state, op, len */
	enum kvp_state state;
	u8 op;				/* of the pending request */
	u32 len;			/* its length */
	struct work_struct send;
	struct delayed_work timeout;
	struct hv_kvp_msg daemon_msg;	/* send's buffer */
};

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
static void kvp_to_daemon(const struct hv_kvp_msg *in, struct hv_kvp_msg *out)
{
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
}

/*
 * The daemon's answer @d into the kept wire message; the status.  Only
 * GET, ENUMERATE and GET_IP_INFO carry data back.
 */
static u32 kvp_from_daemon(struct util_dev *ud, u8 op,
			   const struct hv_kvp_msg *d)
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

/* take the pending request to answer it; false if someone else did */
static bool kvp_take(struct kvp *kvp, u8 *op, u32 *len)
{
	bool mine;

	spin_lock_bh(&kvp->lock);
	mine = kvp->state == KVP_PENDING;
	if (mine) {
		kvp->state = KVP_READY;
		*op = kvp->op;
		*len = kvp->len;
	}
	spin_unlock_bh(&kvp->lock);
	return mine;
}

static void kvp_fail_pending(struct kvp *kvp)
{
	u8 op;
	u32 len;

	if (kvp_take(kvp, &op, &len))
		util_complete(kvp->ud, HV_E_FAIL, len);
}

static void kvp_send(struct work_struct *work)
{
	struct kvp *kvp = container_of(work, struct kvp, send);
	int ret;

	kvp_to_daemon(wire_msg(kvp->ud), &kvp->daemon_msg);
	ret = util_transport_send(kvp->t, &kvp->daemon_msg,
				  sizeof(kvp->daemon_msg), NULL);
	if (ret) {
		dev_dbg(&kvp->ud->hdev->device, "KVP: daemon not reached (%d)\n", ret);
		kvp_fail_pending(kvp);
	}
}

static void kvp_timeout(struct work_struct *work)
{
	struct kvp *kvp = container_of(work, struct kvp, timeout.work);

	dev_warn_ratelimited(&kvp->ud->hdev->device,
			     "KVP: the daemon did not answer in %d s\n",
			     KVP_TIMEOUT / HZ);
	kvp_fail_pending(kvp);
}

static u32 kvp_request(struct util_dev *ud, u8 *msg, u32 len)
{
	struct kvp *kvp = ud->priv;
	u32 status = UTIL_DEFERRED;

	if (!kvp_request_ok(ud, len))
		return HV_E_FAIL;
	/* the answer may be longer: no stale bytes of an older message */
	memset(msg + len, 0, sizeof(ud->msg) - len);
	spin_lock_bh(&kvp->lock);
	if (kvp->state == KVP_READY) {
		kvp->state = KVP_PENDING;
		kvp->op = wire_msg(ud)->kvp_hdr.operation;
		kvp->len = len;
	} else {
		/* no daemon (a pending one cannot be: we read one at a time) */
		status = HV_E_FAIL;
	}
	spin_unlock_bh(&kvp->lock);
	if (status == UTIL_DEFERRED) {
		schedule_delayed_work(&kvp->timeout, KVP_TIMEOUT);
		schedule_work(&kvp->send);
	}
	return status;
}

/* the daemon registers: answer with our version, then it is ready */
static int kvp_register(struct kvp *kvp, const struct hv_kvp_msg *m)
{
	struct hv_kvp_msg *reply;
	int ret;

	if (m->kvp_hdr.operation != KVP_OP_REGISTER1) {
		dev_info(&kvp->ud->hdev->device,
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
	ret = util_transport_send(kvp->t, reply, sizeof(*reply), NULL);
	kfree(reply);
	if (ret)
		return ret;
	spin_lock_bh(&kvp->lock);
	kvp->state = KVP_READY;
	spin_unlock_bh(&kvp->lock);
	dev_info(&kvp->ud->hdev->device, "KVP: daemon registered\n");
	return 0;
}

static int kvp_on_msg(void *ctx, void *msg, size_t len)
{
	struct kvp *kvp = ctx;
	enum kvp_state state;
	u32 wire_len;
	u8 op;

	if (len < sizeof(struct hv_kvp_msg))
		return -EINVAL;
	spin_lock_bh(&kvp->lock);
	state = kvp->state;
	spin_unlock_bh(&kvp->lock);
	if (state == KVP_NO_DAEMON)
		return kvp_register(kvp, msg);
	/* the timeout may have answered already: then this comes too late */
	if (!kvp_take(kvp, &op, &wire_len))
		return state == KVP_READY ? 0 : -EINVAL;
	cancel_delayed_work(&kvp->timeout);
	BUILD_BUG_ON(ICMSG_HDR + sizeof(struct hv_kvp_ip_msg) > UTIL_MSG_MAX);
	wire_len = max_t(u32, wire_len, ICMSG_HDR + kvp_answer_size(op));
	util_complete(kvp->ud, kvp_from_daemon(kvp->ud, op, msg), wire_len);
	return 0;
}

static void kvp_on_reset(void *ctx)
{
	struct kvp *kvp = ctx;

	kvp_fail_pending(kvp);
	spin_lock_bh(&kvp->lock);
	kvp->state = KVP_NO_DAEMON;
	spin_unlock_bh(&kvp->lock);
}

static const struct util_transport_ops kvp_transport_ops = {
	.max_msg = sizeof(struct hv_kvp_msg),
	.on_msg = kvp_on_msg,
	.on_reset = kvp_on_reset,
};

static int kvp_init(struct util_dev *ud)
{
	struct kvp *kvp;

	kvp = kzalloc(sizeof(*kvp), GFP_KERNEL);
	if (!kvp)
		return -ENOMEM;
	kvp->ud = ud;
	spin_lock_init(&kvp->lock);
	INIT_WORK(&kvp->send, kvp_send);
	INIT_DELAYED_WORK(&kvp->timeout, kvp_timeout);
	kvp->t = util_transport_create("vmbus/hv_kvp", &kvp_transport_ops, kvp);
	if (IS_ERR(kvp->t)) {
		int ret = PTR_ERR(kvp->t);

		kfree(kvp);
		return ret;
	}
	ud->priv = kvp;
	return 0;
}

/* the channel is closed: no request comes, none can be answered */
static void kvp_exit(struct util_dev *ud)
{
	struct kvp *kvp = ud->priv;

	spin_lock_bh(&kvp->lock);
	kvp->state = KVP_NO_DAEMON;
	spin_unlock_bh(&kvp->lock);
	cancel_work_sync(&kvp->send);
	cancel_delayed_work_sync(&kvp->timeout);
	util_transport_destroy(kvp->t);
	kfree(kvp);
}

const struct util_service util_kvp = {
	.name = "KVP IC",
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = kvp_versions,
	.nversions = ARRAY_SIZE(kvp_versions),
	.fw_versions = fw_versions,
	.nfw_versions = ARRAY_SIZE(fw_versions),
	.init = kvp_init,
	.exit = kvp_exit,
	.request = kvp_request,
};
