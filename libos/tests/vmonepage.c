// SPDX-License-Identifier: MIT
/*
 * The VM manager's one-page regions (libos/lib/vm.c keeps the page of a
 * region made with one page in the region's own record, not in the hash
 * table; tests/qemu/test_vm_onepage.py): the page faulted in, populated,
 * discarded, adopted and unmapped through that record, a region cut down
 * to one page keeping its page in the table, a vm_munmap across both
 * kinds, vm_munmap's search-free case (the last region) beside the
 * general one, and a write barrier over a one-page mapping beside a
 * demand fault outside it. Revocation of a one-page region's page, both
 * policies, is vmdemo's (tests/qemu/test_vm.py: revoked_*).
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/vm.h>

#include "tests.h"

#define PG	 4096UL
#define RW	 (RIVET_CAP_R | RIVET_CAP_W)
#define ONE_VA	 0x21000000UL /* below the heap and vm_mmap's area */
#define PAGER_VA 0x21010000UL
#define PATTERN	 0x5a5a1234u

static unsigned long my_frames(void)
{
	return sys2_kstat(KSTAT_MY_FRAMES).val;
}

static struct vm_stats stats(void)
{
	struct vm_stats s;

	vm_stats(&s);
	return s;
}

/* Fault, slot, unmap: every count back where it was. */
static void fault_and_unmap(void)
{
	unsigned long f0 = my_frames();
	struct vm_stats s0 = stats(), s1;
	volatile uint32_t *p = vm_mmap(PG, RW);
	long slot;

	report("vmo_mmap_maps_nothing",
	       p && vm_page_slot((uintptr_t)p) == E_NOENT, "%ld %ld",
	       vm_page_slot((uintptr_t)p), 0);
	*p = PATTERN;
	s1 = stats();
	slot = vm_page_slot((uintptr_t)p);
	report("vmo_fault_backs_the_page",
	       *p == PATTERN && slot >= 0 && s1.faults == s0.faults + 1 &&
		       s1.pages == s0.pages + 1 && s1.frames == s0.frames + 1 &&
		       my_frames() == f0 + 1,
	       "slot %ld, faults +%ld", slot, (long)(s1.faults - s0.faults));
	EXPECT_EQ("vmo_munmap", vm_munmap((void *)p, PG), 0);
	s1 = stats();
	report("vmo_munmap_gives_back",
	       my_frames() == f0 && s1.pages == s0.pages &&
		       s1.frames == s0.frames && s1.regions == s0.regions,
	       "frames %ld, want %ld", (long)my_frames(), (long)f0);
	report("vmo_munmap_deletes_the_slot",
	       sys2_cap_info((unsigned long)slot, RIVET_CAPINFO_TYPE).rc != 0 &&
		       vm_page_slot((uintptr_t)p) == E_RANGE,
	       "%ld %ld", vm_page_slot((uintptr_t)p), 0);
}

/* vm_populate and vm_discard on a one-page region. */
static void populate_and_discard(void)
{
	volatile uint32_t *p = vm_mmap(PG, RW);
	unsigned long f0 = my_frames();
	struct vm_stats s0;

	EXPECT_EQ("vmo_populate", vm_populate((void *)p, PG), 0);
	s0 = stats();
	*p = PATTERN; /* no fault: populated */
	report("vmo_populated_page_needs_no_fault",
	       stats().faults == s0.faults && vm_page_slot((uintptr_t)p) >= 0 &&
		       my_frames() == f0 + 1,
	       "faults +%ld", (long)(stats().faults - s0.faults), 0);
	EXPECT_EQ("vmo_discard", vm_discard((void *)p, PG), 0);
	report("vmo_discard_gives_back",
	       my_frames() == f0 && vm_page_slot((uintptr_t)p) == E_NOENT,
	       "%ld %ld", vm_page_slot((uintptr_t)p), (long)my_frames());
	report("vmo_discarded_page_refaults_zeroed",
	       *p == 0 && stats().faults == s0.faults + 1, "%ld %ld", (long)*p,
	       (long)(stats().faults - s0.faults));
	vm_munmap((void *)p, PG);
	EXPECT_EQ("vmo_discard_then_munmap_frames", my_frames(), f0);
}

static volatile long pager_calls; /* the fault handler counts */

static long count_pager(uintptr_t page, void *arg)
{
	(void)page;
	(void)arg;
	pager_calls++;
	return (long)sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
}

/* A load faults a one-page region in too; a one-page region with a pager
 * is served by its pager. */
static void load_and_pager(void)
{
	volatile uint32_t *p = vm_mmap(PG, RW);
	unsigned long f0 = my_frames();

	report("vmo_load_fault_reads_zero",
	       *p == 0 && vm_page_slot((uintptr_t)p) >= 0 &&
		       my_frames() == f0 + 1,
	       "%ld %ld", vm_page_slot((uintptr_t)p), (long)my_frames());
	vm_munmap((void *)p, PG);
	EXPECT_EQ("vmo_pager_region_add",
		  vm_region_add(PAGER_VA, PG, RW, VM_DEMAND_REFAULT), 0);
	EXPECT_EQ("vmo_pager_set",
		  vm_region_set_pager(PAGER_VA, count_pager, 0), 0);
	*(volatile uint32_t *)PAGER_VA = PATTERN;
	report("vmo_pager_serves_one_page",
	       pager_calls == 1 && *(volatile uint32_t *)PAGER_VA == PATTERN &&
		       vm_page_slot(PAGER_VA) >= 0,
	       "calls %ld, slot %ld", pager_calls, vm_page_slot(PAGER_VA));
	vm_munmap((void *)PAGER_VA, PG);
}

/* A frame allocated here, adopted into a one-page region added by hand. */
static void adopt(void)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	struct vm_stats s0 = stats(), s1;
	unsigned long f0;

	EXPECT_EQ("vmo_region_add",
		  vm_region_add(ONE_VA, PG, RW, VM_DEMAND_STRICT), 0);
	EXPECT_EQ("vmo_adopt", vm_adopt(ONE_VA, r.val), 0);
	s1 = stats();
	report("vmo_adopted_page_no_frame_of_ours",
	       s1.pages == s0.pages + 1 && s1.frames == s0.frames, "%ld %ld",
	       (long)(s1.pages - s0.pages), (long)(s1.frames - s0.frames));
	EXPECT_EQ("vmo_adopted_slot", vm_page_slot(ONE_VA), (long)r.val);
	EXPECT_EQ("vmo_adopt_twice_refused", vm_adopt(ONE_VA, r.val), E_EXIST);
	*(volatile uint32_t *)ONE_VA = PATTERN;
	f0 = my_frames();
	EXPECT_EQ("vmo_adopted_munmap", vm_munmap((void *)ONE_VA, PG), 0);
	report("vmo_adopted_slot_deleted",
	       sys2_cap_info(r.val, RIVET_CAPINFO_TYPE).rc != 0 &&
		       my_frames() == f0 - 1,
	       "frames %ld, want %ld", (long)my_frames(), (long)(f0 - 1));
	s1 = stats();
	report("vmo_adopted_munmap_counts",
	       s1.pages == s0.pages && s1.frames == s0.frames, "%ld %ld",
	       (long)(s1.pages - s0.pages), (long)(s1.frames - s0.frames));
}

/* A two-page region cut down to one page keeps its page in the table. */
static void cut_to_one(void)
{
	unsigned long f0 = my_frames();
	volatile uint32_t *p = vm_mmap(2 * PG, RW);
	volatile uint32_t *q = (volatile uint32_t *)((uintptr_t)p + PG);
	long slot;

	*p = 1;
	*q = PATTERN;
	slot = vm_page_slot((uintptr_t)q);
	EXPECT_EQ("vmo_cut_first_page", vm_munmap((void *)p, PG), 0);
	report("vmo_cut_keeps_second_page",
	       vm_page_slot((uintptr_t)p) == E_RANGE &&
		       vm_page_slot((uintptr_t)q) == slot && *q == PATTERN &&
		       my_frames() == f0 + 1,
	       "slot %ld, was %ld", vm_page_slot((uintptr_t)q), slot);
	EXPECT_EQ("vmo_cut_munmap_rest", vm_munmap((void *)q, PG), 0);
	report("vmo_cut_all_back",
	       my_frames() == f0 && vm_page_slot((uintptr_t)q) == E_RANGE,
	       "frames %ld, want %ld", (long)my_frames(), (long)f0);
}

/*
 * One vm_munmap over a one-page region a, a three-page one b and
 * another one-page c, all touched; then an exact vm_munmap of a region
 * other than the last (the general way) beside one of the last
 * region (the search-free way).
 */
static void across_and_exact(void)
{
	unsigned long f0 = my_frames(), regions0 = stats().regions;
	volatile uint32_t *a = vm_mmap(PG, RW), *b = vm_mmap(3 * PG, RW);
	volatile uint32_t *c = vm_mmap(PG, RW), *d, *e;
	unsigned k;

	*a = 1;
	for (k = 0; k < 3; k++)
		b[k * PG / 4] = k + 2;
	*c = 5;
	report("vmo_three_regions_backed", my_frames() == f0 + 5,
	       "frames %ld, want %ld", (long)my_frames(), (long)(f0 + 5));
	EXPECT_EQ("vmo_munmap_across_kinds",
		  vm_munmap((void *)a, (uintptr_t)c + PG - (uintptr_t)a), 0);
	report("vmo_across_kinds_all_back",
	       my_frames() == f0 && stats().regions == regions0 &&
		       vm_page_slot((uintptr_t)a) == E_RANGE &&
		       vm_page_slot((uintptr_t)b + PG) == E_RANGE &&
		       vm_page_slot((uintptr_t)c) == E_RANGE,
	       "frames %ld, regions %ld", (long)my_frames(),
	       (long)stats().regions);
	d = vm_mmap(PG, RW);
	e = vm_mmap(PG, RW);
	*d = 6;
	*e = 7; /* e is the last region, the highest */
	EXPECT_EQ("vmo_munmap_not_last_region", vm_munmap((void *)d, PG), 0);
	report("vmo_not_last_region_leaves_e",
	       vm_page_slot((uintptr_t)d) == E_RANGE && *e == 7 &&
		       vm_page_slot((uintptr_t)e) >= 0,
	       "%ld %ld", vm_page_slot((uintptr_t)d),
	       vm_page_slot((uintptr_t)e));
	EXPECT_EQ("vmo_munmap_last_region", vm_munmap((void *)e, PG), 0);
	report("vmo_exact_all_back",
	       my_frames() == f0 && stats().regions == regions0,
	       "frames %ld, want %ld", (long)my_frames(), (long)f0);
}

/* A write barrier over a one-page mapping; a store outside it during the
 * barrier is an ordinary demand fault. */
static void barrier(void)
{
	volatile uint32_t *p = vm_mmap(PG, RW), *q = vm_mmap(PG, RW);
	uintptr_t dirty[2];
	struct vm_stats s0;
	uint64_t b0;

	*p = 1; /* mapped read-write before the barrier */
	EXPECT_EQ("vmo_barrier_start", vm_barrier_start((void *)p, PG), 0);
	b0 = vm_barrier_faults();
	s0 = stats();
	*q = 2; /* outside the barrier: a demand fault */
	report("vmo_store_outside_barrier_demand_faults",
	       vm_barrier_faults() == b0 && stats().faults == s0.faults + 1,
	       "barrier +%ld faults +%ld", (long)(vm_barrier_faults() - b0),
	       (long)(stats().faults - s0.faults));
	*p = 3; /* the barrier's fault */
	report("vmo_store_inside_barrier_recorded",
	       vm_barrier_faults() == b0 + 1 &&
		       stats().faults == s0.faults + 1 &&
		       vm_dirty_scan(dirty, 2) == 1 && dirty[0] == (uintptr_t)p,
	       "barrier +%ld faults +%ld", (long)(vm_barrier_faults() - b0),
	       (long)(stats().faults - s0.faults));
	EXPECT_EQ("vmo_barrier_stop", vm_barrier_stop(), 0);
	*p = 4; /* writable again: no fault */
	report("vmo_after_barrier_no_fault",
	       vm_barrier_faults() == b0 + 1 && *p == 4, "%ld %ld",
	       (long)(vm_barrier_faults() - b0), (long)*p);
	vm_munmap((void *)p, PG);
	vm_munmap((void *)q, PG);
}

/* vm_mmap's refusals (its checks are one bit test for the rights and
 * one compare for the size): nothing added; and the rights it takes. */
static void mmap_refusals(void)
{
	static const unsigned bad[] = { 0,
					RIVET_CAP_W,
					RIVET_CAP_X,
					RIVET_CAP_W | RIVET_CAP_X,
					RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X,
					8,
					RIVET_CAP_R | 8,
					RIVET_CAP_R | 32,
					RIVET_CAP_R | 64,
					~0u };
	static const unsigned good[] = { RIVET_CAP_R, RW,
					 RIVET_CAP_R | RIVET_CAP_X };
	struct vm_stats s0 = stats();
	unsigned i, refused = 0, taken = 0;
	void *p;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused += !vm_mmap(PG, bad[i]);
	refused += !vm_mmap(0, RW);
	refused += !vm_mmap(VM_MMAP_TOP - VM_MMAP_BASE + 1, RW);
	refused += !vm_mmap(~0UL, RW);
	report("vmo_mmap_refusals",
	       refused == sizeof(bad) / sizeof(bad[0]) + 3 &&
		       stats().regions == s0.regions,
	       "%ld of %ld refused", (long)refused,
	       (long)(sizeof(bad) / sizeof(bad[0]) + 3));
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = vm_mmap(PG, good[i]);
		taken += p && stats().regions == s0.regions + 1 &&
			 !vm_munmap(p, PG);
	}
	report("vmo_mmap_rights_taken", taken == 3, "%ld of %ld", (long)taken,
	       3L);
}

/* vm_munmap of the last one-page region: a bad pointer or size is
 * refused with the region kept (its page too), a size below a page
 * gives back the whole page. */
static void munmap_sizes(void)
{
	unsigned long f0 = my_frames();
	struct vm_stats s0 = stats();
	volatile uint32_t *p = vm_mmap(PG, RW);
	char *c = (char *)p;
	int bad;

	*p = PATTERN;
	bad = (vm_munmap(c + 1, PG) == E_INVAL) +
	      (vm_munmap(c + PG / 2, 1) == E_INVAL) +
	      (vm_munmap(c, 0) == E_INVAL) + (vm_munmap(c, ~0UL) == E_INVAL) +
	      (vm_munmap(c, ~0UL - PG) == E_INVAL);
	report("vmo_munmap_bad_range_refused",
	       bad == 5 && *p == PATTERN && stats().regions == s0.regions + 1,
	       "%ld of %ld refused", (long)bad, 5L);
	EXPECT_EQ("vmo_munmap_one_byte", vm_munmap(c, 1), 0);
	report("vmo_munmap_one_byte_gives_back",
	       my_frames() == f0 && stats().regions == s0.regions &&
		       stats().pages == s0.pages,
	       "frames %ld, want %ld", (long)my_frames(), (long)f0);
}

static void role_vm_onepage(void)
{
	volatile uint32_t *w = vm_mmap(PG, RW);

	/* Once first: the page-table pages the first touch makes stay, and
	 * the counts of frames below leave them out. */
	*w = 1;
	vm_munmap((void *)w, PG);
	fault_and_unmap();
	populate_and_discard();
	load_and_pager();
	adopt();
	cut_to_one();
	across_and_exact();
	barrier();
	mmap_refusals();
	munmap_sizes();
}

const struct role vmonepage_roles[] = {
	{ "t_vm_onepage", role_vm_onepage },
	{ 0 },
};
