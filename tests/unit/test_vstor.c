// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space check of hvlis/vstor.h, the VMSTOR wire protocol shared by
 * hv_storvsc and hvsim's storvsp: it compiles outside the kernel (the
 * static_asserts run at build time) and a few sizes and values hold at
 * run time.  Prints TAP; exits 1 if any test fails.
 *
 * Build from the top of the tree with
 *   gcc -std=gnu11 -Wall -Wextra -Werror -Isrc/include <this file> -o <bin>
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvlis/hv_types.h>
#include <hvlis/vmbus_msg.h>
#include <hvlis/vmbus_ring.h>
#include <hvlis/guids.h>
#include <hvlis/vstor.h>

#include "tap.h"



static void test_versions(void)
{
	tap_ok(VMSTOR_PROTO_VERSION_WIN10 == 0x0602 &&
	      VMSTOR_PROTO_VERSION_WIN8_1 == 0x0600 &&
	      VMSTOR_PROTO_VERSION_WIN8 == 0x0501 &&
	      VMSTOR_PROTO_VERSION_WIN7 == 0x0402 &&
	      VMSTOR_PROTO_VERSION_WIN6 == 0x0200,
	      "protocol versions are major << 8 | minor");
	tap_ok(vstor_packet_size(VMSTOR_PROTO_VERSION_WIN10) == 64 &&
	      vstor_packet_size(VMSTOR_PROTO_VERSION_WIN8) == 64 &&
	      vstor_packet_size(VMSTOR_PROTO_VERSION_WIN7) == 48,
	      "packet is 64 bytes from WIN8, 48 before");
	tap_ok(vstor_sense_buffer_size(VMSTOR_PROTO_VERSION_WIN8_1) == 0x14 &&
	      vstor_sense_buffer_size(VMSTOR_PROTO_VERSION_WIN7) == 0x12,
	      "sense buffer is 0x14 bytes from WIN8, 0x12 before");
}

static void test_layout(void)
{
	struct vstor_packet p;
	const __u8 *raw = (const __u8 *)&p;

	memset(&p, 0, sizeof(p));
	p.operation = VSTOR_OPERATION_EXECUTE_SRB;
	p.flags = REQUEST_COMPLETION_FLAG;
	p.vm_srb.length = VMSCSI_REQUEST_LEN_WIN8;
	p.vm_srb.target_id = 1;
	p.vm_srb.lun = 2;
	p.vm_srb.data_in = VSTOR_READ_TYPE;
	p.vm_srb.data_transfer_length = 0x1000;
	p.vm_srb.cdb[0] = 0x28;
	p.vm_srb.win8_extension.srb_flags = SRB_FLAGS_DATA_IN;
	tap_ok(raw[0] == 3 && raw[4] == 1 && raw[12] == 0x34 &&
	      raw[18] == 1 && raw[19] == 2 && raw[22] == 1 &&
	      raw[25] == 0x10 && raw[28] == 0x28 && raw[52] == 0x40,
	      "EXECUTE_SRB fields land at the upstream byte offsets");
	tap_ok(p.vm_srb.sense_data[0] == 0x28,
	      "sense data overlays the CDB");

	memset(&p, 0, sizeof(p));
	p.sub_channel_count = 0x0203;
	tap_ok(raw[12] == 3 && raw[13] == 2,
	      "sub_channel_count follows the 12-byte header");

	memset(&p, 0, sizeof(p));
	p.storage_channel_properties.max_channel_cnt = 7;
	p.storage_channel_properties.flags =
		STORAGE_CHANNEL_SUPPORTS_MULTI_CHANNEL;
	p.storage_channel_properties.max_transfer_bytes = 0x200000;
	tap_ok(raw[16] == 7 && raw[20] == 1 && raw[26] == 0x20,
	      "channel properties: count at 4, flags at 8, max xfer at 12");

	memset(&p, 0, sizeof(p));
	p.wwn_packet.primary_active = 1;
	p.wwn_packet.secondary_node_wwn[7] = 0xee;
	tap_ok(raw[12] == 1 && raw[12 + 35] == 0xee,
	      "FC WWN packet is 36 bytes after the header");
}

static void test_values(void)
{
	tap_ok(SRB_STATUS_SUCCESS == 1 && SRB_STATUS_ERROR == 4 &&
	      SRB_STATUS_DATA_OVERRUN == 0x12 &&
	      SRB_STATUS_INVALID_LUN == 0x20,
	      "SRB status codes");
	tap_ok(vstor_srb_status_code(SRB_STATUS_AUTOSENSE_VALID |
				    SRB_STATUS_QUEUE_FROZEN |
				    SRB_STATUS_ERROR) == SRB_STATUS_ERROR,
	      "autosense and queue-frozen flags mask off");
	tap_ok(VSTOR_OPERATION_COMPLETE_IO == 1 &&
	      VSTOR_OPERATION_ENUMERATE_BUS == 11 &&
	      VSTOR_OPERATION_FCHBA_DATA == 12 &&
	      VSTOR_OPERATION_CREATE_SUB_CHANNELS == 13,
	      "operation codes");
	tap_ok(VSTOR_WRITE_TYPE == 0 && VSTOR_READ_TYPE == 1 &&
	      VSTOR_UNKNOWN_TYPE == 2, "data_in values");
	tap_ok(VSTOR_NTSTATUS_REVISION_MISMATCH == 0xC0000059U,
	      "version refusal status");
}

static void test_ide(void)
{
	/* a Hyper-V IDE instance: {00000000-0001-8899-0000-000000000000} */
	guid_t inst = GUID_INIT(0x00000000, 0x0001, 0x8899, 0, 0,
				0, 0, 0, 0, 0, 0);
	struct vstor_offer_properties props;
	struct vmbus_channel_offer offer;

	tap_ok(vstor_ide_target_from_instance(&inst) == 1,
	      "IDE target id is the instance GUID's second field");
	memset(&props, 0, sizeof(props));
	props.target_id = 1;
	props.flags = STORAGE_CHANNEL_EMULATED_IDE_FLAG;
	tap_ok(sizeof(props) <= sizeof(offer.u.std.user_def) &&
	      ((const __u8 *)&props)[3] == 1 &&
	      ((const __u8 *)&props)[8] == 2,
	      "IDE offer properties fit in the offer's user-defined bytes");
}

int main(void)
{
	test_versions();
	test_layout();
	test_values();
	test_ide();

	return tap_done();
}
