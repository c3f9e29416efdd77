// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fibre Channel controllers (HV_SYNTHFC_GUID): through the FC transport
 * class their SCSI host shows port_name and node_name (from FCHBA_DATA)
 * and has one remote port.  On kernels without the class
 * (CONFIG_SCSI_FC_ATTRS unset) they work as plain SCSI hosts.
 */
#include <scsi/scsi_host.h>

#include "storvsc.h"

#ifdef HAVE_SCSI_FC_ATTRS
#include <scsi/scsi_transport_fc.h>

static struct scsi_transport_template *storvsc_fc_tt;

static struct fc_function_template storvsc_fc_functions = {
	.show_host_node_name = 1,
	.show_host_port_name = 1,
};

int storvsc_fc_init(void)
{
	storvsc_fc_tt = fc_attach_transport(&storvsc_fc_functions);
	return storvsc_fc_tt ? 0 : -ENOMEM;
}

void storvsc_fc_exit(void)
{
	fc_release_transport(storvsc_fc_tt);
}

/* Before scsi_add_host(): the transport allocates its host data there. */
void storvsc_fc_setup(struct storvsc_dev *sd)
{
	if (sd->cls == STORVSC_FC)
		sd->shost->transportt = storvsc_fc_tt;
}

/* Copy the WWNs into the FC host attributes (once the host is added). */
void storvsc_fc_update(struct storvsc_dev *sd)
{
	if (sd->cls != STORVSC_FC || !READ_ONCE(sd->host_added))
		return;
	fc_host_node_name(sd->shost) = READ_ONCE(sd->node_name);
	fc_host_port_name(sd->shost) = READ_ONCE(sd->port_name);
}

int storvsc_fc_add(struct storvsc_dev *sd)
{
	/* the host's storage is the target; we only look like an initiator */
	struct fc_rport_identifiers ids = {
		.roles = FC_PORT_ROLE_FCP_DUMMY_INITIATOR,
	};

	if (sd->cls != STORVSC_FC)
		return 0;
	storvsc_fc_update(sd);
	sd->rport = fc_remote_port_add(sd->shost, 0, &ids);
	return sd->rport ? 0 : -ENOMEM;
}

/* Before scsi_remove_host() */
void storvsc_fc_remove(struct storvsc_dev *sd)
{
	if (sd->cls != STORVSC_FC || !READ_ONCE(sd->host_added))
		return;
	if (sd->rport)
		fc_remote_port_delete(sd->rport);
	sd->rport = NULL;
	fc_remove_host(sd->shost);
}

#else /* !HAVE_SCSI_FC_ATTRS */

int storvsc_fc_init(void)
{
	return 0;
}

void storvsc_fc_exit(void)
{
}

void storvsc_fc_setup(struct storvsc_dev *sd)
{
}

void storvsc_fc_update(struct storvsc_dev *sd)
{
}

int storvsc_fc_add(struct storvsc_dev *sd)
{
	return 0;
}

void storvsc_fc_remove(struct storvsc_dev *sd)
{
}

#endif /* HAVE_SCSI_FC_ATTRS */
