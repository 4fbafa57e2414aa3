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

#include "tests.h"

/* The entries below hard-code the two offsets they use. */
_Static_assert(UPCALL_T0 == 0x20 && UPCALL_T1 == 0x28, "upcall t0/t1");

extern char rivet_exc_entry[], rivet_slice_entry[];
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
	".popsection\n");
extern char miss_once_slice_end[], deaf_slice_end[];

static long set_slice_entry(const char *entry)
{
	return sys_upcall_set((unsigned long)rivet_exc_entry,
			      (unsigned long)entry,
			      (unsigned long)rivet_upcall_resume,
			      (unsigned long)rivet_upcall_resume_end);
}

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

const struct role slices_roles[] = {
	{ "t_miss_once", role_miss_once },
	{ "t_deaf", role_deaf },
	{ 0 },
};
