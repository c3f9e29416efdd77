/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the guest tells the host about itself: pool KVP_POOL_AUTO, read
 * by index (ENUMERATE).  Names, order and values are upstream's
 * (tools/hv/hv_kvp_daemon.c: enum key_index, kvp_get_os_info(),
 * kvp_get_domain_name()).
 */
#ifndef HV_DAEMONS_KVP_OSINFO_H
#define HV_DAEMONS_KVP_OSINFO_H

#include <stddef.h>

#include <hvlis/kvp.h>

#define OSINFO_LEN	256

struct kvp_osinfo {
	char fqdn[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	char hostname[256];		/* what fqdn was resolved from */
	char os_name[OSINFO_LEN];	/* NAME, else uname's sysname */
	char os_major[OSINFO_LEN];	/* VERSION_ID */
	char os_minor[OSINFO_LEN];	/* only from SuSE-/redhat-release */
	char os_build[OSINFO_LEN];	/* the kernel release */
	char os_version[OSINFO_LEN];	/* ... up to its first '-' */
	char arch[OSINFO_LEN];		/* uname's machine */
	char ic_version[HV_KVP_EXCHANGE_MAX_KEY_SIZE];	/* from the kernel */
};

/* the pool-2 key names by index: upstream's enum key_index */
enum kvp_auto_key {
	KVP_FQDN,
	KVP_IC_VERSION,
	KVP_IPV4,
	KVP_IPV6,
	KVP_OS_BUILD,
	KVP_OS_NAME,
	KVP_OS_MAJOR,
	KVP_OS_MINOR,
	KVP_OS_VERSION,
	KVP_ARCH,
	KVP_AUTO_KEYS
};

extern const char *const kvp_auto_key_names[KVP_AUTO_KEYS];

/*
 * /etc/os-release's contents: NAME into @name and VERSION_ID into
 * @version_id (each left alone if absent).  Upstream's parsing: lines
 * starting with '#' are skipped, the value is what follows the first
 * '=', with every quote removed and a backslash taking the next
 * character as it is.  No I/O: fuzzed.
 */
void osinfo_parse_os_release(const char *buf, size_t len, char *name,
			     size_t name_size, char *version_id,
			     size_t version_size);
/* the three-line /etc/SuSE-release or /etc/redhat-release */
void osinfo_parse_old_release(const char *buf, size_t len,
			      struct kvp_osinfo *info);
/* uname() and the release files under @etc ("/etc") */
void osinfo_read(struct kvp_osinfo *info, const char *etc);
/*
 * The fully qualified name: getaddrinfo(AI_CANONNAME) of the host name,
 * the host name itself if that fails.  Done again only when the host
 * name changed (a lookup can take seconds: the host waits for us).
 */
void osinfo_update_fqdn(struct kvp_osinfo *info);

#endif /* HV_DAEMONS_KVP_OSINFO_H */
