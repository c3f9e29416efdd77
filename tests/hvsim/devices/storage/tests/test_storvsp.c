// SPDX-License-Identifier: GPL-2.0-only
/*
 * storvsp through the fake guest (vmbus_guest.h): the VMSTOR handshake as
 * storvsc_channel_init() runs it (versions, properties, sub-channels, FC
 * WWNs, out-of-order operations), EXECUTE_SRB with GPA-direct buffers on
 * scattered pages, hostile packets (short, no completion, bad CDB length,
 * data length beyond the buffer, PFNs outside RAM, two ranges), IDE
 * addressing, LUN hot add/remove (ENUMERATE_BUS + unit attention),
 * resize, error injection, delayed completions, a full inbound ring, the
 * "disk" commands and the device options.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#include <hvlis/vstor.h>

#include "tests/vmbus_guest.h"
#include "devices/storage/storage.h"

static struct vmbus_channel_offer_channel offers[64];
static uint8_t buf[70000];
static const uint8_t zeros[16384];
static char tmpdir[256];

static const char *img_path(const char *name)
{
	static char p[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static bool mkimg(const char *name, uint64_t size)
{
	int fd = open(img_path(name), O_RDWR | O_CREAT | O_TRUNC, 0600);
	bool ok = fd >= 0 && ftruncate(fd, (off_t)size) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool file_eq(const char *name, uint64_t off, const void *want,
		    size_t len)
{
	static uint8_t tmp[65536];
	int fd = open(img_path(name), O_RDONLY);
	bool ok = fd >= 0 && len <= sizeof(tmp) &&
		  pread(fd, tmp, len, (off_t)off) == (ssize_t)len &&
		  !memcmp(tmp, want, len);

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool up(struct tg *t, const char *spec, int want)
{
	int n;

	tg_init(t, 4);
	if (!tg_add(t, spec))
		return false;
	if (!tg_up(t, offers, 64, &n) || n != want) {
		printf("# %d offers\n", n);
		return false;
	}
	return true;
}

/* ---- VMSTOR packets ---- */

struct reply {
	uint16_t type, flags;
	uint64_t tid;
	uint32_t len;
	struct vstor_packet p;
};

static int get_reply(struct tchan *tc, struct reply *r)
{
	struct vmpacket_descriptor d;
	uint32_t len;
	int ret = tring_read(&tc->in, buf, sizeof(buf), &len);

	if (ret)
		return ret;
	memcpy(&d, buf, sizeof(d));
	r->type = d.type;
	r->flags = d.flags;
	r->tid = d.trans_id;
	r->len = len - d.offset8 * 8u;
	memset(&r->p, 0, sizeof(r->p));
	memcpy(&r->p, buf + d.offset8 * 8,
	       r->len < sizeof(r->p) ? r->len : sizeof(r->p));
	return 0;
}

static int send_op(struct tchan *tc, uint64_t tid, uint32_t op,
		   const void *payload, uint32_t plen, uint32_t total)
{
	struct vstor_packet p;

	memset(&p, 0, sizeof(p));
	p.operation = op;
	p.flags = REQUEST_COMPLETION_FLAG;
	if (plen)
		memcpy(p.buffer, payload, plen);
	return tchan_send(tc, VM_PKT_DATA_INBAND,
			  VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, tid,
			  NULL, 0, &p, total);
}

static uint64_t next_tid = 100;
static struct reply rep;

/* one request, one COMP with its trans_id; the answer's NT status */
static int64_t op_rt(struct tchan *tc, uint32_t op, const void *payload,
		     uint32_t plen)
{
	uint64_t tid = next_tid++;

	if (send_op(tc, tid, op, payload, plen, sizeof(struct vstor_packet)) ||
	    get_reply(tc, &rep) || rep.type != VM_PKT_COMP || rep.tid != tid ||
	    rep.len != sizeof(struct vstor_packet) ||
	    rep.p.operation != VSTOR_OPERATION_COMPLETE_IO) {
		printf("#   no proper answer to operation %u (type %u tid %llu len %u op %u)\n",
		       op, rep.type, (unsigned long long)rep.tid, rep.len,
		       rep.p.operation);
		return -1;
	}
	return rep.p.status;
}

static int64_t version_rt(struct tchan *tc, uint16_t v)
{
	struct vmstorage_protocol_version pv = { .major_minor = v };

	return op_rt(tc, VSTOR_OPERATION_QUERY_PROTOCOL_VERSION, &pv, sizeof(pv));
}

/* storvsc_channel_init(): begin, 6.2/6.0/5.1, properties, [fc], end */
static bool handshake(struct tchan *tc, bool fc)
{
	static const uint16_t vers[] = { 0x602, 0x600, 0x501 };
	int64_t st = -1;

	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_BEGIN_INITIALIZATION, NULL, 0), 0);
	for (size_t i = 0; i < ARRAY_SIZE(vers) && st; i++)
		st = version_rt(tc, vers[i]);
	CHECK_EQ(st, 0);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_QUERY_PROPERTIES, NULL, 0), 0);
	if (fc)
		CHECK_EQ(op_rt(tc, VSTOR_OPERATION_FCHBA_DATA, NULL, 0), 0);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_END_INITIALIZATION, NULL, 0), 0);
	return true;
}

/* an SRB, as storvsc_queuecommand() builds it */
struct srb {
	uint8_t path, target, lun;
	uint8_t cdb[16], cdb_len;
	uint8_t data_in;
	uint32_t dtl;
	/* the buffer: 0, 1 or 2 GPA ranges over @pfns */
	int nranges;
	const uint64_t *pfns;
	uint32_t npfns, offset, count;
	uint32_t pkt_len;	/* vstor_packet bytes sent; 0: 64 */
	uint16_t flags;		/* descriptor flags; 0: completion requested */
};

static int send_srb(struct tchan *tc, uint64_t tid, struct srb sv)
{
	const struct srb *s = &sv;
	uint8_t hdr[8 + 2 * (8 + 8 * 300)];
	struct vstor_packet p;
	uint32_t hlen = 8, cnt = (uint32_t)s->nranges;
	uint16_t flags = s->flags ? s->flags :
			 VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;

	memset(&p, 0, sizeof(p));
	p.operation = VSTOR_OPERATION_EXECUTE_SRB;
	p.flags = REQUEST_COMPLETION_FLAG;
	p.vm_srb.length = VMSCSI_REQUEST_LEN_WIN8;
	p.vm_srb.path_id = s->path;
	p.vm_srb.target_id = s->target;
	p.vm_srb.lun = s->lun;
	p.vm_srb.cdb_length = s->cdb_len;
	p.vm_srb.sense_info_length = STORVSC_SENSE_BUFFER_SIZE;
	p.vm_srb.data_in = s->data_in;
	p.vm_srb.data_transfer_length = s->dtl;
	memcpy(p.vm_srb.cdb, s->cdb, sizeof(p.vm_srb.cdb));
	p.vm_srb.win8_extension.srb_flags = SRB_FLAGS_DISABLE_SYNCH_TRANSFER;
	if (!s->nranges)
		return tchan_send(tc, VM_PKT_DATA_INBAND, flags, tid, NULL, 0, &p,
				  s->pkt_len ? s->pkt_len : sizeof(p));
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr + 4, &cnt, 4);
	for (int r = 0; r < s->nranges; r++) {
		struct gpa_range gr = { .byte_count = s->count,
					.byte_offset = s->offset };

		memcpy(hdr + hlen, &gr, 8);
		memcpy(hdr + hlen + 8, s->pfns, s->npfns * 8ull);
		hlen += 8 + s->npfns * 8;
	}
	return tchan_send(tc, VM_PKT_DATA_USING_GPA_DIRECT, flags, tid, hdr, hlen,
			  &p, s->pkt_len ? s->pkt_len : sizeof(p));
}

/* send and take the answer: its srb_status, or -1 */
static int srb_rt(struct tchan *tc, struct srb s)
{
	uint64_t tid = next_tid++;

	if (send_srb(tc, tid, s) || get_reply(tc, &rep) ||
	    rep.type != VM_PKT_COMP || rep.tid != tid ||
	    rep.p.operation != VSTOR_OPERATION_COMPLETE_IO) {
		printf("#   no answer to the SRB\n");
		return -1;
	}
	return rep.p.vm_srb.srb_status;
}

/* guest pages for data buffers */
static uint64_t bufpfns[512];

static void *gpage(int i)
{
	return tg_page(bufpfns[i]);
}

/* copy @len bytes at @off of the scattered buffer out or in */
static void bcopy_pages(uint32_t off, void *d, uint32_t len, bool out)
{
	uint8_t *b = d;

	while (len) {
		uint32_t in = off % 4096, n = 4096 - in;

		if (n > len)
			n = len;
		if (out)
			memcpy(b, (uint8_t *)gpage((int)(off / 4096)) + in, n);
		else
			memcpy((uint8_t *)gpage((int)(off / 4096)) + in, b, n);
		b += n;
		off += n;
		len -= n;
	}
}

static struct srb cdb_srb(uint8_t lun, const uint8_t *cdb, uint8_t len,
			  uint8_t data_in, uint32_t dtl, uint32_t offset)
{
	struct srb s = {
		.lun = lun, .cdb_len = len, .data_in = data_in, .dtl = dtl,
		.nranges = dtl ? 1 : 0, .pfns = bufpfns,
		.npfns = (offset + dtl + 4095) / 4096, .offset = offset,
		.count = dtl,
	};

	memcpy(s.cdb, cdb, len);
	return s;
}

#define CDB(...)	((const uint8_t[]){ __VA_ARGS__ })
#define SRB(lun, din, dtl, off, ...)					\
	cdb_srb((lun), CDB(__VA_ARGS__), sizeof(CDB(__VA_ARGS__)), (din), (dtl), (off))

static bool sense_is(unsigned int key, unsigned int asc)
{
	const uint8_t *s = rep.p.vm_srb.sense_data;

	if (!(rep.p.vm_srb.srb_status & SRB_STATUS_AUTOSENSE_VALID) ||
	    rep.p.vm_srb.scsi_status != SAM_STAT_CHECK_CONDITION ||
	    s[0] != 0x70 || s[2] != key || s[12] != asc >> 8 ||
	    s[13] != (asc & 0xff) || rep.p.vm_srb.data_transfer_length) {
		printf("#   srb 0x%x scsi %u sense %02x %x/%02x/%02x (want %x/%04x) xfer %u\n",
		       rep.p.vm_srb.srb_status, rep.p.vm_srb.scsi_status, s[0],
		       s[2], s[12], s[13], key, asc,
		       rep.p.vm_srb.data_transfer_length);
		return false;
	}
	return true;
}

#define INVALID_CDB()							\
	(rep.p.vm_srb.srb_status == (SRB_STATUS_INVALID_REQUEST |	\
				     SRB_STATUS_AUTOSENSE_VALID) &&	\
	 sense_is(SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB) &&	\
	 rep.p.status == VSTOR_NTSTATUS_IO_DEVICE_ERROR)

/* a device with one open, ready primary channel; relid 1 */
static bool ready(struct tg *t, struct tchan *tc, const char *spec)
{
	CHECK(up(t, spec, 1));
	CHECK_EQ(tchan_open(t, tc, 1, offers[0].connection_id, 16, 16, 0, true), 0);
	CHECK(handshake(tc, strncmp(spec, "fc", 2) == 0));
	tg_pages(t, bufpfns, 512, true);
	return true;
}

/* ---- tests ---- */

/* before END_INITIALIZATION: order, versions, properties (scsi, 4 CPUs) */
static bool hs_to_ready(struct tg *t, struct tchan *tc)
{
	/* out of order: nothing before BEGIN */
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_QUERY_PROPERTIES, NULL, 0),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_EXECUTE_SRB, NULL, 0),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_BEGIN_INITIALIZATION, NULL, 0), 0);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_BEGIN_INITIALIZATION, NULL, 0),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	/* versions: unknown ones are refused with the version echoed */
	CHECK_EQ(version_rt(tc, 0x0700), VSTOR_NTSTATUS_REVISION_MISMATCH);
	CHECK_EQ(rep.p.version.major_minor, 0x0700);
	CHECK_EQ(version_rt(tc, VMSTOR_PROTO_VERSION_WIN7), VSTOR_NTSTATUS_REVISION_MISMATCH);
	CHECK_EQ(version_rt(tc, VMSTOR_PROTO_VERSION_WIN10), 0);
	CHECK_EQ(rep.p.version.major_minor, 0x0602);
	/* properties: CPUs - 1 sub-channels, 256 KiB */
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_QUERY_PROPERTIES, NULL, 0), 0);
	CHECK_EQ(rep.p.storage_channel_properties.max_channel_cnt, 3);
	CHECK_EQ(rep.p.storage_channel_properties.flags,
		 STORAGE_CHANNEL_SUPPORTS_MULTI_CHANNEL);
	CHECK_EQ(rep.p.storage_channel_properties.max_transfer_bytes, 0x40000);
	/* FCHBA_DATA is for FC only */
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_FCHBA_DATA, NULL, 0),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_END_INITIALIZATION, NULL, 0), 0);
	CHECK(tg_ctl_ok(t, "disk list"));
	CHECK(strstr(tg_out, "controller relid=1 class=scsi instance=000c0000-0000-4853-6876-73696d000000 state=ready version=6.2 subchannels=0 maxxfer=262144 "));
	return true;
}

/* when ready: sub-channels, resets, operations out of order */
static bool hs_when_ready(struct tg *t, struct tchan *tc)
{
	struct vmbus_channel_offer_channel o;
	int n = 0;

	/* sub-channels: no more than offered, then the offers */
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_CREATE_SUB_CHANNELS, &(uint16_t){ 4 }, 2),
		 VSTOR_NTSTATUS_INVALID_PARAMETER);
	CHECK_EQ(tg_recv(t, NULL, NULL), -1);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_CREATE_SUB_CHANNELS, &(uint16_t){ 3 }, 2), 0);
	while (tg_recv(t, &o, NULL) == CHANNELMSG_OFFERCHANNEL) {
		n++;
		CHECK_EQ(o.offer.sub_channel_index, n);
		CHECK(!memcmp(&o.offer.if_instance, &offers[0].offer.if_instance, 16));
	}
	CHECK_EQ(n, 3);
	CHECK(tg_ctl_ok(t, "devices"));
	CHECK(strstr(tg_out, " subchannels=3 "));
	/* resets are no-ops; BEGIN again is out of order */
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_RESET_BUS, NULL, 0), 0);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_RESET_LUN, NULL, 0), 0);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_BEGIN_INITIALIZATION, NULL, 0),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	CHECK_EQ(op_rt(tc, 99, NULL, 0), VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	return true;
}

/* closing the primary starts over (and rescinds the sub-channels) */
static bool hs_restart(struct tg *t, struct tchan *tc)
{
	tg_close(t, 1);
	CHECK_EQ(tg_drain(t), 3);
	CHECK_EQ(tg_teardown(t, 1, tc->handle), 1);
	CHECK_EQ(tchan_open(t, tc, 1, offers[0].connection_id, 8, 8, 0, true), 0);
	CHECK(tg_ctl_ok(t, "disk list 1"));
	CHECK(strstr(tg_out, " state=begin version=- "));
	CHECK(handshake(tc, false));
	return true;
}

/* a sub-channel is not served until the primary is ready */
static bool hs_early_subchannel(struct tg *t, struct tchan *tc,
				const struct vmbus_channel_offer_channel *o)
{
	struct tchan sc;

	CHECK_EQ(tchan_open(t, &sc, o->child_relid, o->connection_id, 4, 4, 1, true), 0);
	CHECK_EQ(op_rt(&sc, VSTOR_OPERATION_EXECUTE_SRB, NULL, 0),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	CHECK_EQ(op_rt(tc, VSTOR_OPERATION_END_INITIALIZATION, NULL, 0), 0);
	/* completions come back on the channel the request used */
	tg_pages(t, bufpfns, 4, true);
	CHECK_EQ(srb_rt(&sc, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_SUCCESS);
	CHECK_EQ(tring_read(&tc->in, buf, sizeof(buf), &(uint32_t){ 0 }), -ENOENT);
	CHECK_EQ(op_rt(&sc, VSTOR_OPERATION_CREATE_SUB_CHANNELS, &(uint16_t){ 1 }, 2),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	return true;
}

/* version=6.0: the guest falls back; channels=1, sub-channels before END */
static bool hs_options(void)
{
	struct vmbus_channel_offer_channel o;
	struct tchan tc;
	struct tg t;
	char spec[600];

	snprintf(spec, sizeof(spec), "scsi:disk0=%s,version=6.0,channels=1,maxxfer=1M",
		 img_path("a.img"));
	CHECK(up(&t, spec, 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 8, 8, 0, true), 0);
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_BEGIN_INITIALIZATION, NULL, 0), 0);
	CHECK_EQ(version_rt(&tc, 0x602), VSTOR_NTSTATUS_REVISION_MISMATCH);
	CHECK_EQ(version_rt(&tc, 0x600), 0);
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_QUERY_PROPERTIES, NULL, 0), 0);
	CHECK_EQ(rep.p.storage_channel_properties.max_channel_cnt, 1);
	CHECK_EQ(rep.p.storage_channel_properties.max_transfer_bytes, 1 << 20);
	/* sub-channels before END (allowed once, as openvmm) */
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_CREATE_SUB_CHANNELS, &(uint16_t){ 1 }, 2), 0);
	CHECK_EQ(tg_recv(&t, &o, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_CREATE_SUB_CHANNELS, &(uint16_t){ 1 }, 2),
		 VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	CHECK(hs_early_subchannel(&t, &tc, &o));
	tg_free(&t);
	return true;
}

static bool init_sequence(void)
{
	struct tchan tc;
	struct tg t;
	char spec[600];

	CHECK(mkimg("a.img", 1 << 20));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s", img_path("a.img"));
	CHECK(up(&t, spec, 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 8, 8, 0, true), 0);
	CHECK(hs_to_ready(&t, &tc));
	CHECK(hs_when_ready(&t, &tc));
	CHECK(hs_restart(&t, &tc));
	tg_free(&t);
	CHECK(hs_options());
	return true;
}

/* INQUIRY into a buffer that starts mid-page; READ CAPACITY (16) */
static bool srb_inquiry_capacity(struct tchan *tc)
{
	uint8_t got[104];

	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_READ_TYPE, 255, 100, 0x12, 0, 0, 0, 255, 0)),
		 SRB_STATUS_SUCCESS);
	CHECK(rep.p.vm_srb.scsi_status == 0 && rep.p.status == 0);
	CHECK_EQ(rep.p.vm_srb.data_transfer_length, 104);
	CHECK_EQ(rep.p.vm_srb.length, VMSCSI_REQUEST_LEN_WIN8);
	CHECK(rep.p.vm_srb.lun == 0 && rep.p.vm_srb.cdb_length == 6);
	bcopy_pages(100, got, 104, true);
	CHECK(!memcmp(got + 8, "Msft    Virtual Disk    1.0 ", 28));
	/* READ CAPACITY (16) */
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_READ_TYPE, 32, 0, 0x9e, 0x10, 0, 0, 0, 0,
				 0, 0, 0, 0, 0, 0, 0, 32, 0, 0)), SRB_STATUS_SUCCESS);
	bcopy_pages(0, got, 32, true);
	CHECK(got[6] == 0x07 && got[7] == 0xff && got[14] == 0x80);
	return true;
}

/* 16 KiB written from and read into scattered pages, and counted */
static bool srb_write_read(struct tchan *tc, const struct scsi_lun *l)
{
	uint8_t pat[16384], got[16384];

	/* WRITE(10) of 16 KiB from 5 scattered pages, 512 bytes in */
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 13 + i / 777);
	bcopy_pages(512, pat, sizeof(pat), false);
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_WRITE_TYPE, 16384, 512, 0x2a, 0, 0, 0, 0, 40,
				 0, 0, 32, 0)), SRB_STATUS_SUCCESS);
	CHECK_EQ(rep.p.vm_srb.data_transfer_length, 16384);
	CHECK(file_eq("a.img", 40 * 512, pat, sizeof(pat)));
	/* READ(16) it back elsewhere (offset 3000) */
	for (int i = 0; i < 8; i++)
		memset(gpage(i), 0, 4096);
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_READ_TYPE, 16384, 3000, 0x88, 0, 0, 0, 0, 0,
				 0, 0, 0, 40, 0, 0, 0, 32, 0, 0)), SRB_STATUS_SUCCESS);
	bcopy_pages(3000, got, sizeof(got), true);
	CHECK(!memcmp(got, pat, sizeof(pat)));
	/* a bigger buffer than needed: the real amount comes back */
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_READ_TYPE, 8192, 0, 0x28, 0, 0, 0, 0, 40,
				 0, 0, 1, 0)), SRB_STATUS_SUCCESS);
	CHECK_EQ(rep.p.vm_srb.data_transfer_length, 512);
	CHECK_EQ(l->st.reads, 2);
	CHECK_EQ(l->st.writes, 1);
	return true;
}

/* TUR; failures with sense; absent LUNs, other targets and paths */
static bool srb_status_and_addressing(struct tchan *tc)
{
	struct srb s = SRB(0, VSTOR_READ_TYPE, 255, 0, 0x12, 0, 0, 0, 255, 0);

	/* TUR in-band */
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_SUCCESS);
	/* past the end: CHECK CONDITION with sense, no data */
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_READ_TYPE, 1024, 0, 0x28, 0, 0, 0, 0x07, 0xff,
				 0, 0, 2, 0)),
		 SRB_STATUS_INVALID_REQUEST | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE));
	CHECK_EQ(rep.p.status, VSTOR_NTSTATUS_IO_DEVICE_ERROR);
	CHECK_EQ(rep.p.vm_srb.sense_info_length, STORVSC_SENSE_BUFFER_SIZE);
	/* an unknown opcode */
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0xd0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_INVALID_REQUEST | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE));
	/* an absent LUN; another target or path is empty */
	CHECK_EQ(srb_rt(tc, SRB(5, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_INVALID_LUN);
	CHECK_EQ(rep.p.status, VSTOR_NTSTATUS_DEVICE_DOES_NOT_EXIST);
	CHECK(!(rep.p.vm_srb.srb_status & SRB_STATUS_AUTOSENSE_VALID));
	s.target = 1;
	CHECK_EQ(srb_rt(tc, s), SRB_STATUS_SUCCESS);
	CHECK_EQ(*(uint8_t *)gpage(0), 0x7f);
	s.target = 0;
	s.path = 2;
	CHECK_EQ(srb_rt(tc, s), SRB_STATUS_SUCCESS);
	CHECK_EQ(*(uint8_t *)gpage(0), 0x7f);
	s.path = 0;
	CHECK_EQ(srb_rt(tc, s), SRB_STATUS_SUCCESS);
	CHECK_EQ(*(uint8_t *)gpage(0), 0x00);
	return true;
}

/* UNMAP through the ring: the blocks srb_write_read() wrote read zeros */
static bool srb_unmap(struct tchan *tc, const struct scsi_lun *l)
{
	uint8_t list[24] = { 0, 22, 0, 16 };

	list[8 + 7] = 40;
	list[8 + 11] = 32;
	bcopy_pages(0, list, sizeof(list), false);
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_WRITE_TYPE, 24, 0, 0x42, 0, 0, 0, 0, 0,
				 0, 0, 24, 0)), SRB_STATUS_SUCCESS);
	CHECK(file_eq("a.img", 40 * 512, zeros, 16384));
	CHECK_EQ(l->st.unmaps, 1);
	return true;
}

static bool srb_io(void)
{
	struct scsi_lun *l;
	struct tchan tc;
	struct tg t;
	char spec[600];

	CHECK(mkimg("a.img", 1 << 20));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s", img_path("a.img"));
	CHECK(ready(&t, &tc, spec));
	l = storvsp_of(tg_device(&t, 0))->tgt.lun[0];
	CHECK(srb_inquiry_capacity(&tc));
	CHECK(srb_write_read(&tc, l));
	CHECK(srb_status_and_addressing(&tc));
	CHECK(srb_unmap(&tc, l));
	/* the counters are visible */
	CHECK(tg_ctl_ok(&t, "disk list"));
	CHECK(strstr(tg_out, "lun relid=1 class=scsi target=0 lun=0 size=1048576 bs=512 ro=0 reads=2 writes=1 unmaps=1 "));
	tg_free(&t);
	return true;
}

/* packets too short, without completion, of odd sizes and trans_ids */
static bool hostile_packets(struct tchan *tc)
{
	struct srb sr = SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0);

	/* a packet shorter than the VMSTOR header */
	CHECK_EQ(tchan_send(tc, VM_PKT_DATA_INBAND,
			    VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, 7,
			    NULL, 0, "\3\0\0\0\1\0\0\0", 8), 0);
	CHECK_EQ(get_reply(tc, &rep), 0);
	CHECK(rep.type == VM_PKT_COMP && rep.tid == 7 && rep.len == 16);
	CHECK_EQ(rep.p.status, VSTOR_NTSTATUS_INVALID_PARAMETER);
	/* an EXECUTE_SRB too short for its SRB */
	CHECK_EQ(send_op(tc, 8, VSTOR_OPERATION_EXECUTE_SRB, NULL, 0, 40), 0);
	CHECK_EQ(get_reply(tc, &rep), 0);
	CHECK(rep.tid == 8 && rep.len == 40);
	CHECK_EQ(rep.p.status, VSTOR_NTSTATUS_INVALID_PARAMETER);
	/* no completion asked for, or not a data packet: dropped */
	sr.flags = 2;
	CHECK_EQ(send_srb(tc, 9, sr), 0);
	CHECK_EQ(tchan_send(tc, VM_PKT_COMP, 0, 10, NULL, 0, zeros, 64), 0);
	CHECK_EQ(get_reply(tc, &rep), -ENOENT);
	/* a short but valid pre-WIN8 sized SRB is answered at its size */
	sr.flags = 0;
	sr.pkt_len = VSTOR_PACKET_SIZE_PRE_WIN8;
	CHECK_EQ(srb_rt(tc, sr), SRB_STATUS_SUCCESS);
	CHECK_EQ(rep.len, VSTOR_PACKET_SIZE_PRE_WIN8);
	/* the trans_id comes back whatever it is */
	CHECK_EQ(send_srb(tc, ~0ull, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)), 0);
	CHECK_EQ(get_reply(tc, &rep), 0);
	CHECK_EQ(rep.tid, ~0ull);
	return true;
}

/* SRB fields storvsp refuses: CDB length, data_in, data without buffer */
static bool hostile_srb_fields(struct tchan *tc)
{
	struct srb sr = SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0);

	/* CDB length 0 and 17 */
	sr.cdb_len = 0;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	sr.cdb_len = 17;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	sr.cdb_len = 6;
	sr.data_in = 7;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	/* a data length without a buffer (in-band) */
	sr = SRB(0, VSTOR_READ_TYPE, 512, 0, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	sr.nranges = 0;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	return true;
}

/* buffers too small, in two ranges, too large: nothing written */
static bool hostile_buffers(struct tchan *tc)
{
	struct srb sr = SRB(0, VSTOR_WRITE_TYPE, 4096, 0, 0x2a, 0, 0, 0, 0, 0,
			    0, 0, 8, 0);

	/* a data length larger than the buffer */
	sr.count = 512;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	CHECK(file_eq("a.img", 0, zeros, 4096));
	/* two ranges */
	sr.count = 4096;
	sr.nranges = 2;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	CHECK(file_eq("a.img", 0, zeros, 4096));
	/* more than hvsim maps for one SRB */
	sr.nranges = 1;
	sr.dtl = 9u << 20;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	return true;
}

/* PFNs outside guest RAM: nothing written, nothing read */
static bool hostile_pfns(struct tchan *tc)
{
	struct srb sr = SRB(0, VSTOR_WRITE_TYPE, 8192, 0, 0x2a, 0, 0, 0, 0, 0,
			    0, 0, 16, 0);
	uint64_t pfns[2] = { bufpfns[0], 1ull << 35 };

	sr.pfns = pfns;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	CHECK(file_eq("a.img", 0, zeros, 4096));
	pfns[1] = (TG_RAM_SIZE >> 12);		/* just past the end */
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	pfns[1] = ~0ull;
	sr.cdb[0] = 0x28;
	sr.data_in = VSTOR_READ_TYPE;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	/* a byte offset that reaches into the bad page */
	pfns[1] = 1ull << 35;
	sr = SRB(0, VSTOR_READ_TYPE, 512, 3800, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	sr.pfns = pfns;
	CHECK(srb_rt(tc, sr) >= 0 && INVALID_CDB());
	return true;
}

static bool hostile(void)
{
	struct storvsp *s;
	struct tchan tc;
	struct tg t;
	char spec[600];
	uint64_t saved;

	CHECK(mkimg("a.img", 1 << 20));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s", img_path("a.img"));
	CHECK(ready(&t, &tc, spec));
	s = storvsp_of(tg_device(&t, 0));
	memset(gpage(0), 0x99, 4096);
	memset(gpage(1), 0x99, 4096);
	CHECK(hostile_packets(&tc));
	CHECK(hostile_srb_fields(&tc));
	CHECK(hostile_buffers(&tc));
	CHECK(hostile_pfns(&tc));
	/* a READ whose buffer the guest marked data-out */
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_WRITE_TYPE, 512, 0, 0x28, 0, 0, 0, 0, 0,
				  0, 0, 1, 0)),
		 SRB_STATUS_INVALID_REQUEST | SRB_STATUS_AUTOSENSE_VALID);
	CHECK_EQ(((uint8_t *)gpage(0))[0], 0x99);
	saved = s->st.bad;
	CHECK(saved >= 13);
	/* after all that, the channel still works */
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_SUCCESS);
	CHECK_EQ(s->st.bad, saved);
	CHECK(chan_is_open(tg_chan(&t, 1)));
	tg_free(&t);
	return true;
}

static bool ide_class(void)
{
	struct tchan tc;
	struct tg t;
	char spec[600];
	uint8_t got[8];

	CHECK(mkimg("a.img", 1 << 20));
	/* default instance: target 0; the offer says so too */
	snprintf(spec, sizeof(spec), "ide:disk=%s,ro=1", img_path("a.img"));
	CHECK(ready(&t, &tc, spec));
	CHECK_EQ(offers[0].offer.u.std.user_def[3], 0);
	CHECK_EQ(offers[0].offer.u.std.user_def[8], 2);
	CHECK_EQ(rep.p.status, 0);
	/* any path, target 0, LUN 0 */
	{
		struct srb s = SRB(0, VSTOR_READ_TYPE, 8, 0, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);

		s.path = 1;
		CHECK_EQ(srb_rt(&tc, s), SRB_STATUS_SUCCESS);
		bcopy_pages(0, got, 8, true);
		CHECK(got[2] == 0x07 && got[3] == 0xff);
		s.target = 1;
		CHECK_EQ(srb_rt(&tc, s), SRB_STATUS_INVALID_LUN);
	}
	/* read-only: WP in MODE SENSE, writes refused */
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_READ_TYPE, 255, 0, 0x1a, 0, 0x3f, 0, 255, 0)),
		 SRB_STATUS_SUCCESS);
	CHECK_EQ(((uint8_t *)gpage(0))[2], 0x90);
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_WRITE_TYPE, 512, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
		 SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_DATA_PROTECT, ASC_WRITE_PROTECTED));
	/* no sub-channels on IDE, and no hot plug */
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_CREATE_SUB_CHANNELS, &(uint16_t){ 1 }, 2),
		 VSTOR_NTSTATUS_INVALID_PARAMETER);
	CHECK(!tg_ctl_ok(&t, "disk add 1 1 /dev/null"));
	CHECK(strstr(tg_out, "IDE"));
	CHECK(!tg_ctl_ok(&t, "disk remove 1 0"));
	tg_free(&t);

	/* instance bytes 4-5 = 1: the disk is target 1 */
	snprintf(spec, sizeof(spec), "ide:instance=12345678-0001-0000-0000-000000000000,disk0=%s",
		 img_path("a.img"));
	CHECK(ready(&t, &tc, spec));
	CHECK_EQ(offers[0].offer.u.std.user_def[3], 1);
	{
		struct srb s = SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0);

		CHECK_EQ(srb_rt(&tc, s), SRB_STATUS_INVALID_LUN);
		s.target = 1;
		CHECK_EQ(srb_rt(&tc, s), SRB_STATUS_SUCCESS);
	}
	CHECK(tg_ctl_ok(&t, "disk list"));
	CHECK(strstr(tg_out, "lun relid=1 class=ide target=1 lun=0 "));
	tg_free(&t);
	/* IDE from "all": no disk, an empty channel */
	tg_init(&t, 1);
	CHECK(tg_add(&t, "all"));
	tg_free(&t);
	return true;
}

static bool fc_class(void)
{
	struct tchan tc;
	struct tg t;
	char spec[600];
	struct hv_fc_wwn_packet *w = &rep.p.wwn_packet;

	CHECK(mkimg("a.img", 1 << 20));
	snprintf(spec, sizeof(spec), "fc:disk3=%s", img_path("a.img"));
	CHECK(up(&t, spec, 1));
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 8, 8, 0, true), 0);
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_BEGIN_INITIALIZATION, NULL, 0), 0);
	CHECK_EQ(version_rt(&tc, 0x602), 0);
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_QUERY_PROPERTIES, NULL, 0), 0);
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_FCHBA_DATA, NULL, 0), 0);
	CHECK(w->primary_active == 1);
	CHECK(!memcmp(w->primary_port_wwn, "\xc0\x03\xff", 3));
	CHECK(!memcmp(w->primary_node_wwn, "\xc0\x03\xff", 3));
	CHECK_EQ(w->primary_port_wwn[7] & 1, 1);
	CHECK_EQ(w->primary_node_wwn[7] & 1, 0);
	CHECK(!memcmp(w->primary_port_wwn, w->primary_node_wwn, 7));
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_END_INITIALIZATION, NULL, 0), 0);
	tg_pages(&t, bufpfns, 8, true);
	CHECK_EQ(srb_rt(&tc, SRB(3, VSTOR_READ_TYPE, 4096, 0, 0xa0, 0, 0, 0, 0, 0,
				  0, 0, 0x10, 0, 0, 0)), SRB_STATUS_SUCCESS);
	CHECK(!memcmp(gpage(0), "\0\0\0\x08\0\0\0\0\0\x03", 10));
	tg_free(&t);
	snprintf(spec, sizeof(spec), "fc:wwpn=0123456789abcdef,wwnn=fedcba9876543210");
	CHECK(ready(&t, &tc, spec));
	CHECK_EQ(op_rt(&tc, VSTOR_OPERATION_FCHBA_DATA, NULL, 0), 0);
	CHECK(!memcmp(w->primary_port_wwn, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8));
	CHECK(!memcmp(w->primary_node_wwn, "\xfe\xdc\xba\x98\x76\x54\x32\x10", 8));
	tg_free(&t);
	return true;
}

static bool is_enumerate(struct tchan *tc)
{
	if (get_reply(tc, &rep) || rep.type != VM_PKT_DATA_INBAND || rep.tid ||
	    rep.flags || rep.len != 64 ||
	    rep.p.operation != VSTOR_OPERATION_ENUMERATE_BUS || rep.p.status) {
		printf("#   no ENUMERATE_BUS: type %u tid %llu op %u\n", rep.type,
		       (unsigned long long)rep.tid, rep.p.operation);
		return false;
	}
	return true;
}

static bool hotplug(void)
{
	struct tchan tc;
	struct tg t;
	char spec[600], cmd[700];
	uint8_t got[32];

	CHECK(mkimg("a.img", 1 << 20));
	CHECK(mkimg("b.img", 2 << 20));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s", img_path("a.img"));
	CHECK(ready(&t, &tc, spec));
	/* add LUN 1: ENUMERATE_BUS, and LUN 0 reports the change once */
	snprintf(cmd, sizeof(cmd), "disk add 1 1 %s ro bs=4096", img_path("b.img"));
	CHECK(tg_ctl_ok(&t, cmd));
	CHECK(strstr(tg_out, "lun relid=1 class=scsi target=0 lun=1 size=2097152 bs=4096 ro=1 "));
	CHECK(is_enumerate(&tc));
	CHECK_EQ(get_reply(&tc, &rep), -ENOENT);
	CHECK(tg_ctl_ok(&t, "disk list 1"));
	CHECK(strstr(tg_out, "lun=0 ") && strstr(tg_out, " ua=luns path="));
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_UNIT_ATTENTION, ASC_REPORTED_LUNS_CHANGED));
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_SUCCESS);
	/* the new LUN has none and is there */
	CHECK_EQ(srb_rt(&tc, SRB(1, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_SUCCESS);
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_READ_TYPE, 4096, 0, 0xa0, 0, 0, 0, 0, 0,
				  0, 0, 0x10, 0, 0, 0)), SRB_STATUS_SUCCESS);
	bcopy_pages(0, got, 24, true);
	CHECK(!memcmp(got, "\0\0\0\x10\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 18));
	CHECK_EQ(srb_rt(&tc, SRB(1, VSTOR_READ_TYPE, 8, 0, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_SUCCESS);
	bcopy_pages(0, got, 8, true);
	CHECK(!memcmp(got, "\0\0\x01\xff\0\0\x10\0", 8));
	/* errors: in use, bad LUN, missing file */
	CHECK(!tg_ctl_ok(&t, cmd));
	CHECK(strstr(tg_out, "in use"));
	CHECK(!tg_ctl_ok(&t, "disk add 1 255 /dev/null"));
	CHECK(!tg_ctl_ok(&t, "disk add 1 2 /nonexistent/x.img"));
	CHECK(strstr(tg_out, "No such file"));
	CHECK_EQ(get_reply(&tc, &rep), -ENOENT);
	/* remove LUN 1: ENUMERATE_BUS; LUN 0 is told; LUN 1 is gone */
	CHECK(tg_ctl_ok(&t, "disk remove 1 1"));
	CHECK(is_enumerate(&tc));
	CHECK_EQ(srb_rt(&tc, SRB(1, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_INVALID_LUN);
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_READ_TYPE, 512, 0, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
		 SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_UNIT_ATTENTION, ASC_REPORTED_LUNS_CHANGED));
	CHECK(!tg_ctl_ok(&t, "disk remove 1 1"));
	/* resize LUN 0: the unit attention alone, no ENUMERATE_BUS */
	CHECK(tg_ctl_ok(&t, "disk resize 1 0 3M"));
	CHECK(strstr(tg_out, " size=3145728 "));
	CHECK_EQ(get_reply(&tc, &rep), -ENOENT);
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_READ_TYPE, 8, 0, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_UNIT_ATTENTION, ASC_CAPACITY_DATA_CHANGED));
	CHECK_EQ(srb_rt(&tc, SRB(0, VSTOR_READ_TYPE, 8, 0, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
		 SRB_STATUS_SUCCESS);
	bcopy_pages(0, got, 8, true);
	CHECK(!memcmp(got, "\0\0\x17\xff\0\0\x02\0", 8));
	struct stat st;

	CHECK(stat(img_path("a.img"), &st) == 0 && st.st_size == 3 << 20);
	CHECK(!tg_ctl_ok(&t, "disk resize 1 0 1000"));
	CHECK(!tg_ctl_ok(&t, "disk resize 1 0 x"));
	/* while the guest is not bound: no unit attention, no packet */
	tg_close(&t, 1);
	CHECK(tg_ctl_ok(&t, "disk add 1 2 /dev/null") == false);
	snprintf(cmd, sizeof(cmd), "disk add 1 2 %s", img_path("b.img"));
	CHECK(tg_ctl_ok(&t, cmd));
	CHECK(tg_ctl_ok(&t, "disk list 1"));
	CHECK(!strstr(tg_out, "ua=luns"));
	CHECK_EQ(storvsp_of(tg_device(&t, 0))->st.enumerates, 2);
	tg_free(&t);
	return true;
}

static void quit_cb(struct watch *w, uint32_t events)
{
	uint64_t n;

	(void)events;
	if (read(w->fd, &n, sizeof(n)) < 0)
		return;
	((struct hvsim *)w->priv)->quit = true;
}

/* "disk error": one failing READ, then writes until switched off */
static bool error_injection(struct tg *t, struct tchan *tc)
{
	/* one failing READ, then fine */
	CHECK(tg_ctl_ok(t, "disk error 1 0 on 1"));
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_READ_TYPE, 512, 0, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
		 SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR));
	CHECK_EQ(rep.p.status, VSTOR_NTSTATUS_IO_DEVICE_ERROR);
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_READ_TYPE, 512, 0, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
		 SRB_STATUS_SUCCESS);
	/* until switched off: writes fail with WRITE ERROR */
	CHECK(tg_ctl_ok(t, "disk error 1 0 on"));
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_WRITE_TYPE, 512, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
		 SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	CHECK(sense_is(SK_MEDIUM_ERROR, ASC_WRITE_ERROR));
	CHECK_EQ(srb_rt(tc, SRB(1, VSTOR_WRITE_TYPE, 512, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
		 SRB_STATUS_SUCCESS);
	CHECK(tg_ctl_ok(t, "disk list"));
	CHECK(strstr(tg_out, " lun=0 ") && strstr(tg_out, " injected=2 error=on error_left=0 "));
	CHECK(tg_ctl_ok(t, "disk error 1 0 off"));
	CHECK_EQ(srb_rt(tc, SRB(0, VSTOR_WRITE_TYPE, 512, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
		 SRB_STATUS_SUCCESS);
	CHECK(!tg_ctl_ok(t, "disk error 1 0 off 3"));
	CHECK(!tg_ctl_ok(t, "disk error 1 7 on"));
	return true;
}

/* LUN 0 delayed by 80 ms; LUN 1 answers meanwhile; the timers by hand */
static bool delay_by_hand(struct tg *t, struct tchan *tc)
{
	uint64_t t0;

	CHECK(tg_ctl_ok(t, "disk delay 1 0 80"));
	t0 = now_ns();
	CHECK_EQ(send_srb(tc, 501, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)), 0);
	CHECK_EQ(send_srb(tc, 502, SRB(0, VSTOR_READ_TYPE, 512, 0, 0x28, 0, 0, 0, 0, 0,
				      0, 0, 1, 0)), 0);
	CHECK_EQ(send_srb(tc, 503, SRB(1, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)), 0);
	CHECK_EQ(get_reply(tc, &rep), 0);
	CHECK_EQ(rep.tid, 503);
	CHECK_EQ(get_reply(tc, &rep), -ENOENT);
	CHECK(tg_ctl_ok(t, "disk list 1"));
	CHECK(strstr(tg_out, " delayed=2 held=2 "));
	storvsp_run_timers(storvsp_of(tg_device(t, 0)));
	if (now_ns() - t0 < 70000000ull)
		CHECK_EQ(get_reply(tc, &rep), -ENOENT);
	usleep(90000);
	storvsp_run_timers(storvsp_of(tg_device(t, 0)));
	CHECK_EQ(get_reply(tc, &rep), 0);
	CHECK(rep.tid == 501 && rep.p.vm_srb.srb_status == SRB_STATUS_SUCCESS);
	CHECK_EQ(get_reply(tc, &rep), 0);
	CHECK(rep.tid == 502 && rep.p.vm_srb.data_transfer_length == 512);
	CHECK(now_ns() - t0 >= 80000000ull);
	return true;
}

/*
 * The real thing: the event loop's timer sends it (30 ms; @quit ends the
 * loop at 150 ms; the caller takes it out of the loop).
 */
static bool delay_by_loop(struct tg *t, struct tchan *tc, struct watch *quit)
{
	struct itimerspec its = { .it_value.tv_nsec = 150000000 };
	uint64_t t0;

	CHECK_EQ(loop_add(quit, EPOLLIN), 0);
	timerfd_settime(quit->fd, 0, &its, NULL);
	CHECK(tg_ctl_ok(t, "disk delay 1 0 30"));
	t0 = now_ns();
	CHECK_EQ(send_srb(tc, 600, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)), 0);
	CHECK_EQ(get_reply(tc, &rep), -ENOENT);
	t->hs.quit = false;
	CHECK_EQ(loop_run(&t->hs), 0);
	CHECK_EQ(get_reply(tc, &rep), 0);
	CHECK_EQ(rep.tid, 600);
	CHECK(now_ns() - t0 >= 30000000ull);
	t->hs.quit = false;
	CHECK(tg_ctl_ok(t, "disk delay 1 0 80"));
	return true;
}

/* held completions of a channel that closes are dropped */
static bool delay_then_close(struct tg *t, struct tchan *tc)
{
	CHECK_EQ(send_srb(tc, 504, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)), 0);
	tg_close(t, 1);
	CHECK(tg_ctl_ok(t, "disk list 1"));
	CHECK(strstr(tg_out, " held=0 "));
	usleep(90000);
	storvsp_run_timers(storvsp_of(tg_device(t, 0)));
	CHECK(!tg_ctl_ok(t, "disk delay 1 0 60001"));
	CHECK(tg_ctl_ok(t, "disk delay 1 0 0"));
	return true;
}

static bool errors_and_delays(void)
{
	struct tchan tc;
	struct tg t;
	char spec[600];
	struct watch quit = { .cb = quit_cb, .priv = &t.hs };
	bool looped;

	CHECK(mkimg("a.img", 1 << 20));
	CHECK(mkimg("b.img", 1 << 20));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s,disk1=%s", img_path("a.img"),
		 img_path("b.img"));
	CHECK(ready(&t, &tc, spec));
	CHECK(error_injection(&t, &tc));
	CHECK(delay_by_hand(&t, &tc));
	quit.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	CHECK(quit.fd >= 0);
	looped = delay_by_loop(&t, &tc, &quit);
	loop_del(&quit);
	close(quit.fd);
	CHECK(looped);
	CHECK(delay_then_close(&t, &tc));
	tg_free(&t);
	return true;
}

/* the guest's reader: hv_pkt_iter_close's signal rule */
static bool guest_read_one(struct tchan *tc, uint64_t *tid)
{
	struct hv_ring_buffer *c = tring_ctrl(&tc->in);
	uint32_t before = vmbus_ring_bytes_to_write(c->read_index,
						    c->write_index, tc->in.size);
	uint32_t after, pending;

	if (get_reply(tc, &rep))
		return false;
	*tid = rep.tid;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pending = c->pending_send_sz;
	after = vmbus_ring_bytes_to_write(c->read_index, c->write_index,
					  tc->in.size);
	if (pending && before <= pending && after > pending)
		hvsim_signal_event(&tc->t->hs, 0, tc->conn_id);
	return true;
}

static bool full_ring(void)
{
	struct tchan tc;
	struct tg t;
	char spec[600];
	uint64_t tid, next = 1000, sent = 1000;

	CHECK(mkimg("a.img", 1 << 20));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s", img_path("a.img"));
	CHECK(up(&t, spec, 1));
	/* 16 KiB out, 4 KiB in: 46 answers of 88 ring bytes fit */
	CHECK_EQ(tchan_open(&t, &tc, 1, offers[0].connection_id, 5, 2, 0, true), 0);
	CHECK(handshake(&tc, false));
	while (send_srb(&tc, sent, SRB(0, VSTOR_UNKNOWN_TYPE, 0, 0, 0, 0, 0, 0, 0, 0)) == 0)
		sent++;
	CHECK(sent - 1000 > 60);
	/* one answer waits for room; the rest wait in the guest's ring */
	CHECK(tg_chan_waiting(&t, 1));
	CHECK(tg_ctl_ok(&t, "disk list"));
	CHECK(strstr(tg_out, " backlog=1"));
	while (guest_read_one(&tc, &tid)) {
		CHECK_EQ(tid, next);
		next++;
	}
	CHECK_EQ(next, sent);
	CHECK(!tg_chan_waiting(&t, 1));
	printf("# %llu answers through a 4 KiB ring\n",
	       (unsigned long long)(sent - 1000));
	tg_free(&t);
	return true;
}

static bool ctl_and_options(void)
{
	struct tg t;
	char spec[600];

	CHECK(mkimg("a.img", 1 << 20));
	tg_init(&t, 2);
	CHECK(tg_add(&t, "echo"));
	CHECK(!tg_add(&t, "scsi:disk255=/dev/null"));
	CHECK(!tg_add(&t, "scsi:diskx=/dev/null"));
	snprintf(spec, sizeof(spec), "scsi:ro1=1,disk0=%s", img_path("a.img"));
	CHECK(!tg_add(&t, spec));
	CHECK(!tg_add(&t, "scsi:channels=65"));
	CHECK(!tg_add(&t, "scsi:maxxfer=1000"));
	CHECK(!tg_add(&t, "scsi:maxxfer=16M"));
	CHECK(!tg_add(&t, "scsi:version=4.2"));
	CHECK(!tg_add(&t, "scsi:version=6"));
	CHECK(!tg_add(&t, "scsi:wwpn=0123456789abcdef"));
	CHECK(!tg_add(&t, "fc:wwpn=0123456789abcdez"));
	CHECK(!tg_add(&t, "ide:channels=2"));
	snprintf(spec, sizeof(spec), "ide:disk1=%s", img_path("a.img"));
	CHECK(!tg_add(&t, spec));
	CHECK(!tg_add(&t, "ide:instance=00000000-0100-0000-0000-000000000000"));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s,bs0=1024", img_path("a.img"));
	CHECK(!tg_add(&t, spec));
	snprintf(spec, sizeof(spec), "scsi:disk0=%s,disk7=%s,ro7=on,bs7=4096,channels=0",
		 img_path("a.img"), img_path("a.img"));
	CHECK(tg_add(&t, spec));
	CHECK(tg_ctl_ok(&t, "disk list"));
	CHECK(strstr(tg_out, "controller relid=- class=scsi instance=000c0000-0000-4853-6876-73696d000000 state=begin "));
	CHECK(strstr(tg_out, "lun relid=- class=scsi target=0 lun=7 size=1048576 bs=4096 ro=1 "));
	CHECK(!strstr(tg_out, "echo"));
	/* addressing by instance; things that are not storage */
	CHECK(tg_ctl_ok(&t, "disk list 000c0000-0000-4853-6876-73696d000000"));
	CHECK(!tg_ctl_ok(&t, "disk list 00140000-0000-4853-6876-73696d000000"));
	CHECK(!tg_ctl_ok(&t, "disk list 1"));
	CHECK(!tg_ctl_ok(&t, "disk list zz"));
	CHECK(!tg_ctl_ok(&t, "disk frob 000c0000-0000-4853-6876-73696d000000 0"));
	CHECK(!tg_ctl_ok(&t, "disk"));
	CHECK(!tg_ctl_ok(&t, "disk delay 000c0000-0000-4853-6876-73696d000000 300 5"));
	CHECK(!tg_ctl_ok(&t, "disk add 000c0000-0000-4853-6876-73696d000000 1 /dev/null rw"));
	CHECK(tg_ctl_ok(&t, "help"));
	CHECK(strstr(tg_out, "disk add <relid|instance> <lun> <path> [ro] [bs=512|4096]"));
	tg_free(&t);
	return true;
}

static const struct tap_test tests[] = {
	{ "handshake: order, versions, properties, sub-channels, restart", init_sequence },
	{ "EXECUTE_SRB: GPA direct I/O on scattered pages, sense, addressing", srb_io },
	{ "hostile packets: short, no completion, CDB length, buffers, PFNs", hostile },
	{ "IDE: target from the instance, read-only, no hot plug", ide_class },
	{ "FC: FCHBA_DATA WWNs, LUNs", fc_class },
	{ "LUN add/remove: ENUMERATE_BUS + unit attention; resize", hotplug },
	{ "error injection and delayed completions", errors_and_delays },
	{ "a full inbound ring: answers wait, nothing lost, in order", full_ring },
	{ "disk commands and device options", ctl_and_options },
};

int main(void)
{
	const char *base = getenv("TMPDIR");
	int ret;

	log_init(NULL, false);
	/* delayed completions arm a timerfd in the (idle) event loop */
	loop_init();
	snprintf(tmpdir, sizeof(tmpdir), "%s/hvsim-storvsp-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	ret = tap_run(tests, ARRAY_SIZE(tests));
	unlink(img_path("a.img"));
	unlink(img_path("b.img"));
	rmdir(tmpdir);
	loop_exit();
	return ret;
}
