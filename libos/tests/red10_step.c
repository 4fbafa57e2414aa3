// SPDX-License-Identifier: MIT
/*
 * A hostile libOS against the last-level table the one-step
 * frame_alloc_map keeps (d->step_leaf, kernel/cap/frame_alloc_map_step.c)
 * and the one-step cap_delete that writes through it (kernel/cap/
 * frame_delete.c), and against the slot fields both steps leave alone
 * (tests/qemu/test_red10_step.py; docs/isolation.md, "red10"):
 *
 *   - the same leaf index in another 2 MiB range and in another 1 GiB
 *     range, mapped and deleted while the kept table is range A's: the
 *     page in A stays, the alias goes;
 *   - vaddrs that agree with A's range in their low bits (past 2^38,
 *     past 2^53 where a 32-bit key would wrap, bit 63): refused, nothing
 *     written in A's table;
 *   - a 2 MiB original mapped as a megapage in a fresh range, and mapped
 *     over A's emptied table (small pages under the table), then deleted:
 *     the steps refuse and then work again in A;
 *   - a step page protected to no access, or mapped execute-only (no
 *     ceiling), deleted in one step;
 *   - a slot that held a badged domain copy or a badged frame copy,
 *     deleted, then refilled by the one-step frame_alloc_map and by the
 *     general one: a plain frame original, none of the old powers; the
 *     badged frame copy's mapping gone with it, the original's delete
 *     one step again.
 *
 * t_red10_sibling runs meanwhile: its own step pages keep their data.
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/syscall.h>

#include "tests.h"

#define PG	 4096UL
#define MEG2	 (2UL << 20)
#define GIG	 (1UL << 30)
#define VA_A	 0x68000000UL /* the range the step keeps */
#define VA_C	 0x68800000UL /* a fresh 2 MiB range: a megapage */
#define VA_D	 0x69000000UL /* a fresh range: the general alloc_map */
#define K	 7	      /* the leaf index the aliases share */
#define RW	 (RIVET_CAP_R | RIVET_CAP_W)
#define SECRET_A 0x5ec3e7a0a0a0a0a0UL
#define SECRET_B 0x5ec3e7b0b0b0b0b0UL
#define BADGE	 0xbad0bad0UL

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

static uint64_t peek(unsigned long va)
{
	return *(volatile uint64_t *)va;
}

static void poke(unsigned long va, uint64_t v)
{
	*(volatile uint64_t *)va = v;
}

static uint64_t view_entry(unsigned long va)
{
	return *(volatile uint64_t *)(RIVET_PTVIEW_VA + (va >> 12) * 8);
}

static long one_steps(void)
{
	return (long)kstat(KSTAT_MY_ONE_STEP_DELETES);
}

/*
 * frame_alloc_map at va once the zeroed-frame pool has been refilled (the
 * idle loop does it while this domain sleeps): the step takes a frame
 * from there only. *stepped: whether it took the step (and so had va's
 * table in hand, d->step_leaf, when it returned). On one hart under
 * -icount the first try does; on several without it another domain may
 * have emptied the pool again, and a page the general way made is given
 * back and asked for again, a few times.
 */
static unsigned long alloc_map_pooled(unsigned long va, unsigned long rights,
				      int *stepped)
{
	struct rivet_ret r = { 0 };
	uint64_t before;
	int tries;

	for (tries = 0; tries < 20; tries++) {
		if (tries && !r.rc)
			sys_cap_delete(r.val);
		rivet_sleep_us(2000);
		before = kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS);
		r = sys2_frame_alloc_map(va, rights);
		*stepped = kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS) == before + 1;
		if (*stepped || r.rc)
			break;
	}
	return r.val;
}

/* A page at va allocated and deleted: va's view page is the one in hand
 * (the step's condition), and va's table once the step took it. */
static void warm(unsigned long va)
{
	struct rivet_ret r = sys2_frame_alloc_map(va, RW);

	if (!r.rc)
		sys_cap_delete(r.val);
}

/* va unmapped: a load faults and its view entry is 0. */
static int gone(unsigned long va)
{
	return pf_load_faults(va) && !view_entry(va);
}

/* A page at va whose frame SYS_map mapped (not the step), written v. */
static unsigned long mapped_page(unsigned long va, uint64_t v)
{
	unsigned long s = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;

	if (sys_map(s, va, RW))
		return ~0UL;
	poke(va, v);
	return s;
}

/* Leaf index K of another range deleted while A's table is kept. */
static void alias(const char *mapped, const char *deleted, const char *gonen,
		  const char *kept, unsigned long va)
{
	unsigned long s = mapped_page(va, SECRET_B);

	report(mapped, s != ~0UL && peek(va) == SECRET_B, "slot %ld", (long)s,
	       0);
	/* A's page touched last, so that the view page in hand is A's. */
	peek(VA_A + K * PG);
	EXPECT_EQ(deleted, sys_cap_delete(s), 0);
	report(gonen, gone(va), "faults %ld", pf_count, 0);
	report(kept,
	       peek(VA_A + K * PG) == SECRET_A && view_entry(VA_A + K * PG),
	       "got %lx", (long)peek(VA_A + K * PG), 0);
}

static void aliases(uint64_t frames)
{
	int st;
	unsigned long p = alloc_map_pooled(VA_A + K * PG, RW, &st), s;
	long before;

	report("red10_alias_a_by_step", st, "slot %ld", (long)p, 0);
	poke(VA_A + K * PG, SECRET_A);
	alias("red10_alias_2m_mapped", "red10_alias_2m_deleted",
	      "red10_alias_2m_gone", "red10_alias_2m_step_page_kept",
	      VA_A + MEG2 + K * PG);
	alias("red10_alias_1g_mapped", "red10_alias_1g_deleted",
	      "red10_alias_1g_gone", "red10_alias_1g_step_page_kept",
	      VA_A + GIG + K * PG);
	/* The step walks to the alias range's table (the key moves) and
	 * back: each delete hits its own page. */
	warm(VA_A + MEG2 + (K + 1) * PG);
	s = alloc_map_pooled(VA_A + MEG2 + K * PG, RW, &st);
	report("red10_alias_range_by_step", st, "slot %ld", (long)s, 0);
	poke(VA_A + MEG2 + K * PG, SECRET_B);
	sys_cap_delete(s);
	report("red10_alias_step_deleted_kept_a",
	       gone(VA_A + MEG2 + K * PG) && peek(VA_A + K * PG) == SECRET_A,
	       "got %lx", (long)peek(VA_A + K * PG), 0);
	/* A's table in hand again (the step walks back to it). */
	warm(VA_A + (K + 2) * PG);
	s = alloc_map_pooled(VA_A + (K + 1) * PG, RW, &st);
	report("red10_alias_back_by_step", st, "slot %ld", (long)s, 0);
	before = one_steps();
	EXPECT_EQ("red10_alias_a_deleted", sys_cap_delete(p), 0);
	report("red10_alias_a_one_step", one_steps() == before + 1, "steps %ld",
	       one_steps() - before, 0);
	report("red10_alias_a_gone", gone(VA_A + K * PG), "faults %ld",
	       pf_count, 0);
	sys_cap_delete(s);
	EXPECT_EQ("red10_alias_frames_back", kstat(KSTAT_MY_FRAMES), frames);
}

/* vaddrs whose low bits are A's leaf K: refused, A's leaf untouched. */
static void high_bits(uint64_t frames)
{
	static const struct {
		const char *name;
		unsigned long va;
	} bad[] = {
		{ "red10_va_past_user_half", VA_A + K * PG + (1UL << 38) },
		{ "red10_va_key_wrap_2_53", VA_A + K * PG + (1UL << 53) },
		{ "red10_va_bit_63", VA_A + K * PG + (1UL << 63) },
		{ "red10_va_kernel_alias", VA_A + K * PG - (1UL << 39) },
		{ "red10_va_map_top", RIVET_MAP_TOP + K * PG },
	};
	uint64_t slots = kstat(KSTAT_MY_SLOTS);
	unsigned i;

	/* Warm: A's table in hand, A's view page the last written. */
	sys_cap_delete(sys2_frame_alloc_map(VA_A + (K + 1) * PG, RW).val);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(bad[i].name, sys_frame_alloc_map(bad[i].va, RW),
			  E_RANGE);
	report("red10_high_bits_left_nothing",
	       gone(VA_A + K * PG) && kstat(KSTAT_MY_FRAMES) == frames &&
		       kstat(KSTAT_MY_SLOTS) == slots,
	       "frames %ld slots %ld", (long)kstat(KSTAT_MY_FRAMES),
	       (long)kstat(KSTAT_MY_SLOTS));
}

/* A 2 MiB original as a megapage in a fresh range, then over A's
 * emptied table as 512 small pages. */
static void megapages(void)
{
	unsigned long big = sys2_frame_alloc(RIVET_FRAME_ANY, 512, 512).val, s;
	uint64_t frames;
	long before;
	int st;

	EXPECT_EQ("red10_mega_mapped", sys_map(big, VA_C, RW), 0);
	poke(VA_C + K * PG, SECRET_B);
	EXPECT_EQ("red10_mega_alloc_map_refused",
		  sys_frame_alloc_map(VA_C + PG, RW), E_EXIST);
	warm(VA_A + (K + 1) * PG);
	s = alloc_map_pooled(VA_A + K * PG, RW, &st);
	before = one_steps();
	report("red10_mega_step_beside",
	       !sys_cap_delete(s) && st && one_steps() == before + 1 &&
		       gone(VA_A + K * PG),
	       "steps %ld", one_steps() - before, 0);
	EXPECT_EQ("red10_mega_unmapped", sys_unmap(big, VA_C), 0);
	report("red10_mega_gone", gone(VA_C + K * PG), "faults %ld", pf_count,
	       0);
	/* Now with C's view page, and the 512 frames still held. */
	frames = kstat(KSTAT_MY_FRAMES) - 512;

	EXPECT_EQ("red10_mega_over_table_mapped", sys_map(big, VA_A, RW), 0);
	EXPECT_EQ("red10_mega_over_table_data", peek(VA_A + K * PG), SECRET_B);
	EXPECT_EQ("red10_mega_over_table_alloc_map_refused",
		  sys_frame_alloc_map(VA_A + K * PG, RW), E_EXIST);
	EXPECT_EQ("red10_mega_over_table_deleted", sys_cap_delete(big), 0);
	report("red10_mega_over_table_gone",
	       gone(VA_A + K * PG) && gone(VA_A) && gone(VA_A + 511 * PG),
	       "faults %ld", pf_count, 0);
	s = alloc_map_pooled(VA_A + K * PG, RW, &st);
	report("red10_mega_step_again_by_step", st, "slot %ld", (long)s, 0);
	report("red10_mega_step_again_zeroed", peek(VA_A + K * PG) == 0,
	       "got %lx", (long)peek(VA_A + K * PG), 0);
	before = one_steps();
	report("red10_mega_step_again_one_step",
	       !sys_cap_delete(s) && one_steps() == before + 1 &&
		       gone(VA_A + K * PG),
	       "steps %ld", one_steps() - before, 0);
	EXPECT_EQ("red10_mega_frames_back", kstat(KSTAT_MY_FRAMES), frames);
}

/* A step page with no access, and one execute-only, deleted. */
static void protected_pages(uint64_t frames)
{
	int st;
	unsigned long s = alloc_map_pooled(VA_A + K * PG, RW, &st);
	long before;

	report("red10_protected_by_step", st, "slot %ld", (long)s, 0);
	poke(VA_A + K * PG, SECRET_A);
	EXPECT_EQ("red10_protect_none", sys_protect(VA_A + K * PG, 1, 0), 0);
	before = one_steps();
	EXPECT_EQ("red10_protected_deleted", sys_cap_delete(s), 0);
	report("red10_protected_one_step", one_steps() == before + 1,
	       "steps %ld", one_steps() - before, 0);
	report("red10_protected_gone", gone(VA_A + K * PG), "faults %ld",
	       pf_count, 0);
	EXPECT_EQ("red10_protected_back_refused",
		  sys_protect(VA_A + K * PG, 1, RW), E_RANGE);
	s = alloc_map_pooled(VA_A + K * PG, RIVET_CAP_X, &st);
	report("red10_xonly_by_step", st, "slot %ld", (long)s, 0);
	EXPECT_EQ("red10_xonly_protect_refused",
		  sys_protect(VA_A + K * PG, 1, RIVET_CAP_R), E_RANGE);
	EXPECT_EQ("red10_xonly_deleted", sys_cap_delete(s), 0);
	EXPECT_EQ("red10_xonly_not_in_view", view_entry(VA_A + K * PG), 0);
	EXPECT_EQ("red10_protected_frames_back", kstat(KSTAT_MY_FRAMES),
		  frames);
}

/* s holds a plain one-page frame original: all rights, no badge. */
static int plain_frame(unsigned long s)
{
	return sys2_cap_info(s, RIVET_CAPINFO_TYPE).val ==
		       (RIVET_CAP_FRAME | 0xfUL << 8) &&
	       sys2_cap_info(s, RIVET_CAPINFO_SIZE).val == 1 &&
	       sys2_cap_info(s, RIVET_CAPINFO_BADGE).val == 0;
}

/* A badged copy's slot refilled by frame_alloc_map at va. */
static void refill(const char *same, const char *plain, const char *powers,
		   unsigned long copy, unsigned long va, int want_step)
{
	unsigned long s;
	int st;

	sys_cap_delete(copy);
	if (want_step) {
		s = alloc_map_pooled(va, RW, &st);
	} else { /* va's view page not in hand: the general way */
		uint64_t before = kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS);

		s = sys2_frame_alloc_map(va, RW).val;
		st = kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS) != before;
	}
	report(same, s == copy && st == want_step, "slot %ld, was %ld", (long)s,
	       (long)copy);
	report(plain, plain_frame(s), "type 0x%lx badge %lx",
	       (long)sys2_cap_info(s, RIVET_CAPINFO_TYPE).val,
	       (long)sys2_cap_info(s, RIVET_CAPINFO_BADGE).val);
	/* A domain capability's powers, a copy's parent: none. */
	report(powers,
	       sys_notify_cap(s, 1) < 0 && sys_yield_cap(s) < 0 &&
		       sys_kill(s) < 0 && sys2_cap_derive(s, s, RW, 0).rc < 0 &&
		       sys2_cap_info(RIVET_SLOT_SELF, RIVET_CAPINFO_TYPE).rc ==
			       0,
	       "notify %ld", sys_notify_cap(s, 1), 0);
	sys_cap_delete(s);
}

static void slot_reuse(uint64_t frames)
{
	unsigned long dc, fc, orig;
	uint64_t steps;

	/* A badged copy of the own domain capability, in the step's slot. */
	dc = sys2_cap_derive(RIVET_SLOT_SELF, -1UL, 0xf, BADGE).val;
	EXPECT_EQ("red10_domain_copy_badged",
		  sys2_cap_info(dc, RIVET_CAPINFO_BADGE).val, BADGE);
	sys_cap_delete(sys2_frame_alloc_map(VA_A + (K + 1) * PG, RW).val);
	refill("red10_domain_slot_step_same", "red10_domain_slot_step_plain",
	       "red10_domain_slot_step_no_powers", dc, VA_A + K * PG, 1);
	/* The same through the general frame_alloc_map: VA_D's view page
	 * is not the one in hand. */
	dc = sys2_cap_derive(RIVET_SLOT_SELF, -1UL, 0xf, BADGE).val;
	steps = kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS);
	refill("red10_domain_slot_general_same",
	       "red10_domain_slot_general_plain",
	       "red10_domain_slot_general_no_powers", dc, VA_D, 0);
	EXPECT_EQ("red10_domain_slot_general_way",
		  kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS), steps);

	/* A badged frame copy, mapped, in the step's slot. */
	orig = sys2_frame_alloc_map(VA_A + (K + 2) * PG, RW).val;
	poke(VA_A + (K + 2) * PG, SECRET_A);
	fc = sys2_cap_derive(orig, -1UL, RIVET_CAP_R, BADGE).val;
	EXPECT_EQ("red10_frame_copy_badged",
		  sys2_cap_info(fc, RIVET_CAPINFO_BADGE).val, BADGE);
	EXPECT_EQ("red10_frame_copy_mapped",
		  sys_map(fc, VA_A + (K + 3) * PG, RIVET_CAP_R), 0);
	sys_cap_delete(sys2_frame_alloc_map(VA_A + (K + 1) * PG, RW).val);
	refill("red10_frame_slot_step_same", "red10_frame_slot_step_plain",
	       "red10_frame_slot_step_no_powers", fc, VA_A + K * PG, 1);
	report("red10_frame_copy_mapping_gone",
	       gone(VA_A + (K + 3) * PG) &&
		       peek(VA_A + (K + 2) * PG) == SECRET_A,
	       "faults %ld", pf_count, 0);
	/* The original has no copy now: its delete is one step again. */
	{
		long before = one_steps();

		EXPECT_EQ("red10_frame_orig_deleted", sys_cap_delete(orig), 0);
		report("red10_frame_orig_one_step", one_steps() == before + 1,
		       "steps %ld", one_steps() - before, 0);
	}
	EXPECT_EQ("red10_slot_reuse_frames_back", kstat(KSTAT_MY_FRAMES),
		  frames);
}

/* The slot of the first capability of type, or ~0UL. */
static unsigned long slot_of_type(unsigned long type)
{
	unsigned long s;

	for (s = 0; s < 256; s++)
		if ((sys2_cap_info(s, RIVET_CAPINFO_TYPE).val & 0xff) == type &&
		    !sys2_cap_info(s, RIVET_CAPINFO_TYPE).rc)
			return s;
	return ~0UL;
}

/* One of the configuration's capabilities (a device, an interrupt, a
 * notification, a spawn grant: originals), deleted and its slot refilled
 * by the step: a plain frame; its old powers are refused. */
static unsigned long kind_refilled(const char *same, const char *plain,
				   unsigned long old)
{
	unsigned long s;
	int st;

	/* Then A's view page and table in hand (the deletion of a mapped
	 * device wrote another view page): the step takes the slot, which
	 * warm's page took and gave back first. */
	sys_cap_delete(old);
	warm(VA_A + (K + 1) * PG);
	s = alloc_map_pooled(VA_A + K * PG, RW, &st);
	report(same, s == old && st, "slot %ld, was %ld", (long)s, (long)old);
	report(plain, plain_frame(s), "type 0x%lx badge %lx",
	       (long)sys2_cap_info(s, RIVET_CAPINFO_TYPE).val,
	       (long)sys2_cap_info(s, RIVET_CAPINFO_BADGE).val);
	return s;
}

#define VA_DEV 0x6a400000UL /* the device's registers */
#define VA_NEW 0x6a600000UL /* the refilled slot's frame mapped again */

static void other_kinds(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long dev = in->devices[0].slot;
	unsigned long irq = in->devices[0].first_irq_slot;
	unsigned long nt = in->notify[0].slot,
		      sp = slot_of_type(RIVET_CAP_SPAWN);
	uint64_t devpa = sys2_cap_info(dev, RIVET_CAPINFO_OBJECT).val;
	unsigned long s;

	report("red10_kinds_configured",
	       in->ndevices == 1 && in->devices[0].nirqs >= 1 && nt &&
		       sp != ~0UL,
	       "notify slot %ld spawn slot %ld", (long)nt, (long)sp);
	EXPECT_EQ("red10_device_mapped", sys_map(dev, VA_DEV, RW), 0);
	EXPECT_EQ("red10_irq_bound", sys_irq_bind(irq, 5), 0);

	s = kind_refilled("red10_device_slot_same", "red10_device_slot_plain",
			  dev);
	report("red10_device_mapping_gone", gone(VA_DEV), "faults %ld",
	       pf_count, 0);
	/* Mapped again elsewhere: the new frame (zeroed), not the device. */
	report("red10_device_slot_is_new_frame",
	       sys2_cap_info(s, RIVET_CAPINFO_OBJECT).val != devpa &&
		       !sys_map(s, VA_NEW, RIVET_CAP_R) && peek(VA_NEW) == 0,
	       "pa %lx", (long)sys2_cap_info(s, RIVET_CAPINFO_OBJECT).val, 0);
	sys_cap_delete(s);

	s = kind_refilled("red10_irq_slot_same", "red10_irq_slot_plain", irq);
	report("red10_irq_slot_no_powers",
	       sys_irq_bind(s, 5) < 0 && sys_irq_ack(s) < 0, "bind %ld",
	       sys_irq_bind(s, 5), 0);
	sys_cap_delete(s);

	s = kind_refilled("red10_notify_slot_same", "red10_notify_slot_plain",
			  nt);
	report("red10_notify_slot_no_powers",
	       sys_notify_cap(s, 1UL << 5) < 0 && sys_yield_cap(s) < 0,
	       "notify %ld", sys_notify_cap(s, 1UL << 5), 0);
	sys_cap_delete(s);

	s = kind_refilled("red10_spawn_slot_same", "red10_spawn_slot_plain",
			  sp);
	sys_cap_delete(s);
}

/*
 * The one-step map (kernel/cap/map_step.c, map9) beside the kept table:
 * a step page mapped a second time by the map step, then deleted (two
 * records: the general way, both gone); W^X between a step page and a
 * copy the map step is asked to map the other way; a copy mapped by the
 * map step at the same leaf index in another range, deleted, the page
 * in A kept.
 */
static void map_steps(void)
{
	unsigned long s, c, frames = kstat(KSTAT_MY_FRAMES);
	uint64_t maps;
	long before;
	int st;

	warm(VA_A + (K + 2) * PG);
	s = alloc_map_pooled(VA_A + K * PG, RW, &st);
	poke(VA_A + K * PG, SECRET_A);
	maps = kstat(KSTAT_MY_ONE_STEP_MAPS);
	EXPECT_EQ("red10_mapstep_second_mapping",
		  sys_map(s, VA_A + (K + 1) * PG, RIVET_CAP_R), 0);
	report("red10_mapstep_second_by_step",
	       st && kstat(KSTAT_MY_ONE_STEP_MAPS) == maps + 1 &&
		       peek(VA_A + (K + 1) * PG) == SECRET_A,
	       "maps +%ld", (long)(kstat(KSTAT_MY_ONE_STEP_MAPS) - maps), 0);
	before = one_steps();
	EXPECT_EQ("red10_mapstep_two_deleted", sys_cap_delete(s), 0);
	report("red10_mapstep_two_general_way",
	       one_steps() == before && gone(VA_A + K * PG) &&
		       gone(VA_A + (K + 1) * PG),
	       "steps %ld", one_steps() - before, 0);

	/* W^X: the map step refuses, the general way says E_BUSY. */
	warm(VA_A + (K + 2) * PG);
	s = alloc_map_pooled(VA_A + K * PG, RW, &st);
	c = sys2_cap_derive(s, -1UL, RIVET_CAP_R | RIVET_CAP_X, 0).val;
	EXPECT_EQ("red10_mapstep_wx_rw_then_rx",
		  sys_map(c, VA_A + (K + 1) * PG, RIVET_CAP_R | RIVET_CAP_X),
		  E_BUSY);
	sys_cap_delete(s);
	warm(VA_A + (K + 2) * PG);
	s = alloc_map_pooled(VA_A + K * PG, RIVET_CAP_X, &st);
	c = sys2_cap_derive(s, -1UL, RW, 0).val;
	EXPECT_EQ("red10_mapstep_wx_x_then_rw",
		  sys_map(c, VA_A + (K + 1) * PG, RW), E_BUSY);
	EXPECT_EQ("red10_mapstep_wx_nothing_mapped",
		  view_entry(VA_A + (K + 1) * PG), 0);
	sys_cap_delete(s);

	/* A copy at A's leaf index K in the 2 MiB alias, by the map step
	 * there (its view page in hand), deleted: A's page kept. */
	s = alloc_map_pooled(VA_A + K * PG, RW, &st);
	poke(VA_A + K * PG, SECRET_A);
	c = sys2_cap_derive(s, -1UL, RIVET_CAP_R, 0).val;
	warm(VA_A + MEG2 + (K + 1) * PG);
	maps = kstat(KSTAT_MY_ONE_STEP_MAPS);
	EXPECT_EQ("red10_mapstep_alias_mapped",
		  sys_map(c, VA_A + MEG2 + K * PG, RIVET_CAP_R), 0);
	report("red10_mapstep_alias_by_step",
	       kstat(KSTAT_MY_ONE_STEP_MAPS) == maps + 1 &&
		       peek(VA_A + MEG2 + K * PG) == SECRET_A,
	       "maps +%ld", (long)(kstat(KSTAT_MY_ONE_STEP_MAPS) - maps), 0);
	EXPECT_EQ("red10_mapstep_alias_copy_deleted", sys_cap_delete(c), 0);
	report("red10_mapstep_alias_gone_a_kept",
	       gone(VA_A + MEG2 + K * PG) && peek(VA_A + K * PG) == SECRET_A,
	       "got %lx", (long)peek(VA_A + K * PG), 0);
	sys_cap_delete(s);
	EXPECT_EQ("red10_mapstep_frames_back", kstat(KSTAT_MY_FRAMES), frames);
}

static void role_red10_step(void)
{
	uint64_t frames;

	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	/* Tables and view pages made once (the general way), then the step
	 * keeps A's table. */
	sys_cap_delete(sys2_frame_alloc_map(VA_A + MEG2 + K * PG, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(VA_A + GIG + K * PG, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(VA_D + PG, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(VA_A, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(VA_A + PG, RW).val);
	frames = kstat(KSTAT_MY_FRAMES);
	/* A sleep between the attacks: the sibling runs in between. */
	aliases(frames);
	rivet_sleep_us(1000);
	high_bits(frames);
	rivet_sleep_us(1000);
	protected_pages(frames);
	rivet_sleep_us(1000);
	megapages();
	rivet_sleep_us(1000);
	slot_reuse(kstat(KSTAT_MY_FRAMES));
	other_kinds();
	map_steps();
}

/*
 * frame_alloc_map through the step and through the general way, the same
 * arguments each: the same result. The step is in hand when va's range
 * was the last mapped (a page beside va allocated and deleted just
 * before); the general way when another range was (VA_B's).
 */
#define VA_B 0x6c000000UL

static long alloc_map_via(int step, unsigned long va, unsigned long rights,
			  long *stepped)
{
	unsigned long range = va & ~(MEG2 - 1) & ((1UL << 38) - 1);
	unsigned long beside = ((va >> 12) & 511) == 500 ? 501 : 500;
	uint64_t before;
	struct rivet_ret r;

	/* The zeroed-frame pool refilled (the idle loop's): the step
	 * takes only a frame from there. */
	rivet_sleep_us(2000);
	r = sys2_frame_alloc_map(step && range < RIVET_MAP_TOP
					 ? range + beside * PG
					 : VA_B + beside * PG,
				 RW);
	if (!r.rc)
		sys_cap_delete(r.val);
	before = kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS);
	r = sys2_frame_alloc_map(va, rights);
	*stepped = (long)(kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS) - before);
	if (!r.rc)
		sys_cap_delete(r.val);
	return r.rc;
}

static void same_results(const char *name, unsigned long va,
			 unsigned long rights)
{
	long st, gt, s = alloc_map_via(1, va, rights, &st);
	long g = alloc_map_via(0, va, rights, &gt);

	/* A success through the step took it; the general way never. */
	report(name, s == g && gt == 0 && (s || st == 1),
	       "step %ld general %ld", s, g);
}

static void role_red10_diff(void)
{
	static const char *const by_rights[16] = {
		"red10_diff_rights_0",	"red10_diff_rights_1",
		"red10_diff_rights_2",	"red10_diff_rights_3",
		"red10_diff_rights_4",	"red10_diff_rights_5",
		"red10_diff_rights_6",	"red10_diff_rights_7",
		"red10_diff_rights_8",	"red10_diff_rights_9",
		"red10_diff_rights_10", "red10_diff_rights_11",
		"red10_diff_rights_12", "red10_diff_rights_13",
		"red10_diff_rights_14", "red10_diff_rights_15",
	};
	uint64_t frames, slots;
	unsigned long r, s;

	/* Tables and view pages for every range made first. */
	sys_cap_delete(sys2_frame_alloc_map(VA_B, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(VA_A, RW).val);
	sys_cap_delete(sys2_frame_alloc_map(RIVET_MAP_TOP - MEG2, RW).val);
	frames = kstat(KSTAT_MY_FRAMES);
	slots = kstat(KSTAT_MY_SLOTS);
	for (r = 0; r < 16; r++)
		same_results(by_rights[r], VA_A + K * PG, r);
	same_results("red10_diff_rights_bit_32", VA_A + K * PG,
		     1UL << 32 | RIVET_CAP_R);
	same_results("red10_diff_rights_minus_one", VA_A + K * PG, -1UL);
	same_results("red10_diff_unaligned", VA_A + K * PG + 8, RW);
	same_results("red10_diff_unaligned_2048", VA_A + K * PG + 2048, RW);
	same_results("red10_diff_last_page", RIVET_MAP_TOP - PG, RW);
	same_results("red10_diff_last_page_x", RIVET_MAP_TOP - PG, RIVET_CAP_X);
	same_results("red10_diff_map_top", RIVET_MAP_TOP, RW);
	same_results("red10_diff_high_alias", VA_A + K * PG + (1UL << 53), RW);
	/* Over a page that is there: E_EXIST both ways. */
	s = sys2_frame_alloc_map(VA_A + (K + 1) * PG, RW).val;
	same_results("red10_diff_taken", VA_A + (K + 1) * PG, RW);
	sys_cap_delete(s);
	report("red10_diff_left_nothing",
	       kstat(KSTAT_MY_FRAMES) == frames &&
		       kstat(KSTAT_MY_SLOTS) == slots,
	       "frames %ld slots %ld", (long)kstat(KSTAT_MY_FRAMES),
	       (long)kstat(KSTAT_MY_SLOTS));
}

/* Runs beside the attacker, with step pages of its own, to its end. */
static void role_red10_sibling(void)
{
	/* Its configuration's args name the attacker (t_red10_step if
	 * none). */
	const char *who =
		rivet_info()->args[0] ? rivet_info()->args : "t_red10_step";
	long id = rivet_domain_lookup(who);
	unsigned long s, va = 0x6a000000UL, bad = 0, tries;

	s = sys2_frame_alloc_map(va, RW).val;
	poke(va, SECRET_B);
	for (tries = 0; tries < 4000 && rivet_domain_alive(id); tries++) {
		unsigned long t = sys2_frame_alloc_map(va + PG, RW).val;

		poke(va + PG, tries);
		bad += peek(va) != SECRET_B || peek(va + PG) != tries;
		sys_cap_delete(t);
		rivet_sleep_us(500);
	}
	report("red10_sibling_saw_attacker_end",
	       !rivet_domain_alive(id) && tries > 1, "tries %ld", (long)tries,
	       0);
	EXPECT_EQ("red10_sibling_pages_intact", bad, 0);
	EXPECT_EQ("red10_sibling_deletes", sys_cap_delete(s), 0);
}

/*
 * With rivet.test=hart-stray-bit on several harts the space's mask also
 * names a hart it does not run on: the one-step delete (delete_page on
 * the C dispatch) must fence that hart too, once (the fence takes it
 * out of the mask), and then no other. A step page's first store first:
 * nothing of the runtime's fenced before.
 */
static void role_red10_stray(void)
{
	unsigned long s = sys2_frame_alloc_map(VA_A, RW).val, t;
	uint64_t calls = kstat(KSTAT_REMOTE_FENCES);
	uint64_t harts = kstat(KSTAT_REMOTE_FENCE_HARTS);
	long before = one_steps();

	rivet_exc_register(13, pf_skip, 0);
	poke(VA_A, SECRET_A);
	t = sys2_frame_alloc_map(VA_A + PG, RW).val;
	EXPECT_EQ("red10_stray_deleted", sys_cap_delete(s), 0);
	report("red10_stray_one_step", one_steps() == before + 1, "steps %ld",
	       one_steps() - before, 0);
	report("red10_stray_fenced_once",
	       kstat(KSTAT_REMOTE_FENCES) == calls + 1 &&
		       kstat(KSTAT_REMOTE_FENCE_HARTS) == harts + 1,
	       "calls +%ld harts +%ld",
	       (long)(kstat(KSTAT_REMOTE_FENCES) - calls),
	       (long)(kstat(KSTAT_REMOTE_FENCE_HARTS) - harts));
	report("red10_stray_gone", gone(VA_A), "faults %ld", pf_count, 0);
	calls = kstat(KSTAT_REMOTE_FENCES);
	EXPECT_EQ("red10_stray_second_deleted", sys_cap_delete(t), 0);
	EXPECT_EQ("red10_stray_second_no_fence", kstat(KSTAT_REMOTE_FENCES),
		  calls);
}

const struct role red10_step_roles[] = {
	{ "t_red10_step", role_red10_step },
	{ "t_red10_sibling", role_red10_sibling },
	{ "t_red10_stray", role_red10_stray },
	{ "t_red10_diff", role_red10_diff },
	{ 0 },
};
