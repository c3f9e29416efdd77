// SPDX-License-Identifier: GPL-2.0-only
/*
 * The net_device: attaching an NVSP session to it and re-creating the
 * session when the MTU, ring sizes or queue count change (as upstream's
 * netvsc_detach/netvsc_attach), and the ndo operations.
 */
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "netvsc.h"

/* The offloads the host offers become hw_features (rndis_filter.c 6.12) */
void netvsc_set_features_from_caps(struct netvsc_ctx *ctx,
				   struct netvsc_dev *nvdev)
{
	const struct ndis_offload *caps = &nvdev->hwcaps;
	struct net_device *ndev = ctx->ndev;
	netdev_features_t hw;
	u32 gso_max = 65536;

	hw = NETIF_F_RXCSUM | NETIF_F_SG | NETIF_F_RXHASH |
	     NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_CTAG_RX;
	if ((caps->csum.ip4_txcsum & NDIS_TXCSUM_ALL_TCP4) == NDIS_TXCSUM_ALL_TCP4) {
		hw |= NETIF_F_IP_CSUM;
		if (caps->lsov2.ip4_encap & NDIS_OFFLOAD_ENCAP_8023) {
			hw |= NETIF_F_TSO;
			if (caps->lsov2.ip4_maxsz)
				gso_max = min(gso_max, caps->lsov2.ip4_maxsz);
		}
	}
	if ((caps->csum.ip6_txcsum & NDIS_TXCSUM_ALL_TCP6) == NDIS_TXCSUM_ALL_TCP6) {
		hw |= NETIF_F_IPV6_CSUM;
		if ((caps->lsov2.ip6_encap & NDIS_OFFLOAD_ENCAP_8023) &&
		    (caps->lsov2.ip6_opts & NDIS_LSOV2_CAP_IP6) == NDIS_LSOV2_CAP_IP6) {
			hw |= NETIF_F_TSO6;
			if (caps->lsov2.ip6_maxsz)
				gso_max = min(gso_max, caps->lsov2.ip6_maxsz);
		}
	}
	if (nvdev->nvsp_ver >= NVSP_PROTOCOL_VERSION_61)
		hw |= NETIF_F_LRO;
	ndev->hw_features = hw;
	/* what the host no longer offers is off */
	ndev->features &= hw | ~(NETIF_F_RXCSUM | NETIF_F_IP_CSUM |
				 NETIF_F_IPV6_CSUM | NETIF_F_TSO |
				 NETIF_F_TSO6 | NETIF_F_LRO | NETIF_F_RXHASH);
	ndev->vlan_features = ndev->features & ~(NETIF_F_HW_VLAN_CTAG_TX |
						 NETIF_F_HW_VLAN_CTAG_RX);
	/* room for the RNDIS header in the LSO packet's page buffers */
	compat_netif_set_tso_max_size(ndev, gso_max - NETVSC_TX_HEADROOM -
				      ETH_HLEN);
}

/* The packet filter for the interface's flags (rndis_filter.c 6.12) */
static u32 netvsc_rx_filter(struct net_device *ndev)
{
	u32 f;

	if (!netif_running(ndev))
		return 0;
	if (ndev->flags & IFF_PROMISC)
		return NDIS_PACKET_TYPE_PROMISCUOUS;
	f = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
	if ((ndev->flags & IFF_ALLMULTI) || !netdev_mc_empty(ndev))
		f |= NDIS_PACKET_TYPE_ALL_MULTICAST;
	return f;
}

/* Under RTNL: tell the host the filter, when it changed */
static void netvsc_update_filter(struct netvsc_ctx *ctx, bool force)
{
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	u32 f = netvsc_rx_filter(ctx->ndev);

	if (!nvdev || (!force && f == ctx->filter))
		return;
	if (!netvsc_rndis_set_filter(nvdev, f))
		ctx->filter = f;
	else
		netvsc_warn_rl(ctx->ndev, "host refused packet filter %#x\n", f);
}

static void netvsc_rx_mode_work(struct work_struct *w)
{
	struct netvsc_ctx *ctx = container_of(w, struct netvsc_ctx,
					      rx_mode_work);

	rtnl_lock();
	if (!READ_ONCE(ctx->removing)) {
		netvsc_update_filter(ctx, false);
		netvsc_vf_sync(ctx);
	}
	rtnl_unlock();
}

static void netvsc_set_rx_mode(struct net_device *ndev)
{
	schedule_work(&netvsc_ctx(ndev)->rx_mode_work);
}

/* Link state as the host reports it now */
static void netvsc_sync_link(struct netvsc_ctx *ctx, struct netvsc_dev *nvdev)
{
	u32 speed = 0, len = sizeof(speed);
	bool up = false;

	/* in units of 100 bit/s */
	if (!netvsc_rndis_query(nvdev, RNDIS_OID_GEN_LINK_SPEED, NULL, 0,
				&speed, &len) && len == sizeof(speed))
		ctx->speed = speed / 10000;
	netvsc_rndis_query_link(nvdev, &up);
	WRITE_ONCE(ctx->host_link, up);
	if (up)
		netif_carrier_on(ctx->ndev);
	else
		netif_carrier_off(ctx->ndev);
}

/*
 * Under RTNL: build a session with @cfg and make it the device's.  The
 * interface may be up; then the queues run again afterwards.
 */
int netvsc_attach(struct netvsc_ctx *ctx, const struct netvsc_cfg *cfg)
{
	struct net_device *ndev = ctx->ndev;
	struct netvsc_dev *nvdev;
	int ret;

	ASSERT_RTNL();
	nvdev = netvsc_dev_create(ctx, cfg);
	if (IS_ERR(nvdev))
		return PTR_ERR(nvdev);
	/* the host may have lowered the MTU */
	if (ndev->mtu > nvdev->mtu)
		ndev->mtu = nvdev->mtu;
	ret = netif_set_real_num_tx_queues(ndev, nvdev->num_chn);
	if (!ret)
		ret = netif_set_real_num_rx_queues(ndev, nvdev->num_chn);
	if (ret) {
		netvsc_dev_destroy(nvdev);
		return ret;
	}
	rcu_assign_pointer(ctx->nvdev, nvdev);

	netvsc_set_features_from_caps(ctx, nvdev);
	if (netvsc_rndis_set_offloads(nvdev, ndev->features))
		netdev_warn(ndev, "host refused the offload parameters\n");
	if (!netif_is_rxfh_configured(ndev))
		netvsc_rss_defaults(ctx, nvdev->num_chn);
	netvsc_rss_set(nvdev, ctx);
	netvsc_sync_link(ctx, nvdev);

	if (netif_running(ndev)) {
		netvsc_napi_start(nvdev);
		netvsc_update_filter(ctx, true);
	}
	netif_device_attach(ndev);
	return 0;
}

/* Under RTNL: stop the queues and tear the session down. */
void netvsc_detach(struct netvsc_ctx *ctx)
{
	struct net_device *ndev = ctx->ndev;
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);

	ASSERT_RTNL();
	if (!nvdev)
		return;
	netif_device_detach(ndev);
	netif_tx_disable(ndev);
	netvsc_napi_stop(nvdev);
	RCU_INIT_POINTER(ctx->nvdev, NULL);
	/* no transmit sees the session any more */
	synchronize_net();
	netvsc_dev_destroy(nvdev);
	ctx->filter = 0;
}

/* Under RTNL: a new session with @cfg; the old configuration on failure */
int netvsc_reconfigure(struct netvsc_ctx *ctx, const struct netvsc_cfg *cfg)
{
	struct netvsc_cfg old = ctx->cfg;
	int ret;

	netvsc_detach(ctx);
	ret = netvsc_attach(ctx, cfg);
	if (!ret) {
		ctx->cfg = *cfg;
		return 0;
	}
	netdev_err(ctx->ndev, "new configuration failed (%d), going back\n",
		   ret);
	if (netvsc_attach(ctx, &old))
		netdev_err(ctx->ndev, "the old configuration failed too\n");
	return ret;
}

static int netvsc_open(struct net_device *ndev)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	struct net_device *vf;

	if (!nvdev)
		return -ENODEV;
	netvsc_napi_start(nvdev);
	netvsc_update_filter(ctx, true);
	netif_tx_wake_all_queues(ndev);
	if (READ_ONCE(ctx->host_link))
		netif_carrier_on(ndev);
	vf = rtnl_dereference(ctx->vf_netdev);
	if (vf && dev_open(vf, NULL))
		netdev_warn(ndev, "cannot bring up VF %s\n", vf->name);
	return 0;
}

static int netvsc_close(struct net_device *ndev)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	struct net_device *vf = rtnl_dereference(ctx->vf_netdev);

	netif_tx_disable(ndev);
	if (nvdev) {
		/* netif_running() is already false: filter 0 */
		netvsc_update_filter(ctx, true);
		netvsc_napi_stop(nvdev);
	}
	if (vf)
		dev_close(vf);
	return 0;
}

static int netvsc_change_mtu(struct net_device *ndev, int mtu)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct net_device *vf = rtnl_dereference(ctx->vf_netdev);
	struct netvsc_cfg cfg = ctx->cfg;
	int old = ndev->mtu, ret;

	if (!netvsc_rtnl_dev(ctx))
		return -ENODEV;
	if (vf) {
		ret = dev_set_mtu(vf, mtu);
		if (ret)
			return ret;
	}
	cfg.mtu = mtu;
	ndev->mtu = mtu;
	ret = netvsc_reconfigure(ctx, &cfg);
	if (ret) {
		ndev->mtu = old;
		if (vf)
			dev_set_mtu(vf, old);
	}
	return ret;
}

static int netvsc_set_mac_address(struct net_device *ndev, void *p)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	struct net_device *vf = rtnl_dereference(ctx->vf_netdev);
	struct sockaddr *sa = p;
	int ret;

	ret = eth_prepare_mac_addr_change(ndev, p);
	if (ret)
		return ret;
	if (!nvdev)
		return -ENODEV;
	if (vf) {
		ret = dev_set_mac_address(vf, sa, NULL);
		if (ret)
			return ret;
	}
	ret = netvsc_rndis_set_mac(nvdev, sa->sa_data);
	if (ret) {
		netdev_warn(ndev, "host refused MAC address %pM (%d)\n",
			    sa->sa_data, ret);
		if (vf) {
			struct sockaddr old = { .sa_family = ndev->type };

			memcpy(old.sa_data, ndev->dev_addr, ETH_ALEN);
			dev_set_mac_address(vf, &old, NULL);
		}
		return -EADDRNOTAVAIL;
	}
	eth_commit_mac_addr_change(ndev, p);
	return 0;
}

static int netvsc_set_features(struct net_device *ndev,
			       netdev_features_t features)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	netdev_features_t change = features ^ ndev->features;
	const netdev_features_t host = NETIF_F_RXCSUM | NETIF_F_IP_CSUM |
		NETIF_F_IPV6_CSUM | NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_LRO;
	int ret;

	if (!nvdev)
		return -ENODEV;
	if (change & host) {
		ret = netvsc_rndis_set_offloads(nvdev, features);
		if (ret) {
			netdev_warn(ndev, "host refused the offloads (%d)\n",
				    ret);
			return ret;
		}
	}
	ndev->vlan_features = features & ~(NETIF_F_HW_VLAN_CTAG_TX |
					   NETIF_F_HW_VLAN_CTAG_RX);
	return 0;
}

static void netvsc_get_stats64(struct net_device *ndev,
			       struct rtnl_link_stats64 *t)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	const struct netvsc_errstats *e = &ctx->err;
	struct netvsc_vf_stats vf;
	struct netvsc_dev *nvdev;
	u32 i;

	netdev_stats_to_stats64(t, &ndev->stats);
	t->rx_errors += atomic_long_read(&e->rx_errors);
	t->rx_length_errors += atomic_long_read(&e->rx_length_errors);
	t->rx_frame_errors += atomic_long_read(&e->rx_frame_errors);
	t->rx_dropped += atomic_long_read(&e->rx_dropped);
	t->tx_errors += atomic_long_read(&e->tx_errors);
	t->tx_dropped += atomic_long_read(&e->tx_dropped);

	rcu_read_lock();
	nvdev = rcu_dereference(ctx->nvdev);
	for (i = 0; nvdev && i < nvdev->num_chn; i++) {
		const struct netvsc_chan *nc = &nvdev->chan[i];
		u64 p, b, m;

		netvsc_qstats_read(&nc->txq, &p, &b, NULL);
		t->tx_packets += p;
		t->tx_bytes += b;
		netvsc_qstats_read(&nc->rxq, &p, &b, &m);
		t->rx_packets += p;
		t->rx_bytes += b;
		t->multicast += m;
	}
	rcu_read_unlock();
	/* traffic through the VF counts as ours (netvsc_drv.c) */
	netvsc_vf_stats_sum(ctx, &vf);
	t->rx_packets += vf.rx_packets;
	t->rx_bytes += vf.rx_bytes;
	t->tx_packets += vf.tx_packets;
	t->tx_bytes += vf.tx_bytes;
	t->tx_dropped += vf.tx_dropped;
}

const struct net_device_ops netvsc_netdev_ops = {
	.ndo_open		= netvsc_open,
	.ndo_stop		= netvsc_close,
	.ndo_start_xmit		= netvsc_start_xmit,
	.ndo_select_queue	= netvsc_select_queue,
	.ndo_set_rx_mode	= netvsc_set_rx_mode,
	.ndo_change_mtu		= netvsc_change_mtu,
	.ndo_set_mac_address	= netvsc_set_mac_address,
	.ndo_set_features	= netvsc_set_features,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= netvsc_get_stats64,
};

/* main.c keeps the rest of the probe; this is the part netdev.c owns */
void netvsc_netdev_setup(struct netvsc_ctx *ctx)
{
	INIT_WORK(&ctx->rx_mode_work, netvsc_rx_mode_work);
}
