/* SPDX-License-Identifier: MIT */
/*
 * The reader: the one domain that gets the lines typed on the console,
 * over a shared page laid out by <rivet/conin.h>. It is the other end of
 * the console's first configured channel ([channel console NAME]), or,
 * without a channel, the domain named by its first `peer =` line, which
 * gets the page as a grant.
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

/* If the reader asked for a line that has not been typed yet, copies its
 * prompt (printable ASCII only) to out and returns true. */
bool reader_prompt(char *out, size_t size);

#endif
