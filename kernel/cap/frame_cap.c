// SPDX-License-Identifier: MIT
/* Frame capabilities: allocation by physical name, mapping, unmapping. */
#include "kernel/cap/frame_cap.h"

#include "kernel/arch.h"
#include "kernel/cap/frame_map_record.h"
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
void frame_cap_pool_thread(struct domain *d, uint32_t from, uint32_t to,
			   uint32_t nslots)
{
	uint32_t i;

	for (i = from; i < to; i++)
		d->maps[i].next = i + 2 <= nslots ? i + 2 : 0;
	d->maps_free = nslots ? 1 : 0;
}

/*
 * Bounded kernel time: looking for a run costs a few instructions a
 * frame of the table (about 69,000 over 256 MiB in one go), taking or
 * freeing a frame about 50 and zeroing one about 700, and a run may have
 * 2^18 pages. So frame_alloc of a run does all of it in restartable
 * pieces of RUN_INSNS: the search takes the run's frames one by one as
 * it finds them (kernel/mm/frame.c, frame_run_search), charged to d and
 * held in d->run, then zeroes them, and makes the capability in the
 * piece that zeroes the last page. A run left by a call given up is
 * freed, in pieces too, by d's next frame_alloc, or by the reaper.
 */
#define RUN_INSNS 40000
#define RUN_LOOK  8 /* pages between two looks at the clock */
/* Search steps (a table entry looked at, a frame taken or given back)
 * between two looks at the clock: a few thousand instructions. */
#define RUN_SEARCH_STEPS 256

static bool run_over(uint64_t n, uint64_t start, uint64_t limit)
{
	return n % RUN_LOOK == 0 && arch_instret() - start >= limit;
}

/* The physical address of the k-th frame d's run holds. */
static uint64_t run_frame(const struct domain *d, uint64_t k)
{
	return frame_run_pa(mem_frames(), &d->run) + k * PAGE_SIZE;
}

bool frame_cap_run_free_some(struct domain *d, uint64_t start, uint64_t limit)
{
	d->run.npages = 0; /* matches no call any more */
	while (d->run.held) {
		d->run.held--;
		domain_frame_free(d, run_frame(d, d->run.held));
		if (d->run.held && run_over(d->run.held, start, limit))
			return false;
	}
	d->run_zeroed = 0;
	return true;
}

/* Takes npages at paddr (or anywhere) for d, charged: *pa. Sizes,
 * quota and a free slot are checked before any frame moves. The single
 * frames of the page-fault path and a few named ones: a run search
 * would cost more than they do. */
static inline __attribute__((always_inline)) int
small_take(struct domain *d, uint64_t paddr, uint64_t npages, uint64_t align,
	   uint64_t *pa_out, bool *zeroed)
{
	struct frame_table *ft = mem_frames();
	struct frame *f;
	uint64_t pa, i;
	int rc = quota_check(d, npages);

	if (rc)
		return rc;
	if (cspace_full(&d->cs))
		return E_NOMEM;
	*zeroed = false;
	if (paddr == RIVET_FRAME_ANY && frame_pool_take(ft, d->id, &pa, &f)) {
		*zeroed = true; /* the pool's head, inline */
	} else if (paddr == RIVET_FRAME_ANY ||
		   (paddr == RIVET_FRAME_REUSE && domain_frame_reuse(d, &pa))) {
		rc = frame_pool_alloc(ft, d->id, &pa, zeroed);
		if (rc)
			return rc;
	} else if (paddr == RIVET_FRAME_REUSE) {
		*zeroed = true; /* d's own data: nothing to clear */
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

/* Which calls take the small path: one frame anywhere, or a few named. */
static inline bool small_call(uint64_t paddr, uint64_t npages, uint64_t align)
{
	if (paddr == RIVET_FRAME_ANY || paddr == RIVET_FRAME_REUSE)
		return npages == 1 && align == 1;
	return npages <= RUN_LOOK;
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
	int rc = small_take(d, paddr, npages, align, &pa, &zeroed);

	if (rc)
		return rc;
	/* Frames come to the domain zeroed: no data leaks between owners.
	 * One frame from the zeroed-frame pool (kernel/mm/frame_pool.h)
	 * already is. */
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

/* Starts d's run: sizes, quota and a free slot are checked first. */
static int run_begin(struct domain *d, uint64_t paddr, uint64_t npages,
		     uint64_t align)
{
	uint64_t pa = paddr == RIVET_FRAME_ANY ? FRAME_RUN_ANY : paddr;
	int rc = quota_check(d, npages);

	if (rc)
		return rc;
	if (cspace_full(&d->cs))
		return E_NOMEM;
	if (pa != FRAME_RUN_ANY && pa & (PAGE_SIZE - 1))
		return E_INVAL;
	d->run_zeroed = 0;
	return frame_run_start(mem_frames(), &d->run, (uint32_t)npages,
			       (uint32_t)align, pa);
}

/*
 * Searches for and takes d's run, in steps, until it holds it all (0),
 * the piece is over (SYSCALL_RESTART) or there is none (an error, with
 * nothing held). What it holds is charged as it comes and goes; the
 * quota is checked again before each step, since d may have spent some
 * between two pieces.
 */
static int run_search(struct domain *d, uint64_t start)
{
	struct frame_run *r = &d->run;
	int rc;

	for (;;) {
		uint32_t before = r->held;

		if (!r->dropping && quota_check(d, r->npages - r->held))
			return E_NOMEM; /* what it holds goes back later */
		rc = frame_run_search(mem_frames(), r, d->id, RUN_SEARCH_STEPS);
		if (r->held > before)
			quota_charge(d, r->held - before);
		else
			quota_uncharge(d, before - r->held);
		if (rc != FRAME_RUN_MORE)
			return rc;
		if (arch_instret() - start >= RUN_INSNS)
			return SYSCALL_RESTART;
	}
}

static int run_alloc(struct domain *d, uint64_t paddr, uint64_t npages,
		     uint64_t align, bool again, uint64_t start, uint32_t *slot)
{
	int rc;

	/* A run of this very call, coming back, goes on; any other is
	 * given back first. */
	if ((d->run.npages || d->run.held) &&
	    !(again && d->run.npages == npages && d->run.align == align)) {
		if (!frame_cap_run_free_some(d, start, RUN_INSNS))
			goto restart;
		again = false;
	}
	if (!d->run.npages) {
		rc = run_begin(d, paddr, npages, align);
		if (rc)
			return rc;
	}
	rc = run_search(d, start);
	if (rc == SYSCALL_RESTART)
		goto restart;
	if (rc) {
		d->run.npages = 0; /* anything held goes back later */
		return rc;
	}
	/* Frames come to the domain zeroed: no data leaks between owners. */
	while (d->run_zeroed < d->run.npages) {
		memset(phys_to_virt(run_frame(d, d->run_zeroed)), 0, PAGE_SIZE);
		d->run_zeroed++;
		if (d->run_zeroed < d->run.npages &&
		    run_over(d->run_zeroed, start, RUN_INSNS))
			goto restart;
	}
	/* Room was checked, but a peer may have granted into the space
	 * since (between pieces): the run is then given back like one left
	 * part-way, by the next frame_alloc or the reaper. */
	rc = cap_create(&d->cs, CAP_FRAME, CAP_ALL, run_frame(d, 0),
			d->run.npages, slot);
	if (rc) {
		d->run.npages = 0;
		return rc;
	}
	d->cs.slots[*slot].flags = CAPF_FRAME_ORIGINAL;
	d->run.npages = 0;
	d->run.held = 0;
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
	if (small_call(paddr, npages, align) && !d->run.held && !d->run.npages)
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

/*
 * Bounded kernel time for large capabilities: mapping costs about 260
 * instructions a page, unmapping about 100, and a capability may have
 * 2^18 pages. So a mapping is made in chunks, each one leaf-table's worth
 * at most (a megapage when va and the frames are 2 MiB-aligned there, as
 * one map of the whole range would make it; else MAP_CHUNK pages, never
 * across a 2 MiB line of va, so later chunks can still be megapages), and
 * removed from its end a few leaves at a time. Its record says how many
 * pages it holds (pages) and FRAME_MAP_PARTIAL while that is not all of
 * them: every mapping, whole or not, is on its capability's list, so
 * revoke, delete and teardown remove exactly what is there. A map that
 * stops part-way (a piece's budget spent) is taken up again by the next
 * map of that capability at that address with those rights while its
 * record is the newest of the capability's; an unmap removes what is
 * there. A map that fails part-way removes what it mapped, in pieces
 * too, and then returns its error (kept in the record meanwhile).
 */
#define MAP_CHUNK     64  /* pages, unless one megapage */
#define MEGA_PAGES    512 /* pages in a megapage */
#define MAP_PAGE_COST 300 /* about what mapping one page costs */

/* The first chunk of d's mapping m of c still to map, in pages. */
static uint64_t map_chunk_pages(const struct domain *d, const struct cap *c,
				const struct frame_mapping *m)
{
	uint64_t off = (uint64_t)m->pages * PAGE_SIZE,
		 left = c->size - m->pages;
	uint64_t mega = MEGA_PAGES * PAGE_SIZE, to_line;

	/* A megapage only where one can go: a table left there (say, by
	 * an unmap) means 512 small pages, too many for one chunk. */
	if (left >= MEGA_PAGES && !((m->va + off) & (mega - 1)) &&
	    !((c->object + off) & (mega - 1)) &&
	    uvm_mega_free(&d->as, m->va + off))
		return MEGA_PAGES;
	to_line = MEGA_PAGES - (((m->va + off) >> PAGE_SHIFT) % MEGA_PAGES);
	if (left > to_line)
		left = to_line;
	return left < MAP_CHUNK ? left : MAP_CHUNK;
}

/* Maps the next chunk of m (pages from m->pages on) with perm: checks W^X
 * and that the range is free first; on failure nothing of the chunk
 * stays. */
static int map_chunk(struct domain *d, const struct cap *c,
		     struct frame_mapping *m, uint64_t perm, unsigned kind)
{
	uint64_t n = map_chunk_pages(d, c, m),
		 off = (uint64_t)m->pages * PAGE_SIZE;
	uint64_t va = m->va + off, pa = c->object + off;
	int rc;

	/* W^X holds per frame, not per mapping: a frame writable through
	 * one mapping and executable through another would run what was
	 * written through the first. */
	if (kind && frame_wx_check(mem_frames(), pa, n, kind))
		return E_BUSY;
	/* Room in the page-table view first: the map itself cannot fail
	 * for want of it afterwards. */
	rc = ptview_prepare(&d->as, va, n);
	if (rc)
		return rc;
	/* Only a range found free may be undone: what was there before is
	 * not this map's to remove. */
	rc = range_free(d, va, n * PAGE_SIZE);
	if (rc)
		return rc;
	rc = uvm_map_range(&d->as, va, pa, n * PAGE_SIZE, perm);
	if (rc) {
		undo_partial_map(d, va, n * PAGE_SIZE);
		return rc;
	}
	if (kind)
		frame_wx_get(mem_frames(), pa, n, kind);
	ptview_set(&d->as, va, n, pte_leaf(pa, perm | PTE_U));
	m->pages += (uint32_t)n;
	return 0;
}

/* Removes the leaves of [va, va + n pages) from holder's tables: in one
 * walk if every page there is mapped (the case), else page by page. */
static void unmap_run(struct domain *holder, uint64_t va, uint64_t n)
{
	uint64_t i;

	if (!uvm_unmap(&holder->as, va, n * PAGE_SIZE))
		return;
	for (i = 0; i < n; i++)
		uvm_unmap(&holder->as, va + i * PAGE_SIZE, PAGE_SIZE);
}

/*
 * Removes at most max pages of holder's mapping m of c from its end,
 * whole leaves only, at least one: *done counts them. True once none is
 * left. The W^X counts go after the entries, never before.
 */
static bool mapping_shrink(struct domain *holder, const struct cap *c,
			   struct frame_mapping *m, uint64_t max,
			   uint64_t *done)
{
	uint64_t end = m->pages, lo = end, pa, pte;
	unsigned kind = wx_kind(m->flags & FRAME_MAP_RIGHTS), level;

#ifdef CONFIG_FAST_CAP_DELETE
	/* One page, the common case (a demand-paged frame given back): one
	 * walk, where the loop below looks the leaf up, then unmaps it. */
	if (end == 1 && max && !uvm_unmap_page(&holder->as, m->va))
		lo = 0;
#endif
	while (lo && end - lo < max) {
		uint64_t va = m->va + (lo - 1) * PAGE_SIZE,
			 room = max - (end - lo);
		uint64_t run = 1;
		bool mega = false;

		/* A 2 MiB block of va is one megapage or a table of pages:
		 * pages run down to its start (or the mapping's). */
		if (!uvm_lookup_leaf(&holder->as, va, &pa, &pte, &level)) {
			mega = level > 0;
			run = mega ? 1ULL << (9 * level)
				   : ((va >> PAGE_SHIFT) % MEGA_PAGES) + 1;
		}
		if (run > lo)
			run = lo;
		if (mega && lo != end && run > room)
			break; /* a megapage goes whole, or in a piece alone */
		if (!mega && run > room)
			run = room;
		lo -= run;
		unmap_run(holder, m->va + lo * PAGE_SIZE, run);
	}
	ptview_set(&holder->as, m->va + lo * PAGE_SIZE, end - lo, 0);
	if (kind)
		frame_wx_put(mem_frames(), c->object + lo * PAGE_SIZE, end - lo,
			     kind);
	m->pages = (uint32_t)lo;
	m->flags |= FRAME_MAP_PARTIAL;
	*done += end - lo;
	return !lo;
}

/* Gives holder's record idx (off its list, no page left) back to the
 * pool, with the log ownership it held. */
static void record_free(struct domain *holder, uint32_t idx)
{
	struct frame_mapping *m = &holder->maps[idx - 1];

	if (m->flags & FRAME_MAP_LOG)
		klog_uart_unmapped(holder);
	m->next = holder->maps_free;
	holder->maps_free = idx;
	holder->nmappings--;
	holder->maps_gen++;
}

/* A new record at the head of c's list: va, rights, nothing mapped. */
static struct frame_mapping *record_new(struct domain *d, struct cap *c,
					uint64_t va, unsigned rights)
{
	uint32_t idx = d->maps_free;
	struct frame_mapping *m = &d->maps[idx - 1];

	d->maps_free = m->next;
	m->va = va;
	m->flags = rights;
	m->pages = 0;
	m->next = (uint32_t)c->user;
	c->user = idx;
	d->nmappings++;
	return m;
}

/* The UART the kernel logs to: this whole mapping may make d the owner
 * of the log, for as long as it lasts. */
static void record_log(struct domain *d, const struct cap *c,
		       struct frame_mapping *m)
{
	if (c->type == CAP_DEVICE &&
	    console_uart_within(c->object, c->size * PAGE_SIZE) &&
	    klog_uart_mapped(d))
		m->flags |= FRAME_MAP_LOG;
}

/* c's newest mapping, if it is one at va stopped part-way. */
static struct frame_mapping *map_partial(struct domain *d, const struct cap *c,
					 uint64_t va)
{
	struct frame_mapping *m;

	if (!c->user)
		return 0;
	m = &d->maps[c->user - 1];
	return m->va == va && (m->flags & FRAME_MAP_PARTIAL) ? m : 0;
}

/* Has this piece no room for another chunk of c? (The first of a call
 * that must get on is always done.) */
static bool map_over(const struct domain *d, const struct cap *c,
		     const struct frame_mapping *m, bool first, uint64_t start,
		     uint64_t limit)
{
	return !first &&
	       arch_instret() - start +
			       map_chunk_pages(d, c, m) * MAP_PAGE_COST >
		       limit;
}

/* Undoes the newest mapping of c (m, a map that failed with rc) from its
 * end; rc once it is gone, else SYSCALL_RESTART with rc kept in m. */
static int map_undo(struct domain *d, struct cap *c, struct frame_mapping *m,
		    int rc, uint64_t start, uint64_t limit)
{
	uint64_t done = 0;

	m->flags = (m->flags & ~FRAME_MAP_UNDO_MASK) | FRAME_MAP_UNDO(rc);
	while (!mapping_shrink(d, c, m, MAP_CHUNK, &done))
		if (arch_instret() - start >= limit)
			return SYSCALL_RESTART;
	c->user = m->next;
	record_free(d, (uint32_t)(m - d->maps) + 1);
	return rc;
}

/* One page, the common case: no chunks, no partial record, and the walk
 * itself checks it is free. Inlined: map_page (make bench). */
static inline __attribute__((always_inline)) int
map_one(struct domain *d, struct cap *c, uint64_t vaddr, unsigned rights,
	uint64_t perm, unsigned kind)
{
	int rc;

	if (kind && frame_wx_check(mem_frames(), c->object, 1, kind))
		return E_BUSY;
	rc = ptview_prepare(&d->as, vaddr, 1);
	if (!rc)
		rc = uvm_map_page(&d->as, vaddr, c->object, perm);
	if (rc)
		return rc;
	if (kind)
		frame_wx_get(mem_frames(), c->object, 1, kind);
	frame_map_record(d, c, vaddr, pte_leaf(c->object, perm | PTE_U),
			 rights);
	record_log(d, c, &d->maps[c->user - 1]);
	return 0;
}

/* More pages: chunk by chunk, going on with a partial record of c at
 * vaddr if there is one. start 0: this call reads the clock itself and
 * notes what it spent (KSTAT_STRETCH_MAX). */
static int map_chunks(struct domain *d, struct cap *c, uint64_t vaddr,
		      unsigned rights, uint64_t perm, unsigned kind,
		      uint64_t start, uint64_t limit, bool first)
{
	struct frame_mapping *m = map_partial(d, c, vaddr);
	bool measured = !start;
	int rc;

	if (measured)
		start = arch_instret();
	if (m && (m->flags & FRAME_MAP_UNDO_MASK))
		rc = map_undo(d, c, m, FRAME_MAP_UNDO_RC(m->flags), start,
			      limit);
	else if (m && (m->flags & FRAME_MAP_RIGHTS) != rights)
		rc = E_EXIST;
	else if (!m && !d->maps_free)
		rc = E_NOMEM;
	else if (!m && !first && arch_instret() - start >= limit)
		rc = SYSCALL_RESTART; /* nothing done: none to keep */
	else {
		if (!m)
			m = record_new(d, c, vaddr, rights | FRAME_MAP_PARTIAL);
		rc = 0;
		while (!rc && m->pages < c->size) {
			if (map_over(d, c, m, first, start, limit)) {
				rc = SYSCALL_RESTART;
				break;
			}
			first = false;
			rc = map_chunk(d, c, m, perm, kind);
			if (rc)
				rc = map_undo(d, c, m, rc, start, limit);
		}
		if (!rc) {
			m->flags &= ~FRAME_MAP_PARTIAL;
			record_log(d, c, m);
		}
	}
	if (measured)
		syscall_note_stretch(start);
	return rc;
}

int frame_cap_map_some(struct domain *d, uint32_t slot, uint64_t vaddr,
		       unsigned rights, uint64_t start, uint64_t limit,
		       bool first)
{
	struct cap *c;
	uint64_t size, perm;
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
	/* A revoke that will take c stopped part-way: what its pieces
	 * unmapped must stay unmapped, or a holder on another hart, mapping
	 * again between two pieces, keeps it from ever ending. (nrevoking
	 * first: none in progress, the case, costs no call.) */
	if (domain_caps.nrevoking && cap_revoking_below(&domain_caps, c))
		return E_BUSY;
	size = c->size * PAGE_SIZE;
	if (vaddr & (PAGE_SIZE - 1) || vaddr >= RIVET_MAP_TOP ||
	    size > RIVET_MAP_TOP - vaddr)
		return E_RANGE;
	/* RIVET_CAP_R/W/X are PTE_R/W/X shifted down by one. The PTE keeps
	 * them as its ceiling too: protect never goes above (pte.h). */
	perm = (uint64_t)rights << 1;
	perm |= pte_ceiling_bits(perm);
	if (c->type == CAP_DEVICE)
		perm |= PTE_DEVICE; /* the device memory type (pte.h) */
	if (c->size == 1) {
		if (!d->maps_free)
			return E_NOMEM;
		return map_one(d, c, vaddr, rights, perm, kind);
	}
	return map_chunks(d, c, vaddr, rights, perm, kind, start, limit, first);
}

int frame_cap_map(struct domain *d, uint32_t slot, uint64_t vaddr,
		  unsigned rights)
{
	return frame_cap_map_some(d, slot, vaddr, rights, 1, UINT64_MAX, true);
}

#define UNMAP_INSNS 50000 /* an unmap's piece, as a revoke's */
#define UNMAP_LOOK  256	  /* records searched between two looks */
/* An unmap's restart record: where its search was (the record before
 * the one to look at next, 0: the head), valid while no record of the
 * caller's was given back (maps_gen). */
#define UNMAP_AT (1ULL << 31)

/*
 * Finds the record for vaddr on c's list, in pieces: the list may be as
 * long as the caller's slots. 0 with *prev (the record before it, 0 if
 * first), E_NOENT, or SYSCALL_RESTART with the place kept. Only other
 * domains can change the list between pieces, and only by taking
 * records away (a revoke): then the search starts again.
 */
static int unmap_search(struct domain *d, const struct cap *c, uint64_t vaddr,
			uint64_t slot, uint64_t start, uint32_t *prev)
{
	const struct frame_mapping *maps = d->maps;
	uint64_t at = syscall_restart_take(d, slot);
	uint32_t idx, last = 0, n;

	if (at & UNMAP_AT && at >> 32 == d->maps_gen)
		last = (uint32_t)at & (UNMAP_AT - 1);
	idx = last ? maps[last - 1].next : (uint32_t)c->user;
	while (idx) {
		for (n = 0; idx && n < UNMAP_LOOK; n++) {
			if (maps[idx - 1].va == vaddr) {
				*prev = last;
				return 0;
			}
			last = idx;
			idx = maps[idx - 1].next;
		}
		if (idx && arch_instret() - start >= UNMAP_INSNS) {
			syscall_restart_keep(d, slot,
					     (uint64_t)d->maps_gen << 32 |
						     UNMAP_AT | last);
			return SYSCALL_RESTART;
		}
	}
	return E_NOENT;
}

int frame_cap_unmap(struct domain *d, uint32_t slot, uint64_t vaddr)
{
	uint32_t idx, prev;
	struct cap *c;
	uint64_t start = arch_instret(), done = 0;
	int rc = cap_lookup(&d->cs, slot, CAP_NULL, 0, &c);

	if (rc)
		return rc;
	if (c->type != CAP_FRAME && c->type != CAP_DEVICE)
		return E_INVAL;
	rc = unmap_search(d, c, vaddr, slot, start, &prev);
	if (rc) {
		syscall_note_stretch(start);
		return rc;
	}
	idx = prev ? d->maps[prev - 1].next : (uint32_t)c->user;
	while (!mapping_shrink(d, c, &d->maps[idx - 1], MAP_CHUNK, &done)) {
		if (arch_instret() - start >= UNMAP_INSNS) {
			/* Found: the next piece starts there. */
			syscall_restart_keep(d, slot,
					     (uint64_t)d->maps_gen << 32 |
						     UNMAP_AT | prev);
			syscall_note_stretch(start);
			return SYSCALL_RESTART;
		}
	}
	if (prev)
		d->maps[prev - 1].next = d->maps[idx - 1].next;
	else
		c->user = d->maps[idx - 1].next;
	record_free(d, idx);
	syscall_note_stretch(start);
	return 0;
}

bool frame_cap_unmap_some(cap_ref_t ref, struct cap *c, uint64_t max,
			  uint64_t *done)
{
	struct domain *holder = domain_by_id(cap_ref_space(ref));
	uint32_t idx;

	if ((c->type != CAP_FRAME && c->type != CAP_DEVICE) || !holder)
		return true;
	while ((idx = (uint32_t)c->user)) {
		uint64_t before = *done;

		if (!mapping_shrink(holder, c, &holder->maps[idx - 1], max,
				    done))
			return false;
		c->user = holder->maps[idx - 1].next;
		record_free(holder, idx);
		if (*done - before >= max)
			break;
		max -= *done - before;
	}
	return !c->user;
}

bool frame_cap_free_some(cap_ref_t ref, struct cap *c, uint64_t max)
{
	struct domain *holder = domain_by_id(cap_ref_space(ref));

	if (c->type != CAP_FRAME || !(c->flags & CAPF_FRAME_ORIGINAL) ||
	    c->user || c->first_child != CAP_REF_NONE || !holder)
		return true;
	while (c->size > 1 && max--) {
		c->size--;
		domain_frame_free(holder, c->object + c->size * PAGE_SIZE);
	}
	return c->size <= 1;
}

#ifdef CONFIG_FAST_CAP_DELETE
/*
 * mapping_shrink of a whole one-page mapping m of c whose page is a 4 KiB
 * leaf (a demand-paged frame given back): one walk, the view entry, the
 * W^X count, inline in the deletion. false, with nothing changed, for
 * any other mapping: mapping_shrink's.
 */
static inline __attribute__((always_inline)) bool
unmap_one_page(struct domain *holder, const struct cap *c,
	       struct frame_mapping *m)
{
	unsigned kind = wx_kind(m->flags & FRAME_MAP_RIGHTS);

	if (m->pages != 1 || uvm_unmap_page(&holder->as, m->va))
		return false;
	ptview_set(&holder->as, m->va, 1, 0);
	if (kind)
		frame_wx_put(mem_frames(), c->object, 1, kind);
	m->pages = 0;
	return true;
}
#else
static inline bool unmap_one_page(struct domain *holder, const struct cap *c,
				  struct frame_mapping *m)
{
	(void)holder;
	(void)c;
	(void)m;
	return false;
}
#endif

/* Removes every mapping of c, deleted, from holder. Out of line: a
 * revoke deletes copies that have none (revoke_per_node, make bench). */
static __attribute__((noinline)) void deleted_mappings(struct domain *holder,
						       const struct cap *c)
{
	uint64_t done = 0;
	uint32_t idx, next;

	for (idx = (uint32_t)c->user; idx; idx = next) {
		struct frame_mapping *m = &holder->maps[idx - 1];

		next = m->next;
		if (!unmap_one_page(holder, c, m))
			mapping_shrink(holder, c, m, UINT64_MAX, &done);
		record_free(holder, idx);
	}
}

void frame_cap_deleted(cap_ref_t ref, const struct cap *c)
{
	struct domain *holder = domain_by_id(cap_ref_space(ref));
	uint64_t i;

	if (!holder)
		return;
	if (c->user)
		deleted_mappings(holder, c);
	/* The original owns the frames: they go back to the free list. */
	if (c->flags & CAPF_FRAME_ORIGINAL)
		for (i = 0; i < c->size; i++)
			domain_frame_free(holder, c->object + i * PAGE_SIZE);
}
