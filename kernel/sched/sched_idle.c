// SPDX-License-Identifier: MIT
/*
 * The idle loop: a hart with nobody to run waits for a deadline or a
 * bound interrupt, and resumes the domain that waits for it in place
 * (the interrupt-to-driver path).
 */
#include "kernel/cap/irq_cap.h"
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
	if (sip & ARCH_PENDING_IPI)
		arch_take_ipi(); /* another hart's kick: h->wake says why */
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
		bkl_unlock();
		arch_idle_wait();
		bkl_lock();
		trace_idle(false, h->current);
		idle_take_interrupts();
		if (h->wake)
			sched_take_wakeups(0);
		if (h->head || !domain_live_count())
			return true;
	}
}
