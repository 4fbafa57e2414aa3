/* SPDX-License-Identifier: MIT */
/*
 * The relay; see relay.h. Each source keeps its own order (the kernel
 * log's, a ring's); across sources the line written first goes first, the
 * kernel's on a tie. A source with nothing whole yet does not hold the
 * others back: its line, when it comes, takes its place among those not
 * yet queued.
 */
#include <stdio.h>

#include <rivet/abi.h>

#include "input.h"
#include "logrelay.h"
#include "peers.h"
#include "reader.h"
#include "relay.h"
#include "txq.h"

#define FROM_LOG (-1)
/* Queue room one line may need: every byte doubled in the worst case (all
 * LF -> CR LF), plus the input line hidden and shown again around it. */
#define ROOM_NEEDED (2 * OUTLINE_MAX + 2 + RIVET_CONIN_PROMPT + INPUT_MAX)

static uint64_t last_usec; /* the time of the last line queued */

/*
 * Queues a line, its LF (if any) as CR LF. A line without a stamp gets
 * one, never before the last line's: a line that reached its ring late
 * does not show a time that goes backwards.
 */
static void emit(struct outline *l)
{
	char stamp[32];
	size_t i;

	input_hide();
	if (!l->stamped) {
		if (l->usec < last_usec)
			l->usec = last_usec;
		txq_put(stamp,
			(size_t)snprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ",
					 (unsigned long)(l->usec / 1000000),
					 (unsigned long)(l->usec % 1000000)));
	}
	if (l->usec > last_usec)
		last_usec = l->usec;
	for (i = 0; i < l->len; i++) {
		if (l->text[i] == '\n' ||
		    (l->text[i] == '\r' && i + 1 < l->len &&
		     l->text[i + 1] == '\n'))
			continue;
		txq_put(&l->text[i], 1);
	}
	txq_put("\r\n", 2);
}

/* The earliest whole line of all sources, and which source: FROM_LOG or
 * a channel index. */
static struct outline *earliest(int *from)
{
	struct outline *best = logrelay_line(), *l;
	unsigned i;

	*from = FROM_LOG;
	for (i = 0; i < RIVET_CHAN_MAX; i++) {
		l = peers_line(i);
		if (l && (!best || l->usec < best->usec)) {
			best = l;
			*from = (int)i;
		}
	}
	return best;
}

void relay_run(void)
{
	struct outline *l;
	int from;

	while (txq_room() >= ROOM_NEEDED && (l = earliest(&from))) {
		if (from == FROM_LOG) {
			emit(l);
			logrelay_taken();
			continue;
		}
		if (l->prompt)
			reader_asked((unsigned)from, l->text, l->taken);
		else
			emit(l);
		peers_taken((unsigned)from);
	}
	input_show();
}

bool relay_pending(void)
{
	return logrelay_pending() || peers_pending();
}

void relay_flush(void)
{
	logrelay_flush();
	peers_flush();
}
