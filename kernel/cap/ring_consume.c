// SPDX-License-Identifier: MIT
/*
 * The submission ring's consumer (ring_consume.h). The ring's words can
 * change at any moment (the domain writes them, another hart may run it),
 * so each is read once: the tail by the caller, each entry by ops->fetch
 * into the chunk below, and every check and the call itself use that
 * copy. The kernel's own head says what was consumed; the ring's copy of
 * it is only written, never read, so rewriting it cannot replay an entry.
 */
#include "kernel/cap/ring_consume.h"

#include <rivet/errno.h>

/* E_NOSYS, E_NOTSUP or 0: may the ring run the call e names? */
static long ring_entry_check(const struct ring_consumer *k,
			     const struct rivet_ring_entry *e)
{
	if (e->nr >= 64 || !((k->known >> e->nr) & 1))
		return E_NOSYS;
	if (!((k->allowed >> e->nr) & 1))
		return E_NOTSUP;
	return 0;
}

/* Entries from e on, at most n, that are call nr: how many in a row. */
static uint64_t ring_run_length(const struct rivet_ring_entry *e, uint64_t n,
				uint64_t nr)
{
	uint64_t m = 0;

	while (m < n && e[m].nr == nr)
		m++;
	return m;
}

/*
 * Runs entries from chunk[0] on, at most n, until ops->stop says so
 * (never before the first; first says whether this is the piece's first
 * entry): how many ran, their completions in c. A run of the batched
 * call goes to ops->run_batch at once.
 */
static uint64_t ring_run_chunk(const struct ring_consumer *k,
			       const struct rivet_ring_entry *chunk, uint64_t n,
			       bool first, const struct ring_ops *ops,
			       void *ctx, struct rivet_ring_done *c)
{
	uint64_t i = 0, m, j;

	while (i < n) {
		if ((i || !first) && ops->stop(ctx))
			break;
		c[i].rc = ring_entry_check(k, &chunk[i]);
		c[i].val = 0;
		if (!c[i].rc && ops->run_batch && chunk[i].nr == k->batch_nr) {
			m = ring_run_length(&chunk[i], n - i, k->batch_nr);
			ops->run_batch(ctx, &chunk[i], m, &c[i]);
			for (j = i; j < i + m; j++)
				if (c[j].rc)
					c[j].val = 0;
			i += m;
			continue;
		}
		if (!c[i].rc)
			c[i].rc = ops->run(ctx, &chunk[i], &c[i].val);
		if (c[i].rc)
			c[i].val = 0;
		i++;
	}
	return i;
}

long ring_consume(struct ring_consumer *k, uint64_t tail, uint64_t max,
		  const struct ring_ops *ops, void *ctx, uint64_t *done)
{
	struct rivet_ring_entry chunk[RING_CHUNK];
	struct rivet_ring_done c[RING_CHUNK];
	uint64_t queued = tail - k->head, idx, want, ran;
	long rc;

	*done = 0;
	if (queued > k->size)
		return E_RANGE; /* behind head (wrapped) or past the ring */
	if (max > queued)
		max = queued;
	while (*done < max) {
		idx = k->head & (k->size - 1);
		want = max - *done;
		if (want > k->size - idx)
			want = k->size - idx; /* up to the ring's end */
		if (want > RING_CHUNK)
			want = RING_CHUNK;
		rc = ops->fetch(ctx, idx, want, chunk);
		if (rc)
			return rc;
		ran = ring_run_chunk(k, chunk, want, !*done, ops, ctx, c);
		/* Consumed before the post: if it fails they stay run. */
		k->head += ran;
		*done += ran;
		if (ran) {
			rc = ops->post(ctx, idx, ran, c);
			if (rc)
				return rc;
		}
		if (ran < want)
			return 0; /* ops->stop */
	}
	return 0;
}
