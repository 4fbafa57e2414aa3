/* SPDX-License-Identifier: MIT */
/* The kernel's own address space (Sv39; the code is in vm.c). */
#ifndef ARCH_RISCV_VM_H
#define ARCH_RISCV_VM_H

#include <stdint.h>

/*
 * Starts the final kernel page table: the image with W^X per section
 * (text R-X, rodata R--, data and bss RW-). Its page-table pages, now and
 * later (vm_map_direct, vm_map_mmio), come from alloc_page, the kernel's
 * page source passed in (kernel/mm/mem.c's mem_alloc_page).
 */
int vm_init(uint64_t load_pa, int (*alloc_page)(uint64_t *pa));

/* Adds RAM [base, base+size) to the direct map (RW-, never executable);
 * what lies past the direct-map window is left out. */
int vm_map_direct(uint64_t base, uint64_t size);

/* Switches to the table built above; the early table's identity mapping
 * is gone afterwards. */
void vm_activate(void);

/*
 * Maps device registers at [pa, pa+size) and returns their virtual
 * address in *va: in the direct map below DIRECT_MAX_PA, else in the MMIO
 * window (vm_map_mmio_window). Mapping a range again is fine.
 */
int vm_map_mmio(uint64_t pa, uint64_t size, uintptr_t *va);

/*
 * Maps [pa, pa+size) in the MMIO window whatever pa is (vm_map_mmio uses
 * it above the direct map; the boot test hook uses it on RAM to check it).
 * A range inside one mapped before gets the same address again. E_RANGE
 * for an empty or wrapping range, E_NOMEM when the window or its list of
 * MMIO_WINDOW_RANGES ranges is full.
 */
int vm_map_mmio_window(uint64_t pa, uint64_t size, uintptr_t *va);

/* Physical address of va, an address inside the kernel image. */
uint64_t vm_kernel_pa(const void *va);

/* Physical address of the kernel root table (for satp). */
uint64_t vm_kernel_root(void);

#endif
