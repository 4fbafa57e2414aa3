// SPDX-License-Identifier: MIT
/*
 * cap_delete's one step beside frame_alloc_map's (kernel/cap/
 * frame_delete.c, tests/qemu/test_delstep.py): a page frame_alloc_map's
 * step mapped is found in the last-level table that step keeps (no
 * walk), a page mapped in another 2 MiB goes by delete_page's walk, both
 * deleted whole (unreachable, view entry gone, frame back); the slot the
 * step empties (only the fields a frame original sets are cleared) makes
 * a whole capability again, and a copy made in it is a copy (its
 * deletion leaves the original's frame); the frame it frees has no W^X
 * count left (mapped executable after a writable mapping, through
 * RIVET_FRAME_REUSE). On the C twin (CONFIG_FAST_CAP_DELETE off,
 * test_fastpath.py) the same results by the general path.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "step_count.h"
#include "tests.h"

#define DVA_A	 0x66000000UL /* a 2 MiB range frame_alloc_map's step keeps */
#define DVA_B	 0x66400000UL /* another */
#define PG	 4096UL
#define RW	 (RIVET_CAP_R | RIVET_CAP_W)
#define RX	 (RIVET_CAP_R | RIVET_CAP_X)
#define PATTERN	 0x5eed0d01U
#define PATTERN2 0x5eed0d02U

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

static uint32_t peek(unsigned long va)
{
	return *(volatile uint32_t *)va;
}

/* va's entry in the page-table view: its leaf PTE, 0 if unmapped. */
static uint64_t view_entry(unsigned long va)
{
	return *(volatile uint64_t *)(RIVET_PTVIEW_VA + (va >> 12) * 8);
}

/* The caller's one-step deletions so far (kernel/cap/frame_delete.c;
 * step_count.h). */
static long one_steps(void)
{
	return step_count(KSTAT_MY_ONE_STEP_DELETES);
}

static int took(long before, long want)
{
	return step_took(KSTAT_MY_ONE_STEP_DELETES, before, want);
}

/* A page frame_alloc_map mapped at va (the step's, once its range is
 * warm), written. */
static unsigned long stepped_page(unsigned long va, uint32_t v)
{
	unsigned long s = sys2_frame_alloc_map(va, RW).val;

	*(volatile uint32_t *)va = v;
	return s;
}

/* The step's page deleted in one step, whole. */
static void step_page(uint64_t frames)
{
	unsigned long s = stepped_page(DVA_A, PATTERN), s2;
	long before = one_steps();

	EXPECT_EQ("dstep_step_page_deleted", sys_cap_delete(s), 0);
	report("dstep_step_page_in_one_step", took(before, 1), "steps %ld",
	       one_steps() - before, 0);
	report("dstep_step_page_unreachable",
	       pf_load_faults(DVA_A) && !view_entry(DVA_A), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("dstep_step_page_frame_back", kstat(KSTAT_MY_FRAMES), frames);

	/* The slot again, whole: a frame original of one page, all rights,
	 * no badge. */
	s2 = stepped_page(DVA_A, PATTERN);
	report("dstep_slot_reused", s2 == s, "slot %ld, was %ld", (long)s2,
	       (long)s);
	report("dstep_reused_slot_whole",
	       sys2_cap_info(s2, RIVET_CAPINFO_TYPE).val >> 8 == 0xf &&
		       sys2_cap_info(s2, RIVET_CAPINFO_SIZE).val == 1 &&
		       sys2_cap_info(s2, RIVET_CAPINFO_BADGE).val == 0,
	       "type/rights 0x%lx",
	       (long)sys2_cap_info(s2, RIVET_CAPINFO_TYPE).val, 0);
	sys_cap_delete(s2);
}

/* A copy derived into the slot the step emptied is a copy: deleting it
 * leaves the original's frame and mapping. */
static void copy_in_freed_slot(uint64_t frames)
{
	unsigned long orig = stepped_page(DVA_A + PG, PATTERN), t, copy;
	long before;

	t = stepped_page(DVA_A, PATTERN2);
	sys_cap_delete(t);
	copy = sys2_cap_derive(orig, -1UL, RIVET_CAP_R, 0).val;
	report("dstep_copy_in_freed_slot", copy == t, "slot %ld, freed %ld",
	       (long)copy, (long)t);
	EXPECT_EQ("dstep_copy_no_badge",
		  sys2_cap_info(copy, RIVET_CAPINFO_BADGE).val, 0);
	before = one_steps();
	EXPECT_EQ("dstep_copy_deleted", sys_cap_delete(copy), 0);
	report("dstep_copy_general_path", took(before, 0), "steps %ld",
	       one_steps() - before, 0);
	report("dstep_original_kept",
	       peek(DVA_A + PG) == PATTERN &&
		       kstat(KSTAT_MY_FRAMES) == frames + 1,
	       "frames +%ld", (long)(kstat(KSTAT_MY_FRAMES) - frames), 0);
	sys_cap_delete(orig);
}

/* The frame a writable page had, freed in one step, maps executable
 * again (no W^X count left on it). */
static void freed_frame_wx(uint64_t frames)
{
	unsigned long s = stepped_page(DVA_A, PATTERN2), r;
	uint64_t pa = sys2_cap_info(s, RIVET_CAPINFO_OBJECT).val;

	sys_cap_delete(s);
	r = sys2_frame_alloc(RIVET_FRAME_REUSE, 1, 1).val;
	report("dstep_reuse_same_frame",
	       sys2_cap_info(r, RIVET_CAPINFO_OBJECT).val == pa, "pa %lx",
	       (long)sys2_cap_info(r, RIVET_CAPINFO_OBJECT).val, 0);
	EXPECT_EQ("dstep_freed_frame_maps_executable", sys_map(r, DVA_A, RX),
		  0);
	EXPECT_EQ("dstep_reused_frame_kept_data", peek(DVA_A), PATTERN2);
	sys_cap_delete(r);
	EXPECT_EQ("dstep_wx_frames_back", kstat(KSTAT_MY_FRAMES), frames);
}

/* Pages SYS_map mapped: in the step's range (its table) and in another
 * 2 MiB (delete_page's walk), both in one step, both gone whole. */
static void mapped_pages(uint64_t frames)
{
	unsigned long a = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long b = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	long before;

	sys_map(a, DVA_A + 2 * PG, RW);
	*(volatile uint32_t *)(DVA_A + 2 * PG) = PATTERN;
	before = one_steps();
	EXPECT_EQ("dstep_mapped_in_range_deleted", sys_cap_delete(a), 0);
	report("dstep_mapped_in_range_in_one_step", took(before, 1),
	       "steps %ld", one_steps() - before, 0);
	report("dstep_mapped_in_range_unreachable",
	       pf_load_faults(DVA_A + 2 * PG) && !view_entry(DVA_A + 2 * PG),
	       "faults %ld", pf_count, 0);

	sys_map(b, DVA_B, RW);
	*(volatile uint32_t *)DVA_B = PATTERN;
	before = one_steps();
	EXPECT_EQ("dstep_other_range_deleted", sys_cap_delete(b), 0);
	report("dstep_other_range_in_one_step", took(before, 1), "steps %ld",
	       one_steps() - before, 0);
	report("dstep_other_range_unreachable",
	       pf_load_faults(DVA_B) && !view_entry(DVA_B), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("dstep_mapped_frames_back", kstat(KSTAT_MY_FRAMES), frames);
}

static void role_delete_step(void)
{
	uint64_t frames;

	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	/* Tables and view pages for both ranges made once, and the step
	 * keeping A's table: counts after this see the frames only. */
	sys_cap_delete(sys2_frame_alloc_map(DVA_B, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(DVA_A, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(DVA_A + PG, RW).val);
	frames = kstat(KSTAT_MY_FRAMES);
	step_page(frames);
	copy_in_freed_slot(frames);
	freed_frame_wx(frames);
	mapped_pages(frames);
}

const struct role delstep_roles[] = {
	{ "t_delete_step", role_delete_step },
	{ 0 },
};
