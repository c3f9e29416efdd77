/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration components (ICs): the message framing shared by the
 * shutdown, timesync, heartbeat, KVP, VSS and file-copy services, and the
 * payloads of the first three.  The guest side is hv_utils.ko, the host
 * side hvsim's devices/ic/.
 *
 * Sources: include/linux/hyperv.h (Linux 6.12: struct vmbuspipe_hdr,
 * icmsg_hdr, icmsg_negotiate, shutdown_msg_data, heartbeat_msg_data,
 * ictimesync_data, ictimesync_ref_data, ICMSGTYPE_*, ICMSGHDRFLAG_*,
 * ICTIMESYNCFLAG_*, WLTIMEDELTA), drivers/hv/channel_mgmt.c
 * (vmbus_prep_negotiate_resp: the negotiation rules) and drivers/hv/hv_util.c
 * (the versions each service speaks); microsoft/openvmm
 * vm/devices/hyperv_ic_protocol/src/lib.rs (the same framing from the host's
 * side: Header, NegotiateMessage, the message types and status codes).
 *
 * Every IC message is one VM_PKT_DATA_INBAND packet on a message-mode pipe
 * channel:  struct vmbuspipe_hdr, struct icmsg_hdr, then the payload.  The
 * host sends requests (ICMSGHDRFLAG_TRANSACTION | REQUEST); the guest
 * answers each one with the same packet, changed in place, with
 * TRANSACTION | RESPONSE, a status and the request's trans_id.
 *
 * Negotiation (icmsgtype NEGOTIATE, first message on each channel): the
 * payload is struct icmsg_negotiate followed by icframe_vercnt framework
 * versions, then icmsg_vercnt service versions.  The guest answers with
 * counts 1 and 1 and its choice in icversion_data[0] (framework) and [1]
 * (service), or counts 0 and 0 if nothing matched (status stays 0; the
 * host gives up on the service).  icmsgsize is 0x10 in the answer.
 */
#ifndef _HVLIS_ICMSG_H
#define _HVLIS_ICMSG_H

#include <hvlis/hv_types.h>

/* struct icmsg_hdr.icmsgtype */
#define ICMSGTYPE_NEGOTIATE		0
#define ICMSGTYPE_HEARTBEAT		1
#define ICMSGTYPE_KVPEXCHANGE		2
#define ICMSGTYPE_SHUTDOWN		3
#define ICMSGTYPE_TIMESYNC		4
#define ICMSGTYPE_VSS			5
#define ICMSGTYPE_FCOPY			7

/* struct icmsg_hdr.icflags */
#define ICMSGHDRFLAG_TRANSACTION	1
#define ICMSGHDRFLAG_REQUEST		2
#define ICMSGHDRFLAG_RESPONSE		4

/* struct icmsg_hdr.status: HRESULTs */
#define HV_S_OK				0x00000000
#define HV_E_FAIL			0x80004005
#define HV_S_CONT			0x80070103
#define HV_ERROR_NOT_SUPPORTED		0x80070032
#define HV_ERROR_MACHINE_LOCKED		0x800704F7
#define HV_ERROR_DEVICE_NOT_CONNECTED	0x8007048F
#define HV_INVALIDARG			0x80070057
#define HV_GUID_NOTFOUND		0x80041002
#define HV_ERROR_ALREADY_EXISTS		0x80070050
#define HV_ERROR_DISK_FULL		0x80070070

/* a version as the IC messages carry it; an int "M << 16 | m" elsewhere */
#define IC_VERSION(major, minor)	((major) << 16 | (minor))
#define IC_MAJOR(v)			((unsigned int)(v) >> 16)
#define IC_MINOR(v)			((unsigned int)(v) & 0xffff)

/* framework versions: UTIL_FW_VERSION and UTIL_WS2K8_FW_VERSION */
#define UTIL_FW_VERSION			IC_VERSION(3, 0)
#define UTIL_WS2K8_FW_VERSION		IC_VERSION(1, 0)

struct vmbuspipe_hdr {
	__u32 flags;
	__u32 msgsize;
} __packed;

struct ic_version {
	__u16 major;
	__u16 minor;
} __packed;

struct icmsg_hdr {
	struct ic_version icverframe;	/* framework version */
	__u16 icmsgtype;		/* ICMSGTYPE_* */
	struct ic_version icvermsg;	/* service version */
	__u16 icmsgsize;		/* payload bytes after this header */
	__u32 status;			/* HRESULT, in answers */
	__u8 ictransaction_id;
	__u8 icflags;			/* ICMSGHDRFLAG_* */
	__u8 reserved[2];
} __packed;

/* the framing before every payload */
#define ICMSG_HDR	(sizeof(struct vmbuspipe_hdr) + sizeof(struct icmsg_hdr))

/* more than this many versions in a negotiation is a malformed message */
#define IC_VERSION_NEGOTIATION_MAX_VER_COUNT	100

struct icmsg_negotiate {
	__u16 icframe_vercnt;
	__u16 icmsg_vercnt;
	__u32 reserved;
	struct ic_version icversion_data[];	/* framework, then service */
} __packed;

#define ICMSG_NEGOTIATE_PKT_SIZE(icframe_vercnt, icmsg_vercnt)		\
	(ICMSG_HDR + sizeof(struct icmsg_negotiate) +			\
	 ((icframe_vercnt) + (icmsg_vercnt)) * sizeof(struct ic_version))

/* ---- shutdown (HV_SHUTDOWN_GUID) ---- */
/* flags: 0 shut down, 2 reboot, 4 hibernate; | 1 means "by force" */
#define IC_SHUTDOWN_FLAG_FORCE		1
#define IC_SHUTDOWN_FLAG_REBOOT		2
#define IC_SHUTDOWN_FLAG_HIBERNATE	4

struct shutdown_msg_data {
	__u32 reason_code;
	__u32 timeout_seconds;
	__u32 flags;
	__u8 display_message[2048];
} __packed;

/* ---- heartbeat (HV_HEART_BEAT_GUID): the guest answers seq_num + 1 ---- */
struct heartbeat_msg_data {
	__u64 seq_num;
	__u32 reserved[8];
} __packed;

/* ---- timesync (HV_TS_GUID) ---- */
#define ICTIMESYNCFLAG_PROBE	0
#define ICTIMESYNCFLAG_SYNC	1	/* set the clock: boot, restore */
#define ICTIMESYNCFLAG_SAMPLE	2	/* a hint, every 5 s on Hyper-V */

/* 100 ns units from 1601-01-01 (Windows time) to 1970-01-01 */
#define WLTIMEDELTA		116444736000000000ULL

/* versions 1.0 and 3.0 */
struct ictimesync_data {
	__u64 parenttime;	/* host UTC, 100 ns since 1601 */
	__u64 childtime;
	__u64 roundtriptime;
	__u8 flags;		/* ICTIMESYNCFLAG_* */
} __packed;

/* version 4.0: the sample carries the reference counter it was taken at */
struct ictimesync_ref_data {
	__u64 parenttime;
	__u64 vmreferencetime;	/* partition reference counter, 100 ns */
	__u8 flags;
	char leapflags;
	char stratum;
	__u8 reserved[3];
} __packed;

static_assert(sizeof(struct vmbuspipe_hdr) == 8);
static_assert(sizeof(struct icmsg_hdr) == 20);
static_assert(ICMSG_HDR == 28);
static_assert(sizeof(struct icmsg_negotiate) == 8);
static_assert(sizeof(struct shutdown_msg_data) == 2060);
static_assert(sizeof(struct heartbeat_msg_data) == 40);
static_assert(sizeof(struct ictimesync_data) == 25);
static_assert(sizeof(struct ictimesync_ref_data) == 22);

#endif /* _HVLIS_ICMSG_H */
