// SPDX-License-Identifier: MIT
/*
 * cap_delete of mapped frames (tests/qemu/test_capdelete.py), the cases
 * CONFIG_FAST_CAP_DELETE shortens and its C twin (test_fastpath.py runs
 * this suite on the slow kernel too): a one-page mapping goes in one walk,
 * an original without copies skips the revoke. Every mapping of what is
 * deleted goes, of the copies too; nothing else does; no TLB entry
 * outlives a delete (1,000 frames mapped, written, deleted, read). A
 * one-page original without copies, mapped once at most, is deleted in
 * one step (kernel/cap/frame_delete.c), counted by
 * KSTAT_MY_ONE_STEP_DELETES; everything else by the general path.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "step_count.h"
#include "tests.h"

#define VA1	0x4e000000UL
#define VA2	0x4e001000UL
#define VA3	0x4e002000UL
#define VA_RUN	0x4e200000UL /* four pages */
#define VA_LOOP 0x4e400000UL
#define VA_FAR	0x4ec00000UL /* another 2 MiB than VA1's, past VA_LOOP's */
#define PATTERN 0x5eed0001U
#define ROUNDS	1000
#define RW	(RIVET_CAP_R | RIVET_CAP_W)

static uint32_t peek(unsigned long va)
{
	return *(volatile uint32_t *)va;
}

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

/* A one-page original mapped at VA1 and written; its slot. */
static unsigned long mapped_page(void)
{
	unsigned long s = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;

	sys_map(s, VA1, RW);
	*(volatile uint32_t *)VA1 = PATTERN;
	return s;
}

/* Maps and deletes a page at va once: the page-table pages (and view
 * pages) there stay, so the counts after it see only the frames. */
static void warm(unsigned long va)
{
	sys_cap_delete(sys2_frame_alloc_map(va, RW).val);
}

static void copies_and_originals(void)
{
	uint64_t frames, maps;
	unsigned long orig, copy;

	warm(VA1);
	frames = kstat(KSTAT_MY_FRAMES);
	maps = kstat(KSTAT_MY_MAPPINGS);
	orig = mapped_page();

	copy = sys2_cap_derive(orig, -1UL, RIVET_CAP_R, 0).val;
	EXPECT_EQ("capdel_copy_mapped_twice",
		  sys_map(copy, VA2, RIVET_CAP_R) |
			  sys_map(copy, VA3, RIVET_CAP_R),
		  0);
	EXPECT_EQ("capdel_copy_reads_original", peek(VA3), PATTERN);
	EXPECT_EQ("capdel_delete_copy", sys_cap_delete(copy), 0);
	report("capdel_copy_mappings_gone",
	       pf_load_faults(VA2) && pf_load_faults(VA3), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("capdel_original_untouched", peek(VA1), PATTERN);
	EXPECT_EQ("capdel_copy_slot_empty",
		  sys2_cap_info(copy, RIVET_CAPINFO_TYPE).rc, E_NOENT);

	/* The original mapped twice, no copy: both mappings go. */
	EXPECT_EQ("capdel_original_mapped_again",
		  sys_map(orig, VA2, RIVET_CAP_R), 0);
	EXPECT_EQ("capdel_delete_original", sys_cap_delete(orig), 0);
	report("capdel_original_mappings_gone",
	       pf_load_faults(VA1) && pf_load_faults(VA2), "faults %ld",
	       pf_count, 0);

	/* An original with a mapped copy: the copy and its mapping go. */
	orig = mapped_page();
	copy = sys2_cap_derive(orig, -1UL, RIVET_CAP_R, 0).val;
	sys_map(copy, VA3, RIVET_CAP_R);
	EXPECT_EQ("capdel_delete_original_with_copy", sys_cap_delete(orig), 0);
	report("capdel_mapped_copy_went_with_original",
	       pf_load_faults(VA1) && pf_load_faults(VA3), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("capdel_copy_slot_went_too",
		  sys2_cap_info(copy, RIVET_CAPINFO_TYPE).rc, E_NOENT);
	EXPECT_EQ("capdel_frames_back", kstat(KSTAT_MY_FRAMES), frames);
	EXPECT_EQ("capdel_mapping_records_back", kstat(KSTAT_MY_MAPPINGS),
		  maps);
}

static void runs_and_errors(void)
{
	unsigned long s = sys2_frame_alloc(RIVET_FRAME_ANY, 4, 1).val, i;
	int gone = 1;

	sys_map(s, VA_RUN, RW);
	for (i = 0; i < 4; i++)
		*(volatile uint32_t *)(VA_RUN + i * 0x1000) = PATTERN;
	EXPECT_EQ("capdel_delete_four_pages", sys_cap_delete(s), 0);
	for (i = 0; i < 4; i++)
		gone &= pf_load_faults(VA_RUN + i * 0x1000);
	report("capdel_four_pages_gone", gone, "faults %ld", pf_count, 0);
	EXPECT_EQ("capdel_slot_out_of_range", sys_cap_delete(1UL << 40),
		  E_INVAL);
	EXPECT_EQ("capdel_empty_slot", sys_cap_delete(s), E_NOENT);
}

/* No TLB entry outlives a delete: each frame is read through the TLB
 * just before its delete, then must fault. */
static void tlb_never_outlives(void)
{
	uint64_t frames, slots;
	long bad = 0, i;

	warm(VA_LOOP);
	frames = kstat(KSTAT_MY_FRAMES);
	slots = kstat(KSTAT_MY_SLOTS);

	for (i = 0; i < ROUNDS; i++) {
		unsigned long va = VA_LOOP + (unsigned long)(i % 8) * 0x1000;
		struct rivet_ret r = sys2_frame_alloc_map(va, RW);

		*(volatile uint32_t *)va = (uint32_t)i;
		if (r.rc || peek(va) != (uint32_t)i || sys_cap_delete(r.val) ||
		    !pf_load_faults(va))
			bad++;
	}
	EXPECT_EQ("capdel_read_after_delete_faults_1000", bad, 0);
	report("capdel_1000_leave_nothing",
	       kstat(KSTAT_MY_FRAMES) == frames &&
		       kstat(KSTAT_MY_SLOTS) == slots,
	       "frames %ld slots %ld", (long)(kstat(KSTAT_MY_FRAMES) - frames),
	       (long)(kstat(KSTAT_MY_SLOTS) - slots));
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

/* Which deletions take the one step: a one-page original with no copy,
 * mapped once or not at all; an original with a copy, a copy, a run of
 * pages and a page mapped twice take the general path. The page is
 * gone either way. */
static void one_step_or_general(void)
{
	uint64_t frames = kstat(KSTAT_MY_FRAMES);
	unsigned long s, copy;
	long before;

	before = one_steps();
	s = sys2_frame_alloc_map(VA1, RW).val;
	*(volatile uint32_t *)VA1 = PATTERN;
	EXPECT_EQ("capdel_lone_page_deleted", sys_cap_delete(s), 0);
	report("capdel_lone_page_in_one_step", took(before, 1), "steps %ld",
	       one_steps() - before, 0);
	report("capdel_lone_page_unreachable", pf_load_faults(VA1),
	       "faults %ld", pf_count, 0);
	EXPECT_EQ("capdel_lone_page_slot_empty",
		  sys2_cap_info(s, RIVET_CAPINFO_TYPE).rc, E_NOENT);

	before = one_steps();
	s = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	EXPECT_EQ("capdel_unmapped_page_deleted", sys_cap_delete(s), 0);
	report("capdel_unmapped_page_in_one_step", took(before, 1), "steps %ld",
	       one_steps() - before, 0);

	s = mapped_page();
	copy = sys2_cap_derive(s, -1UL, RIVET_CAP_R, 0).val;
	sys_map(copy, VA2, RIVET_CAP_R);
	before = one_steps();
	EXPECT_EQ("capdel_copy_first_deleted", sys_cap_delete(copy), 0);
	report("capdel_copy_takes_general_path", took(before, 0), "steps %ld",
	       one_steps() - before, 0);
	copy = sys2_cap_derive(s, -1UL, RIVET_CAP_R, 0).val;
	before = one_steps();
	EXPECT_EQ("capdel_original_with_copy_deleted", sys_cap_delete(s), 0);
	report("capdel_original_with_copy_takes_general_path", took(before, 0),
	       "steps %ld", one_steps() - before, 0);
	report("capdel_original_with_copy_unreachable",
	       pf_load_faults(VA1) && pf_load_faults(VA2), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("capdel_its_copy_went_too",
		  sys2_cap_info(copy, RIVET_CAPINFO_TYPE).rc, E_NOENT);

	s = mapped_page();
	sys_map(s, VA2, RIVET_CAP_R);
	before = one_steps();
	EXPECT_EQ("capdel_page_mapped_twice_deleted", sys_cap_delete(s), 0);
	report("capdel_page_mapped_twice_takes_general_path", took(before, 0),
	       "steps %ld", one_steps() - before, 0);
	report("capdel_page_mapped_twice_unreachable",
	       pf_load_faults(VA1) && pf_load_faults(VA2), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("capdel_one_step_frames_back", kstat(KSTAT_MY_FRAMES),
		  frames);
}

/* va's entry in the page-table view (include/rivet/abi.h): its leaf
 * PTE, 0 if unmapped. */
static uint64_t view_entry(unsigned long va)
{
	return *(volatile uint64_t *)(RIVET_PTVIEW_VA + (va >> 12) * 8);
}

/* A page whose 2 MiB is not the one the kernel's page-table view used
 * last (another page mapped since): its deletion leaves the step's
 * common case, which makes no call, and still takes the one step, with
 * the view's update as a call (kernel/cap/frame_delete.c). */
static void one_step_other_view_page(void)
{
	unsigned long near, far;
	uint64_t frames;
	long before;

	near = sys2_frame_alloc_map(VA1, RW).val;
	far = sys2_frame_alloc_map(VA_FAR, RW).val;
	/* The two pages; VA_FAR's new tables and view page stay. */
	frames = kstat(KSTAT_MY_FRAMES) - 2;
	*(volatile uint32_t *)VA1 = PATTERN;
	*(volatile uint32_t *)VA_FAR = PATTERN;
	before = one_steps();
	EXPECT_EQ("capdel_other_view_page_deleted", sys_cap_delete(near), 0);
	report("capdel_other_view_page_in_one_step", took(before, 1),
	       "steps %ld", one_steps() - before, 0);
	report("capdel_other_view_page_unreachable",
	       pf_load_faults(VA1) && peek(VA_FAR) == PATTERN, "faults %ld",
	       pf_count, 0);
	report("capdel_other_view_page_view_entry_gone",
	       !view_entry(VA1) && view_entry(VA_FAR), "entry %lx",
	       (long)view_entry(VA1), 0);
	before = one_steps();
	EXPECT_EQ("capdel_back_to_first_view_page_deleted", sys_cap_delete(far),
		  0);
	report("capdel_back_to_first_view_page_in_one_step", took(before, 1),
	       "steps %ld", one_steps() - before, 0);
	report("capdel_back_to_first_view_page_unreachable",
	       pf_load_faults(VA_FAR) && !view_entry(VA_FAR), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("capdel_other_view_page_frames_back", kstat(KSTAT_MY_FRAMES),
		  frames);
}

static void role_cap_delete(void)
{
	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	copies_and_originals();
	runs_and_errors();
	tlb_never_outlives();
	one_step_or_general();
	one_step_other_view_page();
}

const struct role capdelete_roles[] = {
	{ "t_cap_delete", role_cap_delete },
	{ 0 },
};
