/* SPDX-License-Identifier: MIT */
/*
 * The kernel's virtual address layout (Sv39). These are virtual addresses
 * the kernel chooses; no physical address of any board appears here.
 *
 *   0xffffffc000000000  direct map: va = pa + DIRECT_BASE, RAM (and the
 *                       few MMIO pages the kernel maps) below 254 GiB
 *   0xffffffff80000000  kernel image, mapped to wherever it was loaded
 *   0xffffffffc0000000  MMIO window: device registers above 254 GiB
 *                       (TH1520, SG2042), handed out in order
 */
#ifndef ARCH_RISCV_MEMLAYOUT_H
#define ARCH_RISCV_MEMLAYOUT_H

#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE  (_UL(1) << PAGE_SHIFT)
#define MEGA_SIZE  (_UL(1) << 21) /* Sv39 level-1 leaf */
#define GIGA_SIZE  (_UL(1) << 30) /* Sv39 level-2 leaf */

#define KERNEL_VBASE _UL(0xffffffff80000000)
#define DIRECT_BASE  _UL(0xffffffc000000000)
/* Root slots 0x100..0x1fd hold the direct map; 0x1fe is the kernel's. */
#define DIRECT_MAX_PA (_UL(254) << 30)

/* The root table's last slot: 1 GiB for device registers the direct map
 * cannot reach. */
#define MMIO_WINDOW_BASE _UL(0xffffffffc0000000)
#define MMIO_WINDOW_END	 _UL(0xfffffffffffff000) /* last page left out */

/* booti places the image at RAM base + this; the Image header says so. */
#define IMAGE_TEXT_OFFSET _UL(0x200000)

#ifndef __ASSEMBLY__
#include <stdint.h>

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_BASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va - DIRECT_BASE;
}
#endif

#endif
