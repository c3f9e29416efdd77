/*
 * ib_device_ops.create_cq takes the uverbs attribute bundle instead of
 * the udata since Linux 6.11.
 */
#include <rdma/ib_verbs.h>

static int probe_create_cq(struct ib_cq *cq, const struct ib_cq_init_attr *attr,
			   struct uverbs_attr_bundle *attrs)
{
	return 0;
}

const struct ib_device_ops probe_ib_create_cq_attrs = {
	.create_cq = probe_create_cq,
};
