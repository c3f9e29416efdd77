// SPDX-License-Identifier: GPL-2.0-only
/*
 * storvsp: the host side of Hyper-V synthetic storage (classes ide, scsi
 * and fc), the VMSTOR protocol of src/include/hvlis/vstor.h over the VSP
 * API, with disks from scsi_target.c.
 *
 * Sources: microsoft/openvmm vm/devices/storage/storvsp/src/lib.rs (the
 * host: handshake states, answers, packet sizes, ENUMERATE_BUS on LUN
 * changes, SRB -> NT status), drivers/scsi/storvsc_drv.c (Linux 6.12, the
 * guest: what it sends, what it checks).  Each rule is cited where it is
 * applied.
 *
 * The handshake runs on the primary channel (openvmm process_primary):
 *   BEGIN_INITIALIZATION -> QUERY_PROTOCOL_VERSION (6.2, 6.0 and 5.1 are
 *   accepted, others get REVISION_MISMATCH and may be retried) ->
 *   QUERY_PROPERTIES -> [FCHBA_DATA (fc)] [CREATE_SUB_CHANNELS (once)] ->
 *   END_INITIALIZATION -> ready: EXECUTE_SRB, RESET_*, CREATE_SUB_CHANNELS.
 * An operation out of order is answered INVALID_DEVICE_STATE and changes
 * nothing; sub-channels answer that way until the primary is ready (openvmm
 * makes them wait instead).  Closing the primary starts over.
 *
 * Every guest packet that asks for a completion gets exactly one
 * VM_PKT_COMP with its trans_id, cut or padded to the request's size (at
 * most 64 bytes; openvmm send_vmbus_packet).  Malformed requests get
 * INVALID_PARAMETER; packets that ask for no completion, or are no data
 * packets, are dropped and counted (openvmm stops the channel instead).
 *
 * EXECUTE_SRB checks, each failing the SRB with SRB_STATUS_INVALID_REQUEST
 * and ILLEGAL REQUEST / INVALID FIELD IN CDB sense: a request shorter than
 * the pre-WIN8 vmscsi_request, cdb_length 0 or > 16, data_in > 2, a data
 * length without a GPA range or a range shorter than it, more than one
 * range (openvmm Range::new), more than STORVSP_MAX_DATA bytes, a page of
 * the buffer outside guest RAM.  Data moves directly between the image
 * file and guest pages (preadv/pwritev on the pages).
 *
 * Addressing: SCSI and FC controllers have their LUNs at path 0, target 0
 * (any other path/target is empty: INQUIRY says "no LUN", REPORT LUNS is
 * empty, the rest is SRB_STATUS_INVALID_LUN: openvmm execute_scsi).  An
 * IDE channel has one disk at LUN 0 of the target Linux derives from the
 * instance GUID (bytes 4-5, vstor_ide_target_from_instance()); the path id
 * is ignored, as openvmm forces it for IDE.  The offer's OfferProperties
 * are made to name the same target.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <hvlis/vstor.h>

#include "lib/fnv.h"
#include "lib/parse.h"
#include "lib/hex.h"
#include "storage.h"

/* largest data buffer of one SRB: what hvsim is willing to map */
#define STORVSP_MAX_DATA	(8u << 20)
/* openvmm storvsp: max_transfer_bytes 0x40000 (256 KiB) */
#define STORVSP_DEF_MAXXFER	0x40000u
/* completions "disk delay" may hold per controller; more go out at once */
#define STORVSP_MAX_DELAYED	4096
/* LUNs 0..254: storvsc's max_lun is STORVSC_MAX_LUNS_PER_TARGET (255) */
#define STORVSP_MAX_LUN		254

/* a completion (or ENUMERATE_BUS) waiting for its time or for ring room */
struct storvsp_delayed {
	struct storvsp_delayed *next;
	struct hv_chan *ch;
	uint64_t due_ns;
	uint64_t trans_id;
	uint16_t type;			/* VM_PKT_COMP or VM_PKT_DATA_INBAND */
	uint32_t len;
	uint8_t pkt[sizeof(struct vstor_packet)];
};

/* chan_priv(ch) */
struct svchan {
	struct storvsp *s;
	struct storvsp_delayed *backlog, **tail;	/* FIFO for ring room */
};

static bool is_ours(const struct vsp_device *dev)
{
	return vsp_dev_ops(dev) == &vsp_ide_ops || vsp_dev_ops(dev) == &vsp_scsi_ops ||
	       vsp_dev_ops(dev) == &vsp_fc_ops;
}

struct storvsp *storvsp_of(struct vsp_device *dev)
{
	return dev && is_ours(dev) ? vsp_dev_priv(dev) : NULL;
}

const char *storvsp_state_name(enum storvsp_state st)
{
	switch (st) {
	case STORVSP_BEGIN:
		return "begin";
	case STORVSP_QUERY_VERSION:
		return "query_version";
	case STORVSP_QUERY_PROPERTIES:
		return "query_properties";
	case STORVSP_END_INIT:
		return "end_init";
	case STORVSP_READY:
		return "ready";
	}
	return "?";
}

/* ---- sending ---- */

static int flush_backlog(struct hv_chan *ch)
{
	struct svchan *c = chan_priv(ch);
	struct storvsp_delayed *d;

	while ((d = c->backlog)) {
		int ret = chan_send(ch, d->type, 0, d->trans_id, NULL, 0, d->pkt,
				    d->len);

		if (ret == -EAGAIN) {
			chan_request_space(ch, vmbus_pkt_ring_bytes(
				(uint32_t)sizeof(struct vmpacket_descriptor) + d->len));
			return -EAGAIN;
		}
		if (ret)
			log_guest("storvsp: relid %u: packet dropped (%d)",
				  chan_relid(ch), ret);
		c->backlog = d->next;
		if (!c->backlog)
			c->tail = &c->backlog;
		free(d);
	}
	return 0;
}

static void backlog_add(struct hv_chan *ch, struct storvsp_delayed *d)
{
	struct svchan *c = chan_priv(ch);

	d->next = NULL;
	*c->tail = d;
	c->tail = &d->next;
}

/* a packet to the guest now, or queued until its ring has room */
static void send_pkt(struct hv_chan *ch, uint16_t type, uint64_t trans_id,
		     const void *pkt, uint32_t len)
{
	struct svchan *c = chan_priv(ch);
	struct storvsp_delayed *d;
	int ret = -EAGAIN;

	if (!c->backlog) {
		ret = chan_send(ch, type, 0, trans_id, NULL, 0, pkt, len);
		if (ret != -EAGAIN) {
			if (ret)
				log_guest("storvsp: relid %u: packet dropped (%d)",
					  chan_relid(ch), ret);
			return;
		}
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		log_err("storvsp: out of memory, completion lost");
		return;
	}
	d->ch = ch;
	d->type = type;
	d->trans_id = trans_id;
	d->len = len;
	memcpy(d->pkt, pkt, len);
	backlog_add(ch, d);
	c->s->st.backlog++;
	chan_request_space(ch, vmbus_pkt_ring_bytes(
		(uint32_t)sizeof(struct vmpacket_descriptor) + len));
}

/* ---- "disk delay": held completions and their timer ---- */

void storvsp_run_timers(struct storvsp *s)
{
	uint64_t now = now_ns();
	struct storvsp_delayed *d;

	while ((d = s->delayed) && d->due_ns <= now) {
		struct svchan *c = chan_priv(d->ch);

		s->delayed = d->next;
		s->ndelayed--;
		backlog_add(d->ch, d);
		if (c->backlog == d)
			flush_backlog(d->ch);
	}
	hv_timer_set(&s->timer, s->delayed ? s->delayed->due_ns : 0);
}

static void timer_fired(void *priv)
{
	storvsp_run_timers(priv);
}

static void delay_pkt(struct storvsp *s, struct hv_chan *ch, uint32_t ms,
		      uint64_t trans_id, const void *pkt, uint32_t len)
{
	struct storvsp_delayed *d, **pp;

	if (s->ndelayed >= STORVSP_MAX_DELAYED) {
		send_pkt(ch, VM_PKT_COMP, trans_id, pkt, len);
		return;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		send_pkt(ch, VM_PKT_COMP, trans_id, pkt, len);
		return;
	}
	d->ch = ch;
	d->type = VM_PKT_COMP;
	d->trans_id = trans_id;
	d->len = len;
	memcpy(d->pkt, pkt, len);
	d->due_ns = now_ns() + (uint64_t)ms * 1000000ull;
	/* in due order; equal times keep their arrival order */
	for (pp = &s->delayed; *pp && (*pp)->due_ns <= d->due_ns;
	     pp = &(*pp)->next)
		;
	d->next = *pp;
	*pp = d;
	s->ndelayed++;
	s->st.delayed++;
	hv_timer_set(&s->timer, s->delayed->due_ns);
}

/* forget what is held for @ch (NULL: for every channel of @s) */
static void drop_delayed(struct storvsp *s, struct hv_chan *ch)
{
	struct storvsp_delayed **pp = &s->delayed, *d;

	while ((d = *pp)) {
		if (!ch || d->ch == ch) {
			*pp = d->next;
			s->ndelayed--;
			free(d);
		} else {
			pp = &d->next;
		}
	}
	hv_timer_set(&s->timer, s->delayed ? s->delayed->due_ns : 0);
}

/* ---- answers ---- */

/* request bytes -> answer bytes (openvmm send_vmbus_packet) */
static uint32_t answer_len(const struct vmbus_pkt *pkt)
{
	uint32_t n = pkt->data_len;

	if (n > sizeof(struct vstor_packet))
		n = sizeof(struct vstor_packet);
	if (n < VSTOR_PACKET_HEADER_SIZE)
		n = VSTOR_PACKET_HEADER_SIZE;
	return n;
}

static void complete(struct hv_chan *ch, const struct vmbus_pkt *pkt,
		     struct vstor_packet *p, uint32_t status, uint32_t delay_ms)
{
	struct svchan *c = chan_priv(ch);

	p->operation = VSTOR_OPERATION_COMPLETE_IO;
	p->flags = 0;
	p->status = status;
	if (delay_ms)
		delay_pkt(c->s, ch, delay_ms, pkt->trans_id, p, answer_len(pkt));
	else
		send_pkt(ch, VM_PKT_COMP, pkt->trans_id, p, answer_len(pkt));
}

/* an answer with nothing but a status */
static void complete_status(struct hv_chan *ch, const struct vmbus_pkt *pkt,
			    uint32_t status)
{
	struct vstor_packet p;

	memset(&p, 0, sizeof(p));
	complete(ch, pkt, &p, status, 0);
}

void storvsp_enumerate(struct storvsp *s)
{
	struct hv_chan *ch = vsp_dev_primary(s->dev);
	struct vstor_packet p;

	/* openvmm: from the ready primary only (WIN7+, which all are) */
	if (!ch || !chan_is_open(ch) || !chan_priv(ch) ||
	    s->state != STORVSP_READY)
		return;
	memset(&p, 0, sizeof(p));
	p.operation = VSTOR_OPERATION_ENUMERATE_BUS;
	s->st.enumerates++;
	send_pkt(ch, VM_PKT_DATA_INBAND, 0, &p, sizeof(p));
}

/* ---- the handshake ---- */

static bool version_ok(const struct storvsp *s, uint16_t v)
{
	return v <= s->max_version &&
	       (v == VMSTOR_PROTO_VERSION_WIN10 ||
		v == VMSTOR_PROTO_VERSION_WIN8_1 ||
		v == VMSTOR_PROTO_VERSION_WIN8);
}

static uint16_t max_subchannels(const struct storvsp *s)
{
	unsigned int n;

	/* openvmm build_ide: an IDE channel never has sub-channels */
	if (s->kind == STORVSP_IDE)
		return 0;
	if (s->channels_set)
		return s->max_subchannels;
	n = hvsim_guest_cpus(vsp_dev_hvsim(s->dev));
	n = n ? n - 1 : 0;
	return (uint16_t)(n < VSP_MAX_SUBCHANNELS ? n : VSP_MAX_SUBCHANNELS);
}

static void create_subchannels(struct storvsp *s, struct hv_chan *ch,
			       const struct vmbus_pkt *pkt,
			       const struct vstor_packet *req)
{
	uint16_t n = req->sub_channel_count;

	if (pkt->data_len < VSTOR_PACKET_HEADER_SIZE + sizeof(uint16_t)) {
		s->st.bad++;
		complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_PARAMETER);
		return;
	}
	/* openvmm enable_subchannels: no more than offered */
	if (n > max_subchannels(s) || chan_offer_subchannels(s->dev, n) < 0) {
		log_guest("storvsp: %s#%u: %u sub-channels refused",
			  vsp_class_name(s->dev), vsp_dev_index(s->dev), n);
		complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_PARAMETER);
		return;
	}
	s->subchannels = n;
	complete_status(ch, pkt, VSTOR_NTSTATUS_SUCCESS);
}

static void fchba_data(struct storvsp *s, struct hv_chan *ch,
		       const struct vmbus_pkt *pkt)
{
	struct vstor_packet p;

	memset(&p, 0, sizeof(p));
	p.wwn_packet.primary_active = 1;
	memcpy(p.wwn_packet.primary_port_wwn, s->wwpn, 8);
	memcpy(p.wwn_packet.primary_node_wwn, s->wwnn, 8);
	memcpy(p.wwn_packet.secondary_port_wwn, s->wwpn, 8);
	memcpy(p.wwn_packet.secondary_node_wwn, s->wwnn, 8);
	complete(ch, pkt, &p, VSTOR_NTSTATUS_SUCCESS, 0);
}

static void handshake(struct storvsp *s, struct hv_chan *ch,
		      const struct vmbus_pkt *pkt,
		      const struct vstor_packet *req)
{
	struct vstor_packet p;
	uint32_t op = req->operation;

	switch (s->state) {
	case STORVSP_BEGIN:
		if (op != VSTOR_OPERATION_BEGIN_INITIALIZATION)
			break;
		s->state = STORVSP_QUERY_VERSION;
		complete_status(ch, pkt, VSTOR_NTSTATUS_SUCCESS);
		return;
	case STORVSP_QUERY_VERSION:
		if (op != VSTOR_OPERATION_QUERY_PROTOCOL_VERSION)
			break;
		if (pkt->data_len < VSTOR_PACKET_HEADER_SIZE +
				    sizeof(struct vmstorage_protocol_version)) {
			s->st.bad++;
			complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_PARAMETER);
			return;
		}
		/* the version comes back either way (openvmm) */
		memset(&p, 0, sizeof(p));
		p.version.major_minor = req->version.major_minor;
		if (!version_ok(s, req->version.major_minor)) {
			complete(ch, pkt, &p, VSTOR_NTSTATUS_REVISION_MISMATCH, 0);
			return;
		}
		s->version = req->version.major_minor;
		s->state = STORVSP_QUERY_PROPERTIES;
		complete(ch, pkt, &p, VSTOR_NTSTATUS_SUCCESS, 0);
		return;
	case STORVSP_QUERY_PROPERTIES:
		if (op != VSTOR_OPERATION_QUERY_PROPERTIES)
			break;
		memset(&p, 0, sizeof(p));
		/* multi-channel from WIN8 on, i.e. every version we accept */
		p.storage_channel_properties.flags =
			STORAGE_CHANNEL_SUPPORTS_MULTI_CHANNEL;
		p.storage_channel_properties.max_channel_cnt = max_subchannels(s);
		p.storage_channel_properties.max_transfer_bytes = s->max_transfer;
		s->state = STORVSP_END_INIT;
		s->subchannels = 0xffff;	/* not asked yet */
		complete(ch, pkt, &p, VSTOR_NTSTATUS_SUCCESS, 0);
		return;
	case STORVSP_END_INIT:
		if (op == VSTOR_OPERATION_CREATE_SUB_CHANNELS &&
		    s->subchannels == 0xffff) {
			create_subchannels(s, ch, pkt, req);
			return;
		}
		if (op == VSTOR_OPERATION_FCHBA_DATA && s->kind == STORVSP_FC) {
			fchba_data(s, ch, pkt);
			return;
		}
		if (op != VSTOR_OPERATION_END_INITIALIZATION)
			break;
		if (s->subchannels == 0xffff)
			s->subchannels = 0;
		s->state = STORVSP_READY;
		complete_status(ch, pkt, VSTOR_NTSTATUS_SUCCESS);
		return;
	case STORVSP_READY:
		break;
	}
	log_guest("storvsp: %s#%u: operation %u in state %s",
		  vsp_class_name(s->dev), vsp_dev_index(s->dev), op,
		  storvsp_state_name(s->state));
	s->st.bad++;
	complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
}

/* ---- EXECUTE_SRB ---- */

struct gpa_buf {
	struct hvsim *hs;
	struct gpa_pages r;	/* byte_count cut to data_transfer_length */
};

/* the run of physically consecutive guest pages at @off (scsi_buf) */
static void *gpa_run(void *ctx, uint64_t off, uint64_t max, uint64_t *n)
{
	struct gpa_buf *b = ctx;
	const struct gpa_pages *r = &b->r;
	uint64_t pos = r->byte_offset + off, len, page;
	void *p;

	len = HV_HYP_PAGE_SIZE - (pos & (HV_HYP_PAGE_SIZE - 1));
	if (len > max)
		len = max;
	page = pos >> HV_HYP_PAGE_SHIFT;
	while (len < max && page + 1 < r->npfns &&
	       r->pfns[page + 1] == r->pfns[page] + 1) {
		uint64_t add = max - len;

		if (add > HV_HYP_PAGE_SIZE)
			add = HV_HYP_PAGE_SIZE;
		len += add;
		page++;
	}
	/* checks the range, the run and guest RAM once more */
	p = gpa_pages_ptr(b->hs, r, off, len);
	if (p)
		*n = len;
	return p;
}

/* SRB status -> NT status (openvmm convert_srb_status_to_nt_status) */
static uint32_t srb_ntstatus(uint8_t srb)
{
	switch (srb) {
	case SRB_STATUS_SUCCESS:
		return VSTOR_NTSTATUS_SUCCESS;
	case SRB_STATUS_INVALID_LUN:
	case SRB_STATUS_NO_DEVICE:
		return VSTOR_NTSTATUS_DEVICE_DOES_NOT_EXIST;
	case SRB_STATUS_DATA_OVERRUN:
		return VSTOR_NTSTATUS_BUFFER_OVERFLOW;
	case SRB_STATUS_TIMEOUT:
		return VSTOR_NTSTATUS_IO_TIMEOUT;
	case SRB_STATUS_SELECTION_TIMEOUT:
		return VSTOR_NTSTATUS_DEVICE_NOT_CONNECTED;
	case SRB_STATUS_ABORTED:
		return VSTOR_NTSTATUS_CANCELLED;
	}
	return VSTOR_NTSTATUS_IO_DEVICE_ERROR;
}

static uint8_t srb_status_of(enum scsi_fail f)
{
	switch (f) {
	case SCSI_OK:
		return SRB_STATUS_SUCCESS;
	case SCSI_FAIL_INVALID:
		return SRB_STATUS_INVALID_REQUEST;
	case SCSI_FAIL_ERROR:
		return SRB_STATUS_ERROR;
	case SCSI_FAIL_OVERRUN:
		return SRB_STATUS_DATA_OVERRUN;
	case SCSI_FAIL_NO_LUN:
		return SRB_STATUS_INVALID_LUN;
	}
	return SRB_STATUS_ERROR;
}

/*
 * Why an SRB of the right size is refused before it reaches the target
 * (the checks listed at the top of this file), or NULL.  A good buffer is
 * left in @gb, cut to data_transfer_length.
 */
static const char *srb_refused(const struct vmbus_pkt *pkt,
			       const struct vmscsi_request *srb,
			       struct gpa_buf *gb)
{
	uint32_t dtl = srb->data_transfer_length;

	if (!srb->cdb_length || srb->cdb_length > STORVSC_MAX_CMD_LEN)
		return "CDB length";
	if (srb->data_in > VSTOR_UNKNOWN_TYPE)
		return "data_in";
	if (dtl > STORVSP_MAX_DATA)
		return "data length over the limit";
	if (pkt->nranges > 1)
		return "more than one GPA range";
	if (dtl && !pkt->nranges)
		return "data length without a buffer";
	if (pkt->nranges && pkt->ranges[0].byte_count < dtl)
		return "data length larger than the buffer";
	if (!pkt->nranges)
		return NULL;
	gb->r = pkt->ranges[0];
	gb->r.byte_count = dtl;
	if (!gpa_pages_in_ram(gb->hs, &gb->r, dtl))
		return "buffer outside guest RAM";
	return NULL;
}

/* the target an SRB addresses, or NULL (see "Addressing" above) */
static struct scsi_target *srb_target(struct storvsp *s,
				      const struct vmscsi_request *srb)
{
	if (s->kind == STORVSP_IDE)
		return srb->target_id == s->ide_target ? &s->tgt : NULL;
	return !srb->path_id && !srb->target_id ? &s->tgt : NULL;
}

/* the answer: the request's SRB, WIN8-sized, with @res's outcome */
static void srb_answer(struct vstor_packet *p, const struct vmscsi_request *srb,
		       const struct scsi_result *res)
{
	uint8_t srb_status = srb_status_of(res->fail);

	memset(p, 0, sizeof(*p));
	p->vm_srb = *srb;
	memset(p->vm_srb.sense_data, 0, sizeof(p->vm_srb.sense_data));
	memset(&p->vm_srb.win8_extension, 0, sizeof(p->vm_srb.win8_extension));
	p->vm_srb.length = VMSCSI_REQUEST_LEN_WIN8;
	p->vm_srb.sense_info_length = STORVSC_SENSE_BUFFER_SIZE;
	p->vm_srb.scsi_status = res->status;
	p->vm_srb.data_transfer_length = res->xfer;
	if (res->sense_len) {
		srb_status |= SRB_STATUS_AUTOSENSE_VALID;
		memcpy(p->vm_srb.sense_data, res->sense, res->sense_len);
	}
	p->vm_srb.srb_status = srb_status;
}

static void execute_srb(struct storvsp *s, struct hv_chan *ch,
			const struct vmbus_pkt *pkt,
			const struct vstor_packet *req)
{
	const struct vmscsi_request *srb = &req->vm_srb;
	struct gpa_buf gb = { .hs = chan_hvsim(ch) };
	struct scsi_buf buf = { .run = gpa_run, .ctx = &gb };
	struct scsi_target *t = NULL;
	struct scsi_lun *l = NULL;
	struct scsi_result res;
	struct vstor_packet p;
	const char *why;

	s->st.srbs++;
	if (pkt->data_len < VSTOR_PACKET_HEADER_SIZE + VMSCSI_REQUEST_LEN_PRE_WIN8) {
		s->st.bad++;
		log_guest("storvsp: relid %u: EXECUTE_SRB of %u bytes", chan_relid(ch),
			  pkt->data_len);
		complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_PARAMETER);
		return;
	}
	why = srb_refused(pkt, srb, &gb);
	if (why) {
		s->st.bad++;
		log_guest("storvsp: relid %u: bad SRB (%s): cdb_length %u data_in %u length %u ranges %u",
			  chan_relid(ch), why, srb->cdb_length, srb->data_in,
			  srb->data_transfer_length, pkt->nranges);
		memset(&res, 0, sizeof(res));
		res.status = SAM_STAT_CHECK_CONDITION;
		res.fail = SCSI_FAIL_INVALID;
		res.sense_len = SCSI_SENSE_LEN;
		scsi_sense_fill(res.sense, SK_ILLEGAL_REQUEST,
				ASC_INVALID_FIELD_IN_CDB);
	} else {
		buf.len = srb->data_transfer_length;
		/* openvmm: any data_in but WRITE lets the device store */
		buf.writable = srb->data_in != VSTOR_WRITE_TYPE;
		t = srb_target(s, srb);
		scsi_exec(t, srb->lun, srb->cdb, srb->cdb_length, &buf, &res);
		if (t)
			l = t->lun[srb->lun];
	}
	srb_answer(&p, srb, &res);
	complete(ch, pkt, &p,
		 srb_ntstatus(vstor_srb_status_code(p.vm_srb.srb_status)),
		 l ? l->delay_ms : 0);
}

/* ---- packets ---- */

static int sv_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	struct svchan *c = chan_priv(ch);
	struct storvsp *s = c->s;
	struct vstor_packet req;

	/* answers that wait for room go first; meanwhile nothing is read */
	if (c->backlog && flush_backlog(ch) == -EAGAIN)
		return -EAGAIN;
	s->st.packets++;
	if ((pkt->type != VM_PKT_DATA_INBAND &&
	     pkt->type != VM_PKT_DATA_USING_GPA_DIRECT) ||
	    !(pkt->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)) {
		s->st.bad++;
		log_guest("storvsp: relid %u: packet type %u flags 0x%x dropped",
			  chan_relid(ch), pkt->type, pkt->flags);
		return 0;
	}
	if (pkt->data_len < VSTOR_PACKET_HEADER_SIZE) {
		s->st.bad++;
		log_guest("storvsp: relid %u: %u-byte packet", chan_relid(ch),
			  pkt->data_len);
		complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_PARAMETER);
		return 0;
	}
	/* one copy, zero-filled: the guest may rewrite its ring meanwhile */
	memset(&req, 0, sizeof(req));
	memcpy(&req, pkt->data, pkt->data_len < sizeof(req) ? pkt->data_len :
							      sizeof(req));
	if (s->state != STORVSP_READY) {
		if (chan_index(ch)) {
			s->st.bad++;
			complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
			return 0;
		}
		handshake(s, ch, pkt, &req);
		return 0;
	}
	switch (req.operation) {
	case VSTOR_OPERATION_EXECUTE_SRB:
		execute_srb(s, ch, pkt, &req);
		return 0;
	case VSTOR_OPERATION_RESET_LUN:
	case VSTOR_OPERATION_RESET_ADAPTER:
	case VSTOR_OPERATION_RESET_BUS:
		/* openvmm: "These operations have always been no-ops" */
		complete_status(ch, pkt, VSTOR_NTSTATUS_SUCCESS);
		return 0;
	case VSTOR_OPERATION_CREATE_SUB_CHANNELS:
		if (chan_index(ch))
			break;
		create_subchannels(s, ch, pkt, &req);
		return 0;
	case VSTOR_OPERATION_FCHBA_DATA:
		if (s->kind != STORVSP_FC)
			break;
		fchba_data(s, ch, pkt);
		return 0;
	}
	log_guest("storvsp: relid %u: operation %u when ready", chan_relid(ch),
		  req.operation);
	s->st.bad++;
	complete_status(ch, pkt, VSTOR_NTSTATUS_INVALID_DEVICE_STATE);
	return 0;
}

static uint32_t sv_open(struct hv_chan *ch)
{
	struct svchan *c = calloc(1, sizeof(*c));

	if (!c)
		return VMBUS_STATUS_UNSUCCESSFUL;
	c->s = vsp_dev_priv(chan_dev(ch));
	c->tail = &c->backlog;
	chan_set_priv(ch, c);
	return 0;
}

static void sv_close(struct hv_chan *ch)
{
	struct svchan *c = chan_priv(ch);
	struct storvsp *s;
	struct storvsp_delayed *d;

	if (!c)
		return;
	s = c->s;
	drop_delayed(s, ch);
	while ((d = c->backlog)) {
		c->backlog = d->next;
		free(d);
	}
	free(c);
	chan_set_priv(ch, NULL);
	if (chan_index(ch))
		return;
	/* openvmm close(0): the handshake starts over; a new nexus */
	s->state = STORVSP_BEGIN;
	s->version = 0;
	s->subchannels = 0;
	for (unsigned int i = 0; i < SCSI_MAX_LUNS; i++) {
		if (s->tgt.lun[i]) {
			s->tgt.lun[i]->ua = 0;
			s->tgt.lun[i]->sense_valid = false;
		}
	}
}

static void sv_writable(struct hv_chan *ch)
{
	if (chan_priv(ch))
		flush_backlog(ch);
}

/* ---- LUNs ---- */

/*
 * A disk's id (VPD 0x80/0x83): a version-4-shaped GUID from the
 * controller's instance and the LUN, so it is the same every run.
 */
static void disk_id(const struct storvsp *s, unsigned int lun, uint8_t id[16])
{
	uint64_t h1 = fnv1a(FNV64_BASIS, vsp_dev_instance(s->dev), 16);
	uint64_t h2;

	h1 = fnv1a(h1, &lun, sizeof(lun));
	h2 = fnv1a(h1 ^ 0x5a5a5a5a5a5a5a5aull, "storvsp", 7);
	memcpy(id, &h1, 8);
	memcpy(id + 8, &h2, 8);
	id[7] = (uint8_t)((id[7] & 0x0f) | 0x40);	/* version 4 */
	id[8] = (uint8_t)((id[8] & 0x3f) | 0x80);	/* variant 1 */
}

static int lun_attach(struct storvsp *s, unsigned int lun, const char *path,
		      bool ro, unsigned int bs, char *err, size_t errlen)
{
	struct blkimg img;
	uint8_t id[16];

	if (lun > STORVSP_MAX_LUN) {
		snprintf(err, errlen, "LUN %u: 0..%u", lun, STORVSP_MAX_LUN);
		return -1;
	}
	if (s->tgt.lun[lun]) {
		snprintf(err, errlen, "LUN %u is in use", lun);
		return -1;
	}
	if (blkimg_open(&img, path, ro, bs, err, errlen))
		return -1;
	disk_id(s, lun, id);
	s->tgt.lun[lun] = scsi_lun_new(&img, lun, id);
	if (!s->tgt.lun[lun]) {
		blkimg_close(&img);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* is a guest driver on the other end (an I_T nexus to tell)? */
static bool guest_bound(const struct storvsp *s)
{
	return vsp_dev_primary(s->dev) && chan_is_open(vsp_dev_primary(s->dev));
}

int storvsp_lun_add(struct storvsp *s, unsigned int lun, const char *path,
		    bool ro, unsigned int block_size, char *err, size_t errlen)
{
	if (s->kind == STORVSP_IDE) {
		snprintf(err, errlen, "an IDE channel has its one disk for good");
		return -1;
	}
	if (lun_attach(s, lun, path, ro, block_size, err, errlen))
		return -1;
	log_info("storvsp: %s#%u: LUN %u added: %s%s", vsp_class_name(s->dev),
		 vsp_dev_index(s->dev), lun, path, ro ? " (read-only)" : "");
	/* SPC-4 5.14: the other LUNs report the inventory change */
	if (guest_bound(s))
		scsi_target_set_ua(&s->tgt, s->tgt.lun[lun], SCSI_UA_LUNS);
	/* and the guest is told to rescan (openvmm ScsiController::attach) */
	storvsp_enumerate(s);
	return 0;
}

int storvsp_lun_remove(struct storvsp *s, unsigned int lun, char *err,
		       size_t errlen)
{
	if (s->kind == STORVSP_IDE) {
		snprintf(err, errlen, "an IDE channel has its one disk for good");
		return -1;
	}
	if (lun >= SCSI_MAX_LUNS || !s->tgt.lun[lun]) {
		snprintf(err, errlen, "no LUN %u", lun);
		return -1;
	}
	/* I/O is synchronous: nothing in flight refers to the LUN */
	scsi_lun_free(s->tgt.lun[lun]);
	s->tgt.lun[lun] = NULL;
	log_info("storvsp: %s#%u: LUN %u removed", vsp_class_name(s->dev),
		 vsp_dev_index(s->dev), lun);
	if (guest_bound(s))
		scsi_target_set_ua(&s->tgt, NULL, SCSI_UA_LUNS);
	storvsp_enumerate(s);
	return 0;
}

int storvsp_lun_resize(struct storvsp *s, unsigned int lun, uint64_t bytes,
		       char *err, size_t errlen)
{
	struct scsi_lun *l = lun < SCSI_MAX_LUNS ? s->tgt.lun[lun] : NULL;
	int ret;

	if (!l) {
		snprintf(err, errlen, "no LUN %u", lun);
		return -1;
	}
	ret = blkimg_resize(&l->img, bytes);
	if (ret) {
		snprintf(err, errlen, "%s: %s", l->img.path,
			 ret == -EINVAL ? "size must be a non-zero multiple of the block size" :
					  strerror(-ret));
		return -1;
	}
	/* Hyper-V tells of a new capacity by the unit attention alone */
	if (guest_bound(s))
		l->ua |= SCSI_UA_CAPACITY;
	return 0;
}

/* ---- device options ---- */

/* one LUN's options: diskN=PATH, roN=on|off, bsN=512|4096 */
struct disk_opt {
	const char *path;
	bool ro;
	uint32_t bs;
	bool ro_set, bs_set;
};

/* what --device ide|scsi|fc:key=val,... says */
struct sv_config {
	struct disk_opt disk[STORVSP_MAX_LUN + 1];
	uint16_t channels;
	bool channels_set;
	uint32_t max_transfer;
	uint16_t max_version;
	uint8_t wwpn[8], wwnn[8];
};

/* one option per element of cfg->disk[] (key "disk#": disk0, disk1, ...) */
#define DISK_OPT(key, type, field, ...)					\
	{ key "#", type, offsetof(struct sv_config, disk[0].field),	\
	  STORVSP_MAX_LUN + 1, sizeof(struct disk_opt), __VA_ARGS__ }
/* the options; each class lists those it takes below */
#define SV_OPT_DISK							\
	DISK_OPT("disk", OPT_STR, path, .help = "image file of LUN N")
#define SV_OPT_RO							\
	DISK_OPT("ro", OPT_BOOL, ro,					\
		 .seen = OPT_SEEN(struct sv_config, disk[0].ro_set),	\
		 .help = "LUN N is read-only")
#define SV_OPT_BS							\
	DISK_OPT("bs", OPT_U32, bs, .min = 512, .max = 4096,		\
		 .seen = OPT_SEEN(struct sv_config, disk[0].bs_set),	\
		 .help = "LUN N's block size, 512 or 4096")
#define SV_OPT_MAXXFER							\
	{ "maxxfer", OPT_SIZE, offsetof(struct sv_config, max_transfer),	\
	  .min = HV_HYP_PAGE_SIZE, .max = STORVSP_MAX_DATA,		\
	  .align = HV_HYP_PAGE_SIZE, .help = "largest transfer" }
#define SV_OPT_VERSION							\
	{ "version", OPT_VERSION8, offsetof(struct sv_config, max_version), \
	  .min = VMSTOR_PROTO_VERSION_WIN8, .max = VMSTOR_PROTO_VERSION_WIN10, \
	  .help = "highest VMSTOR version offered" }
#define SV_OPT_CHANNELS							\
	{ "channels", OPT_U16, offsetof(struct sv_config, channels),	\
	  .max = VSP_MAX_SUBCHANNELS,					\
	  .seen = OPT_SEEN(struct sv_config, channels_set),		\
	  .help = "sub-channels (default: guest CPUs - 1)" }

static const struct opt_spec ide_opts[] = {
	SV_OPT_DISK, SV_OPT_RO, SV_OPT_BS, SV_OPT_MAXXFER, SV_OPT_VERSION,
};
static const struct opt_spec scsi_opts[] = {
	SV_OPT_DISK, SV_OPT_RO, SV_OPT_BS, SV_OPT_MAXXFER, SV_OPT_VERSION,
	SV_OPT_CHANNELS,
};
static const struct opt_spec fc_opts[] = {
	SV_OPT_DISK, SV_OPT_RO, SV_OPT_BS, SV_OPT_MAXXFER, SV_OPT_VERSION,
	SV_OPT_CHANNELS,
	{ "wwpn", OPT_WWN, offsetof(struct sv_config, wwpn),
	  .help = "port name (default: from the instance)" },
	{ "wwnn", OPT_WWN, offsetof(struct sv_config, wwnn),
	  .help = "node name (default: from the instance)" },
};

/*
 * Hyper-V's virtual Fibre Channel WWNs begin C0:03:FF; the rest comes
 * from the instance, so each controller keeps its names from run to run.
 */
static void default_wwns(const struct vsp_device *dev, uint8_t wwnn[8],
			 uint8_t wwpn[8])
{
	uint64_t h = fnv1a(FNV64_BASIS, vsp_dev_instance(dev), 16);

	wwnn[0] = 0xc0;
	wwnn[1] = 0x03;
	wwnn[2] = 0xff;
	memcpy(wwnn + 3, &h, 5);
	wwnn[7] &= 0xfe;
	memcpy(wwpn, wwnn, 8);
	wwpn[7] |= 0x01;
}

static void sv_free(struct storvsp *s)
{
	drop_delayed(s, NULL);
	hv_timer_free(&s->timer);
	scsi_target_clear(&s->tgt);
	free(s);
}

/*
 * IDE: one disk at LUN 0, and the offer names where it sits: path from
 * the device index, target from instance bytes 4-5 as storvsc_probe
 * reads it (vstor.h OfferProperties).
 */
static int ide_setup(struct storvsp *s, const struct sv_config *cfg,
		     char *err, size_t errlen)
{
	struct vsp_device *dev = s->dev;
	uint16_t target = vstor_ide_target_from_instance(vsp_dev_instance(dev));
	struct vstor_offer_properties op = {
		.path_id = (uint8_t)(vsp_dev_index(dev) / 2),
		.target_id = (uint8_t)target,
		.flags = STORAGE_CHANNEL_EMULATED_IDE_FLAG,
	};

	if (target > 0xff) {
		snprintf(err, errlen, "ide: instance bytes 4-5 name target %u; at most 255",
			 target);
		return -1;
	}
	for (unsigned int i = 1; i <= STORVSP_MAX_LUN; i++) {
		if (cfg->disk[i].path || cfg->disk[i].ro_set || cfg->disk[i].bs_set) {
			snprintf(err, errlen, "ide: one disk only, at LUN 0 (disk=PATH)");
			return -1;
		}
	}
	s->ide_path = op.path_id;
	s->ide_target = op.target_id;
	vsp_dev_set_user_def(dev, &op, sizeof(op));
	return 0;
}

static int attach_disks(struct storvsp *s, const struct sv_config *cfg,
			char *err, size_t errlen)
{
	const char *cls = vsp_class_name(s->dev);

	for (unsigned int i = 0; i <= STORVSP_MAX_LUN; i++) {
		const struct disk_opt *d = &cfg->disk[i];

		if (!d->path) {
			if (d->ro_set || d->bs_set) {
				snprintf(err, errlen, "%s: ro%u/bs%u without disk%u",
					 cls, i, i, i);
				return -1;
			}
			continue;
		}
		if (d->bs_set && d->bs != 512 && d->bs != 4096) {
			snprintf(err, errlen, "%s: bs%u=%u: 512 or 4096", cls, i,
				 d->bs);
			return -1;
		}
		if (lun_attach(s, i, d->path, d->ro, d->bs_set ? d->bs : 512,
			       err, errlen))
			return -1;
	}
	return 0;
}

static int sv_probe(struct vsp_device *dev, int nopts,
		    const struct opt_kv *opts, char *err, size_t errlen)
{
	const struct vsp_ops *ops = vsp_dev_ops(dev);
	struct storvsp *s = calloc(1, sizeof(*s));
	struct sv_config *cfg = calloc(1, sizeof(*cfg));

	if (!s || !cfg) {
		snprintf(err, errlen, "out of memory");
		goto bad;
	}
	s->dev = dev;
	s->kind = ops == &vsp_ide_ops ? STORVSP_IDE :
		  ops == &vsp_fc_ops ? STORVSP_FC : STORVSP_SCSI;
	hv_timer_init(&s->timer, timer_fired, s);
	cfg->max_version = VMSTOR_PROTO_VERSION_WIN10;
	cfg->max_transfer = STORVSP_DEF_MAXXFER;
	default_wwns(dev, cfg->wwnn, cfg->wwpn);
	if (opts_apply(ops->opts, ops->nopts, cfg, opts, nopts,
		       vsp_class_name(dev), err, errlen) ||
	    (s->kind == STORVSP_IDE && ide_setup(s, cfg, err, errlen)))
		goto bad;
	s->max_version = cfg->max_version;
	if (!version_ok(s, s->max_version)) {
		snprintf(err, errlen, "%s: version %u.%u is not one storvsc speaks",
			 vsp_class_name(dev), s->max_version >> 8,
			 s->max_version & 0xff);
		goto bad;
	}
	s->max_transfer = cfg->max_transfer;
	s->max_subchannels = cfg->channels;
	s->channels_set = cfg->channels_set;
	memcpy(s->wwpn, cfg->wwpn, 8);
	memcpy(s->wwnn, cfg->wwnn, 8);
	if (attach_disks(s, cfg, err, errlen))
		goto bad;
	vsp_dev_set_priv(dev, s);
	free(cfg);
	return 0;
bad:
	if (s)
		sv_free(s);
	free(cfg);
	return -1;
}

static void sv_remove(struct vsp_device *dev)
{
	struct storvsp *s = vsp_dev_priv(dev);

	if (!s)
		return;
	vsp_dev_set_priv(dev, NULL);
	sv_free(s);
}

#define SV_OPS(cls, ...) {						\
	.name = #cls,							\
	.opts = cls##_opts,						\
	.nopts = ARRAY_SIZE(cls##_opts),				\
	.probe = sv_probe,						\
	.remove = sv_remove,						\
	.on_open = sv_open,						\
	.on_packet = sv_packet,						\
	.on_writable = sv_writable,					\
	.on_close = sv_close,						\
	__VA_ARGS__							\
}

/*
 * IDE is an "interface" offer whose user-defined bytes say where the
 * disk sits (openvmm storvsp lib.rs offer; ide_setup() fills them).
 */
const struct vsp_ops vsp_ide_ops =
	SV_OPS(ide, .offer.chn_flags = VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE);
/* the "disk" commands serve all three classes; registered once, here */
const struct vsp_ops vsp_scsi_ops =
	SV_OPS(scsi, .cmds = storvsp_ctl_cmds, .ncmds = STORVSP_CTL_NCMDS);
const struct vsp_ops vsp_fc_ops = SV_OPS(fc);
