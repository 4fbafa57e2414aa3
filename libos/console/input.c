/* SPDX-License-Identifier: MIT */
/*
 * The input line; see input.h. Echo goes through the transmit queue like
 * all output. Without a reader, the report of a finished line goes out
 * with printf, that is through the kernel log, and so comes back to the
 * UART by the log relay in its place among the other domains' lines.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"
#include "input.h"
#include "txq.h"

#define CH_EOT 0x04 /* Ctrl-D */
#define CH_BS  0x08
#define CH_DEL 0x7f
#define CH_BEL "\a" /* the terminal's bell */

static char line[INPUT_MAX];
static size_t len;
static char prompt[RIVET_CONIN_PROMPT];
static bool prompt_on; /* prompt is part of the current line */
static bool displayed; /* prompt and line are on the terminal now */
static bool after_cr;  /* an LF right after CR is the same Enter */

static void echo(const char *s, size_t n)
{
	/* Dropped only with the whole queue full: a display glitch. */
	txq_put(s, n);
}

void input_hide(void)
{
	if (displayed && (len || prompt_on))
		echo("\r\n", 2);
	displayed = false;
}

void input_show(void)
{
	if (displayed)
		return;
	if (prompt_on)
		echo(prompt, strlen(prompt));
	echo(line, len);
	displayed = true;
}

void input_prompt(const char *p)
{
	if (p ? prompt_on && !strcmp(prompt, p) : !prompt_on)
		return;
	input_hide();
	if (p)
		snprintf(prompt, sizeof(prompt), "%s", p);
	prompt_on = p != NULL;
	input_show();
}

/* Enter: the line leaves, the terminal moves to a fresh line. */
static void enter(void)
{
	input_show();
	echo("\r\n", 2);
	displayed = false;
	prompt_on = false;
	if (!reader_line(line, len))
		printf("console: got line '%.*s'\n", (int)len, line);
	len = 0;
}

static void end_of_input(void)
{
	if (len || !reader_eof())
		return;
	input_hide(); /* ends the prompt's line, if one is shown */
	prompt_on = false;
}

void input_byte(uint8_t c)
{
	bool was_cr = after_cr;

	after_cr = c == '\r';
	if (c == '\r' || (c == '\n' && !was_cr)) {
		enter();
	} else if (c == CH_EOT) {
		end_of_input();
	} else if (c == CH_BS || c == CH_DEL) {
		if (len) {
			input_show();
			len--;
			echo("\b \b", 3);
		}
	} else if (c >= 0x20 && c < 0x7f && len == INPUT_MAX) {
		/* Full: refused, but audibly, so the cut is not silent. */
		echo(CH_BEL, 1);
	} else if (c >= 0x20 && c < 0x7f) {
		input_show();
		line[len++] = (char)c;
		echo((const char *)&c, 1);
	}
}
