/* SPDX-License-Identifier: MIT */
/*
 * The submission ring's consumer, pure (no kernel state; a host unit test
 * and a fuzz target run it as it is): which entries of a hostile ring to
 * run, each read once into kernel memory and checked there, each run at
 * most once. kernel/cap/ring.c gives it the domain's memory and calls.
 */
#ifndef KERNEL_CAP_RING_CONSUME_H
#define KERNEL_CAP_RING_CONSUME_H

#include <stdbool.h>
#include <stdint.h>

#include <rivet/ring.h>

/* Entries copied in at a time (1.25 KiB of kernel stack). */
#define RING_CHUNK 32

struct ring_ops {
	/* Copies entries [index, index + n) of the ring (no wrap) into out:
	 * 0, or an error (E_RANGE: not readable). */
	int (*fetch)(void *ctx, uint64_t index, uint64_t n,
		     struct rivet_ring_entry *out);
	/* Runs one entry, already copied and checked: its result, *val. */
	long (*run)(void *ctx, const struct rivet_ring_entry *e, uint64_t *val);
	/* Runs n entries in a row of call batch_nr, each on its own (one
	 * failing stops none of the others): each one's result in out[i].
	 * NULL: those run one by one too. */
	void (*run_batch)(void *ctx, const struct rivet_ring_entry *e,
			  uint64_t n, struct rivet_ring_done *out);
	/* Writes the completions of [index, index + n) (no wrap): 0, or an
	 * error. */
	int (*post)(void *ctx, uint64_t index, uint64_t n,
		    const struct rivet_ring_done *c);
	/* Before each entry but the first (each batch, for run_batch): true
	 * stops the piece here. */
	bool (*stop)(void *ctx);
};

struct ring_consumer {
	uint64_t head;	   /* entries consumed: the kernel's own count */
	uint64_t size;	   /* entries in the ring, a power of two */
	uint64_t known;	   /* call numbers that exist, a bit each */
	uint64_t allowed;  /* those the ring may run */
	uint64_t batch_nr; /* the call run_batch runs */
};

/*
 * Runs the entries from k->head up to tail (read once by the caller from
 * the ring), at most max, in order, advancing k->head past each entry it
 * ran, whether or not its completion could be posted. An entry whose
 * number is not a call gets E_NOSYS, as the direct call; a call the ring
 * does not run, E_NOTSUP; neither is run. Returns 0 (*done entries, fewer
 * than asked if ops->stop said so), E_RANGE when tail is more than size
 * entries past head or behind it (nothing is run), or the first fetch or
 * post error (the entries run before it, whose completions it could not
 * post among them, stay consumed: they never run again). Completions are
 * posted once per chunk of entries run.
 */
long ring_consume(struct ring_consumer *k, uint64_t tail, uint64_t max,
		  const struct ring_ops *ops, void *ctx, uint64_t *done);

#endif
