/* SPDX-License-Identifier: MIT */
/*
 * The console's transmit queue: every byte bound for the UART (kernel log
 * lines, echo) goes through this one FIFO, so output leaves in the order
 * it was queued. The UART's transmit interrupt moves it out.
 */
#ifndef CONSOLE_TXQ_H
#define CONSOLE_TXQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uart.h"

#define TXQ_SIZE 16384

/* Queue output for drv's UART from now on. */
void txq_init(const struct uart_driver *drv);

/* Free bytes in the queue. */
size_t txq_room(void);

/* Queues all n bytes of s, or none if they do not fit; true if queued. */
bool txq_put(const char *s, size_t n);

/*
 * Moves queued bytes into the UART while it has room, and leaves its
 * transmit interrupt on exactly while bytes remain queued.
 */
void txq_pump(void);

/*
 * Times the UART was full with bytes still queued, each a wait for the
 * transmit interrupt.
 */
unsigned long txq_stalls(void);

/*
 * Sends everything queued by polling, with the transmit interrupt off,
 * giving up at rdtime deadline. True if the queue emptied.
 */
bool txq_drain(uint64_t deadline);

#endif
