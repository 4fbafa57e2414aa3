/* SPDX-License-Identifier: MIT */
/*
 * The heap behind picolibc's malloc: sbrk() over a demand-paged region of
 * the VM manager (libos/lib/vm.c). The break moves through HEAP_SIZE of
 * reserved addresses at HEAP_VA; a page costs a frame only once it is
 * touched, and pages given back below a shrinking break return their
 * frames. A revoked heap page comes back zeroed (VM_DEMAND_REFAULT).
 *
 * If that region cannot be set up (an application took the addresses, or
 * not even one frame can be had), sbrk falls back to a small arena in
 * .bss, which the loader backs and charges whether it is used or not.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <rivet/vm.h>

#define HEAP_VA	   0x40000000UL /* 1 GiB: above any image, below vm_mmap */
#define HEAP_SIZE  0x40000000UL
#define ARENA_SIZE (32 * 1024)
#define PAGE	   4096UL

static char arena[ARENA_SIZE] __attribute__((aligned(16)));

static char *heap_base; /* NULL until the first sbrk */
static size_t heap_size, brk_off;
static bool heap_paged;

/* Chooses the heap: the VM region if it can be made and backed, else the
 * arena. */
static void heap_init(void)
{
	if (!vm_region_add(HEAP_VA, HEAP_SIZE, RIVET_CAP_R | RIVET_CAP_W,
			   VM_DEMAND_REFAULT)) {
		/* One page now: proves frames and mappings can be had. */
		if (!vm_populate((void *)HEAP_VA, PAGE)) {
			heap_base = (char *)HEAP_VA;
			heap_size = HEAP_SIZE;
			heap_paged = true;
			return;
		}
		vm_munmap((void *)HEAP_VA, HEAP_SIZE);
	}
	heap_base = arena;
	heap_size = sizeof(arena);
}

static uintptr_t page_up(uintptr_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

/*
 * Moves the break by incr bytes. Returns the old break, or (void *)-1 with
 * errno = ENOMEM if the new break would leave the heap. Growing maps
 * nothing: pages fault in when touched. Shrinking gives back the frames of
 * whole pages above the new break.
 */
void *sbrk(ptrdiff_t incr)
{
	char *old;

	if (!heap_base)
		heap_init();
	old = heap_base + brk_off;
	if ((incr > 0 && (size_t)incr > heap_size - brk_off) ||
	    (incr < 0 && (size_t)-incr > brk_off)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	brk_off += incr;
	if (incr < 0 && heap_paged) {
		uintptr_t lo = page_up((uintptr_t)heap_base + brk_off);
		uintptr_t hi = page_up((uintptr_t)old);

		if (hi > lo)
			vm_discard((void *)lo, hi - lo);
	}
	return old;
}
