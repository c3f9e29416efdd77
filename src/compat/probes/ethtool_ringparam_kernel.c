/*
 * ethtool_ops.get_ringparam/set_ringparam take a struct
 * kernel_ethtool_ringparam and an extack.  Upstream change "ethtool: add
 * support to set/get rx buf len via ethtool", Linux 5.17.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

static void probe_get(struct net_device *dev, struct ethtool_ringparam *r,
		      struct kernel_ethtool_ringparam *k,
		      struct netlink_ext_ack *extack)
{
}

const struct ethtool_ops probe_ethtool_ringparam_ops = {
	.get_ringparam = probe_get,
};
