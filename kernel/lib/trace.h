/* SPDX-License-Identifier: MIT */
/*
 * Kernel event trace (CONFIG_TRACE, make trace; docs/trace.md). Each hook
 * below records one event (time CSR, instret, hart, what happened) into a
 * fixed ring in kernel memory; the ring is printed on the console at power
 * off, between "rivet-trace: begin" and "rivet-trace: end" lines, and
 * scripts/trace2perfetto turns it into a Perfetto / Chrome trace.
 *
 * Without CONFIG_TRACE every hook is an empty static inline: the calls and
 * their arguments compile to nothing, so the hot paths pay nothing. The
 * hooks are one line each where the event happens (kernel/sched/sched_core.h
 * and sched*.c, kernel/syscall.c, kernel/cap/irq_cap.c, arch/riscv/trap.c, arch/riscv/timer.c).
 */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

/* Event kinds; their names in the dump are in kernel/lib/trace.c. */
enum trace_kind {
	TRACE_SWITCH = 1, /* a = the domain that ran (0: none), c = the next */
	TRACE_IDLE,	  /* the hart waits for an interrupt; a = current */
	TRACE_WAKE,	  /* ... and woke up */
	TRACE_SYSCALL,	  /* a = caller, arg = call number */
	TRACE_UPCALL, /* a = domain, arg = cause (scause or 0x100 slice end) */
	TRACE_IRQ,    /* external interrupt: arg = PLIC source, a = holder */
	TRACE_TICK,   /* timer interrupt */
	TRACE_NOTIFY, /* a = target, c = current (the sender), arg = bits */
};

#ifdef CONFIG_TRACE
void trace_event(enum trace_kind kind, const struct domain *a,
		 const struct domain *c, uint64_t arg);
/* Prints the ring on the console; called on the way to power off. */
void trace_dump(void);
#else
static inline void trace_event(enum trace_kind kind, const struct domain *a,
			       const struct domain *c, uint64_t arg)
{
}
static inline void trace_dump(void)
{
}
#endif

/* prev stops running on this hart and next starts a slice (prev == next:
 * a fresh slice for the same domain). */
static inline void trace_switch(const struct domain *prev,
				const struct domain *next)
{
	trace_event(TRACE_SWITCH, prev, next, 0);
}

/* The hart goes idle (true) or wakes from idling (false); cur is the
 * domain it ran last, which is not running while the hart idles. */
static inline void trace_idle(bool idle, const struct domain *cur)
{
	trace_event(idle ? TRACE_IDLE : TRACE_WAKE, cur, 0, 0);
}

static inline void trace_syscall(const struct domain *d, uint64_t nr)
{
	trace_event(TRACE_SYSCALL, d, 0, nr);
}

static inline void trace_upcall(const struct domain *d, uint64_t cause)
{
	trace_event(TRACE_UPCALL, d, 0, cause);
}

/* PLIC source src was claimed; holder is the domain it goes to, or 0. */
static inline void trace_irq(uint64_t src, const struct domain *holder)
{
	trace_event(TRACE_IRQ, holder, 0, src);
}

static inline void trace_tick(void)
{
	trace_event(TRACE_TICK, 0, 0, 0);
}

/* bits are posted to target, by cur (or by the kernel while cur ran). */
static inline void trace_notify(const struct domain *target,
				const struct domain *cur, uint64_t bits)
{
	trace_event(TRACE_NOTIFY, target, cur, bits);
}

#endif
