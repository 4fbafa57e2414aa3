/* SPDX-License-Identifier: MIT */
/*
 * A notify from another hart wakes a sleeper on either hart, the boot
 * hart included, at once (tests/qemu/test_smp_idle.py). Two pairs run
 * crosswise on virt -smp 2: t_kick_wait_0 on hartid 0 woken from hartid
 * 1, t_kick_wait_1 on hartid 1 woken from hartid 0, so whichever hart
 * OpenSBI boots on, one sleeper is on it. Each sleeper has a timer event
 * 1 s ahead: no 10 ms idle tick wakes its hart, only the notifier's IPI
 * can. A boot hart that leaves IPIs disabled (sie.SSIE) sleeps in wfi
 * until the timer fires when the IPI lands between the idle loop's
 * unlock and its wfi (sip.SSIP is then pending but does not wake wfi),
 * and the round reports the timer's bit; in 5 of 12 runs before the fix
 * (timing: it needs the boot hart idle, both its domains asleep).
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define KICK_ROUNDS 50

static unsigned long kick_slot(void)
{
	return rivet_info()->channels[0].notify_slot;
}

static uint64_t kick_bit(void)
{
	return 1UL << rivet_info()->channels[0].bit;
}

/* Waits KICK_ROUNDS times for the notifier, a timer event 1 s ahead;
 * answers each signal. */
static void kick_wait(const char *result)
{
	uint64_t bit = kick_bit(), hz = rivet_info()->timebase_hz;
	long timed_out = 0, i;

	for (i = 0; i < KICK_ROUNDS && !timed_out; i++) {
		uint64_t seen = 0;

		sys_timer_event(rivet_now() + hz, 7);
		while (!(seen & (bit | EV_TIMER)))
			seen |= sys2_wait(bit | EV_TIMER).val;
		sys_timer_event(0, 7);
		if (seen & EV_TIMER)
			printf("%s: round %ld ended by the timer, seen %llx\n",
			       result, i, (unsigned long long)seen);
		timed_out = (seen & EV_TIMER) != 0;
		sys_notify_cap(kick_slot(), 0);
	}
	EXPECT_EQ(result, timed_out, 0);
}

/* Signals the sleeper once it sleeps (the registry says WAITING) and
 * waits for its answer, until it has gone. */
static void kick_send(const char *peer_name)
{
	long peer = rivet_domain_lookup(peer_name), i;
	uint64_t bit = kick_bit();

	for (i = 0; i < KICK_ROUNDS; i++) {
		while (rivet_domain_state(peer) != RIVET_DOMAIN_WAITING)
			if (!rivet_domain_alive(peer))
				return;
		sys_notify_cap(kick_slot(), 0);
		sys2_wait(bit);
	}
}

static void role_kick_wait_0(void)
{
	kick_wait("kick_wakes_hart0_sleeper");
}

static void role_kick_wait_1(void)
{
	kick_wait("kick_wakes_hart1_sleeper");
}

static void role_kick_send_0(void)
{
	kick_send("t_kick_wait_0");
}

static void role_kick_send_1(void)
{
	kick_send("t_kick_wait_1");
}

const struct role ipi_boot_roles[] = {
	{ "t_kick_wait_0", role_kick_wait_0 },
	{ "t_kick_wait_1", role_kick_wait_1 },
	{ "t_kick_send_0", role_kick_send_0 },
	{ "t_kick_send_1", role_kick_send_1 },
	{ 0 },
};
