/* SPDX-License-Identifier: MIT */
/*
 * The console channels: every configured channel of the console's, the
 * console named first ([channel console NAME]), carries that domain's
 * output and prompts to the console and typed lines back (<rivet/conchan.h>).
 * Each channel is a source of lines for the relay, as the kernel log is.
 */
#ifndef CONSOLE_PEERS_H
#define CONSOLE_PEERS_H

#include <stdbool.h>
#include <stdint.h>

#include <rivet/channel.h>

#include "outline.h"

/* Opens every usable channel; prints one line per channel it cannot use. */
void peers_setup(void);

/* Is channel i a console channel opened here? */
bool peers_open(unsigned i);

/* Channel i's ring of typed lines (the console produces) and its hooks,
 * for the reader; NULL unless peers_open(i). */
struct chan_spsc *peers_in(unsigned i, const struct chan_hooks **hooks);

/* Channel i's next whole line (or prompt), taking messages from its ring
 * for it; NULL if none is whole yet. */
struct outline *peers_line(unsigned i);

/* The line peers_line(i) returned has been queued: drop it. */
void peers_taken(unsigned i);

/* Makes every incomplete line whole, for a last round before exit. */
void peers_flush(void);

/* Is anything left to relay: a message in a ring, or a line? */
bool peers_pending(void);

/* Text lines relayed from the channels so far. */
unsigned long peers_lines(void);

/* The event bits the channels' notifies set (and RIVET_EVENT_CHANNEL). */
uint64_t peers_events(void);

/*
 * Before sleeping: asks each ring's producer to notify on its next
 * message (chan_spsc_arm). False: sleep. True: a message came meanwhile,
 * do not sleep (every flag is clear again).
 */
bool peers_arm(void);

/* After waking: clears the flags peers_arm set. */
void peers_disarm(void);

#endif
