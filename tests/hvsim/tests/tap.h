/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal TAP producer for the hvsim unit tests: each test is a function
 * returning true on success; CHECK() prints the failed condition as a TAP
 * diagnostic and fails the test.
 */
#ifndef HVSIM_TAP_H
#define HVSIM_TAP_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvsim.h"

/* guest pages in test buffers must be as aligned as real ones */
#define PAGE_ALIGNED	__attribute__((aligned(4096)))

struct tap_test {
	const char *name;
	bool (*fn)(void);
};

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

static inline int tap_run(const struct tap_test *t, size_t n)
{
	int failed = 0;

	printf("1..%zu\n", n);
	fflush(stdout);
	for (size_t i = 0; i < n; i++) {
		bool ok = t[i].fn();

		printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1, t[i].name);
		fflush(stdout);
		failed += !ok;
	}
	return failed ? 1 : 0;
}

/*
 * An hvsim context for tests: no sockets, anonymous BAR2, and guest RAM
 * in a buffer the test owns (NULL: no RAM).
 */
static inline void test_hvsim(struct hvsim *hs, uint64_t ram_size,
			      unsigned int cpus, void *ram)
{
	struct hvsim_config cfg = {
		.ram_path = NULL,
		.ram_size = ram_size,
		.shm_size = 4 * MiB,
		.mmio_size = 1 * MiB,
		.nr_cpus = cpus,
	};

	hvsim_init_state(hs, &cfg);
	if (shm_create(hs, true)) {
		printf("Bail out! cannot create shared memory\n");
		exit(1);
	}
	if (ram)
		gm_set_ram_buffer(&hs->gm, ram);
}

static inline void test_hvsim_free(struct hvsim *hs)
{
	for (unsigned int i = 0; i < HVSIM_MAX_CPUS; i++)
		if (hs->iv.guest_efd[i] >= 0)
			close(hs->iv.guest_efd[i]);
	synic_reset(hs);
	gm_unmap_ram(&hs->gm);
	shm_destroy(hs);
}

#endif /* HVSIM_TAP_H */
