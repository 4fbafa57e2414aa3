/* SPDX-License-Identifier: MIT */
/*
 * kstat on several harts (kernel/syscall.c, syscall_several;
 * tests/qemu/test_smp_kstat.py): the one-word counters are read without
 * the big kernel lock, the others through it. t_kstat_reader, on a hart
 * of its own while t_idle_hog keeps the lock busy on another, allocates
 * and deletes frames and checks that its own counters follow exactly,
 * that the counters read under the lock still answer, and that an
 * unknown counter is still refused.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define KSTAT_ROUNDS 500

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

static void role_kstat_reader(void)
{
	uint64_t frames = kstat(KSTAT_MY_FRAMES), slots = kstat(KSTAT_MY_SLOTS);
	uint64_t free_slots = kstat(KSTAT_FREE_SLOTS);
	long off = 0, i;

	for (i = 0; i < KSTAT_ROUNDS; i++) {
		struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);

		if (r.rc) {
			off++;
			continue;
		}
		off += kstat(KSTAT_MY_FRAMES) != frames + 1;
		off += kstat(KSTAT_MY_SLOTS) != slots + 1;
		off += kstat(KSTAT_FREE_SLOTS) != free_slots - 1;
		sys_cap_delete(r.val);
		off += kstat(KSTAT_MY_FRAMES) != frames;
		off += kstat(KSTAT_MY_SLOTS) != slots;
	}
	EXPECT_EQ("kstat_own_counters_follow", off, 0);
	EXPECT_EQ("kstat_locked_counter", kstat(KSTAT_LIVE_DOMAINS), 2);
	EXPECT_EQ("kstat_unknown_refused", sys_kstat(999), E_INVAL);
	EXPECT_EQ("kstat_quota", kstat(KSTAT_MY_QUOTA), 256);
}

const struct role smp_kstat_roles[] = {
	{ "t_kstat_reader", role_kstat_reader },
	{ 0 },
};
