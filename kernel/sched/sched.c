// SPDX-License-Identifier: MIT
/* The cooperative scheduler; see sched.h. */
#include "kernel/sched/sched.h"

#include "kernel/arch.h"
#include "kernel/cap/abort.h"
#include "kernel/cap/irq_cap.h"
#include "kernel/sched/domain.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/trace.h"
#include <rivet/errno.h>

struct hart_sched sched_harts[CONFIG_MAX_HARTS];

#ifdef CONFIG_FAST_IDLE_RESUME
#define FAST_IDLE_RESUME 1
#else
#define FAST_IDLE_RESUME 0
#endif

static struct hart_sched *this_hart(void)
{
	return &sched_harts[0]; /* the boot hart runs every domain for now */
}

struct domain *sched_current(void)
{
	return this_hart()->current;
}

/* The run queue is doubly linked so a directed yield removes its target
 * in O(1); d->queued says whether d is on it, and its links mean nothing
 * while it is not. The running domain is never on it. */
static void runq_push(struct domain *d)
{
	struct hart_sched *h = this_hart();

	d->next = 0;
	d->prev = h->tail;
	if (h->tail)
		h->tail->next = d;
	else
		h->head = d;
	h->tail = d;
	d->queued = true;
}

static void runq_remove(struct domain *d)
{
	struct hart_sched *h = this_hart();

	if (!d->queued)
		return;
	if (d->prev)
		d->prev->next = d->next;
	else
		h->head = d->next;
	if (d->next)
		d->next->prev = d->prev;
	else
		h->tail = d->prev;
	d->queued = false;
}

static struct domain *runq_pop(void)
{
	struct domain *d = this_hart()->head;

	if (d)
		runq_remove(d);
	return d;
}

/*
 * d joins the scheduler. Its satp value is worked out once here, so that a
 * switch, in C or in trap_entry.S's yield, is a single CSR write.
 */
void sched_add(struct domain *d)
{
	arch_as_activate(&d->as);
	runq_push(d);
}

/* Saves prev's FP registers if it changed them; loads next's if it has FP. */
static __attribute__((noinline)) void fpu_switch(struct domain *prev,
						 struct domain *next)
{
	if (prev && arch_fp_dirty(&prev->ctx))
		arch_fp_save(&prev->ctx, prev->fp);
	if (next && next != prev && arch_fp_used(&next->ctx))
		arch_fp_restore(next->fp);
}

static uint64_t next_deadline(void);

/* Programs the timer for d's next deadline, unless it already is. */
static void arm_timer(struct domain *d)
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

/*
 * Every live domain waits and nothing can wake them any more (idle()
 * found no deadline and no bound interrupt): end them rather than hang.
 */
static void break_deadlock(void)
{
	unsigned i;
	struct domain *d;

	for (i = 0; (d = domain_at(i)); i++)
		if (d->state == DOMAIN_WAITING)
			domain_kill(d,
				    "waits for events (mask 0x%llx) that "
				    "nothing can send any more",
				    (unsigned long long)d->wait_mask);
}

/* The earliest kernel deadline: abort protocol or a domain's timer event. */
/* The earliest deadline, cached: it is asked on every switch and wake-up
 * but changes only when a deadline is set, fires or its domain ends. */
static uint64_t deadline_cache;
static bool deadline_cache_valid;

void sched_deadlines_changed(void)
{
	deadline_cache_valid = false;
}

static uint64_t next_deadline(void)
{
	uint64_t next;
	unsigned i;
	struct domain *d;

	if (deadline_cache_valid)
		return deadline_cache;
	next = abort_next_deadline();
	for (i = 0; (d = domain_at(i)); i++)
		if (domain_live(d) && d->timer_at && d->timer_at < next)
			next = d->timer_at;
	deadline_cache = next;
	deadline_cache_valid = true;
	return next;
}

/* Fires every deadline at or before now. */
static void expire_deadlines(uint64_t now)
{
	unsigned i;
	struct domain *d;

	if (now < next_deadline())
		return; /* the common case: an interrupt, not a deadline */
	sched_deadlines_changed();
	abort_expire(now);
	for (i = 0; (d = domain_at(i)); i++)
		if (domain_live(d) && d->timer_at && now >= d->timer_at) {
			d->timer_at = 0;
			sched_notify(d, 1UL << d->timer_bit);
		}
}

long sched_timer_event(struct domain *d, uint64_t when, uint64_t bit)
{
	if (bit > 55)
		return E_INVAL;
	d->timer_at = when;
	d->timer_bit = (uint8_t)bit;
	sched_deadlines_changed();
	if (when)
		arm_timer(d);
	return 0;
}

/*
 * The interrupt-to-driver path (irq_to_handler in make bench): the hart
 * idles because d, the domain that ran last on it, waits in sched_wait
 * (h->waiter says so), nobody else is runnable, and the interrupt is one
 * d waits for. d resumes at once with a fresh slice: no run queue, no
 * unwinding (sched_wait's way out is return_to_user anyway), and
 * switch_to has nothing to switch (same address space and FP state).
 * Anything else is an ordinary sched_notify, its twin: with
 * CONFIG_FAST_IDLE_RESUME off every wake-up takes that path, and make test
 * compares what the two leave behind (tests/qemu/test_fastpath.py).
 */
static void resume_waiter_or_notify(struct domain *d, uint64_t bits)
{
	struct hart_sched *h = this_hart();
	struct rivet_info *in = d->info;
	uint64_t pending = in->pending | bits, got = pending & d->wait_mask;

	if (!FAST_IDLE_RESUME || d != h->waiter || d != h->current ||
	    d->state != DOMAIN_WAITING || h->head || !got) {
		sched_notify(d, bits);
		return;
	}
	h->waiter = 0;
	in->pending = pending & ~got;
	d->ctx.x[REG_A0] = 0;
	d->ctx.x[REG_A1] = got;
	d->state = DOMAIN_RUNNABLE;
	domain_registry_state(d);
	fresh_slice(d);
	return_to_user(&d->ctx);
}

/*
 * Takes what woke the idle hart. wfi wakes for any pending interrupt that
 * sie enables, whether or not sstatus.SIE is on, so the idle loop keeps
 * SIE off and reads sip instead of taking a trap: had it enabled SIE
 * around wfi, an interrupt taken between the enable and the wfi would
 * have left the wfi asleep until the next tick. It is also the shortest
 * path from an interrupt to the domain it wakes (irq_to_handler in make
 * bench): no trap frame is saved or restored.
 */
static void idle_take_interrupts(void)
{
	unsigned long sip = arch_pending(), other;
	struct domain *d;
	uint64_t bits;

	if (sip & ARCH_PENDING_TIMER) {
		/* Only a timer interrupt can mean a deadline has come. First:
		 * the in-place resume below does not come back. */
		timer_interrupt();
		expire_deadlines(timer_now());
	}
	if (sip & ARCH_PENDING_EXT) {
		d = irq_claim(arch_instret(), &bits);
		if (d)
			resume_waiter_or_notify(d, bits);
	}
	/* Nothing else is enabled; should something be, it must not keep
	 * wfi returning at once for ever (a trap would mask it too). Last:
	 * each pass either resumes a domain above or gets here. */
	other = arch_mask_unexpected(sip);
	if (other)
		pr_warn("sched: unexpected interrupts 0x%lx while idle, masking them\n",
			other);
}

/*
 * Nobody can run, but something may still wake a domain: a deadline (a
 * timer event, the abort protocol) or a bound interrupt. Wait for it;
 * the handlers queue the domains they wake.
 */
static void idle(void)
{
	for (;;) {
		uint64_t when = next_deadline();

		if (when == ~0ULL && !irq_any_bound())
			return; /* nothing can ever wake anyone */
		/*
		 * Only an interrupt can wake anyone: still tick every 10 ms.
		 * It costs a wake-up per tick on hardware; under QEMU's
		 * -icount sleep=off a hart idling with no timer armed stops
		 * virtual time, and device events never arrive.
		 */
		if (when == ~0ULL)
			when = timer_now() + timer_hz() / 100;
		this_hart()->armed = when;
		timer_set(when);
		/* Ended domains are reaped meanwhile, until an interrupt (the
		 * timer just armed included) is pending. */
		domain_reap_idle();
		trace_idle(true, this_hart()->current);
		arch_idle_wait();
		trace_idle(false, this_hart()->current);
		idle_take_interrupts();
		if (this_hart()->head || !domain_live_count())
			return;
	}
}

/* Picks the next domain to run, or powers off when none is left. */
static void schedule_next(void)
{
	struct domain *d;

	domain_reap_step(); /* one piece of an ended domain's teardown */
	d = runq_pop();

	if (!d && domain_live_count()) {
		idle();
		d = runq_pop();
	}
	if (!d && domain_live_count()) {
		break_deadlock();
		d = runq_pop();
	}
	if (!d) {
		this_hart()->current = 0;
		domain_reap_all(); /* everything back before the summary */
		pr_notice("rivet: all domains have ended\n");
		domain_summary();
		machine_power_off();
	}
	fresh_slice(d);
}

__attribute__((noreturn)) void sched_start(void)
{
	domain_registry_update();
	schedule_next();
	return_to_user(&this_hart()->current->ctx);
}

/*
 * Hands the rest of d's slice to t (runnable, not d): the directed yield.
 * trap_entry.S's user_yield does all of this itself in the common case (no
 * FP state to move, timer already at d's deadline): keep the two in step.
 */
static void yield_to(struct domain *d, struct domain *t)
{
	d->told = false;
	runq_remove(t);
	runq_push(d);
	t->slices_used++;
	t->info->slices_used = t->slices_used;
	switch_to(t, d->slice_end);
}

long sched_yield(struct domain *d, long target)
{
	struct domain *t;

	/* told is cleared only where the CPU is really given up (a yield
	 * to itself or to no one live gives up nothing): yield_to, and
	 * here. */
	if (target == -1) {
		d->told = false;
		runq_push(d);
		schedule_next();
		return 0;
	}
	t = domain_by_id(target);
	if (!domain_live(t))
		return E_NOENT;
	if (t == d)
		return 0;
	if (t->state == DOMAIN_WAITING)
		return E_BUSY;
	yield_to(d, t);
	return 0;
}

long sched_wait(struct domain *d, uint64_t mask)
{
	uint64_t got = d->info->pending & mask;

	if (!mask)
		return E_INVAL;
	if (got) { /* gives up nothing: told stands */
		d->info->pending &= ~got;
		d->ctx.x[REG_A1] = got;
		return 0;
	}
	d->told = false;
	d->state = DOMAIN_WAITING;
	d->wait_mask = mask;
	domain_registry_state(d);
	d->ctx.x[REG_A0] = 0;	 /* what wait returns once woken */
	this_hart()->waiter = d; /* for the idle loop's in-place resume */
	schedule_next();
	this_hart()->waiter = 0;
	/*
	 * Nothing up the call chain has more to do for a wait that slept:
	 * sepc is past the ecall and a0/a1 are written at the wake-up. Go
	 * straight to whoever runs now (the trap entry reloads the kernel
	 * stack, so the frames left behind are simply dropped). It saves the
	 * way back through the dispatch on the interrupt-to-driver path.
	 */
	return_to_user(&this_hart()->current->ctx);
}

long sched_notify(struct domain *t, uint64_t bits)
{
	uint64_t got;

	if (!bits)
		return E_INVAL;
	/* A teardown logs, revokes and tells peers, each of which may try
	 * to wake the dying domain (the log owner is woken by any log
	 * line): it must stay off the run queue. */
	if (!domain_live(t))
		return E_NOENT;
	trace_notify(t, this_hart()->current, bits);
	t->info->pending |= bits;
	if (t->state != DOMAIN_WAITING || !(t->info->pending & t->wait_mask))
		return 0;
	got = t->info->pending & t->wait_mask;
	t->info->pending &= ~got;
	t->ctx.x[REG_A0] = 0;
	t->ctx.x[REG_A1] = got;
	t->state = DOMAIN_RUNNABLE;
	domain_registry_state(t);
	runq_push(t);
	return 0;
}

void sched_exit(struct domain *d, long status)
{
	d->exit_status = status;
	pr_info("domain %s (id %u) exited with status %ld\n", d->name, d->id,
		status);
	domain_destroy(d, DOMAIN_EXITED);
	sched_remove(d);
}

void sched_rearm(void)
{
	struct domain *d = this_hart()->current;

	if (d)
		arm_timer(d);
}

void sched_forget(struct domain *d)
{
	runq_remove(d);
	if (this_hart()->waiter == d)
		this_hart()->waiter = 0;
}

void sched_remove(struct domain *d)
{
	runq_remove(d);
	if (this_hart()->current == d) {
		this_hart()->current = 0;
		schedule_next();
	}
}

/* Can d be told about the end of its slice right now? */
static bool can_upcall(const struct domain *d)
{
	return d->slice_entry && !d->upcall->in_upcall &&
	       !(d->ctx.sepc >= d->resume_lo && d->ctx.sepc < d->resume_hi);
}

/*
 * Is d still inside the slice-end upcall it was given, without having
 * given up the CPU since? Then that notice still stands at its next slice
 * end, though no new upcall can be delivered. The area is d's to write:
 * a domain that clears in_upcall or changes cause only trades its strikes
 * for plain preemption.
 */
static bool still_told(const struct domain *d)
{
	return d->told && d->upcall->in_upcall &&
	       d->upcall->cause == RIVET_UPCALL_SLICE_END;
}

static void upcall_slice_end(struct domain *d)
{
	struct rivet_upcall *u = d->upcall;

	u->cause = RIVET_UPCALL_SLICE_END;
	u->epc = d->ctx.sepc;
	u->tval = 0;
	u->t0 = d->ctx.x[REG_T0];
	u->t1 = d->ctx.x[REG_T1];
	u->in_upcall = 1;
	d->ctx.sepc = d->slice_entry;
	trace_upcall(d, RIVET_UPCALL_SLICE_END);
}

/*
 * The grace period is counted in the domain's own running time, not on
 * the wall clock. Without -icount (make run) the machine's clock is the
 * host's and runs on while the host has QEMU descheduled: the stock
 * domains were charged strikes with their pc still at the first
 * instruction of their slice-end entry, a whole grace period after the
 * upcall. No clock the guest can read stops when QEMU stops, so the
 * kernel watches the domain instead. The grace period is counted in
 * GRACE_STEPS steps, each ended by a timer interrupt; a step at whose end
 * the pc has not moved is taken as one in which the domain did not run,
 * and is not counted. On a loaded host, runs of three such steps in a
 * row were seen with the domain's pc still at its slice-end entry. A
 * domain spinning on a single instruction looks the same, so at most
 * GRACE_STALLS_MAX steps go uncounted per notice: it is charged after at
 * most (GRACE_STEPS + GRACE_STALLS_MAX) steps, five grace periods. Under
 * -icount time is executed instructions, and only such a spinner is
 * affected.
 */
#define GRACE_STEPS	 4
#define GRACE_STALLS_MAX 16

/* Starts the next step at now: at most a quarter of the grace period. */
static void grace_step_begin(struct domain *d, uint64_t now)
{
	uint64_t step = d->grace_ticks / GRACE_STEPS;

	if (!step)
		step = 1;
	if (step > d->grace_left)
		step = d->grace_left;
	d->grace_step = step;
	d->grace_pc = d->ctx.sepc;
	d->grace_end = now + step;
}

/* d was given notice of its slice end: its grace period starts now. */
static void grace_begin(struct domain *d)
{
	d->grace_left = d->grace_ticks ? d->grace_ticks : 1;
	d->grace_stalls = 0;
	grace_step_begin(d, timer_now());
}

/* A step of d's grace period ended at now. True once the whole period
 * has been counted; otherwise the next step has begun. */
static bool grace_step_end(struct domain *d, uint64_t now)
{
	if (d->ctx.sepc == d->grace_pc && d->grace_stalls < GRACE_STALLS_MAX)
		d->grace_stalls++; /* it did not run: not counted */
	else
		d->grace_left -= d->grace_step;
	if (!d->grace_left)
		return true;
	grace_step_begin(d, now);
	return false;
}

static void preempt(struct domain *d)
{
	runq_push(d);
	schedule_next();
}

/* d let its grace period pass without giving up the CPU: a strike, and
 * maybe the end. A domain that survives keeps its notice (told) until it
 * yields or waits; its next slice end tells it again, or, if it is still
 * inside this upcall, lets the notice stand for one more grace period. */
static void strike(struct domain *d)
{
	d->strikes++;
	d->info->strikes = d->strikes;
	pr_warn("sched: %s ignored its slice-end upcall: strike %u of %u "
		"allowed\n",
		d->name, d->strikes, d->max_strikes);
	if (d->strikes > d->max_strikes) {
		domain_kill(d, "more than %u slice overruns", d->max_strikes);
		sched_remove(d);
		return;
	}
	preempt(d);
}

/*
 * A timer interrupt while d runs: a deadline, the end of d's slice, or a
 * step of its grace period. At the slice end d is told by an upcall and
 * its grace period begins; a domain that cannot be told (no slice-end
 * entry, or in an upcall the kernel did not start) is simply preempted,
 * unless it is still inside the slice-end upcall it was given earlier,
 * whose notice then stands. A strike is charged only when a grace period
 * given after such a notice has run out with d still on the CPU.
 */
void sched_timer(struct domain *d)
{
	uint64_t now = timer_now();

	expire_deadlines(now);
	if (d->state != DOMAIN_RUNNABLE) /* cannot happen: forcing only */
		return;			 /* deletes capabilities */

	if (d->grace_end) {
		if (now >= d->grace_end && grace_step_end(d, now)) {
			strike(d);
			return;
		}
	} else if (now >= d->slice_end) {
		if (can_upcall(d)) {
			upcall_slice_end(d);
			d->told = true;
		} else if (!still_told(d)) {
			preempt(d);
			return;
		}
		grace_begin(d);
	}
	arm_timer(d);
}
