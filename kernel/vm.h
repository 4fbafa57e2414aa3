/* SPDX-License-Identifier: MIT */
/* The kernel's own address space (the Sv39 code is in arch/riscv/vm.c). */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdint.h>

#include "kernel/memmap.h"

/*
 * Builds the final kernel page table and switches to it: the image with
 * W^X per section (text R-X, rodata R--, data and bss RW-), and the direct
 * map of the ranges in direct (RW-, never executable). The early table's
 * identity mapping is gone afterwards. Page-table pages come from
 * mem_alloc_page().
 */
int vm_init(const struct memmap *direct, uint64_t load_pa);

/*
 * Maps device registers at [pa, pa+size) into the direct-map window and
 * returns their virtual address in *va. Mapping a range again is fine.
 */
int vm_map_mmio(uint64_t pa, uint64_t size, uintptr_t *va);

/* Physical address of the kernel root table (for satp). */
uint64_t vm_kernel_root(void);

#endif
