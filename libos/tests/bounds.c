/* SPDX-License-Identifier: MIT */
/*
 * Bounded kernel entries for calls that used to run in one long entry
 * (docs/performance.md, "Kernel time per entry"): debug_write of 4 KiB
 * and frame_alloc of a 512-page run now go in restartable pieces, and
 * their results are the same as before (the text written, the run
 * zeroed). KSTAT_STRETCH_MAX is the longest entry of any such piece since
 * boot (tests/qemu/test_bounds.py). Each KTIME line is what one call cost
 * in all, its pieces and the restarts between them included.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/syscall.h>

#include "child_quota.h"
#include "tests.h"

#define RUN_PAGES 512
#define RUN_VA	  0x40000000UL

static uint64_t insns(void)
{
	uint64_t n;

	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

static void debug_write_4k(void)
{
	char text[4096]; /* on the stack: the image stays small for spawns */
	uint64_t t;
	long rc;
	int i;

	for (i = 0; i < 4096; i++)
		text[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	t = insns();
	rc = sys_debug_write(text, sizeof(text));
	printf("KTIME debug_write_4k %ld\n", (long)(insns() - t));
	EXPECT_EQ("debug_write_4k_succeeds", rc, 0);
	check_stretch("debug_write_4k_in_short_entries");
	EXPECT_EQ("debug_write_too_long_refused",
		  sys_debug_write(text, sizeof(text) + 1), E_TOOBIG);
}

/* Maps slot's RUN_PAGES pages at RUN_VA; nonzero words found, if check,
 * else fills every word with a pattern. */
static long run_words(unsigned long slot, int check)
{
	volatile uint64_t *w = (volatile uint64_t *)RUN_VA;
	unsigned long i, n = RUN_PAGES * 4096 / 8;
	long dirty = 0;

	sys_map(slot, RUN_VA, RIVET_CAP_R | RIVET_CAP_W);
	for (i = 0; i < n; i++) {
		if (check)
			dirty += w[i] != 0;
		else
			w[i] = 0xa5a5a5a5a5a5a5a5UL;
	}
	sys_unmap(slot, RUN_VA);
	return dirty;
}

static void frame_alloc_run(void)
{
	uint64_t frames, t;
	unsigned long slot;
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, 1);

	/* Dirty frames go back to the free list, to be handed out again. */
	run_words(r.val, 0);
	sys_cap_delete(r.val);
	/* After the page tables that mapping took, kept until the end. */
	frames = sys2_kstat(KSTAT_FREE_FRAMES).val;
	t = insns();
	r = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, 1);
	printf("KTIME frame_alloc_512_pages %ld\n", (long)(insns() - t));
	report("frame_alloc_512_pages_succeeds",
	       r.rc == 0 && sys2_cap_info(r.val, RIVET_CAPINFO_SIZE).val ==
				    RUN_PAGES,
	       "rc %ld, size %ld", r.rc,
	       (long)sys2_cap_info(r.val, RIVET_CAPINFO_SIZE).val);
	check_stretch("frame_alloc_512_pages_in_short_entries");
	EXPECT_EQ("frame_alloc_512_pages_all_zeroed", run_words(r.val, 1), 0);
	EXPECT_EQ("frame_alloc_512_pages_charged",
		  sys2_kstat(KSTAT_FREE_FRAMES).val, frames - RUN_PAGES);
	slot = r.val;
	/* A megapage-aligned run, too (map and map_batch use them). */
	t = insns();
	r = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, RUN_PAGES);
	printf("KTIME frame_alloc_512_aligned_pages %ld\n",
	       (long)(insns() - t));
	EXPECT_EQ("frame_alloc_aligned_run_succeeds", r.rc, 0);
	check_stretch("frame_alloc_aligned_run_in_short_entries");
	sys_cap_delete(r.val);
	sys_cap_delete(slot);
	EXPECT_EQ("frame_alloc_runs_give_back_every_frame",
		  sys2_kstat(KSTAT_FREE_FRAMES).val, frames);
}

/*
 * The search for a run, over the whole frame table: one page aligned to
 * 2^18 pages (1 GiB) is nowhere in the test machine's RAM, so the
 * search looks at every frame, in pieces, and fails holding nothing. A
 * run named by its address is taken there, or refused if a frame of it
 * is not free, in pieces too.
 */
static void frame_alloc_search(void)
{
	uint64_t frames = sys2_kstat(KSTAT_FREE_FRAMES).val;
	uint64_t mine = sys2_kstat(KSTAT_MY_FRAMES).val, t, pa;
	struct rivet_ret r, held;

	t = insns();
	r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1UL << 18);
	printf("KTIME frame_alloc_search_of_the_whole_table %ld\n",
	       (long)(insns() - t));
	EXPECT_EQ("frame_alloc_search_without_a_run_fails", r.rc, E_NOMEM);
	check_stretch("frame_alloc_search_in_short_entries");
	report("frame_alloc_search_holds_nothing_after",
	       sys2_kstat(KSTAT_FREE_FRAMES).val == frames &&
		       sys2_kstat(KSTAT_MY_FRAMES).val == mine,
	       "free %ld, mine %ld",
	       (long)(sys2_kstat(KSTAT_FREE_FRAMES).val - frames),
	       (long)(sys2_kstat(KSTAT_MY_FRAMES).val - mine));
	/* The same run again, by its address. */
	r = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, 1);
	pa = sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val;
	sys_cap_delete(r.val);
	held = sys2_frame_alloc(pa + 100 * 4096, 1, 1);
	r = sys2_frame_alloc(pa, RUN_PAGES, 1);
	EXPECT_EQ("frame_alloc_named_run_with_a_busy_frame_refused", r.rc,
		  E_BUSY);
	sys_cap_delete(held.val);
	report("frame_alloc_named_run_refused_holds_nothing",
	       sys2_kstat(KSTAT_FREE_FRAMES).val == frames, "free %ld",
	       (long)(sys2_kstat(KSTAT_FREE_FRAMES).val - frames), 0);
	r = sys2_frame_alloc(pa, RUN_PAGES, 1);
	report("frame_alloc_named_run_taken_there",
	       r.rc == 0 &&
		       sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val == pa,
	       "rc %ld", r.rc, 0);
	sys_cap_delete(r.val);
	EXPECT_EQ("frame_alloc_search_gives_back_every_frame",
		  sys2_kstat(KSTAT_FREE_FRAMES).val, frames);
}

static void role_bounds(void)
{
	debug_write_4k();
	frame_alloc_run();
	frame_alloc_search();
}

/* ------------------------------------------ kill of a full space --- */

#define BIG_CHILD_SLOTS	 16384
#define BIG_CHILD_FRAMES 4096 /* 16 MiB */
#define BIG_CHILD_MAPS	 8192 /* kill > 2 slices of 2 ms (see below) */
#define EV_BIG_READY	 (1UL << 3)
#define BIG_MAP_VA	 0x1000000000UL

/*
 * Spawned by t_bounds_killer: fills its space with copies of one frame,
 * maps another BIG_CHILD_MAPS times, says so, and waits to be killed.
 */
static void role_big_child(void)
{
	struct rivet_map_entry batch[RIVET_MAP_BATCH_MAX]; /* as text above */
	unsigned long f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long m = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long i, j, last = f;
	struct rivet_ret r;

	/* Chains of 64 below the original: what the reaper revokes. */
	for (i = 0;; i++) {
		r = sys2_cap_derive(i % 64 ? last : f, -1UL, RIVET_CAP_R, 0);
		if (r.rc)
			break;
		last = r.val;
	}
	for (i = 0; i < BIG_CHILD_MAPS; i += RIVET_MAP_BATCH_MAX) {
		for (j = 0; j < RIVET_MAP_BATCH_MAX; j++) {
			batch[j].slot = m;
			batch[j].vaddr = BIG_MAP_VA + (i + j) * 4096;
			batch[j].rights = RIVET_CAP_R;
		}
		sys2_map_batch(batch, RIVET_MAP_BATCH_MAX);
	}
	printf("BIG child: %lu slots, %lu mappings\n",
	       (unsigned long)sys2_kstat(KSTAT_MY_SLOTS).val,
	       (unsigned long)sys2_kstat(KSTAT_MY_MAPPINGS).val);
	/* Slot 1: the spawner's notification capability for itself. */
	sys_notify_cap(RIVET_SLOT_PEER0, EV_BIG_READY);
	for (;;)
		sys2_wait(1UL << 40);
}

/*
 * Kills a spawned child with a full space: kill returns once everything
 * the child held is back (the spawner's quota and slots, every frame),
 * and none of its entries ran longer than the bound.
 */
static void role_bounds_killer(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	uint64_t frames = sys2_kstat(KSTAT_FREE_FRAMES).val;
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;
	uint64_t slots = sys2_kstat(KSTAT_FREE_SLOTS).val, t, used;
	unsigned long slot = 0,
		      me = (unsigned long)rivet_notify_slot(rivet_info()->name);
	long rc;

	/* spawn runs in restartable pieces (docs/performance.md): its cost
	 * in all, the restarts included. */
	child_quota_ok("t_big_child", BIG_CHILD_FRAMES);
	t = insns();
	rc = rivet_spawn((unsigned long)sp, "/libos/tests.elf", "t_big_child",
			 BIG_CHILD_FRAMES, BIG_CHILD_SLOTS, &me, 1, &slot);
	printf("KTIME spawn_16384_slots %ld\n", (long)(insns() - t));
	EXPECT_EQ("big_child_spawned", rc, 0);
	if (rc)
		return;
	sys2_wait(EV_BIG_READY);
	report("big_child_filled_its_space",
	       sys2_kstat(KSTAT_ALL_SLOTS).val >= BIG_CHILD_SLOTS, "slots %ld",
	       (long)sys2_kstat(KSTAT_ALL_SLOTS).val, 0);
	t = insns();
	used = rivet_info()->slices_used;
	rc = sys_kill(slot);
	used = rivet_info()->slices_used - used;
	printf("KTIME kill_full_space %ld\n", (long)(insns() - t));
	EXPECT_EQ("kill_of_a_full_space_succeeds", rc, 0);
	/* Millions of instructions: slices end while it runs. Two slice
	 * ends are certain only if the kill takes more than two slices
	 * (2 ms = 2M instructions under icount shift=0): 5.2M with 8,192
	 * mappings, where 2,048 gave 3.9M once the call path got cheaper. */
	report("kill_gives_up_the_cpu_while_it_runs", used >= 2,
	       "slices during the kill %ld", (long)used, 0);
	check_stretch("kill_of_a_full_space_in_short_entries");
	EXPECT_EQ("kill_gives_back_the_quota_before_it_returns",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota);
	sys_cap_delete(slot);
	EXPECT_EQ("kill_gives_back_the_slots", sys2_kstat(KSTAT_FREE_SLOTS).val,
		  slots);
	EXPECT_EQ("kill_gives_back_every_frame",
		  sys2_kstat(KSTAT_FREE_FRAMES).val, frames);
}

/* ------------------------------------ a frame_alloc given up part-way --- */

#define GIVEUP_PAGES 16384 /* 64 MiB: zeroing it spans many 1 ms slices */

/*
 * Slice-end entries for a frame_alloc stopped at giveup_ecall between two
 * pieces. giveup_slice_end rewrites its a1 (the page count) to 1, so the
 * ecall comes back as another call: the run held for the first must be
 * given back before the new one is served. exit_slice_end ends the
 * domain there instead: the reaper must give the run back.
 */
const uint64_t bounds_upcall_va = RIVET_UPCALL_VA;
uint64_t giveup_hits;

__asm__(".pushsection .text.bounds_entries, \"ax\"\n"
	".balign 4\n"
	".globl giveup_slice_end\n"
	"giveup_slice_end:\n"
	"	lla	gp, bounds_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t1, 0x10(gp)\n"
	"	lla	t0, giveup_ecall\n"
	"	bne	t0, t1, 1f\n"
	"	li	a1, 1\n"
	"	lla	t0, giveup_hits\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"1:	j	rivet_slice_entry\n"
	".balign 4\n"
	".globl exit_slice_end\n"
	"exit_slice_end:\n"
	"	lla	gp, bounds_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t1, 0x10(gp)\n"
	"	lla	t0, giveup_ecall\n"
	"	bne	t0, t1, 1f\n"
	"	li	a0, 7\n"
	"	li	a7, 5\n" /* SYS_exit */
	"	ecall\n"
	"1:	j	rivet_slice_entry\n"
	".popsection\n");
extern char giveup_slice_end[], exit_slice_end[];
/* The runtime's entries (libos/lib/upcall_entry.S). */
extern char rivet_slice_entry[];

/* frame_alloc(ANY, n, 1) with its ecall at giveup_ecall. */
static __attribute__((noinline)) long giveup_alloc(unsigned long n,
						   unsigned long *val)
{
	register long a0 __asm__("a0") = (long)RIVET_FRAME_ANY;
	register long a1 __asm__("a1") = (long)n;
	register long a2 __asm__("a2") = 1;
	register long a7 __asm__("a7") = SYS_frame_alloc;

	__asm__ volatile(".globl giveup_ecall\ngiveup_ecall: ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a7)
			 :
			 : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6",
			   "a3", "a4", "a5", "a6");
	*val = (unsigned long)a1;
	return a0;
}

static void role_giveup(void)
{
	_Static_assert(SYS_frame_alloc == 10 && SYS_exit == 5,
		       "giveup_alloc and exit_slice_end's a7");
	uint64_t frames = sys2_kstat(KSTAT_FREE_FRAMES).val;
	unsigned long slot = 0;
	long rc;

	EXPECT_EQ("giveup_entry_set", set_slice_entry(giveup_slice_end), 0);
	rc = giveup_alloc(GIVEUP_PAGES, &slot);
	set_slice_entry(rivet_slice_entry);
	report("giveup_run_stopped_at_a_slice_end", giveup_hits >= 1,
	       "upcalls at the ecall %ld", (long)giveup_hits, 0);
	report("giveup_other_call_served",
	       rc == 0 && sys2_cap_info(slot, RIVET_CAPINFO_SIZE).val == 1,
	       "rc %ld, size %ld", rc,
	       (long)sys2_cap_info(slot, RIVET_CAPINFO_SIZE).val);
	EXPECT_EQ("giveup_run_given_back", sys2_kstat(KSTAT_FREE_FRAMES).val,
		  frames - 1);
	sys_cap_delete(slot);
	EXPECT_EQ("giveup_every_frame_back", sys2_kstat(KSTAT_FREE_FRAMES).val,
		  frames);
	/* Now ended while it holds a run: the reaper gives it back (the
	 * kernel says so if a frame is left owned). */
	EXPECT_EQ("giveup_exit_entry_set", set_slice_entry(exit_slice_end), 0);
	fflush(stdout);
	giveup_alloc(GIVEUP_PAGES, &slot);
	printf("TEST giveup_exit_at_the_slice_end: FAIL still running\n");
}

const struct role bounds_roles[] = {
	{ "t_giveup", role_giveup },
	{ "t_bounds", role_bounds },
	{ "t_bounds_killer", role_bounds_killer },
	{ "t_big_child", role_big_child },
	{ 0 },
};
