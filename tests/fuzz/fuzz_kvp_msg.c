// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the KVP daemon's request handler (kvp_msg.c with the
 * pools, the IP operations and the guest information), as the kernel's
 * device delivers requests.  The pools live in a temporary directory, so
 * does a fake /sys/class/net with one adapter for the IP operations to
 * find, and no helper program runs.
 *
 * Input: first byte even: the rest is one raw struct hv_kvp_msg (zero-
 * padded).  Odd: up to 8 requests, each: operation, pool, index byte,
 * key length byte, key, value length (2 bytes), value; strings are put
 * NUL-terminated into the message the way the kernel does, which reaches
 * the deeper paths (a GET of what a SET wrote).
 * Checks: every successful GET or ENUMERATE answer is NUL-terminated
 * within its sizes; every status is a known one.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include <hvlis/icmsg.h>

#include "common.h"
#include "kvp_msg.h"
#include "fuzz_common.h"

static struct kvp_ctx ctx;
static struct hv_kvp_msg msg;
static char netdir[512], cfgdir[512], pooldir[512];

static void put(const char *dir, const char *name, const char *text)
{
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = fuzz_tmpdir();
	char p[1024];

	(void)argc;
	(void)argv;
	log_quiet();
	snprintf(netdir, sizeof(netdir), "%s/net", t);
	snprintf(cfgdir, sizeof(cfgdir), "%s/cfg", t);
	snprintf(pooldir, sizeof(pooldir), "%s/pools", t);
	snprintf(p, sizeof(p), "%s/eth0/device", netdir);
	mkdir(netdir, 0755);
	mkdir(cfgdir, 0755);
	snprintf(p, sizeof(p), "%s/eth0", netdir);
	mkdir(p, 0755);
	put(p, "address", "00:15:5d:00:00:01\n");
	snprintf(p, sizeof(p), "%s/eth0/device", netdir);
	mkdir(p, 0755);
	put(p, "device_id", "{f8615163-0000-1000-2000-000000000001}\n");
	ctx.ip.net_dir = netdir;
	ctx.ip.proc_net = "/proc/net";
	ctx.ip.config_dir = cfgdir;
	ctx.ip.helper_dir = NULL;
	ctx.resolve_fqdn = false;
	osinfo_read(&ctx.info, "/etc");
	str_copy(ctx.info.fqdn, sizeof(ctx.info.fqdn), "guest.fuzz.test");
	if (kvp_ctx_init(&ctx, pooldir))
		abort();
	return 0;
}

static void check_answer(int op, int status)
{
	struct hv_kvp_exchg_msg_value *d = op == KVP_OP_ENUMERATE ?
		&msg.body.kvp_enum_data.data : &msg.body.kvp_get.data;

	if (status != HV_S_OK && status != (int)HV_S_CONT &&
	    status != (int)HV_E_FAIL && status != (int)HV_INVALIDARG &&
	    status != (int)HV_GUID_NOTFOUND)
		abort();
	if (status != HV_S_OK || (op != KVP_OP_GET && op != KVP_OP_ENUMERATE))
		return;
	if (!memchr(d->value, 0, sizeof(d->value)) ||
	    d->value_size != strlen((char *)d->value) + 1)
		abort();
	if (op == KVP_OP_ENUMERATE &&
	    (!memchr(d->key, 0, sizeof(d->key)) ||
	     d->key_size != strlen((char *)d->key) + 1))
		abort();
}

static void one(void)
{
	int op = msg.kvp_hdr.operation;

	check_answer(op, kvp_handle(&ctx, &msg));
}

/* a request as the kernel builds it: sizes count the NUL */
static void structured(struct fuzz_in *in)
{
	struct hv_kvp_exchg_msg_value *d;
	size_t kl, vl;
	int i;

	for (i = 0; i < 8 && in->left; i++) {
		memset(&msg, 0, sizeof(msg));
		msg.kvp_hdr.operation = fuzz_u8(in) % (KVP_OP_COUNT + 1);
		msg.kvp_hdr.pool = fuzz_u8(in) % (KVP_POOL_COUNT + 1);
		msg.body.kvp_enum_data.index = fuzz_u8(in);
		kl = fuzz_u8(in);
		if (msg.kvp_hdr.operation == KVP_OP_ENUMERATE) {
			/* the index is all */
		} else if (msg.kvp_hdr.operation == KVP_OP_DELETE) {
			kl = fuzz_bytes(in, msg.body.kvp_delete.key, kl);
			msg.body.kvp_delete.key_size = kl + 1;
		} else if (msg.kvp_hdr.operation >= KVP_OP_GET_IP_INFO) {
			/* adapter id, then each list from the value */
			fuzz_bytes(in, msg.body.kvp_ip_val.adapter_id, kl % 255);
			vl = fuzz_u16(in) % 2047;
			fuzz_bytes(in, msg.body.kvp_ip_val.ip_addr, vl);
			vl = fuzz_u8(in);
			fuzz_bytes(in, msg.body.kvp_ip_val.sub_net, vl);
			vl = fuzz_u8(in);
			fuzz_bytes(in, msg.body.kvp_ip_val.gate_way, vl);
			vl = fuzz_u8(in);
			fuzz_bytes(in, msg.body.kvp_ip_val.dns_addr, vl);
			msg.body.kvp_ip_val.dhcp_enabled = fuzz_u8(in) & 1;
		} else {
			d = &msg.body.kvp_set.data;
			kl = fuzz_bytes(in, d->key, kl);
			d->key_size = kl + 1;
			vl = fuzz_bytes(in, d->value, fuzz_u16(in) % 2048);
			d->value_size = vl + 1;
			d->value_type = REG_SZ;
		}
		one();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data + 1, size ? size - 1 : 0 };
	int i;

	if (!size)
		return 0;
	if (data[0] & 1) {
		structured(&in);
	} else {
		memset(&msg, 0, sizeof(msg));
		fuzz_bytes(&in, &msg, sizeof(msg));
		one();
	}
	/* every input starts from empty pools */
	fuzz_rm_tree(pooldir, 0);
	fuzz_rm_tree(cfgdir, 0);
	for (i = 0; i < KVP_POOL_COUNT; i++)
		kvp_pool_free(&ctx.pools[i]);
	return 0;
}
