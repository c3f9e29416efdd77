/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMSTOR: the storage protocol spoken over the VMBus channels of the SCSI
 * (HV_SCSI_GUID), IDE accelerator (HV_IDE_GUID) and Fibre Channel
 * (HV_SYNTHFC_GUID) classes.  The guest side is storvsc (hv_storvsc.ko), the
 * host side storvsp (hvsim's VSP; Hyper-V's and openvmm's on real hosts).
 *
 * Sources: drivers/scsi/storvsc_drv.c (Linux 6.12, the guest view; older
 * Linux for the pre-WIN8 sizes) and microsoft/openvmm
 * vm/devices/storage/storvsp_protocol/src/lib.rs and storvsp/src/lib.rs
 * (the host view).
 *
 * Packets.  Every VMSTOR message is one struct vstor_packet in the payload
 * of a VMBus packet:
 *  - guest -> host: VM_PKT_DATA_INBAND, or VM_PKT_DATA_USING_GPA_DIRECT for
 *    an EXECUTE_SRB with a data buffer (one gpa_range: byte offset into the
 *    first page, length = vm_srb.data_transfer_length, the guest PFNs; the
 *    vstor_packet follows the range list).  The guest sets
 *    REQUEST_COMPLETION_FLAG in vstor_packet.flags and
 *    VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED in the descriptor, and a
 *    non-zero trans_id.
 *  - host -> guest, answer: the host answers every guest packet with
 *    exactly one VM_PKT_COMP carrying the same trans_id, whose payload is a
 *    vstor_packet with operation = VSTOR_OPERATION_COMPLETE_IO and status =
 *    an NT status (VSTOR_NTSTATUS_*; 0 = success).  For EXECUTE_SRB the
 *    host fills in vm_srb.scsi_status, srb_status, sense_info_length,
 *    sense_data (only meaningful with SRB_STATUS_AUTOSENSE_VALID) and
 *    data_transfer_length (bytes actually moved); the other vm_srb fields
 *    are echoed.  For QUERY_PROPERTIES it fills storage_channel_properties,
 *    for FCHBA_DATA wwn_packet.  The answer is padded (or cut) to the size
 *    of the request packet, at most sizeof(struct vstor_packet) (openvmm
 *    send_vmbus_packet: Windows guests insist on the exact size).
 *  - host -> guest, unsolicited: VM_PKT_DATA_INBAND with trans_id 0 and no
 *    completion requested: ENUMERATE_BUS (LUNs were added or removed: the
 *    guest rescans), REMOVE_DEVICE (treated like ENUMERATE_BUS by Linux),
 *    FCHBA_DATA (new WWNs).  A COMPLETE_IO with trans_id 0 is invalid.
 *
 * Sizes.  With protocol WIN8 (5.1) and later the guest sends the full
 * 64-byte vstor_packet with vm_srb.length = 0x34 and sense_info_length =
 * 0x14.  Before WIN8 the packet lacks the 16-byte vmscsi_win8_extension
 * (48 bytes, vm_srb.length = 0x24) and the sense buffer is 0x12 bytes.
 * Linux sends 64-byte packets even while negotiating, and the host accepts
 * any length up to the full packet (openvmm parse_packet).
 *
 * Initialization (guest, on the primary channel, each step one request
 * answered by COMPLETE_IO; Linux 6.12 storvsc_channel_init):
 *   vmbus_open(ring, ring, userdata = 24 zero bytes (a
 *              struct vmstorage_channel_properties), ...)
 *   BEGIN_INITIALIZATION                        status must be 0
 *   QUERY_PROTOCOL_VERSION 6.2, then 6.0, 5.1   first status 0 wins;
 *                                               refused: REVISION_MISMATCH
 *   QUERY_PROPERTIES     -> storage_channel_properties (max_channel_cnt =
 *                           sub-channels the host can make, flags,
 *                           max_transfer_bytes)
 *   FCHBA_DATA           (FC class only) -> wwn_packet
 *   END_INITIALIZATION                          status must be 0
 *   CREATE_SUB_CHANNELS  (if STORAGE_CHANNEL_SUPPORTS_MULTI_CHANNEL)
 *                        sub_channel_count = n; the host answers, then
 *                        offers n sub-channels (sub_channel_index 1..n)
 *                        with the primary's instance GUID; the guest opens
 *                        each the same way (no VMSTOR handshake on them)
 *                        and sends I/O on any open channel; completions
 *                        come back on the channel the request went out on.
 * After that: EXECUTE_SRB for SCSI commands, RESET_BUS (vm_srb.path_id) for
 * host reset; RESET_LUN and RESET_ADAPTER exist but Linux does not send
 * them.
 *
 * Rings: Linux's default storvsc_ringbuffer_size is 128 KiB per direction
 * (plus the 4 KiB control page); the largest host -> guest packet is a
 * 16-byte descriptor plus the 64-byte vstor_packet (STORVSC_MAX_PKT_SIZE).
 */
#ifndef _HVLIS_VSTOR_H
#define _HVLIS_VSTOR_H

#include <hvlis/hv_types.h>

/*
 * Protocol versions, major << 8 | minor (a u16 on the wire).
 * Values: drivers/scsi/storvsc_drv.c VMSTOR_PROTO_VERSION_* (6.12);
 * openvmm calls 6.0 VERSION_BLUE and 6.2 VERSION_THRESHOLD.
 */
#define VMSTOR_PROTO_VERSION(major, minor)				\
	((__u16)((((major) & 0xff) << 8) | ((minor) & 0xff)))
#define VMSTOR_PROTO_VERSION_WIN6	VMSTOR_PROTO_VERSION(2, 0)
#define VMSTOR_PROTO_VERSION_WIN7	VMSTOR_PROTO_VERSION(4, 2)
#define VMSTOR_PROTO_VERSION_WIN8	VMSTOR_PROTO_VERSION(5, 1)
#define VMSTOR_PROTO_VERSION_WIN8_1	VMSTOR_PROTO_VERSION(6, 0)
#define VMSTOR_PROTO_VERSION_WIN10	VMSTOR_PROTO_VERSION(6, 2)

/* Values: storvsc_drv.c enum vstor_packet_operation (6.12) */
enum vstor_packet_operation {
	VSTOR_OPERATION_COMPLETE_IO		= 1,	/* host: answer */
	VSTOR_OPERATION_REMOVE_DEVICE		= 2,	/* host: unsolicited */
	VSTOR_OPERATION_EXECUTE_SRB		= 3,
	VSTOR_OPERATION_RESET_LUN		= 4,
	VSTOR_OPERATION_RESET_ADAPTER		= 5,
	VSTOR_OPERATION_RESET_BUS		= 6,
	VSTOR_OPERATION_BEGIN_INITIALIZATION	= 7,
	VSTOR_OPERATION_END_INITIALIZATION	= 8,
	VSTOR_OPERATION_QUERY_PROTOCOL_VERSION	= 9,
	VSTOR_OPERATION_QUERY_PROPERTIES	= 10,
	VSTOR_OPERATION_ENUMERATE_BUS		= 11,	/* host: unsolicited */
	VSTOR_OPERATION_FCHBA_DATA		= 12,	/* both directions */
	VSTOR_OPERATION_CREATE_SUB_CHANNELS	= 13,
	/* openvmm only (Operation::EVENT_NOTIFICATION); Linux ignores it */
	VSTOR_OPERATION_EVENT_NOTIFICATION	= 14,
	VSTOR_OPERATION_MAXIMUM			= 14
};

/* vstor_packet.flags: the sender wants a COMPLETE_IO back (storvsc_drv.c) */
#define REQUEST_COMPLETION_FLAG			0x1

/*
 * vstor_packet.status: NT status codes.
 * Values: openvmm storvsp_protocol NtStatus.
 */
#define VSTOR_NTSTATUS_SUCCESS			0x00000000U
#define VSTOR_NTSTATUS_BUFFER_OVERFLOW		0x80000005U
#define VSTOR_NTSTATUS_DEVICE_BUSY		0x80000011U
#define VSTOR_NTSTATUS_UNSUCCESSFUL		0xC0000001U
#define VSTOR_NTSTATUS_INVALID_PARAMETER	0xC000000DU
#define VSTOR_NTSTATUS_INVALID_DEVICE_REQUEST	0xC0000010U
#define VSTOR_NTSTATUS_REVISION_MISMATCH	0xC0000059U /* version refused */
#define VSTOR_NTSTATUS_DEVICE_NOT_CONNECTED	0xC000009DU
#define VSTOR_NTSTATUS_IO_TIMEOUT		0xC00000B5U
#define VSTOR_NTSTATUS_DEVICE_DOES_NOT_EXIST	0xC00000C0U
#define VSTOR_NTSTATUS_CANCELLED		0xC0000120U
#define VSTOR_NTSTATUS_INVALID_DEVICE_STATE	0xC0000184U
#define VSTOR_NTSTATUS_IO_DEVICE_ERROR		0xC0000185U

/* Sizes: storvsc_drv.c STORVSC_* (6.12); PRE_WIN8 from Linux 4.19 */
#define STORVSC_MAX_CMD_LEN			0x10	/* CDB bytes */
#define STORVSC_SENSE_BUFFER_SIZE		0x14	/* WIN8 and later */
#define PRE_WIN8_STORVSC_SENSE_BUFFER_SIZE	0x12	/* WIN6, WIN7 */
#define STORVSC_MAX_BUF_LEN_WITH_PADDING	0x14	/* the cdb/sense union */

/*
 * The fields added with WIN8 at the end of vmscsi_request.
 * Layout: storvsc_drv.c struct vmscsi_win8_extension (Linux 4.19).
 */
struct vmscsi_win8_extension {
	__u16 reserve;
	__u8 queue_tag;			/* SP_UNTAGGED */
	__u8 queue_action;		/* SRB_SIMPLE_TAG_REQUEST */
	__u32 srb_flags;		/* SRB_FLAGS_* */
	__u32 time_out_value;		/* seconds */
	__u32 queue_sort_ey;		/* sic, upstream spelling; 0 */
} __packed;

/*
 * A SCSI request block, patterned on Windows' SCSI_PASS_THROUGH.  The
 * guest fills length, port/path/target/lun, cdb_length + cdb,
 * sense_info_length (the sense bytes it can take), data_in,
 * data_transfer_length and the extension; the host returns it with
 * srb_status, scsi_status, sense_info_length + sense_data (which overlay the
 * CDB) and data_transfer_length updated.
 * Layout: storvsc_drv.c struct vmscsi_request (6.12; there the WIN8 fields
 * are inline, in 4.19 the struct vmscsi_win8_extension used here).
 * openvmm names: reserved1 = port_number, sense_info_ex_length =
 * sense_info_length, properties = reserved.
 */
struct vmscsi_request {
	__u16 length;			/* VMSCSI_REQUEST_LEN_* */
	__u8 srb_status;		/* SRB_STATUS_*, host -> guest */
	__u8 scsi_status;		/* SAM status, host -> guest */

	__u8 port_number;		/* guest's choice; hosts ignore it */
	__u8 path_id;
	__u8 target_id;
	__u8 lun;

	__u8 cdb_length;
	__u8 sense_info_length;
	__u8 data_in;			/* VSTOR_*_TYPE */
	__u8 reserved;

	__u32 data_transfer_length;

	union {
		__u8 cdb[STORVSC_MAX_CMD_LEN];
		__u8 sense_data[STORVSC_SENSE_BUFFER_SIZE];
		__u8 reserved_array[STORVSC_MAX_BUF_LEN_WITH_PADDING];
	};

	/* absent before WIN8: see VMSCSI_REQUEST_LEN_PRE_WIN8 */
	struct vmscsi_win8_extension win8_extension;
} __packed;

/* vmscsi_request.length; openvmm SCSI_REQUEST_LEN_V1 / _V2 */
#define VMSCSI_REQUEST_LEN_PRE_WIN8	0x24
#define VMSCSI_REQUEST_LEN_WIN8		0x34

/*
 * vmscsi_request.data_in.  Values: storvsc_drv.c enum storvsc_request_type
 * (WRITE_TYPE, READ_TYPE, UNKNOWN_TYPE; 6.12), openvmm SCSI_IOCTL_DATA_*.
 * openvmm treats any non-zero value as "from the device".
 */
#define VSTOR_WRITE_TYPE		0	/* data out */
#define VSTOR_READ_TYPE			1	/* data in */
#define VSTOR_UNKNOWN_TYPE		2	/* no data */

/*
 * vmscsi_win8_extension.srb_flags: Windows SRB_FLAGS_*, the ones Linux
 * sets.  Values: storvsc_drv.c (6.12).
 */
#define SRB_FLAGS_QUEUE_ACTION_ENABLE		0x00000002
#define SRB_FLAGS_DISABLE_SYNCH_TRANSFER	0x00000008
#define SRB_FLAGS_DATA_IN			0x00000040
#define SRB_FLAGS_DATA_OUT			0x00000080
#define SRB_FLAGS_NO_DATA_TRANSFER		0x00000000
#define SRB_FLAGS_NO_QUEUE_FREEZE		0x00000100

/* queue_tag / queue_action values (storvsc_drv.c, 6.12) */
#define SP_UNTAGGED				0xff
#define SRB_SIMPLE_TAG_REQUEST			0x20

/*
 * vmscsi_request.srb_status: the top two bits are flags, the low six a
 * code.  Values: storvsc_drv.c SRB_STATUS_* (6.12).
 */
#define SRB_STATUS_AUTOSENSE_VALID	0x80	/* sense_data is valid */
#define SRB_STATUS_QUEUE_FROZEN		0x40
#define SRB_STATUS_FLAGS_MASK		(SRB_STATUS_AUTOSENSE_VALID |	\
					 SRB_STATUS_QUEUE_FROZEN)
#define SRB_STATUS_CODE_MASK		0x3f

#define SRB_STATUS_PENDING		0x00
#define SRB_STATUS_SUCCESS		0x01
#define SRB_STATUS_ABORTED		0x02
#define SRB_STATUS_ERROR		0x04
#define SRB_STATUS_INVALID_REQUEST	0x06
#define SRB_STATUS_NO_DEVICE		0x08	/* Windows srb.h */
#define SRB_STATUS_TIMEOUT		0x09
#define SRB_STATUS_SELECTION_TIMEOUT	0x0A
#define SRB_STATUS_BUS_RESET		0x0E
#define SRB_STATUS_DATA_OVERRUN		0x12	/* also underrun */
#define SRB_STATUS_INVALID_LUN		0x20	/* LUN is gone */
#define SRB_STATUS_INTERNAL_ERROR	0x30

/* The code part of an srb_status */
static inline __u8 vstor_srb_status_code(__u8 srb_status)
{
	return srb_status & SRB_STATUS_CODE_MASK;
}

/*
 * Answer to QUERY_PROPERTIES (and the userdata of the VMBus OPENCHANNEL,
 * which Linux sends zeroed).
 * Layout: storvsc_drv.c struct vmstorage_channel_properties (6.12).
 */
struct vmstorage_channel_properties {
	__u32 reserved;
	__u16 max_channel_cnt;		/* sub-channels the host can offer */
	__u16 reserved1;
	__u32 flags;			/* STORAGE_CHANNEL_* */
	__u32 max_transfer_bytes;	/* per request; Linux rounds down */
	__u64 reserved2;
} __packed;

/* vmstorage_channel_properties.flags (storvsc_drv.c, 6.12) */
#define STORAGE_CHANNEL_SUPPORTS_MULTI_CHANNEL	0x1

/*
 * QUERY_PROTOCOL_VERSION request.
 * Layout: storvsc_drv.c struct vmstorage_protocol_version (6.12).
 */
struct vmstorage_protocol_version {
	__u16 major_minor;		/* VMSTOR_PROTO_VERSION_* */
	__u16 revision;			/* Windows build revision; Linux: 0 */
} __packed;

/*
 * FCHBA_DATA: the active (primary or secondary) port and node WWNs, each
 * 8 bytes, most significant byte first (as wwn_to_u64() reads them).
 * Layout: storvsc_drv.c struct hv_fc_wwn_packet (6.12).
 */
struct hv_fc_wwn_packet {
	__u8 primary_active;		/* non-zero: use the primary pair */
	__u8 reserved1[3];
	__u8 primary_port_wwn[8];
	__u8 primary_node_wwn[8];
	__u8 secondary_port_wwn[8];
	__u8 secondary_node_wwn[8];
} __packed;

/*
 * The VMSTOR message.
 * Layout: storvsc_drv.c struct vstor_packet (6.12), operation as a u32
 * (upstream: the enum, 4 bytes in the x86_64/arm64 ABI).
 */
struct vstor_packet {
	__u32 operation;		/* enum vstor_packet_operation */
	__u32 flags;			/* REQUEST_COMPLETION_FLAG */
	__u32 status;			/* VSTOR_NTSTATUS_*, host -> guest */
	union {
		struct vmscsi_request vm_srb;		/* EXECUTE_SRB */
		struct vmstorage_channel_properties storage_channel_properties;
		struct vmstorage_protocol_version version;
		struct hv_fc_wwn_packet wwn_packet;	/* FCHBA_DATA */
		__u16 sub_channel_count;		/* CREATE_SUB_CHANNELS */
		__u8 buffer[0x34];			/* the largest member */
	};
} __packed;

/* Bytes of the fixed vstor_packet header (operation, flags, status) */
#define VSTOR_PACKET_HEADER_SIZE	12
/* Packet sizes on the wire per protocol version */
#define VSTOR_PACKET_SIZE_WIN8		64
#define VSTOR_PACKET_SIZE_PRE_WIN8					\
	(VSTOR_PACKET_SIZE_WIN8 - sizeof(struct vmscsi_win8_extension))

/* vstor_packet size (and vm_srb.length) for protocol @version */
static inline __u32 vstor_packet_size(__u16 version)
{
	return version >= VMSTOR_PROTO_VERSION_WIN8 ?
		VSTOR_PACKET_SIZE_WIN8 : VSTOR_PACKET_SIZE_PRE_WIN8;
}

/* Sense bytes a guest may ask for at protocol @version */
static inline __u8 vstor_sense_buffer_size(__u16 version)
{
	return version >= VMSTOR_PROTO_VERSION_WIN8 ?
		STORVSC_SENSE_BUFFER_SIZE : PRE_WIN8_STORVSC_SENSE_BUFFER_SIZE;
}

/*
 * IDE accelerator offers.  Two places name the emulated IDE disk a channel
 * stands for:
 *  - the offer's user-defined bytes (offer.u.std.user_def) start with this
 *    struct (old Windows guests read it; Layout: openvmm storvsp_protocol
 *    OfferProperties, flags OFFER_PROPERTIES_FLAG_IDE_DEVICE = 0x2 =
 *    upstream's STORAGE_CHANNEL_EMULATED_IDE_FLAG);
 *  - Linux ignores it and takes the SCSI target id from the instance GUID:
 *    target = dev_instance.b[5] << 8 | dev_instance.b[4] (the second GUID
 *    field, little-endian), LUN 0, channel 0 (storvsc_drv.c storvsc_probe,
 *    6.12).  A host should keep both consistent.
 */
struct vstor_offer_properties {
	__u16 reserved;
	__u8 path_id;
	__u8 target_id;
	__u32 reserved2;
	__u32 flags;			/* STORAGE_CHANNEL_*_FLAG */
	__u32 reserved3[3];
} __packed;

/* vstor_offer_properties.flags (storvsc_drv.c "Channel Property Flags") */
#define STORAGE_CHANNEL_REMOVABLE_FLAG		0x1
#define STORAGE_CHANNEL_EMULATED_IDE_FLAG	0x2

/* The IDE target id Linux derives from an IDE channel's instance GUID */
static inline __u16 vstor_ide_target_from_instance(const guid_t *instance)
{
	return (__u16)(instance->b[5] << 8 | instance->b[4]);
}

HVLIS_ASSERT_SIZE(struct vmscsi_win8_extension, 16);
HVLIS_ASSERT_SIZE(struct vmscsi_request, VMSCSI_REQUEST_LEN_WIN8);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, port_number, 4);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, cdb_length, 8);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, data_in, 10);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, data_transfer_length, 12);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, cdb, 16);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, sense_data, 16);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, win8_extension,
		    VMSCSI_REQUEST_LEN_PRE_WIN8);
HVLIS_ASSERT_OFFSET(struct vmscsi_request, win8_extension.srb_flags, 0x28);
HVLIS_ASSERT_SIZE(struct vmstorage_channel_properties, 24);
HVLIS_ASSERT_OFFSET(struct vmstorage_channel_properties, max_channel_cnt, 4);
HVLIS_ASSERT_OFFSET(struct vmstorage_channel_properties, flags, 8);
HVLIS_ASSERT_OFFSET(struct vmstorage_channel_properties,
		    max_transfer_bytes, 12);
HVLIS_ASSERT_SIZE(struct vmstorage_protocol_version, 4);
HVLIS_ASSERT_SIZE(struct hv_fc_wwn_packet, 36);
HVLIS_ASSERT_OFFSET(struct hv_fc_wwn_packet, primary_port_wwn, 4);
HVLIS_ASSERT_OFFSET(struct hv_fc_wwn_packet, secondary_node_wwn, 28);
HVLIS_ASSERT_SIZE(struct vstor_packet, VSTOR_PACKET_SIZE_WIN8);
HVLIS_ASSERT_OFFSET(struct vstor_packet, vm_srb, VSTOR_PACKET_HEADER_SIZE);
HVLIS_ASSERT_OFFSET(struct vstor_packet, sub_channel_count,
		    VSTOR_PACKET_HEADER_SIZE);
static_assert(VSTOR_PACKET_SIZE_PRE_WIN8 == 48, "pre-WIN8 packet size");
HVLIS_ASSERT_SIZE(struct vstor_offer_properties, 24);
HVLIS_ASSERT_OFFSET(struct vstor_offer_properties, target_id, 3);
HVLIS_ASSERT_OFFSET(struct vstor_offer_properties, flags, 8);

#endif /* _HVLIS_VSTOR_H */
