// SPDX-License-Identifier: MIT
/*
 * The SPSC ring's adaptive spin (libos/lib/channel_spin.c), one thread:
 * the policy (spin only for a peer awake on another hart, a budget that
 * follows the peer's answers, never beyond CHAN_SPIN_MAX) and
 * chan_spsc_wait with hooks that record what they are asked and let the
 * "peer" act while this end sleeps. test_channel_tsan.c runs it with
 * real threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/channel.h>

#define REGION	   1024 /* 64 slots of 8 bytes */
#define MY_HART	   1
#define OTHER_HART 2

static _Alignas(64) uint8_t region[REGION];
static struct chan_spsc prod, cons;
static uint32_t my_hart = MY_HART;

/* Hooks that record; the wait lets the peer act (consume one message). */
static struct {
	int waits, notifies;
	uint32_t awake_at_wait; /* our awake word while we slept */
	uint32_t flag_at_wait;
	bool peer_consumes;
} hk;

static int hk_wait(void *arg)
{
	uint64_t out;

	hk.waits++;
	hk.awake_at_wait = prod.sh->prod_awake;
	hk.flag_at_wait = prod.sh->prod_waiting;
	if (hk.peer_consumes)
		assert_int_equal(chan_spsc_recv(&cons, &out), 0);
	return 0;
}

static int hk_notify(void *arg)
{
	hk.notifies++;
	return 0;
}

static const struct chan_hooks hooks = { hk_wait, hk_notify, NULL,
					 3,	  &my_hart,  0 };
static const struct chan_hooks no_hart = {
	hk_wait, hk_notify, NULL, 3, NULL, 0
};

/* A full ring: the producer must wait for room. */
static int setup_full(void **state)
{
	uint64_t v = 1;

	memset(region, 0, sizeof(region));
	memset(&hk, 0, sizeof(hk));
	hk.peer_consumes = true;
	my_hart = MY_HART;
	assert_int_equal(chan_spsc_init(&prod, region, REGION, 8,
					CHAN_RESET | CHAN_PRODUCER),
			 0);
	assert_int_equal(
		chan_spsc_init(&cons, region, REGION, 8, CHAN_CONSUMER), 0);
	while (chan_spsc_send(&prod, &v) == 0)
		;
	assert_false(chan_spsc_writable(&prod));
	return 0;
}

static void peer_awake_on(uint32_t hart)
{
	cons.sh->cons_awake = hart + 1;
}

static void
chan_spin_limit_is_zero_for_a_peer_on_our_hart_or_asleep(void **state)
{
	assert_int_equal(chan_spin_limit(1000, MY_HART + 1, MY_HART + 1), 0);
	assert_int_equal(chan_spin_limit(1000, 0, MY_HART + 1), 0);
	assert_int_equal(chan_spin_limit(CHAN_SPIN_MAX, 0, MY_HART + 1), 0);
}

static void chan_spin_limit_clamps_the_budget_for_a_peer_elsewhere(void **state)
{
	assert_int_equal(chan_spin_limit(1000, OTHER_HART + 1, MY_HART + 1),
			 1000);
	assert_int_equal(chan_spin_limit(0, OTHER_HART + 1, MY_HART + 1),
			 CHAN_SPIN_MIN);
	assert_int_equal(
		chan_spin_limit(UINT32_MAX, OTHER_HART + 1, MY_HART + 1),
		CHAN_SPIN_MAX);
	/* Any word the peer writes but 0 and ours means "elsewhere". */
	assert_int_equal(chan_spin_limit(1000, UINT32_MAX, MY_HART + 1), 1000);
}

static void chan_spin_adapt_covers_eight_times_the_longest_wait(void **state)
{
	uint32_t b = chan_spin_adapt(CHAN_SPIN_MIN, 1000, true);

	assert_int_equal(b, 8000);
	/* A shorter answer: the budget forgets the long one slowly, by
	 * half in 45 waits, then down to the minimum. */
	assert_int_equal(chan_spin_adapt(b, 1, true), 7875);
	for (int i = 0; i < 45; i++)
		b = chan_spin_adapt(b, 1, true);
	assert_in_range(b, 3900, 4000);
	for (int i = 0; i < 400; i++)
		b = chan_spin_adapt(b, 1, true);
	assert_int_equal(b, CHAN_SPIN_MIN);
	/* A longer one counts at once. */
	assert_int_equal(chan_spin_adapt(b, 2000, true), 16000);
}

static void chan_spin_adapt_doubles_when_the_spin_ran_out(void **state)
{
	uint32_t b = CHAN_SPIN_MIN;
	int n = 0;

	assert_int_equal(chan_spin_adapt(b, b, false), 2 * b);
	while (b < CHAN_SPIN_MAX) {
		b = chan_spin_adapt(b, b, false);
		n++;
	}
	assert_int_equal(n, 12); /* 64 << 12 == 1 << 18 */
	assert_int_equal(chan_spin_adapt(b, b, false), CHAN_SPIN_MAX);
}

static void chan_spin_adapt_stays_within_bounds_whatever_it_sees(void **state)
{
	uint32_t b = 0;

	srand(13);
	for (int i = 0; i < 100000; i++) {
		uint32_t polls = (uint32_t)rand() * 2654435761u;

		b = chan_spin_adapt(b, polls, rand() & 1);
		assert_in_range(b, CHAN_SPIN_MIN, CHAN_SPIN_MAX);
		assert_in_range(chan_spin_limit(b, OTHER_HART + 1, MY_HART + 1),
				CHAN_SPIN_MIN, CHAN_SPIN_MAX);
	}
}

static void chan_spsc_wait_does_not_spin_for_a_peer_on_our_hart(void **state)
{
	peer_awake_on(MY_HART);
	assert_int_equal(chan_spsc_wait(&prod, &hooks), 0);
	assert_int_equal(prod.spun, 0);
	assert_int_equal(prod.spin, CHAN_SPIN_MIN); /* nothing measured */
	assert_int_equal(hk.waits, 1);
	assert_int_equal(hk.flag_at_wait, 1);
	assert_int_equal(hk.awake_at_wait, 0); /* asleep while waiting */
	assert_int_equal(prod.sh->prod_awake, MY_HART + 1); /* awake again */
	assert_int_equal(prod.sh->prod_waiting, 0);
	assert_true(chan_spsc_writable(&prod));
}

static void chan_spsc_wait_does_not_spin_for_a_sleeping_peer(void **state)
{
	peer_awake_on(OTHER_HART);
	cons.sh->cons_awake = 0; /* asleep, or never said */
	assert_int_equal(chan_spsc_wait(&prod, &hooks), 0);
	assert_int_equal(prod.spun, 0);
	assert_int_equal(hk.waits, 1);
}

static void
chan_spsc_wait_spins_its_budget_for_a_peer_elsewhere_then_sleeps(void **state)
{
	peer_awake_on(OTHER_HART); /* says it runs, never moves */
	assert_int_equal(chan_spsc_wait(&prod, &hooks), 0);
	assert_int_equal(prod.spun, CHAN_SPIN_MIN);
	assert_int_equal(prod.spin, 2 * CHAN_SPIN_MIN); /* ran out */
	assert_int_equal(hk.waits, 1);
	assert_int_equal(hk.flag_at_wait, 1);
}

static void chan_spsc_wait_a_lying_peer_costs_at_most_the_bound(void **state)
{
	uint64_t v = 2;

	peer_awake_on(OTHER_HART);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(chan_spsc_wait(&prod, &hooks), 0);
		assert_in_range(prod.spun, CHAN_SPIN_MIN, CHAN_SPIN_MAX);
		assert_int_equal(hk.waits, i + 1); /* every wait sleeps */
		assert_int_equal(chan_spsc_send(&prod, &v), 0); /* full again */
	}
	assert_int_equal(prod.spun, CHAN_SPIN_MAX);
	assert_int_equal(prod.spin, CHAN_SPIN_MAX);
}

static void chan_spsc_wait_spins_at_most_the_hooks_spin_max(void **state)
{
	struct chan_hooks h = hooks;

	h.spin_max = 100;
	peer_awake_on(OTHER_HART);
	prod.spin = CHAN_SPIN_MAX;
	assert_int_equal(chan_spsc_wait(&prod, &h), 0);
	assert_int_equal(prod.spun, 100);
	assert_int_equal(hk.waits, 1);
}

static void chan_spsc_wait_neither_spins_nor_sleeps_when_ready(void **state)
{
	uint64_t out;

	peer_awake_on(OTHER_HART);
	assert_int_equal(chan_spsc_recv(&cons, &out), 0);
	assert_int_equal(chan_spsc_wait(&prod, &hooks), 0);
	assert_int_equal(hk.waits, 0);
	assert_int_equal(prod.spun, 0);
	/* Still said where it runs: its peer may sleep on the other side
	 * and decide whether to spin on it (pingpong's requests never fill
	 * their ring). */
	assert_int_equal(prod.sh->prod_awake, MY_HART + 1);
}

static void chan_spsc_wait_without_a_hart_is_chan_block(void **state)
{
	peer_awake_on(OTHER_HART);
	assert_int_equal(chan_spsc_wait(&prod, &no_hart), 0);
	assert_int_equal(hk.waits, 1);
	assert_int_equal(prod.sh->prod_awake, 0); /* never published */
	assert_int_equal(prod.spin, CHAN_SPIN_MIN);
	assert_int_equal(prod.spun, 0);
}

static int failing_wait(void *arg)
{
	return E_NOENT;
}

static void chan_spsc_wait_returns_the_wait_error_asleep(void **state)
{
	const struct chan_hooks h = { failing_wait, hk_notify, NULL, 3,
				      &my_hart,	    0 };

	peer_awake_on(MY_HART);
	assert_int_equal(chan_spsc_wait(&prod, &h), E_NOENT);
	/* The page is not touched after the error: it may be gone. */
	assert_int_equal(prod.sh->prod_awake, 0);
	assert_int_equal(prod.sh->prod_waiting, 1);
}

static void
chan_spsc_announce_publishes_the_hart_and_leave_clears_it(void **state)
{
	chan_spsc_announce(&cons, &hooks);
	assert_int_equal(cons.sh->cons_awake, MY_HART + 1);
	assert_int_equal(prod.sh->prod_awake, 0); /* the other line */
	my_hart = 3;				  /* the kernel moved us */
	chan_spsc_announce(&cons, &hooks);
	assert_int_equal(cons.sh->cons_awake, 4);
	chan_spsc_announce(&cons, &no_hart); /* nothing to say */
	assert_int_equal(cons.sh->cons_awake, 4);
	chan_spsc_leave(&cons);
	assert_int_equal(cons.sh->cons_awake, 0);
	/* The publish and consume calls announce too. */
	assert_int_equal(chan_spsc_consume_wake(&cons, &hooks), 0);
	assert_int_equal(cons.sh->cons_awake, 4);
}

static void chan_hooks_count_counts_and_passes_on_each_call(void **state)
{
	struct chan_hooks h = hooks;
	struct chan_count k;

	chan_hooks_count(&h, &k);
	assert_ptr_equal(h.hart, &my_hart); /* the rest is kept */
	assert_int_equal(h.spin, 3);
	hk.peer_consumes = false;
	assert_int_equal(h.wait(h.arg), 0);
	assert_int_equal(h.wait(h.arg), 0);
	assert_int_equal(h.notify(h.arg), 0);
	assert_int_equal(k.waits, 2);
	assert_int_equal(k.notifies, 1);
	assert_int_equal(hk.waits, 2); /* the original hooks ran */
	assert_int_equal(hk.notifies, 1);
}

static void chan_spsc_awake_words_sit_in_their_writers_lines(void **state)
{
	assert_int_equal(
		offsetof(struct chan_spsc_shared, prod_awake) / CHAN_CACHE_LINE,
		offsetof(struct chan_spsc_shared, head) / CHAN_CACHE_LINE);
	assert_int_equal(
		offsetof(struct chan_spsc_shared, cons_awake) / CHAN_CACHE_LINE,
		offsetof(struct chan_spsc_shared, tail) / CHAN_CACHE_LINE);
	assert_int_equal(offsetof(struct chan_spsc_shared, slots), 128);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			chan_spin_limit_is_zero_for_a_peer_on_our_hart_or_asleep),
		cmocka_unit_test(
			chan_spin_limit_clamps_the_budget_for_a_peer_elsewhere),
		cmocka_unit_test(
			chan_spin_adapt_covers_eight_times_the_longest_wait),
		cmocka_unit_test(chan_spin_adapt_doubles_when_the_spin_ran_out),
		cmocka_unit_test(
			chan_spin_adapt_stays_within_bounds_whatever_it_sees),
		cmocka_unit_test_setup(
			chan_spsc_wait_does_not_spin_for_a_peer_on_our_hart,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_wait_does_not_spin_for_a_sleeping_peer,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_wait_spins_its_budget_for_a_peer_elsewhere_then_sleeps,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_wait_a_lying_peer_costs_at_most_the_bound,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_wait_spins_at_most_the_hooks_spin_max,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_wait_neither_spins_nor_sleeps_when_ready,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_wait_without_a_hart_is_chan_block,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_wait_returns_the_wait_error_asleep,
			setup_full),
		cmocka_unit_test_setup(
			chan_spsc_announce_publishes_the_hart_and_leave_clears_it,
			setup_full),
		cmocka_unit_test_setup(
			chan_hooks_count_counts_and_passes_on_each_call,
			setup_full),
		cmocka_unit_test(
			chan_spsc_awake_words_sit_in_their_writers_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
