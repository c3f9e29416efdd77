/*
 * kobject_init_and_add() accepts a const struct kobj_type *.
 * Upstream change "driver core: make kobj_type constant.", Linux 6.2.
 */
#include <linux/kobject.h>

static const struct kobj_type probe_ktype;

int probe_kobj(struct kobject *kobj)
{
	return kobject_init_and_add(kobj, &probe_ktype, NULL, "x");
}
