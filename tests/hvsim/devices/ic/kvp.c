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
 *   kvp ip get ADAPTER         GET_IP_INFO: the adapter's addresses, subnets,
 *                              gateways, DNS servers and DHCP state
 *   kvp ip set ADAPTER dhcp    SET_IP_INFO: DHCP
 *   kvp ip set ADAPTER ADDRS SUBNETS GATEWAYS DNS
 *                              SET_IP_INFO: static; each a ';'-separated
 *                              list, "-" for none, sent as given (the guest
 *                              must check them)
 *   kvp results                the results, oldest first, then "kvp.pending=N"
 *   kvp status                 state, versions, counters
 * Result lines: "kvp.result op=get pool=0 status=0x0 key=K value=V",
 * "kvp.record pool=2 index=0 key=FullyQualifiedDomainName value=...",
 * "kvp.result op=list pool=2 status=0x80070103 records=10",
 * "kvp.result op=ipget status=0x0 adapter=00:15:5D:12:34:56
 * family=ipv4+ipv6 dhcp=0 addr=A;B subnet=M;/64 gateway=G; dns=D;" (one
 * line; the strings as the guest answered them), "kvp.result op=ipset
 * status=0x0 adapter=...".
 *
 * The IP operations are struct hv_kvp_ip_msg (hvlis/kvp.h), the whole of
 * it after the framing, and the guest answers in the same size
 * (drivers/hv/hv_kvp.c sends back the request's length).  adapter_id is
 * whatever the administrator gives: upstream's daemon (tools/hv/
 * hv_kvp_daemon.c) finds GET's adapter by its MAC in upper case
 * ("00:15:5D:12:34:56", kvp_mac_to_ip()) and SET's by the NIC's VMBus
 * instance GUID as its sysfs device_id shows it, in braces and lower case
 * (kvp_get_if_name()).  Both go in pool KVP_POOL_GUEST, as openvmm's host
 * sends them (hyperv_ic kvp.rs, prepare_get_ip_info()); no guest looks at
 * the pool of these two.  SET's addr_family has a bit for each family its
 * address, gateway and DNS lists name (none for a list of garbage), DHCP
 * asks for IPv4: upstream's ifcfg BOOTPROTO=dhcp is DHCPv4.
 *
 * What the guest answers is checked: sizes within the struct, even byte
 * counts, strings ending within their size (GET_IP_INFO: within their
 * fields, and only known address family bits, dhcp_enabled 0 or 1); a bad
 * answer is counted, its strings shown as far as they are valid.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvlis/kvp.h>

#include "ic.h"

#define KVP_USAGE							\
	"kvp set POOL KEY VALUE | kvp get POOL KEY | kvp delete POOL KEY | "	\
	"kvp list POOL | kvp info | kvp ip get ADAPTER | "		\
	"kvp ip set ADAPTER dhcp | "					\
	"kvp ip set ADAPTER ADDRS SUBNETS GATEWAYS DNS | "		\
	"kvp results | kvp status"

#define KVP_QUEUE	32
#define KVP_RESULTS	256

/* the string fields of SET_IP_INFO, in kvp_op.ip[] */
enum { IP_ADDR, IP_SUBNET, IP_GATEWAY, IP_DNS, IP_NLISTS };

struct kvp_op {
	uint8_t op;		/* KVP_OP_*, or KVP_OP_COUNT for "list" */
	uint8_t pool;
	char *key, *value;	/* the IP operations: key is the adapter */
	char *ip[IP_NLISTS];	/* SET_IP_INFO: the lists, "" for none */
	bool dhcp;
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
		[KVP_OP_GET_IP_INFO] = "ipget", [KVP_OP_SET_IP_INFO] = "ipset",
		[KVP_OP_COUNT] = "list",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "?";
}

static void op_free(struct kvp_op *o)
{
	free(o->key);
	free(o->value);
	for (int i = 0; i < IP_NLISTS; i++)
		free(o->ip[i]);
	memset(o, 0, sizeof(*o));
}

/* the fields of struct hv_kvp_ipaddr_value (packed: used as bytes) */
#define IPV_OFF(f)	offsetof(struct hv_kvp_ipaddr_value, f)
#define IPV_SIZE(f)	sizeof(((struct hv_kvp_ipaddr_value *)0)->f)

struct ip_field {
	const char *name;
	size_t off, size;
};

static const struct ip_field adapter_field = {
	"adapter", IPV_OFF(adapter_id), IPV_SIZE(adapter_id)
};
static const struct ip_field ip_fields[IP_NLISTS] = {
	[IP_ADDR] = { "address", IPV_OFF(ip_addr), IPV_SIZE(ip_addr) },
	[IP_SUBNET] = { "subnet", IPV_OFF(sub_net), IPV_SIZE(sub_net) },
	[IP_GATEWAY] = { "gateway", IPV_OFF(gate_way), IPV_SIZE(gate_way) },
	[IP_DNS] = { "DNS", IPV_OFF(dns_addr), IPV_SIZE(dns_addr) },
};

/* the families of the entries of a ';'-separated list that are addresses */
static uint8_t list_families(const char *s)
{
	unsigned char a[sizeof(struct in6_addr)];
	char tok[INET6_ADDRSTRLEN];
	uint8_t fam = ADDR_FAMILY_NONE;
	size_t n;

	while (s && *s) {
		n = strcspn(s, ";");
		if (n < sizeof(tok)) {
			memcpy(tok, s, n);
			tok[n] = '\0';
			if (inet_pton(AF_INET, tok, a) == 1)
				fam |= ADDR_FAMILY_IPV4;
			else if (inet_pton(AF_INET6, tok, a) == 1)
				fam |= ADDR_FAMILY_IPV6;
		}
		s += n;
		if (*s)
			s++;
	}
	return fam;
}

/*
 * GET_IP_INFO and SET_IP_INFO: the whole struct hv_kvp_ip_msg, zero but
 * for what the operation carries (GET: the adapter only, as openvmm's
 * prepare_get_ip_info() sends it).  kvp_ip_cmd() checked that the
 * strings fit.
 */
static int kvp_ip_send(struct ic_dev *ic, const struct kvp_op *o)
{
	static struct hv_kvp_ip_msg m;
	struct hv_kvp_ipaddr_value *v = &m.kvp_ip_val;
	uint8_t *b = (uint8_t *)v;

	memset(&m, 0, sizeof(m));
	m.operation = o->op;
	m.pool = o->pool;
	ic_utf16_from(o->key, b + adapter_field.off, adapter_field.size);
	if (o->op == KVP_OP_SET_IP_INFO) {
		v->dhcp_enabled = o->dhcp;
		v->addr_family = o->dhcp ? ADDR_FAMILY_IPV4 :
				 list_families(o->ip[IP_ADDR]) |
				 list_families(o->ip[IP_GATEWAY]) |
				 list_families(o->ip[IP_DNS]);
		for (int i = 0; i < IP_NLISTS; i++)
			if (o->ip[i])
				ic_utf16_from(o->ip[i], b + ip_fields[i].off,
					      ip_fields[i].size);
	}
	return ic_send(ic, &m, sizeof(m));
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
	if (o->op == KVP_OP_GET_IP_INFO || o->op == KVP_OP_SET_IP_INFO) {
		if (!kvp_ip_send(ic, o))
			k->out = true;
		return;
	}
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

static const char *family_str(uint8_t f, char buf[8])
{
	static const char *const names[] = {
		[ADDR_FAMILY_NONE] = "none",
		[ADDR_FAMILY_IPV4] = "ipv4",
		[ADDR_FAMILY_IPV6] = "ipv6",
		[ADDR_FAMILY_IPV4 | ADDR_FAMILY_IPV6] = "ipv4+ipv6",
	};

	if (f < ARRAY_SIZE(names))
		return names[f];
	snprintf(buf, 8, "0x%x", f);
	return buf;
}

/*
 * The answer to GET_IP_INFO or SET_IP_INFO.  A guest answers success in
 * the request's size (upstream's kvp_respond_to_host() sends the whole
 * buffer back); GET's strings are NUL-terminated within their fields,
 * as hv_kvp.c's process_ob_ipinfo() writes them, since no sizes come
 * with them.
 */
static void kvp_ip_answer(struct ic_dev *ic, const struct kvp_op *o,
			  uint32_t status, const uint8_t *p, uint32_t len)
{
	struct kvp_host *k = ic->priv;
	static struct hv_kvp_ip_msg m;
	const struct hv_kvp_ipaddr_value *v = &m.kvp_ip_val;
	const uint8_t *b = (const uint8_t *)v;
	/* UTF-8 takes at most 3 bytes for each UTF-16 unit */
	static char id[MAX_ADAPTER_ID_SIZE * 3 + 8];
	static char s[IP_NLISTS][MAX_IP_ADDR_SIZE * 3 + 8];
	char fam[8];
	bool ok;

	if (status != HV_S_OK || o->op == KVP_OP_SET_IP_INFO) {
		if (status == HV_S_OK && len < sizeof(m)) {
			ic->bad_answers++;
			log_guest("kvp: a SET_IP_INFO answer of %u bytes", len);
		}
		kvp_result(k, "kvp.result op=%s status=0x%x adapter=%s",
			   op_name(o->op), status, o->key);
		return;
	}
	memset(&m, 0, sizeof(m));
	memcpy(&m, p, len < sizeof(m) ? len : sizeof(m));
	ok = len >= sizeof(m) && m.operation == o->op &&
	     !(v->addr_family & ~(ADDR_FAMILY_IPV4 | ADDR_FAMILY_IPV6)) &&
	     v->dhcp_enabled <= 1;
	ok = ic_utf16_to(b + adapter_field.off, adapter_field.size,
			 adapter_field.size, id, sizeof(id)) && ok;
	for (int i = 0; i < IP_NLISTS; i++)
		ok = ic_utf16_to(b + ip_fields[i].off, ip_fields[i].size,
				 ip_fields[i].size, s[i], sizeof(s[i])) && ok;
	if (!ok) {
		ic->bad_answers++;
		log_guest("kvp: a bad GET_IP_INFO answer (%u bytes)", len);
	}
	kvp_result(k, "kvp.result op=ipget status=0x%x adapter=%s family=%s dhcp=%u addr=%s subnet=%s gateway=%s dns=%s",
		   status, id, family_str(v->addr_family, fam),
		   v->dhcp_enabled, s[IP_ADDR], s[IP_SUBNET], s[IP_GATEWAY],
		   s[IP_DNS]);
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
	if (o->op == KVP_OP_GET_IP_INFO || o->op == KVP_OP_SET_IP_INFO) {
		kvp_ip_answer(ic, o, status, p, len);
		kvp_done(ic);
		return;
	}
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

/* the queue's next free slot, or NULL with a ctl_fail() reason */
static struct kvp_op *kvp_slot(struct ctl_conn *c, struct kvp_host *k)
{
	if (k->n == KVP_QUEUE) {
		ctl_fail(c, "kvp: %u operations are queued already", KVP_QUEUE);
		return NULL;
	}
	return &k->q[(k->head + k->n) % KVP_QUEUE];
}

/* kvp_slot()'s slot is filled: queue it, and send it if it is first */
static int kvp_push(struct ic_dev *ic)
{
	struct kvp_host *k = ic->priv;

	k->n++;
	if (!k->out)
		k->index = k->records = 0;
	kvp_kick(ic);
	return 0;
}

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
	o = kvp_slot(c, k);
	if (!o)
		return -1;
	o->op = op;
	o->pool = (uint8_t)p;
	o->key = key ? strdup(key) : NULL;
	o->value = value ? strdup(value) : NULL;
	return kvp_push(ic);
}

/*
 * kvp ip get ADAPTER, kvp ip set ADAPTER dhcp, kvp ip set ADAPTER ADDRS
 * SUBNETS GATEWAYS DNS ("-": an empty list).  Only the sizes are checked:
 * what the lists say is for the guest to check.
 */
static int kvp_ip_cmd(struct ctl_conn *c, struct ic_dev *ic, int argc,
		      char **argv)
{
	const char *sub = argc > 2 ? argv[2] : "";
	bool get = !strcmp(sub, "get") && argc == 4;
	bool set = !strcmp(sub, "set") && argc == 8;
	bool dhcp = !strcmp(sub, "set") && argc == 5 && !strcmp(argv[4], "dhcp");
	uint8_t tmp[MAX_IP_ADDR_SIZE * 2];
	struct kvp_op *o;
	bool nomem;

	if (!get && !set && !dhcp)
		return ctl_fail(c, "usage: " KVP_USAGE);
	if (ic_utf16_from(argv[3], tmp, adapter_field.size) < 0)
		return ctl_fail(c, "kvp: the adapter is not UTF-8 of at most %zu characters",
				adapter_field.size / 2 - 1);
	for (int i = 0; set && i < IP_NLISTS; i++)
		if (ic_utf16_from(argv[4 + i], tmp, ip_fields[i].size) < 0)
			return ctl_fail(c, "kvp: the %s list is not UTF-8 of at most %zu characters",
					ip_fields[i].name, ip_fields[i].size / 2 - 1);
	o = kvp_slot(c, ic->priv);
	if (!o)
		return -1;
	o->op = get ? KVP_OP_GET_IP_INFO : KVP_OP_SET_IP_INFO;
	o->pool = KVP_POOL_GUEST;
	o->dhcp = dhcp;
	o->key = strdup(argv[3]);
	nomem = !o->key;
	for (int i = 0; set && i < IP_NLISTS; i++) {
		o->ip[i] = strdup(strcmp(argv[4 + i], "-") ? argv[4 + i] : "");
		nomem |= !o->ip[i];
	}
	if (nomem) {
		op_free(o);
		return ctl_fail(c, "kvp: out of memory");
	}
	return kvp_push(ic);
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
	if (!strcmp(sub, "ip"))
		return kvp_ip_cmd(c, ic, argc, argv);
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
