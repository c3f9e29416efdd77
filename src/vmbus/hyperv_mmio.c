// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO space for VMBus devices on Hyper-V.  The firmware gives VMBus bus
 * windows in _CRS: of the VMBus device itself or of an ancestor (the PCI
 * root bus in Generation 1 VMs, the "VMOD" module device in Generation 2).
 * Drivers that map device memory (synthetic video, PCI pass-through BARs,
 * RDMA doorbells) take ranges from them with vmbus_allocate_mmio().
 *
 * This follows drivers/hv/vmbus_drv.c (Linux 6.12): vmbus_walk_resources(),
 * vmbus_reserve_fb(), vmbus_allocate_mmio(), vmbus_free_mmio().  The
 * windows are private root resources, not in iomem_resource: an allocation
 * takes a "shadow" region in its window (so allocations never overlap) and
 * the real region in iomem_resource (so nothing else claims it).
 *
 * Untested: it can only run on Hyper-V (see hyperv.c).
 */
#include <linux/acpi.h>
#include <linux/efi.h>
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/screen_info.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <hvlis/vmbus.h>
#include "hyperv.h"

/* The virtual TPM sits here; a window that covers it is cut short. */
#define HYPERV_VTPM_BASE	0xfed40000
/* Generation 1 VMs: the emulated video card, whose BAR 0 is the framebuffer */
#define HYPERV_VIDEO_VENDOR	0x1414	/* Microsoft */
#define HYPERV_VIDEO_DEVICE	0x5353

static struct resource *hyperv_mmio;	/* windows, by address, ->sibling */
static struct resource *fb_mmio;	/* framebuffer, inside a window */
static DEFINE_MUTEX(hyperv_mmio_lock);

static acpi_status hyperv_walk_resources(struct acpi_resource *res, void *ctx)
{
	resource_size_t start, end;
	struct resource **link, *new;

	switch (res->type) {
	/*
	 * Address descriptors are bus windows; memory descriptors would be
	 * registers of the device itself.
	 */
	case ACPI_RESOURCE_TYPE_ADDRESS32:
		start = res->data.address32.address.minimum;
		end = res->data.address32.address.maximum;
		break;
	case ACPI_RESOURCE_TYPE_ADDRESS64:
		start = res->data.address64.address.minimum;
		end = res->data.address64.address.maximum;
		break;
	default:
		/* x86 takes its interrupt from a fixed vector, not from _CRS */
		return AE_OK;
	}
	/* Nothing below 1 MiB is of use to a device. */
	if (end < 0x100000 || end < start)
		return AE_OK;
	if (end >= HYPERV_VTPM_BASE && start < HYPERV_VTPM_BASE)
		end = HYPERV_VTPM_BASE - 1;

	/* Keep the list sorted; adjacent windows become one. */
	for (link = &hyperv_mmio; *link; link = &(*link)->sibling) {
		struct resource *cur = *link;

		if (cur->end + 1 == start) {
			cur->end = end;
			return AE_OK;
		}
		if (cur->start == end + 1) {
			cur->start = start;
			return AE_OK;
		}
		/* The same window seen again (device and ancestor) */
		if (start <= cur->end && end >= cur->start)
			return AE_OK;
		if (cur->start > end)
			break;
	}

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return AE_NO_MEMORY;
	new->name = "hyperv mmio";
	new->flags = IORESOURCE_MEM;
	new->start = start;
	new->end = end;
	new->sibling = *link;
	*link = new;
	return AE_OK;
}

/*
 * Keep the framebuffer's range out of ordinary allocations: the firmware
 * framebuffer (efifb, simpledrm) is in use there before hyperv_fb takes it
 * over, and hyperv_fb asks for it with fb_overlap_ok.  The reported length
 * is often too short, so claim more and halve until a claim succeeds.
 */
static void hyperv_reserve_fb(void)
{
	resource_size_t start = 0, size = 0, low_mmio_base;
	struct pci_dev *pdev;

	if (efi_enabled(EFI_BOOT)) {
		/* Generation 2: the framebuffer the firmware set up */
		start = screen_info.lfb_base;
		size = max_t(u32, screen_info.lfb_size, 0x800000);

		low_mmio_base = hyperv_mmio->start;
		if (!low_mmio_base || upper_32_bits(low_mmio_base) ||
		    (start && start < low_mmio_base)) {
			pr_warn("hv_vmbus: unexpected low MMIO base %pa\n",
				&low_mmio_base);
		} else {
			/* A kdump kernel has no lfb_base: use the window's. */
			if (!start)
				start = low_mmio_base;
			/*
			 * Room for high resolutions: half of the space
			 * below 4 GiB, at most 128 MiB.
			 */
			size = min_t(resource_size_t, (SZ_4G - start) / 2,
				     SZ_128M);
		}
	} else {
		/* Generation 1: BAR 0 of the emulated video card */
		pdev = pci_get_device(HYPERV_VIDEO_VENDOR, HYPERV_VIDEO_DEVICE,
				      NULL);
		if (!pdev)
			return;
		if (pdev->resource[0].flags & IORESOURCE_MEM) {
			start = pci_resource_start(pdev, 0);
			size = pci_resource_len(pdev, 0);
		}
		/* hyperv_fb binds to the device later */
		pci_dev_put(pdev);
	}

	if (!start) {
		pr_warn("hv_vmbus: framebuffer MMIO base is zero\n");
		return;
	}
	for (; !fb_mmio && size >= 0x100000; size >>= 1)
		fb_mmio = __request_region(hyperv_mmio, start, size, "fb_range",
					   0);
	pr_info("hv_vmbus: hv_mmio=%pR,%pR fb=%pR\n", hyperv_mmio,
		hyperv_mmio->sibling, fb_mmio);
}

void hyperv_mmio_exit(void)
{
	struct resource *res, *next;

	mutex_lock(&hyperv_mmio_lock);
	if (fb_mmio) {
		__release_region(hyperv_mmio, fb_mmio->start,
				 resource_size(fb_mmio));
		fb_mmio = NULL;
	}
	for (res = hyperv_mmio; res; res = next) {
		next = res->sibling;
		kfree(res);
	}
	hyperv_mmio = NULL;
	mutex_unlock(&hyperv_mmio_lock);
}

/*
 * Collect the windows: the VMBus device's own _CRS, then its ancestors'
 * up to the first one that yields a window.  No window is not an error (the
 * bus still works; vmbus_allocate_mmio() fails).
 */
int hyperv_mmio_init(acpi_handle handle)
{
	acpi_handle cur = handle, parent;
	acpi_status status;

	status = acpi_walk_resources(handle, METHOD_NAME__CRS,
				     hyperv_walk_resources, NULL);
	if (ACPI_FAILURE(status) && status != AE_NOT_FOUND)
		goto err;

	while (ACPI_SUCCESS(acpi_get_parent(cur, &parent))) {
		cur = parent;
		status = acpi_walk_resources(cur, METHOD_NAME__CRS,
					     hyperv_walk_resources, NULL);
		if (status == AE_NO_MEMORY)
			goto err;
		if (ACPI_SUCCESS(status) && hyperv_mmio) {
			hyperv_reserve_fb();
			break;
		}
	}
	if (!hyperv_mmio)
		pr_warn("hv_vmbus: no MMIO window in ACPI _CRS\n");
	return 0;

err:
	hyperv_mmio_exit();
	return status == AE_NO_MEMORY ? -ENOMEM : -EIO;
}

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

	mutex_lock(&hyperv_mmio_lock);

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

	for (iter = hyperv_mmio; iter; iter = iter->sibling) {
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
	mutex_unlock(&hyperv_mmio_lock);
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

	mutex_lock(&hyperv_mmio_lock);
	/* A range inside the framebuffer reservation has no shadow. */
	if (!(fb_mmio && start >= fb_mmio->start &&
	      start + size - 1 <= fb_mmio->end)) {
		for (iter = hyperv_mmio; iter; iter = iter->sibling) {
			if (iter->start >= start + size || iter->end <= start)
				continue;
			__release_region(iter, start, size);
		}
	}
	release_mem_region(start, size);
	mutex_unlock(&hyperv_mmio_lock);
}
EXPORT_SYMBOL_GPL(vmbus_free_mmio);
