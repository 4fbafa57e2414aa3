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

long ring_consume(struct ring_consumer *k, uint64_t tail, uint64_t max,
		  const struct ring_ops *ops, void *ctx, uint64_t *done)
{
	struct rivet_ring_entry chunk[RING_CHUNK];
	uint64_t queued = tail - k->head, n = 0, i, idx, run;
	long rc;

	*done = 0;
	if (queued > k->size)
		return E_RANGE; /* behind head (wrapped) or past the ring */
	if (max > queued)
		max = queued;
	while (n < max) {
		idx = k->head & (k->size - 1);
		run = max - n;
		if (run > k->size - idx)
			run = k->size - idx; /* up to the ring's end */
		if (run > RING_CHUNK)
			run = RING_CHUNK;
		rc = ops->fetch(ctx, idx, run, chunk);
		if (rc)
			return rc;
		for (i = 0; i < run; i++, n++) {
			struct rivet_ring_done c = { 0, 0 };

			if (n && ops->stop(ctx))
				return 0;
			c.rc = ring_entry_check(k, &chunk[i]);
			if (!c.rc)
				c.rc = ops->run(ctx, &chunk[i], &c.val);
			if (c.rc)
				c.val = 0;
			k->head++;
			*done = n + 1;
			rc = ops->post(ctx, idx + i, &c);
			if (rc)
				return rc;
		}
	}
	return 0;
}
