/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hex digits in text: GUIDs, WWNs, control-socket payloads, and the
 * UTF-16 MAC address of an RNDIS "NetworkAddress" config parameter.
 */
#ifndef HVSIM_HEX_H
#define HVSIM_HEX_H

#include <stdbool.h>
#include <stdint.h>

/* 0..15, or -1: @c may be a char or a UTF-16 code unit */
static inline int hex_digit(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* the two digits at @s as one byte; false if either is not a digit */
static inline bool hex_byte(const char *s, uint8_t *out)
{
	int hi = hex_digit((unsigned char)s[0]), lo;

	if (hi < 0)
		return false;
	lo = hex_digit((unsigned char)s[1]);
	if (lo < 0)
		return false;
	*out = (uint8_t)(hi << 4 | lo);
	return true;
}

#endif
