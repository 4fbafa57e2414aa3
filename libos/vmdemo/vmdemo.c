/* SPDX-License-Identifier: MIT */
/*
 * vmdemo: why physical names matter, and virtual memory as a library.
 *
 *  - a buffer whose every frame has one cache colour, built by asking the
 *    kernel for frames by physical address from a region's pager;
 *  - a physically contiguous, aligned run for a pretend DMA engine, then
 *    the same run asked for again by its address;
 *  - demand paging: 64 MiB reserved, one byte touched every 256 KiB,
 *    exactly 256 frames faulted in, all of them given back by vm_munmap;
 *  - revocation (when the peer domains exist): frames a peer granted and
 *    then revoked are faulted in fresh in a VM_DEMAND_REFAULT region and
 *    refused in a VM_DEMAND_STRICT one.
 *
 * Roles by domain name, like libos/tests: "vmpeer" grants and revokes,
 * "vmstrict" touches a revoked strict page and must end, "vmarena" checks
 * the heap's fallback arena, anything else runs the demo (and the edges
 * of the API). Every case prints one line:
 *   TEST vmdemo_<case>: PASS
 *   TEST vmdemo_<case>: FAIL <what went wrong>
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/libos.h>
#include <rivet/vm.h>
#include <rivet/testreport.h>

#define PAGE	4096UL
#define COLOURS 16 /* a cache with 16 page colours */
#define MIB	(1024UL * 1024)
#define MiB_2	(2 * MIB)
#define GIB	(1024 * MIB)

/* Fixed addresses, below the heap (1 GiB) and the vm_mmap area (4 GiB). */
#define COLOUR_VA    0x10000000UL
#define COLOUR_PAGES 8
#define DMA_VA	     0x10100000UL
#define DMA_PAGES    16
#define REFAULT_VA   0x10200000UL
#define STRICT_VA    0x10202000UL
#define PEER_VA	     0x10300000UL

/* Between the peer and its clients, in event bits. */
#define EV_SLOTS	 0xffffffffUL /* (slot + 1) | (slot2 + 1) << 16 */
#define EV_REVOKE_DEMO	 (1UL << 32)
#define EV_REVOKE_STRICT (1UL << 33)
#define EV_GRANT_MANY	 (1UL << 34)
#define EV_REVOKE_MANY	 (1UL << 35)
#define EV_GO		 (1UL << 36) /* vmdemo is ready for the grants */
#define MANY		 20 /* grants revoked at once: more than the ring */
#define MANY_VA		 0x10400000UL
#define PATTERN		 0x5afe0001u

static int failures;

static void report(const char *name, bool ok, const char *fmt, long a, long b)
{
	if (!rivet_test_report("vmdemo_", name, ok, fmt, a, b))
		failures++;
}

static unsigned colour(unsigned long pa)
{
	return (pa >> 12) & (COLOURS - 1);
}

static unsigned long my_frames(void)
{
	return sys2_kstat(KSTAT_MY_FRAMES).val;
}

/* Waits until the kernel has reported count revocations in all. The
 * event bit only says "look at the ring"; the count is the truth. */
static void wait_revoked(uint64_t count)
{
	const volatile struct rivet_info *in = rivet_info();

	while (in->revoked_count < count)
		sys2_wait(RIVET_EVENT_REVOKED);
}

static uint64_t revoked_now(void)
{
	return ((const volatile struct rivet_info *)rivet_info())
		->revoked_count;
}

static unsigned long cap_pa(unsigned long slot)
{
	return sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val;
}

/* ------------------------------------------------------- page colours --- */

/*
 * A pager that hands out frames of one colour only: it asks for specific
 * physical addresses, one colour stride (COLOURS pages) apart, upwards
 * from a starting frame and then downwards, skipping frames in use.
 */
struct colour_pager {
	unsigned colour;
	unsigned long up, down; /* next candidates */
	bool up_done;
	unsigned long asked; /* frame_alloc calls, for the log */
};

static long colour_page(uintptr_t page, void *arg)
{
	struct colour_pager *cp = arg;
	const unsigned long stride = COLOURS * PAGE;
	struct rivet_ret r;
	unsigned long pa;

	(void)page;
	for (;;) {
		if (!cp->up_done) {
			pa = cp->up;
			cp->up += stride;
		} else {
			if (cp->down < stride)
				return E_NOMEM;
			pa = cp->down;
			cp->down -= stride;
		}
		cp->asked++;
		r = sys2_frame_alloc(pa, 1, 1);
		if (r.rc == 0)
			return (long)r.val;
		if (r.rc == E_RANGE && !cp->up_done)
			cp->up_done = true; /* past the end of RAM: go down */
		else if (r.rc != E_BUSY)
			return r.rc;
	}
}

static void demo_colour(void)
{
	static struct colour_pager cp;
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	struct vm_stats s0, s1;
	unsigned long pa[COLOUR_PAGES];
	bool one = true, distinct = true, back = true;
	unsigned i, j;

	if (r.rc) {
		report("colour_buffer_one_colour", false, "frame_alloc %ld",
		       r.rc, 0);
		return;
	}
	/* Any frame tells us where free memory is; its colour is ours. */
	cp.up = cap_pa(r.val);
	cp.down = cp.up - COLOURS * PAGE;
	cp.colour = colour(cp.up);
	sys_cap_delete(r.val);

	vm_stats(&s0);
	if (vm_region_add(COLOUR_VA, COLOUR_PAGES * PAGE,
			  RIVET_CAP_R | RIVET_CAP_W, VM_DEMAND_REFAULT) ||
	    vm_region_set_pager(COLOUR_VA, colour_page, &cp)) {
		report("colour_buffer_one_colour", false, "region", 0, 0);
		return;
	}
	for (i = 0; i < COLOUR_PAGES; i++)
		*(volatile uint32_t *)(COLOUR_VA + i * PAGE) = PATTERN + i;
	vm_stats(&s1);
	printf("vmdemo: colour %u buffer (%lu frames asked for):", cp.colour,
	       cp.asked);
	for (i = 0; i < COLOUR_PAGES; i++) {
		long slot = vm_page_slot(COLOUR_VA + i * PAGE);

		pa[i] = slot >= 0 ? cap_pa(slot) : 0;
		printf(" %#lx", pa[i]);
		one = one && pa[i] && colour(pa[i]) == cp.colour;
		for (j = 0; j < i; j++)
			distinct = distinct && pa[j] != pa[i];
		back = back && *(volatile uint32_t *)(COLOUR_VA + i * PAGE) ==
				       PATTERN + i;
	}
	printf("\n");
	report("colour_pager_faults_each_page",
	       s1.faults - s0.faults == COLOUR_PAGES,
	       "%ld faults for %ld pages", (long)(s1.faults - s0.faults),
	       COLOUR_PAGES);
	report("colour_buffer_one_colour", one, "colour %ld wanted, pa[0] %#lx",
	       cp.colour, (long)pa[0]);
	report("colour_buffer_distinct_frames", distinct, "%ld %ld", 0, 0);
	report("colour_buffer_reads_back", back, "%ld %ld", 0, 0);
	report("colour_munmap",
	       vm_munmap((void *)COLOUR_VA, COLOUR_PAGES * PAGE) == 0,
	       "%ld %ld", 0, 0);
}

/* --------------------------------------------------------------- DMA --- */

static void demo_dma(void)
{
	struct rivet_ret r =
		sys2_frame_alloc(RIVET_FRAME_ANY, DMA_PAGES, DMA_PAGES);
	unsigned long pa, npages, seen = 0, i;
	bool back = true;

	if (r.rc) {
		report("dma_run_aligned", false, "frame_alloc %ld", r.rc, 0);
		return;
	}
	pa = cap_pa(r.val);
	npages = sys2_cap_info(r.val, RIVET_CAPINFO_SIZE).val;
	printf("vmdemo: DMA buffer %lu pages at pa %#lx..%#lx\n", npages, pa,
	       pa + npages * PAGE - 1);
	report("dma_run_aligned",
	       npages == DMA_PAGES && !(pa & (DMA_PAGES * PAGE - 1)),
	       "%ld pages at %#lx", (long)npages, (long)pa);
	/* Contiguous: page i of the run is frame pa + i * PAGE, so a run
	 * of COLOURS pages holds every colour exactly once. */
	for (i = 0; i < npages; i++)
		seen |= 1UL << colour(pa + i * PAGE);
	report("dma_run_covers_every_colour", seen == (1UL << COLOURS) - 1,
	       "colours %#lx", (long)seen, 0);
	report("dma_run_maps",
	       sys_map(r.val, DMA_VA, RIVET_CAP_R | RIVET_CAP_W) == 0,
	       "%ld %ld", 0, 0);
	for (i = 0; i < npages; i++)
		((volatile uint64_t *)DMA_VA)[i * PAGE / 8] = pa + i * PAGE;
	for (i = 0; i < npages; i++)
		back = back && ((volatile uint64_t *)DMA_VA)[i * PAGE / 8] ==
				       pa + i * PAGE;
	report("dma_run_reads_back", back, "%ld %ld", 0, 0);
	/* Physical names: free the run, then ask for those frames again. */
	sys_cap_delete(r.val);
	r = sys2_frame_alloc(pa, DMA_PAGES, DMA_PAGES);
	report("dma_run_by_physical_address", r.rc == 0 && cap_pa(r.val) == pa,
	       "rc %ld, pa %#lx", r.rc, r.rc ? 0 : (long)cap_pa(r.val));
	if (r.rc == 0)
		sys_cap_delete(r.val);
}

/* ---------------------------------------------------- demand paging --- */

#define SPARSE_SIZE   (64 * MIB)
#define SPARSE_STRIDE (256 * 1024)
#define SPARSE_TOUCH  (SPARSE_SIZE / SPARSE_STRIDE) /* 256 */

/*
 * Page-table pages the kernel adds to map [va, va + size) touched every
 * stride bytes, assuming nothing else was ever mapped in the gigabytes it
 * spans: one level-0 table per 2 MiB touched, one level-1 per 1 GiB.
 */
/*
 * Frames the kernel spends on the domain's behalf for touching pages every
 * stride in [va, va+size): page-table pages (one per 2 MiB and per 1 GiB
 * touched) and page-table view pages (one per 2 MiB touched: a view page
 * holds the 512 entries of a 2 MiB range; see RIVET_PTVIEW_VA). Both stay
 * with the domain after an unmap.
 */
/* Kernel pages for the VM manager's own tables (page tables and view). */
#define VIEW_SLACK 2

static unsigned long table_pages(uintptr_t va, size_t size, size_t stride)
{
	unsigned long n = 0;
	uintptr_t a, last2m = ~0UL, last1g = ~0UL;

	for (a = va; a < va + size; a += stride) {
		if (a / MiB_2 != last2m)
			n += 2, last2m = a / MiB_2;
		if (a / GIB != last1g)
			n++, last1g = a / GIB;
	}
	return n;
}

static void demo_demand(void)
{
	unsigned long f0, f1, f2, slots0, pt, expect, i;
	struct vm_stats s0, s1, s2;
	volatile uint8_t *p;
	uint64_t t0, t1, t2;
	bool back = true;

	vm_stats(&s0);
	f0 = my_frames();
	slots0 = sys2_kstat(KSTAT_MY_SLOTS).val;
	p = vm_mmap(SPARSE_SIZE, RIVET_CAP_R | RIVET_CAP_W);
	report("mmap_64m", p != NULL, "%ld %ld", 0, 0);
	if (!p)
		return;
	report("mmap_maps_nothing_yet", my_frames() == f0,
	       "%ld frames, was %ld", (long)my_frames(), (long)f0);

	t0 = rivet_instret();
	for (i = 0; i < SPARSE_TOUCH; i++)
		p[i * SPARSE_STRIDE + i % 64] = (uint8_t)(i * 7 + 1);
	t1 = rivet_instret();
	for (i = 0; i < SPARSE_TOUCH; i++)
		p[i * SPARSE_STRIDE + i % 64] = (uint8_t)(i * 7 + 1);
	t2 = rivet_instret();
	for (i = 0; i < SPARSE_TOUCH; i++)
		back = back &&
		       p[i * SPARSE_STRIDE + i % 64] == (uint8_t)(i * 7 + 1);
	vm_stats(&s1);
	f1 = my_frames();
	pt = table_pages((uintptr_t)p, SPARSE_SIZE, SPARSE_STRIDE);
	expect = SPARSE_TOUCH + pt + (s1.table_frames - s0.table_frames);
	printf("vmdemo: 64 MiB at %p: %lu faults, %lu frames more (%d data + "
	       "%lu page-table + %ld VM-table)\n",
	       (void *)p, s1.faults - s0.faults, f1 - f0, (int)SPARSE_TOUCH, pt,
	       (long)(s1.table_frames - s0.table_frames));
	printf("BENCH vm_demand_fault_sparse %lu insns\n",
	       (unsigned long)((t1 - t0) - (t2 - t1)) / SPARSE_TOUCH);
	report("demand_64m_sparse_reads_back", back, "%ld %ld", 0, 0);
	/* The VM manager's own table pages may need a view page too. */
	report("demand_64m_sparse",
	       s1.faults - s0.faults == SPARSE_TOUCH && f1 - f0 >= expect &&
		       f1 - f0 <= expect + VIEW_SLACK,
	       "%ld faults, %ld frames", (long)(s1.faults - s0.faults),
	       (long)(f1 - f0));
	report("demand_untouched_page_reads_zero",
	       p[SPARSE_STRIDE / 2] == 0 &&
		       (vm_stats(&s2), s2.faults) == s1.faults + 1,
	       "%ld %ld", 0, 0);

	report("munmap_64m", vm_munmap((void *)p, SPARSE_SIZE) == 0, "%ld %ld",
	       0, 0);
	vm_stats(&s2);
	f2 = my_frames();
	/* Page-table pages stay with the domain; data frames all go. */
	report("munmap_returns_frames",
	       f2 >= f0 + pt + (s2.table_frames - s0.table_frames) &&
		       f2 <= f0 + pt + (s2.table_frames - s0.table_frames) +
				       VIEW_SLACK &&
		       s2.frames == s0.frames && s2.pages == s0.pages,
	       "%ld frames, was %ld", (long)f2, (long)f0);
	report("munmap_frees_slots",
	       sys2_kstat(KSTAT_MY_SLOTS).val ==
		       slots0 + (s2.table_frames != s0.table_frames),
	       "%ld slots, was %ld", (long)sys2_kstat(KSTAT_MY_SLOTS).val,
	       (long)slots0);
	report("munmap_region_gone", vm_page_slot((uintptr_t)p) == E_RANGE,
	       "%ld %ld", vm_page_slot((uintptr_t)p), 0);
}

/*
 * The cost of one demand fault where the page tables exist already: 256
 * pages in a row, minus the same stores once they are mapped. Then the
 * two system calls a fault makes, alone, on the same addresses: the rest
 * is the reflected exception and the manager's bookkeeping.
 */
static void demo_fault_cost(void)
{
	const unsigned n = 256;
	volatile uint8_t *p = vm_mmap(n * PAGE, RIVET_CAP_R | RIVET_CAP_W);
	static unsigned long slot[256];
	uint64_t t0, t1, t2, alloc = 0, map = 0;
	unsigned i;

	if (!p)
		return;
	p[0] = 1; /* the level-0 table for the start */
	t0 = rivet_instret();
	for (i = 1; i < n; i++)
		p[i * PAGE] = 1;
	t1 = rivet_instret();
	for (i = 1; i < n; i++)
		p[i * PAGE] = 1;
	t2 = rivet_instret();
	printf("BENCH vm_demand_fault %lu insns\n",
	       (unsigned long)((t1 - t0) - (t2 - t1)) / (n - 1));
	vm_munmap((void *)p, n * PAGE);

	for (i = 1; i < n; i++) {
		struct rivet_ret r;

		t0 = rivet_instret();
		r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
		t1 = rivet_instret();
		sys_map(r.val, (uintptr_t)p + i * PAGE,
			RIVET_CAP_R | RIVET_CAP_W);
		t2 = rivet_instret();
		alloc += t1 - t0;
		map += t2 - t1;
		slot[i] = r.rc ? 0 : r.val;
	}
	for (i = 1; i < n; i++)
		if (slot[i])
			sys_cap_delete(slot[i]);
	printf("BENCH vm_fault_frame_alloc %lu insns\n",
	       (unsigned long)alloc / (n - 1));
	printf("BENCH vm_fault_map %lu insns\n", (unsigned long)map / (n - 1));
}

/* ------------------------------------------------- the API's edges --- */

static void demo_api_errors(void)
{
	const unsigned rw = RIVET_CAP_R | RIVET_CAP_W;
	struct rivet_upcall u = { 0 };
	unsigned i, n;

	report("region_misaligned",
	       vm_region_add(0x20000010, PAGE, rw, VM_DEMAND_REFAULT) ==
		       E_INVAL,
	       "%ld %ld", 0, 0);
	report("region_empty",
	       vm_region_add(0x20000000, 0, rw, VM_DEMAND_REFAULT) == E_INVAL,
	       "%ld %ld", 0, 0);
	report("region_write_execute",
	       vm_region_add(0x20000000, PAGE, rw | RIVET_CAP_X,
			     VM_DEMAND_REFAULT) == E_INVAL,
	       "%ld %ld", 0, 0);
	report("region_write_without_read",
	       vm_region_add(0x20000000, PAGE, RIVET_CAP_W,
			     VM_DEMAND_REFAULT) == E_INVAL,
	       "%ld %ld", 0, 0);
	report("region_bad_policy",
	       vm_region_add(0x20000000, PAGE, rw, (enum vm_policy)7) ==
		       E_INVAL,
	       "%ld %ld", 0, 0);
	report("region_above_map_top",
	       vm_region_add(RIVET_MAP_TOP, PAGE, rw, VM_DEMAND_REFAULT) ==
		       E_RANGE,
	       "%ld %ld", 0, 0);
	report("region_over_vm_tables",
	       vm_region_add(VM_META_BASE, PAGE, rw, VM_DEMAND_REFAULT) ==
		       E_RANGE,
	       "%ld %ld", 0, 0);
	report("region_overlap",
	       vm_region_add(0x20000000, 4 * PAGE, rw, VM_DEMAND_REFAULT) ==
			       0 &&
		       vm_region_add(0x20003000, PAGE, rw, VM_DEMAND_REFAULT) ==
			       E_EXIST,
	       "%ld %ld", 0, 0);
	report("pager_needs_region_start",
	       vm_region_set_pager(0x20001000, NULL, NULL) == E_NOENT,
	       "%ld %ld", 0, 0);
	for (n = 0; !vm_region_add(0x21000000 + n * PAGE, PAGE, RIVET_CAP_R,
				   VM_DEMAND_REFAULT);
	     n++)
		;
	report("region_table_full",
	       vm_region_add(0x22000000, PAGE, RIVET_CAP_R,
			     VM_DEMAND_REFAULT) == E_NOMEM &&
		       n > 0 && vm_mmap(PAGE, rw) == NULL,
	       "%ld regions added", n, 0);
	for (i = 0; i < n; i++)
		vm_munmap((void *)(0x21000000 + i * PAGE), PAGE);
	report("munmap_misaligned",
	       vm_munmap((void *)0x20000010, PAGE) == E_INVAL, "%ld %ld", 0, 0);
	report("adopt_outside_regions",
	       vm_adopt(0x30000000, RIVET_SLOT_SELF) == E_RANGE, "%ld %ld", 0,
	       0);
	report("adopt_non_frame_slot",
	       vm_adopt(0x20000000, RIVET_SLOT_SELF) == E_INVAL &&
		       vm_page_slot(0x20000000) == E_NOENT,
	       "%ld %ld", 0, 0);
	report("populate_outside_regions",
	       vm_populate((void *)0x30000000, 1) == E_RANGE, "%ld %ld", 0, 0);

	/* The handler itself, called as the dispatcher would. */
	u.cause = 13;
	u.tval = 0x30000000;
	report("fault_outside_regions_declined", vm_fault(&u, NULL) != 0,
	       "%ld %ld", 0, 0);
	vm_region_add(0x20010000, PAGE, RIVET_CAP_R, VM_DEMAND_REFAULT);
	u.cause = 15;
	u.tval = 0x20010008;
	report("store_to_read_only_region_declined", vm_fault(&u, NULL) != 0,
	       "%ld %ld", 0, 0);
	u.cause = 12;
	report("fetch_from_no_exec_region_declined", vm_fault(&u, NULL) != 0,
	       "%ld %ld", 0, 0);
	u.cause = 13;
	report("load_from_read_only_region_served",
	       vm_fault(&u, NULL) == 0 && vm_page_slot(0x20010000) >= 0 &&
		       *(volatile uint64_t *)0x20010008 == 0,
	       "%ld %ld", 0, 0);
	vm_munmap((void *)0x20000000, 0x20000);
}

/*
 * More pages than the first table holds: the table moves into frames of
 * its own, and every page is still found.
 */
static void demo_table_growth(void)
{
	const unsigned n = 1024;
	volatile uint32_t *p = vm_mmap(n * PAGE, RIVET_CAP_R | RIVET_CAP_W);
	unsigned long f0 = my_frames(), slot0 = sys2_kstat(KSTAT_MY_SLOTS).val;
	struct vm_stats s0, s1;
	bool found = true, back = true;
	unsigned i;

	vm_stats(&s0);
	if (!p) {
		report("table_grows", false, "mmap", 0, 0);
		return;
	}
	for (i = 0; i < n; i++)
		p[i * PAGE / 4] = i;
	vm_stats(&s1);
	for (i = 0; i < n; i++) {
		found = found && vm_page_slot((uintptr_t)p + i * PAGE) >= 0;
		back = back && p[i * PAGE / 4] == i;
	}
	report("table_grows", s1.table_frames > s0.table_frames,
	       "%ld table frames", (long)s1.table_frames, 0);
	report("table_finds_every_page", found && back, "%ld %ld", found, back);
	vm_munmap((void *)p, n * PAGE);
	vm_stats(&s1);
	report("table_empties", s1.pages == s0.pages && s1.frames == s0.frames,
	       "%ld pages", (long)s1.pages, 0);
	printf("vmdemo: %u pages: table %lu frames; frames %lu -> %lu, slots "
	       "%lu -> %lu\n",
	       n, s1.table_frames, f0, my_frames(), slot0,
	       sys2_kstat(KSTAT_MY_SLOTS).val);
}

/* munmap of a middle part splits a region; freed space is reused. */
static void demo_split_and_reuse(void)
{
	const unsigned rw = RIVET_CAP_R | RIVET_CAP_W;
	volatile uint8_t *p = vm_mmap(16 * PAGE, rw), *q, *r;
	unsigned long f0;
	unsigned i;
	bool ok = true;

	if (!p) {
		report("munmap_splits_region", false, "mmap", 0, 0);
		return;
	}
	for (i = 0; i < 16; i++)
		p[i * PAGE] = (uint8_t)(i + 1);
	f0 = my_frames();
	report("munmap_splits_region",
	       vm_munmap((void *)(p + 4 * PAGE), 4 * PAGE) == 0 &&
		       my_frames() == f0 - 4,
	       "%ld frames, was %ld", (long)my_frames(), (long)f0);
	for (i = 0; i < 16; i++) {
		long s = vm_page_slot((uintptr_t)p + i * PAGE);

		ok = ok && (i >= 4 && i < 8 ? s == E_RANGE
					    : s >= 0 && p[i * PAGE] == i + 1);
	}
	report("split_keeps_both_ends", ok, "%ld %ld", 0, 0);
	q = vm_mmap(2 * PAGE, rw);
	report("mmap_reuses_hole_with_guards", q == p + 5 * PAGE, "%#lx, %#lx",
	       (long)q, (long)p);
	r = vm_mmap(PAGE, rw);
	report("mmap_keeps_guard_pages",
	       r && (r + PAGE < p || r > p + 16 * PAGE), "%#lx %ld", (long)r,
	       0);
	vm_munmap((void *)p, 16 * PAGE);
	vm_munmap((void *)q, 2 * PAGE);
	vm_munmap((void *)r, PAGE);
}

/* The kernel checks user buffers against the page table and never
 * faults: a buffer for a system call must be populated first. */
static void demo_populate_discard(void)
{
	char *p = vm_mmap(2 * PAGE, RIVET_CAP_R | RIVET_CAP_W);
	struct vm_stats s0, s1;
	unsigned long f0;

	if (!p) {
		report("syscall_on_untouched_buffer_is_range", false, "mmap", 0,
		       0);
		return;
	}
	report("syscall_on_untouched_buffer_is_range",
	       sys_debug_write(p, 1) == E_RANGE, "%ld %ld", 0, 0);
	vm_stats(&s0);
	report("populate_faults_in",
	       vm_populate(p + 100, PAGE) == 0 &&
		       (vm_stats(&s1), s1.faults == s0.faults + 2),
	       "%ld faults", (long)(s1.faults - s0.faults), 0);
	memcpy(p, "vmdemo: populated buffer\n", 25);
	report("syscall_on_populated_buffer",
	       sys_debug_write(p, 25) == 0 && vm_populate(p, 1) == 0 &&
		       (vm_stats(&s1), s1.faults == s0.faults + 2),
	       "%ld %ld", 0, 0);
	f0 = my_frames();
	report("discard_returns_frames",
	       vm_discard(p, 2 * PAGE) == 0 && my_frames() == f0 - 2 &&
		       vm_page_slot((uintptr_t)p) == E_NOENT,
	       "%ld frames, was %ld", (long)my_frames(), (long)f0);
	report("discarded_page_refaults_zeroed", p[0] == 0, "%ld %ld", p[0], 0);
	vm_munmap(p, 2 * PAGE);
}

/*
 * malloc's heap sits in a demand-paged region, so it costs frames for
 * what has been used, not a fixed arena. picolibc's malloc clears every
 * block it returns, so a block is backed as soon as malloc returns it;
 * vm_mmap is the way to reserve memory that stays unbacked until used.
 */
static void demo_heap(void)
{
	const size_t size = 1024 * 1024, pages = size / PAGE;
	unsigned long f0 = my_frames(), f1, f2;
	char *p = malloc(size), *q;

	f1 = my_frames();
	report("heap_in_vm_region",
	       p && vm_page_slot((uintptr_t)p) >= 0 &&
		       (uintptr_t)p >= 0x40000000UL,
	       "%#lx %ld", (long)p, 0);
	if (!p)
		return;
	printf("vmdemo: malloc(1 MiB) at %p: %lu frames more\n", (void *)p,
	       f1 - f0);
	report("heap_frames_follow_use",
	       f1 - f0 >= pages && f1 - f0 <= pages + 6, "%ld frames",
	       (long)(f1 - f0), 0);
	free(p);
	q = malloc(size);
	f2 = my_frames();
	report("heap_reuses_freed_block", q == p && f2 == f1, "%ld more frames",
	       (long)(f2 - f1), 0);
	free(q);
}

/*
 * A mapping that vanished without a ring entry (here unmapped behind the
 * manager's back, as a lost revocation would leave it): the next touch
 * faults although the page is in the table, and the manager takes that
 * as a revocation.
 */
static void demo_vanished_mapping(void)
{
	volatile uint32_t *p = vm_mmap(PAGE, RIVET_CAP_R | RIVET_CAP_W);
	struct vm_stats s0, s1;
	long slot;

	if (!p)
		return;
	*p = PATTERN;
	slot = vm_page_slot((uintptr_t)p);
	vm_stats(&s0);
	sys_unmap(slot, (uintptr_t)p);
	report("vanished_mapping_refaults_fresh",
	       *p == 0 && (vm_stats(&s1), s1.revoked == s0.revoked + 1) &&
		       s1.faults == s0.faults + 1 &&
		       vm_page_slot((uintptr_t)p) != slot,
	       "%ld %ld", (long)(s1.revoked - s0.revoked),
	       (long)(s1.faults - s0.faults));
	sys_cap_delete(slot); /* the manager let go of it */
	vm_munmap((void *)p, PAGE);
}

/* -------------------------------------------------------- revocation --- */

static void demo_revocation(void)
{
	struct vm_stats s0, s1;
	struct rivet_ret r;
	unsigned long s_refault, s_strict;
	int n;

	vm_region_add(REFAULT_VA, PAGE, RIVET_CAP_R | RIVET_CAP_W,
		      VM_DEMAND_REFAULT);
	vm_region_add(STRICT_VA, PAGE, RIVET_CAP_R | RIVET_CAP_W,
		      VM_DEMAND_STRICT);
	rivet_notify_name("vmpeer", EV_GO);
	r = sys2_wait(EV_SLOTS);
	s_refault = (r.val & 0xffff) - 1;
	s_strict = ((r.val >> 16) & 0xffff) - 1;
	report("adopt_granted_frames",
	       vm_adopt(REFAULT_VA, s_refault) == 0 &&
		       vm_adopt(STRICT_VA, s_strict) == 0,
	       "slots %ld, %ld", (long)s_refault, (long)s_strict);
	report("adopted_pages_show_peer_data",
	       *(volatile uint32_t *)REFAULT_VA == PATTERN &&
		       *(volatile uint32_t *)STRICT_VA == PATTERN,
	       "read %#lx", *(volatile uint32_t *)REFAULT_VA, 0);
	vm_stats(&s0);
	rivet_notify_name("vmpeer", EV_REVOKE_DEMO);
	wait_revoked(revoked_now() + 2);
	n = vm_handle_revocations();
	vm_stats(&s1);
	report("revocations_forget_both_pages",
	       s1.revoked - s0.revoked == 2 && s1.pages == s0.pages - 2 &&
		       s1.frames == s0.frames,
	       "%ld forgotten (this call %ld)", (long)(s1.revoked - s0.revoked),
	       n);
	report("revoked_refault_page_is_untouched",
	       vm_page_slot(REFAULT_VA) == E_NOENT, "%ld %ld",
	       vm_page_slot(REFAULT_VA), 0);
	report("revoked_strict_page_is_marked",
	       vm_page_slot(STRICT_VA) == E_PERM, "%ld %ld",
	       vm_page_slot(STRICT_VA), 0);
	report("revoked_page_refaults_fresh",
	       *(volatile uint32_t *)REFAULT_VA == 0 &&
		       (vm_stats(&s1), s1.faults) == s0.faults + 1,
	       "%ld %ld", 0, 0);
	report("munmap_strict_tombstone",
	       vm_munmap((void *)STRICT_VA, PAGE) == 0 &&
		       vm_page_slot(STRICT_VA) == E_RANGE,
	       "%ld %ld", 0, 0);
	vm_munmap((void *)REFAULT_VA, PAGE);
}

/*
 * MANY grants revoked at once overflow the info page's ring of
 * RIVET_REVOKED_RING entries. The fault handler notices the entries it
 * missed and asks the kernel about every slot it holds, so no page is
 * left pointing at a slot that is gone.
 */
static void demo_ring_overflow(void)
{
	unsigned long pa, s, k = 0;
	struct vm_stats s0, s1;
	struct rivet_ret r;
	bool gone = true;

	vm_region_add(MANY_VA, MANY * PAGE, RIVET_CAP_R | RIVET_CAP_W,
		      VM_DEMAND_REFAULT);
	rivet_notify_name("vmpeer", EV_GRANT_MANY);
	r = sys2_wait(EV_SLOTS);
	pa = r.val << 12;
	/* The grants are the frame capabilities naming the peer's frame. */
	for (s = 0; k < MANY; s++) {
		struct rivet_ret t = sys2_cap_info(s, RIVET_CAPINFO_TYPE);

		if (t.rc == E_INVAL)
			break; /* past the last slot */
		if (!t.rc && (t.val & 0xff) == RIVET_CAP_FRAME &&
		    cap_pa(s) == pa && !vm_adopt(MANY_VA + k * PAGE, s))
			k++;
	}
	report("adopt_many_grants", k == MANY, "%ld of %ld", (long)k, MANY);
	vm_stats(&s0);
	rivet_notify_name("vmpeer", EV_REVOKE_MANY);
	wait_revoked(revoked_now() + MANY);
	/* No explicit vm_handle_revocations: the fault handler reads. */
	report("ring_overflow_page_refaults_fresh",
	       *(volatile uint32_t *)MANY_VA == 0, "%ld %ld", 0, 0);
	vm_stats(&s1);
	for (k = 1; k < MANY; k++)
		gone = gone && vm_page_slot(MANY_VA + k * PAGE) == E_NOENT;
	report("ring_overflow_forgets_every_page",
	       s1.revoked - s0.revoked == MANY &&
		       s1.lost_events - s0.lost_events ==
			       MANY - RIVET_REVOKED_RING &&
		       s1.faults == s0.faults + 1 && gone,
	       "%ld revoked, %ld lost", (long)(s1.revoked - s0.revoked),
	       (long)(s1.lost_events - s0.lost_events));
	vm_munmap((void *)MANY_VA, MANY * PAGE);
}

/*
 * The other side: grants a frame to vmdemo twice and one to vmstrict,
 * and later one to vmdemo MANY times, revoking each when asked.
 */
static void role_peer(void)
{
	/* Grants go through the domain capabilities of its `peer =` lines;
	 * signals through the notification capabilities of its `notify =`
	 * lines, by name. */
	const unsigned long demo = RIVET_SLOT_PEER0, strict = demo + 1;
	unsigned long rw = RIVET_CAP_R | RIVET_CAP_W, todo, i, n;
	struct rivet_ret f[3], c1, c2, c3, r;

	/* Grants change vmdemo's slot count: wait until it measured it. */
	sys2_wait(EV_GO);
	for (i = 0; i < 2; i++) {
		f[i] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
		if (f[i].rc || sys_map(f[i].val, PEER_VA + i * PAGE, rw)) {
			report("peer_grants", false, "frame %ld", f[i].rc, 0);
			return;
		}
		*(volatile uint32_t *)(PEER_VA + i * PAGE) = PATTERN;
	}
	c1 = sys2_cap_derive(f[0].val, demo, rw, 0);
	c2 = sys2_cap_derive(f[0].val, demo, rw, 0);
	c3 = sys2_cap_derive(f[1].val, strict, rw, 0);
	report("peer_grants", !c1.rc && !c2.rc && !c3.rc, "rc %ld, %ld", c1.rc,
	       c3.rc);
	rivet_notify_name("vmdemo", (c1.val + 1) | (c2.val + 1) << 16);
	rivet_notify_name("vmstrict", c3.val + 1);
	todo = EV_REVOKE_DEMO | EV_REVOKE_STRICT | EV_GRANT_MANY |
	       EV_REVOKE_MANY;
	while (todo) {
		r = sys2_wait(todo);
		if (r.val & EV_REVOKE_DEMO) {
			struct rivet_ret v = sys2_cap_revoke(f[0].val);

			report("peer_revokes_two_grants", !v.rc && v.val == 2,
			       "rc %ld, %ld deleted", v.rc, (long)v.val);
		}
		if (r.val & EV_REVOKE_STRICT)
			sys_cap_revoke(f[1].val);
		if (r.val & EV_GRANT_MANY) {
			f[2] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
			for (i = 0, n = 0; i < MANY && !f[2].rc; i++)
				n += !sys2_cap_derive(f[2].val, demo, rw, 0).rc;
			report("peer_grants_many", n == MANY, "%ld grants",
			       (long)n, 0);
			rivet_notify_name("vmdemo", cap_pa(f[2].val) >> 12);
		}
		if (r.val & EV_REVOKE_MANY) {
			struct rivet_ret v = sys2_cap_revoke(f[2].val);

			report("peer_revokes_many", !v.rc && v.val == MANY,
			       "rc %ld, %ld deleted", v.rc, (long)v.val);
		}
		todo &= ~r.val;
	}
	report("peer_keeps_own_mapping",
	       *(volatile uint32_t *)PEER_VA == PATTERN, "%ld %ld", 0, 0);
}

/*
 * A touch of a revoked page in a strict region ends the domain: the
 * page-fault handler notices the revocation itself, prints why and
 * declines the fault. Nothing after the touch should run.
 */
static void role_strict(void)
{
	long peer = rivet_domain_lookup("vmpeer");
	struct rivet_ret r;

	if (peer < 0) {
		printf("vmstrict: no vmpeer domain, nothing to do\n");
		return;
	}
	vm_region_add(STRICT_VA, PAGE, RIVET_CAP_R | RIVET_CAP_W,
		      VM_DEMAND_STRICT);
	r = sys2_wait(EV_SLOTS);
	report("strict_adopts_grant",
	       vm_adopt(STRICT_VA, (r.val & 0xffff) - 1) == 0 &&
		       *(volatile uint32_t *)STRICT_VA == PATTERN,
	       "%ld %ld", 0, 0);
	rivet_notify_name("vmpeer", EV_REVOKE_STRICT);
	wait_revoked(revoked_now() + 1);
	printf("vmstrict: touching the revoked page\n");
	rivet_console_flush();
	(void)*(volatile uint32_t *)STRICT_VA;
	report("strict_touch_ends_domain", false, "still running", 0, 0);
}

/*
 * When the heap's region cannot be made (here its addresses are taken
 * first), malloc still works, from the small arena in .bss.
 */
static void role_arena(void)
{
	char *p, *q;

	vm_region_add(0x40000000UL, PAGE, RIVET_CAP_R, VM_DEMAND_REFAULT);
	p = malloc(1000);
	report("heap_falls_back_to_arena", p && (uintptr_t)p < 0x40000000UL,
	       "%#lx %ld", (long)p, 0);
	if (p)
		memset(p, 1, 1000);
	q = malloc(64 * 1024);
	report("heap_arena_is_bounded", q == NULL, "%#lx %ld", (long)q, 0);
}

int main(void)
{
	const char *name = rivet_info()->name;
	long peer;

	if (!strcmp(name, "vmpeer")) {
		role_peer();
		return failures ? 1 : 0;
	}
	if (!strcmp(name, "vmarena")) {
		role_arena();
		return failures ? 1 : 0;
	}
	if (!strcmp(name, "vmstrict")) {
		role_strict();
		return failures ? 1 : 0;
	}
	demo_demand();
	demo_fault_cost();
	demo_colour();
	demo_dma();
	demo_api_errors();
	demo_table_growth();
	demo_split_and_reuse();
	demo_populate_discard();
	demo_heap();
	demo_vanished_mapping();
	peer = rivet_domain_lookup("vmpeer");
	if (peer >= 0) {
		demo_revocation();
		demo_ring_overflow();
	} else
		printf("vmdemo: no vmpeer domain: revocation cases skipped\n");
	printf("vmdemo: %s\n", failures ? "FAILED" : "all passed");
	return failures ? 1 : 0;
}
