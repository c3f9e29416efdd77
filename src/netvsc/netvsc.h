/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_netvsc internals: the network driver for Hyper-V's synthetic NIC,
 * speaking NVSP (<hvlis/nvsp.h>) and RNDIS (<hvlis/rndis.h>) over VMBus.
 *
 * One net_device per VMBus device; its private data is struct netvsc_ctx,
 * which lives as long as the net_device.  Everything that belongs to one
 * NVSP session (channels, receive and send buffers, RNDIS state) is a
 * struct netvsc_dev, published through ctx->nvdev with RCU: an MTU, ring
 * or channel-count change tears it down and builds a new one, as upstream
 * does.  Each channel (primary = queue 0, sub-channel i = queue i) carries
 * one TX and one RX queue.
 *
 * Transaction ids are never pointers: TX packets use a per-channel slot
 * table (generation << 32 | slot + 1), control requests have bit 63 set.
 */
#ifndef _NETVSC_H
#define _NETVSC_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <hvlis/vmbus.h>
#include <hvlis/nvsp.h>
#include <hvlis/rndis.h>

/* Channels (queues) per NIC at most (hyperv_net.h VRSS_CHANNEL_MAX) */
#define NETVSC_MAX_CHANNELS		64
/* Default queue count (hyperv_net.h VRSS_CHANNEL_DEFAULT) */
#define NETVSC_DEFAULT_CHANNELS		16

/* Buffer sizes (hyperv_net.h 6.12) */
#define NETVSC_RECV_BUF_DEFAULT		(16U << 20)
#define NETVSC_RECV_BUF_MAX		(31U << 20)
#define NETVSC_RECV_BUF_MAX_LEGACY	(15U << 20)	/* NVSP < 0x30002 */
#define NETVSC_SEND_BUF_DEFAULT		(1U << 20)
#define NETVSC_SEND_BUF_MAX		(15U << 20)
#define NETVSC_SEND_SECTION_SIZE	6144
#define NETVSC_RECV_SECTION_SIZE	1728
#define NETVSC_MIN_SECTIONS		10

/* Largest MTU (hyperv_net.h NETVSC_MTU); NVSP 1 hosts take 1500 only */
#define NETVSC_MTU_MAX			(65535 - ETH_HLEN)
#define NETVSC_MTU_LEGACY		ETH_DATA_LEN

/* RNDIS header with every PPI we may add on transmit */
#define NETVSC_TX_HDR_MAX		(RNDIS_HEADER_SIZE +		\
					 sizeof(struct rndis_packet) +	\
					 NDIS_ALL_PPI_SIZE)
/* Headroom we ask for: the RNDIS header goes in front of the frame */
#define NETVSC_TX_HEADROOM		ALIGN(NETVSC_TX_HDR_MAX, 16)

/* TX slots per channel: packets the host may hold at once */
#define NETVSC_TX_SLOTS			1024
/* Stop a TX queue when fewer slots or ring bytes than this are left */
#define NETVSC_TX_STOP_SLOTS		(MAX_SKB_FRAGS + 4)
#define NETVSC_TX_RING_LOW		(4096 + 512)
#define NETVSC_TX_RING_WAKE		(16384)

/* Packets handled per callback or NAPI poll */
#define NETVSC_POLL_BUDGET		64

/* How long to wait for the host to answer a control request */
#define NETVSC_CTL_TIMEOUT		(10 * HZ)

/* Control transaction ids: bit 63 and a sequence number */
#define NETVSC_ID_CTL			BIT_ULL(63)
/* RNDIS control messages sent as page buffers: bits 63 and 62 */
#define NETVSC_ID_RNDIS			(BIT_ULL(63) | BIT_ULL(62))

/* Largest RNDIS answer (query completion) we keep */
#define NETVSC_RNDIS_RESP_MAX		4096

/* Log levels of the debug parameter (netif_msg bits) */
extern int netvsc_debug;
extern unsigned int netvsc_ring_size;

#define netvsc_warn_rl(ndev, fmt, ...)					\
	do {								\
		if (net_ratelimit())					\
			netdev_warn(ndev, fmt, ##__VA_ARGS__);		\
	} while (0)

struct netvsc_dev;

/* Per-queue counters (ethtool -S tx_queue_N_*, rx_queue_N_*) */
struct netvsc_qstats {
	u64 packets;
	u64 bytes;
	u64 broadcast;
	u64 multicast;
	struct u64_stats_sync syncp;
};

/* Device-wide counters with upstream's ethtool names */
struct netvsc_ethstats {
	atomic_long_t tx_scattered;
	atomic_long_t tx_no_memory;
	atomic_long_t tx_no_space;
	atomic_long_t tx_too_big;
	atomic_long_t tx_busy;
	atomic_long_t tx_send_full;
	atomic_long_t rx_comp_busy;
	atomic_long_t rx_no_memory;
	atomic_long_t stop_queue;
	atomic_long_t wake_queue;
	atomic_long_t vlan_error;
};

/*
 * Error counters of struct net_device_stats: channels run concurrently, so
 * they are atomics, folded in by ndo_get_stats64.
 */
struct netvsc_errstats {
	atomic_long_t rx_errors;
	atomic_long_t rx_length_errors;
	atomic_long_t rx_frame_errors;
	atomic_long_t rx_dropped;
	atomic_long_t tx_errors;
	atomic_long_t tx_dropped;
};

/* One packet the host holds: a frame, a send-buffer section, or both */
struct netvsc_tx_slot {
	struct sk_buff *skb;		/* freed on completion, or NULL */
	u32 section;			/* NVSP_INVALID_SECTION_INDEX: none */
	u32 gen;			/* id generation while in use, else 0 */
};

/* RSC: the pieces of one coalesced segment, within one transfer packet */
struct netvsc_rsc {
	bool active;
	u32 cnt;
	u32 pktlen;
	u32 csum;			/* ndis_tcp_ip_checksum_info.value */
	u32 vlan;			/* ndis_pkt_8021q_info.value */
	u32 hash;
	u8 have;			/* NETVSC_RSC_* */
	u32 off[NVSP_RSC_MAX];		/* into the receive buffer */
	u32 len[NVSP_RSC_MAX];
};

#define NETVSC_RSC_CSUM		BIT(0)
#define NETVSC_RSC_VLAN		BIT(1)
#define NETVSC_RSC_HASH		BIT(2)

/* One channel: queue idx in both directions */
struct netvsc_chan {
	struct netvsc_dev *nvdev;
	struct vmbus_channel *chan;
	u16 idx;
	bool open;

	/* RX: whoever drains the ring holds rx_lock (callback or NAPI) */
	spinlock_t rx_lock;
	struct napi_struct napi;
	bool napi_on;			/* napi enabled: GRO delivery */
	struct netvsc_rsc *rsc;

	/* receive completions the ring had no room for, sent later */
	u64 *comp_ids;
	u32 comp_cap, comp_head, comp_cnt;
	struct timer_list comp_timer;

	/* TX */
	spinlock_t tx_lock;		/* the free list */
	struct netvsc_tx_slot *slots;
	u32 *free;
	u32 nr_free;
	u32 gen;
	atomic_t tx_pending;

	struct netvsc_qstats txq, rxq;
};

/* State of the RNDIS device */
enum netvsc_rndis_state {
	NETVSC_RNDIS_NONE,
	NETVSC_RNDIS_INITIALIZED,
};

/* One NVSP session with the host */
struct netvsc_dev {
	struct hv_device *hdev;
	struct net_device *ndev;
	u32 nvsp_ver;
	u32 mtu;			/* the MTU the host was told */

	/* receive buffer: the host writes frames into it */
	void *recv_buf;
	u32 recv_buf_size;
	struct vmbus_gpadl recv_gpadl;
	bool recv_gpadl_ok;
	u32 recv_sections;		/* host's sub-allocations */
	u32 recv_section_size;

	/* send buffer: small frames are copied into its sections */
	void *send_buf;
	u32 send_buf_size;
	struct vmbus_gpadl send_gpadl;
	bool send_gpadl_ok;
	u32 send_section_size;
	u32 send_sections;
	unsigned long *send_map;	/* set bit: section in use */

	/* NVSP control requests (init, buffers, sub-channels): one at a time */
	struct mutex ctl_lock;
	spinlock_t ctl_slock;
	u64 ctl_id, ctl_seq;
	struct completion ctl_done;
	struct nvsp_message ctl_resp;
	u32 ctl_resp_len;

	/* RNDIS requests: one at a time, answer matched by req_id */
	struct mutex rndis_lock;
	spinlock_t rndis_slock;
	void *rndis_req;		/* one page, sent as a page buffer */
	u32 rndis_req_id;		/* awaited; 0: none */
	u32 rndis_req_type;		/* completion type awaited */
	bool rndis_sent;		/* the NVSP completion came back */
	struct completion rndis_done;
	u8 *rndis_resp;			/* NETVSC_RNDIS_RESP_MAX bytes */
	u32 rndis_resp_len;
	u32 rndis_seq;
	enum netvsc_rndis_state rndis_state;
	u32 max_pkt_per_msg, pkt_align;

	/* what the host offers */
	struct ndis_offload hwcaps;
	u32 hwcaps_len;
	u32 rss_max_queues;		/* 0: no RSS */
	u8 perm_mac[ETH_ALEN];

	/* channels */
	u32 want_chn;			/* queues asked for */
	u32 num_chn;			/* queues granted by the host */
	atomic_t open_chn;
	wait_queue_head_t subchan_wq;
	bool destroy;			/* no new sub-channel is opened */

	/* host's send indirection table: queue per hash bucket */
	u32 send_table[NVSP_SEND_TAB_SIZE];
	bool send_table_ok;

	struct netvsc_chan chan[NETVSC_MAX_CHANNELS];
};

/* Configuration a new netvsc_dev is made with */
struct netvsc_cfg {
	u32 num_chn;
	u32 recv_buf_size;
	u32 send_buf_size;
	u32 mtu;
};

/* The net_device's private data */
struct netvsc_ctx {
	struct hv_device *hdev;
	struct net_device *ndev;
	struct netvsc_dev __rcu *nvdev;
	/* the session whose sub-channel offers we open (nvsp.c lock) */
	struct netvsc_dev *sc_nvdev;
	/*
	 * Sub-channels the host offered, by index (nvsp.c lock): a new
	 * session opens them again, since a host offers each only once.
	 */
	struct vmbus_channel *known_sc[NETVSC_MAX_CHANNELS];
	u32 msg_enable;

	/* configuration kept across re-creation of the NVSP device */
	struct netvsc_cfg cfg;
	u8 rss_key[NDIS_RSS_HASH_KEY_SIZE];
	u16 rx_table[NDIS_RSS_ITAB_NUM];
	u32 l4_hash;			/* NETVSC_L4HASH_* */
	bool rss_set;			/* the host took our RSS parameters */
	u32 filter;			/* RNDIS packet filter now set */
	struct work_struct rx_mode_work;
	struct delayed_work keepalive_work;
	struct work_struct link_work;
	bool host_link;			/* last media state the host gave */
	u32 speed;			/* Mb/s, from the host; 0: unknown */

	struct netvsc_ethstats eth;
	struct netvsc_errstats err;

	/* SR-IOV: the VF we team with */
	struct net_device __rcu *vf_netdev;
	struct netvsc_vf_stats __percpu *vf_stats;
	u32 vf_alloc, vf_serial;
	bool data_path_is_vf;
	struct delayed_work vf_takeover;
	struct list_head list;		/* netvsc_list */
	bool removing;
};

/* VF traffic counters */
struct netvsc_vf_stats {
	u64 rx_packets, rx_bytes, tx_packets, tx_bytes;
	struct u64_stats_sync syncp;
	u32 tx_dropped;
};

/* ethtool -N rx-flow-hash: L4 ports in the hash per protocol */
#define NETVSC_L4HASH_TCP4		BIT(0)
#define NETVSC_L4HASH_TCP6		BIT(1)
#define NETVSC_L4HASH_UDP4		BIT(2)
#define NETVSC_L4HASH_UDP6		BIT(3)
#define NETVSC_L4HASH_DEFAULT		(NETVSC_L4HASH_TCP4 |		\
					 NETVSC_L4HASH_TCP6 |		\
					 NETVSC_L4HASH_UDP4 |		\
					 NETVSC_L4HASH_UDP6)

static inline struct netvsc_ctx *netvsc_ctx(const struct net_device *ndev)
{
	return netdev_priv(ndev);
}

/* The current NVSP session, under RTNL */
static inline struct netvsc_dev *netvsc_rtnl_dev(struct netvsc_ctx *ctx)
{
	return rtnl_dereference(ctx->nvdev);
}

/* A consistent snapshot of @q; @mcast may be NULL */
static inline void netvsc_qstats_read(const struct netvsc_qstats *q,
				      u64 *packets, u64 *bytes, u64 *mcast)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&q->syncp);
		*packets = q->packets;
		*bytes = q->bytes;
		if (mcast)
			*mcast = q->multicast;
	} while (u64_stats_fetch_retry(&q->syncp, start));
}

static inline bool netvsc_dead(const struct netvsc_dev *nvdev)
{
	return READ_ONCE(nvdev->hdev->channel->rescind);
}

/* nvsp.c */
struct netvsc_dev *netvsc_dev_create(struct netvsc_ctx *ctx,
				     const struct netvsc_cfg *cfg);
void netvsc_dev_destroy(struct netvsc_dev *nvdev);
int netvsc_nvsp_exec(struct netvsc_dev *nvdev, struct nvsp_message *msg,
		     u32 resp_type, u32 min_len);
void netvsc_ctl_complete(struct netvsc_dev *nvdev, u64 id,
			 const void *data, u32 len);
int netvsc_open_subchannels(struct netvsc_dev *nvdev);
void netvsc_sc_forget(struct netvsc_ctx *ctx);
int netvsc_switch_datapath(struct netvsc_dev *nvdev, bool vf);
int netvsc_send_completion(struct netvsc_chan *nc, u64 tid);
void netvsc_flush_completions(struct netvsc_chan *nc);
void netvsc_comp_timer(struct timer_list *t);

/* recv.c */
void netvsc_chan_cb(void *context);
int netvsc_napi_poll(struct napi_struct *napi, int budget);
void netvsc_napi_start(struct netvsc_dev *nvdev);
void netvsc_napi_stop(struct netvsc_dev *nvdev);

/* send.c */
netdev_tx_t netvsc_start_xmit(struct sk_buff *skb, struct net_device *ndev);
u16 netvsc_select_queue(struct net_device *ndev, struct sk_buff *skb,
			struct net_device *sb_dev);
void netvsc_tx_done(struct netvsc_chan *nc, u64 id, const void *data,
		    u32 len, int budget);
int netvsc_tx_init(struct netvsc_chan *nc);
void netvsc_tx_cleanup(struct netvsc_chan *nc);
int netvsc_send_rndis_ctl(struct netvsc_dev *nvdev, u32 len, u64 id);

/* rndis.c */
int netvsc_rndis_init(struct netvsc_dev *nvdev);
void netvsc_rndis_halt(struct netvsc_dev *nvdev);
int netvsc_rndis_query(struct netvsc_dev *nvdev, u32 oid, const void *in,
		       u32 in_len, void *out, u32 *out_len);
int netvsc_rndis_set(struct netvsc_dev *nvdev, u32 oid, const void *val,
		     u32 len);
int netvsc_rndis_set_filter(struct netvsc_dev *nvdev, u32 filter);
int netvsc_rndis_set_mac(struct netvsc_dev *nvdev, const u8 *mac);
int netvsc_rndis_set_offloads(struct netvsc_dev *nvdev,
			      netdev_features_t features);
int netvsc_rndis_query_link(struct netvsc_dev *nvdev, bool *up);
void netvsc_rndis_message(struct netvsc_chan *nc, const void *msg, u32 len);
void netvsc_rndis_send_done(struct netvsc_dev *nvdev, u64 id);
void netvsc_keepalive_work(struct work_struct *w);
void netvsc_link_work(struct work_struct *w);

/* rss.c */
int netvsc_rss_set(struct netvsc_dev *nvdev, struct netvsc_ctx *ctx);
void netvsc_rss_init(struct netvsc_ctx *ctx);
void netvsc_rss_defaults(struct netvsc_ctx *ctx, u32 num_chn);
u32 netvsc_rss_hashinfo(const struct netvsc_ctx *ctx);

/* netdev.c */
extern const struct net_device_ops netvsc_netdev_ops;
int netvsc_attach(struct netvsc_ctx *ctx, const struct netvsc_cfg *cfg);
void netvsc_detach(struct netvsc_ctx *ctx);
int netvsc_reconfigure(struct netvsc_ctx *ctx, const struct netvsc_cfg *cfg);
void netvsc_set_features_from_caps(struct netvsc_ctx *ctx,
				   struct netvsc_dev *nvdev);
void netvsc_netdev_setup(struct netvsc_ctx *ctx);

/* ethtool.c */
extern const struct ethtool_ops netvsc_ethtool_ops;

/* vf.c */
int netvsc_vf_init(void);
void netvsc_vf_exit(void);
void netvsc_vf_register(struct netvsc_ctx *ctx);
void netvsc_vf_unregister(struct netvsc_ctx *ctx);
void netvsc_vf_assoc(struct netvsc_ctx *ctx, u32 allocated, u32 serial);
netdev_tx_t netvsc_vf_xmit(struct netvsc_ctx *ctx, struct net_device *vf,
			   struct sk_buff *skb);
void netvsc_vf_sync(struct netvsc_ctx *ctx);
void netvsc_vf_takeover_work(struct work_struct *w);
void netvsc_vf_stats_sum(struct netvsc_ctx *ctx, struct netvsc_vf_stats *tot);

#endif /* _NETVSC_H */
