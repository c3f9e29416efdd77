// SPDX-License-Identifier: GPL-2.0-only
/*
 * The file-copy message handler: fcopy.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hvlis/icmsg.h>

#include "common.h"
#include "fcopy.h"

static int errno_status(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return HV_ERROR_DISK_FULL;
	case EACCES:
	case EPERM:
	case EROFS:
		return HV_E_ACCESSDENIED;
	default:
		return HV_E_FAIL;
	}
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool fcopy_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n <= NAME_MAX && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && printable(name);
}

bool fcopy_path_ok(const char *path)
{
	const char *p = path;
	size_t n;

	if (path[0] != '/' || strlen(path) >= PATH_MAX || !printable(path))
		return false;
	while (*p) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n + (p[n] == '/');
	}
	return true;
}

void fcopy_init(struct fcopy *c, const char *root)
{
	memset(c, 0, sizeof(*c));
	c->root = root;
	c->dirfd = c->fd = -1;
}

void fcopy_cancel(struct fcopy *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		unlinkat(c->dirfd, c->tmp, 0);
	}
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->fd = c->dirfd = -1;
}

/* mkdir -p of @dir (absolute), 0755: 0 or an errno */
static int make_path(char *dir)
{
	char *p = dir + 1, save;
	size_t n;

	while (*p) {
		n = strcspn(p, "/");
		save = p[n];
		p[n] = '\0';
		if (n && mkdir(dir, 0755) && errno != EEXIST) {
			p[n] = save;
			return errno;
		}
		p[n] = save;
		p += n + (save == '/');
	}
	return 0;
}

/* the NUL-terminated UTF-8 string in a __u16[W_MAX_PATH] field, or NULL */
static const char *field_str(const void *base, size_t off)
{
	const char *s = (const char *)base + off;

	return str_in(s, W_MAX_PATH * 2) >= 0 ? s : NULL;
}

static int fcopy_start(struct fcopy *c, const struct hv_start_fcopy *m)
{
	const char *name = field_str(m, offsetof(struct hv_start_fcopy, file_name));
	const char *path = field_str(m, offsetof(struct hv_start_fcopy, path_name));
	char dir[PATH_MAX];
	struct stat st;
	int err, i;

	fcopy_cancel(c);
	if (!name || !path || !fcopy_name_ok(name) || !fcopy_path_ok(path)) {
		log_msg(LOG_ERR, "start: a bad file or path name from the host");
		return HV_E_FAIL;
	}
	if (snprintf(dir, sizeof(dir), "%s%s", c->root, path) >= (int)sizeof(dir))
		return HV_E_FAIL;
	if (m->copy_flags & CREATE_PATH) {
		err = make_path(dir);
		if (err) {
			log_msg(LOG_ERR, "start: cannot create %s: %s", dir, strerror(err));
			return errno_status(err);
		}
	}
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0) {
		err = errno;
		log_msg(LOG_ERR, "start: %s: %s", dir, strerror(err));
		return errno_status(err);
	}
	c->overwrite = m->copy_flags & OVER_WRITE;
	str_copy(c->name, sizeof(c->name), name);
	if (!fstatat(c->dirfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (!c->overwrite || S_ISDIR(st.st_mode)) {
			fcopy_cancel(c);
			log_msg(LOG_INFO, "start: %s/%s exists", dir, name);
			return c->overwrite ? HV_E_FAIL : HV_ERROR_ALREADY_EXISTS;
		}
	}
	for (i = 0; i < 100; i++) {
		/* unique enough: O_EXCL tells us when it is not */
		snprintf(c->tmp, sizeof(c->tmp), ".%.200s.hv_fcopy.%06x", name,
			 (unsigned int)(getpid() * 2654435761u ^ time(NULL) ^
					c->seq++ * 40503u) & 0xffffff);
		c->fd = openat(c->dirfd, c->tmp, O_WRONLY | O_CREAT | O_EXCL |
			       O_NOFOLLOW | O_CLOEXEC, 0744);
		if (c->fd >= 0 || errno != EEXIST)
			break;
	}
	if (c->fd < 0) {
		err = errno;
		fcopy_cancel(c);
		log_msg(LOG_ERR, "start: cannot create a file in %s: %s", dir,
			strerror(err));
		return errno_status(err);
	}
	log_msg(LOG_INFO, "copying to %s/%s", dir, name);
	return HV_S_OK;
}

static int write_data(struct fcopy *c, const struct hv_do_fcopy *m, size_t len)
{
	size_t done = 0, size = m->size;
	__u64 off = m->offset;
	ssize_t n;
	int err;

	if (c->fd < 0 || size > DATA_FRAGMENT ||
	    size > len - offsetof(struct hv_do_fcopy, data) ||
	    off > (__u64)INT64_MAX - size) {
		log_msg(LOG_ERR, "write: %s", c->fd < 0 ? "no copy under way" :
			"a bad size or offset");
		return HV_E_FAIL;
	}
	while (done < size) {
		n = pwrite(c->fd, m->data + done, size - done, off + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			log_msg(LOG_ERR, "write to %s: %s", c->name, strerror(err));
			return errno_status(err);
		}
		done += n;
	}
	return HV_S_OK;
}

static int fcopy_complete(struct fcopy *c)
{
	int ret, err = 0;

	if (c->fd < 0) {
		log_msg(LOG_ERR, "complete: no copy under way");
		return HV_E_FAIL;
	}
	if (fsync(c->fd))
		err = errno;
	if (close(c->fd) && !err)
		err = errno;
	c->fd = -1;
	if (!err && c->overwrite) {
		if (renameat(c->dirfd, c->tmp, c->dirfd, c->name))
			err = errno;
	} else if (!err) {
		ret = renameat2(c->dirfd, c->tmp, c->dirfd, c->name, RENAME_NOREPLACE);
		if (ret && errno == EINVAL) {
			/* no RENAME_NOREPLACE here: link() does not replace either */
			ret = linkat(c->dirfd, c->tmp, c->dirfd, c->name, 0);
			if (!ret)
				unlinkat(c->dirfd, c->tmp, 0);
		}
		if (ret)
			err = errno;
	}
	if (err) {
		unlinkat(c->dirfd, c->tmp, 0);
		close(c->dirfd);
		c->dirfd = -1;
		log_msg(LOG_ERR, "complete: %s: %s", c->name, strerror(err));
		return err == EEXIST ? (int)HV_ERROR_ALREADY_EXISTS : errno_status(err);
	}
	fsync(c->dirfd);	/* the new name on disk too */
	close(c->dirfd);
	c->dirfd = -1;
	log_msg(LOG_INFO, "copied %s", c->name);
	return HV_S_OK;
}

int fcopy_handle(struct fcopy *c, const void *buf, size_t len)
{
	const struct hv_fcopy_hdr *h = buf;

	if (len < sizeof(*h)) {
		log_msg(LOG_ERR, "a %zu-byte message", len);
		return HV_E_FAIL;
	}
	switch (h->operation) {
	case START_FILE_COPY:
		if (len < sizeof(struct hv_start_fcopy))
			break;
		return fcopy_start(c, buf);
	case WRITE_TO_FILE:
		if (len < offsetof(struct hv_do_fcopy, data))
			break;
		return write_data(c, buf, len);
	case COMPLETE_FCOPY:
		return fcopy_complete(c);
	case CANCEL_FCOPY:
		if (c->fd >= 0)
			log_msg(LOG_INFO, "cancelled %s", c->name);
		fcopy_cancel(c);
		return HV_S_OK;
	default:
		log_msg(LOG_ERR, "unknown operation %u", h->operation);
		return HV_E_FAIL;
	}
	log_msg(LOG_ERR, "a %zu-byte message for operation %u", len, h->operation);
	return HV_E_FAIL;
}
