/*
 * The Hyper-V synthetic MSRs are read and written with hv_get_msr()/
 * hv_set_msr() and named HV_MSR_* (before: hv_get_register()/
 * hv_set_register() and HV_REGISTER_*, which now name the hypercall
 * registers, a different number space).
 * Upstream change "hyperv-tlfs: Change prefix of generic HV_REGISTER_* MSRs
 * to HV_MSR_*", Linux 6.9.
 */
#include <asm/mshyperv.h>

void probe_hv_msr(void)
{
	hv_set_msr(HV_MSR_SIMP, hv_get_msr(HV_MSR_SIMP));
}
