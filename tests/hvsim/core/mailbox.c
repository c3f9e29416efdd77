// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "hypercalls": one mailbox slot per guest CPU in BAR2.  The guest
 * fills a slot, bumps seq and rings the doorbell; we run the operation,
 * store status and then done_seq = seq (hvsim_abi.h).
 *
 * The slot is shared memory the guest can rewrite at any moment, so it is
 * copied out once and only the copy is looked at (no TOCTOU), and every
 * field of the copy is validated before use.  A bad request fails with an
 * HV_STATUS_* code; nothing a guest writes can stop hvsim.
 */
#include <string.h>

#include "core/hvsim.h"

static const char *const op_names[] = {
	[HVSIM_OP_NONE] = "none",
	[HVSIM_OP_HELLO] = "hello",
	[HVSIM_OP_SYNIC_SETUP] = "synic_setup",
	[HVSIM_OP_POST_MESSAGE] = "post_message",
	[HVSIM_OP_SIGNAL_EVENT] = "signal_event",
	[HVSIM_OP_EOM] = "eom",
	[HVSIM_OP_RESET] = "reset",
	[HVSIM_OP_TIME_REF_COUNT] = "time_ref_count",
	[HVSIM_OP_EXT_CAPS] = "ext_caps",
	[HVSIM_OP_MEMORY_HINT] = "memory_hint",
};

const char *mailbox_op_name(uint32_t op)
{
	return op < ARRAY_SIZE(op_names) ? op_names[op] : "unknown";
}

static uint16_t op_hello(struct hvsim *hs, const struct hvsim_mailbox *req)
{
	uint64_t version = req->args[0], bar2 = req->args[1];
	uint64_t cpus = req->args[2], size = hs->gm.shm_size;

	if (version != HVSIM_ABI_VERSION) {
		log_guest("hello: guest ABI version %llu, hvsim speaks %u",
			  (unsigned long long)version, HVSIM_ABI_VERSION);
		return HV_STATUS_INVALID_PARAMETER;
	}
	if (cpus == 0 || cpus > hs->cfg.nr_cpus) {
		log_guest("hello: %llu CPUs, hvsim has %u slots",
			  (unsigned long long)cpus, hs->cfg.nr_cpus);
		return HV_STATUS_INVALID_PARAMETER;
	}
	/* a PCI BAR is naturally aligned and must not shadow RAM */
	if (bar2 & (size - 1))
		return HV_STATUS_INVALID_ALIGNMENT;
	if (bar2 >= GM_MAX_GPA || size > GM_MAX_GPA - bar2 ||
	    gm_overlaps_ram(&hs->gm, bar2, size)) {
		log_guest("hello: BAR2 at 0x%llx is not a valid MMIO address",
			  (unsigned long long)bar2);
		return HV_STATUS_INVALID_PARAMETER;
	}
	/* QEMU runs the guest, so by now the RAM file exists */
	if (gm_map_ram(&hs->gm)) {
		log_err("hello: guest RAM %s cannot be mapped", hs->cfg.ram_path);
		return HV_STATUS_INSUFFICIENT_MEMORY;
	}
	/* a second HELLO is a restarted guest driver: start afresh */
	hvsim_guest_reset(hs);
	hs->hello = true;
	hs->guest_cpus = (unsigned int)cpus;
	hs->gm.bar2_gpa = bar2;
	hs->gm.bar2_valid = true;
	log_info("hello: guest with %u CPUs, BAR2 at 0x%llx", hs->guest_cpus,
		 (unsigned long long)bar2);
	return HV_STATUS_SUCCESS;
}

static uint16_t op_post_message(struct hvsim *hs, unsigned int slot,
				const struct hvsim_mailbox *req)
{
	struct hv_input_post_message in;

	static_assert(sizeof(in) <= sizeof(req->data), "input fits the slot");
	memcpy(&in, req->data, sizeof(in));
	if (in.reserved || in.message_type != VMBUS_MESSAGE_TYPE ||
	    in.payload_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT) {
		log_guest("post_message: bad input (type %u, size %u)",
			  in.message_type, in.payload_size);
		return HV_STATUS_INVALID_PARAMETER;
	}
	if (in.connectionid & ~HV_CONNECTION_ID_MASK)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return hvsim_post_message(hs, slot, in.connectionid, in.payload,
				       in.payload_size);
}

uint16_t mailbox_exec(struct hvsim *hs, unsigned int slot,
		      struct hvsim_mailbox *req)
{
	uint32_t op = req->op;

	if (op >= ARRAY_SIZE(hs->stats.hypercalls) || op == HVSIM_OP_NONE) {
		hs->stats.hypercalls_unknown++;
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	}
	hs->stats.hypercalls[op]++;

	if (op == HVSIM_OP_HELLO)
		return op_hello(hs, req);
	if (op == HVSIM_OP_RESET) {
		hvsim_bus_reset(hs);
		return HV_STATUS_SUCCESS;
	}
	if (!hs->hello)
		return HV_STATUS_ACCESS_DENIED;

	switch (op) {
	case HVSIM_OP_SYNIC_SETUP:
		if (req->args[0] >= hs->guest_cpus)
			return HV_STATUS_INVALID_PARAMETER;
		return synic_setup(hs, (unsigned int)req->args[0],
				   req->args[1], req->args[2]);
	case HVSIM_OP_POST_MESSAGE:
		return op_post_message(hs, slot, req);
	case HVSIM_OP_SIGNAL_EVENT:
		if (req->args[0] & ~(uint64_t)HV_CONNECTION_ID_MASK)
			return HV_STATUS_INVALID_CONNECTION_ID;
		return hvsim_signal_event(hs, slot,
					       (uint32_t)req->args[0]);
	case HVSIM_OP_EOM:
		if (req->args[0] >= hs->guest_cpus)
			return HV_STATUS_INVALID_PARAMETER;
		synic_eom(hs, (unsigned int)req->args[0]);
		return HV_STATUS_SUCCESS;
	case HVSIM_OP_TIME_REF_COUNT:
		req->args[0] = hvsim_ref_time(hs);
		return HV_STATUS_SUCCESS;
	case HVSIM_OP_EXT_CAPS:
		req->args[0] = hs->ext_caps;
		return HV_STATUS_SUCCESS;
	case HVSIM_OP_MEMORY_HINT:
		return ext_memory_hint(hs, req);
	}
	return HV_STATUS_INVALID_HYPERCALL_CODE;
}

/*
 * Copy slot @mb's pending operation to @req; false if there is none.  A
 * guest must not rewrite a slot before done_seq says we answered, but it
 * is not trusted: a copy it changed under us is taken again (bounded).
 */
static bool mailbox_take(struct hvsim *hs, struct hvsim_mailbox *mb,
			 struct hvsim_mailbox *req, uint32_t *seq)
{
	for (int tries = 0; tries < 4; tries++) {
		/* acquire pairs with the guest's release of seq */
		*seq = __atomic_load_n(&mb->seq, __ATOMIC_ACQUIRE);
		if (*seq == __atomic_load_n(&mb->done_seq, __ATOMIC_RELAXED))
			return false;
		memcpy(req, mb, sizeof(*req));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&mb->seq, __ATOMIC_RELAXED) == *seq)
			return true;
		hs->stats.hypercalls_torn++;
	}
	return false;
}

void mailbox_process(struct hvsim *hs)
{
	for (unsigned int i = 0; i < hs->cfg.nr_cpus; i++) {
		struct hvsim_mailbox *mb = &hs->slots[i];
		struct hvsim_mailbox req;
		uint32_t seq, status;

		if (!mailbox_take(hs, mb, &req, &seq))
			continue;
		status = mailbox_exec(hs, i, &req);
		if (status != HV_STATUS_SUCCESS) {
			hs->stats.hypercalls_failed++;
			log_guest("slot %u: %s failed with status %u", i,
				  mailbox_op_name(req.op), status);
		} else {
			log_dbg("slot %u: %s ok", i, mailbox_op_name(req.op));
		}
		__atomic_store_n(&mb->args[0], req.args[0], __ATOMIC_RELAXED);
		__atomic_store_n(&mb->status, status, __ATOMIC_RELAXED);
		/* release: the guest that sees done_seq sees status */
		__atomic_store_n(&mb->done_seq, seq, __ATOMIC_RELEASE);
	}
}
