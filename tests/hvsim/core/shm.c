// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BAR2 shared-memory region: a memfd that hvsim maps and hands to QEMU
 * over the ivshmem socket.  Layout (hvsim_abi.h):
 *
 *   0             struct hvsim_shared_header
 *   4 KiB         nr_cpus mailbox slots of struct hvsim_mailbox
 *   2 MiB aligned the MMIO window (vmbus_allocate_mmio() in sim mode)
 *
 * The MMIO window is 2 MiB aligned so that a guest can map it with large
 * pages and so framebuffer-sized allocations stay naturally aligned.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/hvsim.h"

#define SLOTS_OFFSET	PAGE_SIZE
#define MMIO_ALIGN	(2 * MiB)

/* where the MMIO window starts for @nr_cpus slots */
uint64_t shm_mmio_offset(unsigned int nr_cpus)
{
	uint64_t end = SLOTS_OFFSET +
		       (uint64_t)nr_cpus * sizeof(struct hvsim_mailbox);

	return (end + MMIO_ALIGN - 1) & ~(MMIO_ALIGN - 1);
}

static void shm_write_header(struct hvsim *hs)
{
	struct hvsim_shared_header *h = hs->hdr;

	memset(h, 0, sizeof(*h));
	h->abi_version = HVSIM_ABI_VERSION;
	h->host_peer_id = HVSIM_HOST_PEER_ID;
	h->nr_slots = hs->cfg.nr_cpus;
	h->slot_size = sizeof(struct hvsim_mailbox);
	h->slots_offset = SLOTS_OFFSET;
	h->mmio_offset = hs->gm.mmio_offset;
	h->mmio_size = hs->gm.mmio_size;
	/* magic last: a reader that sees it sees the rest */
	__atomic_store_n(&h->magic, HVSIM_ABI_MAGIC, __ATOMIC_RELEASE);
}

/*
 * @anon: unit tests need no fd to pass on; plain anonymous memory keeps
 * them independent of memfd support.
 */
int shm_create(struct hvsim *hs, bool anon)
{
	uint64_t size = hs->cfg.shm_size;
	void *p;
	int fd = -1;

	if (!anon) {
		fd = memfd_create("hvsim-bar2", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
			log_err("shared memory: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	} else {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	}
	if (p == MAP_FAILED) {
		log_err("mmap shared memory: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	hs->iv.shm_fd = fd;
	hs->gm.shm = p;
	hs->gm.shm_size = size;
	hs->gm.mmio_offset = shm_mmio_offset(hs->cfg.nr_cpus);
	hs->gm.mmio_size = hs->cfg.mmio_size;
	hs->hdr = p;
	hs->slots = (struct hvsim_mailbox *)((uint8_t *)p + SLOTS_OFFSET);
	shm_write_header(hs);
	return 0;
}

/* a new guest starts from a clean region: no stale seq numbers or VRAM */
void shm_reset(struct hvsim *hs)
{
	if (!hs->gm.shm)
		return;
	memset(hs->gm.shm, 0, hs->gm.shm_size);
	shm_write_header(hs);
}

void shm_destroy(struct hvsim *hs)
{
	if (hs->gm.shm)
		munmap(hs->gm.shm, hs->gm.shm_size);
	if (hs->iv.shm_fd >= 0)
		close(hs->iv.shm_fd);
	hs->gm.shm = NULL;
	hs->hdr = NULL;
	hs->slots = NULL;
	hs->iv.shm_fd = -1;
}
