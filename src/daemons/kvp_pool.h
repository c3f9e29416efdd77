/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVP pools: /var/lib/hyperv/.kvp_pool_0 to _4, one per enum
 * hv_kvp_exchg_pool.  The file format is upstream's (tools/hv/
 * hv_kvp_daemon.c, struct kvp_record): records of a 512-byte key and a
 * 2048-byte value, each NUL-padded, back to back, nothing else.  Other
 * programs read and write these files too: cloud-init's Azure KVP
 * reporting appends records to .kvp_pool_1 under flock(LOCK_EX)
 * (cloudinit/reporting/handlers.py, HyperVKvpReportingHandler), the
 * upstream daemon and its tools take fcntl(F_SETLKW) locks on the whole
 * file.  So do we, both kinds, and we rewrite a file in place (never by
 * rename(), which would hide another writer's append to the old inode).
 */
#ifndef HV_DAEMONS_KVP_POOL_H
#define HV_DAEMONS_KVP_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include <hvlis/kvp.h>

struct kvp_record {
	char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	char value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
};

#define KVP_RECORD_SIZE		(HV_KVP_EXCHANGE_MAX_KEY_SIZE + \
				 HV_KVP_EXCHANGE_MAX_VALUE_SIZE)
static_assert(sizeof(struct kvp_record) == KVP_RECORD_SIZE, "record size");

/* a pool file larger than this is refused, never truncated */
#define KVP_POOL_MAX_BYTES	(64u << 20)

struct kvp_pool {
	char path[4096];
	struct kvp_record *rec;
	size_t n, cap;
	/* what the cached records were read from, to notice a change */
	bool cached;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* --- records in memory (no I/O: fuzzed) --- */

/*
 * Replace @p's records with those in @buf (a pool file's contents); a
 * partial record at the end (another writer's append under way, or a
 * truncated file) is ignored.  -ENOMEM or 0.
 */
int kvp_pool_parse(struct kvp_pool *p, const void *buf, size_t len);
/* the index of the first record whose key is @key, or -1 */
long kvp_pool_find(const struct kvp_pool *p, const char *key);
/* set @key to @value (both terminated, within the sizes): -ENOMEM or 0 */
int kvp_pool_set(struct kvp_pool *p, const char *key, const char *value);
/* remove the first record of @key: false if there was none */
bool kvp_pool_delete(struct kvp_pool *p, const char *key);
/*
 * Record @i's key and value, NUL-terminated within their sizes even if
 * the file had none (another writer's bytes are not trusted either).
 */
void kvp_pool_get(const struct kvp_pool *p, size_t i,
		  char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE],
		  char value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE]);
void kvp_pool_free(struct kvp_pool *p);

/* --- the file --- */

/*
 * Open @p's file (created 0644 as upstream's if missing), lock it for
 * reading or writing, and re-read it if it changed since we last looked.
 * The file descriptor, to pass to kvp_pool_store() and kvp_pool_close(),
 * or -errno.
 */
int kvp_pool_open(struct kvp_pool *p, bool write);
/* write @p's records back into the locked file: 0 or -errno */
int kvp_pool_store(struct kvp_pool *p, int fd);
/* unlock and close */
void kvp_pool_close(int fd);

#endif /* HV_DAEMONS_KVP_POOL_H */
