// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the VSS daemon's request handler (vss_msg.c) with a
 * backend that only counts (this build freezes nothing), and the
 * mountinfo line parser and filter (vss_freeze.c) on the same bytes.
 * Checks: the answer's status is HV_S_OK or HV_E_FAIL; freezes and thaws
 * are only asked for by FREEZE and THAW; a parsed line's fields are
 * strings inside the line.
 */
#include <hvlis/icmsg.h>

#include "common.h"
#include "vss.h"
#include "fuzz_common.h"

static int freezes, thaws;

static int fake_freeze(void *priv)
{
	(void)priv;
	return ++freezes % 3 ? 0 : -5;
}

static int fake_thaw(void *priv)
{
	(void)priv;
	return ++thaws % 5 ? 0 : -110;
}

static const struct vss_backend fake = {
	.freeze = fake_freeze,
	.thaw = fake_thaw,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv_vss_msg m;
	int f = freezes, t = thaws, op = size ? data[0] : -1, ret;
	struct mnt_entry e;
	char *line;

	memset(&m, 0, sizeof(m));
	memcpy(&m, data, size < sizeof(m) ? size : sizeof(m));
	ret = vss_handle(&fake, &m, size);
	if ((ret != HV_S_OK && ret != (int)HV_E_FAIL) || m.error != ret)
		abort();
	if ((freezes != f && (op != VSS_OP_FREEZE || size < sizeof(m))) ||
	    (thaws != t && (op != VSS_OP_THAW || size < sizeof(m))))
		abort();

	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (mountinfo_parse(line, &e)) {
		if (e.mount_point < line || e.mount_point > line + size ||
		    e.source < line || e.source > line + size ||
		    e.mount_point[0] != '/')
			abort();
		mnt_freezable(&e);
	}
	free(line);
	return 0;
}
