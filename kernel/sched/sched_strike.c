// SPDX-License-Identifier: MIT
/*
 * Slice ends: the slice-end upcall, the grace period counted in the
 * domain's own running time, preemption and strikes.
 */
#include "kernel/lib/printk.h"
#include "kernel/sched/sched_core.h"

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
 * GRACE_STEPS steps, each ended by a timer interrupt, and a step is not
 * counted when it shows that the domain could not run through it:
 *  - its pc has not moved (on a loaded host, runs of three such steps in
 *    a row were seen with the pc still at the slice-end entry);
 *  - its interrupt came late, more than a quarter step after the step's
 *    end. A one-shot timer fires once however long the hart was away, so
 *    a late interrupt means the hart did not run for that long: QEMU's
 *    vCPU thread was descheduled (then it resumes, runs one block of the
 *    entry, moving the pc, and takes the interrupt), or the hart waited
 *    for the big kernel lock. A CI run with four vCPUs and two busy loops
 *    on a two-core host charged the shell a strike this way.
 * A domain spinning on a single instruction, or on a host that is late
 * every time, looks the same, so at most GRACE_STALLS_MAX steps go
 * uncounted per notice: it is charged after at most (GRACE_STEPS +
 * GRACE_STALLS_MAX) steps, five grace periods. Under -icount time is
 * executed instructions and interrupts come on time: only such a spinner
 * is affected.
 */
#define GRACE_STEPS	 4
#define GRACE_STALLS_MAX 16
#define GRACE_LATE_DIV	 4 /* late: more than step / GRACE_LATE_DIV */

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
	bool late = now - d->grace_end > d->grace_step / GRACE_LATE_DIV;
	bool still = d->ctx.sepc == d->grace_pc;

	if ((late || still) && d->grace_stalls < GRACE_STALLS_MAX)
		d->grace_stalls++; /* it could not run: not counted */
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
		"allowed (%u grace steps not counted)\n",
		d->name, d->strikes, d->max_strikes, (unsigned)d->grace_stalls);
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
