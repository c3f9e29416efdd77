// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP IP operations: formats and sources in kvp_ip.h.  Nothing the
 * host sent reaches a file or a command as it came: addresses go through
 * inet_pton() and back through inet_ntop(), the interface name and MAC
 * come from sysfs (and are checked too), and the helper runs with execve().
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hvlis/icmsg.h>

#include "common.h"
#include "helper.h"
#include "kvp_ip.h"

#define HELPER_GET_MS	10000	/* the host gives the whole request 30 s */
/* reconfiguring may take long: the host gives up first, the config stays */
#define HELPER_SET_MS	120000
#define MAX_MATCHES	8	/* interfaces with one MAC: netvsc and its VF */

/* --- parsing: no I/O --- */

/* the next ';'-separated token of *@s, blanks around it cut; false at end */
static bool next_token(const char **s, char *tok, size_t size, bool *too_long)
{
	const char *p = *s, *end;
	size_t n;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return false;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		*s = *end ? end + 1 : end;
		n = end - p;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!n) {
			p = *s;
			continue;
		}
		*too_long = n >= size;
		if (*too_long)
			n = 0;
		memcpy(tok, p, n);
		tok[n] = '\0';
		return true;
	}
}

static bool parse_addr(const char *tok, struct ip_item *it)
{
	memset(it, 0, sizeof(*it));
	if (inet_pton(AF_INET, tok, &it->a.v4) == 1) {
		it->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, tok, &it->a.v6) == 1) {
		it->family = AF_INET6;
		return true;
	}
	return false;
}

int ip_parse_addrs(const char *s, struct ip_list *l)
{
	char tok[INET6_ADDRSTRLEN + 1];
	bool too_long;

	l->n = 0;
	while (next_token(&s, tok, sizeof(tok), &too_long)) {
		if (too_long || l->n == IP_MAX_ENTRIES ||
		    !parse_addr(tok, &l->item[l->n]))
			return -EINVAL;
		l->n++;
	}
	return 0;
}

/* the prefix length of a contiguous mask of @bytes bytes, or -1 */
static int mask_plen(const unsigned char *m, int bytes)
{
	int plen = 0, i, b;
	bool ended = false;

	for (i = 0; i < bytes; i++)
		for (b = 7; b >= 0; b--) {
			if (m[i] & (1 << b)) {
				if (ended)
					return -1;
				plen++;
			} else {
				ended = true;
			}
		}
	return plen;
}

int ip_parse_subnets(const char *s, struct ip_list *l)
{
	char tok[INET6_ADDRSTRLEN + 1];
	struct ip_item *it;
	bool too_long;
	const char *d;

	l->n = 0;
	while (next_token(&s, tok, sizeof(tok), &too_long)) {
		if (too_long || l->n == IP_MAX_ENTRIES)
			return -EINVAL;
		it = &l->item[l->n];
		d = tok[0] == '/' ? tok + 1 : tok;
		if (*d && strlen(d) <= 3 && strspn(d, "0123456789") == strlen(d)) {
			memset(it, 0, sizeof(*it));
			it->plen = atoi(d);
			if (it->plen > 128)
				return -EINVAL;
		} else if (d == tok && parse_addr(tok, it)) {
			if (it->family == AF_INET)
				it->plen = mask_plen((unsigned char *)&it->a.v4, 4);
			else
				it->plen = mask_plen(it->a.v6.s6_addr, 16);
			if (it->plen < 0)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		l->n++;
	}
	return 0;
}

int ip_config_parse(const struct hv_kvp_ipaddr_value *v, struct ip_config *cfg)
{
	const char *ip = IPV_STR(v, ip_addr), *sn = IPV_STR(v, sub_net);
	const char *gw = IPV_STR(v, gate_way), *dns = IPV_STR(v, dns_addr);
	int i, fam, plen;

	if (str_in(ip, IPV_SIZE(ip_addr)) < 0 || str_in(sn, IPV_SIZE(sub_net)) < 0 ||
	    str_in(gw, IPV_SIZE(gate_way)) < 0 || str_in(dns, IPV_SIZE(dns_addr)) < 0)
		return HV_E_FAIL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->dhcp = v->dhcp_enabled != 0;
	if (ip_parse_addrs(ip, &cfg->addr) || ip_parse_subnets(sn, &cfg->subnet) ||
	    ip_parse_addrs(gw, &cfg->gateway) || ip_parse_addrs(dns, &cfg->dns))
		return HV_INVALIDARG;
	/* one subnet per address, by position, of the address's family */
	if (cfg->addr.n && cfg->subnet.n != cfg->addr.n)
		return HV_INVALIDARG;
	for (i = 0; i < cfg->addr.n; i++) {
		fam = cfg->subnet.item[i].family;
		plen = cfg->subnet.item[i].plen;
		if (cfg->addr.item[i].family == AF_INET ?
		    (fam == AF_INET6 || plen > 32) : fam == AF_INET)
			return HV_INVALIDARG;
	}
	return HV_S_OK;
}

/* --- rendering the files: no I/O --- */

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

__printf(2, 3)
static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		o->buf[o->len] = '\0';
		return;
	}
	o->len += n;
}

static int out_done(struct out *o)
{
	return o->full ? -ENOSPC : (int)o->len;
}

/* inet_ntop(), or upstream's ifcfg form of IPv6: 8 groups of 4 digits */
static void addr_text(const struct ip_item *it, bool expand, char *s, size_t size)
{
	const unsigned char *b = it->a.v6.s6_addr;

	if (it->family == AF_INET6 && expand)
		snprintf(s, size, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8],
			 b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	else if (!inet_ntop(it->family, &it->a, s, size))
		s[0] = '\0';
}

static void mask_text(int plen, char *s, size_t size)
{
	struct in_addr m = {
		.s_addr = htonl(plen ? 0xffffffffu << (32 - plen) : 0)
	};

	inet_ntop(AF_INET, &m, s, size);
}

enum ifcfg_kind { K_ADDR, K_MASK, K_GW, K_DNS };

/*
 * One list of the ifcfg file, named and numbered as upstream's
 * process_ip_string(): IPADDR0.., NETMASK0.., GATEWAY GATEWAY1..,
 * DNS1..; IPV6ADDR IPV6ADDR_1.., IPV6NETMASK.., IPV6_DEFAULTGW..; the
 * numbers count over the whole list.  Subnets take the family of the
 * address at their position.
 */
static void ifcfg_list(struct out *o, const struct ip_config *cfg,
		       const struct ip_list *l, enum ifcfg_kind k)
{
	static const char *const v4name[] = { "IPADDR", "NETMASK", "GATEWAY", "DNS" };
	static const char *const v6name[] = { "IPV6ADDR", "IPV6NETMASK",
					      "IPV6_DEFAULTGW", "DNS" };
	char val[INET6_ADDRSTRLEN + 8], num[16];
	int i, n4 = 0, n6 = 0, fam;

	for (i = 0; i < l->n; i++) {
		const struct ip_item *it = &l->item[i];

		fam = k == K_MASK ? cfg->addr.item[i].family : it->family;
		if (k == K_MASK && fam == AF_INET)
			mask_text(it->plen, val, sizeof(val));
		else if (k == K_MASK)
			snprintf(val, sizeof(val), "%d", it->plen);
		else
			addr_text(it, true, val, sizeof(val));
		num[0] = '\0';
		if (k == K_DNS)
			snprintf(num, sizeof(num), "%d", ++n4);
		else if (fam == AF_INET && k == K_GW && n4 == 0)
			n4++;
		else if (fam == AF_INET)
			snprintf(num, sizeof(num), "%d", n4++);
		else if (n6 == 0)
			n6++;
		else
			snprintf(num, sizeof(num), "_%d", n6++);
		outf(o, "%s%s=%s\n", fam == AF_INET ? v4name[k] : v6name[k], num, val);
	}
}

int ip_render_ifcfg(const struct ip_config *cfg, const char *ifname,
		    const char *mac, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };

	buf[0] = '\0';
	outf(&o, "HWADDR=%s\nDEVICE=%s\nBOOTPROTO=%s\n", mac, ifname,
	     cfg->dhcp ? "dhcp" : "none");
	ifcfg_list(&o, cfg, &cfg->addr, K_ADDR);
	if (cfg->addr.n)
		ifcfg_list(&o, cfg, &cfg->subnet, K_MASK);
	ifcfg_list(&o, cfg, &cfg->gateway, K_GW);
	ifcfg_list(&o, cfg, &cfg->dns, K_DNS);
	return out_done(&o);
}

/*
 * The keyfile, as upstream's kvp_set_ip_info() lays it out, but with the
 * separators NetworkManager itself writes: one gateway (a keyfile has
 * one per family), DNS servers each followed by ';'.
 */
int ip_render_keyfile(const struct ip_config *cfg, const char *ifname,
		      const char *mac, char *buf, size_t size)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct out o = { buf, size, 0, false };
	char a[INET6_ADDRSTRLEN];
	int f, i, n;
	bool gw;

	buf[0] = '\0';
	outf(&o, "\n[connection]\ninterface-name=%s\n\n[ethernet]\nmac-address=%s\n",
	     ifname, mac);
	for (f = 0; f < 2; f++) {
		outf(&o, "\n[%s]\n", fams[f] == AF_INET ? "ipv4" : "ipv6");
		for (i = n = 0; i < cfg->addr.n; i++) {
			if (cfg->addr.item[i].family != fams[f])
				continue;
			addr_text(&cfg->addr.item[i], false, a, sizeof(a));
			outf(&o, "address%d=%s/%d\n", ++n, a, cfg->subnet.item[i].plen);
		}
		if (fams[f] == AF_INET)
			outf(&o, "method=%s\n", cfg->dhcp ? "auto" : n ? "manual" : "disabled");
		else
			outf(&o, "method=%s\n", n ? "manual" : "auto");
		for (i = 0, gw = false; i < cfg->gateway.n && !gw; i++) {
			if (cfg->gateway.item[i].family != fams[f])
				continue;
			addr_text(&cfg->gateway.item[i], false, a, sizeof(a));
			outf(&o, "gateway=%s\n", a);
			gw = true;
		}
		for (i = n = 0; i < cfg->dns.n; i++) {
			if (cfg->dns.item[i].family != fams[f])
				continue;
			addr_text(&cfg->dns.item[i], false, a, sizeof(a));
			outf(&o, "%s%s;", n++ ? "" : "dns=", a);
		}
		if (n)
			outf(&o, "\n");
	}
	return out_done(&o);
}

bool ifname_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (!n || n >= IFNAMSIZ || name[0] == '-' || name[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-:@+", name[i]))
			return false;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool mac_parse(const char *s, unsigned char mac[6])
{
	char sep = 0;
	int i, h, l;

	for (i = 0; i < 6; i++) {
		h = hexval(s[0]);
		l = h < 0 ? -1 : hexval(s[1]);
		if (l < 0)
			return false;
		mac[i] = h << 4 | l;
		s += 2;
		if (i == 5)
			break;
		if (!sep && (*s == ':' || *s == '-'))
			sep = *s;
		if (*s != sep)
			return false;
		s++;
	}
	return *s == '\0';
}

bool guid_norm(const char *s, char out[37])
{
	size_t n = strlen(s), i;

	if (n == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		n = 36;
	}
	if (n != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (hexval(s[i]) < 0) {
			return false;
		}
		out[i] = tolower((unsigned char)s[i]);
	}
	out[36] = '\0';
	return true;
}

/* --- the system --- */

/* the first line of a small file, without its newline; false if none */
static bool read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

/* the interfaces whose MAC or device GUID is @adapter; how many */
static int find_ifaces(const struct kvp_ip_env *env, const char *adapter,
		       char names[MAX_MATCHES][IFNAMSIZ])
{
	unsigned char want_mac[6], mac[6];
	char want_guid[37], guid[37], path[512], line[128];
	bool by_mac = mac_parse(adapter, want_mac);
	struct dirent *d;
	int n = 0;
	DIR *dir;

	if (!by_mac && !guid_norm(adapter, want_guid))
		return 0;
	dir = opendir(env->net_dir);
	if (!dir)
		return 0;
	while (n < MAX_MATCHES && (d = readdir(dir))) {
		if (!ifname_ok(d->d_name))
			continue;
		if (by_mac) {
			snprintf(path, sizeof(path), "%s/%s/address", env->net_dir, d->d_name);
			if (!read_line(path, line, sizeof(line)) || !mac_parse(line, mac) ||
			    memcmp(mac, want_mac, 6))
				continue;
		} else {
			snprintf(path, sizeof(path), "%s/%s/device/device_id",
				 env->net_dir, d->d_name);
			if (!read_line(path, line, sizeof(line)) ||
			    !guid_norm(line, guid) || strcmp(guid, want_guid))
				continue;
		}
		str_copy(names[n++], IFNAMSIZ, d->d_name);
	}
	closedir(dir);
	return n;
}

static bool iface_mac(const struct kvp_ip_env *env, const char *ifname,
		      char text[18])
{
	char path[512], line[128];
	unsigned char m[6];

	snprintf(path, sizeof(path), "%s/%s/address", env->net_dir, ifname);
	if (!read_line(path, line, sizeof(line)) || !mac_parse(line, m))
		return false;
	snprintf(text, 18, "%02X:%02X:%02X:%02X:%02X:%02X",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return true;
}

static int popcount(const unsigned char *b, int n)
{
	int c = 0;

	while (n--)
		c += __builtin_popcount(*b++);
	return c;
}

/*
 * @ifname's addresses into @v (ip_addr, sub_net, addr_family); false if
 * it has none.  An address goes in only with its subnet.
 */
static bool iface_addrs(const char *ifname, struct hv_kvp_ipaddr_value *v)
{
	char *ip = IPV_STR(v, ip_addr), *sn = IPV_STR(v, sub_net);
	char a[INET6_ADDRSTRLEN + 2], m[INET6_ADDRSTRLEN + 2];
	char ipb[MAX_IP_ADDR_SIZE], snb[MAX_IP_ADDR_SIZE];
	struct ifaddrs *ifa, *i;
	int fam;

	ip[0] = sn[0] = '\0';
	v->addr_family = ADDR_FAMILY_NONE;
	if (getifaddrs(&ifa))
		return false;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname) ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		fam = i->ifa_addr->sa_family;
		if (fam == AF_INET) {
			inet_ntop(fam, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
				  a + 1, sizeof(a) - 1);
			if (i->ifa_netmask)
				inet_ntop(fam, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr,
					  m + 1, sizeof(m) - 1);
			else
				str_copy(m + 1, sizeof(m) - 1, "255.255.255.255");
		} else if (fam == AF_INET6) {
			inet_ntop(fam, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
				  a + 1, sizeof(a) - 1);
			snprintf(m + 1, sizeof(m) - 1, "/%d", i->ifa_netmask ?
				 popcount(((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr,
					  16) : 128);
		} else {
			continue;
		}
		/* ';' between entries; both lists grow together or not at all */
		a[0] = m[0] = ';';
		str_copy(ipb, sizeof(ipb), ip);
		str_copy(snb, sizeof(snb), sn);
		if (!str_append(ipb, sizeof(ipb), ip[0] ? a : a + 1) ||
		    !str_append(snb, sizeof(snb), sn[0] ? m : m + 1))
			break;
		str_copy(ip, IPV_SIZE(ip_addr), ipb);
		str_copy(sn, IPV_SIZE(sub_net), snb);
		v->addr_family |= fam == AF_INET ? ADDR_FAMILY_IPV4 : ADDR_FAMILY_IPV6;
	}
	freeifaddrs(ifa);
	return ip[0] != '\0';
}

/* "ADDR;" for each default gateway of @ifname (IPv4, then IPv6) */
static void iface_gateways(const struct kvp_ip_env *env, const char *ifname,
			   char *out, size_t size)
{
	char path[512], line[512], dev[IFNAMSIZ + 1], a[INET6_ADDRSTRLEN + 1];
	char dst[33], hop[33];
	unsigned int d, g, flags, mask, dplen, i, x;
	struct in6_addr in6;
	struct in_addr in;
	FILE *f;

	snprintf(path, sizeof(path), "%s/route", env->proc_net);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%16s %x %x %x %*d %*d %*d %x", dev, &d, &g,
			   &flags, &mask) != 5 || strcmp(dev, ifname))
			continue;
		if (d || mask || !(flags & 0x2 /* RTF_GATEWAY */))
			continue;
		in.s_addr = g;	/* printed as the host-order word it is stored as */
		inet_ntop(AF_INET, &in, a, sizeof(a) - 1);
		strcat(a, ";");
		str_append(out, size, a);
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/ipv6_route", env->proc_net);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %x %*s %*x %32s %*x %*x %*x %*x %16s",
			   dst, &dplen, hop, dev) != 4 || strcmp(dev, ifname) ||
		    dplen || strspn(dst, "0") != 32 || strspn(hop, "0") == 32 ||
		    strlen(hop) != 32)
			continue;
		for (i = 0; i < 16; i++) {
			if (sscanf(hop + 2 * i, "%2x", &x) != 1)
				break;
			in6.s6_addr[i] = x;
		}
		if (i < 16)
			continue;
		inet_ntop(AF_INET6, &in6, a, sizeof(a) - 1);
		strcat(a, ";");
		str_append(out, size, a);
	}
	if (f)
		fclose(f);
}

/* "ADDR;" for each DNS server hv_get_dns_info prints that is an address */
static void dns_servers(const struct kvp_ip_env *env, char *out, size_t size)
{
	static const char *const none[] = { NULL };
	char buf[4096], a[INET6_ADDRSTRLEN + 2], *line, *save;
	struct ip_item it;

	if (!env->helper_dir ||
	    run_helper(env->helper_dir, "hv_get_dns_info", none, buf, sizeof(buf),
		       HELPER_GET_MS) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " \t\r")] = '\0';
		if (!parse_addr(line, &it))
			continue;
		addr_text(&it, false, a, sizeof(a) - 1);
		strcat(a, ";");
		str_append(out, size, a);
	}
}

static bool dhcp_enabled(const struct kvp_ip_env *env, const char *ifname)
{
	const char *const args[] = { ifname, NULL };
	char buf[128];

	return env->helper_dir &&
	       run_helper(env->helper_dir, "hv_get_dhcp_info", args, buf, sizeof(buf),
			  HELPER_GET_MS) >= 0 &&
	       !strncmp(buf, "Enabled", 7);
}

int kvp_ip_get(const struct kvp_ip_env *env, struct hv_kvp_ipaddr_value *v)
{
	char names[MAX_MATCHES][IFNAMSIZ], adapter[MAX_ADAPTER_ID_SIZE * 2];
	const char *ifname;
	int n, i;

	if (str_in(IPV_STR(v, adapter_id), IPV_SIZE(adapter_id)) < 0)
		return HV_E_FAIL;
	str_copy(adapter, sizeof(adapter), IPV_STR(v, adapter_id));
	n = find_ifaces(env, adapter, names);
	if (!n)
		return HV_E_FAIL;
	/* a VF has the MAC of its netvsc interface, but no address */
	for (i = 0; i < n; i++)
		if (iface_addrs(names[i], v))
			break;
	if (i == n) {
		i = 0;
		iface_addrs(names[0], v);
	}
	ifname = names[i];
	memset(IPV_STR(v, gate_way), 0, IPV_SIZE(gate_way));
	memset(IPV_STR(v, dns_addr), 0, IPV_SIZE(dns_addr));
	iface_gateways(env, ifname, IPV_STR(v, gate_way), MAX_GATEWAY_SIZE);
	dns_servers(env, IPV_STR(v, dns_addr), MAX_IP_ADDR_SIZE);
	v->dhcp_enabled = dhcp_enabled(env, ifname);
	return HV_S_OK;
}

void kvp_ip_all(int family, char *out, size_t size)
{
	struct ifaddrs *ifa, *i;
	char a[INET6_ADDRSTRLEN + 1];

	out[0] = '\0';
	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		a[0] = ';';
		if (family == AF_INET)
			inet_ntop(family, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
				  a + 1, sizeof(a) - 1);
		else
			inet_ntop(family, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
				  a + 1, sizeof(a) - 1);
		if (!str_append(out, size, out[0] ? a : a + 1))
			break;
	}
	freeifaddrs(ifa);
}

/* @dir/@name holds @len bytes of @data, or nothing changed: 0 or -errno */
static int write_file(const char *dir, const char *name, const char *data,
		      size_t len)
{
	char path[4096], tmp[4096];
	size_t done = 0;
	ssize_t n;
	int fd, ret = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		done += n;
	}
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int kvp_ip_set(const struct kvp_ip_env *env, const struct hv_kvp_ipaddr_value *v)
{
	char names[MAX_MATCHES][IFNAMSIZ], adapter[MAX_ADAPTER_ID_SIZE * 2];
	char mac[18], ifcfg_name[32], nm_name[48], ifcfg_path[4096], nm_path[4096];
	const char *args[3];
	struct ip_config *cfg;
	char *ifcfg, *nm;
	long long t0;
	int ret, n1, n2;

	if (str_in(IPV_STR(v, adapter_id), IPV_SIZE(adapter_id)) < 0)
		return HV_E_FAIL;
	str_copy(adapter, sizeof(adapter), IPV_STR(v, adapter_id));
	cfg = malloc(sizeof(*cfg));
	ifcfg = malloc(16384);
	nm = malloc(16384);
	ret = HV_E_FAIL;
	if (!cfg || !ifcfg || !nm)
		goto out;
	ret = ip_config_parse(v, cfg);
	if (ret != HV_S_OK) {
		log_msg(LOG_ERR, "SET_IP_INFO: a bad address list from the host");
		goto out;
	}
	ret = HV_GUID_NOTFOUND;
	if (!find_ifaces(env, adapter, names))
		goto out;
	ret = HV_E_FAIL;
	if (!iface_mac(env, names[0], mac))
		goto out;
	n1 = ip_render_ifcfg(cfg, names[0], mac, ifcfg, 16384);
	n2 = ip_render_keyfile(cfg, names[0], mac, nm, 16384);
	if (n1 < 0 || n2 < 0)
		goto out;
	snprintf(ifcfg_name, sizeof(ifcfg_name), "ifcfg-%s", names[0]);
	snprintf(nm_name, sizeof(nm_name), "%s.nmconnection", names[0]);
	mkdir(env->config_dir, 0755);
	if (write_file(env->config_dir, ifcfg_name, ifcfg, n1) ||
	    write_file(env->config_dir, nm_name, nm, n2)) {
		log_msg(LOG_ERR, "SET_IP_INFO: cannot write %s/%s: %s",
			env->config_dir, ifcfg_name, strerror(errno));
		goto out;
	}
	ret = HV_S_OK;
	if (!env->helper_dir)
		goto out;
	snprintf(ifcfg_path, sizeof(ifcfg_path), "%s/%s", env->config_dir, ifcfg_name);
	snprintf(nm_path, sizeof(nm_path), "%s/%s", env->config_dir, nm_name);
	args[0] = ifcfg_path;
	args[1] = nm_path;
	args[2] = NULL;
	/* the time it took: the host gives up after 30 s (hv_utils too) */
	t0 = now_ms();
	n1 = run_helper(env->helper_dir, "hv_set_ifconfig", args, NULL, 0,
			HELPER_SET_MS);
	if (n1) {
		log_msg(LOG_ERR, "SET_IP_INFO: hv_set_ifconfig %s failed (%d) after %lld ms",
			names[0], n1, now_ms() - t0);
		ret = HV_E_FAIL;
	} else {
		log_msg(LOG_INFO, "SET_IP_INFO: %s configured in %lld ms", names[0],
			now_ms() - t0);
	}
out:
	free(cfg);
	free(ifcfg);
	free(nm);
	return ret;
}
