/*
 * The Fibre Channel transport class (scsi_transport_fc) is built for this
 * kernel, so hv_storvsc can give FC-class controllers the FC host
 * attributes (port_name, node_name) and a remote port.  A kernel
 * configuration question (CONFIG_SCSI_FC_ATTRS), not a version one; the
 * interfaces used below have this form in every kernel from 5.10 on.
 */
#include <linux/kconfig.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_fc.h>

#if !IS_ENABLED(CONFIG_SCSI_FC_ATTRS)
#error "no FC transport class"
#endif

static struct fc_function_template probe_fc = {
	.show_host_node_name = 1,
	.show_host_port_name = 1,
};

struct scsi_transport_template *probe_fc_attach(void)
{
	return fc_attach_transport(&probe_fc);
}

struct fc_rport *probe_fc_rport(struct Scsi_Host *shost)
{
	struct fc_rport_identifiers ids = {
		.roles = FC_PORT_ROLE_FCP_DUMMY_INITIATOR,
	};

	fc_host_node_name(shost) = 1;
	return fc_remote_port_add(shost, 0, &ids);
}
