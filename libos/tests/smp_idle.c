/* SPDX-License-Identifier: MIT */
/*
 * The lock-free idle resume (docs/smp.md, "The lock-free idle resume";
 * tests/qemu/test_smp_idle.py). A domain alone on its hart waits, its
 * hart idles in wfi, and what wakes it (its device's interrupt, or an IPI
 * after a notify from another hart) resumes it without the big kernel
 * lock, while t_idle_hog, on another hart, keeps the lock busy with long
 * calls (64-page allocations, zeroed in pieces, and their deletes).
 * Every event must arrive, with its bit, and the kernel's count of
 * lock-free resumes on the waiter's hart (KSTAT_HART_IDLE_RESUMES) must
 * have moved for most of them: had the resume taken the lock, or fallen
 * back to the locked path, it would not move at all.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define IDLE_ROUNDS 200
#define RACE_ROUNDS 1000 /* each is short: about 1 ms of guest time */

static uint64_t resumes_here(void)
{
	return sys2_kstat(KSTAT_HART_IDLE_RESUMES).val;
}

/* The RTC's alarm ns from now: the waiter is asleep, its hart in wfi,
 * when it fires. */
static void rtc_fire_after(uint32_t ns)
{
	uint64_t now = *(volatile uint32_t *)(RTC_VA + RTC_TIME_LOW);

	now |= (uint64_t) * (volatile uint32_t *)(RTC_VA + RTC_TIME_HIGH) << 32;
	now += ns;
	rtc_write(RTC_IRQ_ENABLED, 1);
	rtc_write(RTC_ALARM_HIGH, (uint32_t)(now >> 32));
	rtc_write(RTC_ALARM_LOW, (uint32_t)now);
}

/* Binds the RTC, waits for IDLE_ROUNDS alarms, each 200 us ahead. */
static void role_idle_irq(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long irq = in->devices[0].first_irq_slot;
	uint64_t before, woke;
	long got = 0, i;

	EXPECT_EQ("idle_irq_map", sys_map(in->devices[0].slot, RTC_VA, 3), 0);
	EXPECT_EQ("idle_irq_bind", sys_irq_bind(irq, 5), 0);
	before = resumes_here();
	for (i = 0; i < IDLE_ROUNDS; i++) {
		/* A timer event too: a lost interrupt fails, it does not
		 * hang. */
		sys_timer_event(rivet_now() + 50000000, 7);
		rtc_fire_after(200000);
		woke = sys2_wait(EV_RTC | EV_TIMER).val;
		sys_timer_event(0, 7);
		got += (woke & EV_RTC) != 0;
		rtc_write(RTC_CLEAR_INT, 1);
		sys_irq_ack(irq);
	}
	rtc_write(RTC_IRQ_ENABLED, 0);
	printf("t_idle_irq: %ld of %d resumed without the lock\n",
	       (long)(resumes_here() - before), IDLE_ROUNDS);
	EXPECT_EQ("idle_irq_all_delivered", got, IDLE_ROUNDS);
	report("idle_irq_resumed_without_lock",
	       resumes_here() - before >= IDLE_ROUNDS / 2, "%ld of %ld",
	       (long)(resumes_here() - before), IDLE_ROUNDS);
	EXPECT_EQ("idle_irq_deleted", sys_cap_delete(irq), 0);
}

static unsigned long chan_slot(void)
{
	return rivet_info()->channels[0].notify_slot;
}

static uint64_t chan_bit(void)
{
	return 1UL << rivet_info()->channels[0].bit;
}

/* Waits IDLE_ROUNDS times for t_idle_notifier's signal and answers. */
static void role_idle_waiter(void)
{
	uint64_t bit = chan_bit(), before = resumes_here();
	long got = 0, empty = 0, i;

	for (i = 0; i < IDLE_ROUNDS; i++) {
		uint64_t woke = sys2_wait(bit).val;

		got += (woke & bit) != 0;
		empty += (woke & bit) == 0;
		sys_notify_cap(chan_slot(), 0);
	}
	printf("t_idle_waiter: %ld of %d resumed without the lock\n",
	       (long)(resumes_here() - before), IDLE_ROUNDS);
	EXPECT_EQ("idle_ipi_all_delivered", got, IDLE_ROUNDS);
	EXPECT_EQ("idle_ipi_empty_wakeups", empty, 0);
	report("idle_ipi_resumed_without_lock",
	       resumes_here() - before >= IDLE_ROUNDS / 2, "%ld of %ld",
	       (long)(resumes_here() - before), IDLE_ROUNDS);
}

/* Signals t_idle_waiter once it sleeps (the registry says WAITING), and
 * waits for its answer, IDLE_ROUNDS times. */
static void role_idle_notifier(void)
{
	long peer = rivet_domain_lookup("t_idle_waiter"), acks = 0, i;
	uint64_t bit = chan_bit();

	for (i = 0; i < IDLE_ROUNDS; i++) {
		while (rivet_domain_state(peer) != RIVET_DOMAIN_WAITING)
			;
		sys_notify_cap(chan_slot(), 0);
		acks += (sys2_wait(bit).val & bit) != 0;
	}
	EXPECT_EQ("idle_ipi_acks", acks, IDLE_ROUNDS);
}

/* Keeps the big kernel lock busy with long calls until it is alone. */
static void role_idle_hog(void)
{
	long calls = 0;

	while (sys2_kstat(KSTAT_LIVE_DOMAINS).val > 1 && calls < 1000000) {
		struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 64, 1);

		if (r.rc == 0)
			sys_cap_delete(r.val);
		calls++;
	}
	report("idle_hog_ran", calls > 0, "%ld calls", calls, 0);
}

/*
 * The interrupt and another hart's notify race for the same sleeper:
 * t_idle_race_w waits for its RTC alarm (50 us ahead) and for
 * t_idle_race_n's signal, sent once it sleeps, in any order and maybe
 * in one wake-up, RACE_ROUNDS times. Whichever wins the wake-up, the
 * other's bit stays pending (the locked path ORs in a bit the idle
 * resume opened but could not deliver): every round ends with both, and
 * a lost one shows as the timer event's bit.
 */
static void role_idle_race_w(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long irq = in->devices[0].first_irq_slot;
	uint64_t bit = chan_bit();
	long rounds = 0, lost = 0, i;

	EXPECT_EQ("idle_race_bind",
		  sys_map(in->devices[0].slot, RTC_VA, 3) ||
			  sys_irq_bind(irq, 5),
		  0);
	for (i = 0; i < RACE_ROUNDS; i++) {
		uint64_t seen = 0;

		sys_timer_event(rivet_now() + 50000000, 7);
		rtc_fire_after(50000);
		while ((seen & (EV_RTC | bit)) != (EV_RTC | bit) &&
		       !(seen & EV_TIMER))
			seen |= sys2_wait(EV_RTC | EV_TIMER | bit).val;
		sys_timer_event(0, 7);
		if (seen & EV_TIMER) {
			printf("idle_race: round %ld ended by the timer, "
			       "seen %llx\n",
			       i, (unsigned long long)seen);
			lost++;
		}
		rounds += (seen & (EV_RTC | bit)) == (EV_RTC | bit);
		rtc_write(RTC_CLEAR_INT, 1);
		sys_irq_ack(irq);
		sys_notify_cap(chan_slot(), 0); /* next round */
		if (lost)
			break; /* the peer sees it gone and ends too */
	}
	rtc_write(RTC_IRQ_ENABLED, 0);
	EXPECT_EQ("idle_race_both_every_round", rounds, RACE_ROUNDS);
	EXPECT_EQ("idle_race_nothing_lost", lost, 0);
}

/* Is the peer still there (not ended)? Then a role waiting for it
 * does not spin for ever once it has gone. */
static bool peer_live(long peer)
{
	uint32_t st = rivet_domain_state(peer);

	return st == RIVET_DOMAIN_RUNNABLE || st == RIVET_DOMAIN_WAITING ||
	       st == RIVET_DOMAIN_STARTING;
}

static void role_idle_race_n(void)
{
	long peer = rivet_domain_lookup("t_idle_race_w"), i;
	uint64_t bit = chan_bit();

	for (i = 0; i < RACE_ROUNDS; i++) {
		while (rivet_domain_state(peer) != RIVET_DOMAIN_WAITING)
			if (!peer_live(peer))
				return; /* the waiter failed and ended */
		/* a varying delay: before, with or after the alarm */
		for (volatile long k = 0; k < (i % 16) * 500; k++)
			;
		sys_notify_cap(chan_slot(), 0);
		sys2_wait(bit);
	}
}

const struct role smp_idle_roles[] = {
	{ "t_idle_race_w", role_idle_race_w },
	{ "t_idle_race_n", role_idle_race_n },
	{ "t_idle_irq", role_idle_irq },
	{ "t_idle_waiter", role_idle_waiter },
	{ "t_idle_notifier", role_idle_notifier },
	{ "t_idle_hog", role_idle_hog },
	{ 0 },
};
