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
#include "kernel/sched/sched.h"
#include "kernel/syscall.h"
#include "kernel/lib/trace.h"

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

/* Whoever runs now; the scheduler powers off if nobody is left. */
static struct uctx *resume(void)
{
	return &sched_current()->ctx;
}

struct uctx *entry_syscall(struct uctx *u)
{
	syscall_dispatch((struct domain *)u);
	return resume();
}

struct uctx *entry_timer(struct uctx *u)
{
	sched_timer((struct domain *)u);
	return resume();
}

struct uctx *entry_irq(struct uctx *u)
{
	irq_dispatch(arch_instret());
	return resume();
}

struct uctx *entry_other_irq(struct uctx *u, unsigned long code)
{
	pr_warn("trap: unexpected interrupt %lu in %s\n", code,
		((struct domain *)u)->name);
	return resume();
}

struct uctx *entry_exception(struct uctx *u, unsigned long cause,
			     unsigned long tval)
{
	struct domain *d = (struct domain *)u;

	if (!reflect_exception(d, cause, tval))
		user_fault(d, cause, tval);
	return resume();
}
