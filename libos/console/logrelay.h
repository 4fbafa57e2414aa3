/* SPDX-License-Identifier: MIT */
/*
 * The kernel log as a source of lines: once the console domain has mapped
 * the kernel's UART, the kernel keeps its log (its own messages and the
 * SYS_debug_write output of domains without a console channel) in a
 * buffer and sets RIVET_EVENT_LOG. The relay reads it with SYS_log_read a
 * whole line at a time, so a log line never mixes with the console's echo
 * or another source's line. It never prints through printf: that would
 * feed the log it is draining.
 */
#ifndef CONSOLE_LOGRELAY_H
#define CONSOLE_LOGRELAY_H

#include <stdbool.h>

#include "outline.h"

/* The kernel said there is log text (RIVET_EVENT_LOG). */
void logrelay_kick(void);

/* Is there log text not read yet, as far as the relay knows? */
bool logrelay_pending(void);

/*
 * The log's next whole line, reading the log for it if there is text
 * pending; NULL if the log holds no whole line now. Its time is the
 * kernel's stamp (0 for a line without one: it goes first).
 */
struct outline *logrelay_line(void);

/* The line logrelay_line returned has been queued: drop it. */
void logrelay_taken(void);

/* Makes the incomplete last line whole, for a last logrelay_line. */
void logrelay_flush(void);

/* Log lines queued for the UART so far. */
unsigned long logrelay_lines(void);

#endif
