/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake VMBus guest for hvsim's unit tests (tests/ and devices/<class>/tests/,
 * compiled once into tests/vmbus_guest.o): guest RAM is a static
 * buffer, the SynIC pages live in it, and the guest's side of the
 * protocol (messages, GPADLs, ring buffers) is written here from the same
 * published rules, independently of the host code under test.  Messages
 * are posted straight into the host hooks, as mailbox.c would.
 */
#ifndef HVSIM_VMBUS_GUEST_H
#define HVSIM_VMBUS_GUEST_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/hvsim.h"
#include "tap.h"
#include "vmbus/vsp.h"

struct tg;

/* guest pages in test buffers must be as aligned as real ones */
#define PAGE_ALIGNED	__attribute__((aligned(4096)))

/*
 * An hvsim context for tests: no sockets, anonymous BAR2, and guest RAM
 * in a buffer the test owns (NULL: no RAM).
 */
void test_hvsim(struct hvsim *hs, uint64_t ram_size, unsigned int cpus,
		void *ram);
void test_hvsim_free(struct hvsim *hs);
/* a channel by relid, NULL if none (the host's table) */
struct hv_chan *tg_chan(struct tg *t, uint32_t relid);
/* the host holds a packet back for room in the guest's ring */
bool tg_chan_waiting(struct tg *t, uint32_t relid);
/* the n-th device offered, NULL if fewer */
struct vsp_device *tg_device(struct tg *t, unsigned int n);

#define TG_RAM_SIZE	(64 * MiB)
#define TG_MAX_CPUS	4
#define TG_MSG(cpu)	(0x10000ull + (cpu) * 0x2000)
#define TG_EVT(cpu)	(0x11000ull + (cpu) * 0x2000)
#define TG_MON1		0x20000ull
#define TG_MON2		0x21000ull
#define TG_FIRST_PFN	0x100		/* pages handed out from 1 MiB */

extern uint8_t tg_ram[TG_RAM_SIZE];
/* the last tg_ctl() answer */
extern char tg_out[65536];

struct tg {
	struct hvsim hs;
	struct vmbus_host *vh;
	unsigned int cpus;
	uint32_t msg_conn;		/* where messages go */
	uint32_t msg_cpu, msg_sint;	/* where answers come */
	uint32_t version;
	uint64_t next_pfn;
	uint32_t next_handle;
};

void tg_init(struct tg *t, unsigned int cpus);

void tg_free(struct tg *t);

bool tg_add(struct tg *t, const char *spec);

/* interrupts raised on @cpu since the last look */
uint64_t tg_irqs(struct tg *t, unsigned int cpu);

/* test and clear the channel event bit @relid of SINT 2 on @cpu */
bool tg_event(struct tg *t, unsigned int cpu, uint32_t relid);

uint16_t tg_post(struct tg *t, uint32_t conn, const void *msg,
		 uint32_t len);

uint16_t tg_send(struct tg *t, const void *msg, uint32_t len);

/*
 * The next host message on (cpu, sint): its VMBus msgtype, or -1.  At
 * most @cap bytes are copied to @buf.  Consumes the slot and sends EOM as
 * the guest's vmbus_signal_eom() does.
 */
int tg_recv_cap(struct tg *t, unsigned int cpu,
		unsigned int sint, void *buf, size_t cap,
		uint32_t *len);

/* the receiving object's size, so an unexpected message cannot overflow it */
#define TG_CAP(p)	(__builtin_object_size((p), 0) == (size_t)-1 ?	\
			 (size_t)HV_MESSAGE_PAYLOAD_BYTE_COUNT :	\
			 __builtin_object_size((p), 0))
#define tg_recv_on(t, cpu, sint, p, len)				\
	tg_recv_cap((t), (cpu), (sint), (p), TG_CAP(p), (len))
#define tg_recv(t, p, len)						\
	tg_recv_cap((t), (t)->msg_cpu, (t)->msg_sint, (p), TG_CAP(p), (len))

/* messages waiting, thrown away */
unsigned int tg_drain(struct tg *t);

/*
 * INITIATE_CONTACT for @version as Linux sends it (connection.c
 * vmbus_negotiate_version): 1 / 4 by version, SINT 2, monitor pages.
 * Returns the VERSION_RESPONSE's version_supported, or -1.
 */
int tg_contact(struct tg *t, uint32_t version,
	       struct vmbus_channel_version_response *out);

/* Linux's walk: 5.3, 5.2, 5.1, 5.0, 4.1, 4.0, 3.0, 2.4; 0 if none */
uint32_t tg_negotiate(struct tg *t);

/* REQUESTOFFERS; the offers until ALLOFFERS_DELIVERED; -1 on anything else */
int tg_offers(struct tg *t, struct vmbus_channel_offer_channel *o,
	      int max);

bool tg_up(struct tg *t, struct vmbus_channel_offer_channel *o,
	   int max, int *n);

/* @n guest pages; @scatter: every other page, backwards (not contiguous) */
void tg_pages(struct tg *t, uint64_t *pfns, uint32_t n,
	      bool scatter);

void *tg_page(uint64_t pfn);

/*
 * GPADL_HEADER + BODY messages as drivers/hv/channel.c builds them (26
 * PFNs in the header, 28 per body, msgnumber 0).  Returns the
 * creation_status, or -1 if no GPADL_CREATED came back.
 */
int64_t tg_gpadl_sized(struct tg *t, uint32_t relid,
		       uint32_t handle, const uint64_t *pfns,
		       uint32_t n, uint32_t byte_offset,
		       uint32_t byte_count);

int64_t tg_gpadl(struct tg *t, uint32_t relid, uint32_t handle,
		 const uint64_t *pfns, uint32_t n);

/* GPADL_TEARDOWN; 1 if GPADL_TORNDOWN came back, 0 if nothing did */
int tg_teardown(struct tg *t, uint32_t relid, uint32_t handle);

/* OPENCHANNEL; the OPENCHANNEL_RESULT status, or -1 if none */
int64_t tg_open_raw(struct tg *t, uint32_t relid, uint32_t handle,
		    uint32_t offset, uint32_t vp);

void tg_close(struct tg *t, uint32_t relid);

void tg_release(struct tg *t, uint32_t relid);

/* ---- the guest's ring buffers (drivers/hv/ring_buffer.c rules) ---- */

struct tring {
	uint64_t pfns[512];	/* control page, then data */
	uint32_t npages;	/* all of them */
	uint32_t size;		/* data bytes */
};

struct hv_ring_buffer *tring_ctrl(struct tring *r);

void tring_copy(struct tring *r, uint32_t pos, void *buf,
		uint32_t len, bool to_ring);

/*
 * Write a packet like hv_ringbuffer_write(): 0 and *signal, or -EAGAIN.
 * @hdr is the type's fixed part after the descriptor (multiple of 8).
 */
int tring_write(struct tring *r, uint16_t type, uint16_t flags,
		uint64_t trans_id, const void *hdr, uint32_t hlen,
		const void *data, uint32_t len, bool *signal);

/* read the next packet (descriptor + payload) like hv_pkt_iter_first/next */
int tring_read(struct tring *r, void *buf, uint32_t cap,
	       uint32_t *len);

/* a channel as the guest sets it up: one GPADL, two rings, open */
struct tchan {
	struct tg *t;
	uint32_t relid, conn_id, handle;
	uint64_t pfns[1024];
	uint32_t npages;
	struct tring out, in;	/* guest -> host, host -> guest */
};

/*
 * Allocate @out_pages + @in_pages (each with its control page), zero the
 * control pages as hv_ringbuffer_init() does (feat_pending_send_sz set),
 * create the GPADL and open.  Returns the OPENCHANNEL_RESULT status.
 */
int64_t tchan_open(struct tg *t, struct tchan *tc, uint32_t relid,
		   uint32_t conn_id, uint32_t out_pages,
		   uint32_t in_pages, uint32_t vp, bool scatter);

/* write a packet and signal the host when the ring rules say so */
int tchan_send(struct tchan *tc, uint16_t type, uint16_t flags,
	       uint64_t trans_id, const void *hdr, uint32_t hlen,
	       const void *data, uint32_t len);

int tchan_inband(struct tchan *tc, uint64_t trans_id,
		 const void *data, uint32_t len);

/* find the offer with @relid among @n */
const struct vmbus_channel_offer_channel *
tg_find_offer(const struct vmbus_channel_offer_channel *o, int n, uint32_t relid);

/* run a control command; the output (with its ok/error line) */

const char *tg_ctl(struct tg *t, const char *line);

bool tg_ctl_ok(struct tg *t, const char *line);
/*
 * A guest with one device: tg_init(), add @spec, connect, take the
 * offers (into @o, room for @max) and open its channel with 4-page rings.
 */
bool tg_open_one(struct tg *t, struct tchan *tc, const char *spec,
		 struct vmbus_channel_offer_channel *o, int max);
/* the last tg_ctl() answer holds @want; if not, a TAP comment says so */
bool tg_out_has(const char *want);

#endif /* HVSIM_VMBUS_GUEST_H */
