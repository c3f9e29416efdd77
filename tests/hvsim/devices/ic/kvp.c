// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVP (class "kvp"): the host's key-value pair exchange, hvlis/kvp.h's
 * messages with UTF-16LE strings, one transaction at a time (openvmm
 * vm/devices/hyperv_ic kvp.rs plays the same role; Hyper-V's WMI
 * Msvm_KvpExchangeComponent is the administrator's view).  Versions 4.0,
 * 3.0 and 1.0 (kvp_versions[] of drivers/hv/hv_kvp.c).
 *
 * The administrator's commands queue operations; they go to the guest
 * one by one and their results are kept (the last KVP_RESULTS lines):
 *   kvp set POOL KEY VALUE     a REG_SZ value into pool 0..4
 *   kvp get POOL KEY
 *   kvp delete POOL KEY
 *   kvp list POOL              ENUMERATE from index 0 until the guest
 *                              answers a failure (HV_S_CONT past the end)
 *   kvp info                   list 2: what the guest reports of itself
 *   kvp results                the results, oldest first, then "kvp.pending=N"
 *   kvp status                 state, versions, counters
 * Result lines: "kvp.result op=get pool=0 status=0x0 key=K value=V",
 * "kvp.record pool=2 index=0 key=FullyQualifiedDomainName value=...",
 * "kvp.result op=list pool=2 status=0x80070103 records=10".
 *
 * What the guest answers is checked: sizes within the struct, even byte
 * counts, strings ending within their size; a bad answer is counted, its
 * strings shown as far as they are valid.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvlis/kvp.h>

#include "ic.h"

#define KVP_USAGE							\
	"kvp set POOL KEY VALUE | kvp get POOL KEY | kvp delete POOL KEY | "	\
	"kvp list POOL | kvp info | kvp results | kvp status"

#define KVP_QUEUE	32
#define KVP_RESULTS	256

struct kvp_op {
	uint8_t op;		/* KVP_OP_*, or KVP_OP_COUNT for "list" */
	uint8_t pool;
	char *key, *value;
};

struct kvp_host {
	struct kvp_op q[KVP_QUEUE];
	unsigned int head, n;		/* q[head] is the one out */
	bool out;
	uint32_t index;			/* list: the next index */
	uint32_t records;
	char *results[KVP_RESULTS];
	unsigned int nresults, first;
};

static const uint32_t kvp_versions[] = {
	IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0)
};

static __printf(2, 3) void kvp_result(struct kvp_host *k, const char *fmt, ...)
{
	char line[CTL_MAX_LINE];
	unsigned int slot;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (k->nresults == KVP_RESULTS) {
		free(k->results[k->first]);
		k->first = (k->first + 1) % KVP_RESULTS;
		k->nresults--;
	}
	slot = (k->first + k->nresults++) % KVP_RESULTS;
	k->results[slot] = strdup(line);
}

static const char *op_name(uint8_t op)
{
	static const char *const names[] = {
		[KVP_OP_GET] = "get", [KVP_OP_SET] = "set",
		[KVP_OP_DELETE] = "delete", [KVP_OP_ENUMERATE] = "enumerate",
		[KVP_OP_COUNT] = "list",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "?";
}

static void op_free(struct kvp_op *o)
{
	free(o->key);
	free(o->value);
	memset(o, 0, sizeof(*o));
}

/* send the operation at the head of the queue, if any and none is out */
static void kvp_kick(struct ic_dev *ic)
{
	struct kvp_host *k = ic->priv;
	struct kvp_op *o = &k->q[k->head];
	struct hv_kvp_msg m;
	struct hv_kvp_exchg_msg_value *v = &m.body.kvp_set.data;
	uint32_t len = sizeof(struct hv_kvp_hdr) + sizeof(*v);
	int n;

	if (k->out || !k->n || ic->state != IC_READY || ic->busy)
		return;
	memset(&m, 0, sizeof(m));
	m.kvp_hdr.pool = o->pool;
	m.kvp_hdr.operation = o->op == KVP_OP_COUNT ? KVP_OP_ENUMERATE : o->op;
	switch (o->op) {
	case KVP_OP_SET:
		v->value_type = REG_SZ;
		n = ic_utf16_from(o->value, v->value, sizeof(v->value));
		v->value_size = (uint32_t)n;
		/* fall through */
	case KVP_OP_GET:
		n = ic_utf16_from(o->key, v->key, sizeof(v->key));
		v->key_size = (uint32_t)n;
		break;
	case KVP_OP_DELETE:
		n = ic_utf16_from(o->key, m.body.kvp_delete.key,
			       sizeof(m.body.kvp_delete.key));
		m.body.kvp_delete.key_size = (uint32_t)n;
		len = sizeof(struct hv_kvp_hdr) + sizeof(m.body.kvp_delete);
		break;
	default:	/* list */
		m.body.kvp_enum_data.index = k->index;
		len = sizeof(struct hv_kvp_hdr) + sizeof(m.body.kvp_enum_data);
		break;
	}
	if (!ic_send(ic, &m, len))
		k->out = true;
}

static void kvp_done(struct ic_dev *ic)
{
	struct kvp_host *k = ic->priv;

	op_free(&k->q[k->head]);
	k->head = (k->head + 1) % KVP_QUEUE;
	k->n--;
	k->out = false;
	kvp_kick(ic);
}

static void kvp_answer(struct ic_dev *ic, uint32_t status, const uint8_t *p,
		       uint32_t len)
{
	struct kvp_host *k = ic->priv;
	struct kvp_op *o = &k->q[k->head];
	static struct hv_kvp_msg m;
	const struct hv_kvp_exchg_msg_value *v;
	static char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE * 2];
	static char val[HV_KVP_EXCHANGE_MAX_VALUE_SIZE * 2];
	bool ok;

	if (!k->out)
		return;
	memset(&m, 0, sizeof(m));
	memcpy(&m, p, len < sizeof(m) ? len : sizeof(m));
	if (o->op == KVP_OP_SET || o->op == KVP_OP_DELETE) {
		kvp_result(k, "kvp.result op=%s pool=%u status=0x%x key=%s",
			   op_name(o->op), o->pool, status, o->key);
		kvp_done(ic);
		return;
	}
	if (o->op == KVP_OP_GET) {
		v = &m.body.kvp_get.data;
		ok = status != HV_S_OK ||
		     (len >= sizeof(struct hv_kvp_hdr) + sizeof(*v) &&
		      ic_utf16_to(v->value, v->value_size,
			       sizeof(v->value), val, sizeof(val)));
		if (!ok) {
			ic->bad_answers++;
			log_guest("kvp: a bad GET answer");
		}
		kvp_result(k, "kvp.result op=get pool=%u status=0x%x key=%s value=%s",
			   o->pool, status, o->key, status == HV_S_OK ? val : "");
		kvp_done(ic);
		return;
	}
	/* list: one ENUMERATE per index until the guest says no more */
	if (status != HV_S_OK) {
		kvp_result(k, "kvp.result op=list pool=%u status=0x%x records=%u",
			   o->pool, status, k->records);
		kvp_done(ic);
		return;
	}
	v = &m.body.kvp_enum_data.data;
	ok = len >= sizeof(struct hv_kvp_hdr) + sizeof(m.body.kvp_enum_data);
	ok = ic_utf16_to(v->key, v->key_size, sizeof(v->key),
		      key, sizeof(key)) && ok;
	ok = ic_utf16_to(v->value, v->value_size,
		      sizeof(v->value), val, sizeof(val)) && ok;
	if (!ok) {
		ic->bad_answers++;
		log_guest("kvp: a bad ENUMERATE answer (index %u)", k->index);
	}
	kvp_result(k, "kvp.record pool=%u index=%u key=%s value=%s", o->pool,
		   k->index, key, val);
	k->records++;
	k->index++;
	k->out = false;
	/* a guest that never ends the list is stopped somewhere */
	if (k->index == 1000) {
		kvp_result(k, "kvp.result op=list pool=%u status=0x%x records=%u",
			   o->pool, HV_E_FAIL, k->records);
		kvp_done(ic);
		return;
	}
	kvp_kick(ic);
}

static void kvp_ready(struct ic_dev *ic)
{
	kvp_kick(ic);
}

/* a closed channel loses what was out; the queue waits for the next open */
static void kvp_closed(struct ic_dev *ic)
{
	struct kvp_host *k = ic->priv;

	if (k->out)
		kvp_result(k, "kvp.result op=%s pool=%u status=closed",
			   op_name(k->q[k->head].op), k->q[k->head].pool);
	k->out = false;
	k->index = k->records = 0;
}

static void kvp_free(struct ic_dev *ic);

static const struct ic_service kvp_service = {
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = kvp_versions,
	.nversions = ARRAY_SIZE(kvp_versions),
	.priv_size = sizeof(struct kvp_host),
	.on_ready = kvp_ready,
	.on_answer = kvp_answer,
	.on_close = kvp_closed,
	.on_free = kvp_free,
};

static int kvp_queue(struct ctl_conn *c, struct ic_dev *ic, uint8_t op,
		     const char *pool, const char *key, const char *value)
{
	struct kvp_host *k = ic->priv;
	struct kvp_op *o;
	uint8_t tmp[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	char *end;
	unsigned long p = strtoul(pool, &end, 10);

	if (*end || end == pool || p >= KVP_POOL_COUNT)
		return ctl_fail(c, "kvp: pool '%s'? (0..%u)", pool, KVP_POOL_COUNT - 1);
	if (key && ic_utf16_from(key, tmp, HV_KVP_EXCHANGE_MAX_KEY_SIZE) < 0)
		return ctl_fail(c, "kvp: the key is not UTF-8 of at most 255 characters");
	if (value && ic_utf16_from(value, tmp, sizeof(tmp)) < 0)
		return ctl_fail(c, "kvp: the value is not UTF-8 of at most 1023 characters");
	if (k->n == KVP_QUEUE)
		return ctl_fail(c, "kvp: %u operations are queued already", KVP_QUEUE);
	o = &k->q[(k->head + k->n) % KVP_QUEUE];
	o->op = op;
	o->pool = (uint8_t)p;
	o->key = key ? strdup(key) : NULL;
	o->value = value ? strdup(value) : NULL;
	k->n++;
	if (!k->out)
		k->index = k->records = 0;
	kvp_kick(ic);
	return 0;
}

static int kvp_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct ic_dev *ic = ic_find(hs, c, "kvp", NULL);
	struct kvp_host *k;
	const char *sub = argc > 1 ? argv[1] : "";

	if (!ic)
		return -1;
	k = ic->priv;
	if (!strcmp(sub, "set") && argc == 5)
		return kvp_queue(c, ic, KVP_OP_SET, argv[2], argv[3], argv[4]);
	if (!strcmp(sub, "get") && argc == 4)
		return kvp_queue(c, ic, KVP_OP_GET, argv[2], argv[3], NULL);
	if (!strcmp(sub, "delete") && argc == 4)
		return kvp_queue(c, ic, KVP_OP_DELETE, argv[2], argv[3], NULL);
	if (!strcmp(sub, "list") && argc == 3)
		return kvp_queue(c, ic, KVP_OP_COUNT, argv[2], NULL, NULL);
	if (!strcmp(sub, "info") && argc == 2)
		return kvp_queue(c, ic, KVP_OP_COUNT, "2", NULL, NULL);
	if (!strcmp(sub, "results") && argc == 2) {
		for (unsigned int i = 0; i < k->nresults; i++)
			ctl_printf(c, "%s", k->results[(k->first + i) % KVP_RESULTS]);
		ctl_printf(c, "kvp.pending=%u", k->n);
		return 0;
	}
	if (!strcmp(sub, "status") && argc == 2) {
		ic_print_common(c, ic);
		ctl_printf(c, "kvp.pending=%u", k->n);
		return 0;
	}
	return ctl_fail(c, "usage: " KVP_USAGE);
}

static void kvp_free(struct ic_dev *ic)
{
	struct kvp_host *k = ic->priv;

	while (k->n) {
		op_free(&k->q[k->head]);
		k->head = (k->head + 1) % KVP_QUEUE;
		k->n--;
	}
	for (unsigned int i = 0; i < k->nresults; i++)
		free(k->results[(k->first + i) % KVP_RESULTS]);
}

static const struct ctl_cmd kvp_cmds[] = {
	{ "kvp", KVP_USAGE, kvp_cmd },
};

static int kvp_probe(struct vsp_device *dev, int nopts,
		     const struct opt_kv *opts, char *err, size_t errlen)
{
	return ic_probe(dev, &kvp_service, nopts, opts, err, errlen);
}

const struct vsp_ops vsp_kvp_ops = IC_VSP_OPS("kvp", kvp,
	.cmds = kvp_cmds, .ncmds = ARRAY_SIZE(kvp_cmds));
