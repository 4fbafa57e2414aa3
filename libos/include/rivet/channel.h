/* SPDX-License-Identifier: MIT */
/*
 * Channels between domains: queues of fixed-size messages in memory that
 * two (or more) domains share, without locks and without entering the
 * kernel while both sides are busy. docs/channels.md is the guide.
 *
 *  - struct chan_spsc: one producer, one consumer. The producer only
 *    writes `head`, the consumer only writes `tail`, on separate cache
 *    lines; both count messages from 0 and wrap at 2^32. Publishing and
 *    consuming are batched: chan_spsc_alloc / chan_spsc_next hand out
 *    slots, one chan_spsc_publish / chan_spsc_consume hands them over.
 *  - struct chan_mpmc: a bounded queue for several producers and several
 *    consumers, with a sequence number per slot.
 *
 * Trust. Each side computes the geometry (slot count, slot size) from the
 * size it mapped and the slot size it was told, keeps it and its own
 * counters in its private handle, and never reads them back from the
 * shared memory. Every counter read from the shared memory is checked
 * (SPSC) or masked (MPMC) before it is used as an index, so a peer that
 * writes anything there can make this side see errors, garbage messages
 * or an empty queue, but never read or write outside the slots.
 *
 * Return codes are from <rivet/errno.h>: 0; E_BUSY the queue is full
 * (send) or empty (receive) right now; E_RANGE the peer wrote counters
 * no honest peer could have written (sticky, see chan_spsc_corrupt);
 * E_INVAL bad arguments at init.
 */
#ifndef RIVET_CHANNEL_H
#define RIVET_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rivet/errno.h>

#define CHAN_CACHE_LINE 64

/* ------------------------------------------------------------- SPSC --- */

/*
 * The shared header of an SPSC ring: each cache line is written by one
 * side only, so the two sides never fight over a line they both write.
 * The slots follow at offset sizeof(struct chan_spsc_shared).
 */
struct chan_spsc_shared {
	/* Written by the producer. */
	_Alignas(CHAN_CACHE_LINE) uint32_t head; /* messages ever published */
	uint32_t prod_waiting; /* the producer sleeps until there is room */
	uint32_t prod_awake;   /* hart + 1 while the producer runs, else 0 */
	/* Written by the consumer. */
	_Alignas(CHAN_CACHE_LINE) uint32_t tail; /* messages ever consumed */
	uint32_t cons_waiting; /* the consumer sleeps until a message comes */
	uint32_t cons_awake;   /* hart + 1 while the consumer runs, else 0 */
	_Alignas(CHAN_CACHE_LINE) uint8_t slots[];
};

/* Each side's private handle. */
struct chan_spsc {
	struct chan_spsc_shared *sh;
	uint8_t *slots;	    /* sh->slots, kept to save an add per slot */
	uint32_t nslots;    /* a power of two, from the mapped size */
	uint32_t mask;	    /* nslots - 1 */
	uint32_t slot_size; /* bytes per message, agreed out of band */
	uint32_t mine;	    /* our counter as last written to the page */
	uint32_t pending; /* slots handed out but not yet published/consumed */
	uint32_t peer;	  /* the peer's counter as last read and checked */
	uint32_t awake;	  /* our *_awake word as last written to the page */
	uint32_t spin;	  /* polls the next adaptive spin may make */
	uint32_t spun;	  /* polls the last adaptive spin made */
	bool producer;	  /* CHAN_PRODUCER at init */
	bool corrupt;	  /* the peer broke its counter (sticky) */
};

/* chan_spsc_init / chan_mpmc_init flags. */
#define CHAN_CONSUMER 0x0 /* this handle takes messages (SPSC) */
#define CHAN_PRODUCER 0x1 /* this handle puts messages (SPSC) */
/* Zero the shared counters and flags: once, by whoever sets the memory
 * up, before any other party can see it (a reset while the peer runs
 * would erase its waiting flag and lose its wake-up). */
#define CHAN_RESET 0x2

/*
 * Sets up a handle on `bytes` bytes at mem (64-byte aligned) for messages
 * of slot_size bytes (a non-zero multiple of 8); the slot count is the
 * largest power of two that fits, at least 2, and under 2 GiB of slots. flags: CHAN_PRODUCER or
 * CHAN_CONSUMER, and CHAN_RESET for the party that sets the memory up;
 * without it the handle takes its counter (head or tail) from the page.
 * Returns 0 or E_INVAL (bad alignment, slot size or too little memory).
 */
int chan_spsc_init(struct chan_spsc *c, void *mem, size_t bytes,
		   size_t slot_size, unsigned flags);

/*
 * The slot of message n: the mask keeps any counter inside the ring. The
 * ring holds less than 2 GiB of slots (chan_spsc_init), so the 32-bit
 * product is a non-negative int32_t and widens without extra
 * instructions (a 32-bit multiply's result is already sign-extended on
 * RV64; a zero extension would cost two).
 */
static inline void *chan_spsc_slot(const struct chan_spsc *c, uint32_t n)
{
	return c->slots + (int32_t)((n & c->mask) * c->slot_size);
}

/* chan_spsc_alloc and chan_spsc_next when the cached counters do not
 * settle it: they load and check the peer's counter (channel.c). */
void *chan_spsc_alloc_slow(struct chan_spsc *c);
const void *chan_spsc_next_slow(struct chan_spsc *c);

/*
 * Producer: the next free slot to fill (after those already handed out),
 * or NULL if the ring is full or corrupt. Nothing is visible to the
 * consumer before chan_spsc_publish. Inline: while the tail seen last
 * says there is room, handing out a slot touches only the handle.
 */
static inline void *chan_spsc_alloc(struct chan_spsc *c)
{
	uint32_t at = c->mine + c->pending;

	/* No corrupt test: a handle marks itself corrupt only in the slow
	 * path, when this test failed, and from then on neither counter
	 * it reads moves (nothing more is handed out), so it keeps failing
	 * and the slow path keeps refusing. */
	if (at - c->peer < c->nslots) {
		c->pending++;
		return chan_spsc_slot(c, at);
	}
	return chan_spsc_alloc_slow(c);
}

/* Producer: makes every slot handed out by chan_spsc_alloc visible. */
void chan_spsc_publish(struct chan_spsc *c);

/* Producer: copies one slot_size message in and publishes it.
 * Returns 0, E_BUSY (full) or E_RANGE (corrupt). */
int chan_spsc_send(struct chan_spsc *c, const void *msg);

/*
 * Consumer: the next message (after those already handed out), or NULL
 * if none is published or the ring is corrupt. The slot stays valid and
 * is not reused before chan_spsc_consume. A hostile producer may still
 * change its bytes: copy what you validate. Inline like chan_spsc_alloc:
 * while the head seen last is ahead, only the handle is touched.
 */
static inline const void *chan_spsc_next(struct chan_spsc *c)
{
	uint32_t at = c->mine + c->pending;

	/* No corrupt test, for chan_spsc_alloc's reason. */
	if (c->peer != at) {
		c->pending++;
		return chan_spsc_slot(c, at);
	}
	return chan_spsc_next_slow(c);
}

/* Consumer: hands every slot seen through chan_spsc_next back. */
void chan_spsc_consume(struct chan_spsc *c);

/* Consumer: copies one message out and consumes it.
 * Returns 0, E_BUSY (empty) or E_RANGE (corrupt). */
int chan_spsc_recv(struct chan_spsc *c, void *buf);

/* Did this side see counters no honest peer could have written? */
static inline bool chan_spsc_corrupt(const struct chan_spsc *c)
{
	return c->corrupt;
}

/* ------------------------------------------------------------- MPMC --- */

/* The shared header of an MPMC queue; cells follow it. */
struct chan_mpmc_shared {
	_Alignas(CHAN_CACHE_LINE) uint32_t enq; /* next position to fill */
	_Alignas(CHAN_CACHE_LINE) uint32_t deq; /* next position to take */
	_Alignas(CHAN_CACHE_LINE) uint8_t cells[];
};

/* Each party's private handle. */
struct chan_mpmc {
	struct chan_mpmc_shared *sh;
	uint32_t nslots;    /* a power of two, from the mapped size */
	uint32_t slot_size; /* bytes per message */
	uint32_t stride;    /* bytes per cell: sequence word + message */
};

/*
 * As chan_spsc_init, for any number of producers and consumers: flags is
 * CHAN_RESET for the party that sets the memory up, before any other
 * attaches, else 0.
 */
int chan_mpmc_init(struct chan_mpmc *q, void *mem, size_t bytes,
		   size_t slot_size, unsigned flags);

/* Copies one message in. Returns 0 or E_BUSY (full, or a peer holds the
 * cell too long: try again). */
int chan_mpmc_send(struct chan_mpmc *q, const void *msg);

/* Copies one message out. Returns 0 or E_BUSY (empty, or as above).
 * (No blocking layer yet: with several sleepers one flag is not enough,
 * docs/channels.md.) */
int chan_mpmc_recv(struct chan_mpmc *q, void *buf);

/* ---------------------------------------------------------- blocking --- */

/*
 * How a side sleeps and wakes its peer; librivet's chan_hooks_rivet()
 * fills one for the kernel's wait and notify, the host tests fill one
 * with pthreads.
 *
 * wait: sleeps until the peer's notify since the previous wait returned
 *       (the event must be latched: a notify that comes before the wait
 *       makes the wait return at once); may return early. Returns 0, or
 *       a negative code that ends the blocking call (the peer died).
 * notify: wakes the peer's wait. Returns 0 or a negative code.
 * spin: how many times chan_block polls before sleeping (and the SPSC
 *       calls, when hart is NULL).
 * hart: this end's hart id, read at each use (the info page's hart_id on
 *       the target), or NULL. With it the SPSC calls publish where this
 *       end runs and spin adaptively (chan_spsc_wait): only while the
 *       peer says it runs on another hart, at most spin_max polls.
 * spin_max: the adaptive spin's bound in polls; 0 (or more than
 *       CHAN_SPIN_MAX) means CHAN_SPIN_MAX.
 */
struct chan_hooks {
	int (*wait)(void *arg);
	int (*notify)(void *arg);
	void *arg;
	unsigned spin;
	const volatile uint32_t *hart;
	uint32_t spin_max;
};

/*
 * Blocks until ready(obj) is true: polls h->spin times, then sets *flag
 * in the shared page, re-checks, and only then waits (docs/channels.md
 * shows why no wake-up is lost). Returns 0 or the wait hook's error;
 * after an error it touches the shared memory no more (a dead peer's
 * memory may be gone).
 */
int chan_block(const struct chan_hooks *h, uint32_t *flag,
	       bool (*ready)(void *obj), void *obj);

/*
 * chan_block's sleeping half (no spin): sets *flag, re-checks ready(obj),
 * waits, and loops until ready. If awake is not NULL it is this end's
 * awake word: 0 across each wait, then `on` again (a hint for the peer's
 * spin). Returns as chan_block.
 */
int chan_sleep(const struct chan_hooks *h, uint32_t *flag,
	       bool (*ready)(void *obj), void *obj, uint32_t *awake,
	       uint32_t on);

/* After publishing: calls h->notify if *flag says the peer sleeps.
 * Returns 0 or the notify hook's error. */
int chan_wake(const struct chan_hooks *h, uint32_t *flag);

/* SPSC, producer: publish, then wake the consumer if it sleeps. */
int chan_spsc_publish_wake(struct chan_spsc *c, const struct chan_hooks *h);

/* SPSC, consumer: consume, then wake the producer if it sleeps. */
int chan_spsc_consume_wake(struct chan_spsc *c, const struct chan_hooks *h);

/*
 * SPSC, consumer: is a message beyond those handed out published (or the
 * ring corrupt, so that a caller about to sleep goes on to see the error)?
 */
bool chan_spsc_readable(struct chan_spsc *c);

/* SPSC, producer: is there room for a slot beyond those handed out (or
 * the ring corrupt, as above)? */
bool chan_spsc_writable(struct chan_spsc *c);

/*
 * SPSC, consumer, for a party that sleeps on several rings (or other
 * events) in one wait: chan_block's flag-fence-re-check without the wait.
 * Sets the consumer's waiting flag and returns false if the ring is still
 * empty (sleep now: the producer's next publish notifies); true, with the
 * flag cleared again, if a message came meanwhile (do not sleep).
 * chan_spsc_disarm clears the flag after the wait.
 */
bool chan_spsc_arm(struct chan_spsc *c);
void chan_spsc_disarm(struct chan_spsc *c);

/* SPSC, producer: takes back every slot chan_spsc_alloc handed out that
 * was not published (a message that turned out not to fit whole). */
void chan_spsc_cancel(struct chan_spsc *c);

/*
 * The adaptive spin (libos/lib/channel_spin.c, docs/channels.md
 * "Spinning"). Each SPSC end with hooks that know its hart publishes
 * hart + 1 in its awake word while it runs and 0 while it sleeps in the
 * wait hook. An end about to sleep first polls, but only while the
 * peer's word says it runs on another hart: a peer on our hart cannot
 * move before we stop, and a sleeping one will not. The budget (polls)
 * lives in the private handle and adapts to how long the peer took:
 *   found ready after k polls:  spin = max(8k, spin - spin / 64)
 *   ran out (slept):            spin = 2 * spin
 * always within [CHAN_SPIN_MIN, CHAN_SPIN_MAX]. Whatever the peer writes,
 * a wait polls at most CHAN_SPIN_MAX times before it sets its flag and
 * sleeps: a lying peer costs us that spin or an early sleep, nothing more.
 */
#define CHAN_SPIN_MIN 64	 /* polls: the fixed spin's old count */
#define CHAN_SPIN_MAX (1u << 18) /* polls: about 14 M instructions */

/* How many polls to make now: 0 unless peer_awake (the peer's word)
 * names a hart other than ours (my_awake = our hart + 1); else the
 * budget, clamped to [CHAN_SPIN_MIN, CHAN_SPIN_MAX]. */
uint32_t chan_spin_limit(uint32_t budget, uint32_t peer_awake,
			 uint32_t my_awake);

/* The budget after a spin of `polls` polls that found the ring ready
 * (ready) or ran out of polls (!ready). */
uint32_t chan_spin_adapt(uint32_t budget, uint32_t polls, bool ready);

/*
 * SPSC: blocks until there is room for a slot beyond those handed out
 * (producer) or a message beyond them (consumer), or the ring is corrupt.
 * With h->hart: publishes this end awake, spins adaptively (above), then
 * sleeps as chan_block does; without, it is chan_block. Returns 0 or the
 * wait hook's error.
 */
int chan_spsc_wait(struct chan_spsc *c, const struct chan_hooks *h);

/* SPSC: publishes this end awake on its hart (h->hart; nothing if NULL).
 * chan_spsc_wait and the _wake calls do it; call it once when an end
 * starts that may never block. One store, and only when it changes. */
void chan_spsc_announce(struct chan_spsc *c, const struct chan_hooks *h);

/* SPSC: publishes this end gone (awake word 0): a peer stops spinning on
 * it. For an end that stops using the ring. */
void chan_spsc_leave(struct chan_spsc *c);

/*
 * Counting: chan_hooks_count(h, k) makes h count its wait and notify
 * calls in k (k keeps the original hooks and calls them). On the target
 * each call is one kernel entry (wait or notify_cap), so k->waits +
 * k->notifies is every kernel entry the channel layer made through h.
 */
struct chan_count {
	struct chan_hooks inner;
	unsigned long waits, notifies;
};
void chan_hooks_count(struct chan_hooks *h, struct chan_count *k);

/* SPSC: blocking send and receive of one message. Return 0, E_RANGE
 * (corrupt) or a hook's error. */
int chan_spsc_push(struct chan_spsc *c, const struct chan_hooks *h,
		   const void *msg);
int chan_spsc_pop(struct chan_spsc *c, const struct chan_hooks *h, void *buf);

/*
 * On the target (libos/lib/channel_rivet.c): hooks that wait on event
 * `bit` (and the kernel's peer-exit event) and set `bit` in domain `peer`
 * through the notification capability in `slot` (rivet_notify_slot:
 * a `notify =` line's, or one granted; its badge must hold `bit`). The
 * id only tells whether the peer still lives. The wait returns E_NOENT once the peer has ended and cannot make
 * the ring ready any more: at once if it had ended before the wait;
 * after it if the shared page at `va` went with it (va 0: the page is
 * this domain's own frame and stays).
 */
struct chan_rivet_peer {
	long peer;
	unsigned long slot; /* notification capability for the peer */
	unsigned long bit;
	unsigned long va;
	long chan; /* configured channel index, or -1 (chan_hooks_rivet) */
};
void chan_hooks_rivet(struct chan_hooks *h, struct chan_rivet_peer *p,
		      long peer, unsigned long slot, unsigned long bit,
		      unsigned long va);

/*
 * Hooks for channel i of the boot configuration (rivet_info()->
 * channels[i]): the wait sleeps on the channel's event bit and
 * RIVET_EVENT_CHANNEL, the notify goes through the channel's notification
 * capability (SYS_notify_cap: with the channel's handoff the woken peer
 * runs at once). The wait returns E_NOENT once the kernel has marked the
 * peer dead and the ring was found not ready, and after a wake-up that
 * finds the region unmapped (the peer owned the frames). Returns 0, or
 * E_NOENT if there is no channel i or it is not up.
 */
int chan_hooks_rivet_conf(struct chan_hooks *h, struct chan_rivet_peer *p,
			  unsigned i);

#endif
