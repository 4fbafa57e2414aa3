/* SPDX-License-Identifier: MIT */
/*
 * In-QEMU tests of what librivet gives a domain at and after boot:
 * rivet_sleep_us (tests/qemu/test_sleep.py).
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define PEER_BIT 0x8UL

/* Microseconds of machine time since t0. */
static long us_since(uint64_t t0)
{
	return (long)((rivet_now() - t0) * 1000000 / rivet_info()->timebase_hz);
}

/* Sleeps us and reports that it took at least that and not much more. */
static void timed_sleep(const char *name, uint64_t us)
{
	uint64_t t0 = rivet_now();
	long rc = rivet_sleep_us(us), took = us_since(t0);

	report(name, rc == 0 && took >= (long)us && took < (long)us + 20000,
	       "rc %ld, took %ld us", rc, took);
}

static void role_sleeper(void)
{
	const unsigned long bit = 1UL << RIVET_TIMER_BIT;
	uint64_t t0;

	/* t_sleep_peer runs meanwhile and notifies PEER_BIT. */
	timed_sleep("sleep_us_waits_at_least_that_long", 30000);
	report("sleep_us_keeps_other_events_pending",
	       (rivet_info()->pending & PEER_BIT) != 0, "pending 0x%lx",
	       (long)rivet_info()->pending, 0);
	report("sleep_us_leaves_no_timer_bit", !(rivet_info()->pending & bit),
	       "pending 0x%lx", (long)rivet_info()->pending, 0);

	t0 = rivet_now();
	EXPECT_EQ("sleep_us_zero_returns_at_once", rivet_sleep_us(0), 0);
	report("sleep_us_zero_takes_no_time", us_since(t0) < 1000,
	       "took %ld us", us_since(t0), 0);

	/* A timer bit left pending by someone else does not cut it short. */
	sys_timer_event(rivet_now() + 1, RIVET_TIMER_BIT);
	while (!(rivet_info()->pending & bit) && us_since(t0) < 100000)
		;
	report("stale_timer_bit_is_pending", (rivet_info()->pending & bit) != 0,
	       "pending 0x%lx", (long)rivet_info()->pending, 0);
	timed_sleep("sleep_us_outlasts_a_stale_timer_bit", 5000);
	timed_sleep("sleep_us_again", 1000);
}

static void role_sleep_peer(void)
{
	long id = rivet_domain_lookup("t_sleep");
	unsigned i;

	/* The sleeper runs first; give it a few turns to start sleeping. */
	for (i = 0; i < 100 && rivet_domain_state(id) != RIVET_DOMAIN_WAITING;
	     i++)
		sys_yield_cap(RIVET_YIELD_ANY);
	report("sleeper_waits_in_the_kernel",
	       rivet_domain_state(id) == RIVET_DOMAIN_WAITING, "state %ld",
	       (long)rivet_domain_state(id), 0);
	EXPECT_EQ("notify_sleeper", rivet_notify_name("t_sleep", PEER_BIT), 0);
}

const struct role bootinfo_roles[] = {
	{ "t_sleep", role_sleeper },
	{ "t_sleep_peer", role_sleep_peer },
	{ 0 },
};
