/* SPDX-License-Identifier: MIT */
/*
 * stdio for picolibc: stdout and stderr are one line-buffered stream. A
 * domain with a console channel (<rivet/conchan.h>) writes it into the
 * channel's ring, which the console domain reads; any other (and one whose
 * console has ended) through SYS_debug_write into the kernel log. A line
 * goes out whole (on '\n', or when the buffer fills) so that lines from
 * different domains do not interleave mid-line. There is no input: stdin
 * reads EOF (typed lines come through rivet_readline, <rivet/conin.h>).
 */
#include <stdio.h>

#include <rivet/conchan.h>
#include <rivet/libos.h>

#define CONSOLE_LINE 256 /* well under SYS_debug_write's 4096 */

static char line[CONSOLE_LINE];
static size_t line_len;

void rivet_console_flush(void)
{
	if (line_len) {
		if (conchan_write(line, line_len))
			sys_debug_write(line, line_len);
		line_len = 0;
	}
}

static int console_put(char c, FILE *f)
{
	(void)f;
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		rivet_console_flush();
	return (unsigned char)c;
}

static int console_get(FILE *f)
{
	(void)f;
	return _FDEV_EOF;
}

static int console_flush(FILE *f)
{
	(void)f;
	rivet_console_flush();
	return 0;
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, console_flush,
					_FDEV_SETUP_RW);

FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;
