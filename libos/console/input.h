/* SPDX-License-Identifier: MIT */
/*
 * The console's input line: typed bytes are edited into one line and
 * echoed, after the reader's prompt if it asked for a line. Enter ends the
 * line, which goes to the reader (reader.c) or, without one, is reported as
 * "console: got line '...'".
 */
#ifndef CONSOLE_INPUT_H
#define CONSOLE_INPUT_H

#include <stdint.h>

#include <rivet/conin.h>

#define INPUT_MAX 128 /* longest line kept; further bytes ring the bell */

/*
 * Takes one received byte: printable ASCII is added and echoed (or, on a
 * line already INPUT_MAX long, refused with the bell, BEL 0x07), backspace
 * and DEL erase, CR or LF ends the line (CR LF counts once), Ctrl-D on an
 * empty line ends the reader's input, anything else is ignored.
 */
void input_byte(uint8_t c);

/* Shows prompt before the line being typed, until Enter; NULL takes the
 * prompt away (its reader is gone). */
void input_prompt(const char *prompt);

/*
 * Other output is about to be written: if a prompt or part of a line is
 * shown, end that terminal line so the output starts on a fresh one.
 * Queues at most 2 bytes.
 */
void input_hide(void);

/* Draws the prompt and the partial line again after input_hide. Queues
 * at most RIVET_CONIN_PROMPT + INPUT_MAX bytes. */
void input_show(void);

#endif
