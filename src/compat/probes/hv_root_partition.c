/*
 * hv_root_partition tells whether Linux runs as Hyper-V's root partition.
 * Upstream change "x86/hyperv: detect if Linux is the root partition",
 * Linux 5.12.
 */
#include <asm/mshyperv.h>

bool probe_root_partition(void)
{
	return hv_root_partition;
}
