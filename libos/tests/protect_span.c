// SPDX-License-Identifier: MIT
/*
 * protect of a range across a 2 MiB boundary (tests/qemu/test_protect.py):
 * the range path checks and changes the leaves table by table, so pages
 * on both sides of the boundary must change, and a range refused by a
 * page past the boundary must change none before it.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define SPAN_VA 0x4a1fe000UL /* four pages: two below 0x4a200000, two above */
#define PAGES	4
#define R	RIVET_CAP_R
#define RW	(RIVET_CAP_R | RIVET_CAP_W)

static volatile long faults;

/* Counts a store fault and skips the store. */
static int count_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	faults++;
	u->epc += insn_len(u->epc);
	return 0;
}

static unsigned long page(int i)
{
	return SPAN_VA + (unsigned long)i * 0x1000;
}

/* How many of the four pages refuse a store. */
static long stores_refused(void)
{
	long before = faults;
	int i;

	for (i = 0; i < PAGES; i++)
		*(volatile uint32_t *)page(i) = (uint32_t)i;
	return faults - before;
}

static void role_protect_span(void)
{
	unsigned long slots[PAGES], ro;
	int i;

	rivet_exc_register(15, count_fault, 0);
	for (i = 0; i < PAGES; i++) {
		slots[i] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
		sys_map(slots[i], page(i), RW);
	}
	EXPECT_EQ("span_writable", stores_refused(), 0);
	EXPECT_EQ("span_protect_read_only", sys_protect(SPAN_VA, PAGES, R), 0);
	EXPECT_EQ("span_every_page_read_only", stores_refused(), PAGES);
	EXPECT_EQ("span_restore", sys_protect(SPAN_VA, PAGES, RW), 0);
	EXPECT_EQ("span_every_page_writable", stores_refused(), 0);

	/* A hole past the boundary: refused, nothing changed before it. */
	sys_unmap(slots[3], page(3));
	EXPECT_EQ("span_hole_refused", sys_protect(SPAN_VA, PAGES, R), E_RANGE);
	/* Only the hole's store faults: the pages before it stayed RW. */
	EXPECT_EQ("span_hole_changed_nothing", stores_refused(), 1);

	/* A read-only copy past the boundary: RW above its ceiling. */
	ro = sys2_cap_derive(slots[3], -1UL, R, 0).val;
	sys_map(ro, page(3), R);
	EXPECT_EQ("span_above_ceiling_refused", sys_protect(SPAN_VA, PAGES, RW),
		  E_PERM);
	EXPECT_EQ("span_above_ceiling_read_only_ok",
		  sys_protect(SPAN_VA, PAGES, R), 0);
	EXPECT_EQ("span_read_only_everywhere", stores_refused(), PAGES);
	/* A hole before a page above its ceiling: the first page decides. */
	sys_unmap(slots[1], page(1));
	EXPECT_EQ("span_first_bad_page_decides",
		  sys_protect(SPAN_VA, PAGES, RW), E_RANGE);
}

const struct role protect_span_roles[] = {
	{ "t_protect_span", role_protect_span },
	{ 0 },
};
