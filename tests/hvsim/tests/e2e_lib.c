// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the end-to-end tests share: they start hvsim and play both QEMU
 * (the ivshmem client side of the socket, doorbells as writes to the
 * host's eventfds, MSI-X as the guest's own eventfds becoming readable)
 * and the guest (mailbox hypercalls, SynIC pages in a RAM file), and
 * drive the control socket.  See e2e_lib.h.
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

#include "e2e_lib.h"

const char *hvsim_bin;
char dir[64], sock_path[128], ctl_path[128], ram_path[128], log_path[128];
pid_t hvsim_pid = -1;
int tests, failures;

void ok(bool cond, const char *fmt, ...)
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

void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- QEMU's side of the ivshmem socket ---- */



int unix_connect(const char *path)
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
int recv_msg(int sock, int64_t *val, int *fd)
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
bool qemu_connect(struct qemu *q)
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

void qemu_disconnect(struct qemu *q)
{
	for (int i = 0; i < NCPUS; i++) {
		close(q->host_efd[i]);
		close(q->own_efd[i]);
	}
	munmap(q->shm, q->shm_size);
	close(q->shm_fd);
	close(q->sock);
}

struct hvsim_mailbox *slot(struct qemu *q, unsigned int i)
{
	return (struct hvsim_mailbox *)(q->shm + q->hdr->slots_offset +
					(size_t)i * q->hdr->slot_size);
}

/* a hypercall as the sim backend makes it; 0xffff on timeout */
uint32_t hcall(struct qemu *q, unsigned int s, uint32_t op, uint64_t a0,
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
uint64_t wait_irq(struct qemu *q, int v, int ms)
{
	struct pollfd pfd = { .fd = q->own_efd[v], .events = POLLIN };
	uint64_t n = 0;

	if (poll(&pfd, 1, ms) == 1 &&
	    read(q->own_efd[v], &n, sizeof(n)) != sizeof(n))
		n = 0;
	return n;
}

/* ---- the control socket ---- */

char reply[16384];

/* one command over a direct connection; true if it ended in "ok" */
bool ctl(const char *fmt, ...)
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
int ctl_cli(const char *words)
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

bool start_hvsim(const char *const *extra)
{
	const char *args[64] = {
		"hvsim", "--socket", sock_path, "--ram", ram_path,
		"--ram-size", "64M", "--cpus", "2", "--ctl", ctl_path,
		"--log", log_path, "-v",
	};
	char line[256] = "";
	int pfd[2], n = 14;
	FILE *out;

	for (; extra && *extra && n < 63; extra++)
		args[n++] = *extra;
	if (pipe(pfd) < 0)
		return false;
	hvsim_pid = fork();
	if (hvsim_pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execv(hvsim_bin, (char *const *)args);
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

int wait_hvsim(int ms)
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

void cleanup(void)
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

uint8_t *map_ram(void)
{
	int fd = open(ram_path, O_RDWR | O_CREAT, 0600);
	void *p;

	if (fd < 0)
		return NULL;
	if (ftruncate(fd, RAM_SIZE) < 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

struct hv_message *msg_slot(uint8_t *ram, int cpu, int sint)
{
	return (struct hv_message *)(ram + MSG_PAGE(cpu)) + sint;
}

void consume(struct hv_message *m)
{
	m->header.message_type = HVMSG_NONE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void e2e_setup(const char *bin)
{
	hvsim_bin = bin;
	snprintf(dir, sizeof(dir), "/tmp/hvsim-e2e-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(sock_path, sizeof(sock_path), "%s/hv.sock", dir);
	snprintf(ctl_path, sizeof(ctl_path), "%s/ctl.sock", dir);
	snprintf(ram_path, sizeof(ram_path), "%s/guest.ram", dir);
	snprintf(log_path, sizeof(log_path), "%s/hvsim.log", dir);
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
}

int e2e_finish(void)
{
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
