/* SPDX-License-Identifier: MIT */
/*
 * Console input: how the console domain hands typed lines to one other
 * domain, its reader, without any kernel support beyond frames, grants
 * and events (docs/console.md, "Input for another domain").
 *
 * With a configured console channel ([channel console READER]) the lines
 * come over the channel's ring of typed lines (<rivet/conchan.h>) and
 * the page below is not used. Without one (the console's first `peer =`
 * line instead), the console allocates one frame, lays this page out in it, and grants
 * the reader a read-write copy badged RIVET_CONIN_BADGE (the reader finds
 * it by that badge with SYS_cap_info), then notifies the reader with
 * RIVET_CONIN_EV_INPUT. From then on:
 *
 *   - each line the user ends with Enter goes into `lines` with its '\n'
 *     (edited already: the console does echo and backspace), and the
 *     console notifies RIVET_CONIN_EV_INPUT;
 *   - Ctrl-D on an empty line sets `eof` and notifies the same bit;
 *   - the reader asks for the next line by writing its prompt into
 *     `prompt`, adding 1 to `asks` and notifying the console (id
 *     `console_id`) with RIVET_CONIN_EV_ASK; the console shows the prompt
 *     once the log has been printed, so the prompt follows the reader's
 *     own output.
 *
 * Either side may scribble on the page; each checks what it reads.
 */
#ifndef RIVET_CONIN_H
#define RIVET_CONIN_H

#include <stdint.h>

#include <rivet/bytering.h>

#define RIVET_CONIN_BADGE 0x6e69636eUL /* "ncin" */
/* The console's domain name in the boot configuration: a reader's
 * channel to it is [channel console READER] (libos/lib/conin.c). */
#define RIVET_CONIN_CONSOLE "console"
#define RIVET_CONIN_MAGIC   0x4e494e43U /* "CNIN" */
#define RIVET_CONIN_PROMPT  32		/* bytes, NUL included */

/* Event bits: in the reader, and in the console. */
#define RIVET_CONIN_EV_INPUT (1UL << 16)
#define RIVET_CONIN_EV_ASK   (1UL << 17)

struct rivet_conin {
	uint32_t magic;	     /* RIVET_CONIN_MAGIC once set up */
	uint32_t console_id; /* whom to notify with RIVET_CONIN_EV_ASK */
	uint32_t eof;	     /* set by the console: no more input */
	uint32_t asks;	     /* counted up by the reader */
	char prompt[RIVET_CONIN_PROMPT];
	uint8_t pad[64];
	struct bytering_shared lines; /* the rest of the page */
};

/*
 * The reader's side, in librivet (libos/lib/conin.c).
 */
#define RIVET_CONIN_VA 0x3ff00000UL /* where librivet maps the page */

/*
 * Finds the console: the configured channel to the domain named
 * RIVET_CONIN_CONSOLE (this domain its second end; conchan_attach), or
 * else the granted page among the caller's capabilities, which it maps.
 * If no page is there yet, waits for RIVET_CONIN_EV_INPUT for
 * at most wait_ms of the machine's time, on the domain's one timer event
 * (bit 18; a timer the caller had set is cancelled). Returns 0, E_NOENT
 * if no console granted one, or the error of SYS_map.
 */
long rivet_conin_attach(unsigned long wait_ms);

/*
 * Asks for a line with prompt (shown by the console before the line being
 * typed) and waits for it. Copies it without its '\n', NUL-terminated and
 * cut to size - 1 bytes, and returns its length; E_NOENT once input has
 * ended (Ctrl-D) or the console is gone, E_INVAL if never attached. A
 * line typed ahead is returned without asking. Over a channel the ask is
 * a CONCHAN_PROMPT after the caller's flushed stdout, and it waits on the
 * channel's bit; with a page it waits for RIVET_CONIN_EV_INPUT |
 * RIVET_EVENT_PEER_EXIT (the console's end), so it takes a PEER_EXIT the
 * caller may have wanted.
 */
long rivet_readline(const char *prompt, char *buf, unsigned long size);

#endif
