// SPDX-License-Identifier: MIT
/* Sv39 page tables; see pagetable.h. */
#include "arch/riscv/pagetable.h"

#include <stdbool.h>

#include "arch/riscv/pte.h"
#include <rivet/errno.h>

#define LEVELS 3

static unsigned vpn(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 0x1ff;
}

static uint64_t level_size(unsigned level)
{
	return 1ULL << (12 + 9 * level);
}

/* Sv39 addresses are 39-bit values sign-extended to 64 bits. */
static bool canonical(uint64_t va)
{
	uint64_t top = va >> 38;

	return top == 0 || top == (1ULL << 26) - 1;
}

/* Returns the PTE slot for va at level, creating tables above it. */
static int pt_slot(const struct pt_ops *ops, uint64_t root, uint64_t va,
		   unsigned level, uint64_t **slot)
{
	uint64_t *table = ops->va(ops->ctx, root);
	unsigned l;
	int rc;

	for (l = LEVELS - 1; l > level; l--) {
		uint64_t *pte = &table[vpn(va, l)];
		uint64_t next;

		if (pte_is_leaf(*pte))
			return E_EXIST;
		if (!(*pte & PTE_V)) {
			rc = ops->alloc(ops->ctx, &next);
			if (rc)
				return rc;
			*pte = pte_table(next);
		}
		table = ops->va(ops->ctx, pte_pa(*pte));
	}
	*slot = &table[vpn(va, level)];
	return 0;
}

int pt_map(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t pa,
	   uint64_t size, uint64_t perm)
{
	/* The last byte, not the end: a range may end exactly at 2^64. */
	uint64_t last = va + size - 1;
	int rc;

	if ((va | pa | size) & 0xfff || (size && last < va))
		return E_INVAL;
	if (!canonical(va) || (size && !canonical(last)))
		return E_INVAL;
	if ((perm & PTE_W) && !(perm & PTE_R))
		return E_INVAL; /* reserved encoding in the privileged spec */
	if (!(perm & PTE_LEAF_MASK))
		return E_INVAL;

	while (size) {
		unsigned level = LEVELS - 1;
		uint64_t *slot;

		/* The largest page that is aligned on both sides and fits. */
		while (level > 0 && (((va | pa) & (level_size(level) - 1)) ||
				     size < level_size(level)))
			level--;
		/* A table already there (say, left empty by an unmap) means
		 * smaller pages here, not a clash. */
		for (;;) {
			rc = pt_slot(ops, root, va, level, &slot);
			if (rc)
				return rc;
			if (level == 0 || !(*slot & PTE_V) ||
			    pte_is_leaf(*slot))
				break;
			level--;
		}
		if (*slot & PTE_V)
			return E_EXIST;
		*slot = pte_leaf(pa, perm);
		va += level_size(level);
		pa += level_size(level);
		size -= level_size(level);
	}
	return 0;
}

/* The leaf PTE slot mapping va, and its level; NULL if unmapped. */
static uint64_t *pt_leaf(const struct pt_ops *ops, uint64_t root, uint64_t va,
			 unsigned *level)
{
	uint64_t *table = ops->va(ops->ctx, root);
	int l;

	for (l = LEVELS - 1; l >= 0; l--) {
		uint64_t *pte = &table[vpn(va, (unsigned)l)];

		if (!(*pte & PTE_V))
			return 0;
		if (pte_is_leaf(*pte)) {
			*level = (unsigned)l;
			return pte;
		}
		table = ops->va(ops->ctx, pte_pa(*pte));
	}
	return 0;
}

int pt_unmap(const struct pt_ops *ops, uint64_t root, uint64_t va,
	     uint64_t size)
{
	uint64_t done = 0;

	if ((va | size) & 0xfff || va + size < va || !canonical(va))
		return E_INVAL;
	while (done < size) {
		unsigned level;
		uint64_t *pte = pt_leaf(ops, root, va + done, &level);
		uint64_t step;

		if (!pte)
			return E_NOENT;
		step = level_size(level);
		if (((va + done) & (step - 1)) || size - done < step)
			return E_INVAL;
		*pte = 0;
		done += step;
	}
	return 0;
}

int pt_lookup(const struct pt_ops *ops, uint64_t root, uint64_t va,
	      uint64_t *pa, uint64_t *pte_out, unsigned *level)
{
	uint64_t *table = ops->va(ops->ctx, root);
	int l;

	if (!canonical(va))
		return E_NOENT;
	for (l = LEVELS - 1; l >= 0; l--) {
		uint64_t pte = table[vpn(va, (unsigned)l)];

		if (!(pte & PTE_V))
			return E_NOENT;
		if (pte_is_leaf(pte)) {
			*pa = pte_leaf_pa(pte) +
			      (va & (level_size((unsigned)l) - 1));
			if (pte_out)
				*pte_out = pte;
			if (level)
				*level = (unsigned)l;
			return 0;
		}
		table = ops->va(ops->ctx, pte_pa(pte));
	}
	return E_NOENT;
}
