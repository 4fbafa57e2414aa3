// SPDX-License-Identifier: MIT
/*
 * The end of a domain: one-way at once, then what it held comes back in
 * bounded pieces (the reaper).
 *
 * Ending (domain_destroy, domain_kill) is short: the domain is marked
 * ended and taken off the scheduler before anything that can log, revoke
 * or tell peers; what it spawned ends with it; the abort protocol and the
 * log let go of it. Everything else stays allocated to it, unusable by
 * anyone else, until the reaper has returned it: its capabilities (and
 * what others derived from them), its slot array, its address space and
 * ASID, its table entry and its quota. A full 65,536-slot space took
 * about 20 million instructions in one entry when this was done at once.
 *
 * The reaper works in pieces of about REAP_INSNS instructions (rdinstret,
 * exact under -icount): one at every scheduling point, more while the
 * hart idles, and those of a spawner's kill in its own restartable call.
 * Power-off waits for all of them. A spawned domain is reaped before its
 * spawner: its quota is lent from the spawner's and goes back to it.
 *
 * With several harts, a domain is reaped only by the hart it was placed
 * on (docs/smp.md): only that hart may still have it queued, current, in
 * satp or in its TLB, and it drops it from all of those before its
 * reaper starts. A spawned domain is placed on its spawner's hart.
 */
#include "kernel/sched/domain.h"

#include <stdarg.h>

#include "kernel/arch.h"
#include "kernel/cap/abort.h"
#include "kernel/cap/cap_syscall.h"
#include "kernel/cap/channel.h"
#include "kernel/cap/spawn.h"
#include "kernel/lib/klog.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/vsnprintf.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/bkl.h"
#include "kernel/sched/domain_internal.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sched_core.h"
#include "kernel/syscall.h"

/*
 * A piece's share. A piece at a scheduling point comes on top of the
 * trap or system call that led there (an exit ends in an entry that has
 * done little else, kernel/cap/cap_syscall.c), and a piece can overrun
 * its share by one chunk of capability steps (about 16,000): 20,000
 * keeps the whole entry well under 100,000. A kill's own entry has the
 * 50,000 of every restartable call.
 */
#define REAP_INSNS 20000
#define KILL_INSNS 50000
/* Valid page-table entries one call of uvm_destroy_some frees (about
 * 170 instructions each). A valid entry may be a table to enter, whose
 * 512 entries are scanned (five instructions each, most of them empty):
 * a call enters at most PTES_PER_CALL + 3 tables, about 28,000
 * instructions at worst. */
#define PTES_PER_CALL 8
/* Slot-array frames freed between two looks at the clock. */
#define SLOT_PAGES_PER_LOOK 16

enum reap_phase {
	REAP_NONE,
	REAP_CAPS,  /* capabilities, and what was derived from them */
	REAP_SLOTS, /* the capability space and its slot array */
	REAP_SPACE, /* the address space: mapped frames and table pages */
};

unsigned domain_reaping;

/* Every other live domain learns that d ended (RIVET_EVENT_PEER_EXIT). */
static void tell_peers_exit(struct domain *d)
{
	unsigned i;

	for (i = 0; i < ndomains; i++)
		if (&domains[i] != d && domain_live(&domains[i]))
			sched_notify(&domains[i], RIVET_EVENT_PEER_EXIT);
}

/*
 * One-way from its first line: d is marked ended and taken off the
 * scheduler before anything else happens, because every step after it
 * may log (and a log line wakes the console owner), post revocations or
 * tell peers, and none of that may wake d again: a woken d would be run
 * with its info page and address space gone.
 */
void domain_destroy(struct domain *d, enum domain_state state)
{
	d->state = state;
	if (!d->reap_phase) {
		d->reap_phase = REAP_CAPS;
		d->reap_next = 0;
		d->reap_insns = d->reap_pieces = d->reap_longest = 0;
		domain_reaping++;
	}
	*d->registry_state = domain_registry_value(d); /* ENDING */
	sched_forget(d);
	/* What it spawned ends next: a spawner outlives its children,
	 * whose quotas are lent from its own (reaped first, below). */
	spawn_children_end(d);
	abort_target_gone(d);
	abort_requester_gone(d);
	klog_owner_gone(d);
	d->timer_at = 0;
	sched_deadlines_changed();
	/* Peers learn of the end now, not when all is back: a domain
	 * waiting for it may run at once (the deadlock breaker relies on
	 * that); the registry says ENDING until everything is returned.
	 * Channel peers learn it first, from their channel entry. */
	channel_domain_gone(d);
	tell_peers_exit(d);
}

void domain_drop_build(struct domain *d)
{
	/* Never run, never scheduled, nobody holds a capability for it:
	 * nothing to tell anyone. */
	d->state = DOMAIN_FREE;
	d->reap_phase = REAP_CAPS;
	d->reap_next = 0;
	d->reap_insns = d->reap_pieces = d->reap_longest = 0;
	domain_reaping++;
	*d->registry_state = domain_registry_value(d); /* ENDING */
}

void domain_kill(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(d->kill_reason, sizeof(d->kill_reason), fmt, ap);
	va_end(ap);
	/* Ended before the message: logging it must not wake d (it may be
	 * the console owner waiting for log text). */
	d->state = DOMAIN_KILLED;
	sched_forget(d);
	pr_err("domain %s (id %u) killed: %s\n", d->name, d->id,
	       d->kill_reason);
	domain_destroy(d, DOMAIN_KILLED);
}

static bool over(uint64_t start, uint64_t limit)
{
	return arch_instret() - start >= limit;
}

/* A run a frame_alloc left part-way, the capability space (emptied by
 * REAP_CAPS, so no scan) and the slot array's frames, from d->reap_next
 * on. */
static bool reap_slots(struct domain *d, uint64_t start, uint64_t limit)
{
	if (d->run.held && !frame_cap_run_free_some(d, start, limit))
		return false;
	if (d->cs.live)
		cspace_destroy(&domain_caps, &d->cs, cap_deleted, 0);
	while (d->reap_next < d->slots_pages) {
		domain_frame_free(d, d->slots_pa + d->reap_next * PAGE_SIZE);
		d->reap_next++;
		if (d->reap_next % SLOT_PAGES_PER_LOOK == 0 &&
		    over(start, limit))
			return false;
	}
	d->slots_pages = 0;
	return true;
}

static bool reap_space(struct domain *d, uint64_t start, uint64_t limit)
{
	while (!uvm_destroy_some(&d->as, &d->reap_next, PTES_PER_CALL))
		if (over(start, limit))
			return false;
	/* Here and on every other hart that ran it since its last fence:
	 * its ASID may go to the next domain made, on any hart. */
	uvm_fence_everywhere(&d->as);
	return true;
}

/* Everything is back: the quota (to the spawner, if lent), the entry. */
static void reap_finish(struct domain *d)
{
	quota_release(d);
	if (d->used_frames)
		pr_err("domain %s: %llu frames still owned after teardown\n",
		       d->name, (unsigned long long)d->used_frames);
	spawn_return_quota(d);
	d->reap_phase = REAP_NONE;
	domain_reaping--;
	domain_registry_state(d); /* EXITED or KILLED: all is back */
	/* A build that failed in the last entry: the entry is fresh again,
	 * as if never taken (the next domain gets the id it would have). */
	if (d->state == DOMAIN_FREE && d == &domains[ndomains - 1]) {
		ndomains--;
		domain_registry_update();
	}
}

/* Goes on with d's reaping until about limit instructions from start
 * have gone; true once all d held is freed. */
static bool reap_piece(struct domain *d, uint64_t start, uint64_t limit)
{
	/* d runs nowhere now (reap_mine): its remote fences but its home's
	 * wait for the one at the end of reap_space (uvm.h). */
	uvm_space_ending(&d->as);
	switch (d->reap_phase) {
	case REAP_CAPS:
		/* Anything it leaves (a slot that filled again behind the
		 * cursor) goes with the space, below. */
		if (cap_release_some(d, &d->reap_next, start, limit) ==
		    SYSCALL_RESTART)
			return false;
		d->reap_phase = REAP_SLOTS;
		d->reap_next = 0;
		if (over(start, limit))
			return false;
		/* fall through */
	case REAP_SLOTS:
		if (!reap_slots(d, start, limit))
			return false;
		d->reap_phase = REAP_SPACE;
		d->reap_next = 0;
		domain_unmap_registry(d);
		/* Its pages go now: nobody may look at them any more. */
		d->info = 0;
		d->upcall = 0;
		if (over(start, limit))
			return false;
		/* fall through */
	case REAP_SPACE:
		return reap_space(d, start, limit);
	default:
		return true;
	}
}

/* Is d's reaping this hart's job, and can it go on now (d is not still
 * this hart's current domain)? A domain another hart ended may still be
 * on this hart's run queue: it leaves it here. */
static bool reap_mine(struct domain *d)
{
	struct hart_sched *h = this_hart();

	if (d->hart && d->hart != h)
		return false;
	if (h->current == d)
		return false;
	if (d->queued_on)
		runq_remove(d);
	return true;
}

/* What to reap first for d: a domain it spawned that is being reaped
 * (and, below that one, the same again), else d. */
static struct domain *reap_first(struct domain *d)
{
	struct domain *c;
	unsigned i;

	for (i = 0; (c = domain_at(i)); i++)
		if (c->spawner == d && c->reap_phase && reap_mine(c)) {
			d = c;
			i = (unsigned)-1; /* again, below c */
		}
	return d;
}

/* One piece for one domain under t; true once t is returned. */
static bool reap_under(struct domain *t, uint64_t start, uint64_t limit)
{
	struct domain *d = reap_first(t);
	uint64_t before = arch_instret(), spent;
	bool done = reap_piece(d, start, limit);

	if (done)
		reap_finish(d);
	spent = arch_instret() - before;
	d->reap_insns += spent;
	d->reap_pieces++;
	if (spent > d->reap_longest)
		d->reap_longest = spent;
	/* For whoever measures the bound (docs/performance.md). */
	if (done)
		pr_debug("domain %s: teardown took %llu instructions in %llu "
			 "pieces, the longest %llu\n",
			 d->name, (unsigned long long)d->reap_insns,
			 (unsigned long long)d->reap_pieces,
			 (unsigned long long)d->reap_longest);
	return done && d == t;
}

/* The first ended domain this hart is to reap now, or NULL. */
static struct domain *reap_next(void)
{
	unsigned i;

	for (i = 0; i < ndomains; i++)
		if (domains[i].reap_phase && reap_mine(&domains[i]))
			return &domains[i];
	return 0;
}

/* One piece; false if this hart had nothing to reap. */
static bool reap_one_piece(void)
{
	uint64_t start = arch_instret();
	struct domain *d = reap_next();

	if (!d)
		return false;
	reap_under(d, start, REAP_INSNS);
	syscall_note_stretch(start);
	return true;
}

void domain_reap_piece(void)
{
	reap_one_piece();
}

void domain_reap_idle(void)
{
	/* The big kernel lock is held: another hart waits a piece at most. */
	while (domain_reaping && !arch_irq_pending() && reap_one_piece())
		bkl_let_waiters_in();
}

void domain_reap_all(void)
{
	while (domain_reaping && reap_one_piece())
		;
}

bool domain_reap_some(struct domain *t, uint64_t start)
{
	bool done = !t->reap_phase;

	if (!done && !reap_mine(t))
		return false; /* its own hart reaps it; the caller restarts */

	/* At least one piece per entry, so a kill always gets on. */
	while (!done) {
		done = reap_under(t, start, KILL_INSNS);
		if (over(start, KILL_INSNS) || arch_irq_pending())
			break;
	}
	syscall_note_stretch(start);
	return done;
}
