/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock (docs/smp.md, "Shared state and its protection"):
 * one ticket spinlock for the slow paths. Every way into C from U-mode
 * and the idle loop's work take it (kernel/entry.c, sched_idle.c); the
 * assembly fast paths (null call, exception reflection, local directed
 * yield) never do. It is released only on the way back to U-mode and
 * around the idle wfi. Tickets make it fair: a hart that asks first gets
 * it first, so a busy neighbour cannot starve a hart.
 */
#ifndef KERNEL_SCHED_BKL_H
#define KERNEL_SCHED_BKL_H

#include <stdint.h>

struct bkl {
	uint32_t next;	/* the next ticket to hand out */
	uint32_t owner; /* the ticket that holds the lock */
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

/* Takes the lock (spins with interrupts off: the kernel runs so). The
 * acquire fence orders what follows after the load that saw our turn. */
static inline void bkl_lock(void)
{
	uint32_t t;

	if (bkl_alone)
		return;
	t = __atomic_fetch_add(&bkl.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&bkl.owner, __ATOMIC_RELAXED) != t)
		;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/* Gives it to the next ticket; everything written before is visible to
 * the next holder (release). Only the holder writes owner: one AMO. */
static inline void bkl_unlock(void)
{
	if (bkl_alone)
		return;
	__atomic_fetch_add(&bkl.owner, 1, __ATOMIC_RELEASE);
}

/* Between two bounded pieces of long work done while holding the lock
 * (the idle loop's reaper): if another hart waits, let it have its turn
 * first, so that it waits for one piece, never for the whole work. */
static inline void bkl_let_waiters_in(void)
{
	if (!bkl_alone &&
	    __atomic_load_n(&bkl.next, __ATOMIC_RELAXED) !=
		    __atomic_load_n(&bkl.owner, __ATOMIC_RELAXED) + 1) {
		bkl_unlock();
		bkl_lock();
	}
}

/* Is the lock held by someone (a check for assertions and tests)?
 * Never while bkl_alone. */
static inline int bkl_is_locked(void)
{
	return __atomic_load_n(&bkl.owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&bkl.next, __ATOMIC_RELAXED);
}

#endif
