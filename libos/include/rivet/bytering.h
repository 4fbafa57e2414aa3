/* SPDX-License-Identifier: MIT */
/*
 * A single-producer, single-consumer byte queue in memory shared by two
 * domains, without locks: the producer only writes `head`, the consumer
 * only writes `tail`, both count bytes from 0 and wrap at 2^32.
 *
 * Each side keeps the capacity in its own handle, computed from the size
 * of the memory it mapped, and never reads it from the shared page: the
 * other domain can scribble on that page, and the worst it may then do is
 * garble its own data. A head or tail that claims more than the capacity
 * makes the calls return 0 and bytering_corrupt() true; nothing is read
 * or written outside the data area whatever the shared counters say. For
 * the same reason each side keeps its own counter in its handle and only
 * ever writes it to the page.
 */
#ifndef RIVET_BYTERING_H
#define RIVET_BYTERING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The shared part: counters on their own cache lines, then the data. */
struct bytering_shared {
	uint32_t head; /* bytes ever put; written by the producer */
	uint32_t pad_head[15];
	uint32_t tail; /* bytes ever taken; written by the consumer */
	uint32_t pad_tail[15];
	uint8_t data[];
};

/* Each side's own handle. */
struct bytering {
	struct bytering_shared *sh;
	uint32_t size; /* of data[]: a power of two */
	uint32_t mine; /* our own counter (head or tail), never read back */
	bool corrupt;  /* the other side broke the counters */
};

/*
 * Sets up a handle on `bytes` bytes at mem. The producer passes
 * reset = true once, before publishing the memory; the consumer false.
 * Returns false if the memory cannot hold a ring of at least 16 bytes.
 */
bool bytering_init(struct bytering *r, void *mem, size_t bytes, bool reset);

/* Producer: queues all n bytes, or none if there is no room; returns n
 * or 0. A message is therefore never split. */
size_t bytering_put(struct bytering *r, const void *buf, size_t n);

/* Producer: bytes that can be put now. */
size_t bytering_room(struct bytering *r);

/* Producer: bytes put that the consumer has not taken yet (the capacity
 * if the counters are broken). */
size_t bytering_unread(struct bytering *r);

/* Consumer: takes up to n bytes; returns how many. */
size_t bytering_get(struct bytering *r, void *buf, size_t n);

/* Consumer: bytes waiting. */
size_t bytering_used(struct bytering *r);

/* Did either call see counters no honest peer could have written? */
static inline bool bytering_corrupt(const struct bytering *r)
{
	return r->corrupt;
}

#endif
