// SPDX-License-Identifier: MIT
/* The kernel page table: image with W^X, direct map, device registers. */
#include "arch/riscv/vm.h"

#include <stddef.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/memlayout.h"
#include "arch/riscv/pagetable.h"
#include "arch/riscv/pte.h"
#include <rivet/errno.h>

extern char _start[], _etext[], _srodata[], _erodata[], _sdata[], _end[];

static uint64_t kernel_root;
static uint64_t image_pa;
static int (*vm_alloc_page)(uint64_t *pa);

static int vm_alloc(void *ctx, uint64_t *pa)
{
	return vm_alloc_page(pa);
}

static uint64_t *vm_table_va(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

static const struct pt_ops kernel_pt_ops = {
	.alloc = vm_alloc,
	.va = vm_table_va,
};

static uint64_t image_phys(const char *va)
{
	return (uint64_t)(uintptr_t)va - KERNEL_VBASE + image_pa;
}

static int map_image_part(const char *start, const char *end, uint64_t perm)
{
	return pt_map(&kernel_pt_ops, kernel_root, (uintptr_t)start,
		      image_phys(start), (uint64_t)(end - start), perm | PTE_G);
}

int vm_init(uint64_t load_pa, int (*alloc_page)(uint64_t *pa))
{
	int rc;

	image_pa = load_pa;
	vm_alloc_page = alloc_page;
	rc = alloc_page(&kernel_root);
	if (rc)
		return rc;
	rc = map_image_part(_start, _etext, PTE_R | PTE_X);
	if (!rc)
		rc = map_image_part(_srodata, _erodata, PTE_R);
	if (!rc)
		rc = map_image_part(_sdata, _end, PTE_R | PTE_W);
	return rc;
}

int vm_map_direct(uint64_t base, uint64_t size)
{
	if (base >= DIRECT_MAX_PA)
		return 0;
	if (size > DIRECT_MAX_PA - base)
		size = DIRECT_MAX_PA - base;
	return pt_map(&kernel_pt_ops, kernel_root, DIRECT_BASE + base, base,
		      size, PTE_R | PTE_W | PTE_G);
}

void vm_activate(void)
{
	csr_write(satp, SATP_MODE_SV39 | kernel_root >> PAGE_SHIFT);
	local_flush_tlb_all();
}

/*
 * The MMIO window's ranges so far. Device registers past the direct map
 * are few (a console, the PLIC's pages per hart), so a short list that is
 * never shrunk will do; a range found again costs no window space.
 */
#define MMIO_WINDOW_RANGES 32

static struct {
	uint64_t pa, size; /* page-aligned */
	uintptr_t va;
} windows[MMIO_WINDOW_RANGES];
static unsigned nwindows;
static uintptr_t window_next = MMIO_WINDOW_BASE;

int vm_map_mmio_window(uint64_t pa, uint64_t size, uintptr_t *va)
{
	uint64_t base = pa & ~(PAGE_SIZE - 1);
	uint64_t end = (pa + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	unsigned i;
	int rc;

	if (!size || end <= base)
		return E_RANGE;
	for (i = 0; i < nwindows; i++) {
		if (base >= windows[i].pa &&
		    end - windows[i].pa <= windows[i].size) {
			*va = windows[i].va + (pa - windows[i].pa);
			return 0;
		}
	}
	if (nwindows == MMIO_WINDOW_RANGES ||
	    end - base > MMIO_WINDOW_END - window_next)
		return E_NOMEM;
	rc = pt_map(&kernel_pt_ops, kernel_root, window_next, base, end - base,
		    PTE_R | PTE_W | PTE_G | PTE_DEVICE);
	if (rc)
		return rc;
	windows[nwindows].pa = base;
	windows[nwindows].size = end - base;
	windows[nwindows].va = window_next;
	nwindows++;
	*va = window_next + (pa - base);
	window_next += end - base;
	/* New valid entries may be cached as invalid until a fence. */
	local_flush_tlb_all();
	return 0;
}

int vm_map_mmio(uint64_t pa, uint64_t size, uintptr_t *va)
{
	uint64_t base = pa & ~(PAGE_SIZE - 1);
	uint64_t end = (pa + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t p, got;
	int rc;

	if (!size || end <= base)
		return E_RANGE;
	if (end > DIRECT_MAX_PA)
		return vm_map_mmio_window(pa, size, va);
	for (p = base; p < end; p += PAGE_SIZE) {
		rc = pt_map(&kernel_pt_ops, kernel_root, DIRECT_BASE + p, p,
			    PAGE_SIZE, PTE_R | PTE_W | PTE_G | PTE_DEVICE);
		if (rc == E_EXIST) {
			/* Already mapped: fine if it is the same frame. */
			rc = pt_lookup(&kernel_pt_ops, kernel_root,
				       DIRECT_BASE + p, &got, NULL, NULL);
			if (!rc && got != p)
				rc = E_EXIST;
		}
		if (rc)
			return rc;
	}
	/* New valid entries may be cached as invalid until a fence. */
	local_flush_tlb_all();
	*va = (uintptr_t)phys_to_virt(pa);
	return 0;
}

uint64_t vm_kernel_pa(const void *va)
{
	return image_phys(va);
}

uint64_t vm_kernel_root(void)
{
	return kernel_root;
}
