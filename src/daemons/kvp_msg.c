// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP request handler: kvp_msg.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <hvlis/icmsg.h>

#include "common.h"
#include "kvp_msg.h"

int kvp_ctx_init(struct kvp_ctx *c, const char *pool_dir)
{
	int i;

	if (mkdir(pool_dir, 0755) && errno != EEXIST)
		return -errno;
	for (i = 0; i < KVP_POOL_COUNT; i++)
		if (snprintf(c->pools[i].path, sizeof(c->pools[i].path),
			     "%s/.kvp_pool_%d", pool_dir, i) >=
		    (int)sizeof(c->pools[i].path))
			return -ENAMETOOLONG;
	if (!c->info.ic_version[0])
		str_copy(c->info.ic_version, sizeof(c->info.ic_version),
			 "Unknown version");
	return 0;
}

void kvp_ctx_free(struct kvp_ctx *c)
{
	int i;

	for (i = 0; i < KVP_POOL_COUNT; i++)
		kvp_pool_free(&c->pools[i]);
}

/* the key of a request: terminated within both its size and the array */
static const char *req_key(const __u8 *key, __u32 key_size)
{
	ssize_t n;

	if (key_size > HV_KVP_EXCHANGE_MAX_KEY_SIZE)
		return NULL;
	n = str_in(key, HV_KVP_EXCHANGE_MAX_KEY_SIZE);
	return n > 0 ? (const char *)key : NULL;
}

static int do_set(struct kvp_pool *p, struct hv_kvp_exchg_msg_value *d)
{
	const char *key = req_key(d->key, d->key_size);
	int fd, ret;

	if (!key || d->value_size > HV_KVP_EXCHANGE_MAX_VALUE_SIZE ||
	    str_in(d->value, sizeof(d->value)) < 0)
		return HV_E_FAIL;
	fd = kvp_pool_open(p, true);
	if (fd < 0)
		return HV_E_FAIL;
	ret = kvp_pool_set(p, key, (const char *)d->value);
	if (!ret)
		ret = kvp_pool_store(p, fd);
	kvp_pool_close(fd);
	if (ret)
		log_msg(LOG_ERR, "cannot write %s: %s", p->path, strerror(-ret));
	return ret ? HV_E_FAIL : HV_S_OK;
}

static int do_get(struct kvp_pool *p, struct hv_kvp_exchg_msg_value *d)
{
	const char *key = req_key(d->key, d->key_size);
	char k[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	long i;
	int fd;

	if (!key)
		return HV_E_FAIL;
	fd = kvp_pool_open(p, false);
	if (fd < 0)
		return HV_E_FAIL;
	i = kvp_pool_find(p, key);
	if (i >= 0) {
		memset(d->value, 0, sizeof(d->value));
		kvp_pool_get(p, i, k, (char *)d->value);
		d->value_size = strlen((char *)d->value) + 1;
		d->value_type = REG_SZ;
	}
	kvp_pool_close(fd);
	return i >= 0 ? HV_S_OK : HV_S_CONT;
}

/* (struct hv_kvp_msg_delete is not packed: reached through @m) */
static int do_delete(struct kvp_pool *p, struct hv_kvp_msg *m)
{
	const char *key = req_key(m->body.kvp_delete.key,
				  m->body.kvp_delete.key_size);
	int fd, ret = HV_S_OK;

	if (!key)
		return HV_E_FAIL;
	fd = kvp_pool_open(p, true);
	if (fd < 0)
		return HV_E_FAIL;
	if (!kvp_pool_delete(p, key))
		ret = HV_S_CONT;
	else if (kvp_pool_store(p, fd))
		ret = HV_E_FAIL;
	kvp_pool_close(fd);
	return ret;
}

static int enum_auto(struct kvp_ctx *c, __u32 index, char *key, char *value)
{
	static const size_t vsize = HV_KVP_EXCHANGE_MAX_VALUE_SIZE;
	const struct kvp_osinfo *i = &c->info;

	if (index >= KVP_AUTO_KEYS)
		return HV_S_CONT;
	str_copy(key, HV_KVP_EXCHANGE_MAX_KEY_SIZE, kvp_auto_key_names[index]);
	switch (index) {
	case KVP_FQDN:
		if (c->resolve_fqdn)
			osinfo_update_fqdn(&c->info);
		str_copy(value, vsize, i->fqdn);
		break;
	case KVP_IC_VERSION:
		str_copy(value, vsize, i->ic_version);
		break;
	case KVP_IPV4:
	case KVP_IPV6:
		/* what the host's UTF-16 value can hold: 1023 characters */
		kvp_ip_all(index == KVP_IPV4 ? AF_INET : AF_INET6, value,
			   HV_KVP_EXCHANGE_MAX_VALUE_SIZE / 2);
		break;
	case KVP_OS_BUILD:
		str_copy(value, vsize, i->os_build);
		break;
	case KVP_OS_NAME:
		str_copy(value, vsize, i->os_name);
		break;
	case KVP_OS_MAJOR:
		str_copy(value, vsize, i->os_major);
		break;
	case KVP_OS_MINOR:
		str_copy(value, vsize, i->os_minor);
		break;
	case KVP_OS_VERSION:
		str_copy(value, vsize, i->os_version);
		break;
	case KVP_ARCH:
		str_copy(value, vsize, i->arch);
		break;
	}
	return HV_S_OK;
}

static int do_enumerate(struct kvp_ctx *c, int pool, struct hv_kvp_msg_enumerate *e)
{
	struct hv_kvp_exchg_msg_value *d = &e->data;
	char *key = (char *)d->key, *value = (char *)d->value;
	struct kvp_pool *p = &c->pools[pool];
	int fd, ret = HV_S_OK;

	memset(d->key, 0, sizeof(d->key));
	memset(d->value, 0, sizeof(d->value));
	if (pool == KVP_POOL_AUTO) {
		ret = enum_auto(c, e->index, key, value);
	} else {
		fd = kvp_pool_open(p, false);
		if (fd < 0)
			return HV_E_FAIL;
		if (e->index < p->n)
			kvp_pool_get(p, e->index, key, value);
		else
			ret = HV_S_CONT;
		kvp_pool_close(fd);
	}
	if (ret == HV_S_OK) {
		d->key_size = strlen(key) + 1;
		d->value_size = strlen(value) + 1;
		d->value_type = REG_SZ;
	}
	return ret;
}

int kvp_handle(struct kvp_ctx *c, struct hv_kvp_msg *m)
{
	int op = m->kvp_hdr.operation, pool = m->kvp_hdr.pool;
	int ret;

	if (op >= KVP_OP_COUNT ||
	    (op <= KVP_OP_ENUMERATE && pool >= KVP_POOL_COUNT)) {
		log_msg(LOG_ERR, "bad request: operation %d, pool %d", op, pool);
		ret = HV_E_FAIL;
		goto out;
	}
	switch (op) {
	case KVP_OP_SET:
		ret = do_set(&c->pools[pool], &m->body.kvp_set.data);
		break;
	case KVP_OP_GET:
		ret = do_get(&c->pools[pool], &m->body.kvp_get.data);
		break;
	case KVP_OP_DELETE:
		ret = do_delete(&c->pools[pool], m);
		break;
	case KVP_OP_ENUMERATE:
		ret = do_enumerate(c, pool, &m->body.kvp_enum_data);
		break;
	case KVP_OP_GET_IP_INFO:
		ret = kvp_ip_get(&c->ip, &m->body.kvp_ip_val);
		break;
	default:	/* KVP_OP_SET_IP_INFO */
		ret = kvp_ip_set(&c->ip, &m->body.kvp_ip_val);
		break;
	}
	log_msg(LOG_DEBUG, "operation %d pool %d: status 0x%x", op, pool, ret);
out:
	m->error = ret;
	return ret;
}
