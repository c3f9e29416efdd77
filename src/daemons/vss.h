/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VSS (backup) daemon's parts: the message handler, which knows the
 * protocol but not how file systems are frozen (a backend; the fuzz
 * build's does nothing), and the real backend, which freezes every local
 * writable file system with FIFREEZE and guards the freeze with a
 * watchdog process.
 *
 * Protocol (include/uapi/linux/hyperv.h, tools/hv/hv_vss_daemon.c): the
 * daemon writes a struct hv_vss_msg with VSS_OP_REGISTER1, the kernel
 * answers with a bare __u32, its version; then each request is one read
 * of a struct hv_vss_msg and one write of it with .error set.  FREEZE and
 * THAW do the work, HOT_BACKUP ("can you do a live backup?") is answered
 * yes; anything else fails.
 */
#ifndef HV_DAEMONS_VSS_H
#define HV_DAEMONS_VSS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <hvlis/vss.h>

struct vss_backend {
	/* 0, or -errno with nothing left frozen */
	int (*freeze)(void *priv);
	/* 0, or -errno (also if the watchdog had to thaw first) */
	int (*thaw)(void *priv);
	void *priv;
};

/*
 * The request in @buf (@len bytes as read), answered in place as a
 * struct hv_vss_msg (@buf must hold one); the status.
 */
int vss_handle(const struct vss_backend *b, void *buf, size_t len);

/* --- the real backend: vss_freeze.c --- */

/* one superblock to freeze */
struct vss_fs {
	char *path;		/* a mount point of it ("/" if it is one) */
	unsigned int major, minor;
	int fd;			/* open while frozen */
	bool frozen;		/* by us */
};

struct vss_freezer {
	const char *mountinfo;	/* /proc/self/mountinfo */
	unsigned int timeout;	/* seconds the watchdog waits for THAW */
	struct vss_fs *fs;
	size_t n;
	bool frozen;
	pid_t watchdog;
	int wd_pipe;		/* write end: frozen indexes, then -1 */
};

int vss_freeze_all(void *freezer);
int vss_thaw_all(void *freezer);

/* one /proc/self/mountinfo line, split; its strings point into the line */
struct mnt_entry {
	unsigned int major, minor;
	char *mount_point;	/* octal escapes decoded */
	char *mount_opts;
	char *fstype;
	char *source;
	char *super_opts;
};

/*
 * Split @line (changed in place) per proc(5)'s mountinfo: false if it is
 * not a mountinfo line.  No I/O.
 */
bool mountinfo_parse(char *line, struct mnt_entry *e);
/*
 * Whether we freeze it, as far as the line tells (no I/O): writable
 * (mount and superblock), on a block device (/dev/...: not a network or
 * pseudo file system), not vfat (upstream skips it) nor FUSE.
 */
bool mnt_freezable(const struct mnt_entry *e);

#endif /* HV_DAEMONS_VSS_H */
