/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hyper-V's extended hypercalls that Dynamic Memory uses: the extended
 * capability query and the memory heat hint by which a guest hands free
 * ("cold") pages back to the host (free page reporting).
 *
 * Facts from include/asm-generic/hyperv-tlfs.h (Linux 6.12):
 * HV_EXT_CALL_QUERY_CAPABILITIES, HV_EXT_CALL_MEMORY_HEAT_HINT,
 * HV_EXT_CAPABILITY_MEMORY_COLD_DISCARD_HINT, struct hv_memory_hint and
 * union hv_gpa_page_range; their use in drivers/hv/hv_balloon.c
 * (hv_free_page_report()) and drivers/hv/hv_common.c (hv_query_ext_cap()).
 * The privilege bit from arch/x86/include/asm/hyperv-tlfs.h
 * (HV_ENABLE_EXTENDED_HYPERCALLS, EBX of CPUID 0x40000003).
 *
 * A range is one 64-bit word, spelled here with shifts instead of the
 * kernel's bitfield union so the same helpers serve hvsim:
 *   bits  0-10  additional pages (the range has this many plus one)
 *   bit  11     large page: the unit is 2 MiB (or 1 GiB), not 4 KiB
 *   4 KiB unit:  bits 12-63 the first page's frame number
 *   large unit:  bit 12 the size (0 = 2 MiB, 1 = 1 GiB), bits 13-20
 *                reserved, bits 21-63 the first large page's number
 */
#ifndef _HVLIS_HV_EXT_H
#define _HVLIS_HV_EXT_H

#include <hvlis/hv_types.h>

#ifndef HV_EXT_CALL_QUERY_CAPABILITIES
#define HV_EXT_CALL_QUERY_CAPABILITIES		0x8001
#endif
#ifndef HV_EXT_CALL_MEMORY_HEAT_HINT
#define HV_EXT_CALL_MEMORY_HEAT_HINT		0x8003
#endif
/* the partition may make extended hypercalls: CPUID 0x40000003 EBX bit 20 */
#define HVLIS_ENABLE_EXTENDED_HYPERCALLS_EBX	(1U << 20)

/* what HV_EXT_CALL_QUERY_CAPABILITIES answers */
#define HVLIS_EXT_CAP_COLD_DISCARD_HINT		(1ULL << 8)

/* struct hv_memory_hint's 2-bit type: the guest will not read these pages */
#define HVLIS_HEAT_HINT_COLD_DISCARD		2
#define HVLIS_HEAT_HINT_TYPE_MASK		0x3ULL

#define HVLIS_GPA_RANGE_ADDITIONAL_MASK		0x7ffULL
#define HVLIS_GPA_RANGE_LARGE			(1ULL << 11)
#define HVLIS_GPA_RANGE_PFN_SHIFT		12
#define HVLIS_GPA_RANGE_1G			(1ULL << 12)
#define HVLIS_GPA_RANGE_LARGE_RESERVED		(0xffULL << 13)
#define HVLIS_GPA_RANGE_LARGE_SHIFT		21
/* at most 2048 units in one range */
#define HVLIS_GPA_RANGE_MAX_UNITS		2048
/* 4 KiB pages in a 2 MiB unit */
#define HVLIS_GPA_RANGE_2M_PAGES		512

/* @n 4 KiB pages from @pfn, 1 <= n <= 2048 */
static inline __u64 hvlis_gpa_range_4k(__u64 pfn, __u32 n)
{
	return pfn << HVLIS_GPA_RANGE_PFN_SHIFT | (__u64)(n - 1);
}

/* @n 2 MiB pages from 4 KiB frame @pfn (2 MiB aligned), 1 <= n <= 2048 */
static inline __u64 hvlis_gpa_range_2m(__u64 pfn, __u32 n)
{
	return (pfn / HVLIS_GPA_RANGE_2M_PAGES) << HVLIS_GPA_RANGE_LARGE_SHIFT |
	       HVLIS_GPA_RANGE_LARGE | (__u64)(n - 1);
}

/*
 * The 4 KiB pages a range names: the first in *@pfn, the count in *@pages.
 * False for what a host must refuse: reserved bits set, or 1 GiB units
 * (hv_balloon never sends them, and a host need not take them).
 */
static inline int hvlis_gpa_range_decode(__u64 r, __u64 *pfn, __u64 *pages)
{
	__u64 units = (r & HVLIS_GPA_RANGE_ADDITIONAL_MASK) + 1;

	if (!(r & HVLIS_GPA_RANGE_LARGE)) {
		*pfn = r >> HVLIS_GPA_RANGE_PFN_SHIFT;
		*pages = units;
		return 1;
	}
	if (r & (HVLIS_GPA_RANGE_1G | HVLIS_GPA_RANGE_LARGE_RESERVED))
		return 0;
	*pfn = (r >> HVLIS_GPA_RANGE_LARGE_SHIFT) * HVLIS_GPA_RANGE_2M_PAGES;
	*pages = units * HVLIS_GPA_RANGE_2M_PAGES;
	return 1;
}

#endif /* _HVLIS_HV_EXT_H */
