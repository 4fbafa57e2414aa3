/* SPDX-License-Identifier: MIT */
/*
 * spawn builds its child in restartable pieces (issue 11, part four;
 * docs/performance.md, "Kernel time per entry"): a large spawn, and one
 * refused for its quota after counting what it needs, stay within the
 * bound and give back every frame they did not keep; a build given up
 * part-way (another call at the spawn's ecall, the spawner's exit, its
 * kill, its spawn capability revoked) gives back every frame too.
 *
 * The child being built shows in the registry as RIVET_DOMAIN_STARTING:
 * that is how t_build_parent knows a spawner of its own is part-way
 * through a build before it pulls the rug.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/syscall.h>

#include "child_quota.h"
#include "tests.h"

#define IMAGE	    "/libos/tests.elf"
#define BIG_SLOTS   16384
#define BIG_FRAMES  4096
#define HUGE_SLOTS  65000 /* a build of a few million instructions */
#define HUGE_FRAMES 2048
#define MID_SLOTS   65400
#define MID_FRAMES  4096
#define EV_MID_DONE (1UL << 4)
#define POLL_YIELDS 100000

static uint64_t insns(void)
{
	uint64_t n;

	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

static uint64_t free_frames(void)
{
	return sys2_kstat(KSTAT_FREE_FRAMES).val;
}

/* ------------------------------------------------ within the bound --- */

/* A 16,384-slot spawn (827,137 instructions in one entry before), then
 * one whose quota is too small for its slot array: refused with E_NOMEM
 * after the count, in short entries too, holding nothing after. */
static void role_build_bound(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	uint64_t frames = free_frames(), t;
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;
	unsigned long slot = 0;
	long rc;

	child_quota_ok("t_sleeper", BIG_FRAMES);
	t = insns();
	rc = rivet_spawn((unsigned long)sp, IMAGE, "t_sleeper", BIG_FRAMES,
			 BIG_SLOTS, 0, 0, &slot);
	printf("KTIME spawn_16384_slots %ld\n", (long)(insns() - t));
	EXPECT_EQ("build_big_spawn_succeeds", rc, 0);
	check_stretch("build_big_spawn_in_short_entries");
	EXPECT_EQ("build_big_child_runs",
		  rivet_domain_alive(rivet_domain_lookup("t_sleeper")), 1);
	EXPECT_EQ("build_big_child_killed", sys_kill(slot), 0);
	sys_cap_delete(slot);
	EXPECT_EQ("build_big_gives_back_every_frame", free_frames(), frames);

	t = insns();
	rc = rivet_spawn((unsigned long)sp, IMAGE, "t_sleeper", 64, BIG_SLOTS,
			 0, 0, &slot);
	printf("KTIME spawn_16384_slots_too_small %ld\n", (long)(insns() - t));
	EXPECT_EQ("build_too_small_refused", rc, E_NOMEM);
	check_stretch("build_too_small_in_short_entries");
	EXPECT_EQ("build_too_small_gives_back_every_frame", free_frames(),
		  frames);
	EXPECT_EQ("build_too_small_gives_back_the_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota);
	/* Hostile inputs still give their errors at once. */
	EXPECT_EQ("build_not_an_elf_refused",
		  rivet_spawn((unsigned long)sp, "/libos/junk.elf", "t_sleeper",
			      128, 16, 0, 0, &slot),
		  E_FORMAT);
	EXPECT_EQ("build_no_such_image_refused",
		  rivet_spawn((unsigned long)sp, "/libos/nothing.elf",
			      "t_sleeper", 64, 16, 0, 0, &slot),
		  E_NOENT);
	EXPECT_EQ("build_refusals_give_back_every_frame", free_frames(),
		  frames);
}

/* ---------------------------------- given up at the spawn's ecall --- */

/*
 * Slice-end entries for a spawn stopped at build_ecall between two
 * pieces. swap_slice_end points its a0 at small_req, so the ecall comes
 * back as another call: the build under way is given up. exit_slice_end
 * ends the spawner there instead.
 */
const uint64_t build_upcall_va = RIVET_UPCALL_VA;
uint64_t build_hits;
struct rivet_spawn small_req;

__asm__(".pushsection .text.build_entries, \"ax\"\n"
	".balign 4\n"
	".globl build_swap_slice_end\n"
	"build_swap_slice_end:\n"
	"	lla	gp, build_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t1, 0x10(gp)\n"
	"	lla	t0, build_ecall\n"
	"	bne	t0, t1, 1f\n"
	"	lla	a0, small_req\n"
	"	lla	t0, build_hits\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"1:	j	rivet_slice_entry\n"
	".balign 4\n"
	".globl build_exit_slice_end\n"
	"build_exit_slice_end:\n"
	"	lla	gp, build_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t1, 0x10(gp)\n"
	"	lla	t0, build_ecall\n"
	"	bne	t0, t1, 1f\n"
	"	li	a0, 7\n"
	"	li	a7, 5\n" /* SYS_exit */
	"	ecall\n"
	"1:	j	rivet_slice_entry\n"
	".popsection\n");
extern char build_swap_slice_end[], build_exit_slice_end[];
extern char rivet_slice_entry[];

/* SYS_spawn of req with its ecall at build_ecall. */
static __attribute__((noinline)) long build_spawn(struct rivet_spawn *req,
						  unsigned long *val)
{
	register long a0 __asm__("a0") = (long)req;
	register long a1 __asm__("a1") = 0;
	register long a7 __asm__("a7") = SYS_spawn;

	__asm__ volatile(".globl build_ecall\nbuild_ecall: ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a7)
			 :
			 : "memory", RIVET_SYSCALL_CLOBBERS);
	*val = (unsigned long)a1;
	return a0;
}

static void fill_req(struct rivet_spawn *r, long sp, const char *name,
		     unsigned long frames, unsigned long slots)
{
	memset(r, 0, sizeof(*r));
	r->spawn_slot = (unsigned long)sp;
	r->image = IMAGE;
	r->image_len = strlen(IMAGE);
	r->name = name;
	r->name_len = strlen(name);
	r->frames = frames;
	r->slots = slots;
}

static void role_build_giveup(void)
{
	_Static_assert(SYS_exit == 5, "build_exit_slice_end's a7");
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	uint64_t frames = free_frames();
	struct rivet_spawn big;
	unsigned long slot = 0;
	long rc;

	fill_req(&big, sp, "t_sleeper-huge", HUGE_FRAMES, HUGE_SLOTS);
	fill_req(&small_req, sp, "t_sleeper-small", child_frames(0), 16);
	EXPECT_EQ("giveup_build_entry_set",
		  set_slice_entry(build_swap_slice_end), 0);
	rc = build_spawn(&big, &slot);
	set_slice_entry(rivet_slice_entry);
	report("giveup_build_stopped_at_a_slice_end", build_hits >= 1,
	       "upcalls at the ecall %ld", (long)build_hits, 0);
	EXPECT_EQ("giveup_build_other_spawn_served", rc, 0);
	EXPECT_EQ("giveup_build_other_child_runs",
		  rivet_domain_alive(rivet_domain_lookup("t_sleeper-small")),
		  1);
	report("giveup_build_huge_child_never_ran",
	       !rivet_domain_alive(rivet_domain_lookup("t_sleeper-huge")),
	       "state %ld",
	       (long)rivet_domain_state(rivet_domain_lookup("t_sleeper-huge")),
	       0);
	sys_kill(slot);
	sys_cap_delete(slot);
	EXPECT_EQ("giveup_build_gives_back_every_frame", free_frames(), frames);
}

/* Spawned by t_build_parent: ends itself at a slice end in the middle
 * of a huge build. */
static void role_build_exiter(void)
{
	struct rivet_spawn big;
	unsigned long slot;

	fill_req(&big, 1, "t_sleeper-exit", HUGE_FRAMES, HUGE_SLOTS);
	set_slice_entry(build_exit_slice_end);
	fflush(stdout);
	build_spawn(&big, &slot);
	printf("TEST build_exiter_ended_at_the_slice_end: FAIL still "
	       "running\n");
}

/* -------------------------- the spawner killed, or its capability --- */

/* Spawned by t_build_parent with a copy of its spawn capability in
 * slot 1 and of its notification capability for itself in slot 2: starts a huge build, and says how it ended (the parent
 * kills it first, or revokes the capability). */
static void role_build_spawner(void)
{
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;
	uint64_t slots = sys2_kstat(KSTAT_FREE_SLOTS).val;
	const char *me = rivet_info()->name;
	unsigned long slot = 0;
	char child[32];
	long rc;

	snprintf(child, sizeof(child), "t_sleeper%s", me + strcspn(me, "-"));
	rc = rivet_spawn(1, IMAGE, child, HUGE_FRAMES, HUGE_SLOTS, 0, 0, &slot);
	/* Only the revoked one gets here. */
	EXPECT_EQ("revoked_mid_build_refused", rc, E_NOENT);
	EXPECT_EQ("revoked_mid_build_gives_back_the_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota);
	/* And the revoked capability's slot is free now. */
	EXPECT_EQ("revoked_mid_build_gives_back_the_slots",
		  sys2_kstat(KSTAT_FREE_SLOTS).val, slots + 1);
	sys_notify_cap(2, EV_MID_DONE);
	sys_wait(0x1); /* until killed */
}

/* Yields until the registry says name is in state (true), or it never
 * is. */
static int wait_state(const char *name, uint32_t state)
{
	long i, id;

	for (i = 0; i < POLL_YIELDS; i++) {
		id = rivet_domain_lookup(name);
		if (id > 0 && rivet_domain_state(id) == state)
			return 1;
		sys_yield_cap(RIVET_YIELD_ANY);
	}
	return 0;
}

static int wait_starting(const char *name)
{
	return wait_state(name, RIVET_DOMAIN_STARTING);
}

static unsigned long spawn_mid(long sp, const char *name)
{
	unsigned long caps[2] = { (unsigned long)sp,
				  (unsigned long)rivet_notify_slot(
					  "t_build_parent") },
		      slot = 0;
	long rc;

	child_quota_ok(name, MID_FRAMES);
	rc = rivet_spawn((unsigned long)sp, IMAGE, name, MID_FRAMES, MID_SLOTS,
			 caps, 2, &slot);
	if (rc)
		printf("TEST spawn_of_%s: FAIL rc %ld\n", name, rc);
	return slot;
}

static void role_build_parent(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	uint64_t frames = free_frames();
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;
	unsigned long slot;

	/* Killed while its child is being built. */
	slot = spawn_mid(sp, "t_build_spawner-k");
	report("killed_mid_build_child_starting", wait_starting("t_sleeper-k"),
	       "never STARTING", 0, 0);
	EXPECT_EQ("killed_mid_build_kill_succeeds", sys_kill(slot), 0);
	sys_cap_delete(slot);
	check_stretch("killed_mid_build_in_short_entries");
	EXPECT_EQ("killed_mid_build_gives_back_every_frame", free_frames(),
		  frames);
	EXPECT_EQ("killed_mid_build_gives_back_the_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota);

	/* Its spawn capability revoked while its child is being built. */
	slot = spawn_mid(sp, "t_build_spawner-r");
	report("revoked_mid_build_child_starting", wait_starting("t_sleeper-r"),
	       "never STARTING", 0, 0);
	EXPECT_EQ("revoked_mid_build_revoke_succeeds", sys_cap_revoke(sp), 0);
	sys_wait(EV_MID_DONE);
	sys_kill(slot);
	sys_cap_delete(slot);
	EXPECT_EQ("revoked_mid_build_gives_back_every_frame", free_frames(),
		  frames);

	/* Exits (at a slice end) while its child is being built: the
	 * registry says EXITED once everything is back. */
	slot = spawn_mid(sp, "t_build_exiter");
	report("exited_mid_build_all_back",
	       wait_state("t_build_exiter", RIVET_DOMAIN_EXITED),
	       "never EXITED", 0, 0);
	sys_cap_delete(slot);
	EXPECT_EQ("exited_mid_build_gives_back_every_frame", free_frames(),
		  frames);
	EXPECT_EQ("exited_mid_build_gives_back_the_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota);
}

const struct role spawn_build_roles[] = {
	{ "t_build_bound", role_build_bound },
	{ "t_build_giveup", role_build_giveup },
	{ "t_build_exiter", role_build_exiter },
	{ "t_build_spawner", role_build_spawner },
	{ "t_build_parent", role_build_parent },
	{ 0 },
};
