/* SPDX-License-Identifier: MIT */
/*
 * The console's channel to one domain ([channel console NAME] in the boot
 * configuration, the console named first so the region is its memory):
 * two SPSC rings of <rivet/channel.h> in the channel's region.
 *
 *   first half   out: the domain's stdout and its prompts -> console
 *   second half  in:  the lines typed on the console, and the end of
 *                     input -> the domain
 *
 * Every message is one struct conchan_msg. Text is cut into pieces of
 * CONCHAN_TEXT bytes; a line ends with the piece holding its '\n'. The
 * kernel hands the region over zeroed, which is two empty rings: neither
 * end resets it (a reset while the other end runs would lose its waiting
 * flag). docs/console.md ("Output over channels") and docs/channels.md
 * describe the protocol; every field is untrusted at the receiving end.
 */
#ifndef RIVET_CONCHAN_H
#define RIVET_CONCHAN_H

#include <stdbool.h>
#include <stdint.h>

#include <rivet/channel.h>

#define CONCHAN_TEXT 48 /* text bytes per message */

enum conchan_kind {
	CONCHAN_OUT = 1,    /* out: text the domain printed */
	CONCHAN_PROMPT = 2, /* out: asks for a line, text = the prompt */
	CONCHAN_LINE = 3,   /* in: a piece of a typed line */
	CONCHAN_EOF = 4,    /* in: input has ended (Ctrl-D) */
};

struct conchan_msg {
	uint64_t stamp; /* out: rivet_now() when published; in: 0 */
	uint8_t kind;	/* enum conchan_kind */
	uint8_t len;	/* bytes of text used, at most CONCHAN_TEXT */
	uint16_t pad;
	uint32_t arg; /* CONCHAN_PROMPT: lines the domain has taken so far */
	char text[CONCHAN_TEXT];
};
_Static_assert(sizeof(struct conchan_msg) == 64, "one cache line a message");

/*
 * Sets up this end's handles on the region of size bytes at va: out and
 * in as above, the console producing on in and consuming out, the domain
 * the other way round. Returns 0 or E_INVAL (a region too small for two
 * rings of two messages).
 */
int conchan_open(struct chan_spsc *out, struct chan_spsc *in, void *va,
		 unsigned long size, bool console_end);

/*
 * The domain's side, in librivet: the configured channel to the domain
 * named RIVET_CONIN_CONSOLE with the console named first (this end does
 * not own the region): its index in rivet_info()->channels, or -1.
 * Chosen by the configuration's names, never by what a region holds.
 */
long conchan_find(void);

/*
 * The domain's end, attached on first use (librivet's stdout and
 * rivet_readline share it): the rings of the channel conchan_find names,
 * with chan_hooks_rivet_conf's hooks. NULL when there is no such channel
 * or it is not (or no longer) up: the caller falls back to the kernel log.
 */
struct conchan_end {
	struct chan_spsc out, in;
	struct chan_hooks hooks;
	struct chan_rivet_peer peer;
	long chan; /* index in rivet_info()->channels */
};
struct conchan_end *conchan_attach(void);

/*
 * Writes n bytes of stdout as CONCHAN_OUT pieces, all stamped now, in
 * order; blocks while the ring is full (back-pressure, nothing dropped).
 * Returns 0, or E_NOENT (no channel, or the console ended: the end is
 * dropped and later calls return E_NOENT at once) or E_RANGE (the console
 * broke the ring). After an error the caller writes the text elsewhere.
 */
long conchan_write(const char *s, unsigned long n);

/* Sends a CONCHAN_PROMPT: prompt (cut to CONCHAN_TEXT bytes) and the
 * count of lines taken so far. Returns as conchan_write. */
long conchan_prompt(const char *prompt, uint32_t taken);

#endif
