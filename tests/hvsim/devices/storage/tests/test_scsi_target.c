// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SCSI target (scsi_target.c) and the image backend (blkimg.c) on
 * sparse temporary files: every command, the sense data of each failure,
 * unit attentions, error injection, hole punching (st_blocks), and data
 * buffers with holes (pages that are not guest RAM).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lib/be.h"
#include "tests/vmbus_guest.h"
#include "devices/storage/storage.h"

/* ---- a data buffer in memory, cut into runs, maybe with a hole ---- */

struct mbuf {
	uint8_t *p;
	uint64_t run;			/* max bytes per run (a "page") */
	uint64_t hole_off, hole_len;	/* not mappable */
};

static void *mbuf_run(void *ctx, uint64_t off, uint64_t max, uint64_t *n)
{
	struct mbuf *m = ctx;
	uint64_t k = m->run - off % m->run;

	if (m->hole_len && off < m->hole_off + m->hole_len &&
	    off + (k < max ? k : max) > m->hole_off)
		return NULL;
	*n = k < max ? k : max;
	return m->p + off;
}

static uint8_t data[1 << 20], pattern[1 << 20];
static const uint8_t zeros[512];
static struct mbuf mb = { .p = data, .run = 4096 };

static struct scsi_buf mkbuf(uint64_t len, bool writable)
{
	return (struct scsi_buf){ .len = len, .writable = writable,
				  .run = mbuf_run, .ctx = &mb };
}

/* ---- images ---- */

static char tmpdir[256];

static const char *img_path(const char *name)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static bool mkimg(const char *name, uint64_t size)
{
	int fd = open(img_path(name), O_RDWR | O_CREAT | O_TRUNC, 0600);
	bool ok = fd >= 0 && ftruncate(fd, (off_t)size) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static uint64_t img_blocks(const char *name)
{
	struct stat st;

	return stat(img_path(name), &st) ? ~0ull : (uint64_t)st.st_blocks;
}

static struct scsi_target tgt;

static struct scsi_lun *addlun(unsigned int lun, const char *name, bool ro,
			       unsigned int bs)
{
	uint8_t id[16];
	struct blkimg b;
	char err[256];

	for (int i = 0; i < 16; i++)
		id[i] = (uint8_t)(0x10 * lun + i);
	if (blkimg_open(&b, img_path(name), ro, bs, err, sizeof(err))) {
		printf("# %s\n", err);
		return NULL;
	}
	tgt.lun[lun] = scsi_lun_new(&b, lun, id);
	return tgt.lun[lun];
}

static void clear_target(void)
{
	scsi_target_clear(&tgt);
}

/* ---- commands ---- */

static struct scsi_result res;

static void run(unsigned int lun, const uint8_t *cdb, unsigned int len,
		uint64_t buflen, bool writable)
{
	struct scsi_buf b = mkbuf(buflen, writable);

	scsi_exec(&tgt, lun, cdb, len, &b, &res);
}

#define CDB(...)	((const uint8_t[]){ __VA_ARGS__ })
#define RUN(lun, buflen, wr, ...)					\
	run((lun), CDB(__VA_ARGS__), sizeof(CDB(__VA_ARGS__)), (buflen), (wr))

static bool good(uint32_t xfer)
{
	if (res.status || res.fail || res.xfer != xfer || res.sense_len) {
		printf("#   status %u fail %d xfer %u (want %u) sense %x/%02x/%02x\n",
		       res.status, res.fail, res.xfer, xfer, res.sense[2],
		       res.sense[12], res.sense[13]);
		return false;
	}
	return true;
}

static bool check(enum scsi_fail how, unsigned int key, unsigned int asc)
{
	if (res.status != SAM_STAT_CHECK_CONDITION || res.fail != how ||
	    res.sense_len != SCSI_SENSE_LEN || res.sense[0] != 0x70 ||
	    res.sense[7] != 10 || res.sense[2] != key ||
	    res.sense[12] != asc >> 8 || res.sense[13] != (asc & 0xff) ||
	    res.xfer) {
		printf("#   status %u fail %d sense_len %u: %02x %x/%02x/%02x (want %x/%04x)\n",
		       res.status, res.fail, res.sense_len, res.sense[0],
		       res.sense[2], res.sense[12], res.sense[13], key, asc);
		return false;
	}
	return true;
}

#define ILLEGAL(asc)	check(SCSI_FAIL_INVALID, SK_ILLEGAL_REQUEST, (asc))

/* ---- tests ---- */

/* standard INQUIRY data of LUN 0, cut by allocation length and buffer */
static bool inquiry_standard(void)
{
	memset(data, 0xee, 4096);
	RUN(0, 4096, true, 0x12, 0, 0, 0, 255, 0);
	CHECK(good(104));
	CHECK_EQ(data[0], 0);
	CHECK_EQ(data[1], 0);
	CHECK_EQ(data[2], 5);
	CHECK_EQ(data[3], 2);
	CHECK_EQ(data[4], 99);
	CHECK_EQ(data[7], 2);
	CHECK(!memcmp(data + 8, "Msft    Virtual Disk    1.0 ", 28));
	CHECK_EQ(data[104], 0xee);
	/* allocation length and buffer both cut the answer */
	RUN(0, 4096, true, 0x12, 0, 0, 0, 36, 0);
	CHECK(good(36));
	RUN(0, 20, true, 0x12, 0, 0, 0, 255, 0);
	CHECK(good(20));
	RUN(0, 4096, true, 0x12, 0, 0, 0, 0, 0);
	CHECK(good(0));
	return true;
}

/* VPD 0x00, 0x80 and 0x83 of LUN 0 (id 00 01 .. 0f) */
static bool inquiry_vpd_ids(void)
{
	static const uint8_t pages[] = { 0, 0x80, 0x83, 0xb0, 0xb1, 0xb2, 0xce, 0xcf };

	/* VPD 0: the supported pages */
	RUN(0, 4096, true, 0x12, 1, 0, 0, 255, 0);
	CHECK(good(4 + sizeof(pages)));
	CHECK(data[1] == 0 && data[3] == sizeof(pages));
	CHECK(!memcmp(data + 4, pages, sizeof(pages)));
	/* 0x80: the id in hex */
	RUN(0, 4096, true, 0x12, 1, 0x80, 0, 255, 0);
	CHECK(good(36));
	CHECK(data[1] == 0x80 && data[3] == 32);
	CHECK(!memcmp(data + 4, "000102030405060708090A0B0C0D0E0F", 32));
	/* 0x83: T10 vendor id, then NAA 6 with OUI 00-22-48 */
	RUN(0, 4096, true, 0x12, 1, 0x83, 0, 255, 0);
	CHECK(good(52));
	CHECK(data[3] == 48 && data[4] == 1 && data[5] == 1 && data[7] == 24);
	CHECK(!memcmp(data + 8, "Msft    ", 8));
	CHECK(data[16] == 0 && data[31] == 15);
	CHECK(data[32] == 1 && data[33] == 3 && data[35] == 16);
	CHECK(!memcmp(data + 36, "\x60\x02\x24\x80\x00\x01\x02\x03\x04\x05\x0a\x0b\x0c\x0d\x0e\x0f", 16));
	return true;
}

/* VPD 0xB0, 0xB1, 0xB2 and Microsoft's 0xCE, 0xCF of LUN 0 (8 MiB) */
static bool inquiry_vpd_limits(void)
{
	/* 0xB0 block limits */
	RUN(0, 4096, true, 0x12, 1, 0xb0, 0, 255, 0);
	CHECK(good(64));
	CHECK_EQ(data[3], 0x3c);
	CHECK_EQ(data[4] & 1, 1);
	CHECK_EQ(be32(data + 20), 0xffffffff);
	CHECK_EQ(be32(data + 24), 4096);
	CHECK_EQ(be32(data + 28), 8);
	CHECK_EQ(be32(data + 32), 0x80000000);
	CHECK_EQ(be64(data + 36), 16384);
	/* 0xB1: non-rotating */
	RUN(0, 4096, true, 0x12, 1, 0xb1, 0, 255, 0);
	CHECK(good(64));
	CHECK(data[4] == 0 && data[5] == 1);
	/* 0xB2: LBPU, LBPWS, thin */
	RUN(0, 4096, true, 0x12, 1, 0xb2, 0, 255, 0);
	CHECK(good(8));
	CHECK(data[3] == 4 && data[4] == 1 && data[5] == 0xc0 && data[6] == 2);
	RUN(0, 4096, true, 0x12, 1, 0xce, 0, 255, 0);
	CHECK(good(8));
	RUN(0, 4096, true, 0x12, 1, 0xcf, 0, 255, 0);
	CHECK(good(24));
	CHECK(!memcmp(data + 8, "\x15\x8f\xa9\x89\x28\xc9\x8b\x4d\x94\xcd", 10));
	return true;
}

/* bad CDBs, absent LUNs and no target, a buffer the target may not write */
static bool inquiry_refused(void)
{
	/* unknown page, CmdDt, a page without EVPD */
	RUN(0, 4096, true, 0x12, 1, 0x81, 0, 255, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 4096, true, 0x12, 2, 0, 0, 255, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 4096, true, 0x12, 0, 0x83, 0, 255, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	/* absent LUNs: qualifier 3; strings only at LUN 0 */
	RUN(1, 4096, true, 0x12, 0, 0, 0, 255, 0);
	CHECK(good(104));
	CHECK_EQ(data[0], 0x7f);
	CHECK_EQ(data[8], 0);
	scsi_exec(NULL, 0, CDB(0x12, 0, 0, 0, 255, 0), 6,
		  &(struct scsi_buf){ 4096, true, mbuf_run, &mb }, &res);
	CHECK(good(104));
	CHECK(data[0] == 0x7f && data[8] == 'M');
	RUN(1, 4096, true, 0x12, 1, 0x83, 0, 255, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(1, 0, false, 0, 0, 0, 0, 0, 0);
	CHECK(res.status == SAM_STAT_CHECK_CONDITION && res.fail == SCSI_FAIL_NO_LUN &&
	      !res.sense_len);
	RUN(7, 4096, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK_EQ(res.fail, SCSI_FAIL_NO_LUN);
	/* into a buffer the target may not write */
	RUN(0, 4096, false, 0x12, 0, 0, 0, 255, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	return true;
}

static bool inquiry(void)
{
	CHECK(mkimg("a.img", 8 << 20));
	CHECK(addlun(0, "a.img", false, 512));
	CHECK(inquiry_standard());
	CHECK(inquiry_vpd_ids());
	CHECK(inquiry_vpd_limits());
	CHECK(inquiry_refused());
	clear_target();
	return true;
}

static bool capacity(void)
{
	CHECK(mkimg("a.img", (1 << 20) + 100));
	CHECK(mkimg("b.img", 3ull << 40));
	CHECK(addlun(0, "a.img", false, 512));
	CHECK(addlun(1, "a.img", true, 4096));
	RUN(0, 8, true, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(good(8));
	CHECK_EQ(be32(data), 2047);
	CHECK_EQ(be32(data + 4), 512);
	RUN(1, 512, true, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(good(8));
	CHECK_EQ(be32(data), 255);
	CHECK_EQ(be32(data + 4), 4096);
	RUN(0, 4, true, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(check(SCSI_FAIL_OVERRUN, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 4096, true, 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
	CHECK(good(32));
	CHECK_EQ(be64(data), 2047);
	CHECK_EQ(be32(data + 8), 512);
	CHECK_EQ(data[13], 3);
	CHECK_EQ(data[14], 0x80);
	RUN(1, 4096, true, 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0);
	CHECK(good(12));
	CHECK_EQ(be64(data), 255);
	CHECK_EQ(be32(data + 8), 4096);
	RUN(0, 4096, true, 0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	/* 3 TiB: READ CAPACITY (10) says "too big" */
	clear_target();
	CHECK(addlun(0, "b.img", false, 512));
	RUN(0, 8, true, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(good(8));
	CHECK_EQ(be32(data), 0xffffffff);
	RUN(0, 32, true, 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
	CHECK(good(32));
	CHECK_EQ(be64(data), (3ull << 40) / 512 - 1);
	/* LBP threshold exponent: blocks >> e < 2^32 */
	RUN(0, 4096, true, 0x12, 1, 0xb2, 0, 255, 0);
	CHECK(good(8));
	CHECK_EQ(data[4], 1);
	clear_target();
	unlink(img_path("b.img"));
	return true;
}

static bool file_eq(const char *name, uint64_t off, const void *want,
		    size_t len)
{
	uint8_t buf[65536];
	int fd = open(img_path(name), O_RDONLY);
	bool ok = fd >= 0 && len <= sizeof(buf) &&
		  pread(fd, buf, len, (off_t)off) == (ssize_t)len &&
		  !memcmp(buf, want, len);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* each READ and WRITE size moves the data; the counters count it */
static bool rw_data(const struct scsi_lun *l)
{
	/* WRITE(10) of 9 blocks at LBA 3, from 4 KiB runs */
	memcpy(data, pattern, 9 * 512);
	RUN(0, 9 * 512, false, 0x2a, 0, 0, 0, 0, 3, 0, 0, 9, 0);
	CHECK(good(9 * 512));
	CHECK(file_eq("a.img", 3 * 512, pattern, 9 * 512));
	/* READ(16) of them back, with a buffer larger than needed */
	memset(data, 0, 65536);
	RUN(0, 65536, true, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 9, 0, 0);
	CHECK(good(9 * 512));
	CHECK(!memcmp(data, pattern, 9 * 512));
	/* WRITE(6) at LBA 0x7f0 ... */
	memcpy(data, pattern + 4096, 2 * 512);
	RUN(0, 1024, false, 0x0a, 0x00, 0x07, 0xf0, 2, 0);
	CHECK(good(1024));
	CHECK(file_eq("a.img", 0x7f0 * 512, pattern + 4096, 1024));
	/* ... READ(6) length 0 is 256 blocks */
	RUN(0, 256 * 512, true, 0x08, 0, 0, 0, 0, 0);
	CHECK(good(256 * 512));
	RUN(0, 255 * 512, true, 0x08, 0, 0, 0, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	/* WRITE(16) with FUA, READ(12) */
	memcpy(data, pattern + 8192, 4096);
	RUN(0, 4096, false, 0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0x07, 0xf8, 0, 0, 0, 8, 0, 0);
	CHECK(good(4096));
	RUN(0, 4096, true, 0xa8, 0, 0, 0, 0x07, 0xf8, 0, 0, 0, 8, 0, 0);
	CHECK(good(4096));
	CHECK(!memcmp(data, pattern + 8192, 4096));
	CHECK_EQ(l->st.writes, 3);
	CHECK_EQ(l->st.reads, 3);
	CHECK_EQ(l->st.written_bytes, 9 * 512 + 1024 + 4096);
	return true;
}

/* LBA ranges, transfer lengths, buffers and CDB fields refused */
static bool rw_refused(void)
{
	/* the last block, and one past it */
	RUN(0, 512, true, 0x28, 0, 0, 0, 0x07, 0xff, 0, 0, 1, 0);
	CHECK(good(512));
	RUN(0, 1024, true, 0x28, 0, 0, 0, 0x07, 0xff, 0, 0, 2, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	RUN(0, 512, true, 0x28, 0, 0, 0, 0x08, 0x00, 0, 0, 1, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	RUN(0, 512, true, 0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0, 0, 0, 1, 0, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	RUN(0, 512, true, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	/* zero blocks: fine, even at the end */
	RUN(0, 0, true, 0x28, 0, 0, 0, 0x08, 0x00, 0, 0, 0, 0);
	CHECK(good(0));
	/* more blocks than the buffer holds */
	RUN(0, 1000, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	/* protection information asked for */
	RUN(0, 512, true, 0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	/* a read into a data-out buffer */
	RUN(0, 512, false, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	return true;
}

/* a buffer with a hole: refused before the image is touched */
static bool rw_hole(void)
{
	memset(data, 0x77, 8192);
	mb.hole_off = 4096 + 512;
	mb.hole_len = 1;
	RUN(0, 8192, false, 0x2a, 0, 0, 0, 0, 0, 0, 0, 16, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	CHECK(file_eq("a.img", 3 * 512, pattern, 4096));
	RUN(0, 8192, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	mb.hole_len = 0;
	return true;
}

/* a read-only LUN over what rw_data() wrote */
static bool rw_read_only(void)
{
	CHECK(addlun(0, "a.img", true, 512));
	RUN(0, 512, false, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_DATA_PROTECT, ASC_WRITE_PROTECTED));
	RUN(0, 512, false, 0x0a, 0, 0, 0, 1, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_DATA_PROTECT, ASC_WRITE_PROTECTED));
	RUN(0, 4096, true, 0x28, 0, 0, 0, 0, 3, 0, 0, 8, 0);
	CHECK(good(4096));
	CHECK(!memcmp(data, pattern, 4096));
	clear_target();
	return true;
}

/* 4096-byte blocks over the same 1 MiB image */
static bool rw_4k_blocks(void)
{
	CHECK(addlun(0, "a.img", false, 4096));
	memcpy(data, pattern, 8192);
	RUN(0, 8192, false, 0x2a, 0, 0, 0, 0, 10, 0, 0, 2, 0);
	CHECK(good(8192));
	CHECK(file_eq("a.img", 40960, pattern, 8192));
	RUN(0, 4096, true, 0x28, 0, 0, 0, 0, 0xff, 0, 0, 1, 0);
	CHECK(good(4096));
	RUN(0, 4096, true, 0x28, 0, 0, 0, 1, 0, 0, 0, 1, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	clear_target();
	return true;
}

static bool read_write(void)
{
	struct scsi_lun *l;

	CHECK(mkimg("a.img", 1 << 20));
	CHECK(l = addlun(0, "a.img", false, 512));
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + i / 511);
	CHECK(rw_data(l));
	CHECK(rw_refused());
	CHECK(rw_hole());
	/* the iovecs were the target's, and go with it */
	CHECK(tgt.iov && tgt.iov_cap >= 2);
	clear_target();
	CHECK(!tgt.iov && !tgt.iov_cap);
	CHECK(rw_read_only());
	CHECK(rw_4k_blocks());
	return true;
}

static bool sync_verify_misc(void)
{
	struct scsi_lun *l;

	CHECK(mkimg("a.img", 1 << 20));
	CHECK(l = addlun(0, "a.img", false, 512));
	RUN(0, 0, false, 0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(good(0));
	RUN(0, 0, false, 0x91, 2, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 5, 0, 0);
	CHECK(good(0));
	CHECK_EQ(l->st.flushes, 2);
	RUN(0, 0, false, 0x35, 0, 0, 0, 0x08, 0, 0, 0, 0, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	RUN(0, 0, false, 0x00, 0, 0, 0, 0, 0);
	CHECK(good(0));
	RUN(0, 0, false, 0x1b, 0, 0, 0, 0, 0);
	CHECK(good(0));
	RUN(0, 0, false, 0x1b, 1, 0, 0, 1, 0);
	CHECK(good(0));
	RUN(0, 0, false, 0x2f, 0, 0, 0, 0x07, 0xfe, 0, 0, 2, 0);
	CHECK(good(0));
	RUN(0, 0, false, 0x2f, 0, 0, 0, 0x07, 0xfe, 0, 0, 3, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	RUN(0, 0, false, 0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0);
	CHECK(good(0));
	/* unknown opcodes */
	RUN(0, 0, false, 0x04, 0, 0, 0, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_OPCODE));
	RUN(0, 0, false, 0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_OPCODE));
	RUN(0, 0, false, 0xc0, 0, 0, 0, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_OPCODE));
	/* CDB lengths: short for the opcode, 0, 17 */
	run(0, CDB(0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0), 6, 512, true);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	run(0, CDB(0x00), 0, 0, false);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	run(0, CDB(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 17, 0, false);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	/* a longer CDB than the opcode needs is fine */
	run(0, CDB(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 16, 0, false);
	CHECK(good(0));
	clear_target();
	return true;
}

static bool request_sense(void)
{
	struct scsi_lun *l;

	CHECK(mkimg("a.img", 1 << 20));
	CHECK(l = addlun(0, "a.img", false, 512));
	RUN(0, 0, false, 0x04, 0, 0, 0, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_OPCODE));
	memset(data, 0xee, 64);
	RUN(0, 252, true, 0x03, 0, 0, 0, 252, 0);
	CHECK(good(18));
	CHECK(data[0] == 0x70 && data[2] == 5 && data[7] == 10 &&
	      data[12] == 0x20 && data[13] == 0 && data[18] == 0xee);
	/* reported once */
	RUN(0, 252, true, 0x03, 0, 0, 0, 252, 0);
	CHECK(good(18));
	CHECK(data[0] == 0x70 && data[2] == 0 && data[12] == 0);
	/* a success in between forgets the failure */
	RUN(0, 0, false, 0x04, 0, 0, 0, 0, 0);
	RUN(0, 0, false, 0x00, 0, 0, 0, 0, 0);
	RUN(0, 252, true, 0x03, 0, 0, 0, 8, 0);
	CHECK(good(8));
	CHECK_EQ(data[2], 0);
	/* descriptor format is not offered */
	RUN(0, 252, true, 0x03, 1, 0, 0, 252, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	CHECK_EQ(l->st.check_conditions, 3);
	clear_target();
	return true;
}

static bool unmap_punch(void)
{
	uint8_t list[8 + 16 * 3];
	struct scsi_lun *l;
	uint64_t before, after;

	CHECK(mkimg("a.img", 4 << 20));
	CHECK(l = addlun(0, "a.img", false, 512));
	/* fill 1 MiB at LBA 2048 */
	for (int i = 0; i < 4; i++) {
		memset(data, 0xa0 + i, 256 * 1024);
		RUN(0, 256 * 1024, false, 0x2a, 0x08, 0, 0, 0x08 + 2 * i, 0, 0, 0x02, 0, 0);
		CHECK(good(256 * 1024));
	}
	before = img_blocks("a.img");
	CHECK(before >= 2048);
	/* UNMAP two ranges of 512 KiB - 0 blocks is a no-op descriptor */
	memset(list, 0, sizeof(list));
	list[1] = 6 + 48;
	list[3] = 48;
	list[8 + 6] = 0x08;		/* LBA 2048 */
	list[8 + 10] = 0x04;		/* 1024 blocks */
	list[24 + 6] = 0x0c;		/* LBA 3072 */
	list[24 + 10] = 0x04;
	list[40 + 7] = 5;		/* LBA 5, 0 blocks */
	memcpy(data, list, sizeof(list));
	RUN(0, sizeof(list), false, 0x42, 0, 0, 0, 0, 0, 0, 0, sizeof(list), 0);
	CHECK(good(sizeof(list)));
	after = img_blocks("a.img");
	printf("# st_blocks %llu -> %llu\n", (unsigned long long)before,
	       (unsigned long long)after);
	CHECK(before - after >= 2040);
	CHECK_EQ(l->st.unmaps, 1);
	CHECK_EQ(l->st.unmapped_bytes, 1 << 20);
	RUN(0, 4096, true, 0x28, 0, 0, 0, 0x0b, 0xf8, 0, 0, 8, 0);
	CHECK(good(4096));
	for (int i = 0; i < 4096; i++)
		CHECK_EQ(data[i], 0);
	/* a range past the end: nothing is punched */
	memcpy(data, pattern, 4096);
	RUN(0, 4096, false, 0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0);
	before = img_blocks("a.img");
	memset(list, 0, sizeof(list));
	list[3] = 32;
	list[8 + 11] = 8;			/* LBA 0, 8 blocks */
	list[24 + 6] = 0x20;			/* LBA 8192 = the end */
	list[24 + 11] = 1;
	memcpy(data, list, 40);
	RUN(0, 40, false, 0x42, 0, 0, 0, 0, 0, 0, 0, 40, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	CHECK_EQ(img_blocks("a.img"), before);
	/* parameter list errors */
	RUN(0, 40, false, 0x42, 0, 0, 0, 0, 0, 0, 0, 6, 0);
	CHECK(ILLEGAL(ASC_PARAMETER_LIST_LENGTH));
	RUN(0, 40, false, 0x42, 0, 0, 0, 0, 0, 0, 0, 48, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 40, false, 0x42, 1, 0, 0, 0, 0, 0, 0, 40, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 0, false, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(good(0));
	/* a descriptor length beyond the list is cut to it: one descriptor */
	memset(list, 0, sizeof(list));
	list[2] = 0x10;			/* 4096 bytes of descriptors, allegedly */
	list[8 + 11] = 8;
	memcpy(data, list, 24);
	RUN(0, 24, false, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
	CHECK(good(24));
	CHECK(img_blocks("a.img") < before);
	clear_target();
	/* read-only */
	CHECK(l = addlun(0, "a.img", true, 512));
	RUN(0, 24, false, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_DATA_PROTECT, ASC_WRITE_PROTECTED));
	clear_target();
	return true;
}

static bool write_same(void)
{
	struct scsi_lun *l;
	uint64_t before;

	CHECK(mkimg("a.img", 4 << 20));
	CHECK(l = addlun(0, "a.img", false, 512));
	/* the pattern 100 times from LBA 1000 */
	memcpy(data, pattern, 512);
	RUN(0, 512, false, 0x93, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 100, 0, 0);
	CHECK(good(512));
	for (int i = 0; i < 100; i++)
		CHECK(file_eq("a.img", (1000 + i) * 512ull, pattern, 512));
	CHECK(file_eq("a.img", 1100 * 512ull, zeros, 512));
	/* WRITE SAME (10) too */
	memcpy(data, pattern + 512, 512);
	RUN(0, 512, false, 0x41, 0, 0, 0, 0, 10, 0, 0, 3, 0);
	CHECK(good(512));
	CHECK(file_eq("a.img", 12 * 512, pattern + 512, 512));
	/* UNMAP with a non-zero block: written, not punched */
	RUN(0, 512, false, 0x93, 0x08, 0, 0, 0, 0, 0, 0, 0x07, 0xd0, 0, 0, 0x08, 0, 0, 0);
	CHECK(good(512));
	CHECK(file_eq("a.img", 2000 * 512ull + 2047 * 512, pattern + 512, 512));
	before = img_blocks("a.img");
	/* UNMAP with zeros: a hole */
	memset(data, 0, 512);
	RUN(0, 512, false, 0x93, 0x08, 0, 0, 0, 0, 0, 0, 0x07, 0xd0, 0, 0, 0x08, 0, 0, 0);
	CHECK(good(512));
	CHECK(before - img_blocks("a.img") >= 2040);
	CHECK(file_eq("a.img", 2000 * 512ull + 2047 * 512, zeros, 512));
	/* NDOB: no buffer at all */
	RUN(0, 0, false, 0x93, 0x09, 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 100, 0, 0);
	CHECK(good(0));
	CHECK(file_eq("a.img", 1050 * 512ull, zeros, 512));
	CHECK_EQ(l->st.write_sames, 5);
	/* errors: 0 blocks, too many, past the end, no block, LBDATA */
	RUN(0, 512, false, 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 512, false, 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 1, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 512, false, 0x93, 0, 0, 0, 0, 0, 0, 0, 0x1f, 0xff, 0, 0, 0, 2, 0, 0);
	CHECK(ILLEGAL(ASC_LBA_OUT_OF_RANGE));
	RUN(0, 100, false, 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 512, false, 0x93, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	clear_target();
	CHECK(l = addlun(0, "a.img", true, 512));
	RUN(0, 512, false, 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_DATA_PROTECT, ASC_WRITE_PROTECTED));
	clear_target();
	return true;
}

static bool report_luns(void)
{
	CHECK(mkimg("a.img", 1 << 20));
	CHECK(addlun(0, "a.img", false, 512));
	CHECK(addlun(3, "a.img", false, 512));
	CHECK(addlun(200, "a.img", true, 512));
	RUN(0, 4096, true, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0);
	CHECK(good(32));
	CHECK_EQ(be32(data), 24);
	CHECK(!memcmp(data + 8, "\0\0\0\0\0\0\0\0\0\3\0\0\0\0\0\0\0\xc8\0\0\0\0\0\0", 24));
	/* cut by the allocation length; works on an absent LUN too */
	RUN(9, 4096, true, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0);
	CHECK(good(16));
	CHECK_EQ(be32(data), 24);
	RUN(0, 4096, true, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 4096, true, 0xa0, 0, 3, 0, 0, 0, 0, 0, 0, 16, 0, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	/* no target: an empty list */
	scsi_exec(NULL, 0, CDB(0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), 12,
		  &(struct scsi_buf){ 4096, true, mbuf_run, &mb }, &res);
	CHECK(good(8));
	CHECK_EQ(be32(data), 0);
	clear_target();
	return true;
}

static bool mode_sense(void)
{
	CHECK(mkimg("a.img", 1 << 20));
	CHECK(addlun(0, "a.img", false, 512));
	CHECK(addlun(1, "a.img", true, 512));
	/* (6), caching page: WCE */
	RUN(0, 255, true, 0x1a, 0x08, 0x08, 0, 255, 0);
	CHECK(good(24));
	CHECK(data[0] == 23 && data[1] == 0 && data[2] == 0x10 && data[3] == 0);
	CHECK(data[4] == 0x08 && data[5] == 0x12 && data[6] == 0x04);
	/* read-only: WP */
	RUN(1, 255, true, 0x1a, 0, 0x08, 0, 255, 0);
	CHECK(good(24));
	CHECK_EQ(data[2], 0x90);
	/* control page */
	RUN(0, 255, true, 0x1a, 0, 0x0a, 0, 255, 0);
	CHECK(good(16));
	CHECK(data[0] == 15 && data[4] == 0x0a && data[5] == 0x0a && data[6] == 0);
	/* (10), all pages */
	RUN(1, 255, true, 0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 255, 0);
	CHECK(good(40));
	CHECK(data[0] == 0 && data[1] == 38 && data[3] == 0x90 && data[7] == 0);
	CHECK(data[8] == 0x08 && data[10] == 0x04 && data[28] == 0x0a);
	/* changeable values: nothing is */
	RUN(0, 255, true, 0x1a, 0, 0x48, 0, 255, 0);
	CHECK(good(24));
	CHECK_EQ(data[6], 0);
	/* cut by the allocation length; 0 is fine */
	RUN(0, 255, true, 0x1a, 0, 0x3f, 0, 4, 0);
	CHECK(good(4));
	CHECK_EQ(data[0], 35);
	RUN(0, 255, true, 0x1a, 0, 0x3f, 0, 0, 0);
	CHECK(good(0));
	/* saved values, other pages, subpages */
	RUN(0, 255, true, 0x1a, 0, 0xc8, 0, 255, 0);
	CHECK(ILLEGAL(ASC_SAVING_NOT_SUPPORTED));
	RUN(0, 255, true, 0x1a, 0, 0x1c, 0, 255, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	RUN(0, 255, true, 0x5a, 0, 0x08, 1, 0, 0, 0, 0, 255, 0);
	CHECK(ILLEGAL(ASC_INVALID_FIELD_IN_CDB));
	clear_target();
	return true;
}

static bool unit_attention(void)
{
	struct scsi_lun *l0, *l1;

	CHECK(mkimg("a.img", 1 << 20));
	CHECK(mkimg("b.img", 1 << 20));
	CHECK(l0 = addlun(0, "a.img", false, 512));
	CHECK(l1 = addlun(1, "b.img", false, 512));
	/* capacity change: INQUIRY passes and keeps it */
	CHECK_EQ(blkimg_resize(&l0->img, 2 << 20), 0);
	l0->ua |= SCSI_UA_CAPACITY;
	RUN(0, 255, true, 0x12, 0, 0, 0, 255, 0);
	CHECK(good(104));
	RUN(0, 0, false, 0x00, 0, 0, 0, 0, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_UNIT_ATTENTION, ASC_CAPACITY_DATA_CHANGED));
	RUN(0, 0, false, 0x00, 0, 0, 0, 0, 0);
	CHECK(good(0));
	RUN(0, 8, true, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(good(8));
	CHECK_EQ(be32(data), 4095);
	CHECK_EQ(blkimg_resize(&l0->img, 1000), -EINVAL);
	CHECK_EQ(blkimg_resize(&l0->img, 0), -EINVAL);
	/* LUN inventory changed: every LUN but the new one */
	scsi_target_set_ua(&tgt, l1, SCSI_UA_LUNS);
	CHECK(!l1->ua);
	RUN(1, 0, false, 0x00, 0, 0, 0, 0, 0);
	CHECK(good(0));
	/* REPORT LUNS clears it */
	RUN(0, 255, true, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0);
	CHECK(good(24));
	RUN(0, 0, false, 0x00, 0, 0, 0, 0, 0);
	CHECK(good(0));
	/* both: capacity first, then the LUNs; once each */
	l0->ua = SCSI_UA_CAPACITY | SCSI_UA_LUNS;
	RUN(0, 512, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_UNIT_ATTENTION, ASC_CAPACITY_DATA_CHANGED));
	RUN(0, 512, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_UNIT_ATTENTION, ASC_REPORTED_LUNS_CHANGED));
	RUN(0, 512, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(good(512));
	/* REQUEST SENSE reports and clears it */
	l0->ua = SCSI_UA_LUNS;
	RUN(0, 255, true, 0x03, 0, 0, 0, 255, 0);
	CHECK(good(18));
	CHECK(data[2] == 6 && data[12] == 0x3f && data[13] == 0x0e);
	RUN(0, 0, false, 0x00, 0, 0, 0, 0, 0);
	CHECK(good(0));
	clear_target();
	return true;
}

static bool inject(void)
{
	struct scsi_lun *l;

	CHECK(mkimg("a.img", 1 << 20));
	CHECK(l = addlun(0, "a.img", false, 512));
	l->inject = true;
	l->inject_left = 2;
	RUN(0, 512, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR));
	memcpy(data, pattern, 512);
	RUN(0, 512, false, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(check(SCSI_FAIL_ERROR, SK_MEDIUM_ERROR, ASC_WRITE_ERROR));
	CHECK(file_eq("a.img", 0, zeros, 512));
	/* the count ran out; other commands were never affected */
	CHECK(!l->inject);
	RUN(0, 512, false, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(good(512));
	CHECK_EQ(l->st.injected, 2);
	l->inject = true;
	l->inject_left = 0;
	RUN(0, 0, false, 0x00, 0, 0, 0, 0, 0);
	CHECK(good(0));
	for (int i = 0; i < 5; i++) {
		RUN(0, 512, true, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0);
		CHECK(check(SCSI_FAIL_ERROR, SK_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR));
	}
	/* REQUEST SENSE sees the last one */
	RUN(0, 255, true, 0x03, 0, 0, 0, 255, 0);
	CHECK(good(18));
	CHECK(data[2] == 3 && data[12] == 0x11);
	l->inject = false;
	RUN(0, 512, true, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	CHECK(good(512));
	CHECK(!memcmp(data, pattern, 512));
	clear_target();
	return true;
}

static bool image_open(void)
{
	struct blkimg b;
	char err[256];

	CHECK(mkimg("small.img", 511));
	CHECK(blkimg_open(&b, img_path("small.img"), false, 512, err, sizeof(err)));
	CHECK(strstr(err, "less than one"));
	CHECK(blkimg_open(&b, img_path("none.img"), false, 512, err, sizeof(err)));
	CHECK(strstr(err, "No such file"));
	CHECK(blkimg_open(&b, tmpdir, false, 512, err, sizeof(err)));
	CHECK(mkimg("a.img", 4096));
	CHECK(blkimg_open(&b, img_path("a.img"), false, 1024, err, sizeof(err)));
	CHECK(!blkimg_open(&b, img_path("a.img"), true, 4096, err, sizeof(err)));
	CHECK_EQ(blkimg_blocks(&b), 1);
	CHECK_EQ(blkimg_resize(&b, 8192), -EROFS);
	CHECK_EQ(blkimg_punch(&b, 0, 4096), -EROFS);
	blkimg_close(&b);
	/* an image that shrank underneath reads as zeros past its end */
	CHECK(mkimg("a.img", 8192));
	CHECK(!blkimg_open(&b, img_path("a.img"), false, 512, err, sizeof(err)));
	CHECK(truncate(img_path("a.img"), 4096) == 0);
	memset(data, 0x55, 8192);
	CHECK_EQ(blkimg_readv(&b, &(struct iovec){ data, 8192 }, 1, 0), 0);
	CHECK_EQ(data[8191], 0);
	blkimg_close(&b);
	return true;
}

static const struct tap_test tests[] = {
	{ "image files: open checks, read-only, shrunk file", image_open },
	{ "INQUIRY: standard data, VPD 00/80/83/B0/B1/B2/CE/CF, absent LUNs", inquiry },
	{ "READ CAPACITY (10)/(16): 512 and 4096 blocks, 3 TiB", capacity },
	{ "READ/WRITE 6/10/12/16: data, FUA, ranges, buffers, read-only", read_write },
	{ "SYNCHRONIZE CACHE, VERIFY, START STOP, TUR, opcodes, CDB lengths", sync_verify_misc },
	{ "REQUEST SENSE: last failure once, NO SENSE, DESC", request_sense },
	{ "UNMAP: holes (st_blocks), all-or-nothing, list errors", unmap_punch },
	{ "WRITE SAME (10)/(16): pattern, UNMAP holes, NDOB, limits", write_same },
	{ "REPORT LUNS", report_luns },
	{ "MODE SENSE (6)/(10): caching, control, all, WP, page control", mode_sense },
	{ "unit attentions: capacity, LUN inventory, once each", unit_attention },
	{ "error injection: medium errors, count", inject },
};

int main(void)
{
	const char *base = getenv("TMPDIR");
	int ret;

	log_init(NULL, false);
	snprintf(tmpdir, sizeof(tmpdir), "%s/hvsim-scsi-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	ret = tap_run(tests, ARRAY_SIZE(tests));
	clear_target();
	for (const char *n = "a.img\0b.img\0small.img\0"; *n; n += strlen(n) + 1)
		unlink(img_path(n));
	rmdir(tmpdir);
	return ret;
}
