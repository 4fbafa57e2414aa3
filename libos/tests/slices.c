/* SPDX-License-Identifier: MIT */
/*
 * Slice-end upcalls and strikes (tests/qemu/test_slices.py): a strike is
 * charged only for a slice-end upcall the kernel delivered and the domain
 * ignored. Each role installs a slice-end entry of its own that answers
 * the upcall in a chosen way instead of the runtime's, which yields.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "tests.h"

/* The entries below hard-code the two offsets they use. */
_Static_assert(UPCALL_T0 == 0x20 && UPCALL_T1 == 0x28, "upcall t0/t1");

extern char rivet_exc_light_entry[], rivet_slice_entry[];
extern char rivet_upcall_resume[], rivet_upcall_resume_end[];

/* Upcalls each entry has taken; written by the entries, read by C. */
volatile uint64_t miss_once_upcalls, deaf_upcalls;
/* The upcall area's address, for the entries: a 64-bit constant. */
const uint64_t slices_upcall_va = RIVET_UPCALL_VA;

/*
 * Both entries come in with t0/t1 free (the user's are in the area) and
 * every other register live. deaf_slice_end counts the upcall and goes
 * straight back to the interrupted code without yielding: an upcall
 * ignored. miss_once_slice_end does that the first time only, and from
 * then on takes the runtime's entry, which yields.
 */
__asm__(".pushsection .text.slices_entries, \"ax\"\n"
	".balign 4\n"
	".globl miss_once_slice_end\n"
	"miss_once_slice_end:\n"
	"	lla	t0, miss_once_upcalls\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"	addi	t1, t1, -1\n"
	"	beqz	t1, 1f\n" /* the first: ignore it */
	"	j	rivet_slice_entry\n"
	"1:	lla	gp, slices_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t0, 0x20(gp)\n"
	"	ld	t1, 0x28(gp)\n"
	"	j	rivet_upcall_resume\n"
	".balign 4\n"
	".globl deaf_slice_end\n"
	"deaf_slice_end:\n"
	"	lla	t0, deaf_upcalls\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"	lla	gp, slices_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t0, 0x20(gp)\n"
	"	ld	t1, 0x28(gp)\n"
	"	j	rivet_upcall_resume\n"
	".balign 4\n"
	".globl dodge_slice_end\n"
	"dodge_slice_end:\n"
	"	lla	t0, dodge_upcalls\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"1:	lla	t0, dodge_self\n"
	"	ld	a0, 0(t0)\n"
	"	li	a7, 26\n" /* SYS_yield_cap, to itself: gives nothing up */
	"	ecall\n"
	"	j	1b\n"
	".balign 4\n"
	".globl rekey_slice_end\n"
	"rekey_slice_end:\n" /* at rekey_ecall: a7 = map_batch, a1 = 0 */
	"	lla	gp, slices_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	ld	t1, 0x10(gp)\n"
	"	lla	t0, rekey_ecall\n"
	"	bne	t0, t1, 1f\n"
	"	li	a7, 13\n"
	"	li	a1, 0\n"
	"	lla	t0, rekey_hits\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"1:	j	rivet_slice_entry\n"
	".popsection\n");
extern char miss_once_slice_end[], deaf_slice_end[], dodge_slice_end[];
extern char rekey_slice_end[];
uint64_t rekey_hits;
uint64_t dodge_upcalls, dodge_self;

/*
 * Ignores its first slice-end upcall (one strike), then yields at every
 * later one, as a well-behaved domain does: it must be told again, and
 * never be charged again. Configured with strikes = 1, a second strike
 * would kill it before it reports.
 */
static void role_miss_once(void)
{
	uint64_t start = rivet_info()->slices_used;
	uint64_t strikes_after_miss;

	EXPECT_EQ("miss_once_entry_set", set_slice_entry(miss_once_slice_end),
		  0);
	/* Compute until the first upcall was charged... */
	while (rivet_info()->strikes == 0 &&
	       rivet_info()->slices_used < start + 20)
		;
	strikes_after_miss = rivet_info()->strikes;
	report("miss_once_charged_one_strike", strikes_after_miss == 1,
	       "strikes %ld after %ld upcalls", (long)strikes_after_miss,
	       (long)miss_once_upcalls);
	/* ... then through several more slices, each ended by an upcall. */
	while (miss_once_upcalls < 5 && rivet_info()->slices_used < start + 40)
		;
	report("miss_once_then_upcalled_again", miss_once_upcalls >= 5,
	       "upcalls %ld, slices %ld", (long)miss_once_upcalls,
	       (long)(rivet_info()->slices_used - start));
	report("miss_once_not_charged_again",
	       rivet_info()->strikes == 1 &&
		       sys2_kstat(KSTAT_MY_STRIKES).val == 1,
	       "strikes %ld", (long)rivet_info()->strikes, 0);
}

/*
 * Never yields: every slice-end upcall goes back to this loop. Each one
 * delivered is a strike; it prints each upcall so the harness can match
 * the strikes to them, until the kernel kills it.
 */
static void role_deaf(void)
{
	uint64_t seen = 0;

	EXPECT_EQ("deaf_entry_set", set_slice_entry(deaf_slice_end), 0);
	for (;;) {
		if (deaf_upcalls != seen) {
			seen = deaf_upcalls;
			printf("DEAF upcall %ld\n", (long)seen);
		}
	}
}

/*
 * Stays in its first slice-end upcall for good, calling yield_cap(itself),
 * which gives up nothing: it must be charged a strike every slice and be
 * killed like a deaf domain, not merely preempted.
 */
static void role_dodger(void)
{
	_Static_assert(SYS_yield_cap == 26, "dodge_slice_end's a7");
	/* Its `notify =` line for itself. */
	dodge_self = (uint64_t)rivet_notify_slot("t_dodger");
	EXPECT_EQ("dodger_entry_set", set_slice_entry(dodge_slice_end), 0);
	for (;;)
		;
}

/* A cap_revoke whose ecall is at rekey_ecall; a1 comes back in *a1. */
static __attribute__((noinline)) long rekey_revoke(unsigned long slot,
						   unsigned long *val)
{
	register long a0 __asm__("a0") = (long)slot;
	register long a1 __asm__("a1") = 0;
	register long a7 __asm__("a7") = SYS_cap_revoke;

	__asm__ volatile(".globl rekey_ecall\nrekey_ecall: ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a7)
			 :
			 : "memory", RIVET_SYSCALL_CLOBBERS);
	*val = (unsigned long)a1;
	return a0;
}

/*
 * A revoke stopped part-way at a slice end, whose ecall then runs as
 * another call with the same a0 (its slice-end entry rewrote a7 to
 * map_batch, with a count of 0): that call must start from nothing, not
 * take the revoke's count as entries it mapped.
 */
static void role_rekey(void)
{
	_Static_assert(SYS_map_batch == 13, "rekey_slice_end's a7");
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long root = r.val, last = root, i, val = 99;
	long rc;

	for (i = 0; r.rc == 0 && i < 60000; i++) {
		r = sys2_cap_derive(i % 64 == 0 ? root : last, -1UL,
				    RIVET_CAP_R, 0);
		last = r.val;
	}
	EXPECT_EQ("rekey_tree_built", i, 60000);
	EXPECT_EQ("rekey_entry_set", set_slice_entry(rekey_slice_end), 0);
	rc = rekey_revoke(root, &val);
	set_slice_entry(rivet_slice_entry);
	report("rekey_revoke_stopped_at_a_slice_end", rekey_hits == 1,
	       "upcalls at the ecall %ld", (long)rekey_hits, 0);
	report("rekeyed_call_starts_from_nothing", rc == 0 && val == 0,
	       "rc %ld, a1 %ld", rc, (long)val);
	EXPECT_EQ("rekey_revoke_finishes", sys2_cap_revoke(root).rc, 0);
}

/* ------------------------------------------ bounded revoke and delete --- */

#define BIG_SLOTS  65536	/* the role's `slots` */
#define BIG_MAPPED 1024		/* copies also mapped, so deleting unmaps */
#define BIG_MAP_VA 0x40000000UL /* where they go, a page each */

/*
 * The roles below fill map_batch requests of RIVET_MAP_BATCH_MAX entries
 * (12 KiB) in a buffer on their own stack, passed down: not in .bss,
 * where every domain started from tests.elf would pay for it
 * (docs/testing.md, "Test buffers"), nor in frames of their own, whose
 * mapping big_revoke_unmapped_every_copy would count.
 */
typedef struct rivet_map_entry map_batch_buf[RIVET_MAP_BATCH_MAX];

/*
 * Fills the space with copies of a fresh one-page frame: BIG_MAPPED of
 * them mapped, each a child of the original, the rest in chains of 64
 * below it. Returns the original's slot, or -1 after reporting what
 * failed.
 */
static long big_tree(map_batch_buf batch, const char *what,
		     unsigned long copies)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long root = r.val, last = root, i, n = 0, mapped = 0;

	for (i = 0; r.rc == 0 && i < copies; i++) {
		/* The mapped ones side by side below the original: revoked
		 * one after the other, the costliest run of steps. */
		r = sys2_cap_derive(i < BIG_MAPPED || i % 64 == 0 ? root : last,
				    -1UL, RIVET_CAP_R, 0);
		last = r.val;
		if (r.rc || i >= BIG_MAPPED)
			continue;
		batch[n].slot = last;
		batch[n].vaddr = BIG_MAP_VA + i * 4096;
		batch[n].rights = RIVET_CAP_R;
		if (++n == RIVET_MAP_BATCH_MAX || i + 1 == BIG_MAPPED) {
			mapped += sys2_map_batch(batch, n).val;
			n = 0;
		}
	}
	report(what, r.rc == 0 && i == copies && mapped == BIG_MAPPED,
	       "copies %ld, mapped %ld", (long)i, (long)mapped);
	return r.rc ? -1 : (long)root;
}

/*
 * One revoke of 65,534 copies, 1,024 of them mapped (the worst case the
 * issue measured: 18.6 ms with interrupts off), and one delete of an
 * original with as many: each runs in pieces, the domain's slice ends
 * while it runs (the runtime yields to t_revoke_peer and the call goes
 * on afterwards), a1 still counts every copy, and no kernel entry of
 * either spent more than STRETCH_MAX instructions in the capability code.
 */
static void big_batch(map_batch_buf batch);
static void many_mappings(map_batch_buf batch);

static void role_big_revoke(void)
{
	/* Every slot but the ones in use and the original's: 65,534. */
	map_batch_buf batch;
	uint64_t base = sys2_kstat(KSTAT_MY_SLOTS).val;
	unsigned long copies = BIG_SLOTS - base - 1;
	long root = big_tree(batch, "big_revoke_tree_built", copies);
	uint64_t slices = rivet_info()->slices_used, used;
	struct rivet_ret r;
	long stretch;

	if (root < 0)
		return;
	r = sys2_cap_revoke((unsigned long)root);
	used = rivet_info()->slices_used - slices;
	report("big_revoke_deletes_every_copy", r.rc == 0 && r.val == copies,
	       "rc %ld, count %ld", r.rc, (long)r.val);
	report("big_revoke_gives_up_the_cpu_while_it_runs", used >= 2,
	       "slices during the revoke %ld", (long)used, 0);
	EXPECT_EQ("big_revoke_unmapped_every_copy",
		  sys2_kstat(KSTAT_MY_MAPPINGS).val, 0);
	stretch = (long)sys2_kstat(KSTAT_STRETCH_MAX).val;
	printf("STRETCH revoke %ld\n", stretch);
	report("big_revoke_kernel_entries_stay_short",
	       stretch > 0 && stretch <= STRETCH_MAX,
	       "%ld instructions in one entry, bound %ld", stretch,
	       STRETCH_MAX);

	EXPECT_EQ("big_revoke_leaves_the_original", sys_cap_delete(root), 0);
	root = big_tree(batch, "big_delete_tree_built", copies);
	if (root < 0)
		return;
	slices = rivet_info()->slices_used;
	EXPECT_EQ("big_delete_of_the_original", sys_cap_delete(root), 0);
	used = rivet_info()->slices_used - slices;
	report("big_delete_gives_up_the_cpu_while_it_runs", used >= 2,
	       "slices during the delete %ld", (long)used, 0);
	EXPECT_EQ("big_delete_frees_every_slot", sys2_kstat(KSTAT_MY_SLOTS).val,
		  base);
	stretch = (long)sys2_kstat(KSTAT_STRETCH_MAX).val;
	printf("STRETCH delete %ld\n", stretch);
	report("big_delete_kernel_entries_stay_short",
	       stretch > 0 && stretch <= STRETCH_MAX,
	       "%ld instructions in one entry, bound %ld", stretch,
	       STRETCH_MAX);
	big_batch(batch);
	many_mappings(batch);
}

/*
 * map_batch of RIVET_MAP_BATCH_MAX one-page frames runs in pieces too:
 * every entry is mapped, a1 counts them all, and a batch with a bad entry
 * past the first piece stops there with a1 = the entries before it.
 */
static void big_batch(map_batch_buf batch)
{
	uint64_t maps = sys2_kstat(KSTAT_MY_MAPPINGS).val;
	unsigned long i, bad = RIVET_MAP_BATCH_MAX - 100;
	struct rivet_ret r;
	long stretch;

	for (i = 0; i < RIVET_MAP_BATCH_MAX; i++) {
		r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
		batch[i].slot = r.val;
		batch[i].vaddr = BIG_MAP_VA + i * 4096;
		batch[i].rights = RIVET_CAP_R | RIVET_CAP_W;
	}
	r = sys2_map_batch(batch, RIVET_MAP_BATCH_MAX);
	report("big_batch_maps_every_entry",
	       r.rc == 0 && r.val == RIVET_MAP_BATCH_MAX &&
		       sys2_kstat(KSTAT_MY_MAPPINGS).val ==
			       maps + RIVET_MAP_BATCH_MAX,
	       "rc %ld, count %ld", r.rc, (long)r.val);
	for (i = 0; i < RIVET_MAP_BATCH_MAX; i++) {
		sys_unmap(batch[i].slot, batch[i].vaddr);
		batch[i].vaddr += RIVET_MAP_BATCH_MAX * 4096;
	}
	batch[bad].rights = 0x100;
	r = sys2_map_batch(batch, RIVET_MAP_BATCH_MAX);
	report("big_batch_stops_at_a_bad_entry_in_a_later_piece",
	       r.rc == E_INVAL && r.val == bad, "rc %ld, count %ld", r.rc,
	       (long)r.val);
	r = sys2_kstat(KSTAT_STRETCH_MAX);
	stretch = (long)r.val;
	printf("STRETCH batch %ld\n", stretch);
	report("big_batch_kernel_entries_stay_short",
	       r.rc == 0 && stretch > 0 && stretch <= STRETCH_MAX,
	       "%ld instructions in one entry, bound %ld", stretch,
	       STRETCH_MAX);
}

/*
 * Maps slot at MANY_MAPS addresses; returns how many it mapped.
 */
#define MANY_MAPS   8192
#define MANY_MAP_VA 0x1000000000UL

static unsigned long map_many(map_batch_buf batch, unsigned long slot)
{
	unsigned long i, j, mapped = 0;

	for (i = 0; i < MANY_MAPS; i += RIVET_MAP_BATCH_MAX) {
		for (j = 0; j < RIVET_MAP_BATCH_MAX; j++) {
			batch[j].slot = slot;
			batch[j].vaddr = MANY_MAP_VA + (i + j) * 4096;
			batch[j].rights = RIVET_CAP_R;
		}
		mapped += sys2_map_batch(batch, RIVET_MAP_BATCH_MAX).val;
	}
	return mapped;
}

/*
 * One capability mapped 8,192 times: revoking the copy, then deleting
 * the original, unmaps them all, one mapping per step, in short entries.
 */
static void many_mappings(map_batch_buf batch)
{
	uint64_t maps = sys2_kstat(KSTAT_MY_MAPPINGS).val;
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long orig = r.val, copy;
	long stretch;

	copy = sys2_cap_derive(orig, -1UL, RIVET_CAP_R, 0).val;
	EXPECT_EQ("many_maps_of_a_copy", map_many(batch, copy), MANY_MAPS);
	r = sys2_cap_revoke(orig);
	report("many_maps_revoke_unmaps_them_all",
	       r.rc == 0 && r.val == 1 &&
		       sys2_kstat(KSTAT_MY_MAPPINGS).val == maps,
	       "rc %ld, mappings left %ld", r.rc,
	       (long)(sys2_kstat(KSTAT_MY_MAPPINGS).val - maps));
	EXPECT_EQ("many_maps_of_the_original", map_many(batch, orig),
		  MANY_MAPS);
	EXPECT_EQ("many_maps_delete_of_the_original", sys_cap_delete(orig), 0);
	EXPECT_EQ("many_maps_delete_unmaps_them_all",
		  sys2_kstat(KSTAT_MY_MAPPINGS).val, maps);
	stretch = (long)sys2_kstat(KSTAT_STRETCH_MAX).val;
	printf("STRETCH many %ld\n", stretch);
	report("many_maps_kernel_entries_stay_short",
	       stretch > 0 && stretch <= STRETCH_MAX,
	       "%ld instructions in one entry, bound %ld", stretch,
	       STRETCH_MAX);
}

/* Prints what one call of each kind still costs in one kernel entry
 * (the system call path included): docs/performance.md lists them. */
static void single_entry_costs(void)
{
	uint64_t t;
	unsigned long slot;

	t = rivet_instret();
	slot = sys2_frame_alloc(RIVET_FRAME_ANY, 512, 1).val;
	printf("KTIME frame_alloc_512_pages %ld\n",
	       (long)(rivet_instret() - t));
	t = rivet_instret();
	sys_map(slot, BIG_MAP_VA, RIVET_CAP_R | RIVET_CAP_W);
	printf("KTIME map_512_page_capability %ld\n",
	       (long)(rivet_instret() - t));
	t = rivet_instret();
	sys_cap_delete(slot);
	printf("KTIME delete_mapped_512_page_original %ld\n",
	       (long)(rivet_instret() - t));
}

/* Exits holding 65,534 copies (1,024 mapped) and a capability mapped
 * 8,192 times: exit releases them in restartable pieces, and the rest of
 * the teardown is measured (loglevel=7). */
static void role_teardown(void)
{
	map_batch_buf batch;
	uint64_t base = sys2_kstat(KSTAT_MY_SLOTS).val;

	big_tree(batch, "teardown_tree_built", BIG_SLOTS - base - 3);
	EXPECT_EQ("teardown_many_maps",
		  map_many(batch, sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val),
		  MANY_MAPS);
}

/* The same space, but the domain is killed (a fault with no handler):
 * the teardown runs in one entry, measured (loglevel=7). */
static void role_teardown_kill(void)
{
	map_batch_buf batch;
	uint64_t base = sys2_kstat(KSTAT_MY_SLOTS).val;

	big_tree(batch, "teardown_kill_tree_built", BIG_SLOTS - base - 3);
	EXPECT_EQ("teardown_kill_many_maps",
		  map_many(batch, sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val),
		  MANY_MAPS);
	sys_upcall_set(0, 0, 0, 0);
	__asm__ volatile("sw zero, 8(zero)"); /* a store to page 0 */
}

/* Waits for both to be gone, then checks that no kernel entry of the
 * exit ran long. */
static void role_teardown_peer(void)
{
	long a = rivet_domain_lookup("t_teardown");
	long b = rivet_domain_lookup("t_teardown_kill");
	struct rivet_ret r;

	while (rivet_domain_alive(a) || rivet_domain_alive(b))
		sys_yield_cap(RIVET_YIELD_ANY);
	r = sys2_kstat(KSTAT_STRETCH_MAX);
	printf("STRETCH exit %ld\n", (long)r.val);
	report("exit_kernel_entries_stay_short",
	       r.rc == 0 && r.val > 0 && (long)r.val <= STRETCH_MAX,
	       "%ld instructions in one entry, bound %ld", (long)r.val,
	       STRETCH_MAX);
	single_entry_costs(); /* after: some break the bound */
}

/* Runnable while t_big_revoke revokes: spins (yielding at each slice end,
 * through the runtime) until it has ended. */
static void role_revoke_peer(void)
{
	long id = rivet_domain_lookup("t_big_revoke");

	while (rivet_domain_alive(id))
		;
}

const struct role slices_roles[] = {
	{ "t_miss_once", role_miss_once },
	{ "t_deaf", role_deaf },
	{ "t_dodger", role_dodger },
	{ "t_rekey", role_rekey },
	{ "t_big_revoke", role_big_revoke },
	{ "t_revoke_peer", role_revoke_peer },
	{ "t_teardown", role_teardown },
	{ "t_teardown_kill", role_teardown_kill },
	{ "t_teardown_peer", role_teardown_peer },
	{ 0 },
};
