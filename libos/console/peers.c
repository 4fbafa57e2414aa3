/* SPDX-License-Identifier: MIT */
/*
 * The console channels as line sources; see peers.h. Everything in a ring
 * is the producing domain's word: lengths are cut to the message, text
 * after a line's '\n' in the same message is dropped (librivet's
 * conchan_write never puts any there), unknown kinds are skipped, and a
 * stamp is kept inside [the time the message was taken - STAMP_SLACK_MS,
 * the time it was taken] and never before the channel's previous line. So
 * a domain that stamps its lines in the past cannot keep another domain's
 * lines waiting behind its own for longer than the slack.
 */
#include <stdio.h>
#include <string.h>

#include <rivet/conchan.h>
#include <rivet/conin.h>
#include <rivet/libos.h>

#include "peers.h"

#define STAMP_SLACK_MS 50

struct peer {
	bool open;
	struct chan_spsc out, in;
	struct chan_hooks hooks;
	struct chan_rivet_peer p;
	struct outline cur;
	struct conchan_msg carry; /* a prompt that follows a partial line */
	bool carried;
	uint64_t last_usec; /* the time of the previous line */
	bool told_corrupt;  /* the broken ring has been reported */
};

static struct peer peers[RIVET_CHAN_MAX];
static unsigned long lines; /* text lines taken from every channel */

static unsigned nchannels(void)
{
	unsigned n = rivet_info()->nchannels;

	return n < RIVET_CHAN_MAX ? n : RIVET_CHAN_MAX;
}

void peers_setup(void)
{
	const struct rivet_info *in = rivet_info();
	struct peer *pr;
	unsigned i;

	for (i = 0; i < nchannels(); i++) {
		pr = &peers[i];
		if (in->channels[i].state != RIVET_CHAN_UP ||
		    !in->channels[i].owner) {
			printf("console: channel %u to %.31s is not up or not "
			       "ours (name the console first); not used\n",
			       i, in->channels[i].peer);
			continue;
		}
		if (chan_hooks_rivet_conf(&pr->hooks, &pr->p, i) ||
		    conchan_open(&pr->out, &pr->in, (void *)in->channels[i].va,
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

/* Microseconds since boot of a time in timebase ticks: the kernel's
 * arithmetic for its stamps, so both print alike. */
static uint64_t ticks_usec(uint64_t t)
{
	uint64_t hz = rivet_info()->timebase_hz;

	return t / hz * 1000000 + t % hz * 1000000 / hz;
}

/* Starts pr's next line with m's time, kept in bounds (above). */
static void start_line(struct peer *pr, const struct conchan_msg *m)
{
	uint64_t now = ticks_usec(rivet_now()), us = ticks_usec(m->stamp);
	uint64_t floor = now - STAMP_SLACK_MS * 1000;

	if (now < STAMP_SLACK_MS * 1000)
		floor = 0;
	if (us > now)
		us = now;
	if (us < floor)
		us = floor;
	if (us < pr->last_usec)
		us = pr->last_usec;
	pr->last_usec = us;
	pr->cur.usec = us;
	pr->cur.len = 0;
	pr->cur.stamped = false; /* the relay stamps it as it goes out */
}

/* A prompt message becomes a line of its own: printable ASCII only. */
static void take_prompt(struct peer *pr, const struct conchan_msg *m)
{
	size_t i, n = m->len < CONCHAN_TEXT ? m->len : CONCHAN_TEXT;

	start_line(pr, m);
	for (i = 0; i < n && pr->cur.len < RIVET_CONIN_PROMPT - 1; i++)
		if (m->text[i] >= 0x20 && m->text[i] < 0x7f)
			pr->cur.text[pr->cur.len++] = m->text[i];
	pr->cur.text[pr->cur.len] = '\0';
	pr->cur.prompt = true;
	pr->cur.taken = m->arg;
	pr->cur.whole = true;
}

/* Adds m to pr's line; the line is whole at its '\n' or when full. */
static void take_msg(struct peer *pr, const struct conchan_msg *m)
{
	size_t i, n = m->len < CONCHAN_TEXT ? m->len : CONCHAN_TEXT;

	if (m->kind == CONCHAN_PROMPT) {
		if (!pr->cur.len) {
			take_prompt(pr, m);
		} else { /* after the partial line it follows */
			pr->carry = *m;
			pr->carried = true;
			pr->cur.whole = true;
		}
		return;
	}
	if (m->kind != CONCHAN_OUT)
		return;
	if (!pr->cur.len)
		start_line(pr, m);
	for (i = 0; i < n && !pr->cur.whole; i++) {
		pr->cur.text[pr->cur.len++] = m->text[i];
		pr->cur.whole = m->text[i] == '\n' ||
				pr->cur.len == sizeof(pr->cur.text);
	}
}

struct outline *peers_line(unsigned i)
{
	struct peer *pr = &peers[i];
	struct conchan_msg m;
	bool took = false;

	if (!peers_open(i))
		return NULL;
	if (!pr->cur.whole && pr->carried) {
		pr->carried = false;
		take_msg(pr, &pr->carry);
	}
	while (!pr->cur.whole && !chan_spsc_recv(&pr->out, &m)) {
		took = true;
		take_msg(pr, &m);
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
	return pr->cur.whole ? &pr->cur : NULL;
}

void peers_taken(unsigned i)
{
	lines += !peers[i].cur.prompt;
	peers[i].cur.len = 0;
	peers[i].cur.whole = false;
	peers[i].cur.prompt = false;
}

void peers_flush(void)
{
	unsigned i;

	for (i = 0; i < nchannels(); i++)
		if (peers[i].open && peers[i].cur.len && !peers[i].cur.prompt)
			peers[i].cur.whole = true;
}

bool peers_pending(void)
{
	unsigned i;

	for (i = 0; i < nchannels(); i++)
		if (peers[i].open && (peers[i].cur.whole || peers[i].carried ||
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
