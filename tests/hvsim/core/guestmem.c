// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory by guest physical address.
 *
 * Guest RAM is QEMU's memory-backend-file (share=on): hvsim maps the same
 * file and finds a GPA in it with QEMU's q35 layout (QEMU 7.2,
 * hw/i386/pc_q35.c, pc_q35_init()):
 *
 *   lowmem = ram_size >= 0xb0000000 ? 0x80000000 : 0xb0000000
 *   below_4g = min(ram_size, lowmem), above_4g = ram_size - below_4g
 *
 * and pc_memory_init() maps file offset [0, below_4g) at GPA 0 and
 * [below_4g, ram_size) at GPA 4 GiB.  (max-ram-below-4g is not supported:
 * the harness does not set it.)  The gap in between is the PCI hole.
 *
 * The second kind of guest memory hvsim serves is the MMIO window of BAR2
 * (the ivshmem shared memory), at the GPA the guest reported in HELLO.
 *
 * Every accessor takes [gpa, gpa + len) and fails unless the whole range
 * sits inside one region: a guest cannot make hvsim touch anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hvsim.h"

void gm_init(struct guestmem *gm, const char *ram_path, uint64_t ram_size)
{
	uint64_t lowmem = ram_size >= 0xb0000000ull ? 0x80000000ull :
						      0xb0000000ull;

	gm->ram_path = ram_path;
	gm->ram_size = ram_size;
	gm->below_4g = ram_size < lowmem ? ram_size : lowmem;
	gm->above_4g = ram_size - gm->below_4g;
	gm->ram = NULL;
	gm->ram_borrowed = false;
	gm->bar2_valid = false;
	gm->bar2_gpa = 0;
}

/*
 * QEMU creates the file when it starts (after hvsim) unless the harness
 * made it with truncate(1); so this is retried until it works.  A file
 * that is still shorter than the RAM size is not ready yet.
 */
int gm_map_ram(struct guestmem *gm)
{
	struct stat st;
	void *p;
	int fd;

	if (gm->ram && gm->ram_borrowed)
		return 0;
	if (!gm->ram_path)
		return -1;
	/* a file replaced under the same name is a new guest's RAM */
	if (gm->ram) {
		if (stat(gm->ram_path, &st) == 0 && st.st_dev == gm->ram_dev &&
		    st.st_ino == gm->ram_ino)
			return 0;
		log_info("ram %s was replaced: mapping it again", gm->ram_path);
		gm_unmap_ram(gm);
	}
	fd = open(gm->ram_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		log_dbg("ram %s: %s", gm->ram_path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < gm->ram_size) {
		log_dbg("ram %s: not a regular file of %llu bytes (yet)",
			gm->ram_path, (unsigned long long)gm->ram_size);
		close(fd);
		return -1;
	}
	p = mmap(NULL, gm->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		log_err("mmap %s: %s", gm->ram_path, strerror(errno));
		return -1;
	}
	gm->ram = p;
	gm->ram_dev = st.st_dev;
	gm->ram_ino = st.st_ino;
	log_info("guest RAM %s mapped: %llu MiB, %llu MiB below 4 GiB",
		 gm->ram_path, (unsigned long long)(gm->ram_size / MiB),
		 (unsigned long long)(gm->below_4g / MiB));
	return 0;
}

void gm_set_ram_buffer(struct guestmem *gm, void *buf)
{
	gm_unmap_ram(gm);
	gm->ram = buf;
	gm->ram_borrowed = true;
}

void gm_unmap_ram(struct guestmem *gm)
{
	if (gm->ram && !gm->ram_borrowed)
		munmap(gm->ram, gm->ram_size);
	gm->ram = NULL;
	gm->ram_borrowed = false;
}

/* [gpa, gpa + len) inside [base, base + size), without overflow */
static bool range_in(uint64_t gpa, uint64_t len, uint64_t base, uint64_t size)
{
	return gpa >= base && gpa - base <= size && len <= size - (gpa - base);
}

int gm_ram_offset(const struct guestmem *gm, uint64_t gpa, uint64_t len,
		  uint64_t *off)
{
	if (len == 0)
		return -1;
	if (range_in(gpa, len, 0, gm->below_4g)) {
		*off = gpa;
		return 0;
	}
	if (gm->above_4g && range_in(gpa, len, GM_4G, gm->above_4g)) {
		*off = gm->below_4g + (gpa - GM_4G);
		return 0;
	}
	return -1;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* callers keep gpa + len below GM_MAX_GPA, so nothing here wraps */
bool gm_overlaps_ram(const struct guestmem *gm, uint64_t gpa, uint64_t len)
{
	return overlaps(gpa, len, 0, gm->below_4g) ||
	       (gm->above_4g && overlaps(gpa, len, GM_4G, gm->above_4g));
}

void *gm_ram_ptr(const struct guestmem *gm, uint64_t gpa, uint64_t len)
{
	uint64_t off;

	if (!gm->ram || gm_ram_offset(gm, gpa, len, &off))
		return NULL;
	return gm->ram + off;
}

void *gm_ptr(const struct guestmem *gm, uint64_t gpa, uint64_t len)
{
	void *p = gm_ram_ptr(gm, gpa, len);

	if (p || len == 0)
		return p;
	if (gm->bar2_valid && gm->shm &&
	    range_in(gpa, len, gm->bar2_gpa + gm->mmio_offset, gm->mmio_size))
		return gm->shm + gm->mmio_offset +
		       (gpa - gm->bar2_gpa - gm->mmio_offset);
	return NULL;
}

/*
 * MADV_REMOVE on the shared mapping of a tmpfs (or any hole-punching) file
 * is fallocate(PUNCH_HOLE | KEEP_SIZE) of that range (madvise(2)): the
 * file's blocks are freed, as `du` of the --ram file shows, and QEMU's
 * mapping of the same file reads zeros there.
 */
int gm_discard(const struct guestmem *gm, uint64_t gpa, uint64_t len)
{
	void *p = gm_ram_ptr(gm, gpa, len);

	if (!p || gpa % PAGE_SIZE || len % PAGE_SIZE)
		return -EINVAL;
	if (madvise(p, len, MADV_REMOVE))
		return -errno;
	return 0;
}

int gm_read(const struct guestmem *gm, uint64_t gpa, void *buf, uint64_t len)
{
	const void *p = gm_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int gm_write(const struct guestmem *gm, uint64_t gpa, const void *buf,
	     uint64_t len)
{
	void *p = gm_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}
