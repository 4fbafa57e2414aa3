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

/* Creates d's empty address space (root table charged to d). */
int uvm_create(struct domain *d);

/* Maps one user page va -> pa with perm (PTE_R/W/X; U is added). */
int uvm_map(struct domain *d, uint64_t va, uint64_t pa, uint64_t perm);

/*
 * Translates a user address the way U-mode would see it. Returns 0 with
 * *pa and *perm (PTE bits), or E_RANGE if unmapped or not user-accessible.
 */
int uvm_lookup(const struct domain *d, uint64_t va, uint64_t *pa,
	       uint64_t *perm);

/* Frees every frame mapped in d's user half and every table page. */
void uvm_destroy(struct domain *d);

/* Switches this hart to d's address space. */
void uvm_activate(const struct domain *d);

#endif
