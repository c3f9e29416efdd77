// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host half of the SynIC: messages into the per-CPU message page
 * (SIMP) and flags into the event-flags page (SIEFP), as Hyper-V does it
 * (TLFS "Synthetic Interrupt Controller"):
 *
 * - A SINT slot is free when its message_type is HVMSG_NONE.  The host
 *   fills payload and header and stores message_type last; the guest
 *   consumes, stores HVMSG_NONE and, if msg_pending was set, writes EOM.
 * - A message for a busy slot waits in a per-(CPU, SINT) queue; the host
 *   sets msg_pending in the busy slot so the guest's EOM tells it when to
 *   retry.
 *
 * The pages are guest RAM named by GPA; they are translated on every use
 * (never cached as pointers) so an unmapped or reset guest is harmless.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hvsim.h"

#define MSG_TYPE_OFF	offsetof(struct hv_message, header.message_type)
#define MSG_SIZE_OFF	offsetof(struct hv_message, header.payload_size)
#define MSG_FLAGS_OFF	offsetof(struct hv_message, header.message_flags)
#define MSG_SENDER_OFF	offsetof(struct hv_message, header.sender)
#define MSG_PAYLOAD_OFF	offsetof(struct hv_message, u.payload)

/*
 * The slot is reached through byte offsets, not the packed struct, so that
 * the atomics operate on naturally aligned words (a slot is 256-byte
 * aligned inside a page-aligned page).
 */
static uint8_t *msg_slot(struct hvsim *hs, unsigned int cpu, unsigned int sint)
{
	uint64_t page = hs->synic[cpu].msg_page;

	if (!page)
		return NULL;
	return gm_ram_ptr(&hs->gm, page + sint * HV_MESSAGE_SIZE,
			  HV_MESSAGE_SIZE);
}

static uint32_t *slot_type(uint8_t *slot)
{
	return (uint32_t *)(slot + MSG_TYPE_OFF);
}

static void slot_write(uint8_t *slot, const struct synic_qmsg *m, bool pending)
{
	uint64_t sender = 0;

	memcpy(slot + MSG_PAYLOAD_OFF, m->payload, HV_MESSAGE_PAYLOAD_BYTE_COUNT);
	slot[MSG_SIZE_OFF] = (uint8_t)m->len;
	slot[MSG_FLAGS_OFF] = pending ? HV_MESSAGE_FLAG_MSG_PENDING : 0;
	slot[MSG_FLAGS_OFF + 1] = 0;
	slot[MSG_FLAGS_OFF + 2] = 0;
	memcpy(slot + MSG_SENDER_OFF, &sender, sizeof(sender));
	/* the guest reads message_type first: it must see a complete slot */
	__atomic_store_n(slot_type(slot), m->type, __ATOMIC_RELEASE);
}

/*
 * Move queued messages into the slot while it is free.  Returns true if
 * something was delivered (the caller raises the interrupt).
 */
static bool synic_flush(struct hvsim *hs, unsigned int cpu, unsigned int sint)
{
	struct synic_queue *q = &hs->synic[cpu].q[sint];
	bool delivered = false;
	unsigned int guard;

	/* bounded: each pass delivers one message or returns */
	for (guard = 0; q->count && guard <= SYNIC_QUEUE_LEN; guard++) {
		uint8_t *slot = msg_slot(hs, cpu, sint);

		if (!slot)
			break;
		if (__atomic_load_n(slot_type(slot), __ATOMIC_ACQUIRE) ==
		    HVMSG_NONE) {
			slot_write(slot, &q->ring[q->head], q->count > 1);
			q->head = (q->head + 1) % SYNIC_QUEUE_LEN;
			q->count--;
			hs->stats.synic_delivered++;
			delivered = true;
			continue;
		}
		/*
		 * Busy: ask for an EOM.  The guest clears message_type, then
		 * (after a full barrier) reads msg_pending; we set msg_pending,
		 * then read message_type.  One of us sees the other's store,
		 * so either the guest sends EOM or we see the free slot here.
		 */
		__atomic_fetch_or(slot + MSG_FLAGS_OFF,
				  HV_MESSAGE_FLAG_MSG_PENDING, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(slot_type(slot), __ATOMIC_SEQ_CST) !=
		    HVMSG_NONE)
			break;
	}
	return delivered;
}

int synic_post(struct hvsim *hs, unsigned int cpu, unsigned int sint,
	       uint32_t message_type, const void *payload, uint32_t len)
{
	struct synic_queue *q;
	struct synic_qmsg *m;

	if (cpu >= hs->cfg.nr_cpus || sint >= HV_SYNIC_SINT_COUNT ||
	    len > HV_MESSAGE_PAYLOAD_BYTE_COUNT ||
	    message_type == HVMSG_NONE || (len && !payload)) {
		hs->stats.synic_dropped++;
		return -EINVAL;
	}
	q = &hs->synic[cpu].q[sint];
	if (q->count >= SYNIC_QUEUE_LEN) {
		hs->stats.synic_dropped++;
		log_guest("cpu %u sint %u: message queue full, type 0x%x dropped",
			  cpu, sint, message_type);
		return -ENOSPC;
	}
	if (!q->ring) {
		q->ring = calloc(SYNIC_QUEUE_LEN, sizeof(*q->ring));
		if (!q->ring) {
			hs->stats.synic_dropped++;
			return -ENOMEM;
		}
	}
	/* everything goes through the queue: it keeps messages in order */
	m = &q->ring[(q->head + q->count) % SYNIC_QUEUE_LEN];
	memset(m, 0, sizeof(*m));
	m->type = message_type;
	m->len = len;
	if (len)
		memcpy(m->payload, payload, len);
	q->count++;
	hs->stats.synic_posted++;

	if (!hs->synic[cpu].msg_page)
		log_info("cpu %u sint %u: no SynIC message page yet, type 0x%x queued",
			 cpu, sint, message_type);
	else if (synic_flush(hs, cpu, sint))
		irq_raise(hs, cpu);
	/* FIFO: if anything is left, the new message is among it */
	if (q->count)
		hs->stats.synic_queued++;
	return 0;
}

int synic_signal(struct hvsim *hs, unsigned int cpu, unsigned int sint,
		 unsigned int bit)
{
	uint64_t page, *word;

	if (cpu >= hs->cfg.nr_cpus || sint >= HV_SYNIC_SINT_COUNT ||
	    bit >= HV_EVENT_FLAGS_COUNT)
		return -EINVAL;
	page = hs->synic[cpu].evt_page;
	word = page ? gm_ram_ptr(&hs->gm, page + sint * HV_EVENT_FLAGS_BYTE_COUNT +
				 bit / 64 * 8, 8) : NULL;
	if (!word) {
		log_guest("cpu %u sint %u: no event page, flag %u dropped",
			  cpu, sint, bit);
		return -EAGAIN;
	}
	__atomic_fetch_or(word, 1ull << (bit % 64), __ATOMIC_SEQ_CST);
	hs->stats.synic_signaled++;
	irq_raise(hs, cpu);
	return 0;
}

void synic_eom(struct hvsim *hs, unsigned int cpu)
{
	bool delivered = false;

	if (cpu >= hs->cfg.nr_cpus)
		return;
	for (unsigned int sint = 0; sint < HV_SYNIC_SINT_COUNT; sint++)
		delivered |= synic_flush(hs, cpu, sint);
	if (delivered)
		irq_raise(hs, cpu);
}

uint16_t synic_setup(struct hvsim *hs, unsigned int cpu, uint64_t msg_page,
		     uint64_t evt_page)
{
	struct synic_cpu *sc;

	if (cpu >= hs->guest_cpus || cpu >= hs->cfg.nr_cpus)
		return HV_STATUS_INVALID_PARAMETER;
	if ((msg_page | evt_page) & (HV_HYP_PAGE_SIZE - 1))
		return HV_STATUS_INVALID_ALIGNMENT;
	/* RAM only: these pages are the guest's, not shared MMIO */
	if (msg_page && !gm_ram_ptr(&hs->gm, msg_page, HV_HYP_PAGE_SIZE))
		return HV_STATUS_INVALID_PARAMETER;
	if (evt_page && !gm_ram_ptr(&hs->gm, evt_page, HV_HYP_PAGE_SIZE))
		return HV_STATUS_INVALID_PARAMETER;
	/* one page for both would let messages corrupt flags */
	if (msg_page && msg_page == evt_page)
		return HV_STATUS_INVALID_PARAMETER;

	sc = &hs->synic[cpu];
	sc->msg_page = msg_page;
	sc->evt_page = evt_page;
	log_dbg("cpu %u: SynIC message page 0x%llx, event page 0x%llx", cpu,
		(unsigned long long)msg_page, (unsigned long long)evt_page);
	/* messages posted before the guest was ready go out now */
	if (msg_page)
		synic_eom(hs, cpu);
	return HV_STATUS_SUCCESS;
}

void synic_reset(struct hvsim *hs)
{
	for (unsigned int cpu = 0; cpu < HVSIM_MAX_CPUS; cpu++) {
		struct synic_cpu *sc = &hs->synic[cpu];

		for (unsigned int sint = 0; sint < HV_SYNIC_SINT_COUNT; sint++)
			free(sc->q[sint].ring);
		memset(sc, 0, sizeof(*sc));
	}
}

unsigned int synic_queued(const struct hvsim *hs, unsigned int cpu)
{
	unsigned int n = 0;

	if (cpu >= HVSIM_MAX_CPUS)
		return 0;
	for (unsigned int sint = 0; sint < HV_SYNIC_SINT_COUNT; sint++)
		n += hs->synic[cpu].q[sint].count;
	return n;
}
