// SPDX-License-Identifier: MIT
/* The zeroed-frame pool; see frame_pool.h. */
#include "kernel/mm/frame_pool.h"

#include <rivet/errno.h>

void frame_pool_init(struct frame_table *ft)
{
	ft->pool_head = ft->pool_tail = FRAME_NIL;
	ft->npool = 0;
	ft->nzeroing = 0;
}

void frame_pool_unlink(struct frame_table *ft, uint32_t i)
{
	struct frame *f = &ft->frames[i];

	if (f->prev != FRAME_NIL)
		ft->frames[f->prev].next = f->next;
	else
		ft->pool_head = f->next;
	if (f->next != FRAME_NIL)
		ft->frames[f->next].prev = f->prev;
	else
		ft->pool_tail = f->prev;
	f->zeroed = 0;
	ft->npool--;
	ft->nfree--;
}

int frame_pool_alloc(struct frame_table *ft, uint32_t owner, uint64_t *pa,
		     bool *zeroed)
{
	uint32_t i = ft->pool_head;

	if (i == FRAME_NIL) {
		*zeroed = false;
		return frame_alloc(ft, owner, pa);
	}
	frame_pool_unlink(ft, i);
	ft->frames[i].state = FRAME_ALLOCATED;
	ft->frames[i].owner = owner;
	*pa = frame_pa(ft, i);
	*zeroed = true;
	return 0;
}

int frame_pool_claim(struct frame_table *ft, uint32_t target, uint64_t *pa)
{
	uint64_t p;

	/* The ordinary list holds exactly the free frames not in the pool. */
	if (ft->npool >= target || ft->free_head == FRAME_NIL)
		return E_NOENT;
	if (frame_alloc(ft, 0, &p))
		return E_NOENT;
	frame_entry(ft, p)->state = FRAME_ZEROING;
	ft->nzeroing++;
	*pa = p;
	return 0;
}

int frame_pool_put(struct frame_table *ft, uint64_t pa)
{
	struct frame *f;
	uint32_t i;

	if (pa & (FRAME_SIZE - 1))
		return E_INVAL;
	f = frame_entry(ft, pa);
	if (!f || f->state != FRAME_ZEROING)
		return E_INVAL;
	i = (uint32_t)(f - ft->frames);
	f->state = FRAME_FREE;
	ft->nzeroing--;
	f->zeroed = 1;
	f->next = FRAME_NIL;
	f->prev = ft->pool_tail;
	if (ft->pool_tail != FRAME_NIL)
		ft->frames[ft->pool_tail].next = i;
	else
		ft->pool_head = i;
	ft->pool_tail = i;
	ft->npool++;
	ft->nfree++;
	return 0;
}
