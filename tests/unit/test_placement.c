// SPDX-License-Identifier: MIT
/* Placement of a domain on a hart: the allowed set, then the fewest
 * domains, then the lowest index. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/sched/placement.h"

/* sifive_u-like: booted on hart 3, then 1, 2, 4 in tree order. */
static struct placement_hart four[] = {
	{ 3, 0 },
	{ 1, 0 },
	{ 2, 0 },
	{ 4, 0 },
};

static void reset(void)
{
	for (unsigned i = 0; i < 4; i++)
		four[i].load = 0;
}

static void placement_spreads_one_domain_per_hart_in_index_order(void **s)
{
	(void)s;
	reset();
	for (unsigned k = 0; k < 8; k++) {
		int i = placement_pick(four, 4, 0);

		assert_int_equal(i, k % 4);
		four[i].load++;
	}
}

static void placement_pinned_hart_is_taken_whatever_its_load(void **s)
{
	(void)s;
	reset();
	four[3].load = 5;
	assert_int_equal(placement_pick(four, 4, 1ULL << 4), 3);
	assert_int_equal(placement_pick(four, 4, 1ULL << 3), 0);
}

static void placement_allowed_set_takes_its_least_loaded(void **s)
{
	(void)s;
	reset();
	four[1].load = 2; /* hart 1 */
	four[2].load = 1; /* hart 2 */
	assert_int_equal(placement_pick(four, 4, 0x6), 2);
	four[2].load = 2;
	assert_int_equal(placement_pick(four, 4, 0x6), 1); /* tie: index */
}

static void placement_without_an_online_allowed_hart_fails(void **s)
{
	(void)s;
	reset();
	assert_int_equal(placement_pick(four, 4, 1ULL << 0), -1);
	assert_int_equal(placement_pick(four, 4, 1ULL << 63), -1);
	assert_int_equal(placement_pick(four, 0, 0), -1);
}

static void placement_hart_ids_above_63_only_by_any(void **s)
{
	struct placement_hart big[] = { { 100, 1 }, { 64, 0 } };

	(void)s;
	assert_int_equal(placement_pick(big, 2, 0), 1);
	assert_int_equal(placement_pick(big, 2, ~0ULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			placement_spreads_one_domain_per_hart_in_index_order),
		cmocka_unit_test(
			placement_pinned_hart_is_taken_whatever_its_load),
		cmocka_unit_test(placement_allowed_set_takes_its_least_loaded),
		cmocka_unit_test(
			placement_without_an_online_allowed_hart_fails),
		cmocka_unit_test(placement_hart_ids_above_63_only_by_any),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
