// SPDX-License-Identifier: MIT
/*
 * frame_alloc_map's one step (kernel/cap/frame_alloc_map_step.c,
 * tests/qemu/test_allocmap_step.py): which requests take it, counted by
 * KSTAT_MY_ONE_STEP_ALLOC_MAPS, and that what it makes is what the
 * general way makes. The step: a page whose two tables exist, in the
 * 2 MiB range whose view page the kernel last wrote, a frame in the
 * zeroed-frame pool. The general way: the first page of a fresh 2 MiB
 * range (its table is missing), a range other than the view's last one,
 * an empty pool, and every refusal (the step refuses nothing: each error
 * comes from the general way, and leaves no frame, slot or mapping). Its
 * page reads zero, shows in the page-table view, and goes with its
 * capability (a delete, a delete of the original under a mapped copy).
 * On a kernel without CONFIG_FAST_ALLOC_MAP (test_fastpath.py) the count
 * does not exist and every request takes the general way.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "step_revoker.h"
#include "tests.h"

#define SVA	  0x52000000UL /* a fresh 2 MiB range */
#define SVA2	  0x52400000UL /* another one */
#define COPY_VA	  0x52100000UL /* in SVA's range */
#define RW	  (RIVET_CAP_R | RIVET_CAP_W)
#define DRAIN_MAX 8192 /* frame_alloc/cap_delete pairs to empty the pool */

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

/* The caller's one-step frame_alloc_maps so far; -1 from a kernel
 * without the step. */
static long steps(void)
{
	struct rivet_ret r = sys2_kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS);

	return r.rc ? -1 : (long)r.val;
}

/* Did the request just made take the step (want 1) or the general way
 * (want 0)? The C twin has only the general way. */
static int took(long before, long want)
{
	long now = steps();

	return before < 0 ? now < 0 : now - before == want;
}

/* frame_alloc_map(va, RW); the slot, or ~0 on an error. Reports name_ok
 * (the call succeeded, taking the path want: 1 the step, 0 the general
 * way) and name_zero (the page reads zero and takes a store). */
static unsigned long alloc_map(const char *name_ok, const char *name_zero,
			       unsigned long va, long want)
{
	long before = steps();
	struct rivet_ret r = sys2_frame_alloc_map(va, RW);

	report(name_ok, r.rc == 0 && took(before, want), "rc %ld steps %ld",
	       r.rc, steps() - before);
	if (r.rc)
		return ~0UL;
	if (name_zero) {
		int zero = page_reads_zero(va);

		*(volatile uint32_t *)(va + 8) = 0x5eed;
		report(name_zero,
		       zero && *(volatile uint32_t *)(va + 8) == 0x5eed,
		       "zero %ld", zero, 0);
	}
	return r.val;
}

/* The requests that take the step and those that do not, and what the
 * step's page is. */
static void paths(void)
{
	uint64_t frames;
	const volatile uint64_t *view =
		(const volatile uint64_t *)RIVET_PTVIEW_VA;
	unsigned long s1, s2, s3, s4, copy;
	uint64_t pte;

	s1 = alloc_map("step_fresh_range_general", "step_fresh_range_zero", SVA,
		       0);
	/* The range's table and view page stay (charged) from here on. */
	frames = kstat(KSTAT_MY_FRAMES);
	s2 = alloc_map("step_next_page_one_step", "step_one_step_page_zero",
		       SVA + 0x1000, 1);
	pte = view[(SVA + 0x1000) >> 12];
	/* V, R, W, U (the rights) and the frame the capability names. */
	report("step_view_shows_leaf",
	       (pte & 0x17) == 0x17 &&
		       ((pte >> 10) & 0xfffffffffffUL) ==
			       sys2_cap_info(s2, RIVET_CAPINFO_OBJECT).val >>
				       12,
	       "pte %lx", (long)pte, 0);
	EXPECT_EQ("step_counts_one_frame", kstat(KSTAT_MY_FRAMES), frames + 1);
	/* The view's last page elsewhere: the general way, then the step
	 * again in that range. */
	s3 = alloc_map("step_other_range_general", 0, SVA2, 0);
	frames = kstat(KSTAT_MY_FRAMES) - 3; /* s1-s3 gone: SVA2's tables */
	s4 = alloc_map("step_back_in_first_range_general", 0, SVA + 0x2000, 0);
	sys_cap_delete(s4);
	s4 = alloc_map("step_then_one_step_again", 0, SVA + 0x2000, 1);

	/* Gone with its capability. */
	EXPECT_EQ("step_page_deleted", sys_cap_delete(s2), 0);
	report("step_page_unreachable", pf_load_faults(SVA + 0x1000),
	       "faults %ld", pf_count, 0);
	report("step_view_cleared", view[(SVA + 0x1000) >> 12] == 0, "pte %lx",
	       (long)view[(SVA + 0x1000) >> 12], 0);
	copy = sys2_cap_derive(s4, -1UL, RIVET_CAP_R, 0).val;
	EXPECT_EQ("step_copy_mapped", sys_map(copy, COPY_VA, RIVET_CAP_R), 0);
	EXPECT_EQ("step_original_deleted_under_copy", sys_cap_delete(s4), 0);
	report("step_copy_went_with_it",
	       pf_load_faults(SVA + 0x2000) && pf_load_faults(COPY_VA),
	       "faults %ld", pf_count, 0);
	/* The same slot number, reused by the step, makes a fresh page. */
	s2 = alloc_map("step_slot_reused", "step_reused_slot_page_zero",
		       SVA + 0x1000, 1);
	sys_cap_delete(s3); /* first: the view's last page is SVA's then */
	sys_cap_delete(s1);
	sys_cap_delete(s2);
	EXPECT_EQ("step_frames_back", kstat(KSTAT_MY_FRAMES), frames);
}

/*
 * For each rights map accepts, the step's leaf (seen in the page-table
 * view) has the bits map's gives the same rights: V, U, A, D, the rights
 * and the ceiling protect restores up to (the RSW bits); only the frame
 * differs.
 */
static void same_leaf_as_map(void)
{
	static const unsigned long rights[] = { RIVET_CAP_R, RW, RIVET_CAP_X,
						RIVET_CAP_R | RIVET_CAP_X };
	const volatile uint64_t *view =
		(const volatile uint64_t *)RIVET_PTVIEW_VA;
	unsigned long i, va, s, m, bad = 0, stepped = 0;
	long before;

	for (i = 0; i < 4; i++) {
		va = SVA + 0x10000 + i * 0x2000;
		before = steps();
		s = sys2_frame_alloc_map(va, rights[i]).val;
		stepped += took(before, 1);
		m = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
		sys_map(m, va + 0x1000, rights[i]);
		bad += (view[va >> 12] & 0x3ff) !=
		       (view[(va + 0x1000) >> 12] & 0x3ff);
		sys_cap_delete(s);
		sys_cap_delete(m);
	}
	report("step_leaf_bits_as_map", !bad && stepped == 4,
	       "bad %ld stepped %ld", (long)bad, (long)stepped);
}

/* The pool empty: the general way, the frame zeroed on demand. A frame
 * taken from the pool and given back goes to the free list, not to the
 * pool (only the idle loop fills it): taking and deleting empties it. */
static void empty_pool(void)
{
	unsigned long s;
	unsigned n;

	s = alloc_map("step_pool_warm_up", 0, SVA + 0x3000, 1);
	sys_cap_delete(s);
	for (n = 0; n < DRAIN_MAX && kstat(KSTAT_ZEROED_FRAMES); n++)
		sys_cap_delete(sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val);
	EXPECT_EQ("step_pool_drained", kstat(KSTAT_ZEROED_FRAMES), 0);
	s = alloc_map("step_pool_empty_general", "step_pool_empty_page_zero",
		      SVA + 0x3000, 0);
	sys_cap_delete(s);
}

/* One refused request: the error wanted, no step counted, no frame,
 * slot or mapping left. */
static void refused(const char *name, unsigned long va, unsigned long rights,
		    long err)
{
	uint64_t frames = kstat(KSTAT_MY_FRAMES), slots = kstat(KSTAT_MY_SLOTS),
		 maps = kstat(KSTAT_MY_MAPPINGS);
	long before = steps();
	long rc = sys_frame_alloc_map(va, rights);

	report(name,
	       rc == err && took(before, 0) &&
		       kstat(KSTAT_MY_FRAMES) == frames &&
		       kstat(KSTAT_MY_SLOTS) == slots &&
		       kstat(KSTAT_MY_MAPPINGS) == maps,
	       "rc %ld steps %ld", rc, steps() - before);
}

/* Hostile arguments in the range the step has in hand (its table found,
 * its view page the last): the general way's errors, nothing left. */
static void hostile(void)
{
	unsigned long s, run, n;
	struct rivet_ret r;

	fill_zeroed_pool("step_pool_refilled");
	s = alloc_map("step_hostile_range_ready", 0, SVA + 0x4000, 1);
	refused("step_already_mapped", SVA + 0x4000, RW, E_EXIST);
	refused("step_unaligned", SVA + 0x5008, RW, E_RANGE);
	refused("step_kernel_address", 0xffffffc000000000UL, RW, E_RANGE);
	refused("step_at_map_top", RIVET_MAP_TOP, RW, E_RANGE);
	refused("step_wrapped_address", SVA + 0x5000 + (1UL << 39), RW,
		E_RANGE);
	refused("step_write_execute", SVA + 0x5000,
		RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X, E_INVAL);
	refused("step_write_only", SVA + 0x5000, RIVET_CAP_W, E_INVAL);
	refused("step_no_rights", SVA + 0x5000, 0, E_INVAL);
	refused("step_rights_out_of_range", SVA + 0x5000, 0x103, E_INVAL);
	/* Execute-only: the step, W^X kind X. */
	r = sys2_frame_alloc_map(SVA + 0x5000, RIVET_CAP_X);
	report("step_execute_only_ok", r.rc == 0, "rc %ld", r.rc, 0);
	if (!r.rc)
		sys_cap_delete(r.val);
	/* The quota spent by one run of every frame left: E_NOMEM from the
	 * general way. */
	n = kstat(KSTAT_MY_QUOTA) - kstat(KSTAT_MY_FRAMES);
	r = sys2_frame_alloc(RIVET_FRAME_ANY, n, 1);
	run = r.val;
	report("step_quota_spent", r.rc == 0, "rc %ld frames %ld", r.rc,
	       (long)n);
	refused("step_quota_exhausted", SVA + 0x5000, RW, E_NOMEM);
	sys_cap_delete(run);
	/* Every slot taken by copies (no frame each), all revoked after:
	 * E_NOMEM too. */
	for (n = 0; !sys2_cap_derive(s, -1UL, RIVET_CAP_R, 0).rc; n++)
		;
	refused("step_no_free_slot", SVA + 0x5000, RW, E_NOMEM);
	EXPECT_EQ("step_copies_revoked", sys_cap_revoke(s), 0);
	sys_cap_delete(s);
	fill_zeroed_pool(
		"step_pool_refilled_again"); /* the quota's frames took it */
	s = alloc_map("step_after_refusals_one_step",
		      "step_after_refusals_zero", SVA + 0x5000, 1);
	sys_cap_delete(s);
}

/* ------------------------------------ a revoke in progress elsewhere --- */

#define RV_VA 0x53000000UL /* the mapper's range */

/*
 * Builds a tree of RV_TREE copies once the mapper is ready and revokes it:
 * many slices, between which (its slice-end upcall yields) the revoke is
 * in progress (cap_system.nrevoking) and the mapper runs.
 */
static void role_step_revoker(void)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long root = r.val, last = root, i;

	while (*rv_step() != RV_READY) /* asleep: the idle loop fills the */
		rivet_sleep_us(1000);  /* pool for the mapper meanwhile */
	for (i = 0; r.rc == 0 && i < RV_TREE; i++) {
		r = sys2_cap_derive(i % 64 == 0 ? root : last, -1UL,
				    RIVET_CAP_R, 0);
		last = r.val;
	}
	EXPECT_EQ("step_revoker_tree_built", i, RV_TREE);
	*rv_step() = RV_REVOKING;
	EXPECT_EQ("step_revoker_revoked", sys_cap_revoke(root), 0);
	*rv_step() = RV_DONE;
	while (*rv_step() != RV_SEEN)
		sys_yield_cap(RIVET_YIELD_ANY);
}

/* One request at RV_VA + page while the pool has a frame: the step (1)
 * or the general way (0); -1 if not asked (pool empty) or refused. */
static long rv_try(unsigned long page)
{
	long before = steps(), after;
	struct rivet_ret r;

	if (!kstat(KSTAT_ZEROED_FRAMES))
		return -1;
	r = sys2_frame_alloc_map(RV_VA + page * 0x1000, RW);
	if (r.rc)
		return -1;
	after = steps();
	sys_cap_delete(r.val);
	return before < 0 ? 0 : after - before;
}

/*
 * While the revoker's revoke is in progress, every request goes the
 * general way (at least one is made: the revoke spans many of the
 * mapper's turns); after it, the step again. The C twin has no step:
 * every request is general there, before and after.
 */
static void role_step_mapper(void)
{
	long during = 0, general = 0, stepped = 0, before, after;
	unsigned long page = 2;

	fill_zeroed_pool("step_mapper_pool_filled");
	rv_try(0);	    /* the range's tables: the general way */
	before = rv_try(1); /* the step */
	*rv_step() = RV_READY;
	while (*rv_step() != RV_DONE) {
		if (*rv_step() == RV_REVOKING && during < RV_TRIES) {
			long t = rv_try(page++);

			during += t >= 0;
			general += t == 0;
			stepped += t == 1;
		}
		sys_yield_cap(RIVET_YIELD_ANY);
	}
	*rv_step() = RV_SEEN;
	after = rv_try(page);
	report("step_mapper_step_before_revoke", steps() < 0 || before == 1,
	       "took %ld", before, 0);
	report("step_revoke_in_progress_general", during > 0 && !stepped,
	       "during %ld stepped %ld", during, stepped);
	report("step_mapper_step_after_revoke", steps() < 0 || after == 1,
	       "took %ld", after, 0);
}

static void role_alloc_map_step(void)
{
	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	fill_zeroed_pool("step_pool_filled");
	paths();
	same_leaf_as_map();
	empty_pool();
	hostile();
}

const struct role allocstep_roles[] = {
	{ "t_alloc_map_step", role_alloc_map_step },
	{ "t_step_revoker", role_step_revoker },
	{ "t_step_mapper", role_step_mapper },
	{ 0 },
};
