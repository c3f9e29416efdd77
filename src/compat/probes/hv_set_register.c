/*
 * The Hyper-V synthetic MSRs are read and written with hv_get_register()/
 * hv_set_register() and named HV_REGISTER_* (before: rdmsrl()/wrmsrl() on
 * HV_X64_MSR_*).  Linux 6.9 renamed both again: see hv_set_msr.c.
 * Upstream change "Drivers: hv: Redo Hyper-V synthetic MSR get/set
 * functions", Linux 5.12.
 */
#include <asm/mshyperv.h>

void probe_hv_register(void)
{
	hv_set_register(HV_REGISTER_SIMP, hv_get_register(HV_REGISTER_SIMP));
}
