/* SPDX-License-Identifier: MIT */
/*
 * Two searches that grew with a domain's space and ran in one kernel
 * entry (issue 11, part four; docs/performance.md, "Kernel time per
 * entry"), now restartable: unmap looking for its address along a
 * capability's list of mappings (up to one per slot), and the abort
 * protocol's request counting what the asked domain can give over its
 * whole space. Both stay within the bound at 65,536 slots.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/syscall.h>

#include "tests.h"

#define LONG_MAPS  60000
#define LONG_VA	   0x1000000000UL
#define EV_FULL	   (1UL << 4)
#define EV_COUNTED (1UL << 5)

static uint64_t insns(void)
{
	uint64_t n;

	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

static uint64_t my_mappings(void)
{
	return sys2_kstat(KSTAT_MY_MAPPINGS).val;
}

/* One frame mapped LONG_MAPS times; the first mapping is last on the
 * capability's list (a new one goes first). */
static void role_unmap_search(void)
{
	struct rivet_map_entry batch[RIVET_MAP_BATCH_MAX];
	unsigned long f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long i, j, n;
	uint64_t before, t;
	long rc;

	for (i = 0; i < LONG_MAPS; i += n) {
		n = LONG_MAPS - i < RIVET_MAP_BATCH_MAX ? LONG_MAPS - i
							: RIVET_MAP_BATCH_MAX;
		for (j = 0; j < n; j++) {
			batch[j].slot = f;
			batch[j].vaddr = LONG_VA + (i + j) * 4096;
			batch[j].rights = RIVET_CAP_R;
		}
		sys2_map_batch(batch, n);
	}
	before = my_mappings();
	report("unmap_search_long_list_made", before >= LONG_MAPS,
	       "mappings %ld", (long)before, 0);
	t = insns();
	rc = sys_unmap(f, LONG_VA);
	printf("KTIME unmap_last_of_60000 %ld\n", (long)(insns() - t));
	EXPECT_EQ("unmap_search_finds_the_last", rc, 0);
	EXPECT_EQ("unmap_search_removed_one", my_mappings(), before - 1);
	report("unmap_search_page_gone", !rivet_pte(LONG_VA), "pte %lx",
	       (long)rivet_pte(LONG_VA), 0);
	report("unmap_search_others_stay", rivet_pte(LONG_VA + 4096) != 0,
	       "pte %lx", (long)rivet_pte(LONG_VA + 4096), 0);
	t = insns();
	rc = sys_unmap(f, LONG_VA);
	printf("KTIME unmap_missing_of_60000 %ld\n", (long)(insns() - t));
	EXPECT_EQ("unmap_search_of_a_missing_address", rc, E_NOENT);
	EXPECT_EQ("unmap_search_next_to_last", sys_unmap(f, LONG_VA + 4096), 0);
	check_stretch("unmap_search_in_short_entries");
	sys_cap_delete(f);
	EXPECT_EQ("unmap_search_delete_unmaps_the_rest", my_mappings(),
		  before - LONG_MAPS);
}

/* A full 65,536-slot space (the slots are what the count scans), two
 * originals in it; waits until counted, then ends. */
static void role_count_target(void)
{
	sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	sys2_frame_alloc(RIVET_FRAME_ANY, 2, 1);
	rivet_notify_name("t_count_req", EV_FULL);
	sys2_wait(EV_COUNTED);
}

static void role_count_req(void)
{
	uint64_t t;
	long rc;

	sys2_wait(EV_FULL);
	t = insns();
	rc = sys_frame_reclaim(RIVET_SLOT_PEER0, 4, 1000000);
	printf("KTIME frame_reclaim_count_65536_slots %ld\n",
	       (long)(insns() - t));
	EXPECT_EQ("reclaim_count_more_than_held_refused", rc, E_RANGE);
	EXPECT_EQ("reclaim_count_what_is_held",
		  sys_frame_reclaim(RIVET_SLOT_PEER0, 3, 1000000), 0);
	check_stretch("reclaim_count_in_short_entries");
	rivet_notify_name("t_count_target", EV_COUNTED);
}

const struct role search_bounds_roles[] = {
	{ "t_unmap_search", role_unmap_search },
	{ "t_count_target", role_count_target },
	{ "t_count_req", role_count_req },
	{ 0 },
};
