/*
 * eth_hw_addr_set() writes dev->dev_addr, which became const.
 * Upstream change "net: add a helpers for loading netdev->dev_addr"
 * series, "etherdevice: add eth_hw_addr_set()", Linux 5.15; backported
 * to some stable kernels, hence a probe.
 */
#include <linux/etherdevice.h>

void probe_eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	eth_hw_addr_set(dev, addr);
}
