/*
 * bus_type.uevent takes a const struct device *.
 * Upstream change "driver core: make struct bus_type.uevent() take a
 * const *", Linux 6.3.
 */
#include <linux/device.h>

static int probe_uevent(const struct device *dev, struct kobj_uevent_env *env)
{
	return 0;
}

struct bus_type probe_bus = { .uevent = probe_uevent };
