// SPDX-License-Identifier: MIT
/*
 * mmap_touch_munmap: one anonymous page through the libOS VM manager
 * (libos/lib/vm.c), as a program uses mmap. Per iteration:
 *   vm_mmap of one page read-write   a region only: nothing is mapped
 *   one store to it                  the demand fault: vm_fault on the
 *                                    runtime's light entry, one
 *                                    frame_alloc_map call, the retry
 *   vm_munmap of it                  the region gone, the page's
 *                                    capability deleted: unmapped, the
 *                                    frame given back to the kernel
 * minus a loop of calls to an empty function. Linux's mmap, first touch
 * and munmap on the same QEMU is in scripts/bench-targets.tsv.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>
#include <rivet/vm.h>

#include "bench.h"

#define PAGE	    4096UL
#define RW	    (RIVET_CAP_R | RIVET_CAP_W)
#define FILL_WAITS  20	 /* idle periods to wait for the pool at most */
#define FILL_WAITUS 1000 /* one idle period, microseconds */

static unsigned long zeroed_frames(void)
{
	return sys2_kstat(KSTAT_ZEROED_FRAMES).val;
}

/*
 * Lets the idle loop fill the zeroed-frame pool with a frame for every
 * iteration, so each fault takes a pool frame, as the other fault
 * figures' do (docs/performance.md says where that zeroing goes).
 */
static void fill_pool(void)
{
	int i;

	for (i = 0; i < FILL_WAITS && zeroed_frames() < N; i++)
		rivet_sleep_us(FILL_WAITUS);
	if (zeroed_frames() < N)
		printf("bench: the zeroed-frame pool holds %lu frames, not %d\n",
		       zeroed_frames(), N);
}

/* One iteration; 0, or -1 if the manager refused. */
static int mmap_touch_munmap(long i)
{
	volatile uint64_t *p = vm_mmap(PAGE, RW);

	if (!p)
		return -1;
	*p = (uint64_t)i;
	return vm_munmap((void *)p, PAGE) ? -1 : 0;
}

static uint64_t empty_loop(void)
{
	uint64_t t0 = rivet_instret();
	int i;

	for (i = 0; i < N; i++)
		empty_call(i);
	return rivet_instret() - t0;
}

void bench_mmap(void)
{
	unsigned long frames;
	uint64_t t0, with;
	int i, bad = 0;

	/* The bench's own fault figures replaced the manager's handlers
	 * for load (13) and store (15) page faults: give them back, as the
	 * manager installs them (its leaf handler in front of vm_fault). */
	vm_fault_install();
	/* Once outside the clock: the page-table pages stay afterwards. */
	if (mmap_touch_munmap(0)) {
		printf("bench: vm_mmap or vm_munmap failed\n");
		return;
	}
	fill_pool();
	frames = sys2_kstat(KSTAT_MY_FRAMES).val;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		bad |= mmap_touch_munmap(i);
	with = rivet_instret() - t0;
	if (bad)
		printf("bench: vm_mmap or vm_munmap failed\n");
	if (sys2_kstat(KSTAT_MY_FRAMES).val != frames)
		printf("bench: mmap_touch_munmap kept frames\n");
	bench_print_n("mmap_touch_munmap", (int64_t)(with - empty_loop()), N,
		      "insns/op");
}
