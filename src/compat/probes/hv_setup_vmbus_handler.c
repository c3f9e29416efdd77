/*
 * The arch code takes the VMBus interrupt handler through
 * hv_setup_vmbus_handler()/hv_remove_vmbus_handler(); before, through
 * hv_setup_vmbus_irq(irq, handler)/hv_remove_vmbus_irq(), whose irq
 * argument x86 ignored.
 * Upstream change "Drivers: hv: vmbus: Move handling of VMbus interrupts",
 * Linux 5.12.
 */
#include <asm/mshyperv.h>

static void probe_isr(void)
{
}

void probe_vmbus_handler(void)
{
	hv_setup_vmbus_handler(probe_isr);
	hv_remove_vmbus_handler();
}
