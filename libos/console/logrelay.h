/* SPDX-License-Identifier: MIT */
/*
 * The log relay: once the console domain has mapped the kernel's UART,
 * the kernel keeps its log (its own messages and every domain's
 * SYS_debug_write output) in a buffer and sets RIVET_EVENT_LOG. The relay
 * reads it with SYS_log_read and queues it for the UART a whole line at a
 * time, so a log line never mixes with the console's echo. It never
 * prints through printf: that would feed the log it is draining.
 */
#ifndef CONSOLE_LOGRELAY_H
#define CONSOLE_LOGRELAY_H

#include <stdbool.h>

/* The kernel said there is log text (RIVET_EVENT_LOG). */
void logrelay_kick(void);

/* Is there log text not read yet, as far as the relay knows? */
bool logrelay_pending(void);

/*
 * Reads the log and queues its complete lines while the transmit queue
 * has room for the worst case; stops when the log is empty (no longer
 * pending) or the queue is too full (still pending: call again once the
 * UART has taken bytes).
 */
void logrelay_run(void);

/* Queues the incomplete last line too, ended with CR LF (before exit). */
void logrelay_flush(void);

/* Log lines queued for the UART so far. */
unsigned long logrelay_lines(void);

#endif
