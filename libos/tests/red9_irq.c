// SPDX-License-Identifier: MIT
/*
 * A granter revokes an interrupt capability from another hart while its
 * holder's hart opens the claim without the lock (kernel/cap/irq_fast.h,
 * docs/smp.md "The lock-free idle resume"; tests/qemu/test_red9_irq.py).
 *
 * t_red9_irq_owner (hart 0) holds the goldfish RTC and its interrupt. Each
 * round it grants a copy of the interrupt capability to t_red9_irq_holder
 * (hart 1), which binds it and waits; the owner raises the RTC's
 * interrupt and, a few instructions to a few thousand later (varied per
 * round), revokes the copy. The holder's hart claims the interrupt in
 * its idle loop while the revoke unbinds it: whichever comes first, no
 * claim may stay open without a binding and the source may not stay
 * masked. After the rounds the owner binds the source itself: an
 * interrupt raised then must arrive.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define ROUNDS 300
#define BIT    5 /* EV_RTC */

/* The page the two share (their channel): the round's step and slot. */
struct irq_race {
	volatile uint64_t phase; /* STEPS * round + BIND .. DONE */
	volatile uint64_t slot;	 /* the holder's copy */
	volatile uint64_t bind_rc, ack_rc;
	volatile uint64_t rtc_wakes, timer_wakes, bad;
};
#define BIND	1 /* owner: the copy is granted, x->slot */
#define BOUND	2 /* holder: bound, waiting */
#define REVOKED 3 /* owner: raised, then revoked */
#define DONE	4 /* holder: woke and acked */
#define STEPS	4

static struct irq_race *race(void)
{
	return (struct irq_race *)(uintptr_t)rivet_info()->channels[0].va;
}

static void wait_phase(uint64_t want)
{
	while (race()->phase != want)
		rivet_sleep_us(50);
}

static void spin(unsigned n)
{
	while (n--)
		__asm__ volatile("" ::: "memory");
}

static void role_red9_irq_owner(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long irq = in->devices[0].first_irq_slot;
	unsigned long peer = in->notify[0].slot; /* unused: keeps it live */
	struct irq_race *x = race();
	unsigned i, granted = 0, revoked = 0;
	struct rivet_ret r;

	(void)peer;
	EXPECT_EQ("red9_irq_owner_maps_rtc",
		  sys_map(in->devices[0].slot, RTC_VA, 3), 0);
	for (i = 0; i < ROUNDS; i++) {
		r = sys2_cap_derive(irq, RIVET_SLOT_PEER0, 0xf, 0);
		granted += r.rc == 0;
		x->slot = r.val;
		x->phase = STEPS * i + BIND;
		wait_phase(STEPS * i + BOUND);
		spin((i * 37) % 2000);
		rtc_raise();
		spin((i * 53) % 500);
		revoked += sys_cap_revoke(irq) == 0;
		rtc_write(RTC_CLEAR_INT, 1);
		x->phase = STEPS * i + REVOKED;
		wait_phase(STEPS * i + DONE);
	}
	/* The holder is done with the page (it ends, and this domain's end
	 * would take the page from it). */
	x->phase = STEPS * ROUNDS + BIND;
	wait_phase(STEPS * ROUNDS + BOUND);
	EXPECT_EQ("red9_irq_granted_every_round", granted, ROUNDS);
	EXPECT_EQ("red9_irq_revoked_every_round", revoked, ROUNDS);
	report("red9_irq_holder_sane", x->bad == 0, "bad %ld rtc wakes %ld",
	       (long)x->bad, (long)x->rtc_wakes);
	printf("red9: %ld rounds woken by the interrupt, %ld by the timer\n",
	       (long)x->rtc_wakes, (long)x->timer_wakes);

	/* The source after all that: bound here, raised, delivered. */
	EXPECT_EQ("red9_irq_owner_binds", sys_irq_bind(irq, BIT), 0);
	sys_timer_event(rivet_now() + 2000000, 7);
	rtc_raise();
	r = sys2_wait(EV_RTC | EV_TIMER);
	sys_timer_event(0, 7);
	report("red9_irq_source_works_after_races", r.val & EV_RTC,
	       "woke with 0x%lx", (long)r.val, 0);
	rtc_write(RTC_CLEAR_INT, 1);
	EXPECT_EQ("red9_irq_owner_acks", sys_irq_ack(irq), 0);
	rtc_write(RTC_IRQ_ENABLED, 0);
}

static void role_red9_irq_holder(void)
{
	struct irq_race *x = race();
	unsigned i;
	long rc;
	uint64_t woke;

	for (i = 0; i < ROUNDS; i++) {
		wait_phase(STEPS * i + BIND);
		rc = sys_irq_bind(x->slot, BIT);
		x->bad += rc != 0;
		sys_timer_event(rivet_now() + 200000, 7); /* 20 ms */
		x->phase = STEPS * i + BOUND;
		woke = sys2_wait(EV_RTC | EV_TIMER).val;
		sys_timer_event(0, 7);
		x->rtc_wakes += !!(woke & EV_RTC);
		x->timer_wakes += !(woke & EV_RTC);
		/* Woken by the interrupt or the timer; the copy is gone once
		 * the owner says so: the ack finds an empty slot. */
		wait_phase(STEPS * i + REVOKED);
		rc = sys_irq_ack(x->slot);
		x->bad += rc != E_NOENT;
		x->phase = STEPS * i + DONE;
	}
	wait_phase(STEPS * ROUNDS + BIND);
	x->phase = STEPS * ROUNDS + BOUND;
}

const struct role red9_irq_roles[] = {
	{ "t_red9_irq_owner", role_red9_irq_owner },
	{ "t_red9_irq_holder", role_red9_irq_holder },
	{ 0 },
};
