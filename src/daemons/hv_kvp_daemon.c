// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_kvp_daemon: the key-value pair exchange (KVP) integration service.
 * Talks to hv_utils through /dev/vmbus/hv_kvp with upstream's protocol
 * (include/uapi/linux/hyperv.h; tools/hv/hv_kvp_daemon.c): it writes a
 * struct hv_kvp_msg with KVP_OP_REGISTER1, the kernel answers with the
 * same operation and its version string, then each host request is one
 * read and one write of a whole struct hv_kvp_msg (kvp_msg.c answers it).
 * On a read or write error (the module was reloaded, the guest resumed
 * from hibernation) it closes the device, opens it again and registers
 * again; everything it keeps is in the pool files, so it can also be
 * restarted at any moment.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hvlis/kvp.h>

#include "common.h"
#include "kvp_msg.h"

#define KVP_DEVICE	"/dev/vmbus/hv_kvp"
#define KVP_STATE_DIR	"/var/lib/hyperv"
#ifndef KVP_HELPER_DIR
#define KVP_HELPER_DIR	"/usr/libexec/hypervkvpd"
#endif

static struct kvp_ctx ctx;
static struct hv_kvp_msg msg;

/* the kernel's version string, printable ASCII only, for pool 2 */
static void take_version(const struct hv_kvp_msg *m)
{
	const char *v = (const char *)m->body.kvp_register.version;
	char *out = ctx.info.ic_version;
	size_t i;

	for (i = 0; i < sizeof(ctx.info.ic_version) - 1 && v[i]; i++)
		out[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
	out[i] = '\0';
	log_msg(LOG_INFO, "registered with the kernel, version %s", out);
}

/* one session on the device: until it fails or goes away */
static void serve(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	bool registered = false;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.kvp_hdr.operation = KVP_OP_REGISTER1;
	if (!write_msg(fd, &msg, sizeof(msg))) {
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
		if (n != sizeof(msg)) {
			log_msg(LOG_ERR, "read: %s (%zd bytes)",
				n < 0 ? strerror(errno) : "short", n);
			return;
		}
		if (msg.kvp_hdr.operation == KVP_OP_REGISTER1 && !registered) {
			registered = true;
			take_version(&msg);
			continue;
		}
		kvp_handle(&ctx, &msg);
		if (!write_msg(fd, &msg, sizeof(msg))) {
			log_msg(LOG_ERR, "write: %s", strerror(errno));
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct daemon_opts o = { 0 };
	time_t window = 0;
	int fd, i, ret, restarts = 0;

	parse_opts(argc, argv,
		   "  -d, --debug-enabled    log every request (syslog LOG_DEBUG)\n",
		   true, false, &o);
	log_init("hv_kvp_daemon", &o);
	maybe_daemonize(&o);
	signal(SIGPIPE, SIG_IGN);

	ctx.ip.net_dir = "/sys/class/net";
	ctx.ip.proc_net = "/proc/net";
	ctx.ip.config_dir = KVP_STATE_DIR;
	ctx.ip.helper_dir = KVP_HELPER_DIR;
	ctx.resolve_fqdn = true;
	osinfo_read(&ctx.info, "/etc");
	/* once now: a lookup can take seconds, the host waits 30 at most */
	osinfo_update_fqdn(&ctx.info);
	ret = kvp_ctx_init(&ctx, KVP_STATE_DIR);
	if (ret) {
		log_msg(LOG_ERR, "cannot use %s: %s", KVP_STATE_DIR, strerror(-ret));
		return 1;
	}
	/* the pool files exist from the start, as upstream's, for readers */
	for (i = 0; i < KVP_POOL_COUNT; i++) {
		fd = kvp_pool_open(&ctx.pools[i], false);
		if (fd < 0) {
			log_msg(LOG_ERR, "cannot open %s: %s", ctx.pools[i].path,
				strerror(-fd));
			return 1;
		}
		kvp_pool_close(fd);
	}
	log_msg(LOG_INFO, "starting: %s %s, %s", ctx.info.os_name,
		ctx.info.os_major, ctx.info.fqdn);

	for (;;) {
		fd = dev_open(KVP_DEVICE);
		if (fd < 0) {
			log_msg(LOG_ERR, "cannot open %s: %s", KVP_DEVICE, strerror(errno));
			return 1;
		}
		serve(fd);
		close(fd);
		/* a device that fails at once, again and again: give up */
		if (time(NULL) - window > 60) {
			window = time(NULL);
			restarts = 0;
		}
		if (++restarts > 20) {
			log_msg(LOG_ERR, "the device keeps failing: exiting");
			return 1;
		}
		log_msg(LOG_INFO, "opening %s again", KVP_DEVICE);
	}
}
