/*
 * hv_nested tells whether Linux runs nested under another Hyper-V guest
 * acting as root (exported by drivers/hv/hv_common.c).  Upstream change
 * "x86/hyperv: Add support for detecting nested hypervisor", Linux 6.3.
 */
#include <asm/mshyperv.h>

bool probe_hv_nested(void)
{
	return hv_nested;
}
