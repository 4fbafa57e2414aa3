// SPDX-License-Identifier: MIT
/*
 * map of one page in one step: the common case (frame_cap.c has the
 * general one), the second call of a demand fault served by frame_alloc
 * then map, and every page of a libOS that maps its own frames. The step
 * is taken when
 *
 *   - the slot holds a frame capability of one page with the rights
 *     asked, and those are rights map accepts (R, R+W, X, R+X);
 *   - no revoke is in progress anywhere (cap_system.nrevoking), d has a
 *     free mapping record, vaddr is page-aligned;
 *   - vaddr's view page is the one the view last wrote (ptview_last_n),
 *     both of vaddr's tables exist (the last-level table in hand,
 *     d->step_leaf, or one walk finds it: frame_step.h) and the leaf is
 *     free;
 *   - the frame is in the frame table's first bank and W^X allows the
 *     mapping (no mapping of the other kind anywhere).
 *
 * Then it cannot fail: the W^X count, the leaf, its fence and the view
 * entry, the mapping record at the head of the capability's list, the
 * counts. Anything else goes the general way (ksys_map,
 * frame_cap_map_some) with nothing changed here, which gives every
 * error: the step refuses nothing. On one hart with no restart record
 * SYS_map's entry in the direct table is map_direct (the step straight
 * from the ordinary call path, syscall_enter_general beyond it: the C
 * dispatch with the general handler, since a map of many pages may stop
 * part-way); elsewhere the reference table's handler is map_sys, the
 * same step with ksys_map a tail call beyond it, under the big kernel
 * lock (docs/smp.md).
 */
#include "kernel/cap/frame_step.h"

#include "kernel/cap/frame_map_record.h"
#include <rivet/syscall.h>

/* 0 once done, -1 with nothing changed (the general way), or
 * FRAME_STEP_WALK. */
static inline __attribute__((always_inline)) long
map_one_step(struct domain *d, uint64_t slot, uint64_t vaddr, uint64_t rights)
{
	struct frame_table *ft = mem_frames();
	uint64_t bits, kind, *t, i;
	struct frame *f;
	struct cap *c;

	if (slot >= d->cs.nslots || rights > 7 ||
	    !(bits = frame_step_bits[rights]))
		return -1;
	c = &d->cs.slots[slot];
	if (c->type != CAP_FRAME || c->size != 1 ||
	    (c->rights & rights) != rights)
		return -1;
	if (vaddr & (PAGE_SIZE - 1) || domain_caps.nrevoking || !d->maps_free)
		return -1;
	if (vaddr >> 21 != d->as.ptview_last_n)
		return -1;
	if (!frame_step_in_hand(d, vaddr))
		return FRAME_STEP_WALK;
	t = frame_step_leaf(d, vaddr);
	if (*t & PTE_V) /* the leaf taken */
		return -1;
	/* The frame's entry in the first bank (below its base the
	 * difference wraps past any count), and W^X (frame_wx_check). */
	i = (c->object - ft->banks[0].base) >> FRAME_SHIFT;
	if (i >= ft->banks[0].n)
		return -1;
	f = &ft->frames[i];
	kind = bits >> FRAME_STEP_KIND_SHIFT;
	if (kind && f->wx_maps && f->wx != kind)
		return -1;

	/* Nothing refuses from here on: the W^X count (frame_wx_get)
	 * first, so that the frame's entry is not needed after it. */
	if (kind) {
		f->wx = (uint16_t)kind;
		f->wx_maps++;
	}
	frame_step_set_leaf(d, t, vaddr, FRAME_STEP_PPN(c->object), bits);
	frame_map_record_new(d, c, vaddr, (uint32_t)rights);
	d->one_step_maps++;
	return 0;
}

/* map_sys's walk: as map_walk_direct below, towards ksys_map. */
static __attribute__((noinline)) sysret_t map_walk_sys(SYSCALL_PARAMS)
{
	if (frame_step_walk(d, a1))
		return map_sys(a0, a1, a2, a3, a4, a5, d);
	return ksys_map(a0, a1, a2, a3, a4, a5, d);
}

sysret_t map_sys(SYSCALL_PARAMS)
{
	long rc = map_one_step(d, a0, a1, a2);

	if (!rc)
		return sysret_pack(0, 0);
	if (rc == FRAME_STEP_WALK)
		return map_walk_sys(a0, a1, a2, a3, a4, a5, d);
	return ksys_map(a0, a1, a2, a3, a4, a5, d);
}

/* map_direct's walk: a tail call there, with nothing live across it,
 * then the step again (which finds the table in hand now). */
static __attribute__((noinline)) sysret_t map_walk_direct(SYSCALL_PARAMS)
{
	if (frame_step_walk(d, a1))
		return map_direct(a0, a1, a2, 0, 0, 0, d);
	return syscall_enter_general(a0, a1, a2, 0, 0, 0, d, SYS_map);
}

/*
 * SYS_map reads a0-a2 only, and a call may change a3-a5 (the caller
 * gets zeros there; a restart runs the ecall again with these zeros,
 * which it ignores): so the step keeps none of them live.
 */
sysret_t map_direct(SYSCALL_PARAMS)
{
	long rc = map_one_step(d, a0, a1, a2);

	if (!rc)
		return sysret_pack(0, 0);
	if (rc == FRAME_STEP_WALK)
		return map_walk_direct(a0, a1, a2, 0, 0, 0, d);
	return syscall_enter_general(a0, a1, a2, 0, 0, 0, d, SYS_map);
}
