// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space check of the hvlis wire headers: they compile outside the
 * kernel (the static_asserts run at build time) and a few values hold at
 * run time.  Prints TAP; exits 1 if any test fails.
 *
 * Build from the top of the tree with
 *   gcc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       -Isrc/include <this file> -o <binary>
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvlis/hv_types.h>
#include <hvlis/synic.h>
#include <hvlis/vmbus_msg.h>
#include <hvlis/vmbus_ring.h>
#include <hvlis/guids.h>

#include "tap.h"
#include "../hvsim/lib/hex.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into the on-the-wire GUID
 * byte order, written independently of GUID_INIT: the first three groups
 * are stored byte-reversed (little-endian), the rest as written.
 */
static bool parse_guid(const char *s, guid_t *g)
{
	static const int byte_at[16] = {
		3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15
	};
	int i, n = 0;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; ) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return false;
			continue;
		}
		if (!hex_byte(s + i, &g->b[byte_at[n++]]))
			return false;
		i += 2;
	}
	return n == 16;
}

static bool guid_matches(const guid_t *g, const char *s)
{
	guid_t parsed;

	return parse_guid(s, &parsed) && !memcmp(g, &parsed, sizeof(parsed));
}

struct class_entry {
	const char *id;
	const char *name;
	guid_t guid;
	const char *desc;
};

#define CLASS_ENTRY(id, name, guid, desc) { #id, name, guid, desc },
static const struct class_entry classes[] = {
	HV_DEVICE_CLASSES(CLASS_ENTRY)
};

static void test_guids(void)
{
	guid_t g;
	size_t i, j;
	bool unique = true, named = true;

	g = HV_SCSI_GUID;
	tap_ok(guid_matches(&g, "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f"),
	      "HV_SCSI_GUID bytes match its string form");
	g = HV_NIC_GUID;
	tap_ok(guid_matches(&g, "f8615163-df3e-46c5-913f-f2d2f965ed0e"),
	      "HV_NIC_GUID bytes match its string form");
	tap_ok(g.b[0] == 0x63 && g.b[3] == 0xf8 && g.b[4] == 0x3e &&
	      g.b[8] == 0x91 && g.b[15] == 0x0e,
	      "GUID_INIT stores the first three fields little-endian");
	g = HV_SYNTHFC_GUID;
	tap_ok(guid_matches(&g, "2f9bcc4a-0069-4af3-b76b-6fd0be528cda"),
	      "HV_SYNTHFC_GUID bytes match its string form");
	g = HV_SOCK_SRV_ID_GUID(1234);
	tap_ok(guid_matches(&g, "000004d2-facb-11e6-bd58-64006a7986d3"),
	      "HV_SOCK_SRV_ID_GUID puts the vsock port in the first field");
	g = HVSIM_ECHO_GUID;
	tap_ok(guid_matches(&g, "424af1d1-b4b6-4ca5-9423-cde96f24e12f") &&
	      (g.b[7] >> 4) == 4 && (g.b[8] & 0xc0) == 0x80,
	      "HVSIM_ECHO_GUID is the generated random (v4) GUID");

	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		if (!classes[i].name[0] || !classes[i].desc[0])
			named = false;
		for (j = i + 1; j < ARRAY_SIZE(classes); j++)
			if (!memcmp(&classes[i].guid, &classes[j].guid,
				    sizeof(guid_t)) ||
			    !strcmp(classes[i].name, classes[j].name))
				unique = false;
	}
	tap_ok(ARRAY_SIZE(classes) == 21,
	      "HV_DEVICE_CLASSES lists 20 upstream classes + hvsim echo");
	tap_ok(unique, "class GUIDs and short names are unique");
	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (!strcmp(classes[i].id, "SCSI"))
			break;
	tap_ok(i < ARRAY_SIZE(classes) &&
	      guid_matches(&classes[i].guid,
			   "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f") &&
	      !strcmp(classes[i].desc, "Synthetic SCSI Controller"),
	      "table row SCSI has the SCSI GUID and lsvmbus name");
	tap_ok(named, "every class has a name and a description");
}

static void test_messages(void)
{
	struct vmbus_channel_offer_channel offer;
	struct vmbus_channel_initiate_contact ic;
	const __u8 *raw;

	tap_ok(VMBUS_GPADL_HEADER_MAX_PFNS == 26,
	      "26 PFNs fit in a GPADL header message");
	tap_ok(VMBUS_GPADL_BODY_MAX_PFNS == 28,
	      "28 PFNs fit in a GPADL body message");
	tap_ok(sizeof(struct vmbus_channel_gpadl_header) +
	      sizeof(struct gpa_range) + 26 * 8 <= HV_MESSAGE_PAYLOAD_BYTE_COUNT &&
	      sizeof(struct vmbus_channel_gpadl_header) +
	      sizeof(struct gpa_range) + 27 * 8 > HV_MESSAGE_PAYLOAD_BYTE_COUNT,
	      "a 27th PFN would overflow the GPADL header message");

	memset(&offer, 0, sizeof(offer));
	offer.monitor_allocated = 1;
	offer.is_dedicated_interrupt = 1;
	raw = (const __u8 *)&offer;
	tap_ok(raw[189] == 0x01 && raw[190] == 0x01 && raw[191] == 0,
	      "offer bitfields land on bit 0 of bytes 189 and 190");

	memset(&ic, 0, sizeof(ic));
	ic.msg_sint = VMBUS_MESSAGE_SINT;
	ic.msg_vtl = 0;
	ic.feature_flags = VMBUS_FEATURE_CLIENT_ID;
	tap_ok(ic.interrupt_page == (2ULL | (__u64)VMBUS_FEATURE_CLIENT_ID << 32),
	      "initiate contact: sint/vtl/features overlay interrupt_page");

	tap_ok(vmbus_initiate_contact_conn_id(VERSION_WIN10_V4_1) == 1 &&
	      vmbus_initiate_contact_conn_id(VERSION_WIN10_V5) == 4 &&
	      vmbus_initiate_contact_conn_id(VERSION_WIN10_V5_3) == 4,
	      "INITIATE_CONTACT connection id: 1 before 5.0, 4 from 5.0");
	tap_ok(VMBUS_VERSION_MAJOR(VERSION_WIN8) == 2 &&
	      VMBUS_VERSION_MINOR(VERSION_WIN8) == 4,
	      "version major/minor split");
}

static void test_synic(void)
{
	struct hv_message msg;
	union hv_synic_event_flags ev;

	memset(&msg, 0, sizeof(msg));
	msg.header.message_flags.msg_pending = 1;
	tap_ok(((const __u8 *)&msg)[5] == HV_MESSAGE_FLAG_MSG_PENDING,
	      "msg_pending is bit 0 of byte 5 of the message");

	memset(&ev, 0, sizeof(ev));
	ev.flags8[1] = 0x04;	/* relid 10 */
	tap_ok(ev.flags[0] == 1UL << 10 && ev.flags32[0] == 1U << 10,
	      "event flag views agree on relid 10");

	tap_ok(hv_signal_event_input(0x2a, 0) == 0x2a &&
	      hv_signal_event_input(0x2a, 3) == (3ULL << 32 | 0x2a),
	      "signal event fast input: connection id low, flag high");
}

static void test_ring(void)
{
	struct hv_ring_buffer *rb;
	struct vmpacket_descriptor d = { .offset8 = 2, .len8 = 5 };

	tap_ok(vmbus_pkt_align(0) == 0 && vmbus_pkt_align(1) == 8 &&
	      vmbus_pkt_align(8) == 8 && vmbus_pkt_align(9) == 16,
	      "packets are padded to 8 bytes");
	tap_ok(vmbus_pkt_ring_bytes(sizeof(struct vmpacket_descriptor) + 5) == 32,
	      "16-byte descriptor + 5 bytes takes 24 + 8-byte trailer");
	tap_ok(vmbus_pkt_trailer(0x1230) == 0x0000123000000000ULL,
	      "trailer holds the start offset in its upper half");
	tap_ok(vmpacket_data_offset(&d) == 16 && vmpacket_total_len(&d) == 40 &&
	      vmpacket_data_len(&d) == 24,
	      "descriptor offset8/len8 decode to bytes");
	tap_ok(vmbus_ring_bytes_to_read(100, 100, 4096) == 0 &&
	      vmbus_ring_bytes_to_write(100, 100, 4096) == 4096 &&
	      vmbus_ring_bytes_to_read(4000, 50, 4096) == 146 &&
	      vmbus_ring_bytes_to_write(4000, 50, 4096) == 3950,
	      "ring free/used bytes, including wrap-around");

	rb = calloc(1, sizeof(*rb) + 4096);
	if (!rb) {
		tap_ok(false, "allocate a ring");
		return;
	}
	rb->feature_bits.feat_pending_send_sz = 1;
	rb->buffer[0] = 0xab;
	tap_ok(rb->feature_bits.value == VMBUS_RING_FEAT_PENDING_SEND_SZ &&
	      ((const __u8 *)rb)[4096] == 0xab,
	      "feat_pending_send_sz is bit 0; data starts at 4 KiB");
	free(rb);
}

int main(void)
{
	test_guids();
	test_messages();
	test_synic();
	test_ring();

	return tap_done();
}
