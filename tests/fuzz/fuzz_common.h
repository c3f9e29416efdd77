/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the daemons' libFuzzer targets: a private temporary
 * directory, removed at exit, and a reader of the fuzzer's bytes.
 */
#ifndef HV_FUZZ_COMMON_H
#define HV_FUZZ_COMMON_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[64];

static inline int fuzz_rm(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* remove everything under @dir (and @dir itself if @self) */
static inline void fuzz_rm_tree(const char *dir, int self)
{
	nftw(dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
	if (!self)
		mkdir(dir, 0755);
}

static inline void fuzz_cleanup(void)
{
	fuzz_rm_tree(fuzz_dir, 1);
}

static inline const char *fuzz_tmpdir(void)
{
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/hv_fuzz.XXXXXX");
	if (!mkdtemp(fuzz_dir)) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* the fuzzer's bytes, taken a field at a time (zeros past the end) */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);

	return lo | fuzz_u8(in) << 8;
}

/* up to @n bytes into @out; how many there were */
static inline size_t fuzz_bytes(struct fuzz_in *in, void *out, size_t n)
{
	if (n > in->left)
		n = in->left;
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return n;
}

#endif /* HV_FUZZ_COMMON_H */
