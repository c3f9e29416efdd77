// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU SynIC pages and the VMBus interrupt.  The host writes channel
 * messages into the SINT 2 slot of a CPU's message page and sets relid bits
 * in its event-flags page; the backend calls hv_backend_interrupt() on that
 * CPU's interrupt.  Messages are copied out at once (the slot is the host's
 * to reuse) and handed to connection.c.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/slab.h>

#include <hvlis/synic.h>
#include "hyperv_vmbus.h"

struct hv_synic_cpu {
	struct hv_message *msg_page;			/* HV_SYNIC_SINT_COUNT slots */
	union hv_synic_event_flags *event_page;	/* likewise */
	bool enabled;
};

static struct hv_synic_cpu *synic_cpus;
static unsigned int synic_nr_cpus;

int hv_synic_init(struct hv_backend *backend)
{
	unsigned int cpu;
	int ret;

	synic_cpus = kcalloc(backend->nr_cpus, sizeof(*synic_cpus), GFP_KERNEL);
	if (!synic_cpus)
		return -ENOMEM;
	synic_nr_cpus = backend->nr_cpus;

	for (cpu = 0; cpu < synic_nr_cpus; cpu++) {
		struct hv_synic_cpu *sc = &synic_cpus[cpu];

		sc->msg_page = (void *)get_zeroed_page(GFP_KERNEL);
		sc->event_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!sc->msg_page || !sc->event_page) {
			ret = -ENOMEM;
			goto err;
		}
		/*
		 * Listen before the host knows the pages: it may deliver a
		 * queued message as soon as they are set up.
		 */
		WRITE_ONCE(sc->enabled, true);
		ret = backend->synic_setup(cpu, virt_to_phys(sc->msg_page),
					   virt_to_phys(sc->event_page));
		if (ret) {
			WRITE_ONCE(sc->enabled, false);
			goto err;
		}
	}
	return 0;
err:
	hv_synic_exit(backend);
	return ret;
}

void hv_synic_exit(struct hv_backend *backend)
{
	unsigned int cpu;

	for (cpu = 0; cpu < synic_nr_cpus; cpu++) {
		struct hv_synic_cpu *sc = &synic_cpus[cpu];

		if (sc->enabled && backend->synic_teardown)
			backend->synic_teardown(cpu);
		WRITE_ONCE(sc->enabled, false);
	}
	/* No interrupt handler may still look at the pages. */
	synchronize_rcu();
	for (cpu = 0; cpu < synic_nr_cpus; cpu++) {
		free_page((unsigned long)synic_cpus[cpu].msg_page);
		free_page((unsigned long)synic_cpus[cpu].event_page);
	}
	kfree(synic_cpus);
	synic_cpus = NULL;
	synic_nr_cpus = 0;
}

/* Channel interrupts: each set relid bit in SINT 2's event flags. */
static void hv_synic_events(struct hv_synic_cpu *sc)
{
	union hv_synic_event_flags *ev = &sc->event_page[VMBUS_MESSAGE_SINT];
	unsigned long *flags = ev->flags;
	unsigned int i, bit;

	for (i = 0; i < HV_EVENT_FLAGS_LONG_COUNT; i++) {
		unsigned long word;

		if (!READ_ONCE(flags[i]))
			continue;
		word = xchg(&flags[i], 0);
		for_each_set_bit(bit, &word, BITS_PER_LONG)
			vmbus_channel_event(i * BITS_PER_LONG + bit);
	}
}

void hv_backend_interrupt(unsigned int cpu)
{
	struct hv_synic_cpu *sc;
	struct hv_message *msg;

	if (cpu >= synic_nr_cpus)
		return;
	sc = &synic_cpus[cpu];
	if (!READ_ONCE(sc->enabled))
		return;

	hv_synic_events(sc);

	msg = &sc->msg_page[VMBUS_MESSAGE_SINT];
	if (READ_ONCE(msg->header.message_type) == HVMSG_NONE)
		return;
	/* pairs with the host's write of the type after the payload */
	virt_rmb();
	/*
	 * A legacy-mode stimer shares the VMBus SINT, as upstream's
	 * vmbus_isr() handles it (vmbus_drv.c, 6.12): the clock event
	 * runs at once, not after the channel messages.
	 */
	if (READ_ONCE(msg->header.message_type) == HVMSG_TIMER_EXPIRED &&
	    vmbus_backend()->timer_expired)
		vmbus_backend()->timer_expired(cpu);
	else
		vmbus_on_message(msg);

	/*
	 * Free the slot, then tell the host if it has more queued for it:
	 * the EOM makes it deliver the next message.
	 */
	WRITE_ONCE(msg->header.message_type, HVMSG_NONE);
	/* the freed slot must be visible before we read msg_pending */
	mb();
	if (msg->header.message_flags.msg_pending)
		vmbus_backend()->eom(cpu);
}
EXPORT_SYMBOL_GPL(hv_backend_interrupt);

/* Does the host interrupt @cpu for some channel? */
static bool vmbus_cpu_has_channels(unsigned int cpu)
{
	struct vmbus_channel *chan;
	bool found = false;
	u32 relid;

	rcu_read_lock();
	for (relid = 1; relid < VMBUS_MAX_RELIDS && !found; relid++) {
		chan = relid2channel(relid);
		found = chan && READ_ONCE(chan->target_cpu) == cpu;
	}
	rcu_read_unlock();
	return found;
}

/*
 * Channel bits still set in @cpu's event flags (relid 0 is the message
 * connection's), after up to 3 waits of 10-20 ms for the interrupt to
 * take them: upstream's hv_synic_event_pending() (hv.c, 6.12).
 */
#define HV_SYNIC_PENDING_TRIES	3

static bool hv_synic_event_pending(unsigned int cpu)
{
	unsigned long *flags = synic_cpus[cpu].event_page[VMBUS_MESSAGE_SINT].flags;
	unsigned int tries = 0;

	for (;;) {
		unsigned long relid = find_next_bit(flags, HV_EVENT_FLAGS_COUNT, 1);

		if (relid >= HV_EVENT_FLAGS_COUNT)
			return false;
		if (tries++ >= HV_SYNIC_PENDING_TRIES)
			return true;
		usleep_range(10000, 20000);
	}
}

/*
 * CPU hotplug, from a backend's offline callback on @cpu: may it go?
 * While connected, not the CPU the host sends messages to (named in
 * INITIATE_CONTACT; Hyper-V cannot move it), nor one a channel is bound
 * to (move those first through channels/<relid>/cpu), nor one whose event
 * flags still hold channel bits: a host before 5.3 does not acknowledge
 * MODIFYCHANNEL, so an interrupt for a moved channel may still land on
 * the old CPU.  Upstream's hv_synic_cleanup() (hv.c, 6.12) is the model.
 * After UNLOAD (kexec, crash) every CPU may go.
 */
int hv_backend_cpu_offline(unsigned int cpu)
{
	struct hv_backend *b = vmbus_backend();
	u32 vp;

	if (!b || READ_ONCE(vmbus_connection.state) != VMBUS_CONNECTED ||
	    cpu >= synic_nr_cpus)
		return 0;
	vp = b->vp_index ? b->vp_index(cpu) : cpu;
	if (vp == READ_ONCE(vmbus_connection.connect_vp) ||
	    vmbus_cpu_has_channels(cpu))
		return -EBUSY;
	if (vmbus_connection.version >= VERSION_WIN10_V4_1 &&
	    hv_synic_event_pending(cpu)) {
		pr_info_ratelimited("hv_vmbus: CPU %u stays online: channel events still pending\n",
				    cpu);
		return -EBUSY;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(hv_backend_cpu_offline);

/*
 * Panic (other CPUs stopped, interrupts off): the UNLOAD_RESPONSE lands
 * in some CPU's message slot and nobody takes it, so look in every CPU's
 * slot ourselves and free each one we find taken (the answer may be
 * queued behind it).  As upstream's vmbus_wait_for_unload()
 * (channel_mgmt.c, 6.12): 10 ms steps, 100 s at most, a notice every 5 s;
 * then every slot is cleared, so that the crash kernel's own answers can
 * land.
 */
#define UNLOAD_POLL_MS		10
#define UNLOAD_POLL_LOOPS	(100 * 1000 / UNLOAD_POLL_MS)
#define UNLOAD_NOTICE_LOOPS	(5 * 1000 / UNLOAD_POLL_MS)

static bool hv_synic_take_unload(unsigned int cpu)
{
	struct hv_message *msg = &synic_cpus[cpu].msg_page[VMBUS_MESSAGE_SINT];
	struct vmbus_channel_message_header hdr;

	if (READ_ONCE(msg->header.message_type) == HVMSG_NONE)
		return false;
	/* pairs with the host's write of the type after the payload */
	virt_rmb();
	memcpy(&hdr, msg->u.payload, sizeof(hdr));
	WRITE_ONCE(msg->header.message_type, HVMSG_NONE);
	/* the freed slot must be visible before we read msg_pending */
	mb();
	if (msg->header.message_flags.msg_pending)
		vmbus_backend()->eom(cpu);
	return hdr.msgtype == CHANNELMSG_UNLOAD_RESPONSE;
}

void hv_synic_wait_unload(void)
{
	unsigned int cpu, i;
	bool done = false;

	for (i = 1; i <= UNLOAD_POLL_LOOPS && !done; i++) {
		for (cpu = 0; cpu < synic_nr_cpus; cpu++)
			if (READ_ONCE(synic_cpus[cpu].enabled) &&
			    hv_synic_take_unload(cpu))
				done = true;
		if (done)
			break;
		if (!(i % UNLOAD_NOTICE_LOOPS))
			pr_notice("hv_vmbus: waiting for the host's UNLOAD_RESPONSE\n");
		mdelay(UNLOAD_POLL_MS);
	}
	if (!done)
		pr_err("hv_vmbus: no UNLOAD_RESPONSE; continuing without it\n");
	for (cpu = 0; cpu < synic_nr_cpus; cpu++)
		WRITE_ONCE(synic_cpus[cpu].msg_page[VMBUS_MESSAGE_SINT].header.message_type,
			   HVMSG_NONE);
}
