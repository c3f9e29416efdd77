// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvmbus: list the devices on the VMBus, in the format of the upstream
 * tool (tools/hv/lsvmbus): -v adds class ids and channel-to-CPU mappings,
 * -vv device ids and sysfs paths.  Reads only sysfs.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvlis/guids.h>

#define SYSFS_VMBUS "/sys/bus/vmbus/devices"

struct vmbus_dev {
	unsigned long id;
	char name[256];
	char class_id[64];
	char device_id[64];
	char *mapping;		/* "\tRel_ID=%s, target_cpu=%s\n" lines */
};

struct class_name {
	guid_t guid;
	const char *desc;
	const char *shortname;
	const char *id;
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define CLASS_ENTRY(id, shortname, guid, desc) { guid, desc, shortname, #id },
static const struct class_name class_names[] = {
	HV_DEVICE_CLASSES(CLASS_ENTRY)
};

static const char *root = SYSFS_VMBUS;

/* First line of an attribute, without its newline; "" if unreadable. */
static void read_attr(const char *dev, const char *attr, char *buf, size_t len)
{
	char path[1024];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s/%s", root, dev, attr);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void guid_to_str(const guid_t *g, char *out, size_t len)
{
	const unsigned char *b = g->b;

	snprintf(out, len,
		 "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
		 b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

static const char *class_desc(const char *class_id)
{
	char s[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(class_names); i++) {
		guid_to_str(&class_names[i].guid, s, sizeof(s));
		if (!strcmp(s, class_id))
			return class_names[i].desc;
	}
	return "Unknown";
}

struct mapping {
	unsigned long relid;
	char cpu[32];
};

static int cmp_mapping(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	return (x->relid > y->relid) - (x->relid < y->relid);
}

/* channel_vp_mapping holds "relid:cpu" lines; list them by relid. */
static char *read_mapping(const char *dev)
{
	struct mapping maps[256];
	size_t n = 0, i, len = 0;
	char path[1024], line[128];
	char *out;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/channel_vp_mapping", root, dev);
	f = fopen(path, "r");
	if (f) {
		while (n < 256 && fgets(line, sizeof(line), f)) {
			char *colon = strchr(line, ':');

			if (!colon)
				continue;
			*colon = '\0';
			maps[n].relid = strtoul(line, NULL, 10);
			snprintf(maps[n].cpu, sizeof(maps[n].cpu), "%s", colon + 1);
			maps[n].cpu[strcspn(maps[n].cpu, "\n")] = '\0';
			n++;
		}
		fclose(f);
	}
	qsort(maps, n, sizeof(maps[0]), cmp_mapping);
	out = calloc(1, n * 64 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		len += sprintf(out + len, "\tRel_ID=%lu, target_cpu=%s\n",
			       maps[i].relid, maps[i].cpu);
	return out;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct vmbus_dev *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vmbus_dev *devs = NULL;
	size_t n = 0, i;
	struct dirent *de;
	int verbose = 0, c;
	char buf[64];
	DIR *d;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose++;
			break;
		default:
			printf("usage: %s [-v|-vv]\n", argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (getenv("LSVMBUS_SYSFS"))	/* for tests */
		root = getenv("LSVMBUS_SYSFS");

	d = opendir(root);
	if (!d) {
		printf("%s doesn't exist: exiting...\n", root);
		return 1;
	}
	while ((de = readdir(d))) {
		struct vmbus_dev *v;

		if (de->d_name[0] == '.')
			continue;
		v = realloc(devs, (n + 1) * sizeof(*devs));
		if (!v) {
			perror("lsvmbus");
			return 1;
		}
		devs = v;
		v = &devs[n++];
		snprintf(v->name, sizeof(v->name), "%s", de->d_name);
		read_attr(v->name, "id", buf, sizeof(buf));
		v->id = strtoul(buf, NULL, 10);
		read_attr(v->name, "class_id", v->class_id, sizeof(v->class_id));
		read_attr(v->name, "device_id", v->device_id, sizeof(v->device_id));
		v->mapping = read_mapping(v->name);
	}
	closedir(d);
	if (n)
		qsort(devs, n, sizeof(*devs), cmp_dev);

	for (i = 0; i < n; i++) {
		struct vmbus_dev *v = &devs[i];
		const char *desc = class_desc(v->class_id);
		const char *map = v->mapping ? v->mapping : "";

		if (verbose == 0)
			printf("VMBUS ID %2lu: %s\n", v->id, desc);
		else if (verbose == 1)
			printf("VMBUS ID %2lu: Class_ID = %s - %s\n%s\n", v->id,
			       v->class_id, desc, map);
		else
			printf("VMBUS ID %2lu: Class_ID = %s - %s\n\tDevice_ID = %s\n\tSysfs path: %s/%s\n%s\n",
			       v->id, v->class_id, desc, v->device_id, root,
			       v->name, map);
		free(v->mapping);
	}
	free(devs);
	return 0;
}
