/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus device classes: the interface-type GUID (if_type) the host puts in
 * an offer.  Drivers match on it; hvsim offers it; lsvmbus names it.
 *
 * GUID values: include/linux/hyperv.h HV_*_GUID (Linux 6.12), there written
 * as ".guid = GUID_INIT(...)"; here each macro is the bare GUID_INIT value.
 * Display names: tools/hv/lsvmbus vmbus_dev_dict (6.12).
 */
#ifndef _HVLIS_GUIDS_H
#define _HVLIS_GUIDS_H

#include <hvlis/hv_types.h>

/* {f8615163-df3e-46c5-913f-f2d2f965ed0e} synthetic NIC (netvsc) */
#define HV_NIC_GUID							\
	GUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x91, 0x3f,		\
		  0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e)

/* {32412632-86cb-44a2-9b5c-50d1417354f5} IDE disks, served by storvsc */
#define HV_IDE_GUID							\
	GUID_INIT(0x32412632, 0x86cb, 0x44a2, 0x9b, 0x5c,		\
		  0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5)

/* {ba6163d9-04a1-4d29-b605-72e2ffb1dc7f} SCSI controller (storvsc) */
#define HV_SCSI_GUID							\
	GUID_INIT(0xba6163d9, 0x04a1, 0x4d29, 0xb6, 0x05,		\
		  0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f)

/*
 * {2f9bcc4a-0069-4af3-b76b-6fd0be528cda} Fibre Channel HBA.  A class of its
 * own, not the SCSI GUID: storvsc binds it too (id_table entry SFC_GUID)
 * and attaches the FC transport instead of the SCSI one
 * (drivers/scsi/storvsc_drv.c, 6.12).
 */
#define HV_SYNTHFC_GUID							\
	GUID_INIT(0x2f9bcc4a, 0x0069, 0x4af3, 0xb7, 0x6b,		\
		  0x6f, 0xd0, 0xbe, 0x52, 0x8c, 0xda)

/* {0e0b6031-5213-4934-818b-38d90ced39db} shutdown IC (hv_utils) */
#define HV_SHUTDOWN_GUID						\
	GUID_INIT(0x0e0b6031, 0x5213, 0x4934, 0x81, 0x8b,		\
		  0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb)

/* {9527e630-d0ae-497b-adce-e80ab0175caf} time sync IC (hv_utils) */
#define HV_TS_GUID							\
	GUID_INIT(0x9527e630, 0xd0ae, 0x497b, 0xad, 0xce,		\
		  0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf)

/* {57164f39-9115-4e78-ab55-382f3bd5422d} heartbeat IC (hv_utils) */
#define HV_HEART_BEAT_GUID						\
	GUID_INIT(0x57164f39, 0x9115, 0x4e78, 0xab, 0x55,		\
		  0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d)

/* {a9a0f4e7-5a45-4d96-b827-8a841e8c03e6} KVP data exchange IC (hv_utils) */
#define HV_KVP_GUID							\
	GUID_INIT(0xa9a0f4e7, 0x5a45, 0x4d96, 0xb8, 0x27,		\
		  0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6)

/* {35fa2e29-ea23-4236-96ae-3a6ebacba440} VSS backup IC (hv_utils) */
#define HV_VSS_GUID							\
	GUID_INIT(0x35fa2e29, 0xea23, 0x4236, 0x96, 0xae,		\
		  0x3a, 0x6e, 0xba, 0xcb, 0xa4, 0x40)

/* {34d14be3-dee4-41c8-9ae7-6b174977c192} guest file copy service (fcopy) */
#define HV_FCOPY_GUID							\
	GUID_INIT(0x34d14be3, 0xdee4, 0x41c8, 0x9a, 0xe7,		\
		  0x6b, 0x17, 0x49, 0x77, 0xc1, 0x92)

/* {525074dc-8985-46e2-8057-a307dc18a502} dynamic memory (hv_balloon) */
#define HV_DM_GUID							\
	GUID_INIT(0x525074dc, 0x8985, 0x46e2, 0x80, 0x57,		\
		  0xa3, 0x07, 0xdc, 0x18, 0xa5, 0x02)

/* {cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a} synthetic mouse (hid_hyperv) */
#define HV_MOUSE_GUID							\
	GUID_INIT(0xcfa8b69e, 0x5b4a, 0x4cc0, 0xb9, 0x8b,		\
		  0x8b, 0xa1, 0xa1, 0xf3, 0xf9, 0x5a)

/* {f912ad6d-2b17-48ea-bd65-f927a61c7684} synthetic keyboard */
#define HV_KBD_GUID							\
	GUID_INIT(0xf912ad6d, 0x2b17, 0x48ea, 0xbd, 0x65,		\
		  0xf9, 0x27, 0xa6, 0x1c, 0x76, 0x84)

/* {da0a7802-e377-4aac-8e77-0558eb1073f8} synthetic video (hyperv_fb) */
#define HV_SYNTHVID_GUID						\
	GUID_INIT(0xda0a7802, 0xe377, 0x4aac, 0x8e, 0x77,		\
		  0x05, 0x58, 0xeb, 0x10, 0x73, 0xf8)

/* {44c4f61d-4444-4400-9d52-802e27ede19f} PCI Express pass-through */
#define HV_PCIE_GUID							\
	GUID_INIT(0x44c4f61d, 0x4444, 0x4400, 0x9d, 0x52,		\
		  0x80, 0x2e, 0x27, 0xed, 0xe1, 0x9f)

/* {8c2eaf3d-32a7-4b09-ab99-bd1f1c86b501} NetworkDirect (guest RDMA) */
#define HV_ND_GUID							\
	GUID_INIT(0x8c2eaf3d, 0x32a7, 0x4b09, 0xab, 0x99,		\
		  0xbd, 0x1f, 0x1c, 0x86, 0xb5, 0x01)

/*
 * Offered by Hyper-V but used only by Windows guests; Linux ignores them
 * (drivers/hv/channel_mgmt.c vmbus_unsupported_devs, 6.12).
 */
/* {f8e65716-3cb3-4a06-9a60-1889c5cccab5} automatic VM activation (AVMA) */
#define HV_AVMA1_GUID							\
	GUID_INIT(0xf8e65716, 0x3cb3, 0x4a06, 0x9a, 0x60,		\
		  0x18, 0x89, 0xc5, 0xcc, 0xca, 0xb5)

/* {3375baf4-9e15-4b30-b765-67acb10d607b} AVMA (inherited activation) */
#define HV_AVMA2_GUID							\
	GUID_INIT(0x3375baf4, 0x9e15, 0x4b30, 0xb7, 0x65,		\
		  0x67, 0xac, 0xb1, 0x0d, 0x60, 0x7b)

/* {276aacf4-ac15-426c-98dd-7521ad3f01fe} remote desktop virtualization */
#define HV_RDV_GUID							\
	GUID_INIT(0x276aacf4, 0xac15, 0x426c, 0x98, 0xdd,		\
		  0x75, 0x21, 0xad, 0x3f, 0x01, 0xfe)

/* {c376c1c3-d276-48d2-90a9-c04748072c60} initial machine configuration */
#define HV_IMC_GUID							\
	GUID_INIT(0xc376c1c3, 0xd276, 0x48d2, 0x90, 0xa9,		\
		  0xc0, 0x47, 0x48, 0x07, 0x2c, 0x60)

/*
 * hv_sock has no class GUID: its offers carry the service id as if_type
 * and are flagged VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER.  Service ids that map
 * to an AF_VSOCK port are <port>-facb-11e6-bd58-64006a7986d3, the port in
 * the first (little-endian) 32-bit field.
 * Value: net/vmw_vsock/hyperv_transport.c srv_id_template (6.12).
 */
#define HV_SOCK_SRV_ID_GUID(port)					\
	GUID_INIT((__u32)(port), 0xfacb, 0x11e6, 0xbd, 0x58,		\
		  0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3)
#define HV_SOCK_SRV_ID_TEMPLATE_GUID	HV_SOCK_SRV_ID_GUID(0)

/*
 * {424af1d1-b4b6-4ca5-9423-cde96f24e12f} hyperv-lis private test class:
 * hvsim's echo device, which returns every in-band packet.  No real
 * Hyper-V host offers it; generated at random (UUID v4) for this project.
 */
#define HVSIM_ECHO_GUID							\
	GUID_INIT(0x424af1d1, 0xb4b6, 0x4ca5, 0x94, 0x23,		\
		  0xcd, 0xe9, 0x6f, 0x24, 0xe1, 0x2f)

/*
 * Table of the classes, for lsvmbus, hvsim and tests:
 *   X(id, "short name", GUID, "lsvmbus description")
 * id is a token (e.g. for an enum), the short name is the identifier
 * used on hvsim's command line, the description is what upstream lsvmbus
 * prints.  Upstream lsvmbus has no entry for IMC (it prints "Unknown");
 * it is listed here with the wording of the other Windows-only devices.
 */
#define HV_DEVICE_CLASSES(X)						\
	X(SHUTDOWN, "shutdown", HV_SHUTDOWN_GUID,			\
	  "[Operating system shutdown]")				\
	X(TIMESYNC, "timesync", HV_TS_GUID, "[Time Synchronization]")	\
	X(HEARTBEAT, "heartbeat", HV_HEART_BEAT_GUID, "[Heartbeat]")	\
	X(KVP, "kvp", HV_KVP_GUID, "[Data Exchange]")			\
	X(VSS, "vss", HV_VSS_GUID, "[Backup (volume checkpoint)]")	\
	X(FCOPY, "fcopy", HV_FCOPY_GUID, "[Guest services]")		\
	X(DM, "balloon", HV_DM_GUID, "[Dynamic Memory]")		\
	X(MOUSE, "mouse", HV_MOUSE_GUID, "Synthetic mouse")		\
	X(KBD, "keyboard", HV_KBD_GUID, "Synthetic keyboard")		\
	X(SYNTHVID, "video", HV_SYNTHVID_GUID,				\
	  "Synthetic framebuffer adapter")				\
	X(NIC, "net", HV_NIC_GUID, "Synthetic network adapter")	\
	X(IDE, "ide", HV_IDE_GUID, "Synthetic IDE Controller")		\
	X(SCSI, "scsi", HV_SCSI_GUID, "Synthetic SCSI Controller")	\
	X(SYNTHFC, "fc", HV_SYNTHFC_GUID,				\
	  "Synthetic fiber channel adapter")				\
	X(ND, "nd", HV_ND_GUID, "Synthetic RDMA adapter")		\
	X(PCIE, "pci", HV_PCIE_GUID, "PCI Express pass-through")	\
	X(RDV, "rdv", HV_RDV_GUID, "[Reserved system device]")		\
	X(AVMA1, "avma1", HV_AVMA1_GUID, "[Reserved system device]")	\
	X(AVMA2, "avma2", HV_AVMA2_GUID, "[Reserved system device]")	\
	X(IMC, "imc", HV_IMC_GUID, "[Reserved system device]")		\
	X(HVSIM_ECHO, "echo", HVSIM_ECHO_GUID,				\
	  "[hvsim echo test device]")

#endif /* _HVLIS_GUIDS_H */
