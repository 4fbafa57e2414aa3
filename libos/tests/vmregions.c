// SPDX-License-Identifier: MIT
/*
 * The VM manager's regions (libos/lib/vm.c keeps them sorted by start and
 * searches them; tests/qemu/test_vm_regions.py): vm_mmap's first fit with
 * its guard pages among holes, a vm_munmap across several regions (cut at
 * both ends, whole ones in the middle), regions added out of address
 * order found at their edges and not between, and faults served in each.
 * vm_page_slot says whether an address is in a region: E_NOENT inside
 * (nothing faulted in yet), E_RANGE outside.
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/vm.h>

#include "tests.h"

#define PG	 4096UL
#define RW	 (RIVET_CAP_R | RIVET_CAP_W)
#define LOW_VA	 0x20000000UL /* below the heap and vm_mmap's area */
#define LOW_STEP 0x10000UL
#define NLOW	 10

static unsigned long regions_now(void)
{
	struct vm_stats s;

	vm_stats(&s);
	return s.regions;
}

static int inside(uintptr_t va)
{
	return vm_page_slot(va) == E_NOENT;
}

static int outside(uintptr_t va)
{
	return vm_page_slot(va) == E_RANGE;
}

/* a, b, c of 4 pages each, one guard page apart; b's hole refilled. */
static void mmap_first_fit(void)
{
	uintptr_t a = (uintptr_t)vm_mmap(4 * PG, RW);
	uintptr_t b = (uintptr_t)vm_mmap(4 * PG, RW);
	uintptr_t c = (uintptr_t)vm_mmap(4 * PG, RW), d, e;
	unsigned long n = regions_now();

	report("vmr_mmap_guard_apart", a && b == a + 5 * PG && c == b + 5 * PG,
	       "b-a %ld c-b %ld", (long)(b - a), (long)(c - b));
	EXPECT_EQ("vmr_munmap_middle", vm_munmap((void *)b, 4 * PG), 0);
	/* A page fits in the hole, guarded from a; three more pages do not
	 * (no guard before c): they go past c. */
	d = (uintptr_t)vm_mmap(PG, RW);
	e = (uintptr_t)vm_mmap(3 * PG, RW);
	report("vmr_mmap_fills_hole", d == a + 5 * PG, "d-a %ld, want %ld",
	       (long)(d - a), (long)(5 * PG));
	report("vmr_mmap_skips_small_hole", e == c + 5 * PG,
	       "e-c %ld, want %ld", (long)(e - c), (long)(5 * PG));
	EXPECT_EQ("vmr_count_after_mmaps", regions_now(), n + 1);
	/* From a's third page to c's third: a cut, d gone, c cut. */
	EXPECT_EQ("vmr_munmap_across",
		  vm_munmap((void *)(a + 2 * PG), (c + 2 * PG) - (a + 2 * PG)),
		  0);
	report("vmr_across_keeps_a_head", inside(a) && inside(a + PG),
	       "%ld %ld", vm_page_slot(a), vm_page_slot(a + PG));
	report("vmr_across_cuts_a_tail",
	       outside(a + 2 * PG) && outside(a + 3 * PG), "%ld %ld",
	       vm_page_slot(a + 2 * PG), vm_page_slot(a + 3 * PG));
	report("vmr_across_removes_d", outside(d), "%ld %ld", vm_page_slot(d),
	       0);
	report("vmr_across_cuts_c_head", outside(c) && outside(c + PG),
	       "%ld %ld", vm_page_slot(c), vm_page_slot(c + PG));
	report("vmr_across_keeps_c_tail",
	       inside(c + 2 * PG) && inside(c + 3 * PG), "%ld %ld",
	       vm_page_slot(c + 2 * PG), vm_page_slot(c + 3 * PG));
	report("vmr_across_keeps_e", inside(e) && inside(e + 2 * PG), "%ld %ld",
	       vm_page_slot(e), vm_page_slot(e + 2 * PG));
	EXPECT_EQ("vmr_count_after_across", regions_now(), n);
	/* Faults served in what is left of a and c, and in e. */
	*(volatile uint64_t *)(a + PG) = 11;
	*(volatile uint64_t *)(c + 3 * PG) = 22;
	*(volatile uint64_t *)e = 33;
	report("vmr_faults_served",
	       *(volatile uint64_t *)(a + PG) == 11 &&
		       *(volatile uint64_t *)(c + 3 * PG) == 22 &&
		       *(volatile uint64_t *)e == 33,
	       "%ld %ld", vm_page_slot(a + PG), vm_page_slot(e));
	vm_munmap((void *)a, (e + 3 * PG) - a);
	EXPECT_EQ("vmr_count_after_all", regions_now(), n - 3);
}

/* Regions added from the highest address down: each found at its first
 * and last page, none between them. */
static void out_of_order(void)
{
	unsigned long n = regions_now();
	int k, ok = 1, bad = -1;

	for (k = NLOW - 1; k >= 0; k--)
		if (vm_region_add(LOW_VA + k * LOW_STEP, 2 * PG, RW,
				  VM_DEMAND_REFAULT))
			ok = 0;
	report("vmr_added_out_of_order", ok && regions_now() == n + NLOW,
	       "ok %ld regions +%ld", ok, (long)(regions_now() - n));
	for (k = 0; k < NLOW && bad < 0; k++) {
		uintptr_t va = LOW_VA + k * LOW_STEP;

		if (!inside(va) || !inside(va + PG) || !outside(va + 2 * PG) ||
		    (k && !outside(va - PG)))
			bad = k;
	}
	report("vmr_found_at_edges_only", bad < 0, "region %ld", bad, 0);
	EXPECT_EQ("vmr_overlap_refused",
		  vm_region_add(LOW_VA + 3 * LOW_STEP + PG, 2 * PG, RW,
				VM_DEMAND_REFAULT),
		  E_EXIST);
	EXPECT_EQ("vmr_gap_accepted",
		  vm_region_add(LOW_VA + 3 * LOW_STEP + 2 * PG, PG, RW,
				VM_DEMAND_REFAULT),
		  0);
	for (k = 0; k < NLOW; k++)
		*(volatile uint64_t *)(LOW_VA + k * LOW_STEP + PG) = k + 1;
	for (k = 0, ok = 1; k < NLOW; k++)
		if (*(volatile uint64_t *)(LOW_VA + k * LOW_STEP + PG) !=
		    (uint64_t)k + 1)
			ok = 0;
	report("vmr_faults_in_each", ok, "%ld %ld", ok, 0);
	EXPECT_EQ("vmr_munmap_all_low",
		  vm_munmap((void *)LOW_VA, NLOW * LOW_STEP), 0);
	EXPECT_EQ("vmr_count_back", regions_now(), n);
	report("vmr_low_gone", outside(LOW_VA + PG), "%ld %ld",
	       vm_page_slot(LOW_VA + PG), 0);
}

static void role_vm_regions(void)
{
	mmap_first_fit();
	out_of_order();
}

const struct role vmregions_roles[] = {
	{ "t_vm_regions", role_vm_regions },
	{ 0 },
};
