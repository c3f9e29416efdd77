/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Synthetic storage in hvsim: the internal header of
 *
 *   blkimg.c       image files as block devices (raw, sparse, read-only)
 *   scsi_target.c  a SCSI disk target (SPC/SBC subset, as Hyper-V's
 *                  virtual disks answer) over blkimg LUNs
 *   storvsp.c      the VMSTOR transport: the host side of the ide, scsi
 *                  and fc classes (src/include/hvlis/vstor.h)
 *   ctl.c  the "disk ..." control commands
 *
 * The SCSI target knows nothing of VMBus: a command comes with a data
 * buffer it reaches through struct scsi_buf, and the answer is a struct
 * scsi_result (SAM status, fixed-format sense, bytes moved, and the SRB
 * failure class the transport turns into an SRB status).
 */
#ifndef HVSIM_STORAGE_H
#define HVSIM_STORAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmbus/vsp.h"

/* ---- blkimg.c ---- */

struct blkimg {
	int fd;			/* -1: closed */
	char *path;
	bool ro;
	unsigned int lb_shift;	/* logical block: 9 (512) or 12 (4096) */
	uint64_t size;		/* bytes, as opened or resized */
};

/*
 * Open an existing image file (regular file or block device) of at least
 * one logical block.  @block_size: 512 or 4096.  0, or -1 with @err set.
 */
int blkimg_open(struct blkimg *b, const char *path, bool ro,
		unsigned int block_size, char *err, size_t errlen);
void blkimg_close(struct blkimg *b);
/* logical blocks (a trailing partial block does not count) */
static inline uint64_t blkimg_blocks(const struct blkimg *b)
{
	return b->size >> b->lb_shift;
}
/* vectored I/O at byte @off; reads past the end of the file give zeros */
int blkimg_readv(struct blkimg *b, const struct iovec *iov, int n,
		 uint64_t off);
int blkimg_writev(struct blkimg *b, const struct iovec *iov, int n,
		  uint64_t off);
int blkimg_flush(struct blkimg *b);
/* deallocate [off, off + len): a hole that reads as zeros */
int blkimg_punch(struct blkimg *b, uint64_t off, uint64_t len);
/* write @len zero bytes at @off (the fallback when punching fails) */
int blkimg_zero(struct blkimg *b, uint64_t off, uint64_t len);
/* ftruncate to @bytes (a multiple of the logical block size) */
int blkimg_resize(struct blkimg *b, uint64_t bytes);

/* ---- scsi_target.c ---- */

/* fixed-format sense data (SPC-4 4.5.3): response code 0x70, 18 bytes */
#define SCSI_SENSE_LEN		18

/* SAM status codes (SAM-5 5.3.1) */
#define SAM_STAT_GOOD			0x00
#define SAM_STAT_CHECK_CONDITION	0x02

/* sense keys (SPC-4 4.5.6) */
#define SK_NO_SENSE		0x0
#define SK_MEDIUM_ERROR		0x3
#define SK_ILLEGAL_REQUEST	0x5
#define SK_UNIT_ATTENTION	0x6
#define SK_DATA_PROTECT		0x7

/* additional sense code << 8 | qualifier (SPC-4 annex D) */
#define ASC_NONE			0x0000
#define ASC_WRITE_ERROR			0x0c00
#define ASC_UNRECOVERED_READ_ERROR	0x1100
#define ASC_PARAMETER_LIST_LENGTH	0x1a00
#define ASC_INVALID_OPCODE		0x2000
#define ASC_LBA_OUT_OF_RANGE		0x2100
#define ASC_INVALID_FIELD_IN_CDB	0x2400
#define ASC_INVALID_FIELD_IN_PARAM	0x2600
#define ASC_WRITE_PROTECTED		0x2700
#define ASC_CAPACITY_DATA_CHANGED	0x2a09
#define ASC_SAVING_NOT_SUPPORTED	0x3900
#define ASC_REPORTED_LUNS_CHANGED	0x3f0e

/*
 * How a failed command fails at the SRB level; storvsp maps it to an
 * srb_status as openvmm storvsp/scsidisk do (scsidisk process_result):
 * illegal requests and bad buffers are SRB_STATUS_INVALID_REQUEST, unit
 * attentions, medium and write-protect errors SRB_STATUS_ERROR.
 */
enum scsi_fail {
	SCSI_OK = 0,
	SCSI_FAIL_INVALID,	/* SRB_STATUS_INVALID_REQUEST */
	SCSI_FAIL_ERROR,	/* SRB_STATUS_ERROR */
	SCSI_FAIL_OVERRUN,	/* SRB_STATUS_DATA_OVERRUN */
	SCSI_FAIL_NO_LUN,	/* SRB_STATUS_INVALID_LUN */
};

struct scsi_result {
	uint8_t status;			/* SAM_STAT_* */
	enum scsi_fail fail;
	uint32_t xfer;			/* bytes moved to or from the buffer */
	uint8_t sense_len;		/* 0 or SCSI_SENSE_LEN */
	uint8_t sense[SCSI_SENSE_LEN];
};

/*
 * The command's data buffer.  run() returns a host pointer to the
 * physically contiguous piece of the buffer at @off, at most @max bytes,
 * with its length in *@n, or NULL if that part is not memory the target
 * may use (a page outside guest RAM).  The target maps every byte it
 * moves before it touches the image.
 */
struct scsi_buf {
	uint64_t len;
	bool writable;		/* the target may store into it (data-in) */
	void *(*run)(void *ctx, uint64_t off, uint64_t max, uint64_t *n);
	void *ctx;
};

/* pending unit attention conditions of a LUN (SPC-4 5.14) */
#define SCSI_UA_CAPACITY	0x1	/* CAPACITY DATA HAS CHANGED */
#define SCSI_UA_LUNS		0x2	/* REPORTED LUNS DATA HAS CHANGED */

struct scsi_lun_stats {
	uint64_t cmds;
	uint64_t reads, writes, unmaps, flushes, write_sames;
	uint64_t read_bytes, written_bytes, unmapped_bytes;
	uint64_t check_conditions;	/* commands that ended in CHECK CONDITION */
	uint64_t io_errors;		/* the image file failed */
	uint64_t injected;		/* failures from "disk error" */
};

struct scsi_lun {
	struct blkimg img;
	uint8_t lun;
	uint8_t disk_id[16];	/* VPD 0x83 designators, VPD 0x80 serial */
	unsigned int ua;	/* SCSI_UA_* pending */
	bool sense_valid;	/* the last CHECK CONDITION, for REQUEST SENSE */
	uint8_t sense[SCSI_SENSE_LEN];
	/* test knobs ("disk error", "disk delay") */
	bool inject;			/* fail READ/WRITE with a medium error */
	uint64_t inject_left;		/* 0: until switched off */
	uint32_t delay_ms;		/* completions held this long */
	struct scsi_lun_stats st;
};

#define SCSI_MAX_LUNS		256

/*
 * A target: the LUNs behind one (path, target) of a controller, and the
 * scratch iovecs through which a READ or WRITE reaches its data buffer
 * (grown as needed; each target has its own, so instances share nothing).
 * All zero is an empty target.
 */
struct scsi_target {
	struct scsi_lun *lun[SCSI_MAX_LUNS];
	struct iovec *iov;
	size_t iov_cap;
};

/*
 * Execute one command for LUN @lun of @t (@t may be NULL: no target).
 * @cdb_len is what the initiator says (1..16); the CDB is checked against
 * its opcode's length.  Never fails: the outcome is in @res.
 */
void scsi_exec(struct scsi_target *t, unsigned int lun, const uint8_t *cdb,
	       unsigned int cdb_len, const struct scsi_buf *buf,
	       struct scsi_result *res);

/* the disk a new LUN reports (vendor, product, ids): from @id */
struct scsi_lun *scsi_lun_new(struct blkimg *img, unsigned int lun,
			      const uint8_t id[16]);
void scsi_lun_free(struct scsi_lun *l);
/* free every LUN of @t and its iovecs; @t is then an empty target */
void scsi_target_clear(struct scsi_target *t);
/* set @ua on every LUN of @t but @except (NULL: all) */
void scsi_target_set_ua(struct scsi_target *t, const struct scsi_lun *except,
			unsigned int ua);
void scsi_sense_fill(uint8_t sense[SCSI_SENSE_LEN], unsigned int key,
		     unsigned int asc_ascq);
/* constants the target reports, for tests and the README */
#define SCSI_MAX_UNMAP_DESCRIPTORS	4096	/* openvmm scsidisk */
#define SCSI_MAX_WRITE_SAME_BYTES	(8u << 20)	/* openvmm scsidisk */

/* ---- storvsp.c ---- */

enum storvsp_kind { STORVSP_IDE, STORVSP_SCSI, STORVSP_FC };

enum storvsp_state {
	STORVSP_BEGIN,		/* waiting for BEGIN_INITIALIZATION */
	STORVSP_QUERY_VERSION,
	STORVSP_QUERY_PROPERTIES,
	STORVSP_END_INIT,	/* FCHBA_DATA, CREATE_SUB_CHANNELS, END */
	STORVSP_READY,
};

struct storvsp_stats {
	uint64_t packets;		/* guest packets handled */
	uint64_t srbs;			/* EXECUTE_SRB */
	uint64_t bad;			/* malformed or out of order */
	uint64_t enumerates;		/* ENUMERATE_BUS sent */
	uint64_t delayed;		/* completions held by "disk delay" */
	uint64_t backlog;		/* completions that waited for ring room */
};

struct storvsp {
	struct vsp_device *dev;
	enum storvsp_kind kind;
	enum storvsp_state state;	/* the primary channel's handshake */
	uint16_t version;		/* negotiated */
	uint16_t max_version;		/* version= option */
	uint16_t max_subchannels;	/* channels= option ... */
	bool channels_set;		/* ... if given, else guest CPUs - 1 */
	uint16_t subchannels;		/* CREATE_SUB_CHANNELS asked for */
	uint32_t max_transfer;		/* maxxfer= option */
	uint8_t ide_path, ide_target;	/* IDE: where the one disk sits */
	uint8_t wwpn[8], wwnn[8];	/* FC */
	struct scsi_target tgt;		/* path 0 target 0 (IDE: ide_target) */
	struct storvsp_stats st;
	struct storvsp_delayed *delayed;	/* due-time order */
	unsigned int ndelayed;
	struct hv_timer timer;		/* the first of delayed is due */
};

extern const struct vsp_ops vsp_ide_ops, vsp_scsi_ops, vsp_fc_ops;

/* the storvsp state of a device of one of our classes, or NULL */
struct storvsp *storvsp_of(struct vsp_device *dev);
/* add/remove a LUN: unit attention on the others, ENUMERATE_BUS */
int storvsp_lun_add(struct storvsp *s, unsigned int lun, const char *path,
		    bool ro, unsigned int block_size, char *err, size_t errlen);
int storvsp_lun_remove(struct storvsp *s, unsigned int lun, char *err,
		       size_t errlen);
/* resize: unit attention on that LUN only */
int storvsp_lun_resize(struct storvsp *s, unsigned int lun, uint64_t bytes,
		       char *err, size_t errlen);
const char *storvsp_state_name(enum storvsp_state st);
/* send what "disk delay" held and is due (the timer does this) */
void storvsp_run_timers(struct storvsp *s);
/* ENUMERATE_BUS to the guest if the primary channel is ready */
void storvsp_enumerate(struct storvsp *s);

/* ctl.c: "disk ..." */
#define STORVSP_CTL_NCMDS	1
extern const struct ctl_cmd storvsp_ctl_cmds[STORVSP_CTL_NCMDS];

#endif /* HVSIM_STORAGE_H */
