// SPDX-License-Identifier: MIT
/* Domain address spaces; see uvm.h. */
#include "arch/riscv/uvm.h"

#include "arch/riscv/csr.h"
#include "arch/riscv/memlayout.h"
#include "arch/riscv/pagetable.h"
#include "arch/riscv/pte.h"
#include "arch/riscv/smp.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include "arch/riscv/vm.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

uint64_t uvm_table_pages;

static int uvm_alloc_table(void *ctx, uint64_t *pa)
{
	int rc = uvm_frame_alloc(ctx, pa);

	uvm_table_pages += !rc;
	return rc;
}

static uint64_t *uvm_table_va(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

static struct pt_ops uvm_ops(struct uvm_space *d)
{
	return (struct pt_ops){ .alloc = uvm_alloc_table,
				.va = uvm_table_va,
				.ctx = d };
}

uint32_t uvm_asid_flush;

void uvm_probe_asids(unsigned domains_max)
{
	uint64_t old = csr_read(satp), bits;
	unsigned n = 0;

	/* Unimplemented ASID bits read back as zero (privileged spec). The
	 * kernel's own mappings are global, so this write is harmless. */
	csr_write(satp, old | 0xffffUL << 44);
	bits = csr_read(satp) >> 44 & 0xffff;
	csr_write(satp, old);
	local_flush_tlb_all();
	while (bits & 1) {
		n++;
		bits >>= 1;
	}
	uvm_asid_flush = (1UL << n) <= domains_max;
	pr_info("vm: %u ASID bits: %s\n", n,
		uvm_asid_flush ? "too few for one per domain, flushing the TLB "
				 "on every switch"
			       : "one per domain, no flush on a switch");
}

uint64_t uvm_root_pa(const struct uvm_space *d)
{
	return d->root_pa;
}

int uvm_create(struct uvm_space *d)
{
	uint64_t *root, *kroot = phys_to_virt(vm_kernel_root());
	int rc = uvm_frame_alloc(d, &d->root_pa);

	if (rc)
		return rc;
	uvm_table_pages++;
	root = phys_to_virt(d->root_pa);
	/* The upper half (entries 256..511) is the kernel's, shared. */
	memcpy(&root[256], &kroot[256], 256 * sizeof(uint64_t));
	return 0;
}

int uvm_map(struct uvm_space *d, uint64_t va, uint64_t pa, uint64_t perm)
{
	struct pt_ops ops = uvm_ops(d);

	if (va >= RIVET_USER_TOP)
		return E_RANGE;
	return pt_map(&ops, d->root_pa, va, pa, PAGE_SIZE, perm | PTE_U);
}

int uvm_map_range(struct uvm_space *d, uint64_t va, uint64_t pa, uint64_t size,
		  uint64_t perm)
{
	struct pt_ops ops = uvm_ops(d);
	int rc;

	if (va >= RIVET_USER_TOP || size > RIVET_USER_TOP - va)
		return E_RANGE;
	rc = pt_map(&ops, d->root_pa, va, pa, size, perm | PTE_U);
	/* New entries may be cached as invalid: fence this ASID. */
	uvm_flush_asid(d->asid);
	return rc;
}

uint64_t *uvm_new_table(struct uvm_space *d, uint64_t *pte, int *rc)
{
	uint64_t pa;

	*rc = uvm_frame_alloc(d, &pa);
	if (*rc)
		return 0;
	uvm_table_pages++;
	*pte = pte_table(pa);
	return phys_to_virt(pa);
}

int uvm_map_page(struct uvm_space *d, uint64_t va, uint64_t pa, uint64_t perm)
{
	uint64_t *t = phys_to_virt(d->root_pa);
	int rc = 0;

	if (va >= RIVET_USER_TOP)
		return E_RANGE;
	t = uvm_next_table(d, &t[(va >> 30) & 0x1ff], &rc);
	if (t)
		t = uvm_next_table(d, &t[(va >> 21) & 0x1ff], &rc);
	if (!t)
		return rc;
	t = &t[(va >> 12) & 0x1ff];
	if (*t & PTE_V)
		return E_EXIST;
	*t = pte_leaf(pa, perm | PTE_U);
	/* New entries may be cached as invalid: fence this address. */
	__asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"((uint64_t)d->asid)
			 : "memory");
	return 0;
}

int uvm_unmap(struct uvm_space *d, uint64_t va, uint64_t size)
{
	struct pt_ops ops = uvm_ops(d);
	int rc = pt_unmap(&ops, d->root_pa, va, size);

	uvm_flush_asid(d->asid);
	if (uvm_others_ran(d))
		uvm_fence_others(d);
	return rc;
}

int uvm_unmap_page(struct uvm_space *d, uint64_t va)
{
	uint64_t *t = uvm_page_leaf(d, va);

	if (!t)
		return E_RANGE;
	*t = 0;
	uvm_flush_range(d, va, 1);
	return 0;
}

/* A direct walk, as uvm_kva's: every user copy (uaccess) runs it per
 * page, where pt_lookup went through its table callbacks. */
int uvm_lookup(const struct uvm_space *d, uint64_t va, uint64_t *pa,
	       uint64_t *perm)
{
	const uint64_t *t = phys_to_virt(d->root_pa);
	uint64_t e;
	int level;

	if (va >= RIVET_USER_TOP)
		return E_RANGE;
	for (level = 2; level >= 0; level--) {
		e = t[(va >> (12 + 9 * level)) & 0x1ff];
		if (!(e & PTE_V))
			return E_RANGE;
		if (pte_is_leaf(e)) {
			if (!(e & PTE_U))
				return E_RANGE;
			*pa = pte_leaf_pa(e) +
			      (va & ((1UL << (12 + 9 * level)) - 1));
			*perm = e & (PTE_R | PTE_W | PTE_X);
			return 0;
		}
		t = phys_to_virt(pte_pa(e));
	}
	return E_RANGE;
}

int uvm_lookup_leaf(const struct uvm_space *d, uint64_t va, uint64_t *pa,
		    uint64_t *pte, unsigned *level)
{
	struct pt_ops ops = uvm_ops((struct uvm_space *)d);

	if (va >= RIVET_USER_TOP)
		return E_RANGE;
	return pt_lookup(&ops, d->root_pa, va, pa, pte, level);
}

/*
 * Frees, below table (at level, covering VAs from lo), every entry from
 * the one *cursor falls in on: the frames mapped and the tables below,
 * each table once its whole range is done. Each valid entry costs one of
 * *budget; when it runs out, *cursor is the VA of the entry to go on from
 * and false is returned. Empty entries cost nothing (a load and a test):
 * a call looks at no more than 512 of them per table it enters, and it
 * enters at most budget + 3. Entries done are cleared, so a cursor that
 * lags behind only costs a scan.
 */
static bool uvm_free_from(struct uvm_space *d, uint64_t table_pa, int level,
			  uint64_t lo, uint64_t *cursor, uint32_t *budget)
{
	uint64_t *t = phys_to_virt(table_pa), *p, *end;
	unsigned shift = PAGE_SHIFT + 9 * (unsigned)level;
	uint32_t left = *budget;

	/* A pointer walk with a loop of its own over the empty entries,
	 * most of them: five instructions each. */
	p = t + (*cursor > lo ? (*cursor - lo) >> shift : 0);
	end = t + (level == 2 ? 256 : 512); /* root: user half only */
	for (;; p++) {
		uint64_t pte, va;

		while (p < end && !(*p & PTE_V))
			p++;
		if (p == end)
			break;
		pte = *p;
		va = lo + ((uint64_t)(p - t) << shift);
		if (!left) {
			*cursor = va;
			*budget = 0;
			return false;
		}
		left--;
		if (!pte_is_leaf(pte)) {
			*budget = left;
			if (!uvm_free_from(d, pte_pa(pte), level - 1, va,
					   cursor, budget))
				return false;
			left = *budget;
			uvm_table_pages--;
		}
		uvm_frame_free(d, pte_leaf_pa(pte));
		*p = 0;
	}
	*budget = left;
	return true;
}

bool uvm_destroy_some(struct uvm_space *d, uint64_t *cursor, uint32_t budget)
{
	uint64_t root = d->root_pa;

	if (!root)
		return true;
	if (!uvm_free_from(d, root, 2, 0, cursor, &budget))
		return false;
	/* A hart that ran d last may still have its root in satp (an idle
	 * hart keeps it): move it to the kernel's tables before the page
	 * can be handed to anyone. */
	if ((csr_read(satp) & ((1UL << 44) - 1)) == root >> PAGE_SHIFT) {
		csr_write(satp,
			  SATP_MODE_SV39 | vm_kernel_root() >> PAGE_SHIFT);
		local_flush_tlb_all();
	}
	uvm_frame_free(d, root);
	uvm_table_pages--;
	d->root_pa = 0;
	*cursor = 0;
	return true;
}

void uvm_destroy(struct uvm_space *d)
{
	uint64_t cursor = 0;

	while (!uvm_destroy_some(d, &cursor, ~0U))
		;
}
