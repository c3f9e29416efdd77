// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared by the three daemons: see common.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static bool log_to_stderr, log_held, log_silent;
static int log_max = LOG_INFO;

/* lines kept while held: enough for one FREEZE/THAW exchange */
#define HELD_LINES	32
#define HELD_LEN	256
static struct {
	int prio;
	char text[HELD_LEN];
} held[HELD_LINES];
static unsigned int nheld, held_lost;

void parse_opts(int argc, char **argv, const char *usage_extra,
		bool allow_debug, bool allow_timeout, struct daemon_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "no-daemon", no_argument, NULL, 'n' },
		{ "debug-enabled", no_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "hndt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->foreground = true;
			continue;
		case 'd':
			if (!allow_debug)
				break;
			o->debug = true;
			continue;
		case 't':
			if (!allow_timeout)
				break;
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 || v > 3600) {
				fprintf(stderr, "%s: -t wants 1 to 3600 seconds\n",
					argv[0]);
				exit(1);
			}
			o->timeout = v;
			continue;
		case 'h':
			printf("Usage: %s [options]\n"
			       "  -n, --no-daemon        stay in the foreground, log to stderr too\n"
			       "  -h, --help             print this help\n%s",
			       argv[0], usage_extra);
			exit(0);
		}
		fprintf(stderr, "Usage: %s [options] (-h for help)\n", argv[0]);
		exit(1);
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument %s\n", argv[0], argv[optind]);
		exit(1);
	}
}

void log_init(const char *ident, const struct daemon_opts *o)
{
	log_to_stderr = o->foreground;
	log_max = o->debug ? LOG_DEBUG : LOG_INFO;
	openlog(ident, LOG_PID, LOG_DAEMON);
}

static void log_out(int prio, const char *text)
{
	syslog(prio, "%s", text);
	if (log_to_stderr)
		fprintf(stderr, "%s\n", text);
}

void log_msg(int prio, const char *fmt, ...)
{
	char text[HELD_LEN];
	va_list ap;

	if (log_silent || prio > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!log_held) {
		log_out(prio, text);
		return;
	}
	if (nheld == HELD_LINES) {
		held_lost++;
		return;
	}
	held[nheld].prio = prio;
	memcpy(held[nheld].text, text, sizeof(text));
	nheld++;
}

void log_hold(void)
{
	log_held = true;
}

void log_release(void)
{
	unsigned int i;

	log_held = false;
	for (i = 0; i < nheld; i++)
		log_out(held[i].prio, held[i].text);
	if (held_lost)
		log_msg(LOG_WARNING, "%u log lines lost while file systems were frozen",
			held_lost);
	nheld = held_lost = 0;
}

void log_quiet(void)
{
	log_silent = true;
}

void maybe_daemonize(const struct daemon_opts *o)
{
	if (!o->foreground && daemon(1, 0)) {
		log_msg(LOG_ERR, "daemon(): %s", strerror(errno));
		exit(1);
	}
}

int dev_open(const char *path)
{
	int fd, tries;

	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		/*
		 * Only "busy" is worth a wait: a device that is missing or
		 * going away may come back as a new device, which a new
		 * daemon (udev and systemd start one) should serve, not us.
		 */
		if (errno != EBUSY)
			break;
		sleep(1);
	}
	return -1;
}

bool write_msg(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n != len)
		errno = EIO;
	return n >= 0 && (size_t)n == len;
}

ssize_t read_msg(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n;
}

ssize_t str_in(const void *buf, size_t size)
{
	const char *nul = memchr(buf, '\0', size);

	return nul ? nul - (const char *)buf : -1;
}

void str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool str_append(char *dst, size_t size, const char *s)
{
	size_t have = strnlen(dst, size), add = strlen(s);

	if (have + add >= size)
		return false;
	memcpy(dst + have, s, add + 1);
	return true;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}
