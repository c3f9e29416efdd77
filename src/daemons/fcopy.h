/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file-copy daemon's message handler (the host's Copy-VMFile): no
 * device I/O, so that it can be fuzzed (tests/fuzz/fuzz_fcopy.c) and
 * tested.  Protocol in hvlis/fcopy.h; what each step does:
 *  - START_FILE_COPY: path_name must be absolute, file_name a plain name
 *    (no '/', not "." or "..", no control characters), neither with a
 *    ".." component; CREATE_PATH makes the missing directories (0755),
 *    else a missing one fails; an existing file fails with
 *    HV_ERROR_ALREADY_EXISTS unless OVER_WRITE.  The data goes to a new
 *    temporary file ".NAME.hv_fcopy.XXXXXX" in that directory (mode 0744,
 *    upstream's), never through a symlink;
 *  - WRITE_TO_FILE: at most DATA_FRAGMENT bytes at the offset;
 *  - COMPLETE_FCOPY: fsync, then rename() over the name (without
 *    OVER_WRITE: only if the name is still free), so that a cancelled or
 *    failed copy leaves no partial file behind;
 *  - CANCEL_FCOPY: the temporary file is removed.
 * Status codes: HV_ERROR_DISK_FULL for ENOSPC and EDQUOT (upstream's for
 * ENOSPC), HV_E_ACCESSDENIED for EACCES, EPERM and EROFS (upstream says
 * HV_E_FAIL; E_ACCESSDENIED is the HRESULT Windows has for them, and the
 * host shows it to the user), HV_E_FAIL for anything else.
 */
#ifndef HV_DAEMONS_FCOPY_H
#define HV_DAEMONS_FCOPY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <hvlis/fcopy.h>

struct fcopy {
	const char *root;	/* prefixed to every path: "" but in tests */
	int dirfd, fd;		/* -1 unless a copy is under way */
	char name[NAME_MAX + 1];
	char tmp[NAME_MAX + 1];
	bool overwrite;
	unsigned int seq;
};

void fcopy_init(struct fcopy *c, const char *root);
/* one message as read from the device (@len bytes); the status */
int fcopy_handle(struct fcopy *c, const void *buf, size_t len);
/* abandon a copy under way (the device went away, or a new START) */
void fcopy_cancel(struct fcopy *c);

/* the checks START applies to its two strings */
bool fcopy_name_ok(const char *name);
bool fcopy_path_ok(const char *path);

#endif /* HV_DAEMONS_FCOPY_H */
