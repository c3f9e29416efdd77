// SPDX-License-Identifier: GPL-2.0-only
/*
 * A SCSI disk target over image files, answering as Hyper-V's virtual
 * disks do.  Sources: microsoft/openvmm vm/devices/storage/scsidisk
 * (lib.rs, inquiry.rs, unmap.rs) and storvsp/src/lib.rs (REPORT LUNS,
 * absent LUNs) for what Hyper-V reports; SPC-4/SBC-3 for the formats;
 * drivers/scsi/storvsc_drv.c and sd.c (Linux 6.12) for what the guest
 * relies on.
 *
 * What the guest sees:
 *  - standard INQUIRY: direct-access device, SPC-3 (version 5), response
 *    format 2, CmdQue, "Msft    " "Virtual Disk    " "1.0 ", 104 bytes
 *    (openvmm INQUIRY_DATA_TEMPLATE);
 *  - VPD pages 0x00, 0x80 (serial: the disk id in hex), 0x83 (a T10
 *    vendor id designator "Msft" + disk id, and an NAA 6 designator with
 *    Microsoft's OUI 00-22-48, as openvmm), 0xB0 (UNMAP limits: any LBA
 *    count, 4096 descriptors, granularity 4 KiB; WRITE SAME up to 8 MiB),
 *    0xB1 (rotation rate 1: non-rotating), 0xB2 (LBPU, LBPWS, thin), and
 *    Microsoft's 0xCE/0xCF;
 *  - READ CAPACITY (10)/(16), the latter with LBPME set and 4 KiB
 *    physical blocks;
 *  - MODE SENSE (6)/(10): caching page (WCE=1), control page, all pages;
 *    WP in the device-specific parameter of a read-only disk, DPOFUA set;
 *  - fixed-format sense (0x70); unit attentions CAPACITY DATA HAS CHANGED
 *    and REPORTED LUNS DATA HAS CHANGED, each reported once (SPC-4 5.14:
 *    not by INQUIRY, REPORT LUNS clears the LUN-inventory one, REQUEST
 *    SENSE returns and clears it);
 *  - an absent LUN answers INQUIRY with peripheral qualifier 3 / type 0x1f
 *    and REPORT LUNS, and everything else with SRB_STATUS_INVALID_LUN
 *    (openvmm storvsp execute_scsi).
 * SRB classes follow openvmm scsidisk process_result: illegal requests
 * and bad buffers INVALID_REQUEST, the rest ERROR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/be.h"
#include "storage.h"

/* opcodes (SPC-4, SBC-3) */
enum {
	OP_TEST_UNIT_READY = 0x00,
	OP_REQUEST_SENSE = 0x03,
	OP_READ_6 = 0x08,
	OP_WRITE_6 = 0x0a,
	OP_INQUIRY = 0x12,
	OP_RESERVE_6 = 0x16,
	OP_RELEASE_6 = 0x17,
	OP_MODE_SENSE_6 = 0x1a,
	OP_START_STOP_UNIT = 0x1b,
	OP_PREVENT_ALLOW = 0x1e,
	OP_READ_CAPACITY_10 = 0x25,
	OP_READ_10 = 0x28,
	OP_WRITE_10 = 0x2a,
	OP_VERIFY_10 = 0x2f,
	OP_SYNCHRONIZE_CACHE_10 = 0x35,
	OP_WRITE_SAME_10 = 0x41,
	OP_UNMAP = 0x42,
	OP_MODE_SENSE_10 = 0x5a,
	OP_READ_16 = 0x88,
	OP_WRITE_16 = 0x8a,
	OP_VERIFY_16 = 0x8f,
	OP_SYNCHRONIZE_CACHE_16 = 0x91,
	OP_WRITE_SAME_16 = 0x93,
	OP_SERVICE_ACTION_IN_16 = 0x9e,
	OP_REPORT_LUNS = 0xa0,
	OP_READ_12 = 0xa8,
	OP_WRITE_12 = 0xaa,
	OP_VERIFY_12 = 0xaf,
};

#define SAI_READ_CAPACITY_16	0x10

#define INQUIRY_LEN		104	/* openvmm scsi_defs InquiryData */
#define PHYS_BLOCK		4096	/* what we report as physical block */

/* ---- results ---- */

void scsi_sense_fill(uint8_t sense[SCSI_SENSE_LEN], unsigned int key,
		     unsigned int asc_ascq)
{
	memset(sense, 0, SCSI_SENSE_LEN);
	sense[0] = 0x70;			/* current error, fixed format */
	sense[2] = (uint8_t)(key & 0xf);
	sense[7] = SCSI_SENSE_LEN - 8;		/* additional sense length */
	sense[12] = (uint8_t)(asc_ascq >> 8);
	sense[13] = (uint8_t)asc_ascq;
}

static void ok(struct scsi_result *res, uint64_t xfer)
{
	res->status = SAM_STAT_GOOD;
	res->fail = SCSI_OK;
	res->xfer = (uint32_t)xfer;
	res->sense_len = 0;
}

static void fail(struct scsi_result *res, enum scsi_fail how,
		 unsigned int key, unsigned int asc)
{
	res->status = SAM_STAT_CHECK_CONDITION;
	res->fail = how;
	res->xfer = 0;
	res->sense_len = SCSI_SENSE_LEN;
	scsi_sense_fill(res->sense, key, asc);
}

static void illegal(struct scsi_result *res, unsigned int asc)
{
	fail(res, SCSI_FAIL_INVALID, SK_ILLEGAL_REQUEST, asc);
}

/* ---- the data buffer ---- */

/*
 * Walk [off, off + len) of @buf run by run, calling @fn (if any) on each.
 * -EFAULT if any byte is not usable, or what @fn returns if not 0.
 */
static int buf_walk(const struct scsi_buf *buf, uint64_t off, uint64_t len,
		    int (*fn)(void *p, uint64_t n, void *arg), void *arg)
{
	if (off > buf->len || len > buf->len - off || !buf->run)
		return -EFAULT;
	while (len) {
		uint64_t got = 0;
		void *p = buf->run(buf->ctx, off, len, &got);
		int ret;

		if (!p || !got || got > len)
			return -EFAULT;
		ret = fn ? fn(p, got, arg) : 0;
		if (ret)
			return ret;
		off += got;
		len -= got;
	}
	return 0;
}

/* buf_map()'s walker: append a run to the target's iovecs */
struct iov_fill {
	struct scsi_target *t;
	int n;
};

static int iov_add(void *p, uint64_t len, void *arg)
{
	struct iov_fill *f = arg;
	struct scsi_target *t = f->t;

	if ((size_t)f->n == t->iov_cap) {
		size_t want = t->iov_cap ? t->iov_cap * 2 : 64;
		struct iovec *v;

		if (want > 1u << 20)
			return -EFAULT;
		v = realloc(t->iov, want * sizeof(*v));
		if (!v)
			return -EFAULT;
		t->iov = v;
		t->iov_cap = want;
	}
	t->iov[f->n].iov_base = p;
	t->iov[f->n].iov_len = (size_t)len;
	f->n++;
	return 0;
}

/*
 * iovecs for [off, off + len) of @buf in t->iov (grown as needed; good
 * until the next command of @t).  Returns their count, or -EFAULT if any
 * byte is not usable.  A transfer is at most a few MiB: the transport
 * caps it.
 */
static int buf_map(struct scsi_target *t, const struct scsi_buf *buf,
		   uint64_t off, uint64_t len)
{
	struct iov_fill f = { .t = t };
	int ret = buf_walk(buf, off, len, iov_add, &f);

	return ret ? ret : f.n;
}

/* buf_copy()'s walker: @arg points to the cursor in the host buffer */
static int copy_to_run(void *p, uint64_t n, void *arg)
{
	uint8_t **d = arg;

	memcpy(p, *d, n);
	*d += n;
	return 0;
}

static int copy_from_run(void *p, uint64_t n, void *arg)
{
	uint8_t **d = arg;

	memcpy(*d, p, n);
	*d += n;
	return 0;
}

/* copy @len bytes between @data and @buf at @off; every byte is checked first */
static int buf_copy(const struct scsi_buf *buf, uint64_t off, void *data,
		    uint64_t len, bool to_buf)
{
	uint8_t *d = data;
	int ret;

	if (!len)
		return 0;
	if (to_buf && !buf->writable)
		return -EFAULT;
	ret = buf_walk(buf, off, len, NULL, NULL);
	if (ret)
		return ret;
	return buf_walk(buf, off, len, to_buf ? copy_to_run : copy_from_run,
			&d);
}

/*
 * Data-in of a response of @len bytes, cut to the allocation length and
 * to the buffer (SPC-4 4.2.5.6: a shorter transfer is not an error).
 */
static void respond(struct scsi_result *res, const struct scsi_buf *buf,
		    const void *data, uint64_t len, uint64_t alloc)
{
	uint64_t n = len;

	if (n > alloc)
		n = alloc;
	if (n > buf->len)
		n = buf->len;
	if (buf_copy(buf, 0, (void *)data, n, true)) {
		/* openvmm: a memory access error is an invalid request */
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	ok(res, n);
}

/* ---- LUNs ---- */

struct scsi_lun *scsi_lun_new(struct blkimg *img, unsigned int lun,
			      const uint8_t id[16])
{
	struct scsi_lun *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->img = *img;
	l->lun = (uint8_t)lun;
	memcpy(l->disk_id, id, sizeof(l->disk_id));
	return l;
}

void scsi_lun_free(struct scsi_lun *l)
{
	if (!l)
		return;
	blkimg_close(&l->img);
	free(l);
}

void scsi_target_clear(struct scsi_target *t)
{
	for (unsigned int i = 0; i < SCSI_MAX_LUNS; i++) {
		scsi_lun_free(t->lun[i]);
		t->lun[i] = NULL;
	}
	free(t->iov);
	t->iov = NULL;
	t->iov_cap = 0;
}

void scsi_target_set_ua(struct scsi_target *t, const struct scsi_lun *except,
			unsigned int ua)
{
	for (unsigned int i = 0; i < SCSI_MAX_LUNS; i++)
		if (t->lun[i] && t->lun[i] != except)
			t->lun[i]->ua |= ua;
}

/* the next unit attention to report, highest priority first */
static unsigned int ua_next(const struct scsi_lun *l, unsigned int *asc)
{
	if (l->ua & SCSI_UA_CAPACITY) {
		*asc = ASC_CAPACITY_DATA_CHANGED;
		return SCSI_UA_CAPACITY;
	}
	if (l->ua & SCSI_UA_LUNS) {
		*asc = ASC_REPORTED_LUNS_CHANGED;
		return SCSI_UA_LUNS;
	}
	return 0;
}

/* ---- INQUIRY ---- */

static void inquiry_std(uint8_t *d, bool present, unsigned int lun)
{
	memset(d, 0, INQUIRY_LEN);
	/* an absent LUN: qualifier 3, type 0x1f (openvmm storvsp) */
	d[0] = present ? 0x00 : 0x7f;
	d[2] = 0x05;			/* SPC-3 */
	d[3] = 0x02;			/* response data format 2 */
	d[4] = INQUIRY_LEN - 5;
	d[7] = 0x02;			/* CmdQue */
	/* openvmm blanks the strings for an absent LUN other than 0 */
	if (present || lun == 0) {
		memcpy(d + 8, "Msft    ", 8);
		memcpy(d + 16, "Virtual Disk    ", 16);
		memcpy(d + 32, "1.0 ", 4);
	}
}

static void hex_id(char out[33], const uint8_t id[16])
{
	static const char hex[] = "0123456789ABCDEF";

	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[id[i] >> 4];
		out[2 * i + 1] = hex[id[i] & 0xf];
	}
	out[32] = '\0';
}

/* the VPD pages we have, ascending (SPC-4 7.8.15) */
static const uint8_t vpd_pages[] = {
	0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2, 0xce, 0xcf,
};

/* openvmm inquiry.rs VPD_MSFT_VIRTUAL_DEVICE_PROPERTIES_PAGE_SIGNATURE */
static const guid_t msft_vdp_signature =
	GUID_INIT(0x89a98f15, 0xc928, 0x4d8b, 0x94, 0xcd, 0xef, 0x51, 0xfa,
		  0xa9, 0x9d, 0x33);

/* build VPD page @page into @d (256 bytes); its length, or 0 if none */
static unsigned int vpd_page(const struct scsi_lun *l, uint8_t page,
			     uint8_t *d)
{
	uint64_t blocks = blkimg_blocks(&l->img);
	unsigned int shift = l->img.lb_shift, len = 0, e = 0;
	uint8_t *p = d + 4;

	memset(d, 0, 256);
	d[1] = page;
	switch (page) {
	case 0x00:
		len = sizeof(vpd_pages);
		memcpy(p, vpd_pages, len);
		break;
	case 0x80: {
		char serial[33];

		hex_id(serial, l->disk_id);
		len = 32;
		memcpy(p, serial, len);
		break;
	}
	case 0x83:
		/* T10 vendor id: binary code set, LU association (openvmm) */
		p[0] = 0x01;
		p[1] = 0x01;
		p[3] = 24;
		memcpy(p + 4, "Msft    ", 8);
		memcpy(p + 12, l->disk_id, 16);
		/* NAA 6, OUI 00-22-48, first and last 6 bytes of the id */
		p[28] = 0x01;
		p[29] = 0x03;
		p[31] = 16;
		p[32] = 0x60;
		p[33] = 0x02;
		p[34] = 0x24;
		p[35] = 0x80;
		memcpy(p + 36, l->disk_id, 6);
		memcpy(p + 42, l->disk_id + 10, 6);
		len = 48;
		break;
	case 0xb0:
		len = 0x3c;
		p[0] = 0x01;			/* WSNZ: no 0-block WRITE SAME */
		put32(p + 16, 0xffffffff);	/* maximum unmap LBA count */
		put32(p + 20, SCSI_MAX_UNMAP_DESCRIPTORS);
		put32(p + 24, PHYS_BLOCK >> shift);	/* optimal granularity */
		put32(p + 28, 0x80000000);	/* UGAVALID, alignment 0 */
		put64(p + 32, SCSI_MAX_WRITE_SAME_BYTES >> shift);
		break;
	case 0xb1:
		len = 0x3c;
		put16(p, 1);			/* non-rotating medium */
		break;
	case 0xb2:
		/* threshold exponent: (blocks >> e) < 2^32, e >= 1 (openvmm) */
		while ((blocks >> e) > 0xffffffffull || e < 1)
			e++;
		len = 4;
		p[0] = (uint8_t)e;
		p[1] = 0xc0;			/* LBPU, LBPWS */
		p[2] = 0x02;			/* thin provisioned */
		break;
	case 0xce:
		/* Microsoft paging extent properties (openvmm) */
		len = 4;
		p[0] = 1;
		p[1] = 1;
		break;
	case 0xcf:
		/* Microsoft virtual device properties (openvmm) */
		len = 20;
		p[0] = 1;
		memcpy(p + 4, &msft_vdp_signature, 16);
		break;
	default:
		return 0;
	}
	put16(d + 2, (uint16_t)len);
	return len + 4;
}

static void cmd_inquiry(struct scsi_lun *l, unsigned int lun,
			const uint8_t *cdb, const struct scsi_buf *buf,
			struct scsi_result *res)
{
	uint8_t d[256];
	unsigned int alloc = be16(cdb + 3), len;

	/* CmdDt is obsolete; a page code needs EVPD (SPC-4 6.6) */
	if ((cdb[1] & 0x02) || (!(cdb[1] & 0x01) && cdb[2])) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	if (!(cdb[1] & 0x01)) {
		inquiry_std(d, l != NULL, lun);
		respond(res, buf, d, INQUIRY_LEN, alloc);
		return;
	}
	len = l ? vpd_page(l, cdb[2], d) : 0;
	if (!len) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	respond(res, buf, d, len, alloc);
}

/* ---- REPORT LUNS, REQUEST SENSE ---- */

static void cmd_report_luns(struct scsi_target *t, const uint8_t *cdb,
			    const struct scsi_buf *buf,
			    struct scsi_result *res)
{
	uint8_t d[8 + 8 * SCSI_MAX_LUNS];
	uint32_t alloc = be32(cdb + 6), n = 0;

	/* SELECT REPORT 0..2 are all "the LUNs there are" for us */
	if (cdb[2] > 2 || alloc < 16) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	memset(d, 0, sizeof(d));
	for (unsigned int i = 0; t && i < SCSI_MAX_LUNS; i++) {
		if (!t->lun[i])
			continue;
		/* single-level peripheral device addressing (SAM-5 4.7.7) */
		d[8 + 8 * n + 1] = (uint8_t)i;
		n++;
	}
	put32(d, n * 8);
	respond(res, buf, d, 8 + 8ull * n, alloc);
}

static void cmd_request_sense(struct scsi_lun *l, const uint8_t *cdb,
			      const struct scsi_buf *buf,
			      struct scsi_result *res)
{
	uint8_t s[SCSI_SENSE_LEN];
	unsigned int asc, ua;

	/* descriptor format is not supported (SPC-4 6.39) */
	if (cdb[1] & 0x01) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	ua = ua_next(l, &asc);
	if (ua) {
		scsi_sense_fill(s, SK_UNIT_ATTENTION, asc);
		l->ua &= ~ua;
	} else if (l->sense_valid) {
		memcpy(s, l->sense, sizeof(s));
	} else {
		scsi_sense_fill(s, SK_NO_SENSE, ASC_NONE);
	}
	l->sense_valid = false;
	respond(res, buf, s, sizeof(s), cdb[4]);
}

/* ---- MODE SENSE ---- */

static unsigned int mode_page(uint8_t code, unsigned int pc, uint8_t *p)
{
	switch (code) {
	case 0x08:
		/* caching (SBC-3 6.4.5): WCE unless "changeable" is asked */
		memset(p, 0, 20);
		p[0] = 0x08;
		p[1] = 0x12;
		if (pc != 1)
			p[2] = 0x04;		/* WCE */
		return 20;
	case 0x0a:
		/* control (SPC-4 7.5.8): fixed sense, unrestricted reordering */
		memset(p, 0, 12);
		p[0] = 0x0a;
		p[1] = 0x0a;
		if (pc != 1)
			p[3] = 0x10;		/* queue algorithm modifier 1 */
		return 12;
	}
	return 0;
}

static void cmd_mode_sense(struct scsi_lun *l, const uint8_t *cdb,
			   const struct scsi_buf *buf,
			   struct scsi_result *res)
{
	bool ten = cdb[0] == OP_MODE_SENSE_10;
	unsigned int pc = cdb[2] >> 6, code = cdb[2] & 0x3f, hdr = ten ? 8 : 4;
	unsigned int alloc = ten ? be16(cdb + 7) : cdb[4], len;
	uint8_t d[8 + 20 + 12];
	/* WP for a read-only disk, DPOFUA: FUA is honoured (SBC-3 6.4.1) */
	uint8_t dsp = (uint8_t)((l->img.ro ? 0x80 : 0) | 0x10);

	if (pc == 3) {
		fail(res, SCSI_FAIL_INVALID, SK_ILLEGAL_REQUEST,
		     ASC_SAVING_NOT_SUPPORTED);
		return;
	}
	/* no subpages */
	if (cdb[3] || (code != 0x08 && code != 0x0a && code != 0x3f)) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	memset(d, 0, sizeof(d));
	len = hdr;
	if (code == 0x08 || code == 0x3f)
		len += mode_page(0x08, pc, d + len);
	if (code == 0x0a || code == 0x3f)
		len += mode_page(0x0a, pc, d + len);
	/* no block descriptors: their length stays 0 */
	if (ten) {
		put16(d, (uint16_t)(len - 2));
		d[3] = dsp;
	} else {
		d[0] = (uint8_t)(len - 1);
		d[2] = dsp;
	}
	respond(res, buf, d, len, alloc);
}

/* ---- capacity ---- */

static void cmd_read_capacity_10(struct scsi_lun *l,
				 const struct scsi_buf *buf,
				 struct scsi_result *res)
{
	uint64_t last = blkimg_blocks(&l->img) - 1;
	uint8_t d[8];

	/* openvmm: a buffer without room for the answer is an overrun */
	if (buf->len < sizeof(d)) {
		fail(res, SCSI_FAIL_OVERRUN, SK_ILLEGAL_REQUEST,
		     ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	/* too big for 32 bits: 0xffffffff says "use READ CAPACITY (16)" */
	put32(d, last > 0xffffffffull ? 0xffffffff : (uint32_t)last);
	put32(d + 4, 1u << l->img.lb_shift);
	respond(res, buf, d, sizeof(d), sizeof(d));
}

static void cmd_read_capacity_16(struct scsi_lun *l, const uint8_t *cdb,
				 const struct scsi_buf *buf,
				 struct scsi_result *res)
{
	uint8_t d[32];

	if ((cdb[1] & 0x1f) != SAI_READ_CAPACITY_16) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	memset(d, 0, sizeof(d));
	put64(d, blkimg_blocks(&l->img) - 1);
	put32(d + 8, 1u << l->img.lb_shift);
	/* logical blocks per physical block exponent */
	d[13] = (uint8_t)(12 - l->img.lb_shift);
	d[14] = 0x80;			/* LBPME: thin provisioning */
	respond(res, buf, d, sizeof(d), be32(cdb + 10));
}

/* ---- media access ---- */

/* [lba, lba + n) inside the disk; n may be 0 */
static bool lba_ok(const struct scsi_lun *l, uint64_t lba, uint64_t n)
{
	uint64_t blocks = blkimg_blocks(&l->img);

	return lba <= blocks && n <= blocks - lba;
}

static void io_fail(struct scsi_lun *l, struct scsi_result *res, bool write,
		    int err)
{
	l->st.io_errors++;
	log_warn("scsi: LUN %u %s: image %s: %s", l->lun,
		 write ? "write" : "read", l->img.path, strerror(-err));
	fail(res, SCSI_FAIL_ERROR, SK_MEDIUM_ERROR,
	     write ? ASC_WRITE_ERROR : ASC_UNRECOVERED_READ_ERROR);
}

/* a READ or WRITE as its CDB says it */
struct rw_cmd {
	uint64_t lba, n;	/* logical blocks */
	bool write, fua;
};

/* decode READ/WRITE (6)/(10)/(12)/(16); false: a field we refuse */
static bool rw_decode(const uint8_t *cdb, struct rw_cmd *rw)
{
	memset(rw, 0, sizeof(*rw));
	switch (cdb[0]) {
	case OP_WRITE_6:
		rw->write = true;
		/* fall through */
	case OP_READ_6:
		rw->lba = (uint64_t)(cdb[1] & 0x1f) << 16 | be16(cdb + 2);
		rw->n = cdb[4] ? cdb[4] : 256;	/* SBC-3 5.15: 0 means 256 */
		return true;
	case OP_WRITE_10:
	case OP_WRITE_12:
	case OP_WRITE_16:
		rw->write = true;
		break;
	}
	/* no protection information: RDPROTECT/WRPROTECT must be 0 */
	if (cdb[1] & 0xe0)
		return false;
	rw->fua = cdb[1] & 0x08;
	switch (cdb[0]) {
	case OP_READ_10:
	case OP_WRITE_10:
		rw->lba = be32(cdb + 2);
		rw->n = be16(cdb + 7);
		break;
	case OP_READ_12:
	case OP_WRITE_12:
		rw->lba = be32(cdb + 2);
		rw->n = be32(cdb + 6);
		break;
	default:
		rw->lba = be64(cdb + 2);
		rw->n = be32(cdb + 10);
		break;
	}
	return true;
}

/*
 * Everything that refuses a READ or WRITE before the data buffer is
 * looked at, in this order; true if @res now says why.  A transfer
 * length of 0 ends here too, successfully.
 */
static bool rw_refused(struct scsi_lun *l, const struct rw_cmd *rw,
		       const struct scsi_buf *buf, struct scsi_result *res)
{
	if (!lba_ok(l, rw->lba, rw->n)) {
		illegal(res, ASC_LBA_OUT_OF_RANGE);
		return true;
	}
	if ((rw->n << l->img.lb_shift) > buf->len) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return true;
	}
	if (rw->write && l->img.ro) {
		fail(res, SCSI_FAIL_ERROR, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
		return true;
	}
	if (!rw->n) {
		/* SBC-3: a transfer length of 0 is not an error */
		ok(res, 0);
		return true;
	}
	if (!rw->write && !buf->writable) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return true;
	}
	if (l->inject) {
		l->st.injected++;
		if (l->inject_left && !--l->inject_left)
			l->inject = false;
		fail(res, SCSI_FAIL_ERROR, SK_MEDIUM_ERROR,
		     rw->write ? ASC_WRITE_ERROR : ASC_UNRECOVERED_READ_ERROR);
		return true;
	}
	return false;
}

static void cmd_rw(struct scsi_target *t, struct scsi_lun *l,
		   const uint8_t *cdb, const struct scsi_buf *buf,
		   struct scsi_result *res)
{
	uint64_t bytes, off;
	struct rw_cmd rw;
	int niov, ret;

	if (!rw_decode(cdb, &rw)) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	if (rw_refused(l, &rw, buf, res))
		return;
	bytes = rw.n << l->img.lb_shift;
	off = rw.lba << l->img.lb_shift;
	/* every page is checked before the image is touched */
	niov = buf_map(t, buf, 0, bytes);
	if (niov < 0) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	if (rw.write) {
		ret = blkimg_writev(&l->img, t->iov, niov, off);
		if (!ret && rw.fua)
			ret = blkimg_flush(&l->img);
	} else {
		ret = blkimg_readv(&l->img, t->iov, niov, off);
	}
	if (ret) {
		io_fail(l, res, rw.write, ret);
		return;
	}
	if (rw.write) {
		l->st.writes++;
		l->st.written_bytes += bytes;
	} else {
		l->st.reads++;
		l->st.read_bytes += bytes;
	}
	ok(res, bytes);
}

static void cmd_sync_cache(struct scsi_lun *l, const uint8_t *cdb,
			   struct scsi_result *res)
{
	bool sixteen = cdb[0] == OP_SYNCHRONIZE_CACHE_16;
	uint64_t lba = sixteen ? be64(cdb + 2) : be32(cdb + 2);
	uint64_t n = sixteen ? be32(cdb + 10) : be16(cdb + 7);
	int ret;

	/* n == 0: to the end of the disk (SBC-3 5.22) */
	if (!lba_ok(l, lba, n) || (!n && lba >= blkimg_blocks(&l->img))) {
		illegal(res, ASC_LBA_OUT_OF_RANGE);
		return;
	}
	ret = blkimg_flush(&l->img);
	if (ret) {
		io_fail(l, res, true, ret);
		return;
	}
	l->st.flushes++;
	ok(res, 0);
}

static void cmd_verify(struct scsi_lun *l, const uint8_t *cdb,
		       struct scsi_result *res)
{
	uint64_t lba, n;

	switch (cdb[0]) {
	case OP_VERIFY_10:
		lba = be32(cdb + 2);
		n = be16(cdb + 7);
		break;
	case OP_VERIFY_12:
		lba = be32(cdb + 2);
		n = be32(cdb + 6);
		break;
	default:
		lba = be64(cdb + 2);
		n = be32(cdb + 10);
		break;
	}
	/* the medium is always fine: only the range is checked (openvmm) */
	if (!lba_ok(l, lba, n)) {
		illegal(res, ASC_LBA_OUT_OF_RANGE);
		return;
	}
	ok(res, 0);
}

/* ---- UNMAP, WRITE SAME ---- */

static void cmd_unmap(struct scsi_lun *l, const uint8_t *cdb,
		      const struct scsi_buf *buf, struct scsi_result *res)
{
	unsigned int plen = be16(cdb + 7), ndesc, bdl;
	unsigned int shift = l->img.lb_shift;
	uint8_t *p;

	/* no anchored LBAs (SBC-3 5.28) */
	if (cdb[1] & 0x01) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	if (!plen) {
		ok(res, 0);
		return;
	}
	if (l->img.ro) {
		fail(res, SCSI_FAIL_ERROR, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
		return;
	}
	if (plen < 8) {
		illegal(res, ASC_PARAMETER_LIST_LENGTH);
		return;
	}
	if (plen > buf->len) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	p = malloc(plen);
	if (!p) {
		fail(res, SCSI_FAIL_ERROR, SK_MEDIUM_ERROR, ASC_WRITE_ERROR);
		return;
	}
	if (buf_copy(buf, 0, p, plen, false)) {
		free(p);
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	/* descriptors that do not fit the list are ignored (SBC-3 5.28.2) */
	bdl = be16(p + 2);
	if (bdl > plen - 8)
		bdl = plen - 8;
	ndesc = bdl / 16;
	if (ndesc > SCSI_MAX_UNMAP_DESCRIPTORS) {
		free(p);
		illegal(res, ASC_INVALID_FIELD_IN_PARAM);
		return;
	}
	/* all or nothing: check every range first */
	for (unsigned int i = 0; i < ndesc; i++) {
		const uint8_t *d = p + 8 + 16 * i;

		if (!lba_ok(l, be64(d), be32(d + 8))) {
			free(p);
			illegal(res, ASC_LBA_OUT_OF_RANGE);
			return;
		}
	}
	for (unsigned int i = 0; i < ndesc; i++) {
		const uint8_t *d = p + 8 + 16 * i;
		uint64_t off = be64(d) << shift, len = (uint64_t)be32(d + 8) << shift;
		int ret = blkimg_punch(&l->img, off, len);

		/* openvmm: unmap failures are ignored; it is advice */
		if (ret) {
			l->st.io_errors++;
			log_guest("scsi: LUN %u: unmap %s: %s", l->lun,
				  l->img.path, strerror(-ret));
		} else {
			l->st.unmapped_bytes += len;
		}
	}
	free(p);
	l->st.unmaps++;
	ok(res, plen);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void cmd_write_same(struct scsi_lun *l, const uint8_t *cdb,
			   const struct scsi_buf *buf,
			   struct scsi_result *res)
{
	bool sixteen = cdb[0] == OP_WRITE_SAME_16;
	bool unmap = cdb[1] & 0x08, ndob = sixteen && (cdb[1] & 0x01);
	uint64_t lba = sixteen ? be64(cdb + 2) : be32(cdb + 2);
	uint64_t n = sixteen ? be32(cdb + 10) : be16(cdb + 7);
	unsigned int shift = l->img.lb_shift, bs = 1u << shift;
	uint8_t block[4096], *pat;
	size_t patlen = 0;
	uint64_t off, left;
	int ret = 0;

	/* ANCHOR, PBDATA, LBDATA unsupported; WSNZ: no 0-block form */
	if ((cdb[1] & 0x16) || !n) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	/* the CDB first, then the medium */
	if ((n << shift) > SCSI_MAX_WRITE_SAME_BYTES) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	if (!lba_ok(l, lba, n)) {
		illegal(res, ASC_LBA_OUT_OF_RANGE);
		return;
	}
	if (l->img.ro) {
		fail(res, SCSI_FAIL_ERROR, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
		return;
	}
	if (ndob) {
		memset(block, 0, bs);
	} else if (buf->len < bs || buf_copy(buf, 0, block, bs, false)) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	off = lba << shift;
	left = n << shift;
	l->st.write_sames++;
	/* UNMAP with a zero block: a hole reads as zeros, so punch */
	if (unmap && all_zero(block, bs)) {
		ret = blkimg_punch(&l->img, off, left);
		if (ret) {
			io_fail(l, res, true, ret);
			return;
		}
		l->st.unmapped_bytes += left;
		ok(res, ndob ? 0 : bs);
		return;
	}
	/* the block repeated, written in pieces of up to 1 MiB */
	patlen = left < (1u << 20) ? left : (1u << 20);
	pat = malloc(patlen);
	if (!pat) {
		io_fail(l, res, true, -ENOMEM);
		return;
	}
	for (size_t i = 0; i < patlen; i += bs)
		memcpy(pat + i, block, bs);
	while (left && !ret) {
		struct iovec iov = {
			.iov_base = pat,
			.iov_len = left < patlen ? left : patlen,
		};

		ret = blkimg_writev(&l->img, &iov, 1, off);
		off += iov.iov_len;
		left -= iov.iov_len;
	}
	free(pat);
	if (ret) {
		io_fail(l, res, true, ret);
		return;
	}
	l->st.written_bytes += n << shift;
	ok(res, ndob ? 0 : bs);
}

/* ---- dispatch ---- */

/* CDB length by opcode group (SPC-4 4.2.5.1); 0: vendor or reserved */
static unsigned int cdb_size(uint8_t op)
{
	static const uint8_t sizes[8] = { 6, 10, 10, 0, 16, 12, 0, 0 };

	return sizes[op >> 5];
}

/*
 * A pending unit attention fails the command once (SPC-4 5.14), except
 * INQUIRY, REPORT LUNS (which clears the LUN-inventory one) and REQUEST
 * SENSE (which reports it as its data).  True if it failed this one.
 */
static bool ua_fails(struct scsi_lun *l, uint8_t op, struct scsi_result *res)
{
	unsigned int asc, ua;

	ua = ua_next(l, &asc);
	if (!ua || op == OP_INQUIRY || op == OP_REPORT_LUNS ||
	    op == OP_REQUEST_SENSE)
		return false;
	l->ua &= ~ua;
	fail(res, SCSI_FAIL_ERROR, SK_UNIT_ATTENTION, asc);
	return true;
}

static void cmd_start_stop(struct scsi_lun *l, const uint8_t *cdb,
			   struct scsi_result *res)
{
	/* accepted; stopping flushes (openvmm handle_start_stop) */
	if (!(cdb[4] & 0x01) && blkimg_flush(&l->img)) {
		io_fail(l, res, true, -EIO);
		return;
	}
	ok(res, 0);
}

static void exec_lun(struct scsi_target *t, struct scsi_lun *l,
		     const uint8_t *cdb, const struct scsi_buf *buf,
		     struct scsi_result *res)
{
	if (ua_fails(l, cdb[0], res))
		return;
	switch (cdb[0]) {
	case OP_TEST_UNIT_READY:
	case OP_RESERVE_6:
	case OP_RELEASE_6:
	case OP_PREVENT_ALLOW:
		ok(res, 0);
		return;
	case OP_REQUEST_SENSE:
		cmd_request_sense(l, cdb, buf, res);
		return;
	case OP_INQUIRY:
		cmd_inquiry(l, l->lun, cdb, buf, res);
		return;
	case OP_REPORT_LUNS:
		l->ua &= ~SCSI_UA_LUNS;
		cmd_report_luns(t, cdb, buf, res);
		return;
	case OP_MODE_SENSE_6:
	case OP_MODE_SENSE_10:
		cmd_mode_sense(l, cdb, buf, res);
		return;
	case OP_READ_CAPACITY_10:
		cmd_read_capacity_10(l, buf, res);
		return;
	case OP_SERVICE_ACTION_IN_16:
		cmd_read_capacity_16(l, cdb, buf, res);
		return;
	case OP_READ_6:
	case OP_WRITE_6:
	case OP_READ_10:
	case OP_WRITE_10:
	case OP_READ_12:
	case OP_WRITE_12:
	case OP_READ_16:
	case OP_WRITE_16:
		cmd_rw(t, l, cdb, buf, res);
		return;
	case OP_SYNCHRONIZE_CACHE_10:
	case OP_SYNCHRONIZE_CACHE_16:
		cmd_sync_cache(l, cdb, res);
		return;
	case OP_UNMAP:
		cmd_unmap(l, cdb, buf, res);
		return;
	case OP_WRITE_SAME_10:
	case OP_WRITE_SAME_16:
		cmd_write_same(l, cdb, buf, res);
		return;
	case OP_VERIFY_10:
	case OP_VERIFY_12:
	case OP_VERIFY_16:
		cmd_verify(l, cdb, res);
		return;
	case OP_START_STOP_UNIT:
		cmd_start_stop(l, cdb, res);
		return;
	}
	illegal(res, ASC_INVALID_OPCODE);
}

void scsi_exec(struct scsi_target *t, unsigned int lun, const uint8_t *cdb_in,
	       unsigned int cdb_len, const struct scsi_buf *buf,
	       struct scsi_result *res)
{
	struct scsi_lun *l = t && lun < SCSI_MAX_LUNS ? t->lun[lun] : NULL;
	uint8_t cdb[16] = { 0 };
	unsigned int need;

	memset(res, 0, sizeof(*res));
	if (cdb_len < 1 || cdb_len > sizeof(cdb)) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		goto out;
	}
	/* one copy: the guest may rewrite its packet meanwhile */
	memcpy(cdb, cdb_in, cdb_len);
	if (!l) {
		/* openvmm storvsp: only these two work without a disk */
		if (cdb[0] == OP_INQUIRY)
			cmd_inquiry(NULL, lun, cdb, buf, res);
		else if (cdb[0] == OP_REPORT_LUNS)
			cmd_report_luns(t, cdb, buf, res);
		else {
			res->status = SAM_STAT_CHECK_CONDITION;
			res->fail = SCSI_FAIL_NO_LUN;
		}
		return;
	}
	l->st.cmds++;
	need = cdb_size(cdb[0]);
	if (need && cdb_len < need) {
		illegal(res, ASC_INVALID_FIELD_IN_CDB);
		goto out;
	}
	exec_lun(t, l, cdb, buf, res);
	/* a REQUEST SENSE that worked has dealt with the sense itself */
	if (cdb[0] == OP_REQUEST_SENSE && res->status == SAM_STAT_GOOD)
		return;
out:
	if (!l)
		return;
	/* REQUEST SENSE returns the last failure (openvmm SenseDataSlot) */
	l->sense_valid = res->status == SAM_STAT_CHECK_CONDITION &&
			 res->sense_len;
	if (l->sense_valid) {
		memcpy(l->sense, res->sense, sizeof(l->sense));
		l->st.check_conditions++;
	}
}
