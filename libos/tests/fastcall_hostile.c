// SPDX-License-Identifier: MIT
/*
 * A hostile libOS against protect, frame_alloc_map and the frame table
 * (tests/qemu/test_fastcall_hostile.py): W^X per frame still holds when a
 * mapping was lowered by protect (the frame is counted at the rights it
 * was mapped with, not at what protect left), protect cannot climb from
 * one mapping's ceiling to another's, and frame addresses outside RAM or
 * wrapping the address space are refused with nothing left behind.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define HVA 0x4e000000UL
#define R   RIVET_CAP_R
#define W   RIVET_CAP_W
#define X   RIVET_CAP_X

static uint64_t kstat(unsigned long what)
{
	return sys2_kstat(what).val;
}

/* A frame mapped RW at HVA, lowered to R then to nothing: an X mapping
 * of the same frame elsewhere is still refused, and so is raising the
 * lowered mapping to X. */
static void wx_after_lowering_w(void)
{
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);

	EXPECT_EQ("hostile_wx_alloc", f.rc, 0);
	EXPECT_EQ("hostile_wx_map_rw", sys_map(f.val, HVA, R | W), 0);
	EXPECT_EQ("hostile_wx_lower_r", sys_protect(HVA, 1, R), 0);
	EXPECT_EQ("hostile_wx_rx_after_lower_r",
		  sys_map(f.val, HVA + 0x1000, R | X), E_BUSY);
	EXPECT_EQ("hostile_wx_lower_none", sys_protect(HVA, 1, 0), 0);
	EXPECT_EQ("hostile_wx_x_after_lower_none",
		  sys_map(f.val, HVA + 0x1000, X), E_BUSY);
	EXPECT_EQ("hostile_wx_protect_x_refused", sys_protect(HVA, 1, R | X),
		  E_PERM);
	EXPECT_EQ("hostile_wx_unmap_rw", sys_unmap(f.val, HVA), 0);
	/* The W mapping gone, X is allowed; then W elsewhere is refused,
	 * also after the X mapping was lowered to R. */
	EXPECT_EQ("hostile_wx_map_rx", sys_map(f.val, HVA + 0x1000, R | X), 0);
	EXPECT_EQ("hostile_wx_lower_rx", sys_protect(HVA + 0x1000, 1, R), 0);
	EXPECT_EQ("hostile_wx_rw_after_lower_rx", sys_map(f.val, HVA, R | W),
		  E_BUSY);
	EXPECT_EQ("hostile_wx_protect_w_refused",
		  sys_protect(HVA + 0x1000, 1, R | W), E_PERM);
	EXPECT_EQ("hostile_wx_delete", sys_cap_delete(f.val), 0);
}

/* One protect over two mappings of one frame, R and RW: the R page's
 * ceiling holds even though the next page's allows W. */
static void protect_ceiling_per_page(void)
{
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);

	EXPECT_EQ("hostile_ceil_map_r", sys_map(f.val, HVA, R), 0);
	EXPECT_EQ("hostile_ceil_map_rw", sys_map(f.val, HVA + 0x1000, R | W),
		  0);
	EXPECT_EQ("hostile_ceil_two_pages_rw", sys_protect(HVA, 2, R | W),
		  E_PERM);
	EXPECT_EQ("hostile_ceil_two_pages_r", sys_protect(HVA, 2, R), 0);
	EXPECT_EQ("hostile_ceil_second_back_rw",
		  sys_protect(HVA + 0x1000, 1, R | W), 0);
	EXPECT_EQ("hostile_ceil_delete", sys_cap_delete(f.val), 0);
}

/* Frame addresses no bank holds: below RAM, a run wrapping past the top
 * of the address space, and far above any RAM. Nothing is taken. */
static void frame_addresses_outside_ram(void)
{
	uint64_t fr = kstat(KSTAT_MY_FRAMES), sl = kstat(KSTAT_MY_SLOTS);

	EXPECT_EQ("hostile_frame_zero", sys_frame_alloc(0, 1, 1), E_RANGE);
	EXPECT_EQ("hostile_frame_wrap",
		  sys_frame_alloc(0xfffffffffffff000UL, 2, 1), E_RANGE);
	EXPECT_EQ("hostile_frame_top", sys_frame_alloc(1UL << 56, 1, 1),
		  E_RANGE);
	report("hostile_frame_refusals_leave_nothing",
	       kstat(KSTAT_MY_FRAMES) == fr && kstat(KSTAT_MY_SLOTS) == sl,
	       "frames %ld slots %ld", (long)(kstat(KSTAT_MY_FRAMES) - fr),
	       (long)(kstat(KSTAT_MY_SLOTS) - sl));
}

/* frame_alloc_map at the last mappable page and at the limit. */
static void alloc_map_at_the_top(void)
{
	uint64_t fr = kstat(KSTAT_MY_FRAMES), sl = kstat(KSTAT_MY_SLOTS);

	EXPECT_EQ("hostile_alloc_map_top",
		  sys_frame_alloc_map(RIVET_MAP_TOP, R), E_RANGE);
	EXPECT_EQ("hostile_alloc_map_wrap", sys_frame_alloc_map(~0xfffUL, R),
		  E_RANGE);
	report("hostile_alloc_map_top_leaves_nothing",
	       kstat(KSTAT_MY_FRAMES) == fr && kstat(KSTAT_MY_SLOTS) == sl,
	       "frames %ld slots %ld", (long)(kstat(KSTAT_MY_FRAMES) - fr),
	       (long)(kstat(KSTAT_MY_SLOTS) - sl));
}

#define FILL_VA	 0x4f000000UL
#define FAR_VA	 0x2000000000UL /* gigabytes no table covers yet */
#define FAR_VA_2 0x2040000000UL
/* The 1 MiB quota holds fewer; the slots are kept on the stack, not in
 * .bss (docs/testing.md, "Test buffers"). */
#define FILL_MAX 256

/*
 * frame_alloc_map at the quota's edge, at an address that needs new
 * page-table and view pages. What a mapping there costs (the frame and
 * its tables) is measured first in another fresh gigabyte. Then the quota
 * is filled and given back one frame at a time, the call retried at the
 * same place until it succeeds: each refusal is E_NOMEM and takes no
 * slot, and the tables a refusal leaves are those the final mapping
 * uses, so the frames it all cost equal the measured price: the frame of
 * a refused call is never kept.
 */
static void alloc_map_quota_edges(void)
{
	uint32_t fill_slot[FILL_MAX];
	struct rivet_ret r;
	uint64_t n, k, fr, sl, price, refusals = 0, bad = 0;

	fr = kstat(KSTAT_MY_FRAMES);
	r = sys2_frame_alloc_map(FAR_VA_2, R);
	price = kstat(KSTAT_MY_FRAMES) - fr;
	EXPECT_EQ("hostile_quota_price", r.rc, 0);
	sys_cap_delete(r.val);
	for (n = 0; n < FILL_MAX; n++) {
		r = sys2_frame_alloc_map(FILL_VA + n * 0x1000, R);
		if (r.rc)
			break;
		fill_slot[n] = (uint32_t)r.val;
	}
	EXPECT_EQ("hostile_quota_filled", r.rc, E_NOMEM);
	fr = kstat(KSTAT_MY_FRAMES);
	sl = kstat(KSTAT_MY_SLOTS);
	for (k = 1; k <= n; k++) {
		sys_cap_delete(fill_slot[n - k]);
		r = sys2_frame_alloc_map(FAR_VA, R);
		if (!r.rc)
			break;
		refusals++;
		bad += r.rc != E_NOMEM || kstat(KSTAT_MY_SLOTS) != sl - k;
	}
	EXPECT_EQ("hostile_quota_edge_refused", refusals >= 2, 1);
	EXPECT_EQ("hostile_quota_edge_refusals_clean", bad, 0);
	EXPECT_EQ("hostile_quota_edge_mapped", r.rc, 0);
	EXPECT_EQ("hostile_quota_edge_no_frame_kept",
		  kstat(KSTAT_MY_FRAMES) - (fr - k), price);
	EXPECT_EQ("hostile_quota_edge_one_slot", kstat(KSTAT_MY_SLOTS),
		  sl - k + 1);
	sys_cap_delete(r.val);
	for (k++; k <= n; k++)
		sys_cap_delete(fill_slot[n - k]);
}

static void role_fastcall_hostile(void)
{
	wx_after_lowering_w();
	protect_ceiling_per_page();
	frame_addresses_outside_ram();
	alloc_map_at_the_top();
	alloc_map_quota_edges();
}

const struct role fastcall_hostile_roles[] = {
	{ "t_fastcall_hostile", role_fastcall_hostile },
	{ 0 },
};
