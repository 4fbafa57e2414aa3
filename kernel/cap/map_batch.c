// SPDX-License-Identifier: MIT
/*
 * SYS_map_batch: many maps in one system call.
 *
 * Bounded kernel time, as for revoke (kernel/cap/cap_syscall.c): at most
 * MAP_BATCH_PER_ENTRY entries per kernel entry, fewer once an interrupt
 * is pending or MAP_INSNS have gone; then the call is restarted with
 * a0/a1 moved past the entries done (they stay mapped), so what is left
 * to do is in the arguments themselves. An entry of a large capability
 * may itself stop part-way (frame_cap_map_some): the batch is restarted
 * at that entry, which goes on from its mapping's record. Only a1's
 * total is kept in the domain.
 *
 * The common entry maps a one-page frame capability next to the one
 * before. frame_cap_map, the general map, pays per entry for what a
 * batch can do once: a walk from the root to the last-level table, the
 * view page's check, a fence, the frame table's lookup, and its own call.
 * map_run keeps, in a cursor, the last-level table and the view page of
 * the 2 MiB it last mapped in (one walk per 2 MiB) and what the last
 * rights seen make of an entry (the slot's expected type and rights, the
 * PTE bits, the record's flags), checks everything frame_cap_map checks
 * for such an entry, and fences once per kernel entry (uvm_flush_asid
 * before the domain runs again). Any other entry, and any entry it would
 * refuse, goes to frame_cap_map, which gives the same result and the
 * same error from the same state: the fast path changes nothing before
 * its last check but what frame_cap_map would also have made (view and
 * table pages for vaddr).
 *
 * The entries are read where the domain wrote them (user_page_kva, a
 * page at a time; an entry across two pages is copied), each word once:
 * the domain's other harts may rewrite them meanwhile, and the kernel
 * acts on what it read. The submission ring's runs of maps use the same
 * loop on its entries in place (map_run_ring, kernel/cap/ring.c).
 */
#include "kernel/cap/map_batch.h"

#include "kernel/arch.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/domain.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>
#include <rivet/errno.h>
#include <rivet/ring.h>
#include <rivet/syscall.h>
#include <stddef.h>

#ifdef CONFIG_FAST_MAP_BATCH
#define FAST_MAP_BATCH 1
#else
#define FAST_MAP_BATCH 0
#endif

#define MAP_BATCH_PER_ENTRY 256
#define MAP_BATCH_RUN	    128 /* entries between the bound's checks */

/* Rights frame_cap_map accepts, as a bit per value: R, R+W, X, R+X (W
 * needs R; never W and X). */
#define RIGHTS_OK                                                              \
	(1u << RIVET_CAP_R | 1u << (RIVET_CAP_R | RIVET_CAP_W) |               \
	 1u << RIVET_CAP_X | 1u << (RIVET_CAP_R | RIVET_CAP_X))

_Static_assert(offsetof(struct cap, type) == 0 &&
		       offsetof(struct cap, rights) == 1,
	       "a slot's type and rights in one halfword, type first");
_Static_assert(CAP_MAX_SLOTS < 1UL << 31,
	       "a mapping record's index (one per slot) fits an int32_t");
_Static_assert(sizeof(struct frame_mapping) == 16 &&
		       offsetof(struct frame_mapping, next) == 8,
	       "a mapping record in two words: va, then next and flags");

/* What an entry with rights r needs, made once per change of rights
 * (entries in a row mostly share them). false: rights frame_cap_map
 * refuses; let it say why. */
static bool cursor_rights(struct batch_cursor *k, uint64_t r)
{
	struct frame_mapping rec = { .va = 0, .next = 0, .pages = 1 };

	if (r > 7 || !((RIGHTS_OK >> r) & 1))
		return false;
	k->rights = r;
	/* The slot's halfword: type CAP_FRAME, and at least r. */
	k->capmask = 0xff | r << 8;
	k->kind = r & RIVET_CAP_W   ? FRAME_WX_W
		  : r & RIVET_CAP_X ? FRAME_WX_X
				    : 0;
	/* RIVET_CAP_R/W/X are PTE_R/W/X shifted down. */
	k->perm = pte_leaf(0, r << 1 | pte_ceiling_bits(r << 1) | PTE_U);
	rec.flags = (uint32_t)r & 0xfff;
	k->recword = ((const uint64_t *)&rec)[1];
	return true;
}

/* A new 2 MiB: its view page and last-level table, as frame_cap_map
 * would make them for va. false: let frame_cap_map say why not. */
static bool cursor_move(struct domain *d, struct batch_cursor *k, uint64_t va)
{
	uint64_t *leaf, *view;
	uintptr_t skew = (va >> 21) << 12; /* (va >> 9) of the 2 MiB's start */
	int rc = 0;

	k->region = ~0ULL;
	if (va >= RIVET_MAP_TOP || ptview_prepare(&d->as, va, 1))
		return false;
	leaf = uvm_leaf_table(&d->as, va, &rc);
	view = ptview_page(&d->as, va);
	if (!leaf || !view)
		return false;
	k->leaf = (uintptr_t)leaf - skew;
	k->view = (uintptr_t)view - skew;
	k->region = va >> 21;
	return true;
}

/*
 * An entry as both arrays hold it: slot, vaddr and rights in three words
 * in a row (struct rivet_map_entry; a ring entry's args[0..2], its call
 * number the word before), entries stride words apart.
 */
#define MAP_STRIDE  (sizeof(struct rivet_map_entry) / sizeof(unsigned long))
#define RING_STRIDE (sizeof(struct rivet_ring_entry) / sizeof(unsigned long))
_Static_assert(sizeof(struct rivet_map_entry) == 3 * sizeof(unsigned long),
	       "slot, vaddr, rights in a row");
_Static_assert(offsetof(struct rivet_ring_entry, args) ==
			       sizeof(unsigned long) &&
		       sizeof(((struct rivet_ring_entry *)0)->args) >=
			       3 * sizeof(unsigned long),
	       "a map's number, then its arguments in args[0..2]");

/*
 * Maps entries from w on, at most n, while each is the common case and
 * one frame_cap_map would accept (see the top of the file): how many.
 * The entry it stops at is left untouched but for view and table pages
 * frame_cap_map would also make for it. ring: each entry's call
 * number, w[-1], must be SYS_map, and each one mapped gets its
 * completion { 0, 0 } in out.
 *
 * w may be the domain's own memory, which its other harts can rewrite
 * meanwhile: each word is read once (volatile) and only that value is
 * used. Everything the loop keeps is in locals (the cursor, the pool's
 * head, the count): its stores through the tables could alias them.
 */
static inline __attribute__((always_inline)) uint64_t
map_run(struct domain *d, struct batch_cursor *k,
	const volatile unsigned long *w, uint64_t stride, uint64_t n, bool ring,
	struct rivet_ring_done *out)
{
	struct cap *slots = d->cs.slots;
	/* The pool's records from index + 1 = 1 on: record free is
	 * maps1[free], one shift and add. */
	struct frame_mapping *maps1 =
		(struct frame_mapping *)((uintptr_t)d->maps - sizeof(*maps1));
	uint64_t nslots = d->cs.nslots, free = d->maps_free, done;
	const volatile unsigned long *w0 = w, *end = w + n * stride;
	/* The cursor's words the loop uses, in registers; reloaded after
	 * cursor_rights and cursor_move change the cursor. */
	uint64_t region = k->region, rights = k->rights, capmask = k->capmask;
	uint64_t kind = k->kind, perm = k->perm, recword = k->recword;
	uintptr_t leafb = k->leaf, viewb = k->view;
	struct frame *frames = k->frames;
	uint64_t bank_base = k->bank_base, bank_frames = k->bank_frames;

	/* A revoke in progress somewhere: frame_cap_map says which
	 * capabilities it keeps from being mapped (E_BUSY). */
	if (domain_caps.nrevoking)
		return 0;
	for (; w != end; w += stride) {
		uint64_t slot, va, r, obj, pte, i, rec;
		uint64_t *leaf;
		struct frame_mapping *m;
		struct frame *f = 0;
		struct cap *c;
		uint64_t tr;

		if (ring && w[-1] != SYS_map)
			break;
		slot = w[0];
		va = w[1];
		r = w[2];
		if (r != rights) {
			if (!cursor_rights(k, r))
				break;
			rights = r;
			capmask = k->capmask;
			kind = k->kind;
			perm = k->perm;
			recword = k->recword;
		}
		/* va's offset in its page, shifted up: no mask to keep. */
		if (va << (64 - PAGE_SHIFT) || slot >= nslots || !free)
			break;
		c = &slots[slot];
		tr = *(const uint16_t *)c; /* type, rights */
		/* capwant is capmask with the type CAP_FRAME for 0xff. */
		if ((tr & capmask) != (capmask ^ (0xff ^ CAP_FRAME)) ||
		    c->size != 1)
			break;
		obj = c->object;
		if (kind) {
			/* frame_wx_check of one frame, the first bank inline
			 * (below it, i wraps past bank_frames); a frame the
			 * table does not have goes the general way. */
			i = (obj - bank_base) >> FRAME_SHIFT;
			if (i < bank_frames) {
				f = &frames[i];
			} else {
				f = frame_entry(mem_frames(), obj);
				if (!f)
					break;
			}
			if (f->wx_maps && f->wx != kind)
				break; /* E_BUSY */
		}
		if (va >> 21 != region) {
			if (!cursor_move(d, k, va))
				break;
			region = k->region;
			leafb = k->leaf;
			viewb = k->view;
		}
		leaf = (uint64_t *)(leafb + (va >> 9));
		if (*leaf & PTE_V)
			break; /* E_EXIST */
		pte = pte_leaf_with(obj, perm);
		*leaf = pte;
		if (kind) {
			f->wx = (uint16_t)kind;
			f->wx_maps++;
		}
		/* frame_map_record's view entry and record, a word each. */
		*(uint64_t *)(viewb + (va >> 9)) = pte;
		m = &maps1[free];
		rec = recword | *(const uint32_t *)&c->user; /* its low half */
		c->user = free;
		free = (uint64_t)(int32_t)m->next; /* below 2^31: one lw */
		((uint64_t *)m)[0] = va;
		((uint64_t *)m)[1] = rec;
		if (ring) {
			out->rc = 0;
			out->val = 0;
			out++;
		}
	}
	done = (uint64_t)(w - w0) / stride;
	d->maps_free = (uint32_t)free;
	d->nmappings += (uint32_t)done;
	k->mapped |= done != 0;
	return done;
}

static __attribute__((noinline)) uint64_t
map_run_batch(struct domain *d, struct batch_cursor *k,
	      const volatile unsigned long *w, uint64_t n)
{
	return map_run(d, k, w, MAP_STRIDE, n, false, 0);
}

uint64_t map_run_ring(struct domain *d, struct batch_cursor *k,
		      const volatile struct rivet_ring_entry *e, uint64_t n,
		      struct rivet_ring_done *out)
{
	if (!FAST_MAP_BATCH)
		return 0;
	return map_run(d, k, e->args, RING_STRIDE, n, true, out);
}

/* Maps the entry { slot, vaddr, rights } the general way, within the
 * piece that began at start (first: the piece's first map, which always
 * gets on); the cursor is dropped, since the general map may change
 * tables it does not know about. */
static long map_one(struct domain *d, struct batch_cursor *k,
		    const unsigned long *e, uint64_t start, bool first)
{
	k->region = ~0ULL;
	if (!cap_slot_valid(e[0]) || e[2] > 0xff)
		return E_INVAL;
	return frame_cap_map_some(d, (uint32_t)e[0], e[1], (unsigned)e[2],
				  start, MAP_INSNS, first);
}

struct batch_cursor map_cursor_start(void)
{
	struct frame_table *ft = mem_frames();

	return (struct batch_cursor){ .region = ~0ULL,
				      .rights = ~0ULL,
				      .frames = ft->frames,
				      .bank_base = ft->banks[0].base,
				      .bank_frames = ft->banks[0].n };
}

void map_cursor_end(struct domain *d, struct batch_cursor *k)
{
	if (k->mapped)
		uvm_flush_asid(d->as.asid);
	k->mapped = false;
}

void map_batch_each(struct domain *d, const struct rivet_ring_entry *e,
		    uint64_t n, struct rivet_ring_done *out)
{
	struct batch_cursor k = map_cursor_start();
	uint64_t i, start = arch_instret();

	for (i = 0; i < n; i++) {
		i += map_run_ring(d, &k, &e[i], n - i, &out[i]);
		if (i == n)
			break;
		/* A large capability maps within one piece (MAP_INSNS for
		 * the whole run; the first entry always gets on): one that
		 * stopped part-way or never began says E_BUSY, what it mapped
		 * stays, and the same map again goes on from its record. */
		out[i].rc = map_one(d, &k, e[i].args, start, i == 0);
		out[i].val = 0;
		if (out[i].rc == SYSCALL_RESTART)
			out[i].rc = E_BUSY;
	}
	map_cursor_end(d, &k);
}

/*
 * The entries of d's array at uva from done on, at most n, that can be
 * read in place (in uva's page, wholly): where they are and how many,
 * or 0 (not readable, or the first of them runs into the next page).
 */
static const volatile unsigned long *entries_in_place(struct domain *d,
						      uint64_t uva, uint64_t *n)
{
	uint64_t fit = (PAGE_SIZE - (uva & (PAGE_SIZE - 1))) /
		       sizeof(struct rivet_map_entry);
	const volatile unsigned long *w = user_page_kva(d, uva, false);

	if (*n > fit)
		*n = fit;
	return *n ? w : 0;
}

long map_batch_sys(struct domain *d, uint64_t uva, uint64_t count,
		   uint64_t *val)
{
	struct rivet_map_entry e;
	struct batch_cursor k = map_cursor_start();
	const volatile unsigned long *w;
	uint64_t done = 0, n, m, before, start = arch_instret();
	long rc = 0;

	if (count > RIVET_MAP_BATCH_MAX)
		return E_TOOBIG;
	before = syscall_restart_take(d, uva);
	while (done < count) {
		if (done &&
		    (done >= MAP_BATCH_PER_ENTRY || arch_irq_pending() ||
		     arch_instret() - start >= MAP_INSNS))
			goto restart;
		n = count - done < MAP_BATCH_RUN ? count - done : MAP_BATCH_RUN;
		w = entries_in_place(d, uva + done * sizeof(e), &n);
		if (FAST_MAP_BATCH && w) {
			m = map_run_batch(d, &k, w, n);
			done += m;
			if (m == n)
				continue;
			w += m * MAP_STRIDE;
		}
		/* One entry the general way: the one the run refused, or one
		 * that cannot be read in place, read once into e. */
		if (w) {
			e.slot = w[0];
			e.vaddr = w[1];
			e.rights = w[2];
		} else if (copy_from_user(d, &e, uva + done * sizeof(e),
					  sizeof(e))) {
			rc = E_RANGE;
			break;
		}
		rc = map_one(d, &k, &e.slot, start, !done);
		if (rc == SYSCALL_RESTART)
			goto restart;
		if (rc)
			break;
		done++;
	}
	*val = before + done;
	goto out;
restart:
	d->ctx.x[REG_A0] = uva + done * sizeof(e);
	d->ctx.x[REG_A1] = count - done;
	syscall_restart_keep(d, d->ctx.x[REG_A0], before + done);
	rc = SYSCALL_RESTART;
out:
	map_cursor_end(d, &k);
	syscall_note_stretch(start);
	return rc;
}
