// SPDX-License-Identifier: MIT
/*
 * A concurrent-GC-style write barrier (tests/qemu/test_protect.py): a
 * mutator writes a heap while a "collector" keeps a copy of it up to
 * date, copying only the pages the barrier saw written since its last
 * scan (vm_barrier_start, vm_dirty_scan: write faults on read-only
 * pages, libos/lib/vmprotect.c). If the barrier missed one write, the
 * copy would differ from the heap; and the heap must end as the same
 * writes leave it in plain memory, with no barrier at all.
 */
#include <stdint.h>
#include <string.h>

#include <rivet/libos.h>
#include <rivet/vm.h>

#include "tests.h"

#define HEAP_PAGES 64
#define HEAP_WORDS (HEAP_PAGES * 512)
#define ROUNDS	   8
#define WRITES	   300

/* The collector's copy and the run without a barrier: mapped by the
 * role, not in .bss, which every domain running tests.elf would pay for
 * (the spawn tests give their children small quotas). */
static uint64_t *replica, *plain;

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 17;
}

static uint64_t checksum(const uint64_t *w)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < HEAP_WORDS; i++)
		h = (h ^ w[i]) * 1099511628211ULL;
	return h;
}

/* The mutator's work: the same writes whatever memory it is given. */
static void init(uint64_t *heap)
{
	size_t i;

	for (i = 0; i < HEAP_WORDS; i++)
		heap[i] = i * 0x9e3779b97f4a7c15ULL;
}

static void mutate(uint64_t *heap, uint64_t *seed)
{
	int i;

	for (i = 0; i < WRITES; i++) {
		uint64_t r = next(seed);

		heap[r % HEAP_WORDS] = next(seed);
	}
}

/* The collector: copies each page written since the last scan. */
static uint64_t collect(const uint64_t *heap)
{
	uintptr_t pages[HEAP_PAGES];
	size_t n, i;
	uint64_t copied = 0;

	do {
		n = vm_dirty_scan(pages, HEAP_PAGES);
		for (i = 0; i < n; i++) {
			size_t w = (pages[i] - (uintptr_t)heap) / 8;

			memcpy(&replica[w], &heap[w], 4096);
		}
		copied += n;
	} while (n);
	return copied;
}

static void role_gc_barrier(void)
{
	uint64_t *heap = vm_mmap(HEAP_PAGES * 4096, RIVET_CAP_R | RIVET_CAP_W);
	uint64_t seed = 12345, copied = 0, faults;
	int round;

	replica = vm_mmap(HEAP_PAGES * 4096, RIVET_CAP_R | RIVET_CAP_W);
	plain = vm_mmap(HEAP_PAGES * 4096, RIVET_CAP_R | RIVET_CAP_W);
	if (!heap || !replica || !plain ||
	    vm_populate(heap, HEAP_PAGES * 4096)) {
		report("gc_heap_mapped", 0, "heap %lx", (long)heap, 0);
		return;
	}
	report("gc_heap_mapped", 1, "", 0, 0);
	init(heap);
	memcpy(replica, heap, HEAP_PAGES * 4096);
	EXPECT_EQ("gc_barrier_start", vm_barrier_start(heap, HEAP_PAGES * 4096),
		  0);
	EXPECT_EQ("gc_barrier_second_refused", vm_barrier_start(heap, 4096),
		  E_BUSY);
	for (round = 0; round < ROUNDS; round++) {
		mutate(heap, &seed);
		copied += collect(heap);
	}
	faults = vm_barrier_faults();
	report("gc_barrier_every_fault_one_dirty_page",
	       faults == copied && faults > ROUNDS, "faults %ld, copied %ld",
	       (long)faults, (long)copied);
	report("gc_replica_matches_heap", checksum(replica) == checksum(heap),
	       "replica %lx heap %lx", (long)checksum(replica),
	       (long)checksum(heap));
	/* The same program without a barrier. */
	seed = 12345;
	init(plain);
	for (round = 0; round < ROUNDS; round++)
		mutate(plain, &seed);
	report("gc_heap_matches_run_without_barrier",
	       checksum(plain) == checksum(heap), "plain %lx heap %lx",
	       (long)checksum(plain), (long)checksum(heap));
	EXPECT_EQ("gc_barrier_stop", vm_barrier_stop(), 0);
	heap[7] = 1; /* writable again: no barrier fault */
	EXPECT_EQ("gc_barrier_stopped_no_fault", vm_barrier_faults(), faults);
	EXPECT_EQ("vm_protect_unaligned", vm_protect((char *)heap + 8, 4096, 1),
		  E_INVAL);
	EXPECT_EQ("vm_protect_whole_heap",
		  vm_protect(heap, HEAP_PAGES * 4096, RIVET_CAP_R), 0);
	EXPECT_EQ("vm_protect_above_mapping",
		  vm_protect(heap, 4096, RIVET_CAP_R | RIVET_CAP_X), E_PERM);
	EXPECT_EQ("vm_munmap_protected", vm_munmap(heap, HEAP_PAGES * 4096), 0);
}

const struct role gcbarrier_roles[] = {
	{ "t_gc_barrier", role_gc_barrier },
	{ 0 },
};
