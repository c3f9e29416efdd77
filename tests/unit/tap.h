/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few lines of TAP the tests/unit C tests share: check() records one
 * named result, tap_report() prints the plan and a line per result and
 * gives the exit status.
 */
#ifndef HVLIS_UNIT_TAP_H
#define HVLIS_UNIT_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define TAP_MAX_TESTS 64

static struct {
	bool ok;
	char name[96];
} tap_results[TAP_MAX_TESTS];
static int tap_count;

static inline void check(bool cond, const char *name)
{
	if (tap_count == TAP_MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	tap_results[tap_count].ok = cond;
	snprintf(tap_results[tap_count].name, sizeof(tap_results[0].name),
		 "%s", name);
	tap_count++;
}

static inline int tap_report(void)
{
	int i, failed = 0;

	printf("1..%d\n", tap_count);
	for (i = 0; i < tap_count; i++) {
		printf("%sok %d - %s\n", tap_results[i].ok ? "" : "not ",
		       i + 1, tap_results[i].name);
		failed += !tap_results[i].ok;
	}
	return failed ? 1 : 0;
}

#endif
