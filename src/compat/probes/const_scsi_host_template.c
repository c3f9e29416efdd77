/*
 * scsi_host_alloc() takes a const struct scsi_host_template.
 * Upstream change "scsi: core: Declare struct scsi_host_template pointer
 * members const", Linux 6.4.
 */
#include <scsi/scsi_host.h>

static const struct scsi_host_template probe_sht;

struct Scsi_Host *probe_host_alloc(void)
{
	return scsi_host_alloc(&probe_sht, 0);
}
