// SPDX-License-Identifier: MIT
/*
 * frame_alloc of one page anywhere in one step: the common case
 * (frame_cap.c has the general one), the first call of a demand fault
 * served by frame_alloc then map. The step is taken when the call asks
 * for one page anywhere (RIVET_FRAME_ANY, one page, alignment 1), d holds
 * no frame_alloc run left part-way, the zeroed-frame pool has a frame in
 * the first bank, the quota has room for one frame and d's space a free
 * slot. Then it cannot fail: the pool's head popped and charged, the
 * slot filled a word at a time, the count. Anything else goes the general
 * way (frame_cap_alloc) with nothing changed here, which gives every
 * error. On one hart with no restart record SYS_frame_alloc's entry in
 * the direct table is frame_alloc_direct (syscall_enter_general beyond
 * it, as map_direct's); elsewhere the reference table's handler is
 * frame_alloc_sys, the same step with ksys_frame_alloc a tail call
 * beyond it, under the big kernel lock (docs/smp.md).
 */
#include "kernel/cap/frame_step.h"

#include <rivet/syscall.h>

/* d's new slot, or -1 with nothing changed (the general way). */
static inline __attribute__((always_inline)) long
alloc_one_step(struct domain *d, uint64_t paddr, uint64_t npages,
	       uint64_t align)
{
	struct frame_table *ft = mem_frames();
	uint64_t i, pa, s;

	if (paddr != RIVET_FRAME_ANY || npages != 1 || align != 1)
		return -1;
	i = frame_step_pool_head(ft);
	if (i >= ft->banks[0].n)
		return -1;
	if (d->run.held || d->run.npages || frame_step_quota_spent(d, ft) ||
	    frame_step_space_full(d))
		return -1;

	/* Nothing refuses from here on. */
	pa = ft->banks[0].base + (i << FRAME_SHIFT);
	frame_step_pool_pop(d, ft, i, 0);
	s = frame_step_new_cap(d, pa, 0);
	d->one_step_allocs++;
	return (long)s;
}

sysret_t frame_alloc_sys(SYSCALL_PARAMS)
{
	long s = alloc_one_step(d, a0, a1, a2);

	if (s >= 0)
		return sysret_pack(0, (uint64_t)s);
	return ksys_frame_alloc(a0, a1, a2, a3, a4, a5, d);
}

/* SYS_frame_alloc reads a0-a2 only: a3-a5 go to zeros (as map_direct's). */
sysret_t frame_alloc_direct(SYSCALL_PARAMS)
{
	long s = alloc_one_step(d, a0, a1, a2);

	if (s >= 0)
		return sysret_pack(0, (uint64_t)s);
	return syscall_enter_general(a0, a1, a2, 0, 0, 0, d, SYS_frame_alloc);
}
