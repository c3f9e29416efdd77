// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vss_daemon: the backup (VSS) integration service.  The host asks
 * to freeze the guest's file systems before it takes a snapshot of the
 * disks and to thaw them after; vss.h has the protocol, vss_freeze.c
 * the freezing and its watchdog (-t, default 60 s: a THAW later than
 * that finds the file systems thawed already and fails).
 *
 * On a device error it thaws, closes, opens again and registers again,
 * as upstream's; on SIGTERM or SIGINT it thaws and exits.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hvlis/vss.h>

#include "common.h"
#include "vss.h"

#define VSS_DEVICE		"/dev/vmbus/hv_vss"
#define VSS_DEFAULT_TIMEOUT	60

static volatile sig_atomic_t stopping;
static sigset_t run_mask;	/* while waiting: SIGTERM and SIGINT come in */

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static struct vss_freezer freezer = {
	.mountinfo = "/proc/self/mountinfo",
	.wd_pipe = -1,
};
static const struct vss_backend backend = {
	.freeze = vss_freeze_all,
	.thaw = vss_thaw_all,
	.priv = &freezer,
};

/* one session on the device: false if we are to exit */
static bool serve(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct hv_vss_msg msg = { 0 };
	bool registered = false;
	__u32 version;
	ssize_t n;

	msg.vss_hdr.operation = VSS_OP_REGISTER1;
	if (!write_msg(fd, &msg, sizeof(msg))) {
		log_msg(LOG_ERR, "registration failed: %s", strerror(errno));
		return true;
	}
	while (!stopping) {
		/* the signals are blocked but here: none is lost before the wait */
		if (ppoll(&pfd, 1, NULL, &run_mask) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "poll: %s", strerror(errno));
			return true;
		}
		if (!(pfd.revents & POLLIN)) {
			log_msg(LOG_WARNING, "the device is going away");
			return true;
		}
		n = read_msg(fd, &msg, sizeof(msg));
		if (!registered) {
			/* the kernel's answer to REGISTER1: a bare __u32 */
			if (n != sizeof(version)) {
				log_msg(LOG_ERR, "bad registration answer (%zd bytes)", n);
				return true;
			}
			memcpy(&version, &msg, sizeof(version));
			log_msg(LOG_INFO, "registered with the kernel, version %u", version);
			registered = true;
			continue;
		}
		if (n != sizeof(msg)) {
			log_msg(LOG_ERR, "read: %s (%zd bytes)",
				n < 0 ? strerror(errno) : "bad size", n);
			return true;
		}
		vss_handle(&backend, &msg, n);
		if (!write_msg(fd, &msg, sizeof(msg))) {
			log_msg(LOG_ERR, "write: %s", strerror(errno));
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	struct daemon_opts o = { .timeout = VSS_DEFAULT_TIMEOUT };
	struct sigaction sa = { .sa_handler = on_stop };
	sigset_t stop;
	bool again = true;
	time_t window = 0;
	int fd, restarts = 0;

	parse_opts(argc, argv,
		   "  -t, --timeout SECONDS  thaw by ourselves if no THAW comes in time (60)\n",
		   false, true, &o);
	freezer.timeout = o.timeout;
	log_init("hv_vss_daemon", &o);
	maybe_daemonize(&o);
	signal(SIGPIPE, SIG_IGN);
	/* no SA_RESTART: poll() returns and we thaw before going */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &run_mask);
	log_msg(LOG_INFO, "starting; the freeze watchdog waits %u s", o.timeout);

	while (again && !stopping) {
		fd = dev_open(VSS_DEVICE);
		if (fd < 0) {
			log_msg(LOG_ERR, "cannot open %s: %s", VSS_DEVICE, strerror(errno));
			return 1;
		}
		again = serve(fd);
		/* nothing stays frozen without a device to hear THAW on */
		if (freezer.frozen)
			vss_thaw_all(&freezer);
		close(fd);
		if (time(NULL) - window > 60) {
			window = time(NULL);
			restarts = 0;
		}
		if (again && ++restarts > 20) {
			log_msg(LOG_ERR, "the device keeps failing: exiting");
			return 1;
		}
	}
	log_msg(LOG_INFO, "stopping");
	return 0;
}
