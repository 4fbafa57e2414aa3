// SPDX-License-Identifier: MIT
/*
 * The big kernel lock's word (bkl.h), at the start of a cache line, and
 * its contended paths.
 */
#include "kernel/sched/bkl.h"

struct bkl bkl __attribute__((aligned(64)));

uint8_t bkl_alone;

/*
 * Rounds a hart waits before it claims the next turn, and the longest
 * backoff between two looks at the lock (loop iterations). A round is
 * one look that found the lock taken, after a backoff that doubles up to
 * BKL_BACKOFF_MAX: with 4 harts and critical sections of a few thousand
 * instructions the claim is rare (measured in docs/smp.md).
 */
#define BKL_PATIENCE	64
#define BKL_BACKOFF_MAX 1024

void bkl_init(unsigned harts)
{
#ifdef CONFIG_FAST_BKL_ALONE
	bkl_alone = harts == 1;
#else
	(void)harts;
#endif
}

static void bkl_backoff(unsigned n)
{
	while (n--)
		__asm__ volatile("" ::: "memory");
}

/* One try: the lock is free and nobody else has claimed the next turn. */
static int bkl_try(uintptr_t me)
{
	uintptr_t s = __atomic_load_n(&bkl.starving, __ATOMIC_RELAXED);

	return (s == 0 || s == me) &&
	       !__atomic_load_n(&bkl.held, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&bkl.held, 1, __ATOMIC_ACQUIRE);
}

/*
 * A hart's token for `starving` is the address of a local of this call:
 * distinct for every hart waiting at the same time (each spins on its own
 * kernel stack), and it needs no hart record (tp).
 */
void bkl_lock_slow(void)
{
	uintptr_t me = (uintptr_t)__builtin_frame_address(0);
	unsigned rounds = 0, delay = 1;

	__atomic_fetch_add(&bkl.waiting, 1, __ATOMIC_RELAXED);
	while (!bkl_try(me)) {
		if (++rounds >= BKL_PATIENCE) {
			uintptr_t none = 0;

			__atomic_compare_exchange_n(&bkl.starving, &none, me, 0,
						    __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
		}
		if (__atomic_load_n(&bkl.starving, __ATOMIC_RELAXED) == me)
			continue; /* our turn is next: watch closely */
		bkl_backoff(delay);
		if (delay < BKL_BACKOFF_MAX)
			delay <<= 1;
	}
	if (__atomic_load_n(&bkl.starving, __ATOMIC_RELAXED) == me)
		__atomic_store_n(&bkl.starving, 0, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&bkl.waiting, 1, __ATOMIC_RELAXED);
}

/*
 * The holder lets go and watches, for a bounded time, for a waiter to
 * take the lock before it asks again: waiters back off, so an immediate
 * bkl_lock would most often win again. A waiter whose vCPU is not
 * running ends the watch at the bound.
 */
void bkl_let_waiters_in(void)
{
	unsigned i;

	if (bkl_alone || !__atomic_load_n(&bkl.waiting, __ATOMIC_RELAXED))
		return;
	bkl_unlock();
	for (i = 0; i < 4 * BKL_BACKOFF_MAX; i++)
		if (__atomic_load_n(&bkl.held, __ATOMIC_RELAXED) ||
		    !__atomic_load_n(&bkl.waiting, __ATOMIC_RELAXED))
			break;
	bkl_lock();
}
