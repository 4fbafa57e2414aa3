// SPDX-License-Identifier: MIT
/*
 * Channel queues (libos/lib/channel.c) under ThreadSanitizer with real
 * threads: millions of messages through the SPSC ring (batched, and
 * through the blocking layer with semaphores standing in for the
 * kernel's latched events) and through the MPMC queue with several
 * producers and consumers. No message is lost or duplicated and each
 * producer's order is kept; TSan reports any access the orderings in
 * channel.c fail to order.
 *
 * CHAN_TSAN_SCALE (environment, default 1) multiplies the message
 * counts for longer runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>
#include <cmocka.h>

#include <rivet/channel.h>

#define REGION 4096

static _Alignas(64) uint8_t region[REGION];

static uint64_t scale(uint64_t n)
{
	const char *s = getenv("CHAN_TSAN_SCALE");

	return s && atoi(s) > 0 ? n * (uint64_t)atoi(s) : n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A polite spin: with more threads than cores the peer must get to run. */
static void relax(unsigned *n)
{
	if (++*n % 64 == 0)
		sched_yield();
}

/* ------------------------------------------------- SPSC, batched --- */

static struct chan_spsc sp, sc;
static uint64_t spsc_total;

static void *spsc_producer(void *arg)
{
	unsigned seed = 1, spins = 0;
	uint64_t next = 0;

	while (next < spsc_total) {
		unsigned batch = rand_r(&seed) % 16 + 1;
		uint64_t *slot;

		for (unsigned i = 0; i < batch && next < spsc_total; i++) {
			slot = chan_spsc_alloc(&sp);
			if (!slot)
				break;
			*slot = next++;
		}
		chan_spsc_publish(&sp);
		relax(&spins);
	}
	return NULL;
}

static void chan_spsc_moves_millions_between_threads_in_order(void **state)
{
	pthread_t t;
	uint64_t expect = 0;
	unsigned spins = 0;
	double t0 = now();

	spsc_total = scale(4000000);
	assert_int_equal(chan_spsc_init(&sp, region, REGION, 8,
					CHAN_RESET | CHAN_PRODUCER),
			 0);
	assert_int_equal(chan_spsc_init(&sc, region, REGION, 8, CHAN_CONSUMER),
			 0);
	assert_int_equal(pthread_create(&t, NULL, spsc_producer, NULL), 0);
	while (expect < spsc_total) {
		const uint64_t *m;

		while ((m = chan_spsc_next(&sc))) {
			assert_int_equal(*m, expect);
			expect++;
		}
		chan_spsc_consume(&sc);
		relax(&spins);
	}
	pthread_join(t, NULL);
	assert_null(chan_spsc_next(&sc)); /* nothing extra */
	assert_false(chan_spsc_corrupt(&sp) || chan_spsc_corrupt(&sc));
	printf("# spsc batched: %llu messages, 2 threads, %.1f s\n",
	       (unsigned long long)spsc_total, now() - t0);
}

/* ------------------------------------------------ SPSC, blocking --- */

/* The kernel's latched event bit, modelled by a semaphore per side; a
 * wait that times out means a lost wake-up and fails the test rather
 * than hanging it. */
struct side {
	sem_t sem;
	struct side *peer;
	atomic_ulong waits, notifies;
};

static struct side prod_side, cons_side;

static int sem_hook_wait(void *arg)
{
	struct side *s = arg;
	struct timespec ts;

	atomic_fetch_add_explicit(&s->waits, 1, memory_order_relaxed);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	while (sem_timedwait(&s->sem, &ts))
		if (errno != EINTR)
			return E_BUSY; /* lost wake-up */
	return 0;
}

static int sem_hook_notify(void *arg)
{
	struct side *s = arg;

	atomic_fetch_add_explicit(&s->notifies, 1, memory_order_relaxed);
	return sem_post(&s->peer->sem) ? E_INVAL : 0;
}

static struct chan_hooks prod_hooks = { sem_hook_wait, sem_hook_notify,
					&prod_side,    8,
					NULL,	       0 };
static struct chan_hooks cons_hooks = { sem_hook_wait, sem_hook_notify,
					&cons_side,    8,
					NULL,	       0 };
static uint64_t block_total;

static void *blocking_producer(void *arg)
{
	for (uint64_t i = 0; i < block_total; i++)
		if (chan_spsc_push(&sp, &prod_hooks, &i))
			return (void *)1;
	return NULL;
}

/* The blocking run: block_total messages through an 8-slot ring, each
 * side with the hart it says it runs on (NULL: the fixed spin). */
static void blocking_run(uint64_t total, uint32_t *prod_hart,
			 uint32_t *cons_hart, const char *what)
{
	pthread_t t;
	uint64_t out;
	void *prc;
	double t0 = now();

	block_total = scale(total);
	/* A small ring: both sides fill and drain it and sleep often. */
	assert_int_equal(chan_spsc_init(&sp, region, 128 + 8 * 8, 8,
					CHAN_RESET | CHAN_PRODUCER),
			 0);
	assert_int_equal(
		chan_spsc_init(&sc, region, 128 + 8 * 8, 8, CHAN_CONSUMER), 0);
	sem_init(&prod_side.sem, 0, 0);
	sem_init(&cons_side.sem, 0, 0);
	prod_side.peer = &cons_side;
	cons_side.peer = &prod_side;
	atomic_store(&prod_side.waits, 0);
	atomic_store(&cons_side.waits, 0);
	atomic_store(&prod_side.notifies, 0);
	atomic_store(&cons_side.notifies, 0);
	prod_hooks.hart = prod_hart;
	cons_hooks.hart = cons_hart;
	assert_int_equal(pthread_create(&t, NULL, blocking_producer, NULL), 0);
	for (uint64_t i = 0; i < block_total; i++) {
		assert_int_equal(chan_spsc_pop(&sc, &cons_hooks, &out), 0);
		assert_int_equal(out, i);
	}
	pthread_join(t, &prc);
	assert_null(prc);
	assert_int_equal(chan_spsc_recv(&sc, &out), E_BUSY);
	printf("# spsc blocking, %s: %llu messages, 2 threads, %.1f s; "
	       "sleeps %lu/%lu, notifies %lu/%lu (producer/consumer)\n",
	       what, (unsigned long long)block_total, now() - t0,
	       atomic_load(&prod_side.waits), atomic_load(&cons_side.waits),
	       atomic_load(&prod_side.notifies),
	       atomic_load(&cons_side.notifies));
	sem_destroy(&prod_side.sem);
	sem_destroy(&cons_side.sem);
}

static void chan_spsc_blocking_loses_no_wake_up(void **state)
{
	blocking_run(500000, NULL, NULL, "fixed spin");
}

/* Harts 1 and 2: each side spins adaptively while the other runs,
 * publishing and clearing its awake word around every sleep. */
static void chan_spsc_adaptive_spin_across_harts_loses_no_wake_up(void **state)
{
	static uint32_t h1 = 1, h2 = 2;

	/* What this checks is that no wake-up is lost while the awake
	 * words change; each poll is slow under TSan and on a loaded host
	 * spins often run out, so the spin is bounded at 256 polls (not
	 * CHAN_SPIN_MAX) and the run is shorter. */
	prod_hooks.spin_max = cons_hooks.spin_max = 256;
	blocking_run(200000, &h1, &h2, "adaptive spin, two harts");
	prod_hooks.spin_max = cons_hooks.spin_max = 0;
}

/* One hart: neither side spins, every wait sleeps at once. */
static void chan_spsc_adaptive_spin_on_one_hart_loses_no_wake_up(void **state)
{
	static uint32_t h = 1;

	blocking_run(500000, &h, &h, "adaptive spin, one hart");
}

/* The consumer of chan_spsc_wait_stops_spinning_when_the_peer_sleeps:
 * once the producer spins on it, it says it sleeps; once the producer
 * sleeps too, it makes room and wakes it. */
static void *stopping_consumer(void *arg)
{
	uint64_t out;

	while (!__atomic_load_n(&sp.sh->prod_awake, __ATOMIC_RELAXED))
		sched_yield();
	chan_spsc_leave(&sc);
	while (!__atomic_load_n(&sp.sh->prod_waiting, __ATOMIC_RELAXED))
		sched_yield();
	if (chan_spsc_recv(&sc, &out))
		return (void *)1;
	return chan_wake(&cons_hooks, &sc.sh->prod_waiting) ? (void *)2 : NULL;
}

/*
 * A peer that goes to sleep while we spin on it: the spin stops (before
 * its budget, the bound) and we sleep; its wake-up still comes. The
 * peer thread may be late to act, so the early stop is required in one
 * of several tries; the sleep and the wake-up in every one.
 */
static void chan_spsc_wait_stops_spinning_when_the_peer_sleeps(void **state)
{
	static uint32_t h1 = 1, h2 = 2;
	uint64_t v = 1;
	int early = 0;

	for (int try = 0; try < 5; try++) {
		pthread_t t;
		void *trc;

		assert_int_equal(chan_spsc_init(&sp, region, 128 + 8 * 8, 8,
						CHAN_RESET | CHAN_PRODUCER),
				 0);
		assert_int_equal(chan_spsc_init(&sc, region, 128 + 8 * 8, 8,
						CHAN_CONSUMER),
				 0);
		sem_init(&prod_side.sem, 0, 0);
		atomic_store(&prod_side.waits, 0);
		prod_hooks.hart = &h1;
		cons_hooks.hart = &h2;
		while (chan_spsc_send(&sp, &v) == 0)
			;
		chan_spsc_announce(&sc, &cons_hooks); /* awake on hart 2 */
		sp.spin = CHAN_SPIN_MAX;
		assert_int_equal(
			pthread_create(&t, NULL, stopping_consumer, NULL), 0);
		assert_int_equal(chan_spsc_wait(&sp, &prod_hooks), 0);
		pthread_join(t, &trc);
		assert_null(trc);
		assert_int_equal(atomic_load(&prod_side.waits), 1);
		/* 0: the peer said it sleeps before the spin began. */
		assert_in_range(sp.spun, 0, CHAN_SPIN_MAX);
		early += sp.spun < CHAN_SPIN_MAX;
		sem_destroy(&prod_side.sem);
	}
	assert_true(early > 0);
	printf("# spin stopped early in %d of 5 tries\n", early);
}

/* ------------------------------------------------------------- MPMC --- */

#define PRODUCERS 4
#define CONSUMERS 4

static struct chan_mpmc mq;
static uint64_t per_producer;
static _Atomic uint8_t *seen; /* [producer * per_producer + seq] */
static atomic_ulong received;

static void *mpmc_producer(void *arg)
{
	uint64_t id = (uintptr_t)arg;
	unsigned spins = 0;

	for (uint64_t i = 0; i < per_producer; i++) {
		/* 16-byte messages: the id and sequence twice, so a torn
		 * copy would show too. */
		uint64_t msg[2] = { id << 40 | i, ~(id << 40 | i) };

		while (chan_mpmc_send(&mq, msg))
			relax(&spins);
	}
	return NULL;
}

static void *mpmc_consumer(void *arg)
{
	uint64_t last[PRODUCERS], msg[2];
	unsigned spins = 0;

	for (int p = 0; p < PRODUCERS; p++)
		last[p] = UINT64_MAX;
	while (atomic_load_explicit(&received, memory_order_relaxed) <
	       PRODUCERS * per_producer) {
		if (chan_mpmc_recv(&mq, msg)) {
			relax(&spins);
			continue;
		}
		uint64_t id = msg[0] >> 40, seq = msg[0] & ((1ull << 40) - 1);

		if (msg[1] != ~msg[0] || id >= PRODUCERS || seq >= per_producer)
			return (void *)1; /* garbage */
		/* One consumer claims positions in increasing order, and a
		 * producer's messages take increasing positions. */
		if (last[id] != UINT64_MAX && seq <= last[id])
			return (void *)2; /* out of order */
		last[id] = seq;
		if (atomic_fetch_add_explicit(&seen[id * per_producer + seq], 1,
					      memory_order_relaxed))
			return (void *)3; /* duplicate */
		atomic_fetch_add_explicit(&received, 1, memory_order_relaxed);
	}
	return NULL;
}

static void chan_mpmc_keeps_every_message_once_and_in_order(void **state)
{
	pthread_t p[PRODUCERS], c[CONSUMERS];
	void *rc;
	double t0 = now();

	per_producer = scale(500000);
	seen = calloc(PRODUCERS * per_producer, 1);
	assert_non_null(seen);
	atomic_store(&received, 0);
	assert_int_equal(chan_mpmc_init(&mq, region, REGION, 16, CHAN_RESET),
			 0);
	for (uintptr_t i = 0; i < CONSUMERS; i++)
		assert_int_equal(
			pthread_create(&c[i], NULL, mpmc_consumer, NULL), 0);
	for (uintptr_t i = 0; i < PRODUCERS; i++)
		assert_int_equal(
			pthread_create(&p[i], NULL, mpmc_producer, (void *)i),
			0);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < CONSUMERS; i++) {
		pthread_join(c[i], &rc);
		assert_null(rc);
	}
	for (uint64_t i = 0; i < PRODUCERS * per_producer; i++)
		assert_int_equal(atomic_load(&seen[i]), 1); /* none lost */
	free((void *)seen);
	printf("# mpmc: %llu messages, %d producers, %d consumers, %.1f s\n",
	       (unsigned long long)(PRODUCERS * per_producer), PRODUCERS,
	       CONSUMERS, now() - t0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			chan_spsc_moves_millions_between_threads_in_order),
		cmocka_unit_test(chan_spsc_blocking_loses_no_wake_up),
		cmocka_unit_test(
			chan_spsc_adaptive_spin_across_harts_loses_no_wake_up),
		cmocka_unit_test(
			chan_spsc_adaptive_spin_on_one_hart_loses_no_wake_up),
		cmocka_unit_test(
			chan_spsc_wait_stops_spinning_when_the_peer_sleeps),
		cmocka_unit_test(
			chan_mpmc_keeps_every_message_once_and_in_order),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
