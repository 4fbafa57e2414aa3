// SPDX-License-Identifier: MIT
/*
 * cap_delete of a one-page original frame capability, the munmap case: a
 * demand-paged page given back. The general deletion gets there through
 * the derivation tree's deletion (cap_delete, delete_one, the callback
 * cap_deleted, frame_cap_deleted, the slot's release), the mapping's
 * removal (deleted_mappings) and the frame's (domain_frame_free,
 * frame_free), each finding its own piece again: about 600 instructions.
 * Here, when the capability is the simple kind (every check below), it
 * is one step: the leaf removed (found in the last-level table
 * frame_alloc_map's step keeps, else in one walk) and one fence (on every
 * hart of d's mask that ran it, uvm_flush_range), the view entry, the W^X
 * count, the mapping record, the frame given back, the slot emptied.
 * Anything else, or a leaf that is not there as a 4 KiB page, goes the
 * general way, with nothing changed here. Its C twin (CONFIG_FAST_CAP_DELETE
 * off) is the general deletion, which does the same for this case.
 */
#include "kernel/cap/frame_delete.h"

#include "kernel/arch.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/domain.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>
#include <rivet/syscall.h>

/* The simple kind: an original (a root that owns its one frame) with no
 * copy, not a grant, and no revoke anywhere that could be taking it
 * (cap_system.nrevoking: the general path keeps their order). */
static inline bool simple(const struct cap *c)
{
	return c->type == CAP_FRAME && (c->flags & CAPF_FRAME_ORIGINAL) &&
	       c->size == 1 && c->first_child == CAP_REF_NONE &&
	       c->parent == CAP_REF_NONE && !c->granter &&
	       !domain_caps.nrevoking;
}

/* Removes the mapping m (idx: its record) of frame f, c's: W^X count
 * and record back (record_free's work: frame_cap.c). */
static inline void mapping_gone(struct domain *d, struct frame_mapping *m,
				uint32_t idx, struct frame *f)
{
	unsigned rights = m->flags & FRAME_MAP_RIGHTS;
	unsigned kind = rights & RIVET_CAP_W   ? FRAME_WX_W
			: rights & RIVET_CAP_X ? FRAME_WX_X
					       : 0;

	if (kind && f && f->wx_maps && f->wx == kind && !--f->wx_maps)
		f->wx = 0;
	m->next = d->maps_free;
	d->maps_free = idx;
	d->nmappings--;
	d->maps_gen++;
}

/*
 * The bookkeeping after the leaf is gone: the record, the frame, the
 * slot. Reads c and its record afresh from d and slot, so that only
 * those two live across the fence and the PT view's update (calls on
 * their rare paths): every value kept across a call costs a saved
 * register on every deletion.
 */
static inline __attribute__((always_inline)) void release_page(struct domain *d,
							       uint32_t slot)
{
	struct frame_table *ft = mem_frames();
	struct cap *c = &d->cs.slots[slot];
	uint32_t idx = (uint32_t)c->user;
	uint64_t pa = c->object;
	struct frame *f = frame_entry(ft, pa);

	if (idx)
		mapping_gone(d, &d->maps[idx - 1], idx, f);
	/* domain_frame_free's: only a frame d owns goes back, and it goes
	 * on the list of d's last freed frames (frame_alloc REUSE). */
	if (f && f->state == FRAME_ALLOCATED && f->owner == d->id) {
		frame_release(ft, f);
		quota_uncharge(d, 1);
		d->freed[d->nfreed++ % DOMAIN_FREED_MAX] = pa;
	}
	cspace_put_slot(&d->cs, slot);
	d->one_step_deletes++;
}

static inline __attribute__((always_inline)) bool
delete_page(struct domain *d, struct cap *c, uint32_t slot)
{
	uint32_t idx = (uint32_t)c->user;
	struct frame_mapping *m;
	uint64_t va, *leaf;

	if (!simple(c))
		return false;
	if (idx) {
		m = &d->maps[idx - 1];
		/* One whole page, not the log's UART (record_free's case). */
		if (m->next || m->pages != 1 || m->flags & FRAME_MAP_LOG)
			return false;
		/* The last check: no 4 KiB leaf there, nothing changed. */
		va = m->va;
		leaf = uvm_page_leaf(&d->as, va);
		if (!leaf)
			return false;
		*leaf = 0;
		uvm_flush_range(&d->as, va, 1); /* d's other harts too */
		ptview_set(&d->as, va, 1, 0);
	}
	release_page(d, slot);
	return true;
}

bool frame_delete_page(struct domain *d, struct cap *c, uint32_t slot)
{
	return delete_page(d, c, slot);
}

_Static_assert(RIVET_CAP_W >> 1 == FRAME_WX_W && RIVET_CAP_X >> 1 == FRAME_WX_X,
	       "a mapping's W^X kind is its rights shifted");

/* The frame table's entry index of pa if it is in the first bank (the
 * common case), else FRAME_NIL: the general code then finds it. */
static inline uint64_t bank0_index(const struct frame_table *ft, uint64_t pa)
{
	/* Below the base, the difference wraps to far above any n. */
	uint64_t i = (pa - ft->banks[0].base) >> FRAME_SHIFT;

	return i < ft->banks[0].n ? i : FRAME_NIL;
}

/*
 * va's leaf in d's tables if it is a 4 KiB page's in the last-level table
 * frame_alloc_map's step keeps (d->step_leaf, for the 2 MiB range
 * step_leaf_key names), else NULL. That table is the one a walk would
 * reach: it lives as long as d's space and nothing puts a megapage over
 * it (kernel/sched/domain.h). So the demand-paged page, which that step
 * mapped, is found with no walk; any other goes the general way
 * (delete_page, which walks), where a walk here cost 31 instructions
 * and, inline, three saved registers on every deletion.
 */
static inline __attribute__((always_inline)) uint64_t *
page_leaf(struct domain *d, uint64_t va)
{
	uint64_t *leaf;

	if ((va >> 21) + 1 != d->step_leaf_key)
		return 0;
	leaf = &d->step_leaf[(va >> PAGE_SHIFT) & 511];
	return pte_is_leaf(*leaf) ? leaf : 0;
}

/*
 * The index of c's frame in the first bank if d owns it (allocated, d's:
 * release_page frees only such a frame), else FRAME_NIL: the general
 * code then deals with it.
 */
static inline __attribute__((always_inline)) uint64_t
owned_index(const struct domain *d, const struct cap *c,
	    const struct frame_table *ft)
{
	uint64_t i = bank0_index(ft, c->object);
	const struct frame *f = &ft->frames[i];

	if (i == FRAME_NIL || f->state != FRAME_ALLOCATED || f->owner != d->id)
		return FRAME_NIL;
	return i;
}

/*
 * The mapping's part of delete_one_step: checks the record and the leaf
 * (delete_page's checks, and those of the cases that would need a call),
 * then finds c's frame's index *i (owned_index); false with nothing
 * changed if any fails. Else the leaf, its TLB entry here, the view
 * entry and the record are gone.
 */
static inline __attribute__((always_inline)) bool
unmap_page(struct domain *d, struct cap *c, struct frame_table *ft, uint64_t *i)
{
	struct frame_mapping *m = &d->maps[c->user - 1]; /* no masking:
							  * below CAP_MAX_SLOTS */
	uint64_t w, va, *leaf;

	/* next, flags and pages as one word (frame_cap.h): the list ends
	 * here, one page, and none of the flags above the rights and the
	 * undo code (the log's UART; PARTIAL cannot be set with one page). */
	w = ((const uint64_t *)m)[1];
	if ((uint32_t)w || w >> 40 != 1 << 4)
		return false;
	/* In the order that keeps fewest values live at once: the frame's
	 * entry, the checks on va, then the leaf. */
	*i = owned_index(d, c, ft);
	if (*i == FRAME_NIL)
		return false;
	va = m->va;
	if (d->as.harts != uvm_hart_bit() || va >> 21 != d->as.ptview_last_n)
		return false;
	/* The view caches only pages below RIVET_MAP_TOP (ptview.c), so
	 * the walk's own range check is known true. */
	if (va >= RIVET_MAP_TOP)
		__builtin_unreachable();
	leaf = page_leaf(d, va);
	if (!leaf)
		return false;

	*leaf = 0;
	__asm__ volatile("sfence.vma %0, %1" ::"r"(va),
			 "r"((uint64_t)d->as.asid)
			 : "memory");
	/* va's entry in the view page: at the leaf's index in its table. */
	d->as.ptview_last[(va >> 12) & 511] = 0;
	/* mapping_gone's work: the record back (its W^X count goes with
	 * the frame: delete_one_step). */
	m->next = d->maps_free;
	d->maps_free = (uint32_t)c->user;
	d->nmappings--;
	d->maps_gen++;
	return true;
}

/*
 * delete_page's common case with no call at all, so that it needs no
 * frame and no saved register: the checks of simple() and delete_page,
 * and then those of the cases that would need a call (another hart ran
 * d: uvm_flush_range's remote fence; va outside the view page found
 * last: ptview_set_slow) or a general search (a frame outside the
 * first bank). Any of these returns false with nothing changed, and
 * delete_page does the same work with its calls. Values are loaded once
 * and kept: nothing here is called that could change them, and on one
 * hart nothing else runs.
 */
static inline __attribute__((always_inline)) bool
delete_one_step(struct domain *d, uint64_t slot)
{
	struct frame_table *ft = mem_frames();
	struct cap *c = &d->cs.slots[slot];
	struct frame *f;
	uint64_t i;

	if (!simple(c))
		return false;
	if (c->user) {
		if (!unmap_page(d, c, ft, &i))
			return false;
	} else {
		i = owned_index(d, c, ft);
		if (i == FRAME_NIL)
			return false;
	}
	/* release_page's, for a frame d owns (a frame it does not went the
	 * general way). It had no mapping but c's one (c has no copy, and
	 * one record of one page), so none is left: its W^X count is 0, as
	 * a free frame's is (frame_alloc and frame_alloc_map's step count
	 * from there), where mapping_gone took one off. state, zeroed and
	 * wx are one word: one store. */
	f = &ft->frames[i];
	f->state = FRAME_FREE;
	f->zeroed = 0;
	f->wx = 0;
	f->wx_maps = 0;
	frame_release_at(ft, i);
	quota_uncharge(d, 1);
	d->freed[d->nfreed++ % DOMAIN_FREED_MAX] = c->object;
	/* cspace_put_slot's, with c known to be a root with no child (its
	 * parent, first_child and sibling links are CAP_REF_NONE already,
	 * simple() and cap.c's invariants) and an original frame (no
	 * badge: only a copy or a notification capability gets one; spare
	 * is never written): only the rest is cleared. */
	c->type = CAP_NULL; /* with the four below: one store */
	c->rights = 0;
	c->flags = 0;
	c->granter = 0;
	c->granter_gen = 0;
	c->object = 0;
	c->size = 0;
	c->next_sibling = d->cs.free_head;
	c->user = 0;
	d->cs.free_head = (uint32_t)slot;
	d->cs.used--;
	d->one_step_deletes++;
	return true;
}

/* cap_delete_direct's other cases: delete_page with its calls, or the
 * general deletion. Apart, so that the common case makes no call. */
static __attribute__((noinline)) sysret_t cap_delete_other(uint64_t a0,
							   struct domain *d)
{
	struct cap *c;

	if (!cap_lookup(&d->cs, (uint32_t)a0, CAP_NULL, 0, &c) &&
	    delete_page(d, c, (uint32_t)a0))
		return sysret_pack(0, 0);
	/* SYS_cap_delete reads a0 only, and a call may change a1-a5 (the
	 * caller gets a result in a1 and zeros in a2-a5; a restart runs
	 * the ecall again with these zeros, which it ignores). */
	return syscall_enter_c(a0, 0, 0, 0, 0, 0, d, SYS_cap_delete);
}

/*
 * Straight from the entry (one hart, no restart record: nothing to lock
 * or end), the one step needs neither the call's registers in d's
 * context nor the C dispatch: only a deletion that may stop part-way
 * does, for its restart. So the one step is tried here, its common case
 * with no call (a leaf function: no frame, no saved register), and
 * anything else, or a domain with an abort request to answer
 * (abort_check may wake its asker), goes to syscall_enter_c as the call
 * would have.
 */
sysret_t cap_delete_direct(SYSCALL_PARAMS)
{
	/* a0 compared whole with nslots (below 2^32): any value
	 * cap_slot_valid refuses is out of range too, and both go the
	 * general way, which gives the error. */
	if (a0 >= d->cs.nslots || d->abort_deadline)
		return syscall_enter_c(a0, 0, 0, 0, 0, 0, d, SYS_cap_delete);
	if (delete_one_step(d, a0))
		return sysret_pack(0, 0);
	return cap_delete_other(a0, d);
}
