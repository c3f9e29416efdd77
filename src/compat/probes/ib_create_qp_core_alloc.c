/*
 * The RDMA core allocates a driver's QP and create_qp fills it in since
 * "RDMA: Globally allocate and release QP memory" (Linux 5.15).
 */
#include <rdma/ib_verbs.h>

static int probe_create_qp(struct ib_qp *qp, struct ib_qp_init_attr *attr,
			   struct ib_udata *udata)
{
	return 0;
}

const struct ib_device_ops probe_ib_create_qp_core_alloc = {
	.create_qp = probe_create_qp,
};
