// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end smoke test of hvsim without QEMU.  This program starts
 * hvsim, then plays both QEMU (the ivshmem client side of the socket,
 * doorbells as writes to the host's eventfds, MSI-X as the guest's own
 * eventfds becoming readable) and the guest (mailbox hypercalls, SynIC
 * pages in a RAM file).  It drives the control socket through
 * `hvsim ctl` and a direct connection, and ends with "quit".
 *
 * usage: e2e_client /path/to/hvsim      TAP on stdout (plan at the end)
 *        E2E_KEEP=1 keeps the run directory (hvsim.log) for a look
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "e2e_lib.h"

/* 1. the ivshmem greeting, as QEMU 7.2 expects it; false: stop here */
static bool qemu_greets(struct qemu *q)
{
	bool good = qemu_connect(q);

	ok(good, "greeting: version 0, peer id, shm fd, %d host then %d own eventfds",
	   NCPUS, NCPUS);
	if (!good)
		return false;
	ok(q->hdr->magic == HVSIM_ABI_MAGIC && q->hdr->abi_version == HVSIM_ABI_VERSION &&
	   q->hdr->host_peer_id == q->host_id && q->hdr->nr_slots == NCPUS &&
	   q->hdr->slot_size == sizeof(struct hvsim_mailbox) &&
	   q->hdr->slots_offset == 4096 && q->hdr->mmio_offset % (2 << 20) == 0 &&
	   q->hdr->mmio_offset >= q->hdr->slots_offset + NCPUS * q->hdr->slot_size &&
	   q->hdr->mmio_offset + q->hdr->mmio_size <= q->shm_size &&
	   (q->shm_size & (q->shm_size - 1)) == 0,
	   "BAR2 header: magic, host peer %lld, %u slots, MMIO at %llu MiB, %zu MiB power of two",
	   (long long)q->host_id, q->hdr->nr_slots,
	   (unsigned long long)(q->hdr->mmio_offset >> 20), q->shm_size >> 20);
	return true;
}

/*
 * 2. HELLO: RAM file missing first (QEMU not there yet), then made.
 * The guest's RAM, or NULL: stop here.
 */
static uint8_t *hello(struct qemu *q)
{
	uint8_t *ram;

	ok(hcall(q, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_INSUFFICIENT_MEMORY, "HELLO before the RAM file exists fails cleanly");
	ram = map_ram();
	if (!ram)
		return NULL;
	ok(hcall(q, 0, HVSIM_OP_HELLO, 9, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_INVALID_PARAMETER, "HELLO with a wrong ABI version is refused");
	ok(hcall(q, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_SUCCESS, "HELLO once the RAM file exists (lazy mapping)");
	return ram;
}

/* 3. SynIC pages; 4. messages and events to connections nobody serves */
static void synic_and_unserved(struct qemu *q)
{
	struct hv_input_post_message pm = { 0 };

	ok(hcall(q, 0, HVSIM_OP_SYNIC_SETUP, 0, MSG_PAGE(0) + 8, EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_INVALID_ALIGNMENT &&
	   hcall(q, 0, HVSIM_OP_SYNIC_SETUP, 7, MSG_PAGE(0), EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_INVALID_PARAMETER &&
	   hcall(q, 0, HVSIM_OP_SYNIC_SETUP, 0, RAM_SIZE, EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_INVALID_PARAMETER,
	   "SYNIC_SETUP: unaligned page, bad cpu, page outside RAM refused");
	ok(hcall(q, 0, HVSIM_OP_SYNIC_SETUP, 0, MSG_PAGE(0), EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_SUCCESS &&
	   hcall(q, 1, HVSIM_OP_SYNIC_SETUP, 1, MSG_PAGE(1), EVT_PAGE(1), NULL, 0) ==
	   HV_STATUS_SUCCESS, "SYNIC_SETUP for both CPUs (doorbells on vectors 0 and 1)");

	pm.connectionid = 0x77;
	pm.message_type = VMBUS_MESSAGE_TYPE;
	pm.payload_size = 241;
	ok(hcall(q, 0, HVSIM_OP_POST_MESSAGE, 0, 0, 0, &pm, sizeof(pm)) ==
	   HV_STATUS_INVALID_PARAMETER, "POST_MESSAGE with a 241-byte payload is refused");
	pm.payload_size = 24;
	ok(hcall(q, 0, HVSIM_OP_POST_MESSAGE, 0, 0, 0, &pm, sizeof(pm)) ==
	   HV_STATUS_INVALID_CONNECTION_ID &&
	   hcall(q, 1, HVSIM_OP_SIGNAL_EVENT, 0x10, 0, 0, NULL, 0) ==
	   HV_STATUS_INVALID_CONNECTION_ID,
	   "POST_MESSAGE and SIGNAL_EVENT to unknown connections");
	ok(hcall(q, 1, 0xdeadbeef, ~0ull, ~0ull, ~0ull, NULL, 0) ==
	   HV_STATUS_INVALID_HYPERCALL_CODE &&
	   hcall(q, 1, HVSIM_OP_EOM, 1, 0, 0, NULL, 0) == HV_STATUS_SUCCESS,
	   "a garbage op fails and the slot keeps working");
}

/* 5. SynIC messages and interrupts to the guest; 6. interrupt knobs */
static void messages_and_irqs(struct qemu *q, uint8_t *ram)
{
	struct hv_message *m = msg_slot(ram, 0, 2);
	uint64_t t0, n;
	bool good;

	ok(ctl("synic post 0 2 0x1234 c0ffee") && wait_irq(q, 0, TIMEOUT_MS) == 1 &&
	   wait_irq(q, 1, 0) == 0 && m->header.message_type == 0x1234 &&
	   m->header.payload_size == 3 && ((uint8_t *)m->u.payload)[2] == 0xee,
	   "host message lands in CPU 0 SINT 2 and raises vector 0 only");
	ok(ctl("synic post 0 2 0x1235 01") && wait_irq(q, 0, 100) == 0 &&
	   m->header.message_flags.msg_pending && m->header.message_type == 0x1234,
	   "second message waits: msg_pending set, no interrupt");
	consume(m);
	ok(hcall(q, 0, HVSIM_OP_EOM, 0, 0, 0, NULL, 0) == HV_STATUS_SUCCESS &&
	   wait_irq(q, 0, TIMEOUT_MS) == 1 && m->header.message_type == 0x1235 &&
	   !m->header.message_flags.msg_pending,
	   "EOM delivers the queued message with an interrupt");
	ok(ctl("synic signal 1 2 5") && wait_irq(q, 1, TIMEOUT_MS) == 1 &&
	   ram[EVT_PAGE(1) + 2 * HV_EVENT_FLAGS_BYTE_COUNT] == 0x20,
	   "event flag 5 of SINT 2 set on CPU 1, vector 1 raised");

	consume(m);
	ok(ctl("irq drop 0 on") && ctl("synic post 0 2 0x1236") &&
	   wait_irq(q, 0, 200) == 0 && m->header.message_type == 0x1236 &&
	   ctl("irq drop 0 off"), "irq drop: message delivered, interrupt not");
	consume(m);
	t0 = now_ms();
	good = ctl("irq delay 0 150") && ctl("synic post 0 2 0x1237") &&
	       wait_irq(q, 0, 50) == 0;
	n = wait_irq(q, 0, TIMEOUT_MS);
	ok(good && n == 1 && now_ms() - t0 >= 140 && ctl("irq delay 0 0"),
	   "irq delay 150 ms: interrupt after %llu ms",
	   (unsigned long long)(now_ms() - t0));
}

/* 7. the CLI; 8. one guest at a time */
static void cli_and_second_client(void)
{
	int64_t v;
	int fd, efd;

	ok(ctl_cli("status") == 0 && strstr(reply, "connected yes\n") &&
	   strstr(reply, "hello yes\n") && strstr(reply, "synic 0 msg 0x100000 evt 0x101000") &&
	   strstr(reply, "irq.dropped 1\n") && strstr(reply, "synic.queued 1\n") &&
	   !strstr(reply, "\nok\n"), "`hvsim ctl status` shows the guest and counters");
	for (char *l = strtok(reply, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, "doorbells", 9) || !strncmp(l, "hypercall.", 10) ||
		    !strncmp(l, "irq.", 4) || !strncmp(l, "synic.", 6))
			diag("%s", l);
	ok(ctl_cli("irq drop 9 on") == 1 && ctl_cli("nonsense") == 1 &&
	   ctl_cli("irq \"drop\" all off") == 0, "`hvsim ctl` exits 1 on error, 0 on ok");

	fd = unix_connect(sock_path);
	ok(fd >= 0 && recv_msg(fd, &v, &efd) == -1,
	   "a second ivshmem client is refused without a greeting");
	if (fd >= 0)
		close(fd);
}

/* 9. QEMU goes away and comes back as @q2; false if @q2 did not connect */
static bool qemu_returns(struct qemu *q, struct qemu *q2)
{
	uint64_t t0;
	bool good;

	qemu_disconnect(q);
	t0 = now_ms();
	while (ctl("status") && strstr(reply, "connected yes") &&
	       now_ms() - t0 < TIMEOUT_MS)
		usleep(10000);
	ok(strstr(reply, "connected no\n") && strstr(reply, "hello no\n") &&
	   !strstr(reply, "synic 0 "), "disconnect drops all guest state");
	good = qemu_connect(q2);
	ok(good && slot(q2, 0)->seq == 0 && slot(q2, 0)->done_seq == 0 &&
	   q2->hdr->magic == HVSIM_ABI_MAGIC &&
	   hcall(q2, 0, HVSIM_OP_SYNIC_SETUP, 0, MSG_PAGE(0), EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_ACCESS_DENIED &&
	   hcall(q2, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_SUCCESS, "a new QEMU gets a clean BAR2 and must say HELLO");
	return good;
}

int main(int argc, char **argv)
{
	struct qemu q, q2;
	uint8_t *ram = NULL;
	int hv_ret;
	bool good;

	if (argc != 2) {
		fprintf(stderr, "usage: e2e_client /path/to/hvsim\n");
		return 2;
	}
	e2e_setup(argv[1]);

	ok(start_hvsim(NULL), "hvsim starts and prints 'hvsim: ready'");
	if (failures || !qemu_greets(&q))
		goto out;
	ram = hello(&q);
	if (!ram)
		goto out;
	synic_and_unserved(&q);
	messages_and_irqs(&q, ram);
	cli_and_second_client();
	good = qemu_returns(&q, &q2);

	/* 10. quit */
	ok(ctl_cli("quit") == 0, "`hvsim ctl quit` answers ok");
	hv_ret = wait_hvsim(TIMEOUT_MS);
	ok(hv_ret == 0 && access(sock_path, F_OK) && access(ctl_path, F_OK),
	   "hvsim exits 0 and removes its sockets (status %d)", hv_ret);
	if (good)
		qemu_disconnect(&q2);
out:
	if (ram)
		munmap(ram, RAM_SIZE);
	return e2e_finish();
}
