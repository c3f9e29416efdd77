// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core control commands: help, status, irq, synic, quit.
 *
 * "synic post" and "synic signal" let tests drive the SynIC directly,
 * before any VMBus device exists (and let a test feed the guest messages
 * no well-behaved host would send).
 */
#include <stdio.h>
#include <string.h>

#include "lib/hex.h"
#include "ctl/ctl.h"
#include "lib/parse.h"

static int cmd_help(struct hvsim *hs, struct ctl_conn *c, int argc,
		    char **argv)
{
	(void)hs;
	(void)argc;
	(void)argv;
	for (size_t i = 0; ctl_cmd_at(i); i++)
		ctl_printf(c, "%s", ctl_cmd_at(i)->usage);
	return 0;
}

static int cmd_status(struct hvsim *hs, struct ctl_conn *c, int argc,
		      char **argv)
{
	const struct hvsim_stats *st = &hs->stats;

	(void)argv;
	if (argc != 1)
		return ctl_fail(c, "usage: status");
	ctl_printf(c, "connected %s", ivshmem_connected(hs) ? "yes" : "no");
	ctl_printf(c, "ram %s %s", hs->gm.ram ? "mapped" : "unmapped",
		   hs->cfg.ram_path ? hs->cfg.ram_path : "-");
	ctl_printf(c, "hello %s", hs->hello ? "yes" : "no");
	ctl_printf(c, "cpus %u", hs->cfg.nr_cpus);
	ctl_printf(c, "guest_cpus %u", hs->guest_cpus);
	if (hs->gm.bar2_valid)
		ctl_printf(c, "bar2 0x%llx", (unsigned long long)hs->gm.bar2_gpa);
	for (unsigned int i = 0; i < hs->cfg.nr_cpus; i++) {
		const struct synic_cpu *sc = &hs->synic[i];
		unsigned int q = synic_queued(hs, i);

		if (sc->msg_page || sc->evt_page || q)
			ctl_printf(c, "synic %u msg 0x%llx evt 0x%llx queued %u",
				   i, (unsigned long long)sc->msg_page,
				   (unsigned long long)sc->evt_page, q);
	}
	for (unsigned int i = 0; i < hs->cfg.nr_cpus; i++) {
		const struct irq_cpu *ic = &hs->irq[i];

		if (ic->drop || ic->delay_ms)
			ctl_printf(c, "irq %u drop %s delay %u", i,
				   ic->drop ? "on" : "off", ic->delay_ms);
	}
	ctl_printf(c, "doorbells %llu", (unsigned long long)st->doorbells);
	for (uint32_t op = 1; op < ARRAY_SIZE(st->hypercalls); op++)
		ctl_printf(c, "hypercall.%s %llu", mailbox_op_name(op),
			   (unsigned long long)st->hypercalls[op]);
	ctl_printf(c, "hypercall.unknown %llu",
		   (unsigned long long)st->hypercalls_unknown);
	ctl_printf(c, "hypercall.failed %llu",
		   (unsigned long long)st->hypercalls_failed);
	ctl_printf(c, "hypercall.torn %llu",
		   (unsigned long long)st->hypercalls_torn);
	ctl_printf(c, "synic.posted %llu", (unsigned long long)st->synic_posted);
	ctl_printf(c, "synic.delivered %llu",
		   (unsigned long long)st->synic_delivered);
	ctl_printf(c, "synic.queued %llu", (unsigned long long)st->synic_queued);
	ctl_printf(c, "synic.dropped %llu",
		   (unsigned long long)st->synic_dropped);
	ctl_printf(c, "synic.signaled %llu",
		   (unsigned long long)st->synic_signaled);
	ctl_printf(c, "irq.raised %llu", (unsigned long long)st->irqs_raised);
	ctl_printf(c, "irq.dropped %llu", (unsigned long long)st->irqs_dropped);
	ctl_printf(c, "irq.delayed %llu", (unsigned long long)st->irqs_delayed);
	ctl_printf(c, "irq.lost %llu", (unsigned long long)st->irqs_lost);
	ctl_printf(c, "connects %llu", (unsigned long long)st->connects);
	ext_print(c, hs);
	return 0;
}

/* "all" or a CPU number below nr_cpus: [*first, *last) */
static int parse_cpus(struct hvsim *hs, struct ctl_conn *c, const char *s,
		      unsigned int *first, unsigned int *last)
{
	uint64_t v;

	if (!strcmp(s, "all")) {
		*first = 0;
		*last = hs->cfg.nr_cpus;
		return 0;
	}
	if (!parse_u64(s, &v) || v >= hs->cfg.nr_cpus)
		return ctl_fail(c, "bad cpu '%s' (0..%u or all)", s,
				hs->cfg.nr_cpus - 1);
	*first = (unsigned int)v;
	*last = *first + 1;
	return 0;
}

#define IRQ_MAX_DELAY_MS	60000

static int cmd_irq(struct hvsim *hs, struct ctl_conn *c, int argc,
		   char **argv)
{
	unsigned int first = 0, last = 0;
	uint64_t ms = 0;
	bool on = false;

	if (argc != 4)
		return ctl_fail(c, "usage: irq drop <cpu|all> on|off | irq delay <cpu|all> <ms>");
	if (parse_cpus(hs, c, argv[2], &first, &last))
		return -1;
	if (!strcmp(argv[1], "drop")) {
		if (!strcmp(argv[3], "on"))
			on = true;
		else if (strcmp(argv[3], "off"))
			return ctl_fail(c, "irq drop: say on or off");
		for (unsigned int i = first; i < last; i++)
			hs->irq[i].drop = on;
		return 0;
	}
	if (!strcmp(argv[1], "delay")) {
		if (!parse_u64(argv[3], &ms) || ms > IRQ_MAX_DELAY_MS)
			return ctl_fail(c, "irq delay: 0..%u ms",
					IRQ_MAX_DELAY_MS);
		for (unsigned int i = first; i < last; i++)
			hs->irq[i].delay_ms = (unsigned int)ms;
		return 0;
	}
	return ctl_fail(c, "irq: unknown subcommand '%s'", argv[1]);
}

static int parse_hex(const char *s, uint8_t *buf, size_t max, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		if (!hex_byte(s + 2 * i, &buf[i]))
			return -1;
	}
	*len = n / 2;
	return 0;
}

static int cmd_synic(struct hvsim *hs, struct ctl_conn *c, int argc,
		     char **argv)
{
	uint64_t cpu, sint, v;

	if (argc < 5)
		goto usage;
	if (!parse_u64(argv[2], &cpu) || cpu >= hs->cfg.nr_cpus)
		return ctl_fail(c, "bad cpu '%s'", argv[2]);
	if (!parse_u64(argv[3], &sint) || sint >= HV_SYNIC_SINT_COUNT)
		return ctl_fail(c, "bad sint '%s'", argv[3]);
	if (!parse_u64(argv[4], &v))
		return ctl_fail(c, "bad number '%s'", argv[4]);

	if (!strcmp(argv[1], "post") && argc <= 6) {
		uint8_t payload[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
		size_t len = 0;

		if (v == HVMSG_NONE || v > UINT32_MAX)
			return ctl_fail(c, "bad message type '%s'", argv[4]);
		if (argc == 6 && parse_hex(argv[5], payload, sizeof(payload),
					   &len))
			return ctl_fail(c, "payload: up to %u bytes of hex",
					HV_MESSAGE_PAYLOAD_BYTE_COUNT);
		if (synic_post(hs, (unsigned int)cpu, (unsigned int)sint,
			       (uint32_t)v, payload, (uint32_t)len))
			return ctl_fail(c, "message not accepted (queue full?)");
		return 0;
	}
	if (!strcmp(argv[1], "signal") && argc == 5) {
		if (v >= HV_EVENT_FLAGS_COUNT)
			return ctl_fail(c, "bad flag '%s'", argv[4]);
		if (synic_signal(hs, (unsigned int)cpu, (unsigned int)sint,
				 (unsigned int)v))
			return ctl_fail(c, "cpu %llu has no event page",
					(unsigned long long)cpu);
		return 0;
	}
usage:
	return ctl_fail(c, "usage: synic post <cpu> <sint> <type> [hex] | synic signal <cpu> <sint> <flag>");
}

static int cmd_quit(struct hvsim *hs, struct ctl_conn *c, int argc,
		    char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_info("quit requested on the control socket");
	hs->quit = true;
	return 0;
}

const struct ctl_cmd ctl_core_cmds[] = {
	{ "help", "help", cmd_help },
	{ "status", "status", cmd_status },
	{ "irq", "irq drop <cpu|all> on|off | irq delay <cpu|all> <ms>",
	  cmd_irq },
	{ "synic", "synic post <cpu> <sint> <type> [hex] | synic signal <cpu> <sint> <flag>",
	  cmd_synic },
	{ "quit", "quit", cmd_quit },
};
const size_t ctl_core_cmds_n = ARRAY_SIZE(ctl_core_cmds);
