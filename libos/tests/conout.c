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
 *   t_conout_early  prints CONOUT_EARLY lines and ends at once, before the
 *                   console (later in the configuration) has set up its
 *                   channels: the console must still relay them
 *   t_conout_liar   writes lines straight into its ring stamped at time 0
 *                   (earlier than anyone's), as fast as it can
 *   t_conout_scribble  writes a head no honest producer could into its
 *                   ring: the console stops reading that ring, and only it
 *   t_conin_badtail the console's reader: takes one typed line, then
 *                   writes a tail the console never gave into the ring of
 *                   typed lines, and lives on for a few seconds while more
 *                   lines are typed than the ring holds (the console must
 *                   drop those it cannot put and go on)
 */
#include <stdio.h>
#include <string.h>

#include <rivet/conchan.h>
#include <rivet/conin.h>
#include <rivet/libos.h>

#include "tests.h"

#define CONOUT_FLOOD 1500
#define CONOUT_CALM  20
#define CONOUT_LIES  1500
#define CONOUT_EARLY 8

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
		sys_yield_cap(RIVET_YIELD_ANY);
	}
	printf("TEST conout_calm_done: PASS\n");
}

static void role_conout_early(void)
{
	int i;

	expect_channel();
	for (i = 0; i < CONOUT_EARLY; i++)
		printf("early %02d\n", i);
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

static void role_conout_scribble(void)
{
	struct conchan_end *e = conchan_attach();
	static const char done[] = "TEST conout_scribbled: PASS\n";

	expect_channel();
	if (!e)
		return;
	printf("scribble: a last honest line\n");
	sys_yield_cap(
		RIVET_YIELD_ANY); /* the console takes it before the ring breaks */
	__atomic_store_n(&e->out.sh->head, 0x40000000U, __ATOMIC_RELEASE);
	sys_notify_cap(rivet_info()->channels[e->chan].notify_slot, 0);
	/* Not printf: the console reads this ring no more. */
	sys_debug_write(done, sizeof(done) - 1);
	rivet_exit(0);
}

/* Waits ms of the machine's time (the caller's timer bit). */
static void pause_ms(unsigned long ms)
{
	sys_timer_event(rivet_now() + ms * rivet_info()->timebase_hz / 1000,
			RIVET_TIMER_BIT);
	sys2_wait(1UL << RIVET_TIMER_BIT);
}

static void role_conin_badtail(void)
{
	struct conchan_end *e;
	char line[32];
	long n = rivet_conin_attach(0);

	EXPECT_EQ("conin_badtail_attached", n, 0);
	n = rivet_readline("t> ", line, sizeof(line));
	report("conin_badtail_first_line", n == 5 && !strcmp(line, "first"),
	       "got %ld, want %ld", n, 5);
	e = conchan_attach();
	if (!e)
		return;
	__atomic_store_n(&e->in.sh->tail, 0x40000000U, __ATOMIC_RELEASE);
	printf("TEST conin_tail_scribbled: PASS\n");
	pause_ms(3000);
	printf("TEST conin_badtail_done: PASS\n");
}

const struct role conout_roles[] = {
	{ "t_conout_flood", role_conout_flood },
	{ "t_conout_calm", role_conout_calm },
	{ "t_conout_early", role_conout_early },
	{ "t_conout_liar", role_conout_liar },
	{ "t_conout_scribble", role_conout_scribble },
	{ "t_conin_badtail", role_conin_badtail },
	{ 0 },
};
