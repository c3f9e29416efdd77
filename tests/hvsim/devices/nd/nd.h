/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NetworkDirect host's internals (class "nd", src/include/hvlis/nd.h
 * has the protocol): nd.c is the channel, the handshake (INIT,
 * INIT_RESOURCES, BIND), the files and the CONTROL dispatch; objects.c
 * the handles the guest holds (adapters, PDs ...) and the IOCTLs that
 * make and free them; cq.c completion queues, qp.c queue pairs, mr.c
 * memory regions, cm.c listeners, connectors and the asynchronous
 * IOCTLs, hca.c the data path.
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
#define ND_MAX_INLINE		256
#define ND_MAX_READ_LIMIT	16
#define ND_MAX_TRANSFER		(1u << 30)
/* pages in one GPA range of the extended data (a 2 MiB CQ buffer) */
#define ND_MAX_RANGE_PFNS	512
/* a registered region: up to 1 GiB (its frame list 2 MiB) */
#define ND_MAX_MR_PAGES		(1u << 18)

enum nd_obj_type {
	NDO_FREE,
	NDO_ADAPTER,
	NDO_PD,
	NDO_CQ,
	NDO_QP,
	NDO_MR,
	NDO_LISTENER,
	NDO_CONNECTOR,
	NDO_TYPES,
};

/* an asynchronous IOCTL the guest waits on (cm.c); id 0: none */
struct nd_irp {
	uint32_t id;			/* the guest's IRP id */
	uint32_t code;
	int file;
};

/* a connector's life (cm.c) */
enum nd_conn_state {
	NDC_IDLE,
	NDC_CONNECTING,			/* CONNECT queued on a listener */
	NDC_REQUESTED,			/* a request handed to it */
	NDC_CONNECTED,
	NDC_DISCONNECTED,
};

/* connections a listener queues until the guest takes them */
#define ND_MAX_BACKLOG		16

/* fabric.c: the messages between hosts; the largest WQE's message */
enum {
	NDF_CONNECT = 1,
	NDF_ACCEPT,
	NDF_REJECT,
	NDF_DISCONNECT,
	NDF_XFER,
	NDF_READ,
	NDF_ACK,
};
#define ND_FABRIC_MAX_MSG	(16u << 20)
#define NDF_MAGIC	0x6e646631u	/* "ndf1" */
/* payload bytes a datagram carries: well under the default socket buffer */
#define NDF_CHUNK	(32u << 10)

/* a fabric datagram: this, then the payload */
struct ndf_hdr {
	uint32_t magic;
	uint16_t type;			/* NDF_* */
	uint16_t port;			/* CONNECT: the listener's (net order) */
	uint32_t src_ip, dst_ip;	/* adapter addresses, network order */
	uint64_t src;			/* the sender's connector */
	uint64_t dst;			/* the receiver's connector, 0: CONNECT */
	uint32_t seq;			/* XFER, READ, ACK: the WQE's counter */
	uint32_t offset;		/* of this payload in the message */
	uint32_t total;			/* the message's bytes */
	uint32_t len;			/* payload bytes that follow */
	uint32_t qpn;			/* CONNECT, ACCEPT; XFER: the sender's */
	uint16_t src_port;		/* CONNECT (net order) */
	uint8_t opcode;			/* XFER: mlx4 send opcode */
	uint8_t solicited;
	uint32_t rkey;
	uint32_t imm;			/* raw, as the WQE has it */
	uint64_t raddr;
	int32_t result;			/* ACK: 1 done, 0 not ready, <0 synd. */
	struct nd_read_limits limits;	/* CONNECT, ACCEPT: the sender's */
};


/* a message from the other host being put together (fabric.c) */
struct nd_rx {
	uint8_t *buf;
	uint16_t type;
	uint32_t seq, total, got;
	uint8_t opcode, solicited;
	uint32_t rkey, imm, src_qpn;
	uint64_t raddr;
	int32_t result;
};

struct ndf_out;

/* what a WQE asks of the other host (hca.c to fabric.c) */
struct nd_xfer {
	uint32_t seq, len, rkey, imm;
	uint64_t raddr;
	uint8_t opcode, solicited;
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
	uint64_t adapter_handle;	/* made on this adapter */
	uint32_t users;			/* QPs and MRs on it: it stays */
	union {
		struct {
			unsigned int uar;	/* slot in the MMIO window */
		} adapter;
		struct {
			uint32_t pdn;
		} pd;
		struct {
			uint32_t cqn;
			uint32_t nent;		/* entries, a power of two */
			struct gpa_pages buf;	/* the CQEs */
			struct gpa_pages db;	/* consumer index, arm */
			struct gpa_pages arm;	/* arm sequence number */
			uint32_t pi;		/* CQEs written */
			uint32_t last_arm;	/* doorbell record's arm word */
			uint32_t armed;		/* REQ_NOT(_SOL), 0: not */
			bool fire;		/* an event no CQ_NOTIFY took */
			struct nd_irp notify;	/* CQ_NOTIFY */
		} cq;
		struct {
			struct nd_obj *pd, *rcq, *scq;
			uint32_t qpn;
			uint32_t state;		/* ND_QPS_* */
			uint32_t rq_cnt, rq_shift;	/* WQEs, log2 stride */
			uint32_t sq_cnt, sq_shift;
			uint64_t rq_off, sq_off;	/* in buf */
			uint32_t max_inline;
			bool connected;
			uint64_t peer;		/* the QP at the other end */
			/* ... or on another host (fabric.c) */
			bool remote;
			uint32_t remote_ip;
			uint64_t conn;		/* our connector */
			uint64_t remote_conn;	/* the other host's */
			void *inflight;		/* the WQE awaiting its ACK */
			uint64_t retry_ns;	/* receiver not ready: again */
			uint32_t sq_head;	/* next send WQE (counter) */
			uint32_t rq_head;	/* next receive WQE (counter) */
			struct gpa_pages buf;	/* RQ and SQ */
			struct gpa_pages db;	/* the RQ's producer count */
		} qp;
		struct {		/* listener or connector */
			bool bound, listening;
			uint32_t ip;		/* network order; 0: any */
			uint16_t port;		/* network order */
			uint16_t peer_port;
			uint32_t peer_ip;
			enum nd_conn_state state;
			uint64_t peer;		/* the other connector */
			uint64_t qp;		/* its QP, once named */
			uint64_t listener;	/* connecting: queued there */
			struct nd_read_limits limits;	/* the peer's */
			uint8_t priv[ND_MAX_PRIVATE_DATA];	/* the peer's */
			uint32_t priv_len;
			struct nd_irp gcr, connect, accept, notify, disconnect;
			/* the peer is on another host (fabric.c) */
			bool remote;
			/* stands for a connector on another host: ip, port */
			bool stub;
			uint64_t remote_conn;	/* the other host's connector */
			struct nd_rx rx;
			uint64_t gcr_connector;	/* the one GCR names */
			uint64_t queue[ND_MAX_BACKLOG];
			uint32_t nqueue, backlog;
		} ep;
		struct {
			struct nd_obj *pd;
			bool registered;
			uint32_t flags;		/* ND_MR_FLAG_* */
			uint64_t iova, length;
			struct gpa_pages pages;	/* the region, from iova */
		} mr;
	};
};

/* what "nd inject" armed for the next answer (inject.c) */
enum nd_inject {
	ND_INJ_NONE,
	ND_INJ_ANSWER_SHORT,
	ND_INJ_ANSWER_CODE,
	ND_INJ_ANSWER_STATUS,
	ND_INJ_ADAPTER_UAR,
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
	uint32_t next_qpn;
	uint32_t next_port;
	struct nd_out *out;		/* COMPLETEs waiting to be sent */
	struct hv_timer tick;		/* the data path's poll (hca.c) */
	bool ticking;
	/* counters */
	uint64_t count[NDO_TYPES];	/* live objects by type */
	uint64_t created, freed;
	uint64_t ioctls, ioctls_failed;
	uint64_t binds, binds_refused;
	uint64_t bad;			/* malformed messages */
	uint64_t completes, connections, rejects, disconnects;
	uint64_t wqes, bytes, cqes, cq_events, cq_overflows;
	uint64_t wqes_bad, wqe_errors;
	enum nd_inject inject;
	uint64_t injected;
	/* the fabric to other hosts (fabric.c) */
	char fabric_dir[80];		/* with its socket name: < sun_path */
	int fabric_fd;
	struct watch fabric_watch;
	struct ndf_out *fabric_out;
	uint64_t fabric_sent, fabric_received, fabric_bad, fabric_stale;
	uint64_t fabric_lost;
};

/* nd.c */
void nd_bad(struct nd_dev *nd, const char *why, uint32_t type);

/* inject.c */
int nd_inject(struct nd_dev *nd, const char *kind, char *err, size_t errlen);
void nd_inject_answer(struct nd_dev *nd, struct ndv_pkt_control *h,
		      uint8_t *buf, uint32_t *len);

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
	uint32_t irp;			/* its IRP id, 0: synchronous */
};

/* objects.c */
int nd_objects_init(struct nd_dev *nd);
void nd_objects_free(struct nd_dev *nd);
/* everything a file owns goes (CLEANUP, channel close) */
void nd_objects_release_file(struct nd_dev *nd, int file);
struct nd_obj *nd_obj_get(struct nd_dev *nd, uint64_t handle,
			  enum nd_obj_type type, int file);
struct nd_obj *nd_obj_new(struct nd_dev *nd, enum nd_obj_type type, int file);
void nd_obj_free(struct nd_dev *nd, struct nd_obj *o);
uint64_t nd_obj_handle(const struct nd_dev *nd, const struct nd_obj *o);
/* by a handle another object keeps (no owner check: it may be a peer's) */
struct nd_obj *nd_obj_peek(struct nd_dev *nd, uint64_t handle,
			   enum nd_obj_type type);
/* an nd_handle request (@len bytes) naming an object of @type it owns */
struct nd_obj *nd_req_obj(struct nd_req *r, uint32_t len,
			  enum nd_obj_type type);
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
/* field @i of @count in the extended data: a GPA range of @want bytes */
int nd_ext_range(struct nd_req *r, uint32_t count, uint32_t i,
		 uint32_t want, struct gpa_pages *out);
bool nd_ext_count_ok(const struct nd_req *r, uint32_t count);

/* qp.c */
void nd_qp_create(struct nd_req *r);
void nd_qp_flush(struct nd_req *r);
void nd_qp_free(struct nd_dev *nd, struct nd_obj *o);

void nd_qp_connect(struct nd_dev *nd, struct nd_obj *a, struct nd_obj *b);
void nd_qp_connect_remote(struct nd_dev *nd, struct nd_obj *qp, uint64_t conn,
			  uint32_t ip, uint64_t remote_conn);
void nd_qp_to_error(struct nd_dev *nd, struct nd_obj *qp);

/* hca.c */
void nd_hca_init(struct nd_dev *nd);
void nd_hca_start(struct nd_dev *nd);
void nd_hca_stop(struct nd_dev *nd);
void nd_cq_notify(struct nd_req *r);
void nd_cq_cancel(struct nd_req *r);

/* cm.c */
bool nd_cm_ioctl(struct nd_req *r);
void nd_cm_remote_connect(struct nd_dev *nd, uint32_t ip, uint16_t port_from,
			  uint64_t conn, uint16_t port,
			  const struct nd_read_limits *limits,
			  const uint8_t *priv, uint32_t priv_len);
void nd_cm_remote_answer(struct nd_dev *nd, struct nd_obj *c, bool accepted,
			 uint64_t remote_conn,
			 const struct nd_read_limits *limits,
			 const uint8_t *priv, uint32_t priv_len);
void nd_cm_remote_disconnect(struct nd_dev *nd, struct nd_obj *c);

/* fabric.c */
int nd_fabric_open(struct nd_dev *nd);
void nd_fabric_close(struct nd_dev *nd);
void nd_fabric_flush(struct nd_dev *nd);
int nd_fabric_connect(struct nd_dev *nd, struct nd_obj *c, struct nd_obj *qp);
void nd_fabric_answer(struct nd_dev *nd, uint32_t ip, uint64_t dst,
		      uint64_t src, uint16_t type, const struct nd_obj *qp,
		      const struct nd_read_limits *limits, const void *priv,
		      uint32_t priv_len);
int nd_fabric_xfer(struct nd_dev *nd, struct nd_obj *qp,
		   const struct nd_xfer *x, const uint8_t *buf);
int nd_fabric_read(struct nd_dev *nd, struct nd_obj *qp,
		   const struct nd_xfer *x);

/* hca.c: the other host's requests and answers */
int nd_hca_deliver(struct nd_dev *nd, struct nd_obj *qp,
		   const struct nd_rx *rx, const uint8_t *buf);
int nd_hca_read_for_peer(struct nd_dev *nd, struct nd_obj *qp, uint32_t rkey,
			 uint64_t raddr, uint32_t len, uint8_t *buf);
void nd_hca_remote_done(struct nd_dev *nd, struct nd_obj *qp, uint32_t seq,
			int result, const uint8_t *buf, uint32_t len);
void nd_ep_free(struct nd_dev *nd, struct nd_obj *o);
void nd_irp_complete(struct nd_dev *nd, struct nd_irp *irp, uint32_t status,
		     const void *out, uint32_t len);
/* send the queued COMPLETEs (after the answer to a request) */
void nd_out_flush(struct nd_dev *nd);
void nd_out_drop(struct nd_dev *nd);

/* mr.c */
void nd_mr_create(struct nd_req *r);
void nd_mr_register(struct nd_req *r);
void nd_mr_deregister(struct nd_req *r);
void nd_mr_free(struct nd_dev *nd, struct nd_obj *o);
/* the objects that name @o (QPs on a CQ or PD, MRs on a PD) hold it */
void nd_obj_hold(struct nd_obj *o);
void nd_obj_release(struct nd_obj *o);

#endif /* HVSIM_ND_H */
