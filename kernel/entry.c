// SPDX-License-Identifier: MIT
/*
 * Traps from U-mode, once arch/ has decoded them (kernel/arch.h): system
 * calls, interrupts, and exceptions reflected to the domain's handler.
 * The exception-reflection fast path in arch/riscv/trap_entry.S is the
 * assembly twin of reflect_exception (CONFIG_FAST_REFLECT).
 */
#include "kernel/arch.h"
#include "kernel/sched/domain.h"
#include "kernel/cap/irq_cap.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/bkl.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sched_core.h"
#include "kernel/syscall.h"
#include "kernel/lib/trace.h"
#include <rivet/syscall.h>

/*
 * Hands an exception to d's handler through its upcall area: saves cause,
 * epc, tval, t0 and t1 there and resumes d at its exception entry. False
 * (nothing changed) if d has no handler or is inside it already.
 */
static bool reflect_exception(struct domain *d, unsigned long scause,
			      unsigned long stval)
{
	struct rivet_upcall *u = d->upcall;

	if (!d->ctx.exc_entry || u->in_upcall)
		return false;
	u->cause = scause;
	u->epc = d->ctx.sepc;
	u->tval = stval;
	u->t0 = d->ctx.x[REG_T0];
	u->t1 = d->ctx.x[REG_T1];
	u->in_upcall = 1;
	d->ctx.faults++;
	d->ctx.sepc = d->ctx.exc_entry;
	d->ctx.x[REG_T0] = 0;
	d->ctx.x[REG_T1] = 0;
	trace_upcall(d, scause);
	return true;
}

/* An exception that cannot be reflected: the domain cannot go on. */
static void user_fault(struct domain *d, unsigned long scause,
		       unsigned long stval)
{
	d->ctx.faults++;
	if (!d->ctx.exc_entry)
		domain_kill(d,
			    "%s at epc 0x%llx, tval 0x%lx, and no exception "
			    "handler",
			    trap_cause_name(scause),
			    (unsigned long long)d->ctx.sepc, stval);
	else
		domain_kill(d,
			    "%s at epc 0x%llx, tval 0x%lx, inside its own "
			    "exception handler",
			    trap_cause_name(scause),
			    (unsigned long long)d->ctx.sepc, stval);
	sched_remove(d);
}

/*
 * Every entry below holds the big kernel lock (kernel/sched/bkl.h) from
 * its first line to its return; the assembly gives it nothing more to do.
 */

/* Is d, which trapped, still live? Another hart may have ended it while
 * it ran: then it runs no more, and whoever is next runs instead. */
static bool still_live(struct domain *d)
{
	if (domain_live(d))
		return true;
	sched_remove(d);
	return false;
}

/* Whoever runs now (the scheduler powers off if nobody is left); gives
 * up the lock. */
static struct uctx *resume(void)
{
	struct uctx *u = &sched_current()->ctx;

	sched_unlock();
	return u;
}

struct uctx *entry_syscall(struct uctx *u)
{
	/* wait with bits pending: a hot path, no lock (the number tested
	 * here first: every other call skips the call) */
	if (u->x[REG_A7] == SYS_wait && sched_wait_ready((struct domain *)u))
		return u;
	bkl_lock();
	if (still_live((struct domain *)u))
		syscall_dispatch((struct domain *)u);
	return resume();
}

struct uctx *entry_timer(struct uctx *u)
{
	this_hart()->ticks++; /* kstat: ours alone, no lock needed */
	bkl_lock();
	if (still_live((struct domain *)u))
		sched_timer((struct domain *)u);
	return resume();
}

struct uctx *entry_irq(struct uctx *u)
{
	bkl_lock();
	irq_dispatch(arch_instret());
	still_live((struct domain *)u);
	return resume();
}

/* Another hart woke a domain of this one, or ended the one running. */
struct uctx *entry_ipi(struct uctx *u)
{
	this_hart()->ipis++; /* kstat: ours alone, no lock needed */
	bkl_lock();
	if (still_live((struct domain *)u))
		sched_take_wakeups((struct domain *)u);
	return resume();
}

struct uctx *entry_other_irq(struct uctx *u, unsigned long code)
{
	bkl_lock();
	pr_warn("trap: unexpected interrupt %lu in %s\n", code,
		((struct domain *)u)->name);
	still_live((struct domain *)u);
	return resume();
}

struct uctx *entry_exception(struct uctx *u, unsigned long cause,
			     unsigned long tval)
{
	struct domain *d = (struct domain *)u;

	bkl_lock();
	if (still_live(d) && !reflect_exception(d, cause, tval))
		user_fault(d, cause, tval);
	return resume();
}
