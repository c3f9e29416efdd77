/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running the KVP daemon's helper programs (hv_get_dns_info,
 * hv_get_dhcp_info, hv_set_ifconfig): fork() and execve() with a fixed
 * argument vector and a minimal environment, never through a shell
 * string; standard output captured, bounded in size and time.
 */
#ifndef HV_DAEMONS_HELPER_H
#define HV_DAEMONS_HELPER_H

#include <stddef.h>

/*
 * Run @dir/@name with the arguments @args (NULL-terminated, not counting
 * argv[0]); its output, cut to @outlen - 1 bytes, into @out (may be
 * NULL).  After @timeout_ms the program is killed.  Its exit status (0
 * to 255), or -1 if it could not run, was killed or timed out.
 */
int run_helper(const char *dir, const char *name, const char *const *args,
	       char *out, size_t outlen, int timeout_ms);

#endif /* HV_DAEMONS_HELPER_H */
