/* SPDX-License-Identifier: MIT */
/* A console channel's messages made into lines; see conline.h. */
#include <string.h>

#include <rivet/conin.h>

#include "conline.h"

/* Microseconds of a time in timebase ticks: the kernel's arithmetic for
 * its stamps, so both print alike. */
static uint64_t ticks_usec(uint64_t t, uint64_t hz)
{
	return t / hz * 1000000 + t % hz * 1000000 / hz;
}

/* Starts the next line with m's time, kept in bounds (conline.h). */
static void start_line(struct conline *cl, const struct conchan_msg *m,
		       uint64_t now, uint64_t hz)
{
	uint64_t us = ticks_usec(m->stamp, hz);
	uint64_t floor = now > CONLINE_SLACK_US ? now - CONLINE_SLACK_US : 0;

	if (us > now)
		us = now;
	if (us < floor)
		us = floor;
	if (us < cl->last_usec)
		us = cl->last_usec;
	cl->last_usec = us;
	cl->cur.usec = us;
	cl->cur.len = 0;
	cl->cur.stamped = false; /* the relay stamps it as it goes out */
	cl->cur.prompt = false;
}

/* A prompt message becomes a line of its own: printable ASCII only. */
static void take_prompt(struct conline *cl, const struct conchan_msg *m,
			uint64_t now, uint64_t hz)
{
	size_t i, n = m->len < CONCHAN_TEXT ? m->len : CONCHAN_TEXT;

	start_line(cl, m, now, hz);
	for (i = 0; i < n && cl->cur.len < RIVET_CONIN_PROMPT - 1; i++)
		if (m->text[i] >= 0x20 && m->text[i] < 0x7f)
			cl->cur.text[cl->cur.len++] = m->text[i];
	cl->cur.text[cl->cur.len] = '\0';
	cl->cur.prompt = true;
	cl->cur.taken = m->arg;
	cl->cur.whole = true;
}

/* Ends the line here and keeps m for the next one. */
static void carry(struct conline *cl, const struct conchan_msg *m)
{
	cl->carry = *m;
	cl->carried = true;
	cl->cur.whole = true;
}

void conline_take(struct conline *cl, const struct conchan_msg *m, uint64_t now,
		  uint64_t hz)
{
	size_t i, n = m->len < CONCHAN_TEXT ? m->len : CONCHAN_TEXT;

	if (cl->cur.whole)
		return;
	if (m->kind == CONCHAN_PROMPT) {
		if (cl->cur.len)
			carry(cl, m); /* after the partial line it follows */
		else
			take_prompt(cl, m, now, hz);
		return;
	}
	if (m->kind != CONCHAN_OUT)
		return;
	if (cl->cur.len && cl->cur.len + n > sizeof(cl->cur.text)) {
		carry(cl, m); /* a long line goes in pieces, none lost */
		return;
	}
	if (!cl->cur.len)
		start_line(cl, m, now, hz);
	for (i = 0; i < n && !cl->cur.whole; i++) {
		cl->cur.text[cl->cur.len++] = m->text[i];
		cl->cur.whole = m->text[i] == '\n' ||
				cl->cur.len == sizeof(cl->cur.text);
	}
}

void conline_resume(struct conline *cl, uint64_t now, uint64_t hz)
{
	if (cl->cur.whole || !cl->carried)
		return;
	cl->carried = false;
	conline_take(cl, &cl->carry, now, hz);
}

void conline_taken(struct conline *cl)
{
	cl->cur.len = 0;
	cl->cur.whole = false;
	cl->cur.prompt = false;
}

void conline_flush(struct conline *cl)
{
	if (cl->cur.len && !cl->cur.prompt)
		cl->cur.whole = true;
}
