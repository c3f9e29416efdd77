/*
 * scsi_rescan_device() takes the struct scsi_device (before: its struct
 * device).  Upstream change "scsi: Do not attempt to rescan suspended
 * devices", Linux 6.6 (Debian's 6.1 has it backported).
 */
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

int probe_scsi_rescan_device(struct scsi_device *sdev)
{
	return scsi_rescan_device(sdev);
}
