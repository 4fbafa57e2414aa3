// SPDX-License-Identifier: MIT
/*
 * The submission ring's consumer driven by the fuzzer: each input byte
 * starts an operation (the domain writes an entry or the tail with the
 * bytes that follow, a submit with some limit, a piece stopped early,
 * entries or completions becoming unreachable). The ring is allocated at
 * its exact size so ASan catches any access outside it. Checked: only
 * calls the ring may run are run, each run consumes exactly one entry of
 * the kernel's head, the head never goes back nor past the tail read,
 * and counters out of range run nothing.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cap/ring_consume.h"
#include <rivet/errno.h>

#define SIZE	 64
#define ALLOWED	 0x0f0fUL
#define KNOWN	 0xffffUL
#define BATCH_NR 2

struct fz {
	struct rivet_ring_entry *e; /* SIZE entries, malloc'd exactly */
	struct rivet_ring_done *c;
	uint64_t runs;
	unsigned stop_after, asked;
	int fetch_fail, post_fail;
};

static int fetch(void *ctx, uint64_t index, uint64_t n,
		 struct rivet_ring_entry *out)
{
	struct fz *f = ctx;

	assert(n && n <= RING_CHUNK && index < SIZE && n <= SIZE - index);
	if (f->fetch_fail)
		return E_RANGE;
	memcpy(out, &f->e[index], n * sizeof(*out));
	/* The domain rewrites what was just read: the copy must rule. */
	memset(&f->e[index], 0xff, n * sizeof(*out));
	return 0;
}

static long run(void *ctx, const struct rivet_ring_entry *e, uint64_t *val)
{
	struct fz *f = ctx;

	assert(e->nr < 64 && ((ALLOWED >> e->nr) & 1));
	f->runs++;
	*val = e->args[0];
	return e->args[1] & 1 ? E_INVAL : 0;
}

static void run_batch(void *ctx, const struct rivet_ring_entry *e, uint64_t n,
		      struct rivet_ring_done *out)
{
	assert(n && n <= RING_CHUNK);
	for (uint64_t i = 0; i < n; i++) {
		assert(e[i].nr == BATCH_NR);
		out[i].rc = run(ctx, &e[i], &out[i].val);
	}
}

static int post(void *ctx, uint64_t index, uint64_t n,
		const struct rivet_ring_done *c)
{
	struct fz *f = ctx;

	assert(n && index < SIZE && n <= SIZE - index && n <= RING_CHUNK);
	for (uint64_t i = 0; i < n; i++)
		assert(!c[i].rc || !c[i].val);
	if (f->post_fail)
		return E_RANGE;
	memcpy(&f->c[index], c, n * sizeof(*c));
	return 0;
}

static bool stop(void *ctx)
{
	struct fz *f = ctx;

	return ++f->asked > f->stop_after;
}

static const struct ring_ops ops = { fetch, run, run_batch, post, stop };

static uint64_t take(const uint8_t **p, size_t *left, size_t n)
{
	uint64_t v = 0;

	if (n > *left)
		n = *left;
	memcpy(&v, *p, n);
	*p += n;
	*left -= n;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { malloc(SIZE * sizeof(struct rivet_ring_entry)),
			malloc(SIZE * sizeof(struct rivet_ring_done)) };
	struct ring_consumer k = { 0, SIZE, KNOWN, ALLOWED, BATCH_NR };
	uint64_t tail = 0, done, head0, runs0;
	const uint8_t *p = data;
	size_t left = size;
	long rc;

	assert(f.e && f.c);
	memset(f.e, 0, SIZE * sizeof(*f.e));
	while (left) {
		uint8_t op = (uint8_t)take(&p, &left, 1);

		switch (op & 7) {
		case 0: { /* write one entry: index, nr, arg0, arg1 */
			unsigned i = (unsigned)take(&p, &left, 1) % SIZE;

			f.e[i].nr = take(&p, &left, 1) % 20;
			if (f.e[i].nr > 16)
				f.e[i].nr = BATCH_NR; /* runs of the batch */
			f.e[i].args[0] = take(&p, &left, 8);
			f.e[i].args[1] = take(&p, &left, 1);
			break;
		}
		case 1: /* a garbage word anywhere in an entry */
			f.e[take(&p, &left, 1) % SIZE].nr = take(&p, &left, 8);
			break;
		case 2: /* any tail at all */
			tail = take(&p, &left, 8);
			break;
		case 3: /* a tail near the head, as an honest domain */
			tail = k.head + take(&p, &left, 1) % (SIZE + 2);
			break;
		case 4:
			f.fetch_fail = op >> 3 & 1;
			f.post_fail = op >> 4 & 1;
			break;
		default: /* submit, max and a stop point from the op */
			f.asked = 0;
			f.stop_after = op >> 3;
			head0 = k.head;
			runs0 = f.runs;
			rc = ring_consume(&k, tail, take(&p, &left, 1) + 1,
					  &ops, &f, &done);
			assert(k.head - head0 == done);
			assert(f.runs - runs0 <= done);
			assert(done <= SIZE);
			if (tail - head0 > SIZE)
				assert(rc == E_RANGE && !done);
			else
				assert(k.head - head0 <= tail - head0);
			break;
		}
	}
	free(f.e);
	free(f.c);
	return 0;
}
