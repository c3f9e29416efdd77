/*
 * ethtool_ops.get_rxfh/set_rxfh take a struct ethtool_rxfh_param.
 * Upstream change "net: ethtool: pass a pointer to parameters to
 * get/set_rxfh ethtool ops", Linux 6.8.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

static int probe_get(struct net_device *dev, struct ethtool_rxfh_param *p)
{
	return 0;
}

const struct ethtool_ops probe_ethtool_rxfh_ops = {
	.get_rxfh = probe_get,
};
