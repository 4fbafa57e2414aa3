// SPDX-License-Identifier: MIT
/* The frame table and allocator; see frame.h. */
#include "kernel/mm/frame.h"
#include "kernel/mm/frame_pool.h"

#include <rivet/errno.h>

#include "kernel/lib/string.h"

size_t frame_table_bytes(uint64_t lo, uint64_t hi)
{
	return (size_t)((hi - lo) >> FRAME_SHIFT) * sizeof(struct frame);
}

size_t frame_table_bytes_spans(const struct frame_span *spans, unsigned n)
{
	size_t bytes = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		bytes += frame_table_bytes(spans[i].lo, spans[i].hi);
	return bytes;
}

int frame_table_init(struct frame_table *ft, void *mem, uint64_t lo,
		     uint64_t hi)
{
	struct frame_span one = { lo, hi };

	return frame_table_init_spans(ft, mem, &one, 1);
}

int frame_table_init_spans(struct frame_table *ft, void *mem,
			   const struct frame_span *spans, unsigned n)
{
	uint64_t total = 0;
	unsigned i;

	if (!n)
		return E_INVAL;
	if (n > FRAME_MAX_BANKS)
		return E_TOOBIG;
	for (i = 0; i < n; i++) {
		const struct frame_span *sp = &spans[i];

		if (sp->hi <= sp->lo || (sp->lo | sp->hi) & (FRAME_SIZE - 1))
			return E_INVAL;
		if (i && sp->lo < spans[i - 1].hi)
			return E_INVAL;
		total += (sp->hi - sp->lo) >> FRAME_SHIFT;
		if (total >= FRAME_NIL)
			return E_TOOBIG;
	}
	ft->frames = mem;
	ft->base = spans[0].lo;
	ft->nframes = (uint32_t)total;
	ft->nbanks = n;
	for (i = 0, total = 0; i < n; i++) {
		ft->banks[i].base = spans[i].lo;
		ft->banks[i].first = (uint32_t)total;
		ft->banks[i].n =
			(uint32_t)((spans[i].hi - spans[i].lo) >> FRAME_SHIFT);
		total += ft->banks[i].n;
	}
	ft->free_head = ft->free_tail = FRAME_NIL;
	ft->nfree = 0;
	frame_pool_init(ft);
	memset(mem, 0, frame_table_bytes_spans(spans, n));
	return 0;
}

/* The bank holding table index i (i < nframes). */
static const struct frame_bank *bank_of(const struct frame_table *ft,
					uint32_t i)
{
	unsigned b = 0;

	while (b + 1 < ft->nbanks && i >= ft->banks[b + 1].first)
		b++;
	return &ft->banks[b];
}

/* Table index of the frame at pa: E_INVAL if misaligned, E_RANGE if no
 * bank holds it. */
/* Inlined, like free_list_add: frame_free runs them for every frame a
 * domain gives back. */
static inline __attribute__((always_inline)) int
frame_index(const struct frame_table *ft, uint64_t pa, uint32_t *idx)
{
	const struct frame *f;

	if (pa & (FRAME_SIZE - 1))
		return E_INVAL;
	f = frame_entry(ft, pa);
	if (!f)
		return E_RANGE;
	*idx = (uint32_t)(f - ft->frames);
	return 0;
}

/* Frames from index i to the end of its bank. */
static uint32_t frames_left_in_bank(const struct frame_table *ft, uint32_t i)
{
	const struct frame_bank *k = bank_of(ft, i);

	return k->first + k->n - i;
}

static void free_list_unlink(struct frame_table *ft, uint32_t i)
{
	struct frame *f = &ft->frames[i];

	if (f->zeroed) {
		frame_pool_unlink(ft, i);
		return;
	}
	if (f->prev != FRAME_NIL)
		ft->frames[f->prev].next = f->next;
	else
		ft->free_head = f->next;
	if (f->next != FRAME_NIL)
		ft->frames[f->next].prev = f->prev;
	else
		ft->free_tail = f->prev;
	ft->nfree--;
}

/* Links frame i at the tail (boot marking, ascending) or the head (frees). */
static inline __attribute__((always_inline)) void
free_list_add(struct frame_table *ft, uint32_t i, int at_tail)
{
	struct frame *f = &ft->frames[i];

	if (at_tail) {
		f->prev = ft->free_tail;
		f->next = FRAME_NIL;
		if (ft->free_tail != FRAME_NIL)
			ft->frames[ft->free_tail].next = i;
		else
			ft->free_head = i;
		ft->free_tail = i;
	} else {
		f->prev = FRAME_NIL;
		f->next = ft->free_head;
		if (ft->free_head != FRAME_NIL)
			ft->frames[ft->free_head].prev = i;
		else
			ft->free_tail = i;
		ft->free_head = i;
	}
	ft->nfree++;
}

int frame_mark(struct frame_table *ft, uint64_t base, uint64_t size,
	       enum frame_state state)
{
	uint32_t first, i, n;
	int rc;

	if (size & (FRAME_SIZE - 1))
		return E_INVAL;
	if (!size)
		return 0;
	rc = frame_index(ft, base, &first);
	if (rc)
		return rc;
	/* Compare before narrowing, so a huge size cannot wrap to a small n.
	 * A range may not run past its bank into the next one's entries. */
	if (size >> FRAME_SHIFT > frames_left_in_bank(ft, first))
		return E_RANGE;
	n = (uint32_t)(size >> FRAME_SHIFT);
	for (i = first; i < first + n; i++) {
		struct frame *f = &ft->frames[i];

		if (f->state == FRAME_FREE)
			free_list_unlink(ft, i);
		f->state = (uint16_t)state;
		f->owner = 0;
		if (state == FRAME_FREE)
			free_list_add(ft, i, 1);
	}
	return 0;
}

uint64_t frame_pa(const struct frame_table *ft, uint32_t i)
{
	const struct frame_bank *k;

	if (i < ft->banks[0].n)
		return ft->banks[0].base + ((uint64_t)i << FRAME_SHIFT);
	k = bank_of(ft, i);

	return k->base + ((uint64_t)(i - k->first) << FRAME_SHIFT);
}

int frame_alloc(struct frame_table *ft, uint32_t owner, uint64_t *pa)
{
	uint32_t i = ft->free_head;

	if (i == FRAME_NIL)
		i = ft->pool_head;
	if (i == FRAME_NIL)
		return E_NOMEM;
	free_list_unlink(ft, i);
	ft->frames[i].state = FRAME_ALLOCATED;
	ft->frames[i].owner = owner;
	*pa = frame_pa(ft, i);
	return 0;
}

int frame_alloc_at(struct frame_table *ft, uint64_t pa, uint32_t owner)
{
	uint32_t i;
	int rc = frame_index(ft, pa, &i);

	if (rc)
		return rc;
	if (ft->frames[i].state == FRAME_ABSENT)
		return E_RANGE;
	if (ft->frames[i].state != FRAME_FREE)
		return E_BUSY;
	free_list_unlink(ft, i);
	ft->frames[i].state = FRAME_ALLOCATED;
	ft->frames[i].owner = owner;
	return 0;
}

static void take(struct frame_table *ft, uint32_t i, uint32_t owner)
{
	free_list_unlink(ft, i);
	ft->frames[i].state = FRAME_ALLOCATED;
	ft->frames[i].owner = owner;
}

static void give_back(struct frame_table *ft, uint32_t i)
{
	ft->frames[i].state = FRAME_FREE;
	ft->frames[i].owner = 0;
	free_list_add(ft, i, 0);
}

int frame_run_start(const struct frame_table *ft, struct frame_run *r,
		    uint32_t npages, uint32_t align_pages, uint64_t pa)
{
	uint32_t i = 0;
	int rc;

	if (!npages || !align_pages || (align_pages & (align_pages - 1)))
		return E_INVAL;
	if (pa != FRAME_RUN_ANY) {
		if ((pa >> FRAME_SHIFT) & (align_pages - 1))
			return E_INVAL;
		rc = frame_index(ft, pa, &i);
		if (rc)
			return rc;
	}
	*r = (struct frame_run){ .npages = npages,
				 .align = align_pages,
				 .next = i,
				 .first = i,
				 .fixed = pa != FRAME_RUN_ANY };
	if (r->fixed)
		r->seen = npages; /* nothing to scan: take from first on */
	return 0;
}

/* Why frame i cannot be the next of a run held up to i - 1: 0 if it
 * can, E_RANGE past the table or a bank's end, or not RAM, else E_BUSY. */
static int run_breaks_at(const struct frame_table *ft, uint32_t i, bool held)
{
	if (i >= ft->nframes ||
	    (held && frame_pa(ft, i) != frame_pa(ft, i - 1) + FRAME_SIZE))
		return E_RANGE;
	if (ft->frames[i].state == FRAME_FREE)
		return 0;
	return ft->frames[i].state == FRAME_ABSENT ? E_RANGE : E_BUSY;
}

/* One scan step: looks at frame r->next, counting free frames in a row
 * that start at an aligned frame. */
static void run_scan(const struct frame_table *ft, struct frame_run *r)
{
	uint32_t i = r->next++;

	/* A run ends where a bank does: the next entry is not the next
	 * physical frame. */
	if (r->seen && frame_pa(ft, i) != frame_pa(ft, i - 1) + FRAME_SIZE)
		r->seen = 0;
	if (ft->frames[i].state != FRAME_FREE) {
		r->seen = 0;
		return;
	}
	/* A run may only start at an aligned physical frame number. */
	if (!r->seen && ((frame_pa(ft, i) >> FRAME_SHIFT) & (r->align - 1)))
		return;
	if (++r->seen == r->npages)
		r->first = r->next - r->npages;
}

/* One take step: the run's next frame, if it is still free; else the
 * run is dropped and the scan goes on from there. */
static void run_take_one(struct frame_table *ft, struct frame_run *r,
			 uint32_t owner)
{
	uint32_t i = r->first + r->held;
	int rc = run_breaks_at(ft, i, r->held != 0);

	if (!rc) {
		take(ft, i, owner);
		r->held++;
		return;
	}
	r->dropping = 1;
	r->seen = 0;
	r->next = i; /* looked at again: it may start a run in another bank */
	if (r->fixed)
		r->error = (int16_t)rc;
}

int frame_run_search(struct frame_table *ft, struct frame_run *r,
		     uint32_t owner, uint32_t budget)
{
	for (; budget; budget--) {
		if (r->dropping) {
			if (r->held) {
				r->held--;
				give_back(ft, r->first + r->held);
				continue;
			}
			r->dropping = 0;
			if (r->error)
				return r->error;
		}
		if (r->held == r->npages)
			return 0;
		if (r->seen == r->npages)
			run_take_one(ft, r, owner);
		else if (r->next < ft->nframes)
			run_scan(ft, r);
		else
			return E_NOMEM;
	}
	return r->held == r->npages && !r->dropping ? 0 : FRAME_RUN_MORE;
}

uint64_t frame_run_pa(const struct frame_table *ft, const struct frame_run *r)
{
	return frame_pa(ft, r->first);
}

int frame_alloc_run(struct frame_table *ft, uint32_t npages,
		    uint32_t align_pages, uint32_t owner, uint64_t *pa)
{
	struct frame_run r;
	int rc = frame_run_start(ft, &r, npages, align_pages, FRAME_RUN_ANY);

	while (rc == 0 || rc == FRAME_RUN_MORE) {
		rc = frame_run_search(ft, &r, owner, UINT32_MAX);
		if (!rc) {
			*pa = frame_run_pa(ft, &r);
			return 0;
		}
	}
	return rc;
}

int frame_free(struct frame_table *ft, uint64_t pa)
{
	uint32_t i;
	int rc = frame_index(ft, pa, &i);

	if (rc)
		return rc;
	if (ft->frames[i].state != FRAME_ALLOCATED)
		return E_INVAL;
	frame_release(ft, &ft->frames[i]);
	return 0;
}

int frame_reuse(struct frame_table *ft, uint64_t pa, uint32_t owner)
{
	uint32_t i;

	if (!owner || frame_index(ft, pa, &i) ||
	    ft->frames[i].state != FRAME_FREE || ft->frames[i].owner != owner)
		return E_NOENT;
	free_list_unlink(ft, i);
	ft->frames[i].state = FRAME_ALLOCATED;
	return 0;
}

uint32_t frame_count(const struct frame_table *ft, enum frame_state s)
{
	uint32_t i, n = 0;

	if (s == FRAME_FREE)
		return ft->nfree;
	for (i = 0; i < ft->nframes; i++)
		n += ft->frames[i].state == s;
	return n;
}
