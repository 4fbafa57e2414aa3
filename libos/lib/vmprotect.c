// SPDX-License-Identifier: MIT
/*
 * Protection changes for the libOS VM manager (<rivet/vm.h>,
 * docs/libos-vm.md): vm_protect over SYS_protect, and a write barrier
 * that finds the pages written since the last scan through the faults
 * their first write takes, the way a concurrent or generational garbage
 * collector, an incremental checkpointer or a DSM runtime does (Appel &
 * Li). One barrier range at a time; its dirty set is a bitmap.
 */
#include <stdbool.h>
#include <stdint.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/vm.h>

#include "vm_barrier.h"

#define PAGE_SIZE 4096UL
#define PAGE_MASK (PAGE_SIZE - 1)
#define RW	  (RIVET_CAP_R | RIVET_CAP_W)

int vm_protect(void *p, size_t size, unsigned rights)
{
	uintptr_t va = (uintptr_t)p;
	size_t pages = size / PAGE_SIZE, n;
	long rc;

	if ((va & PAGE_MASK) || (size & PAGE_MASK) || !size)
		return E_INVAL;
	while (pages) {
		n = pages < RIVET_PROTECT_MAX ? pages : RIVET_PROTECT_MAX;
		rc = sys_protect(va, n, rights);
		if (rc)
			return (int)rc;
		va += n * PAGE_SIZE;
		pages -= n;
	}
	return 0;
}

uintptr_t vm_barrier_lo, vm_barrier_size;

static struct {
	bool on;
	uintptr_t lo, hi;
	uint64_t dirty[VM_BARRIER_PAGES_MAX / 64];
	size_t ndirty;
	uint64_t faults;
} bar;

int vm_barrier_start(void *p, size_t size)
{
	int rc;

	if (bar.on)
		return E_BUSY;
	if (size > VM_BARRIER_PAGES_MAX * PAGE_SIZE)
		return E_TOOBIG;
	rc = vm_protect(p, size, RIVET_CAP_R);
	if (rc)
		return rc;
	bar.lo = (uintptr_t)p;
	bar.hi = bar.lo + size;
	bar.ndirty = 0;
	bar.faults = 0;
	for (size_t i = 0; i < VM_BARRIER_PAGES_MAX / 64; i++)
		bar.dirty[i] = 0;
	bar.on = true;
	vm_barrier_lo = bar.lo;
	vm_barrier_size = bar.hi - bar.lo;
	return 0;
}

int vm_barrier_fault(uintptr_t va)
{
	uintptr_t page = va & ~PAGE_MASK;
	size_t n;

	if (!bar.on || va < bar.lo || va >= bar.hi)
		return 1;
	n = (page - bar.lo) / PAGE_SIZE;
	if (sys_protect(page, 1, RW))
		return 1;
	if (!(bar.dirty[n / 64] & (1ULL << (n % 64)))) {
		bar.dirty[n / 64] |= 1ULL << (n % 64);
		bar.ndirty++;
	}
	bar.faults++;
	return 0; /* the store is retried, now allowed */
}

size_t vm_dirty_scan(uintptr_t *pages, size_t max)
{
	size_t n, got = 0, npages;

	if (!bar.on)
		return 0;
	npages = (bar.hi - bar.lo) / PAGE_SIZE;
	for (n = 0; n < npages && got < max; n++) {
		uintptr_t page = bar.lo + n * PAGE_SIZE;

		if (!(bar.dirty[n / 64] & (1ULL << (n % 64))))
			continue;
		/* Read-only again first: a write from here on is seen by
		 * the next scan. */
		if (sys_protect(page, 1, RIVET_CAP_R))
			break;
		bar.dirty[n / 64] &= ~(1ULL << (n % 64));
		bar.ndirty--;
		pages[got++] = page;
	}
	return got;
}

uint64_t vm_barrier_faults(void)
{
	return bar.faults;
}

int vm_barrier_stop(void)
{
	int rc;

	if (!bar.on)
		return E_INVAL;
	rc = vm_protect((void *)bar.lo, bar.hi - bar.lo, RW);
	bar.on = false;
	vm_barrier_lo = vm_barrier_size = 0;
	return rc;
}
