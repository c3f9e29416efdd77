/*
 * ms_hyperv.vtl: the Virtual Trust Level Linux runs in, read from the
 * hypervisor at boot (arch/x86/hyperv/hv_init.c get_vtl()).  Upstream
 * change "x86/hyperv: Add VTL specific structs and hypercalls", Linux 6.6;
 * before, Linux ran in VTL 0 only.
 */
#include <asm/mshyperv.h>

u8 probe_hv_vtl(void)
{
	return ms_hyperv.vtl;
}
