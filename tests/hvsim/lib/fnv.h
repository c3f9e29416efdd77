/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FNV-1a, 64 bits: the echo device's digest of GPA-direct data, and
 * stable per-device names (WWNs, disk serials) derived from instances.
 */
#ifndef HVSIM_LIB_FNV_H
#define HVSIM_LIB_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV64_BASIS	0xcbf29ce484222325ull
#define FNV64_PRIME	0x100000001b3ull

static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		h ^= *b++;
		h *= FNV64_PRIME;
	}
	return h;
}

#endif /* HVSIM_LIB_FNV_H */
