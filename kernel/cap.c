// SPDX-License-Identifier: MIT
/*
 * Capability spaces and the derivation tree; see cap.h.
 *
 * Invariants the code below keeps:
 *  - An empty slot has type CAP_NULL, parent, first_child and prev_sibling
 *    CAP_REF_NONE, and next_sibling holding the next free slot index (or
 *    CAP_REF_NONE); the free list holds exactly the empty slots.
 *  - A root (parent CAP_REF_NONE) is on no sibling list: both sibling links
 *    are CAP_REF_NONE.
 *  - A child is on its parent's list of children, doubly linked, and its
 *    rights are a subset of its parent's.
 *
 * Every operation decodes first (space registered, slot in range and used,
 * rights, room in the destination) and only then changes state, so an error
 * leaves everything as it was. Delete callbacks must not call back into
 * this module: they run while links are being changed.
 */
#include "kernel/cap.h"

#include <stddef.h>
#include <rivet/errno.h>

#include "kernel/lib/string.h"

/* The slot a reference names; ref must name a slot of a registered space. */
static struct cap *at(const struct cap_system *sys, cap_ref_t ref)
{
	return &sys->spaces[cap_ref_space(ref)]->slots[cap_ref_slot(ref)];
}

static bool registered(const struct cap_system *sys, const struct cspace *cs)
{
	return cs && cs->live && cs->id < CAP_MAX_SPACES &&
	       sys->spaces[cs->id] == cs;
}

/* Makes slot of cs empty and pushes it on the free list. */
static void free_slot(struct cspace *cs, uint32_t slot)
{
	struct cap *c = &cs->slots[slot];

	memset(c, 0, sizeof(*c));
	c->parent = CAP_REF_NONE;
	c->first_child = CAP_REF_NONE;
	c->prev_sibling = CAP_REF_NONE;
	c->next_sibling = cs->free_head;
	cs->free_head = slot;
	cs->used--;
}

/* Pops a free slot of cs, links cleared; the caller has checked for room. */
static uint32_t alloc_slot(struct cspace *cs)
{
	uint32_t slot = cs->free_head;
	struct cap *c = &cs->slots[slot];

	cs->free_head = c->next_sibling;
	c->next_sibling = CAP_REF_NONE;
	cs->used++;
	return slot;
}

/* Takes c off its parent's list of children; a root is on none. */
static void unlink_sibling(struct cap_system *sys, struct cap *c)
{
	if (c->prev_sibling != CAP_REF_NONE)
		at(sys, c->prev_sibling)->next_sibling = c->next_sibling;
	else if (c->parent != CAP_REF_NONE)
		at(sys, c->parent)->first_child = c->next_sibling;
	if (c->next_sibling != CAP_REF_NONE)
		at(sys, c->next_sibling)->prev_sibling = c->prev_sibling;
	c->prev_sibling = CAP_REF_NONE;
	c->next_sibling = CAP_REF_NONE;
}

void cap_system_init(struct cap_system *sys)
{
	memset(sys, 0, sizeof(*sys));
}

int cspace_init(struct cap_system *sys, struct cspace *cs, unsigned id,
		struct cap *slots, uint32_t nslots)
{
	uint32_t i;

	if (id >= CAP_MAX_SPACES || !slots || nslots == 0 ||
	    nslots > CAP_MAX_SLOTS)
		return E_INVAL;
	if (sys->spaces[id])
		return E_EXIST;

	memset(slots, 0, (size_t)nslots * sizeof(*slots));
	/* Ascending free list, so a fresh space hands out slot 0 first. */
	for (i = 0; i < nslots; i++) {
		slots[i].parent = CAP_REF_NONE;
		slots[i].first_child = CAP_REF_NONE;
		slots[i].prev_sibling = CAP_REF_NONE;
		slots[i].next_sibling = i + 1 < nslots ? i + 1 : CAP_REF_NONE;
	}
	cs->slots = slots;
	cs->nslots = nslots;
	cs->used = 0;
	cs->lent = 0;
	cs->free_head = 0;
	cs->id = (uint16_t)id;
	cs->live = true;
	sys->spaces[id] = cs;
	return 0;
}

struct cap *cap_deref(const struct cap_system *sys, cap_ref_t ref)
{
	const struct cspace *cs;
	struct cap *c;

	if (ref == CAP_REF_NONE || cap_ref_space(ref) >= CAP_MAX_SPACES)
		return NULL;
	cs = sys->spaces[cap_ref_space(ref)];
	if (!cs || cap_ref_slot(ref) >= cs->nslots)
		return NULL;
	c = &cs->slots[cap_ref_slot(ref)];
	return c->type == CAP_NULL ? NULL : c;
}

int cap_create(struct cspace *cs, enum cap_type type, unsigned rights,
	       uint64_t object, uint64_t size, uint32_t *slot)
{
	struct cap *c;
	uint32_t s;

	/* A CAP_NULL capability would be indistinguishable from a free slot. */
	if (type == CAP_NULL || type >= CAP_TYPE_COUNT || rights & ~CAP_ALL)
		return E_INVAL;
	if (cspace_full(cs))
		return E_NOMEM;

	s = alloc_slot(cs);
	c = &cs->slots[s];
	c->type = (uint8_t)type;
	c->rights = (uint8_t)rights;
	c->object = object;
	c->size = size;
	*slot = s;
	return 0;
}

int cap_derive(struct cap_system *sys, struct cspace *src, uint32_t src_slot,
	       struct cspace *dst, unsigned mask, uint64_t badge,
	       uint32_t *slot)
{
	struct cap *p, *c;
	cap_ref_t pref, cref;
	uint32_t s;
	int rc;

	if (!registered(sys, src) || !registered(sys, dst))
		return E_INVAL;
	rc = cap_lookup(src, src_slot, CAP_NULL, 0, &p);
	if (rc)
		return rc;
	if (dst != src && !(p->rights & CAP_GRANT))
		return E_PERM;
	if (cspace_full(dst))
		return E_NOMEM;

	s = alloc_slot(dst);
	c = &dst->slots[s];
	pref = cap_ref(src->id, src_slot);
	cref = cap_ref(dst->id, s);
	/* flags and user stay 0 (free slots are zeroed): they describe this
	 * copy, its mappings say, not the parent's. */
	c->type = p->type;
	c->rights = p->rights & mask;
	c->object = p->object;
	c->size = p->size;
	c->badge = badge ? badge : p->badge;
	c->parent = pref;
	c->next_sibling = p->first_child;
	if (p->first_child != CAP_REF_NONE)
		at(sys, p->first_child)->prev_sibling = cref;
	p->first_child = cref;
	*slot = s;
	return 0;
}

/*
 * Removes the capability at ref: its children take its place on its
 * parent's list, in order, or become roots. O(1 + its children).
 */
static void delete_one(struct cap_system *sys, cap_ref_t ref, cap_delete_fn fn,
		       void *ctx)
{
	struct cap *c = at(sys, ref);
	cap_ref_t pref = c->parent;
	cap_ref_t first = c->first_child, last = CAP_REF_NONE, r, next;
	struct cap *ch;

	if (fn)
		fn(ctx, ref, c);

	if (pref == CAP_REF_NONE) {
		for (r = first; r != CAP_REF_NONE; r = next) {
			ch = at(sys, r);
			next = ch->next_sibling;
			ch->parent = CAP_REF_NONE;
			ch->prev_sibling = CAP_REF_NONE;
			ch->next_sibling = CAP_REF_NONE;
		}
	} else if (first == CAP_REF_NONE) {
		unlink_sibling(sys, c);
	} else {
		for (r = first; r != CAP_REF_NONE; r = ch->next_sibling) {
			ch = at(sys, r);
			ch->parent = pref;
			last = r;
		}
		/* Splice first..last in where c was. */
		at(sys, first)->prev_sibling = c->prev_sibling;
		if (c->prev_sibling != CAP_REF_NONE)
			at(sys, c->prev_sibling)->next_sibling = first;
		else
			at(sys, pref)->first_child = first;
		at(sys, last)->next_sibling = c->next_sibling;
		if (c->next_sibling != CAP_REF_NONE)
			at(sys, c->next_sibling)->prev_sibling = last;
	}
	free_slot(sys->spaces[cap_ref_space(ref)], cap_ref_slot(ref));
}

int cap_delete(struct cap_system *sys, struct cspace *cs, uint32_t slot,
	       cap_delete_fn fn, void *ctx)
{
	struct cap *c;
	int rc;

	if (!registered(sys, cs))
		return E_INVAL;
	rc = cap_lookup(cs, slot, CAP_NULL, 0, &c);
	if (rc)
		return rc;
	delete_one(sys, cap_ref(cs->id, slot), fn, ctx);
	return 0;
}

/*
 * Deletes every descendant of top and returns how many. A single cursor
 * walks the subtree: it steps down to a first child while there is one,
 * else deletes the leaf it stands on and steps up to the parent.
 *
 * Why linear in n, the number of descendants: the cursor enters a node
 * from above exactly once (after stepping down into it, it leaves only by
 * going further down or by deleting the node), and it steps up exactly
 * once per deletion; so there are n steps down, n steps up and n leaf
 * deletions, each O(1), and the stack use is constant.
 */
static uint32_t revoke_subtree(struct cap_system *sys, cap_ref_t top,
			       cap_delete_fn fn, void *ctx)
{
	cap_ref_t cur = top, up;
	struct cap *c;
	uint32_t n = 0;

	for (;;) {
		c = at(sys, cur);
		if (c->first_child != CAP_REF_NONE) {
			cur = c->first_child;
			sys->revoke_steps++;
			continue;
		}
		if (cur == top)
			return n;
		up = c->parent;
		delete_one(sys, cur, fn, ctx); /* a leaf: O(1) */
		n++;
		cur = up;
		sys->revoke_steps++;
	}
}

int cap_revoke(struct cap_system *sys, struct cspace *cs, uint32_t slot,
	       cap_delete_fn fn, void *ctx, uint32_t *count)
{
	struct cap *c;
	uint32_t n;
	int rc;

	if (!registered(sys, cs))
		return E_INVAL;
	rc = cap_lookup(cs, slot, CAP_NULL, 0, &c);
	if (rc)
		return rc;
	n = revoke_subtree(sys, cap_ref(cs->id, slot), fn, ctx);
	if (count)
		*count = n;
	return 0;
}

/*
 * One pass suffices: revoking slot i can only empty other slots (its
 * descendants), never fill one, and each capability is deleted once, so
 * the whole is O(nslots + capabilities removed).
 */
void cspace_destroy(struct cap_system *sys, struct cspace *cs, cap_delete_fn fn,
		    void *ctx)
{
	uint32_t i;
	cap_ref_t ref;

	if (!registered(sys, cs))
		return;
	for (i = 0; i < cs->nslots; i++) {
		if (cs->slots[i].type == CAP_NULL)
			continue;
		ref = cap_ref(cs->id, i);
		revoke_subtree(sys, ref, fn, ctx);
		delete_one(sys, ref, fn, ctx);
	}
	sys->spaces[cs->id] = NULL;
	cs->live = false;
}
