/* SPDX-License-Identifier: MIT */
/*
 * Domain address spaces (Sv39). The kernel half of every root table points
 * at the kernel's own tables, so traps run on the domain's satp. Every page
 * a domain can reach, tables included, is a frame charged to it.
 */
#ifndef ARCH_RISCV_UVM_H
#define ARCH_RISCV_UVM_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

/*
 * Set when the hart has fewer ASID bits than domains need: every address
 * space switch must then flush the TLB (uvm_probe_asids decides).
 */
extern uint32_t uvm_asid_flush;

/* Page-table pages of every domain's address space (KSTAT_PT_PAGES). */
extern uint64_t uvm_table_pages;

/* Finds how many ASID bits satp implements and logs it; once at boot. */
void uvm_probe_asids(unsigned domains_max);

/* The root table of d's address space (kernel/domain.h has the struct). */
uint64_t uvm_root_pa(const struct domain *d);

/* Creates d's empty address space (root table charged to d). */
int uvm_create(struct domain *d);

/* Maps one user page va -> pa with perm (PTE_R/W/X; U is added). */
int uvm_map(struct domain *d, uint64_t va, uint64_t pa, uint64_t perm);

/* Maps [va, va+size) -> pa with perm (+U), megapages where aligned. */
int uvm_map_range(struct domain *d, uint64_t va, uint64_t pa, uint64_t size,
		  uint64_t perm);

/*
 * Maps one 4 KiB user page va -> pa with perm (+U), walking the tables
 * directly: the hot path of demand paging and map_batch. Returns 0,
 * E_EXIST if va is already mapped (nothing changes), or E_NOMEM.
 */
int uvm_map_page(struct domain *d, uint64_t va, uint64_t pa, uint64_t perm);

/*
 * Kernel address of the user page mapped at va (any permission), or NULL:
 * a direct walk for the kernel's own bookkeeping (the page-table view).
 */
static inline void *uvm_kva(const struct domain *d, uint64_t va);

/* Removes the mappings of [va, va+size) and flushes them from the TLB. */
int uvm_unmap(struct domain *d, uint64_t va, uint64_t size);

/*
 * Translates a user address the way U-mode would see it. Returns 0 with
 * *pa and *perm (PTE bits), or E_RANGE if unmapped or not user-accessible.
 */
int uvm_lookup(const struct domain *d, uint64_t va, uint64_t *pa,
	       uint64_t *perm);

/* Like uvm_lookup, with the leaf PTE and its level (0: 4 KiB). */
int uvm_lookup_leaf(const struct domain *d, uint64_t va, uint64_t *pa,
		    uint64_t *pte, unsigned *level);

/* Frees every frame mapped in d's user half and every table page. */
void uvm_destroy(struct domain *d);

/*
 * The satp value that selects an address space. Each domain has its own
 * ASID and its TLB entries are flushed when its mappings change or it
 * ends, so switching domains is only this write (trap_entry.S does it on
 * the directed-yield fast path, from struct domain's satp field).
 */
static inline uint64_t uvm_satp(uint64_t root_pa, uint16_t asid)
{
	return (8UL << 60) | (uint64_t)asid << 44 | root_pa >> 12;
}

/* Drops every TLB entry of this ASID (after unmapping, or at the end). */
static inline void uvm_flush_asid(uint16_t asid)
{
	__asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid)
			 : "memory");
}

#include "arch/riscv/memlayout.h"
#include "arch/riscv/pte.h"

static inline void *uvm_kva(const struct domain *d, uint64_t va)
{
	const uint64_t *t = phys_to_virt(uvm_root_pa(d));
	uint64_t e;
	int level;

	for (level = 2; level >= 0; level--) {
		e = t[(va >> (12 + 9 * level)) & 0x1ff];
		if (!(e & PTE_V))
			return 0;
		if (pte_is_leaf(e))
			return (char *)phys_to_virt(pte_pa(e)) +
			       (va & ((1UL << (12 + 9 * level)) - 1) &
				~0xfffUL);
		t = phys_to_virt(pte_pa(e));
	}
	return 0;
}

#endif
