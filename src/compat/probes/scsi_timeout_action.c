/*
 * scsi_host_template.eh_timed_out returns enum scsi_timeout_action
 * (SCSI_EH_DONE means the driver completed the command); before, it
 * returned enum blk_eh_timer_return, where BLK_EH_DONE meant "not handled".
 * Upstream change "scsi: core: Change the return type of .eh_timed_out()",
 * Linux 6.4.
 */
#include <scsi/scsi_host.h>

static enum scsi_timeout_action probe_timed_out(struct scsi_cmnd *cmd)
{
	return SCSI_EH_RESET_TIMER;
}

struct scsi_host_template probe_sht = { .eh_timed_out = probe_timed_out };
