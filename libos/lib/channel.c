/* SPDX-License-Identifier: MIT */
/*
 * Channel queues and their blocking layer; see <rivet/channel.h> and
 * docs/channels.md. Pure: no system call (those are in channel_rivet.c),
 * so the host tests build this file as it is.
 *
 * Memory ordering, in one place:
 *  - SPSC: the producer writes the slots, then stores head with release;
 *    the consumer loads head with acquire before reading them. The same
 *    pair on tail tells the producer the consumer is done reading slots
 *    it may now overwrite.
 *  - MPMC: a cell's sequence word plays head's and tail's part for that
 *    cell (release after filling or emptying it, acquire before); the
 *    positions enq and deq only say who owns which cell, so their loads
 *    and compare-and-swaps are relaxed.
 *  - Blocking: a store to a waiting flag followed by loads of the peer's
 *    counter, against a store to a counter followed by a load of the
 *    flag. That is store-then-load on both sides, which release and
 *    acquire do not order; a seq_cst fence on each side does.
 * The two sides may run on different harts.
 */
#include <stdatomic.h>
#include <string.h>

#include <rivet/channel.h>

/* Shared words are plain uint32_t in the layout (the peer is another
 * program); C11 atomics on them go through these casts. */
#define SHARED(p) ((_Atomic uint32_t *)(p))

static bool slot_size_ok(size_t slot_size)
{
	return slot_size && slot_size % 8 == 0 && slot_size <= (1u << 20);
}

/* The largest power of two n >= 2 with n * stride <= room, or 0. */
static uint32_t fit_slots(size_t room, size_t stride)
{
	uint32_t n = 2;

	if (room / stride < 2)
		return 0;
	while ((size_t)n * 2 <= room / stride && n < (1u << 30))
		n *= 2;
	return n;
}

/*
 * Copies one message: slots are 8-byte aligned and sized, so when the
 * caller's buffer is too the copy goes by words (picolibc's memcpy goes
 * by bytes: 8x the instructions). A misaligned buffer takes memcpy, as
 * a misaligned word access would trap.
 */
static void copy_msg(void *dst, const void *src, size_t n)
{
	if (((uintptr_t)dst | (uintptr_t)src) % 8) {
		memcpy(dst, src, n);
		return;
	}
	for (size_t i = 0; i < n / 8; i++)
		((uint64_t *)dst)[i] = ((const uint64_t *)src)[i];
}

/* ------------------------------------------------------------- SPSC --- */

int chan_spsc_init(struct chan_spsc *c, void *mem, size_t bytes,
		   size_t slot_size, unsigned flags)
{
	memset(c, 0, sizeof(*c));
	if (!mem || (uintptr_t)mem % CHAN_CACHE_LINE ||
	    !slot_size_ok(slot_size) || bytes < sizeof(struct chan_spsc_shared))
		return E_INVAL;
	c->nslots =
		fit_slots(bytes - sizeof(struct chan_spsc_shared), slot_size);
	/* Under 2 GiB of slots: chan_spsc_slot's offset is an int32_t. */
	if (!c->nslots || (uint64_t)c->nslots * slot_size > INT32_MAX)
		return E_INVAL;
	c->sh = mem;
	c->slots = c->sh->slots;
	c->mask = c->nslots - 1;
	c->slot_size = (uint32_t)slot_size;
	c->producer = flags & CHAN_PRODUCER;
	c->spin = CHAN_SPIN_MIN;
	if (flags & CHAN_RESET) {
		/* Relaxed: the page reaches the consumer through a grant (a
		 * system call), which orders these stores before its use. */
		atomic_store_explicit(SHARED(&c->sh->head), 0,
				      memory_order_relaxed);
		atomic_store_explicit(SHARED(&c->sh->tail), 0,
				      memory_order_relaxed);
		atomic_store_explicit(SHARED(&c->sh->prod_waiting), 0,
				      memory_order_relaxed);
		atomic_store_explicit(SHARED(&c->sh->cons_waiting), 0,
				      memory_order_relaxed);
		atomic_store_explicit(SHARED(&c->sh->prod_awake), 0,
				      memory_order_relaxed);
		atomic_store_explicit(SHARED(&c->sh->cons_awake), 0,
				      memory_order_relaxed);
		c->peer = c->mine = 0;
	} else if (flags & CHAN_PRODUCER) {
		/* A producer that attaches takes up at head and assumes the
		 * ring full (peer = head - nslots), so its first alloc loads
		 * and checks tail. Relaxed: nothing is read through it. */
		c->mine = atomic_load_explicit(SHARED(&c->sh->head),
					       memory_order_relaxed);
		c->peer = c->mine - c->nslots;
	} else {
		/* A consumer takes up at tail and assumes the ring empty
		 * (peer = tail), so its first next loads head with acquire,
		 * checked like any other value, before any slot is read. */
		c->mine = atomic_load_explicit(SHARED(&c->sh->tail),
					       memory_order_relaxed);
		c->peer = c->mine;
	}
	return 0;
}

/*
 * Loads the peer's counter and checks it against what an honest peer
 * could have written: at most nslots away from ours on the right side,
 * and not behind the value we saw last (counters only grow). On success
 * caches it in c->peer. It must lie in [old peer, hi] modulo 2^32:
 * hi is our head for the producer, our tail + nslots for the consumer.
 */
static __attribute__((noinline)) bool spsc_refresh(struct chan_spsc *c,
						   uint32_t *word, uint32_t hi)
{
	/* Acquire: pairs with the peer's release store of this counter,
	 * so the slot accesses it made before are over (consumer's reads,
	 * for the producer) or visible (producer's writes, for the
	 * consumer) before ours begin. */
	uint32_t v = atomic_load_explicit(SHARED(word), memory_order_acquire);

	if (c->corrupt)
		return false;
	if (v - c->peer > hi - c->peer) {
		c->corrupt = true;
		return false;
	}
	c->peer = v;
	return true;
}

/* The fast paths below are static inline so that send and recv, which
 * wrap them, make no further calls in the common case. */
static inline void *spsc_alloc(struct chan_spsc *c)
{
	uint32_t at = c->mine + c->pending;

	/* Room is known from the tail seen last: only read the consumer's
	 * line again when it says full (fewer cache-line transfers). */
	if (at - c->peer >= c->nslots || c->corrupt) {
		/* tail lies in [old tail, published head]. */
		if (!spsc_refresh(c, &c->sh->tail, c->mine) ||
		    at - c->peer >= c->nslots)
			return NULL;
	}
	c->pending++;
	return chan_spsc_slot(c, at);
}

void *chan_spsc_alloc_slow(struct chan_spsc *c)
{
	return spsc_alloc(c);
}

static inline void spsc_publish(struct chan_spsc *c)
{
	if (!c->pending)
		return;
	c->mine += c->pending;
	c->pending = 0;
	/* Release: the slot contents are written before the consumer can
	 * see the new head. */
	atomic_store_explicit(SHARED(&c->sh->head), c->mine,
			      memory_order_release);
}

void chan_spsc_publish(struct chan_spsc *c)
{
	spsc_publish(c);
}

int chan_spsc_send(struct chan_spsc *c, const void *msg)
{
	void *slot = spsc_alloc(c);

	if (!slot)
		return c->corrupt ? E_RANGE : E_BUSY;
	copy_msg(slot, msg, c->slot_size);
	spsc_publish(c);
	return 0;
}

/* Consumer: are messages beyond those handed out published? */
static inline bool spsc_readable(struct chan_spsc *c)
{
	uint32_t at = c->mine + c->pending;

	if (c->peer != at && !c->corrupt)
		return true;
	/* head lies in [old head, our tail + nslots]; it cannot be behind
	 * what we handed out since old head was at least that. */
	return spsc_refresh(c, &c->sh->head, c->mine + c->nslots) &&
	       c->peer != at;
}

static inline const void *spsc_next(struct chan_spsc *c)
{
	uint32_t at = c->mine + c->pending;

	if (!spsc_readable(c))
		return NULL;
	c->pending++;
	return chan_spsc_slot(c, at);
}

const void *chan_spsc_next_slow(struct chan_spsc *c)
{
	return spsc_next(c);
}

static inline void spsc_consume(struct chan_spsc *c)
{
	if (!c->pending)
		return;
	c->mine += c->pending;
	c->pending = 0;
	/* Release: our reads of the slots are over before the producer can
	 * see them free and overwrite them. */
	atomic_store_explicit(SHARED(&c->sh->tail), c->mine,
			      memory_order_release);
}

void chan_spsc_consume(struct chan_spsc *c)
{
	spsc_consume(c);
}

int chan_spsc_recv(struct chan_spsc *c, void *buf)
{
	const void *slot = spsc_next(c);

	if (!slot)
		return c->corrupt ? E_RANGE : E_BUSY;
	copy_msg(buf, slot, c->slot_size);
	spsc_consume(c);
	return 0;
}

/* ------------------------------------------------------------- MPMC --- */

/*
 * A cell: the sequence word, then the message. For position p (counted
 * from 0, wrapping at 2^32), cell p % nslots holds seq == p while it is
 * free for the producer of p, p + 1 once that producer filled it, and
 * p + nslots once the consumer of p emptied it (free for position
 * p + nslots). Positions are claimed with a compare-and-swap on enq or
 * deq; the sequence word says whether the cell is ready for the claim.
 */
#define MPMC_DATA 8 /* message offset in a cell, keeps it 8-byte aligned */

/* Bounded retries: a hostile party could otherwise keep us looping by
 * moving enq/deq or the sequence words; honest contention rarely needs
 * more than a few. */
#define MPMC_TRIES 1024

static uint8_t *mpmc_cell(const struct chan_mpmc *q, uint32_t pos)
{
	/* The mask is the only bounds check needed: any position names a
	 * cell inside the queue. */
	return &q->sh->cells[(size_t)(pos & (q->nslots - 1)) * q->stride];
}

int chan_mpmc_init(struct chan_mpmc *q, void *mem, size_t bytes,
		   size_t slot_size, unsigned flags)
{
	memset(q, 0, sizeof(*q));
	if (!mem || (uintptr_t)mem % CHAN_CACHE_LINE ||
	    !slot_size_ok(slot_size) || bytes < sizeof(struct chan_mpmc_shared))
		return E_INVAL;
	q->stride = (uint32_t)(MPMC_DATA + slot_size);
	q->nslots =
		fit_slots(bytes - sizeof(struct chan_mpmc_shared), q->stride);
	if (!q->nslots)
		return E_INVAL;
	q->sh = mem;
	q->slot_size = (uint32_t)slot_size;
	if (flags & CHAN_RESET) {
		/* Relaxed: as for the SPSC ring, the grant that shares the
		 * memory orders these stores before any other party runs. */
		for (uint32_t i = 0; i < q->nslots; i++)
			atomic_store_explicit(SHARED(mpmc_cell(q, i)), i,
					      memory_order_relaxed);
		atomic_store_explicit(SHARED(&q->sh->enq), 0,
				      memory_order_relaxed);
		atomic_store_explicit(SHARED(&q->sh->deq), 0,
				      memory_order_relaxed);
	}
	return 0;
}

/*
 * Claims the cell for the next position of *counter whose sequence word
 * equals position + ahead. Returns the cell and its position, or NULL
 * if the queue is full/empty (the word is behind) or we gave up.
 */
static uint8_t *mpmc_claim(struct chan_mpmc *q, uint32_t *counter,
			   uint32_t ahead, uint32_t *posp)
{
	/* Relaxed: the position only picks a cell; the cell's contents are
	 * ordered by its sequence word, loaded with acquire below. */
	uint32_t pos =
		atomic_load_explicit(SHARED(counter), memory_order_relaxed);

	for (int tries = 0; tries < MPMC_TRIES; tries++) {
		uint8_t *cell = mpmc_cell(q, pos);
		/* Acquire: pairs with the release store of the last party
		 * that handed this cell over (the producer's fill, or the
		 * consumer's emptying), so its accesses come first. */
		uint32_t seq = atomic_load_explicit(SHARED(cell),
						    memory_order_acquire);
		int32_t dif = (int32_t)(seq - (pos + ahead));

		if (dif == 0) {
			/* Relaxed both ways: winning the position gives
			 * us nothing to read but the cell, already ordered
			 * by the acquire above; a failure reloads pos. */
			if (atomic_compare_exchange_weak_explicit(
				    SHARED(counter), &pos, pos + 1,
				    memory_order_relaxed,
				    memory_order_relaxed)) {
				*posp = pos;
				return cell;
			}
		} else if (dif < 0) {
			return NULL; /* not handed over yet: full / empty */
		} else {
			/* Another party took this position: catch up. */
			pos = atomic_load_explicit(SHARED(counter),
						   memory_order_relaxed);
		}
	}
	return NULL;
}

int chan_mpmc_send(struct chan_mpmc *q, const void *msg)
{
	uint32_t pos;
	uint8_t *cell = mpmc_claim(q, &q->sh->enq, 0, &pos);

	if (!cell)
		return E_BUSY;
	copy_msg(cell + MPMC_DATA, msg, q->slot_size);
	/* Release: the message is in the cell before a consumer sees the
	 * sequence word say so. */
	atomic_store_explicit(SHARED(cell), pos + 1, memory_order_release);
	return 0;
}

int chan_mpmc_recv(struct chan_mpmc *q, void *buf)
{
	uint32_t pos;
	uint8_t *cell = mpmc_claim(q, &q->sh->deq, 1, &pos);

	if (!cell)
		return E_BUSY;
	copy_msg(buf, cell + MPMC_DATA, q->slot_size);
	/* Release: our read of the cell is over before a producer sees it
	 * free for position pos + nslots and overwrites it. */
	atomic_store_explicit(SHARED(cell), pos + q->nslots,
			      memory_order_release);
	return 0;
}

/* ---------------------------------------------------------- blocking --- */

/*
 * The sleeper stores its flag, then re-checks the counter; the waker
 * stores the counter, then loads the flag. The seq_cst fences make that
 * a Dekker pair: at least one side sees the other's store, so either
 * the re-check finds the message (no sleep) or the waker sees the flag
 * (it notifies; the kernel latches the event, so a notify that lands
 * between the re-check and the wait makes the wait return at once).
 */
int chan_block(const struct chan_hooks *h, uint32_t *flag,
	       bool (*ready)(void *obj), void *obj)
{
	for (unsigned i = 0; i < h->spin; i++)
		if (ready(obj))
			return 0;
	return chan_sleep(h, flag, ready, obj, NULL, 0);
}

int chan_sleep(const struct chan_hooks *h, uint32_t *flag,
	       bool (*ready)(void *obj), void *obj, uint32_t *awake,
	       uint32_t on)
{
	int rc;

	for (;;) {
		if (ready(obj))
			break;
		/* Relaxed: the fence below orders it before the re-check. */
		atomic_store_explicit(SHARED(flag), 1, memory_order_relaxed);
		/* seq_cst fence: the flag store before the re-check's loads
		 * (store-load); pairs with the fence in chan_wake. */
		atomic_thread_fence(memory_order_seq_cst);
		if (ready(obj))
			break;
		/* Relaxed, both: the awake word is a hint for the peer's
		 * spin, not part of the wake-up protocol (the flag is). */
		if (awake)
			atomic_store_explicit(SHARED(awake), 0,
					      memory_order_relaxed);
		rc = h->wait(h->arg);
		if (rc)
			return rc; /* the page may be gone with the peer */
		if (awake)
			atomic_store_explicit(SHARED(awake), on,
					      memory_order_relaxed);
	}
	/* Relaxed: clearing late only costs the peer a needless notify. */
	atomic_store_explicit(SHARED(flag), 0, memory_order_relaxed);
	return 0;
}

int chan_wake(const struct chan_hooks *h, uint32_t *flag)
{
	/* seq_cst fence: our counter store (just published) before the
	 * flag load (store-load); pairs with the fence in chan_block. */
	atomic_thread_fence(memory_order_seq_cst);
	/* Relaxed: the fence orders it. The flag is the peer's word: a
	 * lying flag costs us needless notifies or costs the liar its
	 * wake-ups, nothing more. */
	if (atomic_load_explicit(SHARED(flag), memory_order_relaxed))
		return h->notify(h->arg);
	return 0;
}

static int count_wait(void *arg)
{
	struct chan_count *k = arg;

	k->waits++;
	return k->inner.wait(k->inner.arg);
}

static int count_notify(void *arg)
{
	struct chan_count *k = arg;

	k->notifies++;
	return k->inner.notify(k->inner.arg);
}

void chan_hooks_count(struct chan_hooks *h, struct chan_count *k)
{
	k->inner = *h;
	k->waits = k->notifies = 0;
	h->wait = count_wait;
	h->notify = count_notify;
	h->arg = k;
}

int chan_spsc_publish_wake(struct chan_spsc *c, const struct chan_hooks *h)
{
	chan_spsc_announce(c, h);
	chan_spsc_publish(c);
	return chan_wake(h, &c->sh->cons_waiting);
}

int chan_spsc_consume_wake(struct chan_spsc *c, const struct chan_hooks *h)
{
	chan_spsc_announce(c, h);
	chan_spsc_consume(c);
	return chan_wake(h, &c->sh->prod_waiting);
}

/* Producer: room for a slot beyond those handed out, or corrupt (so the
 * caller returns the error rather than sleeping). */
static bool spsc_writable(void *obj)
{
	struct chan_spsc *c = obj;
	uint32_t at = c->mine + c->pending;

	if (c->corrupt)
		return true;
	if (at - c->peer < c->nslots)
		return true;
	return !spsc_refresh(c, &c->sh->tail, c->mine) ||
	       at - c->peer < c->nslots;
}

static bool spsc_ready_to_read(void *obj)
{
	struct chan_spsc *c = obj;

	return spsc_readable(c) || c->corrupt;
}

bool chan_spsc_writable(struct chan_spsc *c)
{
	return spsc_writable(c);
}

bool chan_spsc_readable(struct chan_spsc *c)
{
	return spsc_ready_to_read(c);
}

bool chan_spsc_arm(struct chan_spsc *c)
{
	/* chan_block's sleeper side, without the wait: flag, fence,
	 * re-check. */
	atomic_store_explicit(SHARED(&c->sh->cons_waiting), 1,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (!spsc_ready_to_read(c))
		return false;
	chan_spsc_disarm(c);
	return true;
}

void chan_spsc_disarm(struct chan_spsc *c)
{
	/* Relaxed: clearing late only costs the peer a needless notify. */
	atomic_store_explicit(SHARED(&c->sh->cons_waiting), 0,
			      memory_order_relaxed);
}

void chan_spsc_cancel(struct chan_spsc *c)
{
	c->pending = 0; /* nothing handed out was published: no store */
}

int chan_spsc_push(struct chan_spsc *c, const struct chan_hooks *h,
		   const void *msg)
{
	int rc = chan_spsc_wait(c, h);

	if (rc)
		return rc;
	rc = chan_spsc_send(c, msg);
	if (rc)
		return rc;
	return chan_wake(h, &c->sh->cons_waiting);
}

int chan_spsc_pop(struct chan_spsc *c, const struct chan_hooks *h, void *buf)
{
	int rc = chan_spsc_wait(c, h);

	if (rc)
		return rc;
	rc = chan_spsc_recv(c, buf);
	if (rc)
		return rc;
	return chan_wake(h, &c->sh->prod_waiting);
}
