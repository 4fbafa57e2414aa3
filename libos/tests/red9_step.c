// SPDX-License-Identifier: MIT
/*
 * A hostile libOS against the one-step frame_alloc_map, the one-step
 * cap_delete and the submission ring together (tests/qemu/
 * test_red9_step.py; docs/isolation.md): what the steps leave behind
 * (a frame's W^X kind, its mapping record) as the ring's map path reads
 * it, and a ring that changes its own memory under the kernel.
 *
 *   - W^X across paths: a page the step maps executable (or writable)
 *     cannot be mapped the other way through a copy, by the ring or
 *     directly;
 *   - a step page mapped again by the ring: its deletion takes the
 *     general way (two mappings) and both mappings go; unmapped again by
 *     the ring, the deletion is one step and the page goes;
 *   - the ring protecting its own page read-only, or allocating over
 *     it, from inside a submit;
 *   - the ring's page deleted (one step) and its frame taken back
 *     unzeroed (RIVET_FRAME_REUSE) and mapped elsewhere with a forged
 *     ring in it: a submit reads nothing there.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>
#include <rivet/ring.h>

#include "tests.h"

#define RING_VA 0x65000000UL /* the ring's page (a step page) */
#define VA1	0x65010000UL /* step pages */
#define VA2	0x65020000UL /* their second mappings */
#define VA3	0x65030000UL /* the ring's frame, taken back */
#define N	4
#define RW	(RIVET_CAP_R | RIVET_CAP_W)
#define RX	(RIVET_CAP_R | RIVET_CAP_X)
#define SECRET	0x5ec3e7f00dUL

static struct rivet_ring_head *h = (struct rivet_ring_head *)RING_VA;
static unsigned long ring_slot;

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

static struct rivet_ring_entry *ent(unsigned long base, unsigned long i)
{
	return (struct rivet_ring_entry *)(base + RIVET_RING_ENTRIES_OFF) +
	       i % N;
}

static struct rivet_ring_done *done(unsigned long base, unsigned long i)
{
	return (struct rivet_ring_done *)(base + RIVET_RING_DONE_OFF(N)) +
	       i % N;
}

static void queue(unsigned long nr, unsigned long a0, unsigned long a1,
		  unsigned long a2)
{
	struct rivet_ring_entry *e = ent(RING_VA, h->sq_tail);

	e->nr = nr;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->args[3] = 0;
	h->sq_tail++;
}

/* One call through the ring: its rc (777 if the submit itself failed). */
static long ring1(unsigned long nr, unsigned long a0, unsigned long a1,
		  unsigned long a2)
{
	unsigned long at = h->sq_tail;
	struct rivet_ret r;

	done(RING_VA, at)->rc = 12345;
	queue(nr, a0, a1, a2);
	r = sys2_ring_submit(1);
	return r.rc || r.val != 1 ? 777 : done(RING_VA, at)->rc;
}

static void ring_up(void)
{
	ring_slot = sys2_frame_alloc_map(RING_VA, RW).val;
	EXPECT_EQ("red9_ring_setup", sys_ring_setup(h, N), 0);
}

/* A page the step maps one way cannot be mapped the other way through a
 * copy (its frame's W^X kind is the step's), by the ring or directly. */
static void wx_across_paths(void)
{
	unsigned long s, c;

	s = sys2_frame_alloc_map(VA1, RIVET_CAP_X).val;
	c = sys2_cap_derive(s, -1UL, RW, 0).val;
	EXPECT_EQ("red9_wx_step_x_ring_map_rw", ring1(SYS_map, c, VA2, RW),
		  E_BUSY);
	EXPECT_EQ("red9_wx_step_x_map_rw", sys_map(c, VA2, RW), E_BUSY);
	sys_cap_delete(s); /* its copy with it */
	s = sys2_frame_alloc_map(VA1, RW).val;
	c = sys2_cap_derive(s, -1UL, RX, 0).val;
	EXPECT_EQ("red9_wx_step_w_ring_map_rx", ring1(SYS_map, c, VA2, RX),
		  E_BUSY);
	EXPECT_EQ("red9_wx_step_w_map_rx", sys_map(c, VA2, RX), E_BUSY);
	sys_cap_delete(s);
}

/* A step page mapped a second time by the ring, then deleted. */
static void second_mapping_by_ring(void)
{
	uint64_t frames = kstat(KSTAT_MY_FRAMES), maps, one;
	const volatile uint64_t *view =
		(const volatile uint64_t *)RIVET_PTVIEW_VA;
	unsigned long s = sys2_frame_alloc_map(VA1, RW).val;

	*(volatile uint64_t *)VA1 = SECRET;
	EXPECT_EQ("red9_ring_maps_step_page",
		  ring1(SYS_map, s, VA2, RIVET_CAP_R), 0);
	EXPECT_EQ("red9_ring_mapping_reads_step_page",
		  *(volatile uint64_t *)VA2, SECRET);
	one = kstat(KSTAT_MY_ONE_STEP_DELETES);
	EXPECT_EQ("red9_two_mappings_deleted", sys_cap_delete(s), 0);
	EXPECT_EQ("red9_two_mappings_general_way",
		  kstat(KSTAT_MY_ONE_STEP_DELETES), one);
	report("red9_both_mappings_gone",
	       pf_load_faults(VA1) && pf_load_faults(VA2) && !view[VA1 >> 12] &&
		       !view[VA2 >> 12],
	       "faults %ld", pf_count, 0);
	EXPECT_EQ("red9_two_mappings_frame_back", kstat(KSTAT_MY_FRAMES),
		  frames);

	/* Mapped again by the ring, unmapped by it: one mapping left, the
	 * deletion in one step. */
	s = sys2_frame_alloc_map(VA1, RW).val;
	maps = kstat(KSTAT_MY_MAPPINGS);
	ring1(SYS_map, s, VA2, RIVET_CAP_R);
	EXPECT_EQ("red9_ring_unmaps_second", ring1(SYS_unmap, s, VA2, 0), 0);
	EXPECT_EQ("red9_ring_unmap_record_back", kstat(KSTAT_MY_MAPPINGS),
		  maps);
	one = kstat(KSTAT_MY_ONE_STEP_DELETES);
	EXPECT_EQ("red9_one_mapping_deleted", sys_cap_delete(s), 0);
	EXPECT_EQ("red9_one_mapping_one_step", kstat(KSTAT_MY_ONE_STEP_DELETES),
		  one + 1);
	report("red9_one_mapping_gone",
	       pf_load_faults(VA1) && pf_load_faults(VA2), "faults %ld",
	       pf_count, 0);
}

/* The ring writes its own memory away from under the kernel. */
static void ring_against_itself(void)
{
	uint64_t frames = kstat(KSTAT_MY_FRAMES), slots = kstat(KSTAT_MY_SLOTS);
	unsigned long tail;
	struct rivet_ret r;

	EXPECT_EQ("red9_ring_alloc_map_over_itself",
		  ring1(SYS_frame_alloc_map, RING_VA, RW, 0), E_EXIST);
	report("red9_ring_alloc_map_over_itself_left_nothing",
	       kstat(KSTAT_MY_FRAMES) == frames &&
		       kstat(KSTAT_MY_SLOTS) == slots,
	       "frames %ld slots %ld", (long)kstat(KSTAT_MY_FRAMES),
	       (long)kstat(KSTAT_MY_SLOTS));

	/* Its page read-only from its first entry on: the completion
	 * cannot be written, E_RANGE, the entry run stays run (consumed). */
	queue(SYS_protect, RING_VA, 1, RIVET_CAP_R);
	queue(SYS_kstat, KSTAT_MY_FRAMES, 0, 0);
	tail = h->sq_tail;
	r = sys2_ring_submit(2);
	report("red9_ring_protects_itself_refused", r.rc == E_RANGE,
	       "rc %ld a1 %ld", r.rc, (long)r.val);
	report("red9_ring_protected_itself", pf_store_faults(RING_VA, 1),
	       "faults %ld", pf_count, 0);
	EXPECT_EQ("red9_ring_protect_back", sys_protect(RING_VA, 1, RW), 0);
	/* The protect was consumed (its completion never written); the
	 * entry after it is still queued and runs now. */
	done(RING_VA, tail - 1)->rc = 12345;
	r = sys2_ring_submit(2);
	report("red9_ring_protect_consumed_next_runs",
	       r.rc == 0 && r.val == 1 && done(RING_VA, tail - 1)->rc == 0 &&
		       done(RING_VA, tail - 1)->val == frames,
	       "rc %ld a1 %ld", r.rc, (long)r.val);
	EXPECT_EQ("red9_ring_works_after_protect",
		  ring1(SYS_kstat, KSTAT_MY_FRAMES, 0, 0), 0);
}

/* The ring's page deleted (one step: its frame freed) while the kernel
 * still names it; the frame taken back unzeroed and mapped elsewhere
 * with a forged ring: the kernel reads through ring_va, which is gone. */
static void ring_page_deleted(void)
{
	unsigned long one = kstat(KSTAT_MY_ONE_STEP_DELETES), s;
	struct rivet_ret r;
	unsigned long pa = sys2_cap_info(ring_slot, RIVET_CAPINFO_OBJECT).val;

	EXPECT_EQ("red9_ring_page_deleted", sys_cap_delete(ring_slot), 0);
	EXPECT_EQ("red9_ring_page_one_step", kstat(KSTAT_MY_ONE_STEP_DELETES),
		  one + 1);
	r = sys2_ring_submit(1);
	EXPECT_EQ("red9_ring_deleted_submit_refused", r.rc, E_RANGE);
	r = sys2_frame_alloc(RIVET_FRAME_REUSE, 1, 1);
	s = r.val;
	/* Mostly the ring's own frame; with another hart idle, its pool
	 * refill may have taken that one first (then an older free). */
	report("red9_ring_frame_taken_back", r.rc == 0, "rc %ld", r.rc, 0);
	printf("red9: ring frame %s\n",
	       sys2_cap_info(s, RIVET_CAPINFO_OBJECT).val == pa
		       ? "taken back"
		       : "refilled by the idle loop, another taken");
	sys_map(s, VA3, RW);
	/* A forged ring there: one map entry, queued. */
	ent(VA3, 0)->nr = SYS_map;
	ent(VA3, 0)->args[0] = s;
	ent(VA3, 0)->args[1] = VA1;
	ent(VA3, 0)->args[2] = RW;
	((struct rivet_ring_head *)VA3)->sq_tail =
		((struct rivet_ring_head *)VA3)->sq_head + 1;
	r = sys2_ring_submit(1);
	EXPECT_EQ("red9_ring_frame_elsewhere_not_read", r.rc, E_RANGE);
	report("red9_forged_entry_not_run", pf_load_faults(VA1), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("red9_ring_setup_none", sys_ring_setup(0, 0), 0);
	sys_cap_delete(s);
}

/* cap_delete's slot at and past the space's edge, and a step page's
 * slot deleted twice: the same errors on one hart (the direct one-step
 * entry) as on two (the C dispatch). */
static void delete_edges(void)
{
	unsigned long nslots = kstat(KSTAT_FREE_SLOTS) + kstat(KSTAT_MY_SLOTS);
	unsigned long s = sys2_frame_alloc_map(VA1, RW).val;

	EXPECT_EQ("red9_delete_at_nslots", sys_cap_delete(nslots), E_INVAL);
	EXPECT_EQ("red9_delete_slot_u32_max", sys_cap_delete(0xffffffffUL),
		  E_INVAL);
	EXPECT_EQ("red9_delete_slot_past_u32", sys_cap_delete(1UL << 32 | s),
		  E_INVAL);
	EXPECT_EQ("red9_delete_slot_minus_one", sys_cap_delete(-1UL), E_INVAL);
	report("red9_delete_edges_left_page", rivet_pte(VA1) != 0, "pte %lx",
	       (long)rivet_pte(VA1), 0);
	EXPECT_EQ("red9_delete_step_page", sys_cap_delete(s), 0);
	EXPECT_EQ("red9_delete_step_page_again", sys_cap_delete(s), E_NOENT);
	EXPECT_EQ("red9_alloc_map_rights_high_bit",
		  sys_frame_alloc_map(VA1, 1UL << 63 | RIVET_CAP_R), E_INVAL);
	/* A slot of another type through the one-step entry: its own
	 * domain capability. Deleted the general way; only the domain
	 * loses it, and everything else goes on. */
	EXPECT_EQ("red9_delete_own_domain_cap", sys_cap_delete(RIVET_SLOT_SELF),
		  0);
	EXPECT_EQ("red9_own_domain_cap_gone",
		  sys2_cap_info(RIVET_SLOT_SELF, RIVET_CAPINFO_TYPE).rc,
		  E_NOENT);
	EXPECT_EQ("red9_own_domain_cap_again", sys_cap_delete(RIVET_SLOT_SELF),
		  E_NOENT);
	s = sys2_frame_alloc_map(VA1, RW).val;
	*(volatile uint64_t *)VA1 = SECRET;
	report("red9_after_own_domain_cap_works",
	       *(volatile uint64_t *)VA1 == SECRET && !sys_cap_delete(s),
	       "slot %ld", (long)s, 0);
}

static void role_red9_step(void)
{
	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	ring_up();
	wx_across_paths();
	second_mapping_by_ring();
	ring_against_itself();
	ring_page_deleted();
	delete_edges();
}

const struct role red9_step_roles[] = {
	{ "t_red9_step", role_red9_step },
	{ 0 },
};
