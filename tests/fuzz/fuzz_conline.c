// SPDX-License-Identifier: MIT
/*
 * libos/console/conline.c on any messages a domain can write into its
 * console channel: the input is cut into 64-byte messages, each taken at
 * a time that moves forward. Whatever they hold, a line stays within its
 * buffer (ASan), a prompt is printable ASCII, and a line's time lies
 * within the bounds conline.h promises and never goes backwards.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "libos/console/conline.h"

#define HZ 10000000ULL

static uint64_t now, last, started;

/* After a step that may have started a line at now (empty before). */
static void note_start(const struct conline *cl, bool was_empty)
{
	if (was_empty && (cl->cur.len || cl->cur.whole))
		started = now;
}

static void check(const struct conline *cl)
{
	const struct outline *l = &cl->cur;
	size_t i;

	assert(l->len <= OUTLINE_MAX);
	if (!l->whole)
		return;
	/* Within [its start - slack, its start], never before the last. */
	assert(l->usec <= started && l->usec >= last);
	assert(started < CONLINE_SLACK_US ||
	       l->usec >= started - CONLINE_SLACK_US || l->usec == last);
	last = l->usec;
	if (l->prompt)
		for (i = 0; i < l->len; i++)
			assert(l->text[i] >= 0x20 && l->text[i] < 0x7f);
}

static bool empty(const struct conline *cl)
{
	return !cl->cur.len && !cl->cur.whole;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conline cl;
	struct conchan_msg m;
	bool was;

	memset(&cl, 0, sizeof(cl));
	now = last = started = 0;
	while (size >= sizeof(m)) {
		memcpy(&m, data, sizeof(m));
		data += sizeof(m);
		size -= sizeof(m);
		now += m.pad; /* the input chooses how time moves */
		if (cl.cur.whole) {
			conline_taken(&cl);
			assert(empty(&cl));
		}
		was = empty(&cl);
		conline_resume(&cl, now, HZ);
		note_start(&cl, was);
		check(&cl);
		if (cl.cur.whole)
			continue; /* m is lost to this run: fine */
		was = empty(&cl);
		conline_take(&cl, &m, now, HZ);
		note_start(&cl, was);
		check(&cl);
	}
	conline_flush(&cl);
	check(&cl);
	return 0;
}
