// SPDX-License-Identifier: MIT
/* Boot input layout check; see bootlayout.h. */
#include "kernel/boot/bootlayout.h"

#include <stdbool.h>

/* [base, base + size) as an end that cannot wrap (sizes come from trees). */
static uint64_t range_end(uint64_t base, uint64_t size)
{
	return size > ~0ULL - base ? ~0ULL : base + size;
}

static bool overlaps(uint64_t ab, uint64_t as, uint64_t bb, uint64_t bs)
{
	return as && bs && ab < range_end(bb, bs) && bb < range_end(ab, as);
}

static bool covers(uint64_t ob, uint64_t os, uint64_t ib, uint64_t is)
{
	return ob <= ib && range_end(ib, is) <= range_end(ob, os);
}

/*
 * Ranges may be listed in any order, touch or overlap (firmware splits RAM
 * at 4 GiB or per bank): walk from base through whichever range holds the
 * current point until end is reached or a hole is met.
 */
bool bootlayout_in_ram(const struct machine *m, uint64_t base, uint64_t size)
{
	uint64_t pos = base, end = range_end(base, size), b, e;
	bool moved = true;
	unsigned i;

	while (pos < end && moved) {
		moved = false;
		for (i = 0; i < m->nmem; i++) {
			b = m->mem[i].base;
			e = range_end(b, m->mem[i].size);
			if (b <= pos && pos < e) {
				pos = e;
				moved = true;
			}
		}
	}
	return pos >= end;
}

static bool inside_ram(const struct machine *m, const struct boot_input *in)
{
	return bootlayout_in_ram(m, in->base, in->size);
}

static void note(struct bootlayout_problem *out, unsigned max, unsigned *n,
		 enum bootlayout_kind kind, const struct boot_input *a,
		 const struct boot_input *b)
{
	if (*n < max) {
		out[*n].kind = kind;
		out[*n].a = *a;
		out[*n].b = b ? *b : (struct boot_input){ 0 };
	}
	(*n)++;
}

unsigned bootlayout_check(const struct machine *m, const struct boot_input *in,
			  unsigned n, struct bootlayout_problem *out,
			  unsigned max)
{
	unsigned i, j, count = 0;

	for (i = 0; i < n; i++) {
		if (!in[i].size)
			continue;
		if (!inside_ram(m, &in[i]))
			note(out, max, &count, BOOTLAYOUT_OUTSIDE_RAM, &in[i],
			     NULL);
		for (j = i + 1; j < n; j++)
			if (overlaps(in[i].base, in[i].size, in[j].base,
				     in[j].size))
				note(out, max, &count, BOOTLAYOUT_OVERLAP,
				     &in[i], &in[j]);
		for (j = 0; j < m->nresv; j++) {
			const struct resv_range *r = &m->resv[j];
			struct boot_input b = { r->name, r->base, r->size };

			if (!overlaps(in[i].base, in[i].size, r->base, r->size))
				continue;
			if (r->kind == RESV_MEMRESERVE &&
			    covers(r->base, r->size, in[i].base, in[i].size))
				continue;
			note(out, max, &count, BOOTLAYOUT_OVERLAP, &in[i], &b);
		}
	}
	return count;
}
