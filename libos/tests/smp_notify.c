/* SPDX-License-Identifier: MIT */
/*
 * The notify fast path against a waker on another hart (docs/smp.md;
 * tests/qemu/test_smp_notify.py). t_smpn_w and t_smpn_x, both on one
 * hart, ping-pong through a handoff channel: each notify_wait signals the
 * other and sleeps, the peer running at once, all in
 * arch/riscv/notify_fast.S without the big kernel lock. Meanwhile
 * t_smpn_r, on another hart, signals t_smpn_w through their own channel
 * (the C path, under the lock) and waits for its answer. So t_smpn_w's
 * fast sleep races t_smpn_r's wake-up, and t_smpn_x's fast wake of
 * t_smpn_w races it too. Each side counts what it got: SMPN_ROUNDS of
 * each, exactly, and no wake-up without a bit of its mask. A lost
 * wake-up hangs (the test's timeout); a wake-up done twice shows as a
 * wake without bits or a count off.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define SMPN_ROUNDS 10000

static unsigned long chan_slot(unsigned i)
{
	return rivet_info()->channels[i].notify_slot;
}

static uint64_t chan_bit(unsigned i)
{
	return 1UL << rivet_info()->channels[i].bit;
}

/* Channel 0 with t_smpn_x (handoff), channel 1 with t_smpn_r. */
static void role_smpn_w(void)
{
	uint64_t pong = chan_bit(0), rbit = chan_bit(1), mask = pong | rbit;
	long pongs = 0, rs = 0, empty = 0;
	uint64_t got;

	got = sys2_notify_wait(chan_slot(0), 0, mask).val; /* the first ping */
	for (;;) {
		if (!(got & mask))
			empty++;
		if (got & rbit) {
			rs++;
			sys_notify_cap(chan_slot(1), 0);
		}
		pongs += (got & pong) != 0;
		mask = (pongs < SMPN_ROUNDS ? pong : 0) |
		       (rs < SMPN_ROUNDS ? rbit : 0);
		if (!mask)
			break;
		/* The next ping only once the last one was answered. */
		if ((got & pong) && pongs < SMPN_ROUNDS)
			got = sys2_notify_wait(chan_slot(0), 0, mask).val;
		else
			got = sys2_wait(mask).val;
	}
	EXPECT_EQ("smpn_w_pongs", pongs, SMPN_ROUNDS);
	EXPECT_EQ("smpn_w_remote_signals", rs, SMPN_ROUNDS);
	EXPECT_EQ("smpn_w_empty_wakeups", empty, 0);
}

/* Channel 0 with t_smpn_w: answers each ping, SMPN_ROUNDS of them. */
static void role_smpn_x(void)
{
	uint64_t ping = chan_bit(0), got;
	long pings = 0, empty = 0;

	got = sys2_wait(ping).val;
	for (;;) {
		if (got & ping)
			pings++;
		else
			empty++;
		if (pings == SMPN_ROUNDS)
			break;
		got = sys2_notify_wait(chan_slot(0), 0, ping).val;
	}
	sys_notify_cap(chan_slot(0), 0); /* the last pong */
	EXPECT_EQ("smpn_x_pings", pings, SMPN_ROUNDS);
	EXPECT_EQ("smpn_x_empty_wakeups", empty, 0);
}

/* Channel 0 with t_smpn_w, from another hart: signal, wait for the
 * answer, SMPN_ROUNDS times. */
static void role_smpn_r(void)
{
	uint64_t ack = chan_bit(0), got;
	long acks = 0, empty = 0, i;

	for (i = 0; i < SMPN_ROUNDS; i++) {
		sys_notify_cap(chan_slot(0), 0);
		got = sys2_wait(ack).val;
		if (got & ack)
			acks++;
		else
			empty++;
	}
	EXPECT_EQ("smpn_r_acks", acks, SMPN_ROUNDS);
	EXPECT_EQ("smpn_r_empty_wakeups", empty, 0);
}

const struct role smp_notify_roles[] = {
	{ "t_smpn_w", role_smpn_w },
	{ "t_smpn_x", role_smpn_x },
	{ "t_smpn_r", role_smpn_r },
	{ 0 },
};
