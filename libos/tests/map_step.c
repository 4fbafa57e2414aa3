// SPDX-License-Identifier: MIT
/*
 * map's and frame_alloc's one steps (kernel/cap/map_step.c,
 * frame_alloc_step.c; tests/qemu/test_map_step.py): which requests take
 * them, counted by KSTAT_MY_ONE_STEP_MAPS and KSTAT_MY_ONE_STEP_ALLOCS,
 * and that what they make is what the general way makes.
 *
 * frame_alloc's step: one page anywhere, a frame in the zeroed-frame
 * pool. The general way: several pages, an alignment, RIVET_FRAME_REUSE,
 * an empty pool, every refusal. map's step: a one-page frame capability
 * with the rights asked, a page whose two tables exist in the 2 MiB range
 * whose view page the kernel last wrote, the leaf free, W^X allowing it,
 * no revoke in progress anywhere. The general way: the first page of a
 * fresh range, another range than the view's last, a capability of
 * several pages, a W^X conflict, a revoke in progress, every refusal.
 * Each refusal gives the general way's error and leaves nothing. A
 * page mapped by the step reads zero, shows in the page-table view with
 * the general way's bits, counts for W^X, and goes with its capability
 * (a delete, a revoke of the original under a mapped copy, an unmap).
 * On a kernel without CONFIG_FAST_MAP_STEP (test_fastpath.py) the counts
 * do not exist and every request takes the general way.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "step_revoker.h"
#include "tests.h"

#define MVA	  0x56000000UL /* a fresh 2 MiB range */
#define MVA2	  0x56400000UL /* another one */
#define RW	  (RIVET_CAP_R | RIVET_CAP_W)
#define RX	  (RIVET_CAP_R | RIVET_CAP_X)
#define DRAIN_MAX 8192 /* frame_alloc/cap_delete pairs to empty the pool */

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

/* A one-step count so far; -1 from a kernel without the steps. */
static long count(unsigned long which)
{
	struct rivet_ret r = sys2_kstat(which);

	return r.rc ? -1 : (long)r.val;
}

/* Did the request just made take the step (want 1) or the general way
 * (want 0)? The C twin has only the general way. */
static int took(unsigned long which, long before, long want)
{
	long now = count(which);

	return before < 0 ? now < 0 : now - before == want;
}

#define ALLOCS KSTAT_MY_ONE_STEP_ALLOCS
#define MAPS   KSTAT_MY_ONE_STEP_MAPS

/* frame_alloc(paddr, n, align): reports name (it succeeded, taking the
 * path want); the slot, or ~0 on an error. */
static unsigned long alloc(const char *name, unsigned long paddr,
			   unsigned long n, unsigned long align, long want)
{
	long before = count(ALLOCS);
	struct rivet_ret r = sys2_frame_alloc(paddr, n, align);

	report(name, r.rc == 0 && took(ALLOCS, before, want),
	       "rc %ld steps %ld", r.rc, count(ALLOCS) - before);
	return r.rc ? ~0UL : r.val;
}

/* map(slot, va, rights): reports name (it succeeded, taking the path
 * want) and, if name_zero, that the page reads zero and takes a store. */
static void map(const char *name, const char *name_zero, unsigned long slot,
		unsigned long va, unsigned long rights, long want)
{
	long before = count(MAPS);
	long rc = sys_map(slot, va, rights);

	report(name, rc == 0 && took(MAPS, before, want), "rc %ld steps %ld",
	       rc, count(MAPS) - before);
	if (!rc && name_zero) {
		int zero = page_reads_zero(va);

		*(volatile uint32_t *)(va + 8) = 0x5eed;
		report(name_zero,
		       zero && *(volatile uint32_t *)(va + 8) == 0x5eed,
		       "zero %ld", zero, 0);
	}
}

static uint64_t view(unsigned long va)
{
	return ((const volatile uint64_t *)RIVET_PTVIEW_VA)[va >> 12];
}

/* frame_alloc's step and its general way. */
static void alloc_paths(void)
{
	uint64_t frames = kstat(KSTAT_MY_FRAMES);
	unsigned long s, two, aligned, reuse;

	s = alloc("mstep_alloc_one_step", RIVET_FRAME_ANY, 1, 1, 1);
	report("mstep_alloc_is_one_page_frame",
	       (sys2_cap_info(s, RIVET_CAPINFO_TYPE).val & 0xff) ==
			       RIVET_CAP_FRAME &&
		       sys2_cap_info(s, RIVET_CAPINFO_SIZE).val == 1 &&
		       !(sys2_cap_info(s, RIVET_CAPINFO_OBJECT).val & 0xfff),
	       "type %lx", (long)sys2_cap_info(s, RIVET_CAPINFO_TYPE).val, 0);
	EXPECT_EQ("mstep_alloc_counts_one_frame", kstat(KSTAT_MY_FRAMES),
		  frames + 1);
	two = alloc("mstep_alloc_two_pages_general", RIVET_FRAME_ANY, 2, 1, 0);
	aligned =
		alloc("mstep_alloc_aligned_general", RIVET_FRAME_ANY, 1, 2, 0);
	sys_cap_delete(s); /* the newest freed frame: REUSE's */
	reuse = alloc("mstep_alloc_reuse_general", RIVET_FRAME_REUSE, 1, 1, 0);
	sys_cap_delete(two);
	sys_cap_delete(aligned);
	sys_cap_delete(reuse);
	EXPECT_EQ("mstep_alloc_frames_back", kstat(KSTAT_MY_FRAMES), frames);
}

/* map's step and its general way, and what the step's page is. */
static void map_paths(void)
{
	unsigned long s1, s2, s3, s4, s5, two, copy;
	uint64_t pte;

	s1 = alloc("mstep_alloc_for_map", RIVET_FRAME_ANY, 1, 1, 1);
	map("mstep_map_fresh_range_general", 0, s1, MVA, RW, 0);
	s2 = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	map("mstep_map_next_page_one_step", "mstep_map_page_zero", s2,
	    MVA + 0x1000, RW, 1);
	pte = view(MVA + 0x1000);
	/* V, R, W, U (the rights) and the frame the capability names. */
	report("mstep_map_view_shows_leaf",
	       (pte & 0x17) == 0x17 &&
		       ((pte >> 10) & 0xfffffffffffUL) ==
			       sys2_cap_info(s2, RIVET_CAPINFO_OBJECT).val >>
				       12,
	       "pte %lx", (long)pte, 0);
	report("mstep_map_leaf_bits_as_general",
	       (view(MVA) & 0x3ff) == (pte & 0x3ff), "general %lx step %lx",
	       (long)view(MVA), (long)pte);
	/* The view's last page elsewhere: the general way, then the step
	 * again in that range. */
	s3 = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	map("mstep_map_other_range_general", 0, s3, MVA2, RW, 0);
	s4 = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	map("mstep_map_back_in_first_range_general", 0, s4, MVA + 0x2000, RW,
	    0);
	s5 = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	map("mstep_map_then_one_step_again", 0, s5, MVA + 0x3000, RW, 1);
	two = sys2_frame_alloc(RIVET_FRAME_ANY, 2, 1).val;
	map("mstep_map_two_pages_general", 0, two, MVA + 0x4000, RW, 0);

	/* A copy of one page with the rights asked: the step too; a
	 * revoke of the original takes the copy's mapping with it. */
	copy = sys2_cap_derive(s5, -1UL, RIVET_CAP_R, 0).val;
	map("mstep_map_copy_one_step", 0, copy, MVA + 0x6000, RIVET_CAP_R, 1);
	report("mstep_copy_reads_original",
	       *(volatile uint32_t *)(MVA + 0x6000) == 0, "%ld", 0, 0);
	EXPECT_EQ("mstep_original_revoked", sys_cap_revoke(s5), 0);
	report("mstep_revoke_removes_copy_mapping",
	       pf_load_faults(MVA + 0x6000) && view(MVA + 0x6000) == 0,
	       "faults %ld", pf_count, 0);
	report("mstep_original_mapping_stays",
	       *(volatile uint32_t *)(MVA + 0x3000) == 0, "%ld", 0, 0);
	/* Gone with its capability, or with an unmap. */
	EXPECT_EQ("mstep_delete_step_page", sys_cap_delete(s2), 0);
	report("mstep_delete_removes_mapping",
	       pf_load_faults(MVA + 0x1000) && view(MVA + 0x1000) == 0,
	       "faults %ld", pf_count, 0);
	EXPECT_EQ("mstep_unmap_step_page", sys_unmap(s5, MVA + 0x3000), 0);
	report("mstep_unmap_removes_mapping",
	       pf_load_faults(MVA + 0x3000) && view(MVA + 0x3000) == 0,
	       "faults %ld", pf_count, 0);
	sys_cap_delete(s5);
	sys_cap_delete(two);
	sys_cap_delete(s4);
	sys_cap_delete(s3);
	sys_cap_delete(s1);
}

/* One refused map: the error wanted, no step counted, no mapping. */
static void refused(const char *name, unsigned long slot, unsigned long va,
		    unsigned long rights, long err)
{
	uint64_t maps = kstat(KSTAT_MY_MAPPINGS);
	long before = count(MAPS);
	long rc = sys_map(slot, va, rights);

	report(name,
	       rc == err && took(MAPS, before, 0) &&
		       kstat(KSTAT_MY_MAPPINGS) == maps,
	       "rc %ld steps %ld", rc, count(MAPS) - before);
}

/*
 * The W^X count the step keeps: a frame it mapped writable cannot be
 * mapped executable (E_BUSY from the general way), until that mapping
 * goes; then the step maps it executable, and writable is refused.
 */
static void wx(void)
{
	unsigned long s = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;

	map("mstep_wx_writable_one_step", 0, s, MVA + 0x7000, RW, 1);
	refused("mstep_wx_executable_refused", s, MVA + 0x8000, RX, E_BUSY);
	sys_unmap(s, MVA + 0x7000);
	map("mstep_wx_executable_after_unmap", 0, s, MVA + 0x8000, RX, 1);
	refused("mstep_wx_writable_refused", s, MVA + 0x9000, RW, E_BUSY);
	sys_cap_delete(s);
}

/* Hostile arguments in the range the step has in hand (its table found,
 * its view page the last): the general way's errors, nothing left. */
static void hostile(void)
{
	unsigned long s, t, ro, gone;
	long dom = rivet_cap_find(RIVET_CAP_DOMAIN, 0);

	s = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	t = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	map("mstep_hostile_range_ready", 0, s, MVA + 0xa000, RW, 1);
	refused("mstep_already_mapped", t, MVA + 0xa000, RW, E_EXIST);
	refused("mstep_slot_past_space", 0xffffffffUL, MVA + 0xb000, RW,
		E_INVAL);
	refused("mstep_slot_past_32_bits", (1UL << 32) | t, MVA + 0xb000, RW,
		E_INVAL);
	gone = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	sys_cap_delete(gone);
	refused("mstep_empty_slot", gone, MVA + 0xb000, RW, E_NOENT);
	refused("mstep_not_a_frame", (unsigned long)dom, MVA + 0xb000,
		RIVET_CAP_R, E_INVAL);
	ro = sys2_cap_derive(t, -1UL, RIVET_CAP_R, 0).val;
	refused("mstep_missing_rights", ro, MVA + 0xb000, RW, E_PERM);
	refused("mstep_unaligned", t, MVA + 0xb008, RW, E_RANGE);
	refused("mstep_kernel_address", t, 0xffffffc000000000UL, RW, E_RANGE);
	refused("mstep_at_map_top", t, RIVET_MAP_TOP, RW, E_RANGE);
	refused("mstep_wrapped_address", t, MVA + 0xb000 + (1UL << 39), RW,
		E_RANGE);
	refused("mstep_write_execute", t, MVA + 0xb000,
		RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X, E_INVAL);
	refused("mstep_write_only", t, MVA + 0xb000, RIVET_CAP_W, E_INVAL);
	refused("mstep_no_rights", t, MVA + 0xb000, 0, E_INVAL);
	refused("mstep_rights_out_of_range", t, MVA + 0xb000, 0x103, E_INVAL);
	map("mstep_after_refusals_one_step", 0, ro, MVA + 0xb000, RIVET_CAP_R,
	    1);
	sys_cap_delete(ro);
	sys_cap_delete(t);
	sys_cap_delete(s);
}

/* One refused frame_alloc: the error wanted, no step counted, no frame
 * or slot taken. */
static void alloc_refused(const char *name, unsigned long paddr,
			  unsigned long n, unsigned long align, long err)
{
	uint64_t frames = kstat(KSTAT_MY_FRAMES), slots = kstat(KSTAT_MY_SLOTS);
	long before = count(ALLOCS);
	long rc = sys_frame_alloc(paddr, n, align);

	report(name,
	       rc == err && took(ALLOCS, before, 0) &&
		       kstat(KSTAT_MY_FRAMES) == frames &&
		       kstat(KSTAT_MY_SLOTS) == slots,
	       "rc %ld steps %ld", rc, count(ALLOCS) - before);
}

/* frame_alloc's refusals, the step's own case among them (one page
 * anywhere with the quota or the slots spent): the general way's. */
static void alloc_hostile(void)
{
	unsigned long run, s, n;
	struct rivet_ret r;

	alloc_refused("mstep_alloc_no_pages", RIVET_FRAME_ANY, 0, 1, E_INVAL);
	alloc_refused("mstep_alloc_align_not_power", RIVET_FRAME_ANY, 1, 3,
		      E_INVAL);
	alloc_refused("mstep_alloc_too_many_pages", RIVET_FRAME_ANY,
		      (1UL << 18) + 1, 1, E_INVAL);
	alloc_refused("mstep_alloc_unaligned_paddr", 0x80000123UL, 1, 1,
		      E_INVAL);
	n = kstat(KSTAT_MY_QUOTA) - kstat(KSTAT_MY_FRAMES);
	r = sys2_frame_alloc(RIVET_FRAME_ANY, n, 1);
	run = r.val;
	report("mstep_alloc_quota_spent", r.rc == 0, "rc %ld frames %ld", r.rc,
	       (long)n);
	alloc_refused("mstep_alloc_quota_exhausted", RIVET_FRAME_ANY, 1, 1,
		      E_NOMEM);
	sys_cap_delete(run);
	/* Every slot taken by copies (no frame each), all revoked after. */
	s = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	for (n = 0; !sys2_cap_derive(s, -1UL, RIVET_CAP_R, 0).rc; n++)
		;
	alloc_refused("mstep_alloc_no_free_slot", RIVET_FRAME_ANY, 1, 1,
		      E_NOMEM);
	EXPECT_EQ("mstep_alloc_copies_revoked", sys_cap_revoke(s), 0);
	sys_cap_delete(s);
}

/* The pool empty: frame_alloc the general way, the frame zeroed on
 * demand (a frame given back goes to the free list, not to the pool). */
static void empty_pool(void)
{
	unsigned long s, n;

	for (n = 0; n < DRAIN_MAX && kstat(KSTAT_ZEROED_FRAMES); n++)
		sys_cap_delete(sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val);
	EXPECT_EQ("mstep_pool_drained", kstat(KSTAT_ZEROED_FRAMES), 0);
	s = alloc("mstep_alloc_pool_empty_general", RIVET_FRAME_ANY, 1, 1, 0);
	map("mstep_map_pool_empty_frame", "mstep_pool_empty_page_zero", s,
	    MVA + 0xc000, RW, 1);
	sys_cap_delete(s);
}

static void role_map_step(void)
{
	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	fill_zeroed_pool("mstep_pool_filled");
	alloc_paths();
	map_paths();
	wx();
	hostile();
	alloc_hostile();
	empty_pool();
}

/* ------------------------------------ a revoke in progress elsewhere --- */

#define RV_MVA 0x57000000UL /* the mapper's range */

/* frame_alloc then map at RV_MVA + page: the map's step (1) or the
 * general way (0); -1 if refused. */
static long rv_map(unsigned long page)
{
	unsigned long s = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	long before = count(MAPS), after;

	if (sys_map(s, RV_MVA + page * 0x1000, RW)) {
		sys_cap_delete(s);
		return -1;
	}
	after = count(MAPS);
	sys_cap_delete(s);
	return before < 0 ? 0 : after - before;
}

/*
 * While t_step_revoker's revoke is in progress, every map goes the
 * general way; before and after it, the step. The C twin has no step.
 */
static void role_map_step_mapper(void)
{
	long during = 0, general = 0, stepped = 0, before, after;
	unsigned long page = 2;

	rv_map(0);	    /* the range's tables: the general way */
	before = rv_map(1); /* the step */
	*rv_step() = RV_READY;
	while (*rv_step() != RV_DONE) {
		if (*rv_step() == RV_REVOKING && during < RV_TRIES) {
			long t = rv_map(page++);

			during += t >= 0;
			general += t == 0;
			stepped += t == 1;
		}
		sys_yield_cap(RIVET_YIELD_ANY);
	}
	*rv_step() = RV_SEEN;
	after = rv_map(page);
	report("mstep_mapper_step_before_revoke",
	       count(MAPS) < 0 || before == 1, "took %ld", before, 0);
	report("mstep_revoke_in_progress_general", during > 0 && !stepped,
	       "during %ld stepped %ld", during, stepped);
	report("mstep_mapper_step_after_revoke", count(MAPS) < 0 || after == 1,
	       "took %ld", after, 0);
}

const struct role mapstep_roles[] = {
	{ "t_map_step", role_map_step },
	{ "t_map_step_mapper", role_map_step_mapper },
	{ 0 },
};
