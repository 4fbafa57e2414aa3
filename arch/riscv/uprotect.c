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

/* How many of n pages from va lie in va's last-level table (2 MiB). */
static uint64_t pages_in_table(uint64_t va, uint64_t n)
{
	uint64_t left = 512 - ((va >> 12) & 0x1ff);

	return n < left ? n : left;
}

/* Bit c set: a leaf whose ceiling code (pte.h, RSW bits) is c may be
 * given perm. Code 0 (no ceiling: not a mapping of a capability) never. */
static unsigned ceiling_ok(uint64_t perm)
{
	unsigned c, ok = 0;

	for (c = 1; c < 4; c++)
		if (!(perm & ~pte_ceiling((uint64_t)c << PTE_CEIL_SHIFT)))
			ok |= 1u << c;
	return ok;
}

/*
 * Checks the leaves of [va, va + npages pages) table by table: one walk
 * per 2 MiB, then a pointer over the entries, so the per-page cost is a
 * load and three tests. The first page that fails says which error.
 */
static int protect_check(const struct uvm_space *d, uint64_t va,
			 uint64_t npages, uint64_t perm)
{
	unsigned ok = ceiling_ok(perm);
	uint64_t done, n, *e, *end;

	for (done = 0; done < npages; done += n) {
		uint64_t v = va + done * PAGE_SIZE, *t = table_4k(d, v);

		if (!t)
			return E_RANGE;
		n = pages_in_table(v, npages - done);
		for (e = &t[(v >> 12) & 0x1ff], end = e + n; e < end; e++) {
			unsigned c = (unsigned)(*e >> PTE_CEIL_SHIFT) & 3;

			if (!pte_is_leaf(*e) || !c)
				return E_RANGE;
			if (!(ok >> c & 1))
				return E_PERM;
		}
	}
	return 0;
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
	uint64_t set = with_perm(0, perm), done, n, i;
	int rc = protect_check(d, va, npages, perm);

	if (rc)
		return rc;
	/* Every leaf is there (checked): table by table, as the check. */
	for (done = 0; done < npages; done += n) {
		uint64_t v = va + done * PAGE_SIZE, *t = table_4k(d, v);

		n = pages_in_table(v, npages - done);
		t += (v >> 12) & 0x1ff;
		for (i = 0; i < n; i++) {
			uint64_t pte = (t[i] & ~(PTE_LEAF_MASK | PTE_U)) | set;

			t[i] = pte;
			ptview_set(d, v + i * PAGE_SIZE, 1, pte);
		}
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
