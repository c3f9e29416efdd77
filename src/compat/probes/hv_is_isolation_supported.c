/*
 * hv_is_isolation_supported() tells whether this is an isolated
 * (confidential) Hyper-V VM.
 * Upstream change "x86/hyperv: Load/save the Isolation Configuration leaf",
 * Linux 5.12.
 */
#include <asm/mshyperv.h>

bool probe_isolation(void)
{
	return hv_is_isolation_supported();
}
