/*
 * scsi_build_sense() fills a command's sense buffer and sets its result to
 * CHECK CONDITION (before: scsi_build_sense_buffer() on the buffer, and the
 * driver set the result with DRIVER_SENSE itself).
 * Upstream change "scsi: core: Introduce scsi_build_sense()", Linux 5.14.
 */
#include <scsi/scsi_cmnd.h>

void probe_scsi_build_sense(struct scsi_cmnd *cmd)
{
	scsi_build_sense(cmd, 0, 0x05, 0x20, 0x00);
}
