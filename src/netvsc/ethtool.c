// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethtool: driver info, link, statistics with upstream's names, queue
 * count (-l/-L), ring sizes (-g/-G: the receive and send buffers, in
 * sections), RSS key and table (-x/-X), hashed fields (-n/-N).
 * Changing queues or rings re-creates the NVSP session, as upstream.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "netvsc.h"

static void netvsc_get_drvinfo(struct net_device *ndev,
			       struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, HVLIS_VERSION, sizeof(info->version));
	strscpy(info->fw_version, "N/A", sizeof(info->fw_version));
	strscpy(info->bus_info, dev_name(ndev->dev.parent),
		sizeof(info->bus_info));
}

static int netvsc_get_link_ksettings(struct net_device *ndev,
				     struct ethtool_link_ksettings *cmd)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);

	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	cmd->base.speed = ctx->speed ?: SPEED_UNKNOWN;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	return 0;
}

/* Counters: global ones, the VF's, then per queue */
static const char netvsc_gstrings[][ETH_GSTRING_LEN] = {
	"tx_scattered", "tx_no_memory", "tx_no_space", "tx_too_big",
	"tx_busy", "tx_send_full", "rx_comp_busy", "rx_no_memory",
	"stop_queue", "wake_queue", "vlan_error",
	"vf_rx_packets", "vf_rx_bytes", "vf_tx_packets", "vf_tx_bytes",
	"vf_tx_dropped",
};

#define NETVSC_NR_GLOBAL	11
#define NETVSC_NR_VF		5
#define NETVSC_NR_PER_QUEUE	4

static int netvsc_get_sset_count(struct net_device *ndev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EINVAL;
	return ARRAY_SIZE(netvsc_gstrings) +
	       ndev->real_num_tx_queues * NETVSC_NR_PER_QUEUE;
}

static void netvsc_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	u32 i;

	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, netvsc_gstrings, sizeof(netvsc_gstrings));
	data += sizeof(netvsc_gstrings);
	for (i = 0; i < ndev->real_num_tx_queues; i++) {
		snprintf(data, ETH_GSTRING_LEN, "tx_queue_%u_packets", i);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "tx_queue_%u_bytes", i);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "rx_queue_%u_packets", i);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "rx_queue_%u_bytes", i);
		data += ETH_GSTRING_LEN;
	}
}

static void netvsc_get_ethtool_stats(struct net_device *ndev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	const atomic_long_t *g = &ctx->eth.tx_scattered;
	struct netvsc_vf_stats vf;
	struct netvsc_dev *nvdev;
	u32 i, n = 0;

	BUILD_BUG_ON(sizeof(ctx->eth) != NETVSC_NR_GLOBAL * sizeof(*g));
	BUILD_BUG_ON(ARRAY_SIZE(netvsc_gstrings) !=
		     NETVSC_NR_GLOBAL + NETVSC_NR_VF);
	for (i = 0; i < NETVSC_NR_GLOBAL; i++)
		data[n++] = atomic_long_read(&g[i]);
	netvsc_vf_stats_sum(ctx, &vf);
	data[n++] = vf.rx_packets;
	data[n++] = vf.rx_bytes;
	data[n++] = vf.tx_packets;
	data[n++] = vf.tx_bytes;
	data[n++] = vf.tx_dropped;

	nvdev = netvsc_rtnl_dev(ctx);
	for (i = 0; i < ndev->real_num_tx_queues; i++) {
		u64 tp = 0, tb = 0, rp = 0, rb = 0;

		if (nvdev && i < nvdev->num_chn) {
			netvsc_qstats_read(&nvdev->chan[i].txq, &tp, &tb, NULL);
			netvsc_qstats_read(&nvdev->chan[i].rxq, &rp, &rb, NULL);
		}
		data[n++] = tp;
		data[n++] = tb;
		data[n++] = rp;
		data[n++] = rb;
	}
}

static void netvsc_get_channels(struct net_device *ndev,
				struct ethtool_channels *ch)
{
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(netvsc_ctx(ndev));

	if (!nvdev)
		return;
	ch->max_combined = nvdev->rss_max_queues;
	ch->combined_count = nvdev->num_chn;
}

static int netvsc_set_channels(struct net_device *ndev,
			       struct ethtool_channels *ch)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	struct netvsc_cfg cfg = ctx->cfg;

	if (!nvdev)
		return -ENODEV;
	if (ch->rx_count || ch->tx_count || ch->other_count ||
	    !ch->combined_count || ch->combined_count > nvdev->rss_max_queues)
		return -EINVAL;
	if (ch->combined_count == nvdev->num_chn)
		return 0;
	cfg.num_chn = ch->combined_count;
	return netvsc_reconfigure(ctx, &cfg);
}

static void netvsc_get_ringparam(struct net_device *ndev,
				 struct ethtool_ringparam *ring)
{
	const struct netvsc_cfg *cfg = &netvsc_ctx(ndev)->cfg;

	ring->rx_max_pending = NETVSC_RECV_BUF_MAX / NETVSC_RECV_SECTION_SIZE;
	ring->tx_max_pending = NETVSC_SEND_BUF_MAX / NETVSC_SEND_SECTION_SIZE;
	ring->rx_pending = cfg->recv_buf_size / NETVSC_RECV_SECTION_SIZE;
	ring->tx_pending = cfg->send_buf_size / NETVSC_SEND_SECTION_SIZE;
}

static int netvsc_set_ringparam(struct net_device *ndev,
				struct ethtool_ringparam *ring)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_cfg cfg = ctx->cfg;
	u32 rx, tx;

	if (!netvsc_rtnl_dev(ctx))
		return -ENODEV;
	if (ring->rx_mini_pending || ring->rx_jumbo_pending)
		return -EINVAL;
	/* netvsc_drv.c netvsc_set_ringparam (6.12): whole sections */
	rx = clamp_t(u32, ring->rx_pending, NETVSC_MIN_SECTIONS,
		     NETVSC_RECV_BUF_MAX / NETVSC_RECV_SECTION_SIZE);
	tx = clamp_t(u32, ring->tx_pending, NETVSC_MIN_SECTIONS,
		     NETVSC_SEND_BUF_MAX / NETVSC_SEND_SECTION_SIZE);
	cfg.recv_buf_size = rx * NETVSC_RECV_SECTION_SIZE;
	cfg.send_buf_size = tx * NETVSC_SEND_SECTION_SIZE;
	if (cfg.recv_buf_size == ctx->cfg.recv_buf_size &&
	    cfg.send_buf_size == ctx->cfg.send_buf_size)
		return 0;
	return netvsc_reconfigure(ctx, &cfg);
}

COMPAT_ETHTOOL_GET_RINGPARAM(netvsc_get_ringparam)
COMPAT_ETHTOOL_SET_RINGPARAM(netvsc_set_ringparam)

static u32 netvsc_get_rxfh_key_size(struct net_device *ndev)
{
	return NDIS_RSS_HASH_KEY_SIZE;
}

static u32 netvsc_get_rxfh_indir_size(struct net_device *ndev)
{
	return NDIS_RSS_ITAB_NUM;
}

static int netvsc_get_rxfh(struct net_device *ndev, u32 *indir, u8 *key,
			   u8 *hfunc)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	u32 i;

	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (indir)
		for (i = 0; i < NDIS_RSS_ITAB_NUM; i++)
			indir[i] = ctx->rx_table[i];
	if (key)
		memcpy(key, ctx->rss_key, NDIS_RSS_HASH_KEY_SIZE);
	return 0;
}

static int netvsc_set_rxfh(struct net_device *ndev, const u32 *indir,
			   const u8 *key, u8 hfunc)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	u16 old_table[NDIS_RSS_ITAB_NUM];
	u8 old_key[NDIS_RSS_HASH_KEY_SIZE];
	u32 i;
	int ret;

	if (!nvdev)
		return -ENODEV;
	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP)
		return -EOPNOTSUPP;
	if (nvdev->num_chn <= 1)
		return -EOPNOTSUPP;
	memcpy(old_table, ctx->rx_table, sizeof(old_table));
	memcpy(old_key, ctx->rss_key, sizeof(old_key));
	if (indir) {
		for (i = 0; i < NDIS_RSS_ITAB_NUM; i++)
			if (indir[i] >= nvdev->num_chn)
				return -EINVAL;
		for (i = 0; i < NDIS_RSS_ITAB_NUM; i++)
			ctx->rx_table[i] = indir[i];
	}
	if (key)
		memcpy(ctx->rss_key, key, NDIS_RSS_HASH_KEY_SIZE);
	ret = netvsc_rss_set(nvdev, ctx);
	if (ret) {
		memcpy(ctx->rx_table, old_table, sizeof(old_table));
		memcpy(ctx->rss_key, old_key, sizeof(old_key));
	}
	return ret;
}

COMPAT_ETHTOOL_GET_RXFH(netvsc_get_rxfh)
COMPAT_ETHTOOL_SET_RXFH(netvsc_set_rxfh)

/* The L4 bit of a flow type; 0 for the ones we do not steer */
static u32 netvsc_flow_l4bit(u32 flow)
{
	switch (flow) {
	case TCP_V4_FLOW:
		return NETVSC_L4HASH_TCP4;
	case TCP_V6_FLOW:
		return NETVSC_L4HASH_TCP6;
	case UDP_V4_FLOW:
		return NETVSC_L4HASH_UDP4;
	case UDP_V6_FLOW:
		return NETVSC_L4HASH_UDP6;
	default:
		return 0;
	}
}

static int netvsc_get_rxnfc(struct net_device *ndev, struct ethtool_rxnfc *n,
			    u32 *rules)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	u32 bit;

	switch (n->cmd) {
	case ETHTOOL_GRXRINGS:
		n->data = nvdev ? nvdev->num_chn : 1;
		return 0;
	case ETHTOOL_GRXFH:
		n->data = 0;
		switch (n->flow_type) {
		case IPV4_FLOW:
		case IPV6_FLOW:
			n->data = RXH_IP_SRC | RXH_IP_DST;
			return 0;
		default:
			bit = netvsc_flow_l4bit(n->flow_type);
			if (!bit)
				return -EOPNOTSUPP;
			n->data = RXH_IP_SRC | RXH_IP_DST;
			if (ctx->l4_hash & bit)
				n->data |= RXH_L4_B_0_1 | RXH_L4_B_2_3;
			return 0;
		}
	default:
		return -EOPNOTSUPP;
	}
}

static int netvsc_set_rxnfc(struct net_device *ndev, struct ethtool_rxnfc *n)
{
	struct netvsc_ctx *ctx = netvsc_ctx(ndev);
	struct netvsc_dev *nvdev = netvsc_rtnl_dev(ctx);
	const u64 sd = RXH_IP_SRC | RXH_IP_DST;
	const u64 sdfn = sd | RXH_L4_B_0_1 | RXH_L4_B_2_3;
	u32 bit, old = ctx->l4_hash;
	int ret;

	if (n->cmd != ETHTOOL_SRXFH)
		return -EOPNOTSUPP;
	bit = netvsc_flow_l4bit(n->flow_type);
	if (!bit)
		return -EOPNOTSUPP;
	if (n->data == sdfn)
		ctx->l4_hash |= bit;
	else if (n->data == sd)
		ctx->l4_hash &= ~bit;
	else
		return -EOPNOTSUPP;
	if (ctx->l4_hash == old || !nvdev ||
	    (bit & (NETVSC_L4HASH_UDP4 | NETVSC_L4HASH_UDP6)))
		return 0;
	ret = netvsc_rss_set(nvdev, ctx);
	if (ret)
		ctx->l4_hash = old;
	return ret;
}

static u32 netvsc_get_msglevel(struct net_device *ndev)
{
	return netvsc_ctx(ndev)->msg_enable;
}

static void netvsc_set_msglevel(struct net_device *ndev, u32 val)
{
	netvsc_ctx(ndev)->msg_enable = val;
}

const struct ethtool_ops netvsc_ethtool_ops = {
	.get_drvinfo		= netvsc_get_drvinfo,
	.get_msglevel		= netvsc_get_msglevel,
	.set_msglevel		= netvsc_set_msglevel,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= netvsc_get_link_ksettings,
	.get_ethtool_stats	= netvsc_get_ethtool_stats,
	.get_sset_count		= netvsc_get_sset_count,
	.get_strings		= netvsc_get_strings,
	.get_channels		= netvsc_get_channels,
	.set_channels		= netvsc_set_channels,
	.get_ringparam		= netvsc_get_ringparam_compat,
	.set_ringparam		= netvsc_set_ringparam_compat,
	.get_rxfh_key_size	= netvsc_get_rxfh_key_size,
	.get_rxfh_indir_size	= netvsc_get_rxfh_indir_size,
	.get_rxfh		= netvsc_get_rxfh_compat,
	.set_rxfh		= netvsc_set_rxfh_compat,
	.get_rxnfc		= netvsc_get_rxnfc,
	.set_rxnfc		= netvsc_set_rxnfc,
};
