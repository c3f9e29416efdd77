/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NetworkDirect host's internals (class "nd", src/include/hvlis/nd.h
 * has the protocol): nd.c is the channel, the handshake (INIT,
 * INIT_RESOURCES, BIND), the files and the CONTROL dispatch; objects.c
 * the handles the guest holds (adapters, PDs ...) and the IOCTLs that
 * make and free them; cq.c completion queues.
 */
#ifndef HVSIM_ND_H
#define HVSIM_ND_H

#include <hvlis/nd.h>

#include "vmbus/vsp.h"

/* "files" (a pair per guest process) and objects per device */
#define ND_MAX_FILES		256
#define ND_MAX_OBJECTS		4096

/* what the adapter model offers (nd_adapter_info, the mlx4 context) */
#define ND_VENDOR_ID		0x15b3	/* Mellanox */
#define ND_DEVICE_ID		0x1003	/* ConnectX-3 */
#define ND_MAX_QP_WR		16384
#define ND_MAX_SGE		32
#define ND_MAX_CQE		65535
#define ND_CQE_SIZE		32
#define ND_QP_TAB_SIZE		65536
#define ND_MAX_INLINE		0
#define ND_MAX_READ_LIMIT	16
#define ND_MAX_TRANSFER		(1u << 30)
/* pages in one GPA range of the extended data (a 2 MiB CQ buffer) */
#define ND_MAX_RANGE_PFNS	512

enum nd_obj_type {
	NDO_FREE,
	NDO_ADAPTER,
	NDO_PD,
	NDO_CQ,
	NDO_TYPES,
};

struct nd_file {
	bool used;
	uint32_t local;			/* the guest's id */
	bool provider_init;		/* PROVIDER_INIT done */
	int bound_to;			/* overlapped file: its primary, or -1 */
};

struct nd_obj {
	enum nd_obj_type type;
	uint32_t gen;			/* in the handle: a stale one misses */
	int file;			/* the owning file's index */
	union {
		struct {
			unsigned int uar;	/* slot in the MMIO window */
		} adapter;
		struct {
			uint64_t adapter;	/* handle */
			uint32_t pdn;
		} pd;
		struct {
			uint64_t adapter;	/* handle */
			uint32_t cqn;
			uint32_t nent;		/* entries, a power of two */
			struct gpa_pages buf;	/* the CQEs */
			struct gpa_pages db;	/* consumer index, arm */
			struct gpa_pages arm;	/* arm sequence number */
		} cq;
	};
};

struct nd_dev {
	struct vsp_device *dev;
	struct hv_chan *ch;		/* open channel, NULL when closed */
	uint8_t mac[6];			/* the NIC the host calls RDMA */
	uint32_t version;		/* agreed, 0 before INIT */
	/* INIT_RESOURCES: the guest's MMIO window for UAR pages */
	uint64_t io_start, io_size;
	unsigned int io_slots;		/* 8 KiB (UAR + BF page) slots */
	uint8_t *io_used;		/* one byte a slot */
	/* BIND */
	bool bound;
	uint32_t ip;			/* network order */
	uint64_t guest_id;
	struct nd_file files[ND_MAX_FILES];
	struct nd_obj *objs;		/* ND_MAX_OBJECTS */
	uint32_t next_pdn;
	uint32_t next_cqn;
	/* counters */
	uint64_t count[NDO_TYPES];	/* live objects by type */
	uint64_t created, freed;
	uint64_t ioctls, ioctls_failed;
	uint64_t binds, binds_refused;
	uint64_t bad;			/* malformed messages */
};

/* nd.c */
void nd_bad(struct nd_dev *nd, const char *why, uint32_t type);

/*
 * An IOCTL being served: the request's buffer (a copy), where the
 * answer goes, and what the handler says.
 */
struct nd_req {
	struct nd_dev *nd;
	int file;			/* index of the calling file */
	uint32_t code;
	uint8_t *buf;			/* in/out buffer, buf_len bytes */
	uint32_t buf_len;
	const uint8_t *ext;		/* extended data, ext_len bytes */
	uint32_t ext_len;
	uint32_t status;		/* NTSTATUS answered */
};

/* objects.c */
int nd_objects_init(struct nd_dev *nd);
void nd_objects_free(struct nd_dev *nd);
/* everything a file owns goes (CLEANUP, channel close) */
void nd_objects_release_file(struct nd_dev *nd, int file);
struct nd_obj *nd_obj_get(struct nd_dev *nd, uint64_t handle,
			  enum nd_obj_type type, int file);
struct nd_obj *nd_obj_new(struct nd_dev *nd, enum nd_obj_type type, int file);
uint64_t nd_obj_handle(const struct nd_dev *nd, const struct nd_obj *o);
/* the request's buffer is exactly @len bytes and says version 1 */
bool nd_req_ok(struct nd_req *r, uint32_t len);
/* the IOCTL handlers of objects.c: false if @code is not theirs */
bool nd_objects_ioctl(struct nd_req *r);
void nd_objects_print(struct ctl_conn *c, const struct nd_dev *nd);
const char *nd_obj_type_name(enum nd_obj_type t);

/* cq.c */
void nd_cq_create(struct nd_req *r);
/* what a CQ holds, before its slot is freed */
void nd_cq_free(struct nd_obj *o);
void nd_range_free(struct gpa_pages *g);

#endif /* HVSIM_ND_H */
