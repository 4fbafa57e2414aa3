/* SPDX-License-Identifier: MIT */
/*
 * The I/O window: device registers and DMA buffers, mapped from one bump
 * pointer. There is no IOMMU on the boards Rivet runs on: a device given
 * a physical address reaches it, whoever owns it. The buffers handed to
 * the device are frames this domain allocated; that it never gives any
 * other address is this driver's promise, not the kernel's check
 * (docs/devices-blk.md).
 */
#include <rivet/libos.h>

#include "iomem.h"

#define PAGE 4096UL

static uintptr_t next_va = IOMEM_VA_BASE;

/* Takes npages of the window; 0 when it is used up. A guard page is left
 * after each piece, so a runaway access faults instead of landing in the
 * next buffer. */
static uintptr_t window_take(unsigned long npages)
{
	uintptr_t va = next_va;

	if (npages > (IOMEM_VA_TOP - va) / PAGE - 1)
		return 0;
	next_va += (npages + 1) * PAGE;
	return va;
}

int iomem_map_device(unsigned long slot, volatile void **regs)
{
	struct rivet_ret r = sys2_cap_info(slot, RIVET_CAPINFO_SIZE);
	uintptr_t va;
	long rc;

	if (r.rc)
		return (int)r.rc;
	va = window_take(r.val ? r.val : 1);
	if (!va)
		return E_NOMEM;
	rc = sys_map(slot, va, RIVET_CAP_R | RIVET_CAP_W);
	if (rc)
		return (int)rc;
	*regs = (volatile void *)va;
	return 0;
}

void iomem_unmap_device(unsigned long slot, volatile void *regs)
{
	sys_unmap(slot, (uintptr_t)regs);
}

int iomem_dma_alloc(struct dma_buf *b, unsigned long npages)
{
	unsigned long align = 1;
	struct rivet_ret r;
	uintptr_t va;
	long rc;

	while (align < npages)
		align <<= 1;
	va = window_take(npages);
	if (!va)
		return E_NOMEM;
	r = sys2_frame_alloc(RIVET_FRAME_ANY, npages, align);
	if (r.rc)
		return (int)r.rc;
	b->slot = r.val;
	r = sys2_cap_info(b->slot, RIVET_CAPINFO_OBJECT);
	rc = r.rc ? r.rc : sys_map(b->slot, va, RIVET_CAP_R | RIVET_CAP_W);
	if (rc) {
		sys_cap_delete(b->slot);
		return (int)rc;
	}
	b->pa = r.val;
	b->va = (void *)va;
	b->size = npages * PAGE;
	return 0;
}
