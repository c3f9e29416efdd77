/*
 * panic_notifier_list moved from <linux/kernel.h> to its own header,
 * <linux/panic_notifier.h>: upstream change "kernel.h: split out panic
 * and oops helpers", Linux 5.14.
 */
#include <linux/panic_notifier.h>

int probe_panic_notifier_h(struct notifier_block *nb)
{
	return atomic_notifier_chain_register(&panic_notifier_list, nb);
}
