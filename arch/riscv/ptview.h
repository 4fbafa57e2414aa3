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

struct domain;

/* Maps the (empty) bitmap pages; at domain creation. */
int ptview_init(struct domain *d);

/*
 * Makes sure view pages exist for [va, va + npages pages), so that a map
 * that follows cannot fail for want of them. E_NOMEM past the quota.
 */
int ptview_prepare(struct domain *d, uint64_t va, uint64_t npages);

/* Records pte (0: unmapped) for each page of [va, va + npages pages);
 * pte's physical page number advances with the page. */
void ptview_set(struct domain *d, uint64_t va, uint64_t npages, uint64_t pte);

#endif
