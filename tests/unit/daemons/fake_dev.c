// SPDX-License-Identifier: GPL-2.0-only
/*
 * LD_PRELOAD shim for the daemons' end-to-end test: open() of a
 * /dev/vmbus/ path connects to the SOCK_SEQPACKET socket $HV_TEST_SOCK
 * instead, whose peer (daemons_e2e.py) plays hv_utils: a packet is a
 * message, as the device's read() and write() are.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fake_dev(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *sock = getenv("HV_TEST_SOCK");
	int fd;

	if (!sock || strncmp(path, "/dev/vmbus/", 11) || strlen(sock) >= sizeof(a.sun_path))
		return -2;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memcpy(a.sun_path, sock, strlen(sock) + 1);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *path, int flags, ...);
	mode_t mode = 0;
	va_list ap;
	int fd = fake_dev(path);

	if (fd != -2)
		return fd;
	if (!real_open)
		real_open = dlsym(RTLD_NEXT, "open");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return real_open(path, flags, mode);
}
