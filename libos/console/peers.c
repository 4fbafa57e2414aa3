/* SPDX-License-Identifier: MIT */
/*
 * The console channels as line sources; see peers.h. Everything in a ring
 * is the producing domain's word: the counters are checked by the ring
 * (a broken one is reported and read no more), the messages by conline.c.
 * A domain that stamps its lines in the past cannot keep another domain's
 * lines waiting behind its own for longer than CONLINE_SLACK_US.
 */
#include <stdio.h>

#include <rivet/conchan.h>
#include <rivet/libos.h>

#include "conline.h"
#include "peers.h"

struct peer {
	bool open;
	struct chan_spsc out, in;
	struct chan_hooks hooks;
	struct chan_rivet_peer p;
	struct conline line;
	bool told_corrupt; /* the broken ring has been reported */
};

static struct peer peers[RIVET_CHAN_MAX];
static unsigned long lines; /* text lines taken from every channel */

static unsigned nchannels(void)
{
	unsigned n = rivet_info()->nchannels;

	return n < RIVET_CHAN_MAX ? n : RIVET_CHAN_MAX;
}

/* The hooks of a channel whose peer has already ended: nobody to wake,
 * nothing more will come. */
static int dead_wait(void *arg)
{
	(void)arg;
	return E_NOENT;
}

static int dead_notify(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * Hooks for channel i if the console may read it: up, or its peer ended
 * already. A domain on another hart can write its lines and end before
 * the console gets here; the region is the console's (it is named first,
 * so it owns the frames), so the lines are still there to relay.
 */
static int peer_hooks(struct peer *pr, unsigned i)
{
	const struct rivet_info *in = rivet_info();

	if (!in->channels[i].owner)
		return E_NOENT;
	/* The peer, on another hart, can end between this read of the
	 * state and chan_hooks_rivet_conf's: then it is a dead peer's. */
	if (in->channels[i].state == RIVET_CHAN_UP &&
	    !chan_hooks_rivet_conf(&pr->hooks, &pr->p, i))
		return 0;
	if (in->channels[i].state != RIVET_CHAN_PEER_DEAD ||
	    !rivet_pte(in->channels[i].va))
		return E_NOENT;
	pr->hooks.wait = dead_wait;
	pr->hooks.notify = dead_notify;
	pr->hooks.arg = pr;
	pr->hooks.spin = 0;
	return 0;
}

void peers_setup(void)
{
	const struct rivet_info *in = rivet_info();
	struct peer *pr;
	unsigned i;

	for (i = 0; i < nchannels(); i++) {
		pr = &peers[i];
		if (peer_hooks(pr, i)) {
			printf("console: channel %u to %.31s is not up or not "
			       "ours (name the console first); not used "
			       "(state %u, owner %u, mapped %d)\n",
			       i, in->channels[i].peer,
			       (unsigned)in->channels[i].state,
			       (unsigned)in->channels[i].owner,
			       rivet_pte(in->channels[i].va) != 0);
			continue;
		}
		if (conchan_open(&pr->out, &pr->in, (void *)in->channels[i].va,
				 in->channels[i].size, true)) {
			printf("console: channel %u to %.31s is too small for "
			       "two rings; not used\n",
			       i, in->channels[i].peer);
			continue;
		}
		pr->open = true;
	}
}

bool peers_open(unsigned i)
{
	return i < RIVET_CHAN_MAX && peers[i].open;
}

struct chan_spsc *peers_in(unsigned i, const struct chan_hooks **hooks)
{
	if (!peers_open(i))
		return NULL;
	*hooks = &peers[i].hooks;
	return &peers[i].in;
}

/* Now, in microseconds since boot, for conline's stamp bounds. */
static uint64_t now_usec(void)
{
	uint64_t t = rivet_now(), hz = rivet_info()->timebase_hz;

	return t / hz * 1000000 + t % hz * 1000000 / hz;
}

struct outline *peers_line(unsigned i)
{
	struct peer *pr = &peers[i];
	struct conchan_msg m;
	bool took = false;

	if (!peers_open(i))
		return NULL;
	conline_resume(&pr->line, now_usec(), rivet_info()->timebase_hz);
	while (!pr->line.cur.whole && !chan_spsc_recv(&pr->out, &m)) {
		took = true;
		conline_take(&pr->line, &m, now_usec(),
			     rivet_info()->timebase_hz);
	}
	if (took) /* room again: wake the domain if it waits for some */
		chan_wake(&pr->hooks, &pr->out.sh->prod_waiting);
	if (chan_spsc_corrupt(&pr->out) && !pr->told_corrupt) {
		pr->told_corrupt = true;
		printf("console: domain %.31s wrote a counter no honest "
		       "producer could into its channel; no more of its lines "
		       "are relayed\n",
		       rivet_info()->channels[i].peer);
	}
	return pr->line.cur.whole ? &pr->line.cur : NULL;
}

void peers_taken(unsigned i)
{
	lines += !peers[i].line.cur.prompt;
	conline_taken(&peers[i].line);
}

void peers_flush(void)
{
	unsigned i;

	for (i = 0; i < nchannels(); i++)
		if (peers[i].open)
			conline_flush(&peers[i].line);
}

bool peers_pending(void)
{
	unsigned i;

	for (i = 0; i < nchannels(); i++)
		if (peers[i].open &&
		    (peers[i].line.cur.whole || peers[i].line.carried ||
		     (rivet_pte((uintptr_t)peers[i].out.sh) &&
		      chan_spsc_readable(&peers[i].out) &&
		      !chan_spsc_corrupt(&peers[i].out))))
			return true;
	return false;
}

uint64_t peers_events(void)
{
	uint64_t mask = RIVET_EVENT_CHANNEL;
	unsigned i;

	for (i = 0; i < nchannels(); i++)
		if (peers[i].open)
			mask |= 1UL << rivet_info()->channels[i].bit;
	return mask;
}

bool peers_arm(void)
{
	unsigned i;

	for (i = 0; i < nchannels(); i++)
		if (peers[i].open && chan_spsc_arm(&peers[i].out) &&
		    !chan_spsc_corrupt(&peers[i].out)) {
			peers_disarm();
			return true;
		}
	return false;
}

void peers_disarm(void)
{
	unsigned i;

	for (i = 0; i < nchannels(); i++)
		if (peers[i].open)
			chan_spsc_disarm(&peers[i].out);
}

unsigned long peers_lines(void)
{
	return lines;
}
