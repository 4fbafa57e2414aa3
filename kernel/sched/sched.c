// SPDX-License-Identifier: MIT
/*
 * The cooperative scheduler's run queue and the calls behind yield, wait,
 * notify and exit; see sched.h. The other concerns are in sched_*.c
 * (sched_core.h lists them).
 */
#include "kernel/sched/sched.h"

#include "kernel/cap/abort.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/sched_core.h"
#include <rivet/errno.h>

struct hart_sched sched_harts[CONFIG_NR_HARTS];

void sched_hart_enter(unsigned index)
{
	arch_hart_set(&sched_harts[index]);
}

struct domain *sched_current(void)
{
	return this_hart()->current;
}

/*
 * d joins the scheduler. Its satp value is worked out once here, so that a
 * switch, in C or in trap_entry.S's yield, is a single CSR write.
 */
void sched_add(struct domain *d)
{
	d->hart = this_hart(); /* placement: the boot hart for now */
	arch_as_activate(&d->as);
	runq_push(d);
}

void schedule_next(void)
{
	struct domain *d;

	domain_reap_step(); /* one piece of an ended domain's teardown */
	d = runq_pop();

	if (!d && domain_live_count()) {
		sched_idle();
		d = runq_pop();
	}
	if (!d && domain_live_count()) {
		sched_break_deadlock();
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
 * Is d, the running domain, past the end of its slice (in the grace
 * period of a slice-end notice)? Then a directed yield or a handoff has
 * nothing to give: t would start with a slice already over, be told at
 * once and get a grace period of its own, and two domains handing the
 * CPU to each other from their slice-end upcalls would keep it from
 * every other domain for good (tests/qemu/test_pair_starve.py). The
 * CPU goes to the run queue's head instead. The assembly paths never
 * see such a d: its timer is armed at the grace step, not at the slice
 * end they check.
 */
static bool slice_over(const struct domain *d)
{
	return d->grace_end != 0;
}

/*
 * Hands the rest of d's slice to t (runnable, not d): the directed yield.
 * trap_entry.S's user_yield does all of this itself in the common case (no
 * FP state to move, timer already at d's deadline), and so does
 * notify_fast.S for yield_cap and notify_cap's handoff: keep the three
 * in step.
 */
static void yield_to(struct domain *d, struct domain *t)
{
	d->told = false;
	if (slice_over(d)) {
		runq_push(d); /* t stays where it is queued */
		schedule_next();
		return;
	}
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

void sched_wait_handoff(struct domain *d, uint64_t mask, struct domain *t)
{
	/* sched_wait's sleep, then yield_to's switch without the push of
	 * d: it waits. arch/riscv/notify_fast.S does all of this itself in
	 * the common case (CONFIG_FAST_NOTIFY): keep the two in step. */
	if (slice_over(d))
		return; /* nothing to hand over: the caller's sched_wait */
	d->told = false;
	d->state = DOMAIN_WAITING;
	d->wait_mask = mask;
	domain_registry_state(d);
	d->ctx.x[REG_A0] = 0; /* what wait returns once woken */
	runq_remove(t);
	t->slices_used++;
	t->info->slices_used = t->slices_used;
	switch_to(t, d->slice_end);
	return_to_user(&t->ctx);
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
