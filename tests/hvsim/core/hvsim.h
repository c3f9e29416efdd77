/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim internal API.  hvsim is the simulated Hyper-V host: a single
 * threaded epoll server that plays the root partition for one QEMU guest
 * over an ivshmem-doorbell device (src/include/hvlis/hvsim_abi.h).
 *
 * The core (this header; the files under core/):
 *   state.c      the context, guest resets, the host-layer hooks
 *   shm.c        the BAR2 region: header, mailbox slots, MMIO window
 *   loop.c       epoll loop (struct watch), listening Unix sockets
 *   timer.c      one-shot timers (struct hv_timer)
 *   log.c        logging, rate limited for guest-triggered lines
 *   guestmem.c   guest physical address -> host pointer (q35 layout, BAR2)
 *   ivshmem.c    the ivshmem server protocol: greeting, eventfds, disconnect
 *   mailbox.c    the "hypercalls" the guest makes through BAR2 slots
 *   synic.c      SynIC message slots and event flags on guest pages
 *   irq.c        raising per-CPU MSI-X vectors (drop/delay for tests)
 *
 * Above it: ctl/ (the control socket, ctl/ctl.h), lib/ (parsers, option
 * tables, byte order), vmbus/ (the VMBus host, which plugs in through
 * struct hvsim_host_ops; device models see only vmbus/vsp.h) and
 * devices/<class>/ (one folder per device class, listed in
 * devices/classes.h).  main.c starts it all.
 *
 * Everything the guest writes is untrusted.  Guest memory is only reached
 * through gm_ptr()/gm_read()/gm_write(), which bounds-check every access.
 */
#ifndef HVSIM_H
#define HVSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

#include <hvlis/hv_types.h>
#include <hvlis/synic.h>
#include <hvlis/hvsim_abi.h>

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE_SIZE	4096ull
#define MiB		(1024ull * 1024)
#define GiB		(1024ull * MiB)

struct hvsim;

/* log.c */
enum { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };
int log_init(const char *path, bool verbose);
void log_close(void);
__printf(2, 3) void hv_log(int level, const char *fmt, ...);
/* for anything a guest can provoke: rate limited */
__printf(1, 2) void log_guest(const char *fmt, ...);
uint64_t now_ns(void);
/*
 * The partition reference counter (HV_X64_MSR_TIME_REF_COUNT): 100 ns
 * units since hvsim started; time samples to the guest carry it.
 */
uint64_t hvsim_ref_time(const struct hvsim *hs);
#define log_err(...)	hv_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	hv_log(LOG_WARN, __VA_ARGS__)
#define log_info(...)	hv_log(LOG_INFO, __VA_ARGS__)
#define log_dbg(...)	hv_log(LOG_DEBUG, __VA_ARGS__)

/* loop.c */
struct watch {
	int fd;
	void (*cb)(struct watch *w, uint32_t events);
	void *priv;
};
int loop_init(void);
void loop_exit(void);
int loop_add(struct watch *w, uint32_t events);
int loop_mod(struct watch *w, uint32_t events);
/* also safe while the loop is dispatching a batch that includes @w */
void loop_del(struct watch *w);
int loop_run(struct hvsim *hs);
int unix_listen(const char *path, int backlog);

/* timer.c: one-shot timers for device models, on CLOCK_MONOTONIC (now_ns) */
struct hv_timer {
	struct watch w;
	void (*fn)(void *priv);
	void *priv;
};
void hv_timer_init(struct hv_timer *t, void (*fn)(void *priv), void *priv);
/* fire at @due_ns (now_ns() time), or never if 0 */
void hv_timer_set(struct hv_timer *t, uint64_t due_ns);
void hv_timer_free(struct hv_timer *t);

/* guestmem.c */
struct guestmem {
	const char *ram_path;
	uint64_t ram_size;
	uint64_t below_4g;	/* RAM at GPA [0, below_4g) */
	uint64_t above_4g;	/* RAM at GPA [4 GiB, 4 GiB + above_4g) */
	uint8_t *ram;		/* the --ram file, NULL until mapped */
	bool ram_borrowed;	/* tests: caller's buffer, don't munmap */
	uint64_t ram_dev, ram_ino;	/* which file is mapped */

	uint8_t *shm;		/* BAR2 contents (hvsim's own mapping) */
	uint64_t shm_size;
	uint64_t mmio_offset;	/* BAR2 offset of the MMIO window */
	uint64_t mmio_size;
	uint64_t bar2_gpa;	/* from HELLO; valid if bar2_valid */
	bool bar2_valid;
};

#define GM_4G		(4 * GiB)
/* x86_64 guests cannot address more (MAXPHYADDR 52) */
#define GM_MAX_GPA	(1ull << 52)

void gm_init(struct guestmem *gm, const char *ram_path, uint64_t ram_size);
/*
 * Map the --ram file unless the file at that path is already mapped:
 * 0, or -1 if it is not there (yet).
 */
int gm_map_ram(struct guestmem *gm);
/* tests: use @buf as guest RAM instead of the file */
void gm_set_ram_buffer(struct guestmem *gm, void *buf);
void gm_unmap_ram(struct guestmem *gm);
/* RAM file offset of [gpa, gpa + len), or -1 if not all inside one RAM block */
int gm_ram_offset(const struct guestmem *gm, uint64_t gpa, uint64_t len,
		  uint64_t *off);
bool gm_overlaps_ram(const struct guestmem *gm, uint64_t gpa, uint64_t len);
/* host pointer for [gpa, gpa + len) in RAM or the BAR2 MMIO window, or NULL */
void *gm_ptr(const struct guestmem *gm, uint64_t gpa, uint64_t len);
/* as gm_ptr() but RAM only, for pages the host owns a protocol on */
void *gm_ram_ptr(const struct guestmem *gm, uint64_t gpa, uint64_t len);
/*
 * Give the host the memory behind RAM pages [gpa, gpa + len) back: a hole
 * punched in the --ram file (what the guest reads there is zero until it
 * writes).  Page-aligned; 0 or -errno.
 */
int gm_discard(const struct guestmem *gm, uint64_t gpa, uint64_t len);
int gm_read(const struct guestmem *gm, uint64_t gpa, void *buf, uint64_t len);
int gm_write(const struct guestmem *gm, uint64_t gpa, const void *buf,
	     uint64_t len);

/* ivshmem.c */
#define HVSIM_HOST_PEER_ID	0	/* hvsim's own ivshmem peer id */
#define HVSIM_GUEST_PEER_ID	1	/* the (single) QEMU's peer id */

struct ivshmem {
	struct watch listen;
	struct watch client;		/* fd -1 when no guest */
	struct watch host_ev[HVSIM_MAX_CPUS];	/* doorbells to hvsim */
	int guest_efd[HVSIM_MAX_CPUS];	/* -1, or MSI-X vector k of the guest */
	int shm_fd;
	const char *sock_path;
};

/* shm.c: the BAR2 region; @anon (tests): no memfd */
int shm_create(struct hvsim *hs, bool anon);
void shm_reset(struct hvsim *hs);
void shm_destroy(struct hvsim *hs);
uint64_t shm_mmio_offset(unsigned int nr_cpus);

int ivshmem_init(struct hvsim *hs, const char *path);
void ivshmem_exit(struct hvsim *hs);
bool ivshmem_connected(const struct hvsim *hs);

/* mailbox.c */
/* scan all slots and execute submitted operations */
void mailbox_process(struct hvsim *hs);
/* execute one request (already copied out of shared memory) */
/* an operation's result, if it has one, replaces req->args[0] */
uint16_t mailbox_exec(struct hvsim *hs, unsigned int slot,
		      struct hvsim_mailbox *req);
const char *mailbox_op_name(uint32_t op);

/* synic.c */
#define SYNIC_QUEUE_LEN	256	/* per CPU and SINT; overflow drops */

struct synic_qmsg {
	uint32_t type;
	uint32_t len;
	uint8_t payload[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
};

struct synic_queue {
	struct synic_qmsg *ring;	/* allocated on first use */
	unsigned int head, count;
};

struct synic_cpu {
	uint64_t msg_page;	/* GPA, 0 = none */
	uint64_t evt_page;	/* GPA, 0 = none */
	struct synic_queue q[HV_SYNIC_SINT_COUNT];
};

/* HVSIM_OP_SYNIC_SETUP; returns HV_STATUS_* */
uint16_t synic_setup(struct hvsim *hs, unsigned int cpu, uint64_t msg_page,
		     uint64_t evt_page);
void synic_reset(struct hvsim *hs);
/* 0, or -errno: -EINVAL bad arguments, -ENOSPC queue full (dropped) */
int synic_post(struct hvsim *hs, unsigned int cpu, unsigned int sint,
	       uint32_t message_type, const void *payload, uint32_t len);
int synic_signal(struct hvsim *hs, unsigned int cpu, unsigned int sint,
		 unsigned int bit);
/* EOM from the guest: deliver what was queued for @cpu */
void synic_eom(struct hvsim *hs, unsigned int cpu);
unsigned int synic_queued(const struct hvsim *hs, unsigned int cpu);

/* irq.c */
struct irq_cpu {
	bool drop;
	unsigned int delay_ms;
	uint64_t due_ns;	/* delayed interrupt pending, 0 = none */
};

int irq_init(struct hvsim *hs);
void irq_exit(struct hvsim *hs);
/* raise MSI-X vector @cpu, subject to the test knobs */
void irq_raise(struct hvsim *hs, unsigned int cpu);
void irq_reset(struct hvsim *hs);

/*
 * The VMBus host layer (and anything else that owns connection ids) plugs
 * in here.  Each hook returns an HV_STATUS_* value; with no layer
 * registered every connection id is unknown.
 */
struct hvsim_host_ops {
	/* HVCALL_POST_MESSAGE from @cpu; payload already validated */
	uint16_t (*post_message)(struct hvsim *hs, unsigned int cpu,
				 uint32_t connection_id, const void *payload,
				 uint32_t size);
	/* HVCALL_SIGNAL_EVENT from @cpu */
	uint16_t (*signal_event)(struct hvsim *hs, unsigned int cpu,
				 uint32_t connection_id);
	/* the guest reset its bus or went away: forget all state */
	void (*reset)(struct hvsim *hs);
};

void hvsim_set_host_ops(struct hvsim *hs, const struct hvsim_host_ops *ops,
			void *priv);
/* the registered layer's hooks, or "unknown connection id" */
uint16_t hvsim_post_message(struct hvsim *hs, unsigned int cpu,
			    uint32_t connection_id, const void *payload,
			    uint32_t size);
uint16_t hvsim_signal_event(struct hvsim *hs, unsigned int cpu,
			    uint32_t connection_id);

/* ext.c: the extended hypercalls (hvlis/hv_ext.h) */
#define HVSIM_NR_OPS	(HVSIM_OP_MEMORY_HINT + 1)

struct hvsim_ext_stats {
	uint64_t hints;			/* memory heat hint calls */
	uint64_t ranges;		/* ... ranges taken */
	uint64_t pages;			/* ... 4 KiB pages dropped */
	uint64_t refused;		/* calls refused whole */
	uint64_t discard_errors;	/* holes that could not be punched */
};

struct ctl_conn;
/* HVSIM_OP_MEMORY_HINT */
uint16_t ext_memory_hint(struct hvsim *hs, const struct hvsim_mailbox *req);
void ext_print(struct ctl_conn *c, const struct hvsim *hs);

/* counters shown by "status" */
struct hvsim_stats {
	uint64_t doorbells;
	uint64_t hypercalls[HVSIM_NR_OPS];
	uint64_t hypercalls_unknown;
	uint64_t hypercalls_failed;
	uint64_t hypercalls_torn;	/* slot rewritten while we copied it */
	uint64_t synic_posted;		/* synic_post() calls accepted */
	uint64_t synic_delivered;	/* written into a SINT slot */
	uint64_t synic_queued;		/* had to wait for EOM */
	uint64_t synic_dropped;		/* queue full or bad target */
	uint64_t synic_signaled;	/* event flag bits set */
	uint64_t irqs_raised;
	uint64_t irqs_dropped;		/* "irq drop" */
	uint64_t irqs_delayed;		/* "irq delay" */
	uint64_t irqs_lost;		/* no guest to deliver to */
	uint64_t connects;
};

struct hvsim_config {
	const char *socket_path;
	const char *ram_path;
	const char *ctl_path;
	const char *log_path;
	uint64_t ram_size;
	uint64_t shm_size;
	uint64_t mmio_size;
	unsigned int nr_cpus;
	bool verbose;
};

struct ctl_server;

struct hvsim {
	struct hvsim_config cfg;
	struct guestmem gm;
	struct ivshmem iv;
	struct hvsim_shared_header *hdr;	/* == gm.shm */
	struct hvsim_mailbox *slots;		/* cfg.nr_cpus of them */
	uint64_t start_ns;			/* now_ns() at start: ref time 0 */

	/* guest state, dropped on RESET, a new HELLO and disconnect */
	bool hello;
	unsigned int guest_cpus;	/* from HELLO */
	struct synic_cpu synic[HVSIM_MAX_CPUS];

	struct irq_cpu irq[HVSIM_MAX_CPUS];
	struct watch irq_timer;

	const struct hvsim_host_ops *host_ops;
	void *host_priv;
	struct ctl_server *ctl;		/* ctl/ctl.c, NULL without a socket */

	struct hvsim_stats stats;
	/* HVLIS_EXT_CAP_*: what the extended capability query answers */
	uint64_t ext_caps;
	struct hvsim_ext_stats ext;
	bool quit;
};

/* state.c */
void hvsim_init_state(struct hvsim *hs, const struct hvsim_config *cfg);
void hvsim_bus_reset(struct hvsim *hs);
void hvsim_guest_reset(struct hvsim *hs);
unsigned int hvsim_guest_cpus(const struct hvsim *hs);

#endif /* HVSIM_H */
