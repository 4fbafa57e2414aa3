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
#include "kernel/cap/cap.h"

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

/* Makes slot of cs empty and pushes it on the free list; a grant gives
 * its granter's budget back, if that granter is still the space it was. */
static void free_slot(const struct cap_system *sys, struct cspace *cs,
		      uint32_t slot)
{
	struct cap *c = &cs->slots[slot];

	if (c->granter && c->granter_gen == sys->gen[c->granter - 1] &&
	    cs->granted[c->granter - 1])
		cs->granted[c->granter - 1]--;
	cspace_put_slot(cs, slot);
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

void cspace_thread(struct cap *slots, uint32_t from, uint32_t to,
		   uint32_t nslots)
{
	uint32_t i;

	/* Ascending free list, so a fresh space hands out slot 0 first. */
	for (i = from; i < to; i++) {
		slots[i].parent = CAP_REF_NONE;
		slots[i].first_child = CAP_REF_NONE;
		slots[i].prev_sibling = CAP_REF_NONE;
		slots[i].next_sibling = i + 1 < nslots ? i + 1 : CAP_REF_NONE;
	}
}

int cspace_adopt(struct cap_system *sys, struct cspace *cs, unsigned id,
		 struct cap *slots, uint32_t nslots)
{
	if (id >= CAP_MAX_SPACES || !slots || nslots == 0 ||
	    nslots > CAP_MAX_SLOTS)
		return E_INVAL;
	if (sys->spaces[id])
		return E_EXIST;
	cs->slots = slots;
	cs->nslots = nslots;
	cs->used = 0;
	cs->lent = 0;
	cs->free_head = 0;
	cs->id = (uint16_t)id;
	cs->live = true;
	memset(cs->accept, 0, sizeof(cs->accept));
	memset(cs->granted, 0, sizeof(cs->granted));
	sys->spaces[id] = cs;
	return 0;
}

int cspace_init(struct cap_system *sys, struct cspace *cs, unsigned id,
		struct cap *slots, uint32_t nslots)
{
	if (id >= CAP_MAX_SPACES || !slots || nslots == 0 ||
	    nslots > CAP_MAX_SLOTS)
		return E_INVAL;
	if (sys->spaces[id])
		return E_EXIST;
	memset(slots, 0, (size_t)nslots * sizeof(*slots));
	cspace_thread(slots, 0, nslots, nslots);
	return cspace_adopt(sys, cs, id, slots, nslots);
}

void cspace_accept(struct cspace *cs, unsigned from, uint32_t n)
{
	if (from < CAP_MAX_SPACES && from != cs->id)
		cs->accept[from] = n;
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

	s = cspace_take_slot(cs);
	c = &cs->slots[s];
	c->type = (uint8_t)type;
	c->rights = (uint8_t)rights;
	c->object = object;
	c->size = size;
	*slot = s;
	return 0;
}

void cap_revoking_set(struct cap_system *sys, const struct cspace *cs,
		      uint32_t slot)
{
	const struct cap *c = &cs->slots[slot];

	if (!sys->revoking[cs->id].on)
		sys->nrevoking++;
	sys->revoking[cs->id].on = true;
	sys->revoking[cs->id].type = c->type;
	sys->revoking[cs->id].object = c->object;
	sys->revoking[cs->id].size = c->size;
	sys->revoking[cs->id].ref = cap_ref(cs->id, slot);
}

void cap_revoking_clear(struct cap_system *sys, unsigned id)
{
	if (id < CAP_MAX_SPACES && sys->revoking[id].on) {
		sys->revoking[id].on = false;
		sys->nrevoking--;
	}
}

/* Does space i's revoke in progress cover objects c names? A size of 0
 * (a capability naming one object, not a range) counts as 1. */
static bool revoke_overlaps(const struct cap_system *sys, unsigned i,
			    const struct cap *c)
{
	uint64_t end = c->object + (c->size ? c->size : 1), rend;

	if (!sys->revoking[i].on || sys->revoking[i].type != c->type)
		return false;
	rend = sys->revoking[i].object +
	       (sys->revoking[i].size ? sys->revoking[i].size : 1);
	return c->object < rend && sys->revoking[i].object < end;
}

bool cap_revoking(const struct cap_system *sys, const struct cap *c)
{
	unsigned i;

	if (!sys->nrevoking)
		return false;
	for (i = 0; i < CAP_MAX_SPACES; i++)
		if (revoke_overlaps(sys, i, c))
			return true;
	return false;
}

/* Is ref among c's first CAP_REVOKING_DEPTH ancestors, or are there
 * more? */
static bool below(const struct cap_system *sys, const struct cap *c,
		  cap_ref_t ref)
{
	cap_ref_t p = c->parent;
	unsigned depth;

	for (depth = 0; depth < CAP_REVOKING_DEPTH; depth++) {
		if (p == ref)
			return true;
		if (p == CAP_REF_NONE)
			return false;
		p = at(sys, p)->parent;
	}
	return true;
}

/* cap_revoking_below, or c (at self) is the capability revoked. */
static bool revoking_takes(const struct cap_system *sys, const struct cap *c,
			   cap_ref_t self)
{
	unsigned i;

	if (!sys->nrevoking)
		return false;
	for (i = 0; i < CAP_MAX_SPACES; i++)
		if (revoke_overlaps(sys, i, c) &&
		    (sys->revoking[i].ref == self ||
		     below(sys, c, sys->revoking[i].ref)))
			return true;
	return false;
}

bool cap_revoking_below(const struct cap_system *sys, const struct cap *c)
{
	return revoking_takes(sys, c, CAP_REF_NONE);
}

bool cap_revoking_from(const struct cap_system *sys, const struct cap *c,
		       cap_ref_t self)
{
	return revoking_takes(sys, c, self);
}

/*
 * What every derive starts with: both spaces known, the source
 * capability there (*p), no revoke of it in progress. Both helpers are
 * inlined: cap_grant (make bench) is a derive.
 */
static inline __attribute__((always_inline)) int
derive_check(struct cap_system *sys, struct cspace *src, uint32_t src_slot,
	     struct cspace *dst, struct cap **p)
{
	int rc;

	if (!registered(sys, src) || !registered(sys, dst))
		return E_INVAL;
	rc = cap_lookup(src, src_slot, CAP_NULL, 0, p);
	if (rc)
		return rc;
	return cap_revoking_from(sys, *p, cap_ref(src->id, src_slot)) ? E_BUSY
								      : 0;
}

/* Puts a copy of p (src's src_slot) with rights into a free slot of dst,
 * as p's first child; returns the copy. Room was checked. */
static inline __attribute__((always_inline)) struct cap *
derive_insert(struct cap_system *sys, struct cspace *src, uint32_t src_slot,
	      struct cap *p, struct cspace *dst, unsigned rights,
	      uint64_t badge, uint32_t *slot)
{
	uint32_t s = cspace_take_slot(dst);
	struct cap *c = &dst->slots[s];
	cap_ref_t cref = cap_ref(dst->id, s);

	/* flags and user stay 0 (free slots are zeroed): they describe this
	 * copy, its mappings say, not the parent's. */
	c->type = p->type;
	c->rights = (uint8_t)rights;
	c->object = p->object;
	c->size = p->size;
	c->badge = badge ? badge : p->badge;
	c->parent = cap_ref(src->id, src_slot);
	c->next_sibling = p->first_child;
	if (p->first_child != CAP_REF_NONE)
		at(sys, p->first_child)->prev_sibling = cref;
	p->first_child = cref;
	*slot = s;
	return c;
}

int cap_derive(struct cap_system *sys, struct cspace *src, uint32_t src_slot,
	       struct cspace *dst, unsigned mask, uint64_t badge,
	       uint32_t *slot)
{
	struct cap *p, *c;
	int rc = derive_check(sys, src, src_slot, dst, &p);

	if (rc)
		return rc;
	if (dst != src && !(p->rights & CAP_GRANT))
		return E_PERM;
	/* The receiver's consent: a budget it gave src, with room left. */
	if (dst != src && !dst->accept[src->id])
		return E_PERM;
	if (dst != src && dst->granted[src->id] >= dst->accept[src->id])
		return E_NOMEM;
	if (cspace_full(dst))
		return E_NOMEM;
	c = derive_insert(sys, src, src_slot, p, dst, p->rights & mask, badge,
			  slot);
	if (dst != src) {
		c->granter = (uint16_t)(src->id + 1);
		c->granter_gen = sys->gen[src->id];
		dst->granted[src->id]++;
	}
	return 0;
}

int cap_derive_kernel(struct cap_system *sys, struct cspace *src,
		      uint32_t src_slot, struct cspace *dst, unsigned mask,
		      uint64_t badge, uint32_t *slot)
{
	struct cap *p;
	int rc = derive_check(sys, src, src_slot, dst, &p);

	if (rc)
		return rc;
	if (cspace_full(dst))
		return E_NOMEM;
	/* No grant right and no budget asked, none charged: granter 0. */
	derive_insert(sys, src, src_slot, p, dst, p->rights & mask, badge,
		      slot);
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
	free_slot(sys, sys->spaces[cap_ref_space(ref)], cap_ref_slot(ref));
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
 * delete_one for the case revoke meets at every step, in fewer loads: c
 * is t's first child and has at most one child, g (gref), which takes
 * c's place at the head of t's children.
 */
static void drop_first_child(struct cap_system *sys, struct cap *t,
			     struct cap *c, cap_ref_t gref, cap_delete_fn fn,
			     void *ctx)
{
	cap_ref_t cref = t->first_child, next = c->next_sibling;

	if (fn)
		fn(ctx, cref, c);
	if (gref != CAP_REF_NONE) {
		struct cap *g = at(sys, gref);

		g->parent = c->parent;
		g->next_sibling = next;
		next = gref; /* what now follows t */
		if (g->next_sibling != CAP_REF_NONE)
			at(sys, g->next_sibling)->prev_sibling = gref;
	} else if (next != CAP_REF_NONE) {
		at(sys, next)->prev_sibling = CAP_REF_NONE;
	}
	t->first_child = next;
	free_slot(sys, sys->spaces[cap_ref_space(cref)], cap_ref_slot(cref));
}

/*
 * Does at most max_steps steps of deleting top's descendants, adds the
 * number deleted to *n, and says whether none is left. Each step is O(1)
 * and looks only at top's first child c. With no child, or one (which
 * takes c's place below top), c is deleted. With more, c's first child is
 * lifted to be top's first child, in front of c: still a descendant of
 * top, with rights within top's.
 *
 * Why at most 2n steps for n descendants, with no descent and no
 * recursion: n steps delete, and every other step lifts a capability into
 * top's children, which it never leaves but by being deleted (only
 * children of top's children move), so fewer than n steps lift. A chain
 * or a fan takes exactly n. Nothing is kept between calls: the next call
 * starts from top's children as they are then, so the tree may change in
 * between (a preempted revoke, cap_revoke_some). A revoke left unfinished
 * has deleted some descendants and re-attached others directly below top:
 * all of them still go with top's next revoke.
 */
static bool revoke_bounded(struct cap_system *sys, cap_ref_t top,
			   cap_delete_fn fn, cap_prepare_fn prep, void *ctx,
			   uint32_t max_steps, uint32_t *n)
{
	struct cap *t = at(sys, top), *c, *g;
	cap_ref_t cref, gref, next;
	uint32_t i;

	for (i = 0; i < max_steps; i++) {
		cref = t->first_child;
		if (cref == CAP_REF_NONE)
			return true;
		sys->revoke_steps++;
		c = at(sys, cref);
		gref = c->first_child;
		g = gref == CAP_REF_NONE ? NULL : at(sys, gref);
		if (!g || g->next_sibling == CAP_REF_NONE) {
			if (prep && c->user && !prep(ctx, cref, c))
				continue; /* part of c's deletion: a step */
			drop_first_child(sys, t, c, gref, fn, ctx);
			(*n)++;
			continue;
		}
		/* Lift g, c's first child, to the front of top's children. */
		next = g->next_sibling;
		c->first_child = next;
		at(sys, next)->prev_sibling = CAP_REF_NONE;
		g->parent = top;
		g->next_sibling = cref;
		c->prev_sibling = gref;
		t->first_child = gref;
	}
	return t->first_child == CAP_REF_NONE;
}

/* Deletes every descendant of top, however many; returns how many. */
static uint32_t revoke_subtree(struct cap_system *sys, cap_ref_t top,
			       cap_delete_fn fn, void *ctx)
{
	uint32_t n = 0;

	while (!revoke_bounded(sys, top, fn, NULL, ctx, UINT32_MAX, &n))
		;
	return n;
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

int cap_revoke_some(struct cap_system *sys, struct cspace *cs, uint32_t slot,
		    cap_delete_fn fn, cap_prepare_fn prep, void *ctx,
		    uint32_t max_steps, uint32_t *count)
{
	struct cap *c;
	uint32_t n = 0;
	bool done;
	int rc;

	if (!registered(sys, cs))
		return E_INVAL;
	rc = cap_lookup(cs, slot, CAP_NULL, 0, &c);
	if (rc)
		return rc;
	done = revoke_bounded(sys, cap_ref(cs->id, slot), fn, prep, ctx,
			      max_steps, &n);
	*count = n;
	return done ? 0 : CAP_REVOKE_MORE;
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
	/* Until the space is empty: a space emptied before (an exit that
	 * released its capabilities in pieces) costs no scan. */
	for (i = 0; i < cs->nslots && cs->used; i++) {
		if (cs->slots[i].type == CAP_NULL)
			continue;
		ref = cap_ref(cs->id, i);
		revoke_subtree(sys, ref, fn, ctx);
		delete_one(sys, ref, fn, ctx);
	}
	sys->spaces[cs->id] = NULL;
	cap_revoking_clear(sys, cs->id);
	cs->live = false;
	/* A later space with this id starts with no budget anywhere, and
	 * nothing counted against it: grants of this one that outlive it
	 * (moved up) are not this id's any more. */
	sys->gen[cs->id]++;
	for (i = 0; i < CAP_MAX_SPACES; i++) {
		if (!sys->spaces[i])
			continue;
		sys->spaces[i]->accept[cs->id] = 0;
		sys->spaces[i]->granted[cs->id] = 0;
	}
}
