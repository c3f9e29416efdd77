/*
 * netif_set_tso_max_size() bounds the TSO size a device takes.
 * Upstream change "net: add netif_set_tso_max_size() and
 * netif_set_tso_max_segs() helpers", Linux 6.0; before, drivers called
 * netif_set_gso_max_size().
 */
#include <linux/netdevice.h>

void probe_netif_set_tso_max_size(struct net_device *dev)
{
	netif_set_tso_max_size(dev, 65536);
}
