/* SPDX-License-Identifier: MIT */
/*
 * Sv39 page-table construction and lookup. Tables are reached through
 * ops->va (the direct map in the kernel, plain pointers in host tests) and
 * new table pages come from ops->alloc, so this code is pure.
 */
#ifndef ARCH_RISCV_PAGETABLE_H
#define ARCH_RISCV_PAGETABLE_H

#include <stdint.h>

struct pt_ops {
	/* Returns 0 and a zeroed page's physical address, or an error. */
	int (*alloc)(void *ctx, uint64_t *pa);
	/* Pointer through which the table page at pa can be accessed. */
	uint64_t *(*va)(void *ctx, uint64_t pa);
	void *ctx;
};

/*
 * Maps [va, va+size) to [pa, pa+size) with perm (PTE_R/W/X/U/G), using 1 GiB
 * and 2 MiB pages wherever both addresses are aligned. Returns 0, E_INVAL
 * for misaligned or non-canonical input or W without R, E_EXIST if a page
 * in the range is already mapped, or the allocator's error.
 */
int pt_map(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t pa,
	   uint64_t size, uint64_t perm);

/*
 * Removes the mappings of [va, va+size): every leaf in the range must lie
 * wholly inside it (a 2 MiB or 1 GiB page is removed whole or not at all).
 * Table pages stay. Returns 0, E_INVAL for misaligned input or a leaf that
 * straddles the range, E_NOENT if a page in the range was not mapped (the
 * pages before it are already removed).
 */
int pt_unmap(const struct pt_ops *ops, uint64_t root, uint64_t va,
	     uint64_t size);

/*
 * Translates va. Returns 0 with *pa, *pte (may be NULL) and *level (0 for
 * 4 KiB, 1 for 2 MiB, 2 for 1 GiB), or E_NOENT if unmapped.
 */
int pt_lookup(const struct pt_ops *ops, uint64_t root, uint64_t va,
	      uint64_t *pa, uint64_t *pte, unsigned *level);

#endif
