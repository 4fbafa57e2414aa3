/* SPDX-License-Identifier: MIT */
/* Kernel memory setup: usable RAM, the kernel page table, the frame table. */
#ifndef KERNEL_MEM_H
#define KERNEL_MEM_H

#include <stdint.h>

#include "kernel/mm/frame.h"
#include "kernel/boot/machine.h"

/*
 * Works out usable RAM from m (excluding firmware, reserved-memory, the
 * kernel at load_pa, the device tree at dtb_pa and the initramfs), logs
 * it, switches to the final kernel page table and fills the frame table.
 * Returns 0 or a negative error after logging the cause.
 */
int mem_init(const struct machine *m, uint64_t load_pa, uint64_t dtb_pa);

/* A zeroed page for kernel use (page tables); physical address in *pa. */
int mem_alloc_page(uint64_t *pa);

/* The kernel's frame table, valid after mem_init(): through
 * mem_frames(), inline (every frame taken or mapped looks it up). */
extern struct frame_table mem_frame_table;

static inline struct frame_table *mem_frames(void)
{
	return &mem_frame_table;
}

/* Size of the loaded image, bss included. */
uint64_t mem_kernel_size(void);

#endif
