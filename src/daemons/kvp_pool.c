// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP pool files: format and locking in kvp_pool.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common.h"
#include "kvp_pool.h"

static int pool_reserve(struct kvp_pool *p, size_t n)
{
	struct kvp_record *r;
	size_t cap;

	if (n <= p->cap)
		return 0;
	cap = p->cap ? p->cap : 16;
	while (cap < n)
		cap *= 2;
	r = realloc(p->rec, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->rec = r;
	p->cap = cap;
	return 0;
}

int kvp_pool_parse(struct kvp_pool *p, const void *buf, size_t len)
{
	size_t n = len / KVP_RECORD_SIZE;

	if (pool_reserve(p, n))
		return -ENOMEM;
	if (n)
		memcpy(p->rec, buf, n * KVP_RECORD_SIZE);
	p->n = n;
	return 0;
}

/* keys compare as strings: the bytes up to the first NUL (or the end) */
static bool key_is(const struct kvp_record *r, const char *key, size_t klen)
{
	return strnlen(r->key, sizeof(r->key)) == klen &&
	       !memcmp(r->key, key, klen);
}

long kvp_pool_find(const struct kvp_pool *p, const char *key)
{
	size_t klen = strlen(key), i;

	for (i = 0; i < p->n; i++)
		if (key_is(&p->rec[i], key, klen))
			return i;
	return -1;
}

int kvp_pool_set(struct kvp_pool *p, const char *key, const char *value)
{
	long i = kvp_pool_find(p, key);
	struct kvp_record *r;

	if (i < 0) {
		if (pool_reserve(p, p->n + 1))
			return -ENOMEM;
		i = p->n++;
		r = &p->rec[i];
		memset(r->key, 0, sizeof(r->key));
		str_copy(r->key, sizeof(r->key), key);
	}
	r = &p->rec[i];
	/* NUL-padded, as upstream's files: no old bytes after the new value */
	memset(r->value, 0, sizeof(r->value));
	str_copy(r->value, sizeof(r->value), value);
	return 0;
}

bool kvp_pool_delete(struct kvp_pool *p, const char *key)
{
	long i = kvp_pool_find(p, key);

	if (i < 0)
		return false;
	memmove(&p->rec[i], &p->rec[i + 1], (p->n - i - 1) * sizeof(p->rec[0]));
	p->n--;
	return true;
}

void kvp_pool_get(const struct kvp_pool *p, size_t i,
		  char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE],
		  char value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE])
{
	const struct kvp_record *r = &p->rec[i];
	size_t k = strnlen(r->key, sizeof(r->key) - 1);
	size_t v = strnlen(r->value, sizeof(r->value) - 1);

	memcpy(key, r->key, k);
	key[k] = '\0';
	memcpy(value, r->value, v);
	value[v] = '\0';
}

void kvp_pool_free(struct kvp_pool *p)
{
	free(p->rec);
	p->rec = NULL;
	p->n = p->cap = 0;
	p->cached = false;
}

static int lock_file(int fd, bool write)
{
	struct flock fl = {
		.l_type = write ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,	/* l_start 0, l_len 0: the whole file */
	};

	/* cloud-init's flock() first, then upstream's record lock */
	while (flock(fd, write ? LOCK_EX : LOCK_SH))
		if (errno != EINTR)
			return -errno;
	while (fcntl(fd, F_SETLKW, &fl))
		if (errno != EINTR)
			return -errno;
	return 0;
}

static bool same_file(const struct kvp_pool *p, const struct stat *st)
{
	return p->cached && p->dev == st->st_dev && p->ino == st->st_ino &&
	       p->size == st->st_size &&
	       p->mtime.tv_sec == st->st_mtim.tv_sec &&
	       p->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static void remember(struct kvp_pool *p, const struct stat *st)
{
	p->cached = true;
	p->dev = st->st_dev;
	p->ino = st->st_ino;
	p->size = st->st_size;
	p->mtime = st->st_mtim;
}

static int reload(struct kvp_pool *p, int fd, const struct stat *st)
{
	size_t len = st->st_size, got = 0;
	ssize_t n = 0;
	char *buf;
	int ret;

	if (st->st_size < 0 || (unsigned long long)st->st_size > KVP_POOL_MAX_BYTES)
		return -EFBIG;
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	while (got < len) {
		n = pread(fd, buf + got, len - got, got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* shrank under us: what we have */
		got += n;
	}
	if (n < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	ret = kvp_pool_parse(p, buf, got);
	free(buf);
	if (!ret)
		remember(p, st);
	return ret;
}

int kvp_pool_open(struct kvp_pool *p, bool write)
{
	struct stat st;
	int fd, ret;

	fd = open(p->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	ret = lock_file(fd, write);
	if (!ret && fstat(fd, &st))
		ret = -errno;
	if (!ret && !S_ISREG(st.st_mode))
		ret = -EINVAL;
	if (!ret && !same_file(p, &st))
		ret = reload(p, fd, &st);
	if (ret) {
		p->cached = false;
		close(fd);
		return ret;
	}
	return fd;
}

int kvp_pool_store(struct kvp_pool *p, int fd)
{
	size_t len = p->n * KVP_RECORD_SIZE, done = 0;
	const char *buf = (const char *)p->rec;
	struct stat st;
	ssize_t n;

	/* over the old bytes, then cut: a reader never sees an empty file */
	while (done < len) {
		n = pwrite(fd, buf + done, len - done, done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += n;
	}
	if (ftruncate(fd, len) || fstat(fd, &st))
		goto fail;
	remember(p, &st);
	return 0;
fail:
	/* whatever is in the file now, it is not what we hold */
	p->cached = false;
	return errno ? -errno : -EIO;
}

void kvp_pool_close(int fd)
{
	close(fd);	/* drops the fcntl and flock locks */
}
