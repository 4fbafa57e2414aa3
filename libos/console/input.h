/* SPDX-License-Identifier: MIT */
/*
 * The console's input line: typed bytes are edited into one line and
 * echoed; Enter ends the line, which the console reports as
 * "console: got line '...'". Other domains get no input yet.
 */
#ifndef CONSOLE_INPUT_H
#define CONSOLE_INPUT_H

#include <stdint.h>

#define INPUT_MAX 128 /* longest line kept; further bytes are refused */

/*
 * Takes one received byte: printable ASCII is added and echoed, backspace
 * and DEL erase, CR or LF ends the line (CR LF counts once), anything else
 * is ignored.
 */
void input_byte(uint8_t c);

/*
 * Other output is about to be written: if part of a line is echoed, end
 * that terminal line so the output starts on a fresh one. Queues at most
 * 2 bytes.
 */
void input_hide(void);

/* Echoes the partial line again after input_hide. Queues at most INPUT_MAX. */
void input_show(void);

#endif
