// SPDX-License-Identifier: MIT
/*
 * The walk the one-step paths share (frame_step.h): once per 2 MiB range,
 * to the last-level table, kept in the domain (step_leaf, keyed by the
 * range). Such a table lives as long as its space (it goes only in
 * uvm_destroy_some, once the domain ended, and pt_map never puts a
 * megapage over it).
 */
#include "kernel/cap/frame_step.h"

/* Is e a table pointer (valid, no R/W/X): not nothing, not a megapage? */
static inline bool is_table(uint64_t e)
{
	return (e & (PTE_V | PTE_LEAF_MASK)) == PTE_V;
}

__attribute__((noinline)) uint64_t *frame_step_walk(struct domain *d,
						    uint64_t vaddr)
{
	uint64_t *t = phys_to_virt(d->as.root_pa), e;

	if (vaddr >= RIVET_MAP_TOP)
		return 0;
	e = t[vaddr >> 30]; /* below RIVET_MAP_TOP: no mask */
	if (!is_table(e))
		return 0;
	t = phys_to_virt(pte_pa(e));
	e = t[(vaddr >> 21) & 0x1ff];
	if (!is_table(e))
		return 0;
	t = phys_to_virt(pte_pa(e));
	d->step_leaf_key = (uint32_t)(vaddr >> 21) + 1;
	d->step_leaf = t;
	return t;
}
