/* SPDX-License-Identifier: MIT */
/*
 * A device interrupt is taken on its holder's hart (docs/smp.md;
 * tests/qemu/test_smp_irq.py). t_smp_irq, placed on a secondary hart,
 * binds the goldfish RTC's interrupt, raises it and waits for it; the
 * kernel's count of claims on the caller's hart (KSTAT_HART_IRQ_CLAIMS)
 * must have moved by exactly the one claim. Had the source stayed enabled
 * on the boot hart's PLIC context, that hart would have claimed it and
 * woken this one by IPI: the count here would not move.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

static uint64_t claims_here(void)
{
	return sys2_kstat(KSTAT_HART_IRQ_CLAIMS).val;
}

/* One RTC interrupt, bound, raised, waited for and acked: the claims
 * counted on this hart meanwhile. */
static long one_interrupt(unsigned long irq, uint64_t *woke)
{
	uint64_t before = claims_here();

	/* A timer event as well: a lost interrupt fails, it does not hang. */
	sys_timer_event(rivet_now() + 5000000, 7);
	rtc_raise();
	*woke = sys2_wait(EV_RTC | EV_TIMER).val;
	sys_timer_event(0, 7);
	rtc_write(RTC_CLEAR_INT, 1);
	sys_irq_ack(irq);
	return (long)(claims_here() - before);
}

static void role_smp_irq(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long irq = in->devices[0].first_irq_slot;
	uint64_t woke = 0;
	long n;

	EXPECT_EQ("smp_irq_map", sys_map(in->devices[0].slot, RTC_VA, 3), 0);
	EXPECT_EQ("smp_irq_bind", sys_irq_bind(irq, 5), 0);
	n = one_interrupt(irq, &woke);
	report("smp_irq_delivered", woke & EV_RTC, "woke with 0x%lx",
	       (long)woke, 0);
	EXPECT_EQ("smp_irq_claimed_on_my_hart", n, 1);
	/* Twice more: the route stays, each claim is completed where it was
	 * taken (else the second would never come). */
	n = one_interrupt(irq, &woke) + one_interrupt(irq, &woke);
	EXPECT_EQ("smp_irq_claimed_again_on_my_hart", n, 2);
	rtc_write(RTC_IRQ_ENABLED, 0);
	EXPECT_EQ("smp_irq_deleted", sys_cap_delete(irq), 0);
}

const struct role smp_irq_roles[] = {
	{ "t_smp_irq", role_smp_irq },
	{ 0 },
};
