/* SPDX-License-Identifier: MIT */
/*
 * What the scheduler's files share; the rest of the kernel uses sched.h.
 * By concern: sched.c the run queue and the calls behind the system
 * calls; sched_deadline.c deadlines and the timer; sched_idle.c the idle
 * loop and the in-place interrupt resume; sched_strike.c slice ends,
 * grace periods and strikes; sched_fpu.c the lazy FP switch. The pieces
 * the measured paths go through are inline here, so that the split costs
 * them no call.
 */
#ifndef KERNEL_SCHED_CORE_H
#define KERNEL_SCHED_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/sched/bkl.h"
#include "kernel/sched/domain.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/trace.h"

/* This hart's record, from tp (arch_hart_get; sched_hart_enter set it). */
static inline struct hart_sched *this_hart(void)
{
	return (struct hart_sched *)arch_hart_get();
}

/* The run queue is doubly linked so a directed yield removes its target
 * in O(1); d->queued_on says which one d is on (NULL: none), and its links
 * mean nothing while it is on none. The running domain is never on it. */
static inline void runq_push(struct domain *d)
{
	struct hart_sched *h = d->hart;

	d->next = 0;
	d->prev = h->tail;
	if (h->tail)
		h->tail->next = d;
	else
		h->head = d;
	h->tail = d;
	d->queued_on = h;
}

static inline void runq_remove(struct domain *d)
{
	struct hart_sched *h = d->queued_on;

	if (!h)
		return;
	if (d->prev)
		d->prev->next = d->next;
	else
		h->head = d->next;
	if (d->next)
		d->next->prev = d->prev;
	else
		h->tail = d->prev;
	d->queued_on = 0;
}

/* The next domain to run here; one another hart ended while it was
 * queued is dropped on the way (only this hart changes its queue). */
static inline struct domain *runq_pop(void)
{
	struct domain *d;

	while ((d = this_hart()->head)) {
		runq_remove(d);
		if (domain_live(d))
			break;
	}
	return d;
}

/* The earliest kernel deadline (abort protocol or a domain's timer
 * event), cached: it is asked on every switch and wake-up but changes
 * only when a deadline is set, fires or its domain ends
 * (sched_deadline.c). */
extern uint64_t sched_deadline_cache;
extern bool sched_deadline_cache_valid;
uint64_t sched_deadline_recompute(void);

static inline uint64_t next_deadline(void)
{
	if (sched_deadline_cache_valid)
		return sched_deadline_cache;
	return sched_deadline_recompute();
}

/* Fires every deadline at or before now (the slow part). */
void sched_expire_due(uint64_t now);

static inline void expire_deadlines(uint64_t now)
{
	if (now < next_deadline())
		return; /* the common case: an interrupt, not a deadline */
	sched_expire_due(now);
}

/* Programs the timer for d's next deadline, unless it already is. */
static inline void arm_timer(struct domain *d)
{
	uint64_t when = d->grace_end ? d->grace_end : d->slice_end;
	uint64_t abort_at = next_deadline();
	struct hart_sched *h = this_hart();

	if (abort_at < when)
		when = abort_at;

	if (h->armed == when)
		return; /* a directed yield keeps the caller's deadline */
	h->armed = when;
	timer_set(when);
}

/* Saves prev's FP registers if it changed them; loads next's if it has
 * FP (sched_fpu.c). */
void fpu_switch(struct domain *prev, struct domain *next);

/* Makes d the running domain; slice_end is when its slice ends. */
static inline __attribute__((always_inline)) void switch_to(struct domain *d,
							    uint64_t slice_end)
{
	struct hart_sched *h = this_hart();
	struct domain *prev = h->current;

	trace_switch(prev, d);
	if (prev != d) {
		/* Most domains never touch FP: test inline, switch out of line. */
		if ((prev && arch_fp_dirty(&prev->ctx)) ||
		    arch_fp_used(&d->ctx))
			fpu_switch(prev, d);
		arch_switch_as(&d->as);
	}
	h->current = d;
	d->slice_end = slice_end;
	d->grace_end = 0;
	d->info->slice_end = slice_end;
	arm_timer(d);
}

static inline __attribute__((always_inline)) void fresh_slice(struct domain *d)
{
	d->slices_used++;
	d->info->slices_used = d->slices_used;
	switch_to(d, timer_now() + d->slice_ticks);
}

/* Picks the next domain to run, or powers off when none is left
 * (sched.c). Returns with this_hart()->current set. */
void schedule_next(void);

/* Nobody can run here: waits for a deadline, an interrupt or another
 * hart's wake-up (sched_idle.c) until this hart has a domain to run or
 * every domain has ended. False when nothing can wake anyone any more. */
bool sched_idle(void);

/* Asks h to look at its domains (sched.c). */
void sched_kick(struct hart_sched *h);
/* Queues what other harts woke here, all but skip (sched.c). */
void sched_take_wakeups(struct domain *skip);
/* Forgets this hart's current domain if it has ended (sched.c). */
void sched_drop_ended(void);

/* Back to U-mode in d, giving up the big kernel lock on the way. */
static inline __attribute__((noreturn)) void sched_leave(struct domain *d)
{
	sched_unlock();
	return_to_user(&d->ctx);
}

/*
 * Claims t's wake-up: its state from WAITING to RUNNABLE, unless someone
 * else did first. The lock does not cover every waker: the notify fast
 * path of t's own hart (arch/riscv/notify_fast.S) and its hart's idle
 * resume (sched_idle.c) claim the same way without it (docs/smp.md).
 */
static inline bool claim_wakeup(struct domain *t)
{
	enum domain_state waiting = DOMAIN_WAITING;

	return __atomic_compare_exchange_n(&t->state, &waiting, DOMAIN_RUNNABLE,
					   false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

/* Every live domain waits and nothing can wake them: ends them. */
void sched_break_deadlock(void);

#endif
