// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pressure (status) reports: once a second, what the guest has
 * available and what it has committed, in 4 KiB pages.  The host sizes
 * the VM by num_committed alone (upstream's comment in post_status()), so
 * it is computed as upstream's hv_balloon.c does: the kernel's committed
 * memory plus a floor that grows with the VM's size, below which a
 * balloon would starve the guest (compute_balloon_floor()).
 *
 * pressure_report_delay: reports to skip after the handshake (upstream's
 * parameter, 45 by default: the first seconds after boot say little about
 * demand).  Each skipped report counts one down.
 *
 * debugfs "hv-balloon" (upstream's file): the agreed version, the
 * capabilities, the state and the counters.
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "balloon.h"

unsigned int dm_pressure_report_delay = 45;
module_param_named(pressure_report_delay, dm_pressure_report_delay, uint, 0644);
MODULE_PARM_DESC(pressure_report_delay, "Status reports to skip after the handshake (about seconds)");

/* guest pages to the protocol's 4 KiB pages */
static u64 dm_hv_pages(unsigned long pages)
{
	return (u64)pages << (PAGE_SHIFT - 12);
}

#define DM_MB(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))

/* upstream's compute_balloon_floor(): in guest pages */
unsigned long dm_floor(unsigned long total)
{
	if (total < DM_MB(128))
		return DM_MB(8) + total / 2;
	if (total < DM_MB(512))
		return DM_MB(40) + total / 4;
	if (total < DM_MB(2048))
		return DM_MB(104) + total / 8;
	if (total < DM_MB(8192))
		return DM_MB(232) + total / 16;
	return DM_MB(488) + total / 32;
}

/*
 * What the guest has committed, as the report gives it (4 KiB pages):
 * upstream's get_pages_committed(), which counts the ballooned pages too,
 * so that giving memory to the host does not read as less demand.
 */
u64 dm_pages_committed(const struct dm_device *dm)
{
	unsigned long added = READ_ONCE(dm->pages_added);
	unsigned long onlined = READ_ONCE(dm->pages_onlined);

	/* and added pages not online yet, or the host would balloon them */
	return dm_hv_pages(vm_memory_committed() +
			   READ_ONCE(dm->pages_ballooned) +
			   (added > onlined ? added - onlined : 0) +
			   dm_floor(totalram_pages()));
}

static void dm_status_post(struct work_struct *work)
{
	struct dm_device *dm = container_of(to_delayed_work(work),
					    struct dm_device, status_work);
	struct dm_status st = { };
	int ret;

	if (dm->pressure_delay) {
		dm->pressure_delay--;
	} else {
		st.num_avail = dm_hv_pages(si_mem_available());
		st.num_committed = dm_pages_committed(dm);
		ret = dm_send(dm, &st, DM_STATUS_REPORT, sizeof(st));
		/* a full ring: the next report is a second away */
		if (ret && ret != -EAGAIN)
			dev_err_ratelimited(&dm->hdev->device,
					    "status report not sent (%d)\n", ret);
	}
	dm_report_check(dm);
	schedule_delayed_work(&dm->status_work, HZ);
}

static int dm_debug_show(struct seq_file *f, void *unused)
{
	struct dm_device *dm = f->private;

	seq_printf(f, "%-22s: %u.%u\n", "host_version",
		   DM_VERSION_MAJOR(dm->version), DM_VERSION_MINOR(dm->version));
	seq_printf(f, "%-22s:%s%s%s\n", "capabilities",
		   dm->caps & DM_CAP_BALLOON ? " balloon" : "",
		   dm->caps & DM_CAP_HOT_ADD ? " hot_add" : "",
		   dm->ha_enabled && !dm->ha_disabled ? "" : " (hot-add off)");
	seq_printf(f, "%-22s: %s\n", "state",
		   dm->state == DM_INITIALIZED ? "initialized" : "initializing");
	seq_printf(f, "%-22s: %lu\n", "page_size", PAGE_SIZE);
	seq_printf(f, "%-22s: %llu\n", "total_pages_committed",
		   dm_pages_committed(dm));
	/* upstream's name; in 4 KiB pages like every count here */
	seq_printf(f, "%-22s: %llu\n", "pages_ballooned",
		   dm_hv_pages(READ_ONCE(dm->pages_ballooned)));
	seq_printf(f, "%-22s: %llu\n", "balloon_requests",
		   READ_ONCE(dm->balloon_requests));
	seq_printf(f, "%-22s: %llu\n", "unballoon_messages",
		   READ_ONCE(dm->unballoon_messages));
	seq_printf(f, "%-22s: %llu\n", "pages_refused",
		   dm_hv_pages(READ_ONCE(dm->pages_refused)));
	seq_printf(f, "%-22s: %llu\n", "ranges_refused",
		   READ_ONCE(dm->ranges_refused));
	seq_printf(f, "%-22s: %llu\n", "pages_added",
		   dm_hv_pages(READ_ONCE(dm->pages_added)));
	seq_printf(f, "%-22s: %llu\n", "pages_onlined",
		   dm_hv_pages(READ_ONCE(dm->pages_onlined)));
	seq_printf(f, "%-22s: %llu\n", "hot_add_requests",
		   READ_ONCE(dm->ha_requests));
	seq_printf(f, "%-22s: %llu\n", "hot_add_refused",
		   READ_ONCE(dm->ha_refused));
	seq_printf(f, "%-22s: %s\n", "free_page_reporting",
		   dm->pr_on ? "on" : "off");
	seq_printf(f, "%-22s: %llu\n", "pages_reported",
		   READ_ONCE(dm->pr_pages));
	seq_printf(f, "%-22s: %llu\n", "page_reports",
		   READ_ONCE(dm->pr_reports));
	seq_printf(f, "%-22s: %llu\n", "page_report_failures",
		   READ_ONCE(dm->pr_failures));
	seq_printf(f, "%-22s: %llu\n", "max_dynamic_page_count",
		   READ_ONCE(dm->max_dynamic_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dm_debug);

void dm_status_start(struct dm_device *dm)
{
	dm->pressure_delay = READ_ONCE(dm_pressure_report_delay);
	INIT_DELAYED_WORK(&dm->status_work, dm_status_post);
	schedule_delayed_work(&dm->status_work, 0);
	dm->debugfs = debugfs_create_file("hv-balloon", 0444, NULL, dm,
					  &dm_debug_fops);
}

void dm_status_stop(struct dm_device *dm)
{
	debugfs_remove(dm->debugfs);
	cancel_delayed_work_sync(&dm->status_work);
}
