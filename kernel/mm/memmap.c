// SPDX-License-Identifier: MIT
/* Usable RAM computation; see memmap.h. */
#include "kernel/mm/memmap.h"

#include <rivet/errno.h>

#define PAGE 4096ULL

static uint64_t align_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

static int memmap_insert(struct memmap *m, uint64_t base, uint64_t end)
{
	unsigned i;

	if (align_up(base) < base)
		return 0; /* starts inside the last page: nothing whole */
	base = align_up(base);
	end &= ~(PAGE - 1);
	if (base >= end)
		return 0;
	if (m->n == MEMMAP_MAX)
		return E_TOOBIG;
	/* Keep sorted: insertion, as the lists are short. */
	for (i = m->n; i > 0 && m->r[i - 1].base > base; i--)
		m->r[i] = m->r[i - 1];
	m->r[i].base = base;
	m->r[i].size = end - base;
	m->n++;
	return 0;
}

int memmap_remove(struct memmap *m, uint64_t base, uint64_t end)
{
	struct memmap in = *m;
	unsigned i;
	int rc;

	if (base >= end)
		return 0; /* nothing to remove; splitting here would corrupt m */
	m->n = 0;
	for (i = 0; i < in.n; i++) {
		uint64_t rb = in.r[i].base, re = rb + in.r[i].size;

		if (end <= rb || base >= re) {
			rc = memmap_insert(m, rb, re);
		} else {
			rc = memmap_insert(m, rb, base > rb ? base : rb);
			if (!rc)
				rc = memmap_insert(m, end < re ? end : re, re);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* Joins ranges that overlap or touch (duplicate memory nodes do occur). */
static void memmap_merge(struct memmap *m)
{
	unsigned i, j = 0;

	for (i = 1; i < m->n; i++) {
		uint64_t end = m->r[j].base + m->r[j].size;

		if (m->r[i].base <= end) {
			uint64_t e = m->r[i].base + m->r[i].size;
			if (e > end)
				m->r[j].size = e - m->r[j].base;
		} else {
			m->r[++j] = m->r[i];
		}
	}
	if (m->n)
		m->n = j + 1;
}

int memmap_subtract(struct memmap *out, const struct mem_range *ram,
		    unsigned nram, const struct mem_range *avoid,
		    unsigned navoid)
{
	unsigned i;
	int rc;

	out->n = 0;
	for (i = 0; i < nram; i++) {
		if (ram[i].base + ram[i].size < ram[i].base)
			return E_RANGE;
		rc = memmap_insert(out, ram[i].base, ram[i].base + ram[i].size);
		if (rc)
			return rc;
	}
	memmap_merge(out);
	for (i = 0; i < navoid; i++) {
		uint64_t b = avoid[i].base, e = b + avoid[i].size;

		if (e < b)
			return E_RANGE;
		if (b == e)
			continue; /* empty: reserves no page */
		/*
		 * Round the hole outward: a partly reserved page is reserved.
		 * An end in the last page would round to 0; no RAM lies past
		 * it, so ending at the top of the space is the same hole.
		 */
		e = align_up(e) < e ? ~0ULL : align_up(e);
		rc = memmap_remove(out, b & ~(PAGE - 1), e);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t memmap_total(const struct memmap *m)
{
	uint64_t t = 0;
	unsigned i;

	for (i = 0; i < m->n; i++)
		t += m->r[i].size;
	return t;
}
