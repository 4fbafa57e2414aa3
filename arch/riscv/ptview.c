// SPDX-License-Identifier: MIT
/* The page-table view; see ptview.h and include/rivet/abi.h. */
#include "arch/riscv/ptview.h"

#include "arch/riscv/memlayout.h"
#include "arch/riscv/pte.h"
#include "arch/riscv/uvm.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

#define ENTRIES_PER_PAGE (PAGE_SIZE / sizeof(uint64_t))

_Static_assert(RIVET_PTVIEW_VA + RIVET_PTVIEW_PAGES * 4096UL <=
		       RIVET_PTVIEW_DIR_VA,
	       "the view ends before its bitmap");
_Static_assert(RIVET_PTVIEW_DIR_PAGES <= 4, "struct uvm_space's ptview_dir");
_Static_assert(RIVET_PTVIEW_DIR_VA + RIVET_PTVIEW_DIR_PAGES * 4096UL <
		       RIVET_STACK_TOP - RIVET_STACK_PAGES * 4096UL,
	       "the bitmap ends below the stack");

/* Kernel address of the user page at va, or NULL if unmapped. */
static inline uint64_t *kva_of(const struct uvm_space *d, uint64_t va)
{
	return uvm_kva(d, va);
}

/* Maps a fresh zeroed read-only page at va for the view. */
static int map_view_page(struct uvm_space *d, uint64_t va)
{
	uint64_t pa;
	int rc = uvm_frame_alloc(d, &pa);

	if (rc)
		return rc;
	rc = uvm_map_page(d, va, pa, PTE_R);
	if (rc)
		uvm_frame_free(d, pa);
	return rc;
}

int ptview_init(struct uvm_space *d)
{
	uint64_t i;
	int rc;

	for (i = 0; i < RIVET_PTVIEW_DIR_PAGES; i++) {
		if (d->ptview_dir[i])
			continue; /* made by a call that failed after it */
		rc = map_view_page(d, RIVET_PTVIEW_DIR_VA + i * PAGE_SIZE);
		if (rc)
			return rc;
		d->ptview_dir[i] =
			kva_of(d, RIVET_PTVIEW_DIR_VA + i * PAGE_SIZE);
	}
	d->ptview_last = 0;
	d->ptview_last_n = ~0UL;
	return 0;
}

/* Kernel address of view page n (NULL if absent), cached per domain:
 * consecutive mappings land in the same view page. */
static uint64_t *view_page(struct uvm_space *d, uint64_t n)
{
	if (n != d->ptview_last_n) {
		d->ptview_last = kva_of(d, RIVET_PTVIEW_VA + n * PAGE_SIZE);
		d->ptview_last_n = d->ptview_last ? n : ~0UL;
	}
	return d->ptview_last;
}

uint64_t *ptview_page(struct uvm_space *d, uint64_t va)
{
	if (va >= RIVET_MAP_TOP)
		return 0;
	return view_page(d, (va >> PAGE_SHIFT) / ENTRIES_PER_PAGE);
}

int ptview_prepare_slow(struct uvm_space *d, uint64_t va, uint64_t npages)
{
	uint64_t first = (va >> PAGE_SHIFT) / ENTRIES_PER_PAGE;
	uint64_t last = ((va >> PAGE_SHIFT) + npages - 1) / ENTRIES_PER_PAGE;
	uint64_t n;
	int rc;

	if (!npages || va >= RIVET_MAP_TOP)
		return 0;
	for (n = first; n <= last && n < RIVET_PTVIEW_PAGES; n++) {
		uint64_t *dir = d->ptview_dir[n / 32768];

		if (!dir)
			return E_NOMEM; /* no view: created without one */
		if (dir[(n % 32768) / 64] & (1ULL << (n % 64)))
			continue;
		rc = map_view_page(d, RIVET_PTVIEW_VA + n * PAGE_SIZE);
		if (rc)
			return rc;
		dir[(n % 32768) / 64] |= 1ULL << (n % 64);
	}
	return 0;
}

void ptview_set_slow(struct uvm_space *d, uint64_t va, uint64_t npages,
		     uint64_t pte)
{
	uint64_t page = va >> PAGE_SHIFT, i;
	uint64_t *view = 0;

	for (i = 0; i < npages && page + i < (RIVET_MAP_TOP >> PAGE_SHIFT);
	     i++) {
		uint64_t idx = page + i;

		if (!view || idx % ENTRIES_PER_PAGE == 0)
			view = view_page(d, idx / ENTRIES_PER_PAGE);
		if (!view)
			continue; /* never prepared: nothing was mapped here */
		view[idx % ENTRIES_PER_PAGE] =
			pte ? pte + (i << PTE_PPN_SHIFT) : 0;
	}
}
