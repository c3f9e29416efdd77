/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one TAP helper of the project's C tests (tests/unit and hvsim's
 * unit tests).  tap_ok() prints one result line at once; tap_done() ends
 * with the plan and gives the exit status.  A test made of functions
 * lists them in a struct tap_test table for tap_run(); inside such a
 * function CHECK()/CHECK_EQ() print the failed condition as a diagnostic
 * and fail the test.
 */
#ifndef HVLIS_TAP_H
#define HVLIS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3)))
static inline bool tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tap_failed += !ok;
	return ok;
}

/* the plan, last (TAP allows it at the end); the exit status */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

struct tap_test {
	const char *name;
	bool (*fn)(void);
};

static inline int tap_run(const struct tap_test *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tap_ok(t[i].fn(), "%s", t[i].name);
	return tap_done();
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: failed: %s\n", __FILE__, __LINE__,	\
		       #cond);						\
		return false;						\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	unsigned long long _a = (unsigned long long)(a);		\
	unsigned long long _b = (unsigned long long)(b);		\
	if (_a != _b) {							\
		printf("#   %s:%d: %s == %s failed: 0x%llx != 0x%llx\n",	\
		       __FILE__, __LINE__, #a, #b, _a, _b);		\
		return false;						\
	}								\
} while (0)

#endif /* HVLIS_TAP_H */
