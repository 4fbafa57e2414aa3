// SPDX-License-Identifier: MIT
/*
 * Hostile use of configured channels and notification capabilities: the
 * roles behind tests/qemu/test_chan_hostile.py. The configuration there:
 *
 *   [channel t_chanh_a t_chanh_b]  size 4K
 *   t_chanh_x                      no channel; notify = t_chanh_a
 *   [channel t_chanh_fy t_chanh_fz]  (another boot) 2 slots each: no
 *                                  room for fy's notification capability;
 *                                  t_chanh_fw, alike without a channel,
 *                                  is the frame count both must keep
 *
 * One hart, file order: a waits for its channel bit or x's "done"; b and
 * x try to set a's channel bits beyond their badges (x through its
 * `notify =` line's capability, by id there is no call), and b tries to
 * stretch what its own capabilities allow. a then checks that no
 * channel bit reached it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "tests.h"

#define EV_X_DONE (1UL << 3)
/* Every event bit a configured channel may use. */
#define CHAN_BITS (((1UL << RIVET_CHAN_MAX) - 1) << RIVET_CHAN_BIT0)

static long cap_rights(unsigned long slot)
{
	struct rivet_ret r = sys2_cap_info(slot, RIVET_CAPINFO_TYPE);

	return r.rc ? r.rc : (long)(r.val >> 8 & 0xff);
}

/* The channel's owner: sleeps until x is done, then checks that only a
 * holder of its notification capability could have set a channel bit
 * (nobody did). */
static void role_chanh_a(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long mine = 1UL << in->channels[0].bit;
	struct rivet_ret r;

	EXPECT_EQ("chanh_a_channel_up", in->channels[0].state, RIVET_CHAN_UP);
	do
		r = sys2_wait(mine | EV_X_DONE);
	while (!r.rc && !(r.val & EV_X_DONE) && !(r.val & mine));
	report("chanh_no_channel_bit_without_the_cap", !(r.val & mine),
	       "woken by 0x%lx", (long)r.val, 0);
	report("chanh_no_channel_bit_pending",
	       !(rivet_info()->pending & CHAN_BITS), "pending 0x%lx",
	       (long)rivet_info()->pending, 0);
}

/* The end holding the copy: its badge is a's bit; nothing more. */
static void role_chanh_b(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long ns = in->channels[0].notify_slot;
	unsigned long fs = in->channels[0].frame_slot;
	long a = rivet_domain_lookup("t_chanh_a");
	struct rivet_ret r;

	EXPECT_EQ("chanh_b_channel_up", in->channels[0].state, RIVET_CHAN_UP);
	/* A bit beside its badge: refused; and by id there is no call. */
	EXPECT_EQ("chanh_peer_notify_beside_the_badge_is_perm",
		  sys_notify_cap(ns, 1UL << (RIVET_CHAN_BIT0 + 1)), E_PERM);
	EXPECT_EQ("chanh_peer_notify_by_id_is_nosys",
		  raw_syscall(4, a, 1L << RIVET_CHAN_BIT0), E_NOSYS);
	/* notify_wait with bits outside the badge signals and waits for
	 * nothing. */
	EXPECT_EQ("chanh_notify_wait_outside_badge_is_perm",
		  sys_notify_wait(ns, 1UL << (RIVET_CHAN_BIT0 + 2), 1UL << 9),
		  E_PERM);
	/* A copy without W signals nothing. */
	r = sys2_cap_derive(ns, ~0UL, RIVET_CAP_GRANT, 0);
	EXPECT_EQ("chanh_derive_notify_without_w", r.rc, 0);
	if (!r.rc) {
		EXPECT_EQ("chanh_notify_through_copy_without_w_is_perm",
			  sys_notify_cap(r.val, 0), E_PERM);
		EXPECT_EQ("chanh_yield_through_copy_without_w_is_perm",
			  sys_yield_cap(r.val), E_PERM);
		sys_cap_delete(r.val);
	}
	/* The kernel's copy of a's frames: read and write, no grant, no
	 * execute, and copies of it stay so. */
	EXPECT_EQ("chanh_frame_copy_rights", cap_rights(fs),
		  RIVET_CAP_R | RIVET_CAP_W);
	r = sys2_cap_derive(
		fs, ~0UL,
		RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X | RIVET_CAP_GRANT, 0);
	EXPECT_EQ("chanh_derive_frame_copy_in_own_space", r.rc, 0);
	if (!r.rc) {
		EXPECT_EQ("chanh_frame_copy_of_copy_rights", cap_rights(r.val),
			  RIVET_CAP_R | RIVET_CAP_W);
		sys_cap_delete(r.val);
	}
	EXPECT_EQ("chanh_frame_copy_map_exec_is_perm",
		  sys_map(fs, RIVET_CHAN_VA + RIVET_CHAN_STRIDE * 4,
			  RIVET_CAP_R | RIVET_CAP_X),
		  E_PERM);
}

/* A stranger: no channel; its `notify = t_chanh_a` line gives it the
 * ordinary bits only (0..47: the configuration gives no channel bit). */
static void role_chanh_x(void)
{
	long a = rivet_notify_slot("t_chanh_a");
	unsigned i;
	int refused = 1;

	for (i = 0; i < RIVET_CHAN_MAX; i++)
		refused &=
			sys_notify_cap((unsigned long)a,
				       1UL << (RIVET_CHAN_BIT0 + i)) == E_PERM;
	report("chanh_stranger_notify_channel_bits_are_perm", refused, "", 0,
	       0);
	EXPECT_EQ("chanh_stranger_notify_all_channel_bits_is_perm",
		  sys_notify_cap((unsigned long)a, CHAN_BITS | EV_X_DONE),
		  E_PERM);
	EXPECT_EQ("chanh_stranger_ordinary_bit_still_works",
		  sys_notify_cap((unsigned long)a, EV_X_DONE), 0);
}

/* The ends of a channel the kernel could not set up, and a domain with
 * none: the same image, memory and slots, so the same frame count
 * (test_chan_hostile.py compares them). */
static void role_chanh_frames(void)
{
	printf("%s: frames %ld\n", rivet_info()->name,
	       (long)sys2_kstat(KSTAT_MY_FRAMES).val);
}

const struct role chan_hostile_roles[] = {
	{ "t_chanh_a", role_chanh_a },
	{ "t_chanh_b", role_chanh_b },
	{ "t_chanh_x", role_chanh_x },
	{ "t_chanh_fy", role_chanh_frames },
	{ "t_chanh_fz", role_chanh_frames },
	{ "t_chanh_fw", role_chanh_frames },
	{ 0 },
};
