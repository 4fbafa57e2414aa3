/* SPDX-License-Identifier: MIT */
/*
 * One console channel's messages made into lines: the console's parser of
 * what a domain writes into its out ring (<rivet/conchan.h>). Pure (no
 * system call), so the host tests and the fuzzer build it as it is.
 *
 * Every message is untrusted: its length is cut to the message, text
 * after a '\n' in the same message is dropped (librivet's conchan_write
 * never puts any there), unknown kinds are skipped, a prompt keeps
 * printable ASCII only, and a stamp is kept inside [the time the message
 * was taken - CONLINE_SLACK_US, the time it was taken] and never before
 * the channel's previous line.
 */
#ifndef CONSOLE_CONLINE_H
#define CONSOLE_CONLINE_H

#include <stdbool.h>
#include <stdint.h>

#include <rivet/conchan.h>

#include "outline.h"

#define CONLINE_SLACK_US 50000

struct conline {
	struct outline cur;	  /* the line being collected, or whole */
	struct conchan_msg carry; /* a message the whole line left over */
	bool carried;
	uint64_t last_usec; /* the time of the previous line */
};

/*
 * Takes the carried message, if any, into an empty line. Call before
 * feeding messages once the previous line has been taken. now: when the
 * message was taken from the ring (microseconds since boot); hz: the
 * timebase its stamp counts in (not 0).
 */
void conline_resume(struct conline *cl, uint64_t now, uint64_t hz);

/* Adds m (taken from the ring at now) to the line; only while the line
 * is not whole. A message that does not fit is carried. */
void conline_take(struct conline *cl, const struct conchan_msg *m, uint64_t now,
		  uint64_t hz);

/* The line has been queued: start the next one empty. */
void conline_taken(struct conline *cl);

/* Makes an incomplete text line whole, for a last round before exit. */
void conline_flush(struct conline *cl);

#endif
