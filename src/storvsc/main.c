// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_storvsc: the module, its parameters (upstream's names), and one SCSI
 * host per Hyper-V storage controller: probe and remove.
 */
#include <linux/cpumask.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include <hvlis/guids.h>

#include "storvsc.h"

int storvsc_logging_level = STORVSC_LOG_ERR;
module_param_named(logging_level, storvsc_logging_level, int, 0644);
MODULE_PARM_DESC(logging_level,
		 "Logging level, 0 - None, 1 - Error (default), 2 - Warning.");

static int storvsc_ringbuffer_size = 128 * 1024;
module_param(storvsc_ringbuffer_size, int, 0444);
MODULE_PARM_DESC(storvsc_ringbuffer_size, "Ring buffer size (bytes)");

static unsigned int storvsc_max_hw_queues;
module_param(storvsc_max_hw_queues, uint, 0644);
MODULE_PARM_DESC(storvsc_max_hw_queues, "Maximum number of hardware queues");

/*
 * Upstream sizes its one host-wide queue with this ratio; here every
 * hardware queue has a ring of its own and is sized by it, so the value is
 * accepted (scripts set it) and not used.
 */
static int storvsc_vcpus_per_sub_channel = 4;
module_param(storvsc_vcpus_per_sub_channel, int, 0444);
MODULE_PARM_DESC(storvsc_vcpus_per_sub_channel,
		 "Ratio of VCPUs to subchannels (accepted, not used: each queue has its own ring)");

int storvsc_ring_avail_lowater = 10;
module_param_named(ring_avail_percent_lowater, storvsc_ring_avail_lowater,
		   int, 0444);
MODULE_PARM_DESC(ring_avail_percent_lowater,
		 "Select a channel if available ring size > this in percent");

/* Bounds on storvsc_ringbuffer_size; the rings are physically contiguous. */
#define STORVSC_RING_MIN	(16 << 10)
#define STORVSC_RING_MAX	(16 << 20)
#define STORVSC_RING_DEFAULT	(128 << 10)
/* Commands per hardware queue at most (scsi_host.cmd_per_lun is a short) */
#define STORVSC_MAX_DEPTH	2048

static const struct hv_vmbus_device_id storvsc_id_table[] = {
	{ .guid = HV_SCSI_GUID, .driver_data = STORVSC_SCSI },
	{ .guid = HV_IDE_GUID, .driver_data = STORVSC_IDE },
	{ .guid = HV_SYNTHFC_GUID, .driver_data = STORVSC_FC },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, storvsc_id_table);

/* Bytes per ring direction: the control page and the data area */
static u32 storvsc_ring_bytes(void)
{
	int size = READ_ONCE(storvsc_ringbuffer_size);

	if (size < STORVSC_RING_MIN || size > STORVSC_RING_MAX) {
		pr_warn_once("hv_storvsc: storvsc_ringbuffer_size %d out of range, using %d\n",
			     size, STORVSC_RING_DEFAULT);
		size = STORVSC_RING_DEFAULT;
	}
	return PAGE_SIZE + PAGE_ALIGN(size);
}

/*
 * Sub-channels to ask for: one channel per online CPU, as upstream does
 * (the host may grant fewer), and no more hardware queues than
 * storvsc_max_hw_queues.
 */
static unsigned int storvsc_want_subch(void)
{
	unsigned int maxq = READ_ONCE(storvsc_max_hw_queues);
	unsigned int want = num_online_cpus() - 1;

	if (maxq)
		want = min(want, maxq - 1);
	return want;
}

/* The bus gives every device a 64-bit DMA mask; we add our alignment. */
static void storvsc_dma_setup(struct storvsc_dev *sd)
{
	struct device *dev = &sd->hdev->device;

	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)))
		dev_warn(dev, "no 64-bit DMA\n");
	/* bounce buffers keep the offset into the page the range names */
	compat_dma_set_min_align_mask(dev, HV_HYP_PAGE_SIZE - 1);
}

/* Addressing, transfer limits, queues and command slots of the host */
static int storvsc_setup_host(struct storvsc_dev *sd)
{
	struct Scsi_Host *shost = sd->shost;
	u32 xfer, per_ring, depth;
	int low;

	switch (sd->cls) {
	case STORVSC_FC:
		shost->max_lun = STORVSC_FC_MAX_LUNS;
		shost->max_id = STORVSC_FC_MAX_TARGETS;
		shost->max_channel = STORVSC_FC_MAX_CHANNELS - 1;
		break;
	case STORVSC_IDE:
		shost->max_lun = STORVSC_IDE_MAX_LUNS;
		shost->max_id = STORVSC_IDE_MAX_TARGETS;
		shost->max_channel = STORVSC_IDE_MAX_CHANNELS - 1;
		break;
	default:
		shost->max_lun = STORVSC_SCSI_MAX_LUNS;
		shost->max_id = STORVSC_SCSI_MAX_TARGETS;
		shost->max_channel = STORVSC_SCSI_MAX_CHANNELS - 1;
		break;
	}
	shost->max_cmd_len = STORVSC_MAX_CMD_LEN;

	/* whole pages, within what the host and we accept */
	xfer = clamp_t(u32, round_down(sd->max_xfer, HV_HYP_PAGE_SIZE),
		       HV_HYP_PAGE_SIZE, STORVSC_MAX_XFER);
	if (sd->cls == STORVSC_FC)
		xfer = min(xfer, STORVSC_FC_MAX_XFER);
	shost->max_sectors = xfer >> SECTOR_SHIFT;
	/* one segment per page, plus one when the buffer starts mid-page */
	shost->sg_tablesize = (xfer >> HV_HYP_PAGE_SHIFT) + 1;

	/*
	 * Each hardware queue has a ring of its own: queue as many commands
	 * as fit in it (a GPA-direct packet of a 128 KiB buffer each), less
	 * the share ring_avail_percent_lowater keeps free.
	 */
	per_ring = (sd->ring_size - PAGE_SIZE) /
		vmbus_pkt_ring_bytes(sizeof(struct vmbus_packet_mpb_array) +
				     STORVSC_INLINE_PFNS * sizeof(u64) +
				     sizeof(struct vstor_packet));
	low = clamp(READ_ONCE(storvsc_ring_avail_lowater), 0, 99);
	depth = clamp_t(u32, per_ring * (100 - low) / 100, 1,
			STORVSC_MAX_DEPTH);
	sd->depth = depth;
	shost->can_queue = depth;
	shost->cmd_per_lun = depth;
	shost->nr_hw_queues = sd->nr_chans;

	sd->slots = kvcalloc(sd->nr_chans * depth, sizeof(*sd->slots),
			     GFP_KERNEL);
	if (!sd->slots)
		return -ENOMEM;
	/* release: completions look at slots[] once they see the count */
	smp_store_release(&sd->nr_slots, sd->nr_chans * depth);
	return 0;
}

static int storvsc_probe(struct hv_device *hdev,
			 const struct hv_vmbus_device_id *id)
{
	enum storvsc_class cls = id->driver_data;
	struct Scsi_Host *shost;
	struct storvsc_dev *sd;
	int ret;

	shost = scsi_host_alloc(&storvsc_sht, sizeof(*sd));
	if (!shost)
		return -ENOMEM;
	sd = shost_to_storvsc(shost);
	sd->hdev = hdev;
	sd->shost = shost;
	sd->cls = cls;
	sd->ring_size = storvsc_ring_bytes();
	mutex_init(&sd->ctl_lock);
	spin_lock_init(&sd->ctl_slock);
	init_completion(&sd->ctl_done);
	init_waitqueue_head(&sd->drain_wq);
	INIT_WORK(&sd->event_work, storvsc_event_work);
	sd->wq = alloc_ordered_workqueue("storvsc_ev_%u", 0, shost->host_no);
	if (!sd->wq) {
		ret = -ENOMEM;
		goto err_put;
	}
	storvsc_dma_setup(sd);
	storvsc_fc_setup(sd);

	ret = storvsc_connect(sd, cls == STORVSC_IDE ? 0 : storvsc_want_subch());
	if (ret)
		goto err_dma;
	ret = storvsc_setup_host(sd);
	if (ret)
		goto err_disconnect;
	ret = scsi_add_host(shost, &hdev->device);
	if (ret)
		goto err_disconnect;
	WRITE_ONCE(sd->host_added, true);

	if (cls == STORVSC_IDE) {
		/* one disk, whose target id the offer's instance GUID names */
		ret = scsi_add_device(shost, 0,
				      vstor_ide_target_from_instance(&hdev->dev_instance),
				      0);
		if (ret)
			goto err_remove_host;
	} else {
		scsi_scan_host(shost);
		ret = storvsc_fc_add(sd);
		if (ret)
			goto err_remove_host;
	}
	dev_info(&hdev->device,
		 "host%u: VMSTOR %u.%u, %u channel(s) asked for, %u KiB per request\n",
		 shost->host_no, sd->proto >> 8, sd->proto & 0xff, sd->nr_chans,
		 shost->max_sectors >> 1);
	return 0;

err_remove_host:
	WRITE_ONCE(sd->removing, true);
	storvsc_fc_remove(sd);
	scsi_remove_host(shost);
	WRITE_ONCE(sd->host_added, false);
err_disconnect:
	storvsc_stop_subchannels(sd);
	storvsc_disconnect(sd);
err_dma:
	destroy_workqueue(sd->wq);
	kvfree(sd->slots);
err_put:
	scsi_host_put(shost);
	return ret;
}

static void storvsc_remove(struct hv_device *hdev)
{
	struct storvsc_dev *sd = dev_get_drvdata(&hdev->device);
	struct Scsi_Host *shost = sd->shost;

	WRITE_ONCE(sd->removing, true);
	if (READ_ONCE(storvsc_primary(sd)->rescind)) {
		/*
		 * The host took the controller away and will answer nothing:
		 * fail what it had, and everything after (removing the LUNs
		 * below sends SYNCHRONIZE CACHE).
		 */
		WRITE_ONCE(sd->dead, true);
		storvsc_fail_inflight(sd, -1, DID_NO_CONNECT);
	}
	storvsc_stop_subchannels(sd);
	cancel_work_sync(&sd->event_work);
	storvsc_fc_remove(sd);
	scsi_remove_host(shost);
	WRITE_ONCE(sd->host_added, false);

	/* every LUN is gone, so the host owns no command any more */
	if (atomic_read(&sd->outstanding))
		dev_err(&hdev->device, "%d commands still outstanding\n",
			atomic_read(&sd->outstanding));
	WRITE_ONCE(sd->dead, true);
	storvsc_disconnect(sd);
	destroy_workqueue(sd->wq);
	kvfree(sd->slots);
	scsi_host_put(shost);
}

static struct hv_driver storvsc_driver = {
	.name = KBUILD_MODNAME,
	.id_table = storvsc_id_table,
	.probe = storvsc_probe,
	.remove = storvsc_remove,
	.driver = {
		/* the handshake may wait for the host: not on the bus's thread */
		.probe_type = PROBE_PREFER_ASYNCHRONOUS,
	},
};

static int __init storvsc_init(void)
{
	int ret;

	ret = storvsc_fc_init();
	if (ret)
		return ret;
	ret = vmbus_driver_register(&storvsc_driver);
	if (ret)
		storvsc_fc_exit();
	return ret;
}

static void __exit storvsc_exit(void)
{
	vmbus_driver_unregister(&storvsc_driver);
	storvsc_fc_exit();
}

module_init(storvsc_init);
module_exit(storvsc_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("Microsoft Hyper-V virtual storage driver");
