/*
 * bus_type.remove returns void.
 * Upstream change "bus: Make remove callback return void", Linux 5.15.
 */
#include <linux/device.h>

static void probe_remove(struct device *dev)
{
}

struct bus_type probe_bus = { .remove = probe_remove };
