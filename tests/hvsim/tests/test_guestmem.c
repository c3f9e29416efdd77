// SPDX-License-Identifier: GPL-2.0-only
/*
 * guestmem.c: q35 GPA layout, range checks at every edge, the BAR2 MMIO
 * window, and lazy mapping of the RAM file.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/parse.h"
#include "vmbus_guest.h"

static bool layout_small(void)
{
	struct guestmem gm = { 0 };

	gm_init(&gm, NULL, 1 * GiB);
	CHECK_EQ(gm.below_4g, 1 * GiB);
	CHECK_EQ(gm.above_4g, 0);
	gm_init(&gm, NULL, 0xaffff000ull);	/* just under the split */
	CHECK_EQ(gm.below_4g, 0xaffff000ull);
	CHECK_EQ(gm.above_4g, 0);
	return true;
}

static bool layout_split(void)
{
	struct guestmem gm = { 0 };

	/* QEMU: ram_size >= 0xb0000000 -> lowmem 0x80000000 */
	gm_init(&gm, NULL, 0xb0000000ull);
	CHECK_EQ(gm.below_4g, 0x80000000ull);
	CHECK_EQ(gm.above_4g, 0x30000000ull);
	gm_init(&gm, NULL, 4 * GiB);
	CHECK_EQ(gm.below_4g, 2 * GiB);
	CHECK_EQ(gm.above_4g, 2 * GiB);
	return true;
}

static bool offsets_small(void)
{
	struct guestmem gm = { 0 };
	uint64_t off = 0;

	gm_init(&gm, NULL, 1 * GiB);
	CHECK(!gm_ram_offset(&gm, 0, 4096, &off) && off == 0);
	CHECK(!gm_ram_offset(&gm, 1 * GiB - 1, 1, &off) && off == GiB - 1);
	CHECK(gm_ram_offset(&gm, 1 * GiB, 1, &off));
	CHECK(gm_ram_offset(&gm, 1 * GiB - 4096, 4097, &off));
	CHECK(gm_ram_offset(&gm, GM_4G, 4096, &off));	/* nothing above */
	CHECK(gm_ram_offset(&gm, 0, 0, &off));		/* empty range */
	CHECK(gm_ram_offset(&gm, 0, 1 * GiB + 1, &off));
	return true;
}

static bool offsets_split(void)
{
	struct guestmem gm = { 0 };
	uint64_t off = 0;

	gm_init(&gm, NULL, 4 * GiB);
	CHECK(!gm_ram_offset(&gm, 2 * GiB - 4096, 4096, &off));
	CHECK_EQ(off, 2 * GiB - 4096);
	/* crossing into the PCI hole, inside the hole, crossing out of it */
	CHECK(gm_ram_offset(&gm, 2 * GiB - 4096, 8192, &off));
	CHECK(gm_ram_offset(&gm, 2 * GiB, 1, &off));
	CHECK(gm_ram_offset(&gm, 3 * GiB, 4096, &off));
	CHECK(gm_ram_offset(&gm, GM_4G - 4096, 8192, &off));
	/* above 4 GiB continues the file where low memory ended */
	CHECK(!gm_ram_offset(&gm, GM_4G, 4096, &off));
	CHECK_EQ(off, 2 * GiB);
	CHECK(!gm_ram_offset(&gm, GM_4G + 2 * GiB - 4096, 4096, &off));
	CHECK_EQ(off, 4 * GiB - 4096);
	CHECK(gm_ram_offset(&gm, GM_4G + 2 * GiB - 4096, 4097, &off));
	CHECK(gm_ram_offset(&gm, GM_4G + 2 * GiB, 1, &off));
	/* wrap-around attempts */
	CHECK(gm_ram_offset(&gm, UINT64_MAX - 10, 100, &off));
	CHECK(gm_ram_offset(&gm, 4096, UINT64_MAX, &off));
	CHECK(gm_ram_offset(&gm, GM_4G + 4096, UINT64_MAX - GM_4G, &off));
	CHECK(gm_overlaps_ram(&gm, 2 * GiB - 1, 2));
	CHECK(!gm_overlaps_ram(&gm, 2 * GiB, 2 * GiB));
	CHECK(gm_overlaps_ram(&gm, 3 * GiB, 2 * GiB));
	CHECK(!gm_overlaps_ram(&gm, 8 * GiB, 64 * MiB));
	return true;
}

/* a 3 GiB guest, RAM reserved but untouched except one page */
static bool pointers_above_4g(void)
{
	struct hvsim hs;
	uint64_t size = 3 * GiB, v = 0x1122334455667788ull, r = 0;
	uint8_t *ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	CHECK(ram != MAP_FAILED);
	test_hvsim(&hs, size, 1, ram);
	CHECK(!gm_write(&hs.gm, GM_4G + 8, &v, sizeof(v)));
	CHECK(!memcmp(ram + 2 * GiB + 8, &v, sizeof(v)));
	CHECK(!gm_read(&hs.gm, GM_4G + 8, &r, sizeof(r)) && r == v);
	CHECK(gm_write(&hs.gm, 3 * GiB, &v, sizeof(v)) == -EFAULT);
	CHECK(gm_ptr(&hs.gm, GM_4G + 1 * GiB - 4, 8) == NULL);
	test_hvsim_free(&hs);
	munmap(ram, size);
	return true;
}

static bool mmio_window(void)
{
	static uint8_t ram[2 * MiB] PAGE_ALIGNED;
	struct hvsim hs;
	uint64_t bar2 = 32 * GiB, win;
	uint8_t *p;

	test_hvsim(&hs, sizeof(ram), 2, ram);
	win = bar2 + hs.gm.mmio_offset;
	CHECK(gm_ptr(&hs.gm, win, 4096) == NULL);	/* no HELLO yet */
	hs.gm.bar2_gpa = bar2;
	hs.gm.bar2_valid = true;
	p = gm_ptr(&hs.gm, win, 4096);
	CHECK(p == hs.gm.shm + hs.gm.mmio_offset);
	CHECK(gm_ptr(&hs.gm, win + hs.gm.mmio_size - 1, 1) ==
	      hs.gm.shm + hs.gm.mmio_offset + hs.gm.mmio_size - 1);
	CHECK(gm_ptr(&hs.gm, win + hs.gm.mmio_size, 1) == NULL);
	CHECK(gm_ptr(&hs.gm, win + hs.gm.mmio_size - 1, 2) == NULL);
	/* the header and the mailbox slots are not guest memory */
	CHECK(gm_ptr(&hs.gm, bar2, 64) == NULL);
	CHECK(gm_ptr(&hs.gm, win - 1, 2) == NULL);
	/* SynIC-style RAM-only lookups never land in BAR2 */
	CHECK(gm_ram_ptr(&hs.gm, win, 4096) == NULL);
	CHECK(gm_ptr(&hs.gm, 4096, 16) == ram + 4096);
	test_hvsim_free(&hs);
	return true;
}

static bool map_ram_file(void)
{
	char path[] = "/tmp/hvsim-gm-XXXXXX";
	struct guestmem gm = { 0 };
	uint32_t v = 0xfeedf00d, r = 0;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	unlink(path);
	gm_init(&gm, path, 8 * MiB);
	CHECK(gm_map_ram(&gm) == -1);		/* not there yet */
	close(fd);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 4 * MiB) == 0);
	CHECK(gm_map_ram(&gm) == -1);		/* still too short */
	CHECK(ftruncate(fd, 8 * MiB) == 0);
	CHECK(gm_map_ram(&gm) == 0);
	CHECK(gm_map_ram(&gm) == 0);		/* idempotent */
	CHECK(pwrite(fd, &v, sizeof(v), 5 * MiB) == sizeof(v));
	CHECK(!gm_read(&gm, 5 * MiB, &r, sizeof(r)) && r == v);
	/* a new file under the same name (a new QEMU) is mapped afresh */
	close(fd);
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 8 * MiB) == 0);
	CHECK(gm_map_ram(&gm) == 0);
	CHECK(!gm_read(&gm, 5 * MiB, &r, sizeof(r)) && r == 0);
	gm_unmap_ram(&gm);
	CHECK(gm_ptr(&gm, 0, 1) == NULL);
	close(fd);
	unlink(path);
	return true;
}

static bool sizes(void)
{
	uint64_t v = 0;

	CHECK(parse_size("4096", &v) && v == 4096);
	CHECK(parse_size("64M", &v) && v == 64 * MiB);
	CHECK(parse_size("1G", &v) && v == GiB);
	CHECK(parse_size("0x1000", &v) && v == 4096);
	CHECK(parse_size("2k", &v) && v == 2048);
	CHECK(!parse_size("", &v));
	CHECK(!parse_size("-1", &v));
	CHECK(!parse_size("12Q", &v));
	CHECK(!parse_size("1GG", &v));
	CHECK(!parse_size("99999999999999999999", &v));
	CHECK(!parse_size("17179869184G", &v));	/* 2^34 G overflows */
	return true;
}

static const struct tap_test tests[] = {
	{ "q35 layout: RAM below the split stays below 4 GiB", layout_small },
	{ "q35 layout: >= 0xb0000000 splits at 2 GiB", layout_split },
	{ "GPA ranges on a 1 GiB guest", offsets_small },
	{ "GPA ranges on a 4 GiB guest: hole, crossings, wrap", offsets_split },
	{ "GPA above 4 GiB maps after low RAM in the file", pointers_above_4g },
	{ "BAR2 MMIO window and nothing else of BAR2", mmio_window },
	{ "RAM file mapped lazily once complete", map_ram_file },
	{ "size arguments", sizes },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
