// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the file-copy daemon's message handler (fcopy.c)
 * over a sequence of messages, inside a temporary directory (fcopy's
 * root prefix: nothing outside it is touched).
 *
 * Input: up to 16 steps, each an operation byte:
 *  0 START: flags, name length, name, path length, path (made into a
 *    struct hv_start_fcopy, the strings NUL-terminated as the kernel
 *    sends them; ".." and such are the handler's to refuse);
 *  1 WRITE: offset (2 bytes, so files stay small), size (2 bytes, may
 *    exceed DATA_FRAGMENT), data;
 *  2 COMPLETE; 3 CANCEL;
 *  otherwise RAW: a length (2 bytes) and that many bytes as the message.
 * Checks: the status is a known one; after the sequence and a cancel
 * none of the temporary files the STARTs made is left.
 */
#include <hvlis/icmsg.h>

#include "common.h"
#include "fcopy.h"
#include "fuzz_common.h"

static struct fcopy c;
static const char *root;
static union {
	struct hv_fcopy_hdr hdr;
	struct hv_start_fcopy start;
	struct hv_do_fcopy data;
	uint8_t raw[sizeof(struct hv_do_fcopy)];
} m;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_quiet();
	root = fuzz_tmpdir();
	fcopy_init(&c, root);
	return 0;
}

/* the temporary files made by this input's STARTs */
static char temps[16][PATH_MAX + NAME_MAX + 2];
static int ntemps;

static void note_temp(void)
{
	char fdpath[64], dir[PATH_MAX];
	ssize_t n;

	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", c.dirfd);
	n = readlink(fdpath, dir, sizeof(dir) - 1);
	if (n <= 0 || ntemps == 16)
		abort();
	dir[n] = '\0';
	snprintf(temps[ntemps++], sizeof(temps[0]), "%s/%s", dir, c.tmp);
}

static void check_status(int s)
{
	if (s != HV_S_OK && s != (int)HV_E_FAIL && s != (int)HV_ERROR_ALREADY_EXISTS &&
	    s != (int)HV_ERROR_DISK_FULL && s != (int)HV_E_ACCESSDENIED)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t len, n;
	int i, op;

	for (i = 0; i < 16 && in.left; i++) {
		memset(&m, 0, sizeof(m));
		op = fuzz_u8(&in);
		switch (op) {
		case START_FILE_COPY:
			m.hdr.operation = op;
			m.start.copy_flags = fuzz_u8(&in);
			n = fuzz_u8(&in);
			fuzz_bytes(&in, m.start.file_name, n);
			n = fuzz_u8(&in);
			fuzz_bytes(&in, m.start.path_name, n);
			len = sizeof(m.start);
			break;
		case WRITE_TO_FILE:
			m.hdr.operation = op;
			m.data.offset = fuzz_u16(&in);
			m.data.size = fuzz_u16(&in);
			fuzz_bytes(&in, m.data.data, m.data.size % (DATA_FRAGMENT + 1));
			len = sizeof(m.data);
			break;
		case COMPLETE_FCOPY:
		case CANCEL_FCOPY:
			m.hdr.operation = op;
			len = sizeof(m.hdr);
			break;
		default:
			len = fuzz_bytes(&in, m.raw, fuzz_u16(&in) % (sizeof(m) + 1));
			break;
		}
		check_status(fcopy_handle(&c, &m, len));
		if (c.fd >= 0 && m.hdr.operation == START_FILE_COPY)
			note_temp();
	}
	fcopy_cancel(&c);
	for (i = 0; i < ntemps; i++)
		if (!access(temps[i], F_OK))
			abort();
	ntemps = 0;
	fuzz_rm_tree(root, 0);
	return 0;
}
