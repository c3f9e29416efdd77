// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "hyperv" hypervisor backend: carries hv_vmbus on real Hyper-V and
 * Azure (x86_64).  It binds the ACPI VMBus device, posts messages and
 * signals events with the kernel's hypercall page, points each CPU's SynIC
 * at the pages synic.c gives it, and takes the VMBus interrupt from the
 * arch's fixed vector (HYPERVISOR_CALLBACK_VECTOR).
 *
 * UNTESTED: this code can only run on Hyper-V, and nothing where the
 * project is developed runs Hyper-V (hvsim carries the bus through the
 * "sim" backend instead).  It is compile-tested against every target
 * kernel and written to be reviewed against upstream (Linux 6.12):
 *   hyperv_post_message()	drivers/hv/hv.c hv_post_message()
 *   hyperv_signal_event()	drivers/hv/connection.c vmbus_set_event()
 *   hyperv_synic_enable/disable	drivers/hv/hv.c hv_synic_enable_regs(),
 *				hv_synic_disable_regs()
 *   hyperv_cpu_offline()	drivers/hv/hv.c hv_synic_cleanup()
 *   hyperv_backend_init(), the platform driver, the kexec handler
 *				drivers/hv/vmbus_drv.c hv_acpi_init(),
 *				vmbus_bus_init(), hv_kexec_handler()
 * Not supported, the backend then stays idle: isolated (confidential) VMs,
 * which need decrypted SynIC and hypercall pages, and Linux as the root
 * partition.
 */
#include <linux/acpi.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/platform_device.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/smpboot.h>
#include <linux/workqueue.h>
#include <asm/irq_vectors.h>
#include <asm/mshyperv.h>
#include <clocksource/hyperv_timer.h>

#include <hvlis/hv_ext.h>
#include <hvlis/synic.h>
#include "hyperv_vmbus.h"
#include "hyperv.h"

/* What synic.c asked for on one CPU; applied on that CPU when online. */
struct hyperv_synic_cpu {
	phys_addr_t msg_page;
	phys_addr_t event_page;
	bool set_up;			/* between synic_setup and _teardown */
};

static DEFINE_PER_CPU(struct hyperv_synic_cpu, hyperv_synic);

static struct {
	struct platform_device *pdev;	/* the bound ACPI VMBus device */
	struct hv_backend backend;
	int cpuhp_state;
} hyperv;

static bool hyperv_driver_registered;

static u32 hyperv_vp_index(unsigned int cpu)
{
	return hv_vp_index[cpu];
}

/*
 * HVCALL_POST_MESSAGE.  The input must not cross a page boundary: it goes
 * in this CPU's hypercall input page, which is ours while interrupts are
 * off.  Callable from any context.
 */
static u16 hyperv_post_message(u32 connection_id, u32 message_type,
			       const void *payload, u32 size)
{
	struct hv_input_post_message *msg;
	unsigned long flags;
	u64 status;

	if (size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return HV_STATUS_INVALID_PARAMETER;

	local_irq_save(flags);
	msg = compat_hv_pcpu_input_page();
	msg->connectionid = connection_id & HV_CONNECTION_ID_MASK;
	msg->reserved = 0;
	msg->message_type = message_type;
	msg->payload_size = size;
	memcpy(msg->payload, payload, size);
	status = hv_do_hypercall(HVCALL_POST_MESSAGE, msg, NULL);
	local_irq_restore(flags);

	return status & HV_HYPERCALL_RESULT_MASK;
}

/* HVCALL_SIGNAL_EVENT, flag 0, input in a register (fast hypercall). */
static u16 hyperv_signal_event(u32 connection_id)
{
	u64 status;

	status = hv_do_fast_hypercall8(HVCALL_SIGNAL_EVENT,
				       hv_signal_event_input(connection_id, 0));
	return status & HV_HYPERCALL_RESULT_MASK;
}

/*
 * Program the SynIC of the CPU this runs on: message page, event-flags
 * page, SINT 2 unmasked on the VMBus vector, SynIC on.  The SynIC
 * registers are per-VP MSRs, so this must run on that CPU.
 */
static void hyperv_synic_enable(const struct hyperv_synic_cpu *s)
{
	union hv_synic_scontrol sctrl;
	union hv_synic_siefp siefp;
	union hv_synic_simp simp;
	union hv_synic_sint sint;

	simp.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SIMP));
	simp.simp_enabled = 1;
	simp.base_simp_gpa = s->msg_page >> HV_HYP_PAGE_SHIFT;
	compat_hv_set_msr(COMPAT_HV_MSR(SIMP), simp.as_uint64);

	siefp.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SIEFP));
	siefp.siefp_enabled = 1;
	siefp.base_siefp_gpa = s->event_page >> HV_HYP_PAGE_SHIFT;
	compat_hv_set_msr(COMPAT_HV_MSR(SIEFP), siefp.as_uint64);

	sint.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SINT0) +
					   VMBUS_MESSAGE_SINT);
	sint.vector = HYPERVISOR_CALLBACK_VECTOR;
	sint.masked = false;
	/*
	 * Auto-EOI unless the host advises against it; the arch's vector
	 * handler sends the APIC EOI itself exactly in that case.
	 */
	sint.auto_eoi = !(ms_hyperv.hints & HV_DEPRECATING_AEOI_RECOMMENDED);
	compat_hv_set_msr(COMPAT_HV_MSR(SINT0) + VMBUS_MESSAGE_SINT,
			  sint.as_uint64);

	sctrl.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SCONTROL));
	sctrl.enable = 1;
	compat_hv_set_msr(COMPAT_HV_MSR(SCONTROL), sctrl.as_uint64);
}

/* Undo hyperv_synic_enable() on the CPU this runs on. */
static void hyperv_synic_disable(void)
{
	union hv_synic_scontrol sctrl;
	union hv_synic_siefp siefp;
	union hv_synic_simp simp;
	union hv_synic_sint sint;

	sint.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SINT0) +
					   VMBUS_MESSAGE_SINT);
	sint.masked = 1;
	compat_hv_set_msr(COMPAT_HV_MSR(SINT0) + VMBUS_MESSAGE_SINT,
			  sint.as_uint64);

	simp.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SIMP));
	simp.simp_enabled = 0;
	simp.base_simp_gpa = 0;
	compat_hv_set_msr(COMPAT_HV_MSR(SIMP), simp.as_uint64);

	siefp.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SIEFP));
	siefp.siefp_enabled = 0;
	siefp.base_siefp_gpa = 0;
	compat_hv_set_msr(COMPAT_HV_MSR(SIEFP), siefp.as_uint64);

	sctrl.as_uint64 = compat_hv_get_msr(COMPAT_HV_MSR(SCONTROL));
	sctrl.enable = 0;
	compat_hv_set_msr(COMPAT_HV_MSR(SCONTROL), sctrl.as_uint64);
}

/*
 * SynIC up or down on the CPU this runs on, in process context, with the
 * synthetic timer that depends on it.  On hosts without stimer direct
 * mode the clock event of each CPU is a stimer whose expiry arrives as a
 * message on our SINT 2: the arch code (drivers/clocksource/
 * hyperv_timer.c) allocates it at boot but registers it only when the
 * VMBus driver says that SINT is live, and unbinds it (the LAPIC timer
 * takes over) before the SINT goes, as upstream's hv_synic_init() and
 * hv_synic_cleanup() do.  Both calls do nothing in direct mode, and may
 * sleep, hence work_on_cpu() and the CPU hotplug callbacks, not an IPI.
 */
static void hyperv_cpu_up(struct hyperv_synic_cpu *s)
{
	hyperv_synic_enable(s);
	hv_stimer_legacy_init(smp_processor_id(), VMBUS_MESSAGE_SINT);
}

static void hyperv_cpu_down(void)
{
	hv_stimer_legacy_cleanup(smp_processor_id());
	hyperv_synic_disable();
}

/* work_on_cpu() callbacks, run on the target CPU */
static long hyperv_cpu_up_fn(void *unused)
{
	hyperv_cpu_up(this_cpu_ptr(&hyperv_synic));
	return 0;
}

static long hyperv_cpu_down_fn(void *unused)
{
	hyperv_cpu_down();
	return 0;
}

/* on_each_cpu() callback for kexec, after the stimers are gone */
static void hyperv_synic_disable_fn(void *unused)
{
	hyperv_synic_disable();
}

/*
 * CPU hotplug holds off while a CPU's pages change; an offline CPU gets
 * them from hyperv_cpu_online() when it comes up.
 */
static int hyperv_synic_setup(unsigned int cpu, phys_addr_t msg_page,
			      phys_addr_t event_page)
{
	struct hyperv_synic_cpu *s;
	int ret = 0;

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	s = per_cpu_ptr(&hyperv_synic, cpu);

	cpus_read_lock();
	s->msg_page = msg_page;
	s->event_page = event_page;
	s->set_up = true;
	if (cpu_online(cpu))
		ret = work_on_cpu(cpu, hyperv_cpu_up_fn, NULL);
	if (ret)
		s->set_up = false;
	cpus_read_unlock();
	return ret;
}

static void hyperv_synic_teardown(unsigned int cpu)
{
	struct hyperv_synic_cpu *s;

	if (cpu >= nr_cpu_ids)
		return;
	s = per_cpu_ptr(&hyperv_synic, cpu);

	cpus_read_lock();
	/* an offline CPU was disabled by hyperv_cpu_offline() */
	if (s->set_up && cpu_online(cpu))
		work_on_cpu(cpu, hyperv_cpu_down_fn, NULL);
	s->set_up = false;
	cpus_read_unlock();
}

/*
 * End of message: the host may deliver the next message queued for this
 * CPU's SINT 2.  EOM is a register of the running VP; synic.c calls this
 * from the interrupt on @cpu.
 */
static void hyperv_eom(unsigned int cpu)
{
	if (WARN_ON_ONCE(cpu != smp_processor_id()))
		return;
	compat_hv_set_msr(COMPAT_HV_MSR(EOM), 0);
}

/*
 * The partition reference counter (TLFS "Partition Reference Counter",
 * HV_X64_MSR_TIME_REF_COUNT): 100 ns units since the partition started.
 * The MSR read traps to the hypervisor; hv_utils reads it a few times per
 * time sample, so the TSC page's speed is not needed here.
 */
static u64 hyperv_ref_counter(void)
{
	return compat_hv_get_msr(COMPAT_HV_MSR(TIME_REF_COUNT));
}

/*
 * HvExtCallQueryCapabilities, made once: the answer does not change
 * (hv_common.c's hv_query_ext_cap()).  Only a partition granted extended
 * hypercalls may make it.  The output must be directly mapped and 8-byte
 * aligned, so a static, not the stack.
 */
static u64 hyperv_ext_caps(void)
{
	static u64 caps __aligned(8);
	static bool queried;
	static DEFINE_MUTEX(lock);
	u64 status;

	mutex_lock(&lock);
	if (!queried) {
		queried = true;
		if (cpuid_ebx(HYPERV_CPUID_FEATURES) &
		    HVLIS_ENABLE_EXTENDED_HYPERCALLS_EBX) {
			status = hv_do_hypercall(HV_EXT_CALL_QUERY_CAPABILITIES,
						 NULL, &caps);
			if ((status & HV_HYPERCALL_RESULT_MASK) !=
			    HV_STATUS_SUCCESS) {
				pr_err("hv_vmbus: extended capabilities query failed (0x%llx)\n",
				       status);
				caps = 0;
			}
		}
	}
	mutex_unlock(&lock);
	return caps;
}

/*
 * HvExtCallMemoryHeatHint, a rep hypercall: the type word and the ranges
 * in this CPU's input page, a page's worth at a time.
 */
static u16 hyperv_memory_hint(u32 type, const u64 *ranges, unsigned int n)
{
	const unsigned int max = HV_HYP_PAGE_SIZE / sizeof(u64) - 1;
	u16 status = HV_STATUS_SUCCESS;
	unsigned long flags;
	u64 *in;

	while (n && status == HV_STATUS_SUCCESS) {
		unsigned int k = min(n, max);

		local_irq_save(flags);
		in = compat_hv_pcpu_input_page();
		in[0] = type & HVLIS_HEAT_HINT_TYPE_MASK;
		memcpy(&in[1], ranges, k * sizeof(*ranges));
		status = hv_do_rep_hypercall(HV_EXT_CALL_MEMORY_HEAT_HINT, k,
					     0, in, NULL) &
			 HV_HYPERCALL_RESULT_MASK;
		local_irq_restore(flags);
		ranges += k;
		n -= k;
	}
	return status;
}

/* a legacy-mode stimer expired (synic.c saw HVMSG_TIMER_EXPIRED) */
static void hyperv_timer_expired(unsigned int cpu)
{
	hv_stimer0_isr();
}

/*
 * PREEMPT_RT: the arch calls the VMBus vector's handler in hard-IRQ
 * context even on RT (it is no Linux IRQ, so nothing threads it), but
 * the message and channel paths take spinlock_t locks, which sleep on RT,
 * and allocate.  There, as upstream (vmbus_drv.c 6.12: vmbus_irqd), the
 * vector only wakes a per-CPU SCHED_FIFO thread that does the work, with
 * bottom halves off as in a threaded IRQ handler, so the tasklets and
 * NAPI polls it raises run when it is done.  The thread is bound to its
 * CPU, which the per-CPU message slot and EOM need.
 */
static DEFINE_PER_CPU(bool, hyperv_irq_pending);
static DEFINE_PER_CPU(struct task_struct *, hyperv_irqd);

static void hyperv_irqd_setup(unsigned int cpu)
{
	sched_set_fifo(current);
}

static int hyperv_irqd_should_run(unsigned int cpu)
{
	return __this_cpu_read(hyperv_irq_pending);
}

static void hyperv_irqd_run(unsigned int cpu)
{
	__this_cpu_write(hyperv_irq_pending, false);
	local_bh_disable();
	hv_backend_interrupt(cpu);
	local_bh_enable();
}

static struct smp_hotplug_thread hyperv_irq_threads = {
	.store			= &hyperv_irqd,
	.setup			= hyperv_irqd_setup,
	.thread_should_run	= hyperv_irqd_should_run,
	.thread_fn		= hyperv_irqd_run,
	.thread_comm		= "vmbus_irq/%u",
};

static bool hyperv_irq_threads_up;

/* after the vector's handler is gone: parks and frees the threads */
static void hyperv_irq_threads_down(void)
{
	if (hyperv_irq_threads_up)
		smpboot_unregister_percpu_thread(&hyperv_irq_threads);
	hyperv_irq_threads_up = false;
}

/*
 * The arch's HYPERVISOR_CALLBACK_VECTOR handler calls this, IRQs off.  It
 * is not a Linux IRQ, so it feeds the entropy pool itself, as upstream's
 * vmbus_isr() does (vmbus_drv.c, 6.12): on a VM with little other device
 * I/O, VMBus interrupts are much of what there is.
 */
static void hyperv_vmbus_isr(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		__this_cpu_write(hyperv_irq_pending, true);
		wake_up_process(__this_cpu_read(hyperv_irqd));
	} else {
		hv_backend_interrupt(smp_processor_id());
	}
	add_interrupt_randomness(HYPERVISOR_CALLBACK_VECTOR);
}

/* CPU hotplug: runs on @cpu as it comes up. */
static int hyperv_cpu_online(unsigned int cpu)
{
	struct hyperv_synic_cpu *s = per_cpu_ptr(&hyperv_synic, cpu);

	if (s->set_up)
		hyperv_cpu_up(s);
	return 0;
}

/*
 * CPU hotplug: runs on @cpu as it goes down.  The bus says whether the
 * CPU may go (hv_backend_cpu_offline); then its SynIC is turned off, as
 * upstream's hv_synic_cleanup() does.
 */
static int hyperv_cpu_offline(unsigned int cpu)
{
	struct hyperv_synic_cpu *s = per_cpu_ptr(&hyperv_synic, cpu);
	int ret;

	if (!s->set_up)
		return 0;
	ret = hv_backend_cpu_offline(cpu);
	if (ret)
		return ret;
	hyperv_cpu_down();
	return 0;
}

/*
 * kexec (machine_shutdown, after every device's shutdown): UNLOAD, as
 * upstream's hv_kexec_handler() does, where the reboot notifier could not
 * tell the kexec (connection.c); then the next kernel must find no SynIC
 * pointing into memory it will reuse.
 */
static void hyperv_kexec(void)
{
	/*
	 * No stimer may fire into the next kernel before it has set up its
	 * vectors: direct-mode and legacy timers both go, and the LAPIC
	 * timer carries this kernel to the jump (upstream hv_kexec_handler).
	 */
	hv_stimer_global_cleanup();
	hv_backend_unload(&hyperv.backend);
	on_each_cpu(hyperv_synic_disable_fn, NULL, true);
}

/*
 * Crash (machine_crash_shutdown; the other CPUs are stopped already):
 * UNLOAD without sleeping, then this CPU's stimer and SynIC off, as
 * upstream's hv_crash_handler().  The panic notifier (connection.c) does
 * the UNLOAD when it runs first, and this finds the connection gone.
 */
static void hyperv_crash(struct pt_regs *regs)
{
	vmbus_unload_crash();
	hv_stimer_cleanup(smp_processor_id());
	hyperv_synic_disable();
}

static int hyperv_probe(struct platform_device *pdev)
{
	struct acpi_device *adev = ACPI_COMPANION(&pdev->dev);
	int ret;

	if (!adev)
		return -ENODEV;
	/* one bus, should the firmware describe more than one device */
	if (hyperv.pdev)
		return -EBUSY;

	ret = hyperv_mmio_init(adev->handle);
	if (ret)
		return ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					"hv_vmbus/hyperv:online",
					hyperv_cpu_online, hyperv_cpu_offline);
	if (ret < 0)
		goto err_mmio;
	hyperv.cpuhp_state = ret;

	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		ret = smpboot_register_percpu_thread(&hyperv_irq_threads);
		if (ret)
			goto err_cpuhp;
		hyperv_irq_threads_up = true;
	}
	compat_hv_setup_vmbus_handler(hyperv_vmbus_isr);

	hyperv.pdev = pdev;
	hyperv.backend = (struct hv_backend) {
		.name = "hyperv",
		.owner = THIS_MODULE,
		/* as upstream: devices sit below the ACPI node in sysfs */
		.parent = &adev->dev,
		.nr_cpus = nr_cpu_ids,
		.vtl = compat_hv_vtl(),
		.vp_index = hyperv_vp_index,
		.post_message = hyperv_post_message,
		.signal_event = hyperv_signal_event,
		.synic_setup = hyperv_synic_setup,
		.synic_teardown = hyperv_synic_teardown,
		.eom = hyperv_eom,
		.timer_expired = hyperv_timer_expired,
		.ref_counter = hyperv_ref_counter,
		.ext_caps = hyperv_ext_caps,
		.memory_hint = hyperv_memory_hint,
	};
	ret = hv_backend_register(&hyperv.backend);
	if (ret)
		goto err_handler;

	hv_setup_kexec_handler(hyperv_kexec);
	hv_setup_crash_handler(hyperv_crash);
	platform_set_drvdata(pdev, &hyperv);
	return 0;

err_handler:
	hyperv.pdev = NULL;
	compat_hv_remove_vmbus_handler();
	/* an interrupt handler still running elsewhere has returned */
	synchronize_rcu();
	hyperv_irq_threads_down();
err_cpuhp:
	cpuhp_remove_state_nocalls(hyperv.cpuhp_state);
err_mmio:
	vmbus_mmio_exit();
	return ret;
}

static void hyperv_remove(struct platform_device *pdev)
{
	hv_remove_crash_handler();
	hv_remove_kexec_handler();
	/* no offline callback may look at the bus while it goes */
	cpuhp_remove_state_nocalls(hyperv.cpuhp_state);
	hv_backend_unregister(&hyperv.backend);
	compat_hv_remove_vmbus_handler();
	synchronize_rcu();
	hyperv_irq_threads_down();
	vmbus_mmio_exit();
	hyperv.pdev = NULL;
}
COMPAT_PLATFORM_REMOVE(hyperv_remove)

/* Reboot, power-off, kexec: after the vmbus devices; UNLOAD on kexec. */
static void hyperv_shutdown(struct platform_device *pdev)
{
	if (platform_get_drvdata(pdev))
		hv_backend_shutdown(&hyperv.backend);
}

static const struct acpi_device_id hyperv_acpi_ids[] = {
	{ "VMBUS", 0 },
	{ "VMBus", 0 },
	{ }
};
MODULE_DEVICE_TABLE(acpi, hyperv_acpi_ids);

static struct platform_driver hyperv_driver = {
	.probe = hyperv_probe,
	.remove = hyperv_remove_compat,
	.shutdown = hyperv_shutdown,
	.driver = {
		.name = "vmbus",
		.acpi_match_table = hyperv_acpi_ids,
		/* the bus is up (or failed) when the module has loaded */
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
};

/*
 * Only on Hyper-V: on bare metal, other hypervisors and under hvsim (QEMU)
 * hv_is_hyperv_initialized() is false and the backend stays idle.
 */
int hyperv_backend_init(void)
{
	int ret;

	if (!hv_is_hyperv_initialized())
		return 0;
	/*
	 * The root partition is the VMBus server, not a client; a nested
	 * root (Linux as root of a Hyper-V that itself runs as a guest)
	 * still talks to its own host's VMBus.  Upstream's hv_acpi_init()
	 * refuses only "hv_root_partition && !hv_nested" (vmbus_drv.c).
	 */
	if (compat_hv_root_partition() && !compat_hv_nested()) {
		pr_info("hv_vmbus: Hyper-V root partition: no VMBus client\n");
		return 0;
	}
	if (compat_hv_is_isolation_supported()) {
		pr_warn("hv_vmbus: isolated (confidential) VMs are not supported\n");
		return 0;
	}

	ret = platform_driver_register(&hyperv_driver);
	if (ret)
		return ret;
	hyperv_driver_registered = true;
	return 0;
}

void hyperv_backend_exit(void)
{
	if (hyperv_driver_registered)
		platform_driver_unregister(&hyperv_driver);
	hyperv_driver_registered = false;
}
