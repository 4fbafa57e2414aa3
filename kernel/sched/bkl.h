/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock (docs/smp.md, "Shared state and its protection"):
 * one spinlock for the slow paths. Every way into C from U-mode and the
 * idle loop's work take it (kernel/entry.c, sched_idle.c); the assembly
 * fast paths (null call, exception reflection, local directed yield)
 * never do, nor does the idle loop's resume of its waiter after wfi
 * (sched_idle.c). It is released only on the way back to U-mode (with
 * the IPIs decided under it sent after, sched_unlock) and before the
 * idle wfi.
 *
 * A test-and-test-and-set lock with backoff, not a ticket lock: when the
 * harts are virtual CPUs sharing fewer host cores (QEMU on the test
 * host), a ticket lock hands the lock to the next ticket even when that
 * vCPU is descheduled, and every other hart waits for it to run again
 * (about 8 ms per capability call with four vCPUs on two cores); here
 * whichever hart runs takes it. Fairness is kept by a bound rather than
 * by order: a hart that has waited BKL_PATIENCE rounds names itself in
 * `starving`, and from then on no other hart takes the lock until it has
 * had it (bkl.c), so no hart is passed over without end.
 */
#ifndef KERNEL_SCHED_BKL_H
#define KERNEL_SCHED_BKL_H

#include <stdint.h>

struct bkl {
	uint32_t held;	    /* 1 while a hart holds the lock */
	uint32_t waiting;   /* harts in bkl_lock_slow */
	uintptr_t starving; /* 0, or the token of the one hart that may take
			     * the lock next (bkl.c) */
};

extern struct bkl bkl;

/*
 * Set at boot when the machine has one usable hart (CONFIG_FAST_BKL_ALONE):
 * no other hart will ever run kernel code, so there is nobody to exclude
 * and the lock is not taken at all. Decided once, before the lock's first
 * use (sched_start) and before any secondary could start, and never
 * changed: every lock and unlock agree.
 */
extern uint8_t bkl_alone;

/* Decides bkl_alone from the number of harts the kernel will run on. */
void bkl_init(unsigned harts);

/* The contended case of bkl_lock: backs off, and after BKL_PATIENCE
 * rounds claims the next turn (bkl.c). */
void bkl_lock_slow(void);

/* Takes the lock (spins with interrupts off: the kernel runs so). The
 * uncontended case is one load and one swap; the swap's acquire orders
 * what follows after it. Nobody takes it past a starving hart. */
static inline void bkl_lock(void)
{
	if (bkl_alone)
		return;
	if (!__atomic_load_n(&bkl.starving, __ATOMIC_RELAXED) &&
	    !__atomic_exchange_n(&bkl.held, 1, __ATOMIC_ACQUIRE))
		return;
	bkl_lock_slow();
}

/* Lets it go; everything written before is visible to the next holder
 * (release). */
static inline void bkl_unlock(void)
{
	if (bkl_alone)
		return;
	__atomic_store_n(&bkl.held, 0, __ATOMIC_RELEASE);
}

/* Between two bounded pieces of long work done while holding the lock
 * (the idle loop's reaper): if another hart waits, let it have its turn
 * first, so that it waits for one piece, never for the whole work
 * (bkl.c). */
void bkl_let_waiters_in(void);

/* Is the lock held by someone (a check for assertions and tests)?
 * Never while bkl_alone. */
static inline int bkl_is_locked(void)
{
	return __atomic_load_n(&bkl.held, __ATOMIC_RELAXED) != 0;
}

#endif
