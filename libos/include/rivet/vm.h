/* SPDX-License-Identifier: MIT */
/*
 * The libOS virtual-memory manager (libos/lib/vm.c): demand-paged regions
 * over frame capabilities. The kernel only checks that a frame is ours
 * before it maps it; which frame backs which page, when, and what happens
 * when one is taken away is decided here. docs/libos-vm.md is the guide.
 *
 * A region is a page-aligned range of virtual addresses with rights and a
 * policy. Nothing is mapped when it is made: the first touch of a page
 * raises a page fault, the kernel reflects it to this domain, and the
 * manager's handler gets a frame (SYS_frame_alloc, or the region's pager),
 * maps it (SYS_map) and retries the instruction. Faults outside every
 * region are not ours: they stay unhandled and end the domain as before.
 *
 * All calls return 0 or a negative E_* code from <rivet/errno.h> unless
 * said otherwise. None of them is safe to call from another exception
 * handler except vm_fault.
 */
#ifndef RIVET_VM_H
#define RIVET_VM_H

#include <stddef.h>
#include <stdint.h>

#include <rivet/libos.h>

/* What a touch of a page whose frame was revoked does. */
enum vm_policy {
	VM_DEMAND_REFAULT, /* fault a fresh zeroed frame in, as if untouched */
	VM_DEMAND_STRICT,  /* an error: the domain ends with a message */
};

/* Where vm_mmap places its regions, and the manager's own table pages. */
#define VM_MMAP_BASE 0x0000000100000000UL /* 4 GiB */
#define VM_MMAP_TOP  0x0000003000000000UL
#define VM_META_BASE VM_MMAP_TOP /* up to 2 x 2 MiB of bookkeeping */
#define VM_META_TOP  (VM_META_BASE + 0x400000UL)

#define VM_REGIONS_MAX 32

/*
 * Gets a frame for page (page-aligned, inside the region) when it is first
 * touched. Returns the slot of a one-page frame capability that the
 * manager then owns (it maps it, and deletes it on vm_munmap), or a
 * negative E_* code, which makes the fault unhandled. Runs inside the
 * page-fault handler: it may make system calls but must not fault.
 */
typedef long (*vm_pager_fn)(uintptr_t page, void *arg);

/*
 * Makes [va, va + size) a demand-paged region mapped with rights
 * (RIVET_CAP_R, optionally W or X, never both; W needs R) under policy.
 * Returns 0, E_INVAL (misaligned, empty, bad rights or policy), E_RANGE
 * (beyond RIVET_MAP_TOP, or into the manager's own area), E_EXIST (overlaps
 * a region) or E_NOMEM (VM_REGIONS_MAX regions already).
 */
int vm_region_add(uintptr_t va, size_t size, unsigned rights,
		  enum vm_policy policy);

/*
 * Gives the region starting at va its own source of frames (NULL: back to
 * SYS_frame_alloc(RIVET_FRAME_ANY, 1, 1)). E_NOENT if no region starts at va.
 */
int vm_region_set_pager(uintptr_t va, vm_pager_fn fn, void *arg);

/*
 * An anonymous read-write (rights) region of size bytes, rounded up to
 * pages, at an address the manager picks between VM_MMAP_BASE and
 * VM_MMAP_TOP with at least one unmapped page on each side. Policy
 * VM_DEMAND_REFAULT. Returns its address, or NULL.
 */
void *vm_mmap(size_t size, unsigned rights);

/*
 * Removes [p, p + size) (size rounded up to pages) from whatever regions
 * it covers: shrinks, splits or deletes them, and for every page there
 * that was faulted in deletes its capability, which unmaps it and, for
 * frames the manager allocated, returns them to the kernel. Page-table
 * pages stay with the domain. Returns 0, E_INVAL (p misaligned), or
 * E_NOMEM (splitting a region needs a free region entry).
 */
int vm_munmap(void *p, size_t size);

/*
 * Gives back the frames behind [p, p + size) (size rounded up to pages) but
 * keeps the range in its regions: the next touch of a page there faults in
 * a fresh zeroed frame. Returns 0 or E_INVAL (p misaligned).
 */
int vm_discard(void *p, size_t size);

/*
 * Faults in every page of [p, p + size) now, as a touch would. Use it for
 * buffers handed to the kernel: system calls check user memory against
 * the page table and do not fault pages in. Returns 0, E_RANGE (a page is
 * outside every region), or the error of the first page that failed.
 */
int vm_populate(void *p, size_t size);

/*
 * Backs page va of a region with a frame capability obtained elsewhere
 * (a peer's grant), mapped with the region's rights. The manager then
 * treats it like a page it faulted in: revocation, vm_munmap. Returns 0,
 * E_RANGE (outside every region), E_EXIST (the page is backed), or the
 * error of SYS_map.
 */
int vm_adopt(uintptr_t va, unsigned long slot);

/*
 * The slot backing page va: >= 0, E_NOENT if not faulted in, E_PERM if its
 * frame was revoked in a VM_DEMAND_STRICT region, E_RANGE outside regions.
 */
long vm_page_slot(uintptr_t va);

/*
 * Reads the info page's ring of revoked capabilities from where the last
 * call stopped, and forgets every page whose slot is there: a
 * VM_DEMAND_REFAULT page becomes untouched, a VM_DEMAND_STRICT one is
 * marked revoked. Returns how many pages it forgot. The page-fault handler
 * calls it first, so calling it yourself is only needed for prompt
 * bookkeeping. It leaves RIVET_EVENT_REVOKED pending: the bit is the
 * application's.
 */
int vm_handle_revocations(void);

/*
 * The page-fault handler (causes 12, 13, 15), installed before main. An
 * application that registers its own handler for those causes should call
 * this first and handle the fault itself only if it returns non-zero.
 */
int vm_fault(struct rivet_upcall *u, void *arg);

/*
 * Installs the manager's page-fault handlers as at start-up: vm_fault on
 * the light entry for causes 12, 13 and 15, with its common case as a
 * leaf handler in front for 13 and 15 (rivet_exc_register_leaf). For a
 * program that registered handlers of its own for those causes and
 * wants the manager's back.
 */
void vm_fault_install(void);

/* Counters, for tests and curiosity. */
/*
 * Sets the rights of the mapped pages [p, p + size) (page-aligned) to
 * rights (RIVET_CAP_R/W/X as for SYS_map, or 0: no access), each at most
 * the rights it was mapped with: SYS_protect in pieces of
 * RIVET_PROTECT_MAX pages, so a long range that fails part-way keeps the
 * pieces done. E_INVAL, E_RANGE (a page not mapped, or a megapage),
 * E_PERM (above a page's mapping).
 */
int vm_protect(void *p, size_t size, unsigned rights);

/*
 * A write barrier over mapped read-write memory [p, p + size), at most
 * VM_BARRIER_PAGES_MAX pages, one range at a time (libos/lib/vmprotect.c):
 * the range becomes read-only; the first store to a page faults,
 * vm_fault marks the page dirty, gives it back its write right and the
 * store goes on. vm_dirty_scan lists up to max dirty pages (ascending),
 * makes them read-only again and clean, and returns how many; a page
 * written after its scan is dirty again. vm_barrier_stop gives the whole
 * range back its write right. vm_barrier_faults counts the barrier's
 * faults. E_BUSY (a barrier is on), E_TOOBIG, and vm_protect's errors.
 */
#define VM_BARRIER_PAGES_MAX 4096
int vm_barrier_start(void *p, size_t size);
size_t vm_dirty_scan(uintptr_t *pages, size_t max);
int vm_barrier_stop(void);
uint64_t vm_barrier_faults(void);
/* vm_fault's first step for a store fault: 0 if it was the barrier's. */
int vm_barrier_fault(uintptr_t va);

struct vm_stats {
	unsigned long faults;	    /* page faults served with a new frame */
	unsigned long pages;	    /* pages backed now (adopted included) */
	unsigned long frames;	    /* frames allocated for pages, held now */
	unsigned long table_frames; /* frames holding the page table */
	unsigned long revoked;	    /* pages lost to revocation so far */
	unsigned long lost_events;  /* ring entries overwritten unread */
	unsigned long regions;	    /* regions now */
};

void vm_stats(struct vm_stats *s);

#endif
