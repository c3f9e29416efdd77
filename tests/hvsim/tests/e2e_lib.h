/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The end-to-end tests' stand-ins for QEMU and the guest (e2e_lib.c):
 * start hvsim, connect as QEMU's ivshmem-doorbell client, make
 * hypercalls through the BAR2 mailbox, wait for MSI-X vectors, read SynIC
 * slots in the RAM file, talk to the control socket.  TAP output.
 */
#ifndef HVSIM_E2E_LIB_H
#define HVSIM_E2E_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <hvlis/hvsim_abi.h>
#include <hvlis/synic.h>

#define NCPUS		2
#define RAM_SIZE	(64ull << 20)
#define BAR2_GPA	(32ull << 30)
#define MSG_PAGE(cpu)	(0x100000ull + (cpu) * 0x2000)
#define EVT_PAGE(cpu)	(0x101000ull + (cpu) * 0x2000)
#define TIMEOUT_MS	5000

/* QEMU's side of the ivshmem socket */
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

extern const char *hvsim_bin;
extern char dir[64], sock_path[128], ctl_path[128], ram_path[128],
	log_path[128];
extern pid_t hvsim_pid;
extern int tests, failures;
extern char reply[16384];		/* output of ctl() and ctl_cli() */

__attribute__((format(printf, 2, 3))) void ok(bool cond, const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...);
uint64_t now_ms(void);
int unix_connect(const char *path);
/* one int64 message and its fd (-1 if none); -1 on EOF/timeout */
int recv_msg(int sock, int64_t *val, int *fd);
/* connect and take the greeting as QEMU's ivshmem_recv_setup() does */
bool qemu_connect(struct qemu *q);
void qemu_disconnect(struct qemu *q);
struct hvsim_mailbox *slot(struct qemu *q, unsigned int i);
/* a hypercall as the sim backend makes it; 0xffff on timeout */
uint32_t hcall(struct qemu *q, unsigned int s, uint32_t op, uint64_t a0,
	       uint64_t a1, uint64_t a2, const void *data, size_t len);
/* interrupts on vector @v within @ms (0 = just look) */
uint64_t wait_irq(struct qemu *q, int v, int ms);
/* one command over a direct connection; true if it ended in "ok" */
__attribute__((format(printf, 1, 2))) bool ctl(const char *fmt, ...);
/* `hvsim ctl --ctl PATH <words>`: exit status, stdout in reply */
int ctl_cli(const char *words);
/* start hvsim with the usual options and @extra (NULL-terminated) */
bool start_hvsim(const char *const *extra);
/* exit status of hvsim within @ms, or -1 */
int wait_hvsim(int ms);
void cleanup(void);
/* the guest's RAM file, made RAM_SIZE and mapped shared; NULL on failure */
uint8_t *map_ram(void);
struct hv_message *msg_slot(uint8_t *ram, int cpu, int sint);
/* what the guest does with a message it has read (before EOM) */
void consume(struct hv_message *m);
/* temp dir, paths, atexit cleanup */
void e2e_setup(const char *bin);
/* the log on failure, the TAP plan; the exit status */
int e2e_finish(void);

#endif /* HVSIM_E2E_LIB_H */
