// SPDX-License-Identifier: MIT
/*
 * The shared byte queue (libos/lib/bytering.c): order, wrap-around, whole
 * messages only, counters wrapping at 2^32, a peer that scribbles on the
 * counters, and a long random run against a plain FIFO model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/bytering.h>

#define PAGE 4096

/* A page with guard bytes either side, so a stray write shows. */
static struct {
	uint8_t before[64];
	_Alignas(64) uint8_t page[PAGE];
	uint8_t after[64];
} mem;

static struct bytering prod, cons;

static int setup(void **state)
{
	memset(&mem, 0xa5, sizeof(mem));
	assert_true(bytering_init(&prod, mem.page, PAGE, true));
	assert_true(bytering_init(&cons, mem.page, PAGE, false));
	return 0;
}

static void guards_intact(void)
{
	for (size_t i = 0; i < sizeof(mem.before); i++) {
		assert_int_equal(mem.before[i], 0xa5);
		assert_int_equal(mem.after[i], 0xa5);
	}
}

static void bytering_init_takes_largest_power_of_two(void **state)
{
	struct bytering r;

	assert_int_equal(prod.size, 2048);
	assert_true(bytering_init(&r, mem.page,
				  sizeof(struct bytering_shared) + 16, true));
	assert_int_equal(r.size, 16);
	assert_false(bytering_init(&r, mem.page,
				   sizeof(struct bytering_shared) + 15, true));
	assert_false(bytering_init(&r, NULL, PAGE, true));
}

static void bytering_get_returns_bytes_in_order(void **state)
{
	char out[16];

	assert_int_equal(bytering_put(&prod, "hello\n", 6), 6);
	assert_int_equal(bytering_put(&prod, "ps\n", 3), 3);
	assert_int_equal(bytering_used(&cons), 9);
	assert_int_equal(bytering_unread(&prod), 9);
	assert_int_equal(bytering_get(&cons, out, 4), 4);
	assert_memory_equal(out, "hell", 4);
	assert_int_equal(bytering_get(&cons, out, sizeof(out)), 5);
	assert_memory_equal(out, "o\nps\n", 5);
	assert_int_equal(bytering_get(&cons, out, sizeof(out)), 0);
	assert_int_equal(bytering_room(&prod), prod.size);
	assert_int_equal(bytering_unread(&prod), 0);
	assert_false(bytering_corrupt(&prod) || bytering_corrupt(&cons));
}

static void bytering_put_is_all_or_nothing(void **state)
{
	static char big[2048], out[2048];

	memset(big, 'x', sizeof(big));
	assert_int_equal(bytering_put(&prod, big, 2040), 2040);
	assert_int_equal(bytering_room(&prod), 8);
	assert_int_equal(bytering_put(&prod, "123456789", 9), 0);
	assert_int_equal(bytering_used(&cons), 2040); /* nothing half-put */
	assert_int_equal(bytering_put(&prod, "12345678", 8), 8);
	assert_int_equal(bytering_room(&prod), 0);
	assert_int_equal(bytering_put(&prod, "z", 1), 0);
	assert_int_equal(bytering_put(&prod, "", 0), 0);
	assert_int_equal(bytering_get(&cons, out, sizeof(out)), 2048);
	assert_memory_equal(out + 2040, "12345678", 8);
	guards_intact();
}

static void bytering_wraps_around_the_end_of_the_data(void **state)
{
	char in[100], out[100];

	for (int round = 0; round < 100; round++) {
		for (size_t i = 0; i < sizeof(in); i++)
			in[i] = (char)(round * 7 + i);
		assert_int_equal(bytering_put(&prod, in, sizeof(in)),
				 sizeof(in));
		assert_int_equal(bytering_get(&cons, out, sizeof(out)),
				 sizeof(out));
		assert_memory_equal(in, out, sizeof(in));
	}
	guards_intact();
}

static void bytering_counters_wrap_at_2_32(void **state)
{
	char out[8];

	prod.mine = cons.mine = 0xfffffffc;
	prod.sh->head = prod.sh->tail = 0xfffffffc;
	assert_int_equal(bytering_put(&prod, "abcdefgh", 8), 8);
	assert_int_equal(prod.sh->head, 4);
	assert_int_equal(bytering_used(&cons), 8);
	assert_int_equal(bytering_get(&cons, out, 8), 8);
	assert_memory_equal(out, "abcdefgh", 8);
	assert_int_equal(bytering_room(&prod), prod.size);
	assert_false(bytering_corrupt(&prod) || bytering_corrupt(&cons));
}

static void bytering_consumer_refuses_a_head_beyond_capacity(void **state)
{
	char out[64];

	assert_int_equal(bytering_put(&prod, "ok", 2), 2);
	prod.sh->head = 0x7fffffff; /* the producer scribbles */
	assert_int_equal(bytering_used(&cons), 0);
	assert_int_equal(bytering_get(&cons, out, sizeof(out)), 0);
	assert_true(bytering_corrupt(&cons));
	guards_intact();
}

static void bytering_producer_refuses_a_tail_beyond_head(void **state)
{
	assert_int_equal(bytering_put(&prod, "ok", 2), 2);
	prod.sh->tail = 0x12345; /* the consumer scribbles */
	assert_int_equal(bytering_room(&prod), 0);
	assert_int_equal(bytering_unread(&prod), prod.size);
	assert_int_equal(bytering_put(&prod, "x", 1), 0);
	assert_true(bytering_corrupt(&prod));
	/* The producer never trusts the shared head: a scribbled head does
	 * not move where it writes. */
	prod.corrupt = false;
	prod.sh->tail = 2;
	prod.sh->head = 999;
	assert_int_equal(bytering_put(&prod, "yz", 2), 2);
	assert_memory_equal(&prod.sh->data[2], "yz", 2);
	assert_int_equal(prod.sh->head, 4);
	guards_intact();
}

/* A random mix of puts and gets, checked against a plain FIFO. */
static void bytering_matches_a_fifo_model(void **state)
{
	static uint8_t model[1 << 20], buf[600];
	size_t mhead = 0, mtail = 0, n, got;
	unsigned seed = 12345;

	for (int step = 0; step < 200000; step++) {
		seed = seed * 1103515245 + 12345;
		n = (seed >> 8) % sizeof(buf);
		if ((seed >> 4) & 1) {
			for (size_t i = 0; i < n; i++)
				buf[i] = (uint8_t)(seed + i);
			got = bytering_put(&prod, buf, n);
			if (mhead - mtail + n <= prod.size && n) {
				assert_int_equal(got, n);
				for (size_t i = 0; i < n; i++)
					model[(mhead + i) % sizeof(model)] =
						buf[i];
				mhead += n;
			} else {
				assert_int_equal(got, 0);
			}
		} else {
			got = bytering_get(&cons, buf, n);
			assert_int_equal(got,
					 n < mhead - mtail ? n : mhead - mtail);
			for (size_t i = 0; i < got; i++)
				assert_int_equal(
					buf[i],
					model[(mtail + i) % sizeof(model)]);
			mtail += got;
		}
		assert_int_equal(bytering_used(&cons), mhead - mtail);
	}
	assert_false(bytering_corrupt(&prod) || bytering_corrupt(&cons));
	guards_intact();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(bytering_init_takes_largest_power_of_two,
				       setup),
		cmocka_unit_test_setup(bytering_get_returns_bytes_in_order,
				       setup),
		cmocka_unit_test_setup(bytering_put_is_all_or_nothing, setup),
		cmocka_unit_test_setup(
			bytering_wraps_around_the_end_of_the_data, setup),
		cmocka_unit_test_setup(bytering_counters_wrap_at_2_32, setup),
		cmocka_unit_test_setup(
			bytering_consumer_refuses_a_head_beyond_capacity,
			setup),
		cmocka_unit_test_setup(
			bytering_producer_refuses_a_tail_beyond_head, setup),
		cmocka_unit_test_setup(bytering_matches_a_fifo_model, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
