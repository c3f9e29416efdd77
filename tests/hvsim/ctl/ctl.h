/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: a line protocol on a Unix socket through which tests
 * play the Hyper-V administrator (README.md, "Control socket").
 *   ctl.c        server: connections, splitting, command tables
 *   core_cmds.c  the core's commands (status, irq, synic, quit)
 *   client.c     `hvsim ctl ...`, the client
 * Device classes add their commands through struct vsp_ops.
 */
#ifndef HVSIM_CTL_H
#define HVSIM_CTL_H

#include "core/hvsim.h"

struct ctl_conn;

struct ctl_cmd {
	const char *name;	/* first word of the command line */
	const char *usage;	/* shown by "help" */
	/* argv[0] is the name; return 0 for "ok", or ctl_fail(...) */
	int (*fn)(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv);
};

#define CTL_MAX_LINE	4096
#define CTL_MAX_ARGS	64

/* device classes add their command tables at start-up */
int ctl_register(const struct ctl_cmd *cmds, size_t n);
/* for "help": the @i-th command, core ones first; NULL past the last */
const struct ctl_cmd *ctl_cmd_at(size_t i);
extern const struct ctl_cmd ctl_core_cmds[];	/* core_cmds.c */
extern const size_t ctl_core_cmds_n;
__printf(2, 3) void ctl_printf(struct ctl_conn *c, const char *fmt, ...);
/* sets the "error: ..." reason (the first one wins); returns -1 */
__printf(2, 3) int ctl_fail(struct ctl_conn *c, const char *fmt, ...);
/* split @line in place; handles "double quotes" and \ escapes */
int ctl_split(char *line, char **argv, int max);
/* run one command line; the response, ending in ok/error, goes to @c */
void ctl_exec_line(struct hvsim *hs, struct ctl_conn *c, char *line);
/* unit tests: a connection that only collects output */
struct ctl_conn *ctl_conn_new_buffer(void);
const char *ctl_conn_output(struct ctl_conn *c);
void ctl_conn_free(struct ctl_conn *c);
int ctl_init(struct hvsim *hs, const char *path);
void ctl_exit(struct hvsim *hs);
int ctl_client_main(int argc, char **argv);

#endif /* HVSIM_CTL_H */
