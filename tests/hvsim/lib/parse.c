// SPDX-License-Identifier: GPL-2.0-only
/* Value parsers (parse.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"
#include "lib/parse.h"

bool parse_u64(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;
	int base = 10;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s || *s == '-' || *s == '+')
			return false;
	}
	errno = 0;
	n = strtoull(s, &end, base);
	if (errno || *end || end == s)
		return false;
	*v = n;
	return true;
}

bool parse_size(const char *s, uint64_t *v)
{
	static const char suffix[] = "KMG";
	size_t len = s ? strlen(s) : 0;
	const char *p;
	unsigned int shift = 0;
	char num[32];
	uint64_t n;

	if (!len || len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	p = strchr(suffix, num[len - 1] & ~0x20);
	if (p && (num[len - 1] & ~0x20)) {
		shift = 10 * (unsigned int)(p - suffix + 1);
		num[len - 1] = '\0';
	}
	if (!parse_u64(num, &n) || (shift && n > (UINT64_MAX >> shift)))
		return false;
	*v = n << shift;
	return true;
}

bool parse_bool(const char *s, bool *v)
{
	if (!strcmp(s, "1") || !strcmp(s, "on") || !strcmp(s, "yes")) {
		*v = true;
		return true;
	}
	if (!strcmp(s, "0") || !strcmp(s, "off") || !strcmp(s, "no")) {
		*v = false;
		return true;
	}
	return false;
}

bool parse_version(const char *s, unsigned int part_max, unsigned int *major,
		   unsigned int *minor)
{
	unsigned int maj, min;
	char extra;

	if (sscanf(s, "%u.%u%c", &maj, &min, &extra) != 2 || maj > part_max ||
	    min > part_max || s[0] < '0' || s[0] > '9')
		return false;
	*major = maj;
	*minor = min;
	return true;
}

bool parse_mac(const char *s, uint8_t mac[6])
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		if (!hex_byte(s + 3 * i, &mac[i]) || (i < 5 && s[3 * i + 2] != ':'))
			return false;
	}
	/* a NIC's own address is unicast */
	return !(mac[0] & 1);
}

bool parse_wwn(const char *s, uint8_t wwn[8])
{
	if (strlen(s) != 16)
		return false;
	for (int i = 0; i < 8; i++)
		if (!hex_byte(s + 2 * i, &wwn[i]))
			return false;
	return true;
}

void guid_fmt(const guid_t *g, char out[37])
{
	const uint8_t *b = g->b;

	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

bool guid_parse(const char *s, guid_t *g)
{
	/* byte index in memory for each pair of hex digits, in text order */
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
					   8, 9, 10, 11, 12, 13, 14, 15 };
	size_t len = strlen(s), k = 0;

	if (len == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		len = 36;
	}
	if (len != 36)
		return false;
	for (size_t i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return false;
			continue;
		}
		if (!hex_byte(s + i, &g->b[order[k++]]))
			return false;
		i += 2;
	}
	return true;
}
