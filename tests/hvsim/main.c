// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the simulated Hyper-V host.  See README.md for the options and
 * hvsim.h for the module map.
 *
 * The test harness relies on this contract: the options below, and the
 * line "hvsim: ready" on stdout once both sockets are listening.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/parse.h"
#include "core/hvsim.h"
#include "vmbus/host.h"

static void usage_line(void *arg, const char *text)
{
	fprintf(arg, "%s\n", text);
}

static void print_usage(FILE *f, bool classes)
{
	fprintf(f,
		"usage: hvsim --socket PATH --ram PATH --ram-size BYTES --cpus N --ctl PATH\n"
		"             [--shm-size BYTES] [--mmio-size BYTES] [--log PATH] [-v]\n"
		"             [--max-version MAJOR.MINOR] [--device CLASS[:key=val,...]]...\n"
		"       hvsim ctl [--ctl PATH] <command words...>\n"
		"sizes take K, M or G suffixes; --shm-size must be a power of two\n"
		"--device is repeatable; CLASS is one below, or all\n");
	if (classes)
		vsp_classes_describe(usage_line, f);
}

#define MAX_DEVICE_ARGS	256

/* the command line: the core's configuration and what goes to the VMBus host */
struct cmdline {
	struct hvsim_config cfg;
	uint64_t cpus;
	const char *device_specs[MAX_DEVICE_ARGS];
	unsigned int ndevice_specs;
	uint32_t max_version;
	bool max_version_set;
};

static const struct option long_opts[] = {
	{ "socket", required_argument, NULL, 's' },
	{ "ram", required_argument, NULL, 'r' },
	{ "ram-size", required_argument, NULL, 'R' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "ctl", required_argument, NULL, 'C' },
	{ "shm-size", required_argument, NULL, 'S' },
	{ "mmio-size", required_argument, NULL, 'M' },
	{ "log", required_argument, NULL, 'l' },
	{ "max-version", required_argument, NULL, 'V' },
	{ "device", required_argument, NULL, 'd' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/* one option from getopt_long(): 0, or -1 with the reason on stderr */
static int parse_opt(struct cmdline *cl, int opt, const char *arg)
{
	struct hvsim_config *cfg = &cl->cfg;
	bool ok = true;

	switch (opt) {
	case 's':
		cfg->socket_path = arg;
		break;
	case 'r':
		cfg->ram_path = arg;
		break;
	case 'R':
		ok = parse_size(arg, &cfg->ram_size);
		break;
	case 'c':
		ok = parse_u64(arg, &cl->cpus);
		break;
	case 'C':
		cfg->ctl_path = arg;
		break;
	case 'S':
		ok = parse_size(arg, &cfg->shm_size);
		break;
	case 'M':
		ok = parse_size(arg, &cfg->mmio_size);
		break;
	case 'l':
		cfg->log_path = arg;
		break;
	case 'V':
		if (vmbus_parse_version(arg, &cl->max_version)) {
			fprintf(stderr, "hvsim: --max-version wants MAJOR.MINOR, e.g. 5.2\n");
			return -1;
		}
		cl->max_version_set = true;
		break;
	case 'd':
		if (cl->ndevice_specs >= MAX_DEVICE_ARGS) {
			fprintf(stderr, "hvsim: at most %d --device options\n",
				MAX_DEVICE_ARGS);
			return -1;
		}
		cl->device_specs[cl->ndevice_specs++] = arg;
		break;
	case 'v':
		cfg->verbose = true;
		break;
	default:
		print_usage(stderr, false);
		return -1;
	}
	if (!ok)
		fprintf(stderr, "hvsim: bad number '%s'\n", arg);
	return ok ? 0 : -1;
}

/* the values together: required options, ranges, and what fits the BAR */
static int check_config(struct cmdline *cl)
{
	struct hvsim_config *cfg = &cl->cfg;
	uint64_t mmio_off;

	if (!cfg->socket_path || !cfg->ram_path || !cfg->ctl_path ||
	    !cfg->ram_size || !cl->cpus) {
		fprintf(stderr, "hvsim: --socket, --ram, --ram-size, --cpus and --ctl are required\n");
		print_usage(stderr, false);
		return -1;
	}
	if (cl->cpus > HVSIM_MAX_CPUS) {
		fprintf(stderr, "hvsim: --cpus must be 1..%d\n", HVSIM_MAX_CPUS);
		return -1;
	}
	cfg->nr_cpus = (unsigned int)cl->cpus;
	if (cfg->ram_size % PAGE_SIZE || cfg->ram_size > GM_MAX_GPA - GM_4G) {
		fprintf(stderr, "hvsim: --ram-size must be a multiple of 4 KiB\n");
		return -1;
	}
	/* QEMU refuses PCI BARs that are not a power of two */
	if (cfg->shm_size < 2 * MiB || cfg->shm_size > 64 * GiB ||
	    (cfg->shm_size & (cfg->shm_size - 1))) {
		fprintf(stderr, "hvsim: --shm-size must be a power of two, 2 MiB..64 GiB\n");
		return -1;
	}
	mmio_off = shm_mmio_offset(cfg->nr_cpus);
	if (cfg->mmio_size % PAGE_SIZE || mmio_off > cfg->shm_size ||
	    cfg->mmio_size > cfg->shm_size - mmio_off) {
		fprintf(stderr, "hvsim: --mmio-size must be page aligned and fit in --shm-size after %llu KiB of header and slots\n",
			(unsigned long long)(mmio_off / 1024));
		return -1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct cmdline *cl)
{
	int opt;

	cl->cfg.shm_size = 64 * MiB;
	cl->cfg.mmio_size = 32 * MiB;
	while ((opt = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
		if (opt == 'h') {
			print_usage(stdout, true);
			exit(0);
		}
		if (parse_opt(cl, opt, optarg))
			return -1;
	}
	if (optind != argc) {
		print_usage(stderr, false);
		return -1;
	}
	return check_config(cl);
}

static unsigned int vh_count_devices(const struct vmbus_host *vh)
{
	unsigned int n = 0;

	for (const struct vsp_device *d = vh->devices; d; d = d->next)
		n++;
	return n;
}

static void signal_cb(struct watch *w, uint32_t events)
{
	struct hvsim *hs = w->priv;
	struct signalfd_siginfo si;

	(void)events;
	if (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		log_info("signal %u: exiting", si.ssi_signo);
		hs->quit = true;
	}
}

/* one host per process: too big for the stack, and signal_cb() finds it by w->priv */
static struct hvsim hvsim;
static struct cmdline cmdline;

int main(int argc, char **argv)
{
	struct hvsim_config *cfg = &cmdline.cfg;
	struct cmdline *cl = &cmdline;
	struct hvsim *hs = &hvsim;
	struct watch sigw = { .fd = -1 };
	struct vmbus_host *vh;
	sigset_t mask;
	int ret = 1;

	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_client_main(argc - 1, argv + 1);
	if (parse_args(argc, argv, cl))
		return 2;
	log_init(cfg->log_path, cfg->verbose);

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	hvsim_init_state(hs, cfg);
	vh = vmbus_host_init(hs);
	if (!vh)
		goto out;
	if (cl->max_version_set)
		vh->max_version = cl->max_version;
	for (unsigned int i = 0; i < cl->ndevice_specs; i++) {
		char err[256] = "";

		if (vsp_device_add_spec(vh, cl->device_specs[i], err, sizeof(err))) {
			fprintf(stderr, "hvsim: --device %s: %s\n", cl->device_specs[i],
				err);
			ret = 2;
			goto out;
		}
	}
	if (loop_init() || shm_create(hs, false) || irq_init(hs) ||
	    vmbus_host_timer_init(hs) || ivshmem_init(hs, cfg->socket_path) ||
	    ctl_init(hs, cfg->ctl_path))
		goto out;
	sigw.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	sigw.cb = signal_cb;
	sigw.priv = hs;
	if (sigw.fd < 0 || loop_add(&sigw, EPOLLIN))
		goto out;

	log_info("listening on %s (ctl %s), %u CPUs, BAR2 %llu MiB, RAM %s",
		 cfg->socket_path, cfg->ctl_path, cfg->nr_cpus,
		 (unsigned long long)(cfg->shm_size / MiB), cfg->ram_path);
	log_info("vmbus: %u devices, versions 2.4 .. %u.%u",
		 vh_count_devices(vh), VMBUS_VERSION_MAJOR(vh->max_version),
		 VMBUS_VERSION_MINOR(vh->max_version));
	printf("hvsim: ready\n");
	fflush(stdout);

	ret = loop_run(hs) ? 1 : 0;
out:
	ctl_exit(hs);
	ivshmem_exit(hs);
	vmbus_host_exit(hs);
	irq_exit(hs);
	synic_reset(hs);
	shm_destroy(hs);
	if (sigw.fd >= 0)
		close(sigw.fd);
	loop_exit();
	log_info("exit %d", ret);
	log_close();
	return ret;
}
