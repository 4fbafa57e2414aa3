/* SPDX-License-Identifier: MIT */
/*
 * The input line; see input.h. Echo goes through the transmit queue like
 * all output. The report of a finished line goes out with printf, that is
 * through the kernel log, and so comes back to the UART by the log relay
 * in its place among the other domains' lines.
 */
#include <stdbool.h>
#include <stdio.h>

#include "input.h"
#include "txq.h"

#define CH_BS  0x08
#define CH_DEL 0x7f

static char line[INPUT_MAX];
static size_t len;
static bool hidden;   /* input_hide moved the terminal off the line */
static bool after_cr; /* an LF right after CR is the same Enter */

static void echo(const char *s, size_t n)
{
	/* Dropped only with the whole queue full: a display glitch. */
	txq_put(s, n);
}

static void enter(void)
{
	echo("\r\n", 2);
	printf("console: got line '%.*s'\n", (int)len, line);
	len = 0;
}

void input_byte(uint8_t c)
{
	bool was_cr = after_cr;

	after_cr = c == '\r';
	if (c == '\r' || (c == '\n' && !was_cr)) {
		enter();
	} else if (c == CH_BS || c == CH_DEL) {
		if (len) {
			len--;
			echo("\b \b", 3);
		}
	} else if (c >= 0x20 && c < 0x7f && len < INPUT_MAX) {
		line[len++] = (char)c;
		echo((const char *)&c, 1);
	}
}

void input_hide(void)
{
	if (len && !hidden) {
		echo("\r\n", 2);
		hidden = true;
	}
}

void input_show(void)
{
	if (hidden) {
		echo(line, len);
		hidden = false;
	}
}
