/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarative options: a table says, for each key of "key=value" options
 * (--device CLASS:k=v,..., "offer CLASS k=v ...", control commands), its
 * type, its range and where in a struct the value goes; opts_apply() does
 * the parsing with lib/parse.h and writes one error line on the first
 * unknown key or bad value.  A class lists its table in struct vsp_ops, so
 * "help" can show it.
 */
#ifndef HVSIM_LIB_OPTS_H
#define HVSIM_LIB_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One option as given: "key=value" (val may be NULL for a bare "key") */
struct opt_kv {
	const char *key;
	const char *val;
};

enum opt_type {
	OPT_BOOL,	/* bool */
	OPT_U8,		/* uint8_t, in [min, max] */
	OPT_U16,	/* uint16_t, in [min, max] */
	OPT_U32,	/* uint32_t, in [min, max] */
	OPT_SIZE,	/* uint32_t bytes with K/M/G, in [min, max], a multiple of align */
	OPT_U64,	/* uint64_t, in [min, max] */
	OPT_MAC,	/* uint8_t[6], unicast */
	OPT_WWN,	/* uint8_t[8] */
	OPT_GUID,	/* guid_t */
	OPT_STR,	/* const char *: points into the caller's option */
	OPT_VERSION8,	/* uint16_t MAJOR << 8 | MINOR (VMSTOR, NVSP style) */
};

struct opt_spec {
	/*
	 * The key; one ending in '#' takes an index: "disk#" is disk0..diskN,
	 * and a bare "disk" is disk0.
	 */
	const char *key;
	enum opt_type type;
	size_t off;		/* where the value goes in the destination */
	unsigned int count;	/* '#' keys: indexes 0..count-1 */
	size_t stride;		/* '#' keys: bytes from one index to the next */
	uint64_t min, max;	/* numbers and sizes; max 0 = the type's limit */
	uint64_t align;		/* OPT_SIZE: 0 = any */
	/* 1 + offset of a bool set when the key is given, 0 = none */
	size_t seen;
	const char *help;
};

#define OPT_SEEN(type, field)	(offsetof(type, field) + 1)

/*
 * Apply @opts to @dst by @spec.  0, or -1 with "what: why" in @err
 * (@what prefixes the message, e.g. the class name).
 */
int opts_apply(const struct opt_spec *spec, size_t nspec, void *dst,
	       const struct opt_kv *opts, int nopts, const char *what,
	       char *err, size_t errlen);
/* does @spec have an entry for @key (in or out of its index range)? */
bool opts_knows(const struct opt_spec *spec, size_t nspec, const char *key);
/*
 * For --help and "help": one "key=TYPE  help" line per entry of @spec
 * (an indexed key shows as "diskN=TEXT"), each passed to @line.
 */
void opts_describe(const struct opt_spec *spec, size_t nspec,
		   void (*line)(void *arg, const char *text), void *arg);

#endif /* HVSIM_LIB_OPTS_H */
