// SPDX-License-Identifier: GPL-2.0-only
/*
 * Freezing and thawing the guest's file systems for a host backup, and
 * the watchdog that thaws them if the THAW never comes.
 *
 * Which: every superblock, once (by the major:minor of mountinfo; a
 * bind mount or a second btrfs subvolume is the same one), that
 * mnt_freezable() accepts and that is not on a loop device (its backing
 * file may be on a file system frozen before it: upstream skips them
 * too, tools/hv/hv_vss_daemon.c is_dev_loop()).  Children before
 * parents, and "/" last, as upstream, so that we can still reach every
 * mount point.  Each is opened before anything is frozen, and frozen and
 * thawed through that descriptor.
 *
 * While anything is frozen nothing here may write to a file system: log
 * lines are held (log_hold()), and we neither allocate files nor exec.
 * FIFREEZE failing with EBUSY means someone else froze it (or it is a
 * superblock we already froze under another name): not ours to thaw.
 *
 * The watchdog is a child forked before the first FIFREEZE.  It holds
 * the read end of a pipe on which the parent writes the index of each
 * file system it froze and -1 once it has thawed them; if -1 does not
 * come within the timeout, or the pipe reaches EOF without it (the
 * parent died), the child thaws what the parent froze and exits.  It
 * ignores SIGTERM (systemd stops the whole cgroup) until then, and logs
 * (syslog) only after the thaw.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vss.h"

#define WD_THAWED	0	/* exit status: the parent thawed */
#define WD_TIMEOUT	2	/* we thawed: no THAW in time */
#define WD_ORPHAN	3	/* we thawed: the parent went away */

/* the next space-separated field of *@s, terminated; NULL at the end */
static char *field(char **s)
{
	char *f = *s, *sp;

	if (!f || !*f)
		return NULL;
	sp = strchr(f, ' ');
	if (sp) {
		*sp = '\0';
		*s = sp + 1;
	} else {
		*s = f + strlen(f);
	}
	return f;
}

/* mountinfo's \ooo escapes (space, tab, newline, backslash), in place */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

bool mountinfo_parse(char *line, struct mnt_entry *e)
{
	char *s = line, *f[6], *dev, *end;
	unsigned long maj, min;
	int i;

	line[strcspn(line, "\n")] = '\0';
	/* id, parent, major:minor, root, mount point, mount options */
	for (i = 0; i < 6; i++) {
		f[i] = field(&s);
		if (!f[i])
			return false;
	}
	/* optional fields up to "-" */
	do {
		dev = field(&s);
		if (!dev)
			return false;
	} while (strcmp(dev, "-"));
	e->fstype = field(&s);
	e->source = field(&s);
	e->super_opts = field(&s);
	if (!e->fstype || !e->source || !e->super_opts)
		return false;
	errno = 0;
	maj = strtoul(f[2], &end, 10);
	if (*end != ':' || end == f[2])
		return false;
	min = strtoul(end + 1, &end, 10);
	if (*end || errno || maj > 0xfff || min > 0xfffff)
		return false;
	e->major = maj;
	e->minor = min;
	e->mount_point = f[4];
	e->mount_opts = f[5];
	unescape(e->mount_point);
	unescape(e->source);
	return e->mount_point[0] == '/';
}

/* "ro" among the comma-separated @opts */
static bool has_ro(const char *opts)
{
	size_t n;

	while (*opts) {
		n = strcspn(opts, ",");
		if (n == 2 && !strncmp(opts, "ro", 2))
			return true;
		opts += n + (opts[n] == ',');
	}
	return false;
}

bool mnt_freezable(const struct mnt_entry *e)
{
	return strncmp(e->source, "/dev/", 5) == 0 &&
	       !has_ro(e->mount_opts) && !has_ro(e->super_opts) &&
	       strcmp(e->fstype, "vfat") && strncmp(e->fstype, "fuse", 4);
}

/* whether the block device at @sys (/sys/dev/block/M:m) is or sits on a loop */
static bool on_loop(const char *sys, int depth)
{
	char path[512];
	struct dirent *d;
	bool loop = false;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/loop", sys);
	if (!access(path, F_OK))
		return true;
	if (depth > 8)
		return false;
	snprintf(path, sizeof(path), "%s/slaves", sys);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!loop && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/slaves/%s", sys, d->d_name);
		loop = on_loop(path, depth + 1);
	}
	closedir(dir);
	return loop;
}

static bool source_on_loop(const char *source)
{
	char sys[64];
	struct stat st;

	if (stat(source, &st) || !S_ISBLK(st.st_mode))
		return false;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	return on_loop(sys, 0);
}

static void forget(struct vss_freezer *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->fs[i].fd >= 0)
			close(f->fs[i].fd);
		free(f->fs[i].path);
	}
	free(f->fs);
	f->fs = NULL;
	f->n = 0;
}

static int add_fs(struct vss_freezer *f, const struct mnt_entry *e, size_t *cap)
{
	struct vss_fs *fs;
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->fs[i].major != e->major || f->fs[i].minor != e->minor)
			continue;
		/* the same superblock: reach it as "/" if that is one name */
		if (!strcmp(e->mount_point, "/")) {
			free(f->fs[i].path);
			f->fs[i].path = strdup("/");
			if (!f->fs[i].path)
				return -ENOMEM;
		}
		return 0;
	}
	if (f->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		fs = realloc(f->fs, *cap * sizeof(*fs));
		if (!fs)
			return -ENOMEM;
		f->fs = fs;
	}
	fs = &f->fs[f->n];
	fs->path = strdup(e->mount_point);
	if (!fs->path)
		return -ENOMEM;
	fs->major = e->major;
	fs->minor = e->minor;
	fs->fd = -1;
	fs->frozen = false;
	f->n++;
	return 0;
}

/* the file systems to freeze, in freezing order, each opened */
static int collect(struct vss_freezer *f)
{
	struct mnt_entry e;
	char *line = NULL;
	size_t len = 0, cap = 0, i, j;
	struct vss_fs tmp;
	int ret = 0;
	FILE *mi;

	mi = fopen(f->mountinfo, "re");
	if (!mi)
		return -errno;
	while (!ret && getline(&line, &len, mi) > 0) {
		if (!mountinfo_parse(line, &e) || !mnt_freezable(&e) ||
		    source_on_loop(e.source))
			continue;
		ret = add_fs(f, &e, &cap);
	}
	free(line);
	fclose(mi);
	if (ret)
		return ret;
	/* mountinfo lists parents first: reverse, then "/" to the end */
	for (i = 0; i < f->n / 2; i++) {
		tmp = f->fs[i];
		f->fs[i] = f->fs[f->n - 1 - i];
		f->fs[f->n - 1 - i] = tmp;
	}
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->fs[i].path, "/"))
			continue;
		tmp = f->fs[i];
		for (j = i; j + 1 < f->n; j++)
			f->fs[j] = f->fs[j + 1];
		f->fs[f->n - 1] = tmp;
		break;
	}
	for (i = 0; i < f->n; i++) {
		f->fs[i].fd = open(f->fs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (f->fs[i].fd < 0) {
			ret = -errno;
			log_msg(LOG_ERR, "cannot open %s: %s", f->fs[i].path,
				strerror(errno));
			return ret;
		}
	}
	return 0;
}

/* thaw what we froze, last frozen first; the first error other than EINVAL */
static int thaw_frozen(struct vss_fs *fs, size_t n)
{
	int ret = 0;

	while (n--) {
		if (!fs[n].frozen)
			continue;
		if (ioctl(fs[n].fd, FITHAW, 0) && errno != EINVAL && !ret)
			ret = -errno;
		fs[n].frozen = false;
	}
	return ret;
}

static bool is_fs_fd(const struct vss_freezer *f, int fd)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->fs[i].fd == fd)
			return true;
	return false;
}

/* what systemd and others send a service's processes: thaw first */
static const int wd_ignored[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2
};

static __noreturn void watchdog_run(struct vss_freezer *f, int rfd)
{
	long long deadline = now_ms() + f->timeout * 1000LL;
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	struct rlimit rl;
	int fd, idx, status, left;
	size_t i, nfrozen;
	ssize_t n;

	for (i = 0; i < ARRAY_SIZE(wd_ignored); i++)
		signal(wd_ignored[i], SIG_IGN);
	/* not the device, nor anything else of the parent's but the file systems */
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (fd = 0; fd < (int)rl.rlim_cur; fd++)
		if (fd != rfd && !is_fs_fd(f, fd))
			close(fd);
	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			status = WD_TIMEOUT;
			break;
		}
		if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
			status = WD_ORPHAN;
			break;
		}
		if (!pfd.revents)
			continue;
		n = read(rfd, &idx, sizeof(idx));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(idx)) {
			status = WD_ORPHAN;
			break;
		}
		if (idx == -1)
			_exit(WD_THAWED);
		if (idx >= 0 && (size_t)idx < f->n)
			f->fs[idx].frozen = true;
	}
	for (i = nfrozen = 0; i < f->n; i++)
		nfrozen += f->fs[i].frozen;
	thaw_frozen(f->fs, f->n);
	/* thawed: now it may log */
	openlog("hv_vss_daemon", LOG_PID, LOG_DAEMON);
	syslog(LOG_WARNING, "watchdog: thawed %zu file systems: %s", nfrozen,
	       status == WD_TIMEOUT ? "no THAW came in time" : "the daemon went away");
	_exit(status);
}

static int start_watchdog(struct vss_freezer *f)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	f->watchdog = fork();
	if (f->watchdog < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (f->watchdog == 0)
		watchdog_run(f, p[0]);
	close(p[0]);
	f->wd_pipe = p[1];
	return 0;
}

/* tell the watchdog all is thawed and reap it; whether it had to thaw */
static bool stop_watchdog(struct vss_freezer *f)
{
	int done = -1, status;
	ssize_t n;

	if (!f->watchdog)
		return true;

	do {
		n = write(f->wd_pipe, &done, sizeof(done));
	} while (n < 0 && errno == EINTR);
	close(f->wd_pipe);
	f->wd_pipe = -1;
	while (waitpid(f->watchdog, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	f->watchdog = 0;
	return WIFEXITED(status) && WEXITSTATUS(status) != WD_THAWED;
}

int vss_freeze_all(void *freezer)
{
	struct vss_freezer *f = freezer;
	int ret, err = 0;
	size_t i;
	ssize_t n;

	if (f->frozen) {
		/* a repeated FREEZE: still frozen, unless the watchdog gave up */
		if (waitpid(f->watchdog, &(int){ 0 }, WNOHANG) == 0)
			return 0;
		f->watchdog = 0;
		close(f->wd_pipe);
		f->wd_pipe = -1;
		thaw_frozen(f->fs, f->n);
		f->frozen = false;
		log_release();
		log_msg(LOG_WARNING, "freeze: the watchdog had thawed the last one");
		forget(f);
	}
	ret = collect(f);
	if (!ret)
		ret = start_watchdog(f);
	if (ret) {
		forget(f);
		log_msg(LOG_ERR, "freeze: %s", strerror(-ret));
		return ret;
	}
	log_hold();
	for (i = 0; i < f->n; i++) {
		if (ioctl(f->fs[i].fd, FIFREEZE, 0)) {
			if (errno == EBUSY)
				continue;
			err = errno;
			break;
		}
		f->fs[i].frozen = true;
		do {
			n = write(f->wd_pipe, &(int){ i }, sizeof(int));
		} while (n < 0 && errno == EINTR);
	}
	if (err) {
		thaw_frozen(f->fs, f->n);
		stop_watchdog(f);
		log_release();
		log_msg(LOG_ERR, "freeze of %s failed: %s; all thawed again",
			f->fs[i].path, strerror(err));
		forget(f);
		return -err;
	}
	f->frozen = true;
	log_msg(LOG_INFO, "froze %zu file systems", f->n);
	return 0;
}

int vss_thaw_all(void *freezer)
{
	struct vss_freezer *f = freezer;
	bool late;
	int ret;

	if (!f->frozen) {
		log_msg(LOG_INFO, "thaw: nothing frozen");
		return 0;
	}
	ret = thaw_frozen(f->fs, f->n);
	late = stop_watchdog(f);
	f->frozen = false;
	log_release();
	if (ret)
		log_msg(LOG_ERR, "thaw: %s", strerror(-ret));
	if (late)
		log_msg(LOG_ERR, "thaw: the watchdog had thawed already (after %u s)",
			f->timeout);
	forget(f);
	return ret ? ret : late ? -ETIMEDOUT : 0;
}
