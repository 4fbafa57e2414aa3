// SPDX-License-Identifier: MIT
/*
 * Capability system calls: derive (copy into one's own space, or grant into
 * another domain's through a domain capability), delete, revoke, inspect.
 * Each decodes its arguments completely before calling into kernel/cap/cap.c.
 */
#include "kernel/cap/cap_syscall.h"

#include "kernel/arch.h"
#include "kernel/cap/abort.h"
#include "kernel/sched/domain.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/cap/frame_delete.h"
#include "kernel/cap/irq_cap.h"
#include "kernel/cap/notify_cap.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

/* The ABI's numbers are the kernel's. */
_Static_assert(RIVET_CAP_R == CAP_R && RIVET_CAP_W == CAP_W &&
		       RIVET_CAP_X == CAP_X && RIVET_CAP_GRANT == CAP_GRANT,
	       "rights");
_Static_assert(RIVET_CAP_FRAME == CAP_FRAME && RIVET_CAP_DOMAIN == CAP_DOMAIN &&
		       RIVET_CAP_IRQ == CAP_IRQ &&
		       RIVET_CAP_DEVICE == CAP_DEVICE,
	       "types");

/* What deleting c (at ref) undoes, for actor (0: the kernel). Inlined
 * into both callbacks: revoke_per_node (make bench) runs it per node. */
static inline __attribute__((always_inline)) void
deleted_by(struct domain *actor, cap_ref_t ref, const struct cap *c)
{
	struct domain *holder = domain_by_id(cap_ref_space(ref));

	if (c->type == CAP_FRAME || c->type == CAP_DEVICE)
		frame_cap_deleted(ref,
				  c); /* mappings, and frames if original */
	if (c->type == CAP_IRQ)
		irq_cap_deleted(ref, c);
	if (holder && holder != actor)
		domain_post_revoked(holder, cap_ref_slot(ref), c->type,
				    c->object);
}

void cap_deleted(void *ctx, cap_ref_t ref, const struct cap *c)
{
	deleted_by(ctx, ref, c);
}

/* The space a derive goes to: the caller's, or the domain a capability
 * with the grant right names. */
static long dest_space(struct domain *d, uint64_t dest, struct cspace **out)
{
	struct cap *dc;
	struct domain *t;
	long rc;

	if (dest == ~0UL) {
		*out = &d->cs;
		return 0;
	}
	if (!cap_slot_valid(dest))
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)dest, CAP_DOMAIN, CAP_GRANT, &dc);
	if (rc)
		return rc;
	t = domain_by_object(dc->object);
	if (!domain_live(t))
		return E_NOENT;
	*out = &t->cs;
	return 0;
}

long cap_sys_derive(struct domain *d, uint64_t slot, uint64_t dest,
		    uint64_t mask, uint64_t badge, uint64_t *new_slot)
{
	struct cspace *dst;
	struct cap *src;
	uint32_t s;
	long rc;

	if (!cap_slot_valid(slot) || mask & ~(uint64_t)CAP_ALL)
		return E_INVAL;
	rc = dest_space(d, dest, &dst);
	if (rc)
		return rc;
	/* A notification capability's badge is a right: copies narrow it. */
	if (!cap_lookup(&d->cs, (uint32_t)slot, CAP_NOTIFY, 0, &src) &&
	    !notify_cap_badge_ok(src, badge))
		return E_PERM;
	rc = cap_derive(&domain_caps, &d->cs, (uint32_t)slot, dst,
			(unsigned)mask, badge, &s);
	if (!rc)
		*new_slot = s;
	return rc;
}

/*
 * Bounded kernel time. A revoke takes at most 2n O(1) steps for n
 * descendants (kernel/cap/cap.c), and 65,534 of them ran 18.6 ms with
 * interrupts off. So a system call stops, after any CHUNK steps, once an
 * interrupt is pending or it has run INSNS_MAX instructions in this entry
 * (rdinstret), and after STEPS_MAX steps in any case; then it is
 * restarted (SYSCALL_RESTART) and goes on, when the domain next runs,
 * from the tree as it is then. A step is a deletion, a move in the tree,
 * the removal of up to STEP_PAGES pages of a capability's mappings (a
 * megapage is one leaf: it goes whole), or the freeing of STEP_FRAMES
 * frames of an original being deleted: a capability's mappings and
 * frames go before it is deleted (prepare, unmap_bounded, free_bounded),
 * so no deletion has more than one page to undo. Pages removed also
 * count on their own: after PAGES_LOOK of them the clock is looked at,
 * whatever the steps. docs/performance.md gives the measured worst case
 * per entry.
 */
#define CHUNK	    16
#define STEPS_MAX   128
#define INSNS_MAX   50000
#define STEP_PAGES  16
#define STEP_FRAMES 4
#define PAGES_LOOK  64
/* What an exit may have spent in the entry that ends it. */
#define EXIT_TAIL_INSNS 10000

/* What one kernel entry of a restartable call has done so far. */
struct entry {
	uint64_t start; /* rdinstret when the call began */
	uint32_t steps;
	uint64_t limit; /* instructions it may spend */
	uint64_t pages; /* pages unmapped since the clock was looked at */
};

/* The context of a revoke's callbacks: who acts, and its entry. */
struct revoke_ctx {
	struct domain *actor;
	struct entry *e;
};

static void revoke_deleted(void *ctx, cap_ref_t ref, const struct cap *c)
{
	deleted_by(((struct revoke_ctx *)ctx)->actor, ref, c);
}

/* cap_prepare_fn: at most STEP_PAGES pages of mappings removed per step
 * (c->user heads the mapping list of a frame or device capability), and
 * none once PAGES_LOOK were since the clock was looked at: the rest of
 * that chunk of steps is empty. */
static bool prepare(void *ctx, cap_ref_t ref, struct cap *c)
{
	struct entry *e = ((struct revoke_ctx *)ctx)->e;

	if (e->pages >= PAGES_LOOK)
		return false;
	return frame_cap_unmap_some(ref, c, STEP_PAGES, &e->pages);
}

/* Has this entry done its share, now that it did more steps? */
static bool entry_done(struct entry *e, uint32_t more)
{
	e->steps += more;
	if (e->steps >= STEPS_MAX)
		return true;
	if (e->steps % CHUNK && e->pages < PAGES_LOOK)
		return false;
	e->pages = 0;
	return arch_irq_pending() || arch_instret() - e->start >= e->limit;
}

/*
 * Revokes below d's slot for actor (0: the kernel, whose deletions d is
 * told of too), counting in e. Returns 0 when nothing is
 * left below it, SYSCALL_RESTART if something is and this entry has done
 * its share, or the lookup errors; *count = how many this call deleted.
 */
static long revoke_some(struct domain *d, uint32_t slot, uint32_t *count,
			struct entry *e, struct domain *actor)
{
	struct revoke_ctx ctx = { actor, e };
	uint32_t n;
	long rc;

	*count = 0;
	for (;;) {
		rc = cap_revoke_some(&domain_caps, &d->cs, slot, revoke_deleted,
				     prepare, &ctx, CHUNK, &n);
		*count += n;
		if (rc != CAP_REVOKE_MORE)
			return rc;
		if (entry_done(e, CHUNK)) {
			/* No copy of what is left may be made until the call
			 * ends (syscall_dispatch clears the record). */
			cap_revoking_set(&domain_caps, &d->cs, slot);
			return SYSCALL_RESTART;
		}
	}
}

/* revoke_some with the remote TLB fences of every space it unmaps from
 * gathered into one SBI call (uvm_fence_others, docs/smp.md "TLB
 * shootdown"), sent before this entry returns or lets the lock go. */
static long revoke_bounded(struct domain *d, uint32_t slot, uint32_t *count,
			   struct entry *e, struct domain *actor)
{
	long rc;

	uvm_fence_batch_begin();
	rc = revoke_some(d, slot, count, e, actor);
	uvm_fence_batch_end();
	return rc;
}

/* Unmaps what c itself mapped, STEP_PAGES pages per step, counting in e;
 * 0 once none is left, else SYSCALL_RESTART. */
static long unmap_bounded(struct domain *d, uint32_t slot, struct cap *c,
			  struct entry *e)
{
	while (!frame_cap_unmap_some(cap_ref(d->cs.id, slot), c, STEP_PAGES,
				     &e->pages))
		if (entry_done(e, 1))
			return SYSCALL_RESTART;
	return 0;
}

/* Frees an original's frames (once it has no copy and no mapping),
 * STEP_FRAMES per step, counting in e; 0 once one is left (the
 * deletion frees it), else SYSCALL_RESTART. */
static long free_bounded(struct domain *d, uint32_t slot, struct cap *c,
			 struct entry *e)
{
	while (!frame_cap_free_some(cap_ref(d->cs.id, slot), c, STEP_FRAMES))
		if (entry_done(e, 1))
			return SYSCALL_RESTART;
	return 0;
}

/* What deleting d's slot (c) leaves to do, in bounded pieces: an
 * original's copies, then c's mappings, then an original's frames. */
static long delete_prepare(struct domain *d, uint32_t slot, struct cap *c,
			   struct entry *e, struct domain *actor)
{
	bool original =
		c->type == CAP_FRAME && (c->flags & CAPF_FRAME_ORIGINAL);
	uint32_t n;
	long rc = 0;

	bool copies = true;

#ifdef CONFIG_FAST_CAP_DELETE
	/* No copy (the common case): nothing to revoke, no walk to find so. */
	copies = c->first_child != CAP_REF_NONE;
#endif
	if (original && copies)
		rc = revoke_bounded(d, slot, &n, e, actor);
	if (!rc)
		rc = unmap_bounded(d, slot, c, e);
	if (!rc && original)
		rc = free_bounded(d, slot, c, e);
	return rc;
}

/*
 * Is deleting c (d's) small enough to need no preparing in pieces: a
 * one-page frame capability with no copy and at most one mapping (a
 * demand-paged frame given back), which the deletion itself unmaps and
 * frees (frame_cap_deleted) in bounded time? Its C twin is
 * delete_prepare, whose every step finds nothing to do then.
 */
static bool delete_is_small(const struct domain *d, const struct cap *c)
{
#ifdef CONFIG_FAST_CAP_DELETE
	return c->type == CAP_FRAME && c->size == 1 &&
	       c->first_child == CAP_REF_NONE &&
	       (!c->user || !d->maps[c->user - 1].next);
#else
	return false;
#endif
}

long cap_sys_delete_as(struct domain *d, uint32_t slot, struct domain *actor)
{
	struct cap *c;
	long rc = cap_lookup(&d->cs, slot, CAP_NULL, 0, &c);

	if (rc)
		return rc;
	/* The frames die with the original: no copy may outlive them. */
	if (c->type == CAP_FRAME && (c->flags & CAPF_FRAME_ORIGINAL))
		cap_revoke(&domain_caps, &d->cs, slot, cap_deleted, actor, 0);
	return cap_delete(&domain_caps, &d->cs, slot, cap_deleted, actor);
}

/* An original's copies go first (its frames must not outlive them), then
 * the capability's own mappings, then an original's frames, in bounded
 * pieces; the deletion itself is one more step. */
long cap_sys_delete(struct domain *d, uint64_t slot)
{
	struct entry e = { arch_instret(), 0, INSNS_MAX, 0 };
	struct cap *c;
	long rc;

	if (!cap_slot_valid(slot))
		return E_INVAL;
	/* Nothing to keep for a restart: the tree, c's mappings and its
	 * size say what is left. */
	rc = cap_lookup(&d->cs, (uint32_t)slot, CAP_NULL, 0, &c);
#ifdef CONFIG_FAST_CAP_DELETE
	/* A demand-paged page given back: one bounded step. */
	if (!rc && frame_delete_page(d, c, (uint32_t)slot)) {
		abort_check(d);
		return 0;
	}
#endif
	if (!rc && !delete_is_small(d, c))
		rc = delete_prepare(d, (uint32_t)slot, c, &e, d);
	if (!rc)
		rc = cap_delete(&domain_caps, &d->cs, (uint32_t)slot,
				cap_deleted, d);
	syscall_note_stretch(e.start);
	if (!rc)
		abort_check(d); /* frames given back by choice */
	return rc;
}

long cap_delete_some(struct domain *d, uint32_t slot, struct domain *actor,
		     uint64_t start, uint64_t limit)
{
	struct entry e = { start, 0, limit, 0 };
	struct cap *c;
	long rc = cap_lookup(&d->cs, slot, CAP_NULL, 0, &c);

	if (!rc)
		rc = delete_prepare(d, slot, c, &e, actor);
	if (!rc)
		rc = cap_delete(&domain_caps, &d->cs, slot, cap_deleted, actor);
	return rc;
}

/*
 * Deletes every capability of d and, first, everything derived from each,
 * wherever it is, from slot *next on: what cspace_destroy does, in
 * bounded pieces. Returns 0 once the space is empty, else
 * SYSCALL_RESTART with *next where to go on (a slot before it that
 * filled again meanwhile is left to teardown, which catches everything).
 */
static long release_all(struct domain *d, uint64_t *next, struct entry *e)
{
	uint64_t i;
	uint32_t n;
	long rc;

	for (i = *next; i < d->cs.nslots && d->cs.used; i++) {
		struct cap *c = &d->cs.slots[i];

		if (c->type == CAP_NULL) {
			/* Empty slots cost a few instructions: 64 a step. */
			if (i % 64 == 63 && entry_done(e, 1))
				break;
			continue;
		}
		/* What others derived goes too, not only an original's. */
		rc = revoke_bounded(d, (uint32_t)i, &n, e, d);
		if (!rc)
			rc = delete_prepare(d, (uint32_t)i, c, e, d);
		if (rc) {
			*next = i;
			return rc;
		}
		cap_delete(&domain_caps, &d->cs, (uint32_t)i, cap_deleted, d);
		if (entry_done(e, 1))
			break;
	}
	*next = i + (i < d->cs.nslots && d->cs.used);
	return i < d->cs.nslots && d->cs.used ? SYSCALL_RESTART : 0;
}

long cap_sys_exit(struct domain *d, uint64_t status)
{
	struct entry e = { arch_instret(), 0, INSNS_MAX, 0 };
	uint64_t next = syscall_restart_take(d, status);
	long rc;

	/* Only its home hart runs d from now on (uvm.h). */
	uvm_space_ending(&d->as);
	rc = release_all(d, &next, &e);

	/* The end comes in an entry of its own, which has done nothing
	 * else: a scheduling point follows it, and with it a piece of the
	 * reaper (kernel/sched/domain_reap.c). */
	if (!rc && arch_instret() - e.start > EXIT_TAIL_INSNS)
		rc = SYSCALL_RESTART;
	syscall_note_stretch(e.start);
	if (rc == SYSCALL_RESTART) {
		syscall_restart_keep(d, status, next);
		return rc;
	}
	sched_exit(d, (long)status);
	return 0;
}

long cap_release_some(struct domain *d, uint64_t *next, uint64_t start,
		      uint64_t limit)
{
	struct entry e = { start, 0, limit, 0 };

	return release_all(d, next, &e);
}

/* a1 counts what every piece of a restarted revoke deleted. */
long cap_sys_revoke(struct domain *d, uint64_t slot, uint64_t *count)
{
	struct entry e = { arch_instret(), 0, INSNS_MAX, 0 };
	uint32_t n = 0;
	uint64_t before;
	long rc;

	if (!cap_slot_valid(slot))
		return E_INVAL;
	before = syscall_restart_take(d, slot);
	rc = revoke_bounded(d, (uint32_t)slot, &n, &e, d);
	if (rc == SYSCALL_RESTART)
		syscall_restart_keep(d, slot, before + n);
	*count = before + n;
	syscall_note_stretch(e.start);
	return rc;
}
