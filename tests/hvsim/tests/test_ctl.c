// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl.c and ctl_cmds.c without sockets: word splitting, numbers, the
 * ok/error framing, the core commands, and command tables added later.
 */
#include "lib/parse.h"
#include "vmbus_guest.h"

static bool split(void)
{
	char *argv[CTL_MAX_ARGS];
	char l1[] = "  irq   drop\tall on ";
	char l2[] = "kvp set \"Host Name\" a\\\"b\\\\c";
	char l3[] = "a \"\" b";
	char l4[] = "";
	char l5[] = "say \"unterminated";
	char l6[] = "trailing\\";
	char l7[] = "x\"y z\"w";
	char many[CTL_MAX_ARGS * 2 + 8];

	CHECK_EQ(ctl_split(l1, argv, CTL_MAX_ARGS), 4);
	CHECK(!strcmp(argv[0], "irq") && !strcmp(argv[1], "drop") &&
	      !strcmp(argv[2], "all") && !strcmp(argv[3], "on"));
	CHECK_EQ(ctl_split(l2, argv, CTL_MAX_ARGS), 4);
	CHECK(!strcmp(argv[2], "Host Name") && !strcmp(argv[3], "a\"b\\c"));
	CHECK_EQ(ctl_split(l3, argv, CTL_MAX_ARGS), 3);
	CHECK(!strcmp(argv[1], "") && !strcmp(argv[2], "b"));
	CHECK_EQ(ctl_split(l4, argv, CTL_MAX_ARGS), 0);
	CHECK_EQ(ctl_split(l5, argv, CTL_MAX_ARGS), -1);
	CHECK_EQ(ctl_split(l6, argv, CTL_MAX_ARGS), -1);
	CHECK_EQ(ctl_split(l7, argv, CTL_MAX_ARGS), 1);
	CHECK(!strcmp(argv[0], "xy zw"));
	/* CTL_MAX_ARGS + 1 words */
	many[0] = '\0';
	for (int i = 0; i <= CTL_MAX_ARGS; i++)
		strcat(many, "a ");
	CHECK_EQ(ctl_split(many, argv, CTL_MAX_ARGS), -1);
	return true;
}

static bool numbers(void)
{
	uint64_t v = 0;

	CHECK(parse_u64("0", &v) && v == 0);
	CHECK(parse_u64("42", &v) && v == 42);
	CHECK(parse_u64("010", &v) && v == 10);	/* not octal */
	CHECK(parse_u64("0x1F", &v) && v == 31);
	CHECK(parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(!parse_u64("18446744073709551616", &v));
	CHECK(!parse_u64("-1", &v));
	CHECK(!parse_u64("+1", &v));
	CHECK(!parse_u64(" 1", &v));
	CHECK(!parse_u64("12a", &v));
	CHECK(!parse_u64("", &v));
	CHECK(!parse_u64("0x", &v));
	CHECK(!parse_u64("0x-1", &v));
	return true;
}

/* run @line on a fresh in-memory connection; returns the output */
static char out[65536];

static const char *run(struct hvsim *hs, const char *line)
{
	struct ctl_conn *c = ctl_conn_new_buffer();
	char buf[CTL_MAX_LINE];

	snprintf(buf, sizeof(buf), "%s", line);
	ctl_exec_line(hs, c, buf);
	snprintf(out, sizeof(out), "%s", ctl_conn_output(c));
	ctl_conn_free(c);
	return out;
}

static bool ends_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && !strcmp(s + n - 3, "ok\n") &&
	       (n == 3 || s[n - 4] == '\n');
}

static bool framing(void)
{
	struct hvsim hs;

	test_hvsim(&hs, 4 * MiB, 2, NULL);
	CHECK(!strcmp(run(&hs, "bogus 1 2"),
		      "error: unknown command 'bogus' (try help)\n"));
	CHECK(!strcmp(run(&hs, ""), "error: empty command\n"));
	CHECK(!strcmp(run(&hs, "   "), "error: empty command\n"));
	CHECK(!strncmp(run(&hs, "status \"x"), "error: unbalanced", 17));
	CHECK(ends_ok(run(&hs, "help")));
	CHECK(strstr(out, "irq drop <cpu|all> on|off"));
	test_hvsim_free(&hs);
	return true;
}

static bool status_cmd(void)
{
	struct hvsim hs;

	test_hvsim(&hs, 4 * MiB, 2, NULL);
	hs.stats.doorbells = 17;
	hs.synic[1].msg_page = 0x5000;
	CHECK(ends_ok(run(&hs, "status")));
	CHECK(strstr(out, "connected no\n"));
	CHECK(strstr(out, "cpus 2\n"));
	CHECK(strstr(out, "doorbells 17\n"));
	CHECK(strstr(out, "hypercall.post_message 0\n"));
	CHECK(strstr(out, "synic 1 msg 0x5000 evt 0x0 queued 0\n"));
	CHECK(!strstr(out, "synic 0 "));
	CHECK(!strncmp(run(&hs, "status extra"), "error: usage", 12));
	test_hvsim_free(&hs);
	return true;
}

static bool irq_cmds(void)
{
	struct hvsim hs;

	test_hvsim(&hs, 4 * MiB, 3, NULL);
	CHECK(!strcmp(run(&hs, "irq drop all on"), "ok\n"));
	CHECK(hs.irq[0].drop && hs.irq[1].drop && hs.irq[2].drop);
	CHECK(!hs.irq[3].drop);
	CHECK(!strcmp(run(&hs, "irq drop 1 off"), "ok\n"));
	CHECK(hs.irq[0].drop && !hs.irq[1].drop);
	CHECK(!strcmp(run(&hs, "irq delay 2 250"), "ok\n"));
	CHECK_EQ(hs.irq[2].delay_ms, 250);
	CHECK(!strcmp(run(&hs, "irq delay all 0"), "ok\n"));
	CHECK_EQ(hs.irq[2].delay_ms, 0);
	CHECK(ends_ok(run(&hs, "status")) && strstr(out, "irq 0 drop on delay 0\n"));
	/* refused: CPU out of range, bad values, wrong shapes */
	CHECK(!strncmp(run(&hs, "irq drop 3 on"), "error: bad cpu", 14));
	CHECK(!strncmp(run(&hs, "irq drop -1 on"), "error: bad cpu", 14));
	CHECK(!strncmp(run(&hs, "irq drop 0x100000000 on"), "error: bad cpu", 14));
	CHECK(!strncmp(run(&hs, "irq drop 0 maybe"), "error:", 6));
	CHECK(!strncmp(run(&hs, "irq delay 0 60001"), "error:", 6));
	CHECK(!strncmp(run(&hs, "irq delay 0 ten"), "error:", 6));
	CHECK(!strncmp(run(&hs, "irq delay 0"), "error: usage", 12));
	CHECK(!strncmp(run(&hs, "irq raise 0 1"), "error: irq: unknown", 19));
	CHECK(!hs.irq[1].drop && hs.irq[0].delay_ms == 0);
	test_hvsim_free(&hs);
	return true;
}

static bool synic_cmds(void)
{
	static uint8_t ram[1 * MiB] PAGE_ALIGNED;
	struct hvsim hs;
	struct hv_message *m = (struct hv_message *)(ram + 0x3000) + 2;

	test_hvsim(&hs, sizeof(ram), 2, ram);
	hs.guest_cpus = 2;
	CHECK(!strcmp(run(&hs, "synic post 0 2 0x10 0aff"), "ok\n"));
	CHECK_EQ(synic_queued(&hs, 0), 1);
	CHECK_EQ(synic_setup(&hs, 0, 0x3000, 0x4000), HV_STATUS_SUCCESS);
	CHECK(m->header.message_type == 0x10 && m->header.payload_size == 2);
	CHECK(((uint8_t *)m->u.payload)[1] == 0xff);
	CHECK(!strcmp(run(&hs, "synic signal 0 2 2047"), "ok\n"));
	CHECK(ram[0x4000 + 2 * 256 + 255] == 0x80);
	CHECK(!strncmp(run(&hs, "synic signal 1 2 0"), "error: cpu 1 has no", 19));
	CHECK(!strncmp(run(&hs, "synic signal 0 2 2048"), "error: bad flag", 15));
	CHECK(!strncmp(run(&hs, "synic post 0 16 1"), "error: bad sint", 15));
	CHECK(!strncmp(run(&hs, "synic post 2 0 1"), "error: bad cpu", 14));
	CHECK(!strncmp(run(&hs, "synic post 0 0 0"), "error: bad message type", 23));
	CHECK(!strncmp(run(&hs, "synic post 0 0 0x100000000"), "error: bad message", 18));
	CHECK(!strncmp(run(&hs, "synic post 0 0 1 abc"), "error: payload", 14));
	CHECK(!strncmp(run(&hs, "synic post 0 0 1 zz"), "error: payload", 14));
	memset(out, 'a', 17 + 482);
	memcpy(out, "synic post 0 0 1 ", 17);
	out[17 + 482] = '\0';
	CHECK(!strncmp(run(&hs, out), "error: payload", 14));	/* 241 bytes */
	CHECK(!strncmp(run(&hs, "synic"), "error: usage", 12));
	test_hvsim_free(&hs);
	return true;
}

static int cmd_echo(struct hvsim *hs, struct ctl_conn *c, int argc,
		    char **argv)
{
	(void)hs;
	for (int i = 1; i < argc; i++)
		ctl_printf(c, "%s", argv[i]);
	return argc > 1 ? 0 : ctl_fail(c, "nothing to echo");
}

static const struct ctl_cmd extra[] = {
	{ "echo", "echo <words...>", cmd_echo },
};

static const struct ctl_cmd dup_status[] = {
	{ "status", "status again", cmd_echo },
};

/* device classes add tables; body lines can never end a response */
static bool tables_and_escaping(void)
{
	struct hvsim hs;

	test_hvsim(&hs, 4 * MiB, 1, NULL);
	CHECK_EQ(ctl_register(extra, ARRAY_SIZE(extra)), 0);
	CHECK_EQ(ctl_register(dup_status, ARRAY_SIZE(dup_status)), -1);
	CHECK_EQ(ctl_register(extra, ARRAY_SIZE(extra)), -1);
	CHECK(!strcmp(run(&hs, "echo a \"b c\""), "a\nb c\nok\n"));
	CHECK(!strcmp(run(&hs, "echo ok \"error: no\""), " ok\n error: no\nok\n"));
	CHECK(!strcmp(run(&hs, "echo \"x\ty\""), "x?y\nok\n"));
	CHECK(!strcmp(run(&hs, "echo"), "error: nothing to echo\n"));
	CHECK(strstr(run(&hs, "help"), "echo <words...>\n"));
	test_hvsim_free(&hs);
	return true;
}

static bool quit_cmd(void)
{
	struct hvsim hs;

	test_hvsim(&hs, 4 * MiB, 1, NULL);
	CHECK(!strcmp(run(&hs, "quit now"), "ok\n"));
	CHECK(hs.quit);
	test_hvsim_free(&hs);
	return true;
}

static const struct tap_test tests[] = {
	{ "ctl_split: blanks, quotes, escapes, limits", split },
	{ "parse_u64: decimal, hex, junk, overflow", numbers },
	{ "ok/error framing and unknown commands", framing },
	{ "status lists state and counters", status_cmd },
	{ "irq drop/delay per CPU and all, bad input refused", irq_cmds },
	{ "synic post/signal reach guest pages, bad input refused", synic_cmds },
	{ "registered tables, duplicates, terminator-proof bodies", tables_and_escaping },
	{ "quit", quit_cmd },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
