/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * File copy, the "guest services" IC (HV_FCOPY_GUID): Copy-VMFile on the
 * host sends a file to the guest in pieces.  The same structs go to the
 * file-copy daemon through /dev/vmbus/hv_fcopy, with the two paths of
 * START_FILE_COPY converted from UTF-16LE to NUL-terminated UTF-8.
 *
 * Source: include/uapi/linux/hyperv.h (Linux 6.12): struct hv_fcopy_hdr,
 * hv_start_fcopy, hv_do_fcopy, enum hv_fcopy_op, OVER_WRITE, CREATE_PATH,
 * W_MAX_PATH, DATA_FRAGMENT, FCOPY_VERSION_0/1; drivers/hv/hv_fcopy.c of
 * Linux 6.1 (removed from the kernel in 6.10 for a uio daemon): service
 * version 1.1, framework 3.0 only, the daemon handshake and the 30 s
 * answer timeout.  The distributions' hv_fcopy_daemon is built against
 * that header: an ABI.
 *
 * Host view: START_FILE_COPY (name, directory, flags, size), then
 * WRITE_TO_FILE pieces of at most DATA_FRAGMENT bytes at increasing
 * offsets, then COMPLETE_FCOPY; CANCEL_FCOPY abandons the file.  Each is
 * answered with a status (HV_S_OK, HV_E_FAIL, HV_ERROR_ALREADY_EXISTS,
 * HV_ERROR_DISK_FULL, ...).
 * Daemon view: it writes an int, its version (FCOPY_VERSION_1); the
 * kernel answers with a bare __u32 FCOPY_CURRENT_VERSION.  Then each
 * request is one read (struct hv_start_fcopy for START, struct
 * hv_do_fcopy for WRITE, struct hv_fcopy_hdr otherwise) and one write of
 * an int, the status.
 */
#ifndef _HVLIS_FCOPY_H
#define _HVLIS_FCOPY_H

#include <hvlis/hv_types.h>

#define FCOPY_VERSION_0		0
#define FCOPY_VERSION_1		1
#define FCOPY_CURRENT_VERSION	FCOPY_VERSION_1
#define W_MAX_PATH		260	/* in characters, with the NUL */

enum hv_fcopy_op {
	START_FILE_COPY = 0,
	WRITE_TO_FILE,
	COMPLETE_FCOPY,
	CANCEL_FCOPY,
};

struct hv_fcopy_hdr {
	__u32 operation;
	__u8 service_id0[16];	/* unused */
	__u8 service_id1[16];	/* unused */
} __packed;

/* copy_flags */
#define OVER_WRITE	0x1
#define CREATE_PATH	0x2

struct hv_start_fcopy {
	struct hv_fcopy_hdr hdr;
	__u16 file_name[W_MAX_PATH];
	__u16 path_name[W_MAX_PATH];
	__u32 copy_flags;
	__u64 file_size;
} __packed;

#define DATA_FRAGMENT	(6 * 1024)

struct hv_do_fcopy {
	struct hv_fcopy_hdr hdr;
	__u32 pad;
	__u64 offset;
	__u32 size;
	__u8 data[DATA_FRAGMENT];
} __packed;

static_assert(sizeof(struct hv_fcopy_hdr) == 36);
static_assert(sizeof(struct hv_start_fcopy) == 1088);
static_assert(sizeof(struct hv_do_fcopy) == 6196);

#endif /* _HVLIS_FCOPY_H */
