// SPDX-License-Identifier: MIT
/*
 * Usable-RAM computation: holes in every position, rounding of RAM inward
 * and holes outward, merging, ordering, limits, and random inputs checked
 * against a page bitmap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "kernel/mm/memmap.h"

#define PG  0x1000ULL
#define RAM 0x80000000ULL
#define MB  0x100000ULL

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct memmap m;

static int clear_map(void **state)
{
	memset(&m, 0x5a, sizeof(m));
	return 0;
}

/* Asserts m holds exactly the n ranges given as base, size pairs. */
static void assert_map(const struct memmap *map, unsigned n, ...)
{
	va_list ap;
	unsigned i;

	assert_int_equal(map->n, n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		uint64_t base = va_arg(ap, uint64_t);
		uint64_t size = va_arg(ap, uint64_t);

		assert_int_equal(map->r[i].base, base);
		assert_int_equal(map->r[i].size, size);
	}
	va_end(ap);
}

static void memmap_subtract_without_holes_keeps_ram(void **state)
{
	const struct mem_range ram[] = { { RAM, 128 * MB } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_map(&m, 1, RAM, 128 * MB);
}

static void memmap_subtract_hole_at_start(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * MB } };
	const struct mem_range avoid[] = { { RAM, 2 * MB } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 1, RAM + 2 * MB, 14 * MB);
}

static void memmap_subtract_hole_in_middle_splits(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * MB } };
	const struct mem_range avoid[] = { { RAM + 4 * MB, MB } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 2, RAM, 4 * MB, RAM + 5 * MB, 11 * MB);
}

static void memmap_subtract_hole_at_end(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * MB } };
	const struct mem_range avoid[] = { { RAM + 15 * MB, MB } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 1, RAM, 15 * MB);
}

static void memmap_subtract_hole_beyond_ram_changes_nothing(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * MB } };
	const struct mem_range avoid[] = { { RAM + 16 * MB, MB },
					   { RAM - MB, MB },
					   { 0, PG } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 1, RAM, 16 * MB);
}

static void memmap_subtract_hole_covering_all_leaves_nothing(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * MB } };
	const struct mem_range avoid[] = { { RAM - PG, 16 * MB + 2 * PG } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(memmap_total(&m), 0);
}

static void memmap_subtract_hole_spanning_several_ranges(void **state)
{
	const struct mem_range ram[] = { { RAM, 4 * MB },
					 { RAM + 8 * MB, 4 * MB },
					 { RAM + 16 * MB, 4 * MB },
					 { RAM + 24 * MB, 4 * MB } };
	const struct mem_range avoid[] = { { RAM + 3 * MB, 15 * MB } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 3, RAM, 3 * MB, RAM + 18 * MB, 2 * MB, RAM + 24 * MB,
		   4 * MB);
}

static void memmap_subtract_unaligned_hole_rounds_outward(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * PG } };
	/* Touches pages 2 and 5..7 only partly; they all go. */
	const struct mem_range avoid[] = { { RAM + 2 * PG + 0x800, 0x10 },
					   { RAM + 5 * PG + 1, 2 * PG } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 3, RAM, 2 * PG, RAM + 3 * PG, 2 * PG, RAM + 8 * PG,
		   8 * PG);
}

static void memmap_subtract_empty_hole_removes_nothing(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * PG } };
	const struct mem_range avoid[] = { { RAM + 3 * PG, 0 },
					   { RAM + 5 * PG + 0x123, 0 } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 1, RAM, 16 * PG);
}

static void memmap_subtract_shrinks_ram_inward_to_pages(void **state)
{
	const struct mem_range ram[] = { { RAM + 0x800, 4 * PG },
					 { RAM + 8 * PG + 1, 3 * PG - 2 },
					 { RAM + 16 * PG, 2 * PG + 0xfff } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_map(&m, 3, RAM + PG, 3 * PG, RAM + 9 * PG, PG, RAM + 16 * PG,
		   2 * PG);
}

static void memmap_subtract_drops_ram_smaller_than_a_page(void **state)
{
	const struct mem_range ram[] = { { RAM + 0x10, 0xff0 },
					 { RAM + 0x1800, 0x1000 },
					 { RAM + 4 * PG, 0 } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_int_equal(m.n, 0);
}

static void memmap_subtract_drops_ram_in_last_page_of_space(void **state)
{
	/* Aligning the base up must not wrap it to 0. */
	const struct mem_range ram[] = { { 0xfffffffffffff001ULL, 0x10 },
					 { 0xfffffffffffff000ULL, 0xfff } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_int_equal(m.n, 0);
}

static void memmap_subtract_hole_in_last_page_of_space_applies(void **state)
{
	/* The rounded-up hole end wraps past 2^64; it still removes RAM. */
	const struct mem_range ram[] = { { 0xffffffffffff0000ULL, 15 * PG } };
	const struct mem_range avoid[] = { { 0xfffffffffffff800ULL, 0x7ff },
					   { 0xffffffffffffd800ULL, 0x27ff } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 1, 0xffffffffffff0000ULL, 13 * PG);
}

static void memmap_subtract_merges_overlapping_and_duplicate_ram(void **state)
{
	const struct mem_range ram[] = {
		{ RAM, 8 * MB },	  /* duplicated below */
		{ RAM + 4 * MB, 8 * MB }, /* overlaps the first */
		{ RAM, 8 * MB },
		{ RAM + 12 * MB, MB }, /* touches the second */
		{ RAM + 2 * MB, MB },  /* inside the first */
		{ RAM + 32 * MB, MB }, /* separate */
	};

	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_map(&m, 2, RAM, 13 * MB, RAM + 32 * MB, MB);
	assert_int_equal(memmap_total(&m), 14 * MB);
}

static void memmap_subtract_output_is_sorted(void **state)
{
	const struct mem_range ram[] = { { RAM + 64 * MB, MB },
					 { 0x40000000, MB },
					 { RAM, MB },
					 { 0x1000000000ULL, MB } };
	const struct mem_range avoid[] = { { 0x1000080000ULL, PG },
					   { 0x40000000, PG } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), avoid, N(avoid)), 0);
	assert_map(&m, 5, 0x40000000ULL + PG, MB - PG, RAM, MB, RAM + 64 * MB,
		   MB, 0x1000000000ULL, 0x80000ULL, 0x1000081000ULL,
		   0x7f000ULL);
}

static void memmap_subtract_too_many_ram_ranges_fails(void **state)
{
	struct mem_range ram[MEMMAP_MAX + 1];
	unsigned i;

	for (i = 0; i < N(ram); i++) {
		ram[i].base = RAM + i * 2 * PG;
		ram[i].size = PG;
	}
	assert_int_equal(memmap_subtract(&m, ram, MEMMAP_MAX, NULL, 0), 0);
	assert_int_equal(m.n, MEMMAP_MAX);
	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), E_TOOBIG);
}

static void memmap_subtract_too_many_pieces_from_holes_fails(void **state)
{
	const struct mem_range ram[] = { { RAM, 256 * PG } };
	struct mem_range avoid[MEMMAP_MAX];
	unsigned i;

	/* n holes strictly inside one range leave n + 1 pieces. */
	for (i = 0; i < N(avoid); i++) {
		avoid[i].base = RAM + (2 * i + 1) * PG;
		avoid[i].size = PG;
	}
	assert_int_equal(memmap_subtract(&m, ram, 1, avoid, MEMMAP_MAX - 1), 0);
	assert_int_equal(m.n, MEMMAP_MAX);
	assert_int_equal(memmap_total(&m), (256 - (MEMMAP_MAX - 1)) * PG);
	assert_int_equal(memmap_subtract(&m, ram, 1, avoid, MEMMAP_MAX),
			 E_TOOBIG);
}

static void memmap_subtract_wrapping_range_fails(void **state)
{
	const struct mem_range ok[] = { { RAM, MB } };
	const struct mem_range wrap[] = { { 0xfffffffffff00000ULL, 2 * MB } };
	const struct mem_range all[] = { { 1, ~0ULL } };

	assert_int_equal(memmap_subtract(&m, wrap, 1, NULL, 0), E_RANGE);
	assert_int_equal(memmap_subtract(&m, all, 1, NULL, 0), E_RANGE);
	assert_int_equal(memmap_subtract(&m, ok, 1, wrap, 1), E_RANGE);
	assert_int_equal(memmap_subtract(&m, ok, 1, all, 1), E_RANGE);
}

static void memmap_remove_splits_a_range(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * PG },
					 { RAM + 32 * PG, PG } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_int_equal(memmap_remove(&m, RAM + 4 * PG, RAM + 6 * PG), 0);
	assert_map(&m, 3, RAM, 4 * PG, RAM + 6 * PG, 10 * PG, RAM + 32 * PG,
		   PG);
	assert_int_equal(memmap_remove(&m, RAM + 14 * PG, RAM + 40 * PG), 0);
	assert_map(&m, 2, RAM, 4 * PG, RAM + 6 * PG, 8 * PG);
	assert_int_equal(memmap_remove(&m, 0, PG), 0);
	assert_map(&m, 2, RAM, 4 * PG, RAM + 6 * PG, 8 * PG);
	assert_int_equal(memmap_remove(&m, RAM, RAM + 100 * PG), 0);
	assert_int_equal(m.n, 0);
}

static void memmap_remove_empty_range_changes_nothing(void **state)
{
	const struct mem_range ram[] = { { RAM, 16 * PG } };

	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_int_equal(memmap_remove(&m, RAM + 4 * PG, RAM + 4 * PG), 0);
	assert_map(&m, 1, RAM, 16 * PG);
	assert_int_equal(memmap_remove(&m, RAM + 8 * PG, RAM + 2 * PG), 0);
	assert_map(&m, 1, RAM, 16 * PG);
}

static void memmap_remove_split_of_full_map_fails(void **state)
{
	struct mem_range ram[MEMMAP_MAX];
	unsigned i;

	for (i = 0; i < N(ram); i++) {
		ram[i].base = RAM + i * 4 * PG;
		ram[i].size = 3 * PG;
	}
	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	/* Trimming an end keeps the count; a split needs one more slot. */
	assert_int_equal(memmap_remove(&m, RAM, RAM + PG), 0);
	assert_int_equal(m.n, MEMMAP_MAX);
	assert_int_equal(memmap_remove(&m, RAM + 5 * PG, RAM + 6 * PG),
			 E_TOOBIG);
}

static void memmap_total_sums_sizes(void **state)
{
	const struct mem_range ram[] = { { RAM, 3 * PG },
					 { RAM + 8 * PG, 5 * PG },
					 { 0x100000000000ULL,
					   0x100000000ULL } };

	m.n = 0;
	assert_int_equal(memmap_total(&m), 0);
	assert_int_equal(memmap_subtract(&m, ram, N(ram), NULL, 0), 0);
	assert_int_equal(memmap_total(&m), 8 * PG + 0x100000000ULL);
}

/*
 * Random inputs over a small window of pages, checked against a bitmap: a
 * page is usable iff one RAM range covers all of it and no non-empty hole
 * touches any of it. The expected map is the runs of usable pages.
 */
#define WIN_BASE  0x40000000ULL
#define WIN_PAGES 512
/* Random ranges start in the window but may run up to 160 pages past it. */
#define MODEL_PAGES (WIN_PAGES + 160)

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct mem_range random_range(unsigned max_pages)
{
	struct mem_range r;

	r.base = WIN_BASE + rng() % (WIN_PAGES * PG);
	r.size = rng() % (max_pages * PG);
	if (rng() % 2) { /* often page-aligned, as real inputs are */
		r.base &= ~(PG - 1);
		r.size &= ~(PG - 1);
	}
	return r;
}

static void check_bitmap(const struct memmap *map, const bool *usable)
{
	unsigned p = 0, i = 0;

	while (p < MODEL_PAGES) {
		unsigned start;

		if (!usable[p]) {
			p++;
			continue;
		}
		for (start = p; p < MODEL_PAGES && usable[p]; p++)
			;
		assert_true(i < map->n);
		assert_int_equal(map->r[i].base, WIN_BASE + start * PG);
		assert_int_equal(map->r[i].size, (uint64_t)(p - start) * PG);
		i++;
	}
	assert_int_equal(map->n, i);
}

static void memmap_subtract_random_matches_page_bitmap(void **state)
{
	struct mem_range ram[12], avoid[12];
	bool usable[MODEL_PAGES];
	uint64_t pages;
	unsigned iter, nram, navoid, i, p;

	rng_state = 0x243f6a8885a308d3ULL;
	for (iter = 0; iter < 3000; iter++) {
		nram = 1 + (unsigned)(rng() % N(ram));
		navoid = (unsigned)(rng() % (N(avoid) + 1));
		for (i = 0; i < nram; i++)
			ram[i] = random_range(128);
		for (i = 0; i < navoid; i++)
			avoid[i] = random_range(16);

		memset(usable, 0, sizeof(usable));
		for (i = 0; i < nram; i++)
			for (p = 0; p < N(usable); p++) {
				uint64_t pb = WIN_BASE + p * PG;

				if (pb >= ram[i].base &&
				    pb + PG <= ram[i].base + ram[i].size)
					usable[p] = true;
			}
		for (i = 0; i < navoid; i++)
			for (p = 0; p < N(usable); p++) {
				uint64_t pb = WIN_BASE + p * PG;

				if (avoid[i].size &&
				    pb < avoid[i].base + avoid[i].size &&
				    avoid[i].base < pb + PG)
					usable[p] = false;
			}

		assert_int_equal(memmap_subtract(&m, ram, nram, avoid, navoid),
				 0);
		check_bitmap(&m, usable);
		for (pages = 0, p = 0; p < N(usable); p++)
			pages += usable[p];
		assert_int_equal(memmap_total(&m), pages * PG);

		/* Then page-aligned removals, one after another. */
		for (i = 0; i < 4; i++) {
			struct mem_range r = random_range(32);
			uint64_t b = r.base & ~(PG - 1);
			uint64_t e = b + (r.size & ~(PG - 1));

			assert_int_equal(memmap_remove(&m, b, e), 0);
			for (p = 0; p < N(usable); p++) {
				uint64_t pb = WIN_BASE + p * PG;

				if (pb >= b && pb < e)
					usable[p] = false;
			}
			check_bitmap(&m, usable);
		}
	}
}

#define T(f) cmocka_unit_test_setup(f, clear_map)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(memmap_subtract_without_holes_keeps_ram),
		T(memmap_subtract_hole_at_start),
		T(memmap_subtract_hole_in_middle_splits),
		T(memmap_subtract_hole_at_end),
		T(memmap_subtract_hole_beyond_ram_changes_nothing),
		T(memmap_subtract_hole_covering_all_leaves_nothing),
		T(memmap_subtract_hole_spanning_several_ranges),
		T(memmap_subtract_unaligned_hole_rounds_outward),
		T(memmap_subtract_empty_hole_removes_nothing),
		T(memmap_subtract_shrinks_ram_inward_to_pages),
		T(memmap_subtract_drops_ram_smaller_than_a_page),
		T(memmap_subtract_drops_ram_in_last_page_of_space),
		T(memmap_subtract_hole_in_last_page_of_space_applies),
		T(memmap_subtract_merges_overlapping_and_duplicate_ram),
		T(memmap_subtract_output_is_sorted),
		T(memmap_subtract_too_many_ram_ranges_fails),
		T(memmap_subtract_too_many_pieces_from_holes_fails),
		T(memmap_subtract_wrapping_range_fails),
		T(memmap_remove_splits_a_range),
		T(memmap_remove_empty_range_changes_nothing),
		T(memmap_remove_split_of_full_map_fails),
		T(memmap_total_sums_sizes),
		T(memmap_subtract_random_matches_page_bitmap),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
