/*
 * bus_register() and struct device/device_driver take a const bus_type.
 * Upstream changes "driver core: bus: constify bus_register()" and
 * "driver core: make struct device.bus a const *", Linux 6.4 and 6.5.
 */
#include <linux/device.h>

static const struct bus_type probe_bus;

int probe_const_bus(struct device *dev, struct device_driver *drv)
{
	dev->bus = &probe_bus;
	drv->bus = &probe_bus;
	return bus_register(&probe_bus);
}
