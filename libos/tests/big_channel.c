// SPDX-License-Identifier: MIT
/*
 * A channel of the largest configured size (tests/qemu/test_big_channel.py):
 * its frames are a run the kernel zeroes in pieces (kernel/cap/frame_cap.c),
 * and the boot-time set-up must finish it, not give up after the first
 * piece. Both ends see it up, with every byte of it zero.
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "tests.h"

static void role_big_channel(void)
{
	const struct rivet_info *in = rivet_info();
	const volatile uint64_t *p =
		(const volatile uint64_t *)(uintptr_t)in->channels[0].va;
	uint64_t i, nonzero = 0, words = in->channels[0].size / 8;

	EXPECT_EQ("big_channel_up", in->channels[0].state, RIVET_CHAN_UP);
	EXPECT_EQ("big_channel_size", in->channels[0].size,
		  RIVET_CHAN_SIZE_MAX);
	for (i = 0; in->channels[0].state == RIVET_CHAN_UP && i < words; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ("big_channel_zeroed", nonzero, 0);
}

/* The owner stays until b has looked: the channel is up while both are. */
static void role_big_channel_a(void)
{
	long b = rivet_domain_lookup("t_bigchan_b");

	role_big_channel();
	while (rivet_domain_state(b) == RIVET_DOMAIN_RUNNABLE ||
	       rivet_domain_state(b) == RIVET_DOMAIN_WAITING)
		sys_yield_cap(RIVET_YIELD_ANY);
}

const struct role big_channel_roles[] = {
	{ "t_bigchan_a", role_big_channel_a },
	{ "t_bigchan_b", role_big_channel },
	{ 0 },
};
