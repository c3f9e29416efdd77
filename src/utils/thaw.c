// SPDX-License-Identifier: GPL-2.0-only
/*
 * Thaw every file system a user froze (FIFREEZE): what VSS does when its
 * daemon dies during a backup's freeze, since nothing else ever would and
 * every writer to those file systems would hang.  The kernel's own
 * emergency thaw (SysRq-j) does the same, but handle_sysrq() obeys the
 * kernel.sysrq mask, which on most distributions does not allow it.
 *
 * The block-device file system types come from /proc/filesystems (those
 * not marked "nodev": the daemons freeze only file systems on devices);
 * each type's super blocks from iterate_supers_type().  That callback
 * runs with s_umount held, which thaw_super() takes itself, so the
 * frozen ones are collected with an active reference first and thawed
 * after.  Runs from a work item: the daemon's release may run in its
 * exit, after its fs_struct is gone.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "utils.h"

#define THAW_MAX_SB	64	/* more frozen ones are left to a second pass */

struct thaw_list {
	struct super_block *sb[THAW_MAX_SB];
	unsigned int n;
};

static void thaw_collect(struct super_block *sb, void *arg)
{
	struct thaw_list *l = arg;

	if (l->n == THAW_MAX_SB ||
	    READ_ONCE(sb->s_writers.frozen) != SB_FREEZE_COMPLETE)
		return;
	if (atomic_inc_not_zero(&sb->s_active))
		l->sb[l->n++] = sb;
}

/* the names of the block-device file system types, NUL-separated */
static char *thaw_fs_types(size_t *len)
{
	struct file *f;
	char *buf, *out;
	size_t o = 0;
	ssize_t n;
	char *line, *p;

	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	out = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf || !out)
		goto fail;
	f = filp_open("/proc/filesystems", O_RDONLY, 0);
	if (IS_ERR(f))
		goto fail;
	n = kernel_read(f, buf, PAGE_SIZE - 1, &f->f_pos);
	filp_close(f, NULL);
	if (n <= 0)
		goto fail;
	p = buf;
	while ((line = strsep(&p, "\n"))) {
		/* "nodev\tproc" or "\text4" */
		if (line[0] != '\t' || !line[1])
			continue;
		if (o + strlen(line) >= PAGE_SIZE)
			break;
		strscpy(out + o, line + 1, PAGE_SIZE - o);
		o += strlen(line);
	}
	kfree(buf);
	*len = o;
	return out;

fail:
	kfree(buf);
	kfree(out);
	return NULL;
}

/* thaw what users froze; the number thawed, or -errno */
int util_thaw_all(void)
{
	struct thaw_list *l;
	struct file_system_type *type;
	size_t len, i;
	char *types;
	int thawed = 0;
	unsigned int k;

	types = thaw_fs_types(&len);
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!types || !l) {
		kfree(types);
		kfree(l);
		return -ENOMEM;
	}
	for (i = 0; i < len; i += strlen(types + i) + 1) {
		/* registered (it is in the list), so this loads no module */
		type = get_fs_type(types + i);
		if (!type)
			continue;
		l->n = 0;
		iterate_supers_type(type, thaw_collect, l);
		module_put(type->owner);
		for (k = 0; k < l->n; k++) {
			if (!compat_thaw_super_user(l->sb[k]))
				thawed++;
			deactivate_super(l->sb[k]);
		}
	}
	kfree(types);
	kfree(l);
	return thawed;
}
