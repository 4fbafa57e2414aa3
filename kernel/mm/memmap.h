/* SPDX-License-Identifier: MIT */
/*
 * Usable RAM: the RAM ranges minus every range to avoid (firmware,
 * reserved-memory, kernel image, device tree, initramfs), page-aligned.
 * Pure: no allocation, host-testable.
 */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <stdint.h>

#include "kernel/boot/machine.h"

#define MEMMAP_MAX 64

struct memmap {
	struct mem_range r[MEMMAP_MAX];
	unsigned n;
};

/*
 * Sets out to ram minus avoid, each range shrunk inward to page bounds,
 * sorted by address, empty ranges dropped. Returns 0, E_TOOBIG if more
 * than MEMMAP_MAX pieces result, or E_RANGE if a range wraps around.
 */
int memmap_subtract(struct memmap *out, const struct mem_range *ram,
		    unsigned nram, const struct mem_range *avoid,
		    unsigned navoid);

/*
 * Removes [base, end) from m, splitting a range where needed. Returns 0 or
 * E_TOOBIG if a split needs more than MEMMAP_MAX ranges.
 */
int memmap_remove(struct memmap *m, uint64_t base, uint64_t end);

/* Sum of the sizes in m. */
uint64_t memmap_total(const struct memmap *m);

#endif
