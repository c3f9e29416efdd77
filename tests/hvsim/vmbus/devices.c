// SPDX-License-Identifier: GPL-2.0-only
/*
 * Devices: the class table, the device list, and how an offer of each
 * class looks.
 *
 * A device is added by `--device CLASS[:key=val,...]` or the control
 * command `offer CLASS [key=val ...]`.  CLASS is a short name of
 * HV_DEVICE_CLASSES (hvlis/guids.h) or "all": one device of each class a
 * Linux guest has a driver for in this project (storvsc: ide, scsi, fc;
 * netvsc; hv_utils: shutdown, timesync, heartbeat, kvp, vss, fcopy;
 * balloon, mouse, keyboard, video, pci, nd) -- not echo, and not the
 * Windows-only rdv/avma1/avma2/imc, which can be named one by one.
 * Devices are offered in the order they were added.
 *
 * Common options: instance=GUID (default: derived from class and index,
 * so runs are repeatable) and mnf=on|off (monitored notification).  The
 * rest go to the class's probe().
 *
 * What an offer looks like (channel flags, MMIO, monitored notification,
 * pipe mode) is the class's struct vsp_offer: devices/<class>/ for the
 * classes with a host model, devices/stub/ for the rest.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "vmbus/host.h"

enum {
#define X(id, name, guid, desc) HVC_##id,
	HV_DEVICE_CLASSES(X)
#undef X
	HVC_COUNT
};

const struct hv_class hv_classes[] = {
#define X(id, n, g, d) [HVC_##id] = { .name = n, .guid = g, .desc = d },
	HV_DEVICE_CLASSES(X)
#undef X
};
const unsigned int hv_nclasses = HVC_COUNT;

static_assert(ARRAY_SIZE(((struct vmbus_host *)0)->class_next) >= HVC_COUNT,
	      "class_next has a slot per class");

int hv_class_find(const char *name)
{
	for (unsigned int i = 0; i < HVC_COUNT; i++)
		if (!strcmp(hv_classes[i].name, name))
			return (int)i;
	return -1;
}

bool hv_class_in_all(unsigned int cls)
{
	switch (cls) {
	case HVC_RDV:
	case HVC_AVMA1:
	case HVC_AVMA2:
	case HVC_IMC:
	case HVC_HVSIM_ECHO:
		return false;
	}
	return cls < HVC_COUNT;
}

/* the class table (devices/classes.h): every class with a host model */
#define VSP_CLASS(name) extern const struct vsp_ops vsp_##name##_ops;
#include "devices/classes.h"
#undef VSP_CLASS

const struct vsp_ops *const vsp_models[] = {
#define VSP_CLASS(name) &vsp_##name##_ops,
#include "devices/classes.h"
#undef VSP_CLASS
};
const unsigned int vsp_nmodels = ARRAY_SIZE(vsp_models);

const struct vsp_ops *vsp_find_ops(const char *class_name)
{
	for (size_t i = 0; i < ARRAY_SIZE(vsp_models); i++)
		if (!strcmp(vsp_models[i]->name, class_name))
			return vsp_models[i];
	return &vsp_stub_ops;
}

/*
 * The default instance of the @index-th device of class @cls:
 * {00CC IIII-0000-4853-6876-73696d000000}: class and index in the first
 * field, bytes 4-5 zero (an IDE target of 0), then "HS" "hvsim".
 */
static guid_t derived_instance(unsigned int cls, unsigned int index)
{
	return GUID_INIT((uint32_t)cls << 16 | (index & 0xffff), 0, 0x4853,
			 0x68, 0x76, 0x73, 0x69, 0x6d, 0, 0, 0);
}

struct vsp_device *vsp_device_by_instance(struct vmbus_host *vh,
					  const guid_t *g)
{
	for (struct vsp_device *d = vh->devices; d; d = d->next)
		if (!memcmp(&d->instance, g, sizeof(*g)))
			return d;
	return NULL;
}

/* the offer's shape, as the class says (struct vsp_offer) */
static void offer_defaults(struct vsp_device *dev)
{
	const struct vsp_offer *o = &dev->ops->offer;
	uint32_t pipe_mode = VMBUS_PIPE_TYPE_MESSAGE;

	dev->chn_flags = o->chn_flags;
	dev->mmio_megabytes = o->mmio_megabytes;
	dev->mnf = o->mnf;
	if (o->pipe_message)
		memcpy(dev->user_def, &pipe_mode, sizeof(pipe_mode));
}

__printf(3, 4) static void opt_fail(char *err, size_t errlen,
				    const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* the options every class takes; the rest go to the class's probe() */
static const struct opt_spec common_opts[] = {
	{ "instance", OPT_GUID, offsetof(struct vsp_device, instance),
	  .help = "instance GUID (default: from class and index)" },
	{ "mnf", OPT_BOOL, offsetof(struct vsp_device, mnf),
	  .help = "monitored notification (default: as Hyper-V offers the class)" },
};

/* a new device of class @cls, its offer as the class says, not yet listed */
static struct vsp_device *device_new(struct vmbus_host *vh, unsigned int cls)
{
	const char *name = hv_classes[cls].name;
	struct vsp_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->vh = vh;
	dev->cls = cls;
	dev->index = vh->class_next[cls];
	dev->ops = vsp_find_ops(name);
	if (dev->ops == &vsp_stub_ops)
		dev->ops = vsp_stub_for(name);
	dev->instance = derived_instance(dev->cls, dev->index);
	offer_defaults(dev);
	return dev;
}

/*
 * Apply the common options to @dev and pass the others back in @rest for
 * the class.  Linux tells devices apart by class and instance, so a
 * second device with the same pair is refused.
 */
static int device_options(struct vsp_device *dev, int nopts,
			  const struct opt_kv *opts, struct opt_kv *rest,
			  int *nrest, char *err, size_t errlen)
{
	const char *name = vsp_class_name(dev);
	bool given = false;

	*nrest = 0;
	for (int i = 0; i < nopts; i++) {
		if (!opts_knows(common_opts, ARRAY_SIZE(common_opts), opts[i].key)) {
			rest[(*nrest)++] = opts[i];
			continue;
		}
		given |= !strcmp(opts[i].key, "instance");
		if (opts_apply(common_opts, ARRAY_SIZE(common_opts), dev,
			       &opts[i], 1, name, err, errlen))
			return -1;
	}
	for (struct vsp_device *d = dev->vh->devices; d; d = d->next) {
		if (d->cls == dev->cls && !d->removing &&
		    !memcmp(&d->instance, &dev->instance, sizeof(guid_t))) {
			opt_fail(err, errlen, "%s instance %s is offered already",
				 name, given ? "given" : "derived");
			return -1;
		}
	}
	return 0;
}

int vsp_device_add(struct vmbus_host *vh, const char *class_name, int nopts,
		   const struct opt_kv *opts, struct vsp_device **out,
		   char *err, size_t errlen)
{
	struct opt_kv rest[CTL_MAX_ARGS];
	int cls = hv_class_find(class_name), nrest;
	struct vsp_device *dev, **pp;

	if (cls < 0) {
		opt_fail(err, errlen, "unknown device class '%s' (see hvlis/guids.h, or all)",
			 class_name);
		return -1;
	}
	if (nopts > CTL_MAX_ARGS) {
		opt_fail(err, errlen, "too many options");
		return -1;
	}
	dev = device_new(vh, (unsigned int)cls);
	if (!dev) {
		opt_fail(err, errlen, "out of memory");
		return -1;
	}
	if (device_options(dev, nopts, opts, rest, &nrest, err, errlen))
		goto bad;
	if (dev->ops->probe) {
		if (dev->ops->probe(dev, nrest, rest, err, errlen))
			goto bad;
	} else if (nrest) {
		opt_fail(err, errlen, "%s: unknown option '%s'", class_name,
			 rest[0].key);
		goto bad;
	}
	if (!chan_new(dev, 0)) {
		opt_fail(err, errlen, "out of memory");
		if (dev->ops->remove)
			dev->ops->remove(dev);
		goto bad;
	}
	vh->class_next[cls]++;
	for (pp = &vh->devices; *pp; pp = &(*pp)->next)
		;
	*pp = dev;
	if (out)
		*out = dev;
	/* a hot add: offered now if the guest has asked for offers */
	chan_offer(dev->primary);
	return 0;
bad:
	free(dev);
	return -1;
}

struct describe_ctx {
	void (*line)(void *arg, const char *text);
	void *arg;
	const char *cls;
};

static void describe_opt(void *arg, const char *text)
{
	struct describe_ctx *d = arg;
	char buf[320];

	snprintf(buf, sizeof(buf), "  %s: %s", d->cls, text);
	d->line(d->arg, buf);
}

void vsp_classes_describe(void (*line)(void *arg, const char *text), void *arg)
{
	struct describe_ctx d = { .line = line, .arg = arg, .cls = "any class" };
	char buf[320];
	size_t used = 0;

	line(arg, "device classes (--device CLASS[:key=val,...], offer CLASS [key=val ...]):");
	for (unsigned int c = 0; c < HVC_COUNT && used < sizeof(buf); c++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
					 used ? " " : "  ", hv_classes[c].name);
	line(arg, buf);
	line(arg, "options (a class not listed below takes only the common ones):");
	opts_describe(common_opts, ARRAY_SIZE(common_opts), describe_opt, &d);
	for (size_t i = 0; i < ARRAY_SIZE(vsp_models); i++) {
		d.cls = vsp_models[i]->name;
		opts_describe(vsp_models[i]->opts, vsp_models[i]->nopts,
			      describe_opt, &d);
	}
}

/* "CLASS[:key=val,key=val]" or "all" */
int vsp_device_add_spec(struct vmbus_host *vh, const char *spec, char *err,
			size_t errlen)
{
	struct opt_kv opts[CTL_MAX_ARGS];
	char *copy = strdup(spec), *colon, *save = NULL, *tok;
	int nopts = 0, ret = -1;

	if (!copy) {
		opt_fail(err, errlen, "out of memory");
		return -1;
	}
	colon = strchr(copy, ':');
	if (colon) {
		*colon = '\0';
		for (tok = strtok_r(colon + 1, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');

			if (nopts >= CTL_MAX_ARGS || !eq) {
				opt_fail(err, errlen, "bad option '%s' in '%s'", tok, spec);
				goto out;
			}
			*eq = '\0';
			opts[nopts].key = tok;
			opts[nopts].val = eq + 1;
			nopts++;
		}
	}
	if (!strcmp(copy, "all")) {
		if (nopts) {
			opt_fail(err, errlen, "'all' takes no options");
			goto out;
		}
		for (unsigned int c = 0; c < HVC_COUNT; c++)
			if (hv_class_in_all(c) &&
			    vsp_device_add(vh, hv_classes[c].name, 0, NULL, NULL,
					   err, errlen))
				goto out;
		ret = 0;
		goto out;
	}
	ret = vsp_device_add(vh, copy, nopts, opts, NULL, err, errlen);
out:
	free(copy);
	return ret;
}

static void device_unlink(struct vsp_device *dev)
{
	struct vsp_device **pp;

	for (pp = &dev->vh->devices; *pp; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	}
}

/* exit path: no guest to tell */
void vsp_device_destroy(struct vsp_device *dev)
{
	struct hv_chan *ch;

	while ((ch = dev->subs)) {
		dev->subs = ch->next;
		free(ch);
	}
	free(dev->primary);
	device_unlink(dev);
	if (dev->ops->remove)
		dev->ops->remove(dev);
	free(dev);
}

void vsp_device_maybe_free(struct vsp_device *dev)
{
	if (!dev->removing || dev->primary || dev->subs)
		return;
	log_info("vmbus: %s#%u removed", vsp_class_name(dev), dev->index);
	device_unlink(dev);
	if (dev->ops->remove)
		dev->ops->remove(dev);
	free(dev);
}
