/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Value parsers, the only ones in hvsim: the command line, --device and
 * "offer" options (lib/opts.h) and control commands all use these.  Each
 * takes the whole string (no trailing garbage) and returns false on
 * anything it cannot represent exactly.
 */
#ifndef HVSIM_LIB_PARSE_H
#define HVSIM_LIB_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include <hvlis/hv_types.h>

/* decimal or 0x-hex, no sign */
bool parse_u64(const char *s, uint64_t *v);
/* parse_u64() with an optional K, M or G (binary) suffix */
bool parse_size(const char *s, uint64_t *v);
/* 1/on/yes or 0/off/no */
bool parse_bool(const char *s, bool *v);
/* "MAJOR.MINOR", each 0..@part_max */
bool parse_version(const char *s, unsigned int part_max, unsigned int *major,
		   unsigned int *minor);
/* aa:bb:cc:dd:ee:ff, a unicast address */
bool parse_mac(const char *s, uint8_t mac[6]);
/* 16 hex digits, e.g. a Fibre Channel world wide name */
bool parse_wwn(const char *s, uint8_t wwn[8]);
/* the usual text form, braces allowed; fields 1-3 little-endian in memory */
bool guid_parse(const char *s, guid_t *g);
void guid_fmt(const guid_t *g, char out[37]);

#endif /* HVSIM_LIB_PARSE_H */
