/*
 * struct page_reporting_dev_info.order: the smallest order a device wants
 * reported, from "mm/page_reporting: allow driver to specify reporting
 * order" (Linux 5.14).
 */
#include <linux/page_reporting.h>

void probe_page_reporting_order(struct page_reporting_dev_info *pr)
{
	pr->order = 0;
}
