/* SPDX-License-Identifier: MIT */
/*
 * Cooperative scheduling with slices. Each hart has a run queue; a domain
 * runs until it yields (to anyone, or directed: the target gets the rest of
 * the slice), waits for an event, or exits. When its slice ends the kernel
 * upcalls its slice-end entry and gives it a grace period to yield; a
 * domain that ignores the upcall is preempted and charged a strike, and
 * more strikes than its configuration allows kill it. Every online hart
 * runs the domains placed on it (docs/smp.md); the big kernel lock
 * (bkl.h) serialises the C code of all harts.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/sched/bkl.h"

struct domain;

/* sstatus.FS: the FP unit's state, which the scheduler switches lazily. */

/*
 * One hart's scheduling state, sched_harts[index] (index 0: the boot
 * hart). Its layout is public for trap_entry.S: the directed-yield fast
 * path reaches it through the caller's d->hart and updates it exactly as
 * yield_to() would, through offsets from the generated asm_offsets.h. C
 * code uses the calls below. Only its own hart changes the run queue
 * (the fast yield does so without the lock); another hart that wakes
 * one of its domains marks it runnable, sets wake and sends an IPI, and
 * the owner queues it (sched.c, take_wakeups).
 */
struct hart_sched {
	struct arch_hart_self self; /* first: arch/ reads the hart id there */
	struct domain *current;
	struct domain *head, *tail; /* runnable, not current */
	uint64_t armed;		    /* deadline the timer is set to */
	struct domain *waiter;	    /* in sched_wait, asleep (idle resume) */
	bool online;		    /* runs domains (sched_hart_init) */
	bool wake;		    /* another hart made one of ours runnable */
	bool done;		    /* saw every domain end; stopped */
	uint64_t stack_top;	    /* its kernel stack: the uctx's kernel_sp */
	uint64_t kicks;	       /* harts (bit: index) this one must still send an
			 * IPI, once it has let the lock go (sched_unlock) */
	uint64_t irq_opened;   /* interrupt claims it opened (irq_fast.h) */
	uint64_t idle_resumes; /* lock-free ones (sched_idle.c), for kstat */
	uint64_t ticks;	       /* timer interrupts taken, for kstat */
	uint64_t tick_wakes;   /* idle wake-ups a late IPI left to the tick */
	uint64_t ipis;	       /* IPIs taken, for kstat */
	uint64_t ipis_sent;    /* IPIs the SBI took (sched_send_kicks), kstat */
} __attribute__((aligned(64))); /* its own lines: per-hart state */

extern struct hart_sched sched_harts[CONFIG_NR_HARTS];

/* Sends the IPIs this hart owes (h->kicks), without the lock (sched.c). */
void sched_send_kicks(struct hart_sched *h);

/*
 * Gives up the big kernel lock, then sends the IPIs the holder decided
 * on (sched_kick records them): a woken hart's idle resume does not take
 * the lock (docs/smp.md), but had the IPI gone out under it, the lock's
 * holder would still be sending it, and everyone waiting for the lock
 * would wait for the firmware's IPI path too. Every way out of C to
 * U-mode, and to wfi, goes through here.
 */
static inline void sched_unlock(void)
{
	struct hart_sched *h = (struct hart_sched *)arch_hart_get();

	bkl_unlock();
	if (h->kicks)
		sched_send_kicks(h);
}

/* Records that the online hart hartid has index and its kernel stack
 * ends at stack_top: domains placed on it run there (the boot hart, for
 * itself and each secondary that came online, before any domain). */
void sched_hart_init(unsigned index, uint32_t hartid, uint64_t stack_top);

/* Has the boot hart started scheduling (sched_start)? */
bool sched_started(void);

/* A secondary hart's scheduler, once sched_started(): runs the domains
 * placed on it; never returns. */
__attribute__((noreturn)) void sched_secondary(void);

/* Makes sched_harts[index] this hart's record (this_hart(), in tp), once
 * per hart before its first use: the boot hart (index 0) at the start of
 * kmain, a secondary when it comes online. */
void sched_hart_enter(unsigned index);

void sched_add(struct domain *d);
/* Starts running domains; never returns (powers off when all are gone). */
__attribute__((noreturn)) void sched_start(void);

struct domain *sched_current(void);

/* The calls behind the system calls of the same names. */
long sched_yield(struct domain *d, long target);
/* Returns at once if a bit of mask is pending; otherwise d sleeps and
 * this does not return: the hart goes straight back to user mode, to
 * whichever domain runs next (a0/a1 of d are written at its wake-up). */
long sched_wait(struct domain *d, uint64_t mask);
/* The wait of a handoff: d sleeps on mask (none of it pending) and t,
 * runnable and queued on d's hart, runs now in the rest of d's slice
 * (notify_wait through a handoff capability). Does not return, unless
 * d's slice is over (its grace period runs): there is no rest to hand
 * over, and the caller waits as sched_wait does. */
void sched_wait_handoff(struct domain *d, uint64_t mask, struct domain *t);

/* The system call d made, a wait (the caller checks the number), has
 * bits pending: takes them, sets d's results and returns true, without
 * the big kernel lock; else false and nothing changed (the locked path
 * does the rest). */
bool sched_wait_ready(struct domain *d);
/* Sets bits in target's pending events and wakes it if it waits for one.
 * A domain that is ending or has ended is never woken: E_NOENT, nothing
 * changes (its info page may already be gone). Right against the lock-free
 * notify fast path of target's hart (arch/riscv/notify_fast.S): the wake-up
 * is claimed by a compare-and-swap of target's state. */
long sched_notify(struct domain *target, uint64_t bits);
void sched_exit(struct domain *d, long status);

/* d was ended by the kernel (already destroyed): pick someone else. */
void sched_remove(struct domain *d);

/*
 * d is being torn down (its state already says EXITED or KILLED): take it
 * off the run queue and out of the idle loop's reach, so that nothing
 * said or done during the teardown can run it again. It may still be the
 * current domain; sched_remove deals with that afterwards.
 */
void sched_forget(struct domain *d);

/* SYS_timer_event: event bit at rdtime >= when (0 cancels). */
long sched_timer_event(struct domain *d, uint64_t when, uint64_t bit);

/* A deadline was set or cleared outside sched.c (abort protocol, a
 * domain's end): the cached earliest deadline must be recomputed. */
void sched_deadlines_changed(void);

/* Re-arms the timer for the current domain (a new deadline appeared). */
void sched_rearm(void);

/* Timer interrupt while d was running in U-mode. */
void sched_timer(struct domain *d);

#endif
