// SPDX-License-Identifier: MIT
/*
 * The idle loop: a hart with nobody to run waits for a deadline or a
 * bound interrupt, and resumes the domain that waits for it in place
 * (the interrupt-to-driver path).
 */
#include "kernel/cap/irq_cap.h"
#include "kernel/cap/irq_fast.h"
#include "kernel/lib/printk.h"
#include "kernel/mm/frame_zero.h"
#include "kernel/sched/sched_core.h"

#ifdef CONFIG_FAST_IDLE_RESUME
#define FAST_IDLE_RESUME 1
#else
#define FAST_IDLE_RESUME 0
#endif

/*
 * Every live domain, on every hart, waits and nothing can wake them any
 * more (idle() found no deadline and no bound interrupt): end them
 * rather than hang.
 */
void sched_break_deadlock(void)
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
	sched_leave(d);
}

#ifdef CONFIG_TRACE
#define TRACE_ON 1
#else
#define TRACE_ON 0
#endif

/* What the lock-free resume leaves to the locked path: a source it
 * claimed and did not finish, or a claim it opened for the waiter whose
 * bits it could not deliver. */
struct idle_left {
	uint32_t src;
	int open;	  /* irq_open_for's answer (IRQ_OPEN_NONE: none) */
	uint64_t stamp;	  /* rdinstret at the claim */
	struct domain *d; /* the waiter it was opened for */
};

/*
 * d, this hart's waiter and current domain, runnable again with its
 * results in its context: runs now, in place (no lock held), with a
 * fresh slice. fresh_slice without its switch (d is current) and with
 * the deadline cache read once, without recomputing it (shared state):
 * the caller saw it valid. Stale, it can only arm this timer early (a
 * spurious tick) or late for a deadline another hart has just set,
 * which that hart's own timer is armed for (deadlines are global).
 */
static __attribute__((noreturn, always_inline)) inline void
resume_now(struct hart_sched *h, struct domain *d, struct rivet_info *in)
{
	uint64_t end, when, used = d->slices_used + 1;

	h->waiter = 0;
	h->idle_resumes++;
	end = timer_now() + d->slice_ticks;
	d->slices_used = used;
	d->slice_end = end;
	d->grace_end = 0;
	in->slices_used = used;
	in->slice_end = end;
	when = __atomic_load_n(&sched_deadline_cache, __ATOMIC_RELAXED);
	if (end < when)
		when = end;
	if (h->armed != when) {
		h->armed = when;
		timer_set(when);
	}
	return_to_user(&d->ctx);
}

/*
 * The timer fired, but only as the idle loop's tick: no deadline is due
 * (the cached earliest is later). resume_now re-arms the timer, which
 * clears it (h->armed forgotten so that it does); the tick has nothing
 * else to do. It matters without -icount, where a vCPU descheduled by
 * the host for longer than a tick wakes with the tick pending as well.
 */
static inline bool idle_tick_only(struct hart_sched *h)
{
	if (timer_now() >=
	    __atomic_load_n(&sched_deadline_cache, __ATOMIC_RELAXED))
		return false;
	h->armed = 0;
	h->ticks++;
	return true;
}

/*
 * The lock-free idle resume (docs/smp.md, "The lock-free idle resume"):
 * the hart woke from wfi without the lock, and d = h->waiter, the domain
 * that ran last here and sleeps in sched_wait, may be the one to run
 * now. Two cases resume d without the lock, touching only this hart's
 * record, its PLIC context and d itself:
 *
 * - an interrupt of a source bound to d: the claim is opened for d
 *   (irq_open_for), d's wake-up claimed by compare-and-swap as every
 *   waker does (claim_wakeup), its bits taken with atomics;
 * - an IPI after another hart woke d (sched_notify claimed it and wrote
 *   its a0, then its bits into a1 with release order; sched_wait had
 *   cleared a1): d's a1 is read with acquire order.
 *
 * Anything else (a deadline due, a source of another domain, a wake-up another
 * waker claimed first, a deadline cache to recompute, another domain
 * runnable here) returns, with what it claimed in *left, for the locked
 * path. h->wake is left set: other domains another hart woke here are
 * queued at d's next scheduling point, where they would run anyway.
 */
static void idle_resume_unlocked(struct hart_sched *h, struct idle_left *left)
{
	struct domain *d = h->waiter;
	unsigned long sip;
	uint64_t bits, mask, got;

	if (!FAST_IDLE_RESUME || TRACE_ON || !d || d != h->current || h->head ||
	    !sched_deadline_cache_valid)
		return;
	sip = arch_pending();
	if ((sip & ARCH_PENDING_TIMER) && !idle_tick_only(h))
		return; /* a deadline is due: shared state, the locked path */
	if (sip & ARCH_PENDING_EXT) {
		struct rivet_info *in = d->info;

		left->stamp = arch_instret();
		left->src = irq_claim_src();
		left->open = irq_open_for(left->src, d, left->stamp);
		left->d = d;
		if (left->open < 0)
			return;
		bits = 1ULL << left->open;
		mask = d->wait_mask;
		/* bits is one bit: inside mask or not at all */
		if (!(bits & mask) || !claim_wakeup(d))
			return;
		left->src = 0; /* delivered here */
		got = (__atomic_fetch_and(&in->pending, ~mask,
					  __ATOMIC_ACQUIRE) |
		       bits) &
		      mask;
		d->ctx.x[REG_A0] = 0;
		d->ctx.x[REG_A1] = got;
		*d->registry_state = DOMAIN_RUNNABLE;
		resume_now(h, d, in);
	}
	if ((sip & ARCH_PENDING_IPI) &&
	    __atomic_load_n(&d->ctx.x[REG_A1], __ATOMIC_ACQUIRE) &&
	    d->state == DOMAIN_RUNNABLE) { /* not ended since */
		arch_take_ipi();
		h->ipis++;
		resume_now(h, d, d->info);
	}
}

/*
 * Did only the tick wake this hart, and find a domain another hart had
 * already woken here (h->wake, or the waiter's bits in its a1)? Its IPI
 * is late or was never sent: the wake-up waited for the tick
 * (KSTAT_HART_TICK_WAKES, tests/qemu/test_smp_xwake.py). Rarely also
 * when the tick and a wake-up cross, the IPI on its way: a count, not
 * an error.
 */
static void count_tick_wake(struct hart_sched *h, unsigned long sip)
{
	struct domain *w = h->waiter;

	if (sip & (ARCH_PENDING_IPI | ARCH_PENDING_EXT))
		return;
	if (__atomic_load_n(&h->wake, __ATOMIC_RELAXED) ||
	    (w && __atomic_load_n(&w->ctx.x[REG_A1], __ATOMIC_RELAXED)))
		h->tick_wakes++;
}

/* The locked path's share of what the lock-free resume claimed. */
static void idle_finish_left(struct idle_left *left)
{
	struct domain *d;
	uint64_t bits;

	if (left->open >= 0) {
		/* opened for the waiter, whose wake-up someone else claimed
		 * (or whose mask lacks the bit): an ordinary event */
		sched_notify(left->d, 1ULL << left->open);
		return;
	}
	d = irq_take(left->src, left->stamp, &bits);
	if (d)
		resume_waiter_or_notify(d, bits);
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
static void idle_take_interrupts(struct hart_sched *h, struct idle_left *left)
{
	unsigned long sip = arch_pending(), other;
	struct domain *d;
	uint64_t bits;

	if (sip & ARCH_PENDING_TIMER) {
		/* Only a timer interrupt can mean a deadline has come. First:
		 * the in-place resume below does not come back. */
		h->ticks++;
		count_tick_wake(h, sip);
		timer_interrupt();
		expire_deadlines(timer_now());
	}
	if (left->src) {
		idle_finish_left(left); /* claimed without the lock */
	} else if (sip & ARCH_PENDING_EXT) {
		d = irq_claim(arch_instret(), &bits);
		if (d)
			resume_waiter_or_notify(d, bits);
	}
	if (sip & ARCH_PENDING_IPI) {
		arch_take_ipi(); /* another hart's kick: h->wake says why */
		h->ipis++;
	}
	/* Nothing else is enabled; should something be, it must not keep
	 * wfi returning at once for ever (a trap would mask it too). Last:
	 * each pass either resumes a domain above or gets here. */
	other = arch_mask_unexpected(sip);
	if (other)
		pr_warn("sched: unexpected interrupts 0x%lx while idle, masking them\n",
			other);
}

/* Does every live domain wait (none runs or can run, on any hart)? */
static bool all_wait(void)
{
	unsigned i;
	struct domain *d;

	for (i = 0; (d = domain_at(i)); i++)
		if (d->state == DOMAIN_RUNNABLE)
			return false;
	return true;
}

/* Is a live domain placed on h? */
static bool has_domains(const struct hart_sched *h)
{
	unsigned i;
	struct domain *d;

	for (i = 0; (d = domain_at(i)); i++)
		if (d->hart == h && domain_live(d))
			return true;
	return false;
}

/*
 * Nobody can run here, but something may still wake a domain: a deadline
 * (a timer event, the abort protocol), a bound interrupt or another hart.
 * Wait for it, without the big kernel lock; the handlers queue the
 * domains they wake. IPIs cannot be lost: sip.SSIP stays pending until
 * taken, and wfi returns at once while it is.
 */
bool sched_idle(void)
{
	struct hart_sched *h = this_hart();
	struct idle_left left;

	for (;;) {
		uint64_t when = next_deadline();

		if (when == ~0ULL && !irq_any_bound() && all_wait())
			return false; /* nothing can ever wake anyone */
		/*
		 * Only an interrupt or another hart can wake anyone: still
		 * tick every 10 ms. It costs a wake-up per tick on
		 * hardware; under QEMU's -icount sleep=off a hart idling
		 * with no timer armed stops virtual time, and device events
		 * never arrive. A hart with no domain of its own needs no
		 * tick: only an IPI (a domain placed or woken there, the
		 * end of all) gives it work, and its wake-ups would only
		 * contend for the lock.
		 */
		if (when == ~0ULL && (h == &sched_harts[0] || has_domains(h)))
			when = timer_now() + timer_hz() / 100;
		h->armed = when;
		timer_set(when);
		sched_drop_ended(); /* before its reaper frees its pages */
		/* Ended domains are reaped meanwhile, until an interrupt (the
		 * timer just armed included) is pending. */
		domain_reap_idle();
		frame_zero_idle(); /* then the zeroed-frame pool refilled */
		trace_idle(true, h->current);
		sched_unlock();
		arch_idle_wait();
		left = (struct idle_left){ .open = IRQ_OPEN_NONE };
		idle_resume_unlocked(h, &left); /* returns if it did not */
		bkl_lock();
		trace_idle(false, h->current);
		idle_take_interrupts(h, &left);
		if (h->wake)
			sched_take_wakeups(0);
		if (h->head || !domain_live_count())
			return true;
	}
}
