// SPDX-License-Identifier: MIT
/*
 * Sharing the initramfs read-only. The boot loader put the archive
 * anywhere in RAM; the frame table keeps every page it touches reserved
 * (kernel/mm/mem.c), so its frames are never allocated and can be mapped
 * into any number of domains without being charged to any. A page the
 * archive only partly covers may hold someone else's bytes (the device
 * tree, the firmware's), so such an edge page is never mapped itself: a
 * kernel frame with the archive's part of it, zeroes around, is.
 */
#include "kernel/boot/initramfs_map.h"

#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mem.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

_Static_assert(RIVET_INITRAMFS_VA % (2UL << 20) == 0 &&
		       RIVET_INITRAMFS_VA >=
			       RIVET_PTVIEW_DIR_VA +
				       RIVET_PTVIEW_DIR_PAGES * PAGE_SIZE &&
		       RIVET_INITRAMFS_VA + RIVET_INITRAMFS_MAX + PAGE_SIZE <=
			       RIVET_STACK_TOP - RIVET_STACK_PAGES * PAGE_SIZE,
	       "the initramfs window lies between the view and the stack");

/* The kernel copies of a partly covered first and last page (0: none
 * needed or not made yet). Made at the first map, kept for the others. */
static uint64_t edge_pa[2];

/*
 * The frame to map for page pa of the archive [start, end): pa itself
 * when the archive covers it whole, else its edge copy (made on first
 * use). 0 with *out, or E_NOMEM.
 */
static int page_frame(uint64_t pa, uint64_t start, uint64_t end, uint64_t *out)
{
	uint64_t lo = pa > start ? pa : start;
	uint64_t hi = pa + PAGE_SIZE < end ? pa + PAGE_SIZE : end;
	uint64_t *copy = &edge_pa[pa > start];
	int rc;

	if (lo == pa && hi == pa + PAGE_SIZE) {
		*out = pa;
		return 0;
	}
	if (!*copy) {
		rc = mem_alloc_page(copy); /* zeroed, the kernel's */
		if (rc)
			return rc;
		memcpy((uint8_t *)phys_to_virt(*copy) + (lo - pa),
		       phys_to_virt(lo), hi - lo);
	}
	*out = *copy;
	return 0;
}

int initramfs_map(const struct initramfs *fs, struct uvm_space *as,
		  uint64_t *va)
{
	uint64_t start, end, first, last, pa, frame, whole_lo, whole_hi;
	int rc = 0;

	if (!fs || !fs->data || !fs->size)
		return E_NOENT;
	start = virt_to_phys(fs->data);
	end = start + fs->size;
	first = start & ~(PAGE_SIZE - 1);
	last = (end - 1) & ~(PAGE_SIZE - 1);
	if (last - first >= RIVET_INITRAMFS_MAX)
		return E_TOOBIG;
	/* The whole pages in one range (megapages where both sides are
	 * aligned), the edge pages one by one. */
	whole_lo = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	whole_hi = end & ~(PAGE_SIZE - 1);
	if (whole_lo < whole_hi)
		rc = uvm_map_range(as, RIVET_INITRAMFS_VA + (whole_lo - first),
				   whole_lo, whole_hi - whole_lo, PTE_R);
	for (pa = first; !rc && pa <= last; pa += PAGE_SIZE) {
		if (pa >= whole_lo && pa < whole_hi)
			continue;
		rc = page_frame(pa, start, end, &frame);
		if (!rc)
			rc = uvm_map(as, RIVET_INITRAMFS_VA + (pa - first),
				     frame, PTE_R);
	}
	if (rc) {
		uvm_unmap(as, RIVET_INITRAMFS_VA, last + PAGE_SIZE - first);
		return rc;
	}
	*va = RIVET_INITRAMFS_VA + (start - first);
	return 0;
}
