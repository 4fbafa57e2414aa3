/* SPDX-License-Identifier: MIT */
/*
 * The SPSC ring's adaptive spin (<rivet/channel.h>, docs/channels.md
 * "Spinning"): before an end sleeps for room or for a message it polls
 * the ring, but only while the peer says it runs on another hart, and
 * for a budget that follows how long the peer took lately. Pure, like
 * channel.c: the hart comes from the hooks, so the host tests drive it.
 *
 * Why only another hart: domains on one hart are scheduled
 * cooperatively, so a peer sharing our hart cannot move the ring until
 * we stop; a peer asleep in its wait will not either. On another hart a
 * running peer usually answers within a batch, and a spin that sees it
 * saves the wait and the notify (two kernel entries) that sleeping costs.
 */
#include <stdatomic.h>

#include <rivet/channel.h>

#define SHARED(p) ((_Atomic uint32_t *)(p))

static uint32_t clamp_spin(uint64_t n)
{
	if (n < CHAN_SPIN_MIN)
		return CHAN_SPIN_MIN;
	if (n > CHAN_SPIN_MAX)
		return CHAN_SPIN_MAX;
	return (uint32_t)n;
}

/* Does the peer's awake word say it runs on a hart other than ours? */
static bool peer_elsewhere(uint32_t peer_awake, uint32_t my_awake)
{
	return peer_awake && peer_awake != my_awake;
}

uint32_t chan_spin_limit(uint32_t budget, uint32_t peer_awake,
			 uint32_t my_awake)
{
	return peer_elsewhere(peer_awake, my_awake) ? clamp_spin(budget) : 0;
}

/*
 * Ready after k polls: spin = max(8k, spin - spin / 64). The budget
 * covers eight times the longest recent wait and forgets it slowly (by
 * half in 45 waits): the waits that decide are the rare long ones (the
 * peer's timer interrupt, a slower batch, its hart lent to another
 * domain), since a spin that ends just short costs a wait and a notify,
 * while budget left unused costs nothing when the peer answers in time.
 * Ran out: doubled, so a peer that needs longer is reached within a few
 * waits (the minimum to the bound in 12). The clamp keeps every spin
 * within CHAN_SPIN_MAX.
 */
uint32_t chan_spin_adapt(uint32_t budget, uint32_t polls, bool ready)
{
	uint64_t b = clamp_spin(budget), wait8 = 8 * (uint64_t)polls;

	if (!ready)
		return clamp_spin(b * 2);
	return clamp_spin(wait8 > b - b / 64 ? wait8 : b - b / 64);
}

/* Our awake value: hart + 1 (0 means asleep or unknown). */
static uint32_t my_awake(const struct chan_hooks *h)
{
	return *h->hart + 1;
}

static uint32_t *awake_word(struct chan_spsc *c)
{
	return c->producer ? &c->sh->prod_awake : &c->sh->cons_awake;
}

static uint32_t *peer_awake_word(struct chan_spsc *c)
{
	return c->producer ? &c->sh->cons_awake : &c->sh->prod_awake;
}

static uint32_t *waiting_flag(struct chan_spsc *c)
{
	return c->producer ? &c->sh->prod_waiting : &c->sh->cons_waiting;
}

static bool ready(void *obj)
{
	struct chan_spsc *c = obj;

	return c->producer ? chan_spsc_writable(c) : chan_spsc_readable(c);
}

void chan_spsc_announce(struct chan_spsc *c, const struct chan_hooks *h)
{
	uint32_t on;

	if (!h->hart)
		return;
	on = my_awake(h);
	if (on == c->awake)
		return;
	c->awake = on;
	/* Relaxed: a hint for the peer's spin; nothing is read through it. */
	atomic_store_explicit(SHARED(awake_word(c)), on, memory_order_relaxed);
}

void chan_spsc_leave(struct chan_spsc *c)
{
	c->awake = 0;
	atomic_store_explicit(SHARED(awake_word(c)), 0, memory_order_relaxed);
}

/*
 * Polls ready() while the peer runs elsewhere, at most the budget's
 * clamp (and h->spin_max); adapts the budget to what it saw. The peer's word is re-read at
 * each poll (it shares a cache line with the counter the poll loads):
 * once it says the peer sleeps or moved to our hart, stop at once,
 * leaving the budget alone (that wait measured nothing about the peer's
 * speed). Returns true if the ring became ready.
 */
static bool spin(struct chan_spsc *c, const struct chan_hooks *h, uint32_t on)
{
	_Atomic uint32_t *peer = SHARED(peer_awake_word(c));
	uint32_t limit = chan_spin_limit(
		c->spin, atomic_load_explicit(peer, memory_order_relaxed), on);

	if (h->spin_max && limit > h->spin_max)
		limit = h->spin_max;

	for (uint32_t k = 1; k <= limit; k++) {
		if (ready(c)) {
			c->spun = k;
			c->spin = chan_spin_adapt(c->spin, k, true);
			return true;
		}
		if (!peer_elsewhere(
			    atomic_load_explicit(peer, memory_order_relaxed),
			    on)) {
			c->spun = k;
			return false;
		}
	}
	c->spun = limit;
	if (limit)
		c->spin = chan_spin_adapt(c->spin, limit, false);
	return false;
}

int chan_spsc_wait(struct chan_spsc *c, const struct chan_hooks *h)
{
	uint32_t on;

	if (!h->hart)
		return chan_block(h, waiting_flag(c), ready, c);
	/* Before the ready test: an end whose ring is never full (or
	 * never empty) would otherwise never say where it runs, and its
	 * peer, sleeping on the other side, would never spin on it. */
	chan_spsc_announce(c, h);
	if (ready(c))
		return 0;
	on = c->awake;
	if (spin(c, h, on))
		return 0;
	return chan_sleep(h, waiting_flag(c), ready, c, awake_word(c), on);
}
