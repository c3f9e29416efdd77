// SPDX-License-Identifier: GPL-2.0-only
/*
 * mailbox.c against a hostile guest: every op with bad CPUs, unaligned or
 * foreign pages, oversized payloads, garbage ops, and a random fuzz of
 * whole slots through mailbox_process().
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hvlis/hv_ext.h>

#include "vmbus_guest.h"

#define RAM_SIZE	(4 * MiB)
#define BAR2		(32 * GiB)

static uint8_t ram[RAM_SIZE] PAGE_ALIGNED;

static uint16_t call(struct hvsim *hs, unsigned int slot, uint32_t op,
		     uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct hvsim_mailbox req = { .op = op, .args = { a0, a1, a2 } };

	return mailbox_exec(hs, slot, &req);
}

static uint16_t hello(struct hvsim *hs, unsigned int cpus)
{
	return call(hs, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2, cpus);
}

static uint16_t post(struct hvsim *hs, uint32_t conn, uint32_t type,
		     uint32_t size, uint32_t reserved)
{
	struct hvsim_mailbox req = { .op = HVSIM_OP_POST_MESSAGE };
	struct hv_input_post_message in = {
		.connectionid = conn,
		.reserved = reserved,
		.message_type = type,
		.payload_size = size,
	};

	memset(in.payload, 0xab, sizeof(in.payload));
	memcpy(req.data, &in, sizeof(in));
	return mailbox_exec(hs, 1, &req);
}

static bool unknown_ops(void)
{
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 2, ram);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_NONE, 0, 0, 0),
		 HV_STATUS_INVALID_HYPERCALL_CODE);
	CHECK_EQ(call(&hs, 0, HVSIM_NR_OPS, 0, 0, 0),
		 HV_STATUS_INVALID_HYPERCALL_CODE);
	CHECK_EQ(call(&hs, 0, 0xffffffff, 0, 0, 0),
		 HV_STATUS_INVALID_HYPERCALL_CODE);
	CHECK_EQ(hs.stats.hypercalls_unknown, 3);
	test_hvsim_free(&hs);
	return true;
}

static bool needs_hello(void)
{
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 2, ram);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, 0x1000, 0x2000),
		 HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(post(&hs, 1, VMBUS_MESSAGE_TYPE, 8, 0), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SIGNAL_EVENT, 1, 0, 0),
		 HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_EOM, 0, 0, 0), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_RESET, 0, 0, 0), HV_STATUS_SUCCESS);
	test_hvsim_free(&hs);
	return true;
}

static bool hello_validation(void)
{
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 2, ram);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_HELLO, 2, BAR2, 2),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_HELLO, 1ull << 32 | 1, BAR2, 2),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(hello(&hs, 0), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(hello(&hs, 3), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(hello(&hs, UINT64_MAX & 0xffffffff), HV_STATUS_INVALID_PARAMETER);
	/* BAR2 must be naturally aligned, outside RAM, below 2^52 */
	CHECK_EQ(call(&hs, 0, HVSIM_OP_HELLO, 1, BAR2 + 4096, 2),
		 HV_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_HELLO, 1, 0, 2),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_HELLO, 1, ~(4 * MiB - 1), 2),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_HELLO, 1, GM_MAX_GPA - 4 * MiB, 2),
		 HV_STATUS_SUCCESS);
	CHECK(!hs.hello || hs.gm.bar2_gpa == GM_MAX_GPA - 4 * MiB);
	CHECK_EQ(hello(&hs, 2), HV_STATUS_SUCCESS);
	CHECK(hs.hello && hs.guest_cpus == 2 && hs.gm.bar2_gpa == BAR2);
	CHECK_EQ(hs.stats.hypercalls[HVSIM_OP_HELLO], 10);
	test_hvsim_free(&hs);
	return true;
}

static bool hello_without_ram(void)
{
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 2, NULL);
	hs.gm.ram_path = "/nonexistent/hvsim-ram";
	CHECK_EQ(hello(&hs, 2), HV_STATUS_INSUFFICIENT_MEMORY);
	CHECK(!hs.hello);
	test_hvsim_free(&hs);
	return true;
}

static bool synic_setup_validation(void)
{
	uint64_t last = RAM_SIZE - 4096, win;
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 4, ram);
	CHECK_EQ(hello(&hs, 2), HV_STATUS_SUCCESS);
	win = BAR2 + hs.gm.mmio_offset;
	/* CPUs the guest did not announce, or absurd ones */
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 2, 0x1000, 0x2000),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 1ull << 32, 0x1000, 0x2000),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, UINT64_MAX, 0x1000, 0x2000),
		 HV_STATUS_INVALID_PARAMETER);
	/* unaligned pages */
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, 0x1008, 0x2000),
		 HV_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, 0x1000, 0x2001),
		 HV_STATUS_INVALID_ALIGNMENT);
	/* outside RAM, in the MMIO window, the same page twice */
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, RAM_SIZE, 0x2000),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, 0x1000, UINT64_MAX & ~0xfffull),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, win, 0x2000),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, 0x3000, 0x3000),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK(!hs.synic[0].msg_page && !hs.synic[0].evt_page);
	/* the last page of RAM is fine */
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 1, last, last - 4096),
		 HV_STATUS_SUCCESS);
	CHECK_EQ(hs.synic[1].msg_page, last);
	/* both 0 turns it off again */
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 1, 0, 0), HV_STATUS_SUCCESS);
	CHECK(!hs.synic[1].msg_page && !hs.synic[1].evt_page);
	test_hvsim_free(&hs);
	return true;
}

static struct {
	unsigned int calls, cpu;
	uint32_t conn, size;
	uint8_t payload[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
} seen;

static uint16_t fake_post(struct hvsim *hs, unsigned int cpu, uint32_t conn,
			  const void *payload, uint32_t size)
{
	(void)hs;
	seen.calls++;
	seen.cpu = cpu;
	seen.conn = conn;
	seen.size = size;
	memcpy(seen.payload, payload, size);
	return conn == 4 ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_CONNECTION_ID;
}

static uint16_t fake_signal(struct hvsim *hs, unsigned int cpu, uint32_t conn)
{
	(void)hs;
	seen.calls++;
	seen.cpu = cpu;
	seen.conn = conn;
	return HV_STATUS_SUCCESS;
}

static const struct hvsim_host_ops fake_ops = {
	.post_message = fake_post,
	.signal_event = fake_signal,
};

static bool post_message_validation(void)
{
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 2, ram);
	CHECK_EQ(hello(&hs, 2), HV_STATUS_SUCCESS);
	CHECK_EQ(post(&hs, 4, VMBUS_MESSAGE_TYPE, 241, 0),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(post(&hs, 4, VMBUS_MESSAGE_TYPE, 0xffffffff, 0),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(post(&hs, 4, 2, 8, 0), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(post(&hs, 4, 0x80000000, 8, 0), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(post(&hs, 4, VMBUS_MESSAGE_TYPE, 8, 1),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(post(&hs, 0x01000004, VMBUS_MESSAGE_TYPE, 8, 0),
		 HV_STATUS_INVALID_CONNECTION_ID);
	/* no VMBus host layer yet: every connection id is unknown */
	CHECK_EQ(post(&hs, 4, VMBUS_MESSAGE_TYPE, 8, 0),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SIGNAL_EVENT, 7, 0, 0),
		 HV_STATUS_INVALID_CONNECTION_ID);

	memset(&seen, 0, sizeof(seen));
	hvsim_set_host_ops(&hs, &fake_ops, NULL);
	CHECK_EQ(post(&hs, 4, VMBUS_MESSAGE_TYPE, 240, 0), HV_STATUS_SUCCESS);
	CHECK(seen.calls == 1 && seen.cpu == 1 && seen.conn == 4 &&
	      seen.size == 240 && seen.payload[239] == 0xab);
	CHECK_EQ(post(&hs, 1, VMBUS_MESSAGE_TYPE, 0, 0),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(call(&hs, 1, HVSIM_OP_SIGNAL_EVENT, 0xffffff, 0, 0),
		 HV_STATUS_SUCCESS);
	CHECK_EQ(seen.conn, 0xffffff);
	CHECK_EQ(call(&hs, 1, HVSIM_OP_SIGNAL_EVENT, 0x1000000, 0, 0),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(call(&hs, 1, HVSIM_OP_SIGNAL_EVENT, 1ull << 40, 0, 0),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(seen.calls, 3);
	test_hvsim_free(&hs);
	return true;
}

static bool eom_and_reset(void)
{
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 2, ram);
	CHECK_EQ(hello(&hs, 2), HV_STATUS_SUCCESS);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_EOM, 2, 0, 0), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_EOM, UINT64_MAX, 0, 0),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_EOM, 1, 0, 0), HV_STATUS_SUCCESS);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, 0x1000, 0x2000),
		 HV_STATUS_SUCCESS);
	/* RESET drops SynIC state but the guest stays known */
	CHECK_EQ(call(&hs, 0, HVSIM_OP_RESET, 0, 0, 0), HV_STATUS_SUCCESS);
	CHECK(!hs.synic[0].msg_page && hs.hello);
	CHECK_EQ(call(&hs, 0, HVSIM_OP_SYNIC_SETUP, 0, 0x1000, 0x2000),
		 HV_STATUS_SUCCESS);
	/* a second HELLO is a new guest driver: SynIC state goes */
	CHECK_EQ(hello(&hs, 1), HV_STATUS_SUCCESS);
	CHECK(!hs.synic[0].msg_page && hs.guest_cpus == 1);
	test_hvsim_free(&hs);
	return true;
}

/* the shared slots: seq/done_seq handshake, and a slot changed meanwhile */
static bool process_slots(void)
{
	struct hvsim_mailbox *mb;
	struct hvsim hs;

	test_hvsim(&hs, RAM_SIZE, 2, ram);
	mb = hs.slots;
	mb[0].status = 0x5555;			/* idle: seq == done_seq */
	mb[1].seq = 5;
	mb[1].op = 0xdeadbeef;
	mailbox_process(&hs);
	CHECK_EQ(mb[0].status, 0x5555);
	CHECK_EQ(mb[1].done_seq, 5);
	CHECK_EQ(mb[1].status, HV_STATUS_INVALID_HYPERCALL_CODE);
	/* a done_seq the guest scribbled on only triggers one more run */
	mb[1].done_seq = 99;
	mb[1].op = HVSIM_OP_HELLO;
	mb[1].args[0] = HVSIM_ABI_VERSION;
	mb[1].args[1] = BAR2;
	mb[1].args[2] = 2;
	mailbox_process(&hs);
	CHECK_EQ(mb[1].done_seq, 5);
	CHECK_EQ(mb[1].status, HV_STATUS_SUCCESS);
	mailbox_process(&hs);
	CHECK_EQ(hs.stats.hypercalls[HVSIM_OP_HELLO], 1);
	CHECK_EQ(hs.stats.hypercalls_failed, 1);
	test_hvsim_free(&hs);
	return true;
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible, no libc state */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_arg(void)
{
	static const uint64_t interesting[] = {
		0, 1, 2, 3, 64, 4095, 4096, 0x1000, 0x2000, RAM_SIZE - 4096,
		RAM_SIZE, BAR2, BAR2 + 2 * MiB, 0x80000000, GM_4G,
		GM_MAX_GPA, UINT32_MAX, UINT64_MAX, UINT64_MAX - 4095,
	};

	if (rnd() % 3)
		return interesting[rnd() % ARRAY_SIZE(interesting)];
	return rnd();
}

/* a guest that writes random slots: nothing may crash or hang */
static bool fuzz_slots(void)
{
	struct hvsim hs;
	uint32_t seq[4] = { 0 };

	test_hvsim(&hs, RAM_SIZE, 4, ram);
	hvsim_set_host_ops(&hs, &fake_ops, NULL);
	for (int iter = 0; iter < 20000; iter++) {
		unsigned int s = rnd() % 4;
		struct hvsim_mailbox *mb = &hs.slots[s];

		mb->op = rnd() % 10 ? (uint32_t)(rnd() % 8) : (uint32_t)rnd();
		for (unsigned int a = 0; a < ARRAY_SIZE(mb->args); a++)
			mb->args[a] = rnd_arg();
		/* half of them plausible, so the deeper paths run too */
		if (rnd() % 2) {
			mb->args[0] = rnd() % 5;
			mb->args[1] = (rnd() % (RAM_SIZE / 4096 + 2)) * 4096;
			mb->args[2] = (rnd() % (RAM_SIZE / 4096 + 2)) * 4096;
			if (mb->op == HVSIM_OP_HELLO) {
				mb->args[0] = HVSIM_ABI_VERSION;
				mb->args[1] = BAR2;
				mb->args[2] = 1 + rnd() % 4;
			}
		}
		for (unsigned int b = 0; b < sizeof(mb->data); b += 8) {
			uint64_t v = rnd() % 4 ? rnd() % 300 : rnd();

			memcpy(mb->data + b, &v, 8);
		}
		if (rnd() % 2)
			mb->data[8] = VMBUS_MESSAGE_TYPE;
		mb->seq = ++seq[s];
		mailbox_process(&hs);
		CHECK_EQ(mb->done_seq, seq[s]);
		/* and sometimes the host posts into whatever was set up */
		if (rnd() % 4 == 0)
			synic_post(&hs, rnd() % 5, rnd() % 17, 1 + rnd() % 3,
				   mb->data, rnd() % 250);
		if (rnd() % 8 == 0)
			synic_signal(&hs, rnd() % 5, rnd() % 17, rnd() % 2100);
		/* the guest consumes messages (or trashes its pages) */
		if (rnd() % 4 == 0)
			memset(ram + (rnd() % (RAM_SIZE / 4096)) * 4096 +
			       (rnd() % 16) * HV_MESSAGE_SIZE, 0, 4);
		if (rnd() % 64 == 0)
			memset(ram + (rnd() % (RAM_SIZE / 4096)) * 4096,
			       (int)(rnd() & 0xff), 4096);
	}
	printf("#   hello %llu, synic_setup %llu, eom %llu; %llu messages delivered, %llu queued, %llu flags set\n",
	       (unsigned long long)hs.stats.hypercalls[HVSIM_OP_HELLO],
	       (unsigned long long)hs.stats.hypercalls[HVSIM_OP_SYNIC_SETUP],
	       (unsigned long long)hs.stats.hypercalls[HVSIM_OP_EOM],
	       (unsigned long long)hs.stats.synic_delivered,
	       (unsigned long long)hs.stats.synic_queued,
	       (unsigned long long)hs.stats.synic_signaled);
	test_hvsim_free(&hs);
	return true;
}

/* TIME_REF_COUNT answers in args[0], 100 ns units, never going back */
static bool ref_counter(void)
{
	struct hvsim_mailbox req = { .op = HVSIM_OP_TIME_REF_COUNT };
	struct hvsim hs;
	uint64_t first, t0;

	test_hvsim(&hs, RAM_SIZE, 2, ram);
	CHECK_EQ(mailbox_exec(&hs, 0, &req), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(hello(&hs, 2), HV_STATUS_SUCCESS);
	CHECK_EQ(mailbox_exec(&hs, 1, &req), HV_STATUS_SUCCESS);
	first = req.args[0];
	t0 = now_ns();
	while (now_ns() - t0 < 2000000)		/* 2 ms */
		;
	req.args[0] = 0;
	CHECK_EQ(mailbox_exec(&hs, 0, &req), HV_STATUS_SUCCESS);
	CHECK(req.args[0] >= first + 20000);	/* 2 ms = 20000 units */
	CHECK(req.args[0] - first < 10000000);	/* and not a second */
	test_hvsim_free(&hs);
	return true;
}

static uint16_t hint(struct hvsim *hs, uint64_t type, const uint64_t *r,
		     uint64_t n)
{
	struct hvsim_mailbox req = {
		.op = HVSIM_OP_MEMORY_HINT, .args = { type, n },
	};

	memcpy(req.data, r, (n < HVSIM_HINT_RANGES ? n : HVSIM_HINT_RANGES) * 8);
	return mailbox_exec(hs, 0, &req);
}

/*
 * EXT_CAPS and MEMORY_HINT: off until a device offers the hint; then
 * every range is checked before any page is dropped, and the pages named
 * read as zeros afterwards (RAM is a memfd here, as QEMU's is a file).
 */
static bool memory_hint(void)
{
	uint64_t r[HVSIM_HINT_RANGES + 1];
	int fd = memfd_create("hvsim-test-ram", 0);
	struct hvsim hs;
	uint8_t *mem;

	CHECK(fd >= 0 && ftruncate(fd, RAM_SIZE) == 0);
	mem = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(mem != MAP_FAILED);
	memset(mem, 0x5a, RAM_SIZE);
	test_hvsim(&hs, RAM_SIZE, 1, mem);
	CHECK_EQ(hello(&hs, 1), HV_STATUS_SUCCESS);

	/* not offered: the query says 0 and the hint is refused */
	struct hvsim_mailbox q = { .op = HVSIM_OP_EXT_CAPS, .args = { 7 } };

	CHECK_EQ(mailbox_exec(&hs, 0, &q), HV_STATUS_SUCCESS);
	CHECK_EQ(q.args[0], 0);
	r[0] = hvlis_gpa_range_4k(16, 4);
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r, 1),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK(mem[16 * 4096] == 0x5a);

	hs.ext_caps = HVLIS_EXT_CAP_COLD_DISCARD_HINT;
	CHECK_EQ(mailbox_exec(&hs, 0, &q), HV_STATUS_SUCCESS);
	CHECK_EQ(q.args[0], HVLIS_EXT_CAP_COLD_DISCARD_HINT);
	/* bad type, no ranges, too many ranges */
	CHECK_EQ(hint(&hs, 1, r, 1), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r, 0),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r,
		      HVSIM_HINT_RANGES + 1), HV_STATUS_INVALID_PARAMETER);
	/* one good range and one past RAM: nothing is dropped */
	r[1] = hvlis_gpa_range_4k(RAM_SIZE / 4096 - 1, 2);
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r, 2),
		 HV_STATUS_INVALID_PARAMETER);
	/* 1 GiB units, reserved bits, a pfn whose address overflows */
	r[1] = hvlis_gpa_range_2m(0, 1) | HVLIS_GPA_RANGE_1G;
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r, 2),
		 HV_STATUS_INVALID_PARAMETER);
	r[1] = hvlis_gpa_range_2m(0, 1) | 1ULL << 13;
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r, 2),
		 HV_STATUS_INVALID_PARAMETER);
	r[1] = hvlis_gpa_range_4k(1ULL << 51, 1);
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r, 2),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK(mem[16 * 4096] == 0x5a);
	CHECK_EQ(hs.ext.refused, 8);
	CHECK_EQ(hs.ext.pages, 0);

	/* 4 KiB pages 16-19 and the 2 MiB page at 2 MiB */
	r[1] = hvlis_gpa_range_2m(512, 1);
	CHECK_EQ(hint(&hs, HVLIS_HEAT_HINT_COLD_DISCARD, r, 2),
		 HV_STATUS_SUCCESS);
	CHECK(mem[15 * 4096 + 4095] == 0x5a && mem[16 * 4096] == 0 &&
	      mem[20 * 4096 - 1] == 0 && mem[20 * 4096] == 0x5a);
	CHECK(mem[2 * MiB - 1] == 0x5a && mem[2 * MiB] == 0 &&
	      mem[RAM_SIZE - 1] == 0);
	CHECK_EQ(hs.ext.pages, 4 + 512);
	CHECK_EQ(hs.ext.ranges, 2);
	CHECK_EQ(hs.ext.discard_errors, 0);
	test_hvsim_free(&hs);
	munmap(mem, RAM_SIZE);
	close(fd);
	return true;
}

static const struct tap_test tests[] = {
	{ "unknown ops fail with INVALID_HYPERCALL_CODE", unknown_ops },
	{ "ops before HELLO are denied", needs_hello },
	{ "HELLO checks version, CPUs and BAR2", hello_validation },
	{ "HELLO fails cleanly when RAM cannot be mapped", hello_without_ram },
	{ "SYNIC_SETUP: bad cpu, unaligned, foreign, shared pages", synic_setup_validation },
	{ "POST_MESSAGE/SIGNAL_EVENT validation and host hooks", post_message_validation },
	{ "EOM bounds, RESET and re-HELLO drop SynIC state", eom_and_reset },
	{ "slot handshake and a scribbled done_seq", process_slots },
	{ "20000 random slots from a hostile guest", fuzz_slots },
	{ "TIME_REF_COUNT counts 100 ns units", ref_counter },
	{ "EXT_CAPS and MEMORY_HINT: offered, checked, pages dropped", memory_hint },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
