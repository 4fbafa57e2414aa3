// SPDX-License-Identifier: MIT
/*
 * SYS_frame_alloc_map (tests/qemu/test_protect.py): a zeroed frame mapped
 * in one call; a refused call leaves no frame, slot or mapping behind.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"
#include "testmem.h"

#define AVA  0x4c000000UL
#define AVA2 0x4e000000UL /* another 2 MiB: a table and a view page */

static uint64_t frames(void)
{
	return sys2_kstat(KSTAT_MY_FRAMES).val;
}

static uint64_t slots(void)
{
	return sys2_kstat(KSTAT_MY_SLOTS).val;
}

/*
 * The quota spent by the tables the call makes for vaddr: with two frames
 * left and a fresh 2 MiB (a last-level table and a view page to make), the
 * tables take both and the frame no longer fits: E_NOMEM, no slot taken.
 * With one frame more the same call succeeds on the tables left there.
 */
static void alloc_map_table_quota(unsigned long *held, uint64_t n)
{
	uint64_t s, i, sum = 0;
	struct rivet_ret r;
	volatile uint64_t *p = (volatile uint64_t *)AVA2;

	if (n < 3) {
		report("alloc_map_tables_spend_quota", 0, "only %ld held",
		       (long)n, 0);
		return;
	}
	sys_cap_delete(held[n - 1]);
	sys_cap_delete(held[n - 2]);
	s = slots();
	r = sys2_frame_alloc_map(AVA2, RIVET_CAP_R | RIVET_CAP_W);
	report("alloc_map_tables_spend_quota", r.rc == E_NOMEM && slots() == s,
	       "rc %ld slots +%ld", r.rc, (long)(slots() - s));
	sys_cap_delete(held[n - 3]);
	r = sys2_frame_alloc_map(AVA2, RIVET_CAP_R | RIVET_CAP_W);
	for (i = 0; !r.rc && i < 512; i++)
		sum |= p[i];
	report("alloc_map_tables_then_frame", r.rc == 0 && sum == 0,
	       "rc %ld sum %ld", r.rc, (long)sum);
	if (!r.rc)
		sys_cap_delete(r.val);
}

/* Room for a slot per frame the quota has left, and one more: the loop
 * to E_NOMEM below cannot outrun it. */
static unsigned long *held_make(unsigned long *n)
{
	*n = sys2_kstat(KSTAT_MY_QUOTA).val - frames() + 1;
	return testmem_alloc("alloc_map_held", *n * sizeof(unsigned long));
}

static void role_alloc_map(void)
{
	unsigned long nheld, *held = held_make(&nheld);
	uint64_t f = frames(), s = slots();
	struct rivet_ret r =
		sys2_frame_alloc_map(AVA, RIVET_CAP_R | RIVET_CAP_W);
	volatile uint64_t *p = (volatile uint64_t *)AVA;
	uint64_t i, sum = 0, first;

	if (!held)
		return;
	EXPECT_EQ("alloc_map_ok", r.rc, 0);
	first = r.val;
	EXPECT_EQ("alloc_map_frame_cap",
		  sys2_cap_info(r.val, RIVET_CAPINFO_TYPE).val,
		  RIVET_CAP_FRAME | 0xf << 8);
	for (i = 0; i < 512; i++)
		sum |= p[i];
	EXPECT_EQ("alloc_map_page_zeroed", sum, 0);
	p[3] = 77;
	EXPECT_EQ("alloc_map_page_writable", p[3], 77);
	report("alloc_map_counts_one_frame",
	       frames() >= f + 1 && slots() == s + 1, "frames +%ld slots +%ld",
	       (long)(frames() - f), (long)(slots() - s));
	/* Refusals leave nothing behind. */
	f = frames();
	s = slots();
	EXPECT_EQ("alloc_map_already_mapped",
		  sys_frame_alloc_map(AVA, RIVET_CAP_R), E_EXIST);
	EXPECT_EQ("alloc_map_write_execute",
		  sys_frame_alloc_map(AVA + 0x1000,
				      RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X),
		  E_INVAL);
	EXPECT_EQ("alloc_map_bad_rights",
		  sys_frame_alloc_map(AVA + 0x1000, 0x100), E_INVAL);
	EXPECT_EQ("alloc_map_unaligned",
		  sys_frame_alloc_map(AVA + 0x1008, RIVET_CAP_R), E_RANGE);
	EXPECT_EQ("alloc_map_kernel_half",
		  sys_frame_alloc_map(0xffffffc000000000UL, RIVET_CAP_R),
		  E_RANGE);
	report("alloc_map_refusals_leave_nothing",
	       frames() == f && slots() == s, "frames %ld slots %ld",
	       (long)(frames() - f), (long)(slots() - s));
	/* Past the quota: E_NOMEM, and still nothing left over. */
	for (i = 1; i < nheld; i++) {
		r = sys2_frame_alloc_map(AVA + i * 0x1000, RIVET_CAP_R);
		if (r.rc)
			break;
		held[i - 1] = r.val;
	}
	EXPECT_EQ("alloc_map_quota", r.rc, E_NOMEM);
	alloc_map_table_quota(held, i - 1);
	EXPECT_EQ("alloc_map_unmap_by_slot", sys_unmap(first, AVA), 0);
}

const struct role allocmap_roles[] = {
	{ "t_alloc_map", role_alloc_map },
	{ 0 },
};
