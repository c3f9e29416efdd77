/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Base types for the hvlis wire-format headers.
 *
 * The same headers are compiled into the kernel modules and into user space
 * (hvsim, the daemons, the unit tests), so this file picks the right system
 * headers for each side and fills in the few names user space lacks.  All
 * wire fields are spelled __u8/__u16/__u32/__u64.
 *
 * The layouts are those of the little-endian GCC ABI used on x86_64 and
 * arm64, which is also the byte order Hyper-V uses; bitfields (only where
 * upstream Linux has them) assume that ABI too.  The static_asserts in each
 * header stop the build on anything else.
 */
#ifndef _HVLIS_HV_TYPES_H
#define _HVLIS_HV_TYPES_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/uuid.h>

/*
 * The hvlis headers replace <linux/hyperv.h>: both define the VMBus structs
 * and GUID macros, so one translation unit can only have one of them.
 */
#ifdef _HYPERV_H
#error "<linux/hyperv.h> and the hvlis wire headers cannot be used together"
#endif

#else /* !__KERNEL__ */

#include <linux/types.h>
#include <assert.h>
#include <stddef.h>

/*
 * linux-libc-dev up to 6.x still ships the uapi <linux/uuid.h> with guid_t
 * and GUID_INIT; use it when present so that the two never collide.  (The
 * quoted __has_include spelling finds the same file: there is no
 * linux/uuid.h next to this header.)
 */
#ifdef __has_include
#if __has_include("linux/uuid.h")
#include <linux/uuid.h>
#endif
#endif

#ifndef GUID_INIT
typedef struct { __u8 b[16]; } guid_t;

/*
 * Mixed-endian GUID layout, as the kernel's GUID_INIT: the first three
 * fields are stored little-endian, the last eight bytes as written.
 */
#define GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)		\
	((guid_t){ {							\
		(a) & 0xff, ((a) >> 8) & 0xff,				\
		((a) >> 16) & 0xff, ((a) >> 24) & 0xff,			\
		(b) & 0xff, ((b) >> 8) & 0xff,				\
		(c) & 0xff, ((c) >> 8) & 0xff,				\
		(d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) } })
#endif /* GUID_INIT */

/* The kernel's spelling, so the structs below read the same on both sides */
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif

#endif /* __KERNEL__ */

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hvlis wire headers assume a little-endian target"
#endif

/* Two-argument forms work with both the kernel's and C11's static_assert. */
#define HVLIS_ASSERT_SIZE(type, size)					\
	static_assert(sizeof(type) == (size), "size of " #type)
#define HVLIS_ASSERT_OFFSET(type, member, off)				\
	static_assert(offsetof(type, member) == (off),			\
		      "offset of " #type "." #member)

static_assert(sizeof(guid_t) == 16, "guid_t is 16 bytes");

#endif /* _HVLIS_HV_TYPES_H */
