// SPDX-License-Identifier: MIT
/*
 * SYS_frame_alloc_map (tests/qemu/test_protect.py): a zeroed frame mapped
 * in one call; a refused call leaves no frame, slot or mapping behind.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define AVA 0x4c000000UL

static uint64_t frames(void)
{
	return sys2_kstat(KSTAT_MY_FRAMES).val;
}

static uint64_t slots(void)
{
	return sys2_kstat(KSTAT_MY_SLOTS).val;
}

static void role_alloc_map(void)
{
	uint64_t f = frames(), s = slots();
	struct rivet_ret r =
		sys2_frame_alloc_map(AVA, RIVET_CAP_R | RIVET_CAP_W);
	volatile uint64_t *p = (volatile uint64_t *)AVA;
	uint64_t i, sum = 0, first;

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
	for (i = 1; i < 4096; i++) {
		r = sys2_frame_alloc_map(AVA + i * 0x1000, RIVET_CAP_R);
		if (r.rc)
			break;
	}
	EXPECT_EQ("alloc_map_quota", r.rc, E_NOMEM);
	EXPECT_EQ("alloc_map_unmap_by_slot", sys_unmap(first, AVA), 0);
}

const struct role allocmap_roles[] = {
	{ "t_alloc_map", role_alloc_map },
	{ 0 },
};
