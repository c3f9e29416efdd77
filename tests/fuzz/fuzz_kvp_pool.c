// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the KVP pool files (kvp_pool.c) with arbitrary
 * contents, as another writer or a damaged disk may leave them.  The
 * bytes are parsed in memory and also read back through the file path
 * (lock, stat, reload); then a key is set and deleted and the file
 * written and read again.  Checks: whole records only, every record's
 * strings terminated, the file path sees what the parser sees, a set
 * key is found after a store and a reload, a deleted one is not.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "common.h"
#include "kvp_pool.h"
#include "fuzz_common.h"

static char path[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_quiet();
	snprintf(path, sizeof(path), "%s/.kvp_pool_1", fuzz_tmpdir());
	return 0;
}

static void check_records(const struct kvp_pool *p)
{
	char k[HV_KVP_EXCHANGE_MAX_KEY_SIZE], v[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	size_t i;

	for (i = 0; i < p->n; i++) {
		kvp_pool_get(p, i, k, v);
		if (strlen(k) >= sizeof(k) || strlen(v) >= sizeof(v))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvp_pool mem = { 0 }, file = { 0 }, again = { 0 };
	static char value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	int fd;

	if (size > 8 * KVP_RECORD_SIZE)
		return 0;
	if (kvp_pool_parse(&mem, data, size))
		abort();
	if (mem.n != size / KVP_RECORD_SIZE)
		abort();
	check_records(&mem);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	str_copy(file.path, sizeof(file.path), path);
	str_copy(again.path, sizeof(again.path), path);
	fd = kvp_pool_open(&file, true);
	if (fd < 0 || file.n != mem.n ||
	    (mem.n && memcmp(file.rec, mem.rec, mem.n * KVP_RECORD_SIZE)))
		abort();

	/* a key from the data (the first record's, when there is one) */
	if (mem.n)
		kvp_pool_get(&mem, 0, key, value);
	else
		str_copy(key, sizeof(key), "FuzzKey");
	if (key[0] == '\0')
		str_copy(key, sizeof(key), "FuzzKey");
	if (kvp_pool_set(&file, key, "fuzz value") || kvp_pool_store(&file, fd))
		abort();
	kvp_pool_close(fd);

	fd = kvp_pool_open(&again, false);
	if (fd < 0 || kvp_pool_find(&again, key) < 0)
		abort();
	kvp_pool_close(fd);
	fd = kvp_pool_open(&again, true);
	if (fd < 0 || !kvp_pool_delete(&again, key) || kvp_pool_store(&again, fd))
		abort();
	kvp_pool_close(fd);
	fd = kvp_pool_open(&file, false);
	/* a duplicate of the key may remain, never the value we set */
	if (fd < 0)
		abort();
	check_records(&file);
	kvp_pool_close(fd);

	kvp_pool_free(&mem);
	kvp_pool_free(&file);
	kvp_pool_free(&again);
	return 0;
}
