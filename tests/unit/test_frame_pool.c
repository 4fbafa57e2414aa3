// SPDX-License-Identifier: MIT
/*
 * The zeroed-frame pool (kernel/mm/frame_pool.h): claim and put, which
 * frame an allocation takes and whether it says "zeroed", the target,
 * every error of frame_pool_put, the frame table's other ways out of
 * the free lists clearing the mark, and a long random run against a
 * model of every frame's contents: a frame handed out as zeroed was
 * never written since it was last zeroed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "kernel/mm/frame.h"
#include "kernel/mm/frame_pool.h"

#define BASE	0x80000000ULL
#define NFRAMES 64
#define TOP	(BASE + NFRAMES * FRAME_SIZE)

static struct frame mem[NFRAMES];
static struct frame_table ft;

static uint64_t pa_of(uint32_t i)
{
	return BASE + (uint64_t)i * FRAME_SIZE;
}

static uint32_t idx_of(uint64_t pa)
{
	return (uint32_t)((pa - BASE) / FRAME_SIZE);
}

/* A table over [BASE, TOP), every frame free, the pool empty. */
static int setup_free(void **state)
{
	memset(mem, 0xa5, sizeof(mem));
	if (frame_table_init(&ft, mem, BASE, TOP))
		return -1;
	return frame_mark(&ft, BASE, NFRAMES * FRAME_SIZE, FRAME_FREE);
}

/* Zeroes n frames into the pool the way the idle loop does. */
static void fill_pool(uint32_t n)
{
	uint64_t pa;

	while (n--) {
		assert_int_equal(frame_pool_claim(&ft, NFRAMES, &pa), 0);
		assert_int_equal(frame_pool_put(&ft, pa), 0);
	}
}

/* Walks the pool list both ways: npool marked frames, all free. */
static void check_pool_list(void)
{
	uint32_t i, k = 0, prev = FRAME_NIL, marked = 0;

	for (i = ft.pool_head; i != FRAME_NIL; i = ft.frames[i].next, k++) {
		assert_true(k < NFRAMES);
		assert_int_equal(ft.frames[i].state, FRAME_FREE);
		assert_int_equal(ft.frames[i].zeroed, 1);
		assert_int_equal(ft.frames[i].prev, prev);
		prev = i;
	}
	assert_int_equal(ft.pool_tail, prev);
	assert_int_equal(k, ft.npool);
	for (i = 0; i < NFRAMES; i++)
		marked += ft.frames[i].zeroed;
	assert_int_equal(marked, ft.npool);
	assert_int_equal(frame_count(&ft, FRAME_FREE), ft.nfree);
}

static void pool_claim_takes_a_free_frame_out_until_put(void **state)
{
	uint64_t pa;

	assert_int_equal(frame_pool_claim(&ft, 8, &pa), 0);
	assert_int_equal(pa, BASE); /* the lowest free frame */
	assert_int_equal(frame_state_of(&ft, pa), FRAME_ZEROING);
	assert_int_equal(ft.nfree, NFRAMES - 1);
	assert_int_equal(ft.nzeroing, 1);
	assert_int_equal(ft.npool, 0);
	/* Nobody else can take it while it is being zeroed. */
	assert_int_equal(frame_alloc_at(&ft, pa, 5), E_BUSY);
	assert_int_equal(frame_free(&ft, pa), E_INVAL);
	assert_int_equal(frame_pool_put(&ft, pa), 0);
	assert_int_equal(frame_state_of(&ft, pa), FRAME_FREE);
	assert_int_equal(ft.nfree, NFRAMES);
	assert_int_equal(ft.nzeroing, 0);
	assert_int_equal(ft.npool, 1);
	check_pool_list();
}

static void pool_alloc_takes_a_pool_frame_and_says_zeroed(void **state)
{
	uint64_t pa;
	bool zeroed = false;

	fill_pool(2); /* frames 0 and 1, in that order */
	assert_int_equal(frame_pool_alloc(&ft, 7, &pa, &zeroed), 0);
	assert_true(zeroed);
	assert_int_equal(pa, pa_of(0));
	assert_int_equal(frame_state_of(&ft, pa), FRAME_ALLOCATED);
	assert_int_equal(frame_entry(&ft, pa)->owner, 7);
	assert_int_equal(frame_entry(&ft, pa)->zeroed, 0);
	assert_int_equal(ft.npool, 1);
	assert_int_equal(ft.nfree, NFRAMES - 1);
	check_pool_list();
}

/* The inline head pop (frame_pool_take) leaves the table exactly as
 * frame_pool_alloc does, down to the last pool frame; empty: false, with
 * nothing changed. */
static void pool_take_pops_the_head_like_pool_alloc(void **state)
{
	struct frame *f = 0;
	uint64_t pa;
	uint32_t i;

	fill_pool(3); /* frames 0, 1, 2 */
	for (i = 0; i < 3; i++) {
		assert_true(frame_pool_take(&ft, 9, &pa, &f));
		assert_int_equal(pa, pa_of(i));
		assert_ptr_equal(f, frame_entry(&ft, pa));
		assert_int_equal(frame_state_of(&ft, pa), FRAME_ALLOCATED);
		assert_int_equal(f->owner, 9);
		assert_int_equal(f->zeroed, 0);
		assert_int_equal(ft.npool, 2 - i);
		assert_int_equal(ft.nfree, NFRAMES - 1 - i);
		check_pool_list();
	}
	assert_int_equal(ft.pool_head, FRAME_NIL);
	assert_int_equal(ft.pool_tail, FRAME_NIL);
	assert_false(frame_pool_take(&ft, 9, &pa, &f));
	assert_int_equal(ft.nfree, NFRAMES - 3);
	/* Frames put in after it was emptied link up again. */
	fill_pool(1);
	check_pool_list();
	assert_true(frame_pool_take(&ft, 9, &pa, &f));
	check_pool_list();
}

static void pool_alloc_falls_back_to_a_frame_to_zero(void **state)
{
	uint64_t pa;
	bool zeroed = true;

	assert_int_equal(frame_pool_alloc(&ft, 7, &pa, &zeroed), 0);
	assert_false(zeroed);
	assert_int_equal(pa, BASE);
	assert_int_equal(frame_state_of(&ft, pa), FRAME_ALLOCATED);
}

static void pool_alloc_with_nothing_free_is_nomem(void **state)
{
	uint64_t pa;
	bool zeroed;
	uint32_t i;

	fill_pool(4);
	for (i = 0; i < NFRAMES; i++)
		assert_int_equal(frame_pool_alloc(&ft, 7, &pa, &zeroed), 0);
	assert_int_equal(frame_pool_alloc(&ft, 7, &pa, &zeroed), E_NOMEM);
	assert_int_equal(ft.npool, 0);
	assert_int_equal(ft.nfree, 0);
}

static void pool_claim_stops_at_the_target(void **state)
{
	uint64_t pa;

	fill_pool(3);
	assert_int_equal(frame_pool_claim(&ft, 3, &pa), E_NOENT);
	assert_int_equal(frame_pool_claim(&ft, 0, &pa), E_NOENT);
	assert_int_equal(frame_pool_claim(&ft, 4, &pa), 0);
	assert_int_equal(frame_pool_put(&ft, pa), 0);
	assert_int_equal(ft.npool, 4);
}

static void
pool_claim_finds_nothing_when_all_free_frames_are_zeroed(void **state)
{
	uint64_t pa;

	fill_pool(NFRAMES);
	assert_int_equal(frame_pool_claim(&ft, NFRAMES + 1, &pa), E_NOENT);
	assert_int_equal(ft.npool, NFRAMES);
	assert_int_equal(ft.free_head, FRAME_NIL);
	check_pool_list();
}

static void pool_put_refuses_frames_not_claimed(void **state)
{
	uint64_t pa;

	assert_int_equal(frame_pool_put(&ft, pa_of(3)), E_INVAL); /* free */
	assert_int_equal(frame_alloc_at(&ft, pa_of(4), 1), 0);
	assert_int_equal(frame_pool_put(&ft, pa_of(4)), E_INVAL); /* owned */
	assert_int_equal(frame_pool_put(&ft, pa_of(5) + 8), E_INVAL);
	assert_int_equal(frame_pool_put(&ft, TOP), E_INVAL);
	assert_int_equal(frame_pool_put(&ft, BASE - FRAME_SIZE), E_INVAL);
	assert_int_equal(frame_pool_claim(&ft, 8, &pa), 0);
	assert_int_equal(frame_pool_put(&ft, pa), 0);
	assert_int_equal(frame_pool_put(&ft, pa), E_INVAL); /* twice */
	assert_int_equal(ft.npool, 1);
	check_pool_list();
}

/* The dirty frames go first: a pool frame is not wasted on a caller
 * that zeroes anyway. */
static void frame_alloc_takes_pool_frames_last(void **state)
{
	uint64_t pa;
	uint32_t i;

	fill_pool(NFRAMES / 2); /* the low half */
	for (i = 0; i < NFRAMES / 2; i++) {
		assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
		assert_true(idx_of(pa) >= NFRAMES / 2);
	}
	assert_int_equal(ft.npool, NFRAMES / 2);
	assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
	assert_int_equal(pa, pa_of(0));
	assert_int_equal(frame_entry(&ft, pa)->zeroed, 0);
	assert_int_equal(ft.npool, NFRAMES / 2 - 1);
	check_pool_list();
}

static void frame_alloc_at_and_run_take_pool_frames_unmarked(void **state)
{
	uint64_t pa;
	uint32_t i;

	fill_pool(8);
	assert_int_equal(frame_alloc_at(&ft, pa_of(5), 2), 0);
	assert_int_equal(frame_entry(&ft, pa_of(5))->zeroed, 0);
	assert_int_equal(ft.npool, 7);
	check_pool_list();
	/* Frames 0..3 are pool frames: the aligned run of four. */
	assert_int_equal(frame_alloc_run(&ft, 4, 4, 2, &pa), 0);
	assert_int_equal(pa, pa_of(0));
	for (i = 0; i < 4; i++)
		assert_int_equal(frame_entry(&ft, pa_of(i))->zeroed, 0);
	assert_int_equal(ft.npool, 3);
	check_pool_list();
}

static void frame_mark_takes_frames_out_of_the_pool(void **state)
{
	fill_pool(8);
	assert_int_equal(
		frame_mark(&ft, pa_of(2), 3 * FRAME_SIZE, FRAME_RESERVED), 0);
	assert_int_equal(ft.npool, 5);
	assert_int_equal(ft.nfree, NFRAMES - 3);
	check_pool_list();
	/* Marked free again, they are free but not known to be zero. */
	assert_int_equal(frame_mark(&ft, pa_of(2), 3 * FRAME_SIZE, FRAME_FREE),
			 0);
	assert_int_equal(ft.npool, 5);
	assert_int_equal(frame_entry(&ft, pa_of(2))->zeroed, 0);
	check_pool_list();
}

/* A pool frame handed out and freed comes back to the ordinary list: its
 * new owner may have written it. */
static void freed_pool_frame_is_not_zeroed_any_more(void **state)
{
	uint64_t pa, again;
	bool zeroed;
	uint32_t i;

	fill_pool(1);
	assert_int_equal(frame_pool_alloc(&ft, 1, &pa, &zeroed), 0);
	assert_true(zeroed);
	assert_int_equal(frame_free(&ft, pa), 0);
	assert_int_equal(ft.npool, 0);
	for (i = 0; i < NFRAMES; i++) {
		assert_int_equal(frame_pool_alloc(&ft, 1, &again, &zeroed), 0);
		assert_false(zeroed);
	}
}

/*
 * Random claims and puts, pooled and plain allocations, frees, and
 * allocations by address, against what each frame holds: every
 * allocation writes its frame, the idle loop's claim and put zero it.
 * A frame handed out as zeroed must hold zeroes.
 */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void run_contents_model(uint64_t seed, int steps)
{
	static bool dirty[NFRAMES];
	int step;

	rng_state = seed;
	assert_int_equal(setup_free(NULL), 0);
	for (step = 0; step < NFRAMES; step++)
		dirty[step] = true; /* what boot left there is unknown */
	for (step = 0; step < steps; step++) {
		uint32_t op = (uint32_t)(rng() % 8), i;
		uint64_t pa;
		bool zeroed;
		int rc;

		if (op < 2) { /* the idle loop zeroes one */
			rc = frame_pool_claim(&ft, 1 + rng() % NFRAMES, &pa);
			if (!rc) {
				dirty[idx_of(pa)] = false;
				assert_int_equal(frame_pool_put(&ft, pa), 0);
			}
		} else if (op < 4) { /* a pooled allocation */
			rc = frame_pool_alloc(&ft, 1, &pa, &zeroed);
			if (!rc) {
				if (zeroed)
					assert_false(dirty[idx_of(pa)]);
				dirty[idx_of(pa)] = true; /* the owner writes */
			}
		} else if (op < 5) { /* plain allocation, by address */
			i = (uint32_t)(rng() % NFRAMES);
			if (!frame_alloc_at(&ft, pa_of(i), 2))
				dirty[i] = true;
		} else if (op < 6) { /* a run */
			if (!frame_alloc_run(&ft, 2, 2, 2, &pa)) {
				dirty[idx_of(pa)] = true;
				dirty[idx_of(pa) + 1] = true;
			}
		} else { /* a free */
			i = (uint32_t)(rng() % NFRAMES);
			(void)frame_free(&ft, pa_of(i));
		}
		check_pool_list();
	}
}

static void pool_never_hands_out_a_written_frame_as_zeroed(void **state)
{
	run_contents_model(0x9e3779b97f4a7c15ULL, 20000);
	run_contents_model(777, 20000);
}

#define T(f) cmocka_unit_test_setup(f, setup_free)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(pool_claim_takes_a_free_frame_out_until_put),
		T(pool_alloc_takes_a_pool_frame_and_says_zeroed),
		T(pool_take_pops_the_head_like_pool_alloc),
		T(pool_alloc_falls_back_to_a_frame_to_zero),
		T(pool_alloc_with_nothing_free_is_nomem),
		T(pool_claim_stops_at_the_target),
		T(pool_claim_finds_nothing_when_all_free_frames_are_zeroed),
		T(pool_put_refuses_frames_not_claimed),
		T(frame_alloc_takes_pool_frames_last),
		T(frame_alloc_at_and_run_take_pool_frames_unmarked),
		T(frame_mark_takes_frames_out_of_the_pool),
		T(freed_pool_frame_is_not_zeroed_any_more),
		T(pool_never_hands_out_a_written_frame_as_zeroed),
	};

	return cmocka_run_group_tests_name("frame_pool", tests, NULL, NULL);
}
