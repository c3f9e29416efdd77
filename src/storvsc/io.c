// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O path: a SCSI command goes out as one EXECUTE_SRB packet whose
 * data buffer the host reaches directly by guest physical address (a
 * GPA-direct packet with one range), and comes back as COMPLETE_IO.
 * Everything the host writes is checked before it is used; a bad answer
 * fails its one command, an answer for no command is dropped.
 */
#include <linux/blk-mq.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_common.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_proto.h>

#include "storvsc.h"

/* Sense codes (SPC) we make up or look for */
#define ASC_INVALID_OPCODE		0x20
#define ASC_INVALID_FIELD_IN_CDB	0x24
#define ASC_PARAMETERS_CHANGED		0x2a
#define ASC_OPERATING_COND_CHANGED	0x3f
#define ASCQ_REPORTED_LUNS_CHANGED	0x0e

static void storvsc_put_outstanding(struct storvsc_dev *sd)
{
	if (atomic_dec_and_test(&sd->outstanding) &&
	    wq_has_sleeper(&sd->drain_wq))
		wake_up(&sd->drain_wq);
}

/* Hand a command we own back to the midlayer. */
static void storvsc_finish(struct storvsc_dev *sd, struct scsi_cmnd *cmd)
{
	scsi_dma_unmap(cmd);
	compat_scsi_done(cmd);
	storvsc_put_outstanding(sd);
}

static void storvsc_fail(struct storvsc_dev *sd, struct scsi_cmnd *cmd,
			 int hbyte, u32 len)
{
	cmd->result = hbyte << 16;
	scsi_set_resid(cmd, len);
	storvsc_finish(sd, cmd);
}

/* Slots in use; pairs with the release in storvsc_setup_host(). */
static u32 storvsc_nr_slots(struct storvsc_dev *sd)
{
	/* acquire: slots[] is allocated before the count is published */
	return smp_load_acquire(&sd->nr_slots);
}

/* The slot of @cmd: its blk-mq tag within its hardware queue */
static u32 storvsc_slot_index(struct storvsc_dev *sd, struct scsi_cmnd *cmd)
{
	u32 tag = blk_mq_unique_tag(compat_scsi_cmd_to_rq(cmd));

	return blk_mq_unique_tag_to_hwq(tag) * sd->depth +
	       blk_mq_unique_tag_to_tag(tag);
}

/*
 * Take a command away from the host: whoever swaps its id to 0 (the
 * completion, a rescind, a timeout) completes it, exactly once.
 */
static bool storvsc_claim(struct storvsc_slot *slot, struct scsi_cmnd *cmd)
{
	u64 id = atomic64_read_acquire(&slot->id);

	if (!id || (cmd && slot->cmd != cmd))
		return false;
	return atomic64_cmpxchg(&slot->id, id, 0) == id;
}

/*
 * Fail every command the host owns on channel @chan_idx (-1: on all),
 * with host byte @hbyte: for a host that will not answer them any more.
 */
unsigned int storvsc_fail_inflight(struct storvsc_dev *sd, int chan_idx,
				   int hbyte)
{
	u32 n = storvsc_nr_slots(sd), i, failed = 0;

	for (i = 0; i < n; i++) {
		struct storvsc_slot *slot = &sd->slots[i];

		if (chan_idx >= 0 && READ_ONCE(slot->chan_idx) != chan_idx)
			continue;
		if (!storvsc_claim(slot, NULL))
			continue;
		storvsc_fail(sd, slot->cmd, hbyte, slot->len);
		failed++;
	}
	return failed;
}

/*
 * @cmd timed out.  The host answers every command, if late, so normally it
 * keeps its timer.  But a host that is gone, or a rescinded channel, will
 * not answer: then fail the command here.  True if the command is done.
 */
bool storvsc_timed_out(struct storvsc_dev *sd, struct scsi_cmnd *cmd)
{
	u32 idx = storvsc_slot_index(sd, cmd);
	int hbyte = DID_NO_CONNECT;
	struct storvsc_slot *slot;
	struct storvsc_chan *c;
	u16 ci;

	if (idx >= storvsc_nr_slots(sd))
		return false;
	slot = &sd->slots[idx];
	if (!storvsc_is_dead(sd)) {
		ci = READ_ONCE(slot->chan_idx);
		c = ci < sd->nr_chans ? &sd->chans[ci] : NULL;
		if (!c || !c->chan || !READ_ONCE(c->chan->rescind))
			return false;
		/* the other channels still work */
		hbyte = DID_REQUEUE;
	}
	/* not claimed: the answer came just now and completed it */
	if (storvsc_claim(slot, cmd))
		storvsc_fail(sd, cmd, hbyte, slot->len);
	return true;
}

/* Wait until the host owns no command; false on timeout. */
bool storvsc_drain(struct storvsc_dev *sd, unsigned long timeout)
{
	unsigned long end = jiffies + timeout;

	while (atomic_read(&sd->outstanding)) {
		if (storvsc_is_dead(sd)) {
			storvsc_fail_inflight(sd, -1, DID_NO_CONNECT);
			return true;
		}
		if (time_after(jiffies, end))
			return false;
		wait_event_timeout(sd->drain_wq,
				   !atomic_read(&sd->outstanding), HZ);
	}
	return true;
}

static bool storvsc_chan_ok(struct storvsc_chan *c)
{
	/* acquire: pairs with the release once the channel is open */
	return smp_load_acquire(&c->usable) && !READ_ONCE(c->chan->rescind);
}

static unsigned int storvsc_ring_free_pct(struct vmbus_channel *chan)
{
	u32 size = chan->outbound.ring_datasize;

	return size ? (u32)div_u64((u64)hv_get_bytes_to_write(&chan->outbound) *
				   100, size) : 0;
}

/*
 * The channel of hardware queue @hwq; if that one is not open (yet) or
 * its ring is nearly full, another open channel with room; else the
 * queue's own or the primary, whose full ring makes us retry later.
 */
static struct storvsc_chan *storvsc_pick(struct storvsc_dev *sd, u16 hwq)
{
	u16 n = sd->nr_chans, i;
	struct storvsc_chan *own = &sd->chans[hwq % n], *c;
	unsigned int low = clamp(READ_ONCE(storvsc_ring_avail_lowater), 0, 99);
	bool own_ok = storvsc_chan_ok(own);

	if (own_ok && storvsc_ring_free_pct(own->chan) > low)
		return own;
	for (i = 1; i < n; i++) {
		c = &sd->chans[(hwq + i) % n];
		if (storvsc_chan_ok(c) && storvsc_ring_free_pct(c->chan) > low)
			return c;
	}
	return own_ok ? own : &sd->chans[0];
}

static u64 storvsc_next_id(struct storvsc_dev *sd, u32 idx)
{
	u32 seq = (u32)atomic_inc_return(&sd->io_seq) & 0x7fffffff;

	return (u64)(seq ?: 1) << 32 | idx;
}

/*
 * Describe the mapped data buffer as one GPA range: offset into the first
 * 4 KiB page, length, and every page it touches.  The host template's
 * virt_boundary_mask makes every segment but the first start, and every
 * segment but the last end, on a page boundary; anything else would be a
 * hole the range cannot express.
 */
static int storvsc_fill_range(struct scsi_cmnd *cmd, int nents,
			      struct hv_mpb_array *range, u32 npfn)
{
	const u64 mask = HV_HYP_PAGE_SIZE - 1;
	struct scatterlist *sg;
	u32 i = 0;
	int j;

	for_each_sg(scsi_sglist(cmd), sg, nents, j) {
		u64 start = sg_dma_address(sg);
		u64 end = start + sg_dma_len(sg);
		u64 pfn;

		if ((j && (start & mask)) || (j < nents - 1 && (end & mask)))
			return -EINVAL;
		for (pfn = start >> HV_HYP_PAGE_SHIFT;
		     pfn < (end + mask) >> HV_HYP_PAGE_SHIFT; pfn++) {
			if (i == npfn)
				return -EINVAL;
			range->pfn_array[i++] = pfn;
		}
	}
	return i == npfn ? 0 : -EINVAL;
}

/*
 * Hosts up to WIN8 (5.1) mishandle these (storvsc_drv.c 6.12 filters
 * them); newer hosts answer them properly.
 */
static bool storvsc_old_host_lacks(const struct scsi_cmnd *cmd)
{
	switch (cmd->cmnd[0]) {
	case WRITE_SAME:
	case SET_WINDOW:
		return true;
	}
	return false;
}

static void storvsc_build_srb(struct storvsc_dev *sd, struct scsi_cmnd *cmd,
			      struct vstor_packet *pkt)
{
	struct vmscsi_request *srb = &pkt->vm_srb;
	struct vmscsi_win8_extension *ext = &srb->win8_extension;
	struct scsi_device *sdev = cmd->device;

	memset(pkt, 0, sizeof(*pkt));
	pkt->operation = VSTOR_OPERATION_EXECUTE_SRB;
	pkt->flags = REQUEST_COMPLETION_FLAG;
	srb->length = sd->proto >= VMSTOR_PROTO_VERSION_WIN8 ?
		      VMSCSI_REQUEST_LEN_WIN8 : VMSCSI_REQUEST_LEN_PRE_WIN8;
	srb->port_number = (u8)sd->shost->host_no;
	srb->path_id = sdev->channel;
	srb->target_id = sdev->id;
	srb->lun = sdev->lun;
	srb->cdb_length = min_t(u32, cmd->cmd_len, STORVSC_MAX_CMD_LEN);
	memcpy(srb->cdb, cmd->cmnd, srb->cdb_length);
	srb->sense_info_length = sd->sense_len;
	srb->data_transfer_length = scsi_bufflen(cmd);
	ext->srb_flags = SRB_FLAGS_DISABLE_SYNCH_TRANSFER;
	ext->time_out_value = STORVSC_SRB_TIMEOUT_SECS;
	if (sdev->tagged_supported) {
		ext->srb_flags |= SRB_FLAGS_QUEUE_ACTION_ENABLE |
				  SRB_FLAGS_NO_QUEUE_FREEZE;
		ext->queue_tag = SP_UNTAGGED;
		ext->queue_action = SRB_SIMPLE_TAG_REQUEST;
	}
	switch (cmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		srb->data_in = VSTOR_WRITE_TYPE;
		ext->srb_flags |= SRB_FLAGS_DATA_OUT;
		break;
	case DMA_FROM_DEVICE:
		srb->data_in = VSTOR_READ_TYPE;
		ext->srb_flags |= SRB_FLAGS_DATA_IN;
		break;
	default:
		srb->data_in = VSTOR_UNKNOWN_TYPE;
		ext->srb_flags |= SRB_FLAGS_NO_DATA_TRANSFER;
		break;
	}
}

int storvsc_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
	struct storvsc_dev *sd = shost_to_storvsc(shost);
	u64 buf[sizeof(struct vmbus_packet_mpb_array) / sizeof(u64) +
		STORVSC_INLINE_PFNS];
	struct vmbus_packet_mpb_array *desc = NULL;
	u32 len = scsi_bufflen(cmd), npfn, desc_size = 0, idx;
	struct storvsc_slot *slot;
	struct storvsc_chan *c;
	struct vstor_packet pkt;
	int nents, ret;
	u64 id;

	if (storvsc_is_dead(sd)) {
		cmd->result = DID_NO_CONNECT << 16;
		compat_scsi_done(cmd);
		return 0;
	}
	if (sd->proto <= VMSTOR_PROTO_VERSION_WIN8 &&
	    storvsc_old_host_lacks(cmd)) {
		compat_scsi_build_sense(cmd, ILLEGAL_REQUEST,
					ASC_INVALID_OPCODE, 0);
		compat_scsi_done(cmd);
		return 0;
	}
	idx = storvsc_slot_index(sd, cmd);
	if (idx >= sd->nr_slots || cmd->sc_data_direction == DMA_BIDIRECTIONAL) {
		/* VMSTOR moves data one way per request */
		cmd->result = DID_ERROR << 16;
		compat_scsi_done(cmd);
		return 0;
	}
	slot = &sd->slots[idx];
	if (atomic64_read(&slot->id)) {
		/*
		 * The host still has the slot's previous command: only after
		 * a bus reset that gave up waiting for it.  Its buffer may
		 * still be written; wait for its answer.
		 */
		storvsc_log(sd, STORVSC_LOG_WARN,
			    "slot %u still busy with the host\n", idx);
		return SCSI_MLQUEUE_DEVICE_BUSY;
	}
	storvsc_build_srb(sd, cmd, &pkt);

	atomic_inc(&sd->outstanding);
	if (len) {
		u32 offset;

		nents = scsi_dma_map(cmd);
		if (nents < 0) {	/* out of mapping space, for now */
			storvsc_put_outstanding(sd);
			return SCSI_MLQUEUE_DEVICE_BUSY;
		}
		if (!nents) {
			storvsc_fail(sd, cmd, DID_ERROR, len);
			return 0;
		}
		offset = sg_dma_address(scsi_sglist(cmd)) & (HV_HYP_PAGE_SIZE - 1);
		npfn = DIV_ROUND_UP(offset + len, HV_HYP_PAGE_SIZE);
		desc_size = sizeof(*desc) + npfn * sizeof(u64);
		desc = npfn <= STORVSC_INLINE_PFNS ? (void *)buf :
			kmalloc(desc_size, GFP_ATOMIC);
		if (!desc) {
			scsi_dma_unmap(cmd);
			storvsc_put_outstanding(sd);
			return SCSI_MLQUEUE_DEVICE_BUSY;
		}
		desc->range.len = len;
		desc->range.offset = offset;
		if (storvsc_fill_range(cmd, nents, &desc->range, npfn)) {
			storvsc_log(sd, STORVSC_LOG_ERR,
				    "buffer of command %#x (%u bytes) is not one page range\n",
				    cmd->cmnd[0], len);
			if (desc != (void *)buf)
				kfree(desc);
			storvsc_fail(sd, cmd, DID_ERROR, len);
			return 0;
		}
	}

	c = storvsc_pick(sd, blk_mq_unique_tag_to_hwq(
				blk_mq_unique_tag(compat_scsi_cmd_to_rq(cmd))));
	id = storvsc_next_id(sd, idx);
	slot->cmd = cmd;
	slot->len = len;
	WRITE_ONCE(slot->chan_idx, c->idx);
	/* from here on a completion or a rescind may claim the command */
	atomic64_set_release(&slot->id, id);

	if (desc)
		ret = vmbus_sendpacket_mpb_desc(c->chan, desc, desc_size, &pkt,
						sizeof(pkt), id);
	else
		ret = vmbus_sendpacket(c->chan, &pkt, sizeof(pkt), id,
				       VM_PKT_DATA_INBAND,
				       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (desc && desc != (void *)buf)
		kfree(desc);
	if (!ret)
		return 0;

	/* not sent: ours again, unless a rescind sweep completed it already */
	if (atomic64_cmpxchg(&slot->id, id, 0) != id)
		return 0;
	/*
	 * A full ring drains as the host works; a rescinded sub-channel
	 * leaves the others: both go again later.
	 */
	if (ret == -EAGAIN || (ret == -ENODEV && c->idx && !storvsc_is_dead(sd))) {
		scsi_dma_unmap(cmd);
		storvsc_put_outstanding(sd);
		return SCSI_MLQUEUE_DEVICE_BUSY;
	}
	if (ret != -ENODEV)
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "cannot send command %#x on channel %u: %d\n",
			    cmd->cmnd[0], c->idx, ret);
	storvsc_fail(sd, cmd, ret == -ENODEV ? DID_NO_CONNECT : DID_ERROR, len);
	return 0;
}

/* Unit attentions that say the LUN set or a LUN's parameters changed */
static void storvsc_check_ua(struct storvsc_dev *sd, const u8 *sense, u32 len)
{
	struct scsi_sense_hdr sshdr;

	if (!scsi_normalize_sense(sense, len, &sshdr) ||
	    sshdr.sense_key != UNIT_ATTENTION)
		return;
	if (sshdr.asc == ASC_OPERATING_COND_CHANGED &&
	    sshdr.ascq == ASCQ_REPORTED_LUNS_CHANGED)
		storvsc_event(sd, STORVSC_EV_SCAN);
	else if (sshdr.asc == ASC_PARAMETERS_CHANGED ||
		 sshdr.asc == ASC_OPERATING_COND_CHANGED)
		/* capacity, mode or inquiry data: let sd read them again */
		storvsc_event(sd, STORVSC_EV_RESCAN);
}

/*
 * Some hosts fail commands they do not implement with an SRB error and no
 * sense data: INQUIRY of some VPD pages, MODE SENSE of some pages, ATA
 * pass-through, MAINTENANCE IN on FC (storvsc_drv.c 6.12).  Say ILLEGAL
 * REQUEST, so the midlayer takes them as unsupported instead of retrying.
 */
static bool storvsc_unsupported(struct scsi_cmnd *cmd)
{
	switch (cmd->cmnd[0]) {
	case INQUIRY:
	case MODE_SENSE:
	case MODE_SENSE_10:
		compat_scsi_build_sense(cmd, ILLEGAL_REQUEST,
					ASC_INVALID_FIELD_IN_CDB, 0);
		return true;
	case ATA_12:
	case ATA_16:
	case MAINTENANCE_IN:
		compat_scsi_build_sense(cmd, ILLEGAL_REQUEST,
					ASC_INVALID_OPCODE, 0);
		return true;
	}
	return false;
}

/* The host finished an EXECUTE_SRB: turn its SRB into a SCSI result. */
static void storvsc_srb_done(struct storvsc_dev *sd, struct storvsc_slot *slot,
			     struct scsi_cmnd *cmd,
			     const struct vstor_packet *resp)
{
	const struct vmscsi_request *srb = &resp->vm_srb;
	u8 code = vstor_srb_status_code(srb->srb_status);
	u8 status = srb->scsi_status;
	u32 xfer = srb->data_transfer_length;
	bool sense = false;
	int hbyte = DID_OK;

	if (xfer > slot->len) {
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "command %#x: host claims %u bytes moved of %u\n",
			    cmd->cmnd[0], xfer, slot->len);
		storvsc_fail(sd, cmd, DID_ERROR, slot->len);
		return;
	}
	if (status == SAM_STAT_CHECK_CONDITION &&
	    (srb->srb_status & SRB_STATUS_AUTOSENSE_VALID)) {
		if (srb->sense_info_length > sd->sense_len) {
			storvsc_log(sd, STORVSC_LOG_ERR,
				    "command %#x: %u sense bytes, at most %u fit\n",
				    cmd->cmnd[0], srb->sense_info_length,
				    sd->sense_len);
			storvsc_fail(sd, cmd, DID_ERROR, slot->len);
			return;
		}
		memset(cmd->sense_buffer, 0, SCSI_SENSE_BUFFERSIZE);
		memcpy(cmd->sense_buffer, srb->sense_data,
		       srb->sense_info_length);
		sense = true;
		storvsc_check_ua(sd, cmd->sense_buffer, srb->sense_info_length);
	}

	switch (code) {
	case SRB_STATUS_SUCCESS:
	case SRB_STATUS_DATA_OVERRUN:	/* under- or overrun: xfer is right */
		break;
	case SRB_STATUS_INVALID_LUN:	/* the LUN went away */
		hbyte = DID_NO_CONNECT;
		xfer = 0;
		storvsc_event(sd, STORVSC_EV_CHECK);
		break;
	case SRB_STATUS_ABORTED:
	case SRB_STATUS_BUS_RESET:
		xfer = 0;
		if (!sense)
			hbyte = DID_RESET;
		break;
	default:
		xfer = 0;
		/* with sense data or a SCSI status the midlayer judges */
		if (sense || status != SAM_STAT_GOOD)
			break;
		if (storvsc_unsupported(cmd))
			goto result_set;
		/* Hyper-V may fail TEST UNIT READY so; it means "ready" */
		if (cmd->cmnd[0] != TEST_UNIT_READY)
			hbyte = DID_ERROR;
		break;
	}
	cmd->result = hbyte << 16 | status |
		      (sense ? COMPAT_DRIVER_SENSE_RESULT : 0);
result_set:
	/* a gone LUN, a unit attention, a TUR "error" are no news */
	if (code != SRB_STATUS_SUCCESS)
		storvsc_log(sd, hbyte == DID_ERROR || hbyte == DID_RESET ?
			    STORVSC_LOG_ERR : STORVSC_LOG_WARN,
			    "command %#x to %u:%u:%llu: srb %#x scsi %#x status %#x\n",
			    cmd->cmnd[0], cmd->device->channel, cmd->device->id,
			    (u64)cmd->device->lun, srb->srb_status, status,
			    resp->status);
	scsi_set_resid(cmd, slot->len - xfer);
	storvsc_finish(sd, cmd);
}

static void storvsc_io_done(struct storvsc_dev *sd, u64 id,
			    const struct vstor_packet *resp, u32 len)
{
	u32 idx = lower_32_bits(id);
	struct storvsc_slot *slot;

	if (idx >= storvsc_nr_slots(sd)) {
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "answer %#llx for no command\n", id);
		return;
	}
	slot = &sd->slots[idx];
	if (atomic64_cmpxchg(&slot->id, id, 0) != id) {
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "stale or repeated answer %#llx\n", id);
		return;
	}
	/* every field we read lies within the pre-WIN8 request */
	if (len < VSTOR_PACKET_HEADER_SIZE + VMSCSI_REQUEST_LEN_PRE_WIN8 ||
	    resp->operation != VSTOR_OPERATION_COMPLETE_IO) {
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "bad answer %#llx: operation %u, %u bytes\n",
			    id, resp->operation, len);
		storvsc_fail(sd, slot->cmd, DID_ERROR, slot->len);
		return;
	}
	storvsc_srb_done(sd, slot, slot->cmd, resp);
}

/* A message the host sent on its own (transaction id 0) */
static void storvsc_host_msg(struct storvsc_dev *sd,
			     const struct vstor_packet *msg, u32 len)
{
	if (len < sizeof(msg->operation)) {
		storvsc_log(sd, STORVSC_LOG_ERR, "empty host message\n");
		return;
	}
	switch (msg->operation) {
	case VSTOR_OPERATION_ENUMERATE_BUS:
	case VSTOR_OPERATION_REMOVE_DEVICE:
		/* LUNs came or went */
		storvsc_event(sd, STORVSC_EV_SCAN);
		break;
	case VSTOR_OPERATION_FCHBA_DATA:
		if (sd->cls != STORVSC_FC ||
		    len < VSTOR_PACKET_HEADER_SIZE +
			  sizeof(struct hv_fc_wwn_packet)) {
			storvsc_log(sd, STORVSC_LOG_ERR,
				    "bad FC HBA data (%u bytes)\n", len);
			break;
		}
		storvsc_set_wwn(sd, &msg->wwn_packet);
		storvsc_fc_update(sd);
		break;
	default:
		storvsc_log(sd, STORVSC_LOG_WARN,
			    "ignoring host message %u\n", msg->operation);
		break;
	}
}

/* Channel callback (softirq): everything the host sent on one channel */
void storvsc_on_channel(void *context)
{
	struct storvsc_chan *c = context;
	struct storvsc_dev *sd = c->sd;
	struct vstor_packet resp;
	struct vmbus_pkt pkt;
	u32 len;

	for_each_vmbus_pkt(c->chan, &pkt) {
		if (pkt.type != VM_PKT_COMP && pkt.type != VM_PKT_DATA_INBAND) {
			storvsc_log(sd, STORVSC_LOG_ERR,
				    "ignoring packet of type %u\n", pkt.type);
			continue;
		}
		/* one copy: the host may rewrite the ring while we look */
		len = min_t(u32, pkt.datalen, sizeof(resp));
		memcpy(&resp, pkt.data, len);
		memset((u8 *)&resp + len, 0, sizeof(resp) - len);

		if (!pkt.trans_id)
			storvsc_host_msg(sd, &resp, len);
		else if (pkt.trans_id & STORVSC_ID_CTL)
			storvsc_ctl_complete(sd, pkt.trans_id, &resp, len);
		else
			storvsc_io_done(sd, pkt.trans_id, &resp, len);
	}
	vmbus_pkt_iter_close(c->chan);
}
