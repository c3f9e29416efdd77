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

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvsim --socket PATH --ram PATH --ram-size BYTES --cpus N --ctl PATH\n"
		"             [--shm-size BYTES] [--mmio-size BYTES] [--log PATH] [-v]\n"
		"             [--max-version MAJOR.MINOR] [--device CLASS[:key=val,...]]...\n"
		"       hvsim ctl [--ctl PATH] <command words...>\n"
		"sizes take K, M or G suffixes; --shm-size must be a power of two\n"
		"--device is repeatable; CLASS is a short name from hvlis/guids.h or all\n");
}

/* VMBus host options, applied once the context exists */
#define MAX_DEVICE_ARGS	256
static const char *device_specs[MAX_DEVICE_ARGS];
static unsigned int ndevice_specs;
static uint32_t max_version;
static bool max_version_set;

static int parse_args(int argc, char **argv, struct hvsim_config *cfg)
{
	static const struct option opts[] = {
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
	uint64_t cpus = 0, mmio_off;
	int opt;

	cfg->shm_size = 64 * MiB;
	cfg->mmio_size = 32 * MiB;
	while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			cfg->socket_path = optarg;
			break;
		case 'r':
			cfg->ram_path = optarg;
			break;
		case 'R':
			if (!parse_size(optarg, &cfg->ram_size))
				goto bad;
			break;
		case 'c':
			if (!parse_u64(optarg, &cpus))
				goto bad;
			break;
		case 'C':
			cfg->ctl_path = optarg;
			break;
		case 'S':
			if (!parse_size(optarg, &cfg->shm_size))
				goto bad;
			break;
		case 'M':
			if (!parse_size(optarg, &cfg->mmio_size))
				goto bad;
			break;
		case 'l':
			cfg->log_path = optarg;
			break;
		case 'V':
			if (vmbus_parse_version(optarg, &max_version)) {
				fprintf(stderr, "hvsim: --max-version wants MAJOR.MINOR, e.g. 5.2\n");
				return -1;
			}
			max_version_set = true;
			break;
		case 'd':
			if (ndevice_specs >= MAX_DEVICE_ARGS) {
				fprintf(stderr, "hvsim: at most %d --device options\n",
					MAX_DEVICE_ARGS);
				return -1;
			}
			device_specs[ndevice_specs++] = optarg;
			break;
		case 'v':
			cfg->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !cfg->socket_path || !cfg->ram_path ||
	    !cfg->ctl_path || !cfg->ram_size || !cpus) {
		fprintf(stderr, "hvsim: --socket, --ram, --ram-size, --cpus and --ctl are required\n");
		usage(stderr);
		return -1;
	}
	if (cpus > HVSIM_MAX_CPUS) {
		fprintf(stderr, "hvsim: --cpus must be 1..%d\n", HVSIM_MAX_CPUS);
		return -1;
	}
	cfg->nr_cpus = (unsigned int)cpus;
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
bad:
	fprintf(stderr, "hvsim: bad number '%s'\n", optarg);
	return -1;
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

static struct hvsim hvsim;

int main(int argc, char **argv)
{
	struct hvsim_config cfg = { 0 };
	struct hvsim *hs = &hvsim;
	struct watch sigw = { .fd = -1 };
	struct vmbus_host *vh;
	sigset_t mask;
	int ret = 1;

	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_client_main(argc - 1, argv + 1);
	if (parse_args(argc, argv, &cfg))
		return 2;
	log_init(cfg.log_path, cfg.verbose);

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	hvsim_init_state(hs, &cfg);
	vh = vmbus_host_init(hs);
	if (!vh)
		goto out;
	if (max_version_set)
		vh->max_version = max_version;
	for (unsigned int i = 0; i < ndevice_specs; i++) {
		char err[256] = "";

		if (vsp_device_add_spec(vh, device_specs[i], err, sizeof(err))) {
			fprintf(stderr, "hvsim: --device %s: %s\n", device_specs[i],
				err);
			ret = 2;
			goto out;
		}
	}
	if (loop_init() || shm_create(hs, false) || irq_init(hs) ||
	    vmbus_host_timer_init(hs) || ivshmem_init(hs, cfg.socket_path) ||
	    ctl_init(hs, cfg.ctl_path))
		goto out;
	sigw.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	sigw.cb = signal_cb;
	sigw.priv = hs;
	if (sigw.fd < 0 || loop_add(&sigw, EPOLLIN))
		goto out;

	log_info("listening on %s (ctl %s), %u CPUs, BAR2 %llu MiB, RAM %s",
		 cfg.socket_path, cfg.ctl_path, cfg.nr_cpus,
		 (unsigned long long)(cfg.shm_size / MiB), cfg.ram_path);
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
