// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SCSI host side of storvsc: the host template, LUN configuration,
 * timeouts and bus reset, and the worker that follows LUNs coming, going
 * and changing.
 */
#include <linux/blkdev.h>
#include <linux/string.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_devinfo.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>

#include "storvsc.h"

/* Queue work for the event worker (any context). */
void storvsc_event(struct storvsc_dev *sd, unsigned int ev)
{
	set_bit(ev, &sd->events);
	/* the workqueue lives until the channels are closed */
	if (!READ_ONCE(sd->removing))
		queue_work(sd->wq, &sd->event_work);
}

/*
 * A LUN the host no longer has answers TEST UNIT READY with
 * SRB_STATUS_INVALID_LUN, which we report as DID_NO_CONNECT: remove it.
 */
static void storvsc_remove_gone(struct storvsc_dev *sd)
{
	struct scsi_sense_hdr sshdr;
	struct scsi_device *sdev;
	int res;

	shost_for_each_device(sdev, sd->shost) {
		if (READ_ONCE(sd->removing))
			continue;
		res = scsi_test_unit_ready(sdev, 10 * HZ, 1, &sshdr);
		if (res > 0 && host_byte(res) == DID_NO_CONNECT) {
			sdev_printk(KERN_INFO, sdev, "gone from the host\n");
			scsi_remove_device(sdev);
		}
	}
}

void storvsc_event_work(struct work_struct *work)
{
	struct storvsc_dev *sd = container_of(work, struct storvsc_dev,
					      event_work);
	struct scsi_device *sdev;
	bool scan, check, rescan;

	/* events before the host is added are covered by its first scan */
	if (READ_ONCE(sd->removing) || !READ_ONCE(sd->host_added))
		return;
	scan = test_and_clear_bit(STORVSC_EV_SCAN, &sd->events);
	check = test_and_clear_bit(STORVSC_EV_CHECK, &sd->events) || scan;
	rescan = test_and_clear_bit(STORVSC_EV_RESCAN, &sd->events);

	/* a scan finds new LUNs but keeps the ones that went away */
	if (check)
		storvsc_remove_gone(sd);
	if (rescan)
		shost_for_each_device(sdev, sd->shost)
			if (!READ_ONCE(sd->removing))
				compat_scsi_rescan_device(sdev);
	/* an IDE controller has its one disk, named by the offer */
	if (scan && sd->cls != STORVSC_IDE && !READ_ONCE(sd->removing))
		scsi_scan_host(sd->shost);
}

static int storvsc_slave_alloc(struct scsi_device *sdev)
{
	/*
	 * Hyper-V's LUNs claim SPC-2 but implement later features (UNMAP,
	 * WRITE SAME, the block limits VPD page): read the VPD pages.  Its
	 * DVD drive reports an unknown type but implements REPORT LUNS.
	 */
	sdev->sdev_bflags |= BLIST_REPORTLUN2 | BLIST_TRY_VPD_PAGES;
	return 0;
}

static int storvsc_slave_configure(struct scsi_device *sdev)
{
	struct storvsc_dev *sd = shost_to_storvsc(sdev->host);

	/* the host answers late rather than never (storvsc_eh_timed_out) */
	blk_queue_rq_timeout(sdev->request_queue, STORVSC_TIMEOUT_SECS * HZ);
	/* Hyper-V does not implement REPORT SUPPORTED OPERATION CODES */
	sdev->no_report_opcodes = 1;
	/*
	 * Hosts before WIN10 do not implement WRITE SAME; on later ones sd
	 * uses what the VPD pages report, for discard as for write zeroes.
	 */
	if (sd->proto < VMSTOR_PROTO_VERSION_WIN10)
		sdev->no_write_same = 1;
	/* WIN8 and WIN8.1 virtual disks implement SPC-3 (storvsc_drv.c) */
	if (sdev->vendor && !strncmp(sdev->vendor, "Msft", 4) &&
	    (sd->proto == VMSTOR_PROTO_VERSION_WIN8 ||
	     sd->proto == VMSTOR_PROTO_VERSION_WIN8_1))
		sdev->scsi_level = SCSI_SPC_3;
	return 0;
}

static int storvsc_change_queue_depth(struct scsi_device *sdev, int depth)
{
	return scsi_change_queue_depth(sdev, min(depth, sdev->host->can_queue));
}

/*
 * Hyper-V answers every command, if late: Azure storage may stall for
 * minutes, and aborting would not make it answer sooner (the host has no
 * abort).  So keep waiting while the host is there.
 */
static COMPAT_EH_TIMEOUT_RET storvsc_eh_timed_out(struct scsi_cmnd *cmd)
{
	struct storvsc_dev *sd = shost_to_storvsc(cmd->device->host);

	return storvsc_timed_out(sd, cmd) ? COMPAT_EH_COMPLETED :
					    COMPAT_EH_RESET_TIMER;
}

/*
 * Reset the bus and wait until the host has answered every command it
 * had: after SUCCESS nothing may complete behind the midlayer's back, and
 * a write the midlayer retries cannot be overtaken by the original.
 */
static int storvsc_eh_host_reset(struct scsi_cmnd *cmd)
{
	struct storvsc_dev *sd = shost_to_storvsc(cmd->device->host);
	struct vstor_packet pkt;
	int ret;

	if (!storvsc_is_dead(sd)) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.operation = VSTOR_OPERATION_RESET_BUS;
		ret = storvsc_ctl_exec(sd, &pkt, VSTOR_PACKET_HEADER_SIZE);
		if (ret && ret != -ENODEV)
			return FAILED;
		if (!ret && pkt.status)
			storvsc_log(sd, STORVSC_LOG_WARN,
				    "bus reset: host status %#x\n", pkt.status);
	}
	return storvsc_drain(sd, STORVSC_TIMEOUT_SECS * HZ) ? SUCCESS : FAILED;
}

COMPAT_CONST_SHT struct scsi_host_template storvsc_sht = {
	.module			= THIS_MODULE,
	/* upstream's names: tools look for proc_name "storvsc_host" */
	.name			= "storvsc_host_t",
	.proc_name		= "storvsc_host",
	.queuecommand		= storvsc_queuecommand,
	.eh_timed_out		= storvsc_eh_timed_out,
	.eh_host_reset_handler	= storvsc_eh_host_reset,
	.slave_alloc		= storvsc_slave_alloc,
	.slave_configure	= storvsc_slave_configure,
	.change_queue_depth	= storvsc_change_queue_depth,
	.this_id		= -1,
	/* one GPA range per command: segments meet at page boundaries */
	.virt_boundary_mask	= HV_HYP_PAGE_SIZE - 1,
	.track_queue_depth	= 1,
};
