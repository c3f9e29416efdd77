/*
 * bus_type.match takes a const struct device_driver *.
 * Upstream change "driver core: have match() callback in struct
 * bus_type take a const *", Linux 6.11.
 */
#include <linux/device.h>

static int probe_match(struct device *dev, const struct device_driver *drv)
{
	return 0;
}

struct bus_type probe_bus = { .match = probe_match };
