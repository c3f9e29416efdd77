// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: /etc/os-release parsing (kvp_osinfo.c), and the old
 * three-line release files, with arbitrary contents.  Checks: every
 * output is a terminated string within its buffer.
 */
#include "common.h"
#include "kvp_osinfo.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvp_osinfo info;
	char name[64], version[16];

	memset(name, 'x', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	memset(version, 'y', sizeof(version));
	version[sizeof(version) - 1] = '\0';
	osinfo_parse_os_release((const char *)data, size, name, sizeof(name),
				version, sizeof(version));
	if (!memchr(name, 0, sizeof(name)) || !memchr(version, 0, sizeof(version)))
		abort();
	memset(&info, 0, sizeof(info));
	osinfo_parse_old_release((const char *)data, size, &info);
	if (!memchr(info.os_name, 0, sizeof(info.os_name)) ||
	    !memchr(info.os_major, 0, sizeof(info.os_major)) ||
	    !memchr(info.os_minor, 0, sizeof(info.os_minor)))
		abort();
	return 0;
}
