// SPDX-License-Identifier: MIT
/*
 * Sv39 page tables built in a host pool. Table pages get made-up physical
 * addresses (not host pointers), so any access that bypasses ops->va would
 * crash under ASan rather than pass by luck.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "arch/riscv/pagetable.h"
#include "arch/riscv/pte.h"

#define KB 0x400ULL
#define MB 0x100000ULL
#define GB 0x40000000ULL

#define POOL_PAGES 64
#define POOL_PA	   0x87000000ULL /* physical address of pool page 0 */

struct pool {
	uint64_t page[POOL_PAGES][512] __attribute__((aligned(4096)));
	unsigned used;	/* pages handed out, root included */
	unsigned limit; /* alloc fails once used reaches this */
	int fail_rc;
};

static struct pool pool;

static int pool_alloc(void *ctx, uint64_t *pa)
{
	struct pool *p = ctx;

	if (p->used >= p->limit)
		return p->fail_rc;
	memset(p->page[p->used], 0, sizeof(p->page[0]));
	*pa = POOL_PA + (uint64_t)p->used * 4096;
	p->used++;
	return 0;
}

static uint64_t *pool_va(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;
	uint64_t i = (pa - POOL_PA) / 4096;

	assert_int_equal(pa & 0xfff, 0);
	assert_true(pa >= POOL_PA && i < p->used);
	return p->page[i];
}

static const struct pt_ops ops = { pool_alloc, pool_va, &pool };
static uint64_t root;

/* A fresh empty root table; the allocator never fails unless told to. */
static int setup_root(void **state)
{
	memset(&pool, 0xcc, sizeof(pool));
	pool.used = 0;
	pool.limit = POOL_PAGES;
	pool.fail_rc = E_NOMEM;
	return pool_alloc(&pool, &root);
}

/* Tables allocated so far, not counting the root. */
static unsigned tables_used(void)
{
	return pool.used - 1;
}

#define RWX_MASK (PTE_R | PTE_W | PTE_X | PTE_U | PTE_G)

/* Asserts va translates to pa through a leaf of the given level and perm. */
static void assert_maps(uint64_t va, uint64_t pa, unsigned level, uint64_t perm)
{
	uint64_t got_pa = 0, pte = 0;
	unsigned got_level = 99;

	assert_int_equal(pt_lookup(&ops, root, va, &got_pa, &pte, &got_level),
			 0);
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_level, level);
	assert_true(pte_is_leaf(pte));
	assert_int_equal(pte & RWX_MASK, perm);
	assert_int_equal(pte & (PTE_V | PTE_A | PTE_D), PTE_V | PTE_A | PTE_D);
}

static void assert_unmapped(uint64_t va)
{
	uint64_t pa;

	assert_int_equal(pt_lookup(&ops, root, va, &pa, NULL, NULL), E_NOENT);
}

/* Checks the first, middle and last byte of [va, va+size) and both ends. */
static void assert_maps_range(uint64_t va, uint64_t pa, uint64_t size,
			      unsigned level, uint64_t perm)
{
	assert_maps(va, pa, level, perm);
	assert_maps(va + size / 2 + 0x123, pa + size / 2 + 0x123, level, perm);
	assert_maps(va + size - 1, pa + size - 1, level, perm);
}

static void pt_map_uses_1g_page_when_aligned(void **state)
{
	const uint64_t perm = PTE_R | PTE_W;

	assert_int_equal(pt_map(&ops, root, GB, 2 * GB, GB, perm), 0);
	assert_int_equal(tables_used(), 0);
	assert_maps_range(GB, 2 * GB, GB, 2, perm);
	assert_unmapped(GB - 1);
	assert_unmapped(2 * GB);
	/* The leaf sits in the root itself. */
	assert_true(pte_is_leaf(pool.page[0][1]));
	assert_int_equal(pte_pa(pool.page[0][1]), 2 * GB);
}

static void pt_map_uses_2m_pages_when_aligned(void **state)
{
	const uint64_t perm = PTE_R | PTE_X;

	assert_int_equal(pt_map(&ops, root, 2 * MB, 0x80200000, 4 * MB, perm),
			 0);
	assert_int_equal(tables_used(), 1);
	assert_maps_range(2 * MB, 0x80200000, 2 * MB, 1, perm);
	assert_maps_range(4 * MB, 0x80400000, 2 * MB, 1, perm);
	assert_unmapped(2 * MB - 1);
	assert_unmapped(6 * MB);
}

static void pt_map_uses_4k_pages_when_not_2m_aligned(void **state)
{
	const uint64_t perm = PTE_R;

	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80001000, 0x2000, perm),
			 0);
	assert_int_equal(tables_used(), 2);
	assert_maps_range(0x1000, 0x80001000, 0x1000, 0, perm);
	assert_maps_range(0x2000, 0x80002000, 0x1000, 0, perm);
	assert_unmapped(0);
	assert_unmapped(0x3000);
}

static void pt_map_uses_4k_pages_when_pa_not_aligned_like_va(void **state)
{
	const uint64_t perm = PTE_R | PTE_W;
	unsigned i;

	/* va is 2 MiB aligned but pa only 4 KiB: every page is small. */
	assert_int_equal(pt_map(&ops, root, 2 * MB, 0x80001000, 2 * MB, perm),
			 0);
	for (i = 0; i < 512; i += 73)
		assert_maps(2 * MB + i * 0x1000 + 5,
			    0x80001000 + i * 0x1000 + 5, 0, perm);
	assert_maps(4 * MB - 1, 0x80201000 - 1, 0, perm);
	assert_int_equal(tables_used(), 2);
}

static void pt_map_mixes_page_sizes_across_a_range(void **state)
{
	const uint64_t perm = PTE_R | PTE_W | PTE_X;
	/* Same offset in a 1 GiB page on both sides. */
	const uint64_t va = GB - 0x1000, pa = 3 * GB - 0x1000;
	const uint64_t size = 0x1000 + GB + 2 * MB + 0x1000;

	assert_int_equal(pt_map(&ops, root, va, pa, size, perm), 0);
	assert_maps_range(va, pa, 0x1000, 0, perm);
	assert_maps_range(GB, 3 * GB, GB, 2, perm);
	assert_maps_range(2 * GB, 4 * GB, 2 * MB, 1, perm);
	assert_maps_range(2 * GB + 2 * MB, 4 * GB + 2 * MB, 0x1000, 0, perm);
	assert_unmapped(va - 1);
	assert_unmapped(va + size);
}

static void pt_lookup_reports_permissions_of_each_mapping(void **state)
{
	static const uint64_t perms[] = {
		PTE_R,
		PTE_R | PTE_W,
		PTE_X,
		PTE_R | PTE_X,
		PTE_R | PTE_W | PTE_X,
		PTE_R | PTE_U,
		PTE_R | PTE_W | PTE_U,
		PTE_X | PTE_U,
		PTE_R | PTE_G,
		PTE_R | PTE_W | PTE_X | PTE_U | PTE_G,
	};
	unsigned i;

	for (i = 0; i < sizeof(perms) / sizeof(perms[0]); i++) {
		uint64_t va = 0x10000000 + i * 0x3000;

		assert_int_equal(pt_map(&ops, root, va, 0x90000000 + i * 0x1000,
					0x1000, perms[i]),
				 0);
	}
	for (i = 0; i < sizeof(perms) / sizeof(perms[0]); i++) {
		uint64_t va = 0x10000000 + i * 0x3000;

		assert_maps_range(va, 0x90000000 + i * 0x1000, 0x1000, 0,
				  perms[i]);
		assert_unmapped(va + 0x1000);
	}
}

static void pt_lookup_accepts_null_outputs(void **state)
{
	uint64_t pa = 0;

	assert_int_equal(pt_map(&ops, root, 0x5000, 0x80005000, 0x1000, PTE_R),
			 0);
	assert_int_equal(pt_lookup(&ops, root, 0x5abc, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x80005abc);
}

static void pt_lookup_unmapped_or_non_canonical_is_noent(void **state)
{
	assert_unmapped(0);
	assert_unmapped(0xffffffffffffffffULL);
	assert_int_equal(pt_map(&ops, root, 0, 0x80000000, GB, PTE_R), 0);
	/* Would alias va 0 if the top bits were ignored. */
	assert_unmapped(0x0000008000000000ULL);
	assert_unmapped(0x0000004000000000ULL);
	assert_maps(0, 0x80000000, 2, PTE_R);
}

static void pt_map_overlap_fails_with_exist(void **state)
{
	const uint64_t perm = PTE_R | PTE_W;

	assert_int_equal(pt_map(&ops, root, 0x200000, 0x80200000, 0x2000, perm),
			 0);
	/* The same page, a range starting on the second page, 2 MiB over a
	 * table. */
	assert_int_equal(pt_map(&ops, root, 0x200000, 0x90000000, 0x1000, perm),
			 E_EXIST);
	assert_int_equal(pt_map(&ops, root, 0x201000, 0x90000000, 0x2000, perm),
			 E_EXIST);
	assert_int_equal(pt_map(&ops, root, 2 * MB, 0x90000000, 2 * MB, perm),
			 E_EXIST);
	assert_int_equal(pt_map(&ops, root, 0, 0, GB, perm), E_EXIST);

	/* Small pages inside a 1 GiB leaf and a 2 MiB leaf. */
	assert_int_equal(pt_map(&ops, root, 2 * GB, 0x80000000, GB, perm), 0);
	assert_int_equal(
		pt_map(&ops, root, 2 * GB + 0x5000, 0x5000, 0x1000, perm),
		E_EXIST);
	assert_int_equal(
		pt_map(&ops, root, 2 * GB + 2 * MB, 2 * MB, 2 * MB, perm),
		E_EXIST);
	assert_int_equal(pt_map(&ops, root, 4 * MB, 0x80400000, 2 * MB, perm),
			 0);
	assert_int_equal(
		pt_map(&ops, root, 4 * MB + 0x3000, 0x3000, 0x1000, perm),
		E_EXIST);

	/* The first mappings are unchanged. */
	assert_maps(0x200000, 0x80200000, 0, perm);
	assert_maps(0x201fff, 0x80201fff, 0, perm);
	assert_maps(2 * GB + 0x5000, 0x80005000, 2, perm);
	assert_maps(4 * MB + 0x3000, 0x80403000, 1, perm);
	assert_unmapped(0x202000);
}

static void pt_map_misaligned_fails_with_inval(void **state)
{
	assert_int_equal(pt_map(&ops, root, 0x1001, 0x80000000, 0x1000, PTE_R),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000800, 0x1000, PTE_R),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0x1800, PTE_R),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 1, PTE_R),
			 E_INVAL);
	assert_int_equal(tables_used(), 0);
	assert_unmapped(0x1000);
}

static void pt_map_non_canonical_va_fails_with_inval(void **state)
{
	/* Bit 38 and above must all equal bit 38. */
	assert_int_equal(pt_map(&ops, root, 0x0000008000000000ULL, 0x80000000,
				0x1000, PTE_R),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0x0000004000000000ULL, 0x80000000,
				0x1000, PTE_R),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0xffffff8000000000ULL - 0x1000,
				0x80000000, 0x1000, PTE_R),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0x8000000000000000ULL, 0x80000000,
				0x1000, PTE_R),
			 E_INVAL);
	/* Starts canonical, runs past the top of the low half. */
	assert_int_equal(
		pt_map(&ops, root, 0x3fffffe000ULL, 0x80000000, 0x3000, PTE_R),
		E_INVAL);
	assert_int_equal(tables_used(), 0);
	assert_unmapped(0x3fffffe000ULL);
}

static void pt_map_wrapping_range_fails_with_inval(void **state)
{
	assert_int_equal(pt_map(&ops, root, 0xfffffffffffff000ULL, 0x80000000,
				0x2000, PTE_R),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0xffffffc000000000ULL, 0x80000000,
				0xfffffffffffff000ULL, PTE_R),
			 E_INVAL);
	assert_int_equal(tables_used(), 0);
}

static void pt_map_write_without_read_fails_with_inval(void **state)
{
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0x1000, PTE_W),
			 E_INVAL);
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0x1000,
				PTE_W | PTE_X | PTE_U),
			 E_INVAL);
	assert_int_equal(tables_used(), 0);
	assert_unmapped(0x1000);
}

static void pt_map_without_permission_fails_with_inval(void **state)
{
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0x1000, 0),
			 E_INVAL);
	assert_int_equal(
		pt_map(&ops, root, 0x1000, 0x80000000, 0x1000, PTE_U | PTE_G),
		E_INVAL);
	assert_int_equal(tables_used(), 0);
	assert_unmapped(0x1000);
}

static void pt_map_zero_size_maps_nothing(void **state)
{
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0, PTE_R), 0);
	assert_int_equal(tables_used(), 0);
	assert_unmapped(0x1000);
}

static void pt_map_allocator_failure_propagates(void **state)
{
	/* A 4 KiB page needs two tables; the allocator's own code comes back. */
	pool.limit = 1;
	pool.fail_rc = E_TOOBIG;
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0x1000, PTE_R),
			 E_TOOBIG);
	pool.limit = 2;
	pool.fail_rc = E_NOMEM;
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0x1000, PTE_R),
			 E_NOMEM);
	assert_unmapped(0x1000);

	/* Once memory is there, the same call completes. */
	pool.limit = POOL_PAGES;
	assert_int_equal(pt_map(&ops, root, 0x1000, 0x80000000, 0x1000, PTE_R),
			 0);
	assert_maps(0x1000, 0x80000000, 0, PTE_R);

	/* A 1 GiB page needs no table, so it maps with none to spare. */
	pool.limit = pool.used;
	assert_int_equal(pt_map(&ops, root, GB, GB, GB, PTE_R), 0);
}

static void pt_map_high_half_kernel_addresses_work(void **state)
{
	const uint64_t perm = PTE_R | PTE_W | PTE_G;

	/* Direct map: 1 GiB pages at the bottom of the high half. */
	assert_int_equal(pt_map(&ops, root, 0xffffffc000000000ULL, 0x80000000,
				2 * GB, perm),
			 0);
	assert_maps_range(0xffffffc000000000ULL, 0x80000000, GB, 2, perm);
	assert_maps_range(0xffffffc040000000ULL, 0xc0000000, GB, 2, perm);
	assert_unmapped(0xffffffbfffffffffULL);

	/* Kernel image: 2 MiB pages at -2 GiB, then a 4 KiB tail. */
	assert_int_equal(pt_map(&ops, root, 0xffffffff80000000ULL, 0x80200000,
				4 * MB + 0x1000, PTE_R | PTE_X | PTE_G),
			 0);
	assert_maps_range(0xffffffff80000000ULL, 0x80200000, 2 * MB, 1,
			  PTE_R | PTE_X | PTE_G);
	assert_maps_range(0xffffffff80200000ULL, 0x80400000, 2 * MB, 1,
			  PTE_R | PTE_X | PTE_G);
	assert_maps(0xffffffff80400fffULL, 0x80600fff, 0,
		    PTE_R | PTE_X | PTE_G);
	assert_unmapped(0xffffffff80401000ULL);
	assert_unmapped(0xffffffff7fffffffULL);
}

static void pt_map_top_of_address_space_works(void **state)
{
	const uint64_t perm = PTE_R | PTE_W;

	/* The range ends exactly at 2^64. */
	assert_int_equal(pt_map(&ops, root, 0xfffffffffffff000ULL, 0x80000000,
				0x1000, perm),
			 0);
	assert_maps_range(0xfffffffffffff000ULL, 0x80000000, 0x1000, 0, perm);
	assert_int_equal(pt_map(&ops, root, 0xffffffffffc00000ULL, 0x80200000,
				2 * MB, perm),
			 0);
	assert_maps_range(0xffffffffffc00000ULL, 0x80200000, 2 * MB, 1, perm);
	assert_int_equal(
		pt_map(&ops, root, 0xffffffffc0000000ULL, 0xc0000000, GB, perm),
		E_EXIST);
	assert_unmapped(0xffffffffffe00000ULL);
}

static void pt_unmap_removes_pages_and_megapages(void **state)
{
	uint64_t perm = PTE_R | PTE_W | PTE_U;

	assert_int_equal(pt_map(&ops, root, 0x10000, 0x80010000, 0x3000, perm),
			 0);
	assert_int_equal(pt_map(&ops, root, 4 * MB, 0x80400000, 2 * MB, perm),
			 0);
	assert_int_equal(pt_unmap(&ops, root, 0x11000, 0x1000), 0);
	assert_maps(0x10000, 0x80010000, 0, perm);
	assert_unmapped(0x11000);
	assert_maps(0x12000, 0x80012000, 0, perm);
	assert_int_equal(pt_unmap(&ops, root, 4 * MB, 2 * MB), 0);
	assert_unmapped(4 * MB);
	assert_unmapped(6 * MB - 1);
	/* The range may be mapped again afterwards. */
	assert_int_equal(pt_map(&ops, root, 0x11000, 0x90000000, 0x1000, perm),
			 0);
	assert_maps(0x11000, 0x90000000, 0, perm);
}

static void pt_unmap_refuses_partial_megapage_and_holes(void **state)
{
	uint64_t perm = PTE_R | PTE_U;

	assert_int_equal(pt_map(&ops, root, 2 * MB, 0x80200000, 2 * MB, perm),
			 0);
	assert_int_equal(pt_unmap(&ops, root, 2 * MB, 0x1000), E_INVAL);
	assert_int_equal(pt_unmap(&ops, root, 2 * MB + 0x1000, 0x1000),
			 E_INVAL);
	assert_maps(2 * MB, 0x80200000, 1, perm);
	assert_int_equal(pt_unmap(&ops, root, 8 * MB, 0x1000), E_NOENT);
	assert_int_equal(pt_unmap(&ops, root, 0x1001, 0x1000), E_INVAL);
}

static void pt_map_uses_small_pages_where_an_empty_table_was_left(void **state)
{
	uint64_t perm = PTE_R | PTE_W | PTE_U;

	/* A 4 KiB mapping and unmap leave an empty level-0 table at 4 MiB. */
	assert_int_equal(pt_map(&ops, root, 4 * MB, 0x80000000, 0x1000, perm),
			 0);
	assert_int_equal(pt_unmap(&ops, root, 4 * MB, 0x1000), 0);
	/* 2 MiB-aligned on both sides: a megapage at 2 MiB, and 4 KiB pages
	 * through the existing table at 4 MiB instead of E_EXIST. */
	assert_int_equal(pt_map(&ops, root, 2 * MB, 0x80200000, 4 * MB, perm),
			 0);
	assert_maps(2 * MB, 0x80200000, 1, perm);
	assert_maps(4 * MB, 0x80400000, 0, perm);
	assert_maps(6 * MB - 0x1000, 0x805ff000, 0, perm);
	assert_int_equal(pt_unmap(&ops, root, 2 * MB, 4 * MB), 0);
	assert_unmapped(2 * MB);
	assert_unmapped(5 * MB);
}

#define T(f) cmocka_unit_test_setup(f, setup_root)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(pt_map_uses_small_pages_where_an_empty_table_was_left),
		T(pt_unmap_removes_pages_and_megapages),
		T(pt_unmap_refuses_partial_megapage_and_holes),
		T(pt_map_uses_1g_page_when_aligned),
		T(pt_map_uses_2m_pages_when_aligned),
		T(pt_map_uses_4k_pages_when_not_2m_aligned),
		T(pt_map_uses_4k_pages_when_pa_not_aligned_like_va),
		T(pt_map_mixes_page_sizes_across_a_range),
		T(pt_lookup_reports_permissions_of_each_mapping),
		T(pt_lookup_accepts_null_outputs),
		T(pt_lookup_unmapped_or_non_canonical_is_noent),
		T(pt_map_overlap_fails_with_exist),
		T(pt_map_misaligned_fails_with_inval),
		T(pt_map_non_canonical_va_fails_with_inval),
		T(pt_map_wrapping_range_fails_with_inval),
		T(pt_map_write_without_read_fails_with_inval),
		T(pt_map_without_permission_fails_with_inval),
		T(pt_map_zero_size_maps_nothing),
		T(pt_map_allocator_failure_propagates),
		T(pt_map_high_half_kernel_addresses_work),
		T(pt_map_top_of_address_space_works),
	};

	return cmocka_run_group_tests_name("pagetable", tests, NULL, NULL);
}
