/* SPDX-License-Identifier: MIT */
/*
 * Checksums of static data from prefix tables. For a region R, entry i
 * of its table is the one's complement sum of R's first i * CHKSUM_STEP
 * bytes, words paired from R's start. The sum of bytes [a, b) of R with
 * words paired from R's start (the "grid") is then
 *
 *	upto(b) - upto(a)	(one's complement subtraction)
 *
 * where upto(k) is table entry k / CHKSUM_STEP plus the grid sum of the
 * few bytes left over. A byte outside [a, b) that shares a word with one
 * inside appears in both terms and cancels. lwIP pairs words from the
 * piece's own start: for even a that is the grid; for odd a every word
 * straddles two grid words, and the sum is the grid sum with its two
 * bytes swapped (RFC 1071, 2(B): byte order independence).
 */
#include <stdlib.h>

#include <rivet/errno.h>

#include "chksum.h"

struct region {
	const uint8_t *start;
	size_t len;
	uint16_t *table; /* len / CHKSUM_STEP + 1 entries */
};

static struct region regions[CHKSUM_REGIONS];
static unsigned nregions;
unsigned long chksum_table_bytes;

static uint16_t add(uint32_t a, uint32_t b)
{
	uint32_t s = a + b;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

static uint16_t swap(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

/* The grid sum of the region's first k bytes. */
static uint16_t upto(const struct region *r, size_t k)
{
	size_t i = k / CHKSUM_STEP;
	size_t rest = k - i * CHKSUM_STEP;

	if (rest == 0)
		return r->table[i];
	return add(r->table[i],
		   lwip_standard_chksum(r->start + i * CHKSUM_STEP, (int)rest));
}

static uint16_t region_sum(const struct region *r, size_t a, size_t b)
{
	uint16_t s = add(upto(r, b), (uint16_t)~upto(r, a));

	return a & 1 ? swap(s) : s;
}

uint16_t chksum_sum(const void *data, int len)
{
	uintptr_t p = (uintptr_t)data;
	unsigned i;

	if (len <= 0)
		return 0;
	/* Addresses as integers: data may lie in no region at all. */
	for (i = 0; i < nregions; i++) {
		const struct region *r = &regions[i];
		uintptr_t start = (uintptr_t)r->start;

		if (p >= start && p - start <= r->len &&
		    (size_t)len <= r->len - (p - start)) {
			size_t a = p - start;

			chksum_table_bytes += (unsigned long)len;
			return region_sum(r, a, a + (size_t)len);
		}
	}
	return lwip_standard_chksum(data, len);
}

int chksum_precompute(const void *data, size_t len)
{
	struct region *r;
	size_t i, n;

	if (!data || len == 0)
		return E_INVAL;
	if (nregions == CHKSUM_REGIONS)
		return E_TOOBIG;
	n = len / CHKSUM_STEP + 1;
	r = &regions[nregions];
	r->table = malloc(n * sizeof(r->table[0]));
	if (!r->table)
		return E_NOMEM;
	r->start = data;
	r->len = len;
	r->table[0] = 0;
	for (i = 1; i < n; i++)
		r->table[i] = add(
			r->table[i - 1],
			lwip_standard_chksum(r->start + (i - 1) * CHKSUM_STEP,
					     CHKSUM_STEP));
	nregions++;
	return 0;
}
