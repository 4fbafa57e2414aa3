/* SPDX-License-Identifier: MIT */
/*
 * Bounded kernel entries for calls that used to run in one long entry
 * (docs/performance.md, "Kernel time per entry"): debug_write of 4 KiB
 * and frame_alloc of a 512-page run now go in restartable pieces, and
 * their results are the same as before (the text written, the run
 * zeroed). KSTAT_STRETCH_MAX is the longest entry of any such piece since
 * boot (tests/qemu/test_bounds.py). Each KTIME line is what one call cost
 * in all, its pieces and the restarts between them included.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "tests.h"

#define STRETCH_MAX 95000 /* as libos/tests/slices.c */
#define RUN_PAGES   512
#define RUN_VA	    0x40000000UL

static uint64_t insns(void)
{
	uint64_t n;

	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

static void check_stretch(const char *name)
{
	long s = (long)sys2_kstat(KSTAT_STRETCH_MAX).val;

	printf("STRETCH %s %ld\n", name, s);
	report(name, s > 0 && s <= STRETCH_MAX,
	       "%ld instructions in one entry, bound %ld", s, STRETCH_MAX);
}

static void debug_write_4k(void)
{
	static char text[4096];
	uint64_t t;
	long rc;
	int i;

	for (i = 0; i < 4096; i++)
		text[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	t = insns();
	rc = sys_debug_write(text, sizeof(text));
	printf("KTIME debug_write_4k %ld\n", (long)(insns() - t));
	EXPECT_EQ("debug_write_4k_succeeds", rc, 0);
	check_stretch("debug_write_4k_in_short_entries");
	EXPECT_EQ("debug_write_too_long_refused",
		  sys_debug_write(text, sizeof(text) + 1), E_TOOBIG);
}

/* Maps slot's RUN_PAGES pages at RUN_VA; nonzero words found, if check,
 * else fills every word with a pattern. */
static long run_words(unsigned long slot, int check)
{
	volatile uint64_t *w = (volatile uint64_t *)RUN_VA;
	unsigned long i, n = RUN_PAGES * 4096 / 8;
	long dirty = 0;

	sys_map(slot, RUN_VA, RIVET_CAP_R | RIVET_CAP_W);
	for (i = 0; i < n; i++) {
		if (check)
			dirty += w[i] != 0;
		else
			w[i] = 0xa5a5a5a5a5a5a5a5UL;
	}
	sys_unmap(slot, RUN_VA);
	return dirty;
}

static void frame_alloc_run(void)
{
	uint64_t frames, t;
	unsigned long slot;
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, 1);

	/* Dirty frames go back to the free list, to be handed out again. */
	run_words(r.val, 0);
	sys_cap_delete(r.val);
	/* After the page tables that mapping took, kept until the end. */
	frames = sys2_kstat(KSTAT_FREE_FRAMES).val;
	t = insns();
	r = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, 1);
	printf("KTIME frame_alloc_512_pages %ld\n", (long)(insns() - t));
	report("frame_alloc_512_pages_succeeds",
	       r.rc == 0 && sys2_cap_info(r.val, RIVET_CAPINFO_SIZE).val ==
				    RUN_PAGES,
	       "rc %ld, size %ld", r.rc,
	       (long)sys2_cap_info(r.val, RIVET_CAPINFO_SIZE).val);
	check_stretch("frame_alloc_512_pages_in_short_entries");
	EXPECT_EQ("frame_alloc_512_pages_all_zeroed", run_words(r.val, 1), 0);
	EXPECT_EQ("frame_alloc_512_pages_charged",
		  sys2_kstat(KSTAT_FREE_FRAMES).val, frames - RUN_PAGES);
	slot = r.val;
	/* A megapage-aligned run, too (map and map_batch use them). */
	t = insns();
	r = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, RUN_PAGES);
	printf("KTIME frame_alloc_512_aligned_pages %ld\n",
	       (long)(insns() - t));
	EXPECT_EQ("frame_alloc_aligned_run_succeeds", r.rc, 0);
	check_stretch("frame_alloc_aligned_run_in_short_entries");
	sys_cap_delete(r.val);
	sys_cap_delete(slot);
	EXPECT_EQ("frame_alloc_runs_give_back_every_frame",
		  sys2_kstat(KSTAT_FREE_FRAMES).val, frames);
}

static void role_bounds(void)
{
	debug_write_4k();
	frame_alloc_run();
}

const struct role bounds_roles[] = {
	{ "t_bounds", role_bounds },
	{ 0 },
};
