// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO space for VMBus devices.  A backend names the windows of guest
 * physical address space the host set aside for VMBus devices (real
 * Hyper-V: the ACPI _CRS of the VMBus device, see hyperv_mmio.c; hvsim: a
 * part of the ivshmem BAR2); drivers that map device memory (synthetic
 * video, PCI pass-through BARs, RDMA doorbells) take ranges from them with
 * vmbus_allocate_mmio().
 *
 * Semantics follow drivers/hv/vmbus_drv.c (Linux 6.12): the windows are
 * private root resources, not in iomem_resource; an allocation takes a
 * "shadow" region in its window (so allocations never overlap) and the real
 * region in iomem_resource (so nothing else claims it).
 */
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "hyperv_vmbus.h"

static struct resource *vmbus_mmio;	/* windows, by address, ->sibling */
static struct resource *fb_mmio;	/* framebuffer, inside a window */
static DEFINE_MUTEX(vmbus_mmio_lock);

/*
 * Add a window [start, end].  The list stays sorted and disjoint: a window
 * that overlaps or touches others is merged with them into one, so a
 * range reported twice (a device and its ancestor, or two _CRS entries
 * that partly overlap) keeps every part that is new.  Upstream merges
 * adjacent ranges only (vmbus_walk_resources(), 6.12) and would link
 * overlapping ones side by side.  Backends name their windows before
 * anything is allocated; a merge that would take in a window already
 * holding allocations is refused (-EBUSY) rather than move them.
 */
int vmbus_mmio_add_window(resource_size_t start, resource_size_t end)
{
	struct resource **link, *cur, *next, *new;
	resource_size_t reach;
	int ret = 0;

	/* ~0 is no address a host gives; excluding it keeps "end + 1" exact */
	if (end < start || end == ~(resource_size_t)0)
		return -EINVAL;
	mutex_lock(&vmbus_mmio_lock);
	/* the first window that reaches up to @start or beyond */
	for (link = &vmbus_mmio; *link && (*link)->end + 1 < start;
	     link = &(*link)->sibling)
		;
	cur = *link;
	if (!cur || cur->start > end + 1) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new) {
			ret = -ENOMEM;
			goto out;
		}
		new->name = "hyperv mmio";
		new->flags = IORESOURCE_MEM;
		new->start = start;
		new->end = end;
		new->sibling = cur;
		*link = new;
		goto out;
	}
	/* @cur and every window the union reaches become one */
	reach = max(cur->end, end);
	for (next = cur; next && next->start <= reach + 1; next = next->sibling) {
		if (next->child) {
			ret = -EBUSY;
			goto out;
		}
		reach = max(reach, next->end);
	}
	cur->start = min(cur->start, start);
	cur->end = reach;
	while ((next = cur->sibling) && next->start <= reach + 1) {
		cur->sibling = next->sibling;
		kfree(next);
	}
out:
	mutex_unlock(&vmbus_mmio_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_mmio_add_window);

/* Start of the lowest window, 0 if there is none. */
resource_size_t vmbus_mmio_low_base(void)
{
	return vmbus_mmio ? vmbus_mmio->start : 0;
}

/*
 * Keep the framebuffer's range out of ordinary allocations (the firmware
 * framebuffer is in use there before hyperv_fb takes it over; hyperv_fb asks
 * with fb_overlap_ok).  The reported length is often too short, so claim
 * more and halve until a claim succeeds.
 */
void vmbus_mmio_reserve_fb(resource_size_t start, resource_size_t size)
{
	mutex_lock(&vmbus_mmio_lock);
	for (; vmbus_mmio && !fb_mmio && size >= 0x100000; size >>= 1)
		fb_mmio = __request_region(vmbus_mmio, start, size, "fb_range",
					   0);
	if (vmbus_mmio)
		pr_info("hv_vmbus: hv_mmio=%pR,%pR fb=%pR\n", vmbus_mmio,
			vmbus_mmio->sibling, fb_mmio);
	mutex_unlock(&vmbus_mmio_lock);
}

/* Forget every window (the backend that named them is going away). */
void vmbus_mmio_exit(void)
{
	struct resource *res, *next;

	mutex_lock(&vmbus_mmio_lock);
	if (fb_mmio) {
		__release_region(vmbus_mmio, fb_mmio->start,
				 resource_size(fb_mmio));
		fb_mmio = NULL;
	}
	for (res = vmbus_mmio; res; res = next) {
		next = res->sibling;
		kfree(res);
	}
	vmbus_mmio = NULL;
	mutex_unlock(&vmbus_mmio_lock);
}
EXPORT_SYMBOL_GPL(vmbus_mmio_exit);

/**
 * vmbus_allocate_mmio() - take a range of MMIO space for a VMBus device
 * @new: set to the range (in iomem_resource) on success
 * @device_obj: the device that will own the range; names it
 * @min: lowest acceptable start address
 * @max: highest acceptable end address
 * @size: size of the range
 * @align: alignment of its start, a power of two
 * @fb_overlap_ok: the range may lie in the framebuffer's reservation (which
 *	is then tried first)
 *
 * Context: process context; may sleep.
 * Return: 0 on success, -ENXIO if no window has such a free range, -EINVAL
 * for a bad size or alignment.
 */
int vmbus_allocate_mmio(struct resource **new, struct hv_device *device_obj,
			resource_size_t min, resource_size_t max,
			resource_size_t size, resource_size_t align,
			bool fb_overlap_ok)
{
	const char *dev_n = dev_name(&device_obj->device);
	resource_size_t range_min, range_max, start, end;
	struct resource *iter, *shadow;
	int ret = -ENXIO;

	if (!size || !is_power_of_2(align))
		return -EINVAL;

	mutex_lock(&vmbus_mmio_lock);

	/*
	 * The framebuffer reservation is already claimed in its window, so a
	 * range in it needs no shadow.
	 */
	if (fb_overlap_ok && fb_mmio && min <= fb_mmio->end &&
	    max >= fb_mmio->start) {
		range_min = max(min, fb_mmio->start);
		range_max = min(max, fb_mmio->end);
		start = ALIGN(range_min, align);
		for (; start + size - 1 <= range_max; start += align) {
			*new = request_mem_region_exclusive(start, size, dev_n);
			if (*new) {
				ret = 0;
				goto out;
			}
		}
	}

	for (iter = vmbus_mmio; iter; iter = iter->sibling) {
		if (iter->start >= max || iter->end <= min)
			continue;

		/* unlike upstream, keep to [min, max] within the window */
		range_min = max(min, iter->start);
		range_max = min(max, iter->end);
		start = ALIGN(range_min, align);
		for (; start + size - 1 <= range_max; start += align) {
			end = start + size - 1;

			/* Not in the framebuffer's range unless allowed */
			if (!fb_overlap_ok && fb_mmio &&
			    ((start >= fb_mmio->start && start <= fb_mmio->end) ||
			     (end >= fb_mmio->start && end <= fb_mmio->end)))
				continue;

			shadow = __request_region(iter, start, size, dev_n,
						  IORESOURCE_BUSY);
			if (!shadow)
				continue;

			*new = request_mem_region_exclusive(start, size, dev_n);
			if (*new) {
				ret = 0;
				goto out;
			}
			__release_region(iter, start, size);
		}
	}
out:
	mutex_unlock(&vmbus_mmio_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_allocate_mmio);

/**
 * vmbus_free_mmio() - give back a range from vmbus_allocate_mmio()
 * @start: its start address
 * @size: its size
 */
void vmbus_free_mmio(resource_size_t start, resource_size_t size)
{
	struct resource *iter;

	mutex_lock(&vmbus_mmio_lock);
	/* A range inside the framebuffer reservation has no shadow. */
	if (!(fb_mmio && start >= fb_mmio->start &&
	      start + size - 1 <= fb_mmio->end)) {
		for (iter = vmbus_mmio; iter; iter = iter->sibling) {
			if (iter->start >= start + size || iter->end <= start)
				continue;
			__release_region(iter, start, size);
		}
	}
	release_mem_region(start, size);
	mutex_unlock(&vmbus_mmio_lock);
}
EXPORT_SYMBOL_GPL(vmbus_free_mmio);
