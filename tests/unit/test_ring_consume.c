// SPDX-License-Identifier: MIT
/*
 * The submission ring's consumer (kernel/cap/ring_consume.c) against a
 * ring the test writes as a hostile domain would: order and wrap-around,
 * counters out of range, entries rewritten after they were read or after
 * they ran, calls that do not exist or that the ring does not run, a
 * piece stopped part-way, and memory that stops being readable or
 * writable. A run is recorded per entry, so running one twice shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/cap/ring_consume.h"
#include <rivet/errno.h>

#define SIZE   8
#define NR_OK  3 /* a call the ring runs: returns args[0] * 10 in val */
#define NR_BAD 4 /* one it fails: returns -(args[0]) */
#define NR_NOT 5 /* exists, not allowed in the ring */

static struct {
	struct rivet_ring_entry e[SIZE];
	struct rivet_ring_done c[SIZE];
	unsigned runs[64];	/* runs per args[0] */
	unsigned fetched[SIZE]; /* reads per index in one consume */
	unsigned stop_after;	/* stop() true once this many asked */
	unsigned stops_asked;
	int fetch_rc, post_rc;
	int rewrite_after_fetch; /* scribble on entries once copied */
	unsigned batches, batched;
} t;

static int fetch(void *ctx, uint64_t index, uint64_t n,
		 struct rivet_ring_entry *out)
{
	assert_true(index < SIZE && n <= SIZE - index && n <= RING_CHUNK);
	if (t.fetch_rc)
		return t.fetch_rc;
	memcpy(out, &t.e[index], n * sizeof(*out));
	for (uint64_t i = 0; i < n; i++) {
		t.fetched[index + i]++;
		if (t.rewrite_after_fetch)
			t.e[index + i].nr = NR_NOT;
	}
	return 0;
}

static long run(void *ctx, const struct rivet_ring_entry *e, uint64_t *val)
{
	assert_true(e->nr == NR_OK || e->nr == NR_BAD);
	t.runs[e->args[0] % 64]++;
	if (e->nr == NR_BAD) {
		*val = 99; /* must not reach the completion */
		return -(long)e->args[0];
	}
	*val = e->args[0] * 10;
	return 0;
}

/* The batched call: as run, for each; counts the batches. */
static void run_batch(void *ctx, const struct rivet_ring_entry *e, uint64_t n,
		      struct rivet_ring_done *out)
{
	t.batches++;
	t.batched += n;
	for (uint64_t i = 0; i < n; i++)
		out[i].rc = run(ctx, &e[i], &out[i].val);
}

static int post(void *ctx, uint64_t index, uint64_t n,
		const struct rivet_ring_done *c)
{
	assert_true(index < SIZE && n && n <= SIZE - index);
	if (t.post_rc)
		return t.post_rc;
	memcpy(&t.c[index], c, n * sizeof(*c));
	return 0;
}

static bool stop(void *ctx)
{
	return ++t.stops_asked > t.stop_after;
}

static const struct ring_ops ops = { fetch, run, 0, post, stop };
static const struct ring_ops batch_ops = { fetch, run, run_batch, post, stop };

static struct ring_consumer k;

static int setup(void **state)
{
	memset(&t, 0, sizeof(t));
	t.stop_after = ~0u;
	k = (struct ring_consumer){ 0, SIZE, 0x3f,
				    (1u << NR_OK) | (1u << NR_BAD), NR_BAD };
	return 0;
}

/* Queues entry number seq (free-running) as call nr with args[0] = id. */
static void queue(uint64_t seq, uint64_t nr, uint64_t id)
{
	t.e[seq % SIZE] = (struct rivet_ring_entry){ nr, { id, 0, 0, 0 } };
}

static void ring_runs_each_entry_once_in_order(void **state)
{
	uint64_t done;

	for (int i = 0; i < 5; i++)
		queue(i, NR_OK, i + 1);
	assert_int_equal(ring_consume(&k, 5, 100, &ops, 0, &done), 0);
	assert_int_equal(done, 5);
	assert_int_equal(k.head, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(t.runs[i + 1], 1);
		assert_int_equal(t.c[i].rc, 0);
		assert_int_equal(t.c[i].val, (i + 1) * 10);
		assert_int_equal(t.fetched[i], 1);
	}
}

static void ring_wraps_around_the_end(void **state)
{
	uint64_t done;

	k.head = 6;
	for (int i = 6; i < 11; i++)
		queue(i, NR_OK, i);
	assert_int_equal(ring_consume(&k, 11, 100, &ops, 0, &done), 0);
	assert_int_equal(done, 5);
	assert_int_equal(k.head, 11);
	for (int i = 6; i < 11; i++)
		assert_int_equal(t.runs[i], 1);
	assert_int_equal(t.c[2].val, 100); /* entry 10 at index 2 */
}

static void ring_refuses_tail_past_the_ring(void **state)
{
	uint64_t done = 7;

	for (int i = 0; i < SIZE; i++)
		queue(i, NR_OK, i);
	assert_int_equal(ring_consume(&k, SIZE + 1, 100, &ops, 0, &done),
			 E_RANGE);
	assert_int_equal(done, 0);
	assert_int_equal(k.head, 0);
	assert_int_equal(t.fetched[0], 0);
	assert_int_equal(ring_consume(&k, ~0ULL, 100, &ops, 0, &done), E_RANGE);
	assert_int_equal(ring_consume(&k, 1ULL << 63, 100, &ops, 0, &done),
			 E_RANGE);
}

static void ring_refuses_tail_behind_head(void **state)
{
	uint64_t done;

	k.head = 20;
	assert_int_equal(ring_consume(&k, 19, 100, &ops, 0, &done), E_RANGE);
	assert_int_equal(k.head, 20);
	assert_int_equal(ring_consume(&k, 0, 100, &ops, 0, &done), E_RANGE);
}

static void ring_full_ring_is_in_range(void **state)
{
	uint64_t done;

	for (int i = 0; i < SIZE; i++)
		queue(i, NR_OK, i);
	assert_int_equal(ring_consume(&k, SIZE, 100, &ops, 0, &done), 0);
	assert_int_equal(done, SIZE);
}

static void ring_empty_runs_nothing(void **state)
{
	uint64_t done = 3;

	k.head = 4;
	assert_int_equal(ring_consume(&k, 4, 100, &ops, 0, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(t.fetched[4], 0);
}

static void ring_unknown_call_is_enosys_not_allowed_enotsup(void **state)
{
	uint64_t done;

	queue(0, 6, 1);	     /* past the known calls */
	queue(1, 64, 2);     /* past any mask bit */
	queue(2, ~0UL, 3);   /* garbage */
	queue(3, NR_NOT, 4); /* exists, refused */
	queue(4, NR_BAD, 5); /* runs and fails */
	assert_int_equal(ring_consume(&k, 5, 100, &ops, 0, &done), 0);
	assert_int_equal(done, 5);
	assert_int_equal(t.c[0].rc, E_NOSYS);
	assert_int_equal(t.c[1].rc, E_NOSYS);
	assert_int_equal(t.c[2].rc, E_NOSYS);
	assert_int_equal(t.c[3].rc, E_NOTSUP);
	assert_int_equal(t.c[4].rc, -5);
	assert_int_equal(t.c[4].val, 0);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(t.runs[i], 0);
	assert_int_equal(t.runs[5], 1);
}

static void ring_checks_the_copy_not_the_ring(void **state)
{
	uint64_t done;

	for (int i = 0; i < 4; i++)
		queue(i, NR_OK, i + 1);
	t.rewrite_after_fetch = 1; /* the domain rewrites as the kernel reads */
	assert_int_equal(ring_consume(&k, 4, 100, &ops, 0, &done), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(t.c[i].rc, 0);
		assert_int_equal(t.runs[i + 1], 1);
		assert_int_equal(t.fetched[i], 1);
	}
}

static void ring_rewritten_entries_never_run_again(void **state)
{
	uint64_t done;

	for (int i = 0; i < 4; i++)
		queue(i, NR_OK, i + 1);
	assert_int_equal(ring_consume(&k, 4, 100, &ops, 0, &done), 0);
	for (int i = 0; i < 4; i++)
		queue(i, NR_OK, 40 + i); /* rewritten after they ran */
	assert_int_equal(ring_consume(&k, 4, 100, &ops, 0, &done), 0);
	assert_int_equal(done, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(t.runs[40 + i], 0);
	assert_int_equal(t.runs[1], 1);
}

static void ring_max_bounds_the_call(void **state)
{
	uint64_t done;

	for (int i = 0; i < 6; i++)
		queue(i, NR_OK, i + 1);
	assert_int_equal(ring_consume(&k, 6, 2, &ops, 0, &done), 0);
	assert_int_equal(done, 2);
	assert_int_equal(k.head, 2);
	assert_int_equal(t.runs[3], 0);
	assert_int_equal(ring_consume(&k, 6, 100, &ops, 0, &done), 0);
	assert_int_equal(done, 4);
	for (int i = 1; i <= 6; i++)
		assert_int_equal(t.runs[i], 1);
}

static void ring_stop_ends_the_piece_after_one(void **state)
{
	uint64_t done, total = 0;
	int pieces = 0;

	for (int i = 0; i < 6; i++)
		queue(i, NR_OK, i + 1);
	t.stop_after = 0; /* an interrupt always pending */
	while (k.head < 6) {
		assert_int_equal(ring_consume(&k, 6, 100, &ops, 0, &done), 0);
		assert_int_equal(done, 1);
		total += done;
		pieces++;
	}
	assert_int_equal(total, 6);
	assert_int_equal(pieces, 6);
	for (int i = 1; i <= 6; i++)
		assert_int_equal(t.runs[i], 1);
}

static void ring_unreadable_entries_run_nothing(void **state)
{
	uint64_t done;

	queue(0, NR_OK, 1);
	t.fetch_rc = E_RANGE;
	assert_int_equal(ring_consume(&k, 1, 100, &ops, 0, &done), E_RANGE);
	assert_int_equal(done, 0);
	assert_int_equal(k.head, 0);
	assert_int_equal(t.runs[1], 0);
}

static void ring_unwritable_completion_still_consumes(void **state)
{
	uint64_t done;

	queue(0, NR_OK, 1);
	queue(1, NR_OK, 2);
	queue(2, NR_OK, 3);
	t.post_rc = E_RANGE;
	assert_int_equal(ring_consume(&k, 2, 100, &ops, 0, &done), E_RANGE);
	assert_int_equal(done, 2);
	assert_int_equal(k.head, 2); /* ran: never again */
	t.post_rc = 0;
	assert_int_equal(ring_consume(&k, 3, 100, &ops, 0, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(t.runs[1], 1);
	assert_int_equal(t.runs[2], 1);
	assert_int_equal(t.runs[3], 1);
}

/* Runs of the batched call go to run_batch whole, other entries and
 * refused ones one by one; results land at their own index; a failing
 * batched entry has val 0. */
static void ring_batches_runs_of_the_batched_call(void **state)
{
	uint64_t done;

	queue(0, NR_BAD, 1);
	queue(1, NR_BAD, 2);
	queue(2, NR_OK, 3);
	queue(3, NR_BAD, 4);
	queue(4, NR_BAD, 5);
	queue(5, NR_BAD, 6);
	queue(6, NR_NOT, 7);
	queue(7, NR_BAD, 8);
	assert_int_equal(ring_consume(&k, 8, 100, &batch_ops, 0, &done), 0);
	assert_int_equal(done, 8);
	assert_int_equal(t.batches, 3);
	assert_int_equal(t.batched, 6);
	for (int i = 0; i < 8; i++)
		assert_int_equal(t.runs[i + 1], i == 6 ? 0 : 1);
	assert_int_equal(t.c[1].rc, -2);
	assert_int_equal(t.c[1].val, 0);
	assert_int_equal(t.c[2].val, 30);
	assert_int_equal(t.c[5].rc, -6);
	assert_int_equal(t.c[6].rc, E_NOTSUP);
}

/* A batch counts as one step for stop: a piece stopped at once still
 * runs the first batch whole, and nothing after it. */
static void ring_stop_between_batches(void **state)
{
	uint64_t done;

	for (int i = 0; i < 3; i++)
		queue(i, NR_BAD, i + 1);
	queue(3, NR_OK, 4);
	t.stop_after = 0;
	assert_int_equal(ring_consume(&k, 4, 100, &batch_ops, 0, &done), 0);
	assert_int_equal(done, 3);
	assert_int_equal(t.runs[4], 0);
	assert_int_equal(ring_consume(&k, 4, 100, &batch_ops, 0, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(t.runs[4], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(ring_runs_each_entry_once_in_order,
				       setup),
		cmocka_unit_test_setup(ring_wraps_around_the_end, setup),
		cmocka_unit_test_setup(ring_refuses_tail_past_the_ring, setup),
		cmocka_unit_test_setup(ring_refuses_tail_behind_head, setup),
		cmocka_unit_test_setup(ring_full_ring_is_in_range, setup),
		cmocka_unit_test_setup(ring_empty_runs_nothing, setup),
		cmocka_unit_test_setup(
			ring_unknown_call_is_enosys_not_allowed_enotsup, setup),
		cmocka_unit_test_setup(ring_checks_the_copy_not_the_ring,
				       setup),
		cmocka_unit_test_setup(ring_rewritten_entries_never_run_again,
				       setup),
		cmocka_unit_test_setup(ring_max_bounds_the_call, setup),
		cmocka_unit_test_setup(ring_stop_ends_the_piece_after_one,
				       setup),
		cmocka_unit_test_setup(ring_unreadable_entries_run_nothing,
				       setup),
		cmocka_unit_test_setup(
			ring_unwritable_completion_still_consumes, setup),
		cmocka_unit_test_setup(ring_batches_runs_of_the_batched_call,
				       setup),
		cmocka_unit_test_setup(ring_stop_between_batches, setup),
	};

	return cmocka_run_group_tests(tests, 0, 0);
}
