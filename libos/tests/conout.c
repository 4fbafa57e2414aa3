// SPDX-License-Identifier: MIT
/*
 * Output over console channels (<rivet/conchan.h>): the roles behind
 * tests/qemu/test_conout.py. Each has a channel to the console
 * ([channel console ROLE], the console named first):
 *
 *   t_conout_flood  prints CONOUT_FLOOD lines as fast as it can: its ring
 *                   fills and it blocks until the console makes room
 *   t_conout_calm   prints CONOUT_CALM lines, yielding between them: all
 *                   must appear, none stuck behind the flood
 *   t_conout_liar   writes lines straight into its ring stamped at time 0
 *                   (earlier than anyone's), as fast as it can
 */
#include <stdio.h>
#include <string.h>

#include <rivet/conchan.h>
#include <rivet/libos.h>

#include "tests.h"

#define CONOUT_FLOOD 1500
#define CONOUT_CALM  20
#define CONOUT_LIES  1500

/* Reports that stdout goes over the channel, not the kernel log. */
static void expect_channel(void)
{
	report("conout_has_a_console_channel", conchan_attach() != NULL,
	       "channel %ld, %ld", conchan_find(), 0);
}

static void role_conout_flood(void)
{
	int i;

	expect_channel();
	for (i = 0; i < CONOUT_FLOOD; i++)
		printf("flood %04d of a domain that prints without pause\n", i);
	printf("TEST conout_flood_done: PASS\n");
}

static void role_conout_calm(void)
{
	int i;

	expect_channel();
	for (i = 0; i < CONOUT_CALM; i++) {
		printf("calm %02d\n", i);
		sys_yield(-1);
	}
	printf("TEST conout_calm_done: PASS\n");
}

/* Pushes one line stamped 0 into the ring, as a hostile libOS could. */
static long lie(struct conchan_end *e, int i)
{
	struct conchan_msg m = { .stamp = 0, .kind = CONCHAN_OUT };

	m.len = (uint8_t)snprintf(m.text, sizeof(m.text), "lie %04d\n", i);
	return chan_spsc_push(&e->out, &e->hooks, &m);
}

static void role_conout_liar(void)
{
	struct conchan_end *e = conchan_attach();
	long rc = 0;
	int i;

	expect_channel();
	if (!e)
		return;
	for (i = 0; i < CONOUT_LIES && !rc; i++)
		rc = lie(e, i);
	printf("TEST conout_liar_done: %s\n", rc ? "FAIL" : "PASS");
}

const struct role conout_roles[] = {
	{ "t_conout_flood", role_conout_flood },
	{ "t_conout_calm", role_conout_calm },
	{ "t_conout_liar", role_conout_liar },
	{ 0 },
};
