/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VSS, the backup (volume snapshot) IC (HV_VSS_GUID): the messages between
 * the host and hv_utils, and between hv_utils and the VSS daemon through
 * /dev/vmbus/hv_vss.  Both use struct hv_vss_msg.
 *
 * Source: include/uapi/linux/hyperv.h (Linux 6.12): struct hv_vss_hdr,
 * hv_vss_msg, hv_vss_check_feature, hv_vss_check_dm_info, enum hv_vss_op,
 * VSS_OP_REGISTER/REGISTER1, VSS_HBU_NO_AUTO_RECOVERY; drivers/hv/
 * hv_snapshot.c (service version 5.0, framework 3.0 only; the 15-minute
 * freeze timeout; a FREEZE from Hyper-V carries LUN data past struct
 * hv_vss_msg, up to 6,260 bytes, hence the 8 KiB packet limit).  The
 * distributions' hv_vss_daemon is built against that header: an ABI.
 *
 * Host view: FREEZE and THAW (and HOT_BACKUP, the "can you do a live
 * backup" check) go to the daemon; GET_DM_INFO is answered by the kernel
 * (flags 0); the other operations are acknowledged.  The answer to
 * HOT_BACKUP carries VSS_HBU_NO_AUTO_RECOVERY in vss_cf.flags.
 * Daemon view: it writes a struct hv_vss_msg with VSS_OP_REGISTER1 first;
 * the kernel answers with a bare __u32 VSS_OP_REGISTER1.  Then each
 * request is one read of a struct hv_vss_msg (operation set) and one
 * write of a struct hv_vss_msg whose "error" field is the status.
 */
#ifndef _HVLIS_VSS_H
#define _HVLIS_VSS_H

#include <hvlis/hv_types.h>

#define VSS_OP_REGISTER		128
#define VSS_OP_REGISTER1	129	/* the kernel answers with its version */

enum hv_vss_op {
	VSS_OP_CREATE = 0,
	VSS_OP_DELETE,
	VSS_OP_HOT_BACKUP,
	VSS_OP_GET_DM_INFO,
	VSS_OP_BU_COMPLETE,
	/* service version 5.0 and later */
	VSS_OP_FREEZE,
	VSS_OP_THAW,
	VSS_OP_AUTO_RECOVER,
	VSS_OP_COUNT
};

struct hv_vss_hdr {
	__u8 operation;
	__u8 reserved[7];
} __packed;

/* the only feature flag Linux reports: no auto-recovery */
#define VSS_HBU_NO_AUTO_RECOVERY	0x00000005

struct hv_vss_check_feature {
	__u32 flags;
} __packed;

struct hv_vss_check_dm_info {
	__u32 flags;
} __packed;

struct hv_vss_msg {
	union {
		struct hv_vss_hdr vss_hdr;
		int error;
	};
	union {
		struct hv_vss_check_feature vss_cf;
		struct hv_vss_check_dm_info dm_info;
	};
} __packed;

/* the largest VSS packet a host sends (a FREEZE with LUN data) */
#define VSS_MAX_PKT_SIZE	8192

static_assert(sizeof(struct hv_vss_msg) == 12);

#endif /* _HVLIS_VSS_H */
