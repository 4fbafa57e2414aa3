/* SPDX-License-Identifier: MIT */
/*
 * The zeroed-frame pool: free frames known to hold only zeroes, so that
 * handing one out needs no zeroing. A frame is zeroed ahead of time while
 * a hart idles (frame_zero.c) and moved here; allocation takes from the
 * pool first and zeroes on demand only when it is empty.
 *
 * The pool is a second free list threaded through the same table entries
 * (struct frame's next/prev), marked by frame->zeroed. Its frames stay
 * FRAME_FREE and count in nfree: frame_alloc_at and frame_alloc_run take
 * them like any free frame (clearing the mark), and frame_alloc takes one
 * only when no other free frame is left. Whoever holds a frame may write
 * it, so the mark is cleared whenever a frame leaves the free lists.
 *
 * Pure bookkeeping like frame.h: the caller zeroes, between
 * frame_pool_claim and frame_pool_put, with nothing else touching the
 * table meanwhile (the kernel runs with interrupts off).
 */
#ifndef KERNEL_FRAME_POOL_H
#define KERNEL_FRAME_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/frame.h"

/* An empty pool (frame_table_init_spans calls it). */
void frame_pool_init(struct frame_table *ft);

/* Takes pool frame i off the pool and clears its mark (frame.c's unlink
 * calls it for a marked frame). */
void frame_pool_unlink(struct frame_table *ft, uint32_t i);

/*
 * Takes a free frame for owner, from the pool if it has one: *zeroed
 * then says the frame holds only zeroes; otherwise the caller must zero
 * it. E_NOMEM when no frame is free.
 */
int frame_pool_alloc(struct frame_table *ft, uint32_t owner, uint64_t *pa,
		     bool *zeroed);

/*
 * frame_pool_alloc's common case, inline for the page-fault path: the
 * pool's head, in the first bank, taken for owner (*pa, its entry *fp).
 * false, with nothing changed, when the pool is empty or its head lies
 * in another bank: frame_pool_alloc then.
 */
static inline bool frame_pool_take(struct frame_table *ft, uint32_t owner,
				   uint64_t *pa, struct frame **fp)
{
	uint32_t i = ft->pool_head;
	struct frame *f;

	if (i == FRAME_NIL || i >= ft->banks[0].n)
		return false;
	f = &ft->frames[i];
	/* frame_pool_unlink of the head, which has no prev. */
	ft->pool_head = f->next;
	if (f->next != FRAME_NIL)
		ft->frames[f->next].prev = FRAME_NIL;
	else
		ft->pool_tail = FRAME_NIL;
	f->zeroed = 0;
	ft->npool--;
	ft->nfree--;
	f->state = FRAME_ALLOCATED;
	f->owner = owner;
	*pa = ft->banks[0].base + ((uint64_t)i << FRAME_SHIFT);
	*fp = f;
	return true;
}

/*
 * Takes a free frame that is not in the pool, to be zeroed for it: it is
 * FRAME_ZEROING until frame_pool_put. E_NOENT when the pool already holds
 * target frames or every free frame is in it.
 */
int frame_pool_claim(struct frame_table *ft, uint32_t target, uint64_t *pa);

/* Puts the frame claimed at pa, now zeroed, into the pool (at its tail:
 * the pool hands out frames in the order they were zeroed). E_INVAL if
 * pa is not a claimed frame. */
int frame_pool_put(struct frame_table *ft, uint64_t pa);

#endif
