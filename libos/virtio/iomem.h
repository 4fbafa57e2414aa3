/* SPDX-License-Identifier: MIT */
/*
 * Memory a device touches: its register pages (a device capability) and
 * DMA buffers (physically contiguous frames whose physical address the
 * device is given). Both are mapped in one window of this domain's
 * address space that no VM-manager region covers.
 */
#ifndef LIBOS_VIRTIO_IOMEM_H
#define LIBOS_VIRTIO_IOMEM_H

#include <stddef.h>
#include <stdint.h>

/* The window: above the image, below the heap region at 1 GiB. */
#define IOMEM_VA_BASE 0x20000000UL
#define IOMEM_VA_TOP  0x30000000UL

struct dma_buf {
	void *va;	    /* where this domain sees it */
	uint64_t pa;	    /* what the device is told */
	size_t size;	    /* bytes, whole pages */
	unsigned long slot; /* the frame capability */
};

/*
 * Maps every page of the device capability in slot, read-write (device
 * registers are never executable). Returns 0 and sets *regs to the
 * mapping; E_NOMEM when the window is used up, or SYS_map's error.
 */
int iomem_map_device(unsigned long slot, volatile void **regs);

/* Undoes iomem_map_device (the window's addresses are not reused). */
void iomem_unmap_device(unsigned long slot, volatile void *regs);

/*
 * Allocates npages physically contiguous, zeroed frames aligned to
 * npages rounded up to a power of two, and maps them read-write. Returns
 * 0 with b filled; SYS_frame_alloc's or SYS_map's error (the frames are
 * given back), or E_NOMEM when the window is used up.
 */
int iomem_dma_alloc(struct dma_buf *b, unsigned long npages);

#endif
