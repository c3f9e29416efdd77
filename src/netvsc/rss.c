// SPDX-License-Identifier: GPL-2.0-only
/*
 * Receive-side scaling: the Toeplitz key, the 128-entry indirection table
 * (queue per hash bucket) and the hashed fields, handed to the host with
 * OID_GEN_RECEIVE_SCALE_PARAMETERS (rndis_filter.c
 * rndis_set_rss_param_msg, 6.12).  The host hashes each received frame
 * and puts it on the sub-channel the table names.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "netvsc.h"

/*
 * The key until `ethtool -X hkey` sets another: upstream's netvsc_hash_key
 * (rndis_filter.c, 6.12), Microsoft's documented default RSS key, the same
 * on every boot so flows land on the same queues every time.
 */
static const u8 netvsc_default_key[NDIS_RSS_HASH_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa
};

/* At probe: the default key; kept across session rebuilds, as upstream */
void netvsc_rss_init(struct netvsc_ctx *ctx)
{
	memcpy(ctx->rss_key, netvsc_default_key, sizeof(ctx->rss_key));
}

/* An even spread over @num_chn queues (no table set by the user) */
void netvsc_rss_defaults(struct netvsc_ctx *ctx, u32 num_chn)
{
	u32 i;

	for (i = 0; i < NDIS_RSS_ITAB_NUM; i++)
		ctx->rx_table[i] = ethtool_rxfh_indir_default(i, num_chn);
}

/*
 * The hash types: IPv4 and IPv6 addresses always, TCP ports unless
 * ethtool -N took them out.  NDIS has no UDP port hashing here; the UDP
 * settings only steer our own transmit hashing, as upstream.
 */
u32 netvsc_rss_hashinfo(const struct netvsc_ctx *ctx)
{
	u32 h = NDIS_HASH_FUNC_TOEPLITZ | NDIS_HASH_IPV4 | NDIS_HASH_IPV6;

	if (ctx->l4_hash & NETVSC_L4HASH_TCP4)
		h |= NDIS_HASH_TCP_IPV4;
	if (ctx->l4_hash & NETVSC_L4HASH_TCP6)
		h |= NDIS_HASH_TCP_IPV6;
	return h;
}

/* Give the host our key, table and hash types (with more than one queue) */
int netvsc_rss_set(struct netvsc_dev *nvdev, struct netvsc_ctx *ctx)
{
	struct ndis_recv_scale_param *p;
	u32 len, i, *itab;
	int ret;

	if (nvdev->num_chn <= 1)
		return 0;
	len = sizeof(*p) + NDIS_RSS_ITAB_NUM * sizeof(u32) +
	      NDIS_RSS_HASH_KEY_SIZE;
	p = kzalloc(len, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->hdr.type = NDIS_OBJECT_TYPE_RSS_PARAMETERS;
	p->hdr.revision = NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2;
	p->hdr.size = sizeof(*p);
	p->hashinfo = netvsc_rss_hashinfo(ctx);
	p->indirect_tabsize = NDIS_RSS_ITAB_NUM * sizeof(u32);
	p->indirect_taboffset = sizeof(*p);
	p->hashkey_size = NDIS_RSS_HASH_KEY_SIZE;
	p->hashkey_offset = p->indirect_taboffset + p->indirect_tabsize;
	itab = (u32 *)(p + 1);
	for (i = 0; i < NDIS_RSS_ITAB_NUM; i++) {
		/* a stale table never names a queue we do not have */
		if (ctx->rx_table[i] >= nvdev->num_chn)
			ctx->rx_table[i] = ethtool_rxfh_indir_default(i,
								nvdev->num_chn);
		itab[i] = ctx->rx_table[i];
	}
	memcpy((u8 *)p + p->hashkey_offset, ctx->rss_key,
	       NDIS_RSS_HASH_KEY_SIZE);
	ret = netvsc_rndis_set(nvdev, OID_GEN_RECEIVE_SCALE_PARAMETERS, p, len);
	kfree(p);
	ctx->rss_set = !ret;
	if (ret)
		netdev_warn(nvdev->ndev, "host refused the RSS parameters (%d)\n",
			    ret);
	return ret;
}
