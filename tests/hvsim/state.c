// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hvsim context: creation, the guest-state reset shared by RESET, a
 * new HELLO and a disconnect, and the hooks the VMBus host layer fills.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim.h"

void hvsim_init_state(struct hvsim *hs, const struct hvsim_config *cfg)
{
	memset(hs, 0, sizeof(*hs));
	hs->cfg = *cfg;
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

uint16_t vmbus_host_post_message(struct hvsim *hs, unsigned int cpu,
				 uint32_t connection_id, const void *payload,
				 uint32_t size)
{
	if (!hs->host_ops || !hs->host_ops->post_message)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return hs->host_ops->post_message(hs, cpu, connection_id, payload,
					  size);
}

uint16_t vmbus_host_signal_event(struct hvsim *hs, unsigned int cpu,
				 uint32_t connection_id)
{
	if (!hs->host_ops || !hs->host_ops->signal_event)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return hs->host_ops->signal_event(hs, cpu, connection_id);
}

/* decimal/0x-hex bytes with an optional K, M or G (binary) suffix */
bool parse_size(const char *s, uint64_t *v)
{
	unsigned long long n;
	unsigned int shift = 0;
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || (shift && n > (UINT64_MAX >> shift)))
		return false;
	*v = (uint64_t)n << shift;
	return true;
}
