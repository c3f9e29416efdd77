/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the three integration-service daemons (hv_kvp_daemon,
 * hv_vss_daemon, hv_fcopy_daemon) share: logging to syslog (and stderr in
 * the foreground), holding log lines back while file systems are frozen,
 * the command line, opening the kernel's device, whole-message I/O and a
 * few bounded string helpers for data that came from the host.
 */
#ifndef HV_DAEMONS_COMMON_H
#define HV_DAEMONS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <syslog.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* the kernel's spellings, for user space */
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

/*
 * HRESULTs the daemons answer with that hvlis/icmsg.h does not have: the
 * Win32 error ERROR_ACCESS_DENIED (5) as HRESULT_FROM_WIN32() makes it
 * (0x8007xxxx, as HV_ERROR_DISK_FULL is ERROR_DISK_FULL, 112), Microsoft's
 * winerror.h: E_ACCESSDENIED.
 */
#define HV_E_ACCESSDENIED	0x80070005

struct daemon_opts {
	bool foreground;	/* -n */
	bool debug;		/* -d */
	unsigned int timeout;	/* -t SECONDS (hv_vss_daemon) */
};

/*
 * Parse -n/--no-daemon, -d/--debug-enabled (if @allow_debug),
 * -t/--timeout SECONDS (if @allow_timeout), -h/--help.  Exits on -h
 * (status 0) and on a bad option (status 1) after the usage text.
 */
void parse_opts(int argc, char **argv, const char *usage_extra,
		bool allow_debug, bool allow_timeout, struct daemon_opts *o);

/* openlog() with LOG_DAEMON; stderr too when in the foreground */
void log_init(const char *ident, const struct daemon_opts *o);
__printf(2, 3)
void log_msg(int prio, const char *fmt, ...);
/*
 * While held, log lines are kept in memory instead of going to syslog or
 * stderr, whose readers may write to a frozen file system and block us;
 * log_release() sends them on.  log_quiet() drops everything (fuzzing).
 */
void log_hold(void);
void log_release(void);
void log_quiet(void);

/* daemon(3) unless in the foreground; exits on failure */
void maybe_daemonize(const struct daemon_opts *o);

/*
 * Open a /dev/vmbus device read-write, retrying a few times while it is
 * busy (the previous opener's release may still run); -1 with errno
 * after that, or at once when it is missing.
 */
int dev_open(const char *path);

/* one whole message, retried on EINTR; false on a short or failed write */
bool write_msg(int fd, const void *buf, size_t len);
/* one message of at most @len bytes; its length, or -1 (errno) */
ssize_t read_msg(int fd, void *buf, size_t len);

/*
 * The length of the NUL-terminated string at the start of @buf of @size
 * bytes, or -1 if it has no NUL there (the host sent garbage).
 */
ssize_t str_in(const void *buf, size_t size);
/* copy @src into @dst of @size bytes, cut if needed, always terminated */
void str_copy(char *dst, size_t size, const char *src);
/* append @s to the string in @dst (of @size) if it fits whole; false if not */
bool str_append(char *dst, size_t size, const char *s);

/* CLOCK_MONOTONIC in milliseconds, for timeouts */
long long now_ms(void);

#endif /* HV_DAEMONS_COMMON_H */
