// SPDX-License-Identifier: MIT
/*
 * The suite's own helpers for memory (tests/qemu/test_testmem.py):
 * testmem_alloc's buffers (zeroed, page-aligned, writable, one slot, an
 * unmapped page after each, given back whole by testmem_free; refusals
 * leave nothing behind and say why), and the children's quotas of
 * child_quota.h (a child given child_frames(0) runs its runtime and a
 * small role; a quota below the image is refused with a message before
 * the kernel is asked).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "child_quota.h"
#include "tests.h"
#include "testmem.h"

#define PAGE 4096UL

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

/* Is every word of [p, p + n pages) zero; then does each keep what is
 * written to it? */
static int zeroed_then_writable(uint64_t *p, unsigned long n)
{
	unsigned long i, words = n * PAGE / 8;
	int ok = 1;

	for (i = 0; i < words; i++)
		ok &= p[i] == 0;
	for (i = 0; i < words; i++)
		p[i] = i * 0x9e3779b97f4a7c15UL;
	for (i = 0; i < words; i++)
		ok &= p[i] == i * 0x9e3779b97f4a7c15UL;
	return ok;
}

static void role_testmem(void)
{
	uint64_t f0 = kstat(KSTAT_MY_FRAMES), s0 = kstat(KSTAT_MY_SLOTS), f1;
	uint64_t *p = testmem_alloc("testmem_alloc", 3 * PAGE + 1), *q;
	void *full[TESTMEM_MAX];
	unsigned i;

	rivet_exc_register(13, pf_skip, 0);
	report("testmem_alloc", p && !((uintptr_t)p & (PAGE - 1)), "at %lx",
	       (long)p, 0);
	if (!p)
		return;
	EXPECT_EQ("testmem_zeroed_and_writable", zeroed_then_writable(p, 4), 1);
	report("testmem_frames_and_one_slot",
	       kstat(KSTAT_MY_FRAMES) >= f0 + 4 &&
		       kstat(KSTAT_MY_SLOTS) == s0 + 1,
	       "frames +%ld slots +%ld", (long)(kstat(KSTAT_MY_FRAMES) - f0),
	       (long)(kstat(KSTAT_MY_SLOTS) - s0));
	EXPECT_EQ("testmem_page_after_faults",
		  pf_load_faults((uintptr_t)p + 4 * PAGE), 1);
	q = testmem_alloc("testmem_second", PAGE);
	report("testmem_second_after_a_gap",
	       q && (uintptr_t)q >= (uintptr_t)p + 5 * PAGE, "at %lx", (long)q,
	       0);
	f1 = kstat(KSTAT_MY_FRAMES);
	EXPECT_EQ("testmem_free", testmem_free(p), 0);
	report("testmem_free_gives_back",
	       kstat(KSTAT_MY_FRAMES) == f1 - 4 &&
		       kstat(KSTAT_MY_SLOTS) == s0 + 1,
	       "frames -%ld slots +%ld", (long)(f1 - kstat(KSTAT_MY_FRAMES)),
	       (long)(kstat(KSTAT_MY_SLOTS) - s0));
	EXPECT_EQ("testmem_freed_page_faults", pf_load_faults((uintptr_t)p), 1);
	EXPECT_EQ("testmem_free_twice", testmem_free(p), E_NOENT);
	EXPECT_EQ("testmem_free_unknown", testmem_free((void *)0x10000),
		  E_NOENT);
	EXPECT_EQ("testmem_free_second", testmem_free(q), 0);

	/* Refusals: each prints its FAIL line (the test expects them) and
	 * leaves no frame or slot behind. */
	f1 = kstat(KSTAT_MY_FRAMES);
	EXPECT_EQ("testmem_over_quota_null",
		  (long)testmem_alloc("testmem_over_quota",
				      (kstat(KSTAT_MY_QUOTA) + 1) * PAGE),
		  0);
	report("testmem_over_quota_leaves_nothing",
	       kstat(KSTAT_MY_FRAMES) == f1 && kstat(KSTAT_MY_SLOTS) == s0,
	       "frames %+ld slots %+ld", (long)(kstat(KSTAT_MY_FRAMES) - f1),
	       (long)(kstat(KSTAT_MY_SLOTS) - s0));
	for (i = 0; i < TESTMEM_MAX; i++)
		full[i] = testmem_alloc("testmem_up_to_max", PAGE);
	EXPECT_EQ("testmem_past_max_null",
		  (long)testmem_alloc("testmem_past_max", PAGE), 0);
	for (i = 0; i < TESTMEM_MAX; i++)
		testmem_free(full[i]);
	report("testmem_all_given_back",
	       kstat(KSTAT_MY_FRAMES) == f1 && kstat(KSTAT_MY_SLOTS) == s0,
	       "frames %+ld slots %+ld", (long)(kstat(KSTAT_MY_FRAMES) - f1),
	       (long)(kstat(KSTAT_MY_SLOTS) - s0));
}

/* Yields until domain id has ended; its state then. */
static long ended(long id)
{
	long s, i;

	for (i = 0; i < 100000; i++) {
		s = rivet_domain_state(id);
		if (s == RIVET_DOMAIN_EXITED || s == RIVET_DOMAIN_KILLED)
			return s;
		sys_yield_cap(RIVET_YIELD_ANY);
	}
	return s;
}

static void role_child_quota(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	unsigned long slot = 0;
	uint64_t live = kstat(KSTAT_LIVE_DOMAINS);

	printf("child_quota: image %lu pages, child_frames(0) %lu\n",
	       image_pages(), child_frames(0));
	report("child_quota_image_pages", image_pages() > 0, "%ld pages",
	       (long)image_pages(), 0);
	EXPECT_EQ("child_quota_derived_spawns",
		  spawn_child(sp, "t_quota_kid", child_frames(0), 16, 0, 0,
			      &slot),
		  0);
	EXPECT_EQ("child_quota_derived_child_exits",
		  ended((long)RIVET_DOMAIN_OBJECT_ID(
			  sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val)),
		  RIVET_DOMAIN_EXITED);
	sys_cap_delete(slot);
	/* Below the image: refused here, with "TEST child_quota: FAIL". */
	EXPECT_EQ(
		"child_quota_below_image_refused",
		spawn_child(sp, "t_quota_kid", image_pages(), 16, 0, 0, &slot),
		E_NOMEM);
	EXPECT_EQ("child_quota_below_image_spawns_nothing",
		  kstat(KSTAT_LIVE_DOMAINS), live);
}

/* The child: the runtime's usual first steps (stdio, the heap), then a
 * clean exit. */
static void role_quota_kid(void)
{
	char *p = malloc(100);

	report("quota_kid_runs", p != 0, "malloc %ld", (long)p, 0);
	free(p);
}

const struct role testmem_roles[] = {
	{ "t_testmem", role_testmem },
	{ "t_child_quota", role_child_quota },
	{ "t_quota_kid", role_quota_kid },
	{ 0 },
};
