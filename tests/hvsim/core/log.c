// SPDX-License-Identifier: GPL-2.0-only
/*
 * Logging.  Lines go to --log (or stderr) with a monotonic timestamp so a
 * test log can be lined up with the guest's serial console.  Anything the
 * guest can trigger goes through log_guest(), which is rate limited: a
 * hostile guest must not be able to fill the disk or stall the loop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <time.h>

#include "core/hvsim.h"

/* the process's one log (one hvsim per process; unit tests share it too) */
static FILE *log_fp;
static int log_level = LOG_INFO;

/* log_guest(): at most this many lines per second, then a summary */
#define GUEST_LOG_BURST	50

static struct {
	uint64_t window_start_ns;
	unsigned int in_window;
	unsigned long suppressed;
} guest_rl;

int log_init(const char *path, bool verbose)
{
	log_level = verbose ? LOG_DEBUG : LOG_INFO;
	if (!path) {
		log_fp = stderr;
		return 0;
	}
	log_fp = fopen(path, "a");
	if (!log_fp) {
		fprintf(stderr, "hvsim: cannot open log %s: %s\n", path,
			strerror(errno));
		log_fp = stderr;
		return -1;
	}
	/* line buffered: the log must be current when a test fails */
	setvbuf(log_fp, NULL, _IOLBF, 0);
	return 0;
}

void log_close(void)
{
	if (log_fp && log_fp != stderr)
		fclose(log_fp);
	log_fp = NULL;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *const level_names[] = {
	[LOG_ERR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

static void vlog(int level, const char *fmt, va_list ap)
{
	FILE *fp = log_fp ? log_fp : stderr;
	uint64_t t = now_ns();

	fprintf(fp, "[%5llu.%06llu] hvsim %s: ", (unsigned long long)(t / 1000000000ull),
		(unsigned long long)(t % 1000000000ull / 1000), level_names[level]);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
}

void hv_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void log_guest(const char *fmt, ...)
{
	uint64_t t = now_ns();
	va_list ap;

	if (t - guest_rl.window_start_ns >= 1000000000ull) {
		if (guest_rl.suppressed)
			hv_log(LOG_WARN, "guest: %lu messages suppressed",
			       guest_rl.suppressed);
		guest_rl.window_start_ns = t;
		guest_rl.in_window = 0;
		guest_rl.suppressed = 0;
	}
	if (guest_rl.in_window >= GUEST_LOG_BURST) {
		guest_rl.suppressed++;
		return;
	}
	guest_rl.in_window++;
	va_start(ap, fmt);
	vlog(LOG_WARN, fmt, ap);
	va_end(ap);
}
