// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event loop: one epoll instance, one thread.  Every fd hvsim waits on
 * is a struct watch whose callback runs when it is ready, so each module
 * owns its fds and nothing else needs to know about them.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/hvsim.h"

/*
 * The process's one event loop: every host, connection and timer of the
 * process waits on it, so it is not per instance (main() runs one hvsim;
 * a unit test runs several hosts on the same loop).
 */
static int epfd = -1;

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		log_err("epoll_create1: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void loop_exit(void)
{
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
}

int loop_add(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
		log_err("epoll add fd %d: %s", w->fd, strerror(errno));
		return -1;
	}
	return 0;
}

int loop_mod(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0) {
		log_err("epoll mod fd %d: %s", w->fd, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A callback may close and free other watches (a guest disconnect drops
 * the eventfd watches), so events of the current epoll_wait batch that
 * point at a watch deleted meanwhile must not be dispatched.
 */
static struct epoll_event *cur_events;
static int cur_n;

void loop_del(struct watch *w)
{
	/* harmless when the fd was never added (unit tests) */
	if (epfd >= 0 && w->fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
	for (int i = 0; i < cur_n; i++)
		if (cur_events[i].data.ptr == w)
			cur_events[i].data.ptr = NULL;
}

int loop_run(struct hvsim *hs)
{
	struct epoll_event events[32];

	while (!hs->quit) {
		int n = epoll_wait(epfd, events, 32, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		cur_events = events;
		cur_n = n;
		for (int i = 0; i < n && !hs->quit; i++) {
			struct watch *w = events[i].data.ptr;

			if (w)
				w->cb(w, events[i].events);
		}
		cur_events = NULL;
		cur_n = 0;
	}
	return 0;
}

/*
 * A listening Unix stream socket at @path.  A stale socket file from a
 * crashed run is replaced, but not a live one (another hvsim still serving
 * it) and never a file that is not a socket.
 */
int unix_listen(const char *path, int backlog)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_err("%s exists and is not a socket", path);
			return -1;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun,
				       sizeof(sun)) == 0) {
			log_err("%s is in use by another server", path);
			close(fd);
			return -1;
		}
		if (fd >= 0)
			close(fd);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, backlog) < 0) {
		log_err("listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
