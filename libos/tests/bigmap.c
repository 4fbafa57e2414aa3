/* SPDX-License-Identifier: MIT */
/*
 * Mappings of large capabilities in bounded pieces (tests/qemu/
 * test_bigmap.py, docs/performance.md "Kernel time per entry"): map,
 * unmap, map_batch, delete and revoke of a 4,096-page capability each
 * keep every kernel entry under the bound (KSTAT_STRETCH_MAX) and do what
 * one long entry did: every page mapped where it should be, megapages
 * where va and frames allow them, a map that fails part-way leaving
 * nothing, every page and frame back after an unmap or a delete. And a
 * map stopped at a slice end whose ecall is turned into a delete of the
 * capability: the part mapped goes with it.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/syscall.h>
#include <rivet/testreport.h>

#include "tests.h"

#define BIG_PAGES 4096		 /* 16 MiB */
#define BIG_VA	  0x2000000000UL /* 2 MiB-aligned */
#define SMALL_VA  0x3000000000UL
#define MEGA_VA	  0x2800000000UL /* 2 MiB-aligned, no table under it yet */
#define RW	  (RIVET_CAP_R | RIVET_CAP_W)

static long mappings(void)
{
	return (long)sys2_kstat(KSTAT_MY_MAPPINGS).val;
}

/* Pages of the big mapping whose view entry does not name their frame. */
static long wrong_ptes(uint64_t pa)
{
	long wrong = 0, i;

	for (i = 0; i < BIG_PAGES; i++)
		wrong += (rivet_pte(BIG_VA + i * 4096UL) >> 10) << 12 !=
			 pa + i * 4096UL;
	return wrong;
}

/* Each page written through the mapping, then read back. */
static long words_lost(void)
{
	volatile uint64_t *w = (volatile uint64_t *)BIG_VA;
	long lost = 0, i;

	for (i = 0; i < BIG_PAGES; i++)
		w[i * 512 + i % 512] = 0x5a00000000UL + (uint64_t)i;
	for (i = 0; i < BIG_PAGES; i++)
		lost += w[i * 512 + i % 512] != 0x5a00000000UL + (uint64_t)i;
	return lost;
}

static void map_and_unmap(unsigned long slot, uint64_t pa, long maps)
{
	uint64_t t = rivet_instret();
	long rc = sys_map(slot, BIG_VA, RW);

	printf("KTIME map_4096_pages %ld\n", (long)(rivet_instret() - t));
	EXPECT_EQ("bigmap_map_succeeds", rc, 0);
	check_stretch("bigmap_map_in_short_entries");
	EXPECT_EQ("bigmap_map_is_one_mapping", mappings(), maps + 1);
	EXPECT_EQ("bigmap_every_page_in_the_view", wrong_ptes(pa), 0);
	EXPECT_EQ("bigmap_every_page_reaches_its_frame", words_lost(), 0);
	t = rivet_instret();
	rc = sys_unmap(slot, BIG_VA);
	printf("KTIME unmap_4096_pages %ld\n", (long)(rivet_instret() - t));
	EXPECT_EQ("bigmap_unmap_succeeds", rc, 0);
	check_stretch("bigmap_unmap_in_short_entries");
	report("bigmap_unmap_removes_every_page",
	       mappings() == maps && !rivet_pte(BIG_VA) &&
		       !rivet_pte(BIG_VA + (BIG_PAGES - 1) * 4096UL),
	       "mappings %ld", mappings() - maps, 0);
}

/* The range's last chunk is taken: the map fails there, after most of
 * it was mapped, and takes all of that back. */
static void map_fails_part_way(unsigned long slot, long maps)
{
	unsigned long one = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	uint64_t last = BIG_VA + (BIG_PAGES - 1) * 4096UL;
	long rc;

	sys_map(one, last, RIVET_CAP_R);
	rc = sys_map(slot, BIG_VA, RW);
	EXPECT_EQ("bigmap_map_over_a_mapping_fails", rc, E_EXIST);
	check_stretch("bigmap_failed_map_in_short_entries");
	report("bigmap_failed_map_leaves_nothing",
	       mappings() == maps + 1 && !rivet_pte(BIG_VA) &&
		       !rivet_pte(last - 4096),
	       "mappings %ld", mappings() - maps, 0);
	/* What was there stays (protect refuses an unmapped page). */
	EXPECT_EQ("bigmap_failed_map_keeps_what_was_there",
		  sys_protect(last, 1, RIVET_CAP_R), 0);
	sys_unmap(one, last);
	/* The same when the first chunk is where it fails. */
	sys_map(one, BIG_VA, RIVET_CAP_R);
	EXPECT_EQ("bigmap_map_over_its_first_page_fails",
		  sys_map(slot, BIG_VA, RW), E_EXIST);
	EXPECT_EQ("bigmap_first_page_kept", sys_protect(BIG_VA, 1, RIVET_CAP_R),
		  0);
	sys_unmap(one, BIG_VA);
	sys_cap_delete(one);
	EXPECT_EQ("bigmap_map_after_a_failed_one", sys_map(slot, BIG_VA, RW),
		  0);
	sys_unmap(slot, BIG_VA);
}

/* Aligned frames at an aligned address: megapages, as before, which
 * protect does not split. */
static void map_megapages(long maps)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 2048, 512);
	uint64_t pa = sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val;

	EXPECT_EQ("bigmap_megapage_run_mapped", sys_map(r.val, MEGA_VA, RW), 0);
	EXPECT_EQ("bigmap_megapages_kept_whole",
		  sys_protect(MEGA_VA + 512 * 4096UL, 1, RIVET_CAP_R), E_RANGE);
	report("bigmap_megapage_view",
	       (rivet_pte(MEGA_VA + 2047 * 4096UL) >> 10) << 12 ==
		       pa + 2047 * 4096UL,
	       "pte 0x%lx", (long)rivet_pte(MEGA_VA + 2047 * 4096UL), 0);
	EXPECT_EQ("bigmap_megapages_unmapped", sys_unmap(r.val, MEGA_VA), 0);
	sys_cap_delete(r.val);
	EXPECT_EQ("bigmap_megapages_leave_nothing", mappings(), maps);
}

/* A batch with a large entry between two small ones. */
static void map_batch_big(unsigned long slot, long maps)
{
	unsigned long one = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	struct rivet_map_entry e[3] = {
		{ one, SMALL_VA, RIVET_CAP_R },
		{ slot, BIG_VA, RW },
		{ one, SMALL_VA + 4096, RIVET_CAP_R },
	};
	struct rivet_ret r = sys2_map_batch(e, 3);

	report("bigmap_batch_maps_every_entry",
	       r.rc == 0 && r.val == 3 && mappings() == maps + 3,
	       "rc %ld, a1 %ld", r.rc, (long)r.val);
	check_stretch("bigmap_batch_in_short_entries");
	sys_unmap(one, SMALL_VA);
	sys_unmap(one, SMALL_VA + 4096);
	sys_cap_delete(one);
	sys_unmap(slot, BIG_VA);
}

/* A copy mapped whole goes with a revoke; the original mapped whole goes
 * with its deletion, frames and all. */
static void revoke_and_delete(unsigned long slot, long maps, uint64_t mine)
{
	unsigned long copy = sys2_cap_derive(slot, -1UL, RW, 0).val;
	struct rivet_ret r;
	uint64_t t;

	sys_map(copy, BIG_VA, RW);
	r = sys2_cap_revoke(slot);
	report("bigmap_revoke_unmaps_the_copy",
	       r.rc == 0 && r.val == 1 && mappings() == maps, "rc %ld, a1 %ld",
	       r.rc, (long)r.val);
	check_stretch("bigmap_revoke_in_short_entries");
	sys_map(slot, BIG_VA, RW);
	t = rivet_instret();
	EXPECT_EQ("bigmap_delete_of_the_mapped_original", sys_cap_delete(slot),
		  0);
	printf("KTIME delete_mapped_4096_page_original %ld\n",
	       (long)(rivet_instret() - t));
	check_stretch("bigmap_delete_in_short_entries");
	report("bigmap_delete_gives_back_every_page_and_frame",
	       mappings() == maps && !rivet_pte(BIG_VA) &&
		       sys2_kstat(KSTAT_MY_FRAMES).val == mine,
	       "mappings %ld, frames %ld", mappings() - maps,
	       (long)(sys2_kstat(KSTAT_MY_FRAMES).val - mine));
}

static void role_bigmap(void)
{
	long maps = mappings();
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, BIG_PAGES, 1);
	uint64_t pa = sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val, mine;

	EXPECT_EQ("bigmap_frames_allocated", r.rc, 0);
	map_and_unmap(r.val, pa, maps);
	map_fails_part_way(r.val, maps);
	map_megapages(maps);
	map_batch_big(r.val, maps);
	/* What it owns without the big run, tables and views included. */
	mine = sys2_kstat(KSTAT_MY_FRAMES).val - BIG_PAGES;
	revoke_and_delete(r.val, maps, mine);
}

/* ------------------------------- a map turned into a delete part-way --- */

#define GIVEUP_PAGES 16384 /* 64 MiB: mapping it spans several 1 ms slices */

/* Slice-end entry for a map stopped at bigmap_ecall between two pieces:
 * a7 becomes SYS_cap_delete, so the ecall (a0 = the slot) deletes the
 * capability whose mapping is half made. */
const uint64_t bigmap_upcall_va = RIVET_UPCALL_VA;
uint64_t bigmap_hits;

__asm__(".pushsection .text.bigmap_entries, \"ax\"\n"
	".balign 4\n"
	".globl bigmap_slice_end\n"
	"bigmap_slice_end:\n"
	"	lla	gp, bigmap_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t1, 0x10(gp)\n"
	"	lla	t0, bigmap_ecall\n"
	"	bne	t0, t1, 1f\n"
	"	li	a7, 15\n" /* SYS_cap_delete */
	"	lla	t0, bigmap_hits\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"1:	j	rivet_slice_entry\n"
	".popsection\n");
extern char bigmap_slice_end[];
extern char rivet_slice_entry[];

/* map(slot, va, rights) with its ecall at bigmap_ecall; returns a0. */
static __attribute__((noinline)) long
bigmap_map(unsigned long slot, unsigned long va, unsigned long rights)
{
	register long a0 __asm__("a0") = (long)slot;
	register long a1 __asm__("a1") = (long)va;
	register long a2 __asm__("a2") = (long)rights;
	register long a7 __asm__("a7") = SYS_map;

	__asm__ volatile(".globl bigmap_ecall\nbigmap_ecall: ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a7)
			 :
			 : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6",
			   "a3", "a4", "a5", "a6");
	return a0;
}

static void role_bigmap_giveup(void)
{
	_Static_assert(SYS_cap_delete == 15, "bigmap_slice_end's a7");
	long maps = mappings();
	uint64_t mine = sys2_kstat(KSTAT_MY_FRAMES).val;
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, GIVEUP_PAGES, 1);
	long rc;

	EXPECT_EQ("bigmap_giveup_frames_allocated", r.rc, 0);
	EXPECT_EQ("bigmap_giveup_entry_set", set_slice_entry(bigmap_slice_end),
		  0);
	rc = bigmap_map(r.val, BIG_VA, RW);
	set_slice_entry(rivet_slice_entry);
	report("bigmap_giveup_map_stopped_at_a_slice_end", bigmap_hits >= 1,
	       "upcalls at the ecall %ld", (long)bigmap_hits, 0);
	report("bigmap_giveup_delete_served",
	       rc == 0 &&
		       sys2_cap_info(r.val, RIVET_CAPINFO_SIZE).rc == E_NOENT,
	       "rc %ld", rc, 0);
	report("bigmap_giveup_part_mapped_removed",
	       mappings() == maps && !rivet_pte(BIG_VA), "mappings %ld",
	       mappings() - maps, 0);
	/* Page tables and view pages made for the part mapped stay. */
	report("bigmap_giveup_frames_back",
	       sys2_kstat(KSTAT_MY_FRAMES).val < mine + 64, "frames %ld",
	       (long)(sys2_kstat(KSTAT_MY_FRAMES).val - mine), 0);
	check_stretch("bigmap_giveup_in_short_entries");
}

const struct role bigmap_roles[] = {
	{ "t_bigmap", role_bigmap },
	{ "t_bigmap_giveup", role_bigmap_giveup },
	{ 0 },
};
