// SPDX-License-Identifier: MIT
/*
 * A reader finds its console channel by the configuration's name for the
 * console (RIVET_CONIN_CONSOLE), not by what a region holds: the roles
 * behind tests/qemu/test_conin_name.py. The configuration there:
 *
 *   [channel t_conin_fakecon t_conin_victim]  size 4K: the fake console
 *                                             lays a console page out
 *                                             in the region, as the
 *                                             console would
 *
 * One hart, file order: the fake console writes the page, wakes the
 * victim, which must not take it for its console, and waits until the
 * victim is done.
 */
#include <stdint.h>

#include <rivet/conin.h>
#include <rivet/errno.h>
#include <rivet/libos.h>

#include "tests.h"

/* Lays out what the console would (magic, id), wakes the reader, and
 * keeps the region alive (it is this end's memory) until the reader is
 * done. */
static void role_conin_fakecon(void)
{
	const struct rivet_info *in = rivet_info();
	struct rivet_conin *page =
		(struct rivet_conin *)(uintptr_t)in->channels[0].va;

	EXPECT_EQ("conin_fake_channel_up", in->channels[0].state,
		  RIVET_CHAN_UP);
	page->console_id = in->domain_id;
	page->magic = RIVET_CONIN_MAGIC;
	EXPECT_EQ("conin_fake_wakes_the_reader",
		  sys_notify_cap(in->channels[0].notify_slot, 0), 0);
	sys2_wait(1UL << in->channels[0].bit);
}

/* The reader: a channel whose region says "console" is not its console
 * unless its other end is the domain the configuration names so. */
static void role_conin_victim(void)
{
	const struct rivet_info *in = rivet_info();

	EXPECT_EQ("conin_victim_channel_up", in->channels[0].state,
		  RIVET_CHAN_UP);
	EXPECT_EQ("conin_victim_sees_the_magic",
		  ((volatile struct rivet_conin *)(uintptr_t)in->channels[0].va)
			  ->magic,
		  RIVET_CONIN_MAGIC);
	EXPECT_EQ("conin_attach_ignores_a_channel_to_another_domain",
		  rivet_conin_attach(50), E_NOENT);
	EXPECT_EQ("conin_readline_unattached",
		  rivet_readline("> ", (char[8]){ 0 }, 8), E_INVAL);
	sys_notify_cap(in->channels[0].notify_slot, 0); /* the fake ends */
}

const struct role conin_name_roles[] = {
	{ "t_conin_fakecon", role_conin_fakecon },
	{ "t_conin_victim", role_conin_victim },
	{ 0 },
};
