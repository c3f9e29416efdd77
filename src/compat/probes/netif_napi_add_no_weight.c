/*
 * netif_napi_add() takes no weight argument (netif_napi_add_weight() does).
 * Upstream change "net: drop the weight argument from netif_napi_add",
 * Linux 6.1.
 */
#include <linux/netdevice.h>

static int probe_poll(struct napi_struct *napi, int budget)
{
	return 0;
}

void probe_netif_napi_add_no_weight(struct net_device *dev,
				    struct napi_struct *napi)
{
	netif_napi_add(dev, napi, probe_poll);
}
