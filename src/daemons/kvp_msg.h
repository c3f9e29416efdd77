/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One KVP request from /dev/vmbus/hv_kvp, answered in place: the
 * daemon's whole protocol apart from the device I/O, so that it can be
 * fuzzed and tested (tests/fuzz/fuzz_kvp_msg.c, tests/unit).  What each
 * operation does and answers is upstream's (tools/hv/hv_kvp_daemon.c,
 * main()): GET, DELETE and ENUMERATE past the end answer HV_S_CONT;
 * ENUMERATE of KVP_POOL_AUTO makes the guest's information up by index,
 * of the other pools reads their files; the IP operations are kvp_ip.h's.
 * Anything malformed (an operation or pool out of range, a size over the
 * limit, a string without its NUL) answers HV_E_FAIL and touches nothing.
 */
#ifndef HV_DAEMONS_KVP_MSG_H
#define HV_DAEMONS_KVP_MSG_H

#include <stdbool.h>

#include <hvlis/kvp.h>

#include "kvp_ip.h"
#include "kvp_osinfo.h"
#include "kvp_pool.h"

struct kvp_ctx {
	struct kvp_ip_env ip;
	struct kvp_pool pools[KVP_POOL_COUNT];
	struct kvp_osinfo info;
	bool resolve_fqdn;	/* look the FQDN up again if the name changed */
};

/* the pools in @pool_dir (created 0755 if missing): 0 or -errno */
int kvp_ctx_init(struct kvp_ctx *c, const char *pool_dir);
void kvp_ctx_free(struct kvp_ctx *c);
/* handle @m and put the answer in it; the status, also in m->error */
int kvp_handle(struct kvp_ctx *c, struct hv_kvp_msg *m);

#endif /* HV_DAEMONS_KVP_MSG_H */
