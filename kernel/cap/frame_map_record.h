/* SPDX-License-Identifier: MIT */
/*
 * The mapping record of a new mapping of a one-page capability, kept
 * once for frame_cap_map, map_batch's one-page path and frame_alloc_map:
 * the page-table view's entry, then a record from d's pool on the
 * capability's list (frame_cap.h). The caller checked that d->maps_free
 * is not 0 and that c->size is 1 (a constant here, where loading it
 * again after the stores above would cost a load and a test per page).
 */
#ifndef KERNEL_FRAME_MAP_RECORD_H
#define KERNEL_FRAME_MAP_RECORD_H

#include "kernel/arch.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/sched/domain.h"

/* The record alone (the view's entry set already): a step's, which
 * wrote the view entry with the leaf (frame_step.h). */
static inline __attribute__((always_inline)) void
frame_map_record_new(struct domain *d, struct cap *c, uint64_t vaddr,
		     uint32_t flags)
{
	struct frame_mapping *m;
	uint32_t idx;

	idx = d->maps_free;
	m = &d->maps[idx - 1];
	d->maps_free = m->next;
	/* One store per word: the bit fields set apart would each load,
	 * mask and store their word again. */
	*m = (struct frame_mapping){ .va = vaddr,
				     .next = (uint32_t)c->user,
				     .flags = flags,
				     .pages = 1 }; /* whole */
	c->user = idx;
	d->nmappings++;
}

static inline __attribute__((always_inline)) void
frame_map_record(struct domain *d, struct cap *c, uint64_t vaddr, uint64_t pte,
		 uint32_t flags)
{
	ptview_set(&d->as, vaddr, 1, pte);
	frame_map_record_new(d, c, vaddr, flags);
}

#endif
