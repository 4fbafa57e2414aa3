/* SPDX-License-Identifier: MIT */
/*
 * The shared byte queue; see bytering.h. Pure: no system call, so the
 * host unit tests (tests/unit/test_bytering.c) build it as it is.
 *
 * Ordering: the producer copies the bytes, then publishes head with a
 * release store; the consumer reads head with an acquire load before
 * copying. The same pair on tail hands the space back. The two sides may
 * run on different harts.
 */
#include <string.h>

#include <rivet/bytering.h>

bool bytering_init(struct bytering *r, void *mem, size_t bytes, bool reset)
{
	size_t room, size = 16;

	r->sh = mem;
	r->corrupt = false;
	if (!mem || bytes < sizeof(struct bytering_shared) + size)
		return false;
	room = bytes - sizeof(struct bytering_shared);
	while (size * 2 <= room && size * 2 <= (1UL << 30))
		size *= 2;
	r->size = (uint32_t)size;
	r->mine = reset ? 0 : __atomic_load_n(&r->sh->tail, __ATOMIC_RELAXED);
	if (reset) {
		__atomic_store_n(&r->sh->head, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&r->sh->tail, 0, __ATOMIC_RELAXED);
	}
	return true;
}

/* Bytes between tail and head, or -1 if the counters cannot be right. */
static long span(struct bytering *r, uint32_t head, uint32_t tail)
{
	uint32_t used = head - tail;

	if (used > r->size) {
		r->corrupt = true;
		return -1;
	}
	return used;
}

size_t bytering_room(struct bytering *r)
{
	uint32_t head = r->mine;
	long used =
		span(r, head, __atomic_load_n(&r->sh->tail, __ATOMIC_ACQUIRE));

	return used < 0 ? 0 : r->size - (size_t)used;
}

size_t bytering_unread(struct bytering *r)
{
	return r->size - bytering_room(r);
}

size_t bytering_put(struct bytering *r, const void *buf, size_t n)
{
	uint32_t head = r->mine;
	uint32_t at = head & (r->size - 1);
	size_t first;

	if (!n || bytering_room(r) < n)
		return 0;
	first = r->size - at < n ? r->size - at : n;
	memcpy(&r->sh->data[at], buf, first);
	memcpy(r->sh->data, (const uint8_t *)buf + first, n - first);
	r->mine = head + (uint32_t)n;
	__atomic_store_n(&r->sh->head, r->mine, __ATOMIC_RELEASE);
	return n;
}

size_t bytering_used(struct bytering *r)
{
	long used = span(r, __atomic_load_n(&r->sh->head, __ATOMIC_ACQUIRE),
			 r->mine);

	return used < 0 ? 0 : (size_t)used;
}

size_t bytering_get(struct bytering *r, void *buf, size_t n)
{
	uint32_t tail = r->mine;
	uint32_t at = tail & (r->size - 1);
	size_t used = bytering_used(r), first;

	if (n > used)
		n = used;
	if (!n)
		return 0;
	first = r->size - at < n ? r->size - at : n;
	memcpy(buf, &r->sh->data[at], first);
	memcpy((uint8_t *)buf + first, r->sh->data, n - first);
	r->mine = tail + (uint32_t)n;
	__atomic_store_n(&r->sh->tail, r->mine, __ATOMIC_RELEASE);
	return n;
}
