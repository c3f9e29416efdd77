// SPDX-License-Identifier: GPL-2.0-only
/* Declarative key=value options (opts.h). */
#include <stdio.h>
#include <string.h>

#include "lib/opts.h"
#include "lib/parse.h"

static const char *const type_names[] = {
	[OPT_BOOL] = "on|off", [OPT_U8] = "N", [OPT_U16] = "N",
	[OPT_U32] = "N", [OPT_SIZE] = "SIZE", [OPT_U64] = "N",
	[OPT_MAC] = "MAC", [OPT_WWN] = "WWN", [OPT_GUID] = "GUID",
	[OPT_STR] = "TEXT", [OPT_VERSION8] = "MAJOR.MINOR",
};

static uint64_t type_max(enum opt_type t)
{
	switch (t) {
	case OPT_U8:
		return UINT8_MAX;
	case OPT_U16:
		return UINT16_MAX;
	case OPT_U32:
	case OPT_SIZE:
		return UINT32_MAX;
	default:
		return UINT64_MAX;
	}
}

/* the index @key has for @s ("disk#" matches "disk12"): -1 none, -2 out of range */
static int key_match(const struct opt_spec *s, const char *key)
{
	size_t n = strlen(s->key);
	uint64_t idx;

	if (!n || s->key[n - 1] != '#')
		return strcmp(s->key, key) ? -1 : 0;
	n--;
	/* the bare prefix is index 0: "disk" = "disk0" */
	if (!strncmp(s->key, key, n) && !key[n])
		return 0;
	if (strncmp(s->key, key, n) || key[n] < '0' || key[n] > '9')
		return -1;
	if (!parse_u64(key + n, &idx))
		return -1;
	return idx < s->count ? (int)idx : -2;
}

static bool number_ok(const struct opt_spec *s, uint64_t v)
{
	uint64_t max = s->max ? s->max : type_max(s->type);

	return v >= s->min && v <= max && (!s->align || v % s->align == 0);
}

static bool store(const struct opt_spec *s, void *p, const char *val)
{
	unsigned int maj, min;
	uint64_t v = 0;

	switch (s->type) {
	case OPT_BOOL:
		return parse_bool(val, p);
	case OPT_MAC:
		return parse_mac(val, p);
	case OPT_WWN:
		return parse_wwn(val, p);
	case OPT_GUID:
		return guid_parse(val, p);
	case OPT_STR:
		*(const char **)p = val;
		return *val;
	case OPT_VERSION8:
		if (!parse_version(val, 255, &maj, &min))
			return false;
		v = maj << 8 | min;
		if (!number_ok(s, v))
			return false;
		*(uint16_t *)p = (uint16_t)v;
		return true;
	case OPT_SIZE:
		if (!parse_size(val, &v))
			return false;
		break;
	default:
		if (!parse_u64(val, &v))
			return false;
		break;
	}
	if (!number_ok(s, v))
		return false;
	switch (s->type) {
	case OPT_U8:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case OPT_U16:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case OPT_U32:
	case OPT_SIZE:
		*(uint32_t *)p = (uint32_t)v;
		break;
	default:
		*(uint64_t *)p = v;
		break;
	}
	return true;
}

static int apply_one(const struct opt_spec *spec, size_t nspec, char *dst,
		     const struct opt_kv *o, const char *what, char *err,
		     size_t errlen)
{
	const char *val = o->val ? o->val : "";

	for (size_t i = 0; i < nspec; i++) {
		const struct opt_spec *s = &spec[i];
		int idx = key_match(s, o->key);
		size_t base;

		if (idx == -1)
			continue;
		if (idx == -2) {
			snprintf(err, errlen, "%s: '%s': the index goes up to %u",
				 what, o->key, s->count - 1);
			return -1;
		}
		base = (size_t)idx * s->stride;
		if (!store(s, dst + base + s->off, val)) {
			snprintf(err, errlen, "%s: bad value '%s' for %s (%s)",
				 what, val, o->key, type_names[s->type]);
			return -1;
		}
		if (s->seen)
			*(bool *)(dst + base + s->seen - 1) = true;
		return 0;
	}
	snprintf(err, errlen, "%s: unknown option '%s'", what, o->key);
	return -1;
}

bool opts_knows(const struct opt_spec *spec, size_t nspec, const char *key)
{
	for (size_t i = 0; i < nspec; i++)
		if (key_match(&spec[i], key) != -1)
			return true;
	return false;
}

int opts_apply(const struct opt_spec *spec, size_t nspec, void *dst,
	       const struct opt_kv *opts, int nopts, const char *what,
	       char *err, size_t errlen)
{
	for (int i = 0; i < nopts; i++)
		if (apply_one(spec, nspec, dst, &opts[i], what, err, errlen))
			return -1;
	return 0;
}

void opts_describe(const struct opt_spec *spec, size_t nspec,
		   void (*line)(void *arg, const char *text), void *arg)
{
	for (size_t i = 0; i < nspec; i++) {
		const struct opt_spec *o = &spec[i];
		char text[256];
		size_t n = strlen(o->key);
		bool idx = n && o->key[n - 1] == '#';

		snprintf(text, sizeof(text), "%.*s%s=%s%s%s", (int)(idx ? n - 1 : n),
			 o->key, idx ? "N" : "", type_names[o->type],
			 o->help ? "  " : "", o->help ? o->help : "");
		line(arg, text);
	}
}
