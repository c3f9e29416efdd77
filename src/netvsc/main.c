// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: the module, its parameters (upstream's names), and one
 * net_device per Hyper-V synthetic NIC: probe and remove.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include <hvlis/guids.h>

#include "netvsc.h"

unsigned int netvsc_ring_size = 128;
module_param_named(ring_size, netvsc_ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Ring buffer size (# of 4K pages)");

int netvsc_debug = -1;
module_param_named(debug, netvsc_debug, int, 0444);
MODULE_PARM_DESC(debug, "Debug level (0=none,...,16=all)");

#define NETVSC_MSG_DEFAULT	(NETIF_MSG_DRV | NETIF_MSG_PROBE |	\
				 NETIF_MSG_LINK | NETIF_MSG_IFUP |	\
				 NETIF_MSG_IFDOWN | NETIF_MSG_TX_ERR |	\
				 NETIF_MSG_RX_ERR)

static const struct hv_vmbus_device_id netvsc_id_table[] = {
	{ .guid = HV_NIC_GUID },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, netvsc_id_table);

static int netvsc_probe(struct hv_device *hdev,
			const struct hv_vmbus_device_id *id)
{
	struct net_device *ndev;
	struct netvsc_ctx *ctx;
	struct netvsc_dev *nvdev;
	int ret;

	ndev = alloc_etherdev_mq(sizeof(*ctx), NETVSC_MAX_CHANNELS);
	if (!ndev)
		return -ENOMEM;
	netif_carrier_off(ndev);
	SET_NETDEV_DEV(ndev, &hdev->device);
	ctx = netvsc_ctx(ndev);
	ctx->hdev = hdev;
	ctx->ndev = ndev;
	ctx->msg_enable = netif_msg_init(netvsc_debug, NETVSC_MSG_DEFAULT);
	ctx->l4_hash = NETVSC_L4HASH_DEFAULT;
	netvsc_rss_init(ctx);
	ctx->cfg.num_chn = min_t(u32, netif_get_num_default_rss_queues(),
				 NETVSC_DEFAULT_CHANNELS);
	ctx->cfg.recv_buf_size = NETVSC_RECV_BUF_DEFAULT;
	ctx->cfg.send_buf_size = NETVSC_SEND_BUF_DEFAULT;
	ctx->cfg.mtu = ETH_DATA_LEN;
	INIT_DELAYED_WORK(&ctx->keepalive_work, netvsc_keepalive_work);
	INIT_WORK(&ctx->link_work, netvsc_link_work);
	INIT_DELAYED_WORK(&ctx->vf_takeover, netvsc_vf_takeover_work);
	INIT_LIST_HEAD(&ctx->list);
	netvsc_netdev_setup(ctx);
	ctx->vf_stats = netdev_alloc_pcpu_stats(struct netvsc_vf_stats);
	if (!ctx->vf_stats) {
		free_netdev(ndev);
		return -ENOMEM;
	}
	dev_set_drvdata(&hdev->device, ndev);

	ndev->netdev_ops = &netvsc_netdev_ops;
	ndev->ethtool_ops = &netvsc_ethtool_ops;
	ndev->needed_headroom = NETVSC_TX_HEADROOM;
	/* the host takes a new MAC while the interface is up */
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = NETVSC_MTU_MAX;
	/* we start with every offload the host offers, as upstream */
	ndev->features = NETIF_F_RXCSUM | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			 NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_LRO | NETIF_F_SG |
			 NETIF_F_RXHASH | NETIF_F_HIGHDMA |
			 NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_CTAG_RX;

	rtnl_lock();
	ret = netvsc_attach(ctx, &ctx->cfg);
	if (ret) {
		rtnl_unlock();
		dev_err(&hdev->device, "cannot set up the NIC: %d\n", ret);
		goto err_free;
	}
	nvdev = netvsc_rtnl_dev(ctx);
	if (nvdev->nvsp_ver < NVSP_PROTOCOL_VERSION_2)
		ndev->max_mtu = NETVSC_MTU_LEGACY;
	compat_eth_hw_addr_set(ndev, nvdev->perm_mac);
	memcpy(ndev->perm_addr, nvdev->perm_mac, ETH_ALEN);
	/* carrier comes on after registration, so operstate follows it */
	netif_carrier_off(ndev);
	ret = register_netdevice(ndev);
	if (ret) {
		netvsc_detach(ctx);
		rtnl_unlock();
		dev_err(&hdev->device, "cannot register the net device: %d\n",
			ret);
		goto err_free;
	}
	if (READ_ONCE(ctx->host_link))
		netif_carrier_on(ndev);
	netvsc_vf_register(ctx);
	netdev_info(ndev, "NVSP %#x, %u queue(s), MAC %pM\n",
		    nvdev->nvsp_ver, nvdev->num_chn, ndev->dev_addr);
	rtnl_unlock();
	schedule_delayed_work(&ctx->keepalive_work, 10 * HZ);
	return 0;

err_free:
	netvsc_sc_forget(ctx);
	free_percpu(ctx->vf_stats);
	free_netdev(ndev);
	return ret;
}

static void netvsc_remove(struct hv_device *hdev)
{
	struct net_device *ndev = dev_get_drvdata(&hdev->device);
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);

	WRITE_ONCE(ctx->removing, true);
	cancel_delayed_work_sync(&ctx->keepalive_work);
	cancel_work_sync(&ctx->link_work);
	cancel_work_sync(&ctx->rx_mode_work);
	cancel_delayed_work_sync(&ctx->vf_takeover);

	rtnl_lock();
	netvsc_vf_unregister(ctx);
	/* a rescinded device answers nothing: no waiting for it below */
	netvsc_detach(ctx);
	unregister_netdevice(ndev);
	rtnl_unlock();
	/* closing the device on the way out may have queued these again */
	cancel_work_sync(&ctx->rx_mode_work);
	cancel_work_sync(&ctx->link_work);
	cancel_delayed_work_sync(&ctx->vf_takeover);

	netvsc_sc_forget(ctx);
	free_percpu(ctx->vf_stats);
	free_netdev(ndev);
}

static struct hv_driver netvsc_driver = {
	.name = KBUILD_MODNAME,
	.id_table = netvsc_id_table,
	.probe = netvsc_probe,
	.remove = netvsc_remove,
	.driver = {
		/* the handshake waits for the host: not on the bus's thread */
		.probe_type = PROBE_PREFER_ASYNCHRONOUS,
	},
};

static int __init netvsc_init(void)
{
	int ret;

	if (netvsc_ring_size < 64 || netvsc_ring_size > 4096) {
		pr_info("hv_netvsc: ring_size %u out of range, using 128\n",
			netvsc_ring_size);
		netvsc_ring_size = 128;
	}
	ret = netvsc_vf_init();
	if (ret)
		return ret;
	ret = vmbus_driver_register(&netvsc_driver);
	if (ret)
		netvsc_vf_exit();
	return ret;
}

static void __exit netvsc_exit(void)
{
	vmbus_driver_unregister(&netvsc_driver);
	netvsc_vf_exit();
}

module_init(netvsc_init);
module_exit(netvsc_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("Microsoft Hyper-V network driver");
