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
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hvlis/hvsim_abi.h>
#include <hvlis/synic.h>

#define NCPUS		2
#define RAM_SIZE	(64ull << 20)
#define BAR2_GPA	(32ull << 30)
#define MSG_PAGE(cpu)	(0x100000ull + (cpu) * 0x2000)
#define EVT_PAGE(cpu)	(0x101000ull + (cpu) * 0x2000)
#define TIMEOUT_MS	5000

static const char *hvsim_bin;
static char dir[64], sock_path[128], ctl_path[128], ram_path[128],
	    log_path[128];
static pid_t hvsim_pid = -1;
static int tests, failures;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !cond;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- QEMU's side of the ivshmem socket ---- */

struct qemu {
	int sock;
	int64_t own_id, host_id;
	int shm_fd;
	int host_efd[NCPUS];	/* writing one = a doorbell to hvsim */
	int own_efd[NCPUS];	/* readable = MSI-X vector k raised */
	uint8_t *shm;
	size_t shm_size;
	struct hvsim_shared_header *hdr;
	uint32_t seq[NCPUS];
};

static int unix_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* one int64 message and its fd (-1 if none); -1 on EOF/timeout */
static int recv_msg(int sock, int64_t *val, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = val, .iov_len = sizeof(*val) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	struct cmsghdr *cm;

	*fd = -1;
	if (poll(&pfd, 1, TIMEOUT_MS) != 1)
		return -1;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(*val))
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(*fd));
	return 0;
}

/* connect and take the greeting as QEMU's ivshmem_recv_setup() does */
static bool qemu_connect(struct qemu *q)
{
	int64_t v;
	int fd;
	struct stat st;
	bool good = true;

	memset(q, 0, sizeof(*q));
	q->sock = unix_connect(sock_path);
	if (q->sock < 0)
		return false;
	if (recv_msg(q->sock, &v, &fd) || v != 0 || fd != -1) {
		diag("protocol version message wrong (%lld, fd %d)", (long long)v, fd);
		return false;
	}
	if (recv_msg(q->sock, &q->own_id, &fd) || q->own_id < 0 || fd != -1) {
		diag("peer id message wrong");
		return false;
	}
	if (recv_msg(q->sock, &v, &q->shm_fd) || v != -1 || q->shm_fd < 0) {
		diag("shared memory message wrong");
		return false;
	}
	for (int i = 0; i < NCPUS; i++) {
		if (recv_msg(q->sock, &v, &q->host_efd[i]) || q->host_efd[i] < 0 ||
		    v == q->own_id || (i && v != q->host_id)) {
			diag("host eventfd %d wrong", i);
			good = false;
		}
		q->host_id = v;
	}
	for (int i = 0; i < NCPUS; i++) {
		if (recv_msg(q->sock, &v, &q->own_efd[i]) || q->own_efd[i] < 0 ||
		    v != q->own_id) {
			diag("own eventfd %d wrong", i);
			good = false;
		}
		fcntl(q->own_efd[i], F_SETFL, O_NONBLOCK);
	}
	if (fstat(q->shm_fd, &st) < 0)
		return false;
	q->shm_size = (size_t)st.st_size;
	q->shm = mmap(NULL, q->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      q->shm_fd, 0);
	if (q->shm == MAP_FAILED)
		return false;
	q->hdr = (struct hvsim_shared_header *)q->shm;
	return good;
}

static void qemu_disconnect(struct qemu *q)
{
	for (int i = 0; i < NCPUS; i++) {
		close(q->host_efd[i]);
		close(q->own_efd[i]);
	}
	munmap(q->shm, q->shm_size);
	close(q->shm_fd);
	close(q->sock);
}

static struct hvsim_mailbox *slot(struct qemu *q, unsigned int i)
{
	return (struct hvsim_mailbox *)(q->shm + q->hdr->slots_offset +
					(size_t)i * q->hdr->slot_size);
}

/* a hypercall as the sim backend makes it; 0xffff on timeout */
static uint32_t hcall(struct qemu *q, unsigned int s, uint32_t op, uint64_t a0,
		      uint64_t a1, uint64_t a2, const void *data, size_t len)
{
	struct hvsim_mailbox *mb = slot(q, s);
	uint64_t one = 1, t0 = now_ms();
	uint32_t seq;

	mb->op = op;
	memset(mb->args, 0, sizeof(mb->args));
	mb->args[0] = a0;
	mb->args[1] = a1;
	mb->args[2] = a2;
	if (len)
		memcpy(mb->data, data, len);
	seq = ++q->seq[s];
	__atomic_store_n(&mb->seq, seq, __ATOMIC_RELEASE);
	/* QEMU turns "doorbell = host_id << 16 | s" into this write */
	if (write(q->host_efd[s], &one, sizeof(one)) != sizeof(one))
		return 0xffff;
	while (__atomic_load_n(&mb->done_seq, __ATOMIC_ACQUIRE) != seq) {
		if (now_ms() - t0 > TIMEOUT_MS)
			return 0xffff;
		usleep(100);
	}
	return __atomic_load_n(&mb->status, __ATOMIC_RELAXED);
}

/* interrupts on vector @v within @ms (0 = just look) */
static uint64_t wait_irq(struct qemu *q, int v, int ms)
{
	struct pollfd pfd = { .fd = q->own_efd[v], .events = POLLIN };
	uint64_t n = 0;

	if (poll(&pfd, 1, ms) == 1 &&
	    read(q->own_efd[v], &n, sizeof(n)) != sizeof(n))
		n = 0;
	return n;
}

/* ---- the control socket ---- */

static char reply[16384];

/* one command over a direct connection; true if it ended in "ok" */
static bool ctl(const char *fmt, ...)
{
	char line[512];
	size_t len = 0;
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	reply[0] = '\0';
	fd = unix_connect(ctl_path);
	if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		goto fail;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, TIMEOUT_MS) != 1)
			goto fail;
		n = read(fd, reply + len, sizeof(reply) - 1 - len);
		if (n <= 0)
			goto fail;
		len += (size_t)n;
		reply[len] = '\0';
		if (!strcmp(reply, "ok\n") || strstr(reply, "\nok\n"))
			break;
		if (!strncmp(reply, "error:", 6) || strstr(reply, "\nerror:"))
			goto fail;
	}
	close(fd);
	return true;
fail:
	if (fd >= 0)
		close(fd);
	return false;
}

/* `hvsim ctl --ctl PATH <words>`: exit status, stdout in reply */
static int ctl_cli(const char *words)
{
	char cmd[512];
	size_t len;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s ctl --ctl %s %s 2>/dev/null", hvsim_bin,
		 ctl_path, words);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	len = fread(reply, 1, sizeof(reply) - 1, p);
	reply[len] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- hvsim itself ---- */

static bool start_hvsim(void)
{
	char line[256] = "";
	int pfd[2];
	FILE *out;

	if (pipe(pfd) < 0)
		return false;
	hvsim_pid = fork();
	if (hvsim_pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(hvsim_bin, "hvsim", "--socket", sock_path, "--ram", ram_path,
		      "--ram-size", "64M", "--cpus", "2", "--ctl", ctl_path,
		      "--log", log_path, "-v", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	out = fdopen(pfd[0], "r");
	/* hvsim prints nothing else on stdout; EOF means it died */
	while (out && fgets(line, sizeof(line), out))
		if (!strcmp(line, "hvsim: ready\n"))
			break;
	if (out)
		fclose(out);
	return !strcmp(line, "hvsim: ready\n");
}

static int wait_hvsim(int ms)
{
	uint64_t t0 = now_ms();
	int st;

	while (now_ms() - t0 < (uint64_t)ms) {
		if (waitpid(hvsim_pid, &st, WNOHANG) == hvsim_pid) {
			hvsim_pid = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(10000);
	}
	return -1;
}

static void cleanup(void)
{
	if (hvsim_pid > 0) {
		kill(hvsim_pid, SIGKILL);
		waitpid(hvsim_pid, NULL, 0);
	}
	if (getenv("E2E_KEEP")) {
		fprintf(stderr, "e2e: kept %s\n", dir);
		return;
	}
	unlink(ram_path);
	unlink(log_path);
	unlink(sock_path);
	unlink(ctl_path);
	rmdir(dir);
}

static struct hv_message *msg_slot(uint8_t *ram, int cpu, int sint)
{
	return (struct hv_message *)(ram + MSG_PAGE(cpu)) + sint;
}

static void consume(struct hv_message *m)
{
	m->header.message_type = HVMSG_NONE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int main(int argc, char **argv)
{
	struct hv_input_post_message pm = { 0 };
	struct qemu q, q2;
	struct hv_message *m;
	uint8_t *ram = NULL;
	uint64_t t0, n;
	int fd, hv_ret;
	bool good;

	if (argc != 2) {
		fprintf(stderr, "usage: e2e_client /path/to/hvsim\n");
		return 2;
	}
	hvsim_bin = argv[1];
	snprintf(dir, sizeof(dir), "/tmp/hvsim-e2e-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock_path, sizeof(sock_path), "%s/hv.sock", dir);
	snprintf(ctl_path, sizeof(ctl_path), "%s/ctl.sock", dir);
	snprintf(ram_path, sizeof(ram_path), "%s/guest.ram", dir);
	snprintf(log_path, sizeof(log_path), "%s/hvsim.log", dir);
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);

	ok(start_hvsim(), "hvsim starts and prints 'hvsim: ready'");
	if (failures)
		goto out;

	/* 1. the ivshmem greeting, as QEMU 7.2 expects it */
	good = qemu_connect(&q);
	ok(good, "greeting: version 0, peer id, shm fd, %d host then %d own eventfds",
	   NCPUS, NCPUS);
	if (!good)
		goto out;
	ok(q.hdr->magic == HVSIM_ABI_MAGIC && q.hdr->abi_version == HVSIM_ABI_VERSION &&
	   q.hdr->host_peer_id == q.host_id && q.hdr->nr_slots == NCPUS &&
	   q.hdr->slot_size == sizeof(struct hvsim_mailbox) &&
	   q.hdr->slots_offset == 4096 && q.hdr->mmio_offset % (2 << 20) == 0 &&
	   q.hdr->mmio_offset >= q.hdr->slots_offset + NCPUS * q.hdr->slot_size &&
	   q.hdr->mmio_offset + q.hdr->mmio_size <= q.shm_size &&
	   (q.shm_size & (q.shm_size - 1)) == 0,
	   "BAR2 header: magic, host peer %lld, %u slots, MMIO at %llu MiB, %zu MiB power of two",
	   (long long)q.host_id, q.hdr->nr_slots,
	   (unsigned long long)(q.hdr->mmio_offset >> 20), q.shm_size >> 20);

	/* 2. HELLO: RAM file missing first (QEMU not there yet), then made */
	ok(hcall(&q, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_INSUFFICIENT_MEMORY, "HELLO before the RAM file exists fails cleanly");
	fd = open(ram_path, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, RAM_SIZE) < 0)
		goto out;
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (ram == MAP_FAILED)
		goto out;
	ok(hcall(&q, 0, HVSIM_OP_HELLO, 9, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_INVALID_PARAMETER, "HELLO with a wrong ABI version is refused");
	ok(hcall(&q, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_SUCCESS, "HELLO once the RAM file exists (lazy mapping)");

	/* 3. SynIC pages */
	ok(hcall(&q, 0, HVSIM_OP_SYNIC_SETUP, 0, MSG_PAGE(0) + 8, EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_INVALID_ALIGNMENT &&
	   hcall(&q, 0, HVSIM_OP_SYNIC_SETUP, 7, MSG_PAGE(0), EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_INVALID_PARAMETER &&
	   hcall(&q, 0, HVSIM_OP_SYNIC_SETUP, 0, RAM_SIZE, EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_INVALID_PARAMETER,
	   "SYNIC_SETUP: unaligned page, bad cpu, page outside RAM refused");
	ok(hcall(&q, 0, HVSIM_OP_SYNIC_SETUP, 0, MSG_PAGE(0), EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_SUCCESS &&
	   hcall(&q, 1, HVSIM_OP_SYNIC_SETUP, 1, MSG_PAGE(1), EVT_PAGE(1), NULL, 0) ==
	   HV_STATUS_SUCCESS, "SYNIC_SETUP for both CPUs (doorbells on vectors 0 and 1)");

	/* 4. messages and events to the host: no VMBus host layer yet */
	pm.connectionid = 4;
	pm.message_type = VMBUS_MESSAGE_TYPE;
	pm.payload_size = 241;
	ok(hcall(&q, 0, HVSIM_OP_POST_MESSAGE, 0, 0, 0, &pm, sizeof(pm)) ==
	   HV_STATUS_INVALID_PARAMETER, "POST_MESSAGE with a 241-byte payload is refused");
	pm.payload_size = 24;
	ok(hcall(&q, 0, HVSIM_OP_POST_MESSAGE, 0, 0, 0, &pm, sizeof(pm)) ==
	   HV_STATUS_INVALID_CONNECTION_ID &&
	   hcall(&q, 1, HVSIM_OP_SIGNAL_EVENT, 0x10, 0, 0, NULL, 0) ==
	   HV_STATUS_INVALID_CONNECTION_ID,
	   "POST_MESSAGE and SIGNAL_EVENT to unknown connections");
	ok(hcall(&q, 1, 0xdeadbeef, ~0ull, ~0ull, ~0ull, NULL, 0) ==
	   HV_STATUS_INVALID_HYPERCALL_CODE &&
	   hcall(&q, 1, HVSIM_OP_EOM, 1, 0, 0, NULL, 0) == HV_STATUS_SUCCESS,
	   "a garbage op fails and the slot keeps working");

	/* 5. SynIC messages and interrupts to the guest */
	m = msg_slot(ram, 0, 2);
	ok(ctl("synic post 0 2 0x1234 c0ffee") && wait_irq(&q, 0, TIMEOUT_MS) == 1 &&
	   wait_irq(&q, 1, 0) == 0 && m->header.message_type == 0x1234 &&
	   m->header.payload_size == 3 && ((uint8_t *)m->u.payload)[2] == 0xee,
	   "host message lands in CPU 0 SINT 2 and raises vector 0 only");
	ok(ctl("synic post 0 2 0x1235 01") && wait_irq(&q, 0, 100) == 0 &&
	   m->header.message_flags.msg_pending && m->header.message_type == 0x1234,
	   "second message waits: msg_pending set, no interrupt");
	consume(m);
	ok(hcall(&q, 0, HVSIM_OP_EOM, 0, 0, 0, NULL, 0) == HV_STATUS_SUCCESS &&
	   wait_irq(&q, 0, TIMEOUT_MS) == 1 && m->header.message_type == 0x1235 &&
	   !m->header.message_flags.msg_pending,
	   "EOM delivers the queued message with an interrupt");
	ok(ctl("synic signal 1 2 5") && wait_irq(&q, 1, TIMEOUT_MS) == 1 &&
	   ram[EVT_PAGE(1) + 2 * HV_EVENT_FLAGS_BYTE_COUNT] == 0x20,
	   "event flag 5 of SINT 2 set on CPU 1, vector 1 raised");

	/* 6. interrupt knobs */
	consume(m);
	ok(ctl("irq drop 0 on") && ctl("synic post 0 2 0x1236") &&
	   wait_irq(&q, 0, 200) == 0 && m->header.message_type == 0x1236 &&
	   ctl("irq drop 0 off"), "irq drop: message delivered, interrupt not");
	consume(m);
	t0 = now_ms();
	good = ctl("irq delay 0 150") && ctl("synic post 0 2 0x1237") &&
	       wait_irq(&q, 0, 50) == 0;
	n = wait_irq(&q, 0, TIMEOUT_MS);
	ok(good && n == 1 && now_ms() - t0 >= 140 && ctl("irq delay 0 0"),
	   "irq delay 150 ms: interrupt after %llu ms",
	   (unsigned long long)(now_ms() - t0));

	/* 7. the CLI */
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

	/* 8. one guest at a time */
	fd = unix_connect(sock_path);
	{
		int64_t v;
		int efd;

		ok(fd >= 0 && recv_msg(fd, &v, &efd) == -1,
		   "a second ivshmem client is refused without a greeting");
		if (fd >= 0)
			close(fd);
	}

	/* 9. QEMU goes away and comes back */
	qemu_disconnect(&q);
	t0 = now_ms();
	while (ctl("status") && strstr(reply, "connected yes") &&
	       now_ms() - t0 < TIMEOUT_MS)
		usleep(10000);
	ok(strstr(reply, "connected no\n") && strstr(reply, "hello no\n") &&
	   !strstr(reply, "synic 0 "), "disconnect drops all guest state");
	good = qemu_connect(&q2);
	ok(good && slot(&q2, 0)->seq == 0 && slot(&q2, 0)->done_seq == 0 &&
	   q2.hdr->magic == HVSIM_ABI_MAGIC &&
	   hcall(&q2, 0, HVSIM_OP_SYNIC_SETUP, 0, MSG_PAGE(0), EVT_PAGE(0), NULL, 0) ==
	   HV_STATUS_ACCESS_DENIED &&
	   hcall(&q2, 0, HVSIM_OP_HELLO, HVSIM_ABI_VERSION, BAR2_GPA, NCPUS, NULL, 0) ==
	   HV_STATUS_SUCCESS, "a new QEMU gets a clean BAR2 and must say HELLO");

	/* 10. quit */
	ok(ctl_cli("quit") == 0, "`hvsim ctl quit` answers ok");
	hv_ret = wait_hvsim(TIMEOUT_MS);
	ok(hv_ret == 0 && access(sock_path, F_OK) && access(ctl_path, F_OK),
	   "hvsim exits 0 and removes its sockets (status %d)", hv_ret);
	if (good)
		qemu_disconnect(&q2);
out:
	if (ram && ram != MAP_FAILED)
		munmap(ram, RAM_SIZE);
	if (failures) {
		FILE *log = fopen(log_path, "r");
		char line[512];

		diag("hvsim log:");
		while (log && fgets(line, sizeof(line), log))
			printf("#   %s", line);
		if (log)
			fclose(log);
	}
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
