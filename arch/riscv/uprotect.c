// SPDX-License-Identifier: MIT
/*
 * Changing the rights of a domain's own 4 KiB mappings in place
 * (SYS_protect, kernel/mm/protect.c): the leaf keeps its frame, its RSW
 * ceiling (pte.h: the rights it was mapped with) and its A/D bits; only
 * R/W/X and U change, and the page-table view follows. The caller
 * flushes the TLB once for the whole range (uvm_flush_range).
 */
#include "arch/riscv/uvm.h"

#include "arch/riscv/memlayout.h"
#include "arch/riscv/pte.h"
#include "arch/riscv/ptview.h"
#include <rivet/errno.h>

/* The last-level table that maps va, or 0 if a larger leaf or nothing
 * covers it. Inline for uvm_protect_page; the loops call table_4k. */
static inline __attribute__((always_inline)) uint64_t *
table_4k_inline(const struct uvm_space *d, uint64_t va)
{
	uint64_t *t = phys_to_virt(d->root_pa), e;
	int level;

	for (level = 2; level > 0; level--) {
		e = t[(va >> (12 + 9 * level)) & 0x1ff];
		if (!(e & PTE_V) || pte_is_leaf(e))
			return 0;
		t = phys_to_virt(pte_pa(e));
	}
	return t;
}

static __attribute__((noinline)) uint64_t *table_4k(const struct uvm_space *d,
						    uint64_t va)
{
	return table_4k_inline(d, va);
}

/*
 * The leaf of each page in turn, walking the tables once per 2 MiB: the
 * per-page cost of a long protect is one index. 0 where no 4 KiB leaf is.
 */
struct leaf_walk {
	const struct uvm_space *d;
	uint64_t *table;
};

static inline __attribute__((always_inline)) uint64_t *
leaf_at(struct leaf_walk *w, uint64_t va, int first)
{
	uint64_t *e;

	if (first || !(va & 0x1ff000))
		w->table = table_4k(w->d, va);
	if (!w->table)
		return 0;
	e = &w->table[(va >> 12) & 0x1ff];
	return pte_is_leaf(*e) ? e : 0;
}

/*
 * A leaf with rights perm. No access is a leaf U-mode cannot use: U off,
 * R kept, because a valid PTE without R, W and X points to a table.
 */
static uint64_t with_perm(uint64_t pte, uint64_t perm)
{
	pte &= ~(PTE_LEAF_MASK | PTE_U);
	return perm ? pte | perm | PTE_U : pte | PTE_R;
}

int uvm_protect(struct uvm_space *d, uint64_t va, uint64_t npages,
		uint64_t perm)
{
	struct leaf_walk w = { d, 0 };
	uint64_t i, *e;

	/* Every page first: all or nothing. */
	for (i = 0; i < npages; i++) {
		e = leaf_at(&w, va + i * PAGE_SIZE, !i);
		if (!e || !(*e & PTE_CEIL_MASK))
			return E_RANGE;
		if (perm & ~pte_ceiling(*e))
			return E_PERM;
	}
	for (i = 0; i < npages; i++) {
		e = leaf_at(&w, va + i * PAGE_SIZE, !i);
		*e = with_perm(*e, perm);
		ptview_set(d, va + i * PAGE_SIZE, 1, *e);
	}
	return 0;
}

/* One page, the common case of a write barrier (appel_prot1, appel_trap
 * in make bench): one walk, no loop, none of the loops' registers, and
 * the page's TLB entry flushed here. */
int uvm_protect_page(struct uvm_space *d, uint64_t va, uint64_t perm)
{
	uint64_t *t = table_4k_inline(d, va), *e, pte;

	if (!t)
		return E_RANGE;
	e = &t[(va >> 12) & 0x1ff];
	pte = *e;
	if (!pte_is_leaf(pte) || !(pte & PTE_CEIL_MASK))
		return E_RANGE;
	if (perm & ~pte_ceiling(pte))
		return E_PERM;
	pte = with_perm(pte, perm);
	*e = pte;
	uvm_flush_range(d, va, 1);
	ptview_set(d, va, 1, pte); /* last: nothing to keep across its call */
	return 0;
}
