/*
 * scsi_cmd_to_rq() names the block request of a SCSI command (before:
 * cmd->request).  Upstream change "scsi: core: Introduce scsi_cmd_to_rq()",
 * Linux 5.15 (Debian's 5.10 has it backported).
 */
#include <scsi/scsi_cmnd.h>

struct request *probe_scsi_cmd_to_rq(struct scsi_cmnd *cmd)
{
	return scsi_cmd_to_rq(cmd);
}
