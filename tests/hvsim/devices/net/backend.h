/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a synthetic NIC's frames go on the host side: a TAP device
 * (tap.c) or hvsim's internal switch (switch.c).  A backend is an
 * fd in hvsim's epoll loop; everything is non-blocking: a frame the other
 * side cannot take right now is dropped and counted, never waited for.
 *
 * Frames handed up (rx) are whole Ethernet frames without FCS, at most
 * NET_MAX_FRAME bytes; frames handed down (net_backend_send) likewise.
 */
#ifndef HVSIM_NET_BACKEND_H
#define HVSIM_NET_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hvsim.h"
#include "offload.h"

struct net_backend;

struct net_backend_cb {
	/* one frame from the wire; valid only during the call */
	void (*rx)(void *ctx, const uint8_t *frame, uint32_t len);
	/* end of a batch of rx() calls (signal the guest once, flush RSC) */
	void (*rx_done)(void *ctx);
	void *ctx;
};

struct net_backend_stats {
	uint64_t rx_frames, rx_bytes;	/* from the wire */
	uint64_t tx_frames, tx_bytes;	/* to the wire */
	uint64_t tx_drops;		/* the wire could not take it */
	uint64_t rx_errors;		/* read errors, runts */
};

struct net_backend_ops {
	int (*send)(struct net_backend *b, const uint8_t *frame, uint32_t len);
	void (*close)(struct net_backend *b);
};

struct net_backend {
	struct watch w;
	const struct net_backend_ops *ops;
	struct net_backend_cb cb;
	bool rx_paused;
	bool in_loop;			/* net_backend_start() succeeded */
	char desc[160];			/* "tap:IF" or "switch:DIR" */
	struct net_backend_stats st;
	uint8_t *rxbuf;			/* NET_MAX_FRAME + 1 */
};

/* most frames one readiness callback reads before yielding to the loop */
#define NET_BACKEND_BATCH	64

/*
 * Attach to TAP device @ifname (created with IFF_TAP|IFF_NO_PI if it does
 * not exist, in hvsim's network namespace) and bring it up.  The MTU is
 * left to whoever configures the interface.  NULL with a reason in @err.
 */
struct net_backend *net_tap_open(const char *ifname, char *err, size_t errlen);

/*
 * Join the internal switch in directory @dir (created if missing): bind
 * DIR/<unique>.sock, learn source MACs, flood unknown unicast, broadcast
 * and multicast to every other *.sock in DIR.  NULL with a reason in @err.
 */
struct net_backend *net_switch_open(const char *dir, char *err, size_t errlen);

/* the backend starts delivering to @cb (loop_add) */
int net_backend_start(struct net_backend *b, const struct net_backend_cb *cb);
/* 0 sent, or -errno: dropped (and counted in tx_drops) */
int net_backend_send(struct net_backend *b, const uint8_t *frame, uint32_t len);
/* stop/resume reading from the wire (the kernel or peers queue meanwhile) */
void net_backend_pause_rx(struct net_backend *b, bool pause);
void net_backend_close(struct net_backend *b);

/* shared by the backends: read readiness -> cb.rx (up to a batch) */
void net_backend_rx_ready(struct net_backend *b,
			  long (*read_one)(struct net_backend *b));

#endif /* HVSIM_NET_BACKEND_H */
