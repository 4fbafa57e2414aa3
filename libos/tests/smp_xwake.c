/* SPDX-License-Identifier: MIT */
/*
 * A notify to a domain sleeping on another hart is delivered by an IPI at
 * once, not at that hart's next timer tick (docs/smp.md, "Cross-hart
 * events"; tests/qemu/test_smp_xwake.py). Two domains on two harts do
 * XW_ROUNDS round trips through a channel (with or without handoff, as
 * the configuration says), without any spin: every message is a notify,
 * and every wait that finds nothing sleeps. Each side then reads its own
 * hart's counters: timer interrupts taken (KSTAT_HART_TICKS), IPIs
 * taken (KSTAT_HART_IPIS) and idle wake-ups by the tick that found a
 * domain already woken there (KSTAT_HART_TICK_WAKES). A wake-up that
 * waited for the tick would cost a tick each, and count as a tick wake:
 * with XW_ROUNDS round trips the ticks must stay far below XW_ROUNDS
 * (they follow wall time, one per 10 ms of idle or per slice), the tick
 * wakes near zero.
 *
 * t_xw_a / t_xw_b: a signals b only once b sleeps (its registry state
 * says WAITING), so each round wakes a sleeping b through the C path
 * (sched_notify on another hart) and b's hart must take one IPI per
 * round; b's answer races a's own wait (a may not sleep yet).
 * t_xw_c / t_xw_d: both signal and sleep in one notify_wait, as a
 * request/reply pair does, so every wake-up races the other's sleep.
 * t_xw_busy: shares b's hart and yields to anyone in a loop, so b's hart
 * takes its IPIs in U-mode (entry_ipi) rather than in wfi.
 * t_xw_y: yield_cap to a domain on another hart ends the caller's slice
 * locally and sends nothing (docs/smp.md, "Placement").
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define XW_ROUNDS 10000

static unsigned long chan_slot(void)
{
	return rivet_info()->channels[0].notify_slot;
}

static uint64_t chan_bit(void)
{
	return 1UL << rivet_info()->channels[0].bit;
}

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

/* This hart's counters, to take a difference of. */
struct xw_counts {
	uint64_t ticks, ipis, sent, resumes, tick_wakes;
};

static struct xw_counts xw_now(void)
{
	return (struct xw_counts){
		.ticks = kstat(KSTAT_HART_TICKS),
		.ipis = kstat(KSTAT_HART_IPIS),
		.sent = kstat(KSTAT_HART_IPIS_SENT),
		.resumes = kstat(KSTAT_HART_IDLE_RESUMES),
		.tick_wakes = kstat(KSTAT_HART_TICK_WAKES),
	};
}

/* "xw_<role's letter>_<what>": the name of a result line of role who
 * ("t_xw_a"), told apart from its peer's (one buffer: used at once). */
static const char *xw_name(const char *who, const char *what)
{
	static char name[48];

	snprintf(name, sizeof(name), "xw_%s_%s", who + 5, what);
	return name;
}

/* Prints what this hart did in the rounds since before and checks its
 * ticks: far fewer than one per round. */
static void xw_check(const char *who, struct xw_counts before, long rounds,
		     long empty)
{
	struct xw_counts now = xw_now();
	long ticks = (long)(now.ticks - before.ticks);
	long late = (long)(now.tick_wakes - before.tick_wakes);

	printf("%s: %ld rounds, hart %u: %ld ticks, %ld ipis taken, "
	       "%ld sent, %ld idle resumes, %ld tick wakes\n",
	       who, rounds, rivet_info()->hart_id, ticks,
	       (long)(now.ipis - before.ipis), (long)(now.sent - before.sent),
	       (long)(now.resumes - before.resumes), late);
	report(xw_name(who, "rounds"), rounds == XW_ROUNDS, "%ld of %ld",
	       rounds, XW_ROUNDS);
	report(xw_name(who, "empty_wakeups"), empty == 0, "%ld, want %ld",
	       empty, 0);
	/* Only where the host wakes a halted vCPU at once (one TCG thread
	 * for all of them): otherwise the ticks follow the host's wall
	 * time, which a loaded host stretches (the test says which). */
	report(xw_name(who, "ticks_far_below_rounds"), ticks < XW_ROUNDS / 10,
	       "%ld ticks for %ld rounds", ticks, rounds);
	/* A few: a tick can cross an IPI on its way (count_tick_wake). */
	report(xw_name(who, "no_tick_wakes"), late <= XW_ROUNDS / 100,
	       "%ld wake-ups by the tick for %ld rounds", late, rounds);
}

/* Signals t_xw_b once it sleeps, then waits for its answer. */
static void role_xw_a(void)
{
	long peer = rivet_domain_lookup("t_xw_b"), rounds = 0, empty = 0, i;
	uint64_t bit = chan_bit();
	struct xw_counts before = xw_now();

	for (i = 0; i < XW_ROUNDS; i++) {
		while (rivet_domain_state(peer) != RIVET_DOMAIN_WAITING)
			;
		sys_notify_cap(chan_slot(), 0);
		if (sys2_wait(bit).val & bit)
			rounds++;
		else
			empty++;
	}
	xw_check("t_xw_a", before, rounds, empty);
}

/* Sleeps until t_xw_a's signal, answers; every wake-up is by IPI. */
static void role_xw_b(void)
{
	uint64_t bit = chan_bit();
	struct xw_counts before = xw_now();
	long rounds = 0, empty = 0, ipis, i;

	for (i = 0; i < XW_ROUNDS; i++) {
		if (sys2_wait(bit).val & bit)
			rounds++;
		else
			empty++;
		sys_notify_cap(chan_slot(), 0);
	}
	ipis = (long)(kstat(KSTAT_HART_IPIS) - before.ipis);
	xw_check("t_xw_b", before, rounds, empty);
	/* Each round woke b asleep: its hart took an IPI for it (a few
	 * may be merged with another kick: the pending bit is one bit). */
	report("xw_b_woken_by_ipi", ipis >= XW_ROUNDS * 9 / 10,
	       "%ld IPIs for %ld rounds", ipis, XW_ROUNDS);
}

/* notify_wait both ways: c sends first, d answers each. */
static void role_xw_c(void)
{
	uint64_t bit = chan_bit();
	struct xw_counts before = xw_now();
	long rounds = 0, empty = 0, i;

	/* d is asleep in its first wait before the first signal */
	while (rivet_domain_state(rivet_domain_lookup("t_xw_d")) !=
	       RIVET_DOMAIN_WAITING)
		;
	for (i = 0; i < XW_ROUNDS; i++) {
		if (sys2_notify_wait(chan_slot(), 0, bit).val & bit)
			rounds++;
		else
			empty++;
	}
	xw_check("t_xw_c", before, rounds, empty);
}

static void role_xw_d(void)
{
	uint64_t bit = chan_bit(), got;
	struct xw_counts before = xw_now();
	long rounds = 0, empty = 0, i;

	got = sys2_wait(bit).val;
	for (i = 0; i < XW_ROUNDS; i++) {
		if (got & bit)
			rounds++;
		else
			empty++;
		if (i + 1 < XW_ROUNDS)
			got = sys2_notify_wait(chan_slot(), 0, bit).val;
		else
			sys_notify_cap(chan_slot(), 0); /* the last answer */
	}
	xw_check("t_xw_d", before, rounds, empty);
}

/* Yields to anyone on t_xw_b's hart until it is alone with t_xw_a's
 * or t_xw_c's ... pair gone: b's wake-ups come while it runs. */
static void role_xw_busy(void)
{
	long yields = 0;

	while (kstat(KSTAT_LIVE_DOMAINS) > 1 && yields < 100000000)
		sys_yield_cap(RIVET_YIELD_ANY), yields++;
	report("xw_busy_ran", yields > 0, "%ld yields", yields, 0);
}

/*
 * yield_cap to t_xw_z on another hart: while z waits, E_BUSY; while it
 * runs (spinning there), 0, the caller's slice ending locally; and no
 * IPI sent either way.
 */
static void role_xw_y(void)
{
	long peer = rivet_domain_lookup("t_xw_z"), busy = 0, ok = 0, i;
	uint64_t sent = kstat(KSTAT_HART_IPIS_SENT);

	while (rivet_domain_state(peer) != RIVET_DOMAIN_WAITING)
		;
	for (i = 0; i < 100; i++)
		busy += sys_yield_cap(chan_slot()) == E_BUSY;
	EXPECT_EQ("xw_yield_remote_waiting_busy", busy, 100);
	EXPECT_EQ("xw_yield_remote_waiting_no_ipi",
		  kstat(KSTAT_HART_IPIS_SENT) - sent, 0);
	sys_notify_cap(chan_slot(), 0); /* z spins from here */
	while (rivet_domain_state(peer) != RIVET_DOMAIN_RUNNABLE)
		;
	sent = kstat(KSTAT_HART_IPIS_SENT);
	for (i = 0; i < 100; i++)
		ok += sys_yield_cap(chan_slot()) == 0;
	EXPECT_EQ("xw_yield_remote_running_ok", ok, 100);
	EXPECT_EQ("xw_yield_remote_running_no_ipi",
		  kstat(KSTAT_HART_IPIS_SENT) - sent, 0);
	sys_notify_cap(chan_slot(), 0); /* z may end */
}

/* Waits for y's first signal, then spins until its second. */
static void role_xw_z(void)
{
	uint64_t bit = chan_bit();

	sys2_wait(bit);
	while (!(__atomic_load_n(&rivet_info()->pending, __ATOMIC_ACQUIRE) &
		 bit))
		;
	report("xw_z_done", sys2_wait(bit).val == bit, "%ld", 0, 0);
}

const struct role smp_xwake_roles[] = {
	{ "t_xw_a", role_xw_a },       { "t_xw_b", role_xw_b },
	{ "t_xw_c", role_xw_c },       { "t_xw_d", role_xw_d },
	{ "t_xw_busy", role_xw_busy }, { "t_xw_y", role_xw_y },
	{ "t_xw_z", role_xw_z },       { 0 },
};
