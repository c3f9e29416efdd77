// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon: the file-copy integration service (the host's
 * Copy-VMFile) over /dev/vmbus/hv_fcopy, the kernel-device protocol of
 * Linux up to 6.9 (hvlis/fcopy.h): the daemon writes an int,
 * FCOPY_VERSION_1; the kernel answers with a bare __u32, its version;
 * then each request is one read of at most a struct hv_do_fcopy and one
 * write of an int, the status (fcopy.c decides it).  On a device error a
 * copy under way is abandoned (its temporary file removed) and the
 * device opened and registered again.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "fcopy.h"

#define FCOPY_DEVICE	"/dev/vmbus/hv_fcopy"

static struct fcopy copy;
static union {
	struct hv_fcopy_hdr hdr;
	struct hv_start_fcopy start;
	struct hv_do_fcopy data;
	__u32 version;
} msg;

static void serve(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int version = FCOPY_VERSION_1, status;
	bool registered = false;
	ssize_t n;

	if (!write_msg(fd, &version, sizeof(version))) {
		log_msg(LOG_ERR, "registration failed: %s", strerror(errno));
		return;
	}
	for (;;) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "poll: %s", strerror(errno));
			return;
		}
		if (!(pfd.revents & POLLIN)) {
			log_msg(LOG_WARNING, "the device is going away");
			return;
		}
		n = read_msg(fd, &msg, sizeof(msg));
		if (n < 0) {
			log_msg(LOG_ERR, "read: %s", strerror(errno));
			return;
		}
		if (!registered) {
			if (n != sizeof(msg.version)) {
				log_msg(LOG_ERR, "bad registration answer (%zd bytes)", n);
				return;
			}
			log_msg(LOG_INFO, "registered with the kernel, version %u",
				msg.version);
			registered = true;
			continue;
		}
		status = fcopy_handle(&copy, &msg, n);
		if (!write_msg(fd, &status, sizeof(status))) {
			log_msg(LOG_ERR, "write: %s", strerror(errno));
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct daemon_opts o = { 0 };
	time_t window = 0;
	int fd, restarts = 0;

	parse_opts(argc, argv, "", false, false, &o);
	log_init("hv_fcopy_daemon", &o);
	maybe_daemonize(&o);
	signal(SIGPIPE, SIG_IGN);
	fcopy_init(&copy, "");
	log_msg(LOG_INFO, "starting");
	for (;;) {
		fd = dev_open(FCOPY_DEVICE);
		if (fd < 0) {
			log_msg(LOG_ERR, "cannot open %s: %s", FCOPY_DEVICE, strerror(errno));
			return 1;
		}
		serve(fd);
		fcopy_cancel(&copy);
		close(fd);
		if (time(NULL) - window > 60) {
			window = time(NULL);
			restarts = 0;
		}
		if (++restarts > 20) {
			log_msg(LOG_ERR, "the device keeps failing: exiting");
			return 1;
		}
	}
}
