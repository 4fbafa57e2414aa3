/* SPDX-License-Identifier: MIT */
/* The log relay; see logrelay.h. */
#include <rivet/libos.h>

#include "input.h"
#include "logrelay.h"
#include "txq.h"

#define LOG_CHUNK    256 /* read per SYS_log_read */
#define LOG_LINE_MAX 512 /* a longer line is sent in pieces */
/*
 * Queue room one chunk may need: the carried partial line and the chunk,
 * every byte doubled in the worst case (all LF -> CR LF), plus the input
 * line hidden and shown again around them.
 */
#define LOG_ROOM_NEEDED                                                        \
	(2 * (LOG_LINE_MAX + LOG_CHUNK) + 2 + RIVET_CONIN_PROMPT + INPUT_MAX)

static char line[LOG_LINE_MAX];
static size_t len;
static bool pending;
static unsigned long lines;

void logrelay_kick(void)
{
	pending = true;
}

bool logrelay_pending(void)
{
	return pending;
}

/* Queues the line collected so far, its LF (if any) as CR LF. */
static void emit(void)
{
	size_t i;

	input_hide();
	for (i = 0; i < len; i++) {
		if (line[i] == '\n' ||
		    (line[i] == '\r' && i + 1 < len && line[i + 1] == '\n'))
			continue;
		txq_put(&line[i], 1);
	}
	txq_put("\r\n", 2);
	len = 0;
	lines++;
}

void logrelay_run(void)
{
	char chunk[LOG_CHUNK];
	struct rivet_ret r;
	size_t i;

	while (pending && txq_room() >= LOG_ROOM_NEEDED) {
		r = sys2_log_read(chunk, sizeof(chunk));
		if (r.rc || !r.val) {
			/* Empty, or not ours (E_PERM: no console handed over). */
			pending = false;
			break;
		}
		for (i = 0; i < r.val; i++) {
			line[len++] = chunk[i];
			if (chunk[i] == '\n' || len == LOG_LINE_MAX)
				emit();
		}
	}
	input_show();
}

void logrelay_flush(void)
{
	if (len)
		emit();
	input_show();
}

unsigned long logrelay_lines(void)
{
	return lines;
}
