// SPDX-License-Identifier: GPL-2.0-only
/*
 * Image files as block devices for the SCSI target: raw images, sparse
 * or not, read-write or read-only, with 512- or 4096-byte logical blocks.
 *
 * I/O is synchronous (pread/pwrite in hvsim's event loop): simple, and
 * fast enough for tests.  A read past the end of the file (a file that
 * shrank under us) returns zeros; UNMAP punches holes with
 * fallocate(PUNCH_HOLE | KEEP_SIZE), so a sparse image gets its space
 * back and the blocks read as zeros afterwards, and falls back to writing
 * zeros where the file system cannot punch.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/fs.h>

#include "storage.h"

int blkimg_open(struct blkimg *b, const char *path, bool ro,
		unsigned int block_size, char *err, size_t errlen)
{
	struct stat st;
	uint64_t size;
	int fd;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	if (block_size != 512 && block_size != 4096) {
		snprintf(err, errlen, "block size %u: say 512 or 4096", block_size);
		return -1;
	}
	fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto bad;
		}
	} else {
		snprintf(err, errlen, "%s: not a regular file or block device", path);
		goto bad;
	}
	if (size < block_size) {
		snprintf(err, errlen, "%s: %llu bytes, less than one %u-byte block",
			 path, (unsigned long long)size, block_size);
		goto bad;
	}
	b->path = strdup(path);
	if (!b->path) {
		snprintf(err, errlen, "out of memory");
		goto bad;
	}
	b->fd = fd;
	b->ro = ro;
	b->lb_shift = block_size == 4096 ? 12 : 9;
	b->size = size;
	return 0;
bad:
	close(fd);
	return -1;
}

void blkimg_close(struct blkimg *b)
{
	if (b->fd >= 0)
		close(b->fd);
	free(b->path);
	b->fd = -1;
	b->path = NULL;
}

/* advance @iov/@n by @done bytes (they are ours: a copy) */
static void iov_advance(struct iovec **iov, int *n, size_t done)
{
	while (*n && done >= (*iov)->iov_len) {
		done -= (*iov)->iov_len;
		(*iov)++;
		(*n)--;
	}
	if (*n && done) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + done;
		(*iov)->iov_len -= done;
	}
}

#define IOV_BATCH	64

static int rw(struct blkimg *b, const struct iovec *iov0, int n, uint64_t off,
	      bool write)
{
	struct iovec batch[IOV_BATCH];

	if (b->fd < 0)
		return -EBADF;
	while (n > 0) {
		int k = n < IOV_BATCH ? n : IOV_BATCH, left = k;
		struct iovec *iov = batch;

		memcpy(batch, iov0, (size_t)k * sizeof(*iov0));
		while (left) {
			ssize_t r = write ? pwritev(b->fd, iov, left, (off_t)off) :
					    preadv(b->fd, iov, left, (off_t)off);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -errno;
			if (r == 0) {
				/* end of file: a read sees zeros, a write is stuck */
				if (write)
					return -ENOSPC;
				for (int i = 0; i < left; i++)
					memset(iov[i].iov_base, 0, iov[i].iov_len);
				r = 0;
				for (int i = 0; i < left; i++)
					r += (ssize_t)iov[i].iov_len;
			}
			off += (uint64_t)r;
			iov_advance(&iov, &left, (size_t)r);
		}
		iov0 += k;
		n -= k;
	}
	return 0;
}

int blkimg_readv(struct blkimg *b, const struct iovec *iov, int n,
		 uint64_t off)
{
	return rw(b, iov, n, off, false);
}

int blkimg_writev(struct blkimg *b, const struct iovec *iov, int n,
		  uint64_t off)
{
	if (b->ro)
		return -EROFS;
	return rw(b, iov, n, off, true);
}

int blkimg_flush(struct blkimg *b)
{
	if (b->fd < 0)
		return -EBADF;
	/* a read-only image has nothing of ours to flush */
	if (b->ro)
		return 0;
	return fdatasync(b->fd) ? -errno : 0;
}

int blkimg_zero(struct blkimg *b, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[65536];

	while (len) {
		struct iovec iov = {
			.iov_base = (void *)zeros,
			.iov_len = len < sizeof(zeros) ? len : sizeof(zeros),
		};
		int ret = blkimg_writev(b, &iov, 1, off);

		if (ret)
			return ret;
		off += iov.iov_len;
		len -= iov.iov_len;
	}
	return 0;
}

int blkimg_punch(struct blkimg *b, uint64_t off, uint64_t len)
{
	if (b->ro)
		return -EROFS;
	if (b->fd < 0)
		return -EBADF;
	if (!len)
		return 0;
	if (off > (uint64_t)LLONG_MAX || len > (uint64_t)LLONG_MAX - off)
		return -EINVAL;
	if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -errno;
	/* a file system (or block device) without holes: zeros will do */
	return blkimg_zero(b, off, len);
}

int blkimg_resize(struct blkimg *b, uint64_t bytes)
{
	struct stat st;

	if (b->fd < 0)
		return -EBADF;
	if (b->ro)
		return -EROFS;
	if (bytes < (1ull << b->lb_shift) || bytes & ((1ull << b->lb_shift) - 1) ||
	    bytes > (uint64_t)LLONG_MAX)
		return -EINVAL;
	if (fstat(b->fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOTSUP;
	if (ftruncate(b->fd, (off_t)bytes) < 0)
		return -errno;
	b->size = bytes;
	return 0;
}
