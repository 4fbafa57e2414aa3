// SPDX-License-Identifier: MIT
/*
 * Changing the rights of a domain's own mappings (SYS_protect): the
 * operation behind user-level write barriers, checkpointing and
 * distributed shared memory (docs/libos-vm.md). A mapping can be lowered
 * and given back up to the rights it was made with, which map checked
 * against the frame capability (kept in the PTE, arch/riscv/pte.h), so
 * protect never gives a domain more than its capability does. W^X holds:
 * a mapping's ceiling is R, RW or RX, and the frame table already counts
 * it at that ceiling (kernel/cap/frame_cap.c), whatever it is lowered to.
 * Revocation removes a lowered mapping like any other.
 */
#include "kernel/mm/protect.h"

#include "kernel/arch.h"
#include "kernel/sched/domain.h"
#include <rivet/abi.h>
#include <rivet/errno.h>
#include <rivet/syscall.h>

/* The rights rules of map, plus 0 (no access). */
static bool rights_valid(uint64_t rights)
{
	if (rights & ~(uint64_t)(RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X))
		return false;
	return !(rights & RIVET_CAP_W) ||
	       ((rights & RIVET_CAP_R) && !(rights & RIVET_CAP_X));
}

/* Several pages: all checked before any changes, one flush for all. */
static __attribute__((noinline)) long
protect_range(struct domain *d, uint64_t va, uint64_t npages, uint64_t perm)
{
	long rc = uvm_protect(&d->as, va, npages, perm);

	if (!rc)
		uvm_flush_range(&d->as, va, npages);
	return rc;
}

long protect_sys(uint64_t va, uint64_t npages, uint64_t rights,
		 struct domain *d)
{
	if (!rights_valid(rights) || (va & (PAGE_SIZE - 1)) || !npages)
		return E_INVAL;
	if (npages > RIVET_PROTECT_MAX)
		return E_TOOBIG;
	if (va >= RIVET_MAP_TOP || npages > (RIVET_MAP_TOP - va) / PAGE_SIZE)
		return E_RANGE;
	/* RIVET_CAP_R/W/X are PTE_R/W/X shifted down by one. One page, a
	 * write barrier's usual call, needs no loop and no range flush. */
	if (npages == 1)
		return uvm_protect_page(&d->as, va, rights << 1);
	return protect_range(d, va, npages, rights << 1);
}
