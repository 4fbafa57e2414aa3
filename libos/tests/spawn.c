/* SPDX-License-Identifier: MIT */
/*
 * Domains at run time (SYS_spawn, SYS_kill): the spawner's error paths,
 * quota lending, capabilities passed along, kills allowed and refused,
 * stale slots, a spawner's children ending with it, and the soak loop
 * whose resource counts must come back exactly (tests/qemu/test_spawn.py).
 *
 * The spawned roles run the same image: the name given to SYS_spawn
 * picks the role, as the configuration's names do for boot domains.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "child_quota.h"
#include "tests.h"

/* Quotas follow tests.elf's size (child_quota.h); t_child maps the
 * frame passed to it: a few table pages of its own. */
#define CHILD_FRAMES child_frames(8)
#define CHILD_SLOTS  16
#define CHILD_MAGIC  0xc0ffeeUL
#define NEST_BADGE   0x4e455354UL /* "NEST" */
#define PASS_VA	     0x20000000UL /* below the heap */

/* The counts a spawn must give back when its child ends. */
struct counts {
	unsigned long v[7];
};

static const int count_ids[7] = {
	KSTAT_FREE_FRAMES, KSTAT_MY_QUOTA,  KSTAT_FREE_SLOTS, KSTAT_ASIDS,
	KSTAT_PT_PAGES,	   KSTAT_ALL_SLOTS, KSTAT_ALL_FRAMES,
};
static const char *const count_names[7] = {
	"free_frames", "my_quota",  "free_slots", "asids",
	"pt_pages",    "all_slots", "all_frames",
};

static void counts_take(struct counts *c)
{
	unsigned i;

	for (i = 0; i < 7; i++)
		c->v[i] = sys2_kstat(count_ids[i]).val;
}

/* Reports one line per count that differs, named prefix_NAME; returns
 * how many differ (0: every count is back). */
static int counts_check(const char *prefix, const struct counts *base,
			int quiet)
{
	struct counts now;
	char name[64];
	unsigned i;
	int bad = 0;

	counts_take(&now);
	for (i = 0; i < 7; i++) {
		if (quiet && now.v[i] == base->v[i])
			continue;
		snprintf(name, sizeof(name), "%s_%s", prefix, count_names[i]);
		report(name, now.v[i] == base->v[i], "now %ld, at start %ld",
		       (long)now.v[i], (long)base->v[i]);
		bad += now.v[i] != base->v[i];
	}
	return bad;
}

static long child_id(unsigned long slot)
{
	return (long)RIVET_DOMAIN_OBJECT_ID(
		sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val);
}

/* SYS_domain_lookup itself (rivet_domain_lookup reads the registry). */
static long lookup_call(const char *name)
{
	struct rivet_ret r = sys2_domain_lookup(name, strlen(name));

	return r.rc ? r.rc : (long)r.val;
}

/* Lets id run until it is no longer runnable (waits or has ended). */
static void run_until_settled(long id)
{
	int i;

	for (i = 0;
	     i < 1000 && (rivet_domain_state(id) == RIVET_DOMAIN_RUNNABLE ||
			  rivet_domain_state(id) == RIVET_DOMAIN_ENDING);
	     i++)
		sys_yield_cap(RIVET_YIELD_ANY);
}

/* The first domain capability in this space with badge, or E_NOENT. */
static long find_badged_domain(unsigned long badge)
{
	long s = 0;

	while ((s = rivet_cap_find(RIVET_CAP_DOMAIN, (unsigned long)s)) >= 0) {
		if (sys2_cap_info(s, RIVET_CAPINFO_BADGE).val == badge)
			return s;
		s++;
	}
	return E_NOENT;
}

/* ------------------------------------------------------- the spawner --- */

static void spawn_errors(long sp, const struct counts *base)
{
	struct rivet_spawn req;
	unsigned long slot = 0, quota = sys2_kstat(KSTAT_MY_QUOTA).val;
	unsigned long used = sys2_kstat(KSTAT_MY_FRAMES).val;
	unsigned long free_slots = sys2_kstat(KSTAT_FREE_SLOTS).val;
	struct rivet_ret r;
	long empty;

	EXPECT_EQ("spawn_missing_image",
		  rivet_spawn(sp, "/libos/nothere.elf", "t_x", CHILD_FRAMES,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_NOENT);
	EXPECT_EQ("spawn_image_outside_grant",
		  rivet_spawn(sp, "/etc/rivet.conf", "t_x", CHILD_FRAMES,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_PERM);
	EXPECT_EQ("spawn_dot_dot_refused",
		  rivet_spawn(sp, "/libos/../etc/rivet.conf", "t_x",
			      CHILD_FRAMES, CHILD_SLOTS, 0, 0, &slot),
		  E_PERM);
	EXPECT_EQ("spawn_not_an_elf",
		  rivet_spawn(sp, "/libos/junk.elf", "t_x", CHILD_FRAMES,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_FORMAT);
	EXPECT_EQ("spawn_quota_bigger_than_spawner",
		  rivet_spawn(sp, "/libos/tests.elf", "t_x", quota + 1,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_NOMEM);
	EXPECT_EQ("spawn_quota_bigger_than_unused",
		  rivet_spawn(sp, "/libos/tests.elf", "t_x", quota - used + 1,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_NOMEM);
	/* The child's domain capability needs one slot more. */
	EXPECT_EQ("spawn_slots_bigger_than_spawner",
		  rivet_spawn(sp, "/libos/tests.elf", "t_x", CHILD_FRAMES,
			      free_slots, 0, 0, &slot),
		  E_NOMEM);
	EXPECT_EQ("spawn_quota_too_small_for_image",
		  rivet_spawn(sp, "/libos/tests.elf", "t_x", 4, CHILD_SLOTS, 0,
			      0, &slot),
		  E_NOMEM);
	EXPECT_EQ("spawn_zero_frames",
		  rivet_spawn(sp, "/libos/tests.elf", "t_x", 0, CHILD_SLOTS, 0,
			      0, &slot),
		  E_INVAL);
	EXPECT_EQ("spawn_zero_slots",
		  rivet_spawn(sp, "/libos/tests.elf", "t_x", CHILD_FRAMES, 0, 0,
			      0, &slot),
		  E_INVAL);
	EXPECT_EQ("spawn_bad_name",
		  rivet_spawn(sp, "/libos/tests.elf", "Bad!", CHILD_FRAMES,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_INVAL);
	EXPECT_EQ("spawn_name_of_a_live_domain",
		  rivet_spawn(sp, "/libos/tests.elf", "t_spawner", CHILD_FRAMES,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_EXIST);
	EXPECT_EQ("spawn_through_domain_capability",
		  rivet_spawn(RIVET_SLOT_SELF, "/libos/tests.elf", "t_x",
			      CHILD_FRAMES, CHILD_SLOTS, 0, 0, &slot),
		  E_INVAL);
	EXPECT_EQ("spawn_slot_out_of_range",
		  rivet_spawn(100000, "/libos/tests.elf", "t_x", CHILD_FRAMES,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_INVAL);
	empty = sp + 1;
	while (sys2_cap_info(empty, RIVET_CAPINFO_TYPE).rc != E_NOENT)
		empty++;
	EXPECT_EQ("spawn_empty_slot",
		  rivet_spawn(empty, "/libos/tests.elf", "t_x", CHILD_FRAMES,
			      CHILD_SLOTS, 0, 0, &slot),
		  E_NOENT);
	EXPECT_EQ("spawn_unmapped_request",
		  sys_spawn((const struct rivet_spawn *)0x1000), E_RANGE);
	EXPECT_EQ("spawn_kernel_request",
		  sys_spawn((const struct rivet_spawn *)0xffffffff80000000UL),
		  E_RANGE);
	memset(&req, 0, sizeof(req));
	req.spawn_slot = sp;
	req.image = (const char *)0x1000;
	req.image_len = 10;
	req.frames = CHILD_FRAMES;
	req.slots = CHILD_SLOTS;
	EXPECT_EQ("spawn_unmapped_image_name", sys_spawn(&req), E_RANGE);
	req.image = "/libos/tests.elf";
	req.image_len = strlen(req.image);
	req.ncaps = RIVET_SPAWN_CAPS_MAX + 1;
	req.slots = 64;
	EXPECT_EQ("spawn_too_many_caps", sys_spawn(&req), E_INVAL);
	req.ncaps = 1;
	req.caps[0] = empty;
	EXPECT_EQ("spawn_pass_empty_slot", sys_spawn(&req), E_NOENT);
	/* A copy without the grant right cannot be passed along. */
	r = sys2_cap_derive(RIVET_SLOT_SELF, -1UL, RIVET_CAP_R, 0);
	req.caps[0] = r.val;
	EXPECT_EQ("spawn_pass_without_grant", sys_spawn(&req), E_PERM);
	sys_cap_delete(r.val);
	counts_check("spawn_errors_change_nothing", base, 0);
}

/* f: a frame capability mapped at PASS_VA, passed to the child. */
static void spawn_child_runs(long sp, unsigned long f,
			     const struct counts *base)
{
	volatile unsigned long *page = (volatile unsigned long *)PASS_VA;
	unsigned long caps[1] = { f }, slot = 0;
	struct counts before;
	long id;

	counts_take(&before);
	EXPECT_EQ("spawn_child",
		  spawn_child(sp, "t_child", CHILD_FRAMES, CHILD_SLOTS, caps, 1,
			      &slot),
		  0);
	id = child_id(slot);
	EXPECT_EQ("spawn_lends_frames", sys2_kstat(KSTAT_MY_QUOTA).val,
		  before.v[1] - CHILD_FRAMES);
	EXPECT_EQ("spawn_lends_slots", sys2_kstat(KSTAT_FREE_SLOTS).val,
		  before.v[2] - CHILD_SLOTS - 1);
	EXPECT_EQ("spawn_takes_an_asid", sys2_kstat(KSTAT_ASIDS).val,
		  before.v[3] + 1);
	EXPECT_EQ("spawned_child_is_runnable", rivet_domain_state(id),
		  RIVET_DOMAIN_RUNNABLE);
	report("spawn_capability_names_child",
	       (sys2_cap_info(slot, RIVET_CAPINFO_TYPE).val & 0xff) ==
			       RIVET_CAP_DOMAIN &&
		       id > 0,
	       "type %ld, id %ld",
	       (long)sys2_cap_info(slot, RIVET_CAPINFO_TYPE).val, id);
	run_until_settled(id);
	EXPECT_EQ("child_exited_by_itself", rivet_domain_state(id),
		  RIVET_DOMAIN_EXITED);
	EXPECT_EQ("child_wrote_passed_frame", page[0], CHILD_MAGIC);
	EXPECT_EQ("kill_ended_domain", sys_kill(slot), E_NOENT);
	EXPECT_EQ("quota_back_after_exit", sys2_kstat(KSTAT_MY_QUOTA).val,
		  before.v[1]);
	sys_cap_delete(slot);
	counts_check("child_exit_gives_back", base, 0);
}

static void spawn_kills(long sp, const struct counts *base)
{
	unsigned long a = 0, b = 0, f;
	long id_a, id_b;

	EXPECT_EQ("spawn_sleeper",
		  spawn_child(sp, "t_sleeper", CHILD_FRAMES, CHILD_SLOTS, 0, 0,
			      &a),
		  0);
	id_a = child_id(a);
	run_until_settled(id_a);
	EXPECT_EQ("sleeper_waits", rivet_domain_state(id_a),
		  RIVET_DOMAIN_WAITING);
	EXPECT_EQ("kill_spawned_domain", sys_kill(a), 0);
	EXPECT_EQ("killed_domain_is_killed", rivet_domain_state(id_a),
		  RIVET_DOMAIN_KILLED);
	EXPECT_EQ("kill_dead_domain", sys_kill(a), E_NOENT);
	/* The next child reuses the entry, hence the id: the old capability
	 * must not name it. */
	EXPECT_EQ("spawn_reusing_entry",
		  spawn_child(sp, "t_sleeper", CHILD_FRAMES, CHILD_SLOTS, 0, 0,
			      &b),
		  0);
	id_b = child_id(b);
	report("stale_slot_names_reused_id", id_b == id_a,
	       "new id %ld, old id %ld", id_b, id_a);
	EXPECT_EQ("kill_stale_slot", sys_kill(a), E_NOENT);
	EXPECT_EQ("stale_kill_leaves_new_domain", rivet_domain_alive(id_b), 1);
	EXPECT_EQ("grant_through_stale_slot",
		  sys_cap_derive(RIVET_SLOT_SELF, a, RIVET_CAP_R, 0), E_NOENT);
	EXPECT_EQ("kill_runnable_child", sys_kill(b), 0);
	sys_cap_delete(a);
	EXPECT_EQ("kill_deleted_slot", sys_kill(a), E_NOENT);
	sys_cap_delete(b);

	EXPECT_EQ("kill_not_spawned_by_caller", sys_kill(RIVET_SLOT_PEER0),
		  E_PERM);
	EXPECT_EQ("kill_self_refused", sys_kill(RIVET_SLOT_SELF), E_PERM);
	EXPECT_EQ("kill_slot_out_of_range", sys_kill(100000), E_INVAL);
	f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	EXPECT_EQ("kill_frame_capability", sys_kill(f), E_INVAL);
	sys_cap_delete(f);
	counts_check("kills_give_back", base, 0);
}

/* A child that spawns a grandchild and hands the spawner a capability for
 * it: the spawner may not kill the grandchild, which ends with its own
 * spawner. */
static void spawn_nested(long sp, const struct counts *base)
{
	unsigned long caps[3] = { (unsigned long)sp, RIVET_SLOT_SELF,
				  (unsigned long)rivet_notify_slot(
					  "t_spawner") };
	unsigned long n = 0;
	long g, gid;

	EXPECT_EQ("spawn_nester",
		  spawn_child(sp, "t_nester", child_frames(CHILD_FRAMES), 32,
			      caps, 3, &n),
		  0);
	sys_wait(0x2); /* the nester has spawned and granted */
	/* domain_lookup answers a spawner for its child, not for a
	 * grandchild (docs/channels.md, "Names and ids"). */
	EXPECT_EQ("lookup_own_child", lookup_call("t_nester"), child_id(n));
	EXPECT_EQ("lookup_grandchild_is_noent", lookup_call("t_sleeper"),
		  E_NOENT);
	g = find_badged_domain(NEST_BADGE);
	gid = g >= 0 ? child_id(g) : -1;
	report("nester_granted_grandchild", g >= 0 && rivet_domain_alive(gid),
	       "slot %ld, id %ld", g, gid);
	EXPECT_EQ("kill_grandchild_refused", sys_kill(g), E_PERM);
	EXPECT_EQ("kill_nester", sys_kill(n), 0);
	EXPECT_EQ("grandchild_ends_with_its_spawner", rivet_domain_state(gid),
		  RIVET_DOMAIN_KILLED);
	sys_cap_delete(g);
	sys_cap_delete(n);
	counts_check("nested_give_back", base, 0);
}

/* Slots lent to a child are not the spawner's to fill: with every free
 * slot lent, frame_alloc and cap_derive are refused before anything
 * moves. */
static void spawn_lends_every_slot(long sp, const struct counts *base)
{
	unsigned long free_slots = sys2_kstat(KSTAT_FREE_SLOTS).val, c = 0;
	unsigned long frames;

	EXPECT_EQ("spawn_lending_every_slot",
		  spawn_child(sp, "t_sleeper", CHILD_FRAMES, free_slots - 1, 0,
			      0, &c),
		  0);
	EXPECT_EQ("no_free_slot_left", sys2_kstat(KSTAT_FREE_SLOTS).val, 0);
	frames = sys2_kstat(KSTAT_MY_FRAMES).val;
	EXPECT_EQ("frame_alloc_with_slots_lent",
		  sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).rc, E_NOMEM);
	EXPECT_EQ("frame_alloc_lent_moves_no_frame",
		  sys2_kstat(KSTAT_MY_FRAMES).val, frames);
	EXPECT_EQ("derive_with_slots_lent",
		  sys2_cap_derive(RIVET_SLOT_SELF, -1UL, RIVET_CAP_R, 0).rc,
		  E_NOMEM);
	sys_kill(c);
	sys_cap_delete(c);
	counts_check("lent_slots_give_back", base, 0);
}

/* A child that faults with no handler is killed by the kernel; what it
 * was lent comes back all the same. */
static void spawn_child_faults(long sp, const struct counts *base)
{
	unsigned long slot = 0;
	long id;

	EXPECT_EQ("spawn_crasher",
		  spawn_child(sp, "t_crasher", CHILD_FRAMES, CHILD_SLOTS, 0, 0,
			      &slot),
		  0);
	id = child_id(slot);
	run_until_settled(id);
	EXPECT_EQ("faulting_child_is_killed", rivet_domain_state(id),
		  RIVET_DOMAIN_KILLED);
	EXPECT_EQ("kill_faulted_child", sys_kill(slot), E_NOENT);
	sys_cap_delete(slot);
	counts_check("fault_gives_back", base, 0);
}

/* Sixteen domains at most: spawns past that are refused, and killing
 * one makes room again. Each sleeper's quota holds tests.elf's image with
 * room for its stack, slots, page tables and shared pages: derived from
 * the image's own size, since a constant broke each time the suite grew
 * (at 80 frames a 64 KiB text crossing made the first spawn E_NOMEM). */
#define SLEEPER_FRAMES child_frames(0)
static void spawn_fills_table(long sp, const struct counts *base)
{
	unsigned long slots[16], extra = 0;
	unsigned n = 0, i;
	long live = (long)sys2_kstat(KSTAT_LIVE_DOMAINS).val, rc = 0;
	char name[16];

	for (;;) {
		snprintf(name, sizeof(name), "t_sleeper-%u", n);
		if (n == 16 || (rc = spawn_child(sp, name, SLEEPER_FRAMES, 2, 0,
						 0, &slots[n])))
			break;
		n++;
	}
	EXPECT_EQ("spawn_past_sixteen_domains", rc, E_NOMEM);
	EXPECT_EQ("spawned_up_to_sixteen", live + n, 16);
	if (n) {
		EXPECT_EQ("kill_makes_room", sys_kill(slots[n - 1]), 0);
		EXPECT_EQ("spawn_after_kill",
			  spawn_child(sp, "t_sleeper", SLEEPER_FRAMES, 2, 0, 0,
				      &extra),
			  0);
		sys_kill(extra);
		sys_cap_delete(extra);
	}
	for (i = 0; i < n; i++) {
		sys_kill(slots[i]);
		sys_cap_delete(slots[i]);
	}
	counts_check("full_table_gives_back", base, 0);
}

static void role_spawner(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	struct counts base;
	unsigned long f;

	report("spawn_capability_granted", sp > 0, "slot %ld", sp, 0);
	if (sp <= 0)
		return;
	EXPECT_EQ("spawn_capability_has_grant",
		  (sys2_cap_info(sp, RIVET_CAPINFO_TYPE).val >> 8) &
			  RIVET_CAP_GRANT,
		  RIVET_CAP_GRANT);
	/* The frame passed to a child, mapped first: the page tables its
	 * mapping needs stay, and belong in the counts to come back to. */
	f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	sys_map(f, PASS_VA, RIVET_CAP_R | RIVET_CAP_W);
	counts_take(&base);
	spawn_errors(sp, &base);
	spawn_child_runs(sp, f, &base);
	spawn_kills(sp, &base);
	spawn_nested(sp, &base);
	spawn_lends_every_slot(sp, &base);
	spawn_child_faults(sp, &base);
	spawn_fills_table(sp, &base);
	counts_check("spawn_counts_back", &base, 0);
	rivet_notify_name("t_bystander", 0x1); /* the bystander ends */
}

/* A boot domain the spawner holds a capability for but did not spawn. */
static void role_bystander(void)
{
	sys_wait(0x1);
}

/* ------------------------------------------------- the spawned roles --- */

static void role_child(void)
{
	struct rivet_ret t = sys2_cap_info(1, RIVET_CAPINFO_TYPE);

	/* Its own quota is what it was lent; slot 1 the frame passed. */
	if (sys2_kstat(KSTAT_MY_QUOTA).val != CHILD_FRAMES ||
	    (t.val & 0xff) != RIVET_CAP_FRAME ||
	    sys_map(1, PASS_VA, RIVET_CAP_R | RIVET_CAP_W))
		exit(1);
	*(volatile unsigned long *)PASS_VA = CHILD_MAGIC;
}

static void role_crasher(void)
{
	/* No exception entry: the kernel itself kills it at the fault. */
	static volatile unsigned long *volatile nowhere = (void *)0x8;

	sys_upcall_set(0, 0, 0, 0);
	*nowhere = 1;
}

static void role_sleeper(void)
{
	sys_wait(0x1); /* until killed */
}

static void role_nester(void)
{
	unsigned long g = 0;

	/* Slot 1: the spawn capability passed along; slot 2: the spawner;
	 * slot 3: a notification capability for the spawner. */
	if (spawn_child(1, "t_sleeper", CHILD_FRAMES, 8, 0, 0, &g) ||
	    sys_cap_derive(g, 2, RIVET_CAP_GRANT, NEST_BADGE) < 0)
		printf("TEST nester_spawns: FAIL\n");
	/* Its spawner and its child: yes; its spawner's peer: no. */
	EXPECT_EQ("nester_looks_up_its_spawner", lookup_call("t_spawner") > 0,
		  1);
	EXPECT_EQ("nester_looks_up_its_child", lookup_call("t_sleeper") > 0, 1);
	EXPECT_EQ("nester_lookup_of_a_stranger_is_noent",
		  lookup_call("t_bystander"), E_NOENT);
	sys_notify_cap(3, 0x2);
	sys_wait(0x1); /* until killed */
}

/* ------------------------------------------------------------ the soak --- */

/*
 * args = N: N spawn/kill cycles. Most children are killed before they
 * ever run; every 16th runs first (and waits), every 64th runs to its
 * own exit. Every count must come back after each cycle: the loop checks
 * quietly every 4096 cycles and loudly at the end.
 */
static void role_soak(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	unsigned long n = strtoul(rivet_info()->args, 0, 10), i, slot = 0;
	uint64_t t0 = rivet_now();
	struct counts base;
	long rc, id;

	if (sp <= 0 || !n) {
		printf("TEST soak_setup: FAIL spawn slot %ld, args '%s'\n", sp,
		       rivet_info()->args);
		return;
	}
	counts_take(&base);
	for (i = 0; i < n; i++) {
		const char *name = i % 64 == 63 ? "t_soakexit" : "t_sleeper";

		rc = spawn_child(sp, name, CHILD_FRAMES, CHILD_SLOTS, 0, 0,
				 &slot);
		if (rc) {
			printf("TEST soak_spawn: FAIL cycle %lu: %ld\n", i, rc);
			return;
		}
		id = child_id(slot);
		if (i % 16 == 15)
			run_until_settled(id);
		rc = sys_kill(slot);
		if (rc && !(rc == E_NOENT && i % 64 == 63)) {
			printf("TEST soak_kill: FAIL cycle %lu: %ld\n", i, rc);
			return;
		}
		sys_cap_delete(slot);
		if (i % 4096 == 4095 && counts_check("soak_leak", &base, 1)) {
			printf("SOAK leak after %lu cycles\n", i + 1);
			return;
		}
	}
	printf("SOAK %lu cycles in %lu ticks\n", n,
	       (unsigned long)(rivet_now() - t0));
	report("soak_counts_back", !counts_check("soak_end", &base, 1),
	       "after %ld cycles", (long)n, 0);
}

static void role_soakexit(void)
{
}

const struct role spawn_roles[] = {
	{ "t_spawner", role_spawner },
	{ "t_bystander", role_bystander },
	{ "t_child", role_child },
	{ "t_sleeper", role_sleeper },
	{ "t_nester", role_nester },
	{ "t_soak", role_soak },
	{ "t_soakexit", role_soakexit },
	{ "t_crasher", role_crasher },
	{ 0 },
};
