// SPDX-License-Identifier: MIT
/*
 * Boot input layout: inputs outside RAM, on top of each other, on
 * firmware memory, and /memreserve/ entries that protect an input whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/boot/bootlayout.h"

#define RAM 0x80000000ULL
#define MB  0x100000ULL

static struct machine m;
static struct bootlayout_problem p[BOOTLAYOUT_MAX_PROBLEMS];

/* QEMU virt, 64 MiB, OpenSBI's 512 KiB at the base. */
static int virt_64m(void **state)
{
	memset(&m, 0, sizeof(m));
	memset(p, 0x5a, sizeof(p));
	m.mem[0] = (struct mem_range){ RAM, 64 * MB };
	m.nmem = 1;
	m.resv[0] = (struct resv_range){ RAM, 512 * 1024, RESV_NODE, true,
					 "mmode_resv0@80000000" };
	m.nresv = 1;
	return 0;
}

static unsigned check3(uint64_t kernel, uint64_t tree, uint64_t initrd,
		       uint64_t initrd_size)
{
	const struct boot_input in[] = {
		{ "kernel image", kernel, 200 * 1024 },
		{ "device tree", tree, 5395 },
		{ "initramfs", initrd, initrd_size },
	};

	return bootlayout_check(&m, in, 3, p, BOOTLAYOUT_MAX_PROBLEMS);
}

static void bootlayout_apart_inside_ram_is_fine(void **state)
{
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 34 * MB, 706 * 1024),
		0);
}

static void bootlayout_absent_initrd_is_not_checked(void **state)
{
	assert_int_equal(check3(RAM + 2 * MB, RAM + 62 * MB, 0, 0), 0);
	assert_int_equal(check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 2 * MB, 0),
			 0);
}

static void bootlayout_tree_on_initrd_names_both(void **state)
{
	/* fw_jump at -m 64M: the tree and QEMU's initrd both at +34 MiB. */
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 34 * MB, RAM + 34 * MB, 706 * 1024),
		1);
	assert_int_equal(p[0].kind, BOOTLAYOUT_OVERLAP);
	assert_string_equal(p[0].a.what, "device tree");
	assert_int_equal(p[0].a.base, RAM + 34 * MB);
	assert_string_equal(p[0].b.what, "initramfs");
	assert_int_equal(p[0].b.size, 706 * 1024);
}

static void bootlayout_overlap_by_one_byte_counts(void **state)
{
	assert_int_equal(check3(RAM + 2 * MB, RAM + 34 * MB - 1,
				RAM + 34 * MB + 5393, 1),
			 1);
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 34 * MB, RAM + 34 * MB + 5395, 1),
		0);
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 34 * MB, RAM + 34 * MB - 1, 1), 0);
}

static void bootlayout_input_outside_ram_is_reported(void **state)
{
	/* fw_jump's tree address with -m 32M: past the end of RAM. */
	m.mem[0].size = 32 * MB;
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 34 * MB, RAM + 18 * MB, 706 * 1024),
		1);
	assert_int_equal(p[0].kind, BOOTLAYOUT_OUTSIDE_RAM);
	assert_string_equal(p[0].a.what, "device tree");
}

static void bootlayout_input_straddling_ram_end_is_outside(void **state)
{
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 64 * MB - 4096, 8192),
		1);
	assert_int_equal(p[0].kind, BOOTLAYOUT_OUTSIDE_RAM);
	assert_string_equal(p[0].a.what, "initramfs");
}

static void bootlayout_input_across_two_ram_ranges_is_outside(void **state)
{
	/* Two ranges with a hole: an input must lie in one of them. */
	m.mem[0].size = 32 * MB;
	m.mem[1] = (struct mem_range){ RAM + 33 * MB, 31 * MB };
	m.nmem = 2;
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 32 * MB - 4096, 8192),
		1);
	assert_int_equal(p[0].kind, BOOTLAYOUT_OUTSIDE_RAM);
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 40 * MB, 8192), 0);
}

static void bootlayout_input_across_adjacent_ranges_is_inside(void **state)
{
	/* RAM split where it is contiguous (at 4 GiB, per bank), listed
	 * out of order: an input across the seam lies in RAM. */
	m.mem[0] = (struct mem_range){ RAM + 32 * MB, 32 * MB };
	m.mem[1] = (struct mem_range){ RAM, 32 * MB };
	m.nmem = 2;
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 32 * MB - 4096, 8192),
		0);
	assert_true(bootlayout_in_ram(&m, RAM, 64 * MB));
	assert_false(bootlayout_in_ram(&m, RAM, 64 * MB + 1));
	/* Overlapping ranges join too; three pieces, one seam each. */
	m.mem[0] = (struct mem_range){ RAM + 16 * MB, 24 * MB };
	m.mem[1] = (struct mem_range){ RAM, 20 * MB };
	m.mem[2] = (struct mem_range){ RAM + 40 * MB, 24 * MB };
	m.nmem = 3;
	assert_true(bootlayout_in_ram(&m, RAM + MB, 62 * MB));
	assert_false(bootlayout_in_ram(&m, RAM - 1, 2));
	/* A range up to the end of the address space: the walk stops. */
	m.mem[0] = (struct mem_range){ ~0ULL - 4095, 4096 };
	m.nmem = 1;
	assert_true(bootlayout_in_ram(&m, ~0ULL - 4095, 4096));
	assert_false(bootlayout_in_ram(&m, ~0ULL - 8191, 8192));
}

static void bootlayout_firmware_region_may_not_be_touched(void **state)
{
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 256 * 1024, RAM + 34 * MB, 4096), 1);
	assert_int_equal(p[0].kind, BOOTLAYOUT_OVERLAP);
	assert_string_equal(p[0].a.what, "device tree");
	assert_string_equal(p[0].b.what, "mmode_resv0@80000000");
	assert_int_equal(p[0].b.base, RAM);
}

static void bootlayout_memreserve_covering_an_input_is_fine(void **state)
{
	/* U-Boot adds a /memreserve/ entry for the initrd it loaded. */
	m.resv[1] = (struct resv_range){ RAM + 34 * MB, 706 * 1024,
					 RESV_MEMRESERVE, false, "memreserve" };
	m.nresv = 2;
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 34 * MB, 706 * 1024),
		0);
	m.resv[1].size = MB;
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 34 * MB, 706 * 1024),
		0);
}

static void bootlayout_memreserve_cutting_an_input_is_reported(void **state)
{
	m.resv[1] = (struct resv_range){ RAM + 34 * MB + 4096, MB,
					 RESV_MEMRESERVE, false, "memreserve" };
	m.nresv = 2;
	assert_int_equal(
		check3(RAM + 2 * MB, RAM + 62 * MB, RAM + 34 * MB, 706 * 1024),
		1);
	assert_string_equal(p[0].a.what, "initramfs");
	assert_string_equal(p[0].b.what, "memreserve");
}

static void bootlayout_counts_past_the_array(void **state)
{
	struct bootlayout_problem one[1];
	const struct boot_input in[] = {
		{ "a", RAM + 2 * MB, MB },
		{ "b", RAM + 2 * MB, MB },
		{ "c", RAM + 2 * MB, MB },
	};

	/* a-b, a-c, b-c */
	assert_int_equal(bootlayout_check(&m, in, 3, one, 1), 3);
	assert_string_equal(one[0].a.what, "a");
	assert_string_equal(one[0].b.what, "b");
	assert_int_equal(bootlayout_check(&m, in, 3, NULL, 0), 3);
}

static void bootlayout_sizes_that_wrap_do_not_hide_overlaps(void **state)
{
	const struct boot_input in[] = {
		{ "huge", RAM + 2 * MB, ~0ULL },
		{ "small", RAM + 10 * MB, 4096 },
	};

	/* huge is outside RAM and overlaps small, whatever its end wraps to. */
	assert_int_equal(bootlayout_check(&m, in, 2, p, 8), 2);
	assert_int_equal(p[0].kind, BOOTLAYOUT_OUTSIDE_RAM);
	assert_int_equal(p[1].kind, BOOTLAYOUT_OVERLAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, virt_64m)
		T(bootlayout_apart_inside_ram_is_fine),
		T(bootlayout_absent_initrd_is_not_checked),
		T(bootlayout_tree_on_initrd_names_both),
		T(bootlayout_overlap_by_one_byte_counts),
		T(bootlayout_input_outside_ram_is_reported),
		T(bootlayout_input_straddling_ram_end_is_outside),
		T(bootlayout_input_across_two_ram_ranges_is_outside),
		T(bootlayout_input_across_adjacent_ranges_is_inside),
		T(bootlayout_firmware_region_may_not_be_touched),
		T(bootlayout_memreserve_covering_an_input_is_fine),
		T(bootlayout_memreserve_cutting_an_input_is_reported),
		T(bootlayout_counts_past_the_array),
		T(bootlayout_sizes_that_wrap_do_not_hide_overlaps),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
