// SPDX-License-Identifier: GPL-2.0-only
/*
 * "net ...": the administrator's commands for synthetic NICs (netvsp.c).
 * NIC is the NIC's index (0, 1, ...) in --device / offer order.
 *
 *   net list                  one line per NIC
 *   net link NIC up|down      RNDIS media connect/disconnect indication
 *   net stats NIC             "key value" lines
 *   net rss NIC               RSS state the guest set
 *   net vf NIC add|remove     NVSP4 SEND_VF_ASSOCIATION to the guest
 *   net macpolicy NIC allow|deny   honour MAC changes from the guest?
 *   net inject NIC KIND       one malformed message (inject.c)
 */
#include <stdio.h>
#include <string.h>

#include "lib/parse.h"
#include "netvsp.h"

#define NET_USAGE							\
	"net list | net link <nic> up|down | net stats <nic> | "	\
	"net rss <nic> | net vf <nic> add|remove | "			\
	"net macpolicy <nic> allow|deny | net inject <nic> <kind>"

static struct netvsp *find_nic(struct hvsim *hs, struct ctl_conn *c,
			       const char *arg)
{
	uint64_t v;
	struct netvsp *n;

	if (!parse_u64(arg, &v) || v > 0xffff) {
		ctl_fail(c, "bad NIC '%s'", arg);
		return NULL;
	}
	n = netvsp_by_nic(hs, (unsigned int)v);
	if (!n)
		ctl_fail(c, "no NIC %s", arg);
	return n;
}

static void mac_fmt(const uint8_t *m, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static const char *onoff(bool b)
{
	return b ? "on" : "off";
}

static void stats(struct ctl_conn *c, struct netvsp *n)
{
	const struct netvsp_stats *s = &n->st;

#define P(name, val) ctl_printf(c, "%s %llu", name, (unsigned long long)(val))
	ctl_printf(c, "link %s", n->link_up ? "up" : "down");
	P("mtu", n->frame_mtu - ETH_HLEN_);
	P("queues", netvsp_open_queues(n));
	ctl_printf(c, "nvsp_version 0x%x", n->nvsp_version);
	ctl_printf(c, "ndis_version %u.%u", n->ndis_major, n->ndis_minor);
	ctl_printf(c, "datapath %s",
		   n->datapath == NVSP_DATAPATH_VF ? "vf" : "synthetic");
	P("datapath_switches", s->datapath_switches);
	P("rx_vf_drops", s->rx_vf_drops);
	P("injected", s->injected);
	ctl_printf(c, "packet_filter 0x%x", n->filter);
	P("tx_frames", s->tx_frames);
	P("tx_bytes", s->tx_bytes);
	P("rx_frames", s->rx_frames);
	P("rx_bytes", s->rx_bytes);
	P("tx_lso_packets", s->tx_lso_packets);
	P("tx_lso_segments", s->tx_lso_segments);
	P("tx_csum_ip", s->tx_csum_ip);
	P("tx_csum_tcp", s->tx_csum_tcp);
	P("tx_csum_udp", s->tx_csum_udp);
	P("tx_vlan", s->tx_vlan);
	P("rx_vlan", s->rx_vlan);
	P("rx_csum_ok", s->rx_csum_ok);
	P("rx_rsc_packets", s->rx_rsc_packets);
	P("rx_rsc_segments", s->rx_rsc_segments);
	P("rx_drops", s->rx_drops);
	P("tx_drops", s->tx_drops);
	P("bad_packets", s->bad_packets);
	P("rx_filtered", s->rx_filtered);
	P("rndis_requests", s->rndis_requests);
	P("rx_inflight", n->inflight);
	P("rx_slots", n->nslots);
	P("rx_slot_size", n->sub_size);
	for (unsigned int i = 0; i < NETVSP_MAX_CHANNELS; i++) {
		const struct netvsp_chan *nc = n->chans[i];

		if (!nc)
			continue;
		ctl_printf(c, "q%u_rx_frames %llu", i,
			   (unsigned long long)nc->rx_frames);
		ctl_printf(c, "q%u_tx_frames %llu", i,
			   (unsigned long long)nc->tx_frames);
	}
	ctl_printf(c, "offload_tx_csum4 %s", onoff(n->off.tx_csum4));
	ctl_printf(c, "offload_tx_csum6 %s", onoff(n->off.tx_csum6));
	ctl_printf(c, "offload_rx_csum4 %s", onoff(n->off.rx_csum4));
	ctl_printf(c, "offload_rx_csum6 %s", onoff(n->off.rx_csum6));
	ctl_printf(c, "offload_lso4 %s", onoff(n->off.lso4));
	ctl_printf(c, "offload_lso6 %s", onoff(n->off.lso6));
	ctl_printf(c, "offload_rsc4 %s", onoff(n->off.rsc4));
	ctl_printf(c, "offload_rsc6 %s", onoff(n->off.rsc6));
	if (n->be) {
		P("backend_rx_frames", n->be->st.rx_frames);
		P("backend_tx_frames", n->be->st.tx_frames);
		P("backend_tx_drops", n->be->st.tx_drops);
	}
#undef P
}

static void rss(struct ctl_conn *c, struct netvsp *n)
{
	char key[2 * NDIS_RSS_HASH_KEY_SIZE + 1] = "";
	char tab[NDIS_RSS_ITAB_NUM * 11 + 1];
	size_t o = 0;

	ctl_printf(c, "enabled %s", n->rss_on ? "yes" : "no");
	ctl_printf(c, "hash_types 0x%x", n->hash_info);
	for (uint32_t i = 0; i < n->key_len; i++)
		snprintf(key + 2 * i, 3, "%02x", n->key[i]);
	ctl_printf(c, "hash_key %s", key);
	tab[0] = 0;
	for (uint32_t i = 0; i < n->itab_n; i++)
		o += (size_t)snprintf(tab + o, sizeof(tab) - o, " %u", n->itab[i]);
	ctl_printf(c, "indirection%s", tab);
}

static int cmd_net(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct netvsp *n;
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "list") && argc == 2) {
		for (n = netvsp_next(hs, NULL); n; n = netvsp_next(hs, n)) {
			char mac[18];

			mac_fmt(n->mac, mac);
			ctl_printf(c, "%u mac %s link %s backend %s queues %u", n->nic,
				   mac, n->link_up ? "up" : "down",
				   n->be ? n->be->desc : "none",
				   netvsp_open_queues(n));
		}
		return 0;
	}
	if (argc < 3)
		return ctl_fail(c, "usage: %s", NET_USAGE);
	n = find_nic(hs, c, argv[2]);
	if (!n)
		return -1;
	if (!strcmp(sub, "stats") && argc == 3) {
		stats(c, n);
		return 0;
	}
	if (!strcmp(sub, "rss") && argc == 3) {
		rss(c, n);
		return 0;
	}
	if (argc != 4)
		return ctl_fail(c, "usage: %s", NET_USAGE);
	if (!strcmp(sub, "link")) {
		if (strcmp(argv[3], "up") && strcmp(argv[3], "down"))
			return ctl_fail(c, "say up or down");
		netvsp_set_link(n, !strcmp(argv[3], "up"));
		return 0;
	}
	if (!strcmp(sub, "vf")) {
		if (strcmp(argv[3], "add") && strcmp(argv[3], "remove"))
			return ctl_fail(c, "say add or remove");
		if (netvsp_vf(n, !strcmp(argv[3], "add")))
			return ctl_fail(c, "NIC %u: guest not connected (NVSP >= 4)",
					n->nic);
		return 0;
	}
	if (!strcmp(sub, "inject")) {
		char err[160];

		if (netvsp_inject(n, argv[3], err, sizeof(err)))
			return ctl_fail(c, "%s", err);
		return 0;
	}
	if (!strcmp(sub, "macpolicy")) {
		if (strcmp(argv[3], "allow") && strcmp(argv[3], "deny"))
			return ctl_fail(c, "say allow or deny");
		n->mac_allow = !strcmp(argv[3], "allow");
		return 0;
	}
	return ctl_fail(c, "usage: %s", NET_USAGE);
}

const struct ctl_cmd netvsp_ctl_cmds[NETVSP_CTL_NCMDS] = {
	{ "net", NET_USAGE, cmd_net },
};
