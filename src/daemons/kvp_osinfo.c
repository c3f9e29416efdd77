// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's own information for pool KVP_POOL_AUTO: kvp_osinfo.h.
 */
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common.h"
#include "kvp_osinfo.h"

const char *const kvp_auto_key_names[KVP_AUTO_KEYS] = {
	[KVP_FQDN] = "FullyQualifiedDomainName",
	[KVP_IC_VERSION] = "IntegrationServicesVersion",
	[KVP_IPV4] = "NetworkAddressIPv4",
	[KVP_IPV6] = "NetworkAddressIPv6",
	[KVP_OS_BUILD] = "OSBuildNumber",
	[KVP_OS_NAME] = "OSName",
	[KVP_OS_MAJOR] = "OSMajorVersion",
	[KVP_OS_MINOR] = "OSMinorVersion",
	[KVP_OS_VERSION] = "OSVersion",
	[KVP_ARCH] = "ProcessorArchitecture",
};

/* the next line of @buf from *@pos: its start and length (no newline) */
static bool next_line(const char *buf, size_t len, size_t *pos,
		      const char **line, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*line = buf + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += *n + (nl != NULL);
	return true;
}

/* os-release's value syntax, as upstream reads it, into @out */
static void unquote(const char *v, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < size; i++) {
		if (v[i] == '\\') {
			if (++i == n)
				break;
			out[o++] = v[i];
		} else if (v[i] != '"' && v[i] != '\'' && v[i] != '\0') {
			out[o++] = v[i];
		}
	}
	out[o] = '\0';
}

void osinfo_parse_os_release(const char *buf, size_t len, char *name,
			     size_t name_size, char *version_id,
			     size_t version_size)
{
	const char *line, *eq;
	size_t pos = 0, n, klen;

	while (next_line(buf, len, &pos, &line, &n)) {
		if (!n || line[0] == '#')
			continue;
		eq = memchr(line, '=', n);
		if (!eq)
			continue;
		klen = eq - line;
		if (klen == 4 && !memcmp(line, "NAME", 4))
			unquote(eq + 1, n - klen - 1, name, name_size);
		else if (klen == 10 && !memcmp(line, "VERSION_ID", 10))
			unquote(eq + 1, n - klen - 1, version_id, version_size);
	}
}

void osinfo_parse_old_release(const char *buf, size_t len,
			      struct kvp_osinfo *info)
{
	char *const out[] = { info->os_name, info->os_major, info->os_minor };
	const char *line;
	size_t pos = 0, n, i;

	for (i = 0; i < ARRAY_SIZE(out) && next_line(buf, len, &pos, &line, &n); i++) {
		if (n >= OSINFO_LEN)
			n = OSINFO_LEN - 1;
		memcpy(out[i], line, n);
		out[i][n] = '\0';
		/* a NUL inside the line ends it: the string stays a string */
	}
}

/* up to @size - 1 bytes of @path; -1 if it cannot be read */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

void osinfo_read(struct kvp_osinfo *info, const char *etc)
{
	static const char *const old[] = { "SuSE-release", "redhat-release" };
	char buf[8192], path[512];
	struct utsname u;
	ssize_t n;
	size_t i;

	if (uname(&u) == 0) {
		str_copy(info->os_name, sizeof(info->os_name), u.sysname);
		str_copy(info->os_build, sizeof(info->os_build), u.release);
		str_copy(info->os_version, sizeof(info->os_version), u.release);
		/* the host wants "x.y.z" here (upstream: Windows 7 hosts) */
		info->os_version[strcspn(info->os_version, "-")] = '\0';
		str_copy(info->arch, sizeof(info->arch), u.machine);
	}
	snprintf(path, sizeof(path), "%s/os-release", etc);
	n = read_small(path, buf, sizeof(buf));
	if (n >= 0) {
		osinfo_parse_os_release(buf, n, info->os_name, sizeof(info->os_name),
					info->os_major, sizeof(info->os_major));
		return;
	}
	for (i = 0; i < ARRAY_SIZE(old); i++) {
		snprintf(path, sizeof(path), "%s/%s", etc, old[i]);
		n = read_small(path, buf, sizeof(buf));
		if (n >= 0) {
			osinfo_parse_old_release(buf, n, info);
			return;
		}
	}
}

void osinfo_update_fqdn(struct kvp_osinfo *info)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_CANONNAME,
	};
	struct addrinfo *res;
	char host[256];

	if (gethostname(host, sizeof(host)))
		return;
	host[sizeof(host) - 1] = '\0';
	if (info->fqdn[0] && !strcmp(host, info->hostname))
		return;
	str_copy(info->hostname, sizeof(info->hostname), host);
	if (getaddrinfo(host, NULL, &hints, &res) == 0) {
		if (res->ai_canonname && res->ai_canonname[0])
			str_copy(info->fqdn, sizeof(info->fqdn), res->ai_canonname);
		else
			str_copy(info->fqdn, sizeof(info->fqdn), host);
		freeaddrinfo(res);
	} else {
		str_copy(info->fqdn, sizeof(info->fqdn), host);
	}
}
