// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts to the guest.  Writing the guest's eventfd k makes QEMU raise
 * MSI-X vector k, which the sim backend handles as the SynIC interrupt of
 * CPU k.  Tests can drop or delay them per CPU ("irq drop", "irq delay")
 * to exercise the guest's lost-interrupt and polling paths.  Delayed
 * interrupts to one CPU coalesce, as a real interrupt that is already
 * pending does.
 */
#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/hvsim.h"

static void irq_fire(struct hvsim *hs, unsigned int cpu)
{
	uint64_t one = 1;
	int fd = hs->iv.guest_efd[cpu];

	if (fd < 0) {
		hs->stats.irqs_lost++;
		return;
	}
	/* EAGAIN would mean 2^64-2 pending counts: still pending, fine */
	if (write(fd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN) {
		log_warn("cpu %u: interrupt eventfd: %s", cpu, strerror(errno));
		hs->stats.irqs_lost++;
		return;
	}
	hs->stats.irqs_raised++;
}

static void irq_arm_timer(struct hvsim *hs)
{
	struct itimerspec its = { 0 };
	uint64_t next = 0;

	for (unsigned int cpu = 0; cpu < hs->cfg.nr_cpus; cpu++) {
		uint64_t due = hs->irq[cpu].due_ns;

		if (due && (!next || due < next))
			next = due;
	}
	if (next) {
		its.it_value.tv_sec = (time_t)(next / 1000000000ull);
		its.it_value.tv_nsec = (long)(next % 1000000000ull);
	}
	/* all zero disarms */
	timerfd_settime(hs->irq_timer.fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void irq_timer_cb(struct watch *w, uint32_t events)
{
	struct hvsim *hs = w->priv;
	uint64_t expirations, now = now_ns();

	(void)events;
	if (read(w->fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		log_warn("irq timer: %s", strerror(errno));
	for (unsigned int cpu = 0; cpu < hs->cfg.nr_cpus; cpu++) {
		struct irq_cpu *ic = &hs->irq[cpu];

		if (!ic->due_ns || ic->due_ns > now)
			continue;
		ic->due_ns = 0;
		/* "irq drop" switched on while it waited wins */
		if (ic->drop)
			hs->stats.irqs_dropped++;
		else
			irq_fire(hs, cpu);
	}
	irq_arm_timer(hs);
}

void irq_raise(struct hvsim *hs, unsigned int cpu)
{
	struct irq_cpu *ic;

	if (cpu >= hs->cfg.nr_cpus)
		return;
	ic = &hs->irq[cpu];
	if (ic->drop) {
		hs->stats.irqs_dropped++;
		return;
	}
	if (!ic->delay_ms || hs->irq_timer.fd < 0) {
		irq_fire(hs, cpu);
		return;
	}
	hs->stats.irqs_delayed++;
	if (ic->due_ns)
		return;		/* coalesce with the one already waiting */
	ic->due_ns = now_ns() + (uint64_t)ic->delay_ms * 1000000ull;
	irq_arm_timer(hs);
}

/* the guest went away: nothing is owed to it */
void irq_reset(struct hvsim *hs)
{
	for (unsigned int cpu = 0; cpu < HVSIM_MAX_CPUS; cpu++)
		hs->irq[cpu].due_ns = 0;
	if (hs->irq_timer.fd >= 0)
		irq_arm_timer(hs);
}

int irq_init(struct hvsim *hs)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd < 0) {
		log_err("timerfd_create: %s", strerror(errno));
		return -1;
	}
	hs->irq_timer.fd = fd;
	hs->irq_timer.cb = irq_timer_cb;
	hs->irq_timer.priv = hs;
	if (loop_add(&hs->irq_timer, EPOLLIN)) {
		close(fd);
		hs->irq_timer.fd = -1;
		return -1;
	}
	return 0;
}

void irq_exit(struct hvsim *hs)
{
	if (hs->irq_timer.fd < 0)
		return;
	loop_del(&hs->irq_timer);
	close(hs->irq_timer.fd);
	hs->irq_timer.fd = -1;
}
