/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsp: the host side of the Hyper-V synthetic NIC (class "net"), the
 * NVSP protocol of <hvlis/nvsp.h> carrying RNDIS (<hvlis/rndis.h>) over
 * the VSP API, with frames to and from a net backend (net_backend.h) and
 * the offloads emulated by offload.c.
 *
 *   netvsp.c        device options, channels, NVSP messages, buffers,
 *                   sub-channels, VF association, the registry entry
 *   rndis.c  RNDIS control: INIT/QUERY/SET/KEEPALIVE/HALT/RESET,
 *                   status indications
 *   tx.c     guest -> wire: RNDIS data packets, PPIs, offloads
 *   rx.c     wire -> guest: filter, VLAN/csum/hash PPIs, RSS
 *                   channel choice, RSC, receive-buffer slots
 *   ctl.c    the "net" control commands
 *   inject.c "net inject": malformed messages to the guest
 *
 * Host behaviour follows microsoft/openvmm vm/devices/net/netvsp/src
 * (lib.rs, buffers.rs) and what Linux 6.12's netvsc (drivers/net/hyperv)
 * expects of a host; each rule is cited where it is applied.
 */
#ifndef HVSIM_NETVSP_H
#define HVSIM_NETVSP_H

#include <hvlis/nvsp.h>
#include <hvlis/rndis.h>

#include "vmbus/vsp.h"
#include "backend.h"
#include "offload.h"

#define NETVSP_MAX_CHANNELS	(VSP_MAX_SUBCHANNELS + 1)
#define NETVSP_DEF_SUBCHANNELS	8
/*
 * NDIS config MTU = frame size with the Ethernet header (openvmm
 * DEFAULT_MTU 1514, MAX_MTU 9216)
 */
#define NETVSP_DEF_FRAME	1514u
#define NETVSP_DEF_MAX_MTU	9216u
/*
 * openvmm buffers.rs: sub-allocation = RX_HEADER_LEN (256) + MTU +
 * BROKEN_CO_NETVSC_FOOTER_LEN (36)
 */
#define NETVSP_RX_HEADER_LEN	256u
#define NETVSP_RX_FOOTER_LEN	36u
/*
 * openvmm lib.rs: RX_RESERVED_CONTROL_BUFFERS, so control answers never
 * starve behind data
 */
#define NETVSP_CTRL_SLOTS	16u
/* openvmm lib.rs: SEND_SEND_BUFFER_COMPLETE section_size 6144 */
#define NETVSP_SEND_SECTION	6144u
/* link speed in 100 bps units (OID_GEN_LINK_SPEED): 10 Gbit/s */
#define NETVSP_LINK_SPEED	100000000u
#define NETVSP_MAX_MCAST	32
/*
 * largest guest -> host RNDIS message hvsim copies (a 64 KiB LSO frame
 * plus RNDIS header and PPIs)
 */
#define NETVSP_MAX_MSG		(NET_MAX_FRAME + 4096u)
#define NETVSP_NO_SLOT		0xffffffffu

struct netvsp_stats {
	uint64_t tx_frames, tx_bytes;
	uint64_t rx_frames, rx_bytes;
	uint64_t tx_lso_packets, tx_lso_segments;
	uint64_t tx_csum_ip, tx_csum_tcp, tx_csum_udp;
	uint64_t tx_vlan, rx_vlan;
	uint64_t rx_csum_ok;
	uint64_t rx_rsc_packets, rx_rsc_segments;
	uint64_t rx_drops, tx_drops;
	uint64_t bad_packets;
	uint64_t rx_filtered;		/* not for this NIC's filter */
	uint64_t rndis_requests;
	uint64_t datapath_switches;
	uint64_t rx_vf_drops;		/* data path is the VF: not delivered */
	uint64_t injected;		/* net inject messages sent */
};

/* a packet to the guest that waits for ring room (or a control slot) */
enum { NETVSP_OUT_COMP, NETVSP_OUT_INBAND, NETVSP_OUT_RNDIS };

struct netvsp_out {
	struct netvsp_out *next;
	uint8_t kind;
	uint64_t trans_id;
	uint32_t len;
	uint8_t data[];
};

/* chan_priv(ch) */
struct netvsp_chan {
	struct netvsp *n;
	struct hv_chan *ch;
	uint16_t idx;			/* queue number = sub_index */
	uint64_t rx_frames, tx_frames;
	struct netvsp_out *backlog, **tail;
	unsigned int nbacklog;
};

struct netvsp_offload {
	bool tx_csum4, tx_csum6, rx_csum4, rx_csum6;
	bool lso4, lso6, rsc4, rsc6;
};

struct netvsp {
	struct vsp_device *dev;
	unsigned int nic;		/* NIC index: vsp_dev_index(dev) */
	struct net_backend *be;		/* NULL: no backend ("offer all") */
	bool be_started;		/* in the event loop */
	uint8_t perm_mac[6], mac[6];
	bool link_up;
	bool mac_allow;
	unsigned int max_sub;		/* channels= */
	uint32_t max_mtu;		/* mtu= (MTU, without Ethernet header) */

	/* NVSP state, reset when the primary closes */
	uint32_t nvsp_version;		/* 0: not negotiated */
	uint32_t ndis_major, ndis_minor;
	uint32_t frame_mtu;		/* NDIS config MTU (with header) */
	uint64_t caps;			/* NVSP_CAP_* from NDIS config */
	bool have_config;

	/* receive buffer: slots of sub_size bytes */
	struct gpadl *rbuf;
	uint32_t rbuf_handle;
	uint16_t rbuf_id;
	struct gpa_pages rpages;
	uint32_t sub_size, nslots;
	uint32_t *free_data, nfree_data;	/* stacks of free slots */
	uint32_t *free_ctrl, nfree_ctrl;
	uint64_t *slot_tid;		/* first slot of a packet: its trans_id */
	uint32_t *slot_next;		/* next slot of the same packet */
	uint32_t inflight;		/* packets not completed yet */
	uint32_t tid_gen;
	uint16_t rx_pkt_id;		/* RNDIS_PKTINFO_ID of the last frame */
	bool rx_starved;		/* backend paused for slots/ring room */

	/* send buffer */
	struct gpadl *sbuf;
	uint32_t sbuf_handle;
	struct gpa_pages spages;
	uint32_t nsections;

	/* RNDIS */
	bool rndis_ready;
	uint32_t filter;
	struct netvsp_offload off;
	uint32_t nmcast;
	uint8_t mcast[NETVSP_MAX_MCAST][6];

	/* RSS */
	bool rss_on;
	uint32_t hash_info;		/* NDIS hash types + function */
	uint8_t key[NDIS_RSS_HASH_KEY_SIZE];
	uint32_t key_len;
	uint32_t itab[NDIS_RSS_ITAB_NUM];
	uint32_t itab_n;

	/* channels by queue number; NULL = not open */
	struct netvsp_chan *chans[NETVSP_MAX_CHANNELS];
	unsigned int granted_subs;

	/* SR-IOV */
	bool vf_allocated;
	uint32_t vf_serial;
	uint32_t datapath;		/* NVSP_DATAPATH_* */

	/* net inject (inject.c) */
	uint64_t last_tx_tid;		/* last data SEND_RNDIS_PKT completed */
	uint16_t last_tx_queue;
	bool have_last_tx;
	bool inj_query_info;		/* next QUERY_C: value outside it */
	bool inj_subch_extra;		/* next SUBCHANNEL: grant more */

	/* scratch */
	uint8_t *msgbuf;		/* a guest RNDIS message, NETVSP_MAX_MSG */
	uint8_t *framebuf;		/* a frame being changed (VLAN insert) */
	uint8_t *segbuf;		/* LSO segments */
	uint8_t *rxbuf;			/* RNDIS message to the guest */
	uint8_t *rscbuf;
	struct net_rsc rsc;

	struct netvsp_stats st;
};

/* netvsp.c */
extern const struct vsp_ops vsp_net_ops;
/* the live NICs in offer order (prev NULL: the first), by index */
struct netvsp *netvsp_next(struct hvsim *hs, struct netvsp *prev);
struct netvsp *netvsp_by_nic(struct hvsim *hs, unsigned int nic);
/* queue @kind for the guest on @nc (ring full): keeps order */
void netvsp_queue(struct netvsp_chan *nc, uint8_t kind, uint64_t trans_id,
		  const void *data, uint32_t len);
/* send what waits in @nc's backlog: 0 when empty, -EAGAIN */
int netvsp_flush(struct netvsp_chan *nc);
/* send or queue an NVSP message / completion on @nc */
void netvsp_send_comp(struct netvsp_chan *nc, uint64_t trans_id,
		      const void *data, uint32_t len);
void netvsp_send_inband(struct netvsp_chan *nc, const void *data,
			uint32_t len);
/* ctl: send VF association, link change */
int netvsp_vf(struct netvsp *n, bool add);
void netvsp_set_link(struct netvsp *n, bool up);
unsigned int netvsp_open_queues(const struct netvsp *n);

/* rndis.c */
/* one RNDIS control message from the guest (msg_len already checked) */
void netvsp_rndis_control(struct netvsp_chan *nc, const uint8_t *msg,
			  uint32_t len);
/* send an RNDIS control message to the guest (completion/indication) */
void netvsp_rndis_send_ctrl(struct netvsp_chan *nc, const void *msg,
			    uint32_t len);
void netvsp_rndis_reset(struct netvsp *n);
void netvsp_indicate_link(struct netvsp *n);

/* tx.c */
/* the bytes of a SEND_RNDIS_PKT: NVSP status to complete it with */
uint32_t netvsp_tx_rndis(struct netvsp_chan *nc, const uint8_t *buf,
			 uint32_t len, bool control);
/* the frames of one RNDIS_MSG_PACKET: 0 or an NVSP failure status */
uint32_t netvsp_tx_packet(struct netvsp_chan *nc, const uint8_t *msg,
			  uint32_t len);

/* rx.c */
int netvsp_rx_setup(struct netvsp *n);		/* after RECV_BUF */
void netvsp_rx_teardown(struct netvsp *n);
/* one frame from the wire (backend callback) and end of a batch */
void netvsp_rx_frame(void *ctx, const uint8_t *f, uint32_t len);
void netvsp_rx_done(void *ctx);
/* put an RNDIS message into one control slot and send it: 0, -EAGAIN */
int netvsp_rx_send_ctrl(struct netvsp_chan *nc, const void *msg,
			uint32_t len);
/* the guest completed a transfer-page packet */
void netvsp_rx_complete(struct netvsp_chan *nc, uint64_t trans_id);
/* room again: resume the backend */
void netvsp_rx_kick(struct netvsp *n);
/* a free slot (@ctrl: a control slot first), or NETVSP_NO_SLOT */
uint32_t netvsp_rx_slot_get(struct netvsp *n, bool ctrl);
void netvsp_rx_slot_put(struct netvsp *n, uint32_t s);
/*
 * A hand-made transfer-page packet (net inject): the header says
 * @range_cnt ranges, @nr of them (@r) follow, then @len bytes of @data;
 * @pageset is the transfer page set id.  Slots @slots[0..nslots) belong
 * to it and come back with the guest's completion (or when the primary
 * closes).  0, or -errno with the slots freed.
 */
int netvsp_rx_send_raw(struct netvsp_chan *nc, const uint32_t *slots,
		       uint32_t nslots, uint16_t pageset, uint32_t range_cnt,
		       const struct vmtransfer_page_range *r, uint32_t nr,
		       const void *data, uint32_t len);

/* inject.c */
/*
 * send one malformed message of @kind; 0, or -1 with @err set (an
 * unknown kind: the list of kinds)
 */
int netvsp_inject(struct netvsp *n, const char *kind, char *err,
		  size_t errlen);

/* ctl.c */
#define NETVSP_CTL_NCMDS	1	/* "net" with sub-commands */
extern const struct ctl_cmd netvsp_ctl_cmds[NETVSP_CTL_NCMDS];

#endif /* HVSIM_NETVSP_H */
