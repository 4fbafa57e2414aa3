/* SPDX-License-Identifier: MIT */
/*
 * The frame table: one entry per 4 KiB physical frame of each RAM bank,
 * recording what the frame is (absent, free, kernel, firmware,
 * allocated). The banks' entries sit end to end, so a hole between banks
 * costs nothing (PolarFire SoC: 0x80000000 and 0x1040000000 would
 * otherwise need an entry per frame of 64 GiB); only the lookups between
 * an index and a physical address know about banks. Free frames form a doubly linked list
 * threaded through the table, so allocating any frame, allocating one named
 * by its physical address, and freeing are all O(1). Boot-time marking
 * appends in address order (the first allocations are the lowest frames);
 * freed frames go to the head and are reused first.
 *
 * Pure bookkeeping: it never touches the frames themselves, so it runs
 * the same on the host (unit tests) as in the kernel.
 */
#ifndef KERNEL_FRAME_H
#define KERNEL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rivet/errno.h>

#define FRAME_SHIFT 12
#define FRAME_SIZE  (1ULL << FRAME_SHIFT)

enum frame_state {
	FRAME_ABSENT = 0, /* not RAM (a hole between banks) */
	FRAME_FREE,
	FRAME_RESERVED, /* firmware, device tree, reserved-memory */
	FRAME_KERNEL,	/* kernel image and kernel allocations */
	FRAME_ALLOCATED,
	FRAME_ZEROING, /* off the free lists while it is zeroed (frame_pool.h) */
};

struct frame {
	uint32_t next, prev; /* free list links (indices), FRAME_NIL at ends */
	uint8_t state;	     /* enum frame_state */
	uint8_t zeroed;	     /* free and in the zeroed-frame pool */
	uint16_t wx;	     /* FRAME_WX_W or _X while wx_maps > 0, else 0 */
	uint32_t owner;	     /* who holds an allocated frame, 0 = kernel;
			      * a free frame: who freed it and may find
			      * its own data there (frame_reuse), or 0 */
	uint32_t wx_maps;    /* user mappings of kind wx, in every domain */
};

/*
 * W^X per frame: a frame mapped writable anywhere cannot be mapped
 * executable anywhere, and the other way round, across every mapping of
 * every domain. Read-only mappings are not counted.
 */
#define FRAME_WX_W 1
#define FRAME_WX_X 2

#define FRAME_NIL 0xffffffffu

#define FRAME_MAX_BANKS 16 /* as many as the machine has RAM ranges */

/* A span of physical addresses the table covers, [lo, hi). */
struct frame_span {
	uint64_t lo, hi;
};

/* One bank: frames[first .. first+n) are the frames from base on. */
struct frame_bank {
	uint64_t base;
	uint32_t first, n;
};

struct frame_table {
	struct frame *frames;
	uint64_t base; /* physical address of frames[0], the lowest frame */
	uint32_t nframes;
	uint32_t free_head, free_tail; /* free frames not known to be zero */
	uint32_t nfree;		       /* every free frame, the pool's too */
	uint32_t pool_head, pool_tail; /* free frames known to be zero */
	uint32_t npool;
	/* Claimed by the idle loop and being zeroed (FRAME_ZEROING): out of
	 * nfree, since nobody can take them, but free all the same. */
	uint32_t nzeroing;
	struct frame_bank banks[FRAME_MAX_BANKS]; /* in address order */
	unsigned nbanks;
};

/* Bytes of table memory needed to cover [lo, hi). */
size_t frame_table_bytes(uint64_t lo, uint64_t hi);

/* Bytes of table memory needed to cover the n spans (no hole between). */
size_t frame_table_bytes_spans(const struct frame_span *spans, unsigned n);

/*
 * Sets up a table covering [lo, hi) (frame-aligned) in mem, which must hold
 * frame_table_bytes(lo, hi). Every frame starts FRAME_ABSENT. Returns 0,
 * E_INVAL for a misaligned or empty span, E_TOOBIG past 2^32 frames.
 */
int frame_table_init(struct frame_table *ft, void *mem, uint64_t lo,
		     uint64_t hi);

/*
 * The same over n banks, spans in ascending order, frame-aligned,
 * non-empty and not overlapping (touching is fine); mem must hold
 * frame_table_bytes_spans(). E_INVAL for spans that are not so,
 * E_TOOBIG for more than FRAME_MAX_BANKS or 2^32 frames in all.
 */
int frame_table_init_spans(struct frame_table *ft, void *mem,
			   const struct frame_span *spans, unsigned n);

/* Marks [base, base+size) with state (FRAME_FREE adds to the free list). */
int frame_mark(struct frame_table *ft, uint64_t base, uint64_t size,
	       enum frame_state state);

/* Takes the lowest free frame for owner, one of the pool's (frame_pool.h)
 * only when no other is left; E_NOMEM when none is. */
int frame_alloc(struct frame_table *ft, uint32_t owner, uint64_t *pa);

/*
 * Takes the frame at pa. E_RANGE if pa is not RAM, E_INVAL if misaligned,
 * E_BUSY if the frame is not free.
 */
int frame_alloc_at(struct frame_table *ft, uint64_t pa, uint32_t owner);

/*
 * Takes npages free frames in a row, the first aligned to align_pages
 * frames (a power of two), for owner: the lowest such run. O(frames) scan
 * in one go (frame_run_search is the same in pieces): for boot-time and
 * spawn-time slot arrays, not the common single-frame path. Returns 0
 * with *pa, E_INVAL for a bad size or alignment, E_NOMEM if no such run
 * is free.
 */
int frame_alloc_run(struct frame_table *ft, uint32_t npages,
		    uint32_t align_pages, uint32_t owner, uint64_t *pa);

/* Physical address of table entry i (i < nframes). */
uint64_t frame_pa(const struct frame_table *ft, uint32_t i);

/*
 * A run search that can stop after any number of table entries and go
 * on later, while other owners allocate and free (frame_alloc of a run,
 * kernel/cap/frame_cap.c). It scans without changing anything, counting
 * free frames in a row (seen); once it has seen npages it takes them one
 * by one, checking each again, since they may have changed while it was
 * stopped. A frame found taken meanwhile gives back what it took
 * (dropping) and the scan goes on after it. Taken frames are
 * [first, first + held), in the table's order, which is the physical
 * order within a run.
 */
struct frame_run {
	uint32_t npages, align; /* wanted: 0 pages = no search */
	uint32_t next;		/* table index the scan looks at next */
	uint32_t seen;		/* free frames in a row just below next */
	uint32_t first, held;	/* frames taken for the owner */
	uint8_t fixed;		/* the run must start at next: no scan */
	uint8_t dropping;	/* held frames are given back first */
	int16_t error;		/* a fixed run's, once they are back */
};

/* frame_run_search: the budget ran out first. */
#define FRAME_RUN_MORE 1

/*
 * Starts r: npages frames aligned to align_pages, searched for from the
 * lowest frame on, or exactly at pa if pa is not FRAME_RUN_ANY.
 * E_INVAL for a bad size or alignment or a misaligned pa, E_RANGE if pa
 * is not RAM.
 */
#define FRAME_RUN_ANY (~0ULL)
int frame_run_start(const struct frame_table *ft, struct frame_run *r,
		    uint32_t npages, uint32_t align_pages, uint64_t pa);

/*
 * Goes on with r for at most budget steps (a table entry looked at, a
 * frame taken or given back). Returns 0 once r holds npages frames for
 * owner (they start at frame_run_pa), FRAME_RUN_MORE when the budget ran
 * out first, or, with nothing held: E_NOMEM (no such run up to the end
 * of the table), and for a fixed start E_RANGE (not RAM) or E_BUSY (a
 * frame not free). Between two calls r->held may be anything up to
 * npages: the caller charges them as they come and go.
 */
int frame_run_search(struct frame_table *ft, struct frame_run *r,
		     uint32_t owner, uint32_t budget);

/* Physical address of r's first frame (r->first). */
uint64_t frame_run_pa(const struct frame_table *ft, const struct frame_run *r);

/* Returns an allocated frame to the free list; E_INVAL if it was not.
 * The frame keeps its owner, whose data it still holds (frame_reuse). */
int frame_free(struct frame_table *ft, uint64_t pa);

/*
 * Takes the free frame at pa for owner again, its contents as they are,
 * if owner freed it and nobody took it since: its owner field still
 * names owner. Every allocation writes the field and every other way
 * back to the free lists (zeroing, a run given back, boot marking)
 * clears it, so the frame holds nothing owner could not read when it
 * freed it. E_NOENT otherwise (also for a pa that is not RAM).
 */
int frame_reuse(struct frame_table *ft, uint64_t pa, uint32_t owner);

/*
 * The table entry of the frame at pa (frame-aligned), or NULL if the
 * table has none: outside every bank. The first bank, where most boards
 * have all their RAM, is tried first (its entries start at 0): this runs
 * for every page mapped.
 */
static inline struct frame *frame_entry(const struct frame_table *ft,
					uint64_t pa)
{
	uint64_t i = (pa - ft->banks[0].base) >> FRAME_SHIFT;
	unsigned b;

	if (__builtin_expect(pa >= ft->banks[0].base && i < ft->banks[0].n, 1))
		return &ft->frames[i];
	for (b = 1; b < ft->nbanks; b++) {
		const struct frame_bank *k = &ft->banks[b];

		i = (pa - k->base) >> FRAME_SHIFT;
		if (pa >= k->base && i < k->n)
			return &ft->frames[k->first + i];
	}
	return 0;
}

/*
 * frame_free of the allocated frame of index i in ft: free again, at the
 * head of the free list, its owner kept (frame_reuse). Inline: a one-page
 * cap_delete gives its frame back here (kernel/cap/frame_delete.c), with
 * the index it found the entry by (no division to get it back).
 */
static inline void frame_release_at(struct frame_table *ft, uint64_t i)
{
	struct frame *frames = ft->frames, *f = &frames[i];
	/* Signed: FRAME_NIL is -1, and no index reaches 2^31. */
	int32_t head = (int32_t)ft->free_head;

	f->state = FRAME_FREE;
	f->prev = FRAME_NIL;
	f->next = (uint32_t)head;
	if (head != (int32_t)FRAME_NIL)
		frames[head].prev = (uint32_t)i;
	else
		ft->free_tail = (uint32_t)i;
	ft->free_head = (uint32_t)i;
	ft->nfree++;
}

/* frame_release_at of the entry f of ft. */
static inline void frame_release(struct frame_table *ft, struct frame *f)
{
	frame_release_at(ft, (uint64_t)(f - ft->frames));
}

/*
 * Could the npages frames from pa (frame-aligned) get one more mapping of
 * kind (FRAME_WX_W or FRAME_WX_X)? Returns 0, or E_BUSY if one of them
 * has a mapping of the other kind. Frames outside the table (device
 * registers) are not tracked: 0. Changes nothing. Inline, like the two
 * below: every map and unmap of a frame capability runs them.
 */
static inline int frame_wx_check(const struct frame_table *ft, uint64_t pa,
				 uint64_t npages, unsigned kind)
{
	uint64_t k;

	for (k = 0; k < npages; k++) {
		const struct frame *f = frame_entry(ft, pa + k * FRAME_SIZE);

		if (f && f->wx_maps && f->wx != kind)
			return E_BUSY;
	}
	return 0;
}

/* Counts one more mapping of kind on each frame (after frame_wx_check). */
static inline void frame_wx_get(struct frame_table *ft, uint64_t pa,
				uint64_t npages, unsigned kind)
{
	uint64_t k;

	for (k = 0; k < npages; k++) {
		struct frame *f = frame_entry(ft, pa + k * FRAME_SIZE);

		if (f) {
			f->wx = (uint16_t)kind;
			f->wx_maps++;
		}
	}
}

/* One mapping of kind fewer on each frame; at zero the frame is open to
 * either kind again. A frame never counted for kind is left alone. */
static inline void frame_wx_put(struct frame_table *ft, uint64_t pa,
				uint64_t npages, unsigned kind)
{
	uint64_t k;

	for (k = 0; k < npages; k++) {
		struct frame *f = frame_entry(ft, pa + k * FRAME_SIZE);

		if (f && f->wx_maps && f->wx == kind && !--f->wx_maps)
			f->wx = 0;
	}
}

/* State of the frame holding pa (FRAME_ABSENT outside the table). */
static inline enum frame_state frame_state_of(const struct frame_table *ft,
					      uint64_t pa)
{
	const struct frame *f = frame_entry(ft, pa & ~(FRAME_SIZE - 1));

	return f ? (enum frame_state)f->state : FRAME_ABSENT;
}

/* Number of frames in state s. */
uint32_t frame_count(const struct frame_table *ft, enum frame_state s);

#endif
