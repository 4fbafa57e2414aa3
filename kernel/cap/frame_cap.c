// SPDX-License-Identifier: MIT
/* Frame capabilities: allocation by physical name, mapping, unmapping. */
#include "kernel/cap/frame_cap.h"
#include "kernel/cap/frame_map_record.h"

#include "kernel/arch.h"
#include "kernel/sched/domain.h"
#include "kernel/drivers/console.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/frame_pool.h"
#include "kernel/lib/klog.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mem.h"
#include "kernel/lib/printk.h"
#include "kernel/mm/quota.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

/*
 * Mapping records live in a per-domain pool (struct frame_mapping, in the
 * frames of the domain's capability space, one per slot), so one domain
 * cannot use up another's. A capability's list (cap.user) holds indexes +
 * 1 into its holder's pool; the holder is the only one that maps through
 * its capabilities.
 */
void frame_cap_pool_init(struct domain *d)
{
	uint32_t i;

	for (i = 0; i < d->cs.nslots; i++)
		d->maps[i].next = i + 2 <= d->cs.nslots ? i + 2 : 0;
	d->maps_free = d->cs.nslots ? 1 : 0;
}

/*
 * Bounded kernel time: zeroing costs about 700 instructions a page and
 * freeing about 50, and a run may have 2^18 pages. So frame_alloc takes
 * its run at once (charged to d, held in d->run_*), zeroes it in
 * restartable pieces of RUN_INSNS, and makes the capability in the
 * piece that zeroes the last page. A run left by a call given up is
 * freed, in pieces too, by d's next frame_alloc, or by the reaper.
 */
#define RUN_INSNS 40000
#define RUN_LOOK  8 /* pages between two looks at the clock */

static bool run_over(uint64_t n, uint64_t start, uint64_t limit)
{
	return n % RUN_LOOK == 0 && arch_instret() - start >= limit;
}

bool frame_cap_run_free_some(struct domain *d, uint64_t start, uint64_t limit)
{
	while (d->run_pages) {
		d->run_pages--;
		domain_frame_free(d, d->run_pa + d->run_pages * PAGE_SIZE);
		if (d->run_pages && run_over(d->run_pages, start, limit))
			return false;
	}
	d->run_zeroed = 0;
	return true;
}

/* Takes npages at paddr (or anywhere) for d, charged: *pa. Sizes,
 * quota and a free slot are checked before any frame moves. *zeroed says
 * the frames hold only zeroes already: one frame from the zeroed-frame
 * pool (kernel/mm/frame_pool.h). */
static inline __attribute__((always_inline)) int
run_take(struct domain *d, uint64_t paddr, uint64_t npages, uint64_t align,
	 uint64_t *pa_out, bool *zeroed)
{
	struct frame_table *ft = mem_frames();
	uint64_t pa, i;
	int rc = quota_check(d, npages);

	if (rc)
		return rc;
	if (cspace_full(&d->cs))
		return E_NOMEM;
	*zeroed = false;
	if (paddr == RIVET_FRAME_ANY) {
		if (npages == 1 && align == 1)
			rc = frame_pool_alloc(ft, d->id, &pa, zeroed);
		else
			rc = frame_alloc_run(ft, (uint32_t)npages,
					     (uint32_t)align, d->id, &pa);
		if (rc)
			return rc;
	} else {
		if (paddr & (PAGE_SIZE - 1) ||
		    (paddr >> PAGE_SHIFT) & (align - 1))
			return E_INVAL;
		for (i = 0; i < npages; i++) {
			enum frame_state s =
				frame_state_of(ft, paddr + i * PAGE_SIZE);

			if (s == FRAME_ABSENT)
				return E_RANGE;
			if (s != FRAME_FREE)
				return E_BUSY;
		}
		for (i = 0; i < npages; i++)
			frame_alloc_at(ft, paddr + i * PAGE_SIZE, d->id);
		pa = paddr;
	}
	quota_charge(d, npages);
	*pa_out = pa;
	return 0;
}

/* A few pages, no run held: taken, zeroed and given a capability at once
 * (frame_alloc's common case, on the page-fault path). Both inlined:
 * pagefault_map_resume (make bench) paid 38 instructions for the calls. */
static inline __attribute__((always_inline)) int
small_alloc(struct domain *d, uint64_t paddr, uint64_t npages, uint64_t align,
	    uint32_t *slot)
{
	uint64_t pa, i;
	bool zeroed;
	int rc = run_take(d, paddr, npages, align, &pa, &zeroed);

	if (rc)
		return rc;
	/* Frames come to the domain zeroed: no data leaks between owners. */
	for (i = 0; !zeroed && i < npages; i++)
		memset(phys_to_virt(pa + i * PAGE_SIZE), 0, PAGE_SIZE);
	rc = cap_create(&d->cs, CAP_FRAME, CAP_ALL, pa, npages, slot);
	if (rc) { /* cannot happen: room was checked */
		for (i = 0; i < npages; i++)
			domain_frame_free(d, pa + i * PAGE_SIZE);
		return rc;
	}
	d->cs.slots[*slot].flags = CAPF_FRAME_ORIGINAL;
	return 0;
}

static int run_alloc(struct domain *d, uint64_t paddr, uint64_t npages,
		     uint64_t align, bool again, uint64_t start, uint32_t *slot)
{
	int rc;

	/* A run of this very call, coming back, is zeroed on; any other is
	 * given back first. */
	if (d->run_pages &&
	    !(again && d->run_pages == npages && d->run_align == align &&
	      (paddr == RIVET_FRAME_ANY || paddr == d->run_pa))) {
		d->run_align = 0; /* matches no call any more */
		if (!frame_cap_run_free_some(d, start, RUN_INSNS))
			goto restart;
		again = false;
	}
	if (!d->run_pages) {
		bool zeroed; /* a run is zeroed below in any case */

		rc = run_take(d, paddr, npages, align, &d->run_pa, &zeroed);
		if (rc)
			return rc;
		d->run_pages = npages;
		d->run_align = align;
		d->run_zeroed = 0;
	}
	/* Frames come to the domain zeroed: no data leaks between owners. */
	while (d->run_zeroed < d->run_pages) {
		memset(phys_to_virt(d->run_pa + d->run_zeroed * PAGE_SIZE), 0,
		       PAGE_SIZE);
		d->run_zeroed++;
		if (d->run_zeroed < d->run_pages &&
		    run_over(d->run_zeroed, start, RUN_INSNS))
			goto restart;
	}
	/* Room was checked, but a peer may have granted into the space
	 * since (between pieces): the run is then given back like one left
	 * part-way, by the next frame_alloc or the reaper. */
	rc = cap_create(&d->cs, CAP_FRAME, CAP_ALL, d->run_pa, d->run_pages,
			slot);
	if (rc) {
		d->run_align = 0;
		return rc;
	}
	d->cs.slots[*slot].flags = CAPF_FRAME_ORIGINAL;
	d->run_pages = 0;
	d->run_zeroed = 0;
	return 0;
restart:
	syscall_restart_keep(d, paddr, 1);
	return SYSCALL_RESTART;
}

int frame_cap_alloc(struct domain *d, uint64_t paddr, uint64_t npages,
		    uint64_t align, uint32_t *slot)
{
	uint64_t start;
	int rc;

	if (!npages || npages > (1u << 18) || !align || (align & (align - 1)) ||
	    align > (1u << 18))
		return E_INVAL;
	/* A few pages cannot stop part-way: the common case skips the
	 * restart record and the measuring. */
	if (npages <= RUN_LOOK && !d->run_pages)
		return small_alloc(d, paddr, npages, align, slot);
	start = arch_instret();
	rc = run_alloc(d, paddr, npages, align,
		       syscall_restart_take(d, paddr) != 0, start, slot);
	syscall_note_stretch(start);
	return rc;
}

/* Is [va, va+size) free for a new mapping of d? */
static int range_free(const struct domain *d, uint64_t va, uint64_t size)
{
	uint64_t off;

	/* Any leaf, even one protect made inaccessible to U-mode. */
	for (off = 0; off < size; off += PAGE_SIZE)
		if (uvm_kva(&d->as, va + off))
			return E_EXIST;
	return 0;
}

/*
 * A map that failed part-way (no table page left in the quota) leaves a
 * prefix mapped. The range was free before, so whatever is mapped in it
 * now is ours: remove it leaf by leaf, whatever each leaf's size.
 */
static void undo_partial_map(struct domain *d, uint64_t va, uint64_t size)
{
	uint64_t off = 0;

	while (off < size) {
		uint64_t pa, pte, step = PAGE_SIZE;
		unsigned level;

		if (!uvm_lookup_leaf(&d->as, va + off, &pa, &pte, &level)) {
			step = 1UL << (12 + 9 * level);
			if (uvm_unmap(&d->as, va + off, step))
				pr_err("frame_cap: cannot undo a mapping at "
				       "0x%llx\n",
				       (unsigned long long)(va + off));
		}
		off += step;
	}
}

/* The frame-table W^X kind a mapping with rights counts as, or 0. */
static unsigned wx_kind(unsigned rights)
{
	if (rights & RIVET_CAP_W)
		return FRAME_WX_W;
	return rights & RIVET_CAP_X ? FRAME_WX_X : 0;
}

_Static_assert(PTE_R == RIVET_CAP_R << 1 && PTE_W == RIVET_CAP_W << 1 &&
		       PTE_X == RIVET_CAP_X << 1,
	       "rights map onto PTE bits");

int frame_cap_map(struct domain *d, uint32_t slot, uint64_t vaddr,
		  unsigned rights)
{
	struct cap *c;
	uint64_t size, perm = 0;
	uint32_t flags = rights;
	unsigned kind = wx_kind(rights);
	int rc;

	if (rights & ~(RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X) || !rights)
		return E_INVAL;
	if ((rights & RIVET_CAP_W) &&
	    (!(rights & RIVET_CAP_R) || (rights & RIVET_CAP_X)))
		return E_INVAL; /* W needs R; W^X always */
	rc = cap_lookup(&d->cs, slot, CAP_NULL, rights, &c);
	if (rc)
		return rc;
	/* Frames, or device registers (their capabilities never carry X). */
	if (c->type != CAP_FRAME && c->type != CAP_DEVICE)
		return E_INVAL;
	size = c->size * PAGE_SIZE;
	if (vaddr & (PAGE_SIZE - 1) || vaddr >= RIVET_MAP_TOP ||
	    size > RIVET_MAP_TOP - vaddr)
		return E_RANGE;
	if (!d->maps_free)
		return E_NOMEM;
	/* W^X holds per frame, not per mapping: a frame writable through
	 * one mapping and executable through another would run what was
	 * written through the first. */
	if (kind && frame_wx_check(mem_frames(), c->object, c->size, kind))
		return E_BUSY;
	/* Room in the page-table view first: the map itself cannot fail
	 * for want of it afterwards. */
	rc = ptview_prepare(&d->as, vaddr, c->size);
	if (rc)
		return rc;
	/* RIVET_CAP_R/W/X are PTE_R/W/X shifted down by one. The PTE keeps
	 * them as its ceiling too: protect never goes above (pte.h). */
	perm = (uint64_t)rights << 1;
	perm |= pte_ceiling_bits(perm);
	if (c->type == CAP_DEVICE)
		perm |= PTE_DEVICE; /* the device memory type (pte.h) */
	if (size == PAGE_SIZE) {
		/* One page: the walk itself checks it is free. */
		rc = uvm_map_page(&d->as, vaddr, c->object, perm);
		if (rc)
			return rc;
		goto record;
	}
	rc = range_free(d, vaddr, size);
	if (rc)
		return rc;
	rc = uvm_map_range(&d->as, vaddr, c->object, size, perm);
	if (rc) {
		undo_partial_map(d, vaddr, size);
		return rc;
	}
record:
	if (kind)
		frame_wx_get(mem_frames(), c->object, c->size, kind);
	/* The UART the kernel logs to: this mapping may make d the owner
	 * of the log, for as long as it lasts. */
	if (c->type == CAP_DEVICE && console_uart_within(c->object, size) &&
	    klog_uart_mapped(d))
		flags |= FRAME_MAP_LOG;
	frame_map_record(d, c, vaddr, pte_leaf(c->object, perm | PTE_U), flags);
	return 0;
}

/*
 * Undoes one mapping record of holder (already off its capability's
 * list): the page-table entries, the frames' W^X counts, the log
 * ownership it held, and the record itself back to the pool.
 */
static void mapping_gone(struct domain *holder, const struct cap *c,
			 uint32_t idx)
{
	struct frame_mapping *m = &holder->maps[idx - 1];
	unsigned kind = wx_kind(m->flags & 0xff);

	uvm_unmap(&holder->as, m->va, c->size * PAGE_SIZE);
	ptview_set(&holder->as, m->va, c->size, 0);
	if (kind)
		frame_wx_put(mem_frames(), c->object, c->size, kind);
	if (m->flags & FRAME_MAP_LOG)
		klog_uart_unmapped(holder);
	m->next = holder->maps_free;
	holder->maps_free = idx;
	holder->nmappings--;
}

int frame_cap_unmap(struct domain *d, uint32_t slot, uint64_t vaddr)
{
	uint32_t idx, prev = 0;
	struct cap *c;
	int rc = cap_lookup(&d->cs, slot, CAP_NULL, 0, &c);

	if (rc)
		return rc;
	if (c->type != CAP_FRAME && c->type != CAP_DEVICE)
		return E_INVAL;
	for (idx = (uint32_t)c->user; idx; idx = d->maps[idx - 1].next) {
		if (d->maps[idx - 1].va == vaddr)
			break;
		prev = idx;
	}
	if (!idx)
		return E_NOENT;
	if (prev)
		d->maps[prev - 1].next = d->maps[idx - 1].next;
	else
		c->user = d->maps[idx - 1].next;
	mapping_gone(d, c, idx);
	return 0;
}

/* Removes at most max mappings from the list at idx (holder's records);
 * returns what is left of the list. */
static uint32_t unmap_list(struct domain *holder, const struct cap *c,
			   uint32_t idx, uint32_t max)
{
	while (idx && max--) {
		uint32_t next = holder->maps[idx - 1].next;

		mapping_gone(holder, c, idx);
		idx = next;
	}
	return idx;
}

bool frame_cap_unmap_some(cap_ref_t ref, struct cap *c, uint32_t max)
{
	struct domain *holder = domain_by_id(cap_ref_space(ref));

	if ((c->type != CAP_FRAME && c->type != CAP_DEVICE) || !holder)
		return true;
	c->user = unmap_list(holder, c, (uint32_t)c->user, max);
	return !c->user;
}

void frame_cap_deleted(cap_ref_t ref, const struct cap *c)
{
	struct domain *holder = domain_by_id(cap_ref_space(ref));
	uint64_t i;

	if (!holder)
		return;
	unmap_list(holder, c, (uint32_t)c->user, UINT32_MAX);
	/* The original owns the frames: they go back to the free list. */
	if (c->flags & CAPF_FRAME_ORIGINAL)
		for (i = 0; i < c->size; i++)
			domain_frame_free(holder, c->object + i * PAGE_SIZE);
}
