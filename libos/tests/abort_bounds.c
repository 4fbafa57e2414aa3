/* SPDX-License-Identifier: MIT */
/*
 * The abort protocol's forced deletes in bounded pieces
 * (tests/qemu/test_bigmap.py, docs/performance.md "Kernel time per
 * entry"): a domain that ignores a request holds a 4,096-page original
 * mapped page by page and a one-page original with 4,000 copies; at the
 * deadline the kernel takes both, in pieces on the timer path, and no
 * kernel entry runs longer than the bound. The asker gets every frame.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/syscall.h>

#include "tests.h"

#define BIG_PAGES    4096
#define BIG_COPIES   4000
#define BIG_VA	     0x2000000000UL
#define EV_BIG_READY (1UL << 4)

static void role_abort_big(void)
{
	unsigned long a = sys2_frame_alloc(RIVET_FRAME_ANY, BIG_PAGES, 1).val;
	unsigned long b = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long i, last = b;
	uint64_t frames;

	EXPECT_EQ("abort_big_mapped",
		  sys_map(a, BIG_VA, RIVET_CAP_R | RIVET_CAP_W), 0);
	/* Chains of 64 below the one-page original. */
	for (i = 0; i < BIG_COPIES; i++)
		last = sys2_cap_derive(i % 64 ? last : b, -1UL, RIVET_CAP_R, 0)
			       .val;
	report("abort_big_copies_made",
	       sys2_kstat(KSTAT_MY_SLOTS).val > BIG_COPIES, "slots %ld",
	       (long)sys2_kstat(KSTAT_MY_SLOTS).val, 0);
	frames = sys2_kstat(KSTAT_MY_FRAMES).val;
	rivet_notify_name("t_abort_big_req", EV_BIG_READY);
	/* Ignores the request; the kernel takes the frames at the
	 * deadline, in pieces, while this keeps running. */
	while (sys2_kstat(KSTAT_MY_FRAMES).val + BIG_PAGES + 1 > frames)
		sys_yield_cap(RIVET_YIELD_ANY);
	report("abort_big_frames_taken",
	       sys2_cap_info(a, RIVET_CAPINFO_SIZE).rc == E_NOENT &&
		       sys2_cap_info(b, RIVET_CAPINFO_SIZE).rc == E_NOENT &&
		       !rivet_pte(BIG_VA),
	       "slots %ld", (long)sys2_kstat(KSTAT_MY_SLOTS).val, 0);
}

static void role_abort_big_req(void)
{
	const struct rivet_info *in = rivet_info();
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;

	sys2_wait(EV_BIG_READY);
	EXPECT_EQ("abort_big_requested",
		  sys_frame_reclaim(RIVET_SLOT_PEER0, BIG_PAGES + 1, 2000), 0);
	sys2_wait(RIVET_EVENT_ABORT_DONE);
	report("abort_big_every_frame_forced",
	       in->abort_result.returned == 0 &&
		       in->abort_result.forced == BIG_PAGES + 1,
	       "returned %ld forced %ld", (long)in->abort_result.returned,
	       (long)in->abort_result.forced);
	EXPECT_EQ("abort_big_frames_join_the_askers_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota + BIG_PAGES + 1);
	check_stretch("abort_big_forced_in_short_entries");
}

const struct role abort_bounds_roles[] = {
	{ "t_abort_big", role_abort_big },
	{ "t_abort_big_req", role_abort_big_req },
	{ 0 },
};
