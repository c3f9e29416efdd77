/*
 * platform_driver.remove returns void.
 * Upstream change "platform: Make platform_driver::remove() return void",
 * Linux 6.11.
 */
#include <linux/platform_device.h>

static void probe_remove(struct platform_device *pdev)
{
}

struct platform_driver probe_driver = { .remove = probe_remove };
