// SPDX-License-Identifier: MIT
/*
 * `notify = NAME [BITS]` (issue 13): a notification capability the
 * configuration gives without a channel, and what a domain without one
 * cannot do. The roles behind tests/qemu/test_notify_conf.py:
 *
 *   t_nconf_a  notify = t_nconf_b 4-7, notify = t_nconf_a 1
 *   t_nconf_b  no notify line: waits for a's bit
 *   t_nconf_x  no notify line: a stranger to both
 *   t_nconf_p  peer = t_nconf_a; [channel t_nconf_b t_nconf_p]
 *
 * One hart, file order: a checks its capabilities, yields to b (which
 * starts waiting), then x and p run, then a signals b. Each also checks
 * which names SYS_domain_lookup answers for: the ones its configuration
 * names (peer, notify, channel) and its own, E_NOENT for the rest, even
 * though the registry page lists them all.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "tests.h"

#define B_BADGE	   0xf0UL
#define EV_B_GO	   (1UL << 5)
#define EV_SELF	   (1UL << 1)
#define EV_OUTSIDE (1UL << 8)

/* SYS_domain_lookup itself (rivet_domain_lookup reads the registry). */
static long lookup(const char *name)
{
	struct rivet_ret r = sys2_domain_lookup(name, strlen(name));

	return r.rc ? r.rc : (long)r.val;
}

/* The id the registry page shows for name: public, whatever the call. */
static long registry_id(const char *name)
{
	return rivet_domain_lookup(name);
}

static long cap_field(unsigned long slot, unsigned long what)
{
	struct rivet_ret r = sys2_cap_info(slot, what);

	return r.rc ? r.rc : (long)r.val;
}

static void role_nconf_a(void)
{
	const struct rivet_info *in = rivet_info();
	long slot = rivet_notify_slot("t_nconf_b");
	struct rivet_ret r;

	EXPECT_EQ("nconf_info_lists_both_lines", in->nnotify, 2);
	report("nconf_info_names_the_target",
	       !strcmp(in->notify[0].peer, "t_nconf_b") &&
		       in->notify[0].badge == B_BADGE && in->notify[0].slot,
	       "badge 0x%lx slot %ld", (long)in->notify[0].badge,
	       (long)in->notify[0].slot);
	EXPECT_EQ("nconf_slot_by_name", slot, in->notify[0].slot);
	EXPECT_EQ("nconf_cap_is_a_notification_cap",
		  cap_field((unsigned long)slot, RIVET_CAPINFO_TYPE) & 0xff,
		  RIVET_CAP_NOTIFY);
	EXPECT_EQ("nconf_cap_badge_is_the_lines_bits",
		  cap_field((unsigned long)slot, RIVET_CAPINFO_BADGE), B_BADGE);
	EXPECT_EQ("nconf_notify_outside_the_badge_is_perm",
		  sys_notify_cap((unsigned long)slot, EV_OUTSIDE), E_PERM);

	/* The line naming itself: a signal to its own events. */
	EXPECT_EQ("nconf_notify_self", rivet_notify_name("t_nconf_a", 0), 0);
	r = sys2_wait(EV_SELF);
	EXPECT_EQ("nconf_self_bit_pending", r.val, EV_SELF);

	/* b has not run yet: the directed yield runs it (it starts
	 * waiting), then x, then us. */
	EXPECT_EQ("nconf_yield_by_name", rivet_yield_to_name("t_nconf_b"), 0);
	EXPECT_EQ("nconf_notify_by_name",
		  rivet_notify_name("t_nconf_b", EV_B_GO), 0);

	EXPECT_EQ("nconf_lookup_self", lookup("t_nconf_a"), in->domain_id);
	EXPECT_EQ("nconf_lookup_notify_target", lookup("t_nconf_b"),
		  registry_id("t_nconf_b"));
	EXPECT_EQ("nconf_lookup_unnamed_is_noent", lookup("t_nconf_x"),
		  E_NOENT);
}

static void role_nconf_b(void)
{
	struct rivet_ret r;

	printf("ORDER b\n");
	EXPECT_EQ("nconf_b_has_no_notify_line", rivet_info()->nnotify, 0);
	/* a names b, not the other way round. */
	EXPECT_EQ("nconf_b_lookup_of_its_notifier_is_noent",
		  lookup("t_nconf_a"), E_NOENT);
	EXPECT_EQ("nconf_b_lookup_channel_peer", lookup("t_nconf_p"),
		  registry_id("t_nconf_p"));
	r = sys2_wait(EV_B_GO | EV_OUTSIDE);
	EXPECT_EQ("nconf_b_woken_by_a_badge_bit", r.val, EV_B_GO);
}

/* Holds no capability for a or b: every way to reach them is closed. */
static void role_nconf_x(void)
{
	printf("ORDER x\n");
	EXPECT_EQ("nconf_x_has_no_notify_line", rivet_info()->nnotify, 0);
	EXPECT_EQ("nconf_x_no_slot_for_b", rivet_notify_slot("t_nconf_b"),
		  E_NOENT);
	EXPECT_EQ("nconf_x_cannot_notify_b", rivet_notify_name("t_nconf_b", 0),
		  E_NOENT);
	EXPECT_EQ("nconf_x_cannot_yield_to_b", rivet_yield_to_name("t_nconf_b"),
		  E_NOENT);
	EXPECT_EQ("nconf_x_cannot_look_up_a", lookup("t_nconf_a"), E_NOENT);
	EXPECT_EQ("nconf_x_cannot_look_up_b", lookup("t_nconf_b"), E_NOENT);
	EXPECT_EQ("nconf_x_looks_itself_up", lookup("t_nconf_x"),
		  rivet_info()->domain_id);
	/* The retired calls by id: refused whatever the id. */
	EXPECT_EQ("nconf_x_notify_by_id_is_nosys",
		  raw_syscall(4, registry_id("t_nconf_b"), EV_B_GO), E_NOSYS);
	EXPECT_EQ("nconf_x_yield_by_id_is_nosys",
		  raw_syscall(2, registry_id("t_nconf_b"), 0), E_NOSYS);
	report("nconf_x_registry_still_lists_a", registry_id("t_nconf_a") > 0,
	       "id %ld", registry_id("t_nconf_a"), 0);
}

/* A peer of a and a channel end of b: it sees both, and no one else. */
static void role_nconf_p(void)
{
	EXPECT_EQ("nconf_p_lookup_peer", lookup("t_nconf_a"),
		  registry_id("t_nconf_a"));
	EXPECT_EQ("nconf_p_lookup_channel_peer", lookup("t_nconf_b"),
		  registry_id("t_nconf_b"));
	EXPECT_EQ("nconf_p_lookup_unnamed_is_noent", lookup("t_nconf_x"),
		  E_NOENT);
}

const struct role notify_conf_roles[] = {
	{ "t_nconf_a", role_nconf_a },
	{ "t_nconf_b", role_nconf_b },
	{ "t_nconf_x", role_nconf_x },
	{ "t_nconf_p", role_nconf_p },
	{ 0 },
};
