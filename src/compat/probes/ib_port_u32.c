/*
 * RDMA ops take the port number as u32 since "RDMA: Support more than 255
 * rdma ports" (Linux 5.14); u8 before.
 */
#include <rdma/ib_verbs.h>

static int probe_query_port(struct ib_device *dev, u32 port,
			    struct ib_port_attr *attr)
{
	return 0;
}

const struct ib_device_ops probe_ib_port_u32 = {
	.query_port = probe_query_port,
};
