// SPDX-License-Identifier: GPL-2.0-only
/*
 * Free page reporting: free memory the allocator has left alone for a
 * while is handed back to the host (upstream's "cold memory discard
 * hint", drivers/hv/hv_balloon.c hv_free_page_report(), Linux 6.12), so an
 * idle VM's unused memory costs the host nothing even without ballooning.
 * The kernel's page_reporting core finds free blocks of at least
 * page_reporting_order (2 MiB unless the kernel was told otherwise) and
 * passes up to PAGE_REPORTING_CAPACITY of them at a time; they go to the
 * host in one HvExtCallMemoryHeatHint (hvlis/hv_ext.h).  The host may
 * drop their contents: the pages stay free, and what the guest reads
 * there before writing is not defined (zeros on hvsim and Hyper-V).
 *
 * Only where the host offers the hint (HVLIS_EXT_CAP_COLD_DISCARD_HINT),
 * and only one device in the kernel may report (virtio_balloon is the
 * other): a second one gets -EBUSY and goes without.
 */
#include <linux/mm.h>
#include <linux/page_reporting.h>
#include <linux/scatterlist.h>

#include <hvlis/hv_ext.h>

#include "balloon.h"

/* failed hints in a row before reporting is turned off */
#define DM_REPORT_MAX_FAILURES	3

/* 4 KiB pages in a 2 MiB unit */
#define DM_2M_PAGES		HVLIS_GPA_RANGE_2M_PAGES

/* one free block as a range: 2 MiB units where it is made of them */
static int dm_report_range(struct scatterlist *sg, u64 *range)
{
	u64 pfn = page_to_phys(sg_page(sg)) >> DM_PAGE_SHIFT;
	u64 pages = sg->length >> DM_PAGE_SHIFT;

	if (!pages)
		return -EINVAL;
	if (!(pfn % DM_2M_PAGES) && !(pages % DM_2M_PAGES) &&
	    pages / DM_2M_PAGES <= HVLIS_GPA_RANGE_MAX_UNITS) {
		*range = hvlis_gpa_range_2m(pfn, pages / DM_2M_PAGES);
		return 0;
	}
	/* blocks below 2 MiB: at most 512 pages, well inside one range */
	if (pages > HVLIS_GPA_RANGE_MAX_UNITS)
		return -EINVAL;
	*range = hvlis_gpa_range_4k(pfn, pages);
	return 0;
}

/* page_reporting's callback, from its work item: one at a time */
static int dm_report(struct page_reporting_dev_info *pr,
		     struct scatterlist *sgl, unsigned int nents)
{
	struct dm_device *dm = container_of(pr, struct dm_device, pr);
	struct scatterlist *sg;
	u64 pages = 0;
	unsigned int i;
	int ret;

	if (nents > ARRAY_SIZE(dm->pr_ranges))
		return -EINVAL;
	for_each_sg(sgl, sg, nents, i) {
		ret = dm_report_range(sg, &dm->pr_ranges[i]);
		if (ret)
			return ret;
		pages += sg->length >> DM_PAGE_SHIFT;
	}
	ret = vmbus_memory_hint(HVLIS_HEAT_HINT_COLD_DISCARD, dm->pr_ranges,
				nents);
	if (ret) {
		WRITE_ONCE(dm->pr_failures, dm->pr_failures + 1);
		WRITE_ONCE(dm->pr_fail_run, dm->pr_fail_run + 1);
		dev_err_ratelimited(&dm->hdev->device,
				    "the host refused a free page report (%d)\n",
				    ret);
		return ret;
	}
	WRITE_ONCE(dm->pr_fail_run, 0);
	WRITE_ONCE(dm->pr_reports, dm->pr_reports + 1);
	WRITE_ONCE(dm->pr_pages, dm->pr_pages + pages);
	return 0;
}

void dm_report_start(struct dm_device *dm)
{
	int ret;

	if (!(vmbus_ext_caps() & HVLIS_EXT_CAP_COLD_DISCARD_HINT))
		return;
	BUILD_BUG_ON(ARRAY_SIZE(dm->pr_ranges) < PAGE_REPORTING_CAPACITY);
	dm->pr.report = dm_report;
	/* 0: the core's page_reporting_order decides, as upstream */
	compat_page_reporting_set_order(&dm->pr, 0);
	ret = page_reporting_register(&dm->pr);
	if (ret) {
		dev_info(&dm->hdev->device,
			 "free page reporting not enabled (%d)\n", ret);
		return;
	}
	dm->pr_on = true;
	dev_info(&dm->hdev->device, "free page reporting enabled\n");
}

void dm_report_stop(struct dm_device *dm)
{
	if (!dm->pr_on)
		return;
	/* waits for a report in progress */
	page_reporting_unregister(&dm->pr);
	dm->pr_on = false;
}

/*
 * From the status work, once a second: a host that keeps refusing the
 * hint gets no more.  Not from the callback itself: unregistering waits
 * for the work item the callback runs in.
 */
void dm_report_check(struct dm_device *dm)
{
	if (dm->pr_on && READ_ONCE(dm->pr_fail_run) >= DM_REPORT_MAX_FAILURES) {
		dev_warn(&dm->hdev->device,
			 "free page reporting off: the host refused %u reports in a row\n",
			 DM_REPORT_MAX_FAILURES);
		dm_report_stop(dm);
	}
}
