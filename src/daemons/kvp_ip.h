/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVP IP operations: GET_IP_INFO (what an adapter has: addresses,
 * subnets, gateways, DNS servers, DHCP) and SET_IP_INFO (the host injects
 * a static or DHCP configuration), and the guest's address lists of pool
 * KVP_POOL_AUTO.  Formats are upstream's (tools/hv/hv_kvp_daemon.c,
 * Linux 6.12):
 *  - lists are ';'-separated; GET answers gateways and DNS servers each
 *    followed by a ';', addresses and subnets only between entries;
 *    an IPv4 subnet is a dotted mask, an IPv6 one "/" and the prefix
 *    length; the host's SET sends an IPv6 subnet as the bare length;
 *  - GET finds the adapter by its MAC in adapter_id ("00:15:5D:..."),
 *    SET by the VMBus device GUID (/sys/class/net/IF/device/device_id);
 *    we take either in both;
 *  - SET writes <config_dir>/ifcfg-IF (the ifcfg keys upstream writes)
 *    and <config_dir>/IF.nmconnection (a NetworkManager keyfile), then
 *    runs "hv_set_ifconfig IFCFG NMCONNECTION".
 * In the daemon's view of the ABI every string is UTF-8, NUL-terminated,
 * in the bytes of the __u16 arrays (hvlis/kvp.h).
 */
#ifndef HV_DAEMONS_KVP_IP_H
#define HV_DAEMONS_KVP_IP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include <hvlis/kvp.h>

/* upstream's MAX_IP_ENTRIES: per list */
#define IP_MAX_ENTRIES	64

struct ip_item {
	int family;		/* AF_INET, AF_INET6; 0: a bare prefix length */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
	int plen;		/* subnets: the prefix length */
};

struct ip_list {
	int n;
	struct ip_item item[IP_MAX_ENTRIES];
};

/* what SET_IP_INFO asks for, checked */
struct ip_config {
	bool dhcp;
	struct ip_list addr, subnet, gateway, dns;
};

/* where things are: the real system's or a test's */
struct kvp_ip_env {
	const char *net_dir;	/* /sys/class/net */
	const char *proc_net;	/* /proc/net */
	const char *config_dir;	/* /var/lib/hyperv */
	const char *helper_dir;	/* /usr/libexec/hypervkvpd, NULL: none */
};

/* a string of the daemon's view of the ABI: its bytes in a __u16 array */
#define IPV_STR(v, field) \
	((char *)(v) + offsetof(struct hv_kvp_ipaddr_value, field))
#define IPV_SIZE(field) \
	sizeof(((struct hv_kvp_ipaddr_value *)0)->field)

/* --- no I/O: fuzzed --- */
/* a ';'-separated address list; -EINVAL on anything not an address */
int ip_parse_addrs(const char *s, struct ip_list *l);
/* a subnet list: dotted masks (contiguous) or prefix lengths ("64", "/64") */
int ip_parse_subnets(const char *s, struct ip_list *l);
/* check a SET_IP_INFO request's strings and lists into @cfg: HV_* status */
int ip_config_parse(const struct hv_kvp_ipaddr_value *v, struct ip_config *cfg);
/* the files for an interface: bytes written (without NUL) or -ENOSPC */
int ip_render_ifcfg(const struct ip_config *cfg, const char *ifname,
		    const char *mac, char *buf, size_t size);
int ip_render_keyfile(const struct ip_config *cfg, const char *ifname,
		      const char *mac, char *buf, size_t size);
/* an interface name we can put in a path, a file and an argument */
bool ifname_ok(const char *name);
/* "00:15:5d:01:02:03" (':' or '-', any case) to 6 bytes */
bool mac_parse(const char *s, unsigned char mac[6]);
/* a GUID with or without braces, lower-cased without them into @out */
bool guid_norm(const char *s, char out[37]);

/* --- the system --- */
/* GET_IP_INFO: fills @v in place; an HV_* status */
int kvp_ip_get(const struct kvp_ip_env *env, struct hv_kvp_ipaddr_value *v);
/* SET_IP_INFO: an HV_* status */
int kvp_ip_set(const struct kvp_ip_env *env, const struct hv_kvp_ipaddr_value *v);
/* every non-loopback address of @family, ';'-separated, into @out */
void kvp_ip_all(int family, char *out, size_t size);

#endif /* HV_DAEMONS_KVP_IP_H */
