/* SPDX-License-Identifier: MIT */
/*
 * The read-only page-table view each domain has of itself (the layout is
 * in include/rivet/abi.h). The kernel writes an entry whenever it maps or
 * unmaps a user page below RIVET_MAP_TOP; view pages and the bitmap are
 * frames charged to the domain.
 */
#ifndef ARCH_RISCV_PTVIEW_H
#define ARCH_RISCV_PTVIEW_H

#include <stdint.h>

#include "arch/riscv/uvm.h"
#include <rivet/abi.h>

/* Maps the (empty) bitmap pages; at domain creation. A call that failed
 * (out of memory) may be made again: it goes on where it stopped. */
int ptview_init(struct uvm_space *d);

/*
 * Makes sure view pages exist for [va, va + npages pages), so that a map
 * that follows cannot fail for want of them. E_NOMEM past the quota.
 */
int ptview_prepare_slow(struct uvm_space *d, uint64_t va, uint64_t npages);

static inline int ptview_prepare(struct uvm_space *d, uint64_t va,
				 uint64_t npages)
{
	uint64_t n = va >> 21; /* the view page: 512 entries, 2 MiB */

	/* One page in a range already in view: the common case, inline. */
	if (npages == 1 && va < RIVET_MAP_TOP &&
	    (d->ptview_dir[n / 32768][(n % 32768) / 64] >> (n % 64)) & 1)
		return 0;
	return ptview_prepare_slow(d, va, npages);
}

/*
 * The view page of va's 2 MiB (its entry for va is at index
 * (va >> 12) % 512), or NULL if it was never prepared: for a caller
 * that sets many entries of one 2 MiB itself (map_batch's one-page path).
 */
uint64_t *ptview_page(struct uvm_space *d, uint64_t va);

/* Records pte (0: unmapped) for each page of [va, va + npages pages);
 * pte's physical page number advances with the page. */
void ptview_set_slow(struct uvm_space *d, uint64_t va, uint64_t npages,
		     uint64_t pte);

static inline void ptview_set(struct uvm_space *d, uint64_t va, uint64_t npages,
			      uint64_t pte)
{
	if (npages == 1 && (va >> 21) == d->ptview_last_n) {
		d->ptview_last[(va >> 12) & 511] = pte;
		return;
	}
	ptview_set_slow(d, va, npages, pte);
}

#endif
