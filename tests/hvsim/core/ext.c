// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hyper-V's extended hypercalls that a guest's Dynamic Memory driver uses
 * (src/include/hvlis/hv_ext.h has the layouts and where they come from):
 * the extended capability query, and the memory heat hint by which the
 * guest reports free pages whose contents it no longer needs.  Hyper-V
 * drops the host memory behind them; so does hvsim, by punching the pages
 * out of the --ram file (gm_discard()), so the saving shows in `du`.
 *
 * The capability is off until a device turns it on (the DM device's
 * discard=1): a guest that reports its free pages makes the RAM file
 * shrink on its own, which a scenario measuring ballooning must not see.
 */
#include <string.h>

#include <hvlis/hv_ext.h>

#include "core/hvsim.h"
#include "ctl/ctl.h"

/*
 * HVSIM_OP_MEMORY_HINT.  The whole hint is checked before any page is
 * dropped: a range outside guest RAM, reserved bits, 1 GiB units or an
 * unknown type fail the call with nothing done, as a rep hypercall with a
 * bad element would fail at that element on Hyper-V.
 */
uint16_t ext_memory_hint(struct hvsim *hs, const struct hvsim_mailbox *req)
{
	struct hvsim_ext_stats *st = &hs->ext;
	uint64_t type = req->args[0], n = req->args[1];
	uint64_t ranges[HVSIM_HINT_RANGES];
	__u64 pfn, pages;
	uint64_t total = 0;

	st->hints++;
	if (!(hs->ext_caps & HVLIS_EXT_CAP_COLD_DISCARD_HINT))
		goto refused;
	if (type != HVLIS_HEAT_HINT_COLD_DISCARD || n == 0 ||
	    n > HVSIM_HINT_RANGES)
		goto bad;
	memcpy(ranges, req->data, n * sizeof(ranges[0]));
	for (uint64_t i = 0; i < n; i++) {
		if (!hvlis_gpa_range_decode(ranges[i], &pfn, &pages) ||
		    pfn > GM_MAX_GPA / PAGE_SIZE ||
		    !gm_ram_ptr(&hs->gm, pfn * PAGE_SIZE, pages * PAGE_SIZE))
			goto bad;
	}
	for (uint64_t i = 0; i < n; i++) {
		hvlis_gpa_range_decode(ranges[i], &pfn, &pages);
		if (gm_discard(&hs->gm, pfn * PAGE_SIZE, pages * PAGE_SIZE))
			st->discard_errors++;
		total += pages;
	}
	st->ranges += n;
	st->pages += total;
	return HV_STATUS_SUCCESS;

bad:
	log_guest("memory hint: type %llu, %llu ranges, refused",
		  (unsigned long long)type, (unsigned long long)n);
refused:
	st->refused++;
	return HV_STATUS_INVALID_PARAMETER;
}

void ext_print(struct ctl_conn *c, const struct hvsim *hs)
{
	const struct hvsim_ext_stats *st = &hs->ext;

	ctl_printf(c, "ext.caps 0x%llx", (unsigned long long)hs->ext_caps);
	ctl_printf(c, "ext.hints %llu", (unsigned long long)st->hints);
	ctl_printf(c, "ext.hint_ranges %llu", (unsigned long long)st->ranges);
	ctl_printf(c, "ext.hint_pages %llu", (unsigned long long)st->pages);
	ctl_printf(c, "ext.hints_refused %llu", (unsigned long long)st->refused);
	ctl_printf(c, "ext.discard_errors %llu",
		   (unsigned long long)st->discard_errors);
}
