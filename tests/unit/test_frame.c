// SPDX-License-Identifier: MIT
/*
 * The frame table: init and marking errors, allocation order, every error
 * of frame_alloc_at and frame_free, a long random run checked step by
 * step against a reference model that also predicts allocation order,
 * and the per-frame W^X counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "kernel/mm/frame.h"

#define BASE	0x80000000ULL
#define NFRAMES 256
#define TOP	(BASE + NFRAMES * FRAME_SIZE)

static struct frame mem[NFRAMES];
static struct frame_table ft;

static uint64_t pa_of(uint32_t i)
{
	return BASE + (uint64_t)i * FRAME_SIZE;
}

/* A fresh table over [BASE, TOP), every frame absent. */
static int setup_table(void **state)
{
	memset(mem, 0xa5, sizeof(mem)); /* init must clear it */
	return frame_table_init(&ft, mem, BASE, TOP);
}

static void assert_counts(uint32_t absent, uint32_t free, uint32_t reserved,
			  uint32_t kernel, uint32_t allocated)
{
	assert_int_equal(frame_count(&ft, FRAME_ABSENT), absent);
	assert_int_equal(frame_count(&ft, FRAME_FREE), free);
	assert_int_equal(frame_count(&ft, FRAME_RESERVED), reserved);
	assert_int_equal(frame_count(&ft, FRAME_KERNEL), kernel);
	assert_int_equal(frame_count(&ft, FRAME_ALLOCATED), allocated);
}

static void frame_table_bytes_covers_one_entry_per_frame(void **state)
{
	assert_int_equal(frame_table_bytes(BASE, TOP),
			 NFRAMES * sizeof(struct frame));
	assert_int_equal(frame_table_bytes(BASE, BASE + FRAME_SIZE),
			 sizeof(struct frame));
}

static void frame_table_init_misaligned_span_fails(void **state)
{
	struct frame_table t;

	assert_int_equal(frame_table_init(&t, mem, BASE + 1, TOP), E_INVAL);
	assert_int_equal(frame_table_init(&t, mem, BASE, TOP - 0x800), E_INVAL);
	assert_int_equal(frame_table_init(&t, mem, BASE + 0x10, TOP + 0x10),
			 E_INVAL);
}

static void frame_table_init_empty_span_fails(void **state)
{
	struct frame_table t;

	assert_int_equal(frame_table_init(&t, mem, BASE, BASE), E_INVAL);
	assert_int_equal(frame_table_init(&t, mem, TOP, BASE), E_INVAL);
}

static void frame_table_init_too_many_frames_fails(void **state)
{
	struct frame_table t;

	/* Checked before the table memory is touched, so NULL is safe. */
	assert_int_equal(frame_table_init(&t, NULL, 0, 1ULL << 44), E_TOOBIG);
	assert_int_equal(frame_table_init(&t, NULL, 0, 0xffffffffULL << 12),
			 E_TOOBIG);
}

static void frame_table_init_starts_all_absent(void **state)
{
	uint64_t pa = 0;

	assert_int_equal(ft.nframes, NFRAMES);
	assert_int_equal(ft.base, BASE);
	assert_counts(NFRAMES, 0, 0, 0, 0);
	assert_int_equal(frame_alloc(&ft, 1, &pa), E_NOMEM);
	assert_int_equal(frame_state_of(&ft, BASE), FRAME_ABSENT);
}

static void frame_mark_sets_every_frame_in_range(void **state)
{
	assert_int_equal(frame_mark(&ft, BASE, 16 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(
		frame_mark(&ft, pa_of(4), 2 * FRAME_SIZE, FRAME_RESERVED), 0);
	assert_int_equal(frame_mark(&ft, pa_of(10), FRAME_SIZE, FRAME_KERNEL),
			 0);

	assert_int_equal(frame_state_of(&ft, pa_of(3)), FRAME_FREE);
	assert_int_equal(frame_state_of(&ft, pa_of(4)), FRAME_RESERVED);
	assert_int_equal(frame_state_of(&ft, pa_of(5)), FRAME_RESERVED);
	assert_int_equal(frame_state_of(&ft, pa_of(6)), FRAME_FREE);
	assert_int_equal(frame_state_of(&ft, pa_of(10)), FRAME_KERNEL);
	assert_int_equal(frame_state_of(&ft, pa_of(15)), FRAME_FREE);
	assert_int_equal(frame_state_of(&ft, pa_of(16)), FRAME_ABSENT);
	assert_counts(NFRAMES - 16, 13, 2, 1, 0);
}

static void frame_mark_zero_size_changes_nothing(void **state)
{
	assert_int_equal(frame_mark(&ft, BASE, 0, FRAME_FREE), 0);
	assert_counts(NFRAMES, 0, 0, 0, 0);
}

static void frame_mark_misaligned_base_or_size_fails(void **state)
{
	assert_int_equal(frame_mark(&ft, BASE + 8, FRAME_SIZE, FRAME_FREE),
			 E_INVAL);
	assert_int_equal(frame_mark(&ft, BASE, FRAME_SIZE + 8, FRAME_FREE),
			 E_INVAL);
	assert_counts(NFRAMES, 0, 0, 0, 0);
}

static void frame_mark_outside_table_fails(void **state)
{
	assert_int_equal(
		frame_mark(&ft, BASE - FRAME_SIZE, FRAME_SIZE, FRAME_FREE),
		E_RANGE);
	assert_int_equal(frame_mark(&ft, TOP, FRAME_SIZE, FRAME_FREE), E_RANGE);
	assert_int_equal(
		frame_mark(&ft, pa_of(NFRAMES - 1), 2 * FRAME_SIZE, FRAME_FREE),
		E_RANGE);
	assert_counts(NFRAMES, 0, 0, 0, 0);
}

static void frame_mark_huge_size_fails_without_marking(void **state)
{
	/* 2^32 + 1 frames: must not wrap to a one-frame mark. */
	assert_int_equal(
		frame_mark(&ft, BASE, (1ULL << 44) + FRAME_SIZE, FRAME_FREE),
		E_RANGE);
	assert_counts(NFRAMES, 0, 0, 0, 0);
}

static void frame_alloc_takes_lowest_first_after_boot_marking(void **state)
{
	uint32_t want[NFRAMES], n = 0, i;
	uint64_t pa;

	/* Two RAM banks with a hole, firmware and kernel carved out. */
	assert_int_equal(frame_mark(&ft, BASE, 64 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(
		frame_mark(&ft, pa_of(100), 100 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_mark(&ft, BASE, 8 * FRAME_SIZE, FRAME_RESERVED),
			 0);
	assert_int_equal(
		frame_mark(&ft, pa_of(20), 10 * FRAME_SIZE, FRAME_KERNEL), 0);

	for (i = 0; i < NFRAMES; i++)
		if ((i >= 8 && i < 20) || (i >= 30 && i < 64) ||
		    (i >= 100 && i < 200))
			want[n++] = i;
	assert_counts(NFRAMES - 164, n, 8, 10, 0);

	for (i = 0; i < n; i++) {
		assert_int_equal(frame_alloc(&ft, 7, &pa), 0);
		assert_int_equal(pa, pa_of(want[i]));
		assert_int_equal(frame_state_of(&ft, pa), FRAME_ALLOCATED);
	}
	assert_int_equal(frame_alloc(&ft, 7, &pa), E_NOMEM);
	assert_counts(NFRAMES - 164, 0, 8, 10, n);
}

static void frame_alloc_records_owner(void **state)
{
	uint64_t pa;

	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc(&ft, 42, &pa), 0);
	assert_int_equal(ft.frames[0].owner, 42);
	assert_int_equal(frame_alloc_at(&ft, pa_of(3), 9), 0);
	assert_int_equal(ft.frames[3].owner, 9);
	assert_int_equal(frame_free(&ft, pa_of(3)), 0);
	assert_int_equal(ft.frames[3].owner, 9); /* whose data it holds */
}

/* frame_reuse gives a frame back only to the one that freed it, and only
 * while nobody took it since. */
static void frame_reuse_only_by_the_last_owner_untouched(void **state)
{
	uint64_t pa;

	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(2), 9), 0);
	assert_int_equal(frame_free(&ft, pa_of(2)), 0);
	/* Another owner, the kernel (0), a frame not RAM: refused. */
	assert_int_equal(frame_reuse(&ft, pa_of(2), 8), E_NOENT);
	assert_int_equal(frame_reuse(&ft, pa_of(2), 0), E_NOENT);
	assert_int_equal(frame_reuse(&ft, BASE - FRAME_SIZE, 9), E_NOENT);
	assert_int_equal(frame_reuse(&ft, pa_of(1), 9), E_NOENT); /* not its */
	/* Its own, untouched: taken, off the free list, allocated again. */
	assert_int_equal(frame_reuse(&ft, pa_of(2), 9), 0);
	assert_int_equal(frame_state_of(&ft, pa_of(2)), FRAME_ALLOCATED);
	assert_int_equal(ft.frames[2].owner, 9);
	assert_int_equal(ft.nfree, 3);
	assert_int_equal(frame_reuse(&ft, pa_of(2), 9), E_NOENT); /* taken */
	/* Freed by 9, taken and freed by 8 since: 9 cannot have it back. */
	assert_int_equal(frame_free(&ft, pa_of(2)), 0);
	assert_int_equal(frame_alloc(&ft, 8, &pa), 0);
	assert_int_equal(pa, pa_of(2)); /* frees go to the head */
	assert_int_equal(frame_free(&ft, pa), 0);
	assert_int_equal(frame_reuse(&ft, pa_of(2), 9), E_NOENT);
	/* Taken by anyone, even unused, then given back by boot marking:
	 * the owner is forgotten. */
	assert_int_equal(frame_alloc_at(&ft, pa_of(3), 9), 0);
	assert_int_equal(frame_mark(&ft, pa_of(3), FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_reuse(&ft, pa_of(3), 9), E_NOENT);
}

static void frame_alloc_until_nomem_then_free_and_realloc(void **state)
{
	uint64_t pa, got[32];
	int i;

	assert_int_equal(
		frame_mark(&ft, pa_of(50), 32 * FRAME_SIZE, FRAME_FREE), 0);
	for (i = 0; i < 32; i++)
		assert_int_equal(frame_alloc(&ft, 1, &got[i]), 0);
	assert_int_equal(frame_alloc(&ft, 1, &pa), E_NOMEM);
	assert_counts(NFRAMES - 32, 0, 0, 0, 32);

	/* A freed frame is the next one handed out. */
	assert_int_equal(frame_free(&ft, got[17]), 0);
	assert_counts(NFRAMES - 32, 1, 0, 0, 31);
	assert_int_equal(frame_alloc(&ft, 2, &pa), 0);
	assert_int_equal(pa, got[17]);
	assert_int_equal(frame_alloc(&ft, 1, &pa), E_NOMEM);

	/* Several frees are reused most recent first. */
	assert_int_equal(frame_free(&ft, got[3]), 0);
	assert_int_equal(frame_free(&ft, got[30]), 0);
	assert_int_equal(frame_free(&ft, got[9]), 0);
	assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
	assert_int_equal(pa, got[9]);
	assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
	assert_int_equal(pa, got[30]);
	assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
	assert_int_equal(pa, got[3]);
	assert_int_equal(frame_alloc(&ft, 1, &pa), E_NOMEM);
	assert_counts(NFRAMES - 32, 0, 0, 0, 32);
}

static void frame_alloc_at_free_frame_takes_it(void **state)
{
	uint64_t pa;
	int i;

	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(1), 5), 0);
	assert_int_equal(frame_state_of(&ft, pa_of(1)), FRAME_ALLOCATED);
	assert_counts(NFRAMES - 4, 3, 0, 0, 1);

	/* frame_alloc never hands out the frame taken by address. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
		assert_int_not_equal(pa, pa_of(1));
	}
	assert_int_equal(frame_alloc(&ft, 1, &pa), E_NOMEM);
}

static void frame_alloc_at_busy_frame_fails(void **state)
{
	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_mark(&ft, pa_of(2), FRAME_SIZE, FRAME_RESERVED),
			 0);
	assert_int_equal(frame_mark(&ft, pa_of(3), FRAME_SIZE, FRAME_KERNEL),
			 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(0), 1), 0);

	assert_int_equal(frame_alloc_at(&ft, pa_of(0), 2), E_BUSY);
	assert_int_equal(frame_alloc_at(&ft, pa_of(2), 2), E_BUSY);
	assert_int_equal(frame_alloc_at(&ft, pa_of(3), 2), E_BUSY);
	assert_int_equal(ft.frames[0].owner, 1);
	assert_counts(NFRAMES - 4, 1, 1, 1, 1);
}

static void frame_alloc_at_hole_fails_with_range(void **state)
{
	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_mark(&ft, pa_of(8), 4 * FRAME_SIZE, FRAME_FREE),
			 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(5), 1), E_RANGE);
	assert_int_equal(frame_alloc_at(&ft, pa_of(200), 1), E_RANGE);
	assert_counts(NFRAMES - 8, 8, 0, 0, 0);
}

static void frame_alloc_at_misaligned_fails_with_inval(void **state)
{
	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(1) + 1, 1), E_INVAL);
	assert_int_equal(frame_alloc_at(&ft, pa_of(1) + 0x800, 1), E_INVAL);
	assert_counts(NFRAMES - 4, 4, 0, 0, 0);
}

static void frame_alloc_at_outside_table_fails_with_range(void **state)
{
	assert_int_equal(
		frame_mark(&ft, BASE, NFRAMES * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_at(&ft, BASE - FRAME_SIZE, 1), E_RANGE);
	assert_int_equal(frame_alloc_at(&ft, 0, 1), E_RANGE);
	assert_int_equal(frame_alloc_at(&ft, TOP, 1), E_RANGE);
	assert_int_equal(frame_alloc_at(&ft, 0xfffffffffffff000ULL, 1),
			 E_RANGE);
	assert_counts(0, NFRAMES, 0, 0, 0);
}

static void frame_free_twice_fails_with_inval(void **state)
{
	uint64_t pa;

	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
	assert_int_equal(frame_free(&ft, pa), 0);
	assert_int_equal(frame_free(&ft, pa), E_INVAL);
	/* The failed free must not have linked the frame a second time. */
	assert_counts(NFRAMES - 4, 4, 0, 0, 0);
	assert_int_equal(frame_free(&ft, pa_of(2)), E_INVAL);
}

static void frame_free_reserved_or_kernel_frame_fails(void **state)
{
	assert_int_equal(frame_mark(&ft, BASE, FRAME_SIZE, FRAME_RESERVED), 0);
	assert_int_equal(frame_mark(&ft, pa_of(1), FRAME_SIZE, FRAME_KERNEL),
			 0);
	assert_int_equal(frame_free(&ft, pa_of(0)), E_INVAL);
	assert_int_equal(frame_free(&ft, pa_of(1)), E_INVAL);
	assert_int_equal(frame_free(&ft, pa_of(2)), E_INVAL); /* absent */
	assert_int_equal(frame_state_of(&ft, pa_of(0)), FRAME_RESERVED);
	assert_int_equal(frame_state_of(&ft, pa_of(1)), FRAME_KERNEL);
	assert_counts(NFRAMES - 2, 0, 1, 1, 0);
}

static void frame_free_bad_address_fails(void **state)
{
	uint64_t pa;

	assert_int_equal(frame_mark(&ft, BASE, 4 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
	assert_int_equal(frame_free(&ft, pa + 4), E_INVAL);
	assert_int_equal(frame_free(&ft, BASE - FRAME_SIZE), E_RANGE);
	assert_int_equal(frame_free(&ft, TOP), E_RANGE);
	assert_int_equal(frame_state_of(&ft, pa), FRAME_ALLOCATED);
}

static void frame_mark_over_free_frames_unlinks_them(void **state)
{
	uint64_t pa;
	int i;

	assert_int_equal(frame_mark(&ft, BASE, 8 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(
		frame_mark(&ft, pa_of(2), 4 * FRAME_SIZE, FRAME_KERNEL), 0);
	assert_counts(NFRAMES - 8, 4, 0, 4, 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(frame_alloc(&ft, 1, &pa), 0);
		assert_true(pa < pa_of(2) || pa >= pa_of(6));
	}
	assert_int_equal(frame_alloc(&ft, 1, &pa), E_NOMEM);
}

static void frame_state_of_rounds_down_and_is_absent_outside(void **state)
{
	assert_int_equal(frame_mark(&ft, pa_of(1), FRAME_SIZE, FRAME_KERNEL),
			 0);
	assert_int_equal(frame_state_of(&ft, pa_of(1)), FRAME_KERNEL);
	assert_int_equal(frame_state_of(&ft, pa_of(1) + 1), FRAME_KERNEL);
	assert_int_equal(frame_state_of(&ft, pa_of(2) - 1), FRAME_KERNEL);
	assert_int_equal(frame_state_of(&ft, pa_of(2)), FRAME_ABSENT);
	assert_int_equal(frame_state_of(&ft, BASE - 1), FRAME_ABSENT);
	assert_int_equal(frame_state_of(&ft, TOP), FRAME_ABSENT);
	assert_int_equal(frame_state_of(&ft, ~0ULL), FRAME_ABSENT);
}

/*
 * Reference model: the state of every frame, and the free list as a plain
 * array in allocation order (index 0 is handed out next).
 */
struct model {
	enum frame_state state[NFRAMES];
	uint32_t order[NFRAMES];
	uint32_t nfree;
};

static void model_unlink(struct model *m, uint32_t i)
{
	uint32_t k;

	for (k = 0; k < m->nfree && m->order[k] != i; k++)
		;
	assert_true(k < m->nfree);
	memmove(&m->order[k], &m->order[k + 1],
		(m->nfree - k - 1) * sizeof(m->order[0]));
	m->nfree--;
}

static void model_push_head(struct model *m, uint32_t i)
{
	memmove(&m->order[1], &m->order[0], m->nfree * sizeof(m->order[0]));
	m->order[0] = i;
	m->nfree++;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Walks the real free list both ways and compares it with the model. */
static void check_against_model(const struct model *m)
{
	uint32_t i, k, prev = FRAME_NIL, n[FRAME_ALLOCATED + 1] = { 0 };

	for (i = 0; i < NFRAMES; i++) {
		assert_int_equal(ft.frames[i].state, m->state[i]);
		n[m->state[i]]++;
	}
	for (i = FRAME_ABSENT; i <= FRAME_ALLOCATED; i++)
		assert_int_equal(frame_count(&ft, i), n[i]);
	assert_int_equal(n[FRAME_ABSENT] + n[FRAME_FREE] + n[FRAME_RESERVED] +
				 n[FRAME_KERNEL] + n[FRAME_ALLOCATED],
			 ft.nframes);

	assert_int_equal(ft.nfree, m->nfree);
	for (k = 0, i = ft.free_head; k < m->nfree; k++) {
		assert_int_equal(i, m->order[k]);
		assert_int_equal(ft.frames[i].prev, prev);
		prev = i;
		i = ft.frames[i].next;
	}
	assert_int_equal(i, FRAME_NIL);
	assert_int_equal(ft.free_tail, prev);
}

/* Picks an address: usually a frame in the table, sometimes a bad one. */
static uint64_t random_pa(uint32_t *idx, int *expect_err)
{
	uint32_t r = (uint32_t)(rng() % 16);

	*idx = (uint32_t)(rng() % NFRAMES);
	*expect_err = 0;
	if (r == 0) {
		*expect_err = E_INVAL;
		return pa_of(*idx) + 1 + rng() % (FRAME_SIZE - 1);
	}
	if (r == 1) {
		*expect_err = E_RANGE;
		return rng() % 2 ? TOP + (rng() % 64) * FRAME_SIZE
				 : BASE - (1 + rng() % 64) * FRAME_SIZE;
	}
	return pa_of(*idx);
}

static void run_random_sequence(uint64_t seed, int steps)
{
	static struct model m;
	int step;

	rng_state = seed;
	memset(&m, 0, sizeof(m));
	assert_int_equal(frame_table_init(&ft, mem, BASE, TOP), 0);

	for (step = 0; step < steps; step++) {
		uint32_t op = (uint32_t)(rng() % 10), i, n, k;
		uint64_t pa;
		int err, rc;

		if (op < 3) { /* frame_alloc */
			rc = frame_alloc(&ft, 3, &pa);
			if (!m.nfree) {
				assert_int_equal(rc, E_NOMEM);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(pa, pa_of(m.order[0]));
			m.state[m.order[0]] = FRAME_ALLOCATED;
			model_unlink(&m, m.order[0]);
		} else if (op < 5) { /* frame_alloc_at */
			pa = random_pa(&i, &err);
			rc = frame_alloc_at(&ft, pa, 4);
			if (!err && m.state[i] == FRAME_ABSENT)
				err = E_RANGE;
			else if (!err && m.state[i] != FRAME_FREE)
				err = E_BUSY;
			assert_int_equal(rc, err);
			if (!err) {
				m.state[i] = FRAME_ALLOCATED;
				model_unlink(&m, i);
			}
		} else if (op < 8) { /* frame_free */
			pa = random_pa(&i, &err);
			/* Mostly free something that is allocated. */
			if (!err && rng() % 4)
				for (k = 0; k < NFRAMES;
				     k++, i = (i + 1) % NFRAMES)
					if (m.state[i] == FRAME_ALLOCATED) {
						pa = pa_of(i);
						break;
					}
			rc = frame_free(&ft, pa);
			if (!err && m.state[i] != FRAME_ALLOCATED)
				err = E_INVAL;
			assert_int_equal(rc, err);
			if (!err) {
				m.state[i] = FRAME_FREE;
				model_push_head(&m, i);
			}
		} else { /* frame_mark a short run */
			enum frame_state s = (enum frame_state)(rng() % 5);

			i = (uint32_t)(rng() % NFRAMES);
			n = 1 + (uint32_t)(rng() % 8);
			rc = frame_mark(&ft, pa_of(i), n * FRAME_SIZE, s);
			if (i + n > NFRAMES) {
				assert_int_equal(rc, E_RANGE);
				continue;
			}
			assert_int_equal(rc, 0);
			for (k = i; k < i + n; k++) {
				if (m.state[k] == FRAME_FREE)
					model_unlink(&m, k);
				m.state[k] = s;
				if (s == FRAME_FREE)
					m.order[m.nfree++] = k;
			}
		}
		check_against_model(&m);
	}
}

static void frame_random_operations_match_reference_model(void **state)
{
	run_random_sequence(0x9e3779b97f4a7c15ULL, 5000);
	run_random_sequence(12345, 5000);
	run_random_sequence(0xdeadbeefcafef00dULL, 5000);
}

static void frame_alloc_run_takes_aligned_contiguous_frames(void **state)
{
	uint64_t pa = 0;
	uint32_t i;

	assert_int_equal(
		frame_mark(&ft, BASE, NFRAMES * FRAME_SIZE, FRAME_FREE), 0);
	/* Frame 1 busy: the first 4-aligned run of 4 starts at frame 4. */
	assert_int_equal(frame_alloc_at(&ft, pa_of(1), 7), 0);
	assert_int_equal(frame_alloc_run(&ft, 4, 4, 9, &pa), 0);
	assert_int_equal(pa, pa_of(4));
	for (i = 4; i < 8; i++) {
		assert_int_equal(frame_state_of(&ft, pa_of(i)),
				 FRAME_ALLOCATED);
		assert_int_equal(ft.frames[i].owner, 9);
	}
	assert_int_equal(frame_count(&ft, FRAME_FREE), NFRAMES - 5);
	/* Unaligned runs may start anywhere free. */
	assert_int_equal(frame_alloc_run(&ft, 2, 1, 9, &pa), 0);
	assert_int_equal(pa, pa_of(2));
}

static void frame_alloc_run_refuses_bad_sizes_and_full_tables(void **state)
{
	uint64_t pa = 0;

	assert_int_equal(frame_mark(&ft, BASE, 8 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_run(&ft, 0, 1, 1, &pa), E_INVAL);
	assert_int_equal(frame_alloc_run(&ft, 1, 3, 1, &pa), E_INVAL);
	assert_int_equal(frame_alloc_run(&ft, 9, 1, 1, &pa), E_NOMEM);
	assert_int_equal(frame_alloc_run(&ft, 8, 16, 1, &pa), 0);
	assert_int_equal(frame_alloc_run(&ft, 1, 1, 1, &pa), E_NOMEM);
	/* The run's frames are ordinary allocated frames: each frees alone. */
	assert_int_equal(frame_free(&ft, pa_of(3)), 0);
	assert_int_equal(frame_alloc_run(&ft, 1, 1, 1, &pa), 0);
	assert_int_equal(pa, pa_of(3));
}

/* Runs r to its end, budget steps a call; *calls = how many it took. */
static int run_to_end(struct frame_run *r, uint32_t budget, unsigned *calls)
{
	int rc;

	*calls = 0;
	do {
		rc = frame_run_search(&ft, r, 9, budget);
		(*calls)++;
	} while (rc == FRAME_RUN_MORE);
	return rc;
}

static void frame_run_search_in_steps_finds_the_lowest_run(void **state)
{
	struct frame_run r;
	unsigned calls, i;

	assert_int_equal(
		frame_mark(&ft, BASE, NFRAMES * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(1), 7), 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(6), 7), 0);
	/* One step a call: the same run frame_alloc_run would take. */
	assert_int_equal(frame_run_start(&ft, &r, 4, 4, FRAME_RUN_ANY), 0);
	assert_int_equal(run_to_end(&r, 1, &calls), 0);
	assert_true(calls > 8);
	assert_int_equal(frame_run_pa(&ft, &r), pa_of(8));
	assert_int_equal(r.held, 4);
	for (i = 8; i < 12; i++)
		assert_int_equal(ft.frames[i].owner, 9);
	assert_int_equal(frame_count(&ft, FRAME_FREE), NFRAMES - 6);
}

static void frame_run_search_gives_back_a_run_taken_meanwhile(void **state)
{
	struct frame_run r;
	unsigned calls, i;

	assert_int_equal(
		frame_mark(&ft, BASE, NFRAMES * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_run_start(&ft, &r, 4, 1, FRAME_RUN_ANY), 0);
	/* Four looked at, then two taken; then someone takes frame 2. */
	assert_int_equal(frame_run_search(&ft, &r, 9, 4), FRAME_RUN_MORE);
	assert_int_equal(r.held, 0);
	assert_int_equal(frame_run_search(&ft, &r, 9, 2), FRAME_RUN_MORE);
	assert_int_equal(r.held, 2);
	assert_int_equal(frame_alloc_at(&ft, pa_of(2), 7), 0);
	assert_int_equal(run_to_end(&r, 1, &calls), 0);
	assert_int_equal(frame_run_pa(&ft, &r), pa_of(3));
	for (i = 0; i < 2; i++)
		assert_int_equal(frame_state_of(&ft, pa_of(i)), FRAME_FREE);
	for (i = 3; i < 7; i++)
		assert_int_equal(ft.frames[i].owner, 9);
	assert_int_equal(frame_count(&ft, FRAME_FREE), NFRAMES - 5);
}

static void frame_run_search_without_a_run_holds_nothing(void **state)
{
	struct frame_run r;
	unsigned calls;

	assert_int_equal(frame_mark(&ft, BASE, 8 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_run_start(&ft, &r, 9, 1, FRAME_RUN_ANY), 0);
	assert_int_equal(run_to_end(&r, 3, &calls), E_NOMEM);
	assert_int_equal(r.held, 0);
	assert_int_equal(frame_count(&ft, FRAME_FREE), 8);
	assert_int_equal(frame_run_start(&ft, &r, 0, 1, FRAME_RUN_ANY),
			 E_INVAL);
	assert_int_equal(frame_run_start(&ft, &r, 1, 3, FRAME_RUN_ANY),
			 E_INVAL);
}

static void frame_run_search_at_a_named_frame(void **state)
{
	struct frame_run r;
	unsigned calls;

	assert_int_equal(
		frame_mark(&ft, BASE, NFRAMES * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_at(&ft, pa_of(5), 7), 0);
	/* Frames 2..5: the fourth is taken; what was taken goes back. */
	assert_int_equal(frame_run_start(&ft, &r, 4, 2, pa_of(2)), 0);
	assert_int_equal(run_to_end(&r, 1, &calls), E_BUSY);
	assert_int_equal(r.held, 0);
	assert_int_equal(frame_count(&ft, FRAME_FREE), NFRAMES - 1);
	/* Past the table's end, outside it, misaligned. */
	assert_int_equal(frame_run_start(&ft, &r, 4, 1, pa_of(NFRAMES - 2)), 0);
	assert_int_equal(run_to_end(&r, 2, &calls), E_RANGE);
	assert_int_equal(frame_count(&ft, FRAME_FREE), NFRAMES - 1);
	assert_int_equal(frame_run_start(&ft, &r, 1, 1, TOP), E_RANGE);
	assert_int_equal(frame_run_start(&ft, &r, 4, 4, pa_of(2)), E_INVAL);
	assert_int_equal(frame_run_start(&ft, &r, 1, 1, pa_of(2) + 8), E_INVAL);
	/* Frames 6..9 are free: taken exactly there. */
	assert_int_equal(frame_run_start(&ft, &r, 4, 2, pa_of(6)), 0);
	assert_int_equal(run_to_end(&r, 1, &calls), 0);
	assert_int_equal(frame_run_pa(&ft, &r), pa_of(6));
	assert_int_equal(ft.frames[9].owner, 9);
	assert_int_equal(frame_count(&ft, FRAME_FREE), NFRAMES - 5);
}

static void frame_wx_writable_and_executable_exclude_each_other(void **state)
{
	uint64_t pa = 0;

	assert_int_equal(frame_mark(&ft, BASE, 8 * FRAME_SIZE, FRAME_FREE), 0);
	assert_int_equal(frame_alloc_run(&ft, 4, 1, 1, &pa), 0);
	/* Two writable mappings of the run: no executable one until both
	 * are gone, frame by frame. */
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_W), 0);
	frame_wx_get(&ft, pa, 4, FRAME_WX_W);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_W), 0);
	frame_wx_get(&ft, pa, 4, FRAME_WX_W);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_X), E_BUSY);
	assert_int_equal(
		frame_wx_check(&ft, pa + 3 * FRAME_SIZE, 1, FRAME_WX_X),
		E_BUSY);
	frame_wx_put(&ft, pa, 4, FRAME_WX_W);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_X), E_BUSY);
	frame_wx_put(&ft, pa, 4, FRAME_WX_W);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_X), 0);
	/* The other way round, on one frame of the run only. */
	frame_wx_get(&ft, pa + FRAME_SIZE, 1, FRAME_WX_X);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_W), E_BUSY);
	assert_int_equal(frame_wx_check(&ft, pa, 1, FRAME_WX_W), 0);
	/* A put of the wrong kind, or one too many, changes nothing. */
	frame_wx_put(&ft, pa + FRAME_SIZE, 1, FRAME_WX_W);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_W), E_BUSY);
	frame_wx_put(&ft, pa + FRAME_SIZE, 1, FRAME_WX_X);
	frame_wx_put(&ft, pa + FRAME_SIZE, 1, FRAME_WX_X);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_W), 0);
	assert_int_equal(frame_wx_check(&ft, pa, 4, FRAME_WX_X), 0);
}

static void frame_wx_ignores_frames_outside_the_table(void **state)
{
	/* Device registers: not RAM, not tracked, never refused here. */
	frame_wx_get(&ft, TOP, 2, FRAME_WX_W);
	assert_int_equal(frame_wx_check(&ft, TOP, 2, FRAME_WX_X), 0);
	frame_wx_put(&ft, TOP, 2, FRAME_WX_W);
	assert_int_equal(frame_wx_check(&ft, BASE - FRAME_SIZE, 1, FRAME_WX_X),
			 0);
}

/* --------------------------------------------------- banks far apart --- */

/*
 * PolarFire-SoC-like: a low bank at 0x80000000 and a high one at
 * 0x10_4000_0000, BANK_FRAMES frames each (the real banks are 1 GiB).
 */
#define LO_BANK	    0x80000000ULL
#define HI_BANK	    0x1040000000ULL
#define BANK_FRAMES 64

static struct frame bank_mem[2 * BANK_FRAMES];
static struct frame_table bt;

static const struct frame_span polarfire[] = {
	{ LO_BANK, LO_BANK + BANK_FRAMES *FRAME_SIZE },
	{ HI_BANK, HI_BANK + BANK_FRAMES *FRAME_SIZE },
};

static int setup_banks(void **state)
{
	(void)state;
	memset(bank_mem, 0xa5, sizeof(bank_mem));
	return frame_table_init_spans(&bt, bank_mem, polarfire, 2);
}

static uint64_t hi_pa(uint32_t i)
{
	return HI_BANK + (uint64_t)i * FRAME_SIZE;
}

/* The table holds the banks' frames only, not the 64 GiB between. */
static void frame_banks_cost_their_frames_not_the_hole(void **state)
{
	(void)state;
	assert_int_equal(frame_table_bytes_spans(polarfire, 2),
			 2 * BANK_FRAMES * sizeof(struct frame));
	assert_true(frame_table_bytes(LO_BANK, polarfire[1].hi) >
		    (size_t)1000 * frame_table_bytes_spans(polarfire, 2));
	assert_int_equal(bt.nframes, 2 * BANK_FRAMES);
	assert_int_equal(bt.nbanks, 2);
	assert_int_equal(frame_count(&bt, FRAME_ABSENT), 2 * BANK_FRAMES);
}

/* Every lookup finds the high bank's frames and none in the hole. */
static void frame_banks_look_up_each_bank_and_refuse_the_hole(void **state)
{
	uint64_t hole = LO_BANK + BANK_FRAMES * FRAME_SIZE, pa = 0;
	uint32_t n;

	(void)state;
	assert_int_equal(
		frame_mark(&bt, HI_BANK, BANK_FRAMES * FRAME_SIZE, FRAME_FREE),
		0);
	assert_int_equal(frame_state_of(&bt, hi_pa(5) + 12), FRAME_FREE);
	assert_int_equal(frame_state_of(&bt, LO_BANK), FRAME_ABSENT);
	assert_int_equal(frame_state_of(&bt, hole), FRAME_ABSENT);
	assert_int_equal(frame_state_of(&bt, HI_BANK - FRAME_SIZE),
			 FRAME_ABSENT);
	assert_int_equal(frame_state_of(&bt, hi_pa(BANK_FRAMES)), FRAME_ABSENT);
	assert_null(frame_entry(&bt, hole));
	assert_non_null(frame_entry(&bt, hi_pa(BANK_FRAMES - 1)));
	assert_ptr_equal(frame_entry(&bt, hi_pa(0)), &bank_mem[BANK_FRAMES]);
	assert_int_equal(frame_alloc_at(&bt, hole, 1), E_RANGE);
	assert_int_equal(frame_free(&bt, hole), E_RANGE);
	assert_int_equal(frame_mark(&bt, hole, FRAME_SIZE, FRAME_FREE),
			 E_RANGE);
	/* A range that starts in one bank may not run on into the next. */
	assert_int_equal(frame_mark(&bt, LO_BANK,
				    (BANK_FRAMES + 1) * FRAME_SIZE, FRAME_FREE),
			 E_RANGE);
	assert_int_equal(frame_count(&bt, FRAME_FREE), BANK_FRAMES);

	/* Allocation hands out the high bank's addresses, then frees them. */
	assert_int_equal(frame_alloc(&bt, 3, &pa), 0);
	assert_int_equal(pa, hi_pa(0));
	assert_int_equal(frame_entry(&bt, pa)->owner, 3);
	assert_int_equal(frame_alloc_at(&bt, hi_pa(BANK_FRAMES - 1), 4), 0);
	assert_int_equal(frame_free(&bt, hi_pa(BANK_FRAMES - 1)), 0);
	assert_int_equal(frame_free(&bt, pa), 0);
	for (n = 0; frame_alloc(&bt, 1, &pa) == 0; n++)
		assert_true(pa >= HI_BANK && pa < hi_pa(BANK_FRAMES));
	assert_int_equal(n, BANK_FRAMES);
}

/*
 * A run of frames is physically contiguous: the last free frames of one
 * bank and the first of the next are neighbours in the table, not in
 * memory, and make no run.
 */
static void frame_alloc_run_does_not_cross_a_hole(void **state)
{
	uint64_t pa = 0;

	(void)state;
	assert_int_equal(frame_mark(&bt,
				    LO_BANK + (BANK_FRAMES - 2) * FRAME_SIZE,
				    2 * FRAME_SIZE, FRAME_FREE),
			 0);
	assert_int_equal(frame_mark(&bt, HI_BANK, 2 * FRAME_SIZE, FRAME_FREE),
			 0);
	assert_int_equal(frame_alloc_run(&bt, 4, 1, 1, &pa), E_NOMEM);
	assert_int_equal(frame_alloc_run(&bt, 2, 2, 1, &pa), 0);
	assert_int_equal(pa, LO_BANK + (BANK_FRAMES - 2) * FRAME_SIZE);
	assert_int_equal(frame_alloc_run(&bt, 2, 2, 1, &pa), 0);
	assert_int_equal(pa, HI_BANK);
	/* Alignment is of the physical frame number, in every bank. */
	assert_int_equal(frame_mark(&bt, hi_pa(3), 8 * FRAME_SIZE, FRAME_FREE),
			 0);
	assert_int_equal(frame_alloc_run(&bt, 4, 4, 1, &pa), 0);
	assert_int_equal(pa, hi_pa(4));
}

/* Two banks that touch are one physical run. */
static void frame_alloc_run_crosses_touching_banks(void **state)
{
	static const struct frame_span touching[] = {
		{ LO_BANK, LO_BANK + 4 * FRAME_SIZE },
		{ LO_BANK + 4 * FRAME_SIZE, LO_BANK + 8 * FRAME_SIZE },
	};
	uint64_t pa = 0;

	(void)state;
	assert_int_equal(frame_table_init_spans(&bt, bank_mem, touching, 2), 0);
	assert_int_equal(frame_mark(&bt, LO_BANK, 4 * FRAME_SIZE, FRAME_FREE),
			 0);
	assert_int_equal(frame_mark(&bt, LO_BANK + 4 * FRAME_SIZE,
				    4 * FRAME_SIZE, FRAME_FREE),
			 0);
	assert_int_equal(frame_alloc_run(&bt, 8, 8, 1, &pa), 0);
	assert_int_equal(pa, LO_BANK);
}

static void frame_table_init_spans_rejects_bad_bank_lists(void **state)
{
	struct frame_span s[FRAME_MAX_BANKS + 1];
	unsigned i;

	(void)state;
	assert_int_equal(frame_table_init_spans(&bt, bank_mem, polarfire, 0),
			 E_INVAL);
	/* Out of order, overlapping, misaligned, empty. */
	s[0] = polarfire[1];
	s[1] = polarfire[0];
	assert_int_equal(frame_table_init_spans(&bt, bank_mem, s, 2), E_INVAL);
	s[0] = (struct frame_span){ LO_BANK, LO_BANK + 4 * FRAME_SIZE };
	s[1] = (struct frame_span){ LO_BANK + 3 * FRAME_SIZE,
				    LO_BANK + 8 * FRAME_SIZE };
	assert_int_equal(frame_table_init_spans(&bt, bank_mem, s, 2), E_INVAL);
	s[1] = (struct frame_span){ HI_BANK + 1, HI_BANK + FRAME_SIZE };
	assert_int_equal(frame_table_init_spans(&bt, bank_mem, s, 2), E_INVAL);
	s[1] = (struct frame_span){ HI_BANK, HI_BANK };
	assert_int_equal(frame_table_init_spans(&bt, bank_mem, s, 2), E_INVAL);
	/* More banks than the table holds. */
	for (i = 0; i <= FRAME_MAX_BANKS; i++)
		s[i] = (struct frame_span){ LO_BANK + 2 * i * FRAME_SIZE,
					    LO_BANK +
						    (2 * i + 1) * FRAME_SIZE };
	assert_int_equal(
		frame_table_init_spans(&bt, bank_mem, s, FRAME_MAX_BANKS + 1),
		E_TOOBIG);
	assert_int_equal(
		frame_table_init_spans(&bt, bank_mem, s, FRAME_MAX_BANKS), 0);
	assert_int_equal(bt.nframes, FRAME_MAX_BANKS);
	assert_int_equal(frame_state_of(&bt, LO_BANK + FRAME_SIZE),
			 FRAME_ABSENT);
	/* Frames past 2^32 in all, split over two banks. */
	s[0] = (struct frame_span){ 0, 1ULL << 43 };
	s[1] = (struct frame_span){ 1ULL << 44, (1ULL << 44) + (1ULL << 43) };
	assert_int_equal(frame_table_init_spans(&bt, bank_mem, s, 2), E_TOOBIG);
}

#define T(f) cmocka_unit_test_setup(f, setup_table)
#define B(f) cmocka_unit_test_setup(f, setup_banks)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(frame_table_bytes_covers_one_entry_per_frame),
		T(frame_alloc_run_takes_aligned_contiguous_frames),
		T(frame_alloc_run_refuses_bad_sizes_and_full_tables),
		T(frame_table_init_misaligned_span_fails),
		T(frame_table_init_empty_span_fails),
		T(frame_table_init_too_many_frames_fails),
		T(frame_table_init_starts_all_absent),
		T(frame_mark_sets_every_frame_in_range),
		T(frame_mark_zero_size_changes_nothing),
		T(frame_mark_misaligned_base_or_size_fails),
		T(frame_mark_outside_table_fails),
		T(frame_mark_huge_size_fails_without_marking),
		T(frame_alloc_takes_lowest_first_after_boot_marking),
		T(frame_alloc_records_owner),
		T(frame_reuse_only_by_the_last_owner_untouched),
		T(frame_alloc_until_nomem_then_free_and_realloc),
		T(frame_alloc_at_free_frame_takes_it),
		T(frame_alloc_at_busy_frame_fails),
		T(frame_alloc_at_hole_fails_with_range),
		T(frame_alloc_at_misaligned_fails_with_inval),
		T(frame_alloc_at_outside_table_fails_with_range),
		T(frame_free_twice_fails_with_inval),
		T(frame_free_reserved_or_kernel_frame_fails),
		T(frame_free_bad_address_fails),
		T(frame_mark_over_free_frames_unlinks_them),
		T(frame_state_of_rounds_down_and_is_absent_outside),
		T(frame_random_operations_match_reference_model),
		T(frame_run_search_in_steps_finds_the_lowest_run),
		T(frame_run_search_gives_back_a_run_taken_meanwhile),
		T(frame_run_search_without_a_run_holds_nothing),
		T(frame_run_search_at_a_named_frame),
		T(frame_wx_writable_and_executable_exclude_each_other),
		T(frame_wx_ignores_frames_outside_the_table),
		B(frame_banks_cost_their_frames_not_the_hole),
		B(frame_banks_look_up_each_bank_and_refuse_the_hole),
		B(frame_alloc_run_does_not_cross_a_hole),
		B(frame_alloc_run_crosses_touching_banks),
		B(frame_table_init_spans_rejects_bad_bank_lists),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
