/* SPDX-License-Identifier: MIT */
/*
 * The zeroed-frame pool run dry on two harts at once
 * (tests/qemu/test_hostile4.py). Two t_h4_pool domains, one per hart, with
 * overcommitted quotas larger than the machine's free RAM together, take
 * one-page frames (frame_alloc_map) until the machine has none left, then
 * give them all back and sleep: while one sleeps its hart idles and
 * refills the pool (kernel/mm/frame_zero.c, which zeroes each frame with
 * the big kernel lock let go) as the other takes frames from it. Every
 * frame handed out must read all zero, and must keep what its holder
 * wrote into it until the holder gives it back: a frame an idle hart was
 * still zeroing, handed out too, would fail the second check. Each domain's
 * slot count is back after each round where the first round left it,
 * and its frame count too, but for the page-table pages of addresses no
 * round used before (POOL_TABLES). t_h4_pool-a first takes, in one run, all but POOL_LEFT of the
 * machine's free frames, so that the rounds run it dry quickly.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "hostile4.h"
#include "tests.h"
#include "testmem.h"

#define POOL_VA	    0x100000000UL
#define POOL_MAX    4096 /* pages a round at most */
#define POOL_LEFT   2000 /* free frames left to the rounds by the hog */
#define POOL_ROUNDS 3
#define WORDS	    (4096 / 8)
/* Page-table and view pages a round may add for addresses no round used
 * before (a leaf table and a view page per 2 MiB, and the levels above):
 * they stay, as after any map. */
#define POOL_TABLES (2 * (POOL_MAX / 512) + 4)

/* The slots of a round's frames: POOL_MAX of them (testmem_alloc). */
static uint32_t *pool_slot;

static uint64_t *page(uint64_t i)
{
	return (uint64_t *)(POOL_VA + i * 4096);
}

/* Takes frames until the machine (or POOL_MAX) says no: how many; each
 * checked all zero (*dirty counts those that were not) and filled. */
static uint64_t pool_take(uint64_t tag, uint64_t *dirty, long *last)
{
	uint64_t i, w;

	for (i = 0; i < POOL_MAX; i++) {
		struct rivet_ret r = sys2_frame_alloc_map(
			POOL_VA + i * 4096, RIVET_CAP_R | RIVET_CAP_W);
		uint64_t *p = page(i), nz = 0;

		*last = r.rc;
		if (r.rc)
			break;
		pool_slot[i] = (uint32_t)r.val;
		for (w = 0; w < WORDS; w++)
			nz |= p[w];
		*dirty += nz != 0;
		for (w = 0; w < WORDS; w++)
			p[w] = tag ^ (i << 12) ^ w;
	}
	return i;
}

/* Pages of the n taken whose words are not all what was written. */
static uint64_t pool_damaged(uint64_t n, uint64_t tag)
{
	uint64_t i, w, bad = 0;

	for (i = 0; i < n; i++) {
		const uint64_t *p = page(i);
		int ok = 1;

		for (w = 0; w < WORDS; w++)
			ok &= p[w] == (tag ^ (i << 12) ^ w);
		bad += !ok;
	}
	return bad;
}

/* t_h4_pool-a: all but about POOL_LEFT free frames, in runs (RAM is
 * fragmented: no single run that large may be free), held. */
static void pool_hog(void)
{
	uint64_t run = 1024, taken = 0;
	long rc = 0;

	while (sys2_kstat(KSTAT_FREE_FRAMES).val > POOL_LEFT + run) {
		struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, run, 1);

		if (r.rc == E_NOMEM && run > 1) {
			run /= 2;
			continue;
		}
		if (r.rc) {
			rc = r.rc;
			break;
		}
		taken += run;
	}
	printf("h4_pool: took %lu frames, %lu left free\n",
	       (unsigned long)taken,
	       (unsigned long)sys2_kstat(KSTAT_FREE_FRAMES).val);
	report("h4_pool_hog", rc == 0, "rc %ld", rc, 0);
}

void role_h4_pool(void)
{
	uint64_t frames0 = 0, slots0 = 0, frames, slots, leak_f = 0;
	uint64_t round, n, i, dirty = 0, damaged = 0, dry = 0, leaks = 0;
	uint64_t tag = (uint64_t)rivet_info()->domain_id << 56, total = 0;
	long last = 0, delete_rc = 0;

	pool_slot =
		testmem_alloc("h4_pool_slots", POOL_MAX * sizeof(*pool_slot));
	if (!pool_slot)
		return;
	if (rivet_info()->name[sizeof("t_h4_pool")] == 'a')
		pool_hog();
	else /* the rounds begin once the hog has its frames */
		for (i = 0; i < 600 && sys2_kstat(KSTAT_FREE_FRAMES).val >
					       POOL_LEFT + 1024;
		     i++)
			rivet_sleep_us(100000);
	for (round = 0; round < POOL_ROUNDS; round++) {
		n = pool_take(tag ^ round, &dirty, &last);
		total += n;
		dry += last == E_NOMEM && n < POOL_MAX;
		/* The other domain's hart idles and zeroes meanwhile. */
		rivet_sleep_us(2000);
		damaged += pool_damaged(n, tag ^ round);
		for (i = 0; i < n; i++) {
			long rc = sys_cap_delete(pool_slot[i]);

			if (rc && !delete_rc)
				delete_rc = rc;
		}
		frames = sys2_kstat(KSTAT_MY_FRAMES).val;
		slots = sys2_kstat(KSTAT_MY_SLOTS).val;
		if (!round) {
			frames0 = frames;
			slots0 = slots;
		} else if (frames > frames0 + POOL_TABLES || slots != slots0) {
			leaks++;
			leak_f = frames - frames0;
		}
		rivet_sleep_us(2000);
	}
	printf("h4_pool: %lu frames taken in %d rounds, %lu ran dry\n",
	       (unsigned long)total, POOL_ROUNDS, (unsigned long)dry);
	report("h4_pool_ran_the_machine_dry", dry > 0, "%ld of %ld rounds",
	       (long)dry, POOL_ROUNDS);
	report("h4_pool_every_frame_zero", dirty == 0, "%ld of %ld not zero",
	       (long)dirty, (long)total);
	report("h4_pool_no_frame_changed_while_held", damaged == 0,
	       "%ld of %ld pages changed", (long)damaged, (long)total);
	report("h4_pool_deletes_ok", delete_rc == 0, "rc %ld", delete_rc, 0);
	report("h4_pool_counts_back_each_round", leaks == 0,
	       "%ld rounds left frames or slots (frames %+ld)", (long)leaks,
	       (long)leak_f);
}
