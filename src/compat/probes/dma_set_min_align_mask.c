/*
 * dma_set_min_align_mask(): bounce buffers keep the low address bits the
 * driver asks for (storvsc: the offset inside a 4 KiB Hyper-V page).
 * Upstream change "driver core: add a min_align_mask field to struct
 * device_dma_parameters", Linux 5.12 (Debian's 5.10 has it backported).
 */
#include <linux/dma-mapping.h>

void probe_min_align(struct device *dev)
{
	dma_set_min_align_mask(dev, 4095);
}
