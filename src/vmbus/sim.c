// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "sim" hypervisor backend: carries hv_vmbus over hvsim, the project's
 * simulated Hyper-V host, through QEMU's ivshmem-doorbell device.  The ABI is
 * described in hvlis/hvsim_abi.h.  Test and development only: the packages
 * do not install this module.
 */
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/spinlock.h>

#include <hvlis/hvsim_abi.h>
#include <hvlis/synic.h>
#include <hvlis/vmbus.h>

/* A hypercall that hvsim does not answer in this time is reported failed. */
#define SIM_CALL_TIMEOUT_US	(2 * USEC_PER_SEC)

struct sim_dev {
	struct pci_dev *pdev;
	void __iomem *regs;		/* BAR0: ivshmem registers */
	void *shm;			/* BAR2: shared memory (write-back) */
	resource_size_t shm_len;
	struct hvsim_shared_header hdr;	/* validated copy */
	unsigned int nr_cpus;
	spinlock_t *slot_lock;		/* one per mailbox slot */
	int cpuhp_state;		/* the CPU-offline check */
	struct hv_backend backend;
};

static struct sim_dev *sim;

static struct hvsim_mailbox *sim_slot(unsigned int i)
{
	return sim->shm + sim->hdr.slots_offset + (size_t)i * sim->hdr.slot_size;
}

/* Wait (bounded) until hvsim has answered operation @seq of @mb. */
static bool sim_wait_done(struct hvsim_mailbox *mb, u32 seq)
{
	u32 waited;

	for (waited = 0; waited < SIM_CALL_TIMEOUT_US; waited++) {
		/* pairs with hvsim's release store of done_seq after status */
		if (smp_load_acquire(&mb->done_seq) == seq)
			return true;
		udelay(1);
	}
	return false;
}

/*
 * Run one operation in the mailbox of the current CPU and wait for hvsim.
 * Callable from any context, like a hypercall.  A slot is hvsim's from
 * the doorbell until it answers: an operation that timed out may still
 * run, so the next one waits for it rather than overwrite it half-read
 * (a lost SIGNAL_EVENT would stall its channel for good).
 */
static u16 sim_call_ret(u32 op, const u64 *args, unsigned int nargs,
			const void *data, size_t len, u64 *ret)
{
	unsigned int slot = raw_smp_processor_id() % sim->nr_cpus;
	struct hvsim_mailbox *mb = sim_slot(slot);
	u16 status = HV_STATUS_TIME_OUT;
	unsigned long flags;
	u32 seq;

	if (nargs > ARRAY_SIZE(mb->args) || len > sizeof(mb->data))
		return HV_STATUS_INVALID_PARAMETER;

	spin_lock_irqsave(&sim->slot_lock[slot], flags);
	seq = READ_ONCE(mb->seq);
	if (!sim_wait_done(mb, seq))
		goto out;
	mb->op = op;
	memset(mb->args, 0, sizeof(mb->args));
	memcpy(mb->args, args, nargs * sizeof(*args));
	if (len)
		memcpy(mb->data, data, len);
	seq++;
	/* the operation must be visible before the new sequence number */
	smp_store_release(&mb->seq, seq);
	writel(sim->hdr.host_peer_id << 16 | slot,
	       sim->regs + IVSHMEM_REG_DOORBELL);
	if (sim_wait_done(mb, seq)) {
		status = READ_ONCE(mb->status);
		if (ret)
			*ret = READ_ONCE(mb->args[0]);
	}
out:
	spin_unlock_irqrestore(&sim->slot_lock[slot], flags);

	if (status == HV_STATUS_TIME_OUT)
		dev_err_ratelimited(&sim->pdev->dev,
				    "hvsim did not answer operation %u\n", op);
	return status;
}

static u16 sim_call(u32 op, const u64 *args, unsigned int nargs,
		    const void *data, size_t len)
{
	return sim_call_ret(op, args, nargs, data, len, NULL);
}

static u16 sim_post_message(u32 connection_id, u32 message_type,
			    const void *payload, u32 size)
{
	struct hv_input_post_message msg = {
		.connectionid = connection_id,
		.message_type = message_type,
		.payload_size = size,
	};

	if (size > sizeof(msg.payload))
		return HV_STATUS_INVALID_PARAMETER;
	memcpy(msg.payload, payload, size);
	return sim_call(HVSIM_OP_POST_MESSAGE, NULL, 0, &msg, sizeof(msg));
}

static u16 sim_signal_event(u32 connection_id)
{
	u64 arg = connection_id;

	return sim_call(HVSIM_OP_SIGNAL_EVENT, &arg, 1, NULL, 0);
}

static int sim_synic_setup(unsigned int cpu, phys_addr_t msg_page,
			   phys_addr_t event_page)
{
	u64 args[3] = { cpu, msg_page, event_page };

	return sim_call(HVSIM_OP_SYNIC_SETUP, args, 3, NULL, 0) ==
	       HV_STATUS_SUCCESS ? 0 : -EIO;
}

static void sim_synic_teardown(unsigned int cpu)
{
	u64 args[3] = { cpu, 0, 0 };

	sim_call(HVSIM_OP_SYNIC_SETUP, args, 3, NULL, 0);
}

static void sim_eom(unsigned int cpu)
{
	u64 arg = cpu;

	sim_call(HVSIM_OP_EOM, &arg, 1, NULL, 0);
}

/* hvsim's partition reference counter: 100 ns units since hvsim started */
static u64 sim_ref_counter(void)
{
	u64 now = 0;

	sim_call_ret(HVSIM_OP_TIME_REF_COUNT, NULL, 0, NULL, 0, &now);
	return now;
}

static u64 sim_ext_caps(void)
{
	u64 caps = 0;

	if (sim_call_ret(HVSIM_OP_EXT_CAPS, NULL, 0, NULL, 0, &caps) !=
	    HV_STATUS_SUCCESS)
		return 0;
	return caps;
}

/* a slot carries HVSIM_HINT_RANGES ranges: longer lists go in pieces */
static u16 sim_memory_hint(u32 type, const u64 *ranges, unsigned int n)
{
	u16 status = HV_STATUS_SUCCESS;

	while (n && status == HV_STATUS_SUCCESS) {
		unsigned int k = min_t(unsigned int, n, HVSIM_HINT_RANGES);
		u64 args[2] = { type, k };

		status = sim_call(HVSIM_OP_MEMORY_HINT, args, 2, ranges,
				  k * sizeof(*ranges));
		ranges += k;
		n -= k;
	}
	return status;
}

static irqreturn_t sim_interrupt(int irq, void *data)
{
	hv_backend_interrupt((unsigned long)data);
	return IRQ_HANDLED;
}

/* Copy and check the header hvsim wrote: hvsim is a host, not trusted. */
static int sim_check_header(struct sim_dev *s)
{
	struct hvsim_shared_header *h = &s->hdr;
	u64 slots_end;

	memcpy(h, s->shm, sizeof(*h));
	if (h->magic != HVSIM_ABI_MAGIC || h->abi_version != HVSIM_ABI_VERSION) {
		dev_err(&s->pdev->dev, "not an hvsim device (magic %llx, ABI %u)\n",
			h->magic, h->abi_version);
		return -ENODEV;
	}
	if (!h->nr_slots || h->nr_slots > HVSIM_MAX_CPUS ||
	    h->slot_size < sizeof(struct hvsim_mailbox) ||
	    h->host_peer_id > 0xffff)
		return -EINVAL;
	if (check_mul_overflow((u64)h->nr_slots, (u64)h->slot_size, &slots_end) ||
	    check_add_overflow(slots_end, h->slots_offset, &slots_end) ||
	    h->slots_offset < sizeof(*h) || slots_end > s->shm_len)
		return -EINVAL;
	if (h->mmio_offset < slots_end || h->mmio_offset > s->shm_len ||
	    h->mmio_size > s->shm_len - h->mmio_offset)
		return -EINVAL;
	return 0;
}

/* CPU hotplug: the bus decides whether @cpu may go offline. */
static int sim_cpu_offline(unsigned int cpu)
{
	return hv_backend_cpu_offline(cpu);
}

static int sim_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct sim_dev *s;
	unsigned int cpu, i;
	int ret, nvec;
	u64 args[3];

	if (sim)
		return -EBUSY;
	s = devm_kzalloc(&pdev->dev, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->pdev = pdev;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	/* Without bus mastering QEMU silently drops our MSI-X writes. */
	pci_set_master(pdev);
	ret = pcim_iomap_regions(pdev, BIT(0), "hv_vmbus_sim");
	if (ret)
		return ret;
	s->regs = pcim_iomap_table(pdev)[0];
	s->shm_len = pci_resource_len(pdev, 2);
	if (s->shm_len < PAGE_SIZE)
		return -ENODEV;
	/* BAR2 is ordinary RAM shared with hvsim, so map it cacheable. */
	s->shm = devm_memremap(&pdev->dev, pci_resource_start(pdev, 2),
			       s->shm_len, MEMREMAP_WB);
	if (IS_ERR(s->shm))
		return PTR_ERR(s->shm);
	ret = sim_check_header(s);
	if (ret) {
		dev_err(&pdev->dev, "invalid hvsim header\n");
		return ret;
	}

	/* One vector (and mailbox slot) per CPU, as far as both sides go. */
	s->nr_cpus = min3(s->hdr.nr_slots, num_possible_cpus(),
			  (unsigned int)pci_msix_vec_count(pdev));
	nvec = pci_alloc_irq_vectors(pdev, s->nr_cpus, s->nr_cpus, PCI_IRQ_MSIX);
	if (nvec < 0)
		return nvec;
	s->slot_lock = devm_kcalloc(&pdev->dev, s->nr_cpus,
				    sizeof(*s->slot_lock), GFP_KERNEL);
	if (!s->slot_lock) {
		ret = -ENOMEM;
		goto err_vectors;
	}
	for (i = 0; i < s->nr_cpus; i++)
		spin_lock_init(&s->slot_lock[i]);
	sim = s;

	args[0] = HVSIM_ABI_VERSION;
	args[1] = pci_resource_start(pdev, 2);
	args[2] = s->nr_cpus;
	if (sim_call(HVSIM_OP_HELLO, args, 3, NULL, 0) != HV_STATUS_SUCCESS) {
		dev_err(&pdev->dev, "hvsim refused HELLO\n");
		ret = -EIO;
		goto err_sim;
	}

	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		int irq = pci_irq_vector(pdev, cpu);

		ret = request_irq(irq, sim_interrupt, 0, "hv_vmbus_sim",
				  (void *)(unsigned long)cpu);
		if (ret)
			goto err_irqs;
		/* the vector of CPU n only ever carries CPU n's SynIC work */
		irq_set_affinity_hint(irq, cpumask_of(cpu));
	}

	/* the MMIO part of BAR2 is the host's space for device memory */
	if (s->hdr.mmio_size) {
		resource_size_t base = pci_resource_start(pdev, 2) +
				       s->hdr.mmio_offset;

		ret = vmbus_mmio_add_window(base, base + s->hdr.mmio_size - 1);
		if (ret)
			goto err_mmio;
	}

	s->backend = (struct hv_backend) {
		.name = "sim",
		.owner = THIS_MODULE,
		.parent = &pdev->dev,
		.nr_cpus = s->nr_cpus,
		.post_message = sim_post_message,
		.signal_event = sim_signal_event,
		.synic_setup = sim_synic_setup,
		.synic_teardown = sim_synic_teardown,
		.eom = sim_eom,
		.ref_counter = sim_ref_counter,
		.ext_caps = sim_ext_caps,
		.memory_hint = sim_memory_hint,
	};
	ret = hv_backend_register(&s->backend);
	if (ret)
		goto err_mmio;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					"hv_vmbus/sim:online", NULL,
					sim_cpu_offline);
	if (ret < 0) {
		hv_backend_unregister(&s->backend);
		goto err_mmio;
	}
	s->cpuhp_state = ret;
	pci_set_drvdata(pdev, s);
	dev_info(&pdev->dev, "connected to hvsim: %u CPUs, %llu MiB MMIO space\n",
		 s->nr_cpus, s->hdr.mmio_size >> 20);
	return 0;

err_mmio:
	vmbus_mmio_exit();
err_irqs:
	while (cpu--) {
		irq_set_affinity_hint(pci_irq_vector(pdev, cpu), NULL);
		free_irq(pci_irq_vector(pdev, cpu), (void *)(unsigned long)cpu);
	}
err_sim:
	sim = NULL;
err_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void sim_remove(struct pci_dev *pdev)
{
	struct sim_dev *s = pci_get_drvdata(pdev);
	unsigned int cpu;

	/* no offline callback may look at the bus while it goes */
	cpuhp_remove_state_nocalls(s->cpuhp_state);
	hv_backend_unregister(&s->backend);
	vmbus_mmio_exit();
	sim_call(HVSIM_OP_RESET, NULL, 0, NULL, 0);
	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		irq_set_affinity_hint(pci_irq_vector(pdev, cpu), NULL);
		free_irq(pci_irq_vector(pdev, cpu), (void *)(unsigned long)cpu);
	}
	pci_free_irq_vectors(pdev);
	sim = NULL;
}

static void sim_shutdown(struct pci_dev *pdev)
{
	struct sim_dev *s = pci_get_drvdata(pdev);

	if (s)
		hv_backend_shutdown(&s->backend);
}

static const struct pci_device_id sim_pci_ids[] = {
	{ PCI_DEVICE(HVSIM_PCI_VENDOR_ID, HVSIM_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, sim_pci_ids);

static struct pci_driver sim_driver = {
	.name = "hv_vmbus_sim",
	.id_table = sim_pci_ids,
	.probe = sim_probe,
	.remove = sim_remove,
	.shutdown = sim_shutdown,
};
module_pci_driver(sim_driver);

MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("hvsim transport for hv_vmbus (testing only)");
