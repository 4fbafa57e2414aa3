// SPDX-License-Identifier: MIT
/*
 * Allocate and map in one call (SYS_frame_alloc_map): a demand-paging
 * fault then costs one kernel entry instead of two. It is frame_alloc of
 * one page followed by map, with the same checks and errors; a refused
 * call leaves no frame, slot or mapping behind. As after a refused map,
 * page-table and view pages made for vaddr before the quota ran out stay
 * (charged, and used by the next mapping there).
 *
 * The common case (frame_alloc_map_one) does it in one pass: every check
 * first, with the walk to vaddr's last-level table (the only step that
 * may make something, those table and view pages), then the frame popped
 * from the zeroed-frame pool, the capability, the leaf, the W^X count,
 * the view entry and the mapping record, none of which can fail any more.
 * frame_alloc and map one after the other walked twice, looked the frame
 * up three times, checked W^X on a frame nobody maps, and undid the
 * allocation when the map failed.
 */
#include "kernel/cap/frame_alloc_map.h"

#include "kernel/arch.h"
#include "kernel/cap/cap_syscall.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/cap/frame_map_record.h"
#include "kernel/lib/string.h"
#include "kernel/mm/frame_pool.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/domain.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

/* Rights map accepts, as a bit per value: R, R+W, X, R+X (W needs R;
 * never W and X). */
#define RIGHTS_OK                                                              \
	(1u << RIVET_CAP_R | 1u << (RIVET_CAP_R | RIVET_CAP_W) |               \
	 1u << RIVET_CAP_X | 1u << (RIVET_CAP_R | RIVET_CAP_X))

/* frame_alloc then map, the general way: a domain whose frame_alloc of a
 * run was left part-way (frame_cap_alloc gives that back first). */
static long alloc_then_map(struct domain *d, uint64_t vaddr, unsigned rights,
			   uint64_t *slot)
{
	uint32_t s;
	long rc = frame_cap_alloc(d, RIVET_FRAME_ANY, 1, 1, &s);

	if (rc)
		return rc;
	rc = frame_cap_map(d, s, vaddr, rights);
	if (rc) {
		cap_sys_delete_as(d, s, d);
		return rc;
	}
	*slot = s;
	return 0;
}

/* A frame for d, zeroed: the pool's head inline, else the general way
 * (frame_pool_alloc, zeroed here if it came from outside the pool). */
static inline __attribute__((always_inline)) int
take_zeroed(struct frame_table *ft, uint32_t owner, uint64_t *pa,
	    struct frame **f)
{
	bool zeroed;
	int rc;

	if (frame_pool_take(ft, owner, pa, f))
		return 0;
	rc = frame_pool_alloc(ft, owner, pa, &zeroed);
	if (rc)
		return rc;
	if (!zeroed)
		memset(phys_to_virt(*pa), 0, PAGE_SIZE);
	*f = frame_entry(ft, *pa);
	return 0;
}

/* One page, no run held by d: see the top of the file. rights is one of
 * RIGHTS_OK, vaddr page-aligned below RIVET_MAP_TOP. */
static long frame_alloc_map_one(struct domain *d, uint64_t vaddr,
				unsigned rights, uint64_t *slot)
{
	struct frame_table *ft = mem_frames();
	unsigned kind = rights & RIVET_CAP_W   ? FRAME_WX_W
			: rights & RIVET_CAP_X ? FRAME_WX_X
					       : 0;
	uint64_t used, *leaf, pa, pte;
	struct frame *f;
	struct cap *c;
	uint32_t s;
	int rc;

	/* frame_alloc's checks, then map's, in their order. */
	rc = quota_check(d, 1);
	if (rc)
		return rc;
	if (cspace_full(&d->cs) || !d->maps_free)
		return E_NOMEM;
	used = d->used_frames;
	rc = ptview_prepare(&d->as, vaddr, 1);
	if (rc)
		return rc;
	leaf = uvm_leaf_table(&d->as, vaddr, &rc);
	if (!leaf)
		return rc;
	if (leaf[(vaddr >> PAGE_SHIFT) & 0x1ff] & PTE_V)
		return E_EXIST;
	/* Table or view pages made just now count against the quota: the
	 * frame may no longer fit in it. */
	if (d->used_frames != used && quota_check(d, 1))
		return E_NOMEM;
	rc = take_zeroed(ft, d->id, &pa, &f);
	if (rc)
		return rc;
	quota_charge(d, 1);
	/* Nothing fails from here on. A revoke in progress cannot take the
	 * new capability (cap_revoking_below): it is an original, below no
	 * other, and named by no revoke. Nor can W^X refuse it: a frame
	 * comes off the free lists with no mapping anywhere. */
	s = cspace_take_slot(&d->cs);
	c = &d->cs.slots[s];
	c->type = CAP_FRAME;
	c->rights = CAP_ALL;
	c->flags = CAPF_FRAME_ORIGINAL;
	c->object = pa;
	c->size = 1;
	/* RIVET_CAP_R/W/X are PTE_R/W/X shifted down by one; the PTE keeps
	 * them as its ceiling too (pte.h). */
	pte = pte_leaf(pa, (uint64_t)rights << 1 |
				   pte_ceiling_bits((uint64_t)rights << 1) |
				   PTE_U);
	leaf[(vaddr >> PAGE_SHIFT) & 0x1ff] = pte;
	/* New entries may be cached as invalid: fence this address. */
	__asm__ volatile("sfence.vma %0, %1" ::"r"(vaddr),
			 "r"((uint64_t)d->as.asid)
			 : "memory");
	if (kind) {
		f->wx = (uint16_t)kind;
		f->wx_maps++;
	}
	frame_map_record(d, c, vaddr, pte, rights);
	*slot = s;
	return 0;
}

/* The general way: every case, every error. */
static long alloc_map_general(struct domain *d, uint64_t vaddr, uint64_t rights,
			      uint64_t *slot)
{
	if (rights > 7 || !((RIGHTS_OK >> rights) & 1))
		return E_INVAL;
	if (vaddr & (PAGE_SIZE - 1) || vaddr >= RIVET_MAP_TOP)
		return E_RANGE;
	if (d->run.held || d->run.npages)
		return alloc_then_map(d, vaddr, (unsigned)rights, slot);
	return frame_alloc_map_one(d, vaddr, (unsigned)rights, slot);
}

sysret_t frame_alloc_map_general(SYSCALL_PARAMS)
{
	uint64_t slot = 0;
	long rc = alloc_map_general(d, a0, a1, &slot);

	return sysret_pack(rc, rc ? 0 : slot);
}

long frame_alloc_map_sys(struct domain *d, uint64_t vaddr, uint64_t rights,
			 uint64_t *slot)
{
#ifdef CONFIG_FAST_ALLOC_MAP
	if (frame_alloc_map_step(d, vaddr, rights, slot))
		return 0;
#endif
	return alloc_map_general(d, vaddr, rights, slot);
}
