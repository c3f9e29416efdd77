// SPDX-License-Identifier: GPL-2.0-only
/*
 * synic.c on a fake guest memory buffer: slot writes, queueing behind a
 * busy slot, the msg_pending bit, EOM redelivery, ordering, overflow,
 * event flags, and the interrupts that go with them (real eventfds stand
 * in for the guest's MSI-X vectors).
 */
#include <sys/eventfd.h>

#include "vmbus_guest.h"

#define RAM_SIZE	(2 * MiB)
#define MSG0		0x10000		/* CPU 0 message page */
#define EVT0		0x11000
#define MSG1		0x12000
#define EVT1		0x13000

static uint8_t ram[RAM_SIZE] PAGE_ALIGNED;

static struct hv_message *slot(uint64_t page, unsigned int sint)
{
	return (struct hv_message *)(ram + page) + sint;
}

/* interrupts raised on @cpu since the last call */
static uint64_t irqs(struct hvsim *hs, unsigned int cpu)
{
	uint64_t n = 0;

	if (read(hs->iv.guest_efd[cpu], &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static void guest(struct hvsim *hs)
{
	memset(ram, 0, sizeof(ram));
	test_hvsim(hs, RAM_SIZE, 2, ram);
	hs->hello = true;
	hs->guest_cpus = 2;
	for (int i = 0; i < 2; i++)
		hs->iv.guest_efd[i] = eventfd(0, EFD_NONBLOCK);
}

static int post(struct hvsim *hs, unsigned int cpu, unsigned int sint,
		uint32_t type, uint8_t fill, uint32_t len)
{
	uint8_t buf[HV_MESSAGE_PAYLOAD_BYTE_COUNT];

	memset(buf, fill, sizeof(buf));
	return synic_post(hs, cpu, sint, type, buf, len);
}

/* what the guest's vmbus_signal_eom() does, minus the EOM itself */
static bool consume(struct hv_message *m)
{
	m->header.message_type = HVMSG_NONE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return m->header.message_flags.msg_pending;
}

static bool deliver_free_slot(void)
{
	struct hvsim hs;
	struct hv_message *m;

	guest(&hs);
	CHECK_EQ(synic_setup(&hs, 0, MSG0, EVT0), HV_STATUS_SUCCESS);
	CHECK_EQ(post(&hs, 0, 2, 1, 0x5a, 100), 0);
	m = slot(MSG0, 2);
	CHECK_EQ(m->header.message_type, 1);
	CHECK_EQ(m->header.payload_size, 100);
	CHECK_EQ(m->header.message_flags.msg_pending, 0);
	CHECK(((uint8_t *)m->u.payload)[99] == 0x5a);
	CHECK(((uint8_t *)m->u.payload)[100] == 0);	/* zero padded */
	CHECK_EQ(slot(MSG0, 1)->header.message_type, HVMSG_NONE);
	CHECK_EQ(irqs(&hs, 0), 1);
	CHECK_EQ(irqs(&hs, 1), 0);
	CHECK(hs.stats.synic_delivered == 1 && hs.stats.synic_queued == 0);
	test_hvsim_free(&hs);
	return true;
}

static bool queue_pending_eom(void)
{
	struct hvsim hs;
	struct hv_message *m;

	guest(&hs);
	CHECK_EQ(synic_setup(&hs, 0, MSG0, EVT0), HV_STATUS_SUCCESS);
	m = slot(MSG0, 2);
	CHECK_EQ(post(&hs, 0, 2, 1, 0x01, 8), 0);
	CHECK_EQ(irqs(&hs, 0), 1);
	/* busy slot: queued, pending bit asks for EOM, no interrupt */
	CHECK_EQ(post(&hs, 0, 2, 1, 0x02, 8), 0);
	CHECK_EQ(post(&hs, 0, 2, 1, 0x03, 8), 0);
	CHECK_EQ(synic_queued(&hs, 0), 2);
	CHECK_EQ(m->header.message_flags.msg_pending, 1);
	CHECK(((uint8_t *)m->u.payload)[0] == 0x01);
	CHECK_EQ(irqs(&hs, 0), 0);
	CHECK_EQ(hs.stats.synic_queued, 2);
	/* EOM without consuming: nothing moves */
	synic_eom(&hs, 0);
	CHECK(((uint8_t *)m->u.payload)[0] == 0x01);
	CHECK_EQ(irqs(&hs, 0), 0);
	/* consume + EOM: the next one, still flagged pending */
	CHECK(consume(m));
	synic_eom(&hs, 0);
	CHECK(m->header.message_type == 1 && ((uint8_t *)m->u.payload)[0] == 0x02);
	CHECK_EQ(m->header.message_flags.msg_pending, 1);
	CHECK_EQ(irqs(&hs, 0), 1);
	/* the last one clears the bit */
	CHECK(consume(m));
	synic_eom(&hs, 0);
	CHECK(((uint8_t *)m->u.payload)[0] == 0x03);
	CHECK_EQ(m->header.message_flags.msg_pending, 0);
	CHECK_EQ(synic_queued(&hs, 0), 0);
	CHECK(!consume(m));
	CHECK_EQ(hs.stats.synic_delivered, 3);
	test_hvsim_free(&hs);
	return true;
}

/* a slot freed without EOM must not let a new message overtake */
static bool order_kept(void)
{
	struct hvsim hs;
	struct hv_message *m;

	guest(&hs);
	CHECK_EQ(synic_setup(&hs, 0, MSG0, EVT0), HV_STATUS_SUCCESS);
	m = slot(MSG0, 5);
	CHECK_EQ(post(&hs, 0, 5, 7, 0xa1, 1), 0);
	CHECK_EQ(post(&hs, 0, 5, 7, 0xa2, 1), 0);
	m->header.message_type = HVMSG_NONE;	/* guest lost the EOM */
	CHECK_EQ(post(&hs, 0, 5, 7, 0xa3, 1), 0);
	CHECK(((uint8_t *)m->u.payload)[0] == 0xa2);
	CHECK_EQ(m->header.message_flags.msg_pending, 1);
	CHECK_EQ(synic_queued(&hs, 0), 1);
	test_hvsim_free(&hs);
	return true;
}

static bool before_setup(void)
{
	struct hvsim hs;

	guest(&hs);
	/* no SynIC yet: kept, no interrupt, delivered on setup */
	CHECK_EQ(post(&hs, 1, 2, 1, 0x77, 4), 0);
	CHECK_EQ(post(&hs, 1, 2, 1, 0x78, 4), 0);
	CHECK_EQ(irqs(&hs, 1), 0);
	CHECK_EQ(hs.stats.irqs_raised, 0);
	CHECK_EQ(synic_setup(&hs, 1, MSG1, EVT1), HV_STATUS_SUCCESS);
	CHECK(((uint8_t *)slot(MSG1, 2)->u.payload)[0] == 0x77);
	CHECK_EQ(slot(MSG1, 2)->header.message_flags.msg_pending, 1);
	CHECK_EQ(irqs(&hs, 1), 1);
	CHECK_EQ(synic_signal(&hs, 0, 2, 1), -EAGAIN);	/* no event page */
	test_hvsim_free(&hs);
	return true;
}

static bool bad_arguments(void)
{
	uint8_t big[HV_MESSAGE_PAYLOAD_BYTE_COUNT + 1] = { 0 };
	struct hvsim hs;

	guest(&hs);
	CHECK_EQ(synic_setup(&hs, 0, MSG0, EVT0), HV_STATUS_SUCCESS);
	CHECK_EQ(synic_post(&hs, 2, 0, 1, big, 1), -EINVAL);
	CHECK_EQ(synic_post(&hs, UINT32_MAX, 0, 1, big, 1), -EINVAL);
	CHECK_EQ(synic_post(&hs, 0, 16, 1, big, 1), -EINVAL);
	CHECK_EQ(synic_post(&hs, 0, 0, 1, big, sizeof(big)), -EINVAL);
	CHECK_EQ(synic_post(&hs, 0, 0, HVMSG_NONE, big, 1), -EINVAL);
	CHECK_EQ(synic_post(&hs, 0, 0, 1, NULL, 1), -EINVAL);
	CHECK_EQ(synic_signal(&hs, 0, 0, HV_EVENT_FLAGS_COUNT), -EINVAL);
	CHECK_EQ(synic_signal(&hs, 0, 16, 0), -EINVAL);
	CHECK_EQ(synic_signal(&hs, 9, 0, 0), -EINVAL);
	CHECK_EQ(irqs(&hs, 0), 0);
	CHECK_EQ(hs.stats.synic_dropped, 6);
	synic_eom(&hs, 1000);		/* ignored */
	test_hvsim_free(&hs);
	return true;
}

static bool queue_overflow(void)
{
	struct hvsim hs;

	guest(&hs);
	for (unsigned int i = 0; i < SYNIC_QUEUE_LEN; i++)
		CHECK_EQ(post(&hs, 0, 3, 1, (uint8_t)i, 1), 0);
	CHECK_EQ(post(&hs, 0, 3, 1, 0, 1), -ENOSPC);
	CHECK_EQ(hs.stats.synic_dropped, 1);
	CHECK_EQ(synic_queued(&hs, 0), SYNIC_QUEUE_LEN);
	/* drain them all through EOMs, in order */
	CHECK_EQ(synic_setup(&hs, 0, MSG0, EVT0), HV_STATUS_SUCCESS);
	for (unsigned int i = 0; i < SYNIC_QUEUE_LEN; i++) {
		struct hv_message *m = slot(MSG0, 3);

		CHECK_EQ(((uint8_t *)m->u.payload)[0], (uint8_t)i);
		CHECK_EQ(consume(m), i + 1 < SYNIC_QUEUE_LEN);
		synic_eom(&hs, 0);
	}
	CHECK_EQ(synic_queued(&hs, 0), 0);
	test_hvsim_free(&hs);
	return true;
}

static bool event_flags(void)
{
	struct hvsim hs;
	union hv_synic_event_flags *f;

	guest(&hs);
	CHECK_EQ(synic_setup(&hs, 1, MSG1, EVT1), HV_STATUS_SUCCESS);
	f = (union hv_synic_event_flags *)(ram + EVT1) + 2;
	CHECK_EQ(synic_signal(&hs, 1, 2, 0), 0);
	CHECK_EQ(synic_signal(&hs, 1, 2, 65), 0);
	CHECK_EQ(synic_signal(&hs, 1, 2, HV_EVENT_FLAGS_COUNT - 1), 0);
	CHECK_EQ(f->flags8[0], 0x01);
	CHECK_EQ(f->flags8[8], 0x02);
	CHECK_EQ(f->flags8[255], 0x80);
	CHECK_EQ(((uint8_t *)(f - 1))[255], 0);	/* SINT 1 untouched */
	CHECK_EQ(((uint8_t *)(f + 1))[0], 0);	/* SINT 3 untouched */
	CHECK_EQ(irqs(&hs, 1), 3);
	CHECK_EQ(hs.stats.synic_signaled, 3);
	test_hvsim_free(&hs);
	return true;
}

static bool irq_drop(void)
{
	struct hvsim hs;

	guest(&hs);
	CHECK_EQ(synic_setup(&hs, 0, MSG0, EVT0), HV_STATUS_SUCCESS);
	hs.irq[0].drop = true;
	CHECK_EQ(synic_signal(&hs, 0, 2, 1), 0);
	CHECK_EQ(irqs(&hs, 0), 0);
	CHECK_EQ(hs.stats.irqs_dropped, 1);
	hs.irq[0].drop = false;
	CHECK_EQ(synic_signal(&hs, 0, 2, 1), 0);
	CHECK_EQ(irqs(&hs, 0), 1);
	/* no guest eventfd (disconnected): counted, not crashed */
	close(hs.iv.guest_efd[0]);
	hs.iv.guest_efd[0] = -1;
	CHECK_EQ(synic_signal(&hs, 0, 2, 1), 0);
	CHECK_EQ(hs.stats.irqs_lost, 1);
	test_hvsim_free(&hs);
	return true;
}

static bool reset_drops_all(void)
{
	struct hvsim hs;

	guest(&hs);
	CHECK_EQ(post(&hs, 0, 2, 1, 1, 1), 0);
	CHECK_EQ(post(&hs, 1, 4, 1, 1, 1), 0);
	CHECK_EQ(synic_setup(&hs, 1, MSG1, EVT1), HV_STATUS_SUCCESS);
	hvsim_bus_reset(&hs);
	CHECK_EQ(synic_queued(&hs, 0) + synic_queued(&hs, 1), 0);
	CHECK(!hs.synic[1].msg_page && !hs.synic[1].evt_page);
	test_hvsim_free(&hs);
	return true;
}

static const struct tap_test tests[] = {
	{ "message into a free SINT slot, interrupt on its CPU", deliver_free_slot },
	{ "busy slot: queue, msg_pending, EOM redelivery", queue_pending_eom },
	{ "messages stay in order when EOM is skipped", order_kept },
	{ "messages before SynIC setup wait for it", before_setup },
	{ "bad CPU, SINT, size, type and flag are refused", bad_arguments },
	{ "queue overflow drops, then drains in order", queue_overflow },
	{ "event flags set atomically in the right SINT", event_flags },
	{ "irq drop and a missing guest eventfd", irq_drop },
	{ "bus reset drops queues and pages", reset_drops_all },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
