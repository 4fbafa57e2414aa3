/* SPDX-License-Identifier: MIT */
/*
 * The relay: moves whole lines from every source (the kernel log, the
 * console channels) to the transmit queue, the earliest-written first,
 * and hands a reader's prompt request to the reader.
 */
#ifndef CONSOLE_RELAY_H
#define CONSOLE_RELAY_H

#include <stdbool.h>

/*
 * Queues lines while the transmit queue has room for the worst case of
 * one; stops when no source has a whole line (or the queue is too full:
 * call again once the UART has taken bytes).
 */
void relay_run(void);

/* Is anything left to relay, as far as the sources know? */
bool relay_pending(void);

/* Makes every source's incomplete last line whole (before exit). */
void relay_flush(void);

#endif
