/* SPDX-License-Identifier: MIT */
/*
 * The pieces the one-step paths of one page share: frame_alloc_map
 * (frame_alloc_map_step.c), map (map_step.c) and frame_alloc
 * (frame_alloc_step.c). Each step checks everything first and refuses
 * nothing: any case it does not take goes the general way with nothing
 * changed, which gives every error. These helpers are inline, so that
 * each step keeps its own few live values (the direct table's handlers
 * use a0-a7, t0 and t1 and save nothing: kernel/objs.mk).
 */
#ifndef KERNEL_CAP_FRAME_STEP_H
#define KERNEL_CAP_FRAME_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/cap/cap.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/domain.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>

/*
 * By rights (RIVET_CAP_R/W/X, which are PTE_R/W/X shifted down by one):
 * the leaf's bits but its address and memory type (V, U, A and D as
 * pte_leaf sets them, the rights, and in the RSW bits the ceiling
 * pte_ceiling_bits gives: R 1, R+W 2, R+X 3, X alone 0), and above bit
 * 12 the W^X kind; 0 for the rights map refuses (W without R, W with X).
 */
#define FRAME_STEP_LEAF_BITS  (PTE_V | PTE_U | PTE_A | PTE_D)
#define FRAME_STEP_KIND_SHIFT 12
#define FRAME_STEP(rights, ceil, kind)                                         \
	(FRAME_STEP_LEAF_BITS | (rights) << 1 | (ceil) << PTE_CEIL_SHIFT |     \
	 (kind) << FRAME_STEP_KIND_SHIFT)
static const uint16_t frame_step_bits[8] = {
	[RIVET_CAP_R] = FRAME_STEP(RIVET_CAP_R, 1, 0),
	[RIVET_CAP_R | RIVET_CAP_W] =
		FRAME_STEP(RIVET_CAP_R | RIVET_CAP_W, 2, FRAME_WX_W),
	[RIVET_CAP_X] = FRAME_STEP(RIVET_CAP_X, 0, FRAME_WX_X),
	[RIVET_CAP_R | RIVET_CAP_X] =
		FRAME_STEP(RIVET_CAP_R | RIVET_CAP_X, 3, FRAME_WX_X),
};
_Static_assert(FRAME_STEP(7, 3, 2) < 1u << 16, "one halfword each");
_Static_assert(!(RIVET_MAP_TOP & ((1UL << 21) - 1)),
	       "a 2 MiB range below RIVET_MAP_TOP is below it whole");
_Static_assert((RIVET_MAP_TOP >> 21) + 1 < 1UL << 32, "a step_leaf_key fits");
_Static_assert(CAP_MAX_SLOTS <= 0x7fffffff, "a slot number is positive");
_Static_assert((FRAME_STEP_LEAF_BITS | 0xe | PTE_CEIL_MASK) <
		       1u << FRAME_STEP_KIND_SHIFT,
	       "the kind above the leaf's bits");

/* A step's answer when vaddr's table is not the one in hand: the caller
 * walks (frame_step_walk), then runs the step again. */
#define FRAME_STEP_WALK (-2L)

/*
 * vaddr's last-level table in d's tables, kept in d's step_leaf, or NULL
 * unless both tables above it exist (a megapage or nothing there: the
 * general way decides). Once per 2 MiB range: out of line
 * (frame_step.c), so that a step's own path keeps few values live.
 */
uint64_t *frame_step_walk(struct domain *d, uint64_t vaddr);

/*
 * Is the table in hand (d->step_leaf) vaddr's last-level table? If not,
 * FRAME_STEP_WALK. A key is set only for an address below RIVET_MAP_TOP
 * (a multiple of 2 MiB), so on a hit vaddr is below it too.
 */
static inline __attribute__((always_inline)) bool
frame_step_in_hand(const struct domain *d, uint64_t vaddr)
{
	return (vaddr >> 21) + 1 == d->step_leaf_key;
}

/* vaddr's leaf in the table in hand (frame_step_in_hand). */
static inline __attribute__((always_inline)) uint64_t *
frame_step_leaf(const struct domain *d, uint64_t vaddr)
{
	return d->step_leaf + ((vaddr >> PAGE_SHIFT) & 0x1ff);
}

/*
 * A page-aligned physical address's page number in place in a PTE: pa >>
 * 2, one shift (every frame capability's object is page-aligned,
 * frame_cap.c).
 */
#define FRAME_STEP_PPN(pa) ((pa) >> (PAGE_SHIFT - PTE_PPN_SHIFT))

/* The leaf of the frame whose FRAME_STEP_PPN is ppn, with bits
 * (frame_step_bits), at t for vaddr, its fence (new entries may be
 * cached as invalid) and the view's entry (vaddr's view page is the last
 * one: the caller checked). */
static inline __attribute__((always_inline)) uint64_t
frame_step_set_leaf(struct domain *d, uint64_t *t, uint64_t vaddr, uint64_t ppn,
		    uint64_t bits)
{
	uint64_t pte = ppn | (bits & 0x3ff) | pte_mt_normal;

	*t = pte;
	__asm__ volatile("sfence.vma %0, %1" ::"r"(vaddr),
			 "r"((uint64_t)d->as.asid)
			 : "memory");
	d->as.ptview_last[(vaddr >> PAGE_SHIFT) & 511] = pte;
	return pte;
}

/*
 * The zeroed-frame pool's head as an index of the first bank, or a value
 * at or past banks[0].n when the pool is empty (FRAME_NIL, sign-extended,
 * is past any bank, as is an index from 2^31 on: the general way takes
 * those).
 */
static inline __attribute__((always_inline)) uint64_t
frame_step_pool_head(const struct frame_table *ft)
{
	return (uint64_t)(int64_t)(int32_t)ft->pool_head;
}

/* Has d's quota no room for one frame? (quota_check(d, 1); a reserved
 * domain, the usual kind, laid out as the straight path.) */
static inline __attribute__((always_inline)) bool
frame_step_quota_spent(const struct domain *d, const struct frame_table *ft)
{
	return d->used_frames >= d->quota_frames ||
	       (!__builtin_expect(d->reserved, 1) &&
		ft->nfree <= quota_outstanding);
}

/* Has d's space no slot to take? (cspace_full: a free list's head is a
 * slot, below 2^16, or CAP_REF_NONE; tested by its sign, no constant
 * kept for it.) */
static inline __attribute__((always_inline)) bool
frame_step_space_full(const struct domain *d)
{
	return (int32_t)d->cs.free_head < 0 ||
	       (uint64_t)d->cs.used + d->cs.lent >= d->cs.nslots;
}

/*
 * The pool's head i (frame_pool_take) for d, charged, with the W^X count
 * of the one mapping bits (frame_step_bits; 0: none) makes: a free frame
 * has no mapping anywhere. The kind is taken from bits here, late, so
 * that it is not live across the pop.
 */
static inline __attribute__((always_inline)) void
frame_step_pool_pop(struct domain *d, struct frame_table *ft, uint64_t i,
		    uint64_t bits)
{
	struct frame *f = &ft->frames[i];
	/* Signed: FRAME_NIL is -1, and no index reaches 2^31 (as in
	 * frame_release_at): one test, and the index as loaded. */
	uint64_t next = (uint64_t)(int64_t)(int32_t)f->next, kind;

	ft->pool_head = (uint32_t)next;
	if ((int64_t)next >= 0)
		ft->frames[next].prev = FRAME_NIL;
	else
		ft->pool_tail = FRAME_NIL;
	ft->npool--;
	ft->nfree--;
	kind = bits >> FRAME_STEP_KIND_SHIFT;
	f->state = FRAME_ALLOCATED;
	f->zeroed = 0;
	f->wx = (uint16_t)kind;
	f->owner = d->id;
	f->wx_maps = kind != 0;
	quota_charge(d, 1);
}

/*
 * The original capability of the one frame at pa in d's free slot
 * (cspace_take_slot, after frame_step_space_full); user: its mapping list
 * (0: none). Returns the slot. A free slot is zeroed with its parent,
 * first_child and prev_sibling CAP_REF_NONE (cspace_put_slot, cap.c's
 * invariants): only the fields a root frame capability sets are
 * written, where the whole slot took nine stores.
 */
static inline __attribute__((always_inline)) uint64_t
frame_step_new_cap(struct domain *d, uint64_t pa, uint64_t user)
{
	uint64_t s = d->cs.free_head;
	struct cap *c = &d->cs.slots[s];

	d->cs.free_head = c->next_sibling;
	d->cs.used++;
	c->type = CAP_FRAME; /* with the two below: one store */
	c->rights = CAP_ALL;
	c->flags = CAPF_FRAME_ORIGINAL;
	c->object = pa;
	c->size = 1;
	c->next_sibling = CAP_REF_NONE;
	c->user = user;
	return s;
}

/* ----------------------------------------------- map (map_step.c) --- */

/*
 * SYS_map's handler in the reference table (CONFIG_FAST_MAP_STEP; the
 * C dispatch, under the big kernel lock on several harts): a one-page
 * frame capability mapped in one step, as the general way would have
 * done it, else ksys_map (the general way, which gives every error) with
 * nothing changed. Counted by KSTAT_MY_ONE_STEP_MAPS.
 */
sysret_t map_sys(SYSCALL_PARAMS);

/* SYS_map's handler on the direct table (kernel/syscall.c: one hart, no
 * restart record): the step straight from the entry, else
 * syscall_enter_general (the C dispatch with ksys_map). */
sysret_t map_direct(SYSCALL_PARAMS);

/* ------------------------------- frame_alloc (frame_alloc_step.c) --- */

/*
 * SYS_frame_alloc's handler in the reference table (CONFIG_FAST_MAP_STEP):
 * one page anywhere from the zeroed-frame pool in one step, else
 * ksys_frame_alloc with nothing changed. Counted by
 * KSTAT_MY_ONE_STEP_ALLOCS.
 */
sysret_t frame_alloc_sys(SYSCALL_PARAMS);

/* SYS_frame_alloc's handler on the direct table: the step, else
 * syscall_enter_general (the C dispatch with ksys_frame_alloc). */
sysret_t frame_alloc_direct(SYSCALL_PARAMS);

#endif
