/* SPDX-License-Identifier: MIT */
/*
 * The mapping record of a new mapping through a frame capability, kept
 * once for frame_cap_map and map_batch's one-page path: the page-table
 * view's entry, then a record from d's pool on the capability's list
 * (frame_cap.h). The caller checked that d->maps_free is not 0.
 */
#ifndef KERNEL_FRAME_MAP_RECORD_H
#define KERNEL_FRAME_MAP_RECORD_H

#include "kernel/arch.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/sched/domain.h"

static inline __attribute__((always_inline)) void
frame_map_record(struct domain *d, struct cap *c, uint64_t vaddr, uint64_t pte,
		 uint32_t flags)
{
	struct frame_mapping *m;
	uint32_t idx;

	ptview_set(&d->as, vaddr, c->size, pte);
	idx = d->maps_free;
	m = &d->maps[idx - 1];
	d->maps_free = m->next;
	m->va = vaddr;
	m->flags = flags;
	m->pages = (uint32_t)c->size; /* mapped whole */
	m->next = (uint32_t)c->user;
	c->user = idx;
	d->nmappings++;
}

#endif
