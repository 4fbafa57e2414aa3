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
	uint32_t owner;	     /* who holds an allocated frame, 0 = kernel */
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
 * frames (a power of two), for owner: the lowest such run. O(frames) scan:
 * for DMA buffers and megapages, not the common single-frame path.
 * Returns 0 with *pa, E_INVAL for a bad size or alignment, E_NOMEM if no
 * such run is free.
 */
int frame_alloc_run(struct frame_table *ft, uint32_t npages,
		    uint32_t align_pages, uint32_t owner, uint64_t *pa);

/* Physical address of table entry i (i < nframes). */
uint64_t frame_pa(const struct frame_table *ft, uint32_t i);

/* Returns an allocated frame to the free list; E_INVAL if it was not. */
int frame_free(struct frame_table *ft, uint64_t pa);

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
enum frame_state frame_state_of(const struct frame_table *ft, uint64_t pa);

/* Number of frames in state s. */
uint32_t frame_count(const struct frame_table *ft, enum frame_state s);

#endif
