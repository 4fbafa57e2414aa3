/* SPDX-License-Identifier: MIT */
/*
 * The reader: the one domain that gets the lines typed on the console.
 * It is the other end of the console's first configured channel
 * ([channel console NAME]), which carries the lines in a ring
 * (<rivet/conchan.h>); or, without a channel, the domain named by its
 * first `peer =` line, which gets a shared page laid out by
 * <rivet/conin.h> as a grant.
 */
#ifndef CONSOLE_READER_H
#define CONSOLE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Sets up the shared page in the first channel's region, or grants it to
 * the first peer, if the configuration gives either. Returns 0, also
 * when there is neither, or 1 after printing why the reader cannot be
 * served.
 */
int reader_setup(void);

/* The event bits by which the reader asks for a line (and, over a
 * channel, says it ended): for the console's wait mask. */
uint64_t reader_events(void);

/* Is there a reader, still alive? */
bool reader_live(void);

/* Passes one finished line to the reader; false if there is none (the
 * caller reports the line itself). */
bool reader_line(const char *s, size_t n);

/* Tells the reader that input has ended; false if there is none. */
bool reader_eof(void);

/* If the reader of a granted page asked for a line that has not been
 * typed yet, copies its prompt (printable ASCII only) to out and returns
 * true. A reader over a channel asks in its output ring instead. */
bool reader_prompt(char *out, size_t size);

/*
 * The relay reached a prompt request in channel from's output ring, after
 * every line written before it: shows prompt if from is the reader's
 * channel and the reader had taken every line sent when it asked (taken).
 */
void reader_asked(unsigned from, const char *prompt, uint32_t taken);

#endif
