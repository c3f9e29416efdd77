/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hvsim transport: how the "sim" hypervisor backend (hv_vmbus_sim.ko)
 * talks to hvsim, the simulated Hyper-V host (tests/hvsim).  This is the
 * project's own ABI, not a Hyper-V one; it stands in for the hypercall
 * instruction, the SynIC MSRs and the VMBus interrupt.
 *
 * Transport: QEMU's ivshmem-doorbell PCI device (docs/specs/ivshmem-spec.rst),
 * vendor 0x1af4, device 0x1110.
 *   BAR0  ivshmem registers (IntrMask, IntrStatus, IVPosition, Doorbell).
 *   BAR1  MSI-X table; vector k interrupts the guest for SynIC work on CPU k.
 *   BAR2  shared memory served by hvsim: this header, one mailbox slot per
 *         CPU, then the MMIO space that vmbus_allocate_mmio() hands out.
 *
 * A "hypercall": the guest fills the mailbox slot of the CPU it runs on, bumps
 * 'seq' and writes the Doorbell register with (host_peer_id << 16 | slot).
 * hvsim executes the operation, stores 'status' and then sets
 * done_seq = seq.  The guest spins (bounded) on done_seq, and does not
 * touch the slot again before done_seq == seq, even after it gave up
 * waiting.  Guest memory is only ever named by guest physical address, as
 * on real Hyper-V.
 *
 * SynIC: each CPU registers a message page and an event-flags page (GPAs)
 * with HVSIM_OP_SYNIC_SETUP.  hvsim writes struct hv_message into the SINT
 * slots and sets event-flag bits exactly as Hyper-V does, then raises MSI-X
 * vector <cpu>.  HVSIM_OP_EOM plays the role of the EOM MSR write.
 */
#ifndef HVLIS_HVSIM_ABI_H
#define HVLIS_HVSIM_ABI_H

#include <hvlis/hv_types.h>

#define HVSIM_PCI_VENDOR_ID	0x1af4	/* Red Hat, Inc. (ivshmem) */
#define HVSIM_PCI_DEVICE_ID	0x1110	/* Inter-VM shared memory */

/* ivshmem BAR0 register offsets (ivshmem-spec.rst, "Revision 1") */
#define IVSHMEM_REG_INTR_MASK	0x00
#define IVSHMEM_REG_INTR_STATUS	0x04
#define IVSHMEM_REG_IV_POSITION	0x08
#define IVSHMEM_REG_DOORBELL	0x0c

#define HVSIM_ABI_MAGIC		0x3142414d49535648ULL	/* "HVSIMAB1" */
#define HVSIM_ABI_VERSION	1
#define HVSIM_MAX_CPUS		64
#define HVSIM_PAYLOAD_BYTES	256

/* At offset 0 of BAR2; written by hvsim before the guest starts. */
struct hvsim_shared_header {
	__u64 magic;		/* HVSIM_ABI_MAGIC */
	__u32 abi_version;	/* HVSIM_ABI_VERSION */
	__u32 host_peer_id;	/* ivshmem peer id the guest rings */
	__u32 nr_slots;		/* mailbox slots == MSI-X vectors */
	__u32 slot_size;	/* sizeof(struct hvsim_mailbox) */
	__u64 slots_offset;	/* BAR2 offset of slot 0 */
	__u64 mmio_offset;	/* BAR2 offset of the MMIO space */
	__u64 mmio_size;	/* its size in bytes */
	__u64 reserved[10];
};
static_assert(sizeof(struct hvsim_shared_header) == 128);

enum hvsim_op {
	HVSIM_OP_NONE = 0,
	/* args[0] = guest ABI version, args[1] = BAR2 GPA, args[2] = nr CPUs */
	HVSIM_OP_HELLO = 1,
	/*
	 * args[0] = cpu, args[1] = message page GPA, args[2] = event flags
	 * page GPA (both 0 = disable SynIC on that CPU)
	 */
	HVSIM_OP_SYNIC_SETUP = 2,
	/* data = struct hv_input_post_message (HVCALL_POST_MESSAGE input) */
	HVSIM_OP_POST_MESSAGE = 3,
	/* args[0] = connection id (HVCALL_SIGNAL_EVENT, flag number 0) */
	HVSIM_OP_SIGNAL_EVENT = 4,
	/* args[0] = cpu: end of message, the SINT slot was freed */
	HVSIM_OP_EOM = 5,
	/* The guest's bus is going away: drop all SynIC registrations. */
	HVSIM_OP_RESET = 6,
	/*
	 * Read the partition reference counter (HV_X64_MSR_TIME_REF_COUNT on
	 * Hyper-V): hvsim answers in args[0], 100 ns units since it started.
	 */
	HVSIM_OP_TIME_REF_COUNT = 7,
	/*
	 * HvExtCallQueryCapabilities: hvsim answers in args[0]
	 * (HVLIS_EXT_CAP_* of hv_ext.h).
	 */
	HVSIM_OP_EXT_CAPS = 8,
	/*
	 * HvExtCallMemoryHeatHint: args[0] = hint type, args[1] = number of
	 * ranges (at most HVSIM_HINT_RANGES), data = the ranges (hv_ext.h).
	 */
	HVSIM_OP_MEMORY_HINT = 9,
};

#define HVSIM_HINT_RANGES	(HVSIM_PAYLOAD_BYTES / sizeof(__u64))

/* One per CPU, at slots_offset + cpu * slot_size. */
struct hvsim_mailbox {
	__u32 seq;		/* guest: incremented to submit */
	__u32 done_seq;		/* host: set to seq when finished */
	__u32 op;		/* enum hvsim_op */
	__u32 status;		/* host: HV_STATUS_* of the operation */
	__u64 args[6];
	__u8 data[HVSIM_PAYLOAD_BYTES];
};
static_assert(sizeof(struct hvsim_mailbox) == 320);
static_assert(offsetof(struct hvsim_mailbox, data) == 64);

#endif /* HVLIS_HVSIM_ABI_H */
