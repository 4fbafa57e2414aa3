// SPDX-License-Identifier: MIT
/* Hart-index masks cut into SBI hart_mask windows (arch/riscv/hart_window.c):
 * one window while the ids span less than 64, more only past that. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/riscv/hart_window.h"

static uint32_t ids[64];

static void hart_window_empty_mask_gives_none(void **s)
{
	struct hart_window w = { 7, 7 };
	uint64_t left = 0;

	(void)s;
	assert_false(hart_window_next(&left, ids, &w));
	assert_int_equal(w.mask, 7);
	assert_int_equal(w.base, 7);
}

/* virt -smp 4 booted on hart 2: indices 0..3 are harts 2, 0, 1, 3. */
static void hart_window_dense_ids_are_one_call(void **s)
{
	struct hart_window w;
	uint64_t left = 0xe; /* indices 1, 2, 3: harts 0, 1, 3 */

	(void)s;
	ids[0] = 2, ids[1] = 0, ids[2] = 1, ids[3] = 3;
	assert_true(hart_window_next(&left, ids, &w));
	assert_int_equal(w.base, 0);
	assert_int_equal(w.mask, 0xb); /* harts 0, 1, 3 */
	assert_int_equal(left, 0);
	assert_false(hart_window_next(&left, ids, &w));
}

/* The base is the lowest id, not 0: ids 100 and 163 share a window. */
static void hart_window_base_is_the_lowest_id(void **s)
{
	struct hart_window w;
	uint64_t left = 0x3;

	(void)s;
	ids[0] = 163, ids[1] = 100;
	assert_true(hart_window_next(&left, ids, &w));
	assert_int_equal(w.base, 100);
	assert_int_equal(w.mask, 1UL << 63 | 1);
	assert_int_equal(left, 0);
}

/* Ids 64 apart or more need a call each; the windows ascend. */
static void hart_window_ids_far_apart_take_one_window_each(void **s)
{
	struct hart_window w;
	uint64_t left = 0x7;

	(void)s;
	ids[0] = 1000, ids[1] = 5, ids[2] = 69; /* 69 - 5 = 64: apart */
	assert_true(hart_window_next(&left, ids, &w));
	assert_int_equal(w.base, 5);
	assert_int_equal(w.mask, 1);
	assert_true(hart_window_next(&left, ids, &w));
	assert_int_equal(w.base, 69);
	assert_int_equal(w.mask, 1);
	assert_true(hart_window_next(&left, ids, &w));
	assert_int_equal(w.base, 1000);
	assert_int_equal(w.mask, 1);
	assert_false(hart_window_next(&left, ids, &w));
}

/* A 64-hart machine (SG2042-like, ids 0..63, booted on hart 17): every
 * hart but the caller in one call. */
static void hart_window_sixty_four_harts_are_one_call(void **s)
{
	struct hart_window w;
	uint64_t left = ~1UL;
	unsigned i;

	(void)s;
	ids[0] = 17;
	for (i = 1; i < 64; i++)
		ids[i] = i <= 17 ? i - 1 : i;
	assert_true(hart_window_next(&left, ids, &w));
	assert_int_equal(w.base, 0);
	assert_int_equal(w.mask, ~(1UL << 17));
	assert_false(hart_window_next(&left, ids, &w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hart_window_empty_mask_gives_none),
		cmocka_unit_test(hart_window_dense_ids_are_one_call),
		cmocka_unit_test(hart_window_base_is_the_lowest_id),
		cmocka_unit_test(
			hart_window_ids_far_apart_take_one_window_each),
		cmocka_unit_test(hart_window_sixty_four_harts_are_one_call),
	};

	return cmocka_run_group_tests(tests, 0, 0);
}
