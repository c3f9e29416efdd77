// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transparent SR-IOV (netvsc_drv.c, 6.12): an Ethernet device that is not
 * ours, sits on a bus (has a parent) and carries our permanent MAC is the
 * VF the host gave this NIC.  It becomes our lower device: its frames are
 * delivered as ours (rx_handler), we transmit through it while it is up,
 * and the host is told to switch the data path (NVSP SWITCH_DATA_PATH)
 * when it comes up and before it goes away.  Everything here runs under
 * RTNL (netdev notifier, or work that takes it).
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/sch_generic.h>

#include "netvsc.h"

/* Every netvsc netdev, under RTNL */
static LIST_HEAD(netvsc_list);

static bool netvsc_is_ours(const struct net_device *dev)
{
	return dev->netdev_ops == &netvsc_netdev_ops;
}


/* The VF's frames are ours */
static rx_handler_result_t netvsc_vf_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct net_device *ndev = rcu_dereference(skb->dev->rx_handler_data);
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_vf_stats *s = this_cpu_ptr(ctx->vf_stats);

	skb->dev = ndev;
	u64_stats_update_begin(&s->syncp);
	s->rx_packets++;
	s->rx_bytes += skb->len;
	u64_stats_update_end(&s->syncp);
	return RX_HANDLER_ANOTHER;
}

/* From our xmit: send through the VF */
netdev_tx_t netvsc_vf_xmit(struct netvsc_ctx *ctx, struct net_device *vf,
			   struct sk_buff *skb)
{
	unsigned int len = skb->len;
	/* frames on the wire, as the synthetic path counts them */
	u32 segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	struct netvsc_vf_stats *s;
	int rc;

	skb->dev = vf;
	skb_record_rx_queue(skb, qdisc_skb_cb(skb)->slave_dev_queue_mapping);
	rc = dev_queue_xmit(skb);
	s = this_cpu_ptr(ctx->vf_stats);
	if (likely(rc == NET_XMIT_SUCCESS || rc == NET_XMIT_CN)) {
		u64_stats_update_begin(&s->syncp);
		s->tx_packets += segs;
		s->tx_bytes += len;
		u64_stats_update_end(&s->syncp);
	} else {
		s->tx_dropped++;
	}
	return NETDEV_TX_OK;
}

/* Our address lists on the VF (netvsc_drv.c netvsc_set_rx_mode) */
void netvsc_vf_sync(struct netvsc_ctx *ctx)
{
	struct net_device *vf = rtnl_dereference(ctx->vf_netdev);

	if (!vf)
		return;
	dev_uc_sync(vf, ctx->ndev);
	dev_mc_sync(vf, ctx->ndev);
}

/* Which data path: the VF while it is up and running */
static void netvsc_vf_datapath(struct netvsc_ctx *ctx, bool vf_up)
{
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);

	if (ctx->data_path_is_vf == vf_up)
		return;
	if (!vf_up)
		WRITE_ONCE(ctx->data_path_is_vf, false);
	if (nvdev && !netvsc_dead(nvdev) && netvsc_switch_datapath(nvdev, vf_up))
		netdev_warn(ctx->ndev, "cannot switch the data path to %s\n",
			    vf_up ? "the VF" : "synthetic");
	if (vf_up)
		WRITE_ONCE(ctx->data_path_is_vf, true);
	netdev_info(ctx->ndev, "data path switched %s VF\n",
		    vf_up ? "to" : "from");
}

static int netvsc_vf_join(struct net_device *vf);

/* A new NIC: look among the devices already there for its VF */
void netvsc_vf_register(struct netvsc_ctx *ctx)
{
	struct net_device *dev;

	ASSERT_RTNL();
	list_add_tail(&ctx->list, &netvsc_list);
	for_each_netdev(dev_net(ctx->ndev), dev) {
		if (netvsc_is_ours(dev))
			continue;
		if (netvsc_vf_join(dev) == NOTIFY_OK) {
			if (netif_running(dev))
				netvsc_vf_datapath(ctx, true);
			break;
		}
	}
}

/* After joining: the VF follows our MTU and up state */
void netvsc_vf_takeover_work(struct work_struct *w)
{
	struct netvsc_ctx *ctx = container_of(to_delayed_work(w),
					      struct netvsc_ctx, vf_takeover);
	struct net_device *vf;

	rtnl_lock();
	vf = rtnl_dereference(ctx->vf_netdev);
	if (vf && !READ_ONCE(ctx->removing)) {
		if (vf->mtu != ctx->ndev->mtu)
			dev_set_mtu(vf, ctx->ndev->mtu);
		netvsc_vf_sync(ctx);
		if (netif_running(ctx->ndev) && dev_open(vf, NULL))
			netdev_warn(ctx->ndev, "cannot bring up VF %s\n",
				    vf->name);
	}
	rtnl_unlock();
}

static struct netvsc_ctx *netvsc_find_by_mac(const struct net_device *vf)
{
	struct netvsc_ctx *ctx;

	list_for_each_entry(ctx, &netvsc_list, list)
		if (ether_addr_equal(vf->perm_addr, ctx->ndev->perm_addr) ||
		    ether_addr_equal(vf->dev_addr, ctx->ndev->perm_addr))
			return ctx;
	return NULL;
}

/* A VF candidate: Ethernet, on a bus, not ours, not a stacked device */
static bool netvsc_vf_candidate(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && dev->dev.parent &&
	       !netvsc_is_ours(dev) && !(dev->priv_flags & IFF_802_1Q_VLAN) &&
	       !netif_is_bond_master(dev) && !netif_is_bond_slave(dev) &&
	       !netif_is_team_master(dev) && !netif_is_bridge_master(dev) &&
	       !netif_is_macvlan(dev);
}

static int netvsc_vf_join(struct net_device *vf)
{
	struct netvsc_ctx *ctx;
	int ret;

	if (!netvsc_vf_candidate(vf) || netdev_master_upper_dev_get(vf))
		return NOTIFY_DONE;
	ctx = netvsc_find_by_mac(vf);
	if (!ctx || ctx->removing || rtnl_dereference(ctx->vf_netdev))
		return NOTIFY_DONE;

	ret = netdev_rx_handler_register(vf, netvsc_vf_handle_frame, ctx->ndev);
	if (ret) {
		netdev_err(ctx->ndev, "cannot take VF %s's frames (%d)\n",
			   vf->name, ret);
		return NOTIFY_DONE;
	}
	ret = netdev_master_upper_dev_link(vf, ctx->ndev, NULL, NULL, NULL);
	if (ret) {
		netdev_rx_handler_unregister(vf);
		netdev_err(ctx->ndev, "cannot link VF %s (%d)\n", vf->name, ret);
		return NOTIFY_DONE;
	}
	vf->flags |= IFF_SLAVE;
	dev_hold(vf);
	rcu_assign_pointer(ctx->vf_netdev, vf);
	netdev_info(ctx->ndev, "VF registering: %s\n", vf->name);
	schedule_delayed_work(&ctx->vf_takeover, HZ / 10);
	return NOTIFY_OK;
}

static struct netvsc_ctx *netvsc_of_vf(const struct net_device *vf)
{
	struct netvsc_ctx *ctx;

	list_for_each_entry(ctx, &netvsc_list, list)
		if (rtnl_dereference(ctx->vf_netdev) == vf)
			return ctx;
	return NULL;
}

static void netvsc_vf_leave(struct netvsc_ctx *ctx, struct net_device *vf)
{
	netvsc_vf_datapath(ctx, false);
	netdev_rx_handler_unregister(vf);
	netdev_upper_dev_unlink(vf, ctx->ndev);
	vf->flags &= ~IFF_SLAVE;
	RCU_INIT_POINTER(ctx->vf_netdev, NULL);
	/* no transmit uses the VF any more */
	synchronize_net();
	dev_put(vf);
	netdev_info(ctx->ndev, "VF unregistering: %s\n", vf->name);
}

/* The NIC goes away: let go of its VF */
void netvsc_vf_unregister(struct netvsc_ctx *ctx)
{
	struct net_device *vf = rtnl_dereference(ctx->vf_netdev);

	ASSERT_RTNL();
	if (vf)
		netvsc_vf_leave(ctx, vf);
	list_del_init(&ctx->list);
}

/* The VF counters of all CPUs (syncp of @tot is not used) */
void netvsc_vf_stats_sum(struct netvsc_ctx *ctx, struct netvsc_vf_stats *tot)
{
	unsigned int start;
	int cpu;

	memset(tot, 0, sizeof(*tot));
	for_each_possible_cpu(cpu) {
		const struct netvsc_vf_stats *s = per_cpu_ptr(ctx->vf_stats, cpu);
		u64 rp, rb, tp, tb;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			rp = s->rx_packets;
			rb = s->rx_bytes;
			tp = s->tx_packets;
			tb = s->tx_bytes;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		tot->rx_packets += rp;
		tot->rx_bytes += rb;
		tot->tx_packets += tp;
		tot->tx_bytes += tb;
		tot->tx_dropped += READ_ONCE(s->tx_dropped);
	}
}

/* The host added (1) or removed (0) the VF of this NIC */
void netvsc_vf_assoc(struct netvsc_ctx *ctx, u32 allocated, u32 serial)
{
	/* its own state: a host repeating this must not flood the log */
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	WRITE_ONCE(ctx->vf_alloc, allocated);
	WRITE_ONCE(ctx->vf_serial, serial);
	if (__ratelimit(&rs))
		netdev_info(ctx->ndev, "VF slot %u %s\n", serial,
			    allocated ? "added" : "removed");
}

static int netvsc_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netvsc_ctx *ctx;

	if (netvsc_is_ours(dev))
		return NOTIFY_DONE;
	if (event == NETDEV_REGISTER)
		return netvsc_vf_join(dev);
	ctx = netvsc_of_vf(dev);
	if (!ctx)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UP:
	case NETDEV_CHANGE:
		netvsc_vf_datapath(ctx, netif_running(dev));
		break;
	case NETDEV_GOING_DOWN:
	case NETDEV_DOWN:
		netvsc_vf_datapath(ctx, false);
		break;
	case NETDEV_UNREGISTER:
		netvsc_vf_leave(ctx, dev);
		break;
	default:
		return NOTIFY_DONE;
	}
	return NOTIFY_OK;
}

static struct notifier_block netvsc_netdev_nb = {
	.notifier_call = netvsc_netdev_event,
};

int netvsc_vf_init(void)
{
	return register_netdevice_notifier(&netvsc_netdev_nb);
}

void netvsc_vf_exit(void)
{
	unregister_netdevice_notifier(&netvsc_netdev_nb);
}
