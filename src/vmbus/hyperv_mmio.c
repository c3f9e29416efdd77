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
#include "hyperv_vmbus.h"
#include "hyperv.h"

/* The virtual TPM sits here; a window that covers it is cut short. */
#define HYPERV_VTPM_BASE	0xfed40000
/* Generation 1 VMs: the emulated video card, whose BAR 0 is the framebuffer */
#define HYPERV_VIDEO_VENDOR	0x1414	/* Microsoft */
#define HYPERV_VIDEO_DEVICE	0x5353

static acpi_status hyperv_walk_resources(struct acpi_resource *res, void *ctx)
{
	resource_size_t start, end;

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

	return vmbus_mmio_add_window(start, end) == -ENOMEM ? AE_NO_MEMORY :
							      AE_OK;
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
		/*
		 * Generation 2: the framebuffer the firmware set up.
		 * Upstream reads screen_info only under
		 * IS_ENABLED(CONFIG_SYSFB) because outside x86 it exists only
		 * with SYSFB or EFI_EARLYCON (drivers/firmware/efi/
		 * efi-init.c).  This backend is x86_64-only, where
		 * arch/x86/kernel/setup.c always defines and exports it;
		 * testing CONFIG_SYSFB here would drop the carve-out on
		 * kernels before 5.15, which have no such option.
		 */
		start = screen_info.lfb_base;
		size = max_t(u32, screen_info.lfb_size, 0x800000);

		low_mmio_base = vmbus_mmio_low_base();
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
	vmbus_mmio_reserve_fb(start, size);
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
		if (ACPI_SUCCESS(status) && vmbus_mmio_low_base()) {
			hyperv_reserve_fb();
			break;
		}
	}
	if (!vmbus_mmio_low_base())
		pr_warn("hv_vmbus: no MMIO window in ACPI _CRS\n");
	return 0;

err:
	vmbus_mmio_exit();
	return status == AE_NO_MEMORY ? -ENOMEM : -EIO;
}

