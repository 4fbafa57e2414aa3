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

#include "kernel/arch.h"
#include "kernel/cap/cap.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/domain.h"
#include <rivet/abi.h>

/*
 * By rights (RIVET_CAP_R/W/X, which are PTE_R/W/X shifted down by one):
 * the leaf's bits but its address and memory type (V, U, A and D as
 * pte_leaf sets them, the rights, and in the RSW bits the ceiling
 * pte_ceiling_bits gives: R 1, R+W 2, R+X 3, X alone 0), and above bit
 * 12 the W^X kind; 0 for the rights map refuses (W without R, W with X).
 */
#define LEAF_BITS	(PTE_V | PTE_U | PTE_A | PTE_D)
#define STEP_KIND_SHIFT 12
#define STEP(rights, ceil, kind)                                               \
	(LEAF_BITS | (rights) << 1 | (ceil) << PTE_CEIL_SHIFT |                \
	 (kind) << STEP_KIND_SHIFT)
static const uint16_t step_bits[8] = {
	[RIVET_CAP_R] = STEP(RIVET_CAP_R, 1, 0),
	[RIVET_CAP_R | RIVET_CAP_W] =
		STEP(RIVET_CAP_R | RIVET_CAP_W, 2, FRAME_WX_W),
	[RIVET_CAP_X] = STEP(RIVET_CAP_X, 0, FRAME_WX_X),
	[RIVET_CAP_R | RIVET_CAP_X] =
		STEP(RIVET_CAP_R | RIVET_CAP_X, 3, FRAME_WX_X),
};
_Static_assert(STEP(7, 3, 2) < 1u << 16, "one halfword each");
_Static_assert(!(RIVET_MAP_TOP & ((1UL << 21) - 1)),
	       "a 2 MiB range below RIVET_MAP_TOP is below it whole");
_Static_assert((RIVET_MAP_TOP >> 21) + 1 < 1UL << 32, "a step_leaf_key fits");
_Static_assert(CAP_MAX_SLOTS <= 0x7fffffff, "a slot number is positive");
_Static_assert((LEAF_BITS | 0xe | PTE_CEIL_MASK) < 1u << STEP_KIND_SHIFT,
	       "the kind above the leaf's bits");

/* Is e a table pointer (valid, no R/W/X): not nothing, not a megapage? */
static inline bool step_is_table(uint64_t e)
{
	return (e & (PTE_V | PTE_LEAF_MASK)) == PTE_V;
}

/*
 * vaddr's last-level table in d's tables, kept in d's step_leaf, or NULL
 * unless both tables above it exist (a megapage or nothing there: the
 * general way decides). Once per 2 MiB range: out of line, so that the
 * step's own path keeps few values live.
 */
static __attribute__((noinline)) uint64_t *step_walk(struct domain *d,
						     uint64_t vaddr)
{
	uint64_t *t = phys_to_virt(d->as.root_pa), e;

	if (vaddr >= RIVET_MAP_TOP)
		return 0;
	e = t[vaddr >> 30]; /* below RIVET_MAP_TOP: no mask */
	if (!step_is_table(e))
		return 0;
	t = phys_to_virt(pte_pa(e));
	e = t[(vaddr >> 21) & 0x1ff];
	if (!step_is_table(e))
		return 0;
	t = phys_to_virt(pte_pa(e));
	d->step_leaf_key = (uint32_t)(vaddr >> 21) + 1;
	d->step_leaf = t;
	return t;
}

/* alloc_map_step's answer when vaddr's table is not the one in hand:
 * step_walk, then the step again. */
#define STEP_WALK (-2L)

/*
 * The step: d's new slot, or -1 with nothing changed (the general way),
 * or STEP_WALK.
 * Written for few live values (the handler has t0-t6 and a0-a7 but
 * keeps t2-t6 for its caller): the rights are read back from the
 * template, the leaf is written first, then the rest.
 */
static inline __attribute__((always_inline)) long
alloc_map_step(struct domain *d, uint64_t vaddr, uint64_t rights)
{
	struct frame_table *ft = mem_frames();
	uint64_t pa, pte, *t, i, next, s, idx, bits, kind;
	struct frame_mapping *m;
	struct frame *f;
	struct cap *c;

	if (rights > 7 || !(bits = step_bits[rights]))
		return -1;
	/* The pool's head first (an empty pool leaves at once): FRAME_NIL, sign-extended, is past any bank too
	 * (as is an index from 2^31 on: the general way takes those). */
	i = (uint64_t)(int64_t)(int32_t)ft->pool_head;
	if (i >= ft->banks[0].n)
		return -1;
	if (vaddr & (PAGE_SIZE - 1))
		return -1;
	if (d->run.held || d->run.npages || domain_caps.nrevoking)
		return -1;
	/* quota_check(d, 1) */
	if (d->used_frames >= d->quota_frames ||
	    (!d->reserved && ft->nfree <= quota_outstanding))
		return -1;
	/* cspace_full: a free list's head is a slot (below 2^16) or
	 * CAP_REF_NONE; tested by its sign, no constant kept for it. */
	if ((int32_t)d->cs.free_head < 0 ||
	    (uint64_t)d->cs.used + d->cs.lent >= d->cs.nslots || !d->maps_free)
		return -1;
	if (vaddr >> 21 != d->as.ptview_last_n)
		return -1;
	/* A key is set only for an address below RIVET_MAP_TOP (a multiple
	 * of 2 MiB), so on a hit vaddr is below it too. */
	if ((vaddr >> 21) + 1 == d->step_leaf_key)
		t = d->step_leaf;
	else
		return STEP_WALK;
	t += (vaddr >> PAGE_SHIFT) & 0x1ff;
	if (*t & PTE_V) /* the leaf taken */
		return -1;

	/* Nothing refuses from here on. The leaf first, its fence (new
	 * entries may be cached as invalid) and the view's entry: the
	 * leaf's address is not needed after them. */
	pa = ft->banks[0].base + (i << FRAME_SHIFT);
	pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | (bits & 0x3ff) |
	      pte_mt_normal;
	*t = pte;
	__asm__ volatile("sfence.vma %0, %1" ::"r"(vaddr),
			 "r"((uint64_t)d->as.asid)
			 : "memory");
	d->as.ptview_last[(vaddr >> PAGE_SHIFT) & 511] = pte;

	/* The pool's head (frame_pool_take): a free frame has no
	 * mapping, so its W^X count starts here. */
	f = &ft->frames[i];
	/* Signed: FRAME_NIL is -1, and no index reaches 2^31 (as in
	 * frame_release_at): one test, and the index as loaded. */
	next = (uint64_t)(int64_t)(int32_t)f->next;
	ft->pool_head = (uint32_t)next;
	if ((int64_t)next >= 0)
		ft->frames[next].prev = FRAME_NIL;
	else
		ft->pool_tail = FRAME_NIL;
	ft->npool--;
	ft->nfree--;
	kind = bits >> STEP_KIND_SHIFT;
	f->state = FRAME_ALLOCATED;
	f->zeroed = 0;
	f->wx = (uint16_t)kind;
	f->owner = d->id;
	f->wx_maps = kind != 0;

	/* The slot (cspace_take_slot) and the mapping record, whole. A
	 * free slot is zeroed with its parent, first_child and
	 * prev_sibling CAP_REF_NONE (cap.c's invariants): only the fields
	 * a root frame capability sets are written, where the whole slot
	 * took nine stores. */
	quota_charge(d, 1);
	s = d->cs.free_head;
	idx = d->maps_free;
	m = &d->maps[idx - 1];
	d->maps_free = m->next;
	c = &d->cs.slots[s];
	d->cs.free_head = c->next_sibling;
	d->cs.used++;
	c->type = CAP_FRAME; /* with the two below: one store */
	c->rights = CAP_ALL;
	c->flags = CAPF_FRAME_ORIGINAL;
	c->object = pa;
	c->size = 1;
	c->next_sibling = CAP_REF_NONE;
	c->user = idx;
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

	if (s == STEP_WALK && step_walk(d, vaddr))
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
	if (step_walk(d, a0))
		return frame_alloc_map_direct(a0, a1, 0, 0, 0, 0, d);
	return frame_alloc_map_general(a0, a1, 0, 0, 0, 0, d);
}

sysret_t frame_alloc_map_direct(SYSCALL_PARAMS)
{
	long s = alloc_map_step(d, a0, a1);

	if (s >= 0)
		return sysret_pack(0, (uint64_t)s);
	if (s == STEP_WALK)
		return step_walk_direct(a0, a1, 0, 0, 0, 0, d);
	return frame_alloc_map_general(a0, a1, 0, 0, 0, 0, d);
}
