// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hvsim context: creation, the guest-state reset shared by RESET, a
 * new HELLO and a disconnect, and the hooks the VMBus host layer fills.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hvsim.h"

void hvsim_init_state(struct hvsim *hs, const struct hvsim_config *cfg)
{
	memset(hs, 0, sizeof(*hs));
	hs->cfg = *cfg;
	hs->start_ns = now_ns();
	hs->iv.shm_fd = -1;
	hs->iv.listen.fd = -1;
	hs->iv.client.fd = -1;
	hs->irq_timer.fd = -1;
	for (unsigned int i = 0; i < HVSIM_MAX_CPUS; i++) {
		hs->iv.host_ev[i].fd = -1;
		hs->iv.guest_efd[i] = -1;
	}
	gm_init(&hs->gm, cfg->ram_path, cfg->ram_size);
}

/*
 * HVSIM_OP_RESET: the guest's bus is going away; drop SynIC pages, queued
 * messages, owed interrupts and whatever the VMBus host layer holds.  The
 * test knobs ("irq drop", "irq delay") are the administrator's and stay.
 */
void hvsim_bus_reset(struct hvsim *hs)
{
	synic_reset(hs);
	irq_reset(hs);
	if (hs->host_ops && hs->host_ops->reset)
		hs->host_ops->reset(hs);
}

/* a new HELLO or a disconnect: forget the guest entirely */
void hvsim_guest_reset(struct hvsim *hs)
{
	hvsim_bus_reset(hs);
	hs->hello = false;
	hs->guest_cpus = 0;
	hs->gm.bar2_valid = false;
	hs->gm.bar2_gpa = 0;
}

void hvsim_set_host_ops(struct hvsim *hs, const struct hvsim_host_ops *ops,
			void *priv)
{
	hs->host_ops = ops;
	hs->host_priv = priv;
}

uint16_t hvsim_post_message(struct hvsim *hs, unsigned int cpu,
				 uint32_t connection_id, const void *payload,
				 uint32_t size)
{
	if (!hs->host_ops || !hs->host_ops->post_message)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return hs->host_ops->post_message(hs, cpu, connection_id, payload,
					  size);
}

uint16_t hvsim_signal_event(struct hvsim *hs, unsigned int cpu,
				 uint32_t connection_id)
{
	if (!hs->host_ops || !hs->host_ops->signal_event)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return hs->host_ops->signal_event(hs, cpu, connection_id);
}

/* the guest's CPUs that hvsim can reach: HELLO's count, within --cpus */
unsigned int hvsim_guest_cpus(const struct hvsim *hs)
{
	return hs->guest_cpus < hs->cfg.nr_cpus ? hs->guest_cpus : hs->cfg.nr_cpus;
}

uint64_t hvsim_ref_time(const struct hvsim *hs)
{
	return (now_ns() - hs->start_ns) / 100;
}
