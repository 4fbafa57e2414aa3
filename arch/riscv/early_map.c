// SPDX-License-Identifier: MIT
/*
 * The first page table, built before the MMU is on.
 *
 * This file runs at the physical load address with translation off, so it
 * must only use PC-relative addressing: it is compiled with
 * -fno-jump-tables, calls nothing outside this file, and touches no global
 * but the tables below. Symbol addresses taken here are physical.
 *
 * The table maps:
 *   - KERNEL_VBASE.. -> the load address, in 2 MiB pages (the image is
 *     loaded 2 MiB-aligned), RWX for now; vm_init() replaces it with W^X;
 *   - the gigabyte we run in, identity-mapped, so the instruction after the
 *     satp write can still be fetched;
 *   - the direct map of the gigabytes holding the kernel and the device
 *     tree, so C code can read the tree before the full direct map exists.
 */
#include <stdint.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/memlayout.h"
#include "arch/riscv/pte.h"

extern char _start[], _end[];

static uint64_t early_root[512] __attribute__((aligned(4096)));
static uint64_t early_kernel_l1[512] __attribute__((aligned(4096)));

static void early_fail(const char *msg)
{
	/* Legacy SBI console_putchar works with the MMU off. */
	for (; *msg; msg++) {
		register long a0 __asm__("a0") = *msg;
		register long a7 __asm__("a7") = 1;
		__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	}
	for (;;)
		__asm__ volatile("wfi");
}

static void early_map_direct_giga(uint64_t pa)
{
	uint64_t giga = pa & ~(GIGA_SIZE - 1);

	if (pa >= DIRECT_MAX_PA)
		early_fail("rivet: early: address above the direct map\n");
	early_root[(DIRECT_BASE >> 30 & 0x1ff) + (giga >> 30)] =
		pte_leaf(giga, PTE_R | PTE_W | PTE_G);
}

/* Builds the early table for an image loaded at load_pa; returns satp. */
uint64_t early_map(uint64_t load_pa, uint64_t dtb_pa)
{
	uint64_t size = (uint64_t)(_end - _start);
	uint64_t nmega = (size + MEGA_SIZE - 1) / MEGA_SIZE;
	uint64_t i;

	if (load_pa & (MEGA_SIZE - 1))
		early_fail("rivet: early: image not loaded 2 MiB-aligned\n");
	if (nmega > 512 - (KERNEL_VBASE >> 21 & 0x1ff))
		early_fail("rivet: early: image too large\n");
	if (load_pa >= (1UL << 38))
		early_fail("rivet: early: load address above 256 GiB\n");

	early_root[KERNEL_VBASE >> 30 & 0x1ff] =
		pte_table((uint64_t)(uintptr_t)early_kernel_l1);
	for (i = 0; i < nmega; i++)
		early_kernel_l1[(KERNEL_VBASE >> 21 & 0x1ff) + i] = pte_leaf(
			load_pa + i * MEGA_SIZE, PTE_R | PTE_W | PTE_X | PTE_G);

	early_root[load_pa >> 30] =
		pte_leaf(load_pa & ~(GIGA_SIZE - 1), PTE_R | PTE_W | PTE_X);

	early_map_direct_giga(load_pa);
	early_map_direct_giga(dtb_pa);
	/* A tree may straddle a gigabyte boundary; its header is small. */
	early_map_direct_giga(dtb_pa + 64 * 1024);

	return SATP_MODE_SV39 | ((uint64_t)(uintptr_t)early_root >> PAGE_SHIFT);
}
