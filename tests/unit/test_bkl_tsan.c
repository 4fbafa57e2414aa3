// SPDX-License-Identifier: MIT
/*
 * The big kernel lock (kernel/sched/bkl.c) with threads standing in for
 * harts, under ThreadSanitizer: more threads than cores add to a plain
 * counter under the lock (TSan reports the race if the lock's orderings
 * fail, the count comes out short if two hold it at once); a waiter that
 * has waited its patience claims the next turn and gives the claim back
 * once it had it; while a claim stands nobody else takes the lock, not
 * even on the uncontended path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "kernel/sched/bkl.h"

#define THREADS	   6
#define ROUNDS	   20000
#define WAIT_BOUND 10000000L /* yields or watches before a test gives up */

static uint64_t counter; /* plain: only the lock orders it */
static int order[2], ordered;

static void *adder(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		bkl_lock();
		counter++;
		bkl_unlock();
		if (i % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static void bkl_excludes_with_more_threads_than_cores(void **state)
{
	pthread_t t[THREADS];
	int i;

	(void)state;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, adder, NULL), 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, (uint64_t)THREADS * ROUNDS);
	assert_false(bkl_is_locked());
	assert_int_equal(__atomic_load_n(&bkl.waiting, __ATOMIC_RELAXED), 0);
}

/* Called under the lock; read by the main thread without it too. */
static void note(int who)
{
	int n = __atomic_load_n(&ordered, __ATOMIC_RELAXED);

	order[n] = who;
	__atomic_store_n(&ordered, n + 1, __ATOMIC_RELEASE);
}

/* After a failed test: no claim left to hang the next one. */
static int drop_claim(void **state)
{
	(void)state;
	__atomic_store_n(&bkl.starving, 0, __ATOMIC_RELAXED);
	return 0;
}

static void *patient(void *arg)
{
	(void)arg;
	bkl_lock();
	note(1);
	bkl_unlock();
	return NULL;
}

static void a_long_waiter_claims_the_next_turn(void **state)
{
	pthread_t t;
	long n = 0;

	(void)state;
	ordered = 0;
	bkl_lock();
	assert_int_equal(pthread_create(&t, NULL, patient, NULL), 0);
	/* it waits its patience out and claims the next turn */
	while (!__atomic_load_n(&bkl.starving, __ATOMIC_RELAXED) &&
	       n++ < WAIT_BOUND)
		sched_yield();
	assert_true(n < WAIT_BOUND);
	bkl_unlock();
	pthread_join(t, NULL);
	assert_int_equal(ordered, 1);
	/* it had its turn and gave the claim back */
	assert_int_equal(__atomic_load_n(&bkl.starving, __ATOMIC_RELAXED), 0);
}

static void nobody_takes_the_lock_past_a_claim(void **state)
{
	uintptr_t other = 0x1000; /* a starving hart's token */
	pthread_t t;
	int i;

	(void)state;
	ordered = 0;
	__atomic_store_n(&bkl.starving, other, __ATOMIC_RELAXED);
	assert_int_equal(pthread_create(&t, NULL, patient, NULL), 0);
	for (i = 0; i < 1000; i++)
		sched_yield();
	/* the lock is free, but claimed: the newcomer still waits */
	assert_int_equal(__atomic_load_n(&ordered, __ATOMIC_RELAXED), 0);
	assert_false(bkl_is_locked());
	__atomic_store_n(&bkl.starving, 0, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	assert_int_equal(ordered, 1);
}

static void *letter_waiter(void *arg)
{
	(void)arg;
	bkl_lock();
	note(1);
	bkl_unlock();
	return NULL;
}

static void letting_waiters_in_hands_over(void **state)
{
	pthread_t t;
	long n = 0;

	(void)state;
	ordered = 0;
	bkl_let_waiters_in(); /* nobody waits: a no-op, and not held after */
	assert_false(bkl_is_locked());
	bkl_lock();
	assert_int_equal(pthread_create(&t, NULL, letter_waiter, NULL), 0);
	while (!__atomic_load_n(&bkl.waiting, __ATOMIC_RELAXED))
		sched_yield();
	while (!__atomic_load_n(&ordered, __ATOMIC_RELAXED) &&
	       n++ < WAIT_BOUND) /* until the waiter has been in */
		bkl_let_waiters_in();
	assert_true(n < WAIT_BOUND);
	assert_true(bkl_is_locked());
	note(2);
	bkl_unlock();
	pthread_join(t, NULL);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bkl_excludes_with_more_threads_than_cores),
		cmocka_unit_test_teardown(a_long_waiter_claims_the_next_turn,
					  drop_claim),
		cmocka_unit_test_teardown(nobody_takes_the_lock_past_a_claim,
					  drop_claim),
		cmocka_unit_test(letting_waiters_in_hands_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
