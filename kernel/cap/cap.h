/* SPDX-License-Identifier: MIT */
/*
 * Capability spaces and the derivation tree.
 *
 * Each domain has a capability space: an array of slots sized from its
 * configuration. User code names a capability by slot index; lookup with
 * its type and rights check is O(1) at any size. Every capability records
 * its place in a derivation tree that spans spaces (parent, first child,
 * siblings), so that revoking one deletes all its descendants wherever
 * they were granted, in time linear in their number and without
 * recursion. Free slots are kept on a free list threaded through the
 * slots, so allocation is O(1) too.
 *
 * Pure bookkeeping: no allocation (the caller provides slot memory), no
 * I/O. Side effects of deleting a capability (unmapping frames, unbinding
 * interrupts, telling the holder) are the caller's, through a callback.
 * Host-testable.
 */
#ifndef KERNEL_CAP_H
#define KERNEL_CAP_H

#include <stdbool.h>
#include <stdint.h>

#include <rivet/errno.h>

#define CAP_MAX_SPACES 32    /* space ids 0 .. CAP_MAX_SPACES-1 */
#define CAP_MAX_SLOTS  65536 /* per space */

enum cap_type {
	CAP_NULL = 0, /* an empty slot */
	CAP_FRAME,    /* object: physical address; size: pages */
	CAP_DOMAIN,   /* object: domain id */
	CAP_IRQ,      /* object: PLIC source */
	CAP_DEVICE,   /* object: MMIO base; size: bytes */
	CAP_NOTIFY,   /* object: target domain (id, gen); badge: its bits */
	CAP_SPAWN,    /* object: index of a spawn grant (kernel/cap/spawn.c) */
	CAP_TYPE_COUNT
};

/* Rights. A derived capability has a subset of its parent's. */
#define CAP_R	  0x1u
#define CAP_W	  0x2u
#define CAP_X	  0x4u
#define CAP_GRANT 0x8u /* may be derived into another space */
#define CAP_ALL	  0xfu

/* A reference to a slot anywhere: space id and slot index. */
typedef uint32_t cap_ref_t;
#define CAP_REF_NONE 0xffffffffu
static inline cap_ref_t cap_ref(unsigned space, uint32_t slot)
{
	return (cap_ref_t)space << 16 | slot;
}
static inline unsigned cap_ref_space(cap_ref_t r)
{
	return r >> 16;
}
static inline uint32_t cap_ref_slot(cap_ref_t r)
{
	return r & 0xffff;
}

#define CAP_SIZE_SHIFT 6 /* sizeof(struct cap) == 64 */

struct cap {
	uint8_t type;	/* enum cap_type */
	uint8_t rights; /* CAP_R | CAP_W | CAP_X | CAP_GRANT */
	uint16_t flags; /* free for the kernel's use */
	/* Space id + 1 of the domain that granted this copy into this space,
	 * whose budget here it uses (cspace_accept); 0: not a grant. */
	uint16_t granter;
	/* The granter's incarnation (cap_system.gen) when it granted: a
	 * grant outliving its granter counts against no later space with
	 * that id. */
	uint16_t granter_gen;
	uint64_t object;
	uint64_t size;
	uint64_t badge;
	/* Derivation tree; for an empty slot, next_sibling links free slots. */
	cap_ref_t parent, first_child, next_sibling, prev_sibling;
	uint64_t user; /* free for the kernel's use (e.g. mapping list) */
	/* To 64 bytes: a slot's address is the index shifted, one
	 * instruction (cap_sys_info, notify_fast.S), where 56 took three. */
	uint64_t spare;
};
_Static_assert(sizeof(struct cap) == 1 << CAP_SIZE_SHIFT,
	       "a slot's address is one shift");

struct cspace {
	struct cap *slots;
	uint32_t nslots;
	uint32_t used;
	uint32_t lent;	    /* free slots promised to spawned domains */
	uint32_t free_head; /* slot index, or CAP_REF_NONE */
	uint16_t id;
	bool live;
	/* Receive budgets: space i may hold at most accept[i] grants here at
	 * once; granted[i] counts those it holds now. Set by the holder's
	 * configuration (cspace_accept), never by the granter. */
	uint32_t accept[CAP_MAX_SPACES];
	uint32_t granted[CAP_MAX_SPACES];
};

/* All spaces, indexed by id: the derivation tree reaches across them. */
struct cap_system {
	struct cspace *spaces[CAP_MAX_SPACES];
	/* Steps revokes took so far: at most twice the number of
	 * capabilities they removed (tests check linearity with it). */
	uint64_t revoke_steps;
	/* Incarnation of each space id: bumped when a space is destroyed. */
	uint16_t gen[CAP_MAX_SPACES];
	/* Revokes in progress, one per space at most: while space i's
	 * revoke of (type, object .. object + size) is unfinished
	 * (revoking[i].on), no capability overlapping it may be derived,
	 * and none below the capability revoked (ref) mapped, so the
	 * revoke's pieces cannot be outrun (cap_revoking_set). nrevoking
	 * counts the records on: none, the common case, costs
	 * cap_revoking one load. */
	struct {
		bool on;
		uint8_t type;
		uint64_t object, size;
		cap_ref_t ref;
	} revoking[CAP_MAX_SPACES];
	uint32_t nrevoking;
};

/* Called for every capability a delete or revoke removes, before the slot
 * is cleared: c is still intact. It must not call back into this module.
 * fn may be NULL. */
typedef void (*cap_delete_fn)(void *ctx, cap_ref_t ref, const struct cap *c);

void cap_system_init(struct cap_system *sys);

/*
 * Sets up space id over slots[nslots] (all empty) and registers it.
 * Returns 0, E_INVAL for a bad id or size, E_EXIST if id is taken.
 */
int cspace_init(struct cap_system *sys, struct cspace *cs, unsigned id,
		struct cap *slots, uint32_t nslots);

/*
 * cspace_init in two parts, for a space too large to set up at once (a
 * spawn, kernel/sched/domain_create.c): cspace_thread puts zeroed slots
 * [from, to) of nslots on the free list, in any number of calls that
 * cover them all; cspace_adopt then registers the space, as cspace_init
 * does, without touching the slots.
 */
void cspace_thread(struct cap *slots, uint32_t from, uint32_t to,
		   uint32_t nslots);
int cspace_adopt(struct cap_system *sys, struct cspace *cs, unsigned id,
		 struct cap *slots, uint32_t nslots);

/*
 * Lets space from hold up to n capabilities in cs at once through grants
 * (cap_derive from another space): its budget there. Without one (n = 0,
 * the default) cs refuses every grant from it. Grants already held stay.
 */
void cspace_accept(struct cspace *cs, unsigned from, uint32_t n);

/*
 * Revokes and deletes every capability in the space (the holder is gone),
 * calling fn for each removed capability and descendant, then unregisters
 * it. Children elsewhere of capabilities in this space are deleted too.
 */
void cspace_destroy(struct cap_system *sys, struct cspace *cs, cap_delete_fn fn,
		    void *ctx);

/* No slot to take: none free, or the free ones all lent (cspace.lent). */
static inline bool cspace_full(const struct cspace *cs)
{
	return cs->free_head == CAP_REF_NONE ||
	       (uint64_t)cs->used + cs->lent >= cs->nslots;
}

/* Pops a free slot of cs, links cleared; the caller has checked for room
 * (cspace_full). Inline: frame_alloc_map makes a capability per fault. */
static inline uint32_t cspace_take_slot(struct cspace *cs)
{
	uint32_t slot = cs->free_head;
	struct cap *c = &cs->slots[slot];

	cs->free_head = c->next_sibling;
	c->next_sibling = CAP_REF_NONE;
	cs->used++;
	return slot;
}

/* Empties slot of cs, links cleared, and pushes it on the free list:
 * cspace_take_slot's reverse, for a slot that holds no grant (a grant
 * gives its granter's budget back first: cap.c's free_slot). Inline: a
 * one-page cap_delete ends here (kernel/cap/frame_delete.c). */
static inline void cspace_put_slot(struct cspace *cs, uint32_t slot)
{
	/* One assignment: a few stores, where memset went byte by byte. */
	cs->slots[slot] = (struct cap){ .parent = CAP_REF_NONE,
					.first_child = CAP_REF_NONE,
					.prev_sibling = CAP_REF_NONE,
					.next_sibling = cs->free_head };
	cs->free_head = slot;
	cs->used--;
}

/*
 * Does a slot number from U-mode (a 64-bit register) name a slot at all?
 * The one decoder of slot arguments: every system call that takes one
 * checks it here before narrowing it to uint32_t.
 */
static inline bool cap_slot_valid(uint64_t arg)
{
	return arg <= 0xffffffffUL;
}

/*
 * The capability in slot of cs, if it has type (CAP_NULL: any) and all of
 * rights. O(1). Returns 0 with *out, E_INVAL for a slot out of range,
 * E_NOENT for an empty slot, E_INVAL for a wrong type, E_PERM for missing
 * rights. "The lookup errors" below are these, and E_INVAL for a space not
 * registered in sys.
 */
static inline int cap_lookup(const struct cspace *cs, uint32_t slot,
			     enum cap_type type, unsigned rights,
			     struct cap **out)
{
	struct cap *c;

	/* Inline: every capability-taking system call starts here. */
	if (slot >= cs->nslots)
		return E_INVAL;
	c = &cs->slots[slot];
	if (c->type == CAP_NULL)
		return E_NOENT;
	if (type != CAP_NULL && c->type != type)
		return E_INVAL;
	if ((c->rights & rights) != rights)
		return E_PERM;
	*out = c;
	return 0;
}

/*
 * Creates an original capability (a tree root) in a free slot of cs.
 * Returns 0 with *slot, E_INVAL for CAP_NULL, a type out of range or
 * rights outside CAP_ALL, E_NOMEM when the space is full (its free slots
 * all lent counts as full).
 */
int cap_create(struct cspace *cs, enum cap_type type, unsigned rights,
	       uint64_t object, uint64_t size, uint32_t *slot);

/*
 * Copies the capability at src into a free slot of dst as its child, with
 * rights & mask and the given badge (0 keeps the parent's). Into another
 * space it needs CAP_GRANT on src and room in the budget dst gave src
 * (cspace_accept), and the copy counts against that budget until it is
 * deleted. Returns 0 with *slot, or the lookup errors, E_PERM (no grant
 * right, or dst accepts no grant from src), E_NOMEM (dst full, or src's
 * budget there used up), E_BUSY (src is a capability being revoked or
 * below one, cap_revoking_from). The copy's flags and user start at 0.
 */
int cap_derive(struct cap_system *sys, struct cspace *src, uint32_t src_slot,
	       struct cspace *dst, unsigned mask, uint64_t badge,
	       uint32_t *slot);

/*
 * cap_derive done by the kernel itself (a channel from the boot
 * configuration): needs no grant right and no budget, and the copy counts
 * against none (it is not a grant: granter 0). Same errors otherwise.
 */
int cap_derive_kernel(struct cap_system *sys, struct cspace *src,
		      uint32_t src_slot, struct cspace *dst, unsigned mask,
		      uint64_t badge, uint32_t *slot);

/*
 * Records that space id has a revoke of what the capability at cs's slot
 * names (its type and object range) stopped part-way, to be taken up
 * again: until cap_revoking_clear(id), cap_derive refuses as a source
 * the capability revoked and every one below it (cap_revoking_from),
 * and a map every one below it (cap_revoking_below,
 * kernel/cap/frame_cap.c), so the revoke ends however its holders try
 * to grow the tree or to map again what its pieces unmapped; its
 * ancestors and other copies of the object derive and map as before. One record per space: a new one replaces
 * the old. cspace_destroy clears the space's record.
 */
void cap_revoking_set(struct cap_system *sys, const struct cspace *cs,
		      uint32_t slot);
/* Ends space id's record, if any: its revoke finished or was given up. */
void cap_revoking_clear(struct cap_system *sys, unsigned id);
/* Does c's type and object range overlap a revoke in progress in any
 * space? O(spaces) while one is, one load when none is. */
bool cap_revoking(const struct cap_system *sys, const struct cap *c);
/*
 * Is c below a capability whose revoke is in progress (a descendant the
 * revoke will take, which must not be mapped meanwhile)? Only the
 * revoked capability's descendants: its ancestors and other copies of
 * the object (the granter's original) map as before, whatever a holder's
 * revoke of its own copy does. Looks up at most CAP_REVOKING_DEPTH
 * parents per record and answers true past them (a chain that deep is
 * its holders' own making: they derived it).
 */
#define CAP_REVOKING_DEPTH 64
bool cap_revoking_below(const struct cap_system *sys, const struct cap *c);
/* cap_revoking_below, or c, at self, is the capability being revoked:
 * the sources cap_derive and spawn refuse (a copy of either would be
 * taken by the revoke, and could outrun it). */
bool cap_revoking_from(const struct cap_system *sys, const struct cap *c,
		       cap_ref_t self);

/*
 * Deletes one slot. Its children are not deleted: they move up to its
 * parent (or become roots). Calls fn for the deleted capability only.
 * Returns 0 or the lookup errors.
 */
int cap_delete(struct cap_system *sys, struct cspace *cs, uint32_t slot,
	       cap_delete_fn fn, void *ctx);

/*
 * Deletes every descendant of the capability in slot (not the capability
 * itself), calling fn for each, iteratively, in time linear in the number
 * of descendants. Returns 0 and *count (may be NULL) = how many, or the
 * lookup errors.
 */
int cap_revoke(struct cap_system *sys, struct cspace *cs, uint32_t slot,
	       cap_delete_fn fn, void *ctx, uint32_t *count);

/*
 * Called before a revoke step deletes c (intact, and ref names it), if
 * c->user is not 0: the kernel keeps there what deleting c must undo. It
 * may do part of that and return false: that is the step, and a later one
 * comes back to c. true lets the deletion go ahead. So the caller bounds
 * work that grows with c (e.g. its mappings). It must not call back into
 * this module.
 */
typedef bool (*cap_prepare_fn)(void *ctx, cap_ref_t ref, struct cap *c);

/*
 * cap_revoke in bounded pieces: does at most max_steps O(1) steps (each
 * deletes one descendant, moves one up below the capability, or is one
 * call of prep that returned false; n descendants take at most 2n steps
 * besides those) and returns 0 once no descendant is left,
 * CAP_REVOKE_MORE if some are, or the lookup errors. *count = how many it
 * deleted. Keeps no state: calling it again continues from the tree as it
 * is then, whatever changed in between. prep may be NULL.
 */
#define CAP_REVOKE_MORE 1
int cap_revoke_some(struct cap_system *sys, struct cspace *cs, uint32_t slot,
		    cap_delete_fn fn, cap_prepare_fn prep, void *ctx,
		    uint32_t max_steps, uint32_t *count);

/* The capability a reference names (NULL if the space is gone, the slot
 * out of range or empty). */
struct cap *cap_deref(const struct cap_system *sys, cap_ref_t ref);

#endif
