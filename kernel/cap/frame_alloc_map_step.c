// SPDX-License-Identifier: MIT
/*
 * frame_alloc_map of the demand-paging fault in one step: the common case
 * (frame_alloc_map.c has the general one), which every fault after the
 * first in a 2 MiB range is. The step is taken when
 *
 *   - the rights and vaddr are valid (R, R+W, X, R+X; page-aligned, below
 *     RIVET_MAP_TOP), d holds no frame_alloc run left part-way, and no
 *     revoke is in progress anywhere (cap_system.nrevoking);
 *   - the quota has room for one frame, d's space a free slot, d a free
 *     mapping record, and the zeroed-frame pool a frame;
 *   - vaddr's view page is the one the view last wrote (ptview_last_n),
 *     both of vaddr's tables exist (a 4 KiB leaf's place, no megapage:
 *     the last-level table is the one in hand, d->step_leaf, or one walk
 *     finds it and keeps it there), and the leaf is free.
 *
 * Then it cannot fail: the pool's head popped, the slot filled and the
 * mapping record written a word at a time, the leaf, its fence, the view
 * entry, the W^X count, the quota, the counts. Anything else goes the
 * general way (frame_alloc_map_sys) with nothing changed here, which
 * gives every error: the step refuses nothing.
 *
 * On one hart with no restart record (the direct table, kernel/syscall.c)
 * SYS_frame_alloc_map's entry is frame_alloc_map_direct: the step straight
 * from the ordinary call path, with no wrapper and no register saved (the
 * step fits in a0-a7, t0 and t1: the kernel keeps t2-t6 for the caller,
 * kernel/objs.mk says how). Elsewhere the
 * call goes through the C dispatch under the big kernel lock
 * (docs/smp.md) to frame_alloc_map_sys, which tries the same step first.
 */
#include "kernel/cap/frame_alloc_map.h"

#include "kernel/cap/frame_step.h"

/*
 * The step: d's new slot, or -1 with nothing changed (the general way),
 * or FRAME_STEP_WALK.
 * Written for few live values (the handler has t0-t6 and a0-a7 but
 * keeps t2-t6 for its caller): the rights are read back from the
 * template, the leaf is written first, then the rest.
 */
static inline __attribute__((always_inline)) long
alloc_map_step(struct domain *d, uint64_t vaddr, uint64_t rights)
{
	struct frame_table *ft = mem_frames();
	uint64_t pa, *t, i, s, idx, bits;
	struct frame_mapping *m;

	if (rights > 7 || !(bits = frame_step_bits[rights]))
		return -1;
	/* The pool's head first (an empty pool leaves at once). */
	i = frame_step_pool_head(ft);
	if (i >= ft->banks[0].n)
		return -1;
	if (vaddr & (PAGE_SIZE - 1))
		return -1;
	if (d->run.held || d->run.npages || domain_caps.nrevoking)
		return -1;
	if (frame_step_quota_spent(d, ft))
		return -1;
	if (frame_step_space_full(d) || !d->maps_free)
		return -1;
	if (vaddr >> 21 != d->as.ptview_last_n)
		return -1;
	if (!frame_step_in_hand(d, vaddr))
		return FRAME_STEP_WALK;
	t = frame_step_leaf(d, vaddr);
	if (*t & PTE_V) /* the leaf taken */
		return -1;

	/* Nothing refuses from here on. The leaf first, its fence and the
	 * view's entry: the leaf's address is not needed after them. */
	pa = ft->banks[0].base + (i << FRAME_SHIFT);
	frame_step_set_leaf(d, t, vaddr, FRAME_STEP_PPN(pa), bits);
	frame_step_pool_pop(d, ft, i, bits);

	/* The slot (frame_step_new_cap) and the mapping record. */
	idx = d->maps_free;
	m = &d->maps[idx - 1];
	s = frame_step_new_cap(d, pa, idx);
	d->maps_free = m->next;
	*m = (struct frame_mapping){ .va = vaddr,
				     .flags = (uint32_t)(bits >> 1) & 7,
				     .pages = 1 };
	d->nmappings++;
	d->one_step_alloc_maps++;
	return (long)s;
}

bool frame_alloc_map_step(struct domain *d, uint64_t vaddr, uint64_t rights,
			  uint64_t *slot)
{
	long s = alloc_map_step(d, vaddr, rights);

	if (s == FRAME_STEP_WALK && frame_step_walk(d, vaddr))
		s = alloc_map_step(d, vaddr, rights);
	if (s < 0)
		return false;
	*slot = (uint64_t)s;
	return true;
}

/* frame_alloc_map_direct's walk: a tail call there, with nothing live
 * across it, then the step again (which finds the table in hand now). */
static __attribute__((noinline)) sysret_t step_walk_direct(SYSCALL_PARAMS)
{
	if (frame_step_walk(d, a0))
		return frame_alloc_map_direct(a0, a1, 0, 0, 0, 0, d);
	return frame_alloc_map_general(a0, a1, 0, 0, 0, 0, d);
}

sysret_t frame_alloc_map_direct(SYSCALL_PARAMS)
{
	long s = alloc_map_step(d, a0, a1);

	if (s >= 0)
		return sysret_pack(0, (uint64_t)s);
	if (s == FRAME_STEP_WALK)
		return step_walk_direct(a0, a1, 0, 0, 0, 0, d);
	return frame_alloc_map_general(a0, a1, 0, 0, 0, 0, d);
}
