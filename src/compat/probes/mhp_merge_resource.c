/*
 * add_memory()'s flag that merges the new memory into one System RAM
 * resource: MEMHP_MERGE_RESOURCE when it came (Linux 5.10), MHP_ since
 * "mm/memory_hotplug: rename MEMHP_ to MHP_" (5.11).
 */
#include <linux/memory_hotplug.h>

mhp_t probe_mhp_merge_resource(void)
{
	return MHP_MERGE_RESOURCE;
}
