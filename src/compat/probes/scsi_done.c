/*
 * scsi_done() completes a command; before, drivers called the function
 * pointer cmd->scsi_done that the midlayer filled in.
 * Upstream change "scsi: core: Call scsi_done directly", Linux 5.16.
 */
#include <scsi/scsi_cmnd.h>

void probe_scsi_done(struct scsi_cmnd *cmd)
{
	scsi_done(cmd);
}
